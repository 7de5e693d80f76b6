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

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGridLayout,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTabWidget,
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

# The Qt property that marks a button whose press undoes or ends something (withdraw a bid,
# delete a search): a keyboard user's Enter or Space must never land on it unasked.
_DESTRUCTIVE = "destructive"


def mark_destructive(*buttons: QAbstractButton) -> None:
    """Mark `buttons` as ones the focus is never put on for the person (`focus_start`, a rebuild)."""
    for button in buttons:
        button.setProperty(_DESTRUCTIVE, True)


def is_destructive(widget: QWidget) -> bool:
    """Whether `widget` is marked by `mark_destructive`."""
    return bool(widget.property(_DESTRUCTIVE))


def tab_order(page: QWidget) -> list[QWidget]:
    """The widgets of `page` that take the focus by Tab, in the order the person sees them.

    Read from the page's layouts, top to bottom and left to right (a grid by its
    rows and columns, a tab widget's tab bar before its page), then the children
    no layout places (a scroll area's content), in the order they were made.
    Hidden and disabled widgets are included: callers ask what they need.

    Not by walking nextInFocusChain(): PySide makes each widget that call returns
    a child of the one asked, so a walk round the window made the board a child
    of a page, and when the page was destroyed the board's layout items went with
    it (a try-out lost the board's filter row). Nor by findChildren's order alone:
    that is the order the widgets were made in, not where they stand (a page that
    builds its list before its search field put the focus in the list).
    """
    found: list[QWidget] = []
    seen: set[int] = set()

    def widget(here: QWidget) -> None:
        if id(here) in seen:
            return
        seen.add(id(here))
        if here is not page and here.focusPolicy() & Qt.FocusPolicy.TabFocus:
            found.append(here)
        if isinstance(here, QTabWidget):
            widget(here.tabBar())
        if isinstance(here, QStackedWidget):
            current = here.currentWidget()
            if current is not None:
                widget(current)
        own = here.layout()
        if own is not None:
            layout(own)
        for child in here.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not child.isWindow():
                widget(child)

    def layout(here: QLayout) -> None:
        order = list(range(here.count()))
        if isinstance(here, QGridLayout):
            grid = here

            def place(index: int) -> tuple[int, int]:
                position: Any = grid.getItemPosition(index)  # (row, column, row span, column span)
                return (int(position[0]), int(position[1]))

            order.sort(key=place)
        for index in order:
            item = here.itemAt(index)
            if item is None:
                continue
            inner_widget, inner_layout = item.widget(), item.layout()
            if inner_widget is not None:
                widget(inner_widget)
            elif inner_layout is not None:
                layout(inner_layout)

    widget(page)
    return found


def focus_start(page: QWidget) -> None:
    """Put the keyboard focus where a keyboard user starts on `page` (shown just now).

    A page that names its start has a `focus_start()` method (the board: its
    search field); any other gets the first field in its Tab order as the person
    sees it (`tab_order`: a search, a filter, a list), visible and enabled, else
    the first widget there that takes the focus by Tab (a button), never one
    marked destructive (`mark_destructive`). A try-out found the focus on the
    status bar's "Sync now" after Ctrl+1: the page that had it was dropped, and
    Qt passed it on to the next in the chain. With nothing focusable on it, the
    page itself holds the focus.
    """
    own = getattr(page, "focus_start", None)
    if callable(own):
        own()
        return
    chain = [w for w in tab_order(page) if w.isVisible() and w.isEnabled() and not is_destructive(w)]
    start = next((w for w in chain if isinstance(w, _FIELDS)), chain[0] if chain else page)
    start.setFocus(Qt.FocusReason.ShortcutFocusReason if start is not page else Qt.FocusReason.OtherFocusReason)
