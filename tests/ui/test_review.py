"""The manager's review driven through its cards: accept up to the seats, decline, complete, endorse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sync.server import demo
from desktop.core.entities import Bid, BidStatus, Evidence, PersonSkill, Task, TaskStatus
from sync.scheduler import SyncState
from tests.ui.driving import (  # noqa: F401 - no_message_boxes is an autouse fixture
    ask,
    no_message_boxes,
    person_by_id,
    shown,
    styled,
    task_with_pending_bids,
)
from ui import wording
from ui.context import AppContext
from tests.ui.test_sync_status import Worker
from ui.review import BidCard, ReviewPage
from ui.sync_status import SyncLink

CLICK = Qt.MouseButton.LeftButton


def bids_now(qtbot: Any, context: AppContext, task_id: str) -> dict[str, Bid]:
    return {b.id: b for b in ask(qtbot, context, lambda s: s.bids_on(task_id))}


def review_of_two_bids(
    qtbot: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
    prepare: Callable[[AppContext], object] = lambda _manager: None,
) -> tuple[Task, AppContext, ReviewPage, BidCard]:
    """A task with two pending bids, its manager's review (after `prepare(manager)`), a card still to decide."""
    task = task_with_pending_bids(demo_data, 2)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    prepare(manager)
    page = shown(qtbot, ReviewPage(manager, task.id))
    card = next(c for c in page.cards.values() if c.decision.isVisible())
    return task, manager, page, card


def review_with_a_sync_link(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> tuple[Worker, SyncLink, tuple[Task, AppContext, ReviewPage, BidCard]]:
    """`review_of_two_bids` whose manager has a sync link fed by a test worker (to say online or not)."""
    worker = Worker()
    links: list[SyncLink] = []

    def attach(manager: AppContext) -> None:
        links.append(SyncLink(worker, manager.person.id))
        manager.attach_sync(links[0])

    review = review_of_two_bids(qtbot, make_context, demo_data, attach)
    return worker, links[0], review


def three_bids_on_seats(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, seats: int
) -> tuple[Task, AppContext]:
    """A task with three or more pending bids, cut down to `seats` seats by its manager, and that manager."""
    task = task_with_pending_bids(demo_data, 3)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    done: list[object] = []
    manager.perform(
        "task.edit", {"task_id": task.id, "changes": {"seats": seats}, "base": {"seats": task.seats}}
    ).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: bool(done))
    return task, manager


