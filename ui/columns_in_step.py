"""Two tables of the same columns, one under the other, read as one: their columns line up.

Bids to decide lists the tasks awaiting a decision and, under them, the tasks whose
places are all filled, in the same four columns. Each table sized its columns to
its own rows, so the lower one's "Site" began about 80 px left of the upper one's (the
demo, 1280 px) and the page read as two lists pasted together. Here the upper table (the
leader) sizes its columns to fit the rows of both, and the lower one (the follower)
takes the leader's widths, whenever either's rows change or the leader resizes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView


def columns_in_step(leader: QTableView, follower: QTableView, stretched: tuple[int, ...]) -> None:
    """Keep `follower`'s column widths (px) equal to `leader`'s, the two tables having the same columns.

    `stretched`: the leader's columns that share its spare width (`table_view`'s
    `stretch`); its other columns are made as wide as the widest of their cells in
    either table (and their title), so the follower's cells fit as well as the
    leader's. Both views are made by `ui.table_model.table_view`. The keeper is a Qt
    child of `follower`, so it lives as long as the follower does.
    """
    _InStep(leader, follower, stretched)


class _InStep(QObject):
    """Sizes the leader's fitted columns over both tables' rows and copies all widths to the follower."""

    _AGAIN = (QEvent.Type.Show, QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FontChange)

    def __init__(self, leader: QTableView, follower: QTableView, stretched: tuple[int, ...]) -> None:
        super().__init__(follower)
        self._leader = leader
        self._follower = follower
        self._fitted = [c for c in range(leader.model().columnCount()) if c not in stretched]
        for column in self._fitted:
            # Fitted here, over both tables' rows, rather than by Qt over the leader's alone.
            leader.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        theirs = follower.horizontalHeader()
        theirs.setStretchLastSection(False)
        for column in range(theirs.count()):
            theirs.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        leader.horizontalHeader().sectionResized.connect(self._copy)
        for view in (leader, follower):
            model = view.model()
            for signal in (model.modelReset, model.dataChanged, model.layoutChanged, model.rowsInserted):
                signal.connect(self.fit)
            view.installEventFilter(self)
        self.fit()

    def fit(self, *_args: Any) -> None:
        """The fitted columns as wide as their widest cell in either table, or their title; then copied."""
        header = self._leader.horizontalHeader()
        for column in self._fitted:
            wanted = max(
                header.sectionSizeFromContents(column).width(),
                self._leader.sizeHintForColumn(column),
                self._follower.sizeHintForColumn(column),
            )
            if header.sectionSize(column) != wanted:
                header.resizeSection(column, wanted)  # the leader's stretched columns share the rest
        for column in range(header.count()):
            self._copy(column)

    def _copy(self, column: int, *_sizes: int) -> None:
        width = self._leader.horizontalHeader().sectionSize(column)
        theirs = self._follower.horizontalHeader()
        if column < theirs.count() and theirs.sectionSize(column) != width:
            theirs.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self._AGAIN:
            self.fit()  # the style sheet's padding counts once a view is polished
        return False
