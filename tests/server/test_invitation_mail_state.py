"""An invitation says truthfully what became of its e-mail, on SQLite and on PostgreSQL.

A try-out read "Sent" on every invitation of a server with no mail server, where
nothing is ever sent. The server now writes what became of the e-mail into the
invitation (`MemberInvitation.mail`), and the inviter's devices pull it: no mail
server; queued; sent once a real SMTP server (aiosmtpd, a process of its own)
took it; failing while none answers at the configured address.
"""

from __future__ import annotations

from typing import Any

from desktop.core.entities import InvitationMail
from desktop.core.ids import uuid7
from desktop.invitations import new_code
from sync import protocol
from sync.server import invitations
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Api, free_port
from tests.server.test_mail import SmtpServer, mail_env_at, wait_for


def invite(api: Api, world: World, email: str) -> str:
    invitation_id = uuid7()
    api.apply("member.invite", invitation_id=invitation_id, email=email, name="Nina", person_kind="volunteer",
              site_id=world.school.id, code=new_code())
    return invitation_id


def pulled_invitation(api: Api, invitation_id: str, rows: str | None = None) -> dict[str, Any]:
    """The invitation's row as the inviter's device pulls it (as a client storing rows of shape `rows`)."""
    headers = api.headers() if rows is None else {**api.headers(), protocol.ROWS_HEADER: rows}
    cursor, found = None, {}
    while True:
        answer = api.http.get(protocol.PATH_PULL, params={"cursor": cursor} if cursor else {}, headers=headers)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        for change in page["changes"]:
            if change["table"] == "member_invitations" and change["row"]["id"] == invitation_id:
                found = change["row"]
        cursor = page["cursor"]
        if not page["more"]:
            return found


def test_without_a_mail_server_the_invitation_says_nothing_was_sent(
    backend: str, servers: Servers, world: World
) -> None:
    deployment = servers.start(backend)  # no KNOP_SMTP_HOST
    anna = deployment.user("anna")
    invitation_id = invite(anna, world, "nina@example.org")
    row = pulled_invitation(anna, invitation_id)
    assert row["mail"] == InvitationMail.NO_MAIL_SERVER and row["version"] == 2  # raised, so devices take it
    # A client older than the field stores rows without it: it is not sent the column.
    assert "mail" not in pulled_invitation(anna, invitation_id, rows="2")
    anna.close()
    deployment.stop()
    assert deployment.server_errors() == []


def test_with_a_mail_server_it_says_failing_until_the_mail_server_takes_it_then_sent(
    backend: str, servers: Servers, world: World, tmp_path: Any
) -> None:
    smtp = SmtpServer(tmp_path)  # its port, where nobody listens yet: delivery fails
    deployment = servers.start(backend, env=mail_env_at(smtp.port))
    anna = deployment.user("anna")
    try:
        invitation_id = invite(anna, world, "nina@example.org")
        wait_for(lambda: pulled_invitation(anna, invitation_id).get("mail") == InvitationMail.FAILING)
        assert smtp.received() == []
        smtp.start()
        wait_for(lambda: pulled_invitation(anna, invitation_id).get("mail") == InvitationMail.SENT)
        assert [m["To"] for m in smtp.received()] == ["nina@example.org"]
    finally:
        smtp.stop()
        anna.close()
        deployment.stop()
    assert deployment.server_errors() == []


def test_a_queued_invitation_says_queued(backend: str, servers: Servers, world: World) -> None:
    """Waiting for a coordinator, the e-mail waits in the outbox: queued, not sent."""
    deployment = servers.start(backend, env=mail_env_at(free_port()))
    anna = deployment.user("anna")
    invitations.set_approval(deployment.database, True)
    invitation_id = invite(anna, world, "held@example.org")
    row = pulled_invitation(anna, invitation_id)
    assert (row["status"], row["mail"]) == ("awaiting_approval", InvitationMail.QUEUED)
    anna.close()
    deployment.stop()
    assert deployment.server_errors() == []
