"""No password, token, device credential or enrolment code is ever written to a file.

One workstation lives a whole life against a real server with DEBUG logging
to its real log file: IT enrols it with a one-time code (`knop enrol`), Anna
mistypes her password once, then logs in online with a password nobody else
uses, syncs, bids, logs out, logs
in offline, logs in online again, and then her token is revoked and the
cable pulled, so the failing syncs write their errors to the log. Every
secret in play is then looked for in every byte under the machine's folders
(settings, stores with their -wal and -shm files, accounts, logs), raw and
as a program might have encoded it. The keyring is the only place they may be.
"""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop import paths
from desktop.app.main import build_parser
from desktop.credentials import SERVICE
from desktop.core.ids import uuid7
from desktop.logs import setup_logging
from sync.session import WrongPassword, logout
from sync import protocol
from sync.enrolment import ENROLLED, enrol_command
from sync.failures import ServerRefused, ServerUnreachable
from sync.server import accounts as server_accounts
from sync.server import directory
from sync.transport import Connection
from tests.conftest import World
from tests.deploy.conftest import knop_logging  # noqa: F401 - the fixture that restores the root logger
from tests.server.harness import Deployment
from tests.sync.workstation import Machine

# Non-ASCII on purpose, so UTF-8, UTF-16 and JSON's \u escapes each give other bytes.
PASSWORD = "Ærø-Kn0p-hemmelig-ørnebjerg-☂-31"
MISTYPED = "Ærø-Kn0p-hemmelig-ørnebjerg-☂-32"  # one key off: as secret as the real one


def encodings(secret: str) -> dict[str, bytes]:
    """The byte forms a secret could take on disk if some code wrote it down."""
    raw = secret.encode("utf-8")
    return {
        "utf-8": raw,
        "utf-16-le": secret.encode("utf-16-le"),
        "utf-16-be": secret.encode("utf-16-be"),
        "json-ascii": json.dumps(secret)[1:-1].encode("ascii"),
        "base64": base64.b64encode(raw).rstrip(b"="),
        "base64url": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "hex": raw.hex().encode("ascii"),
        "HEX": raw.hex().upper().encode("ascii"),
    }


@dataclass(frozen=True)
class Finding:
    secret: str  # which secret, by name (never the value: this ends up in the test report)
    encoding: str
    path: Path
    offset: int

    def __str__(self) -> str:
        return f"{self.secret} ({self.encoding}) in {self.path} at byte {self.offset}"


def files_under(folders: Iterable[Path]) -> list[Path]:
    return sorted({p for folder in folders for p in folder.rglob("*") if p.is_file()})


def scan(files: Iterable[Path], secrets: dict[str, str]) -> list[Finding]:
    """Every place any encoding of any secret occurs, in each file's raw bytes."""
    needles = [
        (name, kind, needle)
        for name, value in secrets.items()
        for kind, needle in encodings(value).items()
    ]
    found: list[Finding] = []
    for path in files:
        data = path.read_bytes()
        for name, kind, needle in needles:
            at = data.find(needle)
            while at != -1:
                found.append(Finding(name, kind, path, at))
                at = data.find(needle, at + 1)
    return found


