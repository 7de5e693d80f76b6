"""Tab follows the screen, Bids to decide has a menu entry and a key, an outsider's menu holds
only what they can use (try-out s36, findings 14 and 15). Real windows, in Danish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QWidget

from tests.ui.driving import active_window, no_message_boxes, styled  # noqa: F401 - autouse fixture
from ui.bids_to_decide import BidsToDecide
from ui.context import AppContext
from ui.main_window import MainWindow


def _window(qtbot: Any, context: AppContext) -> MainWindow:
    window: MainWindow = active_window(qtbot, context)
    qtbot.waitUntil(lambda: window.board.view.model().rowCount() > 0, timeout=10_000)
    return window


def _go_menu(window: MainWindow) -> list[str]:
    menu = window.menuBar().actions()[1].menu()
    assert isinstance(menu, QMenu)
    return [a.text().replace("&", "") for a in menu.actions() if a.isVisible() and not a.isSeparator()]


def test_tab_goes_as_the_screen_reads(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    with styled("da"):
        window = _window(qtbot, make_context("anna", "da"))
        board = window.board
        board.search_field.setFocus()
        walked: list[QWidget] = []
        for _ in range(40):
            here = QApplication.focusWidget()
            assert here is not None
            walked.append(here)
            qtbot.keyClick(here, Qt.Key.Key_Tab)
        # "Gem søgning" where it sits, after the filters and before the list.
        assert walked.index(board.clear_button) + 1 == walked.index(board.save_search)
        assert walked.index(board.save_search) + 1 == walked.index(board.view)
        # The navigation along the top is in reach by Tab, before the page, after the list.
        bar = window.findChild(QToolBar, "navigation")
        assert bar is not None
        nav = [bar.widgetForAction(a) for a in (window.board_action, window.my_page_action, window.new_task_action)]
        assert all(button in walked for button in nav)
        after_list = walked[walked.index(board.view) + 1:]
        order = [after_list.index(w) for w in (*nav, window.bell, window.user_button, board.search_field)]
        assert order == sorted(order), order


def test_bids_to_decide_has_a_menu_entry_a_key_and_a_line_under_f1(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    with styled("da"):
        window = _window(qtbot, make_context("mette", "da"))
        assert "Bud, du skal tage stilling til" in _go_menu(window)
        qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: isinstance(window.current_page(), BidsToDecide))
        window.show_shortcuts()
        listed = {keys.text(): what.text() for keys, what in window.shortcuts_dialog.rows}
        ctrl0 = QKeySequence("Ctrl+0").toString(QKeySequence.SequenceFormat.NativeText)
        assert listed.get(ctrl0) == "Bud, du skal tage stilling til", listed
        window.shortcuts_dialog.close()


def test_an_outsiders_menu_holds_only_what_they_can_use(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    with styled("da"):
        window = _window(qtbot, make_context("ole", "da"))
        go = _go_menu(window)
        for page in ("Kompetencekort", "Find talenter", "Netværk af arbejdssteder", "Bud, du skal tage stilling til"):
            assert page not in go, go
        assert not window.new_task_action.isEnabled()
        assert "medarbejdere" in window.new_task_action.toolTip()  # says why it is greyed out
        # A member keeps them.
        member = _window(qtbot, make_context("anna", "da"))
        assert {"Kompetencekort", "Netværk af arbejdssteder"} <= set(_go_menu(member))
