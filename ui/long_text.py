"""Showing text people wrote without letting it break a layout.

Titles, messages and comments come from other people and other machines: a
10,000-character title, a word with no spaces, right-to-left script or a line
of emoji must never push a window wider than the screen. Two tools: an
`ElidedLabel` for one-line headings (the full text stays in the tooltip and
for screen readers), and `breakable()` for wrapped text, which lets Qt's word
wrap break runs that have no spaces.
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QTabBar, QWidget

# Beyond this many characters nobody reads a heading; eliding the rest is
# cheaper than measuring it on every resize.
_HEADING_LIMIT = 400
_TOOLTIP_LIMIT = 1000
CELL_LIMIT = 300  # characters in a one-line list cell: wider than any screen at any font
_LONG_RUN = re.compile(r"\S{40,}")
_ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str) -> str:
    """The text with invisible break opportunities inside runs of 40+ non-space characters."""

    def split(match: re.Match[str]) -> str:
        run = match.group(0)
        return _ZERO_WIDTH_SPACE.join(run[i : i + 20] for i in range(0, len(run), 20))

    return _LONG_RUN.sub(split, text)


def direction(text: str, default: Qt.LayoutDirection) -> Qt.LayoutDirection:
    """The direction the text itself reads in, by its first strong character (as dir="auto")."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
    return default


def shortened(text: str, limit: int = _TOOLTIP_LIMIT) -> str:
    """At most `limit` characters, with an ellipsis when cut (for tooltips and list cells)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ElidedLabel(QWidget):
    """One line of text that shrinks with its space and ends in "…" when it does not fit.

    `setText(text, give_way=part)`: where the line does not fit, `part` (a name or a
    title inside the sentence) is shortened first, so what the sentence says of it stays.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._give_way = ""
        self._shown = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str, give_way: str = "") -> None:  # noqa: N802
        # Newlines would make a heading two lines tall; a heading is one line.
        self._text = " ".join(text.split())
        self._give_way = " ".join(give_way.split())
        self.setToolTip(shortened(self._text))
        self.setAccessibleName(shortened(self._text))
        self._elide()
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        metrics = self.fontMetrics()
        # A pixel or two over the rounded advance: elidedText measures in fractions,
        # and a label exactly as wide as its rounded text was cut ("Forbun…").
        wanted = metrics.horizontalAdvance(self._text[:80]) + 2
        margins = self.contentsMargins()
        sides = margins.left() + margins.right()
        return QSize(min(wanted, 60 * metrics.averageCharWidth()) + sides, metrics.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        metrics = self.fontMetrics()
        return QSize(3 * metrics.averageCharWidth(), metrics.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: object) -> None:  # noqa: N802
        super().changeEvent(event)  # type: ignore[arg-type]
        self._elide()
        # A style sheet's font arrives after the first size hint: the layout must ask again,
        # or the text is cut to the width the default font needed.
        self.updateGeometry()

    def _elide(self) -> None:
        head = self._text[:_HEADING_LIMIT]
        metrics, width = self.fontMetrics(), max(self.contentsRect().width(), 1)
        shown = metrics.elidedText(head, Qt.TextElideMode.ElideRight, width)
        if shown == head and len(self._text) > len(head):
            shown = head[:-1] + "…"
        part = self._give_way
        if shown != head and part and part in head:
            before, after = head.split(part, 1)
            # Two pixels spare: the pieces are measured apart, the line is drawn whole.
            room = width - metrics.horizontalAdvance(before + after) - 2
            # Where the rest is long too (a message after the title), the part keeps a few
            # words and the line's end goes as well.
            least = min(metrics.horizontalAdvance(part), 12 * metrics.averageCharWidth())
            short = metrics.elidedText(part, Qt.TextElideMode.ElideRight, max(room, least))
            shown = metrics.elidedText(before + short + after, Qt.TextElideMode.ElideRight, width)
        self._shown = shown
        self.update()

    def text_direction(self) -> Qt.LayoutDirection:
        return direction(self._text, self.layoutDirection())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        # An Arabic or Hebrew heading reads from the right: it starts at the right edge
        # and its ellipsis lands at its end, on the left (as QLabel and the lists do).
        painter.setLayoutDirection(self.text_direction())
        painter.drawText(
            self.contentsRect(),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading),
            self._shown,
        )


def heading(text: str = "", parent: QWidget | None = None) -> ElidedLabel:
    """A screen's title: one elided line, styled by the app's `#heading` rule."""
    label = ElidedLabel(text, parent)
    label.setObjectName("heading")
    return label


class WholeTabBar(QTabBar):
    """A tab bar whose words are whole whenever its tabs get the width they ask for.

    With an elide mode set, Qt shortened "T&asks (0)" to "Tasks …" in a tab exactly as
    wide as its own size hint (My page in English at 1024 px, a try-out): the hint
    rounds the text's width down by a pixel where the eliding measures it exactly.
    Each tab asks for a few pixels more; eliding still happens when the bar is short.
    """

    def tabSizeHint(self, index: int) -> QSize:  # noqa: N802
        hint = super().tabSizeHint(index)
        return QSize(hint.width() + 4, hint.height())
