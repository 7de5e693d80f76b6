"""Logging in and out on a shared workstation, online when the server answers and offline when not.

    accounts = known_accounts()                      # who has logged in here (login screen)
    session = login("anna", password)                # raises LoginFailed with a sentence
    store = session.open_store()                     # that user's own SQLite file
    ...
    logout(session)                                  # False: the token stays for unsent changes

The first login on a machine is online: the server checks the password and
hands out a token bound to this device, which goes to the OS keyring
(desktop.credentials). The password itself is never kept; a slow scrypt
verifier of it is (desktop.accounts), so the same person can log in on this
machine while the server is unreachable, for `offline_login_days` after their
last online login.

Logging out keeps the token while the user's outbox still holds operations:
the background sync must push them with that user's own authority, even while
someone else is logged in. Once the outbox is empty the token is revoked on
the server (when it answers) and dropped from the keyring (`release_token`,
which the sync engine calls after it drains a logged-out user's outbox).

Without a usable keyring the token lives in the Session only; after logout or
a restart, the user's unsent changes wait until they log in online again.

Every call here may block on the network for a few seconds; the UI calls them
off its own thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop import accounts, credentials, paths
from desktop.core.redaction import remember_secret
from desktop.accounts import Account, known_accounts
from desktop.credentials import CredentialsUnavailable
from desktop.core.entities import Person
from desktop.core.ids import utc_now
from desktop.core.text import Wording, plural_sentence, sentence
from desktop.settings import Settings, SettingsError, load_settings
from desktop.store import Store
from sync.api import ServerApi
from sync.failures import (
    NotEnrolled,
    ServerRefused,
    ServerTrouble,
    ServerUnreachable,
    SyncFailure,
    UpdateRequired,
)
from sync.transport import Connection, Transport

log = logging.getLogger(__name__)

__all__ = [
    "Account",
    "LoginFailed",
    "LoginRefused",
    "NeverLoggedInHere",
    "OfflineLoginExpired",
    "Session",
    "WrongPassword",
    "known_accounts",
    "login",
    "logout",
    "release_token",
]


class LoginFailed(Exception):
    """Why a login did not work, in a sentence; `reason` is for code, `message()` for people."""

    reason = "failed"

    def __init__(self, words: Wording, *, reason: str | None = None, detail: Any = None) -> None:
        super().__init__(words.text("en"))
        self.words = words
        if reason is not None:
            self.reason = reason
        self.detail = detail

    def message(self, language: str = "da") -> str:
        """The sentence in `language` ("da" or "en")."""
        return self.words.text(language)


class WrongPassword(LoginFailed):
    """The password did not match. `known`: the name is one this machine knows (it lists it
    on the login screen already), so the sentence can say it was the password; for any
    other name it does not say whether the name exists (OWASP Authentication Cheat Sheet,
    "Authentication and Error Messages")."""

    reason = "wrong_password"

    def __init__(self, *, known: bool = False) -> None:
        super().__init__(sentence("Wrong password.") if known else sentence("Wrong username or password."))


class OfflineLoginExpired(LoginFailed):
    reason = "offline_expired"

    def __init__(self, days: int) -> None:
        if days <= 0:
            words = sentence(
                "The server cannot be reached, and offline login is turned off on this computer."
            )
        else:
            words = plural_sentence(
                "The server cannot be reached, and it is more than {n} day since you last "
                "logged in online on this computer. Log in when the connection is back.",
                "The server cannot be reached, and it is more than {n} days since you last "
                "logged in online on this computer. Log in when the connection is back.",
                days,
            )
        super().__init__(words)
        self.days = days


class NeverLoggedInHere(LoginFailed):
    reason = "never_here"

    def __init__(self, why: SyncFailure | None) -> None:
        super().__init__(
            sentence(
                "The server cannot be reached, and you have not logged in on this computer "
                "before. The first login needs a connection to the server."
            ),
            detail=why,
        )


class LoginRefused(LoginFailed):
    """The server answered, but not with a token: too many attempts, device revoked, too old."""

    reason = "refused"

    @classmethod
    def from_failure(cls, failure: SyncFailure) -> LoginRefused:
        return cls(failure.words, reason=failure.code, detail=failure)


@dataclass
class Session:
    """Who is logged in, how, and with which token (held in memory; never written by this class)."""

    person: Person
    username: str
    server_url: str | None
    online: bool  # the server checked the password (False: the offline verifier did)
    started_at: str
    token: str | None = field(default=None, repr=False)
    token_kept: bool = False  # the token is also in the keyring
    offline_until: dt.datetime | None = None
    device_id: str | None = None  # this machine's id at the server, for Store.perform
    # An offline login's password, in this process's memory only (never on disk), so the
    # first sync that finds the server again logs in online in the background
    # (`go_online`) instead of asking for it while the person is logged in.
    password: str | None = field(default=None, repr=False)

    @property
    def person_id(self) -> str:
        return self.person.id

    @property
    def store_path(self) -> Path:
        return paths.user_store(self.person.id)

    def open_store(self) -> Store:
        return Store(self.store_path, owner_id=self.person.id)


def login(username: str, password: str, *, settings: Settings | None = None) -> Session:
    """Online when the server answers, else offline against this machine's verifier.

    Raises WrongPassword, OfflineLoginExpired, NeverLoggedInHere, LoginRefused (the server
    or the machine's set-up said no: `reason` is the code) or LoginFailed with reason
    "credentials_unavailable" (no keyring to read the device credential from).
    """
    settings = settings or load_settings()
    name = accounts.normalise_username(username)
    remember_secret(password)
    if not name or not password:
        raise WrongPassword()
    why_offline: SyncFailure | CredentialsUnavailable
    if not settings.server_url:
        why_offline = NotEnrolled()
    else:
        try:
            return _login_online(name, password, settings)
        except ServerRefused as refused:
            if refused.code == "login_failed":
                raise WrongPassword(known=accounts.by_username(name) is not None) from None
            raise LoginRefused.from_failure(refused) from None
        except UpdateRequired as too_old:
            raise LoginRefused.from_failure(too_old) from None
        except (ServerUnreachable, ServerTrouble, NotEnrolled, CredentialsUnavailable) as failure:
            log.info("login for %s goes offline: %s", name, failure)
            why_offline = failure
    return _login_offline(name, password, settings, why_offline)


# A login that can go offline waits this long (s) for the server to connect and to answer.
QUICK_CONNECT_S = 3.0
QUICK_READ_S = 5.0


def _may_log_in_offline(name: str, settings: Settings) -> bool:
    """Whether `name` could log in offline on this machine now (a verifier, not expired)."""
    try:
        account = accounts.by_username(name)
        if account is None or accounts.verifier_of(name) is None:
            return False
    except sqlite3.Error:  # the offline login says so, if it comes to it
        return False
    until = account.offline_until(settings.offline_login_days)
    return until is not None and accounts.seen_now() <= until


def _connection(settings: Settings, **overrides: Any) -> Connection:
    return Connection.from_settings(settings, **overrides)


def _login_online(name: str, password: str, settings: Settings) -> Session:
    assert settings.server_url
    server_url = settings.server_url.rstrip("/")
    device = credentials.device_credential(server_url)
    if not device:
        raise NotEnrolled()
    if _may_log_in_offline(name, settings):
        # Offline login is the way on: decide soon (one attempt, short timeouts). A server
        # that hangs held "Logging in…" 21 s, with no way out (try-out s36); a merely slow
        # one costs an offline login, which goes online in the background (`go_online`).
        connection = _connection(
            settings, attempts=1, connect_timeout=QUICK_CONNECT_S, read_timeout=QUICK_READ_S
        )
    else:  # a first login here needs the server: give it time
        connection = _connection(settings, attempts=2, read_timeout=20.0)
    with Transport(connection, device_credential=device) as transport:
        answer = ServerApi(transport).login(name, password)
    # The offline window starts at the server's time: a fast clock must not stretch it.
    server_time = transport.server_time[0] if transport.server_time else None
    person = Person.from_row(answer["person"])
    token = str(answer["token"])
    device_id = device.partition(".")[0]
    kept = True
    try:
        credentials.save_user_token(server_url, person.id, token)
    except CredentialsUnavailable as error:
        log.warning("token for %s kept in memory only: %s", name, error.detail)
        kept = False
    seen = accounts.seen_now(server_time)
    now = seen.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    accounts.remember_online_login(person, name, password, server_url, now)
    days = settings.offline_login_days
    return Session(
        person=person,
        username=name,
        server_url=server_url,
        online=True,
        started_at=now,
        token=token,
        token_kept=kept,
        offline_until=seen + dt.timedelta(days=days) if days > 0 else None,
        device_id=device_id,
    )


def _login_offline(
    name: str, password: str, settings: Settings, why: SyncFailure | CredentialsUnavailable
) -> Session:
    account = accounts.by_username(name)
    verifier = accounts.verifier_of(name)
    if account is None or verifier is None:
        if isinstance(why, CredentialsUnavailable):
            # The server was never asked: without the keyring there is no device credential.
            raise LoginFailed(why.words, reason="credentials_unavailable")
        if isinstance(why, NotEnrolled):
            raise LoginRefused.from_failure(why)
        raise NeverLoggedInHere(why)
    if not accounts.check_verifier(verifier, password):
        raise WrongPassword(known=True)
    until = account.offline_until(settings.offline_login_days)
    if until is None or accounts.seen_now() > until:  # a clock turned back gains nothing
        raise OfflineLoginExpired(settings.offline_login_days)
    server_url = (settings.server_url or account.server_url or "").rstrip("/") or None
    token: str | None = None
    device_id: str | None = None
    if server_url:
        try:
            token = credentials.user_token(server_url, account.person_id)
            device_id = (credentials.device_credential(server_url) or "").partition(".")[0] or None
        except CredentialsUnavailable:
            pass
    accounts.note_offline_login(account.person_id)
    return Session(
        person=account.person,
        username=name,
        server_url=server_url,
        online=False,
        started_at=utc_now(),
        token=token,
        token_kept=token is not None,
        offline_until=until,
        device_id=device_id,
        password=password if server_url else None,
    )


def go_online(session: Session, *, settings: Settings | None = None) -> bool:
    """Log an offline session in online, in the background, with the password it kept.

    For the sync that finds the server again: the session's token is missing
    (a logout before the offline login revoked it) or was refused. On success
    the session holds a fresh token and is online, and the password is
    forgotten; a password the server refuses is forgotten too, so the person
    is asked once (LoginNeeded). Returns whether the session is now online.
    Raises what says the server is still away (ServerUnreachable, ServerTrouble,
    UpdateRequired), as a sync would.
    """
    password = session.password
    if password is None:
        return False
    settings = settings or load_settings()
    try:
        fresh = _login_online(session.username, password, settings)
    except ServerRefused as refused:
        log.info("background login of %s refused: %s", session.username, refused.code)
        session.password = None  # changed on the server, or the account is gone: ask
        return False
    except (ServerUnreachable, ServerTrouble, UpdateRequired):
        raise
    except (SyncFailure, CredentialsUnavailable, SettingsError) as failure:
        log.info("background login of %s not possible yet: %s", session.username, failure)
        return False
    if fresh.person.id != session.person.id:
        session.password = None
        return False
    session.token, session.token_kept = fresh.token, fresh.token_kept
    session.online, session.offline_until = True, fresh.offline_until
    session.device_id, session.person = fresh.device_id, fresh.person
    session.password = None
    log.info("%s is logged in online again, in the background", session.username)
    return True


def logout(session: Session, *, settings: Settings | None = None) -> bool:
    """End the session. True when the token was released now; False when it stays for the outbox."""
    accounts.note_signed_out(session.person.id)
    store = Store(session.store_path, owner_id=session.person.id)
    try:
        pending = store.pending_count()
    finally:
        store.close()
    token, session.token = session.token, None
    session.password = None
    if pending and session.server_url and token and not session.token_kept:
        try:  # the keyring may work again; the unsent changes need this token
            credentials.save_user_token(session.server_url, session.person.id, token)
        except CredentialsUnavailable:
            log.warning("%s logged out with %d unsent change(s) and no keyring", session.username, pending)
    if pending or not session.server_url:
        return False
    release_token(session.person.id, session.server_url, settings=settings, token=token)
    return True


def release_token(
    person_id: str, server_url: str, *, settings: Settings | None = None, token: str | None = None
) -> bool:
    """Revoke the user's token on the server (best effort, briefly) and drop it from the keyring.

    Returns whether the server confirmed. An unreachable server leaves a token
    that only this device could use and that expires on its own.
    """
    try:
        token = token or credentials.user_token(server_url, person_id)
    except CredentialsUnavailable:
        pass
    confirmed = False
    if token:
        try:
            settings = settings or load_settings()
            device = credentials.device_credential(server_url)
            connection = Connection.from_settings(
                settings, server_url, attempts=1, connect_timeout=2.0, read_timeout=5.0
            )
            with Transport(connection, device_credential=device) as transport:
                ServerApi(transport).logout(token)
            confirmed = True
        except (SyncFailure, CredentialsUnavailable, SettingsError, ValueError) as failure:
            log.info("token of %s not revoked on the server: %s", person_id, failure)
    try:
        credentials.forget_user_token(server_url, person_id)
    except CredentialsUnavailable:
        pass
    return confirmed