def test_accept_up_to_the_seats_decline_the_rest_complete_and_endorse(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task, manager = three_bids_on_seats(qtbot, make_context, demo_data, 2)

    page = shown(qtbot, ReviewPage(manager, task.id))
    pending = [c for c in page.cards.values() if c.card and c.card.bid.status == BidStatus.PENDING]
    assert len(pending) >= 3
    assert all(c.accept_button.isEnabled() for c in pending)
    assert not page.complete_button.isEnabled()  # nobody accepted yet

    first, second, *rest = pending
    first.note.setText("Velkommen!")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(first.accept_button, CLICK)
        qtbot.mouseClick(first.confirm_button, CLICK)  # asked in the card
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(second.accept_button, CLICK)
        qtbot.mouseClick(second.confirm_button, CLICK)  # asked in the card
    # Both seats are taken: no card can be accepted any more.
    assert not any(c.accept_button.isEnabled() for c in rest)
    assert all(c.decline_button.isEnabled() for c in rest)
    # The status word stays beside the count once the last seat is filled (try-out 21: only
    # "2 af 2 pladser besat" was left, and what had become of the task was not said).
    assert page.state.text() == wording.task_status(TaskStatus.ASSIGNED) + " (2 of 2)"
    assert page.complete_button.isEnabled()

    page.rest_note.setText("Tak for buddet, vi har fundet to.")
    qtbot.mouseClick(page.decline_rest_button, CLICK)
    box = page.decline_rest_question
    assert box is not None
    decline = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    decline.click()
    qtbot.waitUntil(
        lambda: not any(c.decision.isVisible() for c in page.cards.values()), timeout=10_000
    )
    stored = bids_now(qtbot, manager, task.id)
    assert stored[first.bid_id].status == BidStatus.ACCEPTED
    assert stored[first.bid_id].decision_message == "Velkommen!"
    assert stored[second.bid_id].status == BidStatus.ACCEPTED
    for card in rest:
        assert stored[card.bid_id].status == BidStatus.DECLINED
        assert stored[card.bid_id].decision_message == "Tak for buddet, vi har fundet to."
    assert not page.rest.isVisible()

    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(page.complete_button, CLICK)
    completed = ask(qtbot, manager, lambda s: s.get(Task, task.id))
    assert completed is not None and completed.status == TaskStatus.DONE
    assert first.endorsing.isVisible() and second.endorsing.isVisible()
    assert not any(c.endorsing.isVisible() for c in rest)

    skill = task.skills[0]
    first.endorse_boxes[skill].setChecked(True)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(first.endorse_button, CLICK)
    assert first.card is not None
    bidder_id = first.card.bidder.id
    held = ask(qtbot, manager, lambda s: s.get(PersonSkill, bidder_id, skill))
    assert held is not None
    assert (held.evidence, held.task_id, held.confirmed_by) == (
        Evidence.TASK,
        task.id,
        manager.person.id,
    )
    # The card now shows the skill as confirmed, and it cannot be endorsed twice.
    assert not first.endorse_boxes[skill].isEnabled()
    assert "✔" in first.skills.text()


def test_decline_one_bid_with_a_message(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task, manager, page, card = review_of_two_bids(qtbot, make_context, demo_data)
    card.note.setText("Ikke denne gang, men tak!")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(card.decline_button, CLICK)
        qtbot.mouseClick(card.confirm_button, CLICK)  # asked in the card
    bid = bids_now(qtbot, manager, task.id)[card.bid_id]
    assert (bid.status, bid.decision_message, bid.decided_by) == (
        BidStatus.DECLINED,
        "Ikke denne gang, men tak!",
        manager.person.id,
    )
    assert not card.decision.isVisible()


def test_cards_show_evidence_and_track_record(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """A bidder with a task-confirmed skill: the card names the task and who confirmed it."""
    confirmed = {ps.person_id: ps for ps in demo_data.person_skills if ps.evidence == Evidence.TASK}
    bid = next(
        b for b in demo_data.bids if b.bidder_id in confirmed and b.status != BidStatus.WITHDRAWN
    )
    task = next(t for t in demo_data.tasks if t.id == bid.task_id)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    page = shown(qtbot, ReviewPage(manager, task.id))
    card = page.cards[bid.id]
    held = confirmed[bid.bidder_id]
    confirmer = person_by_id(demo_data, held.confirmed_by or "").name
    text = card.skills.text().replace("\u200b", "")
    assert confirmer in text
    assert "✔" in text
    assert card.record.text()


def test_a_confirmer_this_pc_does_not_know_is_named_by_their_part_not_a_question_mark(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """A try-out read "Bekræftet af ?": the manager who confirmed a bidder's skill was not
    among the people this PC's store holds. The card says "en leder" instead."""
    confirmed = {ps.person_id: ps for ps in demo_data.person_skills if ps.evidence == Evidence.TASK}
    bid = next(
        b for b in demo_data.bids
        if b.bidder_id in confirmed and b.status != BidStatus.WITHDRAWN
        and confirmed[b.bidder_id].confirmed_by != next(t for t in demo_data.tasks if t.id == b.task_id).poster_id
    )
    task = next(t for t in demo_data.tasks if t.id == bid.task_id)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    confirmer_id = confirmed[bid.bidder_id].confirmed_by or ""
    ask(qtbot, manager, lambda s: s.execute("DELETE FROM people WHERE id = ?", (confirmer_id,)))
    page = shown(qtbot, ReviewPage(manager, task.id))
    text = page.cards[bid.id].skills.text().replace("\u200b", "")
    assert "Confirmed by a manager after" in text  # "Bekræftet af en leder efter" in Danish
    assert "?" not in text
    assert person_by_id(demo_data, confirmer_id).name not in text


def test_after_accepting_the_reviewer_stays_at_the_accepted_card(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """A try-out accepted the last seat on a card far down: the cards scrolled back to the
    top and the keys landed on another bidder's "Afvis". The accepted card's status stays
    in view and the keys rest on it, not on someone else's Decline (or Accept: try-out s36)."""
    task, manager = three_bids_on_seats(qtbot, make_context, demo_data, 1)
    page = shown(qtbot, ReviewPage(manager, task.id), size=(500, 600))  # the cards do not all fit
    pending = [c for c in page.cards.values() if c.card and c.card.bid.status == BidStatus.PENDING]
    assert len(pending) >= 3
    last = pending[-1]
    bar = page.strip.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    page.strip.ensureWidgetVisible(last.accept_button)
    qtbot.waitUntil(lambda: not last.accept_button.visibleRegion().isEmpty())
    scrolled = bar.value()
    assert scrolled > 0
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(last.accept_button, CLICK)
        qtbot.mouseClick(last.confirm_button, CLICK)
    qtbot.waitUntil(lambda: not last.decision.isVisible(), timeout=10_000)
    # The cards stay where the reviewer had them: the accepted card's status wholly in view.
    viewport = page.strip.viewport()
    top = last.status.mapTo(viewport, last.status.rect().topLeft()).y()
    assert top >= 0 and top + last.status.height() <= viewport.height(), (top, bar.value(), scrolled)
    focus = page.window().focusWidget()
    assert focus is last.status, focus
    assert not any(focus is c.decline_button or focus is c.accept_button for c in page.cards.values())


def test_accepting_the_last_seat_keeps_the_cards_where_they_were(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 7: accepting the bid that filled a 1-seat task's last seat scrolled the cards
    down into the middle of the skill lists, "Status: Accepted" out of view (2 of 2 times, at
    1024x600): a card taller than the strip was centred. The cards stay where the reviewer
    had them, the accepted card's new status in view."""
    task, manager = three_bids_on_seats(qtbot, make_context, demo_data, 1)
    page = shown(qtbot, ReviewPage(manager, task.id), size=(1024, 600))
    card = next(c for c in page.cards.values() if c.card and c.card.bid.status == BidStatus.PENDING)
    bar = page.strip.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the cards are taller than the strip
    assert bar.value() == 0
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(card.accept_button, CLICK)
        qtbot.mouseClick(card.confirm_button, CLICK)
    qtbot.waitUntil(lambda: not card.decision.isVisible(), timeout=10_000)
    accepted = wording.bid_state(BidStatus.ACCEPTED, "")
    qtbot.waitUntil(lambda: accepted in card.status.text().replace("\u200b", ""))
    assert bar.value() == 0
    viewport = page.strip.viewport()
    top = card.status.mapTo(viewport, card.status.rect().topLeft()).y()
    assert top >= 0 and top + card.status.height() <= viewport.height(), (top, bar.value())


def test_others_get_no_review(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = task_with_pending_bids(demo_data, 2)
    outsider = next(
        p
        for p in demo_data.people
        if p.role == "staff" and p.home_site_id != task.site_id and p.id != task.poster_id
    )
    page = shown(qtbot, ReviewPage(make_context(outsider.username), task.id))
    assert page.cards == {}
    assert not page.complete_button.isEnabled()


def test_enter_on_the_asked_confirmation_makes_the_decision(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 2: the keyboard went to "Yes, accept", drawn as the main button, but Enter did nothing."""
    task, manager, page, card = review_of_two_bids(qtbot, make_context, demo_data)
    qtbot.mouseClick(card.decline_button, CLICK)
    qtbot.waitUntil(card.confirm_button.hasFocus)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClick(card.confirm_button, Qt.Key.Key_Return)
    assert bids_now(qtbot, manager, task.id)[card.bid_id].status == BidStatus.DECLINED


def test_offline_the_confirmation_does_not_promise_the_bidder_is_told_at_once(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 2: with the server stopped the card still said "They are told at once"."""
    worker, link, (_task, manager, _page, card) = review_with_a_sync_link(qtbot, make_context, demo_data)
    qtbot.mouseClick(card.accept_button, CLICK)
    assert card.confirm_text.text().endswith("They are told at once.")  # online, or not yet known
    qtbot.mouseClick(card.back_button, CLICK)

    with qtbot.waitSignal(link.state_changed):
        worker.publish(SyncState(online=False, error_code="unreachable"))
    qtbot.mouseClick(card.accept_button, CLICK)
    assert card.confirm_text.text().endswith("They are told when Knop is online again.")
    qtbot.mouseClick(card.back_button, CLICK)
    qtbot.mouseClick(card.decline_button, CLICK)
    assert card.confirm_text.text().endswith("They are told when Knop is online again.")
    manager.close()
    assert worker.stopped


def test_a_decision_not_yet_sent_says_so_on_its_card_until_the_server_has_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 2: offline, two accepted bids read "Status: Accepted" like settled ones; one of them
    the server then refused (the seats were taken meanwhile)."""
    from desktop.store import Store

    _task, manager, page, card = review_of_two_bids(qtbot, make_context, demo_data)
    others = [c for c in page.cards.values() if c is not card]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(card.accept_button, CLICK)
        qtbot.mouseClick(card.confirm_button, CLICK)
    waiting = "Waiting to be sent: the server has not got it yet."
    qtbot.waitUntil(lambda: waiting in card.status.text(), timeout=10_000)
    assert card.status.text().startswith("Status: Accepted")
    # a line of its own: a try-out read "Status: Afvist Venter på at blive sendt: ..." as one
    assert card.status.text().splitlines()[1].startswith("Waiting to be sent")
    assert not any(waiting in c.status.text() for c in others)

    def sent(store: Store) -> None:  # what the sync does once the server applied it
        with store.transaction():
            for op in store.pending():
                store.settle(op.id)

    with qtbot.waitSignal(page.loaded, timeout=10_000):
        manager.query(sent).success(lambda _none: manager.notify({"outbox"})).run_in_background()
    qtbot.waitUntil(lambda: waiting not in card.status.text(), timeout=10_000)
    assert card.status.text().startswith("Status: Accepted")


def _asked_to_decline_the_rest(qtbot: Any, page: ReviewPage) -> QMessageBox:
    """Press "Decline the rest" and return the question it opens."""
    qtbot.mouseClick(page.decline_rest_button, CLICK)
    box = page.decline_rest_question
    assert box is not None and box.isVisible()
    return box


def _decline_button(box: QMessageBox) -> Any:
    return next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)


def test_declining_the_rest_asks_first_saying_how_many_people_and_enter_declines_nobody(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 21: "Afvis resten" declined everyone left at the first click, while one accept asks first."""
    task, manager = three_bids_on_seats(qtbot, make_context, demo_data, 1)
    page = shown(qtbot, ReviewPage(manager, task.id))
    chosen, *others = [c for c in page.cards.values() if c.card and c.card.bid.status == BidStatus.PENDING]
    pending = [c.bid_id for c in others]
    assert len(pending) >= 2
    with styled("da"):
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            qtbot.mouseClick(chosen.accept_button, CLICK)
            qtbot.mouseClick(chosen.confirm_button, CLICK)
        # The one seat is filled: the status is said, with the count (try-out 21: only the count was).
        assert page.state.text() == "Alle pladser besat (1 af 1)"
        box = _asked_to_decline_the_rest(qtbot, page)
        assert box.text().startswith(
            f"Afvis buddene fra {len(pending)} personer? De får besked med det samme."
        ), box.text()
        assert box.defaultButton().text() == "Annullér"  # the safe one
        assert _decline_button(box).text() == f"Afvis {len(pending)} bud"
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter takes the default: nobody is declined
        qtbot.waitUntil(lambda: page.decline_rest_question is None)
    qtbot.waitUntil(lambda: not manager.worker.busy(), timeout=10_000)
    stored = bids_now(qtbot, manager, task.id)
    assert all(stored[b].status == BidStatus.PENDING for b in pending)
    assert page.rest.isVisible()

    # English, with a message: the question says it goes with the "no".
    page.rest_note.setText("Tak, vi fandt en anden.")
    box = _asked_to_decline_the_rest(qtbot, page)
    assert box.text() == (
        f"Decline the bids from {len(pending)} people? They are told at once. "
        "Your message goes with it: “Tak, vi fandt en anden.”"
    ), box.text()
    assert _decline_button(box).text() == f"Decline {len(pending)} bids"
    _decline_button(box).click()
    qtbot.waitUntil(lambda: not page.rest.isVisible(), timeout=10_000)
    stored = bids_now(qtbot, manager, task.id)
    assert all(stored[b].status == BidStatus.DECLINED for b in pending)
    assert all(stored[b].decision_message == "Tak, vi fandt en anden." for b in pending)


def test_declining_the_last_one_left_offline_says_one_person_and_waits_in_the_outbox(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """The singular in both languages, and offline: the bidder is told once Knop is online again."""
    worker, link, (task, manager, page, card) = review_with_a_sync_link(qtbot, make_context, demo_data)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(card.accept_button, CLICK)
        qtbot.mouseClick(card.confirm_button, CLICK)
    others = [c for c in page.cards.values() if c.card and c.card.bid.status == BidStatus.PENDING]
    for other in others[1:]:  # one by one, leaving one bid to "the rest"
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            qtbot.mouseClick(other.decline_button, CLICK)
            qtbot.mouseClick(other.confirm_button, CLICK)
    left = [others[0].bid_id]
    with qtbot.waitSignal(link.state_changed):
        worker.publish(SyncState(online=False, error_code="unreachable"))
    with styled("da"):
        box = _asked_to_decline_the_rest(qtbot, page)
        assert box.text().startswith(
            "Afvis buddet fra 1 person? Vedkommende får besked, når Knop har forbindelse igen."
        ), box.text()
        box.defaultButton().click()
        qtbot.waitUntil(lambda: page.decline_rest_question is None)
    box = _asked_to_decline_the_rest(qtbot, page)
    assert box.text() == (
        "Decline the bid from 1 person? They are told when Knop is online again. No message goes with it."
    ), box.text()
    assert _decline_button(box).text() == "Decline 1 bid"
    _decline_button(box).click()
    qtbot.waitUntil(lambda: not page.rest.isVisible(), timeout=10_000)
    assert [bids_now(qtbot, manager, task.id)[b].status for b in left] == [BidStatus.DECLINED] * len(left)
    queued = ask(qtbot, manager, lambda s: [op.payload.get("bid_id") for op in s.pending() if op.kind == "bid.decline"])
    assert left[0] in queued
    manager.close()
    assert worker.stopped
