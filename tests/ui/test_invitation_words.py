"""Invitations, in Danish and English: a status that tells the truth about the e-mail, and Alt+letters.

A try-out read "Sent"/"Sendt" on invitations of a server with no mail server,
where nothing is ever sent; the status now says what became of the e-mail
(the server writes it, `MemberInvitation.mail`), and tells the inviter to give
the code themselves where it was not sent. The invitation form's labels had no
Alt+letters, which the other forms have; now each has one, none twice.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from desktop.core.entities import InvitationMail, InvitationStatus, MemberInvitation
from desktop.core.ids import utc_now, uuid7
from desktop.store import Store
from tests.ui.driving import no_message_boxes  # noqa: F401 - autouse fixture
from tests.ui.test_accessible_names import _mnemonic
from ui import words
from ui.context import AppContext
from ui.invitation import AcceptInvitationDialog
from ui.reach import InvitationsTab, InviteDialog

# What became of the e-mail -> the list's cell and its tooltip's whole sentence, in Danish, then in English.
STATUS = {
    InvitationMail.UNKNOWN: (
        "Ikke sendt endnu", "Ikke sendt endnu: den er ikke nået til serveren endnu",
        "Not sent yet", "Not sent yet: not at the server yet",
    ),
    InvitationMail.NO_MAIL_SERVER: (
        "Ikke sendt: ingen mailserver", "Ikke sendt: der er ikke sat en mailserver op. Giv selv personen koden",
        "Not sent: no mail server", "Not sent: no mail server is set up. Give the person the code yourself",
    ),
    InvitationMail.QUEUED: ("Sendes med e-mail",) * 2 + ("Being sent by e-mail",) * 2,
    InvitationMail.FAILING: (
        "Ikke sendt endnu: mailserveren fejler",
        "Ikke sendt endnu: mailserveren har ikke taget imod den, og Knop prøver igen. Giv selv personen koden",
        "Not sent yet: the mail server fails",
        "Not sent yet: the mail server has not taken it, and Knop keeps trying. Give the person the code yourself",
    ),
    InvitationMail.SENT: ("Sendt med e-mail",) * 2 + ("Sent by e-mail",) * 2,
}


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_status_says_what_became_of_the_e_mail(
    qtbot: Any, make_context: Callable[..., AppContext], demo_store: Path, person: Callable[[str], Any],
    language: str,
) -> None:
    inviter = person("mette")
    made = {}
    store = Store(demo_store)
    try:
        with store.transaction():
            for mail in InvitationMail:
                invitation = MemberInvitation(
                    id=uuid7(), email=f"{mail or 'unknown'}@example.org", name="Nina", kind="volunteer",
                    site_id=str(inviter.home_site_id), invited_by=inviter.id, code_hash="x" * 64,
                    expires_at="2099-01-01T00:00:00.000Z", status=InvitationStatus.PENDING, created_at=utc_now(),
                    version=2, mail=str(mail),
                )
                store.put(invitation)
                made[invitation.id] = mail
    finally:
        store.close()
    words.use_language(language)
    try:
        tab = InvitationsTab(make_context(person=inviter, language=language))
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitUntil(lambda: all(tab.model.row_of(i) >= 0 for i in made), timeout=10_000)
        cells = {made[i]: tab.model.index(tab.model.row_of(i), 4) for i in made}
        said = {mail: (cell.data(), cell.data(Qt.ItemDataRole.ToolTipRole)) for mail, cell in cells.items()}
        first = 0 if language == "da" else 2
        assert said == {mail: texts[first : first + 2] for mail, texts in STATUS.items()}
        sent = "Sendt" if language == "da" else "Sent"
        assert [mail for mail, (text, _tip) in said.items() if text.startswith(sent)] == [InvitationMail.SENT]
    finally:
        words.use_language("en")


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_invite_dialog_gives_the_code_and_the_server_address_to_pass_on(
    qtbot: Any, make_context: Callable[..., AppContext], person: Callable[[str], Any], language: str
) -> None:
    words.use_language(language)
    try:
        context = make_context(person=person("mette"), language=language)
        context.settings = dataclasses.replace(context.settings, server_url="https://knop.egeskov.dk")
        dialog = InviteDialog(context)
        qtbot.addWidget(dialog)
        dialog.email.setText("nina@example.org")
        dialog.send_button.click()
        qtbot.waitUntil(lambda: dialog.code_label.isVisible() or dialog.handover.isVisibleTo(dialog), timeout=10_000)
        qtbot.waitUntil(lambda: bool(dialog.code_label.text()), timeout=10_000)
        assert dialog.code_label.text() == dialog.code
        assert "https://knop.egeskov.dk" in dialog.handover.text()
        # Nothing here knows yet whether it will be e-mailed: it does not say it will be.
        said = dialog.handover.text()
        # It says where to see whether it was: the tab of people one has invited (try-out s36: not jargon).
        assert (words.tr("People in&vited").replace("&", "") in said) and not re.search(r"(is|sendes) (also|også) (e-mailed|på e-mail)", said)
        qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
    finally:
        words.use_language("en")


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_field_of_the_invitation_form_has_its_own_alt_letter(qtbot: Any, language: str) -> None:
    words.use_language(language)
    try:
        dialog = AcceptInvitationDialog("https://knop.egeskov.dk")
        qtbot.addWidget(dialog)
        dialog.show()
        labels = [w for w in dialog.findChildren(QLabel) if w.buddy() is not None]
        assert len(labels) == 7  # server, code, username, name, phone, password, again
        unmarked = [w.text() for w in labels if _mnemonic(w.text()) is None]
        assert unmarked == []
        letters = [_mnemonic(w.text()) for w in [*labels, *dialog.findChildren(QAbstractButton)]]
        letters = [letter for letter in letters if letter is not None]
        assert len(letters) == len(set(letters)), letters
        assert {w.buddy() for w in labels} == {dialog.server, dialog.code, dialog.username, dialog.name,
                                               dialog.phone, dialog.password, dialog.again}
    finally:
        words.use_language("en")
