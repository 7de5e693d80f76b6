"""The rules of the road on screen, against a real server: shown after login, accepted, recorded."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from sync.server import push
from tests.conftest import World
from tests.server.harness import Deployment
from tests.server.tenants import add_organisation
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import count
from tests.ui.test_two_clients import session_on, synced
from ui.guidelines import GuidelinesDialog, GuidelinesWatch
from ui.task_form import TaskForm


def asked(qtbot: Any, watch: GuidelinesWatch) -> GuidelinesDialog:
    """The guidelines dialog `watch` shows, once it is on screen."""
    qtbot.waitUntil(lambda: watch.dialog is not None, timeout=15_000)
    assert watch.dialog is not None
    return watch.dialog


def test_guidelines_are_shown_after_login_and_accepting_them_is_recorded_on_the_server(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    # A neighbouring municipality on the same server publishes its own, newer set first:
    # Mette is asked for her own organisation's only (issue 16).
    add_organisation(fresh_knop_server.database, "org-b", "Bøgeby Kommune", {"s-b": "Bøgeby Skole"})
    for version in (1, 2):
        push.apply_as_admin_tool(
            fresh_knop_server.database, "guidelines.publish",
            {"audience": "bidding", "text_da": f"Naboens regler {version}", "text_en": "The neighbour's"}, "org-b",
        )
    for audience, words in (("bidding", "Be kind to colleagues"), ("outsiders", "Volunteers need a child-protection certificate")):
        push.apply_as_admin_tool(
            fresh_knop_server.database, "guidelines.publish",
            {"audience": audience, "text_da": words, "text_en": words}, world.org.id,
        )
    pc = machines(fresh_knop_server, world.school.id, "mette-pc")
    with pc:
        shell, window = session_on(qtbot, pc, "mette")
        try:
            watch = shell.guidelines
            dialog = asked(qtbot, watch)
            assert "Be kind to colleagues" in dialog.text.toPlainText()
            assert "child-protection" not in dialog.text.toPlainText()  # not hers at login
            assert "Naboens" not in dialog.text.toPlainText()  # another organisation's
            dialog.accept_button.click()
            qtbot.waitUntil(lambda: watch.dialog is None, timeout=5_000)
            synced(qtbot, shell, window)

            # Posting to outsiders shows the outsiders' guidelines to the poster.
            form = TaskForm(shell.context)
            qtbot.addWidget(form)
            form.audience.setCurrentIndex(form.audience.findData("external"))
            shown = form.outsiders_guidelines
            qtbot.waitUntil(lambda: shown.dialog is not None, timeout=10_000)
            assert shown.dialog is not None
            assert "child-protection" in shown.dialog.text.toPlainText()
            shown.dialog.accept_button.click()
            qtbot.waitUntil(lambda: shown.dialog is None, timeout=5_000)
            synced(qtbot, shell, window)
        finally:
            shell.shut_down()
    accepted = "SELECT count(*) FROM guideline_acceptances WHERE person_id = 'mette' AND audience = ? AND version = 1"
    assert count(fresh_knop_server, accepted, "bidding") == 1
    assert count(fresh_knop_server, accepted, "outsiders") == 1


def test_a_stray_enter_does_not_accept_the_guidelines(qtbot: Any) -> None:
    """The dialog opens when a sync brings new guidelines, maybe while someone types: Enter accepts nothing."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog

    from desktop.core.entities import Guideline
    from ui.guidelines import GuidelinesDialog

    shown = [Guideline(audience="bidding", version=2, text_da="Vær venlig", text_en="Be kind")]
    dialog = GuidelinesDialog(shown, "en")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(dialog.focusWidget() or dialog, key)
        qtbot.keyClick(dialog, key)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.accept_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


MARKDOWN = "# Sådan byder du\n\n- Svar **inden for en uge**\n- Vær *venlig*\n"


