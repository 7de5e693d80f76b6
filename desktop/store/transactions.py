"""What every part of the store builds on: the connection, transactions, key/value state."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from desktop.core.records import SqlRecords
from desktop.store.checkpoints import Checkpoints
from desktop.store.damage import StoreDamaged, integrity_problem, is_corruption, mark_checked, was_checked


class Transactions(SqlRecords):
    """An open store file: `connection` (sqlite3, autocommit) and the transactions on it."""

    connection: sqlite3.Connection

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        super().__init__(connection)
        self._depth = 0
        self._checkpoints: Checkpoints | None = None  # a thread making this store's checkpoints
        self._own_autocheckpoint = 0  # this connection's wal_autocheckpoint while it has one

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards.

        Checkpoints still being made beside a load are left to finish on their own
        thread (desktop.store.checkpoints): their connection, closed last, leaves
        the file whole and the WAL empty.
        """
        if self._checkpoints is not None:
            self._checkpoints.finish()
            self._checkpoints = None
        self.connection.close()

    # --- checkpoints -------------------------------------------------------------

    @contextlib.contextmanager
    def checkpointing_beside(self) -> Iterator[None]:
        """While inside, and until they are done: the WAL's checkpoints made by a thread.

        For a bulk load, whose commits would otherwise wait for checkpoints of
        hundreds of MB (desktop.store.checkpoints). The last is made after the
        `with`, while the caller goes on; this connection makes its own again from
        the first transaction after that one is done.
        """
        self._take_checkpoints_back(wait=True)
        own = int(self.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        checkpoints = Checkpoints(self.path)
        self._checkpoints, self._own_autocheckpoint = checkpoints, own
        self.connection.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield
        finally:
            checkpoints.finish()

    def set_autocheckpoint(self, pages: int) -> None:
        """This connection's `wal_autocheckpoint`; while a thread makes the checkpoints, from when it is done."""
        if self._checkpoints is not None:
            self._own_autocheckpoint = pages
        else:
            self.connection.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")

    def _take_checkpoints_back(self, *, wait: bool) -> None:
        """This connection checkpoints again once the thread is done (at once if `wait`: stops it)."""
        if self._checkpoints is None:
            return
        if wait:
            self._checkpoints.stop()
        elif not self._checkpoints.done():
            return
        self._checkpoints = None
        self.connection.execute(f"PRAGMA wal_autocheckpoint = {self._own_autocheckpoint}")

    # --- damage ------------------------------------------------------------------

    @contextlib.contextmanager
    def noticing_damage(self) -> Iterator[None]:
        """Run store work; an SQLite corruption error on the way comes out as StoreDamaged.

        Every other error passes unchanged. Whoever runs work on a store for
        someone (the UI's DB thread, the sync engine) wraps it in this, so damage
        leads to the one way out wherever it shows up.
        """
        try:
            yield
        except sqlite3.DatabaseError as error:
            if is_corruption(error):
                raise StoreDamaged(self.path, str(error)) from error
            raise

    def check_integrity(self) -> None:
        """A quick check of every page of the file. Raises StoreDamaged naming the first problem.

        Takes as long as reading the whole file (about 0.6 s at 100,000 tasks),
        so callers run it off the UI thread and not before the first paint.
        """
        problem = integrity_problem(self.connection)
        if problem is not None:
            raise StoreDamaged(self.path, problem)
        mark_checked(self.path)

    def check_integrity_once(self) -> None:
        """`check_integrity`, unless this process already found this very file sound."""
        if not was_checked(self.path):
            self.check_integrity()

    @contextlib.contextmanager
    def transaction(self, *, immediate: bool = True) -> Iterator[None]:
        """One write transaction; nested uses join the outer one.

        `immediate=False` takes each file's write lock at its first write instead of
        all at once: for a transaction that reads an attached file another
        connection writes meanwhile (bulk_load's trigram index built beside).
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._take_checkpoints_back(wait=False)
        self.connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
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
        """A value of the sync_state table (cursor, owner, flags), or `default`."""
        row = self.connection.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_state(self, key: str, value: str | None) -> None:
        """Set a value of the sync_state table, inside the caller's transaction if any."""
        self.connection.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def owner_id(self) -> str | None:
        """The id of the person whose store this is, once known."""
        return self.state("owner_id")
