"""The board's table model: every matching task id, row data only for what is on screen.

The choice, and why (STYLE.md 5): the model holds the full, ordered list of
matching ids (a search returns them cheaply, ~8 MB at 100,000 tasks), so the
row count and the scroll bar are honest and End or a drag to the middle just
work. Row *data* is fetched in pages of `PAGE` rows, on the DB thread, the
first time a view asks for a row in that page; until it arrives the cells are
blank and then redrawn by `dataChanged`. Fetched rows sit in a bounded cache
keyed by task id, so memory stays flat however far someone scrolls.

Plain canFetchMore/fetchMore would have grown the list only at the bottom
(a scroll bar that lies and no jumping to the end), and a second, read-only
connection read from `data()` would have put SQL on the UI thread, which can
stall behind a checkpoint. This way the UI thread never waits for SQLite.

After a change the model is told the new id list (`set_ids`) and the rows
that changed (`update_rows`); it inserts and removes only the ids that came
or went, and redraws only rows whose data differs. It resets only when the
order itself changed (a new sort or search).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    Qt,
)

from desktop.core import skills as catalogue
from desktop.board import BoardRow, Sort
from ui import wording
from ui.long_text import CELL_LIMIT, shortened
from ui.table_model import AnyIndex, in_table, read_only_flags
from ui.words import ntr, tr

TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 100
CACHE_ROWS = 5_000
# Structural edits beyond this many rows are cheaper as one reset.
MAX_EDITS = 200

RowFetcher = Callable[[list[str], Callable[[list[BoardRow]], None]], None]


class Column(IntEnum):
    TITLE = 0
    SITE = 1
    SKILLS = 2
    EFFORT = 3
    DEADLINE = 4
    SEATS = 5
    STATUS = 6


SORT_OF_COLUMN: dict[Column, Sort] = {
    Column.TITLE: Sort.TITLE,
    Column.EFFORT: Sort.EFFORT,
    Column.DEADLINE: Sort.DEADLINE,
}


def _header(column: Column) -> str:
    return {
        Column.TITLE: tr("Task"),
        Column.SITE: tr("Site"),
        Column.SKILLS: tr("Skills"),
        Column.EFFORT: tr("Effort"),
        Column.DEADLINE: tr("Bid deadline"),
        Column.SEATS: tr("Seats / bids"),
        Column.STATUS: tr("Status"),
    }[column]


def no_deadline() -> str:
    """What the Bid deadline column says of a task without one (sorted after every dated task)."""
    return tr("no deadline")


def short_date(iso: str | None, language: str) -> str:
    """A date that fits a column ("3. mar. 2027"); the long form is in the task view."""
    if not iso:
        return ""
    date = QDate.fromString(iso[:10], Qt.DateFormat.ISODate)
    if not date.isValid():
        return iso
    locale = QLocale(QLocale.Language.Danish if language == "da" else QLocale.Language.English)
    return locale.toString(date, tr("d MMM yyyy"))


class TaskBoardModel(QAbstractTableModel):
    """Task ids in board order; rows fetched page by page through `fetch_rows`."""

    def __init__(self, fetch_rows: RowFetcher, language: str, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._fetch_rows = fetch_rows
        self.language = language
        self._ids: list[str] = []
        self._position: dict[str, int] = {}
        self._version = 0
        self._cache: OrderedDict[str, BoardRow] = OrderedDict()
        self._asked: set[str] = set()  # ids whose rows are on their way

    # --- Qt's questions ------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _header(Column(section))
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not in_table(index, len(self._ids), len(Column)):
            return None
        task_id = self._ids[index.row()]
        if role == TASK_ID_ROLE:
            return task_id
        column = Column(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (Column.EFFORT, Column.SEATS):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row(), task_id)
        if row is None:
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return self._text(row, column)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the search's job: the board listens for the header and searches again."""

    # --- text -----------------------------------------------------------------

    def _text(self, row: BoardRow, column: Column) -> str:
        language = self.language
        if column == Column.TITLE:
            # A cell shows one line: a title longer than any screen (a server with a laxer
            # limit could send 10,000 characters) is cut before it is laid out on every paint.
            return " ".join(shortened(row.title, CELL_LIMIT).split())
        if column == Column.SITE:
            # Another municipality's site on two lines, the municipality under the site: each
            # line is cut on its own, so at 1024 px both still show (the board makes its rows
            # two lines high when the store holds more than one municipality's tasks).
            return f"{row.site_name}\n{row.organisation_name}" if row.organisation_name else row.site_name
        if column == Column.SKILLS:
            return ", ".join(catalogue.label(s, language) for s in row.skills)
        if column == Column.EFFORT:
            return wording.hours(row.effort_hours, language)
        if column == Column.DEADLINE:
            # The bid deadline and nothing else: a start date here read as one ("start 7. jan.
            # 2027" among plain dates). Without one, bids are taken until the task closes.
            return short_date(row.bid_deadline, language) if row.bid_deadline else no_deadline()
        if column == Column.SEATS:
            bids = ntr("{n} bid", "{n} bids", row.bid_count)
            return f"{row.accepted_count}/{row.seats} · {bids}"
        return wording.task_status(row.status)

    def _tooltip(self, row: BoardRow, column: Column) -> str:
        if column == Column.SEATS:
            return (
                ntr(
                    "{filled} of {n} seat filled",
                    "{filled} of {n} seats filled",
                    row.seats,
                    filled=row.accepted_count,
                )
                + "; "
                + ntr("{n} active bid", "{n} active bids", row.bid_count)
            )
        if column == Column.SITE:
            return shortened(wording.site_of(row.site_name, row.organisation_name))
        if column == Column.DEADLINE and not row.bid_deadline:
            said = tr("No bid deadline: bids are taken until the task is closed.")
            if row.starts_on:
                when = wording.period(row.starts_on, row.ends_on, self.language)
                said += "\n" + tr("Takes place: {when}", when=when)
            return said
        return shortened(self._text(row, column))

    # --- rows on demand --------------------------------------------------------

    def _row(self, number: int, task_id: str) -> BoardRow | None:
        row = self._cache.get(task_id)
        if row is not None:
            self._cache.move_to_end(task_id)
            return row
        if task_id not in self._asked:
            self._ask_page(number // PAGE)
        return None

    def _ask_page(self, page: int) -> None:
        wanted = [
            i
            for i in self._ids[page * PAGE : (page + 1) * PAGE]
            if i not in self._cache and i not in self._asked
        ]
        if not wanted:
            return
        self._asked.update(wanted)
        self._fetch_rows(wanted, functools.partial(self._arrived, wanted))

    def _arrived(self, asked: list[str], rows: list[BoardRow]) -> None:
        self._asked.difference_update(asked)
        self.update_rows(rows)

    def is_loaded(self, task_id: str) -> bool:
        return task_id in self._cache

    # --- what changed -----------------------------------------------------------

    def ids(self) -> list[str]:
        return list(self._ids)

    def task_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, task_id: str) -> int:
        return self._position.get(task_id, -1)

    def cached_ids(self) -> list[str]:
        return list(self._cache)

    def update_rows(self, rows: Sequence[BoardRow]) -> None:
        """New data for some rows: redraw only the ones that look different now."""
        last = len(Column) - 1
        changed: list[int] = []
        for row in rows:
            old = self._cache.get(row.id)
            self._cache[row.id] = row
            self._cache.move_to_end(row.id)
            position = self._position.get(row.id)
            if position is not None and old != row:
                changed.append(position)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        for first, final in _runs(sorted(changed)):
            self.dataChanged.emit(self.index(first, 0), self.index(final, last))

    def forget_rows(self, task_ids: Sequence[str]) -> None:
        """Drop cached data (e.g. a task another device deleted) so it is fetched again."""
        for task_id in task_ids:
            self._cache.pop(task_id, None)

    @property
    def version(self) -> int:
        """Bumped on every change of the id list; a plan made against an older one is redone."""
        return self._version

    def set_ids(self, ids: Sequence[str]) -> None:
        """Show this ordered result, changing as little as possible (see `plan_ids`)."""
        self.apply(plan_ids(self._ids, list(ids), self._version))

    def show_first(self, ids: list[str], rows: Sequence[BoardRow]) -> None:
        """A new search's first page, rows included, while the rest is still being found.

        When the list already starts with these ids nothing moves (selection and
        scroll stay); otherwise the list becomes just this page until `apply`
        brings the whole result (which then only appends, see `plan_ids`).
        """
        if ids != self._ids[: len(ids)] or (not ids and self._ids):
            self._version += 1
            self.beginResetModel()
            self._ids = list(ids)
            self._position = {task_id: n for n, task_id in enumerate(ids)}
            self._asked.clear()
            self.endResetModel()
        self.update_rows(rows)

    def apply(self, plan: IdsPlan) -> None:
        """Carry out a plan, normally made on the DB thread so the UI thread only applies it."""
        if plan.base != self._version:
            plan = plan_ids(self._ids, plan.ids, self._version)
        if plan.unchanged:
            return
        self._version += 1
        if plan.appended:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, len(plan.ids) - 1)
            self._ids = plan.ids
            self._position = plan.position
            self.endInsertRows()
            return
        if plan.reset:
            self.beginResetModel()
            self._ids = plan.ids
            self._position = plan.position
            self._asked.clear()
            self.endResetModel()
            return
        for first, final in plan.removed:
            self.beginRemoveRows(QModelIndex(), first, final)
            del self._ids[first : final + 1]
            self.endRemoveRows()
        for position, task_id in plan.inserted:
            self.beginInsertRows(QModelIndex(), position, position)
            self._ids.insert(position, task_id)
            self.endInsertRows()
        self._position = plan.position


