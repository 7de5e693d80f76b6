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
