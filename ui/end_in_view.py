"""A scroll area that keeps its end in view when its height changes, if it was at the end.

A conversation is read at its end, where the newest comment is. When the area
shrinks (the status bar grows a second line, "The server cannot be reached"),
Qt keeps the top where it was, so the newest comment slid below the edge
(try-out 7: only "You 1 Dec 2026 11:04" was left of an offline comment).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractScrollArea

# Within this many pixels of the bottom counts as at the end (a last line's rounding).
SLACK_PX = 4


class EndKept(QObject):
    """Keeps `area`'s vertical end in view across changes of its height, while it was at the end.

    `at_end` is whether the reader was at the end when last they (or the code)
    moved it; a change of the scroll range (a resize, a relayout) then scrolls
    to the new end. `held()` sets it aside while the content is replaced.
    """

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self._bar = area.verticalScrollBar()
        self.at_end = True  # an empty area is at its end
        self._held = False
        self._bar.valueChanged.connect(self._moved)
        self._bar.rangeChanged.connect(self._range_changed)

    def _moved(self, value: int) -> None:
        if not self._held:
            self.at_end = value >= self._bar.maximum() - SLACK_PX

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        # setRange signals the new range before it clamps the value: the value here is the old one.
        if self.at_end and not self._held:
            self._bar.setValue(maximum)

    @contextmanager
    def held(self) -> Iterator[None]:
        """While the content is replaced: its clearing and refilling say nothing of where the reader was."""
        self._held = True
        try:
            yield
        finally:
            self._held = False

    def to_end(self) -> None:
        """Scroll to the end, and keep it there."""
        self.at_end = True
        self._bar.setValue(self._bar.maximum())