@dataclass(frozen=True, slots=True)
class IdsPlan:
    """How to turn one ordered id list into another: a reset, or a few removals and insertions.

    Working this out takes a few passes over 100,000 ids, so the board does it
    on the DB thread, next to the search, and the UI thread only applies it.
    """

    base: int  # the model version the plan starts from
    ids: list[str]
    position: dict[str, int]
    unchanged: bool = False
    reset: bool = False
    appended: bool = False  # the old list is the new one's start: one insert at the end
    removed: tuple[tuple[int, int], ...] = ()  # (first, last) blocks, bottom first
    inserted: tuple[tuple[int, str], ...] = ()  # (position, id), top first


def plan_ids(old: Sequence[str], new: list[str], base: int) -> IdsPlan:
    """When the ids that stay keep their order, remove the ones that left and insert the new
    ones in place, so selection and scroll position survive a local change or a sync.
    Anything else is a new order (a new sort or search) and a reset."""
    if new == old:
        return IdsPlan(base, new, {}, unchanged=True)
    position = {task_id: n for n, task_id in enumerate(new)}
    if 0 < len(old) < len(new) and new[: len(old)] == list(old):
        # The rest of a result whose first page is on screen (`show_first`).
        return IdsPlan(base, new, position, appended=True)
    old_set = set(old)
    came = {i for i in new if i not in old_set}
    gone = old_set.difference(position)
    if len(gone) + len(came) > MAX_EDITS:
        return IdsPlan(base, new, position, reset=True)
    stayed_old = [i for i in old if i not in gone] if gone else list(old)
    stayed_new = [i for i in new if i not in came] if came else new
    if stayed_old != stayed_new:
        return IdsPlan(base, new, position, reset=True)
    old_position = sorted((n for n, i in enumerate(old) if i in gone), reverse=True)
    removed = tuple((first, final) for final, first in _runs_down(old_position))
    inserted = tuple((n, i) for n, i in enumerate(new) if i in came)
    return IdsPlan(base, new, position, removed=removed, inserted=inserted)


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive ascending numbers as (first, last) pairs: one signal per block."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        elif not runs or number != runs[-1][1]:
            runs.append((number, number))
    return runs


def _runs_down(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive descending numbers as (last, first) pairs, for removing from the bottom up."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
