""""N bids wait for your decision" leads to where they are decided, by mouse and by keyboard.

A try-out found the site manager's "28 bud venter på din beslutning" a sentence
that led nowhere. It now opens "Bids to decide" (the tasks with bids waiting,
with how many), and a task there opens its review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import clock, notifications
from tests.ui.driving import a_full_task_with_bids_waiting, active_window, ask, no_message_boxes  # noqa: F401 - autouse fixture
from ui.bids_to_decide import BidsToDecide
from ui.table_model import KEY_ROLE
from ui.context import AppContext
from ui.review import ReviewPage


def _manager(make_context: Callable[..., AppContext]) -> AppContext:
    name = next(n for n in ("mette", "anna") if make_context(n).person.role == "site_manager")
    return make_context(name, "da")


def test_the_waiting_bids_open_the_tasks_to_decide_and_a_task_its_review(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = _manager(make_context)
    waiting = ask(qtbot, context, lambda s: notifications.tasks_to_decide(s, context.person))
    count = ask(qtbot, context, lambda s: notifications.waiting_for_decision(s, context.person))
    waiting = [t for t in waiting if not t.filled]  # full tasks are listed apart, not counted
    assert waiting and sum(t.waiting for t in waiting) == count  # the list holds what the notice counts
    window = active_window(qtbot, context)
    decisions = window.board.decisions
    qtbot.waitUntil(lambda: decisions.isVisible() and decisions.waiting == count)

    # By mouse.
    qtbot.mouseClick(decisions, Qt.MouseButton.LeftButton)
    page = window.current_page()
    assert isinstance(page, BidsToDecide)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(waiting))
    assert page.model.index(0, 0).data() == waiting[0].title
    window.go_board()

    # By keyboard: Tab from the sort order reaches the notice, Enter opens the list, Enter a task.
    window.board.sort_box.setFocus()
    qtbot.keyClick(window.board.sort_box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is decisions
    qtbot.keyClick(decisions, Qt.Key.Key_Return)
    page = window.current_page()
    assert isinstance(page, BidsToDecide)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(waiting))
    qtbot.waitUntil(lambda: page.table.currentIndex().isValid())
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    review = window.current_page()
    assert isinstance(review, ReviewPage) and review.task_id == waiting[0].task_id

    # The same notice on My page leads to the same list.
    window.go_my_page()
    mine = window.current_page()
    qtbot.waitUntil(lambda: mine.decisions.isVisible())
    qtbot.mouseClick(mine.decisions, Qt.MouseButton.LeftButton)
    assert isinstance(window.current_page(), BidsToDecide)
    window.tear_down()


def test_a_passed_deadline_is_marked_and_full_tasks_are_not_counted_as_awaiting(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Try-out 6: a bid deadline of 8. oktober 2026, long past, showed with no hint, and a task
    whose places were all filled ("1 af 1 plads besat") was listed, and counted, among those
    awaiting a decision, though none of its bids can be accepted any more."""
    from tests.ui.driving import shown, styled

    with styled("da"):
        context = _manager(make_context)
        a_full_task_with_bids_waiting(context.store_path, context.person)
        _the_server_date_after_the_soonest_deadline(qtbot, context)
        tasks = ask(qtbot, context, lambda s: notifications.tasks_to_decide(s, context.person))
        count = ask(qtbot, context, lambda s: notifications.waiting_for_decision(s, context.person))
        filled = [t for t in tasks if t.filled]
        awaiting = [t for t in tasks if not t.filled]
        assert filled and awaiting
        assert sum(t.waiting for t in awaiting) == count  # what the notice counts is what is listed
        page = shown(qtbot, BidsToDecide(context))
        qtbot.waitUntil(lambda: page.model.rowCount() == len(awaiting))
        listed = {page.model.index(r, 0).data(KEY_ROLE) for r in range(page.model.rowCount())}
        assert listed == {t.task_id for t in awaiting}
        assert page.filled_table.isVisible() and page.filled_model.rowCount() == len(filled)
        assert "pladser er besat" in page.filled_heading.text()
        marked = []
        for model in (page.model, page.filled_model):
            for row, task in enumerate(model.rows()):
                cell = model.index(row, 3).data()
                assert ("fristen er overskredet" in cell) == task.deadline_passed, cell
                marked.append(task.deadline_passed)
        assert any(marked)  # the soonest deadline has passed


def _the_server_date_after_the_soonest_deadline(qtbot: Any, context: AppContext) -> None:
    """Set the server's date, as the store knows it (`desktop.clock`, recorded as a sync does), to
    the day after the soonest bid deadline of the tasks `context`'s person decides on: one has passed
    whatever day the demo was made for (from 2 December 2026 the demo's manager had none passed)."""

    def prepare(store: Any) -> None:
        deadlines = [t.bid_deadline[:10] for t in notifications.tasks_to_decide(store, context.person) if t.bid_deadline]
        day_after = dt.date.fromisoformat(min(deadlines)) + dt.timedelta(days=1)
        local = clock.local_now()
        with store.transaction():
            clock.record(store, dt.datetime.combine(day_after, dt.time(12), dt.UTC), local)

    ask(qtbot, context, prepare)


def _edges(table: Any) -> list[tuple[int, int]]:
    """Each column's left edge and width (px), in the page's coordinates."""
    header = table.horizontalHeader()
    left = table.viewport().mapTo(table.window(), table.viewport().rect().topLeft()).x()
    return [(left + header.sectionViewportPosition(c), header.sectionSize(c)) for c in range(header.count())]


def test_the_full_tasks_read_as_part_of_the_page(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    """The try-out before polish16: the full tasks' part had a sentence for a heading, while the
    upper part has a real one, and its columns stood elsewhere than the upper table's."""
    from tests.ui.driving import shown, styled

    with styled("da"):
        context = _manager(make_context)
        a_full_task_with_bids_waiting(context.store_path, context.person)
        page = shown(qtbot, BidsToDecide(context))
        qtbot.waitUntil(lambda: page.filled_model.rowCount() > 0 and page.model.rowCount() > 0)
        assert page.filled_heading.isVisible()
        assert page.filled_heading.objectName() == page.title.objectName()  # styled as the page's heading
        assert page.filled_heading.font().pointSizeF() == page.title.font().pointSizeF()
        for width in (1280, 1024, 1280):  # kept in step when the upper table resizes
            page.resize(width, 720)
            qtbot.waitUntil(lambda: _edges(page.filled_table) == _edges(page.table))
            header = page.filled_table.horizontalHeader()
            for column in range(header.count()):  # the lower rows' words fit the shared columns
                assert page.filled_table.sizeHintForColumn(column) <= header.sectionSize(column) or column in (0, 1)

        # At 1024x600 the lower list is as high as its rows and the upper list has the rest.
        page.resize(1024, 500)
        lower = page.filled_table
        rows_high = lower.verticalHeader().length()
        qtbot.waitUntil(lambda: rows_high <= lower.viewport().height() < rows_high + lower.rowHeight(0))
        assert lower.verticalScrollBar().maximum() == 0
        assert page.table.viewport().height() > lower.viewport().height()

        # Without full tasks the lower part is gone and the upper table takes its room.
        rows = page.model.rows()
        page.draw(rows)
        qtbot.waitUntil(lambda: not page.filled_part.isVisible())
        bottom = page.table.mapTo(page, page.table.rect().bottomLeft()).y()
        margin = page.layout().contentsMargins().bottom()
        qtbot.waitUntil(lambda: page.table.mapTo(page, page.table.rect().bottomLeft()).y() >= page.height() - margin - 1)
        assert bottom <= page.height()
