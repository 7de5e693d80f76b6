"""Pulls served by a real streaming hot standby; pushes always by the primary.

A primary and a standby (pg_basebackup + primary_conninfo) on loopback, each
its own throwaway cluster, and a knop-server with `--replica-db` pointing at
the standby. The standby's replay is paused to make it lag as far as a test
likes: a client then gets the older (but complete) state from it, or the
primary's answer where the standby cannot give one, and never misses a
change or gets one twice once the standby catches up.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from desktop.core.entities import Person
from desktop.core.ids import uuid7
from sync.server import feed
from tests.conftest import World
from tests.server.conftest import SERVER_ENV, seed_small_world
from tests.server.harness import (
    Deployment,
    Replica,
    StandbyCluster,
    ThrowawayCluster,
    create_database,
    postgres_bindir,
    visible_state,
    with_database,
)
from tests.server.test_concurrency import WRITERS, pull_while_they_write

pytestmark = pytest.mark.skipif(
    postgres_bindir() is None, reason="needs the PostgreSQL server binaries (initdb, pg_basebackup)"
)


@dataclass
class Pair:
    primary_url: str  # the Knop database on the primary
    standby_url: str  # the same database on the standby
    standby_admin_url: str  # the standby's postgres database, there before the Knop one is replayed
    server: Deployment

    def standby(self, statement: str) -> object:
        with psycopg.connect(self.standby_admin_url, autocommit=True) as conn:
            row = conn.execute(statement).fetchone()
            return row[0] if row else None

    def caught_up(self, timeout: float = 60.0) -> None:
        """Wait until the standby has replayed everything the primary has written until now."""
        with psycopg.connect(self.primary_url, autocommit=True) as conn:
            row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
        assert row is not None
        target = row[0]
        deadline = time.monotonic() + timeout
        query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        while not self.standby(query):
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)

    def pause(self) -> None:
        self.standby("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self.standby("SELECT pg_get_wal_replay_pause_state()") != "paused":
            assert time.monotonic() < deadline
            time.sleep(0.05)

    def resume(self) -> None:
        self.standby("SELECT pg_wal_replay_resume()")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, world: World) -> Iterator[Pair]:
    bindir = postgres_bindir()
    assert bindir is not None
    primary = ThrowawayCluster(bindir)
    standby: StandbyCluster | None = None
    server: Deployment | None = None
    try:
        standby = StandbyCluster(primary)
        url = create_database(primary.url)
        seed_small_world(url)
        name = urlsplit(url).path.lstrip("/")
        workdir = tmp_path_factory.mktemp("server-replica")
        deployment = Deployment(
            "postgresql",
            url,
            workdir,
            workers=2,
            env={**SERVER_ENV, "KNOP_SERVER_LOG_LEVEL": "DEBUG"},
        )
        found = Pair(url, with_database(standby.url, name), standby.url, deployment)
        found.caught_up()
        server = found.server.start(["--replica-db", found.standby_url, "--log-level", "DEBUG"])
        yield found
        assert server.server_errors() == []
    finally:
        if server is not None:
            server.stop()
        if standby is not None:
            standby.stop()
        primary.stop()


def test_a_lagging_standby_serves_older_pages_and_the_primary_what_it_cannot(
    pair: Pair, world: World
) -> None:
    anna, bo = pair.server.user("anna"), pair.server.user("bo")
    pair.caught_up()
    seen = Replica()
    seen.sync(bo)
    arrivals: list[tuple[str, str]] = []

    def pull_into(replica: Replica, cursor: str | None) -> dict[str, Any]:
        page = bo.pull(cursor)
        changes: list[dict[str, Any]] = page["changes"]
        arrivals.extend((c["table"], c["row"]["id"]) for c in changes)
        replica.apply(page)
        return page

    pair.pause()
    try:
        task_id = uuid7()
        anna.apply(
            "task.create",
            task_id=task_id,
            site_id=world.school.id,
            title="Mens standbyen står stille",
            audience="organisation",
            publish=True,
        )
        # Served by the standby, which has not replayed the task yet: an older page, complete as far as it goes.
        page = pull_into(seen, seen.cursor)
        assert ("tasks", task_id) not in arrivals
        assert page["more"] is False

        # A cursor the primary gave out is beyond the standby: the primary answers, nothing is lost.
        with pair.server.database.read() as s:  # the primary's
            person = s.get(Person, world.bo.id)
            assert person is not None
            ahead = feed.page(s, person, seen.cursor, 1000)
        assert any(task_id.encode() in body for body in ahead.bodies)
        ahead_answer = bo.pull_raw(ahead.cursor)
        assert ahead_answer.status_code == 200, ahead_answer.text
        assert ahead_answer.json()["changes"] == []

        # A device enrolled and logged in while the standby lags is unknown to it: the primary serves it.
        newcomer = pair.server.user("bo")
        fresh = Replica()
        fresh.sync(newcomer)
        assert ("tasks", task_id) in fresh.rows
    finally:
        pair.resume()
    pair.caught_up()
    while True:  # the standby caught up: the task arrives, once
        page = pull_into(seen, seen.cursor)
        if not page["more"]:
            break
    assert arrivals.count(("tasks", task_id)) == 1
    assert seen.rows == visible_state(pair.server.database, world.bo.id)


def test_a_puller_on_the_standby_misses_nothing_while_many_write(pair: Pair, world: World) -> None:
    """test_concurrency's never-skips check, with every pull the standby can serve served by it."""
    writers = [pair.server.user(name) for name in WRITERS]
    reader = pair.server.user("admin")
    pair.caught_up()  # the reader's login is on the standby, so its pulls are the standby's
    replica = Replica()
    assert pull_while_they_write(writers, reader, replica) > 10
    pair.caught_up()
    replica.sync(reader, limit=7)
    assert replica.rows == visible_state(pair.server.database, world.admin.id)
