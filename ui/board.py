"""The task board: every task the person may see, searchable as they type.

Typing is debounced lightly (`DEBOUNCE_MS`) and every search carries a ticket:
a newer search makes older ones stale, so a stale one stops inside SQLite
(`desktop.board.search(cancelled=...)`) and its answer, should it still come,
is dropped. The model holds ids only and fetches rows as they scroll into view
(see `ui.task_model`). After an operation or a sync the same search runs
again and the model changes only the rows that came, went or look different.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop import board
from desktop.core import skills as catalogue
from desktop.board import BoardChoices, BoardFilter, BoardRow, FirstWindow, Interrupted, Sort
from desktop.core.entities import TaskStatus
from desktop.store import Store
from ui import wording
from ui.background import Changes
from ui.collation import by_name, label_key
from ui.context import AppContext
from ui.flow_layout import FlowLayout
from ui.notifications import DecisionCount, SaveSearchButton
from ui.page_view import stop_choosing, stop_scrolling
from ui.rows_view import RowsView
from ui.table_model import CELL_PADDING, TITLE_SAMPLE
from ui.task_model import PAGE, SORT_OF_COLUMN, Column, IdsPlan, TaskBoardModel, no_deadline, plan_ids
from ui.words import ntr, tr

log = logging.getLogger(__name__)

DEBOUNCE_MS = 120


class _Latest:
    """The newest search's number; read from the DB thread to tell a stale search to stop."""

    def __init__(self) -> None:
        self.number = 0

    def next(self) -> int:
        self.number += 1
        return self.number

    def is_stale(self, number: int) -> bool:
        return self.number != number


class DateRange:
    """The "when" filter's choices, counted from today."""

    ANY, WEEK, MONTH, QUARTER = "", "week", "month", "quarter"
    DAYS: ClassVar[dict[str, int]] = {WEEK: 7, MONTH: 30, QUARTER: 91}

    @classmethod
    def bounds(cls, choice: str, today: dt.date) -> tuple[str | None, str | None]:
        days = cls.DAYS.get(choice)
        if days is None:
            return None, None
        return today.isoformat(), (today + dt.timedelta(days=days)).isoformat()


