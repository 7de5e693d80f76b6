"""Member invitations on the server: taking one up, its e-mail, and what an admin does with them.

The invitation itself is made, approved and withdrawn by operations
(`member.invite`, `member.approve_invitation`, `member.revoke_invitation` in
desktop.core.operations), pushed like any other and synced to who sent it,
the inviting site's managers and the admins. What only the server can do is here:

- `accept`: the invitee, who has no account yet, trades the code for one:
  the `member.accept` rule makes their person row, the server keeps their
  password (argon2), and an outsider may enrol their own computer with the
  same code, as a personal device that serves only them (`devices.person_id`)
  and is revoked like any other device.
- The invitation e-mail (`after_push`): queued in the mail outbox when the
  invitation is pushed, with the code the inviting client made. An invitation
  that waits for a coordinator is queued but held until approved; a withdrawn
  one is dropped unsent; a sent one has its code blanked from the outbox.
- For admins (knop-admin, and the admin GUI of issue 15): `listing` and
  `revoke`. Clients of admins and coordinators also hold the rows
  themselves (table `member_invitations`, pulled like any other) and withdraw
  through the `member.revoke_invitation` operation, so no extra HTTP API is needed.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from desktop.core import operations
from desktop.core.entities import (
    InvitationMail,
    InvitationStatus,
    MemberInvitation,
    Organisation,
    Person,
    PersonKind,
    Role,
    Site,
)
from desktop.core.ids import utc_now, uuid7
from desktop.core.operations import Change
from desktop.core.rejection import Rejection
from desktop.core.text import quoted, sentence
from desktop.core.usernames import normalise_username
from sync.server import accounts, audit, directory, feed
from sync.server.errors import ApiError
from sync.server.storage import Database, Session

MAIL_KIND = "invitation"  # mail_outbox.kind of invitation e-mails
HELD = "9999-12-31T23:59:59.999Z"  # due_at of a mail waiting for a coordinator's approval
SMTP_HOST_ENV = "KNOP_SMTP_HOST"
MIN_PASSWORD = 8


# --- taking an invitation up --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Accepted:
    """The new person, and for a personal device its credential and a login token on it."""

    person: Person
    device: accounts.Enrolled | None = None
    token: str | None = None
    expires_at: str | None = None


class Refused(Exception):
    """The invitation cannot be taken up; `rejection` says why in both languages."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.message("en"))
        self.rejection = rejection


def find(session: Session, code: str) -> MemberInvitation | None:
    """The invitation whose code this is (typed with or without dashes), or None."""
    found = session.fetch(MemberInvitation, "code_hash = ?", (operations.code_hash(code),))
    return found[0] if found else None


def accept(
    db: Database,
    *,
    code: str,
    username: str,
    password: str,
    name: str,
    phone: str = "",
    device_name: str | None = None,
    policy: accounts.Policy | None = None,
) -> Accepted:
    """Make the invitee's account from the invitation; with `device_name`, enrol their own computer.

    Raises Refused (unknown, used, withdrawn, expired or waiting code; taken
    username; a personal device for a colleague) and ApiError("invalid_request")
    for a password shorter than MIN_PASSWORD. Nothing is kept when it raises.
    The invitee who took it up already may ask again with the same code,
    username and password (`_taken_up_by`): they get their account again (and
    a personal device, if asked for), not a refusal.
    """
    if len(password) < MIN_PASSWORD:
        raise ApiError("invalid_request", {"password": f"at least {MIN_PASSWORD} characters"})
    login_name = normalise_username(username)
    if not directory.USERNAME.match(login_name):
        raise ApiError("invalid_request", {"username": "1-64 characters: letters a-z, digits, . _ @ -"})
    password_hash = accounts.hash_password(password)  # slow on purpose: outside the write
    now = utc_now()
    person_id = uuid7()
    again = _taken_up_by(db, code, login_name, password, now)  # the password checked outside the write too
    with db.write() as s:
        invitation = find(s, code)
        if invitation is None:
            raise Refused(Rejection("invitation.unknown"))
        if device_name is not None and not invitation.for_outsider:
            # Colleagues use the site's computers, which IT enrols.
            raise Refused(Rejection("invitation.unknown"))
        if again is not None and invitation.person_id == again and (person := s.get(Person, again)) and person.active:
            audit.record(
                s, at=now, actor_id=again, device_id=None, operation="member.accept", entity_id=invitation.id,
                summary=f"took up the invitation from {invitation.invited_by} again as {login_name} "
                "(the answer to the first time had not reached them)",
            )
            return _welcome(s, person, device_name, now, policy, again=True)
        if s.value("SELECT count(*) FROM accounts WHERE username = ?", (login_name,)):
            raise Refused(Rejection("member.username_taken", username=login_name))
        newcomer = Person(
            id=person_id, name=name, username=login_name, home_site_id=None,
            role=Role.EXTERNAL, kind=PersonKind.VOLUNTEER,
        )
        try:
            with s.savepoint():
                outcome = operations.apply(
                    "member.accept",
                    {"invitation_id": invitation.id, "code": code, "username": login_name,
                     "name": name, "phone": phone},
                    operations.Context(newcomer, None, now),
                    s,
                )
        except Rejection as rejection:
            raise Refused(rejection) from None
        s.execute(
            "INSERT INTO accounts (person_id, username, password_hash, updated_at, organisation_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (person_id, login_name, password_hash, now, s.organisation_of("people", person_id)),
        )
        feed.record(s, outcome.changes, now)
        audit.record(
            s, at=now, actor_id=person_id, device_id=None, operation="member.accept",
            entity_id=invitation.id,
            summary=f"accepted the invitation from {invitation.invited_by} as {login_name}",
        )
        person = s.get(Person, person_id)
        assert person is not None
        return _welcome(s, person, device_name, now, policy)


