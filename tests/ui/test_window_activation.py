"""Without a window manager (a bare X server, a kiosk) Knop activates its own windows.

A try-out under Xvfb with no window manager found the main window not active
after logging in, nor after a dialog closed, so the keyboard shortcuts did
nothing until someone clicked. Here: the window that comes up is the active
one with the focus in the right field, and a closed dialog hands the keys back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from tests.ui.test_shell import PASSWORD, log_in, shell  # noqa: F401 - shell is a fixture
from ui.login import LockScreen
from ui.shell import Shell


def test_after_logging_in_the_main_window_is_active_with_the_focus_in_the_search_field(
    qtbot: Any, shell: Shell  # noqa: F811
) -> None:
    window = log_in(qtbot, shell, "anna")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert QApplication.focusWidget() is window.board.search_field


def test_after_unlocking_the_main_window_is_active_again(qtbot: Any, shell: Shell) -> None:  # noqa: F811
    window = log_in(qtbot, shell, "anna")
    window.lock_action.trigger()
    gate = shell.gate
    assert isinstance(gate, LockScreen)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is gate)
    qtbot.keyClicks(gate.password, PASSWORD)
    with qtbot.waitSignal(shell.entered, timeout=10_000) as entered:
        gate.unlock_requested.emit(PASSWORD)
    again = entered.args[0]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again)
    assert QApplication.focusWidget() is again.board.search_field


def test_a_closed_dialog_gives_the_keys_back_to_the_main_window(qtbot: Any, shell: Shell) -> None:  # noqa: F811
    window = log_in(qtbot, shell, "anna")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    box = QMessageBox(QMessageBox.Icon.Information, "Knop", "Hej", QMessageBox.StandardButton.Ok, window)
    QTimer.singleShot(0, box.accept)
    box.exec()
    # With no window manager nobody else activates it again.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert QApplication.focusWidget() is window.board.search_field
    dialog = QDialog(window)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.close()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
