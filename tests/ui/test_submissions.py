"""Issue 17: one press, one operation; decisions confirmed in the card; what is not sent says so.

The store is made busy for real: a job on the DB thread waits on an event
while the person presses, so the presses queue behind it as they would behind
a slow write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sync.server import demo
from desktop.core.entities import BidStatus, TaskStatus
from tests.ui.driving import (  # noqa: F401 - no_message_boxes is an autouse fixture
    ask,
    biddable_task,
    no_message_boxes,
    person_by_id,
    shown,
    task_with_pending_bids,
)
from ui.context import AppContext
from ui.review import ReviewPage
from ui.task_view import TaskView

CLICK = Qt.MouseButton.LeftButton
SEND = (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


@contextmanager
def busy_store(qtbot: Any, context: AppContext) -> Iterator[None]:
    """Hold the DB thread in a job until the block ends; jobs submitted meanwhile wait behind it."""
    started, release = threading.Event(), threading.Event()

    def hold(_store: Any) -> None:
        started.set()
        release.wait(30)

    context.query(hold).run_in_background()
    qtbot.waitUntil(started.is_set)
    try:
        yield
    finally:
        release.set()


def outbox_kinds(qtbot: Any, context: AppContext) -> list[str]:
    return [r["kind"] for r in ask(qtbot, context, lambda s: s.rows("SELECT kind FROM outbox ORDER BY seq"))]


def test_send_comment_twice_while_the_store_is_busy_queues_one_comment(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    view = shown(qtbot, TaskView(context, task.id))
    view.comment_box.setPlainText("Hvornår starter vi?")
    with busy_store(qtbot, context):
        qtbot.mouseClick(view.send_button, CLICK)
        assert not view.send_button.isEnabled()  # disabled until the comment is queued
        qtbot.mouseClick(view.send_button, CLICK)
        view.comment_box.setFocus()
        qtbot.keyClick(view.comment_box, *SEND)  # and the shortcut does nothing either
        view.send_comment()
    qtbot.waitUntil(lambda: not context.worker.busy())
    assert outbox_kinds(qtbot, context) == ["comment.add"]
    assert view.comment_box.toPlainText() == ""
    view.comment_box.setPlainText("Og hvor?")
    qtbot.waitUntil(view.send_button.isEnabled)  # ready for the next one


def test_place_bid_twice_while_the_store_is_busy_queues_one_bid(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    view = shown(qtbot, TaskView(context, task.id))
    view.bid_message.setPlainText("Jeg kan godt.")
    with busy_store(qtbot, context):
        qtbot.mouseClick(view.place_button, CLICK)
        assert not view.place_button.isEnabled()
        qtbot.mouseClick(view.place_button, CLICK)
        view.place_bid()
    qtbot.waitUntil(lambda: not context.worker.busy())
    assert outbox_kinds(qtbot, context) == ["bid.place"]


def test_a_pending_bid_says_it_waits_to_be_sent(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    view = shown(qtbot, TaskView(context, task.id))
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.place_button, CLICK)
    qtbot.waitUntil(lambda: "Waiting to be sent" in view.my_bid_state.text())
    # The sync sent it (the server took it): the outbox entry is settled, the words go.
    ask(qtbot, context, lambda s: s.execute("DELETE FROM outbox"))
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        context.notify({"outbox"})
    assert "Waiting to be sent" not in view.my_bid_state.text()


def test_accept_asks_in_the_card_names_the_bidder_and_keeps_the_keyboard_in_the_review(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = task_with_pending_bids(demo_data, 2)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    page = shown(qtbot, ReviewPage(manager, task.id))
    first, second = [c for c in page.cards.values() if c.decision.isVisible()][:2]
    assert first.card is not None
    name = first.card.bidder.name
    assert name in first.accept_button.accessibleName()
    assert name in first.decline_button.accessibleName()
    assert name in first.note.accessibleName()

    # One click does not decide: the card asks, naming the bidder, with the keyboard on "yes".
    first.accept_button.setFocus()
    qtbot.keyClick(first.accept_button, Qt.Key.Key_Space)
    assert first.confirming.isVisible() and name in first.confirm_text.text()
    assert first.confirm_button.hasFocus()
    assert outbox_kinds(qtbot, manager) == []
    qtbot.keyClick(first.back_button, Qt.Key.Key_Space)  # "Go back" changes nothing
    assert not first.confirming.isVisible() and first.accept_button.hasFocus()
    assert outbox_kinds(qtbot, manager) == []

    qtbot.keyClick(first.accept_button, Qt.Key.Key_Space)
    with busy_store(qtbot, manager):
        qtbot.keyClick(first.confirm_button, Qt.Key.Key_Space)
        first.confirm()  # a second press while busy
        assert not first.accept_button.isEnabled()
    qtbot.waitUntil(lambda: not first.decision.isVisible(), timeout=10_000)
    assert outbox_kinds(qtbot, manager) == ["bid.accept"]
    # The keyboard rests on the accepted card's status, not on the next bidder's Accept or
    # Decline, where one more Enter started the next decision (try-outs; s36).
    qtbot.waitUntil(first.status.hasFocus)
    assert not second.accept_button.hasFocus() and not second.decline_button.hasFocus()
    assert page.isAncestorOf(page.focusWidget())


def test_the_task_view_cancels_a_task_after_asking(
    qtbot: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
    monkeypatch: Any,
) -> None:
    task = task_with_pending_bids(demo_data, 1)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    view = shown(qtbot, TaskView(manager, task.id))
    assert view.cancel_button.isVisible() and view.cancel_button.isEnabled()
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.cancel_button, CLICK)
    assert asked and task.title[:20] in asked[0]
    stored = ask(qtbot, manager, lambda s: s.get(type(task), task.id))
    assert stored is not None and stored.status == TaskStatus.CANCELLED
    assert not view.cancel_button.isEnabled()
    pending = [b for b in ask(qtbot, manager, lambda s: s.bids_on(task.id)) if b.status == BidStatus.PENDING]
    assert pending == []


def test_posted_by_is_not_empty_for_an_external(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    ole = next(p for p in demo_data.people if p.username == "ole")
    context = make_context("ole")
    task = biddable_task(demo_data, ole)
    # An external's store has no staff profiles (the server leaves them out).
    poster = task.poster_id
    ask(qtbot, context, lambda s: s.execute("DELETE FROM people WHERE id = ?", (poster,)))
    view = shown(qtbot, TaskView(context, task.id))
    assert view.owner.text().strip() != ""
    assert view.site.text() in view.owner.text()


def test_adding_a_skill_twice_while_the_store_is_busy_queues_it_once(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    from desktop.core import skills
    from ui.my_page import MyPage

    context = make_context("anna")
    page = shown(qtbot, MyPage(context))
    held = set(page.skills_model.skills())
    wanted = next(s.id for s in skills.CATALOGUE if s.id not in held)
    with busy_store(qtbot, context):
        page.add_skill(wanted)
        page.add_skill(wanted)  # Enter again before the first has been written
    qtbot.waitUntil(lambda: not context.worker.busy())
    assert outbox_kinds(qtbot, context) == ["profile.skill_add"]
