"""A shared PC forgets people: those who have left, and those who have not logged in here for long.

Each person's local store (`paths.user_store`) holds only what that person may
see, but it stays on the machine after they stop using it. After every sync
the engine asks `forget_due`: a person is forgotten on this machine when the
server has deactivated or erased them (their row, pulled by anyone on the
machine, says inactive), or when they have not logged in here for
`Settings.forget_after_days`. Forgetting removes their store folder, their
entry on the login screen with its offline-login verifier, and their token.

Nothing the person did is lost to it: someone with changes still waiting to
be sent is kept until they are sent; only an erased person's are dropped, as
the server refuses everything from them anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sqlite3
from pathlib import Path

from desktop import accounts, credentials, paths
from desktop.core import erasure
from desktop.credentials import CredentialsUnavailable
from desktop.store import checkpoints

log = logging.getLogger(__name__)


def stores() -> dict[str, Path]:
    """Every person's store on this machine, by person id."""
    root = paths.data_dir() / "users"
    if not root.is_dir():
        return {}
    return {f.name: f / paths.user_store(f.name).name for f in sorted(root.iterdir()) if f.is_dir()}


def _query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]] | None:
    """Rows from a store, read-only; None when it cannot be read (damage is the sync's to report)."""
    try:
        conn = sqlite3.connect(paths.sqlite_uri(path, "ro"), uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def departed(person_ids: set[str]) -> dict[str, bool]:
    """Those of `person_ids` that any store here knows to be deactivated: id -> erased too."""
    if not person_ids:
        return {}
    marks = ", ".join("?" for _ in person_ids)
    found: dict[str, bool] = {}
    for path in stores().values():
        rows = _query(
            path, f"SELECT id, name FROM people WHERE active = 0 AND id IN ({marks})", tuple(person_ids)
        )
        for person_id, name in rows or ():
            found[str(person_id)] = found.get(str(person_id), False) or name == erasure.pseudonym(str(person_id))
    return found


def _waiting(person_id: str) -> bool:
    """True while the person's store still has operations to send, or cannot be read to tell."""
    path = paths.user_store(person_id)
    if not path.is_file():
        return False
    rows = _query(path, "SELECT count(*) FROM outbox")
    return rows is None or bool(rows[0][0])


def forget_due(forget_after_days: int, now: dt.datetime, logged_in: str | None = None) -> list[str]:
    """Forget everyone due (see the module's docstring) but `logged_in`; returns their ids.

    `now` is aware UTC. Raises nothing for a keyring that is away: the token
    is then left for the next time, and the store is removed all the same.
    """
    known = {a.person_id: a for a in accounts.known_accounts()}
    on_machine = set(known) | set(stores())
    on_machine.discard(logged_in or "")
    gone = departed(on_machine)
    forgotten: list[str] = []
    for person_id in sorted(on_machine):
        account = known.get(person_id)
        last = account.last_login if account else None
        stale = (
            forget_after_days > 0
            and last is not None
            and dt.datetime.fromisoformat(last.replace("Z", "+00:00")) < now - dt.timedelta(days=forget_after_days)
        )
        if not (stale or person_id in gone):
            continue
        # Changes still waiting are kept until sent, but an erased person's never will
        # be: the server refuses everything from them.
        if _waiting(person_id) and not gone.get(person_id, False):
            continue
        forget(person_id, account.server_url if account else None)
        forgotten.append(person_id)
    return forgotten


def forget(person_id: str, server_url: str | None) -> None:
    """Remove everything of `person_id` from this machine: store folder, account, token."""
    folder = paths.user_store(person_id).parent
    checkpoints.release(folder)  # a last checkpoint after their pull would hold the store open
    shutil.rmtree(folder, ignore_errors=True)
    accounts.forget(person_id)
    if server_url:
        try:
            credentials.forget_user_token(server_url, person_id)
        except CredentialsUnavailable as error:
            log.warning("could not drop the token of a forgotten person: %s", error.detail)
    log.info("forgot person %s on this machine", person_id)
