"""Lending between sites and the hours worked, by the shared rules on a real local store.

The world: Egeskov Skole (A), Bøgely Skole (B) and Solgården (C). Anna and Bo
work at A, managed by Mette; Carl at B, managed by Mads; Hanne manages C.
Every operation runs through `desktop.core.operations` against a real SQLite
store, at a fixed time, so the months the hours fall in are known by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop import lending as lending_view
from desktop.core import lending, operations, permissions
from desktop.core.entities import (
    Audience,
    Bid,
    BidStatus,
    Lending,
    LendingPolicy,
    Person,
    Role,
    Task,
    TaskStatus,
)
from desktop.core.lending import SiteMonth
from desktop.core.rejection import Rejection
from desktop.store import Store
from tests.conftest import World

OCTOBER = "2026-10-15T10:00:00.000Z"
NOVEMBER = "2026-11-20T10:00:00.000Z"


class Town:
    """The world in a store, with two more managers, and a way to act at a given time."""

    def __init__(self, store: Store, world: World, policy: str = LendingPolicy.OFF) -> None:
        self.store, self.world = store, world
        self.mads = Person(id="mads", name="Mads Mikkelsen", username="mads",
                           home_site_id=world.other_school.id, role=Role.SITE_MANAGER, version=1,
                           organisation_id=world.org.id)
        self.hanne = Person(id="hanne", name="Hanne Hald", username="hanne",
                            home_site_id=world.care_home.id, role=Role.SITE_MANAGER, version=1,
                            organisation_id=world.org.id)
        with store.transaction():
            for entity in [*world.entities(), self.mads, self.hanne]:
                store.put(entity)  # type: ignore[arg-type]
            store.put(world.org.replace(lending=policy))

    def do(self, actor: Person, kind: str, at: str = OCTOBER, **payload: Any) -> None:
        with self.store.transaction():
            operations.apply(kind, payload, operations.Context(actor, "device", at), self.store)

    def refused(self, actor: Person, kind: str, at: str = OCTOBER, **payload: Any) -> str:
        with pytest.raises(Rejection) as caught:
            self.do(actor, kind, at, **payload)
        return caught.value.reason

    def task(self, task_id: str, poster: Person, site_id: str, *, seats: int = 1, effort: float = 1.0) -> str:
        self.do(poster, "task.create", task_id=task_id, site_id=site_id, title=f"Opgave {task_id}",
                audience=Audience.ORGANISATION, publish=True, seats=seats, effort_hours=effort)
        return task_id

    def bid(self, bid_id: str, bidder: Person, task_id: str, hours: float | None = None) -> str:
        self.do(bidder, "bid.place", bid_id=bid_id, task_id=task_id, hours=hours)
        return bid_id

    def get_bid(self, bid_id: str) -> Bid:
        found = self.store.get(Bid, bid_id)
        assert found is not None
        return found

    def get_task(self, task_id: str) -> Task:
        found = self.store.get(Task, task_id)
        assert found is not None
        return found


@pytest.fixture
def town(tmp_path: Path, world: World) -> Town:
    return Town(Store(tmp_path / "k.sqlite3"), world)


def test_hour_totals_against_a_small_world_worked_out_by_hand(town: Town, world: World) -> None:
    a, b, c = world.school.id, world.other_school.id, world.care_home.id
    # T1 at B: Anna offers 3 h; done in October with the default (her offer): A lends 3.
    town.task("t1", town.mads, b)
    town.bid("b1", world.anna, "t1", hours=3)
    town.do(town.mads, "bid.accept", bid_id="b1")
    town.do(town.mads, "task.complete", OCTOBER, task_id="t1")
    # T2 at C, two seats, 4 h of effort: Anna offers nothing (so 4 by default) but
    # worked 5, which Hanne confirms; Bo offers 2 and worked 2. November: A lends 7.
    town.task("t2", town.hanne, c, seats=2, effort=4)
    town.bid("b2", world.anna, "t2")
    town.bid("b3", world.bo, "t2", hours=2)
    town.do(town.hanne, "bid.accept", bid_id="b2")
    town.do(town.hanne, "bid.accept", bid_id="b3")
    town.do(town.hanne, "task.complete", NOVEMBER, task_id="t2", hours={"b2": 5})
    # T3 at A: Carl from B offers 6 and works 6, November: B lends 6, A borrows 6.
    town.task("t3", world.mette, a)
    town.bid("b4", world.carl, "t3", hours=6)
    town.do(world.mette, "bid.accept", bid_id="b4")
    town.do(world.mette, "task.complete", NOVEMBER, task_id="t3")
    # T4 at A: Bo at his own site: not lending, whatever the hours.
    town.task("t4", world.mette, a)
    town.bid("b5", world.bo, "t4", hours=8)
    town.do(world.mette, "bid.accept", bid_id="b5")
    town.do(world.mette, "task.complete", NOVEMBER, task_id="t4")
    # T5 at B: Anna accepted but the task is not done: no hours confirmed, nothing counts.
    town.task("t5", town.mads, b)
    town.bid("b6", world.anna, "t5", hours=10)
    town.do(town.mads, "bid.accept", bid_id="b6")

    assert [town.get_bid(i).worked_hours for i in ("b1", "b2", "b3", "b4", "b5", "b6")] == [
        3, 5, 2, 6, 8, None
    ]
    assert town.get_bid("b2").hours_confirmed_by == "hanne"
    bids = town.store.fetch(Bid, "1 = 1")
    tasks = {t.id: t for t in town.store.fetch(Task, "1 = 1")}
    # By month, then site id (s-care, s-other, s-school).
    assert lending.hours_by_site_month(bids, tasks) == [
        SiteMonth(b, "2026-10", borrowed=3.0),
        SiteMonth(a, "2026-10", lent=3.0),
        SiteMonth(c, "2026-11", borrowed=7.0),
        SiteMonth(b, "2026-11", lent=6.0),
        SiteMonth(a, "2026-11", lent=7.0, borrowed=6.0),
    ]
    # Mette's view (the client's query) holds her site's rows, and the CSV the same figures.
    assert lending_view.site_months(town.store, world.mette) == [
        SiteMonth(a, "2026-10", lent=3.0), SiteMonth(a, "2026-11", lent=7.0, borrowed=6.0)
    ]
    work = lending_view.staff_work(town.store, world.mette)
    assert {(w.bid.id, w.bidder, w.task_site) for w in work} == {
        ("b1", "Anna Jensen", "Bøgely Skole"), ("b2", "Anna Jensen", "Plejehjemmet Solgården"),
        ("b3", "Bo Nielsen", "Plejehjemmet Solgården"), ("b6", "Anna Jensen", "Bøgely Skole"),
    }
    assert lending_view.staff_work(town.store, world.anna) == []
    data = lending_view.months_csv(
        lending_view.site_months(town.store, world.mette), {a: "Egeskov Skole"},
        ("måned", "sted", "udlånt", "lånt"),
    )
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "måned;sted;udlånt;lånt", "2026-10;Egeskov Skole;3;0", "2026-11;Egeskov Skole;7;6",
    ]
    # Hours can be corrected after completion, by the task's managers only.
    town.do(town.hanne, "task.confirm_hours", NOVEMBER, task_id="t2", hours={"b3": 2.5})
    assert town.get_bid("b3").worked_hours == 2.5
    # Danish CSV: a decimal comma, so a Danish Excel reads hours, not a date ("2.5" is 2 May there).
    data = lending_view.months_csv(
        lending_view.site_months(town.store, world.mette), {a: "Egeskov Skole"}, ("måned", "sted", "udlånt", "lånt")
    )
    assert data.decode("utf-8-sig").splitlines()[2] == "2026-11;Egeskov Skole;7,5;6"
    assert town.refused(world.mette, "task.confirm_hours", task_id="t2", hours={"b3": 1}) == "task.not_manager"
    assert town.refused(town.hanne, "task.confirm_hours", task_id="t2", hours={"b1": 1}) == "hours.not_worker"
    assert town.refused(town.hanne, "task.confirm_hours", task_id="t2", hours={"b3": -1}) == "field.out_of_range"


def test_the_policy_decides_the_state_of_an_accepted_bid_on_another_site(
    tmp_path: Path, world: World
) -> None:
    for policy, state in (
        (LendingPolicy.OFF, Lending.LENT),
        (LendingPolicy.NOTIFY, Lending.NOTIFIED),
        (LendingPolicy.APPROVE, Lending.AWAITING),
    ):
        town = Town(Store(tmp_path / f"{policy}.sqlite3"), world, policy)
        town.task("t", town.mads, world.other_school.id)
        town.bid("lent", world.anna, "t")
        assert town.get_bid("lent").home_site_id == world.school.id
        town.do(town.mads, "bid.accept", bid_id="lent")
        assert town.get_bid("lent").lending == state
        # Work at one's own site is never lending.
        town.task("own", world.mette, world.school.id)
        town.bid("home", world.bo, "own")
        town.do(world.mette, "bid.accept", bid_id="home")
        assert town.get_bid("home").lending == Lending.NONE
        town.store.close()


def test_with_approval_the_work_waits_for_the_home_manager(tmp_path: Path, world: World) -> None:
    town = Town(Store(tmp_path / "k.sqlite3"), world, LendingPolicy.APPROVE)
    town.task("t", town.mads, world.other_school.id, seats=2)
    town.bid("anna", world.anna, "t", hours=3)
    town.bid("bo", world.bo, "t", hours=2)
    town.do(town.mads, "bid.accept", bid_id="anna")
    town.do(town.mads, "bid.accept", bid_id="bo")
    # The task's manager can neither complete it nor decide for the home manager.
    assert town.refused(town.mads, "task.complete", task_id="t") == "task.lending_awaiting"
    assert town.refused(town.mads, "bid.lend", bid_id="anna", approve=True) == "lending.not_home_manager"
    assert town.refused(world.carl, "bid.lend", bid_id="anna", approve=True) == "lending.not_home_manager"
    assert town.refused(town.hanne, "bid.lend", bid_id="anna", approve=True) == "lending.not_home_manager"
    assert town.refused(world.anna, "bid.lend", bid_id="anna", approve=True) == "lending.not_home_manager"
    assert lending_view.awaiting(town.store, world.mette) == 2
    # Mette says yes to Anna and no to Bo, whose seat is free again.
    town.do(world.mette, "bid.lend", bid_id="anna", approve=True)
    town.do(world.mette, "bid.lend", bid_id="bo", approve=False, message="Vi har travlt i november")
    assert (town.get_bid("anna").lending, town.get_bid("anna").lending_decided_by) == (Lending.APPROVED, "mette")
    bo = town.get_bid("bo")
    assert (bo.lending, bo.status, bo.decision_message) == (
        Lending.REFUSED, BidStatus.DECLINED, "Vi har travlt i november"
    )
    task = town.get_task("t")
    assert (task.accepted_count, task.status) == (1, TaskStatus.OPEN)
    assert town.refused(world.mette, "bid.lend", bid_id="anna", approve=False) == "lending.not_awaiting"
    assert lending_view.awaiting(town.store, world.mette) == 0
    # Now it can be completed, and only Anna's hours count.
    town.do(town.mads, "task.complete", NOVEMBER, task_id="t")
    bids = town.store.fetch(Bid, "1 = 1")
    assert lending.hours_by_site_month(bids, {"t": town.get_task("t")}) == [
        SiteMonth(world.other_school.id, "2026-11", borrowed=3.0),
        SiteMonth(world.school.id, "2026-11", lent=3.0),
    ]
    # An admin may decide too.
    town.task("t2", town.mads, world.other_school.id)
    town.bid("again", world.anna, "t2")
    town.do(town.mads, "bid.accept", bid_id="again")
    town.do(world.admin, "bid.lend", bid_id="again", approve=True)
    assert town.get_bid("again").lending == Lending.APPROVED


def test_the_home_manager_sees_their_staffs_bids_and_no_one_else_does(town: Town, world: World) -> None:
    town.task("t", town.mads, world.other_school.id)
    town.bid("b", world.anna, "t")
    bid, task = town.get_bid("b"), town.get_task("t")
    sees = {p.id: permissions.can_see_bid(p, bid, task)
            for p in (world.anna, world.bo, world.carl, world.mette, town.mads, town.hanne, world.admin, world.ole)}
    assert sees == {"anna": True, "bo": False, "carl": False, "mette": True, "mads": True,
                    "hanne": False, "admin": True, "ole": False}
    # A manager who left (inactive) oversees nobody.
    assert not permissions.can_see_bid(world.mette.replace(active=False), bid, task)
