"""The initial pull as a bulk load: search and indexes are whole after it, and after any cut.

A pull from no cursor drops the store's search triggers and secondary indexes
in its first page's transaction and builds them again in its last. These
tests drive `pull_changes` against a scripted feed (no server needed) and check
the promises around that: search finds everything after an initial and an
incremental pull; a pull cut off between pages leaves a store that, when next
opened, has its search and indexes back; the next pull resumes from its cursor;
and a process killed in the middle of a page's transaction loses nothing.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

from desktop import task_text
from desktop.core.entities import Task
from desktop.core.text import said
from desktop.store import BULK_LOAD, Store
from desktop.store.bulk_load import DEFAULT_HASH_BYTES
from desktop.store.trigram_beside import side_path
from sync import protocol
from sync.api import PullAnswer
from sync.failures import ServerTrouble, ServerUnreachable
from sync.pull import CURSOR, INITIAL, REBASE_DUE, pull_changes
from tests.conftest import World, make_world
from tests.test_store import fresh_schema

ROOT = Path(__file__).resolve().parents[2]


def task_changes(world: World, how_many: int, word: str = "sommerfest") -> list[dict[str, Any]]:
    return [
        {
            "table": "tasks",
            "row": world.task(id=f"t{i:04d}", title=f"{word.capitalize()} nummer {i}").to_row(),
            "deleted": False,
        }
        for i in range(how_many)
    ]


class ScriptedFeed:
    """A ServerApi stand-in: serves `changes` in pages; cursors are positions in the list."""

    def __init__(
        self,
        changes: list[dict[str, Any]],
        fail_at: int | None = None,
        headers: bool = True,
        lie_at: int | None = None,
        nfc: bool = False,
        columns: bool = False,
        spoil: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> None:
        self.changes = changes
        self.columns = columns  # True: a page asked in columns is answered so, as a current server does
        self.spoil = spoil  # what to do to the blocks of the page from position 20, each time
        self.in_columns: list[bool] = []  # whether each request asked for columns
        self.nfc = nfc  # True: the pages promise their text in NFC, as a current server's do
        self.fail_at = fail_at  # the position whose page fails, once
        self.headers = headers  # False: an older server, whose answers name their cursor in the body only
        self.lie_at = lie_at  # the position whose page's headers name another cursor than its body
        self.asked: list[tuple[str | None, int]] = []
        self.threads: set[str] = set()

    def pull(
        self,
        token: str,
        cursor: str | None,
        limit: int = 0,
        cancel: threading.Event | None = None,
        *,
        in_columns: bool = False,  # answered with changes all the same, as an older server does
    ) -> protocol.PullPage:
        start = int(cursor) if cursor else 0
        self.asked.append((cursor, limit))
        self.in_columns.append(in_columns)
        self.threads.add(threading.current_thread().name)
        if self.fail_at is not None and start >= self.fail_at:
            self.fail_at = None
            raise ServerUnreachable.because(said("kablet er trukket ud", "the cable is out"))
        end = min(start + limit, len(self.changes))
        page: dict[str, Any] = {"changes": self.changes[start:end], "cursor": str(end), "more": end < len(self.changes)}
        if in_columns and self.columns:
            page["tables"] = in_blocks(page["changes"])
            page["changes"] = []
            if self.spoil is not None and start == 20:
                self.spoil(page["tables"])
        if self.nfc:
            page["nfc"] = True
        if in_columns and self.columns:  # checked as sync.api checks what it decodes
            return PullAnswer(json.dumps(page).encode(), page["cursor"], page["more"]).page()
        return page  # type: ignore[return-value]

    def pull_answer(
        self,
        token: str,
        cursor: str | None,
        limit: int = 0,
        cancel: threading.Event | None = None,
        *,
        in_columns: bool = False,
    ) -> PullAnswer:
        """The same page as an answer not yet decoded, with its cursor in headers, as the server sends it."""
        page = self.pull(token, cursor, limit, cancel, in_columns=in_columns)
        if not self.headers:  # decoded on arrival, as PullAnswer.of does it without the headers
            return PullAnswer(b"", page["cursor"], page["more"], page)
        named = "999999" if self.lie_at is not None and int(cursor or 0) == self.lie_at else page["cursor"]
        return PullAnswer(json.dumps(page).encode("utf-8"), named, page["more"])


def in_blocks(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Changes as a page in columns holds them (protocol.PullBlock), one block per table, shape and deleted."""
    blocks: dict[tuple[str, tuple[str, ...], bool], list[list[Any]]] = {}
    for change in changes:
        key = (change["table"], tuple(change["row"]), change["deleted"])
        blocks.setdefault(key, []).append(list(change["row"].values()))
    return [{"table": t, "columns": list(c), "deleted": d, "rows": rows} for (t, c, d), rows in blocks.items()]


