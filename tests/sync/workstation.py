"""A client machine for the sync tests: its own folders, its own keyring, its own network cable.

Several workstations live in one test process. Each keeps its settings, stores
and accounts file in folders of its own and its secrets in a keyring of its
own; `with machine:` points the KNOP_*_DIR variables and the keyring at it
for the duration, which is how the real code under test finds them. Each
machine reaches the server through a pass-through proxy, its cable, which a
test can unplug (every new connection is dropped) or make drop answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import keyring

from desktop import paths
from desktop.credentials import MemoryKeyring
from desktop.core.entities import SYNCED
from sync.session import Session, login
from desktop.store import Store
from sync.engine import SyncEngine
from sync.enrolment import enrol
from sync.report import SyncReport
from sync.server import accounts as server_accounts
from tests.faults.proxy import Fault, FaultPlan, FaultyProxy
from tests.server.harness import PASSWORD, Deployment, normalised, visible_state

DIR_VARIABLES = ("KNOP_CONFIG_DIR", "KNOP_SYSTEM_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR")


class Cable(FaultPlan):
    """A fault plan a test steers: plugged in, unplugged, or a scripted fault per new connection."""

    def __init__(self) -> None:
        super().__init__(rate=0.0)
        self.unplugged = False
        self.script: list[Fault] = []
        self.lock = threading.Lock()

    def draw(self) -> Fault:
        with self.lock:
            if self.unplugged:
                fault = Fault.DROP_MID_REQUEST
            elif self.script:
                fault = self.script.pop(0)
            else:
                fault = Fault.NONE
            self.counts[fault] += 1
            return fault


class Cord(FaultyProxy):
    """The proxy as a network cable: a client killed with -9 resets its connection, which is fine."""

    def _serve(self, client: socket.socket, fault: Fault) -> None:
        with contextlib.suppress(OSError):
            super()._serve(client, fault)


class Machine:
    """One workstation enrolled to a site of the test server."""

    def __init__(self, root: Path, deployment: Deployment, name: str) -> None:
        self.name = name
        self.root = root
        self.deployment = deployment
        self.dirs = {variable: root / variable.lower() for variable in DIR_VARIABLES}
        for folder in self.dirs.values():
            folder.mkdir(parents=True, exist_ok=True)
        self.keyring = MemoryKeyring()
        self.cable = Cable()
        self.proxy = Cord(int(deployment.url.rsplit(":", 1)[1]), self.cable)
        self.proxy.__enter__()
        self._depth = 0
        self._saved: dict[str, str | None] = {}
        self._saved_keyring: Any = None

    @property
    def server_url(self) -> str:
        return self.proxy.url

    @property
    def device_id(self) -> str:
        credential = self.keyring.get_password("Knop", f"device {self.server_url}") or ""
        return credential.partition(".")[0]

    def token_of(self, person_id: str) -> str | None:
        return self.keyring.get_password("Knop", f"token {person_id} {self.server_url}")

    def close(self) -> None:
        self.proxy.stop()

    def retarget(self, deployment: Deployment) -> None:
        """Point the cable at another server process (a restart lands on a new port)."""
        self.deployment = deployment
        self.proxy.target = ("127.0.0.1", int(deployment.url.rsplit(":", 1)[1]))

    # --- being the current machine ---------------------------------------------------

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._saved = {v: os.environ.get(v) for v in (*DIR_VARIABLES, "KNOP_SERVER_URL")}
            for variable, folder in self.dirs.items():
                os.environ[variable] = str(folder)
            os.environ.pop("KNOP_SERVER_URL", None)
            self._saved_keyring = keyring.get_keyring()
            keyring.set_keyring(self.keyring)
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            for variable, value in self._saved.items():
                if value is None:
                    os.environ.pop(variable, None)
                else:
                    os.environ[variable] = value
            keyring.set_keyring(self._saved_keyring)

    @contextlib.contextmanager
    def unplugged(self) -> Iterator[None]:
        self.cable.unplugged = True
        try:
            yield
        finally:
            self.cable.unplugged = False

    # --- what people and IT do on it ---------------------------------------------------

    def enrol(self, site_id: str) -> None:
        code = server_accounts.new_enrolment_code(self.deployment.database, site_id)
        with self:
            enrol(self.server_url, code, self.name)

    def login(self, username: str, password: str = PASSWORD) -> Session:
        with self:
            return login(username, password)

    def sync(
        self,
        session: Session | None = None,
        *,
        cancel: threading.Event | None = None,
        progress: Any = None,
        **options: Any,
    ) -> SyncReport:
        with self:
            return SyncEngine(session=session, **options).sync_once(cancel, progress)

    def store(self, person_id: str) -> Store:
        with self:
            return Store(paths.user_store(person_id), owner_id=person_id)

    def perform(self, session: Session, kind: str, **payload: Any) -> str:
        """Do what a user does in the UI: apply locally and queue; returns the operation id."""
        with self:
            store = session.open_store()
        try:
            return store.perform(kind, payload, session.person, session.device_id).operation_id
        finally:
            store.close()

    def keyring_file(self, path: Path) -> Path:
        """The keyring's secrets as a file, for a child process's test keyring (tests/sync/keyrings.py)."""
        path.write_text(
            json.dumps([[s, u, p] for (s, u), p in self.keyring.secrets.items()]), encoding="utf-8"
        )
        return path

    def env(self) -> dict[str, str]:
        return {variable: str(folder) for variable, folder in self.dirs.items()}


@contextlib.contextmanager
def hung(server: Deployment) -> Iterator[None]:
    """The server process stopped (SIGSTOP): the kernel accepts connections, nothing answers.

    A hung server or network as the try-outs met it: a request waits for its read timeout.
    """
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.process.pid, signal.SIGCONT)


def view(store: Store) -> dict[tuple[str, str], dict[str, Any]]:
    """Everything a store shows, keyed and normalised like harness.visible_state."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for table, cls in SYNCED.items():
        for row in store.rows(f"SELECT * FROM {table}"):
            entity = cls.from_row(row)
            found[(table, entity.key_value())] = normalised(cls, row)
    return found


def server_view(deployment: Deployment, person_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    return visible_state(deployment.database, person_id)


def differences(
    client: dict[tuple[str, str], dict[str, Any]], server: dict[tuple[str, str], dict[str, Any]]
) -> list[str]:
    """What differs between two views (`view`, `server_view`), one line a row: the row's key and,
    for a row both hold, each differing column as client → server; empty when they agree."""
    found = []
    for key in sorted(client.keys() | server.keys()):
        if key not in server:
            found.append(f"{key}: only in the client store {client[key]}")
        elif key not in client:
            found.append(f"{key}: only on the server {server[key]}")
        elif client[key] != server[key]:
            columns = sorted(client[key].keys() | server[key].keys())
            changed = {
                c: (client[key].get(c), server[key].get(c))
                for c in columns
                if client[key].get(c) != server[key].get(c)
            }
            found.append(f"{key}: client → server {changed}")
    return found


def count(deployment: Deployment, sql: str, *params: object) -> int:
    with deployment.database.read() as s:
        return int(s.value(sql, params))
