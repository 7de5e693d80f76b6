"""The engine's own decisions: batches, unexpected server failures, a rebase owed, what stops a sync."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from desktop import clock
from desktop import paths
from desktop.core.entities import Bid
from desktop.core.ids import uuid7
from desktop.store import PendingOperation, Store
from sync import protocol
from sync.engine import SyncEngine
from sync.failures import Cancelled, NotEnrolled
from sync.push import MAX_FAILED_ATTEMPTS, batches, push_outbox
from sync.report import Progress
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import published_task


def pending(n: int, body: str = "x") -> list[PendingOperation]:
    return [
        PendingOperation(i, f"op-{i}", "comment.add", {"body": body}, "anna", None, "2026-01-01", 0)
        for i in range(n)
    ]


def test_batches_respect_the_count_and_the_size_limits() -> None:
    assert [len(b) for b in batches(pending(1201))] == [
        protocol.MAX_PUSH_OPERATIONS,
        protocol.MAX_PUSH_OPERATIONS,
        201,
    ]
    big = pending(400, body="x" * 9000)  # about 3.6 MB in all
    sizes = [len(b) for b in batches(big)]
    assert sum(sizes) == 400 and len(sizes) >= 3
    assert [op.seq for b in batches(big) for op in b] == list(range(400))  # order kept


class FailingServer:
    """A push endpoint that fails unexpectedly on one operation ("operation.failed")."""

    def __init__(self) -> None:
        self.calls = 0

    def push(self, token: str, operations: list[dict[str, Any]], cancel: Any = None, cursor: str | None = None) -> list[dict[str, Any]]:
        self.calls += 1
        return [
            {"id": op["id"], "status": "rejected", "rejection": {"code": "invalid", "reason": "operation.failed"}}
            if op["payload"].get("body") == "unlucky"
            else {"id": op["id"], "status": "applied"}
            for op in operations
        ]


def test_an_unexpected_server_failure_is_tried_again_then_shown(store: Store, world: World) -> None:
    with store.transaction():
        store.put(world.task(status="open"))
    for body in ("fine", "unlucky", "also fine"):
        store.perform("comment.add", {"comment_id": uuid7(), "task_id": "task-1", "body": body}, world.anna, None)
    server = FailingServer()

    first = push_outbox(store, server, "token")  # type: ignore[arg-type]
    assert (first.applied, first.kept, first.rejected) == (2, 1, 0)
    (left,) = store.pending()
    assert left.payload["body"] == "unlucky" and left.attempts == 1
    for _ in range(MAX_FAILED_ATTEMPTS - 2):
        assert push_outbox(store, server, "token").kept == 1  # type: ignore[arg-type]
    last = push_outbox(store, server, "token")  # type: ignore[arg-type]
    assert last.rejected == 1 and store.pending_count() == 0
    (attention,) = store.attention()
    assert attention.reason == "operation.failed"


def test_a_refusal_settled_just_before_a_cancel_is_rebased_by_the_next_sync(
    knop_server: Deployment, world: World, machines: MachineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server refuses on its own clock; the sync stops after the push; the next one owes a rebase."""
    staffroom = machines(knop_server, world.school.id)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    task_id = published_task(knop_server.user("mette"), world.school.id, bid_deadline=yesterday)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    # No server time known (a store from before Knop kept it): the deadline cannot be
    # judged with certainty here, so the bid is queued and the server refuses it.
    store = staffroom.store(anna.person.id)
    with store.transaction():
        store.set_state(clock.OFFSET, None)
    store.close()
    bid_id = uuid7()
    staffroom.perform(anna, "bid.place", bid_id=bid_id, task_id=task_id)

    cancel = threading.Event()

    def stop_after_push(progress: Progress) -> None:
        if progress.phase == "push" and progress.done == progress.total:
            cancel.set()

    stopped = staffroom.sync(anna, cancel=cancel, progress=stop_after_push)
    assert isinstance(stopped.failure, Cancelled)
    store = staffroom.store(anna.person.id)
    try:
        assert store.attention()[0].reason == "bid.deadline_passed"
        assert store.get(Bid, bid_id) is not None  # not rebased yet
    finally:
        store.close()

    report = staffroom.sync(anna)
    user = report.user(anna.person.id)
    assert report.ok and user is not None and user.pulled == 0 and user.rebased
    assert "bids" in user.tables
    store = staffroom.store(anna.person.id)
    try:
        assert store.get(Bid, bid_id) is None
    finally:
        store.close()


def test_a_machine_that_is_not_enrolled_says_so() -> None:
    report = SyncEngine().sync_once()
    assert isinstance(report.failure, NotEnrolled)
    assert "knop enrol" in report.failure.message("da")


def test_a_damaged_store_is_reported_and_the_others_still_sync(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    anna = staffroom.login("anna")
    with staffroom:
        broken = paths.user_store("bo")
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"this is not a database" * 100)

    report = staffroom.sync(anna)

    assert report.user("anna").ok  # type: ignore[union-attr]
    bos = report.user("bo")
    assert bos is not None and bos.failure is not None and bos.failure.code == "store_damaged"
    assert "move it aside" in bos.failure.message("en")


def test_counts_are_the_logged_in_users_and_the_others_separately(
    knop_server: Deployment, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    anna, bo = staffroom.login("anna"), staffroom.login("bo")
    for session in (anna, bo):
        assert staffroom.sync(session).ok
    with staffroom.unplugged():
        staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
        staffroom.perform(bo, "bid.place", bid_id=uuid7(), task_id=task_id)
        staffroom.perform(bo, "comment.add", comment_id=uuid7(), task_id=task_id, body="Hej")
        with staffroom:
            counts = SyncEngine(session=anna).counts()
    assert (counts.pending, counts.pending_others, counts.attention) == (1, 2, 0)
    assert counts.last_sync_at


def test_an_unreadable_keyring_is_named_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    from sync.failures import KeyringUnavailable

    monkeypatch.setenv("KNOP_SERVER_URL", "https://knop.egeskov.invalid")
    keyring.set_keyring(fail.Keyring())
    report = SyncEngine().sync_once()
    assert isinstance(report.failure, KeyringUnavailable)
    assert "keyring" in report.failure.message("en") and "nøglering" in report.failure.message("da")


def test_a_store_damaged_in_a_few_pages_is_reported_not_synced_as_ok(
    knop_server: Deployment, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    """Leaf pages of `tasks` overwritten: the file opens, but the sync says it is damaged."""
    from tests.test_store import scribble_over_leaf_pages

    staffroom = machines(knop_server, world.school.id)
    for n in range(12):
        published_task(knop_server.user("mette"), world.school.id, description="Beskrivelse " * 60 + str(n))
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    with staffroom:
        path = paths.user_store(anna.person.id)
    # A broken copy put in place, as a restore from a bad backup would: not the file
    # this process has already checked.
    copy = tmp_path / "broken.sqlite3"
    staffroom.store(anna.person.id).close()
    # SQLite's backup, not the file's bytes: while another connection of this machine
    # still reads, a checkpoint cannot move the WAL into the file, and a byte copy then
    # lacked the tasks table altogether (CI, once).
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    scribble_over_leaf_pages(copy, "tasks", 3)
    copy.replace(path)

    report = staffroom.sync(anna)

    user = report.user(anna.person.id)
    assert user is not None and user.failure is not None and user.failure.code == "store_damaged"
    assert "move it aside" in user.failure.message("en")
