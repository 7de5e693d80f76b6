"""On PostgreSQL a push runs on its worker's event loop: one that waits for a row lock holds no thread.

The push's synchronous code runs in a greenlet on the loop's thread and its
database waits are awaited there (sync.server.on_loop). So a worker whose
thread pool has a single thread still answers a second push while the first
waits for a task's row lock that someone else holds; when the push ran in the
pool's thread, the second waited for the first's lock to be let go.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.core.entities import Task
from sync.server.app import THREADS_ENV
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Deployment
from tests.server.test_push import published_task, task_row


@pytest.fixture(scope="module")
def one_thread_server(servers: Servers) -> Iterator[Deployment]:
    """A PostgreSQL server whose worker has one thread for push and pull."""
    deployment = servers.start("postgresql", env={THREADS_ENV: "1"})
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


def waiting_for_a_lock(server: Deployment) -> int:
    """How many of the server's database sessions wait for a lock now."""
    with server.database.statement() as s:
        return int(
            s.value(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
        )


def test_a_push_waiting_for_a_row_lock_does_not_hold_up_the_next(
    one_thread_server: Deployment, world: World
) -> None:
    server = one_thread_server
    mette = server.user("mette")
    locked, free = published_task(mette, world), published_task(mette, world)
    first_device, second_device = server.user("mette"), server.user("mette")
    first: list[Any] = []

    def push_to_the_locked_task() -> None:
        first.extend(first_device.push(first_device.op("task.edit", task_id=locked, changes={"title": "Låst"})))

    pushing = threading.Thread(target=push_to_the_locked_task)
    with server.database.write() as s:
        assert s.get(Task, locked) is not None  # read FOR UPDATE: the task's row lock, held until the block ends
        pushing.start()
        deadline = time.monotonic() + 30  # for the push to reach the lock and wait there
        while waiting_for_a_lock(server) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_for_a_lock(server) == 1, "the first push never waited for the row lock"
        second_device.http.timeout = 15.0  # on a thread-bound push it would wait for the lock to go
        (second,) = second_device.push(second_device.op("task.edit", task_id=free, changes={"title": "Fri"}))
        assert second["status"] == "applied", second
        assert pushing.is_alive()  # the first still waits for the lock
        assert waiting_for_a_lock(server) == 1
    pushing.join(30)
    assert not pushing.is_alive()
    assert [r["status"] for r in first] == ["applied"]
    assert task_row(server, locked).title == "Låst"
    assert task_row(server, free).title == "Fri"