def _taken_up_by(db: Database, code: str, login_name: str, password: str, now: str) -> str | None:
    """Who took this invitation up already as `login_name` with this `password`, while it is still
    valid: the invitee asking again. Else None.

    The server made their account, but its answer never reached them (the
    network dropped it, or a personal device's credential could not be kept):
    asked again they were told the code was used, or their username taken, and
    only a new invitation helped (a try-out on a shared PC). Only the code, the
    username and the password together, all three secrets of the invitee, let
    them in again.
    """
    with db.read() as s:
        invitation = find(s, code)
        if (
            invitation is None
            or invitation.status != InvitationStatus.ACCEPTED
            or not invitation.person_id
            or invitation.expires_at <= now
        ):
            return None
        stored = s.value(
            "SELECT password_hash FROM accounts WHERE person_id = ? AND username = ?",
            (invitation.person_id, login_name),
        )
    if stored is None or not accounts.password_matches(str(stored), password):
        return None
    return invitation.person_id


def _welcome(
    s: Session,
    person: Person,
    device_name: str | None,
    now: str,
    policy: accounts.Policy | None,
    *,
    again: bool = False,
) -> Accepted:
    """`person` as taken up, with a personal device enrolled for them when `device_name` is given.

    Taken up `again` (the first answer never reached the invitee), the
    personal device that answer enrolled is enrolled anew rather than joined
    by a second one: its id is kept, its secret replaced and its tokens
    revoked (`_unreceived_device`), since nobody holds that secret. Without
    this every lost answer left a registered device behind that only IT
    could revoke.
    """
    if device_name is None:
        return Accepted(person)
    device = accounts.Enrolled(uuid7(), accounts.new_secret(), "")
    earlier = _unreceived_device(s, person.id) if again else None
    if earlier is not None:
        device = accounts.Enrolled(earlier, device.secret, "")
        s.execute(
            "UPDATE devices SET name = ?, secret_hash = ?, enrolled_at = ? WHERE id = ?",
            (device_name.strip()[:100], accounts.digest(device.secret), now, earlier),
        )
        s.execute("UPDATE tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL", (now, earlier))
    else:
        s.execute(
            "INSERT INTO devices (id, site_id, name, secret_hash, enrolled_at, person_id, organisation_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (device.device_id, "", device_name.strip()[:100], accounts.digest(device.secret), now, person.id,
             person.organisation_id),  # a personal device is its person's organisation's
        )
    token, expires_at = accounts.issue_token(s, person.id, device.device_id, policy or accounts.Policy())
    return Accepted(person, device, token, expires_at)


