"""The desktop client's round in one request: the push's answer carries the pull's next page.

Real workstations (sync.engine) against a real server: a sync that pushes and
finds nothing more makes no pull request of its own and converges; a page cut
by its size goes on by pulls; a client killed after the push's answer and
before its page is written loses nothing and applies nothing twice; a server
that does not know the header (an older one) is pulled from as before; and a
page whose cursor the store has left meanwhile is dropped unwritten.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.ids import uuid7
from sync import protocol
from sync.pull import CURSOR, Pulled, write_pushed_page
from sync.session import Session
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import ChildSync, applied_once, assert_converged, many_comments, outbox_ids, published_task
from tests.sync.workstation import Machine, count


def pull_requests(deployment: Deployment) -> int:
    """GET /v1/pull answers in the server's access log so far."""
    log = (deployment.workdir / "server.log").read_text(errors="replace")
    return log.count(f'"GET {protocol.PATH_PULL}')


def a_bid_to_push_and_a_comment_to_pull(
    deployment: Deployment, world: World, machines: MachineFactory
) -> tuple[Machine, Session, list[str]]:
    """A synced staffroom where anna has a bid waiting and mette has commented since: (machine, anna, outbox)."""
    mette = deployment.user("mette")
    task_id = published_task(mette, world.school.id)
    staffroom = machines(deployment, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    mette.apply("comment.add", comment_id=uuid7(), task_id=task_id, body="Nyt fra Mette")
    staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
    return staffroom, anna, outbox_ids(staffroom, anna)


def test_a_sync_that_pushes_needs_no_pull_request_of_its_own(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom, anna, ops = a_bid_to_push_and_a_comment_to_pull(knop_server, world, machines)
    before = pull_requests(knop_server)

    report = staffroom.sync(anna)

    assert report.ok, report.first_failure()
    user = report.user(anna.person.id)
    assert user is not None and user.applied == 1 and user.pages == 1 and user.pulled >= 2
    assert pull_requests(knop_server) == before  # the push's answer brought the page
    applied_once(knop_server, ops)
    assert_converged(staffroom, anna)


def test_a_page_cut_by_its_size_goes_on_by_pulls(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    mette = knop_server.user("mette")
    task_id = published_task(mette, world.school.id)
    staffroom = machines(knop_server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    many_comments(mette, task_id, 30)
    staffroom.perform(anna, "comment.add", comment_id=uuid7(), task_id=task_id, body="Også mig")

    report = staffroom.sync(anna, page_size=10)

    assert report.ok, report.first_failure()
    user = report.user(anna.person.id)
    assert user is not None and user.pages >= 4 and user.pulled >= 31
    assert_converged(staffroom, anna)


def test_a_server_that_does_not_send_the_page_is_pulled_from_as_before(
    knop_server: Deployment, world: World, machines: MachineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header named as an older server sees it: one it does not know, and so ignores."""
    monkeypatch.setattr(protocol, "PUSH_PULL_HEADER", "Knop-Something-Else")
    staffroom, anna, ops = a_bid_to_push_and_a_comment_to_pull(knop_server, world, machines)
    before = pull_requests(knop_server)

    report = staffroom.sync(anna)

    assert report.ok, report.first_failure()
    assert pull_requests(knop_server) == before + 1
    applied_once(knop_server, ops)
    assert_converged(staffroom, anna)


def test_a_client_killed_after_the_push_answer_and_before_its_page_is_written_loses_nothing(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    mette = fresh_knop_server.user("mette")
    task_id = published_task(mette, world.school.id, seats=3)
    staffroom = machines(fresh_knop_server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    many_comments(mette, task_id, 20)  # what the push's page brings
    staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
    staffroom.perform(anna, "comment.add", comment_id=uuid7(), task_id=task_id, body="Jeg kommer")
    mine = outbox_ids(staffroom, anna)
    store = staffroom.store(anna.person.id)
    try:
        cursor = store.state(CURSOR)
    finally:
        store.close()

    child = ChildSync(staffroom, tmp_path, anna.person.id)
    # "push 0 2", then "push 2 2" once the answer's results are settled: held there, killed.
    seen = child.run(("push", 2), hold=True)
    assert seen[-1] == "push 2 2"
    store = staffroom.store(anna.person.id)
    try:
        assert store.pending_count() == 0  # the results were settled ...
        assert store.state(CURSOR) == cursor  # ... and the page not written
    finally:
        store.close()

    assert child.run()[-1] == "done"
    applied_once(fresh_knop_server, mine)
    assert count(fresh_knop_server, "SELECT count(*) FROM bids WHERE bidder_id = 'anna'") == 1
    assert_converged(staffroom, anna)


def test_a_page_whose_cursor_the_store_has_left_is_dropped_unwritten(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    store = staffroom.store(anna.person.id)
    try:
        now = store.state(CURSOR)
        assert now is not None
        page: protocol.PullPage = {"changes": [], "cursor": "somewhere-else", "more": False}
        done = Pulled()
        assert not write_pushed_page(store, page, "an-older-cursor", done)
        assert store.state(CURSOR) == now and done.pages == 0
        assert write_pushed_page(store, page, now, done)
        assert store.state(CURSOR) == "somewhere-else" and done.pages == 1
    finally:
        store.close()
