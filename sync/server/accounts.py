"""Who is asking: passwords, enrolled devices, login tokens and the login throttle.

A request to push or pull carries two credentials: the device's own
(`Knop-Device: <device_id>.<secret>`, given once at enrolment) and the user's
token (given at login on that device, bound to both). Only hashes of the
secrets are stored. Device secrets and tokens are long random strings, so a
plain SHA-256 is enough for them; passwords are short and human, so they get
argon2id.

Everything here lives in the database, not in process memory, because several
server processes answer requests side by side: a token revoked through one is
revoked for all, and the login throttle counts attempts across all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from desktop.core.entities import Person
from desktop.core.ids import utc_now, uuid7
from desktop.core.usernames import normalise_username
from sync.server.errors import ApiError
from sync.server.storage import Database, Session, column_names

# argon2-cffi's defaults are RFC 9106's low-memory profile of argon2id.
HASHER = PasswordHasher()

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud over the phone
CODE_LENGTH = 16


@dataclass(frozen=True, slots=True)
class Policy:
    """Lifetimes and throttle limits; the defaults suit a municipality, env vars tune them."""

    token_days: float = 30.0
    code_days: float = 7.0
    user_failures: int = 5  # failed logins per username per window
    device_failures: int = 20  # failed logins per device per window
    window_seconds: float = 15 * 60

    @classmethod
    def from_env(cls) -> Policy:
        def number(name: str, default: float) -> float:
            try:
                return float(os.environ.get(name, default))
            except ValueError:
                return default

        default = cls()
        return cls(
            token_days=number("KNOP_TOKEN_DAYS", default.token_days),
            code_days=number("KNOP_ENROLMENT_CODE_DAYS", default.code_days),
            user_failures=int(number("KNOP_LOGIN_USER_FAILURES", default.user_failures)),
            device_failures=int(number("KNOP_LOGIN_DEVICE_FAILURES", default.device_failures)),
            window_seconds=number("KNOP_LOGIN_WINDOW_SECONDS", default.window_seconds),
        )


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _later(days: float) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- enrolment -------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """Dashes, spaces and case do not matter, so a code can be read out and typed."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_enrolment_code(db: Database, site_id: str, policy: Policy = Policy()) -> str:
    """A one-time code that enrols one device to `site_id`; only its hash is kept."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with db.write(serial=False) as s:
        if s.value("SELECT count(*) FROM sites WHERE id = ?", (site_id,)) == 0:
            raise LookupError(f"no site with id {site_id!r}")
        s.execute(
            "INSERT INTO enrolment_codes (code_hash, site_id, created_at, expires_at, organisation_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (digest(raw), site_id, utc_now(), _later(policy.code_days), s.organisation_of("sites", site_id)),
        )
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def new_secret() -> str:
    """A device's secret: long and random, so its SHA-256 is all that needs keeping."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Enrolled:
    device_id: str
    secret: str
    site_id: str

    @property
    def credential(self) -> str:
        return f"{self.device_id}.{self.secret}"


def enrol(db: Database, code: str, name: str) -> Enrolled:
    """Trade a one-time code for a device credential. Raises ApiError("enrolment_failed")."""
    now = utc_now()
    with db.write(serial=False) as s:
        found = s.one(
            "SELECT site_id, expires_at, used_at FROM enrolment_codes WHERE code_hash = ?",
            (digest(normalise_code(code)),),
        )
        if found is None or found[2] is not None or found[1] <= now:
            raise ApiError("enrolment_failed")
        device = Enrolled(device_id=uuid7(), secret=new_secret(), site_id=found[0])
        s.execute(
            "UPDATE enrolment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
            (now, device.device_id, digest(normalise_code(code))),
        )
        s.execute(
            "INSERT INTO devices (id, site_id, name, secret_hash, enrolled_at, organisation_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (device.device_id, device.site_id, name, digest(device.secret), now,
             s.organisation_of("sites", device.site_id)),
        )
    return device


def revoke_device(db: Database, device_id: str) -> bool:
    """The device can no longer log anyone in, and its users' tokens stop working."""
    now = utc_now()
    with db.write(serial=False) as s:
        done = s.execute(
            "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (now, device_id),
        ).rowcount
        s.execute(
            "UPDATE tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
            (now, device_id),
        )
    return bool(done)


def device_from_header(s: Session, header: str | None) -> str:
    """The enrolled, unrevoked device a Knop-Device header names, or ApiError."""
    device_id, _, secret = (header or "").strip().partition(".")
    if not device_id or not secret or len(header or "") > 300:
        raise ApiError("device_invalid")
    found = s.one("SELECT secret_hash, revoked_at FROM devices WHERE id = ?", (device_id,))
    if found is None or not hmac.compare_digest(found[0], digest(secret)):
        raise ApiError("device_invalid")
    if found[1] is not None:
        raise ApiError("device_revoked")
    return device_id


