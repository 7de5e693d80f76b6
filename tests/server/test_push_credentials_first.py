"""A push whose credentials do not pass reads nothing beyond them and locks nothing.

The push sends its credential check and its reads ahead (the cursor's feed
state, the operation log, the rows its operations name, task rows locked FOR
UPDATE) in one round trip (sync.server.push). Here another transaction holds
the lock a push on the task would wait for: on PostgreSQL the task's row
lock; on SQLite the database's write lock, which a push's transaction takes
as it begins. A revoked device's push is then answered 401 without waiting on
that transaction; a valid device's push does wait on it (PostgreSQL), which
shows the lock stands in the way of what a push does. Waiting is for
conditions: the answer, or PostgreSQL saying whom a backend waits for.

What is read behind a shut gate is nothing: PostgreSQL's plan of a gated
query (`storage.behind`) tests the condition once, before its scans, which
then never run (EXPLAIN ANALYZE says so).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from desktop.core.ids import uuid7
from sync import protocol
from sync.server import accounts, storage
from tests.conftest import World
from tests.server.harness import Api, Deployment
from tests.server.test_push import published_task

WITHIN_S = 60.0  # a generous bound for a busy machine; the waits end on their conditions


class Holder:
    """Another transaction holding the lock a push naming `task_id` would wait for (see the module)."""

    def __init__(self, server: Deployment, task_id: str) -> None:
        self.server = server
        self.task_id = task_id
        self.pid: int | None = None  # the PostgreSQL backend holding the lock

    @contextlib.contextmanager
    def locking(self) -> Iterator[None]:
        if self.server.backend == "postgresql":
            with psycopg.connect(self.server.db_url, autocommit=True) as conn:
                self.pid = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])  # type: ignore[index]
                with conn.transaction():
                    locked = conn.execute("SELECT id FROM tasks WHERE id = %s FOR UPDATE", (self.task_id,))
                    assert locked.fetchone() is not None
                    yield
        else:
            other = sqlite3.connect(storage.sqlite_path(self.server.db_url), isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                yield
                other.execute("ROLLBACK")
            finally:
                other.close()

    def someone_waits(self) -> bool:
        """Whether a backend of the server waits for the holder (PostgreSQL; never known on SQLite)."""
        if self.pid is None:
            return False
        with psycopg.connect(self.server.db_url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY (pg_blocking_pids(pid))", (self.pid,)
            ).fetchone()
        return bool(row and row[0])


class Pushing(threading.Thread):
    """A push (with the device's cursor, as the client sends it) on a thread of its own."""

    def __init__(self, api: Api, body: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.api, self.body = api, body
        self.answer: httpx.Response | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with httpx.Client(base_url=str(self.api.http.base_url), timeout=WITHIN_S * 2) as http:
                self.answer = http.post(protocol.PATH_PUSH, json=self.body, headers=self.api.headers())
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error


def _first(*conditions: Any) -> int:
    """The index of the first of `conditions` (callables) to hold, waiting up to WITHIN_S."""
    deadline = time.monotonic() + WITHIN_S
    while time.monotonic() < deadline:
        for i, condition in enumerate(conditions):
            if condition():
                return i
        time.sleep(0.01)
    raise AssertionError("neither answered nor waiting")


def _comment_push(api: Api, task_id: str) -> dict[str, Any]:
    cursor = api.pull()["cursor"]
    return {
        "operations": [api.op("comment.add", comment_id=uuid7(), task_id=task_id, body="Hej")],
        "cursor": cursor,
    }


@pytest.mark.parametrize("refused", ["device_revoked", "token_revoked"])
def test_a_refused_push_is_answered_without_waiting_on_what_it_would_read(
    server: Deployment, world: World, refused: str
) -> None:
    mette = server.user("mette")
    task_id = published_task(mette, world)
    intruder = server.user("mette")
    body = _comment_push(intruder, task_id)
    assert intruder.device_id is not None and intruder.token is not None
    if refused == "device_revoked":
        assert accounts.revoke_device(server.database, intruder.device_id)
    else:
        assert accounts.revoke_tokens(server.database, token=intruder.token) == 1
    holder = Holder(server, task_id)
    with holder.locking():
        push = Pushing(intruder, body)
        push.start()
        assert _first(lambda: not push.is_alive(), holder.someone_waits) == 0, "the refused push waited"
    push.join()
    assert push.error is None and push.answer is not None
    assert push.answer.status_code == 401
    assert push.answer.json()["error"]["code"] == refused


def test_a_valid_push_waits_on_the_same_locks(server: Deployment, world: World) -> None:
    if server.backend != "postgresql":
        pytest.skip("SQLite does not say who waits for whom; the push would wait out its busy timeout")
    mette = server.user("mette")
    task_id = published_task(mette, world)
    body = _comment_push(mette, task_id)
    holder = Holder(server, task_id)
    with holder.locking():
        push = Pushing(mette, body)
        push.start()
        assert _first(lambda: not push.is_alive(), holder.someone_waits) == 1
    push.join()
    assert push.answer is not None and push.answer.status_code == 200, push.answer
    assert [r["status"] for r in push.answer.json()["results"]] == ["applied"]


def test_behind_a_shut_gate_a_locking_query_reads_no_row(server: Deployment, world: World) -> None:
    if server.backend != "postgresql":
        pytest.skip("the gate is PostgreSQL's; SQLite answers the credentials first")
    query = f"SELECT * FROM tasks WHERE id IN ('{world.school.id}', 'x') ORDER BY id FOR UPDATE"
    with psycopg.connect(server.db_url) as conn:  # a transaction, like a push's
        conn.execute("SELECT set_config('knop.credentials', 'device_revoked', true)")
        plan = conn.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + storage.behind(accounts.CREDENTIALS_PASSED, query)
        ).fetchone()[0][0]["Plan"]  # type: ignore[index]
        conn.rollback()

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    found = list(nodes(plan))
    assert "One-Time Filter" in plan and plan["Actual Rows"] == 0
    scans = [n for n in found if "Scan" in n["Node Type"] and n["Node Type"] != "Subquery Scan"]
    assert scans and all(n["Actual Loops"] == 0 for n in scans)
    assert any(n["Node Type"] == "LockRows" and n["Actual Loops"] == 0 for n in found)
