"""Clients that worked offline end up where the server is, and a refusal shows up with its reason."""

from __future__ import annotations

from desktop.core.entities import Bid, BidStatus, Person, Task, TaskStatus
from desktop.core.ids import uuid7
from sync.session import Session
from sync.failures import ServerUnreachable
from sync.server import directory
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import assert_converged
from tests.sync.workstation import Machine, count, view


def post_task(machine: Machine, manager: Session, **fields: object) -> str:
    """A manager posts an open task and syncs it up (after a first sync, as the app does at login)."""
    assert machine.sync(manager).ok
    task_id = uuid7()
    machine.perform(
        manager,
        "task.create",
        task_id=task_id,
        site_id=manager.person.home_site_id,
        title=str(fields.pop("title", "Hjælp til sommerfesten")),
        publish=True,
        **fields,
    )
    assert machine.sync(manager).ok
    return task_id


def test_two_clients_converge_after_offline_work_on_both(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    office, staffroom = machines(knop_server, world.school.id), machines(knop_server, world.school.id)
    mette = office.login("mette")
    anna = staffroom.login("anna")
    task_id = post_task(office, mette, title="Læsemakker i 2. klasse", seats=2)
    assert staffroom.sync(anna).ok

    with office.unplugged(), staffroom.unplugged():
        bid_id = uuid7()
        staffroom.perform(anna, "bid.place", bid_id=bid_id, task_id=task_id, message="Jeg kan tirsdage")
        staffroom.perform(anna, "comment.add", comment_id=uuid7(), task_id=task_id, body="Hvilket lokale?")
        office.perform(mette, "comment.add", comment_id=uuid7(), task_id=task_id, body="Biblioteket")
        office.perform(
            mette,
            "task.edit",
            task_id=task_id,
            changes={"place": "Biblioteket"},
            base={"place": ""},
        )
        offline = staffroom.sync(anna)
        assert isinstance(offline.failure, ServerUnreachable)
        assert not offline.online
        store = staffroom.store(anna.person.id)
        assert store.pending_count() == 2  # nothing lost, nothing sent
        store.close()

    for machine, session in ((staffroom, anna), (office, mette), (staffroom, anna)):
        report = machine.sync(session)
        assert report.ok, report.first_failure()
    mette_sees_bid = office.sync(mette)
    assert mette_sees_bid.ok

    assert_converged(staffroom, anna)
    assert_converged(office, mette)
    anna_store, mette_store = staffroom.store(anna.person.id), office.store(mette.person.id)
    try:
        for table in ("tasks", "comments"):
            mine = {k: v for k, v in view(anna_store).items() if k[0] == table and task_id in str(v)}
            theirs = {k: v for k, v in view(mette_store).items() if k[0] == table and task_id in str(v)}
            assert mine == theirs and mine
        task = mette_store.get(Task, task_id)
        assert task is not None and task.place == "Biblioteket" and task.bid_count == 1
        assert mette_store.get(Bid, bid_id) is not None
    finally:
        anna_store.close()
        mette_store.close()


def test_two_managers_accept_different_bids_offline_one_wins_the_other_sees_why(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    second = f"mads-{uuid7()[-6:]}"
    directory.add_person(
        knop_server.database,
        directory.NewPerson(username=second, name="Mads Holm", site=world.school.id, role="site_manager"),
        PASSWORD,
    )
    office, ward, staffroom = (machines(knop_server, world.school.id) for _ in range(3))
    mette, mads = office.login("mette"), ward.login(second)
    anna = staffroom.login("anna")
    bo = staffroom.login("bo")
    task_id = post_task(office, mette, title="Vikar til svømning", seats=1)
    bids = {}
    for session in (anna, bo):
        assert staffroom.sync(session).ok
        bids[session.person.id] = uuid7()
        staffroom.perform(session, "bid.place", bid_id=bids[session.person.id], task_id=task_id)
        assert staffroom.sync(session).ok
    assert office.sync(mette).ok and ward.sync(mads).ok

    with office.unplugged(), ward.unplugged():
        office.perform(mette, "bid.accept", bid_id=bids["anna"], message="Velkommen, Anna")
        ward.perform(mads, "bid.accept", bid_id=bids["bo"], message="Velkommen, Bo")

    first = office.sync(mette)
    assert first.ok and first.user(mette.person.id).applied == 1  # type: ignore[union-attr]
    late = ward.sync(mads)
    assert late.ok
    report = late.user(mads.person.id)
    assert report is not None and report.rejected == 1 and report.attention == 1

    store = ward.store(mads.person.id)
    try:
        (attention,) = store.attention()
        assert attention.kind == "bid.accept" and attention.code == "conflict"
        assert "Mette Larsen" in attention.message("en") and "Mette Larsen" in attention.message("da")
        # The view is the server's: Anna is in, Bo's bid is still pending, nothing of Mads's accept.
        assert store.get(Bid, bids["anna"]).status == BidStatus.ACCEPTED  # type: ignore[union-attr]
        assert store.get(Bid, bids["bo"]).status == BidStatus.PENDING  # type: ignore[union-attr]
        assert store.get(Task, task_id).accepted_count == 1  # type: ignore[union-attr]
    finally:
        store.close()
    assert count(knop_server, "SELECT count(*) FROM bids WHERE task_id = ? AND status = 'accepted'", task_id) == 1


def test_a_bid_on_a_task_cancelled_meanwhile_is_refused_and_needs_attention(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    office, staffroom = machines(knop_server, world.school.id), machines(knop_server, world.school.id)
    mette, anna = office.login("mette"), staffroom.login("anna")
    task_id = post_task(office, mette, title="Oplæsning på plejehjemmet")
    assert staffroom.sync(anna).ok

    with staffroom.unplugged():
        bid_id = uuid7()
        staffroom.perform(anna, "bid.place", bid_id=bid_id, task_id=task_id, message="Det vil jeg gerne")
        store = staffroom.store(anna.person.id)
        assert store.get(Bid, bid_id) is not None  # she sees her bid at once
        store.close()
        office.perform(mette, "task.cancel", task_id=task_id, message="Aflyst")
        assert office.sync(mette).ok

    report = staffroom.sync(anna)
    assert report.ok
    user = report.user(anna.person.id)
    assert user is not None and (user.applied, user.rejected, user.attention) == (0, 1, 1)
    store = staffroom.store(anna.person.id)
    try:
        (attention,) = store.attention()
        assert (attention.kind, attention.code, attention.reason) == (
            "bid.place",
            "conflict",
            "bid.task_not_open",
        )
        assert attention.payload["bid_id"] == bid_id
        assert "aflyst" in attention.message("da").lower()
        assert "cancelled" in attention.message("en").lower()
        assert store.get(Bid, bid_id) is None  # gone from the view
        assert store.get(Task, task_id).status == TaskStatus.CANCELLED  # type: ignore[union-attr]
        assert store.pending_count() == 0
    finally:
        store.close()
    assert count(knop_server, "SELECT count(*) FROM bids WHERE id = ?", bid_id) == 0
    assert_converged(staffroom, anna)


def test_person_rows_arrive_and_the_logged_in_user_is_among_them(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    store = staffroom.store(anna.person.id)
    try:
        assert store.get(Person, "anna") is not None
        assert store.state("last_sync_at")
    finally:
        store.close()
