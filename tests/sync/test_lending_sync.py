"""Lending through real sync: what a home manager's workstation pulls, is told, and decides offline.

Anna works at Egeskov Skole, managed by Mette; Mads manages Bøgely Skole and
accepts Anna on his task. With the policy at *notify* Mette's workstation is
told; at *approve* it is told that the work waits for her, she approves it
with the network down (queued, shown at once in her lending view), and the
server and Mads's workstation have it after the next syncs.
"""

from __future__ import annotations

from desktop import lending, notifications
from desktop.core.entities import Bid, Role
from desktop.core.ids import uuid7
from desktop.core.notices import NoticeKind
from sync.server import directory
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine, count
from sync.session import Session


def sync(machine: Machine, *sessions: Session) -> None:
    for session in sessions:
        report = machine.sync(session)
        assert report.ok, report.first_failure()


def told(machine: Machine, session: Session) -> list[tuple[str, str]]:
    store = machine.store(session.person.id)
    try:
        return [(n.kind, n.facts.get("worker", "")) for n in notifications.recent(store, session.person.id)]
    finally:
        store.close()


def test_the_home_manager_is_told_and_approves_offline(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    server = fresh_knop_server
    directory.add_person(
        server.database,
        directory.NewPerson(username="mads", name="Mads Mikkelsen", site=world.other_school.id,
                            role=Role.SITE_MANAGER),
        PASSWORD,
    )
    office = machines(server, world.school.id, "office")
    elsewhere = machines(server, world.other_school.id, "elsewhere")
    mette, anna = office.login("mette"), office.login("anna")
    mads = elsewhere.login("mads")
    sync(office, mette, anna)
    sync(elsewhere, mads)

    def lent_task(policy: str) -> tuple[str, str]:
        directory.set_lending(server.database, policy)
        task_id, bid_id = uuid7(), uuid7()
        elsewhere.perform(mads, "task.create", task_id=task_id, site_id=world.other_school.id,
                          title=f"Opgave ({policy})", audience="organisation", publish=True)
        sync(elsewhere, mads)
        sync(office, anna)
        office.perform(anna, "bid.place", bid_id=bid_id, task_id=task_id, hours=2)
        sync(office, anna, mette)
        sync(elsewhere, mads)
        elsewhere.perform(mads, "bid.accept", bid_id=bid_id)
        sync(elsewhere, mads)
        sync(office, mette)
        return task_id, bid_id

    _, notified = lent_task("notify")
    assert (NoticeKind.STAFF_LENT, "Anna Jensen") in told(office, mette)
    task_id, waiting = lent_task("approve")
    assert (NoticeKind.LENDING_AWAITS, "Anna Jensen") in told(office, mette)
    assert (NoticeKind.LENDING_AWAITS, "Anna Jensen") not in told(elsewhere, mads)  # not his staff
    # The news names the site that chose her (try-out s36, 9), and the bid, so it can go once decided.
    store = office.store(mette.person.id)
    try:
        news = [n for n in notifications.recent(store, mette.person.id) if n.kind == NoticeKind.LENDING_AWAITS]
        assert news and {(n.facts.get("site"), n.facts.get("bid")) for n in news} == {(world.other_school.name, waiting)}
    finally:
        store.close()

    store = office.store(mette.person.id)
    try:
        states = {w.bid.id: w.bid.lending for w in lending.staff_work(store, mette.person)}
        assert states == {notified: "notified", waiting: "awaiting"}
    finally:
        store.close()

    with office.unplugged():
        office.perform(mette, "bid.lend", bid_id=waiting, approve=True)
        report = office.sync(mette)
        assert not report.ok  # offline: nothing left the machine
        store = office.store(mette.person.id)
        try:
            assert lending.awaiting(store, mette.person) == 0  # shown at once, queued
            held = store.get(Bid, waiting)
            assert held is not None and held.lending == "approved"
        finally:
            store.close()
    assert count(server, "SELECT count(*) FROM bids WHERE id = ? AND lending = 'approved'", waiting) == 0
    sync(office, mette)
    assert count(server, "SELECT count(*) FROM bids WHERE id = ? AND lending = 'approved'", waiting) == 1
    sync(elsewhere, mads)
    store = elsewhere.store(mads.person.id)
    try:
        held = store.get(Bid, waiting)
        assert held is not None and (held.lending, held.lending_decided_by) == ("approved", mette.person.id)
    finally:
        store.close()
    elsewhere.perform(mads, "task.complete", task_id=task_id)
    sync(elsewhere, mads)
    assert count(server, "SELECT count(*) FROM bids WHERE id = ? AND worked_hours = 2", waiting) == 1