def hits(store: Store, word: str) -> int:
    return len(store.rows("SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ?", (f'"{word}"*',)))


def test_an_initial_pull_leaves_search_and_indexes_whole(tmp_path: Path) -> None:
    world = make_world()
    fresh = fresh_schema(Store(tmp_path / "fresh.sqlite3").path)
    store = Store(tmp_path / "k.sqlite3")
    feed = ScriptedFeed(task_changes(world, 120))
    try:
        pulled = pull_changes(store, feed, "token", page_size=25)  # type: ignore[arg-type]
        assert pulled.changes == 120 and pulled.pages == 5
        assert hits(store, "sommerfest") == 120
        assert store.state(BULK_LOAD) is None and store.state(INITIAL) is None
        assert store.state(CURSOR) == "120" and store.state(REBASE_DUE) == "1"
        assert [c for c, _ in feed.asked] == [None, "25", "50", "75", "100"]
        assert feed.threads and threading.current_thread().name not in feed.threads  # fetched ahead
        # The rebuild's big build buffer is not left to the small transactions after it.
        for index in ("tasks_fts", "tasks_text"):
            hash_bytes = store.connection.execute(
                f"SELECT v FROM {index}_config WHERE k = 'hashsize'"
            ).fetchone()
            assert hash_bytes is not None and int(hash_bytes[0]) == DEFAULT_HASH_BYTES
        # An incremental pull keeps search up to date row by row, as before.
        edited = world.task(id="t0007", title="Reparation af cykler").to_row()
        gone = world.task(id="t0008").to_row()
        feed.changes += [
            {"table": "tasks", "row": edited, "deleted": False},
            {"table": "tasks", "row": gone, "deleted": True},
        ]
        again = pull_changes(store, feed, "token", page_size=25)  # type: ignore[arg-type]
        assert again.changes == 2 and feed.asked[-1] == ("120", 25)
        assert hits(store, "cykler") == 1 and hits(store, "sommerfest") == 118
        assert store.get(Task, "t0008") is None
    finally:
        store.close()
    assert fresh_schema(tmp_path / "k.sqlite3") == fresh


def test_a_server_without_the_cursor_headers_is_pulled_all_the_same(tmp_path: Path) -> None:
    world = make_world()
    store = Store(tmp_path / "k.sqlite3")
    feed = ScriptedFeed(task_changes(world, 70), headers=False)
    try:
        pulled = pull_changes(store, feed, "token", page_size=20)  # type: ignore[arg-type]
        assert pulled.changes == 70 and pulled.pages == 4
        assert [c for c, _ in feed.asked] == [None, "20", "40", "60"]
        assert hits(store, "sommerfest") == 70 and store.state(CURSOR) == "70"
    finally:
        store.close()


def test_a_page_whose_headers_and_body_disagree_is_refused_and_not_written(tmp_path: Path) -> None:
    """The fetcher went on from the headers' cursor: a body saying another one stops the pull there."""
    world = make_world()
    store = Store(tmp_path / "k.sqlite3")
    feed = ScriptedFeed(task_changes(world, 70), lie_at=20)
    try:
        with pytest.raises(ServerTrouble) as refused:
            pull_changes(store, feed, "token", page_size=20)  # type: ignore[arg-type]
        assert refused.value.code == "bad_answer"
        assert store.state(CURSOR) == "20" and len(store.rows("SELECT id FROM tasks")) == 20
    finally:
        store.close()