class SearchField(QLineEdit):
    """The search box; Down moves into the list, so the keyboard never has to leave."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


# The columns that give way to it, together, each down to its header or this
# sample, whichever is wider (a cell's tooltip still holds its whole text).
# Every other column gives way: a try-out at 1024 px (a manager's board, with a second
# municipality's sites) read titles cut to 20 characters while these kept their room.
GIVING_WAY = (Column.SKILLS, Column.SITE, Column.SEATS, Column.EFFORT, Column.DEADLINE, Column.STATUS)
SQUEEZED_SAMPLES = {
    # A skill's name whole, the rest in the tooltip and the task: a try-out at 1024 px read
    # "Da…", "Ko…" here while the site and the deadline kept room to spare.
    Column.SKILLS: "Førstehjælp",
    Column.SITE: "Fjordvejens S",
    Column.EFFORT: "3,5 t.",
}
HEADER_PADDING = 16  # QHeaderView::section: 8 px a side
# A date column may shrink no further than "30. sep. 2027" or "no deadline", whichever is
# wider: "8. jan. …" left the year a hover away (a new-user try-out at 1024x600).
# Translated, so measured when the board is built (`deadline_sample`).
DATE_SAMPLE = "30. sep. 2027"


def deadline_sample(metrics: QFontMetrics) -> str:
    """The widest thing the Bid deadline column says: a date, or that there is none."""
    return max(DATE_SAMPLE, no_deadline(), key=metrics.horizontalAdvance)


# What a fresh board lists, and what "Clear filters" returns to: the tasks open for bids.
FRESH_STATUS = TaskStatus.OPEN


@dataclass(frozen=True, slots=True)
class BoardPlace:
    """What a board shows, to show it again on a board built anew (the window in another language).

    `choices`: each filter list's chosen value and the words it was named by
    (box attribute, data, text); `sorted_by`: the header's sort column (-1:
    none) and whether it goes down; `top` and `current`: the task ids of the
    first row in view and of the chosen row; `at_end`: the list was scrolled to
    its end, which is what comes back then (its last row in full view). A try-out
    far down a board of every status switched language and found a fresh board,
    its first page from the top: the filters and rows were not carried over.

    The rows in view are the top row, whole at the top, since the table scrolls a
    row at a time, except at the list's end: there the last row is whole at the
    bottom and the top one partly out of sight, so putting that one on top hid the
    last row, and each switch then came back a row earlier (a new user's try-out).
    """

    text: str = ""
    choices: tuple[tuple[str, Any, str], ...] = ()
    my_skills: bool = False
    sorted_by: tuple[int, bool] = (-1, False)
    top: str | None = None
    current: str | None = None
    at_end: bool = False


# The filter lists a place keeps, by the board's attribute names.
_PLACE_BOXES = ("site_box", "skill_box", "audience_box", "organisation_box", "status_box", "date_box", "sort_box")


class Board(QWidget):
    open_task_requested = Signal(str)  # task id: the shell opens the task view
    searched = Signal(int)  # a result's first page is on screen, with this many rows
    counted = Signal(int)  # the whole result is in the model, with this many tasks

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("board")
        self.context = context
        self._latest = _Latest()
        self._reselect: str | None = None  # the task selected before a first page replaced it
        self._choices: BoardChoices | None = None
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self._build()
        context.changed.connect(self._changed)
        # The first page first: the filter lists read every task's skills
        # (100,000 JSON lists), which the first screenful does not need; they
        # are asked for once it is on screen (`_first_found`).
        self._choices_asked = False
        self._then: Callable[[], None] | None = None
        # Rows to put back in view (`show_place`) once the result is in, and again once the
        # lists have sized the rows; `_showing_found`: the result is in.
        self._showing: BoardPlace | None = None
        self._showing_found = False
        self.search_now()

    # --- building ---------------------------------------------------------------

    def _build(self) -> None:
        self.search_field = SearchField(self)
        self.search_field.setObjectName("search")
        self.search_field.setPlaceholderText(tr("Search tasks: title, description or place"))
        self.search_field.setAccessibleName(tr("Search tasks"))
        self.search_field.setClearButtonEnabled(True)
        # start(ms), not start(): filter changes start the timer at 0 ms, which
        # would otherwise stick and end the typing pause for good.
        self.search_field.textChanged.connect(lambda _text: self._debounce.start(DEBOUNCE_MS))
        self.search_field.textEdited.connect(self._person_chose)  # typed or cleared, not set by `search_again`
        self.search_field.returnPressed.connect(self.search_now)
        self.search_field.down_pressed.connect(self._enter_list)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("resultCount")

        self.site_box = self._combo(tr("Site"))
        self.skill_box = self._combo(tr("Skill"))
        self.audience_box = self._combo(tr("Audience"))
        # Only while the store holds more than one municipality's tasks (`_show_choices`).
        self.organisation_box = self._combo(tr("Municipality"))
        self.organisation_box.blockSignals(True)  # no search while the board is still being built
        self.organisation_box.addItem(tr("All municipalities"), None)
        self.organisation_box.blockSignals(False)
        self.organisation_box.hide()
        self.status_box = self._combo(tr("Status"))
        self.date_box = self._combo(tr("When"))
        self.sort_box = self._combo(tr("Sort by"))
        self.mine_box = QCheckBox(tr("Matches my skills"), self)
        self.mine_box.toggled.connect(self._filters_changed)
        self.mine_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.clear_button = QPushButton(tr("Clear filters"), self)
        self.clear_button.clicked.connect(self.clear_filters)
        self._fill_fixed_choices()

        self.model = TaskBoardModel(self._fetch_rows, self.context.language, self)
        self.view = RowsView(self)
        self.view.setObjectName("taskTable")
        self.view.setAccessibleName(tr("Tasks"))
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        # A list scrolled to its end stays at its end while its rows change height or the view
        # its size: a try-out's board, put back at its end in another language, ended five rows
        # short once the rows grew to two lines (the municipalities' list loaded after).
        self._at_end = False
        bar = self.view.verticalScrollBar()
        bar.valueChanged.connect(lambda _value: setattr(self, "_at_end", self._scrolled_to_end()))
        bar.rangeChanged.connect(lambda _low, high: bar.setValue(high) if self._at_end else None)
        self.model.modelAboutToBeReset.connect(lambda: setattr(self, "_at_end", False))  # a new result
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(Column.DEADLINE, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._header_sorted)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        self._sized = False
        self._ideal: dict[Column, int] = {}  # widths from sample text (_size_columns)
        self._title_room = 0
        self._squeezed: dict[Column, int] = {}  # the narrowest each GIVING_WAY column gets
        self.view.activated.connect(self._activated)

        self.empty_label = QLabel(
            tr("No tasks match. Try fewer or shorter words, or clear the filters."), self
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.search_field, 1)
        top.addWidget(self.sort_box)
        top.addWidget(self.count_label)
        # For those who decide on bids; counted once the first page is on screen, since
        # a job ahead of that page on the DB thread would hold up the start.
        self.decisions = DecisionCount(self.context, self, load_now=False)
        self.searched.connect(self.decisions.reload, Qt.ConnectionType.SingleShotConnection)
        top.addWidget(self.decisions)
        # One line on a wide screen; on a 1024 px one what does not fit wraps to a second
        # line, so no box is squeezed until its text is cut.
        filters = FlowLayout(spacing=8)
        for widget in (
            self.site_box,
            self.skill_box,
            self.audience_box,
            self.organisation_box,
            self.status_box,
            self.date_box,
        ):
            filters.addWidget(widget)
        filters.addWidget(self.mine_box)
        filters.addWidget(self.clear_button)
        self.save_search = SaveSearchButton(self.context, self.filters, self)
        filters.addWidget(self.save_search)
        layout = QVBoxLayout(self)
        # Tight above the list: the tasks are what the board is for (a try-out at 1024x600 saw
        # six rows of a manager's board below the search and the filters).
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)
        QWidget.setTabOrder(self.search_field, self.sort_box)
        # The bids waiting for a decision lead on (Bids to decide): in reach by Tab, where they sit.
        QWidget.setTabOrder(self.sort_box, self.decisions)
        QWidget.setTabOrder(self.decisions, self.site_box)
        chain = [
            self.site_box,
            self.skill_box,
            self.audience_box,
            self.organisation_box,
            self.status_box,
            self.date_box,
            self.mine_box,
            self.clear_button,
            self.save_search,  # where it sits, before the list (try-out s36, 14)
            self.view,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _combo(self, name: str) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        box.setToolTip(name)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(8)
        box.currentIndexChanged.connect(self._filters_changed)
        return box

    def _fill_fixed_choices(self) -> None:
        # Filled with their signals blocked: a choice made here is not the person's (`_person_chose`).
        boxes = (self.audience_box, self.status_box, self.date_box, self.sort_box, self.site_box, self.skill_box)
        for box in boxes:
            box.blockSignals(True)
        self.audience_box.addItem(tr("Any audience"), None)
        for value in wording.audiences_seen_by(self.context.person):
            self.audience_box.addItem(wording.audience(value), str(value))
        self.status_box.addItem(tr("Any status"), None)
        for status in TaskStatus:
            self.status_box.addItem(wording.task_status(status), str(status))
        self.status_box.setCurrentIndex(self.status_box.findData(str(FRESH_STATUS)))
        self.date_box.addItem(tr("Any time"), DateRange.ANY)
        self.date_box.addItem(tr("Within a week"), DateRange.WEEK)
        self.date_box.addItem(tr("Within a month"), DateRange.MONTH)
        self.date_box.addItem(tr("Within three months"), DateRange.QUARTER)
        for sort, text in (
            (Sort.DEADLINE, tr("Sort: deadline")),
            (Sort.CREATED, tr("Sort: newest")),
            (Sort.TITLE, tr("Sort: title")),
            (Sort.EFFORT, tr("Sort: effort")),
        ):
            self.sort_box.addItem(text, str(sort))
        self.site_box.addItem(tr("All sites"), None)
        self.skill_box.addItem(tr("All skills"), None)
        for box in boxes:
            box.blockSignals(False)

    def _size_boxes(self) -> None:
        """Wide enough for what they say: short fixed lists show their longest choice whole;
        sites, skills and audiences (long names, lists that grow) show their "All ..." whole,
        and sites and skills grow with the room their line has; the full names are in the
        drop-down."""
        for box in (self.status_box, self.date_box, self.sort_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for box in (self.site_box, self.skill_box, self.audience_box, self.organisation_box):
            metrics = box.fontMetrics()
            # Qt counts a minimum contents length in widths of "X"; rounded up.
            wanted = -(-metrics.horizontalAdvance(box.itemText(0)) // max(metrics.horizontalAdvance("X"), 1))
            box.setMinimumContentsLength(wanted)
        for box in (self.site_box, self.skill_box):
            box.setSizePolicy(QSizePolicy.Policy.Expanding, box.sizePolicy().verticalPolicy())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if not self._sized:
            # Only now has the style sheet given the view its real font.
            self._sized = True
            self._size_columns()
            self._size_boxes()
        super().showEvent(event)
        self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_columns()

    def _size_columns(self) -> None:
        """Widths from sample text in the view's font, not by measuring 100,000 rows."""
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        samples = {
            Column.SITE: "Integreret institution R",
            Column.SKILLS: "Førstehjælp, Pædagogik, M",
            Column.EFFORT: "000,5 t",
            Column.DEADLINE: deadline_sample(metrics),
            Column.SEATS: "10/10 · " + ntr("{n} bid", "{n} bids", 88),
            Column.STATUS: max(
                (wording.task_status(s) for s in TaskStatus), key=metrics.horizontalAdvance
            ),
        }
        for column, sample in samples.items():
            header_text = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            shown = max(sample, header_text, key=metrics.horizontalAdvance)
            self._ideal[column] = metrics.horizontalAdvance(shown) + 28
            header.resizeSection(column, self._ideal[column])
        header.setMinimumSectionSize(metrics.horizontalAdvance("0000") + 16)
        self._size_rows()
        # A title people can tell apart from the next one: "Lektiehjælp i 4. klasse, ti".
        self._title_room = metrics.horizontalAdvance(TITLE_SAMPLE) + 28
        # Another municipality's name, the site cell's second line, is never cut: the site
        # column does not give way below it, and is at least that wide on a big screen.
        own = self.context.person.organisation_id  # its sites are shown without it
        others = self._choices.organisations if self._choices else ()
        municipalities = [name for organisation, name in others if organisation != own]
        widest = max((metrics.horizontalAdvance(name) + 28 for name in municipalities), default=0)
        self._ideal[Column.SITE] = max(self._ideal[Column.SITE], widest)
        # A header's words are never cut (they say what is below); they are drawn in demi-bold,
        # with room for the sort mark, which any sortable column may get.
        bold = header.font()
        bold.setWeight(QFont.Weight.DemiBold)
        header_metrics = QFontMetrics(bold)
        mark = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize)
        squeezed = {
            **SQUEEZED_SAMPLES,
            Column.DEADLINE: deadline_sample(metrics),
            Column.SEATS: "0/1 · " + ntr("{n} bid", "{n} bids", 8),
        }
        for column in GIVING_WAY:
            header_text = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            need = header_metrics.horizontalAdvance(header_text) + HEADER_PADDING
            if column in SORT_OF_COLUMN:
                need += mark
            sample = squeezed.get(column, wording.task_status(TaskStatus.OPEN))
            least = max(need, metrics.horizontalAdvance(sample) + CELL_PADDING)
            # Never below its header's words, even at its ideal (a short sample, "no deadline").
            self._ideal[column] = max(self._ideal[column], need)
            header.resizeSection(column, self._ideal[column])
            self._squeezed[column] = min(self._ideal[column], least)
        self._squeezed[Column.SITE] = max(self._squeezed[Column.SITE], widest)
        self._fit_columns()

    def _size_rows(self) -> None:
        """One line a row; two while the store holds more than one municipality's tasks.

        Another municipality's site shows its municipality on a second line
        (`TaskBoardModel`), which must be readable on a 1024 px screen, where
        a site column is too narrow for "Bøgeby Kommune: Plejecenter Bøgely".
        """
        height = self.view.fontMetrics().height()
        several = self._choices is not None and len(self._choices.organisations) > 1
        # Two lines need less slack than one does twice (the item pads 2 px above and below):
        # at 1024x600 every pixel is a row less of tasks.
        self.view.verticalHeader().setDefaultSectionSize(2 * height + 8 if several else height + 14)

    def _fit_columns(self) -> None:
        """The title gets the space first; on a narrow screen `GIVING_WAY` columns shrink for it.

        The title column stretches into whatever is left. When that would be
        less than `TITLE_SAMPLE` (at 1024x600 it was "Lekt…" while Site and
        Skills kept their width), the other columns shrink together towards
        their squeezed width, each by the same fraction of what it can spare
        (one after the other left Skills at "Da…" at 1024x768); cells keep
        their whole text in the tooltip.
        """
        if not self._ideal:
            return
        header = self.view.horizontalHeader()
        room = self.view.viewport().width()
        short = max(0, sum(self._ideal.values()) + self._title_room - room)
        spare = {column: self._ideal[column] - self._squeezed[column] for column in GIVING_WAY}
        # Each gives the same share of what it can spare, so none is squeezed to its least
        # while another keeps all its room.
        share = min(1.0, short / sum(spare.values())) if sum(spare.values()) else 0.0
        for column in GIVING_WAY:
            width = self._ideal[column] - math.ceil(spare[column] * share)
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)

    # --- filters ------------------------------------------------------------------

    def filters(self) -> BoardFilter:
        date_from, date_to = DateRange.bounds(self.date_box.currentData() or "", dt.date.today())
        return BoardFilter(
            text=self.search_field.text(),
            site_id=self.site_box.currentData(),
            skill=self.skill_box.currentData(),
            audience=self.audience_box.currentData(),
            organisation_id=self.organisation_box.currentData(),
            status=self.status_box.currentData(),
            date_from=date_from,
            date_to=date_to,
            my_skills=self.mine_box.isChecked(),
            sort=Sort(self.sort_box.currentData() or Sort.DEADLINE),
            descending=self.view.horizontalHeader().sortIndicatorOrder()
            == Qt.SortOrder.DescendingOrder,
        )

    def clear_filters(self) -> None:
        """Back to what a fresh board shows: every filter empty, tasks open for bids (`FRESH_STATUS`).

        Not every status: someone who clears their filters wants the board they
        started from, not closed and cancelled tasks they never asked for.
        """
        self._person_chose()
        boxes = (self.site_box, self.skill_box, self.audience_box, self.organisation_box, self.date_box)
        widgets = (*boxes, self.mine_box, self.status_box)
        for widget in widgets:
            widget.blockSignals(True)
        for box in boxes:
            box.setCurrentIndex(0)
        self.status_box.setCurrentIndex(self.status_box.findData(str(FRESH_STATUS)))
        self.mine_box.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        # The search field's signals stay on: its clear button follows its text by them (blocked,
        # the button stayed on an empty field). The typing pause this starts, search_now stops.
        self.search_field.clear()
        self.search_now()

    def place(self) -> BoardPlace:
        """What the board shows now: filters, sort and the rows in view (`show_place` shows it again).

        While a place shown is still waiting for its rows, its rows are the ones in view: a
        window rebuilt again meanwhile (another language chosen, the screen locked) would
        otherwise carry over an empty board's top, and come back at the first row.
        """
        header = self.view.horizontalHeader()
        top = self.view.rowAt(0)
        waiting = self._showing if self._showing is not None and not self._showing_found else None
        return BoardPlace(
            text=self.search_field.text(),
            choices=tuple(
                (name, box.currentData(), box.currentText())
                for name in _PLACE_BOXES
                if (box := getattr(self, name)).currentIndex() >= 0
            ),
            my_skills=self.mine_box.isChecked(),
            sorted_by=(
                header.sortIndicatorSection() if header.isSortIndicatorShown() else -1,
                header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
            ),
            top=waiting.top if waiting else self.model.task_id(top) if top >= 0 else None,
            current=waiting.current if waiting else self.current_task_id(),
            at_end=waiting.at_end if waiting else self._scrolled_to_end(),
        )

    def _scrolled_to_end(self) -> bool:
        """Whether the list is scrolled to its end, its last row whole at the bottom (a list that
        fits, with nothing to scroll, is not)."""
        bar = self.view.verticalScrollBar()
        return 0 < bar.maximum() == bar.value()

    def show_place(self, place: BoardPlace) -> None:
        """Choose `place`'s filters and sort, search, and put its rows back in view once they are in.

        A site, skill or municipality comes before the lists are loaded (`_show_choices`, after
        the first page): it is put in its list meanwhile, named as before (a skill in this
        board's language), and the list loaded keeps it (`_refill`).
        """
        for name, value, text in place.choices:
            box: QComboBox = getattr(self, name)
            box.blockSignals(True)
            found = box.findData(value)
            if found < 0 and value is not None:
                box.addItem(catalogue.label(value, self.context.language) if box is self.skill_box else text, value)
                found = box.count() - 1
            box.setCurrentIndex(max(found, 0))
            box.blockSignals(False)
            if box is self.organisation_box and value is not None:
                self.organisation_box.show()
        self.mine_box.blockSignals(True)
        self.mine_box.setChecked(place.my_skills)
        self.mine_box.blockSignals(False)
        column, descending = place.sorted_by
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicatorShown(column >= 0)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        # The window's own putting back of scroll bars (ui.page_view) counts rows of its old
        # height; the rows in view are put back here, by task, once the whole result is in.
        stop_scrolling(self.view.verticalScrollBar())
        self._showing = place if place.top or place.current else None
        self._showing_found = False
        self.search_again(place.text)

    def _show_rows_of(self, place: BoardPlace) -> None:
        """The chosen row chosen again and the first row in view on top, where the result has them.

        The table lays out rows just added (the whole result after its first page) only
        later, from the event loop; scrolled before that, it stops at the end of the first
        page. Choosing a row lays them out first, but only on a board in sight: with no row
        chosen, or on a page above the board, a try-out came back some 90 rows from where it
        was whenever the filter lists had come before the rows (a sync as the first page
        showed), since nothing put the rows in view again after that.
        """
        self.view.executeDelayedItemsLayout()
        current = self.model.row_of(place.current) if place.current else -1
        if current >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(current, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        top = self.model.row_of(place.top) if place.top else -1
        if place.at_end:
            self.view.scrollToBottom()
        elif top >= 0:
            self.view.scrollTo(self.model.index(top, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    def search_again(self, text: str) -> None:
        """Put `text` back in the search field (the window was built again) and search it.

        The cursor goes to its end, nothing selected: the person may be typing on.
        """
        self.search_field.setText(text)
        self.search_field.deselect()
        self.search_field.end(False)
        self.search_now()

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def focus_start(self) -> None:
        """Where a keyboard user starts on the board (`ui.window_focus.focus_start`): the search."""
        self.focus_search()

    def _person_chose(self, *_args: Any) -> None:
        """The person changed what the board lists: a place carried over (`show_place`) is given up.

        Its rows were still on their way; put in view when they came, they chose a row
        and scrolled to it in the list the person had just sorted or searched. The
        person's own action wins. (`show_place` and `_refill` change the filters with
        their signals blocked, so only the person's changes arrive here.) So does the
        window's own putting back of the chosen row and the scrolling down (`ui.page_view`).
        """
        self._showing = None
        self._showing_found = False
        stop_choosing(self.view)
        stop_scrolling(self.view.verticalScrollBar())

    def _filters_changed(self, *_args: Any) -> None:
        self._person_chose()
        if self.sender() is self.sort_box:
            sort = Sort(self.sort_box.currentData())
            column = next((c for c, s in SORT_OF_COLUMN.items() if s == sort), None)
            header = self.view.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicatorShown(column is not None)
            if column is not None:
                header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)
            else:
                header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
        self._debounce.start(0)

    def _header_sorted(self, column: int, _order: Qt.SortOrder) -> None:
        sort = SORT_OF_COLUMN.get(Column(column)) if 0 <= column < len(Column) else None
        header = self.view.horizontalHeader()
        if sort is None:
            # Only some columns have an order that means something; keep the current one.
            current = Sort(self.sort_box.currentData())
            back = next((c for c, s in SORT_OF_COLUMN.items() if s == current), -1)
            header.blockSignals(True)
            header.setSortIndicator(back, Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self._person_chose()
        header.setSortIndicatorShown(True)
        self.sort_box.blockSignals(True)
        self.sort_box.setCurrentIndex(self.sort_box.findData(str(sort)))
        self.sort_box.blockSignals(False)
        self._debounce.start(0)

    # --- searching ----------------------------------------------------------------

    def search_now(self, *, first_page: bool = True) -> None:
        """Search with the current filters.

        Two jobs go to the DB thread together. The first finds only the first
        page (rows included) and is what a keystroke waits for: `searched`. The
        second finds every matching id, which the scroll bar and the count
        need, and appends them: `counted`. A refresh after a change
        (`first_page=False`) runs only the second, so nothing on screen jumps.
        """
        self._debounce.stop()
        if self.context.closed:
            return
        number = self._latest.next()
        latest = self._latest
        person = self.context.person
        filters = self.filters()

        def stale() -> bool:
            return latest.is_stale(number)

        base_ids, base = self.model.ids(), self.model.version
        shown: list[FirstWindow] = []

        def first(store: Store) -> tuple[int, FirstWindow]:
            if stale():
                raise Interrupted
            window = board.first_window(store, person, filters, PAGE, cancelled=stale)
            shown.append(window)
            return number, window

        def everything(store: Store) -> tuple[int, IdsPlan]:
            if stale():
                raise Interrupted
            if shown and shown[0].complete:
                ids = [row.id for row in shown[0].rows]
            else:
                ids = board.search(store, person, filters, cancelled=stale)
            old, version = base_ids, base
            if shown:
                page = [row.id for row in shown[0].rows]
                if page != base_ids[: len(page)] or (not page and base_ids):
                    old, version = page, base + 1  # what `show_first` leaves
            # Working out what changed is the heavy part; do it here, not on the UI thread.
            return number, plan_ids(old, ids, version)

        def find_everything() -> None:
            if self.context.closed or latest.is_stale(number):
                return
            self.context.query(everything, parent=self).success(
                functools.partial(self._found, not first_page)
            ).failure(self._search_failed).run_in_background()

        if first_page:
            # The rest is asked for once the first page is on screen, so that the UI
            # thread, drawing it, does not share the interpreter with a 100,000-row fetch.
            self._then = find_everything
            self.context.query(first, parent=self).success(self._first_found).failure(
                self._search_failed
            ).run_in_background()
        else:
            find_everything()

    def _first_found(self, answer: tuple[int, FirstWindow]) -> None:
        number, window = answer
        if self._latest.is_stale(number):
            return
        current = self.current_task_id()
        self._reselect = current
        self.model.show_first([row.id for row in window.rows], window.rows)
        if current is not None and self.current_task_id() != current:
            self.select_task(current)
        if window.complete:
            self._show_count(len(window.rows))
        else:
            self._show_count(len(window.rows), more=True)
        self.searched.emit(self.model.rowCount())
        then, self._then = self._then, None
        if then is not None:
            then()  # in this slot, so the worker never looks idle between the two
        if self._choices is None and not self._choices_asked:
            self._choices_asked = True
            self._load_choices()

    def _found(self, first_signal: bool, answer: tuple[int, IdsPlan]) -> None:
        number, plan = answer
        if self._latest.is_stale(number):
            return
        current = self.current_task_id() or self._reselect
        self._reselect = None
        reset = plan.reset
        self.model.apply(plan)
        if (
            current is not None
            and self.current_task_id() != current
            and (reset or not self.view.currentIndex().isValid())
            and self.model.row_of(current) >= 0
        ):
            self.select_task(current)
        self._show_count(len(plan.ids))
        if self._showing is not None:
            self._show_rows_of(self._showing)
            if self._choices is not None:  # else again once they have sized the rows (`_show_choices`)
                self._showing = None
            else:
                self._showing_found = True
        if first_signal:
            self.searched.emit(len(plan.ids))
        self.counted.emit(len(plan.ids))

    def _search_failed(self, error: BaseException) -> None:
        if isinstance(error, Interrupted):
            return
        log.error("board search failed", exc_info=error)
        self.count_label.setText(tr("The search failed; see the log."))

    def _show_count(self, count: int, *, more: bool = False) -> None:
        if more:
            # Only the first page is known yet; the exact count follows (`counted`).
            self.count_label.setText(ntr("Over {n} task", "Over {n} tasks", count))
        else:
            self.count_label.setText(ntr("{n} task", "{n} tasks", count))
        self.empty_label.setVisible(count == 0)
        self.view.setVisible(count != 0)

    def _fetch_rows(self, ids: list[str], deliver: Callable[[list[BoardRow]], None]) -> None:
        if self.context.closed:
            return
        organisation = self.context.person.organisation_id
        self.context.query(lambda store: board.board_rows(store, ids, organisation), parent=self).success(
            deliver
        ).failure(
            lambda error: log.error("loading board rows failed", exc_info=error)
        ).run_in_background()

    # --- choices -------------------------------------------------------------------

    def _load_choices(self) -> None:
        self.context.query(board.board_choices, parent=self).success(self._show_choices).failure(
            lambda error: log.error("loading board choices failed", exc_info=error)
        ).run_in_background()

    def _show_choices(self, choices: BoardChoices) -> None:
        if choices == self._choices:
            return
        self._choices = choices
        if self._sized:
            self._size_columns()  # the municipalities' names may ask for a wider site column
        if self._showing is not None and self._showing_found:
            # Rows two lines high now (several municipalities): the same rows in view again.
            self._show_rows_of(self._showing)
            self._showing = None
        language = self.context.language
        self._refill(self.site_box, tr("All sites"), by_name(choices.sites, lambda site: site[1]))
        words = label_key(language)
        labelled = sorted(
            ((skill, catalogue.label(skill, language)) for skill in choices.skills),
            key=lambda pair: words(pair[1]),
        )
        self._refill(self.skill_box, tr("All skills"), labelled)
        # A municipality filter only where there is more than one municipality to tell apart.
        municipalities = by_name(
            [(organisation, name or organisation) for organisation, name in choices.organisations],
            lambda pair: pair[1],
        )
        self._refill(self.organisation_box, tr("All municipalities"), municipalities)
        self.organisation_box.setVisible(len(municipalities) > 1)

    def _refill(self, box: QComboBox, everything: str, items: Sequence[tuple[str, str]]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for value, text in items:
            box.addItem(text, value)
        found = box.findData(chosen) if chosen is not None else 0
        box.setCurrentIndex(max(found, 0))
        box.blockSignals(False)
        if chosen is not None and found < 0:
            self._debounce.start(0)  # the chosen site or skill is gone: search without it

    # --- keeping up with changes -----------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        relevant = {"tasks", "sites"} & changes or (
            "person_skills" in changes and self.mine_box.isChecked()
        )
        if not relevant:
            return
        self.search_now(first_page=False)
        changed = changes.ids_of("tasks")
        if changed is None or "sites" in changes:
            stale = self.model.cached_ids()  # a sync: look again at what is on screen
        else:
            stale = [i for i in changed if self.model.row_of(i) >= 0 or self.model.is_loaded(i)]
        if stale:
            self._fetch_rows(stale, functools.partial(self._refreshed, stale))
        if changes.origin == "sync":
            self._load_choices()

    def _refreshed(self, asked: list[str], rows: list[BoardRow]) -> None:
        found = {row.id for row in rows}
        self.model.forget_rows([i for i in asked if i not in found])
        self.model.update_rows(rows)

    # --- opening a task ------------------------------------------------------------------

    def current_task_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.task_id(index.row()) if index.isValid() else None

    def select_task(self, task_id: str) -> None:
        row = self.model.row_of(task_id)
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

    def _enter_list(self) -> None:
        self.view.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.view.currentIndex().isValid() and self.model.rowCount() > 0:
            self.select_task(self.model.task_id(0) or "")

    def _activated(self, index: QModelIndex) -> None:
        task_id = self.model.task_id(index.row())
        if task_id is not None:
            self.open_task_requested.emit(task_id)
