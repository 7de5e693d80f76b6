"""Try-out s36 on the review of bids and on the task view, with real widgets, Danish where words matter.

- The review's cards were 265 px wide whatever the room, a long message pushed the facts to
  compare below the fold, the facts sat at different heights across cards, and with seven
  bids the page scrolled both ways with a card cut in half.
- After an accept the keys landed on the next bidder's "Accepter"; "Afvis resten" did not say
  that a seat was still free.
- While a lending waited for approval the header said "Alle pladser besat" and "Markér
  opgaven som afsluttet" was enabled, only to refuse after the click.
- The task view: "Send kommentar" scrolled out of view; Enter in "Hvornår kan du" did
  nothing; a caret blinked in the read-only sentence after "Afgiv bud"; Alt+N typed "n";
  HR, managing a task, was offered a bid on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from sync.server import demo
from desktop.core import permissions
from desktop.core.entities import BidStatus, Lending, Person, Role, TaskStatus
from tests.ui.driving import (  # noqa: F401 - no_message_boxes is an autouse fixture
    ask,
    bidding_view,
    bids_of,
    no_message_boxes,
    person_by_id,
    shown,
    styled,
)
from tests.ui.test_review import _asked_to_decline_the_rest, three_bids_on_seats
from ui.context import AppContext
from ui.review import BidCard, ReviewPage
from ui.task_view import TaskView

CLICK = Qt.MouseButton.LeftButton
LAPTOP = (1366, 640)  # the review's or the task view's own size in a 1366x768 window


def pending_count(data: demo.DemoData, task_id: str) -> int:
    return sum(b.status == BidStatus.PENDING for b in bids_of(data, task_id))


def open_task_with_pending(data: demo.DemoData, fewest: int, most: int = 1000) -> Any:
    return next(
        t for t in data.tasks
        if t.status == TaskStatus.OPEN and t.accepted_count == 0 and fewest <= pending_count(data, t.id) <= most
    )


def review(qtbot: Any, make_context: Callable[..., AppContext], data: demo.DemoData, task: Any,
           size: tuple[int, int] = LAPTOP, before: Callable[[AppContext], object] = lambda _m: None) -> ReviewPage:
    manager = make_context(person_by_id(data, task.poster_id).username)
    before(manager)
    return shown(qtbot, ReviewPage(manager, task.id), size=size)


def inside(area: QWidget, widget: QWidget) -> bool:
    """Whether `widget` lies wholly inside `area` sideways."""
    left = widget.mapTo(area, QPoint(0, 0)).x()
    return left >= 0 and left + widget.width() <= area.width()


def test_two_cards_share_the_width(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    with styled("da"):  # the real fonts: the sizes people see
        page = review(qtbot, make_context, demo_data, open_task_with_pending(demo_data, 2, 2))
    cards = list(page.cards.values())
    room = page.strip.viewport().width()
    used = sum(c.width() for c in cards)
    assert used >= 0.75 * room, (used, room)  # was 2 x 265 px of about 1330


def test_many_cards_wrap_to_rows_and_never_scroll_sideways(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = max(
        (t for t in demo_data.tasks if t.status == TaskStatus.OPEN and t.accepted_count == 0),
        key=lambda t: pending_count(demo_data, t.id),
    )
    for size in ((1366, 640), (1024, 640)):
        with styled("da"):  # the real fonts: the sizes people see
            page = review(qtbot, make_context, demo_data, task, size=size)
        assert len(page.cards) >= 4
        viewport, cards = page.strip.viewport(), list(page.cards.values())
        qtbot.waitUntil(lambda: all(inside(viewport, c) for c in cards))  # noqa: B023 - waited for here
        assert page.strip.horizontalScrollBar().maximum() == 0
        if size[0] == 1024:
            tops = {c.y() for c in page.cards.values()}
            assert len(tops) >= 2  # on rows, not a strip wider than the window
        page.close()


def test_a_long_message_is_cut_to_its_first_lines_and_the_facts_line_up(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = open_task_with_pending(demo_data, 2, 3)
    long_one = next(b for b in bids_of(demo_data, task.id) if b.status == BidStatus.PENDING)
    message = "Jeg har undervist i svømning i mange år og kender 3. klasse godt. " * 9  # about 600 characters

    def lengthen(manager: AppContext) -> None:
        ask(qtbot, manager, lambda s: s.execute("UPDATE bids SET message = ? WHERE id = ?", (message, long_one.id)))

    with styled("da"):
        page = review(qtbot, make_context, demo_data, task, before=lengthen)
        card: BidCard = page.cards[long_one.id]
        others = [c for c in page.cards.values() if c is not card]
        shown_text = card.message.text()
        assert len(shown_text) < 0.7 * len(message) and shown_text.endswith("…"), shown_text
        assert card.more_button.isVisible() and card.more_button.text() == "Vis mere"
        # The facts to compare start at the same height in every card of the row.
        for part in ("offer", "record", "skills_heading"):
            heights = {getattr(c, part).mapTo(page, QPoint(0, 0)).y() for c in [card, *others]}
            assert len(heights) == 1, (part, heights)
        # And they are above the fold, in view without scrolling.
        viewport = page.strip.viewport()
        assert card.record.mapTo(viewport, QPoint(0, card.record.height())).y() <= viewport.height()
        qtbot.mouseClick(card.more_button, CLICK)
        assert card.message.text().replace("\u200b", "") == message.replace("\u200b", "")
        assert card.more_button.text() == "Vis mindre"


def test_after_accepting_the_keys_rest_on_the_accepted_card_not_the_next_accept(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task, manager = three_bids_on_seats(qtbot, make_context, demo_data, 2)
    page = shown(qtbot, ReviewPage(manager, task.id), size=LAPTOP)
    first, *rest = [c for c in page.cards.values() if c.card and c.card.bid.status == BidStatus.PENDING]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(first.accept_button, CLICK)
        qtbot.keyClick(first.confirm_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not first.decision.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.window().focusWidget() is first.status)
    assert any(c.accept_button.isEnabled() for c in rest)  # a seat is still free: there was one to land on
    assert not first.status.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard


def test_declining_the_rest_while_a_seat_is_free_says_so(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task, manager = three_bids_on_seats(qtbot, make_context, demo_data, 2)
    page = shown(qtbot, ReviewPage(manager, task.id), size=LAPTOP)
    chosen = next(c for c in page.cards.values() if c.card and c.card.bid.status == BidStatus.PENDING)
    with styled("da"):
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            qtbot.mouseClick(chosen.accept_button, CLICK)
            qtbot.mouseClick(chosen.confirm_button, CLICK)
        box = _asked_to_decline_the_rest(qtbot, page)
        assert box.text().startswith("1 plads er stadig ledig – vil du afvise alle de andre? "), box.text()
        box.defaultButton().click()
        qtbot.waitUntil(lambda: page.decline_rest_question is None)


def test_while_a_lending_waits_the_task_says_so_and_cannot_be_marked_done(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = open_task_with_pending(demo_data, 2)
    lent = next(b for b in bids_of(demo_data, task.id) if b.status == BidStatus.PENDING)
    bidder = person_by_id(demo_data, lent.bidder_id)

    def waiting(manager: AppContext) -> None:  # accepted, the home manager's yes still to come
        def change(store: Any) -> None:
            store.execute(
                "UPDATE bids SET status = ?, lending = ? WHERE id = ?",
                (BidStatus.ACCEPTED, Lending.AWAITING, lent.id),
            )
            store.execute("UPDATE tasks SET accepted_count = 1, seats = 1, status = ? WHERE id = ?",
                          (TaskStatus.ASSIGNED, task.id))
        ask(qtbot, manager, change)

    with styled("da"):
        page = review(qtbot, make_context, demo_data, task, before=waiting)
        assert page.state.text() == "1 af 1 plads besat – venter på godkendelse af udlånet", page.state.text()
        assert page.complete_button.isVisible() and not page.complete_button.isEnabled()
        why = page.complete_button.toolTip()
        assert bidder.name in why and "godkend" in why, why
        assert page.complete_why.isVisible() and page.complete_why.text().replace("\u200b", "") == why


def test_the_comment_button_stays_in_view_when_the_bid_column_is_tall(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Short windows (as with a requirement's note above the bid): the bid scrolls, "Send" does not."""
    for size in ((1366, 420), (1024, 420)):
        view: TaskView = bidding_view(qtbot, make_context("anna"), demo_data, size)
        qtbot.waitUntil(view.send_button.isVisible)
        where = QRect(view.send_button.mapTo(view, QPoint(0, 0)), view.send_button.size())
        assert view.rect().contains(where), (size, where, view.size())
        assert view.conversation.height() >= 3 * view.conversation.fontMetrics().lineSpacing()
        view.close()


