"""Pull pages in columns (protocol.PAGE_HEADER), on SQLite and PostgreSQL.

A new workstation asks for its initial pull's pages as blocks of value lists,
which the server joins from each feed row's stored values and shape
(sync.server.feed, server migration 19). Every other pull gets the changes as
dicts, as before; a page in columns holds exactly the changes the dict page
holds, and a store filled from either is the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.core.ids import uuid7
from desktop.store import Store
from sync import protocol
from sync.api import ServerApi
from sync.pull import pull_changes
from sync.server import feed, migrations, storage
from sync.transport import Connection, Transport
from tests.conftest import World, make_world
from tests.server.conftest import Servers, migrated_before
from tests.server.harness import Api, Deployment
from tests.server.test_push import published_task
from tests.sync.workstation import view

IN_COLUMNS = {protocol.PAGE_HEADER: protocol.PAGE_IN_COLUMNS}


def pages(api: Api, limit: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every page of the feed from the start, asked with `headers` besides the usual ones."""
    found, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = api.http.get(protocol.PATH_PULL, params=params, headers={**api.headers(), **headers})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found.append(page)
        cursor = page["cursor"]
        if not page["more"]:
            return found


def as_changes(page: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """A page's changes, as dicts or from its blocks, each as (table, row as JSON, deleted), sorted."""
    changes = list(page["changes"])
    for block in page.get("tables", ()):
        assert block["rows"], block["table"]  # no empty block is sent
        changes += [
            {"table": block["table"], "row": dict(zip(block["columns"], row, strict=True)), "deleted": block["deleted"]}
            for row in block["rows"]
        ]
    return sorted((c["table"], json.dumps(c["row"], sort_keys=True), c["deleted"]) for c in changes)


def with_a_tombstone(deployment: Deployment, world: World) -> Api:
    """The admin's client, after Anna added and removed a skill (a deleted change in the feed) and bid on three tasks."""
    anna = deployment.user("anna")
    anna.apply("profile.skill_add", person_id=world.anna.id, skill="#tag columns")
    anna.apply("profile.skill_remove", person_id=world.anna.id, skill="#tag columns")
    mette = deployment.user("mette")
    for title in ("Sommerfest på Åskolen", "Lektiecafé", "Æblehøst"):
        task_id = published_task(mette, world, title=title, audience="organisation")
        anna.apply("bid.place", bid_id=uuid7(), task_id=task_id, message="Jeg kan hjælpe")
    mette.close()
    anna.close()
    return deployment.user("admin")


def test_a_pull_asking_for_columns_gets_blocks_of_the_very_changes_others_get_as_dicts(
    fresh_server: Deployment, world: World
) -> None:
    admin = with_a_tombstone(fresh_server, world)
    try:
        as_dicts = pages(admin, 3, {})
        in_columns = pages(admin, 3, IN_COLUMNS)
        older = pages(admin, 3, {**IN_COLUMNS, protocol.ROWS_HEADER: "2"})
    finally:
        admin.close()
    assert len(as_dicts) == len(in_columns) > 3
    assert all("tables" not in p and p["changes"] for p in as_dicts[:-1])  # the old shape, unasked
    assert all(p["changes"] == [] and p["tables"] for p in in_columns[:-1])
    assert any(b["deleted"] for p in in_columns for b in p["tables"])
    for dicts, columns in zip(as_dicts, in_columns, strict=True):
        assert (columns["cursor"], columns["more"], columns["nfc"]) == (dicts["cursor"], dicts["more"], True)
        assert as_changes(columns) == as_changes(dicts)
    # A client that stores older rows gets the changes as dicts, whatever it asks.
    assert all("tables" not in p for p in older)


def test_a_store_filled_from_pages_in_columns_is_the_one_filled_from_dicts(
    fresh_server: Deployment, world: World, tmp_path: Path
) -> None:
    admin = with_a_tombstone(fresh_server, world)
    token, credential = str(admin.token), str(admin.credential)
    admin.close()
    in_columns, as_dicts = Store(tmp_path / "columns.sqlite3"), Store(tmp_path / "dicts.sqlite3")
    try:
        with Transport(Connection(fresh_server.url), device_credential=credential) as transport:
            api = ServerApi(transport)
            first = api.pull(token, None, 3, in_columns=True)
            assert first["changes"] == [] and first["tables"]  # served in columns, not as dicts
            pulled = pull_changes(in_columns, api, token, page_size=3)  # a bulk load: asks for columns
            cursor: str | None = None
            while True:  # the same feed as dicts, page by page
                page = api.pull(token, cursor, 3)
                assert "tables" not in page
                with as_dicts.transaction():
                    as_dicts.apply_changes(page["changes"])  # type: ignore[arg-type]
                cursor = page["cursor"]
                if not page["more"]:
                    break
        assert pulled.changes > 10
        filled = view(in_columns)
        assert filled == view(as_dicts)
        assert {table for table, _ in filled} >= {"tasks", "bids", "people", "sites"}
    finally:
        in_columns.close()
        as_dicts.close()


def test_v19_gives_every_stored_change_its_values_and_a_row_without_them_is_sent_as_a_body(
    backend: str, servers: Servers
) -> None:
    world = make_world()
    db = storage.Database(servers.new_database(backend), pool_size=1)
    tasks = [world.task(id=f"t{i}", title=f"Opgave {i} på Åskolen") for i in range(3)]
    try:
        migrated_before(db, migrations._v19_pages_in_columns)
        with db.write() as s:
            written = [feed._row(t, i == 2, feed._task_visibility(t), "then") for i, t in enumerate(tasks)]
            feed._write(s, written, feed.BEFORE_PAGES_IN_COLUMNS)  # as a server before v19 wrote them
        assert migrations.migrate(db) == migrations.LATEST
        with db.read() as s:
            found = s.execute("SELECT entity_key, row_values, row_shape FROM changes").fetchall()
        filled = {str(k): (str(v), int(n)) for k, v, n in found}
        for task, deleted in zip(tasks, (False, False, True), strict=True):
            row = task.to_row()
            assert json.loads(filled[task.id][0]) == list(row.values())
            assert filled[task.id][1] == feed.shape_number(feed.shape_head("tasks", row, deleted))
        with db.statement() as s:
            page = feed.page(s, world.admin, None, 10, in_columns=True)
        assert page.bodies == [] and page.blocks is not None and len(page.blocks) == 2  # live and deleted
        assert as_changes(json.loads(page.to_json())) == as_changes(_dict_page(db, world))
        # A row whose values are missing (written by no code of today's) makes its page go as bodies.
        with db.write() as s:
            s.execute("UPDATE changes SET row_values = NULL WHERE entity_key = 't1'")
        with db.statement() as s:
            page = feed.page(s, world.admin, None, 10, in_columns=True)
        assert page.blocks is None and len(page.bodies) == 3
        assert as_changes(json.loads(page.to_json())) == as_changes(_dict_page(db, world))
    finally:
        db.close()


def _dict_page(db: storage.Database, world: World) -> dict[str, Any]:
    with db.statement() as s:
        return dict(json.loads(feed.page(s, world.admin, None, 10).to_json()))

