"""WAL checkpoints of a pull on a thread of their own, so the pull never waits for them.

    checkpoints = Checkpoints(store.path)   # starts its thread and connection
    ... the pull commits page after page; the thread checkpoints every INTERVAL_S ...
    checkpoints.finish()                    # one last checkpoint, then the thread ends by itself
    ...
    checkpoints.done()                      # whether it has (the store then checkpoints itself again)
    checkpoints.stop()                      # interrupt it and wait for the thread (a new load)

A store in WAL mode appends each commit to `<store>-wal` and copies the pages
into the store file later, in a checkpoint. SQLite runs one after a commit that
leaves the WAL longer than `wal_autocheckpoint` pages, on the committing
connection. An initial pull writes about 500 MB for 100,000 tasks (the pages,
then the indexes and search built after the last one, 280 MB of them in the
finishing transaction alone); checkpointing them cost the pulling thread about
1.5 s of waiting, 0.8 s of it after the last commit, when the data was already
safe in the WAL and the user could have started working.

So during a bulk load (an initial pull) its own connection does not checkpoint
(`wal_autocheckpoint = 0`) and this thread does, with a connection of its own,
PASSIVE checkpoints (they never block a reader or the writer, and copy only
committed pages). Durability is SQLite's: a commit is whole in the WAL before
it returns, a checkpoint cut off by a kill is redone from the WAL on the next
open, and an interrupted one simply leaves more for the next. If the thread
cannot open its connection, nothing is lost: the store's connection
checkpoints again once `done()` says so.

The thread may outlive the store's connection: the sync engine closes a store
right after its pull, and the last checkpoint (about 0.8 s for a new
workstation's 280 MB) then goes on while the user works. Its own connection is
then the last one open, and closing it leaves the WAL empty, as closing the
store's would have. Before the interpreter exits it waits for the threads still
running (`wait_for_all`); a process killed meanwhile has lost nothing, as above.
Whoever moves or deletes a store's files first calls `release` on them: on
Windows a file another connection holds open can be neither moved nor
deleted, and forgetting a person must leave nothing of them behind.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import sqlite3
import threading
from pathlib import Path

from desktop import paths

log = logging.getLogger(__name__)

INTERVAL_S = 0.5  # between two checkpoints while the pull writes: a few MB each, not one per commit
EXIT_WAIT_S = 30.0  # how long the interpreter's exit waits for a last checkpoint before cutting it off

_running: set[Checkpoints] = set()
_running_lock = threading.Lock()


def wait_for_all(timeout: float = EXIT_WAIT_S) -> None:
    """Wait for every checkpoint thread of this process; those still running after `timeout` s are stopped."""
    with _running_lock:
        running = list(_running)
    for checkpoints in running:
        if not checkpoints.wait(timeout):
            checkpoints.stop()


atexit.register(wait_for_all)


def release(where: Path) -> None:
    """Stop every checkpoint thread on the store file `where`, or on any store inside the folder `where`.

    Returns once their connections are closed, so the files can be moved or
    deleted (`forgetting.forget`, `recovery.move_aside`). What a stopped
    thread had not copied yet stays in the WAL, which goes with the file.
    """
    where = Path(where).resolve()
    with _running_lock:
        running = [c for c in _running if c.path == where or where in c.path.parents]
    for checkpoints in running:
        checkpoints.stop()


class Checkpoints:
    """The thread that checkpoints the WAL of the store at `path`; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self.path = Path(path).resolve()  # what `release` compares
        self._finishing = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()  # guards _connection between the thread and stop()
        self._connection: sqlite3.Connection | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="knop-checkpoints", daemon=True)
        with _running_lock:
            _running.add(self)
        self._thread.start()

    def finish(self) -> None:
        """The load is over: one last checkpoint of everything committed, then the thread ends."""
        self._finishing.set()

    def done(self) -> bool:
        """Whether the thread has ended (its last checkpoint made, or given up)."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to `timeout` s (None: for ever) for the thread to end; whether it has."""
        return self._done.wait(timeout)

    def stop(self) -> None:
        """Interrupt a checkpoint under way and wait for the thread (the rest is left in the WAL)."""
        with self._lock:
            self._stopped = True
            if self._connection is not None:
                self._connection.interrupt()
        self._finishing.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            with self._lock:
                if self._stopped:
                    return
                self._connection = sqlite3.connect(
                    paths.sqlite_uri(self._path, "rw"), uri=True, isolation_level=None,
                    check_same_thread=False, timeout=10,
                )
                self._connection.execute("PRAGMA synchronous = NORMAL")  # as the store's own
            while not self._finishing.wait(INTERVAL_S):
                self._checkpoint()
            self._checkpoint()
        except sqlite3.Error:
            log.warning("checkpoints beside the pull failed; the store makes them itself", exc_info=True)
        finally:
            with self._lock:
                if self._connection is not None:
                    with contextlib.suppress(sqlite3.Error):
                        self._connection.close()
                    self._connection = None
            with _running_lock:
                _running.discard(self)
            self._done.set()

    def _checkpoint(self) -> None:
        with self._lock:
            connection, stopped = self._connection, self._stopped
        if connection is None or stopped:
            return
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError as error:
            if not self._stopped:  # interrupted by stop(): expected
                raise error
