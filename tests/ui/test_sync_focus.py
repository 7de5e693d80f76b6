"""Where the keyboard focus is after "Sync now", in the real main window (a new-user try-out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from sync.scheduler import SyncState
from tests.ui.test_sync_status import Worker
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.sync_status import SyncLink


def _window(qtbot: Any, make_context: Callable[..., AppContext]) -> tuple[MainWindow, Worker, SyncLink]:
    context = make_context("anna", "en")
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.board.model.rowCount() > 0, timeout=10_000)
    return window, worker, link


def _syncing(qtbot: Any, worker: Worker, link: SyncLink, state: SyncState) -> None:
    with qtbot.waitSignal(link.state_changed):
        worker.publish(state)


def test_clicking_sync_now_leaves_the_focus_where_the_person_was(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Found by a new-user try-out: after "Synkronisér nu" the focus jumped to the bell."""
    window, worker, link = _window(qtbot, make_context)
    search = window.board.search_field
    search.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(search.hasFocus)
    qtbot.mouseClick(window.status.sync_button, Qt.MouseButton.LeftButton)
    assert worker.requests == ["manual"]
    _syncing(qtbot, worker, link, SyncState(online=True, syncing=True))
    assert not window.status.sync_button.isEnabled()
    assert QApplication.focusWidget() is search  # typing goes on where it was
    _syncing(qtbot, worker, link, SyncState(online=True, last_success="2026-11-30T10:00:00.000Z"))
    assert QApplication.focusWidget() is search


def test_a_keyboard_user_is_not_sent_to_the_bell(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    """Tabbed to "Sync now" and pressed Space: while the sync runs the button is greyed out,
    so the focus goes back to where the person came from, and returns to the button when the
    sync is done (if the person has not moved it meanwhile)."""
    window, worker, link = _window(qtbot, make_context)
    search = window.board.search_field
    search.setFocus(Qt.FocusReason.MouseFocusReason)
    button = window.status.sync_button
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert worker.requests == ["manual"]
    _syncing(qtbot, worker, link, SyncState(online=True, syncing=True))
    focused = QApplication.focusWidget()
    assert focused is not window.bell and focused is not None
    assert focused is search
    _syncing(qtbot, worker, link, SyncState(online=True, last_success="2026-11-30T10:00:00.000Z"))
    assert QApplication.focusWidget() is button
