"""A task's shown state follows its bid deadline, by the server's clock; times are local (issue 17).

Before: tasks whose bid deadline had passed were listed as "Open for bids" at
the top of the default view, and their page said "Open for bids" and then
"the deadline has passed". The machine's clock here is days behind the
server's (as issue 16's workstations are): what counts is the server's date.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from desktop import clock
from desktop.core.entities import Bid, Comment, Task, TaskStatus
from sync.server import demo
from tests.ui.driving import ask, biddable_task, no_message_boxes, shown  # noqa: F401
from ui import wording
from ui.board import Board
from ui.my_page import MyPage
from ui.review import ReviewPage
from ui.context import AppContext
from ui.task_model import Column
from ui.task_view import TaskView

SERVER_AHEAD = dt.timedelta(days=3)  # the server's clock is three days ahead of this machine's


def _deadline_passed_on_the_server_only(
    qtbot: Any, context: AppContext, demo_data: demo.DemoData, task_id: str | None = None
) -> str:
    """A task whose bid deadline is tomorrow by this machine and two days ago by the server.

    The task is one `context`'s person may bid on, unless `task_id` names one.
    """
    task = (
        next(t for t in demo_data.tasks if t.id == task_id)
        if task_id
        else biddable_task(demo_data, context.person)
    )
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()

    def prepare(store: Any) -> None:
        local = dt.datetime.now(dt.UTC)
        with store.transaction():
            clock.record(store, local + SERVER_AHEAD, local)
            store.put(task.replace(bid_deadline=tomorrow, status=TaskStatus.OPEN))

    ask(qtbot, context, prepare)
    return task.id


def test_the_default_board_leaves_out_what_can_no_longer_be_bid_on(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task_id = _deadline_passed_on_the_server_only(qtbot, context, demo_data)
    board = Board(context)
    qtbot.addWidget(board)
    with qtbot.waitSignal(board.counted, timeout=10_000):
        board.show()
    assert board.status_box.currentData() == TaskStatus.OPEN
    assert task_id not in board.model.ids()

    # Asked for closed tasks, the board lists it and calls it closed, not open.
    with qtbot.waitSignal(board.counted, timeout=10_000):
        board.status_box.setCurrentIndex(board.status_box.findData(str(TaskStatus.CLOSED)))
    assert task_id in board.model.ids()
    row = board.model.ids().index(task_id)
    board.model.data(board.model.index(row, Column.STATUS))
    qtbot.waitUntil(lambda: board.model.is_loaded(task_id), timeout=10_000)
    shown_status = board.model.data(board.model.index(row, Column.STATUS))
    assert shown_status == wording.task_status(TaskStatus.CLOSED) == board.tr("Closed for bids")


def test_the_task_page_does_not_say_open_for_bids_past_the_deadline(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task_id = _deadline_passed_on_the_server_only(qtbot, context, demo_data)
    view = shown(qtbot, TaskView(context, task_id))
    assert wording.task_status(TaskStatus.OPEN) not in view.state.text()
    assert view.state.text().startswith(wording.task_status(TaskStatus.CLOSED))
    assert not view.place_button.isEnabled()
    assert view.my_bid_state.text() == view.tr("The deadline for bids has passed.")


def test_comments_show_the_time_where_the_reader_is(
    qtbot: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
    monkeypatch: Any,
) -> None:
    """Comments showed UTC: 19:24 for what was 20:24 in Denmark (issue 17)."""
    monkeypatch.setenv("TZ", "Europe/Copenhagen")
    time.tzset()
    try:
        context = make_context("anna")
        task = biddable_task(demo_data, context.person)
        comment = Comment(
            id="c-late", task_id=task.id, author_id=context.person.id,
            body="Jeg kan komme kl. 20", created_at="2026-11-29T19:24:00.000Z", version=1,
        )
        ask(qtbot, context, lambda s: s.put(comment))
        view = shown(qtbot, TaskView(context, task.id))
        text = view.conversation.toPlainText()
        assert "Jeg kan komme kl. 20" in text
        assert "20:24" in text and "19:24" not in text
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_review_and_my_page_say_closed_too(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    anna = make_context("anna")
    task_id = _deadline_passed_on_the_server_only(qtbot, anna, demo_data)
    bid = Bid(id="late-bid", task_id=task_id, bidder_id=anna.person.id, version=1)
    ask(qtbot, anna, lambda s: s.put(bid))
    page = shown(qtbot, MyPage(anna))
    [mine] = [b for b in page.bids_model.rows() if b.bid.id == "late-bid"]
    assert mine.task_status == TaskStatus.CLOSED

    task = ask(qtbot, anna, lambda s: s.get(Task, task_id))
    owner = next(p for p in demo_data.people if p.id == task.poster_id)
    manager = make_context(owner.username)
    _deadline_passed_on_the_server_only(qtbot, manager, demo_data, task_id)
    review = shown(qtbot, ReviewPage(manager, task_id))
    assert review.state.text().startswith(wording.task_status(TaskStatus.CLOSED))
