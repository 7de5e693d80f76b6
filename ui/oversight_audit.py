"""The audit trail: who did what, when, from which device, and what was refused.

Admins read all of it, a site manager what concerns their own site (the
server decides, `GET /v1/audit`). Filters: person (name or username as the
server knows it, or id), task (words from its title, or its id), operation (chosen by its name in words, or
a group: "Everything about bids"), applied or refused, and a period. Each event shows names, not ids, and what
changed (the kinds of rows in alphabetical order of their words in the reader's
language, `changed_kinds`); an accepted bid says who got the assignment, and a
device is shown by the name it was enrolled under, its id in the cell's tooltip
and in the CSV. The list exports to CSV for an access-to-records request. The last
answer is kept, so the view opens offline on it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import reports
from desktop.core import audit_trail
from desktop.core.entities import AuditEvent
from desktop.core.rejection import describe
from ui import wording
from ui.collation import label_key
from ui.insights_screen import InsightScreen
from ui.operation_words import operation_choices, operation_label
from ui.table_model import TITLE_SAMPLE, Column, RowsModel, table_view, title_first
from ui.file_export import save_export
from ui.words import ntr, tr

# The server's closing of bids at a task's deadline (sync.server.deadlines.OPERATION).
CLOSE_BIDDING = "task.close_bidding"
TASK_COLUMN = 4  # the events' Task column, drawn again when a task's title is found
PERSON_COLUMN, OPERATION_COLUMN, SITE_COLUMN, WHAT_COLUMN, DEVICE_COLUMN = 1, 2, 5, 6, 7


def changed_words() -> dict[str, str]:
    """What each synced table's rows are called in the audit trail's "What changed" (per call: the language may change).

    Every table of `entities.SYNCED` has a word: a try-out read the raw table names
    ("member_invitations") and English ("organisation") in the Danish trail.
    """
    return {
        "organisations": tr("municipality"),
        "sites": tr("site"),
        "people": tr("person"),
        "person_skills": tr("skill"),
        "tasks": tr("task"),
        "bids": tr("bid"),
        "comments": tr("comment"),
        "endorsements": tr("endorsement"),
        "notice_reads": tr("notification read"),
        "person_settings": tr("settings"),
        "saved_searches": tr("saved search"),
        "invitations": tr("invitation to bid"),
        "guidelines": tr("guidelines"),
        "guideline_acceptances": tr("guidelines accepted"),
        "member_invitations": tr("invitation to Knop"),
        "person_credentials": tr("credential"),
        "task_requirements": tr("task requirements"),
        "companies": tr("company"),
    }


def changed_kinds(summary: str, language: str) -> list[str]:
    """The kinds of rows an applied event changed, in words, in alphabetical order of those words.

    Alphabetical by the word the reader sees (Danish order in Danish: "bud, opgave";
    "bid, task" in English), not by the order the operation wrote its rows in: a
    try-out saw one entry's items change places between runs, which reads as if
    something different had happened.
    """
    words = changed_words()
    return sorted({words.get(t, t) for t in reports.changed_tables(summary)}, key=label_key(language))


class AuditScreen(InsightScreen):
    """Filters above, events below (newest first: what one comes to see), CSV export (oldest first)."""

    NAME = reports.AUDIT

    def __init__(self, context: Any, parent: QWidget | None = None, fetcher: Any = None) -> None:
        super().__init__(context, parent, fetcher)
        self.setObjectName("audit")
        self.body: dict[str, Any] = {}
        self.local_titles: dict[str, str] = {}  # titles of tasks the answer leaves unnamed, from the store
        self.person = QLineEdit(self)
        self.person.setPlaceholderText(tr("username"))
        self.task = QLineEdit(self)
        # Words from the title, as people remember a task; its id still works (an id from the CSV).
        self.task.setPlaceholderText(tr("words from its title, or its id"))
        # Operations by their names in words; the server is asked by the internal name (a group's
        # prefix, such as "bid", stands for all of its operations).
        self.operation = QComboBox(self)
        self.operation.addItem(tr("Any operation"), None)
        for label, kind in operation_choices():
            self.operation.addItem(label, kind)
        self.operation.setMaxVisibleItems(20)
        self.operation.activated.connect(lambda _index: self.refresh())
        self.outcome = QComboBox(self)
        self.outcome.addItem(tr("Applied and refused"), None)
        self.outcome.addItem(tr("Applied"), "applied")
        self.outcome.addItem(tr("Refused"), "refused")
        today = QDate.currentDate()
        self.since = QDateEdit(today.addMonths(-1), self)
        self.until = QDateEdit(today, self)
        for field in (self.since, self.until):
            field.setCalendarPopup(True)
            wording.dates_in(field, self.language)
        for line in (self.person, self.task):
            line.returnPressed.connect(self.refresh)
        self.model: RowsModel[AuditEvent] = RowsModel(
            [
                # Where this machine is, as the rest of Knop says it; the CSV keeps the ISO time.
                Column(tr("Time"), lambda e: wording.moment(e.at, self.language)),
                Column(tr("Person"), self._actor),
                Column(tr("Operation"), lambda e: operation_label(e.operation)),
                Column(tr("Outcome"), self._outcome),
                Column(tr("Task"), lambda e: self._name(e.task_id)),
                Column(tr("Site"), lambda e: self._name(e.site_id)),
                Column(tr("What changed"), self._what),
                Column(tr("Device"), self._device, lambda e: audit_trail.device(e, self._names())),
            ],
            key=lambda e: e.id,
            parent=self,
        )
        # The person, the operation, the task and what changed share what the time and the
        # outcome leave, eliding (whole in each cell's tooltip); where the task's title would be
        # cut short (at 1024 px it scrolled sideways, a try-out) the device and then the site
        # give way to a line under the table for the chosen event.
        self.table = table_view(
            self, self.model, tr("Audit events"), (PERSON_COLUMN, OPERATION_COLUMN, TASK_COLUMN, WHAT_COLUMN)
        )
        self.detail = QLabel(self)
        self.detail.setObjectName("auditDetail")
        title_first(
            self.table, TASK_COLUMN, TITLE_SAMPLE, (DEVICE_COLUMN, SITE_COLUMN), self.detail, self._told_of_row
        )
        self.count = QLabel(self)
        self.export_button = QPushButton(tr("&Export as CSV…"), self)
        self.export_button.clicked.connect(self._export)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + tr("Audit trail") + "</h2>", self))
        layout.addLayout(
            self.labelled_row(
                (tr("&Person"), self.person),
                (tr("T&ask"), self.task),
                (tr("&Operation"), self.operation),
            )
        )
        row = QHBoxLayout()
        row.addLayout(
            self.labelled_row(
                (tr("O&utcome"), self.outcome), (tr("&From"), self.since), (tr("&To"), self.until)
            )
        )
        row.addStretch(1)
        layout.addLayout(row)
        layout.addLayout(self.status_row(self.export_button))
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.reload()

    def _name(self, some_id: str | None) -> str:
        (name,) = reports.named(self.body, [some_id])
        return self.local_titles.get(name, name)

    def _actor(self, event: AuditEvent) -> str:
        """Who acted: a person's name, or what acted where it was no person (the server, IT's tool)."""
        other = audit_trail.not_a_person(event.actor_id)
        return other.text(self.language) if other is not None else self._name(event.actor_id)

    def _names(self) -> dict[str, str]:
        names = self.body.get("names")
        return names if isinstance(names, dict) else {}

    def _device(self, event: AuditEvent) -> str:
        """The name the device was enrolled under; its id where the server knows no name."""
        return audit_trail.device_name(event, self._names())

    def _assignee(self, event: AuditEvent) -> list[str]:
        """["Anna Jensen got the assignment"] for an accepted bid's event, else []."""
        name = audit_trail.assignee(event, self._names(), reports.assigned(self.body))
        return [tr("{name} got the assignment", name=name)] if name else []

    def _told_of_row(self, row: int) -> list[str]:
        """What the line under the table says of the chosen event whatever columns are hidden."""
        rows = self.model.rows()
        return self._assignee(rows[row]) if 0 <= row < len(rows) else []

    def _outcome(self, event: AuditEvent) -> str:
        return tr("Refused") if event.outcome == "refused" else tr("Applied")

    def _what(self, event: AuditEvent) -> str:
        """Why it was refused, in the reader's language; or what kinds of things it changed."""
        if event.outcome == "refused":
            return describe(event.reason, event.facts).text(self.language)
        if event.operation == CLOSE_BIDDING:
            return tr("Closed for bids: the bid deadline had passed")
        kinds = ", ".join(changed_kinds(event.summary, self.language))
        return "; ".join([*self._assignee(event), *([kinds] if kinds else [])])

    def params(self) -> dict[str, Any]:
        """The filters as the server takes them (empty ones left out)."""
        wanted = {
            "person": self.person.text().strip() or None,
            "task": self.task.text().strip() or None,
            "operation": self.operation.currentData(),
            "outcome": self.outcome.currentData(),
            "since": self.since.date().toString("yyyy-MM-dd"),
            "until": self.until.date().toString("yyyy-MM-dd"),
        }
        return {k: v for k, v in wanted.items() if v}

    def refresh(self) -> None:
        self.ask(self.NAME, self.params(), self._keep)

    def show_answer(self, body: dict[str, Any]) -> None:
        self.body = body
        events = reports.audit_events(body)
        self.count.setText(ntr("{n} event", "{n} events", len(events)))
        # The newest on top, where one looks first (try-out s36, 10: the latest were below the fold);
        # the CSV keeps the order of time.
        self.model.set_rows(events[::-1])
        unnamed = [t for t in reports.unnamed_tasks(body) if t not in self.local_titles]
        if unnamed:  # e.g. tasks closed at their bid deadline: named by the titles this device holds
            self.context.query(lambda store: reports.task_titles(store, unnamed), parent=self).success(
                self._titles_found
            ).run_in_background()

    def _titles_found(self, titles: dict[str, str]) -> None:
        self.local_titles.update(titles)
        rows = self.model.rowCount()
        if rows:  # the same events, newly named: the task column is drawn again
            self.model.dataChanged.emit(self.model.index(0, TASK_COLUMN), self.model.index(rows - 1, TASK_COLUMN))

    def csv_bytes(self) -> bytes:
        return reports.audit_csv(self.body, self.local_titles)

    def _export(self) -> None:
        save_export(
            self,
            tr("Export the audit trail"),
            tr("audit") + ".csv",
            "CSV (*.csv)",
            lambda path: path.write_bytes(self.csv_bytes()),
            self.when.setText,
        )
