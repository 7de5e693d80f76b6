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

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


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


# What a keyboard user starts with on a page: where they type or choose, before its buttons.
_FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractSlider, QAbstractItemView, QPlainTextEdit, QTextEdit)


def focus_start(page: QWidget) -> None:
    """Put the keyboard focus where a keyboard user starts on `page` (shown just now).

    A page that names its start has a `focus_start()` method (the board: its
    search field); any other gets the first field of its own Tab chain (a
    search, a filter, a list), visible and enabled, else the first widget there
    that takes the focus by Tab (a button). "Its Tab chain" is the order its
    widgets were made in: Qt's chain unless the page reorders it with
    setTabOrder (a page that must start elsewhere names its start). A try-out
    found the focus on the status bar's "Sync now" after Ctrl+1: the page that had it was dropped, and
    Qt passed it on to the next in the chain. With nothing focusable on it, the
    page itself holds the focus.
    """
    own = getattr(page, "focus_start", None)
    if callable(own):
        own()
        return
    # The page's own widgets in the order they were made. Not by walking nextInFocusChain():
    # PySide makes each widget that returns a child of the one asked, so a walk round
    # the window made the board a child of this page, and when the page was destroyed
    # the board's layout items went with it (a try-out lost the board's filter row).
    chain = [
        widget
        for widget in page.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible() and widget.isEnabled()
    ]
    start = next((w for w in chain if isinstance(w, _FIELDS)), chain[0] if chain else page)
    start.setFocus(Qt.FocusReason.ShortcutFocusReason if start is not page else Qt.FocusReason.OtherFocusReason)