def _rendered(browser: Any) -> None:
    """`browser` shows MARKDOWN rendered: a heading, a list, bold; none of its source marks."""
    from PySide6.QtGui import QTextCursor

    shown = browser.toPlainText()
    assert "Sådan byder du" in shown and "inden for en uge" in shown
    assert "#" not in shown and "**" not in shown and "- Svar" not in shown
    document = browser.document()
    headings = [document.findBlockByNumber(n).blockFormat().headingLevel() for n in range(document.blockCount())]
    assert 3 in headings  # the text's own "#", under our heading (level 2)
    assert any(document.findBlockByNumber(n).textList() is not None for n in range(document.blockCount()))
    cursor = QTextCursor(document.find("inden for en uge"))
    assert cursor.charFormat().fontWeight() >= 600  # bold


def test_the_guidelines_are_shown_rendered_not_as_markdown_source(
    qtbot: Any, make_context: Any, demo_data: Any
) -> None:
    from desktop.core.entities import Guideline, Role
    from ui.guidelines import GuidelinesDialog
    from ui.rules_of_the_road import RulesOfTheRoadTab

    dialog = GuidelinesDialog([Guideline(audience="bidding", version=3, text_da=MARKDOWN, text_en="x")], "da")
    qtbot.addWidget(dialog)
    _rendered(dialog.text)

    # The admin writes Markdown, and sees it as people will before publishing.
    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    tab = RulesOfTheRoadTab(make_context(person=admin))
    qtbot.addWidget(tab)
    tab.text_da.setPlainText(MARKDOWN)
    tab.texts.setCurrentWidget(tab.preview)
    _rendered(tab.preview)


def posting_guidelines_for_mette(server: Deployment, machines: MachineFactory, world: World) -> Any:
    """Posting guidelines published on `server`, and Mette's PC (a context manager) to log in on."""
    push.apply_as_admin_tool(
        server.database, "guidelines.publish",
        {"audience": "posting", "text_da": "Skriv tydeligt", "text_en": "Write clearly"}, world.org.id,
    )
    return machines(server, world.school.id, "mette-pc")


