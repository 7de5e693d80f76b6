"""Keys go back to the window a dialog came from, also with no window manager to do it.

On a desktop the window manager activates the parent when a dialog closes. On
a bare X server (a kiosk, Xvfb) there is none: a try-out found the main window
inactive after every dialog, so its keyboard shortcuts did nothing until
someone clicked. `DialogsGiveKeysBack` watches for dialogs with a parent being
hidden and, once the event loop has settled, activates the parent's window if
nothing else is active by then; with a window manager that did it already,
it does nothing. The window's own focus widget gets the focus back with it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


class DialogsGiveKeysBack(QObject):
    """An application event filter: a hidden dialog's parent window becomes active again."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Dialogs only: a tooltip or a menu also hides, and may do so while another
        # program is in front, which must keep its keys.
        if event.type() == QEvent.Type.Hide and isinstance(watched, QDialog) and watched.isWindow():
            parent = watched.parentWidget()
            if parent is not None:
                home = parent.window()
                QTimer.singleShot(0, home, lambda: self._activate(home, watched))
        return False

    @staticmethod
    def _activate(home: QWidget, hidden: QWidget) -> None:
        active = QApplication.activeWindow()
        if active is not None and active is not hidden:
            return  # a window manager, or the person, made another window active
        if home.isVisible() and not home.isMinimized():
            home.raise_()
            home.activateWindow()
