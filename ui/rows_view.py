"""A table of rows for the keyboard: one Tab stop, the arrows move the current row, which is outlined.

Qt's QTableView takes Tab for itself, cell by cell, so a keyboard user who tabbed
into one of Knop's lists (the review list, My page, the audit trail, the admin
tables, ...) had to walk every cell of every row to get out again; and the only
mark of the current row was its pale selection tint (about 1.3:1 on white), or
none at all where the keys arrived with no row chosen. Every list of rows in Knop
is a `RowsView`: Tab and Shift+Tab enter and leave it, the arrow keys, Page Up/Down,
Home and End move the current row, and while the list has the keys the current
row has a 2 px outline round the whole row (not a cell) in the palette's
Highlight colour. Knop's style sheet gives tables a strong Highlight (its focus
blue), paints chosen rows' tint through `::item:selected`, and drops the style's
dotted frame round one cell (`RowsView { outline: 0 }`), which read as "this
cell"; a high-contrast palette's Highlight is used as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFocusEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

OUTLINE = 2  # px: as wide as every other focus mark in knop.qss


class RowsView(QTableView):
    """A read-only list of whole rows (one chosen at a time) that the keyboard enters and leaves with Tab.

    `row_on_focus=False`: the keys arriving choose no row (Qt otherwise makes the first
    row current), for a list whose chosen row arms buttons (My page's skills: "Make
    private", "Remove skill"): a try-out's language switch gave the keys back to the
    rebuilt list and its first skill came up chosen with both enabled. The arrow keys
    still choose from the first row; a mouse focus chooses none anyway.
    """

    def __init__(self, parent: QWidget | None = None, *, row_on_focus: bool = True) -> None:
        super().__init__(parent)
        self._row_on_focus = row_on_focus
        self.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def current_row_rect(self) -> QRect:
        """The current row's rectangle in the viewport (px), across every shown column; empty without one."""
        index = self.currentIndex()
        model = self.model()
        if not index.isValid() or model is None or self.isRowHidden(index.row()):
            return QRect()
        header = self.horizontalHeader()
        shown = [c for c in range(model.columnCount()) if not header.isSectionHidden(c)]
        if not shown:
            return QRect()
        cells = [self.visualRect(model.index(index.row(), column)) for column in shown]
        whole = QRect(cells[0])
        for cell in cells[1:]:
            whole = whole.united(cell)
        return whole

    def moveCursor(  # noqa: N802 - Qt's name
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        # Home and End go to the first and the last row, as in a list: Qt's table moves to the
        # row's first or last cell there, which changes nothing a row list shows.
        ends = (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd)
        if action in ends:
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self.hasFocus():
            return
        row = self.current_row_rect()
        if row.isEmpty():
            return
        painter = QPainter(self.viewport())
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), OUTLINE)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # A pen is centred on its line: half a width in keeps all of it inside the row.
        half = OUTLINE / 2
        painter.drawRect(row.toRectF().adjusted(half, half, -half, -half))
        painter.end()

    def currentChanged(  # noqa: N802 - Qt's name
        self, current: QModelIndex | QPersistentModelIndex, previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().currentChanged(current, previous)
        # Qt repaints only the cells that changed; the outline spans the whole row, old and new.
        self.viewport().update()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        if self._row_on_focus or self.currentIndex().isValid():
            super().focusInEvent(event)
        else:  # Qt skips its choosing for a mouse focus, where the click itself chooses
            super().focusInEvent(QFocusEvent(event.type(), Qt.FocusReason.MouseFocusReason))
        self.viewport().update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.viewport().update()
