"""The pieces server tests are made of: PostgreSQL for a test run, a real server process, a client.

Tests talk to a real `knop-server` process over HTTP, exactly as a desktop
client would, and look at the server's database directly only to prepare a
world or to check what it holds.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from desktop.core import permissions
from desktop.core.entities import (
    PERSONAL,
    SYNCED,
    Bid,
    Comment,
    Endorsement,
    Entity,
    Guideline,
    GuidelineAcceptance,
    HeldCredential,
    Invitation,
    MemberInvitation,
    Person,
    PersonSkill,
    Site,
    Role,
    Task,
    TaskRequirements,
)
from desktop.core.ids import utc_now, uuid7
from sync import protocol
from sync.server import accounts, directory, storage

PASSWORD = "correct horse battery"
DEVICE_FAILURES = 6  # the test servers' per-device login limit
ROOT = Path(__file__).resolve().parents[2]


# --- PostgreSQL -------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl live: on PATH, or Debian's /usr/lib/postgresql/<v>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return Path(candidates[-1]) if candidates and Path(candidates[-1], "initdb").exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, for a test run without KNOP_TEST_POSTGRES_URL.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the
    `postgres` user and its commands run through runuser. Durability is
    switched off: nothing here needs to survive a crash.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="knop-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.root
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class StandbyCluster(ThrowawayCluster):
    """A streaming hot standby of `primary` (a base backup with `primary_conninfo`, on its own port).

    Debian's PostgreSQL has all it takes: the primary's defaults already allow
    replication connections from loopback (initdb's pg_hba) at wal_level replica.
    """

    def __init__(self, primary: ThrowawayCluster) -> None:
        # initdb may be a link on PATH to Debian's directory, which has pg_basebackup beside it.
        self.bindir = (primary.bindir / "initdb").resolve().parent
        self.root = Path(tempfile.mkdtemp(prefix="knop-pg-standby-", dir="/tmp"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = primary.as_root
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "pg_basebackup",
            "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c hot_standby=on "
            "-c hot_standby_feedback=on -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start"
        )
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def create_database(admin_url: str) -> str:
    """A new empty database on the cluster `admin_url` points at; returns its URL."""
    import psycopg

    name = f"knop_t_{secrets.token_hex(5)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(admin_url, name)


def drop_database(admin_url: str, url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- a server process -------------------------------------------------------------------


@dataclass
class Deployment:
    """A running knop-server and a handle on its database."""

    backend: str
    db_url: str
    workdir: Path
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)
    url: str = ""
    db: storage.Database | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self, extra_args: Iterable[str] = ()) -> Deployment:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            command = [
                sys.executable,
                "-m",
                "sync.server.main",
                "--db",
                self.db_url,
                "--port",
                str(port),
                "--workers",
                str(self.workers),
                "--log-file",
                str(self.workdir / "server.log"),
                *extra_args,
            ]
            with (
                open(self.workdir / "server.out", "ab") as out,
                open(self.workdir / "server.err", "ab") as err,
            ):  # the child keeps its own copies of the handles
                self.process = subprocess.Popen(
                    command, cwd=ROOT, env={**os.environ, **self.env}, stdout=out, stderr=err
                )
            if self._wait_until_up(timeout=60):
                break
            self.stop_process()
        else:
            raise RuntimeError(f"the server did not start:\n{self.log_tail()}")
        self.db = storage.Database(self.db_url, pool_size=4)
        return self

    def _wait_until_up(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                answer = httpx.get(self.url + protocol.PATH_HEALTH, timeout=2)
                if answer.status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return False

    def log_tail(self, lines: int = 60) -> str:
        text = ""
        for name in ("server.err", "server.log"):
            path = self.workdir / name
            if path.exists():
                text += f"--- {name}\n" + "\n".join(
                    path.read_text(errors="replace").splitlines()[-lines:]
                )
        return text

    def server_errors(self) -> list[str]:
        """Every 5xx answer and unhandled exception the server logged; there should be none."""
        path = self.workdir / "server.log"
        if not path.exists():
            return []
        return [
            line
            for line in path.read_text(errors="replace").splitlines()
            if re.search(r'HTTP/1\.1" 5\d\d', line) or "Exception in ASGI application" in line
        ]

    def stop_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self) -> None:
        self.stop_process()
        if self.db is not None:
            self.db.close()
            self.db = None

    # --- people and devices ------------------------------------------------------------

    @property
    def database(self) -> storage.Database:
        assert self.db is not None
        return self.db

    def api(self) -> Api:
        return Api(self.url)

    def enrolled(self, site_id: str) -> Api:
        api = self.api()
        api.enrol(accounts.new_enrolment_code(self.database, site_id))
        return api

    def user(self, username: str, password: str = PASSWORD, site_id: str | None = None) -> Api:
        """A client on a fresh device at the person's site (or `site_id`), logged in."""
        person = directory.person_by_username(self.database, username)
        assert person is not None, username
        site = site_id or person.home_site_id or first_site(self.database, person.organisation_id)
        api = self.enrolled(site)
        api.login(username, password)
        return api


def first_site(db: storage.Database, organisation_id: str | None = None) -> str:
    """The first site (of the organisation, when one is given)."""
    with db.read() as s:
        if organisation_id:
            return str(s.value("SELECT id FROM sites WHERE organisation_id = ? ORDER BY id LIMIT 1", (organisation_id,)))
        return str(s.value("SELECT id FROM sites ORDER BY id LIMIT 1"))


# --- a client ---------------------------------------------------------------------------


class Api:
    """What a desktop client does on the wire, in a few lines, with no retries or cleverness."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.credential: str | None = None
        self.token: str | None = None
        self.person: dict[str, Any] = {}

    @property
    def device_id(self) -> str | None:
        return self.credential.partition(".")[0] if self.credential else None

    def headers(self, **extra: str) -> dict[str, str]:
        found = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION), protocol.ROWS_HEADER: str(protocol.ROWS_VERSION)}
        if self.credential:
            found[protocol.DEVICE_HEADER] = self.credential
        if self.token:
            found[protocol.AUTHORIZATION_HEADER] = f"Bearer {self.token}"
        found.update(extra)
        return found

    def enrol(self, code: str, name: str = "test-workstation") -> dict[str, Any]:
        answer = self.http.post(
            protocol.PATH_ENROL, json={"code": code, "name": name}, headers=self.headers()
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        self.credential = body["credential"]
        return body

    def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        answer = self.try_login(username, password)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        self.token = body["token"]
        self.person = body["person"]
        return body

    def try_login(self, username: str, password: str) -> httpx.Response:
        return self.http.post(
            protocol.PATH_LOGIN,
            json={"username": username, "password": password},
            headers=self.headers(),
        )

    def op(self, kind: str, **payload: Any) -> dict[str, Any]:
        return {
            "id": uuid7(),
            "kind": kind,
            "payload": payload,
            "author_id": self.person["id"],
            "device_id": self.device_id,
            "created_at": utc_now(),
        }

    def push_raw(self, operations: list[dict[str, Any]]) -> httpx.Response:
        return self.http.post(
            protocol.PATH_PUSH, json={"operations": operations}, headers=self.headers()
        )

    def push(self, *operations: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self.push_raw(list(operations))
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        assert [r["id"] for r in results] == [op["id"] for op in operations]
        return results

    def apply(self, kind: str, **payload: Any) -> dict[str, Any]:
        """Push one operation and insist that it was applied."""
        (result,) = self.push(self.op(kind, **payload))
        assert result["status"] == "applied", result
        return result

    def pull_raw(self, cursor: str | None = None, limit: int | None = None) -> httpx.Response:
        params: dict[str, Any] = {}
        if cursor is not None:
            params["cursor"] = cursor
        if limit is not None:
            params["limit"] = limit
        return self.http.get(protocol.PATH_PULL, params=params, headers=self.headers())

    def pull(self, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
        answer = self.pull_raw(cursor, limit)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def close(self) -> None:
        self.http.close()


@dataclass
class Replica:
    """A device's copy of the server state, built only from pulled pages."""

    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    cursor: str | None = None
    pages: int = 0

    def apply(self, page: dict[str, Any]) -> None:
        for change in page["changes"]:
            cls = SYNCED[change["table"]]
            key = (change["table"], "|".join(str(change["row"][k]) for k in cls.key))
            if change["deleted"]:
                self.rows.pop(key, None)
            else:
                self.rows[key] = normalised(cls, change["row"])
        self.cursor = page["cursor"]
        self.pages += 1

    def sync(self, api: Api, limit: int | None = None, max_pages: int | None = None) -> bool:
        """Pull until there is no more (True) or `max_pages` were fetched (False)."""
        fetched = 0
        while max_pages is None or fetched < max_pages:
            page = api.pull(self.cursor, limit)
            self.apply(page)
            fetched += 1
            if not page["more"]:
                return True
        return False


def normalised(cls: type[Entity], row: dict[str, Any]) -> dict[str, Any]:
    """A row as it would come out of JSON, whichever engine or wire it came through."""
    return dict(json.loads(json.dumps(cls.from_row(row).to_row())))


def visible_state(db: storage.Database, person_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """What `person_id` may see, computed from the entity tables and desktop.core.permissions.

    This is the oracle the feed is checked against: it shares nothing with the
    feed's scope columns, only the permission rules both must follow.
    """
    with db.read() as s:
        everything = {table: s.fetch(cls, "1 = 1") for table, cls in SYNCED.items()}
        person = s.get(Person, person_id)
    assert person is not None
    tasks = {t.id: t for t in everything["tasks"] if isinstance(t, Task)}
    employee = not person.is_external
    sites = {site.id: site.organisation_id for site in everything["sites"] if isinstance(site, Site)}
    # Organisations as tenants (issue 16): people are seen by their own organisation's
    # non-externals, and by those of every organisation on whose tasks they bid or commented.
    shown_to: dict[str, set[str]] = {
        p.id: {p.organisation_id} for p in everything["people"] if isinstance(p, Person)
    }
    for work in (*everything["bids"], *everything["comments"]):
        author = work.bidder_id if isinstance(work, Bid) else work.author_id  # type: ignore[attr-defined]
        shown_to.setdefault(author, set()).add(tasks[work.task_id].organisation_id)  # type: ignore[attr-defined]

    def seen_as_person(person_id: str) -> bool:
        return person_id == person.id or (employee and person.organisation_id in shown_to.get(person_id, set()))

    def admin_of(organisation_id: str | None) -> bool:
        return person.is_admin and person.organisation_id == organisation_id

    def organisation_of(person_id: str) -> str | None:
        found = next((p for p in everything["people"] if p.key_value() == person_id), None)
        return found.organisation_id if isinstance(found, Person) else None

    def may_see(entity: Entity) -> bool:
        if isinstance(entity, PERSONAL):
            return getattr(entity, "person_id", None) == person.id
        if isinstance(entity, Task):
            return permissions.can_see_task(person, entity)
        if isinstance(entity, Bid):
            return permissions.can_see_bid(person, entity, tasks[entity.task_id])
        if isinstance(entity, Comment):
            return permissions.can_see_task(person, tasks[entity.task_id])
        if isinstance(entity, Person):
            return seen_as_person(entity.id)
        if isinstance(entity, (PersonSkill, GuidelineAcceptance)) and (
            not isinstance(entity, PersonSkill) or entity.private
        ):
            return entity.person_id == person.id or admin_of(organisation_of(entity.person_id))
        if isinstance(entity, (PersonSkill, Endorsement)):
            return seen_as_person(entity.person_id)
        if isinstance(entity, Invitation):
            return entity.person_id == person.id or permissions.manages_task(
                person, tasks[entity.task_id]
            )
        if isinstance(entity, TaskRequirements):
            return permissions.can_see_task(person, tasks[entity.task_id])
        if isinstance(entity, HeldCredential):
            # desktop.core.eligibility's privacy rule: the person, their home site's
            # managers, HR (admins), and who verified it.
            return person.id in (entity.person_id, entity.verified_by) or coordinates(
                entity.site_id, organisation_of(entity.person_id)
            )
        if isinstance(entity, MemberInvitation):
            return person.id in (entity.invited_by, entity.person_id) or coordinates(
                entity.site_id, sites.get(entity.site_id)
            )
        if isinstance(entity, Guideline):
            # Every active person of the publishing organisation, outsiders too (an
            # outsider's is the inviting one): each reads and accepts their own set.
            return person.active and person.organisation_id == entity.organisation_id
        return True  # organisations, sites, companies

    def coordinates(site_id: str | None, organisation_id: str | None) -> bool:
        return person.active and (
            admin_of(organisation_id)
            or (person.role == Role.SITE_MANAGER and site_id is not None and person.home_site_id == site_id)
        )

    return {
        (table, entity.key_value()): normalised(type(entity), entity.to_row())
        for table, entities in everything.items()
        for entity in entities
        if may_see(entity)
    }


@contextlib.contextmanager
def timer() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)
