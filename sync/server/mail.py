"""Sending the mail outbox through SMTP: nothing lost while the mail server is down, nothing sent twice.

Settings come from the environment of the server (so that credentials never sit
in a file or on a command line):

    KNOP_SMTP_HOST          the mail server; unset: no e-mail is queued or sent
    KNOP_SMTP_PORT          default 25 ("none"), 587 ("starttls") or 465 ("ssl")
    KNOP_SMTP_TLS           none | starttls | ssl (default starttls)
    KNOP_SMTP_USER          and KNOP_SMTP_PASSWORD: log in when set
    KNOP_MAIL_FROM          the sender address (default knop@localhost)
    KNOP_PUBLIC_URL         where people reach this server, for unsubscribe links
    KNOP_MAIL_POLL_SECONDS  how often a worker looks for due rows (default 30)
    KNOP_MAIL_RETRY_SECONDS the wait after a failed send, doubled each time up to an hour (default 30)

One round: claim due rows in a write transaction (a lease: `claimed_by`,
`claimed_until`), send them outside any transaction, and mark what the mail
server accepted as sent in the next. Several workers and several server
processes may run rounds at once: a claimed row is nobody else's until its
lease runs out. A send that fails leaves the row unsent with a later `due_at`
(backing off), so a mail server that is down loses nothing. A row is marked
sent the moment SMTP accepted it, and a sent row is never claimed again, so a
restart sends nothing twice; only a crash in the instant between SMTP's
acceptance and that mark could repeat one, and then the repeat carries the
same Message-ID, which mail programs recognise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import json
import logging
import os
import smtplib
import ssl
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from desktop.core import notices
from desktop.core.entities import Person, PersonSettings
from desktop.core.ids import utc_now, uuid7
from desktop.core.text import quoted, sentence
from sync.server import invitations, notify
from sync.server.rounds import Rounds
from sync.server.storage import Database, Session

log = logging.getLogger("knop.server.mail")

LEASE_SECONDS = 300  # a claim older than this belonged to a sender that died
BATCH = 50  # rows claimed per round
MAX_BACKOFF_SECONDS = 3600
KEEP_SENT_DAYS = 30
UNSUBSCRIBE_PATH = "/mail/unsubscribe"


class MailSettingsError(ValueError):
    """A mail setting in the environment cannot be used; says which and why."""


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str
    port: int
    tls: str  # "none", "starttls" or "ssl"
    user: str | None
    password: str | None
    sender: str
    public_url: str
    poll_seconds: float
    retry_seconds: float

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> MailSettings | None:
        """The settings, or None when no mail server is configured. Raises MailSettingsError."""
        env = dict(os.environ if environ is None else environ)
        host = env.get("KNOP_SMTP_HOST", "").strip()
        if not host:
            return None
        tls = env.get("KNOP_SMTP_TLS", "starttls").strip().lower()
        if tls not in ("none", "starttls", "ssl"):
            raise MailSettingsError(f"KNOP_SMTP_TLS must be none, starttls or ssl, not {tls!r}")
        default_port = {"none": 25, "starttls": 587, "ssl": 465}[tls]
        try:
            port = int(env.get("KNOP_SMTP_PORT") or default_port)
            poll = float(env.get("KNOP_MAIL_POLL_SECONDS") or 30)
            retry = float(env.get("KNOP_MAIL_RETRY_SECONDS") or 30)
        except ValueError as error:
            raise MailSettingsError(f"KNOP_SMTP_PORT or a mail interval: {error}") from None
        return cls(
            host=host,
            port=port,
            tls=tls,
            user=env.get("KNOP_SMTP_USER") or None,
            password=env.get("KNOP_SMTP_PASSWORD") or None,
            sender=env.get("KNOP_MAIL_FROM") or "knop@localhost",
            public_url=(env.get("KNOP_PUBLIC_URL") or "http://127.0.0.1:8765").rstrip("/"),
            poll_seconds=max(poll, 0.05),
            retry_seconds=max(retry, 0.0),
        )


# --- unsubscribe links ------------------------------------------------------------------


def _secret(session: Session) -> bytes:
    return str(session.value("SELECT value FROM meta WHERE key = 'mail_secret'")).encode()


def signature(session: Session, person_id: str, kind: str) -> str:
    """What proves an unsubscribe link was made by this server for this person and kind."""
    message = f"{person_id}\n{kind}".encode()
    return hmac.new(_secret(session), message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_link(session: Session, settings: MailSettings, person_id: str, kind: str) -> str:
    query = urllib.parse.urlencode(
        {"person": person_id, "kind": kind, "sig": signature(session, person_id, kind)}
    )
    return f"{settings.public_url}{UNSUBSCRIBE_PATH}?{query}"


# --- the messages ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    id: str
    person_id: str
    kind: str
    mode: str
    facts: dict[str, Any]


def _language(session: Session, person_id: str) -> str:
    held = session.get(PersonSettings, person_id)
    return str(notices.preference(held.preferences if held else None, notices.LANGUAGE_KEY))


def _message(
    session: Session, settings: MailSettings, person: Person, rows: list[_Row]
) -> EmailMessage:
    """One e-mail for these rows (one, or a person's digest): plain text and HTML, in their language."""
    language = _language(session, person.id)
    lines = [notices.describe(r.kind, r.facts).text(language) for r in rows]
    if len(rows) == 1:
        # The line without the manager's words: a subject is one short line, and a
        # message over several lines cannot be a header at all (EmailMessage refuses it).
        subject = notices.describe(rows[0].kind, {**rows[0].facts, "message": ""}).text(language)
    else:
        subject = sentence("Knop: what happened since yesterday").text(language)
    greeting = sentence("Dear {name},", name=person.name).text(language)
    unsubscribe = {
        r.kind: (
            notices.kind_name(r.kind).text(language),
            unsubscribe_link(session, settings, person.id, r.kind),
        )
        for r in rows
    }
    stop = sentence("No more e-mail about {kind}: {link}")
    text = "\n".join(
        [
            greeting,
            "",
            *(f"- {line}" for line in lines),
            "",
            sentence("Open Knop to see more.").text(language),
            "",
            *(
                sentence(stop.msgid, kind=quoted(name), link=link).text(language)
                for name, link in unsubscribe.values()
            ),
        ]
    )
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    stops = "".join(
        "<p><small>"
        + html.escape(sentence(stop.msgid, kind=quoted(name), link="\x00").text(language)).replace(
            "\x00", f'<a href="{html.escape(link)}">{html.escape(link)}</a>'
        )
        + "</small></p>"
        for name, link in unsubscribe.values()
    )
    body = (
        f'<html lang="{language}"><body><p>{html.escape(greeting)}</p><ul>{items}</ul>'
        f"<p>{html.escape(sentence('Open Knop to see more.').text(language))}</p>{stops}</body></html>"
    )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = person.email
    # The same rows always make the same Message-ID: a repeat is recognisable as one.
    digest = hashlib.sha256("\n".join(r.id for r in rows).encode()).hexdigest()[:24]
    message["Message-ID"] = make_msgid(idstring=digest, domain="knop")
    message.set_content(text)
    message.add_alternative(body, subtype="html")
    message["Content-Language"] = language  # after the content, which resets Content-* headers
    return message


# --- claiming, sending, marking ----------------------------------------------------------


def _later(now: str, seconds: float) -> str:
    at = dt.datetime.fromisoformat(now.replace("Z", "+00:00")) + dt.timedelta(seconds=seconds)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def claim(db: Database, worker: str, now: str) -> list[_Row]:
    """Take up to BATCH due, unsent, unclaimed rows for this worker; a person's due digest rows all go together."""
    with db.write() as s:
        found = s.execute(
            "SELECT id, person_id, kind, mode, facts FROM mail_outbox WHERE sent_at IS NULL "
            "AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) "
            "ORDER BY due_at, id LIMIT ?",
            (now, now, BATCH),
        ).fetchall()
        rows = [_Row(str(r[0]), str(r[1]), str(r[2]), str(r[3]), json.loads(r[4])) for r in found]
        if not rows:
            return []
        marks = ", ".join("?" for _ in rows)
        s.execute(
            f"UPDATE mail_outbox SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1 "
            f"WHERE id IN ({marks})",
            [worker, _later(now, LEASE_SECONDS), *(r.id for r in rows)],
        )
        return rows


def _send(settings: MailSettings, message: EmailMessage) -> None:
    """Hand one message to the SMTP server; raises OSError or smtplib.SMTPException."""
    timeout = 30
    if settings.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with smtp:
        if settings.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message)


