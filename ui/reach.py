"""Reaching beyond the organisation (issue 14): invitations and credentials on My page.

- `InviteDialog`: any member invites a colleague or an outsider by e-mail. The
  code is made here and shown at once, to hand over or read out (the server
  also mails it when it has a mail server); the invitation syncs like any operation.
- `InvitationsTab`: the invitations this device holds (the person's own, and a
  coordinator's site's), to approve or withdraw.
- `CredentialsTab`: the credentials this device holds (the person's own; for
  managers and HR, their people's), and for them a form to verify one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.certificates import Certificate, Verifying, certificates, sites, verifying
from desktop.core import eligibility, permissions
from desktop.core.entities import (
    InvitationMail,
    InvitationStatus,
    MemberInvitation,
    Person,
    PersonKind,
    TaskRequirements,
)
from desktop.core.ids import utc_now, uuid7
from desktop.core.rejection import Rejection
from desktop.invitations import Sent, invitations_for, is_open, new_code
from desktop.store import Store
from ui import wording
from ui.context import AppContext
from ui.screen import ProblemLabel, Screen
from ui.table_model import KEY_ROLE, Column, EmptyNote, RowsModel, keep_rows, table_view
from ui.words import tr
from ui.window_focus import mark_destructive


def person_kind(kind: str) -> str:
    """Who an invitee will be, in plain words."""
    labels = {
        PersonKind.EMPLOYEE: tr("Colleague"),
        PersonKind.VOLUNTEER: tr("Volunteer"),
        PersonKind.CITIZEN: tr("Citizen"),
        PersonKind.COMPANY: tr("Company (contact person)"),
    }
    return labels.get(PersonKind(kind), kind) if kind in tuple(PersonKind) else kind


def invitation_status(invitation: MemberInvitation, whole: bool = False) -> str:
    """Where an invitation stands, in words; one not yet taken up says what became of its e-mail.

    "Sent" is said only of an e-mail the mail server accepted: a try-out read "Sent"
    on a server with no mail server, where nothing is ever sent, and waited. Short
    for the list's cell; `whole`: the sentence for its tooltip, which tells the
    inviter to give the code themselves where nothing was (or is yet) sent.
    """
    if invitation.status == InvitationStatus.PENDING:
        not_yet = (tr("Not sent yet: not at the server yet"), tr("Not sent yet"))
        mail: dict[str, tuple[str, str]] = {
            InvitationMail.SENT: (tr("Sent by e-mail"),) * 2,
            InvitationMail.QUEUED: (tr("Being sent by e-mail"),) * 2,
            InvitationMail.FAILING: (
                tr(
                    "Not sent yet: the mail server has not taken it, and Knop keeps trying. "
                    "Give the person the code yourself"
                ),
                tr("Not sent yet: the mail server fails"),
            ),
            InvitationMail.NO_MAIL_SERVER: (
                tr("Not sent: no mail server is set up. Give the person the code yourself"),
                tr("Not sent: no mail server"),
            ),
        }
        sentence, short = mail.get(invitation.mail, not_yet)  # not_yet: UNKNOWN, or a newer state
        return sentence if whole else short
    labels = {
        InvitationStatus.AWAITING_APPROVAL: tr("Waiting for approval"),
        InvitationStatus.ACCEPTED: tr("Accepted"),
        InvitationStatus.REVOKED: tr("Withdrawn"),
    }
    status = invitation.status
    return labels.get(InvitationStatus(status), status) if status in tuple(InvitationStatus) else status


# --- inviting ------------------------------------------------------------------------


class InviteDialog(QDialog):
    """Invite one person by e-mail; afterwards the dialog shows the code to hand over."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.code = ""
        self.setWindowTitle(tr("Invite someone"))
        self.setObjectName("invite-dialog")
        self.email = QLineEdit(self)
        self.email.setMaxLength(254)
        self.email.setPlaceholderText(tr("name@example.org"))
        self.name = QLineEdit(self)
        self.name.setMaxLength(200)
        self.kind = QComboBox(self)
        for kind in (PersonKind.VOLUNTEER, PersonKind.CITIZEN, PersonKind.COMPANY, PersonKind.EMPLOYEE):
            self.kind.addItem(person_kind(kind), str(kind))
        # A company's contact person is invited for the company: its name and CVR number.
        self.company_name = QLineEdit(self)
        self.company_name.setMaxLength(200)
        self.company_cvr = QLineEdit(self)
        self.company_cvr.setMaxLength(20)
        self.company_cvr.setPlaceholderText(tr("8 digits"))
        self.site = QComboBox(self)  # only admins, who have no home site, choose one
        self.message = QPlainTextEdit(self)
        self.message.setPlaceholderText(tr("A few words about why (optional)"))
        self.message.setMaximumHeight(6 * self.fontMetrics().height())
        # Never squeezed: once the code and the sentence about it appear below, the layout
        # took their room from the message (a try-out saw it shrink to two lines).
        keep_rows(self.message, 3)
        form = QFormLayout()
        form.addRow(tr("&E-mail"), self.email)
        form.addRow(tr("&Name"), self.name)
        form.addRow(tr("&Who are they?"), self.kind)
        form.addRow(tr("Com&pany"), self.company_name)
        form.addRow(tr("CVR number"), self.company_cvr)
        form.addRow(tr("On behalf of"), self.site)
        form.addRow(tr("&Message"), self.message)
        self.problem = ProblemLabel(self)
        self.handover = QLabel(self)
        self.handover.setWordWrap(True)
        self.handover.hide()
        self.code_label = QLabel(self)  # the code alone, large, to read out or copy
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setObjectName("invitation-code")
        self.code_label.setStyleSheet("font-family: monospace; font-size: 16pt; font-weight: 600;")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.hide()
        self.setMinimumWidth(64 * self.fontMetrics().averageCharWidth())
        self.buttons = QDialogButtonBox(self)
        self.send_button = self.buttons.addButton(tr("&Invite"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button = self.buttons.addButton(tr("&Copy the code"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(tr("Close"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.handover)
        layout.addWidget(self.code_label)
        layout.addWidget(self.buttons)
        self.send_button.clicked.connect(self.send)
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self.code))
        self.close_button.clicked.connect(self.reject)
        person = context.person
        if person.home_site_id is not None:
            self.site.addItem(tr("My site"), person.home_site_id)
            self.site.setEnabled(False)
        else:
            context.query(sites, parent=self).success(self._fill_sites).run_in_background()
        self.send_button.setEnabled(permissions.may_invite(person))
        self.kind.currentIndexChanged.connect(lambda _index: self._show_company())
        self._show_company()

    def _show_company(self) -> None:
        """The company fields count only for a company's contact person."""
        for field in (self.company_name, self.company_cvr):
            field.setEnabled(self.kind.currentData() == PersonKind.COMPANY)

    def _fill_sites(self, found: list[tuple[str, str]]) -> None:
        for site_id, name in found:
            self.site.addItem(name, site_id)

    def payload(self) -> dict[str, Any]:
        """The member.invite operation this dialog sends, with a fresh code."""
        self.code = new_code()
        return {
            "invitation_id": uuid7(),
            "email": self.email.text().strip(),
            "name": self.name.text().strip(),
            "person_kind": self.kind.currentData(),
            "site_id": self.site.currentData() or "",
            "message": self.message.toPlainText().strip(),
            "code": self.code,
            "company_name": self.company_name.text().strip() if self.company_name.isEnabled() else "",
            "company_cvr": self.company_cvr.text().strip() if self.company_cvr.isEnabled() else "",
        }

    def send(self) -> None:
        self.problem.clear_text()
        self.send_button.setEnabled(False)

        def refused(error: BaseException) -> None:
            rejection = error if isinstance(error, Rejection) else Rejection("operation.failed")
            self.problem.show_text(rejection.message(self.context.language))
            self.send_button.setEnabled(True)

        self.context.perform("member.invite", self.payload(), parent=self).success(
            lambda _outcome: self._sent()
        ).failure(refused).run_in_background()

    def _sent(self) -> None:
        # Nothing here knows yet whether the server will e-mail it (it may have no mail
        # server): the code and the address are shown to hand over, and the list of
        # invitations says what became of the e-mail once the server has the invitation.
        self.handover.setText(
            tr(
                "Invitation made. Give {email} this code and the server's address, {server}; the code can "
                "be used once, within 14 days. Whether the server also e-mails it shows under Status in "
                "your invitations. They install Knop, choose \"I have an invitation\" and type both; an "
                "outsider's own computer then becomes their Knop device.",
                email=self.email.text().strip(),
                server=self.context.settings.server_url or "?",
            )
        )
        self.code_label.setText(self.code)
        self.handover.show()
        self.code_label.show()
        self.copy_button.show()
        for field in (self.email, self.name, self.kind, self.company_name, self.company_cvr, self.message):
            field.setEnabled(False)
        # Grow to hold the sentence and the code at the width the dialog has: adjustSize()
        # measured the wrapped sentence at another width and squeezed the message instead.
        layout = self.layout()
        if layout is not None:
            layout.activate()
            wanted = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
            self.resize(self.width(), max(self.height(), wanted, layout.totalSizeHint().height()))


# --- invitations on My page -------------------------------------------------------------


class InvitationsTab(Screen):
    """Member invitations this device holds: to approve (coordinators) or withdraw."""

    WATCHES = frozenset({"member_invitations", "people"})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("member-invitations")
        self.model: RowsModel[Sent] = RowsModel(
            [
                Column(tr("E-mail"), lambda s: s.invitation.email),
                Column(tr("Name"), lambda s: s.invitation.name),
                Column(tr("Who"), lambda s: person_kind(s.invitation.kind)),
                Column(tr("Invited by"), lambda s: s.inviter),
                Column(
                    tr("Status"),
                    lambda s: invitation_status(s.invitation),
                    lambda s: invitation_status(s.invitation, whole=True),
                ),
                Column(tr("Expires"), lambda s: wording.short_date(s.invitation.expires_at, self.language)),
            ],
            key=lambda s: s.invitation.id,
            parent=self,
        )
        self.table = table_view(self, self.model, tr("Invitations to Knop"), stretch=(0,))
        self.empty = EmptyNote(self.table, tr("No invitations yet."))
        self.invite_button = QPushButton(tr("Invite someo&ne…"), self)
        self.approve_button = QPushButton(tr("Appr&ove"), self)
        self.withdraw_button = QPushButton(tr("&Withdraw"), self)
        mark_destructive(self.withdraw_button)  # never where the focus is put for the person
        self.problem = ProblemLabel(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.invite_button)
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.invite_button.setVisible(permissions.may_invite(context.person))
        self.invite_button.clicked.connect(self.open_invite)
        self.approve_button.clicked.connect(lambda: self._decide("member.approve_invitation"))
        self.withdraw_button.clicked.connect(lambda: self._decide("member.revoke_invitation"))
        self.table.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self._enable()
        self.reload()

    def question(self) -> Callable[[Store], list[Sent]]:
        person = self.context.person
        return lambda store: invitations_for(store, person)

    def draw(self, data: list[Sent]) -> None:
        self.model.set_rows(data)
        self._enable()

    def current(self) -> Sent | None:
        index = self.table.currentIndex()
        key = self.model.index(index.row(), 0).data(KEY_ROLE) if index.isValid() else None
        return next((s for s in self.model.rows() if s.invitation.id == key), None)

    def _enable(self) -> None:
        chosen, me = self.current(), self.context.person
        usable = chosen is not None and is_open(chosen.invitation, utc_now())
        coordinates = chosen is not None and permissions.coordinates_site(me, chosen.invitation.site_id)
        self.approve_button.setVisible(permissions.coordinates_site(me, me.home_site_id) or me.is_admin)
        self.approve_button.setEnabled(
            usable and coordinates and chosen is not None
            and chosen.invitation.status == InvitationStatus.AWAITING_APPROVAL
        )
        self.withdraw_button.setEnabled(
            usable and chosen is not None and (coordinates or chosen.invitation.invited_by == me.id)
        )

    def _decide(self, kind: str) -> None:
        chosen = self.current()
        if chosen is not None:
            self.act(kind, {"invitation_id": chosen.invitation.id}, self.problem)

    def open_invite(self) -> InviteDialog:
        dialog = InviteDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


# --- credentials on My page ---------------------------------------------------------------


class CredentialsTab(Screen):
    """Credentials this device holds; site managers and HR verify one here."""

    WATCHES = frozenset({"person_credentials", "people"})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("credentials")
        lang = self.language
        self.model: RowsModel[Certificate] = RowsModel(
            [
                Column(tr("Person"), lambda c: c.person_name),
                Column(tr("Credential"), lambda c: wording.credential(c.held.credential, lang)),
                Column(tr("Valid until"), lambda c: self._until(c)),
                Column(tr("Verified by"), lambda c: c.verifier_name),
            ],
            key=lambda c: c.held.id,
            parent=self,
        )
        self.table = table_view(self, self.model, tr("Credentials"), stretch=(0, 1))
        self.empty = EmptyNote(self.table, tr("No credentials registered yet."))
        self.note = QLabel(
            tr(
                "Credentials are verified by a site manager or HR, never declared by oneself. "
                "They are seen by the person, their managers and HR; a task's manager sees only "
                "whether a bidder meets the task's requirements."
            ),
            self,
        )
        self.note.setWordWrap(True)
        self.note.setObjectName("note")
        self.form = QWidget(self)
        self.person = QComboBox(self.form)
        self.credential = QComboBox(self.form)
        for entry in eligibility.CREDENTIALS:
            self.credential.addItem(entry.da if lang == "da" else entry.en, entry.id)
        self.issued = QDateEdit(QDate.currentDate(), self.form)
        self.issued.setCalendarPopup(True)
        self.expires = QDateEdit(QDate.currentDate().addYears(3), self.form)
        self.expires.setCalendarPopup(True)
        self.no_expiry = QCheckBox(tr("Does not expire"), self.form)
        self.no_expiry.toggled.connect(lambda on: self.expires.setEnabled(not on))
        self.verify_button = QPushButton(tr("Verif&y"), self.form)
        expiry = QHBoxLayout()
        expiry.addWidget(self.expires, 1)
        expiry.addWidget(self.no_expiry)
        form = QFormLayout(self.form)
        form.addRow(tr("P&erson"), self.person)
        form.addRow(tr("Crede&ntial"), self.credential)
        form.addRow(tr("Issued"), self.issued)
        form.addRow(tr("Expires"), expiry)
        form.addRow("", self.verify_button)
        self.form.hide()
        self.problem = ProblemLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.form)
        layout.addWidget(self.problem)
        self.verify_button.clicked.connect(self.verify)
        self.reload()

    def _until(self, found: Certificate) -> str:
        if not found.held.expires_on:
            return tr("No expiry")
        text = wording.short_date(found.held.expires_on, self.language)
        if found.held.expires_on < utc_now()[:10]:
            text += " " + tr("(expired)")
        return text

    def question(self) -> Callable[[Store], tuple[list[Certificate], Verifying | None]]:
        person: Person = self.context.person
        return lambda store: (certificates(store), verifying(store, person))

    def draw(self, data: tuple[list[Certificate], Verifying | None]) -> None:
        found, choices = data
        self.model.set_rows(found)
        self.form.setVisible(choices is not None)
        if choices is not None and self.person.count() != len(choices.people):
            chosen = self.person.currentData()
            self.person.clear()
            for person_id, name in choices.people:
                self.person.addItem(name, person_id)
            if chosen is not None:
                self.person.setCurrentIndex(max(self.person.findData(chosen), 0))

    def verify(self) -> None:
        payload = {
            "person_id": self.person.currentData() or "",
            "credential": self.credential.currentData(),
            "issued_on": self.issued.date().toString("yyyy-MM-dd"),
            "expires_on": None if self.no_expiry.isChecked() else self.expires.date().toString("yyyy-MM-dd"),
        }
        self.act("credential.verify", payload, self.problem)


# --- requirements on the task form ----------------------------------------------------------


class RequirementsBox(QWidget):
    """What a task asks of bidders: a severity per credential, paid staff's work, outsider kinds."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requirements")
        self.severity: dict[str, QComboBox] = {}
        grid = QFormLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for credential_id in eligibility.REQUIRABLE:
            choice = QComboBox(self)
            choice.addItem(tr("Not required"), "")
            choice.addItem(tr("Wanted (I am warned)"), str(eligibility.Severity.WARN))
            choice.addItem(tr("Must have (the bid is refused)"), str(eligibility.Severity.BLOCK))
            choice.setAccessibleName(wording.credential(credential_id, language))
            self.severity[credential_id] = choice
            grid.addRow(wording.credential(credential_id, language), choice)
        self.paid_staff_work = QCheckBox(tr("Work normally done by paid staff"), self)
        self.paid_staff_work.setToolTip(
            tr("Volunteers on unemployment benefit may bid, and you are warned on the review card.")
        )
        grid.addRow("", self.paid_staff_work)
        self.outsiders: dict[str, QCheckBox] = {}
        kinds = QHBoxLayout()
        for kind in ("volunteer", "citizen", "company"):
            box = QCheckBox(wording.outsider_kind(kind), self)
            box.setChecked(True)
            self.outsiders[kind] = box
            kinds.addWidget(box)
        kinds.addStretch(1)
        grid.addRow(tr("Outside the municipality, open to:"), kinds)
        self.loaded: TaskRequirements | None = None
        self.loaded_outsiders: list[str] = []

    def fill(self, held: TaskRequirements | None, outsiders: list[str]) -> None:
        """Show what the task asks now (None: nothing yet) and the outsiders it is open to (`Task.outsiders`)."""
        self.loaded = held
        self.loaded_outsiders = sorted(outsiders)
        wanted = held.requirements if held else {}
        for credential_id, choice in self.severity.items():
            choice.setCurrentIndex(max(choice.findData(wanted.get(credential_id, "")), 0))
        self.paid_staff_work.setChecked(bool(held and held.paid_staff_work))
        open_to = set(outsiders) if outsiders else set(self.outsiders)
        for kind, box in self.outsiders.items():
            box.setChecked(kind in open_to)

    def allow_outsiders(self, external: bool) -> None:
        """Outsider kinds matter only for a task open outside the municipality."""
        for box in self.outsiders.values():
            box.setEnabled(external)

    def payload(self, task_id: str) -> dict[str, Any] | None:
        """The task.set_requirements to send, or None when nothing differs from what was loaded."""
        requirements = {c: str(box.currentData()) for c, box in self.severity.items() if box.currentData()}
        chosen = sorted(k for k, box in self.outsiders.items() if box.isChecked())
        outsiders = [] if len(chosen) == len(self.outsiders) else chosen  # all kinds: no limit
        held = self.loaded
        if (
            requirements == (held.requirements if held else {})
            and self.paid_staff_work.isChecked() == bool(held and held.paid_staff_work)
            and outsiders == self.loaded_outsiders
        ):
            return None
        return {
            "task_id": task_id,
            "requirements": requirements,
            "paid_staff_work": self.paid_staff_work.isChecked(),
            "outsiders": outsiders,
        }