def _unreceived_device(s: Session, person_id: str) -> str | None:
    """The id of `person_id`'s personal device that an earlier take-up enrolled and nobody has
    used since, or None.

    Unused: unrevoked, and issued no token since it was (last) enrolled
    but the one the take-up issued with it. A login on the device would
    have issued a second: a device someone logged in on received its answer
    and is left alone (a take-up again then enrols a second device, as
    before). Of several, the latest.
    """
    found = s.one(
        "SELECT d.id FROM devices d WHERE d.person_id = ? AND d.revoked_at IS NULL "
        "AND (SELECT count(*) FROM tokens t WHERE t.device_id = d.id AND t.created_at >= d.enrolled_at) <= 1 "
        "ORDER BY d.enrolled_at DESC, d.id DESC LIMIT 1",
        (person_id,),
    )
    return None if found is None else str(found[0])


# --- the e-mail ------------------------------------------------------------------------


def after_push(
    session: Session, kind: str, payload: dict[str, Any], entity_id: str, now: str
) -> list[Change]:
    """Keep the invitation e-mail in step with an applied operation (call inside its transaction).

    Nothing is queued without a mail server (KNOP_SMTP_HOST): the inviting
    client shows the code to hand over instead, and the invitation says so
    (`MemberInvitation.mail`, "no_mail_server"; "queued" where it is queued).
    Returns the invitation rows it wrote, for the caller's feed.
    """
    if kind == "member.invite" and not os.environ.get(SMTP_HOST_ENV, "").strip():
        return _mail_became(session, entity_id, InvitationMail.NO_MAIL_SERVER)
    if kind == "member.invite":
        invitation = session.get(MemberInvitation, entity_id)
        if invitation is None:
            return []
        inviter = session.get(Person, invitation.invited_by)
        site = session.get(Site, invitation.site_id)
        organisation = session.get(Organisation, site.organisation_id) if site else None
        facts = {
            "address": invitation.email,
            "name": invitation.name,
            "code": str(payload.get("code") or ""),
            "inviter": inviter.name if inviter else "",
            "organisation": organisation.name if organisation else "",
            "message": invitation.message,
            "expires": invitation.expires_at[:10],
        }
        waits = invitation.status == InvitationStatus.AWAITING_APPROVAL
        session.execute(
            "INSERT INTO mail_outbox (id, person_id, kind, mode, task_id, facts, created_at, due_at, "
            "organisation_id) VALUES (?, ?, ?, 'immediate', '', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (f"invitation|{invitation.id}", invitation.id, MAIL_KIND,
             json.dumps(facts, ensure_ascii=False), now, HELD if waits else now,
             session.organisation_of("sites", invitation.site_id)),  # the inviting site's
        )
        return _mail_became(session, entity_id, InvitationMail.QUEUED)
    if kind == "member.approve_invitation":
        session.execute(
            "UPDATE mail_outbox SET due_at = ? WHERE id = ? AND sent_at IS NULL",
            (now, f"invitation|{entity_id}"),
        )
    elif kind == "member.revoke_invitation":
        session.execute(
            "DELETE FROM mail_outbox WHERE id = ? AND sent_at IS NULL", (f"invitation|{entity_id}",)
        )
    return []


def _mail_became(session: Session, invitation_id: str, state: InvitationMail) -> list[Change]:
    """Write `state` as the invitation's `mail` (its version raised, so devices take it); [] if it was already."""
    invitation = session.get(MemberInvitation, invitation_id)
    if invitation is None or invitation.mail == state:
        return []
    changed = invitation.replace(mail=str(state), version=invitation.version + 1)
    session.put(changed)
    return [Change(changed)]


def mail_went(session: Session, outbox_ids: list[str], sent: bool, now: str) -> None:
    """Tell the invitations among the mail outbox's rows `outbox_ids` what became of their e-mail.

    `sent`: the mail server accepted it; else it refused it or could not be
    reached (the row waits for another try). Into the feed, for the inviter's
    list (sync.server.mail calls it inside the transaction that marks the rows).
    """
    state = InvitationMail.SENT if sent else InvitationMail.FAILING
    changes = [
        change
        for row_id in outbox_ids
        if row_id.startswith(f"{MAIL_KIND}|")
        for change in _mail_became(session, row_id.partition("|")[2], state)
    ]
    if changes:
        feed.record(session, changes, now)


