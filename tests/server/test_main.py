"""knop-server --demo: an empty database gets the demo municipality and an enrolment code."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.server import demo_seed, main, storage
from tests.server.conftest import Servers
from tests.server.harness import Replica, visible_state

demo = pytest.importorskip(
    "sync.server.demo", reason="sync.server.demo (the demo data generator) is not there yet"
)


def test_the_demo_server_starts_seeded_and_hands_out_an_enrolment_code(
    backend: str, servers: Servers, tmp_path: Path
) -> None:
    code_file = tmp_path / "code" / "enrolment-code.txt"
    server = servers.start(
        backend, seeded=False, args=("--demo", "--demo-code-file", str(code_file))
    )
    try:
        code = code_file.read_text().strip()
        assert code in (server.workdir / "server.out").read_text()
        api = server.api()
        api.enrol(code)
        api.login("anna", demo_seed.DEMO_PASSWORD)
        replica = Replica()
        assert replica.sync(api, limit=500)
        expected = visible_state(server.database, api.person["id"])
        assert replica.rows == expected
        assert sum(1 for table, _ in expected if table == "tasks") > 50
    finally:
        server.stop()
    assert server.server_errors() == []


def test_a_second_demo_start_keeps_the_data_and_makes_a_new_code(tmp_path: Path) -> None:
    db = storage.Database(tmp_path / "demo.sqlite3", pool_size=1)
    try:
        from sync.server import migrations

        migrations.migrate(db)
        first = main.prepare_demo(db, None, tmp_path / "code.txt")
        with db.read() as s:
            people = s.value("SELECT count(*) FROM people")
        second = main.prepare_demo(db, None, tmp_path / "code.txt")
        with db.read() as s:
            assert s.value("SELECT count(*) FROM people") == people
        assert first != second
        assert (tmp_path / "code.txt").read_text().strip() == second
    finally:
        db.close()


def test_the_demo_publishes_the_outsiders_guidelines_once(tmp_path: Path) -> None:
    """Try-out 21: the demo's volunteer never met the guidelines an outsider accepts before bidding:
    the demo published none. Each organisation's outsiders' guidelines, version 1, by the real
    operation (its audit event); a second start publishes nothing anew."""
    from desktop.core.entities import Guideline, GuidelineAudience, Organisation

    db = storage.Database(tmp_path / "demo.sqlite3", pool_size=1)
    try:
        from sync.server import migrations

        migrations.migrate(db)
        for _start in range(2):
            main.prepare_demo(db, None, tmp_path / "code.txt")
            with db.read() as s:
                organisations = {o.id for o in s.fetch(Organisation, "1 = 1")}
                published = s.fetch(Guideline, "1 = 1")
                audited = s.value("SELECT count(*) FROM audit_events WHERE operation = 'guidelines.publish'")
            assert len(organisations) > 1  # the neighbour's too
            assert {(g.organisation_id, g.audience, g.version) for g in published} == {
                (o, GuidelineAudience.OUTSIDERS.value, 1) for o in organisations
            }
            assert all("Tavshedspligt" in g.text_da and "Confidentiality" in g.text_en for g in published)
            assert audited == len(organisations)
    finally:
        db.close()
