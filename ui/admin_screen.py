"""Administration for admins: people, sites, enrolment codes, devices and the lending policy.

Everything `knop-admin` does for the organisation, as tabs, through the
server's /v1/admin/ API (sync/server/admin_api.py), which runs the same
checks and writes the same audit events as the command line (naming the
admin). Requests run on a network thread (`InsightScreen.ask`); the screen
needs the server and says so when it cannot reach it. The command line stays
the scriptable way.

Three tabs work on this admin's local store instead, through operations
synced like any other (issues 14 and 20): the member invitations this device
holds, to approve or revoke (`ui.reach.InvitationsTab`, added through
`INVITATION_TABS`); erasing a deactivated person (`person.erase`, on the
People tab); and the rules of the road (`ui.rules_of_the_road`). Deactivating
stays on the /v1/admin/ API: it takes effect on the server at once, ends the
person's logins and can be undone, which the `person.deactivate` operation
cannot; the change reaches this device's store at the next sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QFont, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QMessageBox,
    QSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import erasure
from desktop.core.entities import LendingPolicy, Role, SiteKind
from sync import protocol
from sync.failures import SyncFailure
from ui import wire, wording
from ui.form_draft import FormDraft
from ui.insights_screen import Fetcher, InsightScreen
from ui.reach import InvitationsTab
from ui.rules_of_the_road import RulesOfTheRoadTab
from ui.screen import ProblemLabel, ask_first
from ui.table_model import KEY_ROLE, Column, EmptyNote, RowsModel, scrolling, table_view
from ui.file_export import save_export
from ui.words import ntr, tr
from ui.window_focus import mark_destructive

ADMIN = "/v1/admin"
# The draft (`ui.form_draft`) of the role and home site chosen for one person, by username.
PERSON_FORM = "admin_person"



def invitations_tab(screen: AdminScreen) -> tuple[str, QWidget]:
    """The member invitations this admin's device holds (all of them), to approve or revoke."""
    tab = InvitationsTab(screen.context, screen)
    tab.withdraw_button.setText(tr("Re&voke"))
    return tr("&Invitations"), tab


# Tabs other work adds to the administration (issue 14: pending invitations).
# Each is called with the screen and returns (tab title, widget).
INVITATION_TABS: list[Callable[[AdminScreen], tuple[str, QWidget]]] = [invitations_tab]


# How many rows a list (or lines an editor) in a tab keeps when the screen is short:
# below that an empty list's "No people found" and a list's rows are cut (a new-user
# try-out at 1024x600 saw one row of people and a cut note); the tab scrolls instead.
LIST_ROWS = 5


