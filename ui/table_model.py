"""A read-only table of domain rows, described by its columns, and the view that lists it.

The screens list bids, tasks and skills; each list is a handful of columns
over small frozen records from `desktop`. Describing the columns and letting
one model do the Qt bookkeeping keeps the screens short and every list behaving
alike: a refresh whose rows are the same ones in the same order redraws only
the rows that differ, so selection and scroll position survive.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStyleOptionHeader,
    QStyleOptionHeaderV2,
    QTableView,
    QWidget,
)

from ui.long_text import CELL_LIMIT, shortened
from ui import wording, words
from ui.rows_view import RowsView
from ui.words import tr

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root; one instance serves as every default
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
# What a task title's column must show before other columns get their full width (the
# board, My page): a title people can tell apart from the next one.
TITLE_SAMPLE = "Lektiehjælp i 4. klasse, tirsdage"
CELL_PADDING = 26  # a cell's 8 px of padding a side (QTableView::item), and the style's text margins


def read_only_flags(index: AnyIndex) -> Qt.ItemFlag:
    """The flags of a cell in Knop's read-only tables: enabled and selectable, no children."""
    if not index.isValid():
        return Qt.ItemFlag.NoItemFlags
    return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def in_table(index: AnyIndex, rows: int, columns: int) -> bool:
    """Whether `index` points at a cell of a table of `rows` x `columns`."""
    return index.isValid() and 0 <= index.row() < rows and 0 <= index.column() < columns


@dataclass(frozen=True, slots=True)
class Column(Generic[Row]):
    """One column of a `RowsModel`: its title and what a row shows in it.

    `numeric`: a column of numbers (hours, counts), right-aligned with its title, so
    the digits line up as on paper. `tip`: see below.
    """

    header: str
    text: Callable[[Row], str]
    # The cell's tooltip where it says more than the cell (the device's id beside its name,
    # why a "—" is empty); None, or "" for a row: the cell's whole text.
    tip: Callable[[Row], str] | None = None
    numeric: bool = False


