"""A new user's try-out of the demo (Xvfb, Danish, 1280x800 and 1024x768): words and quiet states.

Each test names what the try-out saw; each fails on the code before its fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from desktop.core import permissions
from desktop.core.entities import BidStatus, LendingPolicy, TaskStatus
from sync.server import demo
from tests.ui.driving import no_message_boxes, person_by_id, shown, styled  # noqa: F401 - autouse fixture
from tests.ui.test_notifications import lend
from ui.context import AppContext
from ui.oversight_lending import LENDING_COLUMN, LendingScreen
from ui.review import ReviewPage
from ui.task_view import TaskView


@pytest.fixture
def danish() -> Iterator[None]:
    """The real style sheet and the Danish words: what the try-out saw."""
    with styled("da"):
        yield


def test_a_bids_availability_reads_as_danish_writes_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, danish: None
) -> None:
    """The review's card said "Kan: Hverdage 8-15": a clipped label, a capital after it, a hyphen."""
    bid = next(
        b for b in demo_data.bids if b.availability == "Hverdage 8-15" and b.status != BidStatus.WITHDRAWN
    )
    task = next(t for t in demo_data.tasks if t.id == bid.task_id)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    page = shown(qtbot, ReviewPage(manager, task.id))
    qtbot.waitUntil(lambda: bid.id in page.cards)
    assert "Hvornår: hverdage 8\u201315" in page.cards[bid.id].offer.text().replace("\u200b", "")


def test_the_empty_conversation_points_to_the_box_below_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, danish: None
) -> None:
    """It said "Ingen kommentarer endnu. Stil et spørgsmål her." on a list that takes no typing."""
    context = make_context("anna")
    commented = {c.task_id for c in demo_data.comments}
    task = next(
        t for t in demo_data.tasks
        if t.status == TaskStatus.OPEN and t.id not in commented and permissions.may_bid_on(context.person, t)
    )
    view = shown(qtbot, TaskView(context, task.id))
    qtbot.waitUntil(lambda: view.comment_box.isEnabled())
    assert view.conversation.toPlainText() == "Ingen kommentarer endnu. Skriv dit spørgsmål i feltet nedenfor."
    box_top = view.comment_box.mapTo(view, view.comment_box.rect().topLeft()).y()
    assert box_top > view.conversation.mapTo(view, view.conversation.rect().bottomLeft()).y()  # below it
    assert view.conversation.isReadOnly()


def test_with_lending_off_the_lending_screen_says_so_and_offers_nothing_to_do(
    qtbot: Any, make_context: Callable[..., AppContext], danish: None
) -> None:
    """Lending off: the screen still showed the message field, greyed Approve buttons and an empty
    "Udlån" column. It now says lending is off and who can turn it on; with approval, the field is back."""
    context = make_context("mette")
    lend(qtbot, context, LendingPolicy.OFF)
    screen = shown(qtbot, LendingScreen(context), size=(1280, 720))
    qtbot.waitUntil(lambda: screen.work_model.rowCount() > 0, timeout=10_000)
    assert "hverken godkendelse eller besked" in screen.policy.text() and "administrator" in screen.policy.text()
    assert not any(w.isVisible() for w in (screen.note, screen.approve_button, screen.refuse_button))
    assert all(not w.bid.lending for w in screen.work_model.rows())
    assert screen.work_view.isColumnHidden(LENDING_COLUMN)

    lend(qtbot, context, LendingPolicy.APPROVE)
    qtbot.waitUntil(lambda: screen.note.isVisible(), timeout=10_000)
    assert screen.approve_button.isVisible() and "godkendelse" in screen.policy.text()