# --- login -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Login:
    token: str
    person: Person
    expires_at: str


def login(
    db: Database, device_header: str | None, username: str, password: str, policy: Policy
) -> Login:
    """Check a password on an enrolled device and hand out a token bound to both.

    The argon2 check runs outside any transaction: it is slow on purpose, and
    no other request should wait for it.
    """
    subject = normalise_username(username)
    with db.read() as s:
        device_id = device_from_header(s, device_header)
        _refuse_if_throttled(s, policy, f"user:{subject}", f"device:{device_id}")
        found = s.one(
            "SELECT a.password_hash, p.id FROM accounts a JOIN people p ON p.id = a.person_id "
            "WHERE a.username = ? AND p.active = ?",
            (subject, True),
        )
    stored, person_id = found if found and found[0] else (None, None)
    if not password_matches(stored, password):
        with db.write(serial=False) as s:
            # Guessed usernames leave rows behind; windows long past are forgotten here.
            s.execute(
                "DELETE FROM login_throttle WHERE window_start < ?",
                (time.time() - 2 * policy.window_seconds,),
            )
            for key in (f"user:{subject}", f"device:{device_id}"):
                _count_failure(s, key, policy.window_seconds)
        raise ApiError("login_failed")
    with db.write(serial=False) as s:
        owner, device_organisation = s.one(
            "SELECT person_id, organisation_id FROM devices WHERE id = ?", (device_id,)
        ) or (None, None)
        if owner is not None and owner != person_id:
            # A personal device serves only its owner; said as a wrong password,
            # so nobody learns whose computer it is.
            raise ApiError("login_failed")
        if owner is None and device_organisation != s.organisation_of("people", person_id):
            # A shared workstation serves its site's organisation (issue 16); the
            # password was right, so saying why tells nothing to a guesser.
            raise ApiError("other_organisation")
        s.execute("DELETE FROM login_throttle WHERE subject = ?", (f"user:{subject}",))
        token, expires_at = issue_token(s, person_id, device_id, policy)
        person = s.get(Person, person_id)
    assert person is not None
    return Login(token, person, expires_at)


def issue_token(s: Session, person_id: str, device_id: str, policy: Policy) -> tuple[str, str]:
    """A new login token for the person on the device: (token, expires_at ISO 8601 UTC)."""
    token = secrets.token_urlsafe(32)
    expires_at = _later(policy.token_days)
    s.execute(
        "INSERT INTO tokens (token_hash, person_id, device_id, created_at, expires_at, organisation_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (digest(token), person_id, device_id, utc_now(), expires_at, s.organisation_of("people", person_id)),
    )
    return token, expires_at


@functools.cache
def _decoy_hash() -> str:
    """Checked when the username is unknown, so that a wrong username costs as long
    as a wrong password and does not reveal who has an account."""
    return PasswordHasher().hash(secrets.token_urlsafe(16))


