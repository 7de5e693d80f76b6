"""The outbox: the user's operations the server has not answered yet, in order."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from desktop.store.transactions import Transactions


@dataclass(frozen=True, slots=True)
class PendingOperation:
    """One queued operation as stored: `payload` parsed, `created_at` ISO UTC from the client."""

    seq: int
    id: str
    kind: str
    payload: dict[str, Any]
    author_id: str
    device_id: str | None
    created_at: str
    attempts: int

    def to_wire(self) -> dict[str, Any]:
        """The operation as `sync.protocol` sends it (no seq, no attempts)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "payload": self.payload,
            "author_id": self.author_id,
            "device_id": self.device_id,
            "created_at": self.created_at,
        }


class Outbox(Transactions):
    """Reading the queue, and what a push does with it (a refusal is in `attention`)."""

    def pending(self, limit: int | None = None) -> list[PendingOperation]:
        """The queued operations, oldest first; at most `limit` of them when given."""
        sql = "SELECT * FROM outbox ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [
            PendingOperation(
                seq=r["seq"],
                id=r["id"],
                kind=r["kind"],
                payload=json.loads(r["payload"]),
                author_id=r["author_id"],
                device_id=r["device_id"],
                created_at=r["created_at"],
                attempts=r["attempts"],
            )
            for r in self.rows(sql)
        ]

    def pending_count(self) -> int:
        """How many operations wait to be sent."""
        return int(self.connection.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def drop_superseded(self, kind: str, payload: dict[str, Any], author_id: str) -> None:
        """Take out of the queue what the operation about to be queued makes pointless to send.

        `kind`, `payload` and `author_id` are that operation's, as the outbox stores them.

        A `settings.set` whose keys a later one of the same person sets again: the later
        value wins on the server anyway, and a try-out read "3 ændringer venter" after
        switching language three times offline. Safe while one is being sent: the server
        then applies both, in order, and its settling finds nothing left to delete.
        """
        if kind != "settings.set":
            return
        keys = set(payload.get("changes", {}))
        for older in self.pending():
            if older.kind == kind and older.author_id == author_id and set(older.payload.get("changes", {})) <= keys:
                self.connection.execute("DELETE FROM outbox WHERE id = ?", (older.id,))

    def settle(self, op_id: str) -> None:
        """The server applied it: its effect now comes back through the pull."""
        self.connection.execute("DELETE FROM outbox WHERE id = ?", (op_id,))

    def note_attempt(self, op_ids: Iterable[str], error: str | None) -> None:
        """Count one more sending attempt for each of `op_ids`, with the error it met (or None)."""
        self.connection.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            [(error, i) for i in op_ids],
        )
