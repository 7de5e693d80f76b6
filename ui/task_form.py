"""Posting a task, or editing one: a form that says what is wrong next to the field.

Fields are judged as the person types by the very schema `task.create` uses
(`desktop.task_editing.field_problems`), so the form and the server never
disagree about what a valid title or date is. When the rules refuse the whole
operation, the refusal's `facts["field"]` puts its sentence next to the field
it concerns. "Save as draft" keeps the form on this machine (the drafts
table) and brings it back when the form opens again; "Publish" sends the task.
An edit sends only the fields the person changed, each with the value they saw
(`base`), so that someone else's edit to another field merges.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.entities import Audience, GuidelineAudience, Task, TaskRequirements, TaskStatus
from desktop.core.ids import uuid7
from desktop.people import HeldSkill
from desktop.store import Store
from desktop.core.rejection import Rejection
from desktop.core.text import local_clock
from ui.collation import by_name
from ui.task_times import TaskTimes
from desktop.task_editing import (
    FORM_FIELDS,
    FormStart,
    TaskDraft,
    create_payload,
    discard_draft,
    draft_key,
    edit_payload,
    field_problems,
    fields_of,
    form_start,
    save_draft,
    task_values,
)
from ui import wording
from ui.background import Changes
from ui.date_field import DateField
from ui.form_draft import PAUSE_MS, put_text
from ui.page_view import kept_by_draft
from ui.guidelines import GuidelinesWatch
from ui.long_text import heading
from ui.reach import RequirementsBox
from ui.screen import ProblemLabel, Screen, send_shortcut, task_row_changed
from ui.skill_picker import SKILL_ROLE, SkillListModel, SkillPicker
from ui.context import AppContext
from ui.words import tr
from ui.window_focus import mark_destructive

class TaskForm(Screen):
    """The form for a new task (`task_id=None`) or for editing one the person manages."""

    WATCHES = frozenset({"tasks"})

    finished = Signal(str)  # task id, once published or saved
    draft_saved = Signal()

    def __init__(
        self, context: AppContext, task_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.task_id = task_id
        self.task: Task | None = None
        self.base: dict[str, Any] = {}
        self.sites: list[Any] = []
        self._started = False
        self._touched: set[str] = set()
        self._submitting = False
        # Typed since the last draft was written: kept a moment after the person
        # stops typing, and when the page is left, so nothing typed is lost.
        self._unsaved = False
        self._keep_timer = QTimer(self)
        self._keep_timer.setSingleShot(True)
        self._keep_timer.setInterval(PAUSE_MS)
        self._keep_timer.timeout.connect(self.keep_drafts)
        self.setObjectName("task-form")
        kept_by_draft(self)  # its draft brings back what was typed, not the page's view (ui.page_view)
        self._build()
        self.reload()

    # --- layout --------------------------------------------------------------

    def _build(self) -> None:
        self.heading = heading(tr("New task") if self.task_id is None else "", self)
        self.draft_note = QLabel(self)
        self.draft_note.setWordWrap(True)
        self.discard_button = QPushButton(tr("Discard d&raft"), self)
        mark_destructive(self.discard_button)  # never where the focus is put for the person
        self.discard_button.clicked.connect(self.discard_draft)
        note_row = QHBoxLayout()
        note_row.addWidget(self.draft_note, 1)
        note_row.addWidget(self.discard_button)
        self.draft_note.hide()
        self.discard_button.hide()
        self.problem = ProblemLabel(self)

        lang = self.language
        self.site = QComboBox(self)
        self.site.setAccessibleName(tr("Site"))
        self.title = QLineEdit(self)
        self.title.setMaxLength(20_000)  # the rule says 200; longer text gets a message, not a cut
        self.title.setPlaceholderText(tr("What needs doing, in a few words"))
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(
            tr("What the task is, who it is for, and what a helper should bring")
        )
        self.description.setMinimumHeight(5 * self.fontMetrics().height())
        self.picker = SkillPicker(lang, self)
        self.chosen = SkillListModel(lang, self)
        self.chosen_list = QListView(self)
        self.chosen_list.setModel(self.chosen)
        self.chosen_list.setModelColumn(0)
        self.chosen_list.setAccessibleName(tr("Skills wanted"))
        self.chosen_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.chosen_list.setMinimumHeight(4 * self.fontMetrics().height())
        self.remove_skill_button = QPushButton(tr("Re&move skill"), self)
        self.audience = QComboBox(self)
        for value in Audience:
            self.audience.addItem(wording.audience(value), value.value)
        # The popup as wide as its longest choice: the side column is narrow at 1024x600.
        widest = max(
            self.audience.fontMetrics().horizontalAdvance(self.audience.itemText(i))
            for i in range(self.audience.count())
        )
        self.audience.view().setMinimumWidth(widest + 4 * self.fontMetrics().averageCharWidth())
        self.seats = QSpinBox(self)
        self.seats.setRange(1, 100)
        self.effort = wording.HoursField(self.context.language, 2, self)
        self.effort.setRange(0.25, 2000)
        self.effort.setSingleStep(0.5)
        self.effort.setValue(1)
        self.effort.setSuffix(tr(" h"))
        for number in (self.seats, self.effort):
            number.setMinimumWidth(12 * self.fontMetrics().averageCharWidth())
            wording.numbers_in(number, self.context.language)
        self.starts_on = DateField(tr("No start date"), self)
        self.ends_on = DateField(tr("No end date"), self)
        self.bid_deadline = DateField(tr("No deadline"), self)
        dates = (self.starts_on, self.ends_on, self.bid_deadline)
        widest = max(field.edit.minimumWidth() for field in dates)
        for field in dates:
            field.edit.setFixedWidth(widest)  # one column of dates, not three ragged ends
        self.place = QLineEdit(self)
        self.place.setMaxLength(20_000)
        self.place.setPlaceholderText(tr("E.g. the school kitchen, Skolevej 12"))

        self.problems: dict[str, ProblemLabel] = {}
        main, side = self._form(), self._form()
        self._row(main, tr("&Title:"), "title", self.title)
        self._row(main, tr("&Description:"), "description", self.description)
        skills_box = QWidget(self)
        skills_layout = QHBoxLayout(skills_box)
        skills_layout.setContentsMargins(0, 0, 0, 0)
        chosen_column = QVBoxLayout()
        chosen_column.addWidget(QLabel(tr("Chosen:"), self))
        chosen_column.addWidget(self.chosen_list, 1)
        chosen_column.addWidget(self.remove_skill_button)
        # The chosen list asks for no height of its own (its 192 px hint made this column the
        # taller one): the catalogue's column sets the row's height, and "Remove skill" sits
        # level with "Add skill" instead of lower, half hidden at 1024x768 (try-out).
        self.chosen_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        skills_layout.addWidget(self.picker, 3)
        skills_layout.addLayout(chosen_column, 2)
        skills_box.setFocusProxy(self.picker.search)
        self._row(main, tr("S&kills wanted:"), "skills", skills_box)
        # Issue 14: credentials bidders must (or should) hold, and which outsiders it is for.
        self.requirements = RequirementsBox(lang, self)
        self._row(main, tr("Re&quirements:"), "requirements", self.requirements)
        self.audience.currentIndexChanged.connect(
            lambda *_: self.requirements.allow_outsiders(self.audience.currentData() == Audience.EXTERNAL)
        )
        self._follow_ups: list[tuple[str, dict[str, Any]]] = []
        self.site_label = self._row(side, tr("S&ite:"), "site_id", self.site)
        self._row(side, tr("A&udience:"), "audience", self.audience)
        self._row(side, tr("&Seats:"), "seats", self._compact(self.seats))
        self._row(side, tr("&Effort:"), "effort_hours", self._compact(self.effort))
        self._row(
            side,
            tr("St&art date:"),
            "starts_on",
            self._compact(self.starts_on),
        )
        self._row(
            side,
            tr("E&nd date:"),
            "ends_on",
            self._compact(self.ends_on),
        )
        self._row(
            side,
            tr("&Bid deadline:"),
            "bid_deadline",
            self._compact(self.bid_deadline),
        )
        # Clock times and a weekly repeat: a block of their own (ui/task_times.py).
        self.times = TaskTimes(self, self._typed)
        self._row(side, tr("Fr&om (time):"), "start_time", self._compact(self.times.start))
        self._row(side, tr("To (ti&me):"), "end_time", self._compact(self.times.end))
        self._row(side, tr("Repeats:"), "repeats", self.times.weekly)
        self._row(side, tr("&Place:"), "place", self.place)
        self.seats.setAccessibleName(tr("Seats"))
        self.effort.setAccessibleName(tr("Effort in hours"))
        self.starts_on.setAccessibleName(tr("Start date"))
        self.ends_on.setAccessibleName(tr("End date"))
        self.bid_deadline.setAccessibleName(tr("Bid deadline"))
        self.title.setAccessibleName(tr("Title"))
        self.description.setAccessibleName(tr("Description"))
        self.place.setAccessibleName(tr("Place"))

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.addLayout(main, 3)
        columns.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        columns.addLayout(side, 2)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setAccessibleName(tr("The task's fields"))
        # The fields inside take the focus and scroll into view; the area itself
        # in the Tab chain was a stop that did nothing, after Publish.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fields_area = scroll

        self.draft_button = QPushButton(tr("Sa&ve as draft"), self)
        self.draft_button.setToolTip(tr("Keep the form on this computer (Ctrl+S)"))
        self.publish_button = QPushButton(tr("Publis&h"), self)
        self.publish_button.setDefault(True)
        self.publish_button.setObjectName("primary")
        self.publish_button.setToolTip(tr("Publish (Ctrl+Return)"))
        self.saved_note = QLabel(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_note, 1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.publish_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(note_row)
        layout.addWidget(self.problem)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        self.picker.picked.connect(self.add_skill)
        self.remove_skill_button.clicked.connect(self.remove_current_skill)
        self.chosen_list.selectionModel().currentChanged.connect(
            lambda *_: self.remove_skill_button.setEnabled(
                self.chosen_list.currentIndex().isValid()
            )
        )
        self.remove_skill_button.setEnabled(False)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.chosen_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_current_skill)
        self.draft_button.clicked.connect(self.save_as_draft)
        self.publish_button.clicked.connect(self.publish)
        # Whoever posts to outsiders reads what outsiders are promised (desktop.core.guidelines).
        self.outsiders_guidelines = GuidelinesWatch(self.context, self, follow_changes=False)
        self.audience.currentIndexChanged.connect(self._show_outsiders_guidelines)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_as_draft)
        send_shortcut(self, self.publish)

        changes = {
            "title": self.title.textChanged,
            "description": self.description.textChanged,
            "audience": self.audience.currentIndexChanged,
            "seats": self.seats.valueChanged,
            "effort_hours": self.effort.valueChanged,
            "starts_on": self.starts_on.changed,
            "ends_on": self.ends_on.changed,
            "bid_deadline": self.bid_deadline.changed,
            "place": self.place.textChanged,
        }
        for name, signal in changes.items():
            signal.connect(lambda *_, name=name: self._typed(name))

        order = [
            self.site,
            self.title,
            self.description,
            self.picker.search,
            self.picker.list,
            self.picker.add_button,
            self.picker.tag_button,
            self.chosen_list,
            self.remove_skill_button,
            self.audience,
            self.seats,
            self.effort,
            self.starts_on,
            self.ends_on,
            self.bid_deadline,
            *self.times.widgets().values(),
            self.place,
            self.draft_button,
            self.publish_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.setEnabled(False)  # until the task and any draft have loaded

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return form

    def _compact(self, field: QWidget) -> QWidget:
        """A number field at its natural width: a full-width spin box reads as a text field."""
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field)
        row.addStretch(1)
        holder.setFocusProxy(field)  # so the row's label mnemonic lands in the field
        return holder

    def _row(self, form: QFormLayout, label_text: str, name: str, field: QWidget) -> QLabel:
        """A field with its problem label right under it, so messages sit by their field."""
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        problem = ProblemLabel(holder)
        column.addWidget(problem)
        self.problems[name] = problem
        label = QLabel(label_text, self)
        # A label's Alt+letter focuses its buddy only if the buddy itself takes focus; it does
        # not follow focus proxies (a compact row's holder, a date field), so name the field inside.
        target, proxy = field, field.focusProxy()
        while proxy is not None:
            target, proxy = proxy, proxy.focusProxy()
        label.setBuddy(target)
        form.addRow(label, holder)
        return label

    # --- loading -------------------------------------------------------------

    def concerns(self, changes: Changes) -> bool:
        return self.task_id is not None and task_row_changed(changes, self.task_id)

    def question(self) -> Callable[[Store], FormStart]:
        person, task_id = self.context.person, self.task_id
        return lambda store: form_start(store, person, task_id)

    def draw(self, start: FormStart) -> None:
        if self._started:
            # Someone changed the task meanwhile; what the person typed stays, and
            # the base stays what they saw, so the edit merges or conflicts honestly.
            if start.task is not None:
                self.task = start.task
                self._lock_audience()
            return
        self._started = True
        self.task = start.task
        self.sites = start.sites
        self.site.clear()
        for site in by_name(start.sites, lambda s: s.name):  # Danish order: Æ, Ø, Å last
            self.site.addItem(site.name, site.id)
        site_id = start.task.site_id if start.task else start.default_site_id
        self.site.setCurrentIndex(max(self.site.findData(site_id), 0))
        self.site.setEnabled(start.task is None and len(start.sites) > 1)
        if start.task is not None:
            self.heading.setText(tr("Edit: {title}", title=start.task.title))
            self.base = task_values(start.task)
            values: dict[str, Any] = dict(self.base)
        elif self.task_id is not None:
            self.heading.setText(tr("This task cannot be edited"))
            self.problem.show_text(
                tr("The task is gone, or you are not one of the people who manage it.")
            )
            return
        else:
            values = {}
        if start.draft is not None:
            values.update(start.draft.values)
            if start.draft.base:
                self.base = dict(start.draft.base)
            self._show_draft_note(start.draft)
        self.fill(values)
        self._lock_audience()
        self.requirements.allow_outsiders(self.audience.currentData() == Audience.EXTERNAL)
        if start.task is not None:
            task_id, outsiders = start.task.id, start.task.outsiders
            self.context.query(lambda store: store.get(TaskRequirements, task_id), parent=self).success(
                lambda held: self.requirements.fill(held, outsiders)
            ).run_in_background()
        if start.task is not None and start.task.status != TaskStatus.DRAFT:
            self.publish_button.setText(tr("Save c&hanges"))
            self.publish_button.setToolTip(tr("Save changes (Ctrl+Return)"))
            # A published task cannot go back to being a draft; what is typed is
            # still kept on this computer as it is typed (keep_drafts).
            self.draft_button.hide()
        self.setEnabled(True)
        self.title.setFocus()

    def _show_outsiders_guidelines(self) -> None:
        if self.audience.currentData() == Audience.EXTERNAL.value:
            self.outsiders_guidelines.ask([GuidelineAudience.OUTSIDERS], again=True)

    def _lock_audience(self) -> None:
        """A draft's audience changes freely; a published task's may only widen (task.widen_audience)."""
        draft = self.task is None or self.task.status == TaskStatus.DRAFT
        current = list(Audience).index(Audience(self.task.audience)) if self.task else 0
        model = self.audience.model()
        for row in range(len(Audience)):
            item = model.item(row) if isinstance(model, QStandardItemModel) else None
            if item is not None:
                item.setEnabled(draft or row >= current)
        self.audience.setToolTip(
            "" if draft else tr("A published task's audience can only be widened.")
        )

    def _show_draft_note(self, draft: TaskDraft) -> None:
        self.draft_note.setText(
            tr(
                "Your draft from {when} is restored.",
                when=wording.moment(draft.updated_at, self.language),
            )
        )
        self.draft_note.show()
        self.discard_button.show()

    # --- values --------------------------------------------------------------

    def fill(self, values: dict[str, Any]) -> None:
        if "site_id" in values and self.site.findData(values["site_id"]) >= 0:
            self.site.setCurrentIndex(self.site.findData(values["site_id"]))
        self.title.setText(str(values.get("title") or ""))
        put_text(self.description, str(values.get("description") or ""))
        self.chosen.set_rows(
            [
                HeldSkill(skill=s, evidence="")
                for s in values.get("skills") or []
                if isinstance(s, str)
            ]
        )
        self.picker.set_taken(self.chosen.skills())
        index = self.audience.findData(values.get("audience") or Audience.SITE.value)
        self.audience.setCurrentIndex(max(index, 0))
        self.seats.setValue(int(values.get("seats") or 1))
        self.effort.setValue(float(values.get("effort_hours") or 1))
        self.starts_on.set_iso(values.get("starts_on"))
        self.ends_on.set_iso(values.get("ends_on"))
        self.bid_deadline.set_iso(values.get("bid_deadline"))
        self.place.setText(str(values.get("place") or ""))
        self.times.fill(values)
        self._touched.clear()
        self._unsaved = False  # filled from the task or its draft: nothing new to keep
        self._keep_timer.stop()
        for label in self.problems.values():
            label.clear_text()

    def values(self) -> dict[str, Any]:
        """The form as the operation rules read it."""
        return {
            "title": self.title.text().strip(),
            "description": self.description.toPlainText().strip(),
            "skills": self.chosen.skills(),
            "effort_hours": round(self.effort.value(), 2),
            "starts_on": self.starts_on.iso(),
            "ends_on": self.ends_on.iso(),
            "bid_deadline": self.bid_deadline.iso(),
            "place": self.place.text().strip(),
            "seats": self.seats.value(),
            "audience": self.audience.currentData(),
            **self.times.values(),
        }

    def site_id(self) -> str | None:
        return self.site.currentData()

    # --- checking ------------------------------------------------------------

    def _typed(self, name: str) -> None:
        self._unsaved = True
        self._keep_timer.start()
        self._touched.add(name)
        if name in ("starts_on", "ends_on"):
            self._touched.update(("starts_on", "ends_on"))
        self.saved_note.clear()
        self._show_problems(field_problems(self.values()), only=self._touched)

    def _show_problems(self, problems: dict[str, Rejection], only: set[str] | None = None) -> None:
        for name, label in self.problems.items():
            if only is not None and name not in only:
                continue
            found = problems.get(name)
            label.show_text(found.message(self.language) if found else "")

    def check(self) -> bool:
        """Show every problem; True when there is none. Focuses the first troubled field."""
        problems = field_problems(self.values())
        self._show_problems(problems)
        for name in FORM_FIELDS:
            if name in problems:
                self._focus(name)
                return False
        return not problems

    def _focus(self, name: str) -> None:
        widgets: dict[str, QWidget] = {
            "title": self.title,
            "description": self.description,
            "skills": self.picker.search,
            "audience": self.audience,
            "seats": self.seats,
            "effort_hours": self.effort,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "bid_deadline": self.bid_deadline,
            "place": self.place,
            "site_id": self.site,
            **self.times.widgets(),
        }
        if name in widgets:
            widgets[name].setFocus()

    def _follow_up_refused(self, rejection: Rejection) -> None:
        self._follow_ups.clear()
        self.show_rejection(rejection)

    def show_rejection(self, rejection: Rejection) -> None:
        """Put a refusal's sentence next to the fields it names, or above the form."""
        self._submitting = False
        self.publish_button.setEnabled(True)
        message = rejection.message(self.language)
        named = [f for f in fields_of(rejection) if f in self.problems]
        for name in named:
            self.problems[name].show_text(message)
        if named:
            self._focus(named[0])
        else:
            self.problem.show_text(message)

    # --- skills ----------------------------------------------------------------

    def add_skill(self, skill_id: str) -> None:
        self.chosen.append(HeldSkill(skill=skill_id, evidence=""))
        self.picker.set_taken(self.chosen.skills())
        self._typed("skills")

    def remove_current_skill(self) -> None:
        index = self.chosen_list.currentIndex()
        if not index.isValid():
            return
        self.chosen.remove(index.data(SKILL_ROLE))
        self.picker.set_taken(self.chosen.skills())
        self._typed("skills")
        if self.chosen.rowCount():
            self.chosen_list.setCurrentIndex(
                self.chosen.index(min(index.row(), self.chosen.rowCount() - 1), 0, QModelIndex())
            )

    # --- drafts ----------------------------------------------------------------

    def _draft_key(self) -> str:
        return draft_key(self.context.person.id, self.task_id)

    def keep_drafts(self) -> None:
        """Keep what was typed as this form's draft, if anything was typed since the last one."""
        self._keep_timer.stop()
        if self._unsaved and not self._submitting and not self.context.closed:
            self.save_as_draft()

    def save_as_draft(self) -> None:
        if not self._started:
            return
        self._keep_timer.stop()
        self._unsaved = False
        key, values, base = (
            self._draft_key(),
            {**self.values(), "site_id": self.site_id()},
            self.base,
        )
        self.context.query(lambda store: save_draft(store, key, values, base), parent=self).success(
            self._draft_done
        ).run_in_background()

    def _draft_done(self, draft: TaskDraft) -> None:
        self.saved_note.setText(
            tr("Draft saved on this computer at {at}.", at=local_clock(draft.updated_at))
        )
        self.draft_saved.emit()

    def discard_draft(self) -> None:
        key = self._draft_key()
        self.context.query(lambda store: discard_draft(store, key), parent=self).success(
            lambda _none: self._draft_discarded()
        ).run_in_background()

    def _draft_discarded(self) -> None:
        self.draft_note.hide()
        self.discard_button.hide()
        self.fill(dict(self.base))

    # --- publishing ------------------------------------------------------------

    def publish(self) -> None:
        if not self._started or self._submitting:
            return
        self._keep_timer.stop()  # a draft written after the task is sent would come back
        self.problem.clear_text()
        if not self.check():
            return
        self._follow_ups = []
        values = self.values()
        if self.task is None:
            task_id = uuid7()
            site_id = self.site_id()
            if site_id is None:
                self.problems["site_id"].show_text(
                    Rejection("field.required", field="site_id").message(self.language)
                )
                return
            self._queue_requirements(task_id)
            self._submit(
                "task.create", create_payload(task_id, site_id, values, publish=True), task_id
            )
            return
        task_id = self.task.id
        # The outsiders first: a published task's kinds may only widen once it is open outside.
        self._queue_requirements(task_id)
        if self.task.status != TaskStatus.DRAFT and values.get("audience") != self.base.get("audience"):
            # Widening is its own operation: the server re-sends comments and bids to the newly entitled.
            self._follow_ups.append(("task.widen_audience", {"task_id": task_id, "audience": values["audience"]}))
            values["audience"] = self.base.get("audience")
        edit = edit_payload(task_id, values, self.base)
        if self.task.status == TaskStatus.DRAFT:
            if edit is None:
                self._submit("task.publish", {"task_id": task_id}, task_id)
            else:
                self._submit("task.edit", edit, task_id, then_publish=True)
        elif edit is None:
            self._done(task_id)
        else:
            self._submit("task.edit", edit, task_id)

    def _submit(
        self, kind: str, payload: dict[str, Any], task_id: str, then_publish: bool = False
    ) -> None:
        self._submitting = True
        self.publish_button.setEnabled(False)

        def applied(_outcome: Any) -> None:
            if then_publish:
                self._submit("task.publish", {"task_id": task_id}, task_id)
            else:
                self._done(task_id)

        self.act(kind, payload, self.show_rejection, then=applied)

    def _queue_requirements(self, task_id: str) -> None:
        self._follow_ups = [op for op in self._follow_ups if op[0] != "task.set_requirements"]
        wanted = self.requirements.payload(task_id)
        if wanted is not None:
            self._follow_ups.append(("task.set_requirements", wanted))

    def _done(self, task_id: str) -> None:
        if self._follow_ups:
            kind, payload = self._follow_ups.pop(0)
            self.act(kind, payload, self._follow_up_refused, then=lambda _o: self._done(task_id))
            return
        key = self._draft_key()
        self.context.query(lambda store: discard_draft(store, key), parent=self).success(
            lambda _none: self._finished(task_id)
        ).run_in_background()

    def _finished(self, task_id: str) -> None:
        self._unsaved = False  # sent: no draft of it is kept
        self._submitting = False
        self.publish_button.setEnabled(True)
        self.draft_note.hide()
        self.discard_button.hide()
        self.finished.emit(task_id)
