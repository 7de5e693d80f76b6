"""Real knop-server processes holding the benchmark municipality, and enrolled clients for them.

Built from the test harness (tests/server/harness.py `Deployment`, tests/sync
`Machine`), not copied from it. The seeded SQLite server database is built once
per size and kept in bench-results/cache; every run serves a copy, because the
server writes to it. PostgreSQL comes from KNOP_TEST_POSTGRES_URL or a throwaway
cluster, as in tests/server/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from desktop import accounts as client_accounts
from desktop.core.entities import Person, Role
from sync.server import deadlines, demo_seed, migrations, storage
from tests.bench import scale
from tests.bench.report import RESULTS
from tests.server.conftest import (  # also makes the seeded password hashes cheap
    SERVER_ENV,
    seed_small_world,
)
from tests.server.harness import (
    Deployment,
    ThrowawayCluster,
    create_database,
    drop_database,
    postgres_bindir,
)
from tests.sync.workstation import Machine

# The client's offline verifier: cheap, as in tests/sync/conftest.py; it is not what is measured.
client_accounts.SCRYPT_N = 2**10


def seed(db: storage.Database, size: str) -> int:
    """The benchmark municipality of `size` in `db`, as a server that has run a while holds it.

    A server closes the tasks whose bid deadline has passed in its first round
    (sync.server.deadlines): 272 of the quick size, about 2,700 of the full. Done
    here, so that no measured server does it: on PostgreSQL its transaction
    overlapped the initial-sync benchmark's pull, and the tasks the early pages
    had sent came again with their new status at the end (0.3-0.6 % more
    records than the same pull from SQLite; docs/scale-out.md, "Initial sync").
    Returns the number of entities seeded.
    """
    migrations.migrate(db)
    seeded = demo_seed.seed(db, scale.municipality(size))
    deadlines.close_past_deadlines(db)
    return seeded


def sqlite_db(size: str) -> Path:
    """The seeded server database for `size`, built once."""
    cached = RESULTS / "cache" / f"server-{size}-{scale.SEED}-{scale.DATA}.sqlite3"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        db = storage.Database(str(partial), pool_size=1)
        try:
            seed(db, size)
        finally:
            db.close()
        with contextlib.closing(sqlite3.connect(partial)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        partial.rename(cached)
    return cached


class Postgres:
    """A PostgreSQL server for the benchmarks, or None from `Postgres.find()` when there is none."""

    def __init__(self, admin_url: str, cluster: ThrowawayCluster | None) -> None:
        self.admin_url = admin_url
        self.cluster = cluster
        self.databases: list[str] = []

    @classmethod
    def find(cls) -> Postgres | None:
        url = os.environ.get("KNOP_TEST_POSTGRES_URL")
        if url:
            return cls(url, None)
        bindir = postgres_bindir()
        if bindir is None:
            return None
        cluster = ThrowawayCluster(bindir)
        return cls(cluster.url, cluster)

    def seeded(self, size: str) -> str:
        url = create_database(self.admin_url)
        self.databases.append(url)
        db = storage.Database(url, pool_size=1)
        try:
            seed(db, size)
        finally:
            db.close()
        return url

    def close(self) -> None:
        if self.cluster is None:
            for url in self.databases:
                with contextlib.suppress(Exception):
                    drop_database(self.admin_url, url)
        else:
            self.cluster.stop()


@contextlib.contextmanager
def serving(db_url: str, workdir: Path, backend: str = "sqlite", workers: int = 1) -> Iterator[Deployment]:
    """A knop-server process on `db_url`; stopped afterwards, and it must not have answered 5xx."""
    deployment = Deployment(
        backend=backend, db_url=db_url, workdir=workdir, workers=workers, env=dict(SERVER_ENV)
    ).start()
    try:
        yield deployment
    finally:
        deployment.stop()
    errors = deployment.server_errors()
    if errors:
        raise RuntimeError(f"the server answered with errors: {errors[:3]}")


@contextlib.contextmanager
def small_world_on_postgres(postgres: Postgres, workers: int) -> Iterator[Deployment]:
    """A knop-server with `workers` workers on a new database of `postgres` holding the small world."""
    url = create_database(postgres.admin_url)
    postgres.databases.append(url)
    seed_small_world(url)
    with (
        tempfile.TemporaryDirectory() as folder,
        serving(url, Path(folder) / "server", "postgresql", workers=workers) as deployment,
    ):
        yield deployment


@contextlib.contextmanager
def sqlite_server(size: str, folder: Path, workers: int = 1) -> Iterator[Deployment]:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "server.sqlite3"
    shutil.copyfile(sqlite_db(size), copy)
    with serving(str(copy), folder / "server", "sqlite", workers) as deployment:
        yield deployment


class DirectMachine(Machine):
    """A workstation that talks to the server straight over loopback, without the test cable."""

    @property
    def server_url(self) -> str:
        return self.deployment.url


def workstation(
    deployment: Deployment, folder: Path, size: str, name: str = "bench-pc", person: Person | None = None
) -> DirectMachine:
    """An enrolled workstation at the home site of `person` (the benchmark reader by default)."""
    person = person or scale.reader(scale.municipality(size))
    machine = DirectMachine(folder / name, deployment, name)
    machine.enrol(person.home_site_id or scale.municipality(size).sites[0].id)
    return machine


def admin(size: str) -> Person:
    """An administrator: sees the whole municipality, so a full pull is everything."""
    return next(p for p in scale.municipality(size).people if p.role == Role.ADMIN)


def reader_username(size: str) -> str:
    return scale.reader(scale.municipality(size)).username
