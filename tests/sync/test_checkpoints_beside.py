"""A pull's WAL checkpoints made on a thread of their own (desktop.store.checkpoints).

While a store is loading, its own connection makes no checkpoint, so no commit
of the pull waits for one; a thread with its own connection makes them, and the
last one after the pull, while the caller goes on. These tests check that the
store stays whole whatever happens to that thread: closed under it, waited for,
killed with the process.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from desktop import forgetting, paths
from desktop.store import Store, recovery
from desktop.store import checkpoints as store_checkpoints
from sync.pull import CURSOR, pull_changes
from tests.conftest import make_world
from tests.sync.test_initial_pull import ScriptedFeed, hits, run_to_its_kill, task_changes


def autocheckpoint(store: Store) -> int:
    return int(store.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def test_while_loading_a_thread_checkpoints_and_the_store_takes_over_after_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    own = autocheckpoint(store)
    seen: list[tuple[int, bool]] = []

    def progress(done: int) -> None:  # on the pulling thread, between two pages
        beside = any(t.name == "knop-checkpoints" and t.is_alive() for t in threading.enumerate())
        seen.append((autocheckpoint(store), beside))

    world = make_world()
    feed = ScriptedFeed(task_changes(world, 120))
    try:
        pull_changes(store, feed, "t", page_size=25, progress=progress)  # type: ignore[arg-type]
        assert len(seen) == 5 and all(setting == 0 and beside for setting, beside in seen)
        store_checkpoints.wait_for_all()
        assert autocheckpoint(store) == 0  # taken back at the next transaction, not from another thread
        with store.transaction():
            store.set_state("touched", "1")
        assert autocheckpoint(store) == own
        # Everything committed is in the store file itself: nothing was left in the WAL.
        busy, frames, copied = store.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and frames == copied
        # An incremental pull checkpoints on the store's own connection, as before.
        feed.changes += task_changes(world, 130)[120:]
        pull_changes(store, feed, "t", page_size=25, progress=progress)  # type: ignore[arg-type]
        assert len(seen) == 6 and seen[-1][0] > 0 and not seen[-1][1]
        assert autocheckpoint(store) == own
    finally:
        store.close()


def test_a_store_closed_while_its_last_checkpoint_runs_is_left_whole(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    store = Store(path)
    pull_changes(store, ScriptedFeed(task_changes(make_world(), 300)), "t", page_size=50)  # type: ignore[arg-type]
    store.close()  # as the sync engine does right after its pull
    store_checkpoints.wait_for_all()
    # The thread's connection was the last one: closing it emptied the WAL into the file.
    assert not wal(path).exists() or wal(path).stat().st_size == 0
    only_the_file = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        assert only_the_file.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert only_the_file.execute("SELECT count(*) FROM tasks").fetchone() == (300,)
    finally:
        only_the_file.close()
    again = Store(path)
    try:
        assert again.state(CURSOR) == "300" and hits(again, "sommerfest") == 300
    finally:
        again.close()


KILLED_AFTER_THE_PULL = """
import os, signal, sys
from pathlib import Path
from desktop.store import Store
from sync.pull import pull_changes
from tests.conftest import make_world
from tests.sync.test_initial_pull import ScriptedFeed, task_changes

store = Store(Path(sys.argv[1]))
pull_changes(store, ScriptedFeed(task_changes(make_world(), 2000)), "t", page_size=250)
store.close()
os.kill(os.getpid(), signal.SIGKILL)  # the last checkpoint is still being made, or just done
"""


def test_a_client_killed_while_the_last_checkpoint_runs_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    run_to_its_kill(KILLED_AFTER_THE_PULL, str(path))
    store = Store(path)
    try:
        assert store.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert store.state(CURSOR) == "2000" and hits(store, "sommerfest") == 2000
    finally:
        store.close()


def checkpointing(path: Path) -> bool:
    return any(c.path == path.resolve() for c in list(store_checkpoints._running))


def test_forgetting_a_person_stops_the_checkpoints_on_their_store_before_removing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Windows a connection still open on the file would keep it from being deleted, and
    # rmtree ignores that error: the previous user's store would stay on the shared PC.
    monkeypatch.setenv("KNOP_DATA_DIR", str(tmp_path))
    path = paths.user_store("mette")
    path.parent.mkdir(parents=True)
    Store(path).close()
    beside = store_checkpoints.Checkpoints(path)  # as after her initial pull, before `finish`
    elsewhere = tmp_path / "elsewhere.sqlite3"
    Store(elsewhere).close()
    other = store_checkpoints.Checkpoints(elsewhere)
    try:
        assert checkpointing(path)
        forgetting.forget("mette", None)
        assert beside.done() and not checkpointing(path)
        assert not path.parent.exists()
        assert not other.done()  # another store's thread is none of this
    finally:
        other.stop()


def test_a_damaged_store_is_moved_aside_after_its_checkpoints_stop(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    Store(path).close()
    beside = store_checkpoints.Checkpoints(path)
    aside, rescued = recovery.recover(path)
    assert beside.done() and aside.exists() and not path.exists() and rescued == []
