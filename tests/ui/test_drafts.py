"""Issue 17: nothing typed is lost — a half-written bid, comment or task survives lock and
unlock, switching user and back, leaving the page, and a crash; the next person never sees it.

The shell runs with the real windows over real store files (one per person, as on a
shared workstation); the crash is a second context opening the file the first one
wrote while the person typed, with nothing flushed on the way out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from sync.server import demo
from desktop.core.entities import Person
from tests.ui.driving import biddable_task, shown
from tests.ui.test_shell import PASSWORD, log_in, new_task_form, shell  # noqa: F401 - shell is a fixture
from ui.context import AppContext
from ui.login import LockScreen
from ui.main_window import MainWindow, task_form_screen
from ui.shell import Shell
from ui.task_form import TaskForm
from ui.task_view import TaskView


def open_task(qtbot: Any, window: MainWindow, task_id: str) -> TaskView:
    window.open_task(task_id)
    view = window.current_page()
    assert isinstance(view, TaskView)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10_000)
    return view


def drafts_on_disk(path: Path, person_id: str) -> list[str]:
    """The forms with a kept draft, read from the file itself (what survives a crash)."""
    with sqlite3.connect(path) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT form FROM form_drafts WHERE person_id = ? ORDER BY form", (person_id,)
            )
        ]


def unlock(qtbot: Any, shell: Shell) -> MainWindow:  # noqa: F811 - the fixture, passed on
    gate = shell.gate
    assert isinstance(gate, LockScreen)
    qtbot.keyClicks(gate.password, PASSWORD)
    with qtbot.waitSignal(shell.entered, timeout=10_000) as entered:
        qtbot.keyClick(gate.password, Qt.Key.Key_Return)
    window = entered.args[0]
    assert isinstance(window, MainWindow)
    return window


def anna_task(demo_data: demo.DemoData) -> str:
    anna = next(p for p in demo_data.people if p.username == "anna")
    return biddable_task(demo_data, anna).id


def test_lock_and_unlock_keep_the_bid_and_comment_and_return_to_the_task(
    qtbot: Any, shell: Shell, demo_data: demo.DemoData  # noqa: F811
) -> None:
    task_id = anna_task(demo_data)
    window = log_in(qtbot, shell, "anna")
    view = open_task(qtbot, window, task_id)
    qtbot.keyClicks(view.bid_message, "Jeg har erfaring med svømning")
    qtbot.keyClicks(view.comment_box, "Hvor mødes vi?")
    window.lock_action.trigger()  # at once, before the typing pause has passed
    window = unlock(qtbot, shell)
    view = window.current_page()
    assert isinstance(view, TaskView) and view.task_id == task_id  # back where she was
    qtbot.waitUntil(lambda: view.comment_box.toPlainText() == "Hvor mødes vi?", timeout=10_000)
    qtbot.waitUntil(
        lambda: view.bid_message.toPlainText() == "Jeg har erfaring med svømning", timeout=10_000
    )


def test_switching_user_and_back_keeps_the_comment_and_the_next_person_never_sees_it(
    qtbot: Any, shell: Shell, demo_data: demo.DemoData  # noqa: F811
) -> None:
    task_id = anna_task(demo_data)
    window = log_in(qtbot, shell, "anna")
    view = open_task(qtbot, window, task_id)
    qtbot.keyClicks(view.comment_box, "Et halvt spørgsmål")
    window.switch_action.trigger()

    mette = log_in(qtbot, shell, "mette")
    other = open_task(qtbot, mette, task_id)
    assert other.comment_box.toPlainText() == ""
    assert other.bid_message.toPlainText() == ""
    assert shell.context is not None
    assert drafts_on_disk(shell.context.store_path, mette.context.person.id) == []
    mette.switch_action.trigger()

    window = log_in(qtbot, shell, "anna")
    view = open_task(qtbot, window, task_id)
    qtbot.waitUntil(lambda: view.comment_box.toPlainText() == "Et halvt spørgsmål", timeout=10_000)


def test_leaving_the_page_keeps_what_was_typed_and_sending_forgets_it(
    qtbot: Any, shell: Shell, demo_data: demo.DemoData  # noqa: F811
) -> None:
    task_id = anna_task(demo_data)
    window = log_in(qtbot, shell, "anna")
    view = open_task(qtbot, window, task_id)
    qtbot.keyClicks(view.comment_box, "Kommer der kaffe?")
    window.back()  # to the board: the draft is kept, not dropped with the page
    view = open_task(qtbot, window, task_id)
    qtbot.waitUntil(lambda: view.comment_box.toPlainText() == "Kommer der kaffe?", timeout=10_000)
    qtbot.waitUntil(view.send_button.isEnabled)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.comment_box.toPlainText() == "")
    assert shell.context is not None
    path, anna = shell.context.store_path, window.context.person.id
    qtbot.waitUntil(lambda: "comment" not in drafts_on_disk(path, anna), timeout=10_000)
    window.back()
    view = open_task(qtbot, window, task_id)
    assert view.comment_box.toPlainText() == ""  # sent, so not brought back


def test_a_half_written_task_survives_leaving_the_form(
    qtbot: Any, shell: Shell  # noqa: F811
) -> None:
    window = log_in(qtbot, shell, "mette")
    form = new_task_form(qtbot, window)
    qtbot.keyClicks(form.title, "Sommerfest på plejehjemmet")
    qtbot.keyClicks(form.place, "Haven")
    window.back()
    window.go(task_form_screen, None)
    form = window.current_page()
    assert isinstance(form, TaskForm)
    qtbot.waitUntil(form.isEnabled, timeout=10_000)
    assert (form.title.text(), form.place.text()) == ("Sommerfest på plejehjemmet", "Haven")
    assert form.draft_note.isVisible()


def test_a_crash_loses_no_more_than_the_last_moment_of_typing(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, demo_store: Path
) -> None:
    anna: Person = next(p for p in demo_data.people if p.username == "anna")
    task_id = biddable_task(demo_data, anna).id
    before = make_context("anna")
    view = shown(qtbot, TaskView(before, task_id))
    qtbot.keyClicks(view.bid_message, "Halvt skrevet bud")
    qtbot.keyClicks(view.comment_box, "Halvt skrevet kommentar")
    # On disk while she types, with nothing flushed on the way out (a crash has no way out).
    qtbot.waitUntil(lambda: drafts_on_disk(demo_store, anna.id) == ["bid", "comment"], timeout=10_000)
    after = make_context("anna")  # the app started again on the same file
    again = shown(qtbot, TaskView(after, task_id))
    qtbot.waitUntil(lambda: again.bid_message.toPlainText() == "Halvt skrevet bud", timeout=10_000)
    qtbot.waitUntil(lambda: again.comment_box.toPlainText() == "Halvt skrevet kommentar", timeout=10_000)


def test_unlocking_returns_to_the_board_as_it_was_and_the_form_on_it(
    qtbot: Any, shell: Shell  # noqa: F811
) -> None:
    """A try-out locked the screen with the board filtered, searched and a row far down chosen,
    and a new task half typed on top: unlocking showed the form again but a fresh board below it
    (tasks open for bids, nothing searched, nothing chosen)."""
    from PySide6.QtWidgets import QAbstractItemView

    window = log_in(qtbot, shell, "mette")
    board = window.board
    board.status_box.setCurrentIndex(board.status_box.findData(None))  # Any status
    board.sort_box.setCurrentIndex(board.sort_box.findData("title"))
    qtbot.keyClicks(board.search_field, "e")
    qtbot.waitUntil(lambda: board.count_label.text().split()[0].isdigit(), timeout=10_000)  # counted
    with qtbot.waitSignal(board.counted, timeout=10_000):
        board.search_now()
    rows, filters = board.model.rowCount(), board.filters()
    assert rows > 40 and filters.status is None and filters.text == "e"
    chosen = rows * 2 // 3
    board.view.setCurrentIndex(board.model.index(chosen, 0))
    board.view.scrollTo(board.model.index(chosen, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
    task_id = board.current_task_id()
    form = new_task_form(qtbot, window)
    qtbot.keyClicks(form.title, "Sommerfest på plejehjemmet")
    window.lock_action.trigger()
    window = unlock(qtbot, shell)
    form = window.current_page()
    assert isinstance(form, TaskForm)  # the form on top, its draft read back
    qtbot.waitUntil(lambda: form.title.text() == "Sommerfest på plejehjemmet", timeout=10_000)
    again = window.board
    qtbot.waitUntil(lambda: again.model.rowCount() == rows, timeout=10_000)
    assert again.filters() == filters and again.search_field.text() == "e"
    qtbot.waitUntil(lambda: again.current_task_id() == task_id, timeout=10_000)
    window.back()
    assert window.current_page() is again
    view = again.view
    row = again.model.row_of(task_id or "")
    qtbot.waitUntil(lambda: view.rowAt(0) <= row <= view.rowAt(view.viewport().height() - 1), timeout=10_000)