def test_news_of_a_long_task_shortens_the_title_and_keeps_the_sentences_end(
    qtbot: Any, make_context: Callable[..., AppContext], danish: None
) -> None:
    """At 1280 px the status bar read "Ny opgave “Vikar for svømmeundervisning i 3. klasse på …":
    what the news says about the task was cut off with the title's end."""
    from desktop.core.notices import NoticeKind, describe
    from ui.main_window import MainWindow

    window = MainWindow(make_context("anna"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    title = "Vikar for svømmeundervisning i 3. klasse på Vestermarkskolen, mandage og onsdage hele efteråret"
    news = describe(NoticeKind.TASK_FITS_SKILLS, {"title": title})
    window.bell.desktop.say_again(news)
    told = window.told
    qtbot.waitUntil(lambda: told.isVisible() and told.width() > 0)
    whole = news.text("da")
    qtbot.waitUntil(lambda: told._shown != whole)  # it does not fit beside the sync state
    assert told._shown.endswith("passer til dine kompetencer.")
    assert told._shown.startswith("Ny opgave ") and "…" in told._shown
    assert told.fontMetrics().horizontalAdvance(told._shown) <= told.contentsRect().width()
    assert told.toolTip() == whole


def test_the_empty_conversation_is_read_whole_at_1024_px(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, danish: None
) -> None:
    """Try-out 6: Ole at 1024 px read "Ingen kommentarer endnu. Skriv dit spørgsmål i feltet"
    on a task with no comments; "nedenfor." was cut off."""
    context = make_context("ole")
    commented = {c.task_id for c in demo_data.comments}
    task = next(
        t for t in demo_data.tasks
        if t.status == TaskStatus.OPEN and t.id not in commented and permissions.may_bid_on(context.person, t)
    )
    view = shown(qtbot, TaskView(context, task.id), (1024, 700))
    qtbot.waitUntil(lambda: view.comment_box.isEnabled())
    conversation = view.conversation
    said = "Ingen kommentarer endnu. Skriv dit spørgsmål i feltet nedenfor."
    assert conversation.toPlainText() == said  # in the list itself, where it wraps
    document = conversation.document()
    assert document.size().width() <= conversation.viewport().width()
    assert document.size().height() <= conversation.viewport().height()
    view.resize(720, 700)  # the window's least width: it wraps onto more lines, still whole
    qtbot.waitUntil(lambda: document.size().width() <= conversation.viewport().width())
    assert document.size().height() <= conversation.viewport().height()


def test_the_news_takes_the_room_the_sync_state_leaves_at_1280_px(
    qtbot: Any, make_context: Callable[..., AppContext], danish: None
) -> None:
    """Try-out 6: Ole's login news read "En leder har afvist dit bud på »Hjælp til t…«: »Tak!
    Opgav…" in some 430 px, while the sync state beside it had room to spare."""
    from desktop.core.notices import NoticeKind, describe
    from ui.main_window import MainWindow

    window = MainWindow(make_context("ole"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    news = describe(
        NoticeKind.BID_DECLINED,
        {"title": "Hjælp til tablets og videoopkald", "who": "En leder", "message": "Tak!"},
    )
    window.bell.desktop.say_again(news)
    told, status = window.told, window.status
    qtbot.waitUntil(lambda: told.isVisible() and told.width() > 0)
    window.grab()  # laid out as on screen
    qtbot.waitUntil(lambda: status.width() >= status.sizeHint().width())  # the sync state whole
    assert told.geometry().right() < status.x()  # beside it, not over it
    # The news has all the sync state leaves it: the sync state is no wider than it asks.
    assert status.width() - status.sizeHint().width() <= 4, (told.width(), status.width())
    assert len(told._shown) > 65, told._shown  # more than a heading's 60 characters
    window.tear_down()


@pytest.mark.parametrize(("language", "opening", "closing"), [("da", "»", "«"), ("en", "“", "”")])
def test_a_title_and_a_message_are_quoted_alike_in_the_news_and_on_the_review(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData,
    language: str, opening: str, closing: str,
) -> None:
    """Notifications quoted a task's title with “…”, the review's cards with »…«, in Danish."""
    from desktop.core.notices import NoticeKind, describe
    from ui.main_window import MainWindow

    with styled(language):
        bid = next(b for b in demo_data.bids if b.decision_message and b.status == BidStatus.DECLINED)
        task = next(t for t in demo_data.tasks if t.id == bid.task_id)
        manager = make_context(person_by_id(demo_data, task.poster_id).username, language)
        page = shown(qtbot, ReviewPage(manager, task.id))
        qtbot.waitUntil(lambda: bid.id in page.cards)
        card_text = page.cards[bid.id].status.text().replace("\u200b", "")
        assert f"{opening}{bid.decision_message}{closing}" in card_text

        window = MainWindow(make_context("anna", language))
        qtbot.addWidget(window)
        window.show()
        news = describe(NoticeKind.BID_DECLINED, {"title": task.title, "who": "Mette", "message": "Tak!"})
        window.bell.desktop.say_again(news)
        qtbot.waitUntil(lambda: window.told.isVisible())
        assert f"{opening}{task.title}{closing}" in window.told.text()
        assert window.told.text().endswith(f"{opening}Tak!{closing}")


def test_guidelines_have_one_name_one_word_for_version_and_say_what_they_apply_to(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, danish: None
) -> None:
    """The admin tab said "Færdselsregler", the dialog "Retningslinjer" and "Udgave 3" (against the
    admin's "version"), and promised "... og byde" over guidelines for posting tasks only."""
    from PySide6.QtCore import QObject

    from desktop.core.entities import Guideline, Role
    from ui.admin_screen import AdminScreen
    from ui.guidelines import GuidelinesDialog

    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    screen = AdminScreen(make_context(person=admin), fetcher=lambda _name, _params: {})
    qtbot.addWidget(screen)
    tab = next(
        screen.tabs.tabText(i) for i in range(screen.tabs.count()) if screen.tabs.widget(i).isAncestorOf(screen.rules)
    )
    assert tab.replace("&", "") == "Retningslinjer"

    posting = Guideline(audience="posting", version=3, text_da="Vær venlig.", text_en="Be kind.")
    dialog = GuidelinesDialog([posting], "da", organisation="Bøgeby Kommune")
    qtbot.addWidget(dialog)
    intro = dialog.findChild(QObject, "guidelinesIntro").text()
    assert "slå opgaver op" in intro and "byde" not in intro
    assert "Version 3" in dialog.text.toPlainText() and "Udgave" not in dialog.text.toPlainText()

    outsider = Guideline(audience="outsiders", version=1, text_da="Tak.", text_en="Thanks.")
    dialog = GuidelinesDialog([outsider], "da", external=True)
    qtbot.addWidget(dialog)
    intro = dialog.findChild(QObject, "guidelinesIntro").text()
    assert "byde på opgaver" in intro and "slå" not in intro


def test_the_administrations_refresh_button_shares_the_headings_row(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, danish: None
) -> None:
    """Refresh ("Opdatér") stood alone in a tall empty row between the heading and the tabs."""
    from desktop.core.entities import Role
    from ui.admin_screen import AdminScreen

    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    screen = shown(
        qtbot, AdminScreen(make_context(person=admin), fetcher=lambda _name, _params: {}), size=(1280, 760)
    )
    heading = next(label for label in screen.findChildren(QLabel) if "Administration" in label.text())
    button = screen.refresh_button.geometry()
    assert heading.geometry().top() <= button.center().y() <= heading.geometry().bottom()
    assert not screen.done.isVisible()  # nothing done yet: no empty line either
    assert screen.tabs.y() - max(heading.geometry().bottom(), button.bottom()) < 3 * screen.fontMetrics().height()
    screen.done.setText("Enheden er tilbagekaldt.")
    assert screen.done.isVisible()


@pytest.mark.parametrize("height", [768, 728])  # the screen, and the screen less a panel and a title bar
def test_the_new_task_forms_skill_buttons_are_whole_at_1024_px(
    qtbot: Any, make_context: Callable[..., AppContext], danish: None, height: int
) -> None:
    """At 1024x768 "Fjern kompetence" sat under the chosen list, the form's lowest widget, half hidden."""
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.driving import wholly_visible
    from ui.main_window import MainWindow
    from ui.task_form import TaskForm

    window = MainWindow(make_context("anna"))
    qtbot.addWidget(window)
    window.resize(1024, height)
    window.show()
    qtbot.waitExposed(window)
    window.new_task()
    qtbot.waitUntil(lambda: window.findChild(TaskForm) is not None and window.findChild(TaskForm).isVisible())
    form = window.findChild(TaskForm)
    area = next(a for a in form.findChildren(QScrollArea) if a.widget().isAncestorOf(form.picker))
    for button in (form.remove_skill_button, form.picker.add_button, form.picker.tag_button):
        qtbot.waitUntil(lambda button=button: wholly_visible(area, button))
        assert button.width() >= button.sizeHint().width()  # its words whole
    # Level with the catalogue's buttons, not below them.
    remove, add = (b.mapTo(form, b.rect().bottomLeft()).y() for b in (form.remove_skill_button, form.picker.add_button))
    assert abs(remove - add) <= 2


def test_the_refusal_of_a_blocked_bid_says_what_the_form_said_before_it(
    qtbot: Any, make_context: Callable[..., AppContext], danish: None
) -> None:
    """Ole's form said "Du kan ikke byde endnu: …", the refusal (the server's words, on the wire)
    "The task requires …: A site manager or HR can verify it for you", which an outsider has neither of."""
    from desktop.core.ids import uuid7
    from desktop.core.rejection import Rejection
    from tests.ui.test_reach import external_task

    manager = make_context("mette")
    task_id = external_task(qtbot, manager, {"child_protection": "block"})
    manager.close()
    ole = make_context("ole")
    view = shown(qtbot, TaskView(ole, task_id))
    qtbot.waitUntil(lambda: "byde endnu" in view.my_bid_state.text())
    refused: list[Any] = []
    ole.perform("bid.place", {"bid_id": uuid7(), "task_id": task_id}).failure(refused.append).run_in_background()
    qtbot.waitUntil(lambda: bool(refused))
    rejection = refused[0]
    assert isinstance(rejection, Rejection) and rejection.reason == "bid.lacks_credentials"
    said = rejection.to_wire()["message"]  # what the server sends with the reason, for logs and old clients
    assert view.my_bid_state.text().replace("\u200b", "") == said["da"] + " Spørg i samtalen herunder."
    assert "Lederen af " in said["da"] and "HR" not in said["da"]  # an outsider has no HR of theirs
    assert said["en"].endswith("The manager of Plejecenter Solhaven can verify credentials for you.")


def test_news_with_a_long_title_and_a_long_message_keeps_a_little_of_each(
    qtbot: Any, make_context: Callable[..., AppContext], danish: None
) -> None:
    """Ole's first login: "En leder har afvist dit bud på »Hjælp til tablets og videoo…", no word of the message."""
    from desktop.core.notices import NoticeKind, describe
    from ui.main_window import MainWindow

    window = MainWindow(make_context("ole"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    title = "Hjælp til tablets og videoopkald for beboere på Bakkegården Plejecenter"
    message = "Tak for dit bud – vi har fundet en anden denne gang, men skriv endelig igen næste gang."
    window.bell.desktop.say_again(describe(NoticeKind.BID_DECLINED, {"title": title, "message": message}))
    told = window.told
    qtbot.waitUntil(lambda: told.isVisible() and told._shown != told.text())
    assert "«: »Tak for" in told._shown  # the title shortened inside its marks, the message begun
    assert told.fontMetrics().horizontalAdvance(told._shown) <= told.contentsRect().width()
