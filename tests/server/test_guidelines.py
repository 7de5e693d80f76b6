"""The rules of the road against a real server: published from knop-admin, accepted per version.

A person's first action is refused until they have accepted the current
guidelines that cover it, and again after a new version is published;
posting to outsiders also needs the outsiders' guidelines; acceptances are
recorded (who, which version, when), reach the admins and not the colleagues.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.ids import uuid7
from tests.conftest import World
from tests.server.harness import Api, Deployment
from tests.server.test_admin_cli import admin


def publish(deployment: Deployment, tmp_path: Path, audience: str, words: str) -> None:
    da, en = tmp_path / f"{audience}.da.txt", tmp_path / f"{audience}.en.txt"
    da.write_text(f"Regler: {words}", encoding="utf-8")
    en.write_text(f"Rules: {words}", encoding="utf-8")
    done = admin(deployment.db_url, "guidelines", "publish", "--audience", audience, "--da", str(da), "--en", str(en))
    assert done.code == 0, done.err


def reason(api: Api, kind: str, **payload: object) -> str:
    (result,) = api.push(api.op(kind, **payload))
    return "applied" if result["status"] == "applied" else str(result["rejection"]["reason"])


def pulled(api: Api, table: str) -> list[dict[str, object]]:
    return [c["row"] for c in api.pull()["changes"] if c["table"] == table and not c["deleted"]]


def test_the_first_action_waits_for_the_current_guidelines_and_acceptance_is_recorded(
    fresh_server: Deployment, world: World, tmp_path: Path
) -> None:
    mette, anna, bo, ada = (fresh_server.user(u) for u in ("mette", "anna", "bo", "admin"))
    task_id = uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Før reglerne", publish=True)
    publish(fresh_server, tmp_path, "bidding", "vær venlig")
    publish(fresh_server, tmp_path, "posting", "skriv tydeligt")

    assert reason(anna, "bid.place", bid_id=uuid7(), task_id=task_id) == "guidelines.not_accepted"
    (shown,) = [g for g in pulled(anna, "guidelines") if g["audience"] == "bidding"]
    assert shown["version"] == 1 and shown["text_da"] == "Regler: vær venlig"
    anna.apply("guidelines.accept", audience="bidding", version=1)
    assert reason(anna, "bid.place", bid_id=uuid7(), task_id=task_id) == "applied"

    # A new version: accepted anew before the next action; the old one can no longer be accepted.
    publish(fresh_server, tmp_path, "bidding", "vær endnu venligere")
    other = uuid7()
    assert reason(mette, "task.create", task_id=other, site_id=world.school.id, title="Ny", publish=True) == (
        "guidelines.not_accepted"
    )
    mette.apply("guidelines.accept", audience="posting", version=1)
    mette.apply("task.create", task_id=other, site_id=world.school.id, title="Ny", publish=True)
    assert reason(anna, "bid.place", bid_id=uuid7(), task_id=other) == "guidelines.not_accepted"
    assert reason(anna, "guidelines.accept", audience="bidding", version=1) == "guidelines.changed"
    anna.apply("guidelines.accept", audience="bidding", version=2)
    assert reason(anna, "bid.place", bid_id=uuid7(), task_id=other) == "applied"

    # Who accepted what: the admins see it, colleagues do not.
    assert {(r["person_id"], r["version"]) for r in pulled(ada, "guideline_acceptances")} >= {
        ("anna", 2), ("mette", 1)
    }
    assert {r["person_id"] for r in pulled(bo, "guideline_acceptances")} == set()
    listing = admin(fresh_server.db_url, "guidelines", "acceptances").out
    assert any(line.startswith("anna\tbidding\taccepted version 2 at 20") for line in listing.splitlines())
    assert "bo\tbidding\tnot accepted" in listing


def test_posting_to_outsiders_needs_the_outsiders_guidelines(
    fresh_server: Deployment, world: World, tmp_path: Path
) -> None:
    mette = fresh_server.user("mette")
    publish(fresh_server, tmp_path, "outsiders", "frivillige skal have børneattest")
    mette.apply("task.create", task_id=uuid7(), site_id=world.school.id, title="Internt", publish=True)
    external = {"site_id": world.school.id, "title": "For frivillige", "audience": "external", "publish": True}
    assert reason(mette, "task.create", task_id=uuid7(), **external) == "guidelines.not_accepted"
    mette.apply("guidelines.accept", audience="outsiders", version=1)
    assert reason(mette, "task.create", task_id=uuid7(), **external) == "applied"
    ole = fresh_server.user("ole")  # an outsider accepts the same text before bidding
    (task,) = [t for t in pulled(ole, "tasks") if t["title"] == "For frivillige"]
    assert reason(ole, "bid.place", bid_id=uuid7(), task_id=task["id"]) == "guidelines.not_accepted"
    ole.apply("guidelines.accept", audience="outsiders", version=1)
    assert reason(ole, "bid.place", bid_id=uuid7(), task_id=task["id"]) == "applied"
    refused = reason(fresh_server.user("anna"), "guidelines.publish", audience="posting", text_da="x", text_en="x")
    assert refused == "guidelines.not_admin"


def test_a_client_from_before_each_organisation_had_its_own_is_sent_rows_its_store_takes(
    fresh_server: Deployment, world: World, tmp_path: Path
) -> None:
    """An older client sends no Knop-Rows header (protocol.ROWS_HEADER): its store's `guidelines`
    table has no `organisation_id`, and a row with one would stop its pulls. It is sent its own
    organisation's set without it, stores it by audience, and accepts it as before."""
    import sqlite3

    from desktop import migrations as client_migrations
    from desktop.core.records import upsert_statement
    from sync import protocol

    publish(fresh_server, tmp_path, "bidding", "vær venlig")
    anna = fresh_server.user("anna")
    (current,) = pulled(anna, "guidelines")
    assert current["organisation_id"] == world.org.id
    older = anna.http.get(
        protocol.PATH_PULL, headers={k: v for k, v in anna.headers().items() if k != protocol.ROWS_HEADER}
    )
    (row,) = [c["row"] for c in older.json()["changes"] if c["table"] == "guidelines"]
    assert row == {k: v for k, v in current.items() if k != "organisation_id"}

    store = sqlite3.connect(tmp_path / "older.sqlite3", isolation_level=None)
    try:
        client_migrations.migrate(store, target=21)  # the store of a client from before
        with pytest.raises(sqlite3.OperationalError, match="organisation_id"):
            store.execute(upsert_statement("guidelines", tuple(current), ("audience",)), tuple(current.values()))
        store.execute(upsert_statement("guidelines", tuple(row), ("audience",)), tuple(row.values()))
        assert store.execute("SELECT audience, version FROM guidelines").fetchall() == [("bidding", 1)]
    finally:
        store.close()
    assert reason(anna, "guidelines.accept", audience="bidding", version=row["version"]) == "applied"