def password_matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` (an argon2 hash) was made from; None: no (as long to say)."""
    try:
        return HASHER.verify(stored or _decoy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _refuse_if_throttled(s: Session, policy: Policy, user_key: str, device_key: str) -> None:
    now = time.time()
    for key, limit in ((user_key, policy.user_failures), (device_key, policy.device_failures)):
        found = s.one("SELECT window_start, failures FROM login_throttle WHERE subject = ?", (key,))
        if found and found[1] >= limit and now - found[0] < policy.window_seconds:
            wait = int(policy.window_seconds - (now - found[0])) + 1
            raise ApiError("too_many_attempts", {"retry_after": wait}, {"Retry-After": str(wait)})


def _count_failure(s: Session, key: str, window: float) -> None:
    """One more failure in the current window, or the first of a new window."""
    now = time.time()
    s.execute(
        "INSERT INTO login_throttle (subject, window_start, failures) VALUES (?, ?, 1) "
        "ON CONFLICT (subject) DO UPDATE SET "
        "failures = CASE WHEN ? - login_throttle.window_start >= ? THEN 1 "
        "ELSE login_throttle.failures + 1 END, "
        "window_start = CASE WHEN ? - login_throttle.window_start >= ? THEN ? "
        "ELSE login_throttle.window_start END",
        (key, now, now, window, now, window, now),
    )


# --- requests with a token ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Caller:
    """A user acting through a device, as proven by the request's two credentials."""

    person: Person
    device_id: str
    token_hash: str


# Why the two credentials are refused, or NULL when they pass: the rule `authenticate`
# answers by, in SQL, so that PostgreSQL knows the answer too (`CREDENTIALS_PASSED`).
# Parameters: the device secret's digest, the time now. A bad device is reported before
# a bad token. The digests are compared by the database, not in constant time: what
# the time could betray is how much of a SHA-256 digest matched, which brings no one
# nearer a secret of 256 random bits.
_REFUSAL = (
    "CASE WHEN d.secret_hash <> ? THEN 'device_invalid' "
    "WHEN d.revoked_at IS NOT NULL THEN 'device_revoked' "
    "WHEN t.device_id IS NULL OR t.device_id <> d.id THEN 'token_invalid' "
    "WHEN t.revoked_at IS NOT NULL THEN 'token_revoked' "
    "WHEN t.expires_at <= ? THEN 'token_expired' "
    "WHEN p.id IS NULL OR NOT p.active THEN 'token_revoked' END"
)
_CREDENTIALS = (
    f"SELECT {{gate}} AS gate, checked.* FROM (SELECT {_REFUSAL} AS refusal, p.* "
    "FROM devices d LEFT JOIN tokens t ON t.token_hash = ? "
    "LEFT JOIN people p ON p.id = t.person_id WHERE d.id = ?) AS checked"
)
# On PostgreSQL the check also notes its verdict in the transaction (a setting that
# lasts until it ends), so that statements queued behind it in the same round trip
# can be made to run only if the credentials passed (`Session.gated`; a push's reads
# ahead). Without a device row nothing is noted, and the gate stays shut.
_AUTHENTICATE = {
    "postgresql": _CREDENTIALS.format(
        gate="set_config('knop.credentials', COALESCE(checked.refusal, 'passed'), true)"
    ),
    "sqlite": _CREDENTIALS.format(gate="NULL"),
}
CREDENTIALS_PASSED = "current_setting('knop.credentials', true) = 'passed'"


def authenticate(s: Session, device_header: str | None, token: str | None) -> Caller:
    """Both credentials checked in one indexed query (every push and pull starts here).

    The answers are those of `device_from_header` and then the token checks,
    in that order: a bad device is reported before a bad token.
    """
    return authenticate_ahead(s, device_header, token)()


def authenticate_ahead(s: Session, device_header: str | None, token: str | None) -> Callable[[], Caller]:
    """`authenticate`, its query sent now and answered (or refused) by the returned function.

    In psycopg's pipeline mode the query is only queued, so that it travels
    with others (a pull's feed bound). Credentials malformed on their face
    send nothing now; the returned function raises their ApiError.
    """
    device_id, _, secret = (device_header or "").strip().partition(".")
    if not device_id or not secret or len(device_header or "") > 300:
        return _refuse("device_invalid")
    if not token or len(token) > 300:

        def bad_token() -> Caller:
            device_from_header(s, device_header)
            raise ApiError("token_invalid")

        return bad_token
    token_hash = digest(token)
    cursor = s.execute(_AUTHENTICATE[s.dialect], (digest(secret), utc_now(), token_hash, device_id))
    return lambda: _caller(cursor, device_id, token_hash)


def _refuse(code: str) -> Callable[[], Caller]:
    def refuse() -> Caller:
        raise ApiError(code)

    return refuse


def _caller(cursor: Any, device_id: str, token_hash: str) -> Caller:
    """The answer to `_AUTHENTICATE`: the caller, or the refusal `_REFUSAL` found as an ApiError."""
    found = cursor.fetchone()
    if found is None:
        raise ApiError("device_invalid")
    if found[1] is not None:
        raise ApiError(str(found[1]))
    names = column_names(cursor)[2:]
    return Caller(Person.from_row(dict(zip(names, found[2:], strict=True))), device_id, token_hash)


def logout(db: Database, caller: Caller) -> None:
    with db.write(serial=False) as s:
        s.execute(
            "UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            (utc_now(), caller.token_hash),
        )


def revoke_tokens(
    db: Database,
    *,
    person_id: str | None = None,
    device_id: str | None = None,
    token: str | None = None,
) -> int:
    """Revoke one token (by its value), or every token of a person and/or a device."""
    clauses, params = ["revoked_at IS NULL"], []
    if token is not None:
        clauses.append("token_hash = ?")
        params.append(digest(token))
    if person_id is not None:
        clauses.append("person_id = ?")
        params.append(person_id)
    if device_id is not None:
        clauses.append("device_id = ?")
        params.append(device_id)
    if len(clauses) == 1:
        raise ValueError("say which tokens to revoke")
    with db.write(serial=False) as s:
        return int(
            s.execute(
                f"UPDATE tokens SET revoked_at = ? WHERE {' AND '.join(clauses)}",
                [utc_now(), *params],
            ).rowcount
        )
