"""A frame drawn around a control while it has the keys, outside the control, so nothing covers it.

A slider's handle at either end was drawn over the slider's own style-sheet frame
(a try-out could not see the network's quarter slider had the keys while it stood
on "the whole period"): the frame is this widget's, the control sits inside its margin.
The frame's looks are the style sheet's (`#focusFrame`, `[focused="true"]`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

# The style sheet's frame (2 px) and a pixel between it and the control.
MARGIN = 3


class FocusFrame(QFrame):
    """Holds `control` (its parent from now on) and shows the focus frame while `control` has the keys.

    A label naming the frame as its buddy gives the keys to `control` (its focus proxy).
    """

    def __init__(self, control: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("focusFrame")
        self.setProperty("focused", False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addWidget(control)
        self.setSizePolicy(control.sizePolicy())
        self.setFocusProxy(control)
        self._control = control
        control.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._control and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.setProperty("focused", event.type() == QEvent.Type.FocusIn)
            self.style().unpolish(self)
            self.style().polish(self)
            self.update()
        return super().eventFilter(watched, event)
