"""Fixtures for the reliability tests: the real server and workstations from tests/sync,
a PostgreSQL cluster of the test's own that it may restart, and workstations in child processes."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.server.conftest import SERVER_ENV, seed_small_world
from tests.server.harness import (
    ROOT,
    Deployment,
    ThrowawayCluster,
    create_database,
    postgres_bindir,
)
from tests.sync.conftest import (  # noqa: F401 - fixtures reused, not copied
    cheap_verifier,
    fresh_knop_server,
    knop_server,
    machines,
    memory_keyring,
    sync_servers,
)
from tests.sync.keyrings import FILE_VARIABLE
from tests.sync.workstation import Machine


class RestartablePostgres(ThrowawayCluster):
    """A throwaway cluster that a test may stop, restart and crash: nobody else uses it."""

    def restart(self, mode: str) -> None:
        """`pg_ctl restart -m fast|immediate`: down for as long as PostgreSQL takes, no longer."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-m",
            mode,
            "-l",
            str(self.root / "log"),
            "-w",
            "restart",
        )

    def outage(self, mode: str, down_s: float) -> None:
        """Stop (`-m immediate` is a crash), stay away for `down_s`, start again as before.

        `pg_ctl start` does not remember the options the cluster was started
        with; postmaster.opts does (its first word is the postgres binary).
        """
        options = shlex.split((self.data / "postmaster.opts").read_text())[1:]
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        time.sleep(down_s)
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", shlex.join(options),
            "-l", str(self.root / "log"), "-w", "start",
        )  # fmt: skip


@pytest.fixture
def restartable_postgres() -> Iterator[RestartablePostgres]:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip(
            "no PostgreSQL server binaries (Debian package postgresql) for a private cluster"
        )
    cluster = RestartablePostgres(bindir)
    yield cluster
    cluster.stop()


def server_on(cluster: ThrowawayCluster, workdir: Path, workers: int) -> Deployment:
    """A knop-server with the small world, on a new database of `cluster`."""
    url = create_database(cluster.url)
    # The throwaway cluster runs with synchronous_commit=off, which is right for
    # tests that never crash it: here a crash (stop -m immediate) would lose
    # commits the server had already reported to clients as applied. The
    # database's own setting outranks the cluster's command line.
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(
            f'ALTER DATABASE "{urlsplit(url).path.lstrip("/")}" SET synchronous_commit = on'
        )
    seed_small_world(url)
    deployment = Deployment(
        backend="postgresql", db_url=url, workdir=workdir, workers=workers, env=dict(SERVER_ENV)
    )
    return deployment.start()


def child_workstation(machine: Machine, folder: Path, *args: str) -> subprocess.Popen[str]:
    """tests/reliability/workstation_child.py on `machine`'s folders and (copied) keyring."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **machine.env(),
        "PYTHON_KEYRING_BACKEND": "tests.sync.keyrings.FileKeyring",
        FILE_VARIABLE: str(machine.keyring_file(folder / "keyring.json")),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("KNOP_SERVER_URL", None)
    command = [sys.executable, "-m", "tests.reliability.workstation_child", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
