"""Taking up an invitation from the login screen: the invitee's first login (issue 14).

The invitee types the server's address and the code from the invitation,
chooses a username and a password and gives their name (a phone number if
they like). `sync.enrolment.accept_invitation` does the rest off the UI
thread: the server makes their account by the shared `member.accept` rule,
and an outsider's computer becomes their personal device. Afterwards they log
in as anyone does. Imported only when the button is pressed, so the login
screen starts without it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sync.enrolment import EnrolmentFailed, Welcome, accept_invitation
from ui.background import Errand
from ui import words
from ui.words import tr

MIN_PASSWORD = 8  # as the server asks (sync.server.invitations.MIN_PASSWORD)


class AcceptInvitationDialog(QDialog):
    """The invitee's minimal profile and password; `taken_up` carries the chosen username."""

    taken_up = Signal(str)

    def __init__(
        self, server_url: str | None, parent: QWidget | None = None, *, site_workstation: bool = False
    ) -> None:
        """`site_workstation`: this computer is a site's, enrolled by IT, and stays so (sync.enrolment)."""
        super().__init__(parent)
        self.setWindowTitle(tr("I have an invitation"))
        self.setObjectName("accept-invitation")
        self.setMinimumWidth(48 * self.fontMetrics().averageCharWidth())
        self.server = QLineEdit(server_url or "", self)
        self.server.setPlaceholderText("https://knop.kommune.dk")
        self.code = QLineEdit(self)
        self.code.setPlaceholderText("ABCD-EFGH-JKMN-PQRS")
        # The address and the code read whole, to check them against the paper: a
        # form row is otherwise as narrow as the labels leave it (155 px at 1024x600).
        for field, longest in ((self.server, "https://knop.kommune.dk:8765"), (self.code, "ABCD-EFGH-JKMN-PQRS")):
            field.setMinimumWidth(field.fontMetrics().horizontalAdvance(longest + "MM"))
        self.username = QLineEdit(self)
        self.name = QLineEdit(self)
        self.name.setMaxLength(200)
        self.phone = QLineEdit(self)
        self.phone.setMaxLength(40)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        # Each label's Alt+letter moves to its field, as on the other forms; no two of the
        # dialog's letters (the Join button's too) are the same, in Danish or in English.
        form = QFormLayout()
        form.addRow(tr("&Server address"), self.server)
        form.addRow(tr("Invitation &code"), self.code)
        form.addRow(tr("Choose a &username"), self.username)
        form.addRow(tr("Your &name"), self.name)
        form.addRow(tr("&Phone (optional)"), self.phone)
        form.addRow(tr("Choose a pass&word"), self.password)
        form.addRow(tr("The password &again"), self.again)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(tr("&Join"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Cancel"))
        note = QLabel(
            tr(
                "This is a workplace's shared computer, and it stays one: once you have joined, "
                "you log in here as anyone does."
            )
            if site_workstation
            else tr(
                "If you are not employed by the municipality, this computer becomes your own "
                "Knop device: only you can log in on it, and it can be switched off for Knop at any time."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setObjectName("note")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.ok_button.clicked.connect(self.join)
        cancel.clicked.connect(self.reject)
        # The server's address is usually filled in already: the code is the first thing to type.
        (self.code if self.server.text() else self.server).setFocus()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.adjustSize()  # grow for the sentence rather than squeeze the fields

    def join(self) -> None:
        """Check what can be checked here, then take the invitation up off the UI thread."""
        fields = (self.server, self.code, self.username, self.name, self.password)
        if any(not field.text().strip() for field in fields):
            self._say(tr("Fill in every field but the phone number."))
            return
        if len(self.password.text()) < MIN_PASSWORD:
            self._say(tr("The password needs at least 8 characters."))
            return
        if self.password.text() != self.again.text():
            self._say(tr("The two passwords differ."))
            return
        self._say("")
        self.ok_button.setEnabled(False)
        server, code, username = self.server.text().strip(), self.code.text().strip(), self.username.text().strip()
        name, phone, password = self.name.text().strip(), self.phone.text().strip(), self.password.text()
        Errand(
            lambda: accept_invitation(server, code, username=username, password=password, name=name, phone=phone),
            self,
            "invitation",
        ).success(self._joined).failure(self._refused).run_in_background()

    def _joined(self, welcome: Welcome) -> None:
        self.taken_up.emit(str(welcome.person.get("username") or self.username.text().strip()))
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(error, EnrolmentFailed):
            self._say(error.in_language(words.language()))
        else:
            self._say(tr("Something went wrong. Try again."))