def message(facts: dict[str, Any], sender: str, public_url: str, row_id: str) -> EmailMessage:
    """The invitation e-mail, in Danish and English (the invitee has chosen no language yet)."""
    words = {
        "greeting": sentence("Hello {name},", name=facts.get("name") or facts["address"]),
        "invited": sentence(
            "{inviter} invites you to Knop, the task exchange of {organisation}.",
            inviter=facts.get("inviter") or "?", organisation=facts.get("organisation") or "?",
        ),
        "code": sentence("Your invitation code: {code}", code=facts["code"]),
        "how": sentence(
            "Install Knop, then take up the invitation with: knop accept-invitation --server {link} --code {code}",
            link=public_url, code=facts["code"],
        ),
        "expires": sentence("The code can be used once, until {date}.", date=facts.get("expires") or "?"),
    }
    parts = [
        "\n".join([words["greeting"].text(lang), "", words["invited"].text(lang),
                   *([quoted(facts["message"]).text(lang)] if facts.get("message") else []), "",
                   words["code"].text(lang), words["how"].text(lang), words["expires"].text(lang)])
        for lang in ("da", "en")
    ]
    mail = EmailMessage()
    mail["Subject"] = sentence("Invitation to Knop").text("da") + " / " + sentence("Invitation to Knop").text("en")
    mail["From"] = sender
    mail["To"] = facts["address"]
    mail["Message-ID"] = f"<{row_id.replace('|', '.')}@knop>"
    text = "\n\n----\n\n".join(parts)
    mail.set_content(text)
    mail.add_alternative(
        "<html><body>" + "<hr>".join(f"<pre>{html.escape(p)}</pre>" for p in parts) + "</body></html>",
        subtype="html",
    )
    return mail


# --- for admins ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listed:
    """One invitation as an admin lists it; `expired` is judged by the server's clock."""

    invitation: MemberInvitation
    inviter: str  # the inviter's name
    site: str  # the inviting site's name
    expired: bool


def listing(db: Database, *, everything: bool = False, organisation_id: str | None = None) -> list[Listed]:
    """Invitations not yet taken up nor withdrawn (with `everything`: all), newest first.

    With `organisation_id`, that organisation's only (issue 16).
    """
    now = utc_now()
    where = "1 = 1" if everything else "status IN ('pending', 'awaiting_approval')"
    params: tuple[str, ...] = ()
    if organisation_id is not None:
        where, params = f"{where} AND organisation_id = ?", (organisation_id,)
    with db.read() as s:
        found = s.fetch(MemberInvitation, f"{where} ORDER BY created_at DESC, id", params)
        people = {p.id: p.name for p in s.fetch(Person, "id IN (SELECT invited_by FROM member_invitations)")}
        sites = {site.id: site.name for site in s.fetch(Site, "1 = 1")}
    return [
        Listed(i, people.get(i.invited_by, "?"), sites.get(i.site_id, "?"), i.expires_at <= now)
        for i in found
    ]


def revoke(db: Database, invitation_id: str) -> bool:
    """Withdraw an invitation not yet taken up (as knop-admin); False when there is none such."""
    now = utc_now()
    with db.write() as s:
        found = s.get(MemberInvitation, invitation_id)
        if found is None or found.status not in (InvitationStatus.PENDING, InvitationStatus.AWAITING_APPROVAL):
            return False
        withdrawn = found.replace(status=InvitationStatus.REVOKED, decided_at=now, version=found.version + 1)
        s.put(withdrawn)
        feed.record(s, [Change(withdrawn)], now)
        audit.record(
            s, at=now, actor_id=audit.ADMIN_TOOL, device_id=None, operation="member.revoke_invitation",
            entity_id=invitation_id, summary=f"withdrew the invitation of {found.email}",
        )
        after_push(s, "member.revoke_invitation", {}, invitation_id, now)
    return True


def set_approval(db: Database, required: bool, organisation_id: str | None = None) -> Organisation:
    """Whether invitations of outsiders wait for a coordinator (the setting of the organisation
    `organisation_id`; None: the first)."""
    with db.write() as s:
        if organisation_id is not None:
            found = s.fetch(Organisation, "id = ?", (organisation_id,))
        else:
            found = s.fetch(Organisation, "1 = 1 ORDER BY id LIMIT 1")
        if not found:
            raise LookupError("no organisation yet: run knop-admin init first")
        changed = found[0].replace(externals_need_approval=required)
        s.put(changed)
        now = utc_now()
        feed.record(s, [Change(changed)], now)
        audit.record(
            s, at=now, actor_id=audit.ADMIN_TOOL, device_id=None, operation="admin.invitation_approval",
            entity_id=changed.id, summary=f"externals need approval: {required}", organisation_id=changed.id,
        )
    return changed