def test_pulled_text_is_put_in_nfc_unless_the_page_promises_it_is(tmp_path: Path) -> None:
    """A current server's pages say `nfc` (sync.server.feed): a new workstation then skips the check."""
    title = unicodedata.normalize("NFD", "Sommerfest på Åskolen")
    changes = [{"table": "tasks", "row": make_world().task(id="nfd", title=title).to_row(), "deleted": False}]
    for promised in (False, True):
        store = Store(tmp_path / f"promised-{promised}.sqlite3")
        try:
            pull_changes(store, ScriptedFeed(changes, nfc=promised), "t")  # type: ignore[arg-type]
            stored = store.rows("SELECT title FROM tasks WHERE id = 'nfd'")[0]["title"]
        finally:
            store.close()
        # Taken at its word: a server that promised NFC is not checked again.
        assert stored == (title if promised else "Sommerfest på Åskolen")


def test_an_initial_pull_asks_for_pages_in_columns_and_stores_what_a_pull_of_dicts_stores(tmp_path: Path) -> None:
    """A bulk load asks for blocks of value lists (protocol.PAGE_HEADER); an incremental pull does not.

    The same feed served in columns, and as dicts (a server that ignores the
    header), gives the same store; a tombstone on a later page in columns
    removes its row, and a table this client does not know is skipped.
    """
    world = make_world()
    changes = [
        *task_changes(world, 50),
        {"table": "tasks", "row": world.task(id="t0003").to_row(), "deleted": True},
        {"table": "newer_table", "row": {"id": "x"}, "deleted": False},
    ]
    stores = {}
    try:
        for columns in (True, False):
            store = stores[columns] = Store(tmp_path / f"columns-{columns}.sqlite3")
            feed = ScriptedFeed(list(changes), columns=columns, nfc=True)
            pulled = pull_changes(store, feed, "t", page_size=15)  # type: ignore[arg-type]
            assert pulled.changes == 52 and feed.in_columns == [True] * 4
            feed.changes += task_changes(world, 55)[50:]
            pulled = pull_changes(store, feed, "t", page_size=15)  # type: ignore[arg-type]
            assert pulled.changes == 5 and feed.in_columns[4:] == [False]  # incremental: as dicts
        rows = [s.rows("SELECT * FROM tasks ORDER BY id") for s in stores.values()]
        assert rows[0] == rows[1] and len(rows[0]) == 54 and hits(stores[True], "sommerfest") == 54
        assert "t0003" not in {r["id"] for r in rows[0]}
    finally:
        for store in stores.values():
            store.close()


def _short_of_a_value(blocks: list[dict[str, Any]]) -> None:
    blocks[0]["rows"][7].pop()


def _a_column_renamed(blocks: list[dict[str, Any]]) -> None:
    blocks[0]["columns"][2] = "poster"


@pytest.mark.parametrize("spoil", [_short_of_a_value, _a_column_renamed])
def test_a_page_in_columns_that_the_store_cannot_hold_is_refused_saying_where_and_not_written(
    tmp_path: Path, spoil: Callable[[list[dict[str, Any]]], None]
) -> None:
    store = Store(tmp_path / "k.sqlite3")
    feed = ScriptedFeed(task_changes(make_world(), 50), columns=True, nfc=True, spoil=spoil)
    try:
        with pytest.raises(ServerTrouble) as refused:
            pull_changes(store, feed, "token", page_size=20)  # type: ignore[arg-type]
        assert refused.value.code == "bad_answer"
        said_en = refused.value.message("en")
        if spoil is _short_of_a_value:
            assert "Row 8 of tasks" in said_en and refused.value.detail["row"] == 7
        else:
            assert "tasks" in said_en and "poster" in said_en
        assert store.state(CURSOR) == "20" and len(store.rows("SELECT id FROM tasks")) == 20  # the first page only
    finally:
        store.close()


def test_text_pulled_in_columns_is_put_in_nfc_unless_the_page_promises_it_is(tmp_path: Path) -> None:
    title = unicodedata.normalize("NFD", "Sommerfest på Åskolen")
    changes = [{"table": "tasks", "row": make_world().task(id="nfd", title=title).to_row(), "deleted": False}]
    for promised in (False, True):
        store = Store(tmp_path / f"promised-{promised}.sqlite3")
        try:
            feed = ScriptedFeed(changes, nfc=promised, columns=True)
            pull_changes(store, feed, "t")  # type: ignore[arg-type]
            assert feed.in_columns == [True]  # served as a block
            stored = store.rows("SELECT title FROM tasks WHERE id = 'nfd'")[0]["title"]
        finally:
            store.close()
        assert stored == (title if promised else "Sommerfest på Åskolen")


