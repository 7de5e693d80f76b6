"""What every part of the store builds on: the connection, transactions, key/value state."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from desktop.core.records import SqlRecords


class Transactions(SqlRecords):
    """An open store file: `connection` (sqlite3, autocommit) and the transactions on it."""

    connection: sqlite3.Connection

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        super().__init__(connection)
        self._depth = 0

    def close(self) -> None:
        self.connection.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.connection.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        else:
            self.connection.execute("COMMIT")
        finally:
            self._depth = 0

    # --- key/value state -------------------------------------------------------

    def state(self, key: str, default: str | None = None) -> str | None:
        row = self.connection.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_state(self, key: str, value: str | None) -> None:
        self.connection.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def owner_id(self) -> str | None:
        return self.state("owner_id")
