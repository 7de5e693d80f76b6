"""An initial pull: a bulk load without the search triggers and secondary indexes.

Keeping a 100,000-row full-text index and a dozen b-trees up to date row by
row costs several times more than building them once at the end. The pull
finishes the load in a transaction of its own (`finishing_bulk_load`), with the
trigram index built on a second connection beside the rest
(desktop.store.trigram_beside).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from desktop import task_text
from desktop.core.entities import SYNCED
from desktop.store.transactions import Transactions
from desktop.store.trigram_beside import INDEX as TRIGRAM_INDEX
from desktop.store.trigram_beside import TrigramBeside, remove_side_file

# Set while a bulk load (an initial pull) runs without the search triggers and the
# secondary indexes of the entity tables: their SQL, to put back when it ends.
BULK_LOAD = "bulk_load"

# A negative cache_size is in KiB: 64 MiB holds the hot b-tree pages of a municipality.
BULK_CACHE_KIB = -65536
BULK_CHECKPOINT_PAGES = 16384  # an incremental pull: 64 MiB of WAL between checkpoints instead of 4
# FTS5 builds its index in memory up to `hashsize` bytes, then writes a segment and
# merges. Building 100,000 tasks' search in 64 MiB instead of the default 1 MiB
# writes far fewer segments to merge: the word index took 0.9 s of CPU instead of
# 1.6 s, the trigram index (`tasks_text`, about 30 million trigrams) 2.7 s instead
# of 4.7 s (16 MiB: 3.2 s). The memory is held only while the index is built. The
# setting is stored in each index, so it is put back for the small transactions after
# the load.
REBUILD_HASH_BYTES = 64 * 1024 * 1024
DEFAULT_HASH_BYTES = 1024 * 1024  # FTS5's own default
SEARCH_INDEXES = ("tasks_fts", "tasks_text")

# Stores a bulk load in this process is filling right now, by resolved path; opening
# such a store elsewhere in the process must not finish the load under its feet.
_loading: set[Path] = set()
_loading_lock = threading.Lock()


def is_loading(path: Path) -> bool:
    """Whether a bulk load in this process is filling the store at `path` right now."""
    with _loading_lock:
        return path.resolve() in _loading


class BulkLoad(Transactions):
    """Dropping and putting back what a bulk load does without, and its faster settings."""

    def begin_bulk_load(self) -> None:
        """Inside the caller's transaction: drop the search triggers and secondary indexes.

        Their SQL is kept in the state table in the same transaction, so whatever
        happens next (a kill, a cancel) `finish_bulk_load` can put back exactly
        what was there.
        """
        if self.state(BULK_LOAD) is not None:
            return
        tables = tuple(cls.table for cls in SYNCED.values())
        marks = ", ".join("?" for _ in tables)
        dropped = self.connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
            f"(type = 'index' AND tbl_name IN ({marks})) OR (type = 'trigger' AND tbl_name = 'tasks'))",
            tables,
        ).fetchall()
        self.set_state(BULK_LOAD, json.dumps([list(d) for d in dropped], ensure_ascii=False))
        for kind, name, _sql in dropped:
            self.connection.execute(f'DROP {"INDEX" if kind == "index" else "TRIGGER"} "{name}"')

    def finish_bulk_load(self) -> None:
        """Inside the caller's transaction: put indexes and triggers back, rebuild search."""
        saved = self.state(BULK_LOAD)
        if saved is None:
            return
        self.connection.execute("DELETE FROM sync_state WHERE key = ?", (BULK_LOAD,))
        self._put_back(saved)
        self._set_search_hash(REBUILD_HASH_BYTES, SEARCH_INDEXES)
        self.connection.execute("INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')")
        task_text.refill(self.connection)
        self._set_search_hash(DEFAULT_HASH_BYTES, SEARCH_INDEXES)

    @contextlib.contextmanager
    def finishing_bulk_load(self) -> Iterator[bool]:
        """`finish_bulk_load` in a transaction of its own, the trigram index built beside it.

        Outside any transaction. What the caller does inside the `with` joins that
        transaction (e.g. clearing its own mark of the load). The trigram index is
        built on a second connection into a side file while this one puts the
        indexes back and rebuilds the word index, then copied in
        (desktop.store.trigram_beside); if the side file cannot be made or built,
        this connection builds the index itself. Nothing changes if no load is
        being finished. Yields whether the trigram index was built beside.
        """
        saved = self.state(BULK_LOAD)
        definition = self.connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TRIGRAM_INDEX,)
        ).fetchone()
        if saved is None or definition is None:
            with self.transaction():
                yield False
            return
        beside = self._side_file(definition[0])
        try:
            # Deferred: the write lock on the store is taken by its first write, and the
            # side file, which the thread is writing, is only read once the thread is done.
            with self.transaction(immediate=False):
                # The first statement writes, so the store is locked before the thread reads.
                self.connection.execute("DELETE FROM sync_state WHERE key = ?", (BULK_LOAD,))
                if beside is not None:
                    beside.start()
                self._put_back(saved)
                self._set_search_hash(REBUILD_HASH_BYTES, ("tasks_fts",))
                self.connection.execute("INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')")
                self._set_search_hash(DEFAULT_HASH_BYTES, ("tasks_fts",))
                built = beside is not None and beside.finish()
                if built:
                    assert beside is not None
                    beside.copy_into(self.connection, "beside")
                    task_text.fill_skill_words(self.connection)
                    task_text.mark_current(self.connection)
                else:
                    self._set_search_hash(REBUILD_HASH_BYTES, (TRIGRAM_INDEX,))
                    task_text.refill(self.connection)
                    self._set_search_hash(DEFAULT_HASH_BYTES, (TRIGRAM_INDEX,))
                yield built
        finally:
            if beside is not None:
                beside.finish()  # the thread is done before its file goes
                self.connection.execute("DETACH DATABASE beside")
                beside.remove()

    def _side_file(self, definition: str) -> TrigramBeside | None:
        """A new side file for the trigram index, attached as `beside`; None if there can be none."""
        try:
            beside = TrigramBeside(self.path, definition)
        except OSError:
            return None
        try:
            # Before the transaction: SQLite attaches no file inside one.
            self.connection.execute("ATTACH DATABASE ? AS beside", (str(beside.path),))
        except sqlite3.Error:
            beside.remove()
            return None
        return beside

    def _put_back(self, saved: str) -> None:
        """The indexes and triggers a bulk load dropped (`saved`: their SQL as stored), those not there."""
        for _kind, name, sql in json.loads(saved):
            exists = self.connection.execute(
                "SELECT 1 FROM main.sqlite_master WHERE name = ?", (name,)
            ).fetchone()
            if not exists:
                self.connection.execute(sql)

    def _set_search_hash(self, size: int, indexes: tuple[str, ...]) -> None:
        for index in indexes:
            self.connection.execute(
                f"INSERT INTO {index}({index}, rank) VALUES ('hashsize', ?)", (size,)
            )

    def finish_interrupted_bulk_load(self) -> None:
        """A bulk load that was killed or cancelled: put back what it dropped.

        Search and lookups need their triggers and indexes back before anyone
        reads or writes this store; a load running in this process is left alone.
        """
        if self.state(BULK_LOAD) is not None and not is_loading(self.path):
            with self.transaction():
                self.finish_bulk_load()
            remove_side_file(self.path)  # a load killed while it built the trigram index beside

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """While a pull runs: a bigger page cache and fewer WAL checkpoints.

        Neither touches durability: every transaction is still committed to the WAL
        as before (synchronous=NORMAL). A bulk load also has its checkpoints made
        by a thread (`checkpointing_beside`, entered by the pull). The store is
        marked as being loaded, so that opening it elsewhere in this process
        leaves the load alone.
        """
        path = self.path.resolve()
        cache = self.connection.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = self.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.connection.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        self.set_autocheckpoint(BULK_CHECKPOINT_PAGES)
        with _loading_lock:
            _loading.add(path)
        try:
            yield
        finally:
            with _loading_lock:
                _loading.discard(path)
            self.connection.execute(f"PRAGMA cache_size = {int(cache)}")
            self.set_autocheckpoint(int(checkpoint))
