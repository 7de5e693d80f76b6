"""The main window's pages: each comes from one factory in SCREENS, wired by name, not by hasattr.

A real window over a real store; each page's requests are emitted as the page
itself emits them, and the window must answer with the page they ask for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ui.context import AppContext
from ui.main_window import SCREENS, MainWindow, review_screen, task_view_screen
from ui.my_page import MyPage
from ui.review import ReviewPage
from ui.task_form import TaskForm
from ui.task_view import TaskView


@pytest.fixture
def window(qtbot: Any, make_context: Callable[..., AppContext]) -> MainWindow:
    made = MainWindow(make_context("mette"))
    qtbot.addWidget(made)
    qtbot.waitUntil(lambda: made.board.model.rowCount() > 0, timeout=10_000)
    return made


def test_each_page_leads_where_its_requests_say(qtbot: Any, window: MainWindow) -> None:
    task_id = window.board.model.task_id(0)

    window.board.open_task_requested.emit(task_id)
    view = window.current_page()
    assert isinstance(view, TaskView) and view.task_id == task_id

    view.review_requested.emit(task_id)
    assert isinstance(window.current_page(), ReviewPage)
    window.back()
    assert window.current_page() is view

    view.edit_requested.emit(task_id)
    form = window.current_page()
    assert isinstance(form, TaskForm)
    form.finished.emit(task_id)  # the form gives way to the task it saved
    assert isinstance(window.current_page(), TaskView)
    assert form not in window._history

    window.go_my_page()
    page = window.current_page()
    assert isinstance(page, MyPage) and window.my_page_action.isChecked()
    page.open_task_requested.emit(task_id)
    assert isinstance(window.current_page(), TaskView)
    assert not window.my_page_action.isChecked()

    window.go_board()
    assert window.current_page() is window.board and not window._history


def test_every_registered_screen_builds_over_a_real_context(
    qtbot: Any, window: MainWindow
) -> None:
    task_id = window.board.model.task_id(0)
    for screen in SCREENS:
        page = screen(window.context, window, task_id)
        qtbot.addWidget(page)
        assert page.parent() is None, screen.__name__  # the window adopts it when it goes there


@pytest.mark.parametrize("screen", [task_view_screen, review_screen])
def test_a_page_about_one_task_refuses_to_be_built_without_one(
    window: MainWindow, screen: Any
) -> None:
    with pytest.raises(ValueError, match="no task id"):
        screen(window.context, window, None)


def test_each_screen_key_puts_the_focus_where_a_keyboard_user_starts(qtbot: Any, window: MainWindow) -> None:
    """A try-out found the focus on the status bar's "Sync now" after Ctrl+1, not in the board's
    search: the page that had it was dropped and Qt passed it on. Each key of the Go menu now
    leaves the keys on its page's first field (the board: the search), and Back returns them
    to where they were on the page below."""
    from PySide6.QtWidgets import QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit

    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.status.sync_button.setFocus()

    def focus() -> Any:
        return window.focusWidget()

    window.my_page_action.trigger()  # Ctrl+2
    page = window.current_page()
    assert isinstance(page, MyPage) and page.isAncestorOf(focus())
    page.tabs.setFocus()
    window.board_action.trigger()  # Ctrl+1
    assert focus() is window.board.search_field
    fields = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractSlider, QAbstractItemView)
    for action in window.page_actions:  # Ctrl+3 to Ctrl+8 for a site manager
        action.trigger()
        page = window.current_page()
        assert page is not None and page.isAncestorOf(focus()) and isinstance(focus(), fields), (
            action.text(), focus())
        window.status.sync_button.setFocus()  # wherever the keys went meanwhile
        window.board_action.trigger()
        assert focus() is window.board.search_field, action.text()

    # Back: the keys where they were on the board, on the list's row that was opened.
    window.board.view.setFocus()
    task_id = window.board.model.task_id(0)
    assert task_id is not None
    window.open_task(task_id)
    assert window.current_page() is not window.board
    window.back()
    assert focus() is window.board.view


def test_the_boards_filters_stay_laid_out_above_the_list_after_a_resize_on_another_page(
    qtbot: Any, window: MainWindow
) -> None:
    """A try-out lost the board's whole filter row for the rest of the session ("Save search"
    floating over the first row) once the window was resized while another page showed:
    go to My page, resize, Ctrl+1. Every filter is shown again, in the row between the
    search and the list, after a second resize too."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    board = window.board
    filters = [board.site_box, board.skill_box, board.audience_box, board.organisation_box,
               board.status_box, board.date_box, board.mine_box, board.clear_button, board.save_search]
    filters = [w for w in filters if not w.isHidden()]  # the organisations' box is for a few roles only
    assert len(filters) >= 8

    def laid_out_above_the_list() -> bool:
        list_top = board.view.geometry().top()
        search_bottom = board.search_field.geometry().bottom()
        return all(
            w.isVisible() and w.width() > 0 and search_bottom < w.geometry().top()
            and w.geometry().bottom() < list_top
            for w in filters
        )

    qtbot.waitUntil(laid_out_above_the_list)
    for size in ((1024, 700), (1400, 900)):
        window.my_page_action.trigger()  # Ctrl+2: the board is hidden under My page
        window.resize(*size)
        qtbot.waitUntil(lambda size=size: window.width() == size[0])
        window.board_action.trigger()  # Ctrl+1
        # My page goes with deleteLater(): the app's event loop deletes it at once, the
        # test's waits (processEvents) never would, so here it is deleted as the app would.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qtbot.waitUntil(laid_out_above_the_list)
    window.resize(1100, 750)  # and a resize on the board itself does not bring it back either
    qtbot.waitUntil(lambda: window.width() == 1100)
    qtbot.waitUntil(laid_out_above_the_list)
