"""Several writers at once, through several worker processes, while a device keeps pulling.

On PostgreSQL, transactions can commit in another order than the one their
sequence numbers were drawn in; a feed that hands out "everything after N"
would then skip a change that commits late with a number below N. The puller
here pulls small pages as fast as it can while the writers run, and must end
up with exactly what the server holds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from desktop.core.entities import Task
from desktop.core.ids import uuid7
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Api, Deployment, Replica, visible_state
from tests.server.test_push import published_task

WRITERS = ("anna", "bo", "carl", "mette")
BATCHES = 25


@pytest.fixture(scope="module")
def busy_server(backend: str, servers: Servers) -> Iterator[Deployment]:
    deployment = servers.start(backend, workers=3)
    yield deployment
    assert deployment.server_errors() == []


def write(api: Api, site_id: str, outcomes: list[str], failures: list[BaseException]) -> None:
    try:
        for n in range(BATCHES):
            task_id = uuid7()
            results = api.push(
                api.op(
                    "task.create",
                    task_id=task_id,
                    site_id=site_id,
                    title=f"Opgave {n}",
                    audience="organisation",
                    publish=True,
                ),
                api.op("comment.add", comment_id=uuid7(), task_id=task_id, body="Første kommentar"),
                api.op("task.edit", task_id=task_id, changes={"title": f"Opgave {n} (rettet)"}),
            )
            outcomes += [r["status"] for r in results]
    except BaseException as error:  # noqa: BLE001 - the test thread hands it to the test
        failures.append(error)


def pull_while_they_write(writers: list[Api], reader: Api, replica: Replica) -> int:
    """`reader` pulls pages of 7 into `replica` while `writers` push; returns how many pulls.

    Insists that every writer's every operation was applied.
    """
    outcomes: list[str] = []
    failures: list[BaseException] = []
    threads = [
        threading.Thread(target=write, args=(api, api.person["home_site_id"], outcomes, failures))
        for api in writers
    ]
    for thread in threads:
        thread.start()
    pulls = 0
    while any(t.is_alive() for t in threads):
        replica.apply(reader.pull(replica.cursor, limit=7))
        pulls += 1
    for thread in threads:
        thread.join()
    assert failures == []
    assert outcomes.count("applied") == len(writers) * BATCHES * 3
    return pulls


def test_a_puller_misses_nothing_while_many_write(busy_server: Deployment, world: World) -> None:
    server = busy_server
    writers = [server.user(name) for name in WRITERS]
    reader = server.user("admin")
    replica = Replica()
    pulls_during_writes = pull_while_they_write(writers, reader, replica)
    assert pulls_during_writes > 10  # the reader really did read while they wrote
    replica.sync(reader, limit=7)
    expected = visible_state(server.database, world.admin.id)
    missing = sorted(set(expected) - set(replica.rows))
    assert missing == []
    assert replica.rows == expected
    created = [
        k
        for (table, k), row in replica.rows.items()
        if table == "tasks" and "(rettet)" in row["title"]
    ]
    assert len(created) == len(WRITERS) * BATCHES


def test_the_login_throttle_holds_across_workers(busy_server: Deployment, world: World) -> None:
    """Each attempt on a new connection, so the two workers share the work; the count is shared."""
    for _ in range(5):
        assert busy_server.enrolled(world.school.id).try_login("bo", "wrong").status_code == 401
    assert busy_server.enrolled(world.school.id).try_login("bo", "wrong").status_code == 429


def test_the_first_accept_wins_when_two_arrive_at_once(busy_server: Deployment, world: World) -> None:
    """Two devices of the task's manager accept two bids for its last seat at the same moment.

    Without a server-wide lock, the task's row lock is what serialises them
    (sync.server.storage.LOCKED_ON_READ): one accept applies, the other is
    refused because the seat is gone, never both.
    """
    first, second = busy_server.user("mette"), busy_server.user("mette")
    anna, carl = busy_server.user("anna"), busy_server.user("carl")  # bo's logins are throttled above

    def accept(
        api: Api,
        bid_id: str,
        together: threading.Barrier,
        results: list[dict[str, object]],
        failures: list[BaseException],
    ) -> None:
        try:
            together.wait()
            results.extend(api.push(api.op("bid.accept", bid_id=bid_id)))
        except BaseException as error:  # noqa: BLE001 - handed to the test
            failures.append(error)

    for _round in range(8):
        task_id = published_task(first, world, seats=1, audience="organisation")
        bids = [uuid7(), uuid7()]
        anna.apply("bid.place", bid_id=bids[0], task_id=task_id)
        carl.apply("bid.place", bid_id=bids[1], task_id=task_id)
        together = threading.Barrier(2)
        results: list[dict[str, object]] = []
        failures: list[BaseException] = []
        threads = [
            threading.Thread(target=accept, args=(api, bid_id, together, results, failures))
            for api, bid_id in zip((first, second), bids, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert sorted(str(r["status"]) for r in results) == ["applied", "rejected"]
        refused = next(r for r in results if r["status"] == "rejected")
        assert refused["rejection"]["reason"] == "bid.seats_full"  # type: ignore[index]
        with busy_server.database.read() as s:
            accepted = s.value(
                "SELECT count(*) FROM bids WHERE task_id = ? AND status = 'accepted'", (task_id,)
            )
            task = s.get(Task, task_id)
        assert accepted == 1 and task is not None and task.accepted_count == 1
