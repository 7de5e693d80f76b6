"""The invitation e-mail (issue 14), through a real SMTP server process and the mail outbox.

An invitation is mailed with the code the inviting client made; one that
waits for a coordinator is held until approved; a withdrawn one is never
sent; and the code does not stay in the outbox once the mail has gone.
"""

from __future__ import annotations

import json

from desktop.core.ids import uuid7
from desktop.invitations import new_code
from sync.server import invitations
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.test_mail import (  # noqa: F401 - fixtures
    SmtpServer,
    body,
    mail_env,
    smtp,
    sync_servers_for_mail,
    wait_for,
)


def test_an_invitation_is_mailed_with_its_code_held_for_approval_and_dropped_when_withdrawn(
    sync_servers_for_mail: Servers, smtp: SmtpServer, world: World  # noqa: F811 - the fixtures above
) -> None:
    deployment = sync_servers_for_mail.start("sqlite", env=mail_env(smtp))
    anna, mette = deployment.user("anna"), deployment.user("mette")

    colleague_code = new_code()
    anna.apply("member.invite", invitation_id=uuid7(), email="ny.kollega@example.org", name="Nina",
               person_kind="employee", site_id=world.school.id, code=colleague_code,
               message="Vi ses på lærerværelset")
    wait_for(lambda: len(smtp.received()) == 1)
    message = smtp.received()[0]
    assert message["To"] == "ny.kollega@example.org"
    assert message["Subject"] == "Invitation til Knop / Invitation to Knop"
    text = body(message, "plain")
    assert colleague_code in text and "Anna Jensen" in text and "Vi ses på lærerværelset" in text
    assert "Egeskov Kommune" in text and "Hej Nina," in text and "Hello Nina," in text
    with deployment.database.read() as s:
        (facts,) = s.execute("SELECT facts FROM mail_outbox WHERE kind = 'invitation'").fetchone()
    assert colleague_code not in facts and json.loads(facts) == {}  # the code is gone once sent

    # Outsiders' invitations wait for a coordinator: the mail is held until approved.
    invitations.set_approval(deployment.database, True)
    waiting_id, withdrawn_id = uuid7(), uuid7()
    for invitation_id, email in ((waiting_id, "frivillig@example.org"), (withdrawn_id, "fortrudt@example.org")):
        anna.apply("member.invite", invitation_id=invitation_id, email=email, person_kind="volunteer",
                   site_id=world.school.id, code=new_code())
    anna.apply("member.revoke_invitation", invitation_id=withdrawn_id)
    with deployment.database.read() as s:
        held = s.execute("SELECT id FROM mail_outbox WHERE sent_at IS NULL").fetchall()
    assert [row[0] for row in held] == [f"invitation|{waiting_id}"]  # the withdrawn one is gone
    mette.apply("member.approve_invitation", invitation_id=waiting_id)
    wait_for(lambda: len(smtp.received()) == 2)
    assert sorted(m["To"] for m in smtp.received()) == ["frivillig@example.org", "ny.kollega@example.org"]
    deployment.stop()
    assert deployment.server_errors() == []