class _Said(QLabel):
    """What was just done ("Device revoked; …"): takes no room while it says nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.setVisible(bool(text))


def _scrolling(tab: QWidget) -> QScrollArea:
    """`tab` scrolled when the room is short, its lists and editors at least `LIST_ROWS` rows."""
    return scrolling(tab, LIST_ROWS)


def _role(value: str) -> str:
    names: dict[str, str] = {
        Role.STAFF: tr("Staff"),
        Role.SITE_MANAGER: tr("Site manager"),
        Role.ADMIN: tr("Administrator"),
        Role.EXTERNAL: tr("External"),
    }
    return names.get(value, value)


def _site_kind(value: str) -> str:
    names: dict[str, str] = {
        SiteKind.SCHOOL: tr("School"),
        SiteKind.CARE_HOME: tr("Care home"),
        SiteKind.DAYCARE: tr("Day care"),
        SiteKind.ADMINISTRATION: tr("Administration"),
    }
    return names.get(value, value)


class AdminScreen(InsightScreen):
    """Tabs: people, sites, enrolment codes, devices, lending policy, invitations, rules of the road."""

    NAME = "admin"
    WATCHES = frozenset()

    def __init__(
        self, context: Any, parent: QWidget | None = None, fetcher: Fetcher | None = None
    ) -> None:
        super().__init__(context, parent, fetcher or wire.admin_fetcher(context))
        self.setObjectName("administration")
        self.sites: list[dict[str, Any]] = []
        self.problem = ProblemLabel(self)
        self.done = _Said(self)
        self.done.setObjectName("adminDone")
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(tr("Administration"))  # a screen reader's name for the tab row
        # Each form scrolls where the screen is short (1024x600) rather than squeezing its fields.
        self.tabs.addTab(_scrolling(self._people_tab()), tr("&People"))
        self.tabs.addTab(_scrolling(self._sites_tab()), tr("&Sites"))
        self.tabs.addTab(_scrolling(self._codes_tab()), tr("&Enrolment codes"))
        self.tabs.addTab(_scrolling(self._devices_tab()), tr("&Devices"))
        self.tabs.addTab(_scrolling(self._lending_tab()), tr("&Lending"))
        for make in INVITATION_TABS:
            title, widget = make(self)
            self.tabs.addTab(_scrolling(widget), title)
        self.rules = RulesOfTheRoadTab(context, self)
        # Called what the dialog and the people who accept them call them (a try-out read
        # "Færdselsregler" here and "Retningslinjer" everywhere else).
        self.tabs.addTab(_scrolling(self.rules), tr("G&uidelines"))
        layout = QVBoxLayout(self)
        # The heading, what is being fetched and Refresh share one row: alone, Refresh took a
        # tall empty row of its own above the tabs (try-out).
        top = self.status_row()
        top.insertWidget(0, QLabel("<h2>" + tr("Administration") + "</h2>", self))
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.done)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    # --- no cache: the administration is read fresh from the server ---------------

    def question(self) -> Callable[[Any], Any]:
        return lambda store: None

    def draw(self, data: Any) -> None:
        return

    def refresh(self) -> None:
        self.when.setText(tr("Fetching from the server…"))
        self.call("GET", "/sites", then=self._got_sites)
        self.call(
            "GET",
            "/people",
            params={"search": self.search.text().strip() or None},
            then=self._got_people,
        )
        self.call("GET", "/devices", then=self._got_devices)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        then: Callable[[dict[str, Any]], None],
    ) -> None:
        """One request on the network thread; `then(answer)` on the UI thread, a refusal shown."""
        self.problem.clear_text()
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        self.ask(f"{method} {ADMIN}{path}", {"params": clean, "body": body}, then)

    def fetch_failed(self, error: BaseException | None) -> None:
        if isinstance(error, SyncFailure):
            # The server's sentence in this language: what the directory refused, from the
            # catalogue (`sync.server.directory.DirectoryError.words`); never the detail's
            # English, which is knop-admin's (a try-out read "username 'lise' is taken" in Danish).
            self.problem.show_text(error.message(self.language))
        else:
            self.problem.show_text(tr("The server could not answer."))
        self.when.setText("")

    def show_tab(self, kind: type[QWidget]) -> QWidget:
        """Make the tab holding a `kind` (e.g. InvitationsTab) current; returns that widget.

        Raises LookupError when no tab holds one. Each tab sits in a scroll area
        (`_scrolling`), so the widget is looked for inside it.
        """
        for index in range(self.tabs.count()):
            area = self.tabs.widget(index)
            inner = area.widget() if isinstance(area, QScrollArea) else area
            if isinstance(inner, kind):
                self.tabs.setCurrentIndex(index)
                return inner
        raise LookupError(kind.__name__)

    # --- people -------------------------------------------------------------------

    def _people_tab(self) -> QWidget:
        tab = QWidget(self)
        self.search = QLineEdit(tab)
        self.search.setMaxLength(protocol.ADMIN_SEARCH_MAX)
        self.search.setPlaceholderText(tr("Name, username or e-mail"))
        self.search.setAccessibleName(self.search.placeholderText())  # no label beside it
        self.search.returnPressed.connect(self.find_people)
        find = QPushButton(tr("&Find"), tab)
        find.clicked.connect(self.find_people)
        self.people_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(tr("Name"), lambda r: str(r["name"])),
                Column(tr("Username"), lambda r: str(r["username"])),
                Column(tr("Role"), lambda r: _role(str(r["role"]))),
                Column(tr("Site"), lambda r: self.site_name(r["home_site_id"])),
                Column(tr("Active"), lambda r: tr("Yes") if r["active"] else tr("No")),
            ],
            key=lambda r: str(r["username"]),
            parent=self,
        )
        self.people_view = table_view(tab, self.people_model, tr("People"), (0,))
        self.people_empty = EmptyNote(self.people_view, tr("No people found."))
        self.role_choice = QComboBox(tab)
        self.role_choice.setAccessibleName(tr("Role"))
        for role in Role:
            self.role_choice.addItem(_role(role), role.value)
        self.role_choice.setAccessibleName(tr("Role"))
        self.site_choice = QComboBox(tab)
        self.site_choice.setAccessibleName(tr("Site"))
        # Role and site follow the chosen person; what is changed and not set is kept per person.
        self.person_draft: FormDraft | None = None
        for box in (self.role_choice, self.site_choice):
            box.currentIndexChanged.connect(self._person_edited)
        self.people_view.selectionModel().selectionChanged.connect(lambda *_: self._follow_person())
        self.role_button = change_role = QPushButton(tr("Set &role"), tab)
        change_role.clicked.connect(self.set_role)
        self.site_button = change_site = QPushButton(tr("Set home &site"), tab)
        change_site.clicked.connect(self.set_site)
        self.active_button = QPushButton(tr("&Deactivate"), tab)
        self.active_button.clicked.connect(self.toggle_active)
        self.erase_button = QPushButton(tr("Erase…"), tab)
        mark_destructive(self.active_button, self.erase_button)  # never where the focus is put for the person
        self.erase_button.setToolTip(tr("Only a deactivated person can be erased."))
        self.erase_button.setEnabled(False)
        self.erase_button.clicked.connect(self.ask_erase)
        self.erase_question: QMessageBox | None = None
        self.people_view.selectionModel().selectionChanged.connect(lambda *_: self._enable_erase())
        self._enable_erase()  # nobody is chosen yet: nothing to change
        self.new_username, self.new_name = QLineEdit(tab), QLineEdit(tab)
        self.new_email = QLineEdit(tab)
        # No more than the server takes (`protocol.ADMIN_*_MAX`): nothing typed is refused for its length.
        self.new_username.setMaxLength(protocol.ADMIN_USERNAME_MAX)
        self.new_name.setMaxLength(protocol.ADMIN_NAME_MAX)
        self.new_email.setMaxLength(protocol.ADMIN_EMAIL_MAX)
        add = QPushButton(tr("&Add person"), tab)
        add.clicked.connect(self.add_person)

        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(find)
        layout.addLayout(row)
        layout.addWidget(self.people_view, 1)
        change = QHBoxLayout()
        change.addWidget(QLabel(tr("Role"), tab))
        change.addWidget(self.role_choice)
        change.addWidget(QLabel(tr("Site"), tab))
        change.addWidget(self.site_choice, 1)
        change.addWidget(change_role)
        change.addWidget(change_site)
        change.addWidget(self.active_button)
        change.addWidget(self.erase_button)
        layout.addLayout(change)
        form = QFormLayout()
        form.addRow(tr("Username"), self.new_username)
        form.addRow(tr("Name"), self.new_name)
        form.addRow(tr("E-mail"), self.new_email)
        layout.addWidget(
            QLabel(tr("Add a person (role and site as chosen above; IT sets the password)"), tab)
        )
        layout.addLayout(form)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignRight)
        return tab

    def find_people(self) -> None:
        self.call(
            "GET",
            "/people",
            params={"search": self.search.text().strip() or None},
            then=self._got_people,
        )

    def _got_people(self, answer: dict[str, Any]) -> None:
        self.people_model.set_rows(answer.get("people") or [])
        self.when.setText("")
        self._follow_person()
        self._refill_person()
        self._enable_erase()
        self.loaded.emit()

    # --- the chosen person's role and site ---------------------------------------

    @staticmethod
    def _fields_of(person: dict[str, Any]) -> dict[str, Any]:
        return {"role": person["role"], "site": person["home_site_id"]}

    def _person_fields(self) -> dict[str, Any]:
        """The role and home site the boxes show (the draft's fields)."""
        return {"role": self.role_choice.currentData(), "site": self.site_choice.currentData()}

    def _put_person_fields(self, fields: dict[str, Any]) -> None:
        role = self.role_choice.findData(fields.get("role"))
        if role >= 0:
            self.role_choice.setCurrentIndex(role)
        site = fields.get("site")
        found = self.site_choice.findData(site) if site else 0  # the first choice is "No site"
        if found >= 0:
            self.site_choice.setCurrentIndex(found)

    def _person_edited(self, *_args: object) -> None:
        if self.person_draft is not None:
            self.person_draft.typed()

    def _follow_person(self) -> None:
        """Role and site show the chosen person's own, or what was chosen for them and not set yet.

        Choosing another person keeps what was changed for the one left (`FormDraft`, on
        this machine, as the task view keeps a half-written bid) and fills the boxes with
        the new one's values; a change kept for them comes back, and says so.
        """
        person = self.chosen_person()
        username = str(person["username"]) if person else None
        draft = self.person_draft
        if draft is not None and draft.subject == username:
            return
        if draft is not None:
            draft.keep_now()
            draft.deleteLater()
            self.person_draft = None
        if person is None:
            return  # nobody chosen: the boxes stay as they are, for adding a person
        draft = FormDraft(self.context, PERSON_FORM, str(username), self._person_fields, self._put_person_fields, self)
        self.person_draft = draft
        fields = self._fields_of(person)
        draft.filled(lambda: self._put_person_fields(fields))
        name = str(person["name"])

        def restored(kept: bool) -> None:
            if kept and self.person_draft is draft and self._person_fields() != draft.baseline:
                self.done.setText(tr("{who}: your changes that were not set yet are shown again", who=name))

        draft.restore(restored)

    def _refill_person(self) -> None:
        """The chosen person's new values from the server: shown, unless changes wait to be set."""
        person, draft = self.chosen_person(), self.person_draft
        if person is None or draft is None or draft.subject != person["username"]:
            return
        fresh = self._fields_of(person)
        if self._person_fields() in (draft.baseline, fresh):
            draft.filled(lambda: self._put_person_fields(fresh))
        else:  # still unsaved against the server's values: kept as they are
            draft.baseline = fresh
            draft.typed()

    def keep_drafts(self) -> None:
        if self.person_draft is not None:
            self.person_draft.keep_now()

    def action_settled(self, action: str) -> None:
        self._enable_erase()  # the list itself is the server's; `erase` asks for it again

    def _enable_erase(self) -> None:
        """Erase is for a chosen person who is deactivated and not erased yet (Deactivate: activate).

        Set role, Set home site and Deactivate need a chosen person: without one they
        are disabled, not buttons that answer "Choose a person first".
        """
        person = self.chosen_person()
        inactive = person is not None and not person["active"]
        self.active_button.setText(tr("Ac&tivate") if inactive else tr("&Deactivate"))
        for button in (self.role_button, self.site_button, self.active_button):
            button.setEnabled(person is not None)
        self.erase_button.setEnabled(
            person is not None
            and not person["active"]
            and str(person["name"]) != erasure.pseudonym(str(person["id"]))
            and not self.busy("erase")
        )

    def chosen_person(self) -> dict[str, Any] | None:
        rows = self.people_view.selectionModel().selectedRows()
        if not rows:
            return None
        key = rows[0].data(KEY_ROLE)
        return next((r for r in self.people_model.rows() if r["username"] == key), None)

    def choose_person(self, username: str) -> None:
        """Select a person's row (for the keyboard and tests)."""
        row = self.people_model.row_of(username)
        if row >= 0:
            self.people_view.selectRow(row)

    def _person_changed(self, answer: dict[str, Any], what: str) -> None:
        person = answer.get("person") or {}
        self.done.setText(tr("{who}: {what}", who=str(person.get("name", "")), what=what))
        self.find_people()

    def _person_set(self, answer: dict[str, Any], what: str) -> None:
        """A role or site set: nothing of it waits any more (the list brings the new values)."""
        if self.person_draft is not None:
            self.person_draft.forget()
        self._person_changed(answer, what)

    def set_role(self) -> None:
        person = self.chosen_person()
        if person is None:
            self.problem.show_text(tr("Choose a person first."))
            return
        body = {"role": self.role_choice.currentData(), "site": self.site_choice.currentData()}
        self.call(
            "POST",
            f"/people/{person['username']}/role",
            body=body,
            then=lambda a: self._person_set(a, tr("role changed")),
        )

    def set_site(self) -> None:
        person = self.chosen_person()
        if person is None:
            self.problem.show_text(tr("Choose a person first."))
            return
        self.call(
            "POST",
            f"/people/{person['username']}/site",
            body={"site": self.site_choice.currentData()},
            then=lambda a: self._person_set(a, tr("home site changed")),
        )

    def toggle_active(self) -> None:
        person = self.chosen_person()
        if person is None:
            self.problem.show_text(tr("Choose a person first."))
            return
        active = not person["active"]
        what = tr("activated") if active else tr("deactivated")

        def changed(answer: dict[str, Any]) -> None:
            self._person_changed(answer, what)
            if self.context.sync is not None:  # bring the change to this store, for Erase
                self.context.sync.request_sync("person deactivated")

        self.call(
            "POST",
            f"/people/{person['username']}/active",
            body={"active": active},
            then=changed,
        )

    def ask_erase(self) -> QMessageBox | None:
        """Ask, naming the person and what erasure does; "Erase" queues `person.erase`."""
        person = self.chosen_person()
        if person is None:
            self.problem.show_text(tr("Choose a person first."))
            return None
        box = ask_first(
            self,
            QMessageBox.Icon.Warning,
            tr("Erase {name}?", name=str(person["name"])),
            tr(
                "Erase {name} ({username})? Their name and contact details are removed, every text "
                "they wrote is emptied and their own rows are deleted, here, on the server and on "
                "every device at its next sync. What they did stays counted under a pseudonym, "
                "{pseudonym}. This cannot be undone.",
                name=str(person["name"]),
                username=str(person["username"]),
                pseudonym=erasure.pseudonym(str(person["id"])),
            ),
            (tr("Erase"), QMessageBox.ButtonRole.DestructiveRole),
            lambda: self.erase(person),
            name="eraseQuestion",
        )
        box.finished.connect(lambda _r: setattr(self, "erase_question", None))
        self.erase_question = box
        return box

    def erase(self, person: dict[str, Any]) -> None:
        """Queue `person.erase` (applied here on the DB thread, then synced to the server)."""
        name = str(person["name"])

        def erased(_outcome: object) -> None:
            self.done.setText(
                tr("{who}: erased here; the server and other devices follow at the next sync", who=name)
            )
            self.find_people()

        self.act(
            "person.erase",
            {"person_id": str(person["id"])},
            self.problem,
            erased,
            action="erase",
            buttons=(self.erase_button,),
        )

    def add_person(self) -> None:
        body = {
            "username": self.new_username.text().strip(),
            "name": self.new_name.text().strip(),
            "email": self.new_email.text().strip(),
            "role": self.role_choice.currentData(),
            "site": self.site_choice.currentData(),
        }

        def added(answer: dict[str, Any]) -> None:
            for field in (self.new_username, self.new_name, self.new_email):
                field.clear()
            self._person_changed(answer, tr("added"))

        self.call("POST", "/people", body=body, then=added)

    # --- sites ----------------------------------------------------------------------

    def _sites_tab(self) -> QWidget:
        tab = QWidget(self)
        self.sites_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(tr("Name"), lambda r: str(r["name"])),
                Column(tr("Kind"), lambda r: _site_kind(str(r["kind"]))),
                Column(tr("Address"), lambda r: str(r.get("address") or "")),
            ],
            key=lambda r: str(r["id"]),
            parent=self,
        )
        view = table_view(tab, self.sites_model, tr("Sites"), (0,))
        self.sites_empty = EmptyNote(view, tr("No sites yet."))
        self.site_name_field, self.site_address = QLineEdit(tab), QLineEdit(tab)
        self.site_name_field.setMaxLength(protocol.ADMIN_SITE_NAME_MAX)
        self.site_address.setMaxLength(protocol.ADMIN_SITE_ADDRESS_MAX)
        self.site_kind = QComboBox(tab)
        for kind in SiteKind:
            self.site_kind.addItem(_site_kind(kind), kind.value)
        add = QPushButton(tr("A&dd site"), tab)
        add.clicked.connect(self.add_site)
        layout = QVBoxLayout(tab)
        layout.addWidget(view, 1)
        form = QFormLayout()
        form.addRow(tr("Name"), self.site_name_field)
        form.addRow(tr("Kind"), self.site_kind)
        form.addRow(tr("Address"), self.site_address)
        layout.addLayout(form)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignRight)
        return tab

    def site_name(self, site_id: str | None) -> str:
        if not site_id:
            return ""
        return next((str(s["name"]) for s in self.sites if s["id"] == site_id), site_id)

    def _got_sites(self, answer: dict[str, Any]) -> None:
        self.sites = list(answer.get("sites") or [])
        self.sites_model.set_rows(self.sites)
        for box in (self.site_choice, self.code_site):
            chosen = box.currentData()
            blocker = QSignalBlocker(box)  # filled again, not chosen: no draft of it
            box.clear()
            if box is self.site_choice:
                box.addItem(tr("No site"), None)
            for site in self.sites:
                box.addItem(str(site["name"]), site["id"])
            if chosen is not None and box.findData(chosen) >= 0:
                box.setCurrentIndex(box.findData(chosen))
            blocker.unblock()
        self._refill_person()  # the chosen person's site may have arrived only now
        if self.people_model.has_answer:  # before it, no list to say "no people found" of
            self.people_model.set_rows(self.people_model.rows())  # site names may have arrived after people

    def add_site(self) -> None:
        body = {
            "name": self.site_name_field.text().strip(),
            "kind": self.site_kind.currentData(),
            "address": self.site_address.text().strip(),
        }

        def added(answer: dict[str, Any]) -> None:
            self.site_name_field.clear()
            self.site_address.clear()
            self.done.setText(
                tr("Site added: {site}", site=str((answer.get("site") or {}).get("name", "")))
            )
            self.call("GET", "/sites", then=self._got_sites)

        self.call("POST", "/sites", body=body, then=added)

    # --- enrolment codes ---------------------------------------------------------

    def _codes_tab(self) -> QWidget:
        tab = QWidget(self)
        self.code_site = QComboBox(tab)
        self.code_site.setAccessibleName(tr("Site"))
        # A day count is a whole number: "7", not "7,00" (the server takes whole days as well).
        self.code_days = QSpinBox(tab)
        self.code_days.setRange(1, 365)
        self.code_days.setValue(7)
        wording.numbers_in(self.code_days, self.language)
        make = QPushButton(tr("&Make a code"), tab)
        make.clicked.connect(self.make_code)
        self.code = QLabel(tab)
        self.code.setObjectName("enrolmentCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.code.font())
        font.setPointSize(font.pointSize() * 2)
        font.setFamily("monospace")
        self.code.setFont(font)
        self.code_note = QLabel(tab)
        self.code_note.setWordWrap(True)
        self.print_button = QPushButton(tr("Print (as PD&F)…"), tab)
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_code)
        layout = QVBoxLayout(tab)
        form = QFormLayout()
        form.addRow(tr("Site"), self.code_site)
        form.addRow(tr("Valid for (days)"), self.code_days)
        layout.addLayout(form)
        layout.addWidget(make, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.code)
        layout.addWidget(self.code_note)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return tab

    def make_code(self) -> None:
        body = {"site": self.code_site.currentData(), "days": self.code_days.value()}
        self.call("POST", "/enrolment-codes", body=body, then=self._got_code)

    def _got_code(self, answer: dict[str, Any]) -> None:
        self.last_code = answer
        self.code.setText(str(answer.get("code", "")))
        self.code_note.setText(self.code_sheet_text(answer))
        self.print_button.setEnabled(True)
        self.devices_refresh()

    def code_sheet_text(self, answer: dict[str, Any]) -> str:
        """What the printed sheet says: the code, the site, how long it is valid, and the command."""
        days = float(answer.get("days", 0))
        return ntr(
            "One-time code for one computer at {site}, valid for {n} day. "
            "Enrol the computer with: knop enrol --server {server} --code {code}",
            "One-time code for one computer at {site}, valid for {n} days. "
            "Enrol the computer with: knop enrol --server {server} --code {code}",
            max(1, round(days)),
            n=wording.number(days, self.language),
            site=str(answer.get("site_name", "")),
            server=self.context.settings.server_url or "",
            code=str(answer.get("code", "")),
        )

    def code_document(self) -> QTextDocument:
        """The sheet to print, as a document (printed by `print_code`, also to PDF)."""
        answer = getattr(self, "last_code", {})
        document = QTextDocument(self)
        document.setPlainText(f"{answer.get('code', '')}\n\n{self.code_sheet_text(answer)}")
        return document

    def save_code_pdf(self, path: str) -> None:
        """Write the sheet as a PDF to print (the bundle leaves Qt's printer plugins out)."""
        writer = QPdfWriter(path)
        writer.setTitle(tr("Enrolment code"))
        self.code_document().print_(writer)

    def print_code(self) -> None:
        save_export(
            self,
            tr("Save the code to print"),
            tr("enrolment-code") + ".pdf",
            "PDF (*.pdf)",
            lambda path: self.save_code_pdf(str(path)),
            self.problem.show_text,
        )

    # --- devices --------------------------------------------------------------------

    def _devices_tab(self) -> QWidget:
        tab = QWidget(self)
        self.devices_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(tr("Name"), lambda r: str(r["name"])),
                Column(tr("Site"), lambda r: str(r["site_name"])),
                Column(tr("Enrolled"), lambda r: wording.moment(r["enrolled_at"], self.language)),
                Column(tr("Revoked"), lambda r: wording.moment(r["revoked_at"], self.language)),
                Column(tr("Device id"), lambda r: str(r["id"])),
            ],
            key=lambda r: str(r["id"]),
            parent=self,
        )
        self.devices_view = table_view(tab, self.devices_model, tr("Devices"), (0,))
        self.devices_empty = EmptyNote(self.devices_view, tr("No devices enrolled."))
        self.revoke_button = revoke = QPushButton(tr("Re&voke device"), tab)
        revoke.clicked.connect(self.revoke_device)
        self.devices_view.selectionModel().selectionChanged.connect(lambda *_: self._enable_revoke())
        self._enable_revoke()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.devices_view, 1)
        layout.addWidget(revoke, 0, Qt.AlignmentFlag.AlignRight)
        return tab

    def devices_refresh(self) -> None:
        self.call("GET", "/devices", then=self._got_devices)

    def _got_devices(self, answer: dict[str, Any]) -> None:
        self.devices_model.set_rows(answer.get("devices") or [])
        self._enable_revoke()

    def _enable_revoke(self) -> None:
        """Revoke is for a chosen device that is not revoked yet."""
        rows = self.devices_view.selectionModel().selectedRows()
        key = rows[0].data(KEY_ROLE) if rows else None
        device = next((r for r in self.devices_model.rows() if str(r["id"]) == key), None)
        self.revoke_button.setEnabled(device is not None and not device.get("revoked_at"))

    def choose_device(self, device_id: str) -> None:
        row = self.devices_model.row_of(device_id)
        if row >= 0:
            self.devices_view.selectRow(row)

    def revoke_device(self) -> None:
        rows = self.devices_view.selectionModel().selectedRows()
        if not rows:
            self.problem.show_text(tr("Choose a device first."))
            return
        device_id = rows[0].data(KEY_ROLE)

        def revoked(_answer: dict[str, Any]) -> None:
            self.done.setText(tr("Device revoked; its logins have ended."))
            self.devices_refresh()

        self.call("POST", f"/devices/{device_id}/revoke", then=revoked)

    # --- lending policy ------------------------------------------------------------

    def _lending_tab(self) -> QWidget:
        tab = QWidget(self)
        self.lending_choice = QComboBox(tab)
        self.lending_choice.setAccessibleName(tr("Lending between sites"))
        for policy, text in (
            # Not "Off": people may work on other sites' tasks under every choice (try-out 6).
            (LendingPolicy.OFF, tr("Neither approval nor notice: staff may work on other sites' tasks without asking")),
            (LendingPolicy.NOTIFY, tr("Notify: the home manager is told")),
            (LendingPolicy.APPROVE, tr("Approve: the home manager must approve before it counts")),
        ):
            self.lending_choice.addItem(text, policy.value)
        save = QPushButton(tr("Save lending polic&y"), tab)
        save.clicked.connect(self.save_lending)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(tr("Work on another site's task"), tab))
        layout.addWidget(self.lending_choice)
        layout.addWidget(save, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return tab

    def save_lending(self) -> None:
        self.call(
            "POST",
            "/lending",
            body={"policy": self.lending_choice.currentData()},
            then=lambda a: self.done.setText(
                tr("Lending policy saved: {value}", value=self._lending_words(str(a.get("lending"))))
            ),
        )

    def _lending_words(self, policy: str) -> str:
        """The policy `policy` ("off", "notify", "approve") as the choice reads, not its stored value."""
        index = self.lending_choice.findData(policy)
        return self.lending_choice.itemText(index) if index >= 0 else policy
