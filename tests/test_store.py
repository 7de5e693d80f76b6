"""The local store on real SQLite files: migrations, search, concurrency, damage and rebase."""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import unicodedata
from pathlib import Path

import pytest

from desktop import board, migrations
from desktop.board import BoardFilter, Sort
from desktop.core.entities import Bid, Person, PersonSettings, Task, TaskStatus
from desktop.core.rejection import Rejection
from desktop.store import Store, StoreDamaged, recover, requeue
from sync.server import demo
from tests.conftest import World, make_world


def fresh_schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(
            (name, " ".join((sql or "").split()))
            for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        )
    finally:
        conn.close()


def test_new_store_is_wal_and_latest(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrations.version_of(store.connection) == migrations.LATEST
    store.close()


def test_the_guidelines_held_go_to_every_organisation_the_store_knows(tmp_path: Path) -> None:
    """v22: guidelines are keyed by (organisation, audience); the set a store held before is
    every organisation's, as the server's migration 17 makes it, so an acceptance still covers it;
    a store that knows its owner keeps their organisation's copy only (the feed replaces no other)."""
    from desktop.core import guidelines
    from desktop.core.entities import Guideline, GuidelineAcceptance, GuidelineAudience

    anna = make_world().anna
    for owned, kept in ((False, {("org", 2), ("org-b", 2)}), (True, {("org", 2)})):
        old = tmp_path / f"old-{owned}.sqlite3"
        conn = sqlite3.connect(old, isolation_level=None)
        migrations.migrate(conn, target=21)
        conn.execute("INSERT INTO organisations (id, name) VALUES ('org', 'Egeskov Kommune'), ('org-b', 'Bøgeby')")
        conn.execute(
            "INSERT INTO guidelines (audience, version, text_da, text_en, published_at) "
            "VALUES ('bidding', 2, 'Vær venlig', 'Be kind', '2026-11-01T10:00:00.000Z')"
        )
        conn.execute("INSERT INTO guideline_acceptances (person_id, audience, version) VALUES ('anna', 'bidding', 2)")
        if owned:
            conn.execute(
                "INSERT INTO people (id, name, username, home_site_id, role, kind, organisation_id) "
                "VALUES ('anna', 'Anna', 'anna', NULL, 'staff', 'employee', 'org')"
            )
            conn.execute("INSERT INTO sync_state (key, value) VALUES ('owner_id', 'anna')")
        conn.close()

        store = Store(old)
        try:
            assert {(g.organisation_id, g.version) for g in store.fetch(Guideline, "audience = 'bidding'")} == kept
            assert store.get(GuidelineAcceptance, "anna", "bidding") is not None
            assert guidelines.missing(store, anna, (GuidelineAudience.BIDDING,)) == []
        finally:
            store.close()


def test_bids_by_task_have_one_index(tmp_path: Path) -> None:
    """bids_status (task_id, status) serves lookups by task; a second index only cost writes."""
    store = Store(tmp_path / "k.sqlite3")
    try:
        names = {row[0] for row in store.connection.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'bids'")}
        assert "bids_task" not in names and "bids_status" in names
        plan = " ".join(
            str(row[-1]) for row in store.connection.execute("EXPLAIN QUERY PLAN SELECT id FROM bids WHERE task_id = ?", ("t",))
        )
        assert "USING INDEX bids_status" in plan
    finally:
        store.close()


@pytest.mark.parametrize("start", range(migrations.LATEST))
def test_migrates_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    """A file left at any earlier version keeps its data and ends with today's schema."""
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)
    migrations.migrate(conn, target=start)
    if start >= 1:
        world = make_world()
        for task in (
            world.task(title="Svømmeundervisning i Ørbæk hallen"),
            world.task(id="cancelled-draft", status="cancelled", published_at=None),
            # Decomposed (NFD), as some Mac and web tools send it.
            world.task(id="nfd", title=unicodedata.normalize("NFD", "Lektiecafé på Åskolen")),
        ):
            row = task.to_row()
            if start < 6:  # published_at came with v6
                del row["published_at"]
            if start < 15:  # clock times and repeats came with v15
                for name in ("start_time", "end_time", "repeats"):
                    del row[name]
            if start < 17:  # the outsiders a task is open to came onto the task with v17
                del row["outsiders"]
            if start < 19:  # tasks and people carry their organisation since v19 (issue 16)
                del row["organisation_id"]
            conn.execute(
                f"INSERT INTO tasks ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
            )
        conn.execute("INSERT INTO organisations (id, name) VALUES ('org', 'Egeskov Kommune')")
        conn.execute(
            "INSERT INTO sites (id, organisation_id, name, kind) VALUES ('s-school', 'org', 'Egeskov Skole', 'school')"
        )
        conn.execute(
            "INSERT INTO people (id, name, username, home_site_id, role, kind) "
            "VALUES ('anna', 'Anna', 'anna', 's-school', 'staff', 'employee'), "
            "('ole', 'Ole', 'ole', NULL, 'external', 'volunteer')"
        )
        if start >= 19:  # from v19 on a pull writes a person's organisation; v19 filled the older ones
            conn.execute("UPDATE people SET organisation_id = 'org'")
        if 13 <= start < 17:  # before v17 they were one of its requirements (v13)
            conn.execute("INSERT INTO task_requirements (task_id, outsiders) VALUES ('task-1', '[\"citizen\"]')")
        conn.execute(
            "INSERT INTO outbox (id, kind, payload, author_id, created_at) VALUES ('op1', 'bid.place', '{}', 'anna', 'x')"
        )
    conn.close()

    store = Store(old)
    assert migrations.version_of(store.connection) == migrations.LATEST
    if start >= 1:
        migrated = store.get(Task, "task-1")
        assert migrated is not None and migrated.published_at == migrated.created_at
        assert migrated.outsiders == (["citizen"] if 13 <= start < 17 else [])
        # Issue 16: the one organisation there was, through the site (an outsider: the only one).
        assert migrated.organisation_id == "org"
        assert {p.id: p.organisation_id for p in store.fetch(Person, "1 = 1")} == {"anna": "org", "ole": "org"}
        # Cancelled with no bid or comment: nothing says it was ever published.
        assert store.get(Task, "cancelled-draft").published_at is None  # type: ignore[union-attr]
        assert [op.id for op in store.pending()] == ["op1"]
        # Rows written before search existed are searchable after the migration.
        found = store.rows("SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ?", ('"ørbæk"',))
        assert len(found) == 1
        # Inside words and composed (v14): "bæk" is inside "Ørbæk", the NFD title is NFC now.
        assert len(store.rows("SELECT rowid FROM tasks_text WHERE tasks_text MATCH ?", ('"bæk"',))) == 1
        if start < 14:
            assert store.get(Task, "nfd").title == "Lektiecafé på Åskolen"  # type: ignore[union-attr]
            assert store.rows("SELECT rowid FROM tasks_text WHERE tasks_text MATCH ?", ('"åskolen"',))
    store.close()

    new = tmp_path / "new.sqlite3"
    Store(new).close()
    assert fresh_schema(old) == fresh_schema(new)


def test_a_newer_file_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 5}")
    conn.close()
    with pytest.raises(StoreDamaged) as caught:
        Store(path)
    assert "newer" in caught.value.detail
    assert path.exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("æblekage", {"bake"}),
        ("ÆBLEKAGE", {"bake"}),
        ("gård", {"garden"}),
        ("gard", set()),  # å is its own letter in Danish, not a decorated a
        ("sø", {"lake", "arabic"}),  # søen, søges: prefixes across æøå work
        ("bål", {"lake"}),
        ("tolk", {"arabic"}),
        ("arabisk", {"arabic"}),
    ],
)
def test_full_text_search_with_danish_words(store: Store, world: World, query: str, expected: set[str]) -> None:
    with store.transaction():
        store.put(world.task(id="bake", title="Æblekage til sommerfesten", description="Vi bager sammen."))
        store.put(world.task(id="garden", title="Hjælp i køkkenhaven", description="Ukrudt i gården"))
        store.put(world.task(id="lake", title="Tur til søen", description="Bål og snobrød", place="Ørnesøen"))
        store.put(world.task(id="arabic", title="Oversæt brev til arabisk", description="Tolk søges"))
    found = store.rows(
        "SELECT tasks.id FROM tasks_fts JOIN tasks ON tasks.rowid = tasks_fts.rowid WHERE tasks_fts MATCH ?",
        (f'"{query}"*',),
    )
    assert {r["id"] for r in found} == expected


