"""Server schema migrations: versioned, idempotent, safe with several processes starting at once."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from sync.server import migrations, storage
from tests.server.conftest import Servers
from tests.server.harness import ROOT


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
