"""`Store`: a user's local store, its parts put together, and the user's own operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop import clock, task_text
from desktop.core import operations
from desktop.core.entities import Person
from desktop.core.ids import uuid7
from desktop.core.rejection import Rejection
from desktop.store.attention import AttentionList
from desktop.store.bulk_load import BULK_LOAD
from desktop.store.damage import open_connection
from desktop.store.pulled import PulledChanges
from desktop.store.rebase import Shadows


class Store(Shadows, PulledChanges, AttentionList):
    """A user's local store. Implements `operations.Records`.

    Raises StoreDamaged when the file at `path` cannot be opened or migrated.
    """

    def __init__(self, path: Path | str, *, owner_id: str | None = None) -> None:
        path = Path(path)
        super().__init__(path, open_connection(path))
        if owner_id is not None and self.owner_id is None:
            self.set_state("owner_id", owner_id)
        self.finish_interrupted_bulk_load()
        if not task_text.is_current(self.connection) and self.state(BULK_LOAD) is None:
            # A release that reworded a skill's name: search finds the new words.
            with self.transaction():
                task_text.refill(self.connection)

    def perform(
        self, kind: str, payload: dict[str, Any], actor: Person, device_id: str | None
    ) -> operations.Outcome:
        """Apply a user's operation to the view and queue it, in one transaction.

        Raises Rejection when the local rules already refuse it; then nothing
        is queued and the user is told at once. Rules are judged by the server's
        time as last seen (desktop.clock), never by this machine's clock alone; a
        rule about time that is refused now but not at the earliest the server's
        time can be is left to the server: the operation is queued.
        """
        now, earliest = clock.judging_times(self)
        op_id = uuid7()
        with self.transaction(), self._capture():
            try:
                self.connection.execute("SAVEPOINT judged")
                outcome = operations.apply(
                    kind, payload, operations.Context(actor, device_id, now), self
                )
            except Rejection as refusal:
                self.connection.execute("ROLLBACK TO judged")
                if refusal.reason not in clock.TIME_RULES:
                    raise
                outcome = operations.apply(
                    kind, payload, operations.Context(actor, device_id, earliest), self
                )
            finally:
                self.connection.execute("RELEASE judged")
            self.drop_superseded(kind, payload, actor.id)
            self.connection.execute(
                "INSERT INTO outbox (id, kind, payload, author_id, device_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (op_id, kind, json.dumps(payload, ensure_ascii=False), actor.id, device_id, now),
            )
        outcome.operation_id = op_id
        return outcome