def test_search_follows_edits_and_deletes(store: Store, world: World) -> None:
    with store.transaction():
        store.put(world.task(title="Maling af hegn"))
    store.perform("task.edit", {"task_id": "task-1", "changes": {"title": "Reparation af cykler"}}, world.mette, None)

    def hits(word: str) -> int:
        return len(store.rows("SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ?", (word,)))

    assert hits("hegn") == 0 and hits("cykler") == 1
    with store.transaction():
        store.remove_key(Task, ["task-1"])
    assert hits("cykler") == 0


def test_readers_are_not_blocked_by_a_write(tmp_path: Path, world: World) -> None:
    """WAL: while one connection holds a write transaction, others read the last commit."""
    path = tmp_path / "k.sqlite3"
    writer = Store(path)
    with writer.transaction():
        writer.put(world.task())
    writing = threading.Event()
    release = threading.Event()

    def write() -> None:
        with writer.transaction():
            writer.put(world.task(title="Ændret under skrivning"))
            writing.set()
            release.wait(10)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert writing.wait(10)
        titles = []
        for _ in range(4):
            reader = Store(path)
            titles.append(reader.get(Task, "task-1").title)  # type: ignore[union-attr]
            reader.close()
        assert titles == ["Sommerfest på plejehjemmet"] * 4
    finally:
        release.set()
        thread.join()
    reader = Store(path)
    assert reader.get(Task, "task-1").title == "Ændret under skrivning"  # type: ignore[union-attr]
    reader.close()
    writer.close()


