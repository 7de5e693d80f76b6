"""`Store`: a user's local store, its parts put together, and the user's own operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.core import operations
from desktop.core.entities import Person
from desktop.core.ids import utc_now, uuid7
from desktop.store.attention import AttentionList
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

    def perform(
        self, kind: str, payload: dict[str, Any], actor: Person, device_id: str | None
    ) -> operations.Outcome:
        """Apply a user's operation to the view and queue it, in one transaction.

        Raises Rejection when the local rules already refuse it; then nothing
        is queued and the user is told at once.
        """
        now = utc_now()
        op_id = uuid7()
        with self.transaction(), self._capture():
            outcome = operations.apply(kind, payload, operations.Context(actor, device_id, now), self)
            self.connection.execute(
                "INSERT INTO outbox (id, kind, payload, author_id, device_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (op_id, kind, json.dumps(payload, ensure_ascii=False), actor.id, device_id, now),
            )
        outcome.operation_id = op_id
        return outcome
