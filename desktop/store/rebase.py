"""Shadows and the rebase: the view rebuilt as server state + the still-pending operations."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from desktop.core import operations
from desktop.core.entities import SYNCED, Entity, Person
from desktop.core.rejection import Rejection
from desktop.store.outbox import Outbox


class Shadows(Outbox):
    """Keeps the server's copy of a row before a pending operation first changes it."""

    _capturing = False

    @contextlib.contextmanager
    def _capture(self) -> Iterator[None]:
        """While a pending operation is applied: every row it writes gets a shadow first."""
        self._capturing = True
        try:
            yield
        finally:
            self._capturing = False

    def put(self, entity: Entity) -> None:
        """Write `entity`, first keeping the server's copy of its row if an operation is capturing."""
        if self._capturing:
            self._keep_shadow(entity)
        super().put(entity)

    def remove(self, entity: Entity) -> None:
        """Delete `entity`, first keeping the server's copy of its row if an operation is capturing."""
        if self._capturing:
            self._keep_shadow(entity)
        super().remove(entity)

    def _keep_shadow(self, entity: Entity) -> None:
        """Remember the server's row before the first local change to it."""
        cls, key = type(entity), entity.key_value()
        exists = self.connection.execute(
            "SELECT 1 FROM shadows WHERE table_name = ? AND key = ?", (cls.table, key)
        ).fetchone()
        if exists:
            return
        current = self.get(cls, *(getattr(entity, k) for k in cls.key))
        self.connection.execute(
            "INSERT INTO shadows (table_name, key, row) VALUES (?, ?, ?)",
            (cls.table, key, json.dumps(current.to_row(), ensure_ascii=False) if current else None),
        )

    def rebase(self) -> list[str]:
        """Rebuild the view as server state + pending operations.

        Returns the ids of pending operations the local rules now refuse; they
        stay queued (the server has the last word) but show no effect.
        """
        refused: list[str] = []
        with self.transaction():
            for table, _key, row in self.connection.execute(
                "SELECT table_name, key, row FROM shadows"
            ).fetchall():
                cls = SYNCED[table]
                if row is None:
                    values = dict(zip(cls.key, _key.split("|"), strict=True))
                    self.remove_key(cls, [values[k] for k in cls.key])
                else:
                    self.put_rows(cls, [json.loads(row)])
            self.connection.execute("DELETE FROM shadows")
            for op in self.pending():
                actor = self.get(Person, op.author_id)
                if actor is None:
                    refused.append(op.id)
                    continue
                context = operations.Context(actor, op.device_id, op.created_at)
                try:
                    self.connection.execute("SAVEPOINT replay")
                    with self._capture():
                        operations.apply(op.kind, op.payload, context, self)
                    self.connection.execute("RELEASE replay")
                except Rejection:
                    self.connection.execute("ROLLBACK TO replay")
                    self.connection.execute("RELEASE replay")
                    refused.append(op.id)
        return refused
