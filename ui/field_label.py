"""A field's label with its &-key, wide enough for its words as they are drawn.

QLabel measures "&To" as "To" with kerning (a tight pair: 15 px in the app's
font), but draws it in pieces, the underlined key letter apart from the rest,
and pieces are not kerned (17 px): on a desktop that shows the underlines
(Xvfb, X11 without a window manager's hiding of them) "To" read "Tc" beside
the Reports' and the Audit trail's dates. A `FieldLabel` asks for the width of
its words letter by letter, which is never less than what is drawn.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget


class FieldLabel(QLabel):
    """A one-line label for `buddy` (its &-key moves the focus there), never cut by kerning."""

    def __init__(self, text: str, buddy: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setBuddy(buddy)

    def _unkerned(self, hint: QSize) -> QSize:
        font = self.font()
        font.setKerning(False)
        words = self.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        margins = self.contentsMargins()
        wide = QFontMetrics(font).horizontalAdvance(words) + 1 + margins.left() + margins.right()
        wide += 2 * self.margin()
        return QSize(max(hint.width(), wide), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return self._unkerned(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self._unkerned(super().minimumSizeHint())