def test_garbage_file_is_damaged_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreDamaged) as caught:
        Store(path)
    assert str(path) in caught.value.message("da") and "hente alt igen" in caught.value.message("da")
    assert "fetch everything again" in caught.value.message("en")


def test_recover_moves_aside_and_rescues_the_outbox(tmp_path: Path, world: World) -> None:
    path = tmp_path / "k.sqlite3"
    store = Store(path)
    with store.transaction():
        for entity in world.entities():
            store.put(entity)  # type: ignore[arg-type]
        store.put(world.task())
    store.perform("bid.place", {"bid_id": "b1", "task_id": "task-1"}, world.anna, "dev")
    queued = store.pending()
    store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    # Scribble over a page in the middle of the file, as a failing disk would.
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))

    aside, rescued = recover(path)
    assert aside.exists() and not path.exists()
    assert [op["id"] for op in rescued] == [op.id for op in queued]
    fresh = Store(path)
    assert requeue(fresh, rescued) == 1
    assert [op.id for op in fresh.pending()] == [op.id for op in queued]
    fresh.close()


def test_rebase_drops_what_the_server_refused(store: Store, world: World) -> None:
    with store.transaction():
        store.put(world.task())
    placed = store.perform("bid.place", {"bid_id": "b1", "task_id": "task-1"}, world.anna, "dev")
    assert store.get(Task, "task-1").bid_count == 1  # type: ignore[union-attr]
    # The server cancelled the task meanwhile; the pull delivers that.
    with store.transaction():
        cancelled = world.task(status=TaskStatus.CANCELLED, version=2)
        store.apply_changes([{"table": "tasks", "row": cancelled.to_row(), "deleted": False}])
        store.refuse(
            placed.operation_id,
            Rejection("bid.task_not_open", status="cancelled").to_wire(),
        )
    assert store.rebase() == []
    assert store.get(Bid, "b1") is None
    task = store.get(Task, "task-1")
    assert task is not None and task.status == TaskStatus.CANCELLED and task.bid_count == 0
    [attention] = store.attention()
    assert attention.reason == "bid.task_not_open" and "aflyst" in attention.message("da")
    assert store.pending_count() == 0
    store.dismiss(attention.id)
    assert store.attention() == []


def test_rebase_keeps_pending_work_on_top_of_server_changes(store: Store, world: World) -> None:
    with store.transaction():
        store.put(world.task())
    store.perform("bid.place", {"bid_id": "b1", "task_id": "task-1"}, world.anna, "dev")
    # Meanwhile the server says someone else bid and the title changed.
    server_task = world.task(title="Sommerfest med musik", bid_count=1, version=3)
    with store.transaction():
        store.apply_changes(
            [
                {"table": "tasks", "row": server_task.to_row(), "deleted": False},
                {"table": "bids", "row": Bid(id="b9", task_id="task-1", bidder_id="bo", version=1).to_row(), "deleted": False},
            ]
        )
    # Until the rebase, the view still shows the local state of the shadowed row.
    assert store.get(Task, "task-1").title == "Sommerfest på plejehjemmet"  # type: ignore[union-attr]
    assert store.rebase() == []
    task = store.get(Task, "task-1")
    assert task is not None and task.title == "Sommerfest med musik" and task.bid_count == 2
    assert {b.id for b in store.bids_on("task-1")} == {"b1", "b9"}
    assert store.pending_count() == 1