def deliver_due(db: Database, settings: MailSettings, *, now: str | None = None) -> int:
    """One round: claim, send, mark. Returns how many e-mails the SMTP server accepted."""
    worker = uuid7()
    now = now or utc_now()
    rows = claim(db, worker, now)
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        # Immediate rows go one by one; a person's digest rows go as one e-mail.
        key = (row.person_id, row.id if row.mode == notices.EMAIL_IMMEDIATE else "digest")
        groups.setdefault(key, []).append(row)
    sent = 0
    for (person_id, _), group in groups.items():
        ids = [r.id for r in group]
        if group[0].kind == invitations.MAIL_KIND:
            # To someone who is no person here yet: the address is in the row.
            message: EmailMessage | None = invitations.message(
                group[0].facts, settings.sender, settings.public_url, group[0].id
            )
        else:
            with db.read() as s:
                person = s.get(Person, person_id)
                message = _message(s, settings, person, group) if person and person.email else None
        if message is None:
            _finish(db, worker, ids, sent_at=utc_now(), error="no address")
            continue
        try:
            _send(settings, message)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mail to %s not sent (%s); will retry", person_id, error)
            _retry(db, worker, ids, str(error)[:300], settings.retry_seconds)
            continue
        _finish(db, worker, ids, sent_at=utc_now(), error=None)
        sent += 1
    return sent


