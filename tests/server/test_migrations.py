"""Server schema migrations: versioned, idempotent, safe with several processes starting at once."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest

from sync.server import migrations, storage
from tests.server.conftest import Servers
from tests.server.harness import ROOT


def _at_version(s: storage.Session, version: int) -> None:
    """Bring an empty database to schema `version`, as a server of that time left it."""
    s.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    for number, step in enumerate(migrations.STEPS[:version], start=1):
        step(s)
        s.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'then')", (number,))


def test_a_new_database_is_migrated_once_however_many_start_it(
    backend: str, servers: Servers
) -> None:
    url = servers.new_database(backend)
    versions: list[int] = []
    errors: list[BaseException] = []

    def start() -> None:
        db = storage.Database(url, pool_size=1)
        try:
            versions.append(migrations.migrate(db))
        except BaseException as error:  # noqa: BLE001 - the test thread hands it to the test
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert versions == [migrations.LATEST] * 4
    db = storage.Database(url, pool_size=1)
    try:
        with db.read() as s:
            rows = [
                r["version"]
                for r in s.rows("SELECT version FROM schema_migrations ORDER BY version")
            ]
            epoch = s.value("SELECT value FROM meta WHERE key = 'epoch'")
        assert rows == list(range(1, migrations.LATEST + 1))
        assert epoch and "." not in epoch  # the cursor is "<epoch>.<seq>"
        assert migrations.migrate(db) == migrations.LATEST
    finally:
        db.close()


def test_a_database_from_a_newer_server_is_left_alone(backend: str, servers: Servers) -> None:
    url = servers.new_database(backend)
    db = storage.Database(url, pool_size=1)
    try:
        migrations.migrate(db)
        with db.write() as s:
            s.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'later')")
        with pytest.raises(migrations.NewerSchema):
            migrations.migrate(db)
    finally:
        db.close()
    started = subprocess.run(
        [sys.executable, "-m", "sync.server.main", "--db", url, "--port", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert started.returncode == 1
    assert "newer" in started.stderr


def _one_organisation(s: storage.Session, world: Any) -> None:
    """The organisation and the school, as an early database held them (rows of later steps get theirs)."""
    s.execute("INSERT INTO organisations (id, name) VALUES (?, ?)", (world.org.id, world.org.name))
    s.execute(
        "INSERT INTO sites (id, organisation_id, name, kind) VALUES (?, ?, ?, ?)",
        (world.school.id, world.org.id, world.school.name, world.school.kind),
    )


def test_v2_keeps_a_task_never_published_private_and_resyncs_every_device(
    backend: str, servers: Servers
) -> None:
    """A v1 database, whose feed broadcast a cancelled draft, comes out of v2 without the leak."""
    import json

    from desktop.core.entities import Bid
    from sync.server import feed
    from tests.conftest import make_world

    world = make_world()
    url = servers.new_database(backend)
    db = storage.Database(url, pool_size=1)
    tasks = {
        "open-external": (
            world.task(id="open-external", audience="external", title="Cafe\u0301", starts_on="20240101"),
            "all",
        ),
        "cancelled-draft": (world.task(id="cancelled-draft", audience="external", status="cancelled"), "all"),
        "cancelled-bid": (world.task(id="cancelled-bid", audience="organisation", status="cancelled"), "org"),
        "draft": (world.task(id="draft", status="draft"), "managers"),
    }
    bid = Bid(id="b1", task_id="cancelled-bid", bidder_id="anna", status="declined", version=2)
    try:
        with db.write() as s:
            _at_version(s, 1)
            _one_organisation(s, world)
            written = [(task, scope) for task, scope in tasks.values()] + [(bid, "managers")]
            for entity, scope in written:
                row = entity.to_row()
                for later in ("published_at", "warnings", "home_site_id", "lending", "lending_decided_by",
                              "lending_decided_at", "worked_hours", "hours_confirmed_by", "hours_confirmed_at",
                              "start_time", "end_time", "repeats", "outsiders", "organisation_id"):
                    row.pop(later, None)  # columns v1 did not have (published_at: v2; the rest later)
                s.execute(
                    f"INSERT INTO {entity.table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
                s.execute(
                    "INSERT INTO changes (table_name, entity_key, deleted, scope, site_id, viewers, at, body) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (entity.table, entity.id, False, scope, world.school.id, "|mette|", "then",
                     json.dumps({"table": entity.table, "row": row, "deleted": False})),
                )
            epoch_before = s.value("SELECT value FROM meta WHERE key = 'epoch'")
        assert migrations.migrate(db) == migrations.LATEST
        with db.read() as s:
            published = {
                str(r[0]): r[1] for r in s.execute("SELECT id, published_at FROM tasks").fetchall()
            }
            assert epoch_before != s.value("SELECT value FROM meta WHERE key = 'epoch'")
            seen_by_ole = [
                json.loads(body)["row"] for body in feed.page(s, world.ole, None, 100).bodies
            ]
            seen_by_anna = {
                json.loads(body)["row"]["id"] for body in feed.page(s, world.anna, None, 100).bodies
            }
        created = world.task().created_at
        assert published == {
            "open-external": created, "cancelled-draft": None, "cancelled-bid": created, "draft": None
        }
        # Rows are sent again with the new field, and only to whom the rule lets see them.
        assert [(row["id"], row["published_at"]) for row in seen_by_ole] == [("open-external", created)]
        # ...and in the one spelling operations store now (issue 18 item 4).
        assert (seen_by_ole[0]["title"], seen_by_ole[0]["starts_on"]) == ("Café", "2024-01-01")
        assert seen_by_anna == {"open-external", "cancelled-bid"}
    finally:
        db.close()


def test_v11_moves_the_outsiders_onto_the_task_and_out_of_other_kinds_feeds(
    backend: str, servers: Servers
) -> None:
    """A v10 database whose task was open to volunteers only (a requirement then) no longer feeds it to citizens."""
    import json

    from desktop.core.entities import Comment, PersonKind, Task
    from sync.server import feed
    from tests.conftest import make_world

    world = make_world()
    citizen = world.ole.replace(id="cecilie", username="cecilie", kind=PersonKind.CITIZEN)
    url = servers.new_database(backend)
    db = storage.Database(url, pool_size=1)
    task = world.task(id="cafe", audience="external")
    comment = Comment(id="c1", task_id="cafe", author_id="anna", body="Hvem kommer?", created_at="then")
    try:
        with db.write() as s:
            _at_version(s, 10)
            _one_organisation(s, world)
            for entity in (task, comment):
                row = entity.to_row()
                row.pop("outsiders", None)  # v10 had no such column on tasks
                row.pop("organisation_id", None)  # nor this (v13)
                s.execute(
                    f"INSERT INTO {entity.table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
                s.execute(
                    "INSERT INTO changes (table_name, entity_key, deleted, published, audience, site_id, viewers, "
                    "at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (entity.table, entity.id, False, True, "external", task.site_id, "|mette|", "then",
                     json.dumps({"table": entity.table, "row": row, "deleted": False})),
                )
            s.execute("INSERT INTO task_requirements (task_id, outsiders) VALUES ('cafe', ?)", ('["volunteer"]',))
        assert migrations.migrate(db) == migrations.LATEST
        with db.read() as s:
            assert s.get(Task, "cafe").outsiders == ["volunteer"]  # type: ignore[union-attr]
            seen_by_ole = [json.loads(body)["row"] for body in feed.page(s, world.ole, None, 100).bodies]
            seen_by_citizen = [json.loads(body)["row"] for body in feed.page(s, citizen, None, 100).bodies]
        by_ole = {row["id"]: row for row in seen_by_ole if row.get("id") in ("cafe", "c1")}
        assert set(by_ole) == {"cafe", "c1"} and by_ole["cafe"]["outsiders"] == '["volunteer"]'
        assert not {row.get("id") for row in seen_by_citizen} & {"cafe", "c1"}
    finally:
        db.close()


# Every version before the tenants step (a later step's database has the organisation already).
@pytest.mark.parametrize("start", range(1, migrations.STEPS.index(migrations._v13_tenants) + 1))
def test_every_earlier_version_gets_the_organisation_on_every_growing_row(
    backend: str, servers: Servers, start: int
) -> None:
    """Issue 16: rows written at any earlier version belong to the one organisation after migrating.

    The small world's rows are written with the columns that version had (a
    task, a bid, a comment, people, a device, a token, an operation, an audit
    event and their feed rows), then the server migrates to today's schema.
    """
    from sync.server import tenancy
    from tests.conftest import make_world

    world = make_world()
    db = storage.Database(servers.new_database(backend), pool_size=1)
    try:
        with db.write() as s:
            _at_version(s, start)

            def insert(table: str, row: dict[str, Any]) -> None:
                present = {d[0] for d in s.execute(f"SELECT * FROM {table} WHERE 1 = 0").description}
                kept = {k: v for k, v in row.items() if k in present and (k != "organisation_id" or table == "sites")}
                s.execute(
                    f"INSERT INTO {table} ({', '.join(kept)}) VALUES ({', '.join('?' * len(kept))})",
                    list(kept.values()),
                )

            insert("organisations", {"id": world.org.id, "name": world.org.name})
            insert("sites", world.school.to_row())
            for person in (world.anna, world.mette, world.ole):
                insert("people", person.to_row())
                insert("accounts", {"person_id": person.id, "username": person.username, "updated_at": "then"})
            task = world.task(audience="organisation")
            insert("tasks", task.to_row())
            insert("bids", {"id": "b1", "task_id": task.id, "bidder_id": "anna", "status": "pending"})
            insert("comments", {"id": "c1", "task_id": task.id, "author_id": "anna", "body": "Hej"})
            insert("person_skills", {"person_id": "anna", "skill": "it.support", "evidence": "self"})
            insert("devices", {"id": "d1", "site_id": world.school.id, "secret_hash": "x", "enrolled_at": "then"})
            insert("tokens", {"token_hash": "t1", "person_id": "anna", "device_id": "d1", "created_at": "then",
                              "expires_at": "later"})
            insert("operations", {"id": "o1", "content_hash": "h", "kind": "bid.place", "author_id": "anna",
                                  "received_at": "then", "result": "{}"})
            insert("audit_events", {"id": "e1", "at": "then", "actor_id": "anna", "operation": "bid.place",
                                    "entity_id": "b1"})
            insert("changes", {"table_name": "tasks", "entity_key": task.id, "deleted": False, "scope": "org",
                               "site_id": world.school.id, "viewers": "|mette|", "at": "then", "body": "{}",
                               "published": True, "audience": "organisation"})
        assert migrations.migrate(db) == migrations.LATEST
        with db.read() as s:
            for table in (*tenancy.OWN, *tenancy.ORGANISATION_FROM):
                found = {r[0] for r in s.execute(f"SELECT organisation_id FROM {table}").fetchall()}
                assert found <= {world.org.id}, (table, found)
            assert s.value("SELECT organisations FROM changes WHERE table_name = 'tasks'") == f"|{world.org.id}|"
            assert s.value("SELECT count(*) FROM people WHERE organisation_id = ?", (world.org.id,)) == 3
    finally:
        db.close()


def test_the_feed_keeps_no_index_that_nothing_reads(backend: str, servers: Servers) -> None:
    """Each index of `changes` costs every push an insert per feed row (v16 dropped two nobody read)."""
    url = servers.new_database(backend)
    db = storage.Database(url, pool_size=1)
    try:
        migrations.migrate(db)
        listing = (
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes'"
            if backend == "sqlite"
            else "SELECT indexname FROM pg_indexes WHERE tablename = 'changes'"
        )
        with db.read() as s:
            names = {str(r[0]) for r in s.execute(listing).fetchall()}
    finally:
        db.close()
    assert "changes_position" in names and "changes_entity" in names
    assert not names & set(migrations.UNREAD_FEED_INDEXES)


def test_v17_gives_the_one_set_of_guidelines_to_every_organisation_and_keeps_the_acceptances(
    backend: str, servers: Servers
) -> None:
    """Each organisation its own guidelines (issue 16): the set there was becomes each
    organisation's, version and all, so what people accepted still counts; the feed's one
    shared row gives way to a row per organisation's set, in that organisation's scope."""
    import json

    from desktop.core import guidelines
    from desktop.core.entities import GuidelineAudience
    from sync.server import feed
    from tests.conftest import make_world

    world = make_world()
    bea = world.anna.replace(id="bea", username="bea", name="Bea Borg", home_site_id="s-b", organisation_id="org-b")
    db = storage.Database(servers.new_database(backend), pool_size=1)
    try:
        with db.write() as s:
            _at_version(s, 16)

            def insert(table: str, row: dict[str, Any]) -> None:
                present = {d[0] for d in s.execute(f"SELECT * FROM {table} WHERE 1 = 0").description}
                kept = {k: v for k, v in row.items() if k in present}
                s.execute(
                    f"INSERT INTO {table} ({', '.join(kept)}) VALUES ({', '.join('?' * len(kept))})",
                    list(kept.values()),
                )

            insert("organisations", {"id": "org", "name": "Egeskov Kommune"})
            insert("organisations", {"id": "org-b", "name": "Bøgeby Kommune"})
            insert("sites", world.school.to_row())
            insert("sites", {"id": "s-b", "organisation_id": "org-b", "name": "Bøgeby Skole", "kind": "school"})
            for person in (world.anna, bea):
                insert("people", person.to_row())
            shared = {"audience": "bidding", "version": 2, "text_da": "Vær venlig", "text_en": "Be kind",
                      "published_at": "2026-11-01T10:00:00.000Z"}
            insert("guidelines", shared)
            for person_id in ("anna", "bea"):
                insert("guideline_acceptances", {"person_id": person_id, "audience": "bidding", "version": 2,
                                                 "accepted_at": "2026-11-02T10:00:00.000Z", "organisation_id":
                                                 "org" if person_id == "anna" else "org-b"})
            insert("changes", {"table_name": "guidelines", "entity_key": "bidding", "deleted": False,
                               "published": True, "audience": "external", "viewers": "", "at": "then",
                               "body": json.dumps({"table": "guidelines", "row": shared, "deleted": False}),
                               "organisation_id": "", "organisations": "", "outsider_kinds": ""})
        assert migrations.migrate(db) == migrations.LATEST
        with db.read() as s:
            held = s.rows("SELECT organisation_id, audience, version, text_da FROM guidelines")
            assert sorted((r["organisation_id"], r["audience"], r["version"], r["text_da"]) for r in held) == [
                ("org", "bidding", 2, "Vær venlig"), ("org-b", "bidding", 2, "Vær venlig")
            ]
            rows = s.rows("SELECT entity_key, organisation_id, organisations FROM changes WHERE table_name = 'guidelines'")
            assert sorted((r["entity_key"], r["organisation_id"], r["organisations"]) for r in rows) == [
                ("org-b|bidding", "org-b", "|org-b|"), ("org|bidding", "org", "|org|")
            ]
            for person in (world.anna, bea):  # what they accepted still counts
                assert guidelines.missing(s, person, (GuidelineAudience.BIDDING,)) == []
        with db.statement() as s:
            pulled = [json.loads(body)["row"] for body in feed.page(s, bea, None, 100).bodies]
        assert [(r["organisation_id"], r["version"]) for r in pulled if "text_da" in r] == [("org-b", 2)]
    finally:
        db.close()