def test_rebase_reports_operations_the_local_rules_now_refuse(store: Store, world: World) -> None:
    with store.transaction():
        store.put(world.task())
    placed = store.perform("bid.place", {"bid_id": "b1", "task_id": "task-1"}, world.anna, "dev")
    with store.transaction():
        store.apply_changes(
            [{"table": "tasks", "row": world.task(status=TaskStatus.DONE, version=4).to_row(), "deleted": False}]
        )
    assert store.rebase() == [placed.operation_id]
    assert store.get(Bid, "b1") is None
    assert store.pending_count() == 1  # still queued: the server has the last word


def test_forget_server_state_keeps_the_outbox(store: Store, world: World) -> None:
    with store.transaction():
        store.put(world.task())
        store.set_state("cursor", "e.10")
    store.perform("comment.add", {"comment_id": "c1", "task_id": "task-1", "body": "Hej"}, world.anna, "dev")
    store.forget_server_state()
    assert store.get(Task, "task-1") is None and store.state("cursor") is None
    assert store.pending_count() == 1


def test_unknown_tables_from_a_newer_server_are_skipped(store: Store) -> None:
    with store.transaction():
        touched = store.apply_changes([{"table": "badges", "row": {"id": "x"}, "deleted": False}])
    assert touched == set()


# --- a store damaged in a few pages ---------------------------------------------------


def leaf_pages(path: Path, table: str) -> list[int]:
    """The numbers of the leaf pages of `table`'s b-tree in the (checkpointed) file at `path`.

    From the `dbstat` table where SQLite was built with it; otherwise by walking
    the b-tree from its root page as the file format describes it.
    """
    conn = sqlite3.connect(path)
    try:
        try:
            return [
                r[0]
                for r in conn.execute(
                    "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,)
                )
            ]
        except sqlite3.OperationalError:  # no dbstat in this build
            root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    data = path.read_bytes()
    leaves: list[int] = []
    stack = [root]
    while stack:
        number = stack.pop()
        start = (number - 1) * page_size
        header = start + (100 if number == 1 else 0)
        kind = data[header]
        if kind == 0x0D:  # a table leaf
            leaves.append(number)
        elif kind == 0x05:  # a table interior page: cell pointers, each cell opens with a child
            cells = int.from_bytes(data[header + 3 : header + 5], "big")
            stack.append(int.from_bytes(data[header + 8 : header + 12], "big"))
            for i in range(cells):
                offset = int.from_bytes(data[header + 12 + 2 * i : header + 14 + 2 * i], "big")
                stack.append(int.from_bytes(data[start + offset : start + offset + 4], "big"))
    return sorted(leaves)


