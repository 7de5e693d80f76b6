"""The mouse wheel scrolls the page; it changes a number or a choice only once that field has the focus.

Found in a new-user try-out: scrolling the task page up with the wheel, the
pointer passed over "Hours you offer" and the rest of the turn set it from
"Not given" to 1,0, unseen. Qt gives spin boxes and drop-down lists the focus
on a wheel turn (WheelFocus) and lets the wheel change them without it. Here
they take the focus only by a click or Tab, and a wheel turn over one that has
not got it scrolls the page around it instead. Outside a page that scrolls, the
wheel changes them as Qt does (a filter bar has nothing to scroll).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

_FIELDS = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """An app-wide event filter (install with `guard_the_wheel`); holds no state."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, _FIELDS):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel or not isinstance(watched, _FIELDS) or watched.hasFocus():
            return False
        area = _scrolling_page(watched)
        if area is None:
            return False
        QCoreApplication.sendEvent(area.viewport(), event)
        return True


def _scrolling_page(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area around `widget` that can scroll up or down, or None."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.verticalScrollBar().maximum() > 0:
            return parent
        parent = parent.parentWidget()
    return None


def guard_the_wheel(app: QApplication) -> WheelGuard:
    """Install the guard on `app` (once; a second call returns the first guard)."""
    for child in app.children():
        if isinstance(child, WheelGuard):
            return child
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
