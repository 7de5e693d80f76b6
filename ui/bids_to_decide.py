"""Bids to decide: the tasks whose bids wait for this person, each leading to its review.

"N bids wait for your decision" on the board and My page leads here (a try-out
found it led nowhere). Bids are decided one task at a time, side by side in the
review (`ui.review`), so this page lists the tasks, soonest bid deadline first,
with how many bids wait on each; Enter or a double click opens a task's review.
It counts what the notice counts (`desktop.notifications.tasks_to_decide`); tasks
whose places are all filled are listed apart, under their own heading.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.notifications import TaskToDecide, tasks_to_decide
from desktop.store import Store
from ui import wording
from ui.columns_in_step import columns_in_step
from ui.context import AppContext
from ui.long_text import heading
from ui.screen import Screen
from ui.table_model import KEY_ROLE, Column, EmptyNote, RowsModel, table_view
from ui.words import tr

STRETCHED = (0, 1)  # the task's title and its site share the width; the others fit their words


class BidsToDecide(Screen):
    """The tasks with bids waiting for the person's decision; a row opens its review."""

    WATCHES = frozenset({"bids", "tasks", "sites"})

    review_requested = Signal(str)  # task id: the window opens its review

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("bids-to-decide")
        lang = self.language
        self.title = heading(tr("Bids to decide"), self)
        self.hint = QLabel(tr("Open a task to weigh its bids side by side and decide."), self)
        self.hint.setWordWrap(True)

        def deadline(task: TaskToDecide) -> str:
            said = wording.short_date(task.bid_deadline, lang) or tr("None")
            # A deadline long gone read like any other (try-out 6: "8. oktober 2026" in December).
            return tr("{date} (deadline passed)", date=said) if task.deadline_passed else said

        def columns() -> list[Column[TaskToDecide]]:
            return [
                Column(tr("Task"), lambda t: t.title),
                Column(tr("Site"), lambda t: t.site_name),
                Column(tr("Bids waiting"), lambda t: str(t.waiting), numeric=True),
                Column(tr("Bid deadline"), deadline),
                # Tasks of one title at one site differ by when they start (try-out s36, 10).
                Column(tr("Starts"), lambda t: wording.short_date(t.starts_on, lang)),
            ]

        self.model: RowsModel[TaskToDecide] = RowsModel(columns(), key=lambda t: t.task_id, parent=self)
        self.table = table_view(self, self.model, tr("Tasks with bids waiting"), stretch=STRETCHED)
        self.table.activated.connect(self._open)
        self.empty = EmptyNote(self.table, tr("No bids wait for your decision."))
        # Tasks whose places are all filled: their bids can no longer be accepted, so they
        # are not counted as awaiting a decision; listed apart, for the "no" the bidders wait for.
        # A part of the same page: a heading and a hint as above, the columns in step with
        # the upper table's, and nothing of it shown while it has no rows.
        self.filled_part = QWidget(self)
        self.filled_heading = heading(tr("All places filled"), self.filled_part)
        self.filled_hint = QLabel(
            tr("These bids can no longer be accepted. Decline them so the bidders know."), self.filled_part
        )
        self.filled_hint.setWordWrap(True)
        self.filled_model: RowsModel[TaskToDecide] = RowsModel(columns(), key=lambda t: t.task_id, parent=self)
        self.filled_table = table_view(
            self.filled_part, self.filled_model, tr("Tasks with all places filled"), stretch=()
        )
        self.filled_table.activated.connect(self._open)
        # As high as its few rows, no more: the room left is the upper list's, which holds what
        # the page is for (at 1024x600 it showed 3 of 7 rows over a half-empty lower list).
        self.filled_table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.filled_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        columns_in_step(self.table, self.filled_table, stretched=STRETCHED)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.filled_part)
        part = QVBoxLayout(self.filled_part)
        # Set apart from the table above by a line's worth, as a heading is from what precedes it.
        part.setContentsMargins(0, self.fontMetrics().lineSpacing(), 0, 0)
        part.addWidget(self.filled_heading)
        part.addWidget(self.filled_hint)
        part.addWidget(self.filled_table)
        self.setFocusProxy(self.table)
        self.reload()

    def question(self) -> Callable[[Store], list[TaskToDecide]]:
        person = self.context.person
        return lambda store: tasks_to_decide(store, person)

    def draw(self, data: list[TaskToDecide]) -> None:
        awaiting = [t for t in data if not t.filled]
        filled = [t for t in data if t.filled]
        self.model.set_rows(awaiting)
        self.filled_model.set_rows(filled)
        self.filled_part.setVisible(bool(filled))
        if awaiting and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))  # Enter opens the first at once

    def _open(self, index: QModelIndex) -> None:
        task_id = index.siblingAtColumn(0).data(KEY_ROLE)
        if task_id:
            self.review_requested.emit(str(task_id))
