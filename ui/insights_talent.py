"""Talent search: find people by skill, ranked by evidence, and invite one to bid.

Evidence ranks endorsed > completed > accepted > offered in a bid > declared.
The server lists only people the reader may see by name (their own site's
people and anyone who bid on their site's tasks, for a site manager). The
invitation is the operation `task.invite`, on one of the reader's own open
tasks; the invitee sees it on the task and on My page. The last search is
kept for reading offline.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import insights
from desktop.core import skills
from desktop.core.entities import PersonKind
from ui.insights_map import evidence_word
from ui.insights_screen import InsightScreen
from ui.long_text import heading
from ui.screen import ProblemLabel
from ui.skill_picker import SkillPicker
from ui.table_model import KEY_ROLE, Column, RowsModel, table_view

TALENT = "talent"


class TalentSearch(InsightScreen):
    """Search by skill, filter by site, kind and availability; invite to bid."""

    NAME = TALENT

    def __init__(self, context: Any, parent: QWidget | None = None, fetcher: Any = None) -> None:
        super().__init__(context, parent, fetcher)
        # Named at the top, as every other screen is (a try-out found it had no heading).
        self.heading = heading(self.say("Talent search"), self)
        self.setObjectName("insights-talent")
        self.skill: str | None = None
        self.picker = SkillPicker(self.language, self)
        self.picker.add_button.setText(self.say("&Search for this skill"))
        self.picker.tag_button.setText(self.say("Search for this &free tag"))
        self.picker.picked.connect(self.search)
        self.site_filter = QComboBox(self)
        self.site_filter.setAccessibleName(self.say("Site"))
        self.site_filter.addItem(self.say("All sites"), None)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setAccessibleName(self.say("Kind"))
        self.kind_filter.addItem(self.say("Everyone"), None)
        for kind, text in (
            (PersonKind.EMPLOYEE, self.say("Employees")),
            (PersonKind.VOLUNTEER, self.say("Volunteers")),
            (PersonKind.CITIZEN, self.say("Citizens")),
            (PersonKind.COMPANY, self.say("Companies")),
        ):
            self.kind_filter.addItem(text, kind.value)
        self.available = QCheckBox(self.say("Only people who say when they are &available"), self)
        for box in (self.site_filter, self.kind_filter):
            box.activated.connect(lambda _i: self.search(self.skill) if self.skill else None)
        self.available.toggled.connect(lambda _on: self.search(self.skill) if self.skill else None)
        self.title = QLabel(self.say("Choose a skill to find the people who have shown it."), self)
        self.title.setWordWrap(True)
        self.people_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(self.say("Name"), lambda r: r["name"]),
                Column(self.say("Site"), lambda r: r["site"]),
                Column(self.say("Evidence"), lambda r: self._level(r["level"])),
                Column(self.say("Tasks"), lambda r: str(r["evidence_count"]), numeric=True),
                Column(self.say("Available"), lambda r: r["availability"]),
            ],
            key=lambda r: r["person_id"],
            parent=self,
        )
        # Names fit their contents; Site and Available share the room left (a long site's name
        # elides). With Name sharing it, Site and Evidence took the width at 1024 px and the
        # names showed as "An…" (try-out).
        self.people_table = table_view(self, self.people_model, self.say("People found"), stretch=(1, 4))
        self.others = QLabel(self)
        self.task_choice = QComboBox(self)
        self.task_choice.setAccessibleName(self.say("My open task"))
        self.message = QLineEdit(self)
        self.message.setPlaceholderText(self.say("A few words (optional)"))
        self.message.setAccessibleName(self.say("Message"))
        self.invite_button = QPushButton(self.say("&Invite to bid"), self)
        self.invite_button.setEnabled(False)
        self.invite_button.clicked.connect(self.invite_current)
        self.problem = ProblemLabel(self)
        self.done = QLabel(self)

        # Wraps on a 1024 px screen, where the three side by side would be cut.
        filters = self.labelled_flow((self.say("S&ite:"), self.site_filter), (self.say("&Kind:"), self.kind_filter))
        filters.addWidget(self.available)
        # The task, then the message and the button on a line of their own: all three on one
        # line squeezed the task's name to a few letters and cut the message's hint (try-out, 1024 px).
        invite = self.labelled_row((self.say("On my &task:"), self.task_choice), packed=False)
        invite.setStretchFactor(self.task_choice, 1)
        sending = QHBoxLayout()
        sending.addWidget(self.message, 1)
        sending.addWidget(self.invite_button)
        left = QVBoxLayout()
        left.addWidget(self.picker)
        right = QVBoxLayout()
        right.addLayout(filters)
        right.addWidget(self.title)
        right.addWidget(self.people_table, 1)
        right.addWidget(self.others)
        right.addLayout(invite)
        right.addLayout(sending)
        right.addWidget(self.problem)
        right.addWidget(self.done)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 5)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.status_row())
        layout.addLayout(columns, 1)
        self.people_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable_invite())
        self._load_my_tasks()
        self.reload()

    def _level(self, level: str) -> str:
        return evidence_word(level, self.language)

    # --- searching -----------------------------------------------------------------------

    def refresh(self) -> None:
        if self.skill:
            self.search(self.skill)

    def draw(self, data: Any) -> None:
        # The last search, kept for offline reading; a search is only made when asked.
        # Said for a kept search too: a language switch opens the screen anew on it (try-out).
        if data is not None:
            self.current = data
            self.skill = data.body.get("skill")
            self.say_computed(data.computed_at)
            self.show_answer(data.body)
        else:
            self.when.setText("")

    def params(self, skill: str) -> dict[str, Any]:
        found = {
            "skill": skill,
            "site_id": self.site_filter.currentData(),
            "kind": self.kind_filter.currentData(),
            "available": "true" if self.available.isChecked() else None,
        }
        return {k: v for k, v in found.items() if v}

    def search(self, skill: str | None) -> None:
        if not skill:
            return
        self.skill = skill
        self.title.setText(self.say("Searching for {skill}…", skill=skills.label(skill, self.language)))
        self.ask("people", self.params(skill), self._keep)

    def show_answer(self, body: dict[str, Any]) -> None:
        skill = body.get("skill") or ""
        people = body.get("people", [])
        for row in people:
            if row.get("site_id") and self.site_filter.findData(row["site_id"]) < 0:
                self.site_filter.addItem(row["site"], row["site_id"])
        self.title.setText(
            self.say_n(
                "{n} person has shown {skill}",
                "{n} people have shown {skill}",
                len(people),
                skill=skills.label(skill, self.language) if skill else "",
            )
        )
        self.people_model.set_rows(people)
        self.others.setText(self.not_shown(body.get("others")))
        self._enable_invite()

    # --- inviting ----------------------------------------------------------------------------

    def _load_my_tasks(self) -> None:
        me = self.context.person
        self.context.query(lambda store: insights.open_tasks_i_manage(store, me), parent=self).success(
            self._show_my_tasks
        ).run_in_background()

    def _show_my_tasks(self, tasks: list[Any]) -> None:
        self.task_choice.clear()
        for task in tasks:
            self.task_choice.addItem(task.title, task.id)
        self._enable_invite()

    def _enable_invite(self) -> None:
        index = self.people_table.currentIndex()
        chosen = index.isValid()
        inviting = chosen and self.busy(self._invitation(index.row()))
        self.invite_button.setEnabled(chosen and self.task_choice.count() > 0 and not inviting)
        self.invite_button.setToolTip(
            "" if self.task_choice.count() else self.say("You have no open task to invite people to.")
        )

    def action_settled(self, action: str) -> None:
        # The talent answer is not redrawn for an invitation; only the button is set again.
        self._enable_invite()

    def _invitation(self, row: int) -> str:
        """The action name of inviting the person on `row` to the chosen task (see `Screen.act`)."""
        person_id = self.people_model.index(row, 0).data(KEY_ROLE)
        return f"invite:{self.task_choice.currentData()}:{person_id}"

    def invite_current(self) -> None:
        index = self.people_table.currentIndex()
        task_id = self.task_choice.currentData()
        if not index.isValid() or not task_id:
            return
        person_id = self.people_model.index(index.row(), 0).data(KEY_ROLE)
        name = self.people_model.index(index.row(), 0).data(Qt.ItemDataRole.DisplayRole)
        payload = {"task_id": task_id, "person_id": person_id, "message": self.message.text().strip()}
        self.done.clear()
        self.act(
            "task.invite",
            payload,
            self.problem,
            then=lambda _outcome: self.done.setText(self.say("{name} is invited to bid.", name=name)),
            action=self._invitation(index.row()),
            buttons=(self.invite_button,),
        )