def _finish(db: Database, worker: str, ids: list[str], *, sent_at: str, error: str | None) -> None:
    marks = ", ".join("?" for _ in ids)
    with db.write() as s:
        s.execute(
            f"UPDATE mail_outbox SET sent_at = ?, last_error = ?, claimed_until = NULL "
            f"WHERE id IN ({marks}) AND claimed_by = ?",
            [sent_at, error, *ids, worker],
        )
        # An invitation's code stays in the outbox no longer than it takes to send it.
        s.execute(
            f"UPDATE mail_outbox SET facts = '{{}}' WHERE kind = ? AND id IN ({marks}) AND sent_at IS NOT NULL",
            [invitations.MAIL_KIND, *ids],
        )
        if error is None:  # an invitation's list says it was sent only now (MemberInvitation.mail)
            invitations.mail_went(s, ids, True, sent_at)


def _retry(db: Database, worker: str, ids: list[str], error: str, base: float) -> None:
    marks = ", ".join("?" for _ in ids)
    with db.write() as s:
        attempts = int(
            s.value(f"SELECT max(attempts) FROM mail_outbox WHERE id IN ({marks})", ids, default=1)
        )
        wait = min(base * 2 ** min(attempts - 1, 16), MAX_BACKOFF_SECONDS)
        s.execute(
            f"UPDATE mail_outbox SET claimed_until = NULL, last_error = ?, due_at = ? "
            f"WHERE id IN ({marks}) AND claimed_by = ? AND sent_at IS NULL",
            [error, _later(utc_now(), wait), *ids, worker],
        )
        invitations.mail_went(s, ids, False, utc_now())  # not "queued" any longer: it failed


class MailWorker(Rounds):
    """A thread in each server process that runs a round every `poll_seconds` until stopped."""

    def __init__(self, db: Database, settings: MailSettings) -> None:
        super().__init__("knop-mail", settings.poll_seconds, self._one_round)
        self.db = db
        self.settings = settings
        self._reminded = ""  # the hour reminders were last queued in, by this process

    def _one_round(self) -> None:
        hour = utc_now()[:13]
        if hour != self._reminded:
            with self.db.write() as s:
                notify.queue_reminders(s, utc_now())
                # Sent rows are kept a while for IT's questions, then go.
                s.execute(
                    "DELETE FROM mail_outbox WHERE sent_at IS NOT NULL AND sent_at < ?",
                    (_later(utc_now(), -KEEP_SENT_DAYS * 86400),),
                )
            self._reminded = hour
        while deliver_due(self.db, self.settings) and not self.stopping():
            pass  # more may be due right away
