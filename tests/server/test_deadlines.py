"""Tasks past their bid deadline close by themselves on the server, and every device hears of it.

Issue 17: tasks whose bid deadline had passed stayed "Open for bids" for ever.
A real server process runs its deadline worker every 0.2 s here; the task's
new status reaches the feed, bids are refused, the owner may still decide, and
moving the deadline forward opens it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from desktop.core.entities import TaskStatus
from desktop.core.ids import uuid7
from sync.server import deadlines
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Deployment, Replica
from tests.server.test_push import published_task, task_row


@pytest.fixture
def closing_server(backend: str, servers: Servers) -> Iterator[Deployment]:
    deployment = servers.start(backend, env={deadlines.POLL_ENV: "0.2"})
    yield deployment
    deployment.stop()


def _day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)).isoformat()


def _wait_for_status(server: Deployment, task_id: str, status: str) -> None:
    deadline = dt.datetime.now() + dt.timedelta(seconds=20)
    while task_row(server, task_id).status != status:
        assert dt.datetime.now() < deadline, f"{task_id} never became {status}"
        server.api().http.get("/health")  # a request's time, not a sleep: the worker runs meanwhile


def test_a_task_past_its_deadline_closes_by_itself_and_the_feed_says_so(
    closing_server: Deployment, world: World
) -> None:
    mette, anna = closing_server.user("mette"), closing_server.user("anna")
    replica = Replica()
    replica.sync(anna)
    past = published_task(mette, world, title="Sommerfest", bid_deadline=_day(-1))
    today = published_task(mette, world, title="Juletræ", bid_deadline=_day(0))
    undated = published_task(mette, world, title="Kaffe")
    bid = uuid7()
    # The bid placed before the worker's round is refused by the rule itself.
    (refused,) = anna.push(anna.op("bid.place", bid_id=bid, task_id=past))
    assert refused["status"] == "rejected" and refused["rejection"]["reason"] == "bid.deadline_passed"

    _wait_for_status(closing_server, past, TaskStatus.CLOSED)
    assert task_row(closing_server, today).status == TaskStatus.OPEN  # bids all through the day
    assert task_row(closing_server, undated).status == TaskStatus.OPEN
    replica.sync(anna)
    row = replica.rows[("tasks", past)]
    assert row["status"] == "closed" and row["version"] == 2
    with closing_server.database.read() as s:
        (event,) = s.rows(
            "SELECT actor_id, task_id, site_id, organisation_id FROM audit_events"
            " WHERE entity_id = ? AND operation = ?",
            (past, deadlines.OPERATION),
        )
    # The event is the task's: the audit trail of its site and municipality lists it.
    assert dict(event) == {
        "actor_id": deadlines.SYSTEM,
        "task_id": past,
        "site_id": world.school.id,
        "organisation_id": world.org.id,
    }
    # A second round (another process, say) finds nothing left to close.
    assert deadlines.close_past_deadlines(closing_server.database) == []


def test_the_owner_decides_on_a_closed_task_and_a_later_deadline_opens_it(
    closing_server: Deployment, world: World
) -> None:
    mette, anna = closing_server.user("mette"), closing_server.user("anna")
    task_id = published_task(mette, world, title="Lektiecafé", bid_deadline=_day(3), seats=2)
    bid = uuid7()
    anna.apply("bid.place", bid_id=bid, task_id=task_id)
    # The deadline is moved to yesterday: the next round closes the task.
    mette.apply("task.edit", task_id=task_id, changes={"bid_deadline": _day(-1)})
    _wait_for_status(closing_server, task_id, TaskStatus.CLOSED)
    mette.apply("bid.accept", bid_id=bid)
    assert task_row(closing_server, task_id).status == TaskStatus.CLOSED  # one seat still free
    mette.apply("task.edit", task_id=task_id, changes={"bid_deadline": _day(7)})
    assert task_row(closing_server, task_id).status == TaskStatus.OPEN


def test_close_past_deadlines_judges_by_the_time_it_is_given(server: Deployment, world: World) -> None:
    mette = server.user("mette")
    task_id = published_task(mette, world, title="Udflugt", bid_deadline="2031-05-01")
    assert task_id not in deadlines.close_past_deadlines(server.database, "2031-05-01T23:59:59.000Z")
    assert task_id in deadlines.close_past_deadlines(server.database, "2031-05-02T00:00:00.000Z")
    assert task_row(server, task_id).status == TaskStatus.CLOSED
