"""Fixtures for the server tests: a real knop-server process on SQLite and on PostgreSQL.

Every test that takes `server` runs twice, once per backend. The server runs as
a subprocess on a free port; PostgreSQL comes from KNOP_TEST_POSTGRES_URL (CI
points it at the system cluster; each server gets its own fresh database on
it), or else from a throwaway cluster started once per test session. Only
when neither is possible are the PostgreSQL cases skipped, saying why.

`server` is shared by the tests of a backend (starting a process costs a
second or two), so tests make their own tasks with fresh ids and check
visibility against `visible_state`, which holds however much else is there.
Tests that need a database to themselves take `fresh_server`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from desktop.core.entities import Site
from desktop.core.ids import utc_now
from desktop.core.operations import Change
from sync.server import accounts, directory, feed, migrations, storage
from tests.conftest import World, make_world
from tests.server.harness import (
    DEVICE_FAILURES,
    PASSWORD,
    Deployment,
    ThrowawayCluster,
    create_database,
    drop_database,
    postgres_bindir,
)

# Hashes made by the tests are cheap to make and to check; the server verifies
# with whatever parameters a hash names, so this changes nothing it does.
accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

BACKENDS = ("sqlite", "postgresql")
# A failed login on an unknown username costs a full argon2 check (that is the
# point); a lower device limit keeps the throttle test short.
SERVER_ENV = {"KNOP_LOGIN_DEVICE_FAILURES": str(DEVICE_FAILURES)}


def seed_world(db: storage.Database, world: World) -> None:
    """The small municipality from tests/conftest.py, with accounts and passwords."""
    migrations.migrate(db)
    directory.init_organisation(db, world.org.name, world.org.id)
    for site in (world.school, world.other_school, world.care_home):
        directory.add_site(db, site.name, site.kind, site_id=site.id)
    for person in (world.anna, world.bo, world.carl, world.mette, world.admin, world.ole):
        directory.add_person(
            db,
            directory.NewPerson(
                username=person.username,
                name=person.name,
                site=person.home_site_id,
                role=person.role,
                kind=person.kind,
                person_id=person.id,
            ),
            PASSWORD,
        )


def seed_small_world(url: str) -> None:
    """The small municipality, migrated and seeded, in the (new) database at `url`."""
    db = storage.Database(url, pool_size=1)
    try:
        seed_world(db, make_world())
    finally:
        db.close()


def small_world_database(servers: Servers, backend: str, pool_size: int) -> Iterator[storage.Database]:
    """A new database of `backend` holding the small world, opened in process (for a fixture to yield from)."""
    url = servers.new_database(backend)
    seed_small_world(url)
    database = storage.Database(url, pool_size=pool_size)
    yield database
    database.close()


def migrated_before(db: storage.Database, step: migrations.Step) -> None:
    """Bring a new database to the schema just before server migration `step`, as a server of then left it."""
    with db.write() as s:
        s.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        for version, earlier in enumerate(migrations.STEPS[: migrations.STEPS.index(step)], start=1):
            earlier(s)
            s.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'then')", (version,))


def scratch_database(servers: Servers, backend: str) -> Iterator[storage.Database]:
    """A new database of `backend` with one table, `scratch (id TEXT PRIMARY KEY, note TEXT NOT NULL)` (for a fixture to yield from)."""
    database = storage.Database(servers.new_database(backend), pool_size=1)
    with database.write(serial=False) as s:
        s.execute("CREATE TABLE scratch (id TEXT PRIMARY KEY, note TEXT NOT NULL)")
    yield database
    database.close()


@contextlib.contextmanager
def renamed_in_a_transaction_held_open(db: storage.Database, site_id: str, name: str) -> Iterator[None]:
    """Inside: a site renamed by a write transaction on another thread, written but not committed.

    The transaction has drawn its id and written its feed row before the body
    runs, and commits only when the body is left: "A" of the never-skips tests,
    which draws its id first and commits last, while the body commits "B".
    """
    wrote, may_commit = threading.Event(), threading.Event()

    def writer() -> None:
        with db.write() as s:
            site = s.get(Site, site_id)
            assert site is not None
            renamed = site.replace(name=name)
            s.put(renamed)
            feed.record(s, [Change(renamed)], utc_now())
            wrote.set()
            assert may_commit.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert wrote.wait(30)
        yield
    finally:
        may_commit.set()
        thread.join()


class Servers:
    """Owns every server process, database and PostgreSQL cluster of a test session.

    One owner, so that teardown runs in the only safe order: servers first,
    then their databases, then the cluster. PostgreSQL is set up on first use,
    so a run of SQLite cases alone never needs it.
    """

    def __init__(self, tmp: pytest.TempPathFactory) -> None:
        self.tmp = tmp
        self.running: list[Deployment] = []
        self.databases: list[str] = []
        self.cluster: ThrowawayCluster | None = None
        self._admin_url: str | None = os.environ.get("KNOP_TEST_POSTGRES_URL") or None
        self._no_postgres: str | None = None

    def postgres_admin_url(self) -> str:
        if self._admin_url is None and self._no_postgres is None:
            bindir = postgres_bindir()
            if bindir is None:
                self._no_postgres = (
                    "no PostgreSQL: set KNOP_TEST_POSTGRES_URL or install the PostgreSQL server "
                    "binaries (Debian package postgresql) so the tests can start a throwaway "
                    "cluster"
                )
            else:
                self.cluster = ThrowawayCluster(bindir)
                self._admin_url = self.cluster.url
        if self._no_postgres is not None:
            pytest.skip(self._no_postgres)
        assert self._admin_url is not None
        return self._admin_url

    def new_database(self, backend: str) -> str:
        """An empty database for a backend: a file path, or a new PostgreSQL database's URL."""
        if backend == "sqlite":
            return str(self.tmp.mktemp("server-db") / "knop-server.sqlite3")
        url = create_database(self.postgres_admin_url())
        self.databases.append(url)
        return url

    def start(
        self,
        backend: str,
        *,
        seeded: bool = True,
        workers: int = 1,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> Deployment:
        url = self.new_database(backend)
        if seeded:
            seed_small_world(url)
        deployment = Deployment(
            backend=backend,
            db_url=url,
            workdir=self.tmp.mktemp(f"server-{backend}"),
            workers=workers,
            env={**SERVER_ENV, **(env or {})},
        )
        self.running.append(deployment)
        return deployment.start(args)

    def close(self) -> None:
        for deployment in self.running:
            deployment.stop()
        if self._admin_url is not None and self.cluster is None:
            for url in self.databases:
                drop_database(self._admin_url, url)
        if self.cluster is not None:
            self.cluster.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    owner = Servers(tmp_path_factory)
    yield owner
    owner.close()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def server(backend: str, servers: Servers) -> Iterator[Deployment]:
    """A server with the small world, shared by the tests of one backend.

    When the session ends, the server's log must hold no 5xx answer at all:
    whatever the tests threw at it, it had a proper answer.
    """
    deployment = servers.start(backend)
    yield deployment
    assert deployment.server_errors() == []


@pytest.fixture
def fresh_server(backend: str, servers: Servers) -> Iterator[Deployment]:
    """A server with the small world and nothing else, for this test alone."""
    deployment = servers.start(backend)
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


@pytest.fixture(scope="session")
def world() -> World:  # type: ignore[override]
    """The small world, as seeded into every server (same ids, same people)."""
    return make_world()
