"""The people who have logged in on this machine, and what lets them log in offline.

A small SQLite file, `data_dir()/accounts.sqlite3`, shared by every Knop user
of the machine. For each person it keeps the username, the display name, the
person row the server sent at login, when they last logged in online, whether
they are logged out, and a slow verifier of their password (scrypt with a
random salt): enough to check a password offline for `offline_login_days`
after the last online login, and costly to attack if the file is copied. It
holds no token and no password.

It also keeps the latest time this machine has seen (`seen_now`): the offline
window is judged by that, so turning the clock back gains nothing. The window
starts at the server's time of the online login, so a clock that is fast
then does not stretch it either.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop import clock, paths
from desktop.core.entities import Person, Role
from desktop.core.ids import utc_now
from desktop.core.usernames import normalise_username

FILE = "accounts.sqlite3"

# scrypt at n=2**15, r=8 costs about 32 MiB and a tenth of a second per guess: the
# parameters golang.org/x/crypto/scrypt recommends for interactive logins (as of 2017).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1

_CLOCK_SCHEMA = """
CREATE TABLE IF NOT EXISTS clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    latest TEXT NOT NULL
)
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    person_id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    person TEXT NOT NULL,
    server_url TEXT,
    verifier TEXT,
    last_online_login TEXT,
    last_login TEXT,
    signed_out INTEGER NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True, slots=True)
class Account:
    """One person who has logged in on this machine; times are ISO 8601 UTC strings."""

    person_id: str
    username: str
    display_name: str
    person: Person
    server_url: str | None
    last_online_login: str | None
    last_login: str | None
    signed_out: bool

    def offline_until(self, days: int) -> dt.datetime | None:
        """The moment offline login stops working, or None when it never worked."""
        if days <= 0 or not self.last_online_login:
            return None
        return _parse(self.last_online_login) + dt.timedelta(days=days)


def accounts_path() -> Path:
    """Where the machine's accounts file is (it may not exist yet)."""
    return paths.data_dir() / FILE


@contextlib.contextmanager
def _open() -> Iterator[sqlite3.Connection]:
    path = accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute(_SCHEMA)
        conn.execute(_CLOCK_SCHEMA)
        yield conn
    finally:
        conn.close()


def _account(row: tuple[object, ...]) -> Account:
    person = Person.from_row(json.loads(str(row[3])))
    return Account(
        person_id=str(row[0]),
        username=str(row[1]),
        display_name=str(row[2]),
        person=person,
        server_url=row[4] if row[4] is None else str(row[4]),
        last_online_login=row[5] if row[5] is None else str(row[5]),
        last_login=row[6] if row[6] is None else str(row[6]),
        signed_out=bool(row[7]),
    )


_COLUMNS = (
    "person_id, username, display_name, person, server_url, last_online_login, last_login, signed_out"
)


def known_accounts() -> list[Account]:
    """Everyone who has logged in here, most recent first (for the login screen's list)."""
    if not accounts_path().exists():
        return []
    with _open() as conn:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM accounts ORDER BY last_login DESC, username"
        ).fetchall()
    return [_account(r) for r in rows]


def shown_at_login(accounts: Sequence[Account], login_list: str, *, site_workstation: bool) -> list[Account]:
    """The accounts the login screen lists, in order, by IT's `login_list` setting (docs/DEPLOYMENT.md).

    "everyone": all of them; "off": none (everyone types their username);
    "staff" (the default): not administrators, whose usernames are worth the
    most to whoever walks up to a shared PC, and not outsiders (volunteers,
    citizens, companies), whose names are not the staff room's to read (try-out
    s36). A computer not enrolled for a site (`site_workstation` False) is one
    outsider's own device: there the list is theirs, and "staff" shows it all.
    """
    if login_list == "off":
        return []
    if login_list == "everyone" or not site_workstation:
        return list(accounts)
    return [a for a in accounts if a.person.role not in (Role.ADMIN, Role.EXTERNAL)]


