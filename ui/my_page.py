"""My page: my bids and how they stand, the tasks I posted, and my profile and skills.

The skills on a profile are how managers find people, so adding one must be
quick: search the catalogue or write a free tag. Each skill shows its evidence
(self-declared, or confirmed by a manager after a finished task). Skills
change by `profile.skill_add` and `profile.skill_remove`, one at a time, never
by replacing the list, so two machines editing one profile merge.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import permissions
from desktop.core.entities import PersonSkill
from desktop.core.text import translate
from desktop.insights import MyInvitation, invitations_for
from desktop.people import MyBid, MyPageData, MyTask, my_page
from desktop.store import Store
from ui import wording
from ui.long_text import WholeTabBar, breakable, heading
from ui.notifications import DecisionCount
from ui.own_data import OwnDataBox
from ui.reach import CredentialsTab, InvitationsTab, person_kind
from ui.screen import ProblemLabel, Screen
from ui.skill_picker import SKILL_ROLE, SkillListModel, SkillPicker
from ui.table_model import TITLE_SAMPLE, KEY_ROLE, Column, EmptyNote, RowsModel, table_view, title_first
from ui.context import AppContext
from ui.words import ntr, tr


class MyPage(Screen):
    """The logged-in person's own page."""

    WATCHES = frozenset(
        {"people", "person_skills", "bids", "tasks", "sites", "endorsements", "invitations", "companies"}
    )

    open_task_requested = Signal(str)  # task id: the shell opens the task view

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.data: MyPageData | None = None
        self.setObjectName("my-page")
        self._build()
        self.reload()

    # --- layout ------------------------------------------------------------

    def _build(self) -> None:
        lang = self.language
        self.name = heading("", self)
        self.about = QLabel(self)
        self.about.setWordWrap(True)
        self.record = QLabel(self)
        self.record.setWordWrap(True)

        self.skills_model = SkillListModel(lang, self)
        # A chosen skill arms "Make private" and "Remove skill": only the person chooses one.
        self.skills_table = table_view(
            self, self.skills_model, tr("My skills"), stretch=(0, 1), row_on_focus=False
        )
        # A new person's empty list said nothing (try-out s36, 15): what it is for, and where to add.
        self.skills_empty = EmptyNote(
            self.skills_table, tr("Add what you are good at below, so you are found for the tasks that need it.")
        )
        self.remove_button = QPushButton(tr("Re&move skill"), self)
        self.remove_button.setEnabled(False)
        self.picker = SkillPicker(lang, self)
        self.skill_problem = ProblemLabel(self)
        skills_box = QGroupBox(tr("My skills"), self)
        skills_layout = QVBoxLayout(skills_box)
        skills_layout.addWidget(self.skills_table, 2)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self._privacy_button())
        remove_row.addWidget(self.remove_button)
        skills_layout.addLayout(remove_row)
        skills_layout.addWidget(QLabel(tr("Add a skill:"), skills_box))
        skills_layout.addWidget(self.picker, 2)
        skills_layout.addWidget(self.skill_problem)

        profile = QWidget(self)
        profile_layout = QVBoxLayout(profile)
        profile_layout.setContentsMargins(0, 0, 0, 0)
        profile_layout.addWidget(self.name)
        profile_layout.addWidget(self.about)
        profile_layout.addWidget(self.record)
        profile_layout.addWidget(skills_box, 1)
        self.own_data = OwnDataBox(self.context, profile)
        profile_layout.addWidget(self.own_data)

        self.bids_model: RowsModel[MyBid] = RowsModel(
            [
                Column(tr("Task"), lambda mine: mine.task_title),
                Column(tr("Site"), lambda mine: mine.site_name),
                Column(tr("My bid"), lambda mine: wording.bid_state(mine.bid.status, mine.bid.lending, bidder=True)),
                Column(tr("Task status"), lambda mine: wording.task_status(mine.task_status)),
                Column(
                    tr("Placed"), lambda mine: wording.short_date(mine.bid.created_at, lang)
                ),
            ],
            key=lambda mine: mine.bid.id,
            parent=self,
        )
        self.tasks_model: RowsModel[MyTask] = RowsModel(
            [
                Column(tr("Task"), lambda mine: mine.task.title),
                Column(tr("Status"), lambda mine: wording.task_status(mine.status)),
                Column(tr("Bids"), lambda mine: str(mine.task.bid_count), numeric=True),
                Column(
                    tr("Seats filled"),
                    lambda mine: f"{mine.task.accepted_count}/{mine.task.seats}",
                ),
                Column(
                    tr("Posted"), lambda mine: wording.short_date(mine.task.created_at, lang)
                ),
            ],
            key=lambda mine: mine.task.id,
            parent=self,
        )
        self.bids_table = table_view(self, self.bids_model, tr("My bids"))
        # Site names run long; they get a fixed share and elide, the title gets the rest.
        sites = self.bids_table.horizontalHeader()
        sites.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        sites.resizeSection(1, max(14 * self.fontMetrics().averageCharWidth(), sites.sectionSizeFromContents(1).width()))
        self.tasks_table = table_view(self, self.tasks_model, tr("My tasks"))
        # The titles are what people read here: on a narrow screen the dates give way to them,
        # then a bid's site (a task opens with both).
        title_first(self.bids_table, 0, TITLE_SAMPLE, (4, 1))
        title_first(self.tasks_table, 0, TITLE_SAMPLE, (4,))
        self.bids_empty = EmptyNote(self.bids_table, tr("You have not bid on any task yet."))
        self.tasks_empty = EmptyNote(self.tasks_table, tr("You have not posted any task yet."))
        self.tabs = QTabWidget(self)
        self.tabs.setTabBar(WholeTabBar(self.tabs))  # "Tasks …" in a tab wide enough for it
        self.tabs.addTab(self.bids_table, "")
        self.tabs.addTab(self.tasks_table, "")
        self.tabs.setAccessibleName(tr("My bids, tasks and invitations"))
        self._count_tabs(0, 0)
        self._add_invitations_tab()
        # Issue 14: invitations to join Knop, and credentials (verified by managers and HR).
        self.member_invitations = InvitationsTab(self.context, self)
        self.credentials = CredentialsTab(self.context, self)
        # The page is the person's own: "My" before each tab's words only took room ("Mine b…"
        # at 1024 px in Danish), as did "to Knop".
        for tab, text in ((self.member_invitations, tr("People in&vited")), (self.credentials, tr("C&redentials"))):
            self._tab_text(self.tabs.addTab(tab, ""), text)
        # Outsiders invite nobody: the tab showed them an empty list and a greyed button (try-out s36, 15).
        invites = permissions.may_invite(self.context.person)
        self.tabs.setTabVisible(self.tabs.indexOf(self.member_invitations), invites)
        # Every tab in sight: scroll arrows hid the last ones at 1024 px (in Danish). Should the
        # room still be short (a narrower window) the words are shortened with "…", the whole in a tooltip.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
        # Until the person (or a window rebuilt in another language, `ui.page_view`) chooses a
        # tab, the page opens on the first with something in it (`_open_on_something`).
        self._tab_chosen = False
        self._opening = False
        self.tabs.currentChanged.connect(self._tab_changed)

        # On a small screen (1024x600) the profile column scrolls rather than squeezing the
        # skill picker's field and buttons on top of each other.
        self.profile_scroll = QScrollArea(self)
        self.profile_scroll.setWidget(profile)
        self.profile_scroll.setWidgetResizable(True)
        self.profile_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.profile_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.profile_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to its fields, which it scrolls to
        # It scrolls up and down only: never narrower than its fields and buttons need.
        self.profile_scroll.setMinimumWidth(
            profile.minimumSizeHint().width() + self.profile_scroll.verticalScrollBar().sizeHint().width()
        )
        columns = QHBoxLayout()
        columns.addWidget(self.profile_scroll, 2)
        columns.addWidget(self.tabs, 3)
        layout = QVBoxLayout(self)
        self.decisions = DecisionCount(self.context, self)  # bids waiting for this manager
        layout.addWidget(self.decisions)
        layout.addLayout(columns)

        self.picker.picked.connect(self.add_skill)
        self.remove_button.clicked.connect(self.remove_current_skill)
        self.skills_table.selectionModel().currentChanged.connect(
            lambda *_: self.remove_button.setEnabled(self.skills_table.currentIndex().isValid())
        )
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.skills_table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_current_skill)
        for view in (self.bids_table, self.tasks_table):
            view.activated.connect(self._open)

        self.setTabOrder(self.skills_table, self.remove_button)
        self.setTabOrder(self.remove_button, self.picker.search)
        self.setTabOrder(self.picker.search, self.picker.list)
        self.setTabOrder(self.picker.list, self.picker.add_button)
        self.setTabOrder(self.picker.add_button, self.picker.tag_button)
        self.setTabOrder(self.picker.tag_button, self.tabs)

    # --- loading -----------------------------------------------------------

    def question(self) -> Callable[[Store], MyPageData | None]:
        person_id = self.context.person.id
        return lambda store: my_page(store, person_id)

    def draw(self, data: MyPageData | None) -> None:
        old, self.data = self.data, data
        if data is None:
            return
        mine = data.profile
        if (
            old is None
            or old.profile.person != mine.person
            or old.profile.site_name != mine.site_name
            or old.profile.company_name != mine.company_name
        ):
            person = mine.person
            self.name.setText(person.name)
            about = " · ".join(
                p for p in (person.title, mine.site_name, wording.contact_for(mine.company_name)) if p
            )
            if not about and person.is_external:  # an outsider with no title: what they are
                about = person_kind(person.kind)
            if person.availability:
                about += ("\n" if about else "") + tr("Available: {when}", when=person.availability)
            self.about.setText(breakable(about))
            self.about.setVisible(bool(about))  # an empty line under the name otherwise (try-out s36)
        if old is None or old.profile.record != mine.record:
            self.record.setText(
                ntr("{n} finished task", "{n} finished tasks", mine.record.finished_tasks)
                + " · "
                + ntr("{n} endorsement", "{n} endorsements", mine.record.endorsements)
            )
        if old is None or old.profile.skills != mine.skills:
            ordered = sorted(
                mine.skills, key=lambda h: (not h.confirmed, wording.skill(h.skill, self.language))
            )
            self.skills_model.set_rows(ordered)
            self.picker.set_taken(self.skills_model.skills())
            self.remove_button.setEnabled(self.skills_table.currentIndex().isValid())
        if old is None or old.bids != data.bids:
            self.bids_model.set_rows(data.bids)
        if old is None or old.tasks != data.tasks:
            self.tasks_model.set_rows(data.tasks)
        self._count_tabs(len(data.bids), len(data.tasks))
        self._open_on_something()
        self._load_invitations()

    def _tab_text(self, index: int, text: str) -> None:
        """A tab's words, and the same whole in its tooltip (the tab may show them shortened)."""
        self.tabs.setTabText(index, text)
        self.tabs.setTabToolTip(index, text.replace("&", ""))

    def _count_tabs(self, bids: int, tasks: int) -> None:
        self._tab_text(0, ntr("&Bids ({n})", "&Bids ({n})", bids))
        self._tab_text(1, ntr("T&asks ({n})", "T&asks ({n})", tasks))
        # Someone who cannot post (an external) has no tasks of their own: no empty tab for it.
        person = self.context.person
        self.tabs.setTabVisible(1, tasks > 0 or (person.active and not person.is_external))

    def _tab_changed(self, _index: int) -> None:
        if not self._opening:
            self._tab_chosen = True

    def _open_on_something(self) -> None:
        """Bids, tasks or invitations, the first with rows, unless a tab was chosen or this one has rows.

        A try-out: a manager who had posted 44 tasks and bid on none opened My page on an
        empty "Bids (0)".
        """
        if self._tab_chosen:
            return
        lists: tuple[QAbstractItemModel, ...] = (self.bids_model, self.tasks_model, self.invitations_model)
        current = self.tabs.currentIndex()
        if 0 <= current < len(lists) and lists[current].rowCount() > 0:
            return
        for index, rows in enumerate(lists):
            if rows.rowCount() > 0 and self.tabs.isTabVisible(index):
                self._opening = True
                self.tabs.setCurrentIndex(index)
                self._opening = False
                return

    # --- a private skill counts in the organisation's numbers only anonymously --------

    def _privacy_button(self) -> QPushButton:
        self.privacy_button = QPushButton(translate(self.language, "Make &private"), self)
        self.privacy_button.setToolTip(
            translate(
                self.language,
                "A private skill still counts in the organisation's numbers, but nobody else sees it by name.",
            )
        )
        self.privacy_button.setEnabled(False)
        self.privacy_button.clicked.connect(self.toggle_current_privacy)
        self.skills_table.selectionModel().currentChanged.connect(lambda *_: self._look_up_privacy())
        self._current_private: bool | None = None
        return self.privacy_button

    def _current_skill(self) -> str | None:
        index = self.skills_table.currentIndex()
        return self.skills_model.index(index.row(), 0).data(SKILL_ROLE) if index.isValid() else None

    def _look_up_privacy(self) -> None:
        skill, me = self._current_skill(), self.context.person.id
        self.privacy_button.setEnabled(False)
        if skill is None:
            return
        self.context.query(lambda store: store.get(PersonSkill, me, skill), parent=self).success(
            self._show_privacy
        ).run_in_background()

    def _show_privacy(self, held: PersonSkill | None) -> None:
        self._current_private = held.private if held is not None else None
        self.privacy_button.setEnabled(held is not None)
        self.privacy_button.setText(
            translate(self.language, "Make &public")
            if self._current_private
            else translate(self.language, "Make &private")
        )

    def toggle_current_privacy(self) -> None:
        skill = self._current_skill()
        if skill is None or self._current_private is None:
            return
        payload = {"person_id": self.context.person.id, "skill": skill, "private": not self._current_private}
        self.act(
            "profile.skill_privacy", payload, self.skill_problem,
            then=lambda _o: self._look_up_privacy(),
            action=f"skill:{skill}", buttons=(self.privacy_button,),
        )

    # --- invitations to bid (task.invite, from talent search) -------------------

    def _add_invitations_tab(self) -> None:
        lang = self.language
        self.invitations_model: RowsModel[MyInvitation] = RowsModel(
            [
                Column(translate(lang, "Task"), lambda i: i.task_title),
                Column(translate(lang, "Invited by"), lambda i: i.invited_by),
                Column(translate(lang, "Message"), lambda i: i.invitation.message),
                Column(translate(lang, "Task status"), lambda i: wording.task_status(i.task_status)),
            ],
            key=lambda i: i.invitation.task_id,
            parent=self,
        )
        self.invitations_table = table_view(
            self, self.invitations_model, translate(lang, "Invitations to bid"), stretch=(0, 2)
        )
        self.invitations_table.activated.connect(
            lambda index: self.open_task_requested.emit(index.siblingAtColumn(0).data(KEY_ROLE))
        )
        self.invitations_empty = EmptyNote(self.invitations_table, tr("Nobody has invited you to bid yet."))
        self.tabs.addTab(self.invitations_table, "")
        self._show_invitations([])

    def _load_invitations(self) -> None:
        me = self.context.person.id
        self.context.query(lambda store: invitations_for(store, me), parent=self).success(
            self._show_invitations
        ).run_in_background()

    def _show_invitations(self, found: list[MyInvitation]) -> None:
        self.invitations_model.set_rows(found)
        self._tab_text(2, ntr("&Invitations ({n})", "&Invitations ({n})", len(found)))
        if self.data is not None:  # else the bids and tasks, when drawn, may have rows first
            self._open_on_something()

    # --- actions -------------------------------------------------------------

    def add_skill(self, skill: str) -> None:
        payload = {"person_id": self.context.person.id, "skill": skill}
        # One operation per skill at a time: Enter pressed twice while the store is busy adds it once.
        self.act("profile.skill_add", payload, self.skill_problem, action=f"skill:{skill}")

    def remove_current_skill(self) -> None:
        index = self.skills_table.currentIndex()
        if not index.isValid():
            return
        skill = self.skills_model.index(index.row(), 0).data(SKILL_ROLE)
        payload = {"person_id": self.context.person.id, "skill": skill}
        self.act(
            "profile.skill_remove", payload, self.skill_problem,
            action=f"skill:{skill}", buttons=(self.remove_button,),
        )

    def _open(self, index: QModelIndex) -> None:
        model = index.model()
        key = model.index(index.row(), 0).data(KEY_ROLE)
        if model is self.bids_model:
            task_id = next((b.bid.task_id for b in self.bids_model.rows() if b.bid.id == key), None)
        else:
            task_id = key
        if task_id:
            self.open_task_requested.emit(task_id)
