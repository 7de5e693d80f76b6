"""The feed's text in NFC, promised on every page (protocol.PullPage `nfc`), on SQLite and PostgreSQL.

A new workstation skips checking every pulled value for NFC when a page says
`"nfc": true`, so the promise must hold for every body the server stores:
written from now on (feed.encode) and written before (server migration 14).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from desktop.core.entities import Task
from sync.server import feed, migrations, storage
from tests.conftest import make_world
from tests.server.conftest import Servers

NFD_TITLE = unicodedata.normalize("NFD", "Sommerfest på Åskolen")
NFD_PLACE = unicodedata.normalize("NFD", "Gården")


def _all_nfc(row: dict[str, Any]) -> bool:
    return all(unicodedata.is_normalized("NFC", v) for v in row.values() if isinstance(v, str))


def test_a_body_is_written_in_nfc_whatever_the_entity_holds() -> None:
    task = make_world().task(id="nfd", title=NFD_TITLE, place=NFD_PLACE)
    assert not _all_nfc(task.to_row())
    row = json.loads(feed.encode(task, False))["row"]
    assert (row["title"], row["place"]) == ("Sommerfest på Åskolen", "Gården") and _all_nfc(row)
    page = json.loads(feed.Page([feed.encode(task, False).encode()], "c1", False).to_json())
    assert page["nfc"] is True and page["changes"][0]["row"]["title"] == "Sommerfest på Åskolen"


def test_v14_brings_every_stored_body_to_nfc_and_leaves_the_others_as_they_were(
    backend: str, servers: Servers
) -> None:
    world = make_world()
    db = storage.Database(servers.new_database(backend), pool_size=1)
    before_v14 = migrations.STEPS.index(migrations._v14_feed_text_nfc)
    raw = world.task(id="raw", title=NFD_TITLE, place=NFD_PLACE).to_row()
    escaped = world.task(id="escaped", title=NFD_TITLE).to_row()
    bodies = {
        # Decomposed text as an earlier server stored it: raw, and as \u escapes.
        "raw": json.dumps({"table": "tasks", "row": raw, "deleted": False}, ensure_ascii=False),
        "escaped": json.dumps({"table": "tasks", "row": escaped, "deleted": False}),
        # Already composed, beyond ASCII and not: kept byte for byte.
        "danish": feed.encode(world.task(id="danish", title="Æblehøst i Ørbæk"), False),
        "ascii": feed.encode(world.task(id="ascii", title="Summer party"), False),
    }
    try:
        with db.write() as s:
            s.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            for version, step in enumerate(migrations.STEPS[:before_v14], start=1):
                step(s)
                s.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'then')", (version,))
            for key, body in bodies.items():
                s.execute(
                    "INSERT INTO changes (table_name, entity_key, deleted, published, audience, site_id, viewers, "
                    "at, body, organisation_id, organisations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ("tasks", key, False, True, "organisation", world.school.id, "", "then", body,
                     world.org.id, f"|{world.org.id}|"),
                )
        assert migrations.migrate(db) == migrations.LATEST
        with db.read() as s:
            stored = dict(s.execute("SELECT entity_key, body FROM changes").fetchall())
    finally:
        db.close()
    for key in ("raw", "escaped"):
        row = json.loads(stored[key])["row"]
        assert row["title"] == "Sommerfest på Åskolen" and _all_nfc(row), key
        assert Task.from_row(row).id == key  # the rest of the row is as it was
    assert json.loads(stored["raw"])["row"]["place"] == "Gården"
    assert (stored["danish"], stored["ascii"]) == (bodies["danish"], bodies["ascii"])