def test_an_initial_pull_runs_with_the_cycle_collector_paused_and_puts_it_back(tmp_path: Path) -> None:
    """Decoding 480,000 changes set the collector off 1,400 times for nothing (sync.pull)."""
    world = make_world()
    store = Store(tmp_path / "k.sqlite3")
    collecting: list[bool] = []
    assert gc.isenabled()
    try:
        feed = ScriptedFeed(task_changes(world, 60), fail_at=40)
        with pytest.raises(ServerUnreachable):  # cut off after two pages: put back all the same
            pull_changes(store, feed, "t", page_size=20, progress=lambda _: collecting.append(gc.isenabled()))  # type: ignore[arg-type]
        assert collecting == [False, False] and gc.isenabled()
        pull_changes(store, feed, "t", page_size=20, progress=lambda _: collecting.append(gc.isenabled()))  # type: ignore[arg-type]
        assert collecting[2:] == [False] and gc.isenabled()  # the initial pull resumed, still paused
        feed.changes += task_changes(world, 70)[60:]
        pull_changes(store, feed, "t", page_size=20, progress=lambda _: collecting.append(gc.isenabled()))  # type: ignore[arg-type]
        assert collecting[3:] == [True]  # an incremental pull leaves the collector alone
    finally:
        store.close()


def test_the_default_page_size_grows_for_an_initial_pull_only(tmp_path: Path) -> None:
    world = make_world()
    store = Store(tmp_path / "k.sqlite3")
    feed = ScriptedFeed(task_changes(world, 3))
    try:
        pull_changes(store, feed, "token")  # type: ignore[arg-type]
        feed.changes += task_changes(world, 5)[3:]
        pull_changes(store, feed, "token")  # type: ignore[arg-type]
    finally:
        store.close()
    assert [limit for _, limit in feed.asked] == [protocol.MAX_PULL_LIMIT, protocol.DEFAULT_PULL_LIMIT]


def test_a_pull_cut_off_between_pages_is_finished_on_open_and_resumed(tmp_path: Path) -> None:
    world = make_world()
    path = tmp_path / "k.sqlite3"
    fresh = fresh_schema(Store(tmp_path / "fresh.sqlite3").path)
    feed = ScriptedFeed(task_changes(world, 100), fail_at=60)
    store = Store(path)
    with pytest.raises(ServerUnreachable):
        pull_changes(store, feed, "token", page_size=20)  # type: ignore[arg-type]
    # Cut off: three whole pages and their cursor, no search triggers, no indexes yet.
    assert store.state(CURSOR) == "60" and store.state(BULK_LOAD) is not None
    assert fresh_schema(path) != fresh
    # A store opened elsewhere in the process while the pull ran would have left it alone;
    # after the pull has stopped, opening it puts search and indexes back.
    store.close()
    store = Store(path)
    try:
        assert fresh_schema(path) == fresh
        assert hits(store, "sommerfest") == 60
        assert store.state(BULK_LOAD) is None and store.state(INITIAL) == "1"
        # A local change now is searchable at once: the triggers are back.
        with store.transaction():
            store.put(world.task(id="local", title="Cykelværksted"))
        assert hits(store, "cykelværksted") == 1
        feed.asked.clear()
        pulled = pull_changes(store, feed, "token", page_size=20)  # type: ignore[arg-type]
        assert feed.asked[0] == ("60", 20)  # resumed, not started over
        assert pulled.changes == 40
        assert hits(store, "sommerfest") == 100 and hits(store, "cykelværksted") == 1
        assert store.state(BULK_LOAD) is None and store.state(INITIAL) is None
    finally:
        store.close()
    assert fresh_schema(path) == fresh


def test_opening_a_store_that_this_process_is_loading_leaves_the_load_alone(tmp_path: Path) -> None:
    world = make_world()
    path = tmp_path / "k.sqlite3"
    store = Store(path)
    seen: list[str | None] = []

    def open_meanwhile(done: int) -> None:
        if done == 20:
            other = Store(path)  # e.g. the status bar counting pending operations
            try:
                seen.append(other.state(BULK_LOAD))
            finally:
                other.close()

    try:
        pull_changes(store, ScriptedFeed(task_changes(world, 60)), "t", page_size=20, progress=open_meanwhile)  # type: ignore[arg-type]
        assert seen and seen[0] is not None  # still loading when the other store opened
        assert hits(store, "sommerfest") == 60 and store.state(BULK_LOAD) is None
    finally:
        store.close()