def test_enter_in_when_places_the_bid_and_no_caret_blinks_in_the_news(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    view: TaskView = bidding_view(qtbot, make_context("anna"), demo_data, LAPTOP)
    view.bid_availability.setFocus()
    qtbot.keyClicks(view.bid_availability, "tirsdage")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.bid_availability, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.my_bid is not None, timeout=10_000)
    assert view.detail is not None and view.detail.my_bid is not None
    assert view.detail.my_bid.availability == "tirsdage"
    assert not view.my_bid_state.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard


def test_alt_with_a_letter_that_is_no_mnemonic_types_nothing(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    view: TaskView = bidding_view(qtbot, make_context("anna"), demo_data, LAPTOP)
    for field in (view.bid_message, view.comment_box):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(field, Qt.Key.Key_Q)
        assert field.toPlainText() == "q", field.toPlainText()


def test_those_who_manage_a_task_are_not_offered_a_bid_on_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    admin = next(p for p in demo_data.people if p.username == "admin")
    assert admin.role == Role.ADMIN
    task = next(
        t for t in demo_data.tasks
        if t.status == TaskStatus.OPEN and t.poster_id != admin.id and permissions.manages_task(admin, t)
        and permissions.may_bid_on(admin, t) and not any(b.bidder_id == admin.id for b in bids_of(demo_data, t.id))
    )
    view = shown(qtbot, TaskView(make_context("admin"), task.id), size=LAPTOP)
    assert view.review_button.isVisible()
    assert not view.my_bid_box.isVisible()
    assert not permissions.offered_a_bid(admin, task)


def test_staff_are_still_offered_a_bid(person: Callable[[str], Person], demo_data: demo.DemoData) -> None:
    anna = person("anna")
    assert any(permissions.offered_a_bid(anna, t) for t in demo_data.tasks if t.status == TaskStatus.OPEN)


def test_a_refused_completion_leaves_the_keys_out_of_the_message_to_the_others(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out s36: after "kan ikke afsluttes" the keys were in "Besked til dem, der ikke blev valgt"."""
    task = open_task_with_pending(demo_data, 3)
    chosen = next(b for b in bids_of(demo_data, task.id) if b.status == BidStatus.PENDING)

    def accepted(manager: AppContext) -> None:
        def change(store: Any) -> None:
            store.execute("UPDATE bids SET status = ? WHERE id = ?", (BidStatus.ACCEPTED, chosen.id))
            store.execute("UPDATE tasks SET accepted_count = 1 WHERE id = ?", (task.id,))
        ask(qtbot, manager, change)

    page = review(qtbot, make_context, demo_data, task, before=accepted)
    assert page.complete_button.isEnabled() and page.rest.isVisible()
    # Behind the page's back the lending now waits (as when another PC's change has not been drawn yet).
    ask(qtbot, page.context, lambda s: s.execute(
        "UPDATE bids SET lending = ? WHERE id = ?", (Lending.AWAITING, chosen.id)))
    page.complete_button.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(page.complete_button, CLICK)
    qtbot.waitUntil(page.problem.isVisible, timeout=10_000)
    assert page.window().focusWidget() is not page.rest_note
