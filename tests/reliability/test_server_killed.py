"""The server dies with SIGKILL while a client's push is in flight; nothing is lost or doubled.

Anna works offline (a bid and a few hundred comments), then syncs in one big
batch. Shortly after the push request leaves the client, the server process
is killed with -9, whatever it was doing: reading the request, applying it in
its transaction, or answering. It is restarted on the same database and Anna
syncs again: every operation in her outbox is on the server exactly once, her
outbox is empty and she sees what the server shows.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest

from desktop.core.ids import uuid7
from sync import api as sync_api
from sync.transport import Connection
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import count, server_view, view

COMMENTS = 299


def kill_9(deployment: Deployment) -> None:
    assert deployment.process is not None
    deployment.process.send_signal(signal.SIGKILL)
    deployment.process.wait(timeout=15)
    assert deployment.process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("delay_s", [0.0, 0.05, 0.2], ids=["at-once", "50ms", "200ms"])
def test_a_server_killed_during_a_push_loses_nothing_and_doubles_nothing(
    fresh_knop_server: Deployment,
    world: World,
    machines: MachineFactory,
    monkeypatch: pytest.MonkeyPatch,
    delay_s: float,
) -> None:
    server = fresh_knop_server
    mette = server.user("mette")
    task_id = uuid7()
    mette.apply(
        "task.create",
        task_id=task_id,
        site_id=world.school.id,
        title="Vikar",
        publish=True,
        seats=2,
    )
    staffroom = machines(server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    with staffroom.unplugged():
        staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
        for i in range(COMMENTS):
            staffroom.perform(
                anna, "comment.add", comment_id=uuid7(), task_id=task_id, body=f"svar {i}"
            )
    store = staffroom.store(anna.person.id)
    outbox = [op.id for op in store.pending()]
    store.close()
    assert len(outbox) == COMMENTS + 1

    killer: list[threading.Thread] = []
    real_push = sync_api.ServerApi.push_answer  # what `push` and a push asking for its page both call

    def push_and_get_killed(self: sync_api.ServerApi, *args: Any, **kwargs: Any) -> Any:
        if not killer:  # the first push only: the server dies while it is in flight
            timer = threading.Timer(delay_s, kill_9, (server,))
            killer.append(timer)
            timer.start()
        return real_push(self, *args, **kwargs)

    monkeypatch.setattr(sync_api.ServerApi, "push_answer", push_and_get_killed)
    one_try = Connection(staffroom.server_url, attempts=1)
    result: list[Any] = []
    syncing = threading.Thread(
        target=lambda: result.append(staffroom.sync(anna, connection=one_try, batch_size=500))
    )
    syncing.start()
    syncing.join(timeout=60)
    assert not syncing.is_alive()
    killer[0].join(timeout=30)
    assert server.process is not None and server.process.returncode == -signal.SIGKILL
    monkeypatch.setattr(sync_api.ServerApi, "push_answer", real_push)

    # Whatever the client was told, nothing is applied twice and nothing is half-applied.
    assert server.db is not None
    server.db.close()
    server.start()  # same database file, new process (and port)
    staffroom.retarget(server)
    report = staffroom.sync(anna)
    assert report.ok, report.first_failure()

    for op_id in outbox:
        assert count(server, "SELECT count(*) FROM operations WHERE id = ?", op_id) == 1, op_id
        assert count(server, "SELECT count(*) FROM audit_events WHERE id = ?", op_id) == 1, op_id
    with server.database.read() as s:
        results = [
            r[0] for r in s.execute("SELECT result FROM operations WHERE author_id = 'anna'")
        ]
    assert len(results) == len(outbox) and all('"status":"applied"' in r for r in results)
    assert count(server, "SELECT count(*) FROM comments WHERE task_id = ?", task_id) == COMMENTS
    assert count(server, "SELECT count(*) FROM bids WHERE task_id = ?", task_id) == 1
    assert count(server, "SELECT bid_count FROM tasks WHERE id = ?", task_id) == 1
    store = staffroom.store(anna.person.id)
    try:
        assert store.pending_count() == 0
        assert view(store) == server_view(server, anna.person.id)
    finally:
        store.close()