def scribble_over_leaf_pages(path: Path, table: str = "tasks", count: int = 3) -> list[int]:
    """Overwrite `count` leaf pages of `table` (all, if it has fewer) with garbage, as a failing disk would.

    The store must be closed; its WAL is checkpointed into the file first, so the
    pages written are the ones SQLite reads. Returns the page numbers.
    """
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    leaves = leaf_pages(path, table)
    count = min(count, len(leaves))
    step = len(leaves) // count
    chosen = [leaves[i * step + step // 2] for i in range(count)]
    noise = random.Random(2026)
    with path.open("r+b") as file:
        for number in chosen:
            file.seek((number - 1) * page_size)
            file.write(noise.randbytes(page_size))
    return chosen


def filled_store(path: Path) -> Path:
    """A store holding a small demo municipality (500 tasks), as after a full pull."""
    data = demo.generate(3, people=120, tasks=500)
    store = Store(path, owner_id=data.people[0].id)
    with store.transaction():
        for group in data.groups().values():
            if group:
                store.put_rows(type(group[0]), (entity.to_row() for entity in group))
    store.close()
    return path


def test_a_store_damaged_in_a_few_pages_is_found_and_its_outbox_rescued(tmp_path: Path) -> None:
    path = filled_store(tmp_path / "k.sqlite3")
    store = Store(path)
    admin = next(p for p in store.fetch(Person, "role = 'admin'"))
    task = store.fetch(Task, "status = 'open' AND audience != 'site' LIMIT 1")[0]
    store.check_integrity()  # sound before
    placed = store.perform("bid.place", {"bid_id": "b1", "task_id": task.id}, admin, "dev")
    queued = store.pending()
    store.close()
    scribble_over_leaf_pages(path, "tasks", 3)

    store = Store(path)  # it still opens: only a few pages are broken
    try:
        with pytest.raises(StoreDamaged) as caught:
            store.check_integrity()
        assert "fetch everything again" in caught.value.message("en")
        # The board's whole list reads every task row: it runs into the damage.
        with pytest.raises(StoreDamaged), store.noticing_damage():
            board.search(store, admin, BoardFilter(sort=Sort.TITLE, status="open"))
        with pytest.raises(StoreDamaged), store.noticing_damage():
            store.rows("SELECT count(*) FROM tasks WHERE description LIKE '%æ%'")
        # Ordinary errors are not damage, and pass as they are.
        with pytest.raises(sqlite3.IntegrityError), store.noticing_damage():
            store.connection.execute("INSERT INTO outbox (id, kind, payload, author_id, created_at) "
                                     "VALUES (?, 'x', '{}', 'y', 'z')", (placed.operation_id,))
    finally:
        store.close()

    aside, rescued = recover(path)
    assert aside.exists() and not path.exists()
    assert [op["id"] for op in rescued] == [op.id for op in queued]
    fresh = Store(path)
    try:
        assert requeue(fresh, rescued) == 1
        fresh.check_integrity()
        assert [op.id for op in fresh.pending()] == [op.id for op in queued]
    finally:
        fresh.close()


def test_the_quick_check_runs_once_per_file_and_process(tmp_path: Path) -> None:
    """The sync checks a store once; a file put in place of it (recovery, a restore) again."""
    path = filled_store(tmp_path / "k.sqlite3")
    store = Store(path)
    store.check_integrity_once()
    store.close()
    damaged = tmp_path / "copy.sqlite3"
    damaged.write_bytes(path.read_bytes())
    scribble_over_leaf_pages(damaged, "tasks", 2)
    os.replace(damaged, path)  # another file now, though at the same path
    store = Store(path)
    try:
        with pytest.raises(StoreDamaged):
            store.check_integrity_once()
    finally:
        store.close()


def test_only_damage_counts_as_damage(tmp_path: Path) -> None:
    from desktop.store.damage import is_corruption

    conn = sqlite3.connect(tmp_path / "x.sqlite3")
    conn.execute("CREATE TABLE t (k PRIMARY KEY)")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as duplicate:
        conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as missing:
        conn.execute("SELECT * FROM nowhere")
    conn.close()
    assert not is_corruption(duplicate.value) and not is_corruption(missing.value)
    assert not is_corruption(ValueError("malformed"))
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database, not at all" * 200)
    with pytest.raises(sqlite3.DatabaseError) as notadb:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master").fetchall()
    assert is_corruption(notadb.value)


def test_a_setting_set_again_leaves_one_change_to_send(store: Store, world: World) -> None:
    """The last value of a setting is what the server ends with, so only it waits to be sent:
    an earlier change of only the same keys leaves the queue; one with other keys too stays,
    and so does another person's and any other kind of operation."""
    with store.transaction():
        store.put(world.task())
    store.perform("settings.set", {"changes": {"language": "en", "desktop": False}}, world.anna, None)
    store.perform("bid.place", {"bid_id": "b1", "task_id": "task-1"}, world.anna, "dev")
    store.perform("settings.set", {"changes": {"language": "en"}}, world.mette, None)
    for language in ("da", "en", "da"):
        store.perform("settings.set", {"changes": {"language": language}}, world.anna, None)
    queued = [(op.kind, op.author_id, op.payload.get("changes")) for op in store.pending()]
    assert queued == [
        ("settings.set", world.anna.id, {"language": "en", "desktop": False}),
        ("bid.place", world.anna.id, None),
        ("settings.set", world.mette.id, {"language": "en"}),
        ("settings.set", world.anna.id, {"language": "da"}),
    ]
    store.rebase()
    settings = store.get(PersonSettings, world.anna.id)
    assert settings is not None and settings.preferences == {"language": "da", "desktop": False}
