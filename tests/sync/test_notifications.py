"""Notifications derived from what sync pulls: each event once, for exactly the right people.

Real workstations and a real knop-server process. Anna and Bo share the staff
room PC of the school, Mette manages the school from the office PC, Carl works
at the other school and Ole is an external volunteer; none of them is told
about a task they may not see, nor about what they did themselves, and the
staff room PC is unplugged while most of it happens.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from desktop import notifications
from desktop.core.ids import uuid7
from desktop.core.notices import NoticeKind
from sync.session import Session
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine

def told(machine: Machine, session: Session) -> Counter[tuple[str, str]]:
    """Every notice on this machine for this person, counted by (kind, task)."""
    store = machine.store(session.person.id)
    try:
        found = notifications.recent(store, session.person.id)
    finally:
        store.close()
    return Counter((n.kind, n.task_id) for n in found)


def once(*pairs: tuple[str, str]) -> Counter[tuple[str, str]]:
    return Counter(pairs)


def unread(machine: Machine, session: Session) -> int:
    store = machine.store(session.person.id)
    try:
        return notifications.unread_count(store, session.person.id)
    finally:
        store.close()


def sync(machine: Machine, *sessions: Session) -> None:
    for session in sessions:
        report = machine.sync(session)
        assert report.ok, report.first_failure()


def test_each_event_reaches_exactly_the_people_it_concerns_also_after_offline(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    office = machines(fresh_knop_server, world.school.id, "office")
    staffroom = machines(fresh_knop_server, world.school.id, "staffroom")
    elsewhere = machines(fresh_knop_server, world.other_school.id, "elsewhere")
    mette, anna, bo = office.login("mette"), staffroom.login("anna"), staffroom.login("bo")
    carl, ole = elsewhere.login("carl"), elsewhere.login("ole")
    everyone = ((office, mette), (staffroom, anna), (staffroom, bo), (elsewhere, carl), (elsewhere, ole))
    for machine, session in everyone:
        sync(machine, session)  # the initial pull: the past, which tells nobody anything

    # Anna has the skill the task asks for; Bo has saved a search that finds it;
    # Carl has the skill too, but the task is for the school's own staff.
    staffroom.perform(anna, "profile.skill_add", person_id=anna.person.id, skill="events.planning")
    elsewhere.perform(carl, "profile.skill_add", person_id=carl.person.id, skill="events.planning")
    staffroom.perform(bo, "search.save", search_id=uuid7(), name="Fest", filters={"text": "sommerfest"})
    sync(staffroom, anna, bo)
    sync(elsewhere, carl)

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    party = uuid7()
    office.perform(
        mette, "task.create", task_id=party, site_id=world.school.id, title="Sommerfest i gården",
        skills=["events.planning"], starts_on=tomorrow, seats=1, publish=True,
    )
    sync(office, mette)
    for machine, session in everyone:
        sync(machine, session)
    assert told(staffroom, anna) == once((NoticeKind.TASK_FITS_SKILLS, party))
    assert told(staffroom, bo) == once((NoticeKind.TASK_FITS_SEARCH, party))
    assert told(elsewhere, carl) == Counter()  # may not see a task for the school's own staff

    anna_bid, bo_bid = uuid7(), uuid7()
    staffroom.perform(anna, "bid.place", bid_id=anna_bid, task_id=party, message="Jeg griller")
    staffroom.perform(bo, "bid.place", bid_id=bo_bid, task_id=party, message="Jeg pynter")
    sync(staffroom, anna, bo)
    sync(office, mette)
    assert told(office, mette) == once((NoticeKind.BID_NEW, party), (NoticeKind.BID_NEW, party))

    with staffroom.unplugged():
        office.perform(mette, "bid.accept", bid_id=anna_bid, message="Velkommen")
        office.perform(mette, "bid.decline", bid_id=bo_bid, message="Tak, vi er nok")
        office.perform(mette, "comment.add", comment_id=uuid7(), task_id=party, body="Husk forklæde")
        office.perform(
            mette, "task.edit", task_id=party, changes={"place": "Gården"}, base={"place": ""}
        )
        sync(office, mette)
        assert not staffroom.sync(anna).ok  # offline: nothing arrives, nothing is lost

    sync(staffroom, anna, bo)
    anna_told = told(staffroom, anna)
    assert anna_told == once(
        (NoticeKind.TASK_FITS_SKILLS, party),
        (NoticeKind.BID_ACCEPTED, party),
        (NoticeKind.COMMENT_NEW, party),
        (NoticeKind.TASK_CHANGED, party),
        (NoticeKind.TASK_STARTS_TOMORROW, party),
    )
    assert told(staffroom, bo) == once(
        (NoticeKind.TASK_FITS_SEARCH, party),
        (NoticeKind.BID_DECLINED, party),
        (NoticeKind.COMMENT_NEW, party),
    )
    store = staffroom.store(anna.person.id)
    accepted = next(
        n for n in notifications.recent(store, anna.person.id) if n.kind == NoticeKind.BID_ACCEPTED
    )
    store.close()
    assert accepted.facts["message"] == "Velkommen"
    assert "Mette Larsen" in accepted.text("en") and "Sommerfest i gården" in accepted.text("da")

    staffroom.perform(anna, "comment.add", comment_id=uuid7(), task_id=party, body="Jeg tager kul med")
    sync(staffroom, anna, bo)
    sync(office, mette)
    assert told(office, mette) == once(  # never her own comment
        (NoticeKind.BID_NEW, party), (NoticeKind.BID_NEW, party), (NoticeKind.COMMENT_NEW, party)
    )
    assert told(staffroom, bo)[(NoticeKind.COMMENT_NEW, party)] == 2  # Mette's and Anna's
    assert unread(staffroom, bo) == 4

    office.perform(mette, "task.cancel", task_id=party, message="Regnvejr")
    sync(office, mette)
    for machine, session in everyone:
        sync(machine, session)
        sync(machine, session)  # pulling again tells nothing again
    assert told(staffroom, anna)[(NoticeKind.TASK_CANCELLED, party)] == 1
    assert told(staffroom, anna)[(NoticeKind.COMMENT_NEW, party)] == 1  # not her own
    assert told(staffroom, bo)[(NoticeKind.TASK_CANCELLED, party)] == 0  # he was never on it
    assert told(elsewhere, carl) == Counter()
    assert told(elsewhere, ole) == Counter()


def test_read_on_one_device_is_read_on_the_others(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    office = machines(knop_server, world.school.id)
    staffroom = machines(knop_server, world.school.id)
    mette = office.login("mette")
    at_office, in_staffroom = office.login("bo"), staffroom.login("bo")
    sync(office, mette, at_office)
    sync(staffroom, in_staffroom)

    task_id = uuid7()
    office.perform(
        mette, "task.create", task_id=task_id, site_id=world.school.id, title="Lektiecafé", publish=True
    )
    sync(office, mette)
    office.perform(mette, "comment.add", comment_id=uuid7(), task_id=task_id, body="Hvem kan?")
    sync(office, mette)
    sync(staffroom, in_staffroom)
    staffroom.perform(in_staffroom, "bid.place", bid_id=uuid7(), task_id=task_id)
    sync(staffroom, in_staffroom)
    office.perform(mette, "comment.add", comment_id=uuid7(), task_id=task_id, body="Tak, Bo")
    sync(office, mette, at_office)
    sync(staffroom, in_staffroom)
    # The task is for the school: no skills or searches of Bo's asked for it; the
    # first comment came before he was in the conversation; the second one tells him.
    assert unread(office, at_office) == 1 and unread(staffroom, in_staffroom) == 1

    store = staffroom.store(in_staffroom.person.id)
    ids = notifications.unread_ids(store, in_staffroom.person.id)
    store.close()
    staffroom.perform(in_staffroom, "notice.read", notice_ids=ids)
    assert unread(staffroom, in_staffroom) == 0  # at once, before any sync
    sync(staffroom, in_staffroom)
    sync(office, at_office)
    assert unread(office, at_office) == 0
    # Bo's bid: Mette's own notices are hers alone (her first pull on this PC may also
    # have caught up on earlier tests' bids on this shared server: only this task counts).
    store = office.store(mette.person.id)
    try:
        hers = [n for n in notifications.recent(store, mette.person.id) if n.task_id == task_id and not n.read]
    finally:
        store.close()
    assert [n.kind for n in hers] == [NoticeKind.BID_NEW]


def test_a_bid_pulled_before_its_task_waits_for_it_and_is_told_once(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    office = machines(knop_server, world.school.id)
    mette = office.login("mette")
    sync(office, mette)
    admin, anna = knop_server.user("admin"), knop_server.user("anna")
    task_id, bid_id = uuid7(), uuid7()
    # While Mette is away, the admin posts a task at her school, Anna bids on it and the
    # admin edits the task: its feed row moves behind the bid, so the bid comes first.
    admin.apply("task.create", task_id=task_id, site_id=world.school.id, title="Skolebal", publish=True)
    anna.apply("bid.place", bid_id=bid_id, task_id=task_id)
    admin.apply("task.edit", task_id=task_id, changes={"place": "Salen"}, base={"place": ""})
    report = office.sync(mette, page_size=1)
    assert report.ok and report.user(mette.person.id).pages >= 2  # the bid, then the task
    # (Her first pull may have caught up on earlier tests' bids on this shared server.)
    about_it = Counter({k: n for k, n in told(office, mette).items() if k[1] == task_id})
    assert about_it == once((NoticeKind.BID_NEW, task_id))
    store = office.store(mette.person.id)
    try:
        assert store.state(notifications.WAITING) is None  # nothing left waiting
    finally:
        store.close()
