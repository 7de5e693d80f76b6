"""Reports per site and period: computed on the server, shown offline from the last answer.

Admins see every site (or one), a site manager their own. Columns: tasks
posted and filled, fill rate, median hours to fill, hours lent and borrowed,
people from other sites and externals involved, skills most asked for. The
table exports to CSV (UTF-8 with BOM).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop import reports
from desktop.core import skills
from ui import wording
from ui.insights_screen import InsightScreen
from ui.table_model import Column, EmptyNote, RowsModel, table_view, title_first
from ui.file_export import save_export
from ui.words import tr


SITE, SKILLS = 0, 10  # the report's columns that share the room left (see `ReportsScreen`)
SITE_SAMPLE = "Børnehuset Mælkebøtten"  # a site's name as long as most, read whole before the skills


def _number(value: Any, language: str) -> str:
    if value is None:
        return "–"
    return wording.number(value, language) if isinstance(value, float) else str(value)


class ReportsScreen(InsightScreen):
    """One row per site for the chosen period."""

    NAME = reports.REPORTS

    def __init__(self, context: Any, parent: QWidget | None = None, fetcher: Any = None) -> None:
        super().__init__(context, parent, fetcher)
        self.setObjectName("reports")
        self.body: dict[str, Any] = {}
        today = QDate.currentDate()
        self.since = QDateEdit(today.addYears(-1), self)
        self.until = QDateEdit(today, self)
        for field in (self.since, self.until):
            field.setCalendarPopup(True)
            wording.dates_in(field, self.language)
        self.model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(tr("Site"), lambda r: str(r.get("site_name", ""))),
                Column(tr("Posted"), lambda r: _number(r.get("posted"), self.language), numeric=True),
                Column(tr("Filled"), lambda r: _number(r.get("filled"), self.language), numeric=True),
                Column(tr("Fill rate"), lambda r: self._rate(r.get("fill_rate")), numeric=True),
                Column(
                    tr("Hours to fill (median)"),
                    lambda r: _number(r.get("median_hours_to_fill"), self.language),
                    numeric=True,
                ),
                Column(tr("Hours lent"), lambda r: _number(r.get("hours_lent"), self.language), numeric=True),
                Column(tr("Hours borrowed"), lambda r: _number(r.get("hours_borrowed"), self.language), numeric=True),
                Column(tr("From other sites"), lambda r: _number(r.get("from_other_sites"), self.language), numeric=True),
                Column(
                    tr("From other municipalities"),
                    lambda r: _number(r.get("from_other_organisations"), self.language),
                    numeric=True,
                ),
                Column(tr("Externals"), lambda r: _number(r.get("externals"), self.language), numeric=True),
                Column(tr("Skills most asked for"), self._skills),
            ],
            key=lambda r: str(r.get("site_id", "")),
            parent=self,
        )
        # The site's name and the skills share what the numbers leave, eliding (whole in each
        # cell's tooltip); where a name would be cut short (1024 px: the table scrolled
        # sideways, a try-out) the skills give way to a line under the table for the chosen site.
        self.table = table_view(self, self.model, tr("Reports per site"), (SITE, SKILLS), wrapped_titles=True)
        self.detail = QLabel(self)
        self.detail.setObjectName("reportDetail")
        title_first(self.table, SITE, SITE_SAMPLE, (SKILLS,), self.detail)
        self.empty = EmptyNote(self.table, tr("No site to report on in this period."))
        self.period = QLabel(self)
        self.export_button = QPushButton(tr("&Export as CSV…"), self)
        self.export_button.clicked.connect(self._export)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + tr("Reports") + "</h2>", self))
        layout.addLayout(self.labelled_row((tr("&From"), self.since), (tr("&To"), self.until)))
        layout.addLayout(self.status_row(self.export_button))
        layout.addWidget(self.period)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.reload()

    def _rate(self, rate: Any) -> str:
        return "–" if rate is None else f"{round(100 * float(rate))} %"

    def _skills(self, row: dict[str, Any]) -> str:
        return ", ".join(
            f"{skills.label(s['skill'], self.language)} ({s['tasks']})"
            for s in row.get("skills") or []
        )

    def params(self) -> dict[str, Any]:
        """The period as the server takes it."""
        return {
            "since": self.since.date().toString("yyyy-MM-dd"),
            "until": self.until.date().toString("yyyy-MM-dd"),
        }

    def refresh(self) -> None:
        self.ask(self.NAME, self.params(), self._keep)

    def show_answer(self, body: dict[str, Any]) -> None:
        self.body = body
        self.period.setText(
            tr(
                "From {since} to {until}",
                since=wording.date(body.get("since"), self.language),
                until=wording.date(body.get("until"), self.language),
            )
        )
        self.model.set_rows(reports.report_rows(body))

    def csv_bytes(self) -> bytes:
        header = [
            tr("Site"),
            tr("Posted"),
            tr("Filled"),
            tr("Fill rate (%)"),
            tr("Hours to fill (median)"),
            tr("Hours lent"),
            tr("Hours borrowed"),
            tr("From other sites"),
            tr("From other municipalities"),
            tr("Externals"),
            tr("Skills most asked for"),
        ]
        return reports.report_csv(self.body, header, lambda s: skills.label(s, self.language))

    def _export(self) -> None:
        # The period is in the name: the file itself is one table (a try-out could not
        # tell afterwards which period a saved report covered).
        period = [str(self.body.get(end) or "") for end in ("since", "until")]
        save_export(
            self,
            tr("Export the report"),
            "_".join([tr("report"), *filter(None, period)]) + ".csv",
            "CSV (*.csv)",
            lambda path: path.write_bytes(self.csv_bytes()),
            self.when.setText,
        )