def sql_text(database: Path) -> Iterator[tuple[str, str]]:
    """Every table's every value as text, as a support engineer opening the file would see it."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for line in connection.iterdump():
            yield str(database), line
    finally:
        connection.close()


def test_no_secret_is_written_to_any_file_of_the_machine(
    fresh_knop_server: Deployment,
    world: World,
    tmp_path: Path,
    knop_logging: None,  # noqa: F811
) -> None:
    server = fresh_knop_server
    machine = Machine(tmp_path / "staffroom", server, "staffroom")
    anna_id = world.anna.id
    directory.set_password(server.database, "anna", PASSWORD)
    code = server_accounts.new_enrolment_code(server.database, world.school.id)
    tokens: list[str] = []
    held_open = None
    try:
        with machine:
            log_path = setup_logging(verbose=True)
            # The most a support case could switch on: urllib3's own DEBUG lines about every request.
            logging.getLogger("urllib3").setLevel(logging.DEBUG)

            # IT enrols the machine, as `knop enrol --server URL --code CODE` does.
            args = build_parser().parse_args(
                ["enrol", "--server", machine.server_url, "--code", code]
            )
            assert enrol_command(args) == ENROLLED

            with pytest.raises(WrongPassword):
                machine.login("anna", MISTYPED)
            online = machine.login("anna", PASSWORD)
            assert online.online and online.token
            tokens.append(online.token)
            assert machine.token_of(anna_id) == online.token
            task_id = uuid7()
            server.user("mette").apply(
                "task.create", task_id=task_id, site_id=world.school.id, title="Vikar", publish=True
            )
            assert machine.sync(online).ok
            machine.perform(
                online, "bid.place", bid_id=uuid7(), task_id=task_id, message="Jeg kan!"
            )
            assert machine.sync(online).ok
            assert logout(online)  # nothing unsent: the token is revoked and leaves the keyring
            assert machine.token_of(anna_id) is None

            with machine.unplugged():
                offline = machine.login("anna", PASSWORD)
                assert not offline.online
                machine.perform(
                    offline, "comment.add", comment_id=uuid7(), task_id=task_id, body="Offline"
                )

            again = machine.login("anna", PASSWORD)
            assert again.online and again.token
            tokens.append(again.token)
            # Keep a store open from here to the scan, so its -wal and -shm files are on disk.
            held_open = machine.store(anna_id)
            machine.perform(again, "comment.add", comment_id=uuid7(), task_id=task_id, body="Igen")

            # Failing syncs log their errors: a revoked token, then no network at all.
            assert server_accounts.revoke_tokens(server.database, token=again.token) == 1
            refused = machine.sync(again).user(anna_id)
            assert refused is not None and isinstance(refused.failure, ServerRefused), refused
            with machine.unplugged():
                cut = machine.sync(
                    again, connection=Connection(machine.server_url, attempts=2, backoff_s=0.01)
                )
            assert isinstance(cut.failure, ServerUnreachable), cut.failure

            device_credential = machine.keyring.get_password(
                SERVICE, f"device {machine.server_url}"
            )
            folders = [
                paths.config_dir(),
                paths.system_config_dir(),
                paths.data_dir(),
                paths.log_dir(),
            ]
        for handler in logging.getLogger().handlers:
            handler.flush()

        assert device_credential and "." in device_credential
        secrets = {
            "the password": PASSWORD,
            "the mistyped password": MISTYPED,
            "the enrolment code": code,
            "the device credential": device_credential,
            "the device secret": device_credential.partition(".")[2],
            **{f"user token {i + 1}": token for i, token in enumerate(tokens)},
        }
        # Whatever else the keyring holds is a secret too (e.g. a token this test did not see).
        for (_, entry), value in machine.keyring.secrets.items():
            secrets.setdefault(f"keyring entry {entry.split(' ')[0]}", value)

        files = files_under(folders)
        by_name = {p.name for p in files}

        # Not vacuous: the files that matter are there and hold something, and the log has DEBUG lines.
        assert log_path in files
        log_text = log_path.read_text(encoding="utf-8")
        assert " DEBUG " in log_text and " INFO " in log_text
        # ... including the requests that carried the code, the password and the tokens
        for path in (protocol.PATH_ENROL, protocol.PATH_LOGIN, protocol.PATH_LOGOUT):
            assert f'"POST {path} HTTP/1.1" 200' in log_text, path
        assert '"POST /v1/push HTTP/1.1" 401' in log_text  # the refused sync did log
        assert (
            "(no connection)" in log_text
            and "(attempt 1 of 2)" in log_text
            and "sync stopped" in log_text
        )  # so did the cut one
        assert {"knop.toml", "knop.sqlite3", "knop.sqlite3-wal", "knop.sqlite3-shm"} <= by_name, (
            by_name
        )
        databases = [p for p in files if p.suffix in (".sqlite3", ".sqlite", ".db")]
        assert len(databases) >= 2  # the accounts list and Anna's store
        for path in (
            log_path,
            *databases,
            *(p for p in files if p.name.endswith(("-wal", ".toml"))),
        ):
            assert path.stat().st_size > 0, path

        leaks = scan(files, secrets)
        assert not leaks, "secrets at rest:\n" + "\n".join(map(str, leaks))
        # The same, through SQL, for values SQLite might keep in a form the raw bytes hide (overflow pages).
        for database in databases:
            for where, line in sql_text(database):
                for name, value in secrets.items():
                    assert value not in line, f"{name} in {where}: {line[:200]}"

        # The scanner does find what it looks for: plant two secrets, in other encodings, at known offsets.
        planted_log = tmp_path / "planted" / "knop.log"
        planted_log.parent.mkdir()
        prefix = log_path.read_bytes()
        planted_log.write_bytes(prefix + PASSWORD.encode("utf-16-le"))
        planted_db = tmp_path / "planted" / "copy.sqlite3"
        planted_db.write_bytes(databases[0].read_bytes() + base64.b64encode(tokens[0].encode()))
        found = scan([planted_log, planted_db], secrets)
        assert Finding("the password", "utf-16-le", planted_log, len(prefix)) in found
        assert Finding("user token 1", "base64", planted_db, databases[0].stat().st_size) in found
    finally:
        if held_open is not None:
            held_open.close()
        machine.close()
