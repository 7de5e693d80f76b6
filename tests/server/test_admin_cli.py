"""knop-admin, run as IT runs it: a command line against SQLite or PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sync.server import accounts, storage
from tests.server.conftest import Servers
from tests.server.harness import ROOT


@dataclass
class Ran:
    code: int
    out: str
    err: str


def admin(db: str | None, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> Ran:
    command = [sys.executable, "-m", "sync.server.admin", *((["--db", db]) if db else []), *args]
    done = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def test_setting_up_an_organisation_from_the_command_line(
    backend: str, servers: Servers, tmp_path: Path
) -> None:
    db = servers.new_database(backend)
    assert admin(db, "init", "--org", "Testby Kommune").code == 0
    again = admin(db, "init", "--org", "Testby Kommune")
    assert again.code == 1 and "already has an organisation" in again.err and "organisation add" in again.err
    wrong = admin(db, "site", "add", "--name", "Rådhus", "--kind", "townhall")
    assert wrong.code == 2 and "'school'" in wrong.err and "SiteKind" not in wrong.err  # plain choices
    assert (
        admin(db, "site", "add", "--name", "Testby Skole", "--kind", "school", "--id", "ts").code
        == 0
    )
    added = admin(
        db,
        "person",
        "add",
        "--username",
        "Lise",
        "--name",
        "Lise Holm",
        "--site",
        "testby skole",
        "--languages",
        "da,en",
        "--password-stdin",
        stdin="hemmeligt-ord\n",
    )
    assert added.code == 0, added.err
    assert "person lise" in added.out and "hemmeligt" not in added.out + added.err
    taken = admin(db, "person", "add", "--username", "lise", "--name", "Lise 2", "--site", "ts")
    assert taken.code == 1 and "taken" in taken.err

    staff = tmp_path / "staff.csv"
    staff.write_text(
        "username,name,site\nmads,Mads,ts\nbad name,X,ts\nnora,Nora,Nowhere\nola,Ola,ts\n"
    )
    imported = admin(db, "import-people", str(staff))
    assert imported.code == 1
    assert "created 2, updated 0, refused 2" in imported.out
    assert f"{staff}:line 3:" in imported.err and f"{staff}:line 4:" in imported.err
    # --db after the subcommand works too, and KNOP_SERVER_DB is the default.
    listed = admin(None, "person", "list", "--db", db)
    assert [line.split("\t")[1] for line in listed.out.splitlines()] == ["lise", "mads", "ola"]
    assert admin(None, "site", "list", env={storage.DB_ENV: db}).out.startswith(
        "ts\tschool\tTestby Skole"
    )

    code = admin(db, "enrolment-code", "--site", "ts").out.strip()
    assert len(code) == 19 and code.count("-") == 3
    database = storage.Database(db, pool_size=1)
    try:
        device = accounts.enrol(database, code, "kontoret")
    finally:
        database.close()
    assert device.device_id in admin(db, "devices").out
    assert admin(db, "revoke-device", device.device_id).code == 0
    assert admin(db, "revoke-device", device.device_id).code == 1
    assert "revoked" in admin(db, "devices").out
    assert admin(db, "revoke-token", "--user", "lise").out.strip() == "0 token(s) revoked"
    assert admin(db, "set-password", "mads", "--password-stdin", stdin="nyt-kodeord\n").code == 0
    assert admin(db, "deactivate", "ola").code == 0
    assert "inactive" in admin(db, "person", "list").out
    trail = admin(db, "audit").out
    assert "admin.organisation_create" in trail and "admin.person_deactivate" in trail
    assert admin(db, "prune-feed", "--older-than-days", "0").code == 0
    assert admin(db, "new-epoch").code == 0
    assert admin(db, "migrate").out.startswith("schema version")


def test_without_a_database_it_says_how_to_give_one() -> None:
    ran = admin(None, "site", "list")
    assert ran.code == 2 and storage.DB_ENV in ran.err
