"""The client is killed with SIGKILL in the middle of applying a pulled page.

tests/sync/test_faults.py kills a sync child on SQLite a few milliseconds after
it reported a page done, which mostly lands while the next page is on the
wire. Here the kill lands inside the apply itself: the child
(tests/reliability/workstation_child.py, `pull`) says "apply <n>" just before
a page's changes are written and lingers HOLD_MS after writing them with the
page's transaction still open (a page takes only milliseconds to write), and
after page 2 until it is killed. The test kills it at a random moment of that
span and checks from the child's last words that it died there: with the page
written in part or in full, but not committed.

After each kill: the store opens and SQLite finds it intact; the cursor and the
data agree (the store holds exactly the changes the feed handed out up to its
cursor, so no page is half applied); nothing in the outbox is lost. At the
end a full sync converges with the server and every operation is on it once.
Run against a server on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest

from desktop.core.entities import Comment
from desktop.core.ids import uuid7
from sync.pull import CURSOR
from sync.server import feed
from tests.conftest import World
from tests.reliability.conftest import child_workstation
from tests.server.conftest import Servers
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import applied_once, assert_converged, many_comments, published_task
from tests.sync.workstation import Machine

FEED = 2000  # comments to pull: eight pages
PAGE = 250
KILLS = 3
HOLD_MS = 60


def pulled_comments_agree_with_cursor(server: Deployment, machine: Machine, task_id: str) -> int:
    """The store holds exactly Mette's comments the feed had handed out up to the stored cursor."""
    store = machine.store("anna")
    try:
        assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        cursor = store.state(CURSOR)
        assert cursor is not None
        held = {
            c.id for c in store.fetch(Comment, "task_id = ? AND author_id = 'mette'", (task_id,))
        }
    finally:
        store.close()
    # "<epoch>-<viewpoint>.<position>.<generation>", sync/server/feed.py
    position = feed.parse_position(cursor.split(".")[1])
    with server.database.read() as s:
        handed_out = {
            str(r[0])
            for r in s.execute(
                "SELECT f.entity_key FROM changes f JOIN comments c ON c.id = f.entity_key "
                "WHERE f.table_name = 'comments' AND c.task_id = ? AND c.author_id = 'mette' "
                "AND (f.xid, f.seq) <= (?, ?)",
                (task_id, *position),
            )
        }
    assert held == handed_out, (len(held), len(handed_out))
    return len(held)


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_client_killed_while_applying_a_pulled_page_loses_nothing(
    backend: str, sync_servers: Servers, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    server = sync_servers.start(backend)
    mette = server.user("mette")
    task_id = published_task(mette, world.school.id)
    staffroom = machines(server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    with staffroom.unplugged():  # Anna's own work waits in the outbox
        mine = [staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)]
        for i in range(20):
            mine.append(
                staffroom.perform(
                    anna, "comment.add", comment_id=uuid7(), task_id=task_id, body=f"svar {i}"
                )
            )
    many_comments(mette, task_id, FEED)

    rng = random.Random(8)
    held_before = pulled_comments_agree_with_cursor(server, staffroom, task_id)
    for attempt in range(KILLS):
        child = child_workstation(
            staffroom,
            tmp_path / f"child-{attempt}",
            "pull",
            "--person",
            "anna",
            "--page-size",
            str(PAGE),
            "--hold-ms",
            str(HOLD_MS),
            "--hold-page",
            "2",  # page 2's transaction stays open until the kill, however late it comes
        )
        assert child.stdout is not None
        seen: list[str] = []
        for line in child.stdout:
            seen.append(line.strip())
            if seen[-1] == "apply 2":  # page 1 was written and committed
                time.sleep(rng.uniform(0.0, 0.8) * HOLD_MS / 1000)
                child.send_signal(signal.SIGKILL)
                break
        seen += [line.strip() for line in child.stdout]
        child.wait(timeout=60)
        assert child.returncode == -signal.SIGKILL, seen
        assert seen[-1].startswith(("apply 2", "applied 2")), seen  # inside page 2's transaction
        held = pulled_comments_agree_with_cursor(server, staffroom, task_id)
        assert held > held_before  # page 1 of this run was kept, with its cursor
        held_before = held
        store = staffroom.store("anna")
        try:  # nothing of the outbox is lost: pushed (the child pushes before it pulls) or pending
            pending = {op.id for op in store.pending()}
        finally:
            store.close()
        with server.database.read() as s:
            on_server = {
                str(r[0]) for r in s.execute("SELECT id FROM operations WHERE author_id = 'anna'")
            }
        assert set(mine) <= pending | on_server

    assert staffroom.sync(anna).ok
    assert pulled_comments_agree_with_cursor(server, staffroom, task_id) == FEED
    applied_once(server, mine)
    assert_converged(staffroom, anna)
