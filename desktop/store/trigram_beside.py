"""The end of an initial pull: the trigram index built on a second connection, beside the rest.

    beside = TrigramBeside(store.path, definition)  # an empty side file, attached by the store
    ... the store's finishing transaction takes the write lock ...
    beside.start()                 # a thread builds `tasks_text` in the side file
    ... the store puts its secondary indexes back and rebuilds the word index ...
    if beside.finish():            # waits; False if the thread failed
        beside.copy_into(store.connection, "beside")
    else:
        task_text.refill(store.connection)
    ... commit, detach ...
    beside.remove()

After the last page of a bulk load (desktop.store.bulk_load) the store builds
its secondary indexes, the word index and the trigram index, one after the
other on one connection: about 2.0 + 0.6 + 2.9 s of CPU (100,000 tasks, 2-core
machine) with the server and the page decoder done and the second core idle.
SQLite allows one writer per file, so the trigram index, the largest part, is
built by a thread of its own into a side file (`<store>.trigram-beside`) from
the tasks as committed, while the store's connection builds the rest; then its
four tables (FTS5's shadow tables: segments, their first terms, each row's size,
its own copy of the text; and its config) are copied into the store's, which is
cheaper than building them (0.7 s).

The side file is built from the tasks as they are when the store's finishing
transaction has taken the write lock (the thread starts only then), and that
transaction writes no task, so nobody can change a task between what the side
file indexed and the commit that copies it in. The side file has the very
`CREATE VIRTUAL TABLE` of the store's index, so its tables mean the same. It is
not durable (no journal, no syncs) and is only ever a shortcut: if anything goes
wrong on its thread the store builds the index itself, as before; a kill leaves
the store's transaction rolled back and a side file that the next one replaces.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from pathlib import Path

from desktop import paths, task_text

log = logging.getLogger(__name__)

SUFFIX = ".trigram-beside"
INDEX = "tasks_text"
# An FTS5 table with its own content keeps everything in these tables: `_data` (the
# index's segments), `_idx` (each segment's first terms), `_docsize` (each row's size
# in tokens), `_content` (its copy of the text) and `_config` (format version, settings).
SHADOWS = tuple(f"{INDEX}_{part}" for part in ("data", "idx", "docsize", "content", "config"))
_BUILD_HASH_BYTES = 64 * 1024 * 1024  # as bulk_load's REBUILD_HASH_BYTES: fewer segments to merge
_DEFAULT_HASH_BYTES = 1024 * 1024  # FTS5's own, for the small transactions after the load


def side_path(store_path: Path) -> Path:
    """Where the side file of the store at `store_path` lives."""
    return store_path.with_name(store_path.name + SUFFIX)


def remove_side_file(store_path: Path) -> None:
    """Remove the side file of the store at `store_path`, if a load left one.

    None is fine; one that cannot be removed is left as it is (the next load then
    makes no side file and builds the index in the store, see TrigramBeside).
    """
    with contextlib.suppress(OSError):
        side_path(store_path).unlink()


class TrigramBeside:
    """One side file and the thread that fills it; see the module docstring.

    `definition` is the store's `CREATE VIRTUAL TABLE tasks_text ...` statement.
    Raises OSError if the side file cannot be made (the caller then builds the
    index itself).
    """

    def __init__(self, store_path: Path, definition: str) -> None:
        self.store_path = store_path
        self.path = side_path(store_path)
        self.definition = definition
        remove_side_file(store_path)
        with open(self.path, "wb"):  # empty: the store attaches it before the thread writes it
            pass
        self._built = False
        self._started = False
        self._thread = threading.Thread(target=self._build, name="knop-trigram-beside", daemon=True)

    def start(self) -> None:
        """Start building from the tasks as committed; call once the store holds its write lock."""
        self._started = True
        self._thread.start()

    def finish(self) -> bool:
        """Wait for the thread, if started; whether the side file holds the whole index."""
        if self._started:
            self._thread.join()
        return self._built

    def copy_into(self, connection: sqlite3.Connection, schema: str) -> None:
        """Inside the store's transaction: its trigram index's tables replaced by the side file's.

        `schema` is the name the side file is attached under. The store's connection
        must not have used the index in this transaction (FTS5 would keep what it read).
        """
        for table in SHADOWS:
            connection.execute(f"DELETE FROM main.{table}")
            connection.execute(f"INSERT INTO main.{table} SELECT * FROM {schema}.{table}")

    def remove(self) -> None:
        """Remove the side file (after the store has detached it)."""
        remove_side_file(self.store_path)

    def _build(self) -> None:
        try:
            side = sqlite3.connect(
                paths.sqlite_uri(self.path, "rw"), uri=True, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error:
            log.warning("no side file for the trigram index; the store builds it", exc_info=True)
            return
        try:
            side.execute("PRAGMA journal_mode = OFF")  # a shortcut: a crash just drops it
            side.execute("PRAGMA synchronous = OFF")
            side.execute("PRAGMA cache_size = -65536")
            side.execute("ATTACH DATABASE ? AS store", (paths.sqlite_uri(self.store_path, "ro"),))
            side.execute("BEGIN")
            side.execute(self.definition)
            side.execute("CREATE TABLE skill_words (skill TEXT PRIMARY KEY, words TEXT NOT NULL)")
            task_text.fill_skill_words(side)  # the side file's own: the store's is being rewritten
            self._hash(side, _BUILD_HASH_BYTES)
            side.execute(task_text.fill_sql("store.tasks"))
            self._hash(side, _DEFAULT_HASH_BYTES)
            side.execute("COMMIT")
            self._built = True
        except sqlite3.Error:
            log.warning("the side file for the trigram index failed; the store builds it", exc_info=True)
        finally:
            side.close()

    @staticmethod
    def _hash(connection: sqlite3.Connection, size: int) -> None:
        connection.execute(f"INSERT INTO {INDEX}({INDEX}, rank) VALUES ('hashsize', ?)", (size,))
