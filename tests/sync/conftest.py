"""Fixtures for the sync tests: a real knop-server process, client workstations, a test keyring.

The server is the one tests/server starts (tests.server.conftest.Servers), on
SQLite: sync is about the client, and the server tests cover PostgreSQL. One
server is shared by the tests that only add their own tasks (`knop_server`);
tests that restart, restore or count everything take `fresh_knop_server`.

Every test gets no proxy from the environment (unless it sets one), an in-memory keyring (desktop.credentials.MemoryKeyring, a
real keyring backend registered with keyring.set_keyring), so nothing touches
the OS keyring, and a cheap scrypt cost for offline verifiers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest

from desktop import accounts
from desktop.credentials import MemoryKeyring
from sync.server import access_log, deadlines
from tests.server.conftest import Servers  # also makes the seeded password hashes cheap
from tests.server.harness import Deployment
from tests.sync.workstation import Machine


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def cheap_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2**10)


@pytest.fixture(scope="session")
def sync_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    owner = Servers(tmp_path_factory)
    yield owner
    owner.close()


# The deadline round (sync.server.deadlines) closes every open task whose bid deadline has
# passed, by the server's clock: once when the server starts, then every minute. On the
# shared server that is a change nobody's test made, at a moment nobody chose: a task left
# open past its deadline by one test (test_engine's refusal, test_faults' clock off by
# days) was closed in the middle of a later one, between its last sync and its comparison of
# the store with the server (assert_converged: status, version and updated_at differed).
# So the shared server runs the round at its start only, before any test made a task; the
# round itself is tested on servers of its own (tests/server/test_deadlines.py).
NO_DEADLINE_ROUNDS_S = 7 * 24 * 3600.0


@pytest.fixture(scope="session")
def knop_server(sync_servers: Servers) -> Iterator[Deployment]:
    """The small world on a server shared by the sync tests; it must never answer 5xx.

    Its state changes only by what the tests do: no deadline round closes a task
    after the first (`NO_DEADLINE_ROUNDS_S`), which the end of the session checks.
    Its access log has a line for every push and pull (each counts as slow), which
    tests/sync/test_push_with_page.py counts.
    """
    deployment = sync_servers.start(
        "sqlite",
        env={access_log.SLOW_MS_ENV: "0", deadlines.POLL_ENV: str(NO_DEADLINE_ROUNDS_S)},
    )
    yield deployment
    assert deployment.server_errors() == []
    with deployment.database.read() as s:
        closed = s.value("SELECT count(*) FROM audit_events WHERE operation = ?", (deadlines.OPERATION,))
    assert closed == 0, f"the shared server closed {closed} task(s) by its clock during the tests"


@pytest.fixture
def fresh_knop_server(sync_servers: Servers) -> Iterator[Deployment]:
    deployment = sync_servers.start("sqlite")
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


MachineFactory = Callable[..., Machine]


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[MachineFactory]:
    """Make enrolled workstations: machines(server, site_id, name=...)."""
    made: list[Machine] = []
    numbers = itertools.count(1)

    def make(deployment: Deployment, site_id: str, name: str | None = None) -> Machine:
        label = name or f"pc-{next(numbers)}"
        machine = Machine(tmp_path / label, deployment, label)
        made.append(machine)
        machine.enrol(site_id)
        return machine

    yield make
    for machine in made:
        machine.close()
