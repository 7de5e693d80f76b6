"""The competence map: skills people have shown, against what their profiles said.

The headline is the count of skills shown by people whose own profile did
not list them (hidden competences). The table lists every skill with its counts of people by
evidence and a trend per quarter; choosing a skill fetches the people and
tasks behind it (only those the reader may see by name; the rest are a
count). Counts too small to show this reader ("<3") stay blank in the CSV.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import insights
from desktop.core import skills
from desktop.core.text import Sentence, sentence, translate
from ui.file_export import save_export
from ui.insights_screen import InsightScreen
from ui.long_text import heading
from ui.table_model import CELL_PADDING, KEY_ROLE, Column, RowsModel, keep_rows, table_view

SMALL = "<3"
STRETCHED = 8  # the skills table's last column, the trend per quarter: it takes what is left


def count(value: Any) -> str:
    """A count of people as the server gave it: None means too few to show."""
    return SMALL if value is None else str(value)


# Sentences, so the catalogue has them: plain texts were never extracted, and the
# Danish map said "endorsed by a manager".
EVIDENCE_WORDS: dict[str, Sentence] = {
    "declared": sentence("declared on the profile"),
    "offered": sentence("offered in a bid"),
    "accepted": sentence("bid accepted"),
    "completed": sentence("task completed"),
    "endorsed": sentence("endorsed by a manager"),
}


def evidence_word(level: str, language: str) -> str:
    """What a level of evidence ("endorsed", ...) is called for people."""
    return EVIDENCE_WORDS[level].text(language) if level in EVIDENCE_WORDS else level


def _counted(name: str) -> Callable[[dict[str, Any]], str]:
    """A map row's count `name` as a cell shows it (`count`: "<3" when too small to show)."""
    return lambda row: count(row[name])


QUARTER_SAMPLE = ("2026-Q4", 888)  # one quarter of the trend and its count, the widest `CompetenceMap._trend` writes
QUARTERS_APART = " · "


def whole_quarters(text: str, metrics: QFontMetrics, width: int) -> str:
    """As many of the trend's quarters ("Q4 2026: 12 · Q3 2026: 9 · ...") as fit in `width` px, each whole.

    The newest come first; where some are left out the text ends in "…". A try-out read
    "Q4 20…": eliding at the last letter that fit cut the quarter it was about.
    """
    quarters = text.split(QUARTERS_APART)
    for kept in range(len(quarters), 0, -1):
        shown = QUARTERS_APART.join(quarters[:kept]) + ("" if kept == len(quarters) else QUARTERS_APART + "…")
        if metrics.horizontalAdvance(shown) <= width:
            return shown
    return quarters[0]


class WholeQuarters(QStyledItemDelegate):
    """Draws the trend per quarter with whole quarters only (`whole_quarters`); the tooltip has them all."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.text = whole_quarters(option.text, option.fontMetrics, option.rect.width() - CELL_PADDING)


class WrappedNames(QStyledItemDelegate):
    """A skill's name on as many lines as its column's width needs; Qt's own measure, with the
    style sheet's padding, counted one line where two were drawn and elided the second."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        view = self.parent()
        if not isinstance(view, QTableView):
            return hint
        text = str(index.data() or "")
        room = QRect(0, 0, max(view.columnWidth(index.column()) - CELL_PADDING, 1), 10_000)
        high = option.fontMetrics.boundingRect(room, int(Qt.TextFlag.TextWordWrap), text).height()
        return QSize(hint.width(), max(hint.height(), high + hint.height() - option.fontMetrics.height()))


SITE_CHARS = 24  # a site's name the site box has room for before the names arrive ("Ældrecenter Kastaniehaven")


