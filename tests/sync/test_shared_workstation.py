"""Several people on one machine: each one's changes go up with their own authority.

Also `knop sync`, the headless command, run as a real process the way cron or
a logon script would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.core.ids import uuid7
from sync.session import logout
from sync.failures import LoginNeeded
from sync.server import accounts as server_accounts
from tests.conftest import World
from tests.server.harness import ROOT, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.keyrings import FILE_VARIABLE
from tests.sync.test_faults import outbox_ids, published_task
from tests.sync.workstation import Machine, count


def live_tokens(deployment: Deployment, person_id: str, device_id: str) -> int:
    return count(
        deployment,
        "SELECT count(*) FROM tokens WHERE person_id = ? AND device_id = ? AND revoked_at IS NULL",
        person_id,
        device_id,
    )


def authored(deployment: Deployment, op_id: str) -> tuple[str, str, str]:
    """Who the server says did an operation: its log's author and device, and the audit's actor."""
    with deployment.database.read() as s:
        author, device = s.one("SELECT author_id, device_id FROM operations WHERE id = ?", (op_id,))
        actor = s.value("SELECT actor_id FROM audit_events WHERE id = ?", (op_id,))
    return str(author), str(device), str(actor)


def test_each_users_operations_sync_with_that_users_authority_after_they_left(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    with staffroom.unplugged():
        staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id, message="Anna her")
        (annas_op,) = outbox_ids(staffroom, anna)
        with staffroom:
            assert logout(anna) is False  # her change is not sent yet: the token stays
    assert anna.token is None and staffroom.token_of("anna")

    bo = staffroom.login("bo")
    report = staffroom.sync(bo)  # the app's first background sync after Bo logged in

    assert report.ok, report.first_failure()
    assert [u.who for u in report.users] == ["bo", "anna"]
    assert report.user("anna").applied == 1  # type: ignore[union-attr]
    staffroom.perform(bo, "comment.add", comment_id=uuid7(), task_id=task_id, body="Bo her")
    (bos_op,) = outbox_ids(staffroom, bo)
    later = staffroom.sync(bo)
    assert later.ok and [(u.who, u.applied) for u in later.users] == [("bo", 1)]
    device = staffroom.device_id
    assert authored(knop_server, annas_op) == ("anna", device, "anna")
    assert authored(knop_server, bos_op) == ("bo", device, "bo")
    # Anna's outbox is empty and she is logged out: her token is revoked and dropped.
    assert report.user("anna").token_released  # type: ignore[union-attr]
    assert staffroom.token_of("anna") is None
    assert live_tokens(knop_server, "anna", device) == 0
    assert staffroom.token_of("bo") and live_tokens(knop_server, "bo", device) == 1


def test_a_user_whose_token_died_waits_for_their_password_and_the_others_still_sync(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    with staffroom.unplugged():
        staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
        with staffroom:
            logout(anna)
    server_accounts.revoke_tokens(knop_server.database, person_id="anna", device_id=staffroom.device_id)
    bo = staffroom.login("bo")

    report = staffroom.sync(bo)

    assert report.user("bo").ok  # type: ignore[union-attr]
    annas = report.user("anna")
    assert annas is not None and annas.failure is not None and annas.failure.code == "token_revoked"
    assert annas.pending == 1  # kept until she logs in again

    with staffroom:
        logout(bo)
    anna = staffroom.login("anna")
    report = staffroom.sync(anna)
    assert report.ok and report.user("anna").applied == 1  # type: ignore[union-attr]


def test_without_a_stored_token_the_user_is_asked_to_log_in(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
    staffroom.keyring.secrets.pop(("Knop", f"token anna {staffroom.server_url}"))
    anna.token = None

    report = staffroom.sync()

    annas = report.user("anna")
    assert annas is not None and isinstance(annas.failure, LoginNeeded)
    assert "Anna Jensen" in annas.failure.message("da")
    assert annas.pending == 1


# --- knop sync, the command --------------------------------------------------------------


def knop_sync(machine: Machine, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **machine.env(),
        "PYTHON_KEYRING_BACKEND": "tests.sync.keyrings.FileKeyring",
        FILE_VARIABLE: str(machine.keyring_file(folder / "keyring.json")),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "desktop.app", "sync", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_knop_sync_sends_every_users_changes_and_says_what_it_did(
    knop_server: Deployment, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    people = {name: staffroom.login(name) for name in ("anna", "bo")}
    for session in people.values():
        assert staffroom.sync(session).ok

    with staffroom.unplugged():
        for session in people.values():  # one after the other, offline, then they leave
            staffroom.perform(session, "bid.place", bid_id=uuid7(), task_id=task_id)
            with staffroom:
                logout(session)
        offline = knop_sync(staffroom, tmp_path)
    assert offline.returncode == 3, offline.stderr
    assert "cannot be reached" in offline.stderr

    done = knop_sync(staffroom, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("anna: pushed 1 (1 applied, 0 rejected)") for line in lines), lines
    assert any(line.startswith("bo: pushed 1 (1 applied, 0 rejected)") for line in lines), lines
    assert count(knop_server, "SELECT count(*) FROM bids WHERE task_id = ?", task_id) == 2
    assert outbox_ids(staffroom, people["anna"]) == outbox_ids(staffroom, people["bo"]) == []


def test_knop_sync_for_one_user_and_for_someone_unknown(
    knop_server: Deployment, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    staffroom = machines(knop_server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok

    one = knop_sync(staffroom, tmp_path, "--user", "ANNA")
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith("anna: pushed 0")

    unknown = knop_sync(staffroom, tmp_path, "--user", "nobody")
    assert unknown.returncode == 1
    assert "never logged in on this machine" in unknown.stderr


def test_knop_sync_on_a_revoked_device_is_exit_code_4(
    knop_server: Deployment, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    staffroom = machines(knop_server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    assert server_accounts.revoke_device(knop_server.database, staffroom.device_id)

    done = knop_sync(staffroom, tmp_path)

    assert done.returncode == 4, done.stdout + done.stderr
    assert "revoked" in done.stderr


def test_knop_sync_on_a_machine_that_is_not_enrolled(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop.app", "sync"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 4
    assert "not enrolled" in done.stderr
