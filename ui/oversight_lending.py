"""Lending: a home manager's view of their staff's work on other sites, and the hours.

Everything here is read from the local store (`desktop.lending`), so it opens
at once and works offline. What the organisation's policy asks is said at
the top in plain words; with approval, the bids waiting for the manager's yes
come first, and Approve / Do not approve run the operation `bid.lend` (queued
offline like every other change). The hours lent and borrowed per month
export to CSV (UTF-8 with BOM).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import lending
from desktop.core.entities import LendingPolicy, Site, TaskStatus
from desktop.core.lending import SiteMonth
from desktop.lending import LentWork
from desktop.store import Store
from ui import wording
from ui.context import AppContext
from ui.screen import ProblemLabel, Screen
from ui.table_model import KEY_ROLE, Column, EmptyNote, RowsModel, table_view
from ui.file_export import save_export
from ui.words import ntr, tr


@dataclass(frozen=True, slots=True)
class LendingPicture:
    """What the screen draws: the policy, the staff's work, the months, the sites' names."""

    policy: str
    work: list[LentWork]
    months: list[SiteMonth]
    site_names: dict[str, str]


SHARE_CHARS = 20  # the width, in average characters, of the sites' and lending's columns
PERSON_COLUMN = 0
TASK_COLUMN = 1  # the one that stretches: what the row is about
LENDING_COLUMN = 4
SHARED_COLUMNS = (2, LENDING_COLUMN)  # the sites, the lending's state


UNKNOWN = "—"  # a number not known: said so, not left blank (the tooltip says why)


def _hours(value: float | None, language: str) -> str:
    """Hours as the language writes them ("2,5" in Danish); `UNKNOWN` for none."""
    return UNKNOWN if value is None else wording.number(value, language)


def _why_no_hours_worked(work: LentWork) -> str:
    """Why the hours worked are `UNKNOWN`; "" when they are known.

    Completing a task confirms every accepted bid's hours (`operations.default_worked_hours`),
    so on a finished task they are missing only where the task was finished before Knop kept them.
    """
    if work.bid.worked_hours is not None:
        return ""
    if work.task_status == TaskStatus.DONE:
        return tr("Not recorded: the task was marked done before Knop kept the hours worked.")
    return tr("Confirmed when the task is marked done.")


class LendingScreen(Screen):
    """The staff's work on other sites' tasks (accepted bids), and hours per site and month."""

    WATCHES = frozenset({"bids", "tasks", "organisations"})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("lending")
        self.picture: LendingPicture | None = None
        self.heading = QLabel("<h2>" + tr("Lending between sites") + "</h2>", self)
        self.policy = QLabel(self)
        self.policy.setObjectName("lendingPolicy")
        self.policy.setWordWrap(True)
        self.work_model: RowsModel[LentWork] = RowsModel(
            [
                Column(tr("Person"), lambda w: w.bidder),
                Column(tr("Task"), lambda w: w.task_title),
                Column(tr("Site"), lambda w: w.task_site),
                # Every row is an accepted bid (`lending.staff_work`): how the task stands says more.
                Column(tr("Task status"), lambda w: wording.task_status(w.task_status)),
                Column(tr("Lending"), lambda w: wording.lending(w.bid.lending)),
                Column(
                    tr("Offered hours"),
                    lambda w: _hours(w.bid.hours, self.language),
                    numeric=True,
                    tip=lambda w: tr("No hours were offered in the bid.") if w.bid.hours is None else "",
                ),
                Column(
                    tr("Hours worked"),
                    lambda w: _hours(w.bid.worked_hours, self.language),
                    numeric=True,
                    tip=_why_no_hours_worked,
                ),
            ],
            key=lambda w: w.bid.id,
            parent=self,
        )
        self.work_view = table_view(
            self, self.work_model, tr("Staff working on other sites"), (1,)
        )
        # Sites run long; they get a fixed share and elide (the whole in a tooltip), so the
        # task, what the row is about, keeps room at 1024 px rather than "GDPR…". Names are
        # whole: the manager reads down them ("Dorthe Frederi…" was cut, try-out 6).
        # So does the lending's state: a long sentence ("Waiting for approval from the home
        # site's manager") on a few rows and none on most made a wide, mostly empty column.
        # Each is as wide as what it says, up to that share (`_fit_shares`): short names
        # left a fixed share partly empty.
        columns = self.work_view.horizontalHeader()
        for column in (PERSON_COLUMN, *SHARED_COLUMNS):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self._fit_shares()
        self.work_view.viewport().installEventFilter(self)
        self.work_view.selectionModel().selectionChanged.connect(lambda *_: self._chosen())
        self.work_empty = EmptyNote(self.work_view, tr("Nobody works on another site's task in this period."))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(tr("Message to the task's manager (optional)"))
        self.note.setAccessibleName(self.note.placeholderText())  # no label beside it
        self.approve_button = QPushButton(tr("&Approve lending"), self)
        self.refuse_button = QPushButton(tr("Do &not approve"), self)
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.refuse_button.clicked.connect(lambda: self.decide(False))
        self.problem = ProblemLabel(self)
        self.months_model: RowsModel[SiteMonth] = RowsModel(
            [
                Column(tr("Month"), lambda m: wording.month(m.month, self.language)),  # the CSV keeps "2026-03"
                Column(tr("Site"), lambda m: self._site_name(m.site_id)),
                Column(tr("Hours lent"), lambda m: _hours(m.lent, self.language), numeric=True),
                Column(tr("Hours borrowed"), lambda m: _hours(m.borrowed, self.language), numeric=True),
            ],
            key=lambda m: f"{m.month}|{m.site_id}",
            parent=self,
        )
        self.months_view = table_view(
            self, self.months_model, tr("Hours lent and borrowed per month"), (1,)
        )
        self.months_empty = EmptyNote(self.months_view, tr("No hours lent or borrowed in this period."))
        self.export_button = QPushButton(tr("&Export hours as CSV…"), self)
        self.export_button.clicked.connect(self._export)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.policy)
        layout.addWidget(
            QLabel(tr("Your staff's work on other sites' tasks (accepted bids)"), self)
        )
        layout.addWidget(self.work_view, 2)
        decide = QHBoxLayout()
        decide.addWidget(self.note, 1)
        decide.addWidget(self.approve_button)
        decide.addWidget(self.refuse_button)
        layout.addLayout(decide)
        layout.addWidget(self.problem)
        layout.addWidget(
            QLabel(tr("Hours lent and borrowed per month (as confirmed on completion)"), self)
        )
        layout.addWidget(self.months_view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self._chosen()
        self.reload()

    # --- loading -----------------------------------------------------------------------

    def question(self) -> Any:
        viewer = self.context.person

        def ask(store: Store) -> LendingPicture:
            return LendingPicture(
                policy=lending.policy(store, viewer),
                work=lending.staff_work(store, viewer),
                months=lending.site_months(store, viewer),
                site_names={s.id: s.name for s in store.fetch(Site, "1 = 1")},
            )

        return ask

    def draw(self, data: Any) -> None:
        picture: LendingPicture = data
        self.picture = picture
        waiting = sum(1 for w in picture.work if w.awaiting)
        words: dict[str, str] = {
            # Said as the organisation's choice, with who can change it: a try-out read this
            # screen with lending off, and its message field and greyed Approve buttons
            # looked like something to do.
            # The setting governs approval and notice, not whether people may work elsewhere:
            # "Lending is off" over a full table of such work read as a contradiction (try-out 6).
            # Named as the administrator's choice is (Administration, Lending).
            LendingPolicy.OFF: tr(
                "Your organisation asks for neither approval nor notice: your staff may work on "
                "other sites' tasks without asking you, and nobody is told. An administrator can "
                "change this (Administration, Lending)."
            ),
            LendingPolicy.NOTIFY: tr(
                "You are told when one of your staff is accepted on another site's task."
            ),
            LendingPolicy.APPROVE: tr(
                "Work on another site's task needs your approval before it counts."
            ),
        }
        text = words.get(picture.policy, words[LendingPolicy.OFF])
        if picture.policy == LendingPolicy.APPROVE:
            text += " " + (tr("Nobody waits for your approval.") if not waiting else ntr(
                "{n} waits for your approval.", "{n} wait for your approval.", waiting
            ))
        self.policy.setText(text)
        # Only approval gives the manager anything to decide here; the lending's column only
        # where some work has a state (work lent while lending was off has none).
        deciding = picture.policy == LendingPolicy.APPROVE
        for widget in (self.note, self.approve_button, self.refuse_button):
            widget.setVisible(deciding)
        self.work_view.setColumnHidden(LENDING_COLUMN, not any(wording.lending(w.bid.lending) for w in picture.work))
        # What waits for the manager comes first.
        self.work_model.set_rows(sorted(picture.work, key=lambda w: not w.awaiting))
        self._fit_shares()
        self.months_model.set_rows(sorted(picture.months, key=lambda m: m.month, reverse=True))  # newest first (s36)
        self._chosen()

    def _fit_shares(self) -> None:
        """The names' column: its longest name's width. The sites' and lending's: their words' width
        (their header's at least) where the room holds it with the task's words whole too; else
        `SHARE_CHARS` average characters, plus what the task's column would leave empty.

        Capped at a fixed share, a site ("Integreret institution Regnbuen") was cut while
        the task's column beside it had room to spare (try-out): the task's column keeps
        what its own words need, and no more, before the others are cut.
        """
        view, header = self.work_view, self.work_view.horizontalHeader()
        header.resizeSection(
            PERSON_COLUMN, max(view.sizeHintForColumn(PERSON_COLUMN), header.sectionSizeFromContents(PERSON_COLUMN).width())
        )
        share = SHARE_CHARS * self.fontMetrics().averageCharWidth()
        shared = [c for c in SHARED_COLUMNS if not header.isSectionHidden(c)]  # no lending said: hidden
        needs = {
            c: max(view.sizeHintForColumn(c), header.sectionSizeFromContents(c).width())
            for c in (TASK_COLUMN, *shared)
        }
        fixed = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c not in needs and not header.isSectionHidden(c)
        )
        room = view.viewport().width() - fixed
        given = {c: min(needs[c], max(share, header.sectionSizeFromContents(c).width())) for c in shared}
        # What the task's column would hold beyond its words goes to the cut ones, fairly.
        spare = room - needs[TASK_COLUMN] - sum(given.values())
        cut = sorted((c for c in shared if given[c] < needs[c]), key=lambda c: needs[c] - given[c])
        for number, column in enumerate(cut):
            if spare <= 0:
                break
            more = min(needs[column] - given[column], spare // (len(cut) - number))
            given[column] += more
            spare -= more
        for column, width in given.items():
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """The shares follow the list's width: a wider window gives the sites their words back."""
        if watched is self.work_view.viewport() and event.type() == QEvent.Type.Resize and self.picture:
            self._fit_shares()
        return False

    def _site_name(self, site_id: str) -> str:
        return self.picture.site_names.get(site_id, site_id) if self.picture else site_id

    # --- deciding ----------------------------------------------------------------------

    def chosen(self) -> LentWork | None:
        rows = self.work_view.selectionModel().selectedRows()
        if not rows:
            return None
        key = rows[0].data(KEY_ROLE)
        return next((w for w in self.work_model.rows() if w.bid.id == key), None)

    def choose(self, bid_id: str) -> None:
        """Select the row of `bid_id` (for the keyboard, tests and the screenshot)."""
        row = self.work_model.row_of(bid_id)
        if row >= 0:
            self.work_view.selectRow(row)

    def _chosen(self) -> None:
        work = self.chosen()
        can = work is not None and work.awaiting
        self.approve_button.setEnabled(can)
        self.refuse_button.setEnabled(can)

    def decide(self, approve: bool) -> None:
        work = self.chosen()
        if work is None or not work.awaiting:
            return
        payload: dict[str, Any] = {"bid_id": work.bid.id, "approve": approve}
        if self.note.text().strip():
            payload["message"] = self.note.text().strip()
        self.act("bid.lend", payload, self.problem, then=lambda _outcome: self.note.clear())

    # --- export ------------------------------------------------------------------------

    def csv_bytes(self) -> bytes:
        months = self.picture.months if self.picture else []
        names = self.picture.site_names if self.picture else {}
        header = (tr("Month"), tr("Site"), tr("Hours lent"), tr("Hours borrowed"))
        return lending.months_csv(months, names, header)

    def _export(self) -> None:
        save_export(
            self,
            tr("Export the hours"),
            tr("lending") + ".csv",
            "CSV (*.csv)",
            lambda path: path.write_bytes(self.csv_bytes()),
            self.problem.show_text,
        )
