"""What a push costs PostgreSQL: its round trips and statements, counted on a real database.

The benchmark's batch (create a task, comment on it, edit it) pushed as the
wire does (`push.push_request`, both credentials and the device's cursor).
What the batch reads before its rules run (the cursor check, the log lookup,
the rows the payloads name, the feed rows' reach) travels with the credential
check in one round trip (`push._read_ahead`); each operation's savepoint
waits once for its writes; the log entries and audit events are one
statement each. Counted are the times the session waited for PostgreSQL
(psycopg's `Connection.wait`, which every blocking exchange goes through) and
the statements sent (`Connection.execute` and `Cursor.execute`/`executemany`
rows). SQLite has no round trips; the same pushes are checked there for
their effect.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from desktop.core.entities import Comment, Person, Task
from desktop.core.ids import utc_now, uuid7
from sync import protocol
from sync.server import accounts, feed, feed_tail, push, storage
from sync.server.app import create_app
from sync.server.errors import ApiError
from tests.server.conftest import Servers, small_world_database
from tests.server.harness import PASSWORD

# At 569c2ce, before the batch read ahead and the savepoints stopped waiting: 14 round trips, 26 statements;
# 22 statements before the push held its writes (no savepoint sent, the task created and edited one
# upsert, all writes one statement).
ROUND_TRIPS = 2
STATEMENTS = 12
# The polls of a round trip (storage._together_pipeline_class): one to send and hear the answer,
# one more if the answer comes in pieces. With psycopg's own pipeline, two per statement queued:
# 28 for the push below.
POLLS_A_ROUND_TRIP = 2


@pytest.fixture
def db(backend: str, servers: Servers) -> Iterator[storage.Database]:
    yield from small_world_database(servers, backend, pool_size=1)


def _anna_on_a_device(db: storage.Database) -> tuple[Person, str, str]:
    """Anna, an enrolled device at her site and a token for her: (person, device header, token)."""
    with db.read() as s:
        anna = s.fetch(Person, "username = ?", ("anna",))[0]
    return (anna, *_device(db, anna))


def _device(db: storage.Database, person: Person) -> tuple[str, str]:
    """An enrolled device at the person's site and a token for them: (device header, token)."""
    policy = accounts.Policy()
    device = accounts.enrol(db, accounts.new_enrolment_code(db, str(person.home_site_id), policy), "test")
    header = f"{device.device_id}.{device.secret}"
    return header, accounts.login(db, header, person.username, PASSWORD, policy).token


def _batch(person: Person, device_header: str, n: int) -> list[dict[str, Any]]:
    task_id = uuid7()

    def op(kind: str, **payload: Any) -> dict[str, Any]:
        return {
            "id": uuid7(), "kind": kind, "payload": payload, "author_id": person.id,
            "device_id": device_header.partition(".")[0], "created_at": utc_now(),
        }

    return [
        op("task.create", task_id=task_id, site_id=person.home_site_id, title=f"Opgave {n}",
           audience="organisation", publish=True),
        op("comment.add", comment_id=uuid7(), task_id=task_id, body="Første kommentar"),
        op("task.edit", task_id=task_id, changes={"title": f"Opgave {n} (rettet)"}),
    ]


