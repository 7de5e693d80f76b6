"""The log of acknowledged operations: what the server confirmed, kept after it left the outbox.

A server restored from a backup has lost what it confirmed after the backup
was taken, though the people who did it saw it confirmed. So an operation the
server applied is not simply dropped from the outbox: it moves here, as it
was sent (same id, same payload), and stays for RETENTION_DAYS. When a sync
finds that the server has forgotten part of its history (sync.engine), every
operation in this log goes back to the front of the outbox, in its original
order, ahead of anything still pending: the server answers those it still
has from its exactly-once log and applies again those it lost; one it now
refuses lands in "needs attention" with a sentence saying what happened.

RETENTION_DAYS bounds how old a backup can be restored without losing
confirmed work silently; docs/DEPLOYMENT.md tells IT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from desktop.core.ids import utc_now
from desktop.store import Store

RETENTION_DAYS = 60


def keep(store: Store, op_ids: Iterable[str], at: str | None = None) -> None:
    """Copy these outbox operations into the log (call before they leave the outbox).

    `at` is when the server confirmed them (ISO 8601 UTC; default now). Also
    drops entries older than RETENTION_DAYS. Runs in the caller's transaction.
    """
    when = at or utc_now()
    store.connection.executemany(
        "INSERT OR REPLACE INTO acknowledged "
        "(id, kind, payload, author_id, device_id, created_at, acknowledged_at) "
        "SELECT id, kind, payload, author_id, device_id, created_at, ? FROM outbox WHERE id = ?",
        [(when, op_id) for op_id in op_ids],
    )
    store.connection.execute(
        "DELETE FROM acknowledged WHERE acknowledged_at < ?", (_cutoff(when),)
    )


def confirmed_at(store: Store, op_id: str) -> str | None:
    """When the server first confirmed this operation, if it is in the log."""
    row = store.connection.execute(
        "SELECT acknowledged_at FROM acknowledged WHERE id = ?", (op_id,)
    ).fetchone()
    return None if row is None else str(row[0])


def send_again(store: Store) -> int:
    """Put every logged operation back in the outbox, in order, ahead of what is pending.

    The outbox sends in `seq` order, so they get numbers below its lowest.
    Operations still in the outbox are left where they are. Returns how many
    went back. Runs in the caller's transaction.
    """
    rows = store.connection.execute(
        "SELECT id, kind, payload, author_id, device_id, created_at FROM acknowledged "
        "WHERE id NOT IN (SELECT id FROM outbox) ORDER BY acknowledged_at, id"
    ).fetchall()
    if not rows:
        return 0
    lowest = int(store.connection.execute("SELECT coalesce(min(seq), 1) FROM outbox").fetchone()[0])
    first = lowest - len(rows)
    store.connection.executemany(
        "INSERT INTO outbox (seq, id, kind, payload, author_id, device_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(first + n, *row) for n, row in enumerate(rows)],
    )
    return len(rows)


def _cutoff(now: str) -> str:
    moment = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    earlier = moment - dt.timedelta(days=RETENTION_DAYS)
    return earlier.isoformat(timespec="milliseconds").replace("+00:00", "Z")