def test_forgetting_the_server_state_mid_load_puts_indexes_back(tmp_path: Path) -> None:
    world = make_world()
    path = tmp_path / "k.sqlite3"
    fresh = fresh_schema(Store(tmp_path / "fresh.sqlite3").path)
    store = Store(path)
    try:
        with store.transaction():
            store.begin_bulk_load()
            store.apply_changes(task_changes(world, 5))
        assert fresh_schema(path) != fresh
        store.forget_server_state()
        assert store.state(BULK_LOAD) is None
        with store.transaction():
            store.put(world.task(id="x", title="Sommerfest"))
        assert hits(store, "sommerfest") == 1
    finally:
        store.close()
    assert fresh_schema(path) == fresh


KILLED_CHILD = """
import os, signal, sys
from desktop.store import Store
from sync.pull import pull_changes
from tests.sync.test_initial_pull import ScriptedFeed, task_changes
from tests.conftest import make_world

store = Store(sys.argv[1])
real_apply = store.apply_changes
pages = 0

def apply_then_die(changes, **how):
    global pages
    pages += 1
    touched = real_apply(changes, **how)
    if pages == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)  # inside the page's transaction, before its commit
    return touched

store.apply_changes = apply_then_die
pull_changes(store, ScriptedFeed(task_changes(make_world(), 100)), "t", page_size=20)
"""


def run_to_its_kill(script: str, *args: str) -> None:
    """Run `script` in a child Python process, which must end killed by its own SIGKILL."""
    child = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr


@pytest.mark.parametrize("kill_on_page", [1, 3, 5])
def test_a_client_killed_inside_a_page_of_an_initial_pull_loses_nothing(tmp_path: Path, kill_on_page: int) -> None:
    world = make_world()
    path = tmp_path / "k.sqlite3"
    fresh = fresh_schema(Store(tmp_path / "fresh.sqlite3").path)
    run_to_its_kill(KILLED_CHILD, str(path), str(kill_on_page))
    store = Store(path)  # the next start opens the store: it must come back whole
    try:
        kept = (kill_on_page - 1) * 20
        assert store.state(CURSOR) == (str(kept) if kept else None)
        assert len(store.rows("SELECT id FROM tasks")) == kept  # whole pages only
        assert hits(store, "sommerfest") == kept
        assert store.state(BULK_LOAD) is None
        assert fresh_schema(path) == fresh
        pulled = pull_changes(store, ScriptedFeed(task_changes(world, 100)), "t", page_size=20)  # type: ignore[arg-type]
        assert pulled.changes == 100 - kept
        assert hits(store, "sommerfest") == 100 and store.state(INITIAL) is None
    finally:
        store.close()
    assert fresh_schema(path) == fresh


# --- the trigram index built beside (desktop.store.trigram_beside) -----------------------

# Inside words, the skills' names in Danish and English included (not their ids: "instruction").
SEARCHED = ("sommer", "ommerfes", "nummer 1", "grill", "plejehjem", "undervisning", "instruction", "Fotografering", "zzz")


def varied_tasks(world: World, how_many: int) -> list[dict[str, Any]]:
    """Tasks with different titles, descriptions, places and catalogue skills (found by their names)."""
    skills: tuple[list[str], ...] = (["events.planning"], ["culture.photography"], ["sport.swimming", "events.planning"], [])
    return [
        {
            "table": "tasks",
            "row": world.task(
                id=f"v{i:04d}",
                title=f"{('Sommerfest', 'Fotografering', 'Svømmehal', 'Oprydning')[i % 4]} nummer {i}",
                description=f"Beskrivelse {i}: grill, pynt og {'plejehjem' if i % 3 else 'skole'}",
                place=f"Sted {i % 7}",
                skills=skills[i % len(skills)],
            ).to_row(),
            "deleted": False,
        }
        for i in range(how_many)
    ]


def trigram_answers(store: Store) -> dict[str, list[int]]:
    """The rowids each of SEARCHED finds inside words (the board's `tasks_text` query)."""
    return {
        word: [r["rowid"] for r in store.rows(
            "SELECT rowid FROM tasks_text WHERE tasks_text MATCH ? ORDER BY rowid", (f'"{word}"',)
        )]
        for word in SEARCHED
    }