class CompetenceMap(InsightScreen):
    """Skills shown and declared, per skill, site and quarter, with a drill-down and CSV export."""

    NAME = insights.COMPETENCE

    def __init__(self, context: Any, parent: QWidget | None = None, fetcher: Any = None) -> None:
        super().__init__(context, parent, fetcher)
        self.setObjectName("insights-map")
        self.body: dict[str, Any] = {}
        lang = self.language
        self.headline = heading("", self)
        self.candidates = QLabel(self)
        self.candidates.setWordWrap(True)
        # Its line is kept while the numbers are on their way: appearing with them, it moved the
        # tabs down (try-out s36, 16). Hidden when an answer has no candidates.
        self.candidates.setText(" ")
        self.site_filter = QComboBox(self)
        self.site_filter.setAccessibleName(self.say("Site"))
        self.category_filter = QComboBox(self)
        self.category_filter.setAccessibleName(self.say("Skill category"))
        self.category_filter.addItem(self.say("All categories"), None)
        for category in [*skills.CATEGORIES, "tag"]:
            self.category_filter.addItem(self.category_name(category), category)
        self.site_filter.addItem(self.say("All sites"), None)
        self.export_button = QPushButton(self.say("E&xport CSV…"), self)
        self.export_button.clicked.connect(self._export)

        self.skills_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(self.say("Skill"), lambda r: r["label"].get(lang, r["skill"])),
                *(Column(self.count_name(name), _counted(name), numeric=True) for name in insights.MAP_COUNTS),
                Column(self.say("Shown per quarter"), self._trend),
            ],
            key=lambda r: r["skill"],
            parent=self,
        )
        self.skills_table = table_view(
            self, self.skills_model, self.say("Skills"), stretch=(STRETCHED,), wrapped_titles=True
        )
        # The skill's name must be read whole, on two lines where one would scroll the table
        # sideways (in English at 1024 px it did, "Rickshaw pilot (Cycling Without Age)" on one
        # line); the trend per quarter takes what is left, its quarters whole (`WholeQuarters`).
        self.skills_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.skills_table.setWordWrap(True)
        self.skills_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.skills_table.setItemDelegateForColumn(STRETCHED, WholeQuarters(self.skills_table))
        self.skills_table.setItemDelegateForColumn(0, WrappedNames(self.skills_table))
        self.skills_table.viewport().installEventFilter(self)
        self.sites_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(self.say("Site"), lambda r: r["name"] or "—"),
                Column(self.say("Skills shown"), lambda r: count(r["shown"]), numeric=True),
                Column(self.say("Of these hidden"), lambda r: count(r["hidden"]), numeric=True),
            ],
            key=lambda r: str(r["site_id"]),
            parent=self,
        )
        self.sites_table = table_view(self, self.sites_model, self.say("Sites"), stretch=(0,))
        # What the reader came for, the name and the evidence, first and whole; the site
        # and the tasks share what is left and elide, the whole text in each cell's
        # tooltip (a try-out found "Belæg" cut off at 1280 px, after the site).
        self.people_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(self.say("Name"), lambda r: r["name"]),
                Column(self.say("Evidence"), lambda r: self.level(r["level"])),
                # "Before": an endorsement puts the skill on the profile, and a try-out found
                # "no" here beside people whose profile, looked at, named it.
                Column(self.say("On the profile before"), self._declared),
                Column(self.say("Site"), lambda r: r["site"]),
                Column(self.say("Tasks"), self._tasks),
            ],
            key=lambda r: r["person_id"],
            parent=self,
        )
        self.people_table = table_view(
            self, self.people_model, self.say("People behind the skill"), stretch=(3, 4)
        )
        # Two rows of people at the least, the splitter's share or not: at 1024x600, under the
        # tables, its share held 2.9 lines once every table's focus frame took 2 px (polish16).
        keep_rows(self.people_table, 2)
        self.people_title = QLabel(self.say("Choose a skill to see the people and tasks behind it."), self)
        self.people_title.setWordWrap(True)
        self.others = QLabel(self)

        drill = QWidget(self)
        drill_layout = QVBoxLayout(drill)
        drill_layout.setContentsMargins(0, 0, 0, 0)
        drill_layout.addWidget(self.people_title)
        drill_layout.addWidget(self.people_table, 1)
        drill_layout.addWidget(self.others)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.skills_table, self.say("S&kills"))
        self.tabs.addTab(self.sites_table, self.say("Si&tes"))
        self.tabs.setAccessibleName(translate(self.language, "Skills or sites"))
        # The people behind a skill beside the tables where the skills table fits in its
        # share of the width, else under them: its nine columns need about 1,000 px, and
        # beside the people they scrolled sideways at 1280 (try-out 5).
        self.split = split = QSplitter(self)
        split.addWidget(self.tabs)
        split.addWidget(drill)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        # Each box as wide as its longest entry, so a chosen site reads whole (at 1024x600 the site
        # box kept the width of "All sites" and cut "Ældrecenter Kastaniehaven" to "Ældrece"), and
        # the two wrap onto a second line where one does not hold them, rather than being cut.
        for box in (self.site_filter, self.category_filter):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # The sites' names come with the numbers: the box widened then, and the category box
        # beside it moved (try-out s36, 16). Room for a long name is kept from the start.
        self.site_filter.setMinimumContentsLength(SITE_CHARS)
        filters = self.labelled_flow(
            (self.say("&Site:"), self.site_filter), (self.say("&Category:"), self.category_filter)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(self.status_row(self.export_button))
        layout.addLayout(filters)
        layout.addWidget(self.candidates)
        layout.addWidget(split, 1)

        self.skills_table.selectionModel().currentRowChanged.connect(self._skill_chosen)
        self.site_filter.activated.connect(lambda _i: self.refresh())
        self.category_filter.activated.connect(lambda _i: self.refresh())
        self.reload()

    # --- words -----------------------------------------------------------------------

    def level(self, level: str) -> str:
        return evidence_word(level, self.language)

    def _declared(self, row: dict[str, Any]) -> str:
        """Whether the profile listed the skill before the work showed it (the map's rule of hidden).

        Only work that shows a skill makes it hidden: a try-out read "no (hidden
        competence)" beside people who had only offered it in a bid, under a headline
        counting hidden competences those rows were not part of.
        """
        if row["declared"] is None:
            return self.say("private")
        if row["declared"]:
            return self.say("yes")
        return self.say("no (hidden competence)") if insights.hidden_competence(row) else self.say("no")

    def _tasks(self, row: dict[str, Any]) -> str:
        """The tasks behind a person's evidence: their titles, then per other municipality how many it keeps unnamed.

        "Fælles kursus; 2 opgaver i Bøgeby Kommune": another municipality's internal tasks
        are the server's to count, not to name (`unnamed_tasks`); they were blank titles
        and read as "; ;". A server from before sent each with a blank title instead.
        """
        tasks = row.get("tasks") or []
        parts = [str(t["title"]) for t in tasks if t.get("title")]
        for unnamed in row.get("unnamed_tasks") or []:
            parts.append(
                self.say_n(
                    "{n} task in {organisation}", "{n} tasks in {organisation}",
                    int(unnamed["count"]), organisation=unnamed["organisation"],
                )
            )
        blank = sum(1 for t in tasks if not t.get("title"))
        if blank and "unnamed_tasks" not in row:
            parts.append(
                self.say_n("{n} task in another municipality", "{n} tasks in another municipality", blank)
            )
        return "; ".join(parts)

    def _trend(self, row: dict[str, Any]) -> str:
        # Newest first: the cell elides at its end, and the recent quarters matter most.
        quarters = sorted(row.get("quarters", {}).items(), reverse=True)
        return QUARTERS_APART.join(f"{self.say_quarter(q)}: {count(v['shown'])}" for q, v in quarters)

    # --- drawing ------------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        found = {"site_id": self.site_filter.currentData(), "category": self.category_filter.currentData()}
        return {k: v for k, v in found.items() if v}

    def refresh(self) -> None:
        params = self.filters()
        if not params:
            super().refresh()
            return
        self.ask(self.NAME, params, self.show_answer)  # a filtered view is not kept for offline

    def show_answer(self, body: dict[str, Any]) -> None:
        self.body = body
        totals = body.get("totals", {})
        skills_hidden = int(totals.get("skills_with_hidden") or 0)
        self.headline.setText(
            self.say_n(
                # Not "that no profile listed": the table beside says how many profiles did.
                "{n} skill shown by people whose profile did not list it",
                "{n} skills shown by people whose profile did not list them",
                skills_hidden,
            )
        )
        if not self.filters():
            self._fill_sites(body.get("sites", []))
        candidates = body.get("candidates") or []
        self.candidates.setVisible(bool(candidates))
        self.candidates.setText(
            self.say(
                "Free tags many people use, candidates for the catalogue: {tags}",
                tags=", ".join(f"{skills.label(c['skill'], self.language)} ({c['people']})" for c in candidates),
            )
        )
        self.skills_model.set_rows(body.get("skills", []))
        self._size_skill_column()
        self.sites_model.set_rows(body.get("sites", []))
        self._place_people()  # the names just drawn may need more room than the last ones

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_people()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.skills_table.viewport() and event.type() == QEvent.Type.Resize:
            self._size_skill_column()
        return super().eventFilter(watched, event)

    def _size_skill_column(self) -> None:
        """The skill's names on one line where the table has room, else as wide as it has (px).

        Room is what the counts and one whole quarter of the trend leave; never
        narrower than the longest word of a name, which a line cannot break.
        """
        view = self.skills_table
        header = view.horizontalHeader()
        metrics = view.fontMetrics()
        counts = sum(header.sectionSize(c) for c in range(1, STRETCHED))
        quarter, shown = QUARTER_SAMPLE
        trend = metrics.horizontalAdvance(f"{self.say_quarter(quarter)}: {shown}") + CELL_PADDING
        names = [str(self.skills_model.index(r, 0).data() or "") for r in range(self.skills_model.rowCount())]
        words = [word for name in names for word in name.split()]
        least = max((metrics.horizontalAdvance(w) for w in words), default=0) + CELL_PADDING
        whole = max(view.sizeHintForColumn(0), header.sectionSizeFromContents(0).width())
        width = max(least, min(whole, view.viewport().width() - counts - trend))
        if header.sectionSize(0) != width:
            header.resizeSection(0, width)
            view.resizeRowsToContents()  # a name on two lines, or one again: Qt measures rows only on a layout

    def _skills_width(self) -> int:
        """The width (px) the skills table needs to show every column without scrolling sideways."""
        view = self.skills_table
        header = view.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(c), view.sizeHintForColumn(c) if c != STRETCHED else 0)
            for c in range(header.count())
        )
        return columns + view.verticalScrollBar().sizeHint().width() + 2 * view.frameWidth() + 8

    def _place_people(self) -> None:
        """Beside the skills table where it fits in its share (3/5) of the width, else under it."""
        beside = self.split.width() * 3 >= self._skills_width() * 5
        wanted = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
        if self.split.orientation() != wanted:
            self.split.setOrientation(wanted)
            extent = self.split.width() if beside else self.split.height()
            self.split.setSizes([extent * 3 // 5, extent * 2 // 5])

    def _fill_sites(self, sites: list[dict[str, Any]]) -> None:
        chosen = self.site_filter.currentData()
        self.site_filter.clear()
        self.site_filter.addItem(self.say("All sites"), None)
        for site in sites:
            if site.get("site_id"):
                self.site_filter.addItem(site["name"], site["site_id"])
        self.site_filter.setCurrentIndex(max(0, self.site_filter.findData(chosen)))

    def _skill_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        skill = self.skills_model.index(current.row(), 0).data(KEY_ROLE)
        self.people_title.setText(self.say("Looking up the people behind {skill}…", skill=skills.label(skill, self.language)))
        params = {"skill": skill, **({"site_id": self.filters()["site_id"]} if "site_id" in self.filters() else {})}
        self.ask("people", params, lambda body: self._show_people(skill, body))

    def _show_people(self, skill: str, body: dict[str, Any]) -> None:
        # Everyone with evidence of it, as the Evidence column says: an offer and a profile
        # alone show nothing, so "who have shown" was not true of every row (try-out).
        self.people_title.setText(
            self.say("People who offered, showed or declared {skill}", skill=skills.label(skill, self.language))
        )
        self.people_model.set_rows(body.get("people", []))
        self.others.setText(self.not_shown(body.get("others")))
        self.loaded.emit()

    # --- export -----------------------------------------------------------------------------

    def csv_bytes(self) -> bytes:
        """The skills as on screen, in its columns' order (`insights.CSV_COLUMNS`), their category last."""
        headers = [self.say("Skill"), *map(self.count_name, insights.MAP_COUNTS), self.say("Category")]
        return insights.competence_csv(self.body, self.language, headers, self.category_name)

    def count_name(self, name: str) -> str:
        """A count's column title (`insights.MAP_COUNTS`: "hidden" -> "Skjult"), the same on screen and in the CSV."""
        names = {
            "hidden": self.say("Hidden"),
            "shown": self.say("Shown"),
            "declared": self.say("Declared"),
            "endorsed": self.say("Endorsed"),
            "completed": self.say("Completed"),
            "accepted": self.say("Accepted"),
            "offered": self.say("Offered"),
        }
        return names.get(name, name)

    def category_name(self, category: str) -> str:
        """A skill category in the reader's words ("care" -> "Omsorg og sundhed"; "tag": free tags)."""
        if category == "tag":
            return self.say("Free tags")
        names = skills.CATEGORIES.get(category)
        if names is None:
            return category  # one a newer server knows: shown as it is rather than hidden
        return names[0] if self.language == "da" else names[1]

    def export_csv(self, path: Path) -> None:
        path.write_bytes(self.csv_bytes())

    def _export(self) -> None:
        save_export(
            self,
            self.say("Export the competence map"),
            self.say("competence-map") + ".csv",
            "CSV (*.csv)",
            self.export_csv,
            self.when.setText,
        )