def by_username(username: str) -> Account | None:
    """The account with this username (normalised), or None; raises sqlite3.Error on a damaged file."""
    if not accounts_path().exists():
        return None
    with _open() as conn:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE username = ?", (normalise_username(username),)
        ).fetchone()
    return _account(row) if row else None


def by_person(person_id: str) -> Account | None:
    """The account of this person, or None; raises sqlite3.Error on a damaged file."""
    if not accounts_path().exists():
        return None
    with _open() as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM accounts WHERE person_id = ?", (person_id,)).fetchone()
    return _account(row) if row else None


def verifier_of(username: str) -> str | None:
    """The stored offline verifier ("scrypt$n$r$p$salt$digest"), or None if there is none."""
    if not accounts_path().exists():
        return None
    with _open() as conn:
        row = conn.execute(
            "SELECT verifier FROM accounts WHERE username = ?", (normalise_username(username),)
        ).fetchone()
    return str(row[0]) if row and row[0] else None


def remember_online_login(
    person: Person, username: str, password: str, server_url: str, at: str | None = None
) -> None:
    """After the server accepted the password: refresh the verifier and the offline window."""
    at = at or utc_now()
    name = normalise_username(username)
    verifier = make_verifier(password)
    with _open() as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # A username passed on to someone else belongs to the new person now.
            conn.execute("DELETE FROM accounts WHERE username = ? AND person_id <> ?", (name, person.id))
            conn.execute(
                "INSERT INTO accounts (person_id, username, display_name, person, server_url, verifier, "
                "last_online_login, last_login, signed_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) "
                "ON CONFLICT (person_id) DO UPDATE SET username = excluded.username, "
                "display_name = excluded.display_name, person = excluded.person, "
                "server_url = excluded.server_url, verifier = excluded.verifier, "
                "last_online_login = excluded.last_online_login, last_login = excluded.last_login, "
                "signed_out = 0",
                (
                    person.id,
                    name,
                    person.name,
                    json.dumps(person.to_row(), ensure_ascii=False),
                    server_url,
                    verifier,
                    at,
                    at,
                ),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def note_offline_login(person_id: str, at: str | None = None) -> None:
    """Record a login checked against the verifier (`at`: ISO UTC, default now); signs them in."""
    with _open() as conn:
        conn.execute(
            "UPDATE accounts SET last_login = ?, signed_out = 0 WHERE person_id = ?",
            (at or utc_now(), person_id),
        )


def forget(person_id: str) -> None:
    """Remove the person from this machine's list: no offline login, no name on the login screen."""
    if not accounts_path().exists():
        return
    with _open() as conn:
        conn.execute("DELETE FROM accounts WHERE person_id = ?", (person_id,))


def note_signed_out(person_id: str, signed_out: bool = True) -> None:
    """Mark the person logged out (or, with False, in again) on this machine."""
    with _open() as conn:
        conn.execute(
            "UPDATE accounts SET signed_out = ? WHERE person_id = ?", (int(signed_out), person_id)
        )


def seen_now(server_time: dt.datetime | None = None) -> dt.datetime:
    """Now, but never earlier than any time this machine has seen before.

    Each call also records the answer, so the clock only moves forward here,
    whatever someone does to the system clock. `server_time` (from an answer
    of the server) is taken as the truth instead, also backwards: it undoes
    what a clock that ran fast left behind. Aware UTC datetime.
    """
    now = (server_time or clock.local_now()).astimezone(dt.UTC)
    with _open() as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT latest FROM clock WHERE id = 1").fetchone()
            latest = max(now, _parse(str(row[0]))) if row and server_time is None else now
            conn.execute(
                "INSERT INTO clock (id, latest) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET latest = excluded.latest",
                (latest.isoformat(),),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return latest


# --- the offline verifier ----------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def make_verifier(password: str) -> str:
    """A new verifier for the password: "scrypt$n$r$p$salt$digest", random 16-byte salt, base64."""
    salt = os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_verifier(verifier: str, password: str) -> bool:
    """Whether the password matches; the cost comes from the verifier, so old ones keep working."""
    try:
        scheme, n, r, p, salt, digest = verifier.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(expected, actual)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=32
    )


def _parse(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)  # 3.11 reads the trailing Z