def search_is_sound(store: Store) -> None:
    for index in ("tasks_fts", "tasks_text"):  # FTS5 checks its index against its content
        store.connection.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")


def test_an_initial_pull_builds_the_trigram_index_beside_and_it_answers_as_a_rebuild(tmp_path: Path) -> None:
    world = make_world()
    path = tmp_path / "k.sqlite3"
    fresh = fresh_schema(Store(tmp_path / "fresh.sqlite3").path)
    store = Store(path)
    try:
        pulled = pull_changes(store, ScriptedFeed(varied_tasks(world, 150)), "token", page_size=40)  # type: ignore[arg-type]
        assert pulled.changes == 150 and pulled.search_beside
        assert not side_path(path).exists()
        search_is_sound(store)
        beside = trigram_answers(store)
        assert beside["sommer"] and beside["instruction"] and beside["undervisning"] and not beside["zzz"]
        with store.transaction():  # the index rebuilt from the tasks, as without the side file
            task_text.refill(store.connection)
        assert trigram_answers(store) == beside
        assert store.state(BULK_LOAD) is None and store.state(INITIAL) is None
        # After the copy the index is kept up to date row by row, as before.
        with store.transaction():
            store.put(world.task(id="v0001", title="Cykelværksted"))
        assert [r["rowid"] for r in store.rows("SELECT rowid FROM tasks_text WHERE tasks_text MATCH '\"kelværk\"'")]
        search_is_sound(store)
    finally:
        store.close()
    assert fresh_schema(path) == fresh


def test_without_a_side_file_the_store_builds_the_trigram_index_itself(tmp_path: Path) -> None:
    world = make_world()
    path = tmp_path / "k.sqlite3"
    side_path(path).mkdir()  # something in the way: no side file can be made there
    store = Store(path)
    try:
        pulled = pull_changes(store, ScriptedFeed(varied_tasks(world, 60)), "token", page_size=25)  # type: ignore[arg-type]
        assert pulled.changes == 60 and not pulled.search_beside
        search_is_sound(store)
        answers = trigram_answers(store)
        assert answers["sommer"] and answers["instruction"]
        assert store.state(BULK_LOAD) is None and store.state(INITIAL) is None
    finally:
        store.close()
    assert side_path(path).is_dir()  # left as it was


KILLED_WHILE_FINISHING = """
import os, signal, sys
from desktop.store.trigram_beside import TrigramBeside
from desktop.store import Store
from sync.pull import pull_changes
from tests.sync.test_initial_pull import ScriptedFeed, varied_tasks
from tests.conftest import make_world

def copy_then_die(self, connection, schema):
    os.kill(os.getpid(), signal.SIGKILL)  # the side file built, the store's transaction not committed

TrigramBeside.copy_into = copy_then_die
pull_changes(Store(sys.argv[1]), ScriptedFeed(varied_tasks(make_world(), 100)), "t", page_size=30)
"""


def test_a_client_killed_while_the_load_is_finished_keeps_every_page_and_finishes_it_on_open(tmp_path: Path) -> None:
    world = make_world()
    path = tmp_path / "k.sqlite3"
    fresh = fresh_schema(Store(tmp_path / "fresh.sqlite3").path)
    run_to_its_kill(KILLED_WHILE_FINISHING, str(path))
    assert side_path(path).exists()  # what the kill left behind
    store = Store(path)  # the next start: indexes and search back, the side file gone
    try:
        assert store.state(CURSOR) == "100" and store.state(INITIAL) == "1"
        assert store.state(BULK_LOAD) is None and fresh_schema(path) == fresh
        assert not side_path(path).exists()
        search_is_sound(store)
        assert len(trigram_answers(store)["sommer"]) == 25
        pulled = pull_changes(store, ScriptedFeed(varied_tasks(world, 100)), "t", page_size=30)  # type: ignore[arg-type]
        assert pulled.changes == 0 and store.state(INITIAL) is None  # nothing applied twice
        assert len(store.rows("SELECT id FROM tasks")) == 100 and hits(store, "sommerfest") == 25
        search_is_sound(store)
    finally:
        store.close()
    assert fresh_schema(path) == fresh