_NUMBER_ALIGNMENT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsModel(QAbstractTableModel, Generic[Row]):
    answered = Signal()  # `set_rows` has been given an answer (which may be no rows at all)

    def __init__(
        self, columns: Sequence[Column[Row]], key: Callable[[Row], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._key = key
        self._rows: list[Row] = []
        self.has_answer = False  # until the first answer an empty list means "not loaded yet"

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[section].numeric:
            return _NUMBER_ALIGNMENT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not in_table(index, len(self._rows), len(self._columns)):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            # A cell is one line: long text is cut here, the view elides the rest.
            return " ".join(shortened(column.text(row), CELL_LIMIT).split())
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = column.tip(row) if column.tip is not None else ""
            return shortened(tip or column.text(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _NUMBER_ALIGNMENT
        if role == KEY_ROLE:
            return self._key(row)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def rows(self) -> list[Row]:
        return list(self._rows)

    def keys(self) -> list[str]:
        return [self._key(r) for r in self._rows]

    def row_of(self, key: str) -> int:
        return self.keys().index(key) if key in self.keys() else -1

    def set_rows(self, rows: Sequence[Row]) -> None:
        rows = list(rows)
        self.has_answer = True
        if [self._key(r) for r in rows] != self.keys():
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
        else:
            last = len(self._columns) - 1
            for number, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
                if old != new:
                    self._rows[number] = new
                    self.dataChanged.emit(self.index(number, 0), self.index(number, last))
        self.answered.emit()

    def append(self, row: Row) -> None:
        if self._key(row) in self.keys():
            return
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(row)
        self.endInsertRows()

    def remove(self, key: str) -> None:
        position = self.row_of(key)
        if position < 0:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self.endRemoveRows()


def table_view(
    parent: QWidget,
    model: Any,
    name: str,
    stretch: tuple[int, ...] = (0,),
    *,
    wrapped_titles: bool = False,
    row_on_focus: bool = True,
) -> RowsView:
    """A read-only list of rows: whole rows are chosen, cells stay one line and elide.

    `wrapped_titles`: column titles may break onto more lines (`WrappingHeader`),
    for tables of many narrow columns under long titles (reports, the competence map).
    `row_on_focus=False`: the keys arriving choose no row (see `RowsView`).
    A `RowsView`: one Tab stop, its current row outlined while it has the keys.
    """
    view = RowsView(parent, row_on_focus=row_on_focus)
    if wrapped_titles:
        view.setHorizontalHeader(WrappingHeader(view))
    view.setModel(model)
    view.setAccessibleName(name)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    # The `stretch` columns (titles, names) share the room; the short ones fit their
    # contents, which is cheap here: these lists are short (one person's or one task's bids).
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(6 * view.fontMetrics().averageCharWidth())
    _Stretcher(view, stretch)
    return view


class WrappingHeader(QHeaderView):
    """A table's column titles on up to `LINES` lines, so a column is as narrow as its numbers.

    "Fra andre kommuner" over a column of "0"s took 185 px on one line; broken
    where its lines are narrowest ("Fra andre / kommuner") it takes about 115,
    and a table of many such columns fits 1280 px without scrolling sideways.
    Words stay whole, so a title of one word stays on one line. The header is
    as high as its title of most lines.
    """

    LINES = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag(int(Qt.TextFlag.TextWordWrap)))

    def _title(self, logical: int) -> str:
        model = self.model()
        text = model.headerData(logical, self.orientation()) if model is not None else None
        return str(text or "")

    def title_lines(self, logical: int) -> list[str]:
        """Column `logical`'s title as this header breaks it: at most `LINES` lines, words whole."""
        return self._lines(self._title(logical))

    def _lines(self, title: str) -> list[str]:
        """`title` as the (at most `LINES`) lines that make it narrowest, words kept whole."""
        words = title.split()
        metrics = self.fontMetrics()
        best = [title]
        for breaks in itertools.chain.from_iterable(
            itertools.combinations(range(1, len(words)), n) for n in range(1, min(self.LINES, len(words)))
        ):
            edges = (0, *breaks, len(words))
            lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(edges)]
            if max(map(metrics.horizontalAdvance, lines)) < max(map(metrics.horizontalAdvance, best)):
                best = lines
        return best

    def sectionSizeFromContents(self, logical: int) -> QSize:  # noqa: N802
        one_line = super().sectionSizeFromContents(logical)
        title = self._title(logical)
        lines = self.title_lines(logical)
        metrics = self.fontMetrics()
        # Qt's size is the title on one line plus the padding and the sort mark: keep those.
        room = one_line.width() - metrics.horizontalAdvance(title)
        width = room + max(metrics.horizontalAdvance(line) for line in lines) + 2  # rounding in the style
        lines_needed = max((len(self.title_lines(c)) for c in range(self.count())), default=1)
        height = one_line.height() + (lines_needed - 1) * metrics.lineSpacing()
        return QSize(width, height)

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logical: int) -> None:  # noqa: N802
        """Paint the title on the lines `sectionSizeFromContents` measured, whatever its alignment.

        Qt wraps only when the alignment carries `TextWordWrap`; a model's own alignment
        (right for numbers, `Column.numeric`) replaces the header's default, and the
        title was then painted on one line, centred in a column sized for its widest
        line and cut at both ends ("el besat", try-out s36). The breaks are put in here.
        """
        super().initStyleOptionForIndex(option, logical)
        # The section's own width: `option.rect` is still the whole header's here (Qt sets the
        # section's rectangle after this), and the titles were left on one line under it.
        if self.sectionSize(logical) < QHeaderView.sectionSizeFromContents(self, logical).width():
            option.text = "\n".join(self.title_lines(logical))  # else it fits on one line
        # Word wrap too (main's fix of the same cut, polish24), should a line still not fit.
        wrap = Qt.AlignmentFlag(int(Qt.TextFlag.TextWordWrap))
        option.textAlignment = option.textAlignment | Qt.AlignmentFlag.AlignVCenter | wrap
        if isinstance(option, QStyleOptionHeaderV2):
            option.textElideMode = Qt.TextElideMode.ElideNone


class _Stretcher(QObject):
    """Shares a table's spare width among its `columns`, never below what their headers' words need.

    Qt's own Stretch squeezes a column to the header's minimum section size when
    the others take the room, cutting its header to a riddle ("endi" for Lending,
    at 1024 px). These columns are sized here instead: each gets an equal share of
    what the other columns leave, or its header's width if that is more, and the
    table then scrolls sideways. Measured again when the view or another column
    changes size. Held by the view as its Qt child (no Python reference back).
    """

    def __init__(self, view: QTableView, columns: tuple[int, ...]) -> None:
        super().__init__(view)
        self._columns = columns
        self._busy = False
        header = view.horizontalHeader()
        for column in columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.sectionResized.connect(self._resized)
        model = view.model()
        for signal in (model.modelReset, model.layoutChanged, model.headerDataChanged, model.columnsInserted):
            signal.connect(self.share)
        view.viewport().installEventFilter(self)

    def _view(self) -> QTableView | None:
        view = self.parent()
        return view if isinstance(view, QTableView) else None

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if column not in self._columns:
            self.share()

    def share(self, *_args: Any) -> None:
        """Give each stretched column its share of the room left, at least its header's width."""
        view = self._view()
        if view is None or self._busy:
            return
        header = view.horizontalHeader()
        # A column a screen has since given a mode of its own (Interactive, a fixed share) is its.
        mine = [
            c for c in self._columns
            if c < header.count() and header.sectionResizeMode(c) == QHeaderView.ResizeMode.Fixed
        ]
        if not mine:
            return
        others = sum(
            header.sectionSize(c) for c in range(header.count()) if c not in mine and not header.isSectionHidden(c)
        )
        shown = [c for c in mine if not header.isSectionHidden(c)]
        needs = {c: max(header.sectionSizeFromContents(c).width(), header.minimumSectionSize()) for c in shown}
        room = view.viewport().width() - others
        # A column whose title needs more than an equal share keeps its title's width and
        # the others share the rest: equal shares plus that surplus scrolled sideways.
        kept = _shares(room, shown, lambda c, share: needs[c] if needs[c] > share else None)
        if len(shown) > 1:
            # Of several, one whose words all fit in less than its share takes only that,
            # and the others the rest (a name beside a long title or reason).
            fits = {c: max(needs[c], view.sizeHintForColumn(c)) for c in shown}
            kept.update(_shares(room, shown, lambda c, share: fits[c] if fits[c] < share else None, kept))
        sharing = [c for c in shown if c not in kept]
        share = (room - sum(kept.values())) // max(1, len(sharing))
        if not sharing and shown and room > sum(kept.values()):  # every one fits: the rest spread
            extra = (room - sum(kept.values())) // len(shown)
            kept = {c: width + extra for c, width in kept.items()}
        self._busy = True
        try:
            for column in shown:
                wanted = kept.get(column, max(share, needs[column]))
                if header.sectionSize(column) != wanted:
                    header.resizeSection(column, wanted)
        finally:
            self._busy = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.share()
        return False


def _shares(
    room: int, columns: list[int], fixed: Callable[[int, int], int | None], kept: dict[int, int] | None = None
) -> dict[int, int]:
    """The columns given a width of their own by `fixed(column, equal share)` (None: they share), in turn.

    Each round shares `room` (px) equally among the columns not yet given one, less
    what those given one take; it ends when a round gives none (at most one a column).
    """
    given = dict(kept or {})
    while True:
        sharing = [c for c in columns if c not in given]
        share = (room - sum(given.values())) // max(1, len(sharing))
        found = {c: width for c in sharing if (width := fixed(c, share)) is not None}
        if not found:
            return given
        given.update(found)


def scrolling(tab: QWidget, rows: int) -> QScrollArea:
    """`tab` in a frameless scroll area: all of it as tall as it needs, scrolled when the room is short.

    Without one a layout given less than its minimum (a window at 1024x768 holds less
    than a long settings page) squeezes every field below its own height: a try-out
    saw the notification settings' combo boxes cut the descenders of "g" and "j".
    Its lists and text editors are given at least `rows` rows (`keep_rows`).
    """
    for view in tab.findChildren(QAbstractScrollArea):
        # Not a table's header (an item view itself), nor a combo box's pop-up list (a window).
        if not isinstance(view, QHeaderView) and view.window() is tab.window():
            keep_rows(view, rows)
    area = QScrollArea()
    area.setWidget(tab)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to its fields, which it scrolls to
    return area


def keep_rows(view: QAbstractScrollArea, rows: int, at_most: int | None = None) -> None:
    """Never let layouts squeeze `view` below `rows` rows of its items (or lines of its text).

    A table's header, a horizontal scroll bar and the frame are counted in. The
    height (px) is measured again whenever the view is polished or its style or
    font changes, since the style sheet decides the rows' padding and the header's
    size. Sets the minimum height only, so the view still grows; with `at_most`,
    to no more than that many rows (a field whose room is a few sentences).
    """
    keeper = _RowKeeper(view, rows, at_most)
    view.installEventFilter(keeper)
    keeper.measure()


class _RowKeeper(QObject):
    """Sets its view's minimum height to `rows` rows (and its maximum to `at_most`); see `keep_rows`."""

    _AGAIN = (QEvent.Type.Polish, QEvent.Type.Show, QEvent.Type.StyleChange, QEvent.Type.FontChange)

    def __init__(self, view: QAbstractScrollArea, rows: int, at_most: int | None = None) -> None:
        # The view is only its Qt parent: a Python reference back to it would make a
        # cycle of Qt wrappers for the garbage collector to break, at any moment.
        super().__init__(view)
        self._rows = rows
        self._at_most = at_most

    def measure(self) -> None:
        view = self.parent()
        if not isinstance(view, QAbstractScrollArea):
            return
        line = view.fontMetrics().lineSpacing()
        extra = 2 * view.frameWidth()
        if isinstance(view, QAbstractItemView):
            line += 8  # an item's padding in the style sheet
            if isinstance(view, QTableView):
                line = max(line, view.verticalHeader().defaultSectionSize())
                if not view.horizontalHeader().isHidden():
                    extra += view.horizontalHeader().sizeHint().height()
            if view.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
                extra += view.horizontalScrollBar().sizeHint().height()
        else:
            extra += 8  # a text editor's document margin, above and below (4 px each)
        view.setMinimumHeight(extra + self._rows * line)
        if self._at_most is not None:
            view.setMaximumHeight(extra + self._at_most * line)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self._AGAIN:
            self.measure()
        return False


class EmptyNote(QLabel):
    """What a list with no rows says, over its blank area ("No people found"), once it is answered.

    A blank table after a search reads as "still loading" or "broken"; the
    note says that the answer is none. Before the first answer
    (`RowsModel.has_answer`) nothing is said: an empty list is then one not
    yet loaded. It follows the model's rows, so it goes as soon as a row comes.
    """

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        super().__init__(text, view.viewport())
        self.setObjectName("emptyNote")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        model = view.model()
        signals = [model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged]
        if isinstance(model, RowsModel):
            signals.append(model.answered)
        for signal in signals:
            signal.connect(self.follow)
        view.viewport().installEventFilter(self)
        self.follow()

    def _view(self) -> QAbstractItemView | None:
        """The list, found through the Qt parents (its viewport's parent), not kept: see `_RowKeeper`."""
        viewport = self.parentWidget()
        view = viewport.parentWidget() if viewport is not None else None
        return view if isinstance(view, QAbstractItemView) else None

    def follow(self, *_args: Any) -> None:
        """Shown while the model, answered, holds no rows; as big as the list's blank area."""
        view = self._view()
        if view is None:
            return
        model = view.model()
        answered = getattr(model, "has_answer", True)
        self.setGeometry(view.viewport().rect())
        self.setVisible(bool(answered) and model.rowCount() == 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False


def title_first(
    view: QTableView,
    title: int,
    sample: str,
    spare: Sequence[int],
    detail: QLabel | None = None,
    more: Callable[[int], list[str]] | None = None,
) -> None:
    """Keep `title` at least as wide as `sample` by hiding the `spare` columns, first to last.

    For lists whose title is what people read: a try-out at 1024 px read the titles
    on My page cut to 12-15 characters, with a date and a site beside them. When the
    title's column would be narrower than `sample` (in the view's font, with a cell's
    padding), the spare columns are hidden in turn, and shown again, last hidden
    first, once the view is wide enough for them and the title both. A task opens
    with everything the hidden cells said. `title` is a stretched column (see
    `table_view`); sizes are in pixels and measured again on every resize.

    With `detail` (a label under the table, shown only then), what the hidden cells,
    and any shown cell too narrow for its text, say for the current row is read there instead: "Kirkeby Skole · Skills most
    asked for: ...", for lists whose rows open nothing (a report, the audit trail).
    With no row chosen it says, in a sentence, what choosing one would show there.
    `more` (row -> sentences) adds what the line says of the chosen row whatever is
    hidden (the audit trail: who got an accepted bid's assignment).
    """
    _TitleFirst(view, title, sample, tuple(spare), detail, more)


def _elided(view: QTableView, row: int, column: int) -> bool:
    """Whether the shown cell (`row`, `column`) is too narrow for its text, so the view elides it."""
    if view.horizontalHeader().isSectionHidden(column):
        return False
    index = view.model().index(row, column)
    # The cell's own measure (its delegate's, with the style sheet's padding), as a column sized to
    # its contents is: such a column is never counted as cut.
    return bool(index.data()) and view.sizeHintForIndex(index).width() > view.columnWidth(column)


class _TitleFirst(QObject):
    """Hides and shows spare columns so the title keeps its room; see `title_first`."""

    def __init__(
        self,
        view: QTableView,
        title: int,
        sample: str,
        spare: tuple[int, ...],
        detail: QLabel | None,
        more: Callable[[int], list[str]] | None = None,
    ) -> None:
        super().__init__(view)  # the view is only its Qt parent, as for _Stretcher
        self._more = more
        self._title = title
        self._sample = sample
        self._spare = spare
        self._busy = False
        self._detail = detail  # a sibling of the view, not the view: no cycle back to it
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted):
            signal.connect(self.fit)
        if detail is not None:
            detail.setTextFormat(Qt.TextFormat.PlainText)
            detail.setWordWrap(True)
            detail.hide()
            view.selectionModel().currentRowChanged.connect(self.tell)
            model.dataChanged.connect(self.tell)
            view.horizontalHeader().sectionResized.connect(self.tell)  # a cell may be cut, or whole again

    def tell(self, *_args: Any) -> None:
        """Say in the detail label what the hidden spare columns hold for the current row."""
        view, detail = self._view(), self._detail
        if view is None or detail is None:
            return
        header, model = view.horizontalHeader(), view.model()
        hidden = [c for c in self._spare if header.isSectionHidden(c)]
        row = view.currentIndex().row()
        # A shown cell the view had to elide says its whole text here too: at 1024 px the
        # audit trail's "Handling" was cut, and the line repeated only the hidden columns.
        cut = [c for c in range(header.count()) if c != self._title and row >= 0 and _elided(view, row, c)]
        extra = self._more(row) if self._more is not None and row >= 0 else []
        detail.setVisible(bool(hidden or cut or extra))
        if not (hidden or cut or extra):
            return
        names = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in hidden]
        if row < 0:
            # A sentence, not a form's "Choose a row to see: Device, Site" (a try-out found it awkward).
            fields = wording.listed([wording.in_sentence(n) for n in names], words.language())
            detail.setText(tr("Choose a row in the list to see its {fields} here.", fields=fields))
            return
        said = [
            f"{model.headerData(column, Qt.Orientation.Horizontal) or ''}: "
            f"{model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) or '–'}"
            for column in [*cut, *hidden]
        ]
        title = str(model.index(row, self._title).data() or "")  # none for an event about no task
        extra = [x for x in extra if not any(x in cell for cell in said)]  # each thing said once
        detail.setText(" · ".join([*([title] if title else []), *extra, *said]))

    def _view(self) -> QTableView | None:
        view = self.parent()
        return view if isinstance(view, QTableView) else None

    def fit(self, *_args: Any) -> None:
        view = self._view()
        if view is None or self._busy:
            return
        header = view.horizontalHeader()
        least = view.fontMetrics().horizontalAdvance(self._sample) + 16

        def left_for_title() -> int:
            others = sum(
                header.sectionSize(c)
                for c in range(header.count())
                if c != self._title and not header.isSectionHidden(c)
            )
            return view.viewport().width() - others

        self._busy = True
        try:
            for column in self._spare:  # hide, first to last, while the title is short of room
                if left_for_title() >= least:
                    break
                if not header.isSectionHidden(column):
                    header.hideSection(column)
            for column in reversed(self._spare):  # and show, last hidden first, where both fit
                if not header.isSectionHidden(column):
                    continue
                wanted = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
                if left_for_title() - wanted < least:
                    break
                header.showSection(column)
        finally:
            self._busy = False
        self.tell()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False