class _Counted:
    """Counts the round trips to PostgreSQL and the statements sent, while active.

    A round trip is a wait for the server's answer: in pipeline mode a fetch,
    a Sync or leaving the mode (queueing a statement is no wait), outside it
    every exchange. Checked against `strace`'s count of the connection's
    non-empty `recvfrom` calls (docs/scale-out.md).
    """

    ANSWERS = ("_fetch_gen", "_sync_gen", "_exit_gen")

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.round_trips = 0
        self.statements = 0
        # The times a waiting generator asked to wait on the socket: each is a poll,
        # with the GIL let go and taken back (psycopg's `waiting.wait`).
        self.polls = 0
        counter = self
        wait, execute = psycopg.Connection.wait, psycopg.Cursor.execute
        executemany = psycopg.Cursor.executemany

        def polled(gen: Any) -> Any:
            ready = None
            while True:
                try:
                    asked = gen.send(ready)
                except StopIteration as stop:
                    return stop.value
                counter.polls += 1
                ready = yield asked

        def counted_wait(conn: Any, gen: Any, *args: Any, **kwargs: Any) -> Any:
            name = getattr(gen, "__qualname__", "")
            idle = conn.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
            if name.endswith(counter.ANSWERS) or not (conn._pipeline or (name.endswith("_commit_gen") and idle)):
                counter.round_trips += 1
            return wait(conn, polled(gen), *args, **kwargs)

        def counted_execute(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            counter.statements += 1
            return execute(cursor, query, *args, **kwargs)

        def counted_many(cursor: Any, query: Any, rows: Any, *args: Any, **kwargs: Any) -> Any:
            rows = list(rows)
            counter.statements += len(rows)
            return executemany(cursor, query, rows, *args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "wait", counted_wait)
        monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
        monkeypatch.setattr(psycopg.Cursor, "executemany", counted_many)


def test_a_push_reads_ahead_in_one_round_trip(
    backend: str, db: storage.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, header, token = _anna_on_a_device(db)
    with db.statement() as s:
        cursor = feed.page(s, anna, None, 1000).cursor
    for n in range(6):  # past psycopg's threshold for preparing a statement
        push.push_request(db, header, token, _batch(anna, header, n), cursor)
    batch = _batch(anna, header, 99)
    counted = _Counted(monkeypatch)
    results = push.push_request(db, header, token, batch, cursor)
    monkeypatch.undo()

    assert [r["status"] for r in results] == ["applied"] * 3
    with db.read() as s:
        task = s.get(Task, batch[0]["payload"]["task_id"])
        comment = s.get(Comment, batch[1]["payload"]["comment_id"])
        logged = s.value("SELECT count(*) FROM operations WHERE id IN (?, ?, ?)", [op["id"] for op in batch])
        audited = s.value("SELECT count(*) FROM audit_events WHERE id IN (?, ?, ?)", [op["id"] for op in batch])
    assert task is not None and task.title == "Opgave 99 (rettet)" and comment is not None
    assert (logged, audited) == (3, 3)
    if backend == "postgresql":
        assert (counted.round_trips, counted.statements) == (ROUND_TRIPS, STATEMENTS)
        assert counted.polls <= POLLS_A_ROUND_TRIP * ROUND_TRIPS


def test_a_repeated_push_answers_from_the_log_in_the_first_round_trip(
    backend: str, db: storage.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, header, token = _anna_on_a_device(db)
    batch = _batch(anna, header, 1)
    first = push.push_request(db, header, token, batch)
    counted = _Counted(monkeypatch)
    again = push.push_request(db, header, token, batch)
    monkeypatch.undo()
    assert again == first
    if backend == "postgresql":
        assert counted.round_trips == 2  # what is read ahead, with the credentials; COMMIT


def test_a_pull_is_one_round_trip_when_the_tail_holds_what_is_new(
    backend: str, db: storage.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed's bound and the credentials travel together; the tail answers without another.

    Without a tail, or when there is something new for the tail to read,
    one more: the page (or what is new) is read in a later statement.
    """
    anna, header, token = _anna_on_a_device(db)
    tail = feed_tail.Tail(db.dialect)
    cursor = None
    for _ in range(6):  # caught up, and past psycopg's threshold for preparing a statement
        cursor = feed_tail.pull_request(db, tail, header, token, cursor, 1000).cursor
    trips = {}
    for name, with_tail in (("tail", tail), ("database", None)):
        counted = _Counted(monkeypatch)
        page = feed_tail.pull_request(db, with_tail, header, token, cursor, 1000)
        monkeypatch.undo()
        assert (page.bodies, page.more) == ([], False)
        trips[name] = counted.round_trips
    push.push_request(db, header, token, _batch(anna, header, 1), cursor)
    counted = _Counted(monkeypatch)
    page = feed_tail.pull_request(db, tail, header, token, cursor, 1000)
    monkeypatch.undo()
    trips["tail, something new"] = counted.round_trips
    polls = counted.polls
    assert sorted(json.loads(b)["table"] for b in page.bodies) == ["comments", "tasks"]
    with pytest.raises(ApiError) as refused:
        feed_tail.pull_request(db, tail, header, "not-the-token", page.cursor, 1000)
    assert refused.value.code == "token_invalid"
    if backend == "postgresql":
        assert trips == {"tail": 1, "database": 2, "tail, something new": 2}
        assert polls <= POLLS_A_ROUND_TRIP * trips["tail, something new"]


def _pushes_through_the_app(
    db: storage.Database, monkeypatch: pytest.MonkeyPatch, before_the_last: Any = None
) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
    """Anna's pushes with their pages through the app in process (httpx's ASGI transport, the app's lifespan).

    Six to warm up (past psycopg's threshold for preparing a statement), then
    one counted: returns its batch, its answer and its round trips.
    `before_the_last(monkeypatch)` runs just before the counted push.
    """
    anna, header, token = _anna_on_a_device(db)
    monkeypatch.setenv("KNOP_SERVER_POOL", "2")
    monkeypatch.setenv("KNOP_SERVER_POOL_AT_START", "0")
    headers = {
        protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION),
        protocol.DEVICE_HEADER: header,
        "Authorization": f"Bearer {token}",
        protocol.ROWS_HEADER: str(protocol.ROWS_VERSION),
        protocol.PUSH_PULL_HEADER: "1000",
    }
    app = create_app(db.url)

    async def pushes() -> tuple[list[dict[str, Any]], dict[str, Any], int]:
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://knop.test"
        ) as client:
            cursor = (await client.get(protocol.PATH_PULL, headers=headers)).json()["cursor"]

            async def push_with_page(n: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
                batch = _batch(anna, header, n)
                answer = await client.post(
                    protocol.PATH_PUSH, json={"operations": batch, "cursor": cursor}, headers=headers
                )
                assert answer.status_code == 200, answer.text
                return batch, answer.json()

            for n in range(6):
                cursor = (await push_with_page(n))[1]["pull"]["cursor"]
            if before_the_last is not None:
                before_the_last(monkeypatch)
            counted = _Counted(monkeypatch)
            batch, answered = await push_with_page(99)
            monkeypatch.undo()
            return batch, answered, counted.round_trips

    return asyncio.run(pushes())


def test_a_push_brings_its_page_back_with_its_commit(
    backend: str, db: storage.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the app: the page after a push (`protocol.PUSH_PULL_HEADER`) costs no round trip of its own.

    The pull's first round trip (the feed's bound and the credentials) is
    queued behind the push's COMMIT and answered with it (`app._PageAfterPush`),
    so a push with its page is the push's round trips and the tail's read of
    what is new (the push's own rows): three, where it was four. The page holds
    the push's changes, as a pull right after the push does.
    """
    batch, answered, trips = _pushes_through_the_app(db, monkeypatch)
    assert [r["status"] for r in answered["results"]] == ["applied"] * 3
    changed = sorted((c["table"], c["row"]["id"]) for c in answered["pull"]["changes"])
    assert changed == sorted(
        [("tasks", batch[0]["payload"]["task_id"]), ("comments", batch[1]["payload"]["comment_id"])]
    )
    assert answered["pull"]["more"] is False
    if backend == "postgresql":
        assert trips == ROUND_TRIPS + 1


def test_a_database_gone_while_the_page_is_made_costs_the_page_not_the_push(
    backend: str, db: storage.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page is made after the push's commit, on its connection: a database error then loses the page only.

    The push is answered with its results and without a page (the device's
    own pull meets the error), as when the page was a pull of its own; the
    error never reaches the push's retries (`app._PageAfterPush`).
    """
    gone = psycopg.OperationalError if backend == "postgresql" else sqlite3.OperationalError

    def the_database_goes(patch: pytest.MonkeyPatch) -> None:
        def read_new(*args: Any, **kwargs: Any) -> None:
            raise gone("the server closed the connection unexpectedly")

        patch.setattr(feed_tail.Tail, "_read_new", read_new)

    batch, answered, _trips = _pushes_through_the_app(db, monkeypatch, the_database_goes)
    assert [r["status"] for r in answered["results"]] == ["applied"] * 3
    assert "pull" not in answered
    with db.read() as s:
        assert s.value("SELECT count(*) FROM operations WHERE id IN (?, ?, ?)", [op["id"] for op in batch]) == 3