def test_an_action_refused_for_guidelines_put_off_shows_them_again(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """"Not now" keeps the guidelines away at login; a try-out then had a bid refused for
    them with nothing in the session leading back to them short of logging out. Now the
    refused action shows them again, and accepting lets the same action through."""
    from desktop.core.ids import uuid7
    from desktop.core.rejection import Rejection

    pc = posting_guidelines_for_mette(fresh_knop_server, machines, world)
    with pc:
        shell, _window = session_on(qtbot, pc, "mette")
        try:
            watch = shell.guidelines
            asked(qtbot, watch).later_button.click()
            qtbot.waitUntil(lambda: watch.dialog is None, timeout=5_000)
            refused: list[BaseException] = []
            task = {"task_id": uuid7(), "site_id": world.school.id, "title": "Æbleplukning", "publish": True}
            shell.context.perform("task.create", task).failure(refused.append).run_in_background()
            qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
            assert isinstance(refused[0], Rejection) and refused[0].reason == "guidelines.not_accepted"
            dialog = asked(qtbot, watch)
            assert "Write clearly" in dialog.text.toPlainText()
            dialog.accept_button.click()
            qtbot.waitUntil(lambda: watch.dialog is None, timeout=5_000)
            done: list[object] = []
            shell.context.perform("task.create", task).success(done.append).run_in_background()
            qtbot.waitUntil(lambda: bool(done), timeout=10_000)
        finally:
            shell.shut_down()


def test_not_now_holds_for_the_session_across_language_switches(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """A try-out said "Ikke nu" and the guidelines came back at every language switch (the
    window built anew, with a watch that knew nothing of it). "Not now" holds for the session."""
    from tests.ui.driving import ask, language_chosen

    pc = posting_guidelines_for_mette(fresh_knop_server, machines, world)
    with pc:
        shell, window = session_on(qtbot, pc, "mette")
        try:
            asked(qtbot, shell.guidelines).later_button.click()
            qtbot.waitUntil(lambda: shell.guidelines.dialog is None, timeout=5_000)
            for _switch in range(2):
                language = "English" if shell.context.language == "da" else "Dansk"
                window = language_chosen(qtbot, shell, window, language)
                qtbot.waitUntil(lambda w=window: bool(w.board.count_label.text()), timeout=10_000)  # first page
                ask(qtbot, shell.context, lambda _store: None)  # after the watch's own question
                assert shell.guidelines.dialog is None, language
        finally:
            shell.shut_down()


def test_each_audiences_heading_stands_apart_from_the_text_above_it(
    qtbot: Any, make_context: Any, demo_data: Any
) -> None:
    """A try-out read "Skriv en klar titel." with the next heading right under it, no space
    between: Qt's Markdown gives headings no margin. Each heading after the first has a line's
    room above it, in the dialog and in the admin's preview."""
    from PySide6.QtGui import QFontMetricsF

    from desktop.core.entities import Guideline

    shown = [
        Guideline(audience="posting", version=1, text_da="Skriv en klar titel.", text_en="x"),
        Guideline(audience="bidding", version=1, text_da="# Mød op\n\nVær venlig.", text_en="x"),
    ]
    from desktop.core.entities import Role
    from ui.rules_of_the_road import RulesOfTheRoadTab

    def spaced(browser: Any, count: int) -> None:
        document = browser.document()
        line = QFontMetricsF(document.defaultFont()).height()
        blocks = [document.findBlockByNumber(n) for n in range(document.blockCount())]
        headings = [b for b in blocks if b.blockFormat().headingLevel() > 0]
        assert len(headings) == count
        for block in headings[1:]:
            assert block.blockFormat().topMargin() >= line, block.text()

    dialog = GuidelinesDialog(shown, "da")
    qtbot.addWidget(dialog)
    spaced(dialog.text, 3)
    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    tab = RulesOfTheRoadTab(make_context(person=admin))
    qtbot.addWidget(tab)
    tab.text_da.setPlainText("Skriv en klar titel.")
    tab.text_en.setPlainText("Write a clear title.")
    tab.texts.setCurrentWidget(tab.preview)
    spaced(tab.preview, 2)


def test_publishing_asks_first_and_the_hint_says_what_each_kind_governs(
    qtbot: Any, make_context: Any, demo_data: Any
) -> None:
    """A try-out: "Publish as a new version" published at once, though it makes everyone
    accept again, and the hint said "they cannot post or bid" for every kind of guidelines."""
    from desktop.core.entities import Guideline, Role
    from tests.ui.driving import ask
    from ui.rules_of_the_road import RulesOfTheRoadTab

    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    context = make_context(person=admin)
    tab = RulesOfTheRoadTab(context)
    qtbot.addWidget(tab)
    hints = {}
    for audience in ("posting", "bidding", "outsiders"):
        tab.audience.setCurrentIndex(tab.audience.findData(audience))
        hints[audience] = tab.note.text()
    assert "bid" not in hints["posting"] and "post" not in hints["bidding"]
    assert "volunteers" in hints["outsiders"] and len(set(hints.values())) == 3

    def versions(store: Any) -> int:
        """The current bidding guidelines' version (0: none)."""
        current = store.get(Guideline, admin.organisation_id, "bidding")
        return current.version if current is not None else 0

    before = ask(qtbot, context, versions)
    tab.audience.setCurrentIndex(tab.audience.findData("bidding"))
    tab.text_da.setPlainText("Vær venlig")
    tab.text_en.setPlainText("Be kind")
    tab.publish_button.click()
    box = tab.publish_question
    assert box is not None and box.isVisible() and "cannot bid on tasks" in box.text()
    assert box.defaultButton().text() == "Cancel"
    box.defaultButton().click()
    qtbot.waitUntil(lambda: tab.publish_question is None)
    assert ask(qtbot, context, versions) == before and tab.done.text() == ""
    tab.publish_button.click()
    box = tab.publish_question
    assert box is not None
    version = before + 1
    assert f"version {version}" in box.text()
    next(b for b in box.buttons() if b.text() == "Publish").click()
    qtbot.waitUntil(lambda: "Published" in tab.done.text(), timeout=10_000)
    qtbot.waitUntil(lambda: ask(qtbot, context, versions) == version, timeout=10_000)


def test_the_demos_volunteer_accepts_the_outsiders_guidelines_before_bidding(
    qtbot: Any, make_context: Any, demo_data: Any, demo_store: Any, tmp_path: Any
) -> None:
    """Try-out 21 as Ole, the demo's volunteer: the guidelines the demo publishes come up when he
    starts; put off ("Not now"), his bid is refused with the reason and they come up again;
    accepted, the same bid goes in, with what he wrote."""
    from desktop.core import permissions
    from desktop.core.entities import Bid, BidStatus, Guideline, TaskStatus
    from desktop.core.ids import utc_now
    from desktop.store import Store
    from sync.server import demo_seed, migrations, storage
    from tests.ui.driving import ask, shown
    from ui.task_view import TaskView

    server = storage.Database(tmp_path / "server.sqlite3", pool_size=1)
    try:
        migrations.migrate(server)
        demo_seed.seed(server, demo_data)
        demo_seed.publish_guidelines(server, demo_data)
        with server.read() as s:
            published = s.fetch(Guideline, "1 = 1")
    finally:
        server.close()
    store = Store(demo_store)  # as Ole's PC pulls them
    with store.transaction():
        store.put_rows(Guideline, (g.to_row() for g in published))
    store.close()

    ole = next(p for p in demo_data.people if p.username == "ole")
    blocked = {r.task_id for r in demo_data.requirements if "block" in r.requirements.values()}
    mine = {b.task_id for b in demo_data.bids if b.bidder_id == ole.id}
    today = utc_now()[:10]
    task = next(
        t for t in demo_data.tasks
        if t.status == TaskStatus.OPEN and permissions.may_bid_on(ole, t) and t.id not in mine
        and t.id not in blocked and (t.bid_deadline is None or t.bid_deadline >= today)
    )
    context = make_context("ole", language="en")
    view = shown(qtbot, TaskView(context, task.id))
    watch = GuidelinesWatch(context, view)
    watch.start()  # what the shell does at login
    dialog = asked(qtbot, watch)
    assert "Confidentiality" in dialog.text.toPlainText()
    assert "You can bid on tasks once you have accepted them." in dialog.findChild(QLabel, "guidelinesIntro").text()
    dialog.later_button.click()
    qtbot.waitUntil(lambda: watch.dialog is None)

    qtbot.waitUntil(lambda: view.place_button.isVisible() and view.place_button.isEnabled(), timeout=10_000)
    view.bid_message.setPlainText("Jeg kører gerne og hjælper til.")
    view.place_button.click()
    again = asked(qtbot, watch)  # the refused bid leads back to them
    assert view.bid_problem.text() == "Read and accept the organisation's current guidelines first."
    assert view.bid_message.toPlainText() == "Jeg kører gerne og hjælper til."  # nothing typed is lost
    again.accept_button.click()
    qtbot.waitUntil(lambda: watch.dialog is None)
    qtbot.waitUntil(lambda: view.place_button.isEnabled(), timeout=10_000)
    view.place_button.click()

    def his_bid(store: Store) -> list[Bid]:
        return [b for b in store.bids_on(task.id) if b.bidder_id == ole.id]

    qtbot.waitUntil(lambda: bool(ask(qtbot, context, his_bid)), timeout=10_000)
    (bid,) = ask(qtbot, context, his_bid)
    assert bid.status == BidStatus.PENDING and bid.message == "Jeg kører gerne og hjælper til."
