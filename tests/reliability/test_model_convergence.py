"""A model-based test: random offline work on three workstations always converges.

Hypothesis drives Mette (site manager, her own office PC) and Anna and Bo
(staff, a PC each) through posting, bidding, withdrawing, accepting, declining
and cancelling, with syncs and unplugged cables in between. Every operation is
done the way the UI does it: on the user's local store, queued in its outbox.
After a final sync of everyone, each client shows exactly what the server lets
that user see, every queued operation reached the server exactly once, and no
task has more accepted bids than seats.

One server and one set of workstations serve all examples; each example makes
its own tasks (uuid7 ids), so examples do not interfere.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)

from desktop.core.entities import BidStatus
from desktop.core.ids import uuid7
from desktop.core.rejection import Rejection
from sync.session import Session
from sync.transport import Connection
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine, count, server_view, view

USERS = ("mette", "anna", "bo")
BIDDERS = ("anna", "bo")

SETTINGS = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@dataclass
class Desk:
    """One user on their own workstation."""

    machine: Machine
    session: Session

    def sync(self) -> bool:
        # One attempt: an unplugged cable fails at once instead of backing off.
        return self.machine.sync(
            self.session, connection=Connection(self.machine.server_url, attempts=1)
        ).ok


@dataclass
class Done:
    """An operation queued on a workstation (the local rules accepted it)."""

    op_id: str
    who: str
    kind: str
    entity_id: str


def test_random_offline_work_converges(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    desks = {}
    seen: Counter[str] = Counter()  # over all examples: proof the rules did something
    for username in USERS:
        machine = machines(knop_server, world.school.id, name=f"{username}-pc")
        desks[username] = Desk(machine, machine.login(username))
        assert desks[username].sync()

    class Exchange(RuleBasedStateMachine):
        tasks = Bundle("tasks")
        bids = Bundle("bids")

        def __init__(self) -> None:
            super().__init__()
            self.done: list[Done] = []
            self.task_ids: list[str] = []
            self.seats: dict[str, int] = {}

        def _perform(
            self, who: str, kind: str, entity_id: str, then_sync: bool = False, **payload: object
        ) -> bool:
            desk = desks[who]
            try:
                op_id = desk.machine.perform(desk.session, kind, **payload)
            except Rejection as rejection:
                event(f"{kind} refused locally: {rejection.reason}")
                seen[f"{kind} refused locally: {rejection.reason}"] += 1
                return False  # refused on the spot, nothing queued
            self.done.append(Done(op_id, who, kind, entity_id))
            if then_sync:  # the app syncs soon after a change; an unplugged cable keeps it local
                for other in (who, *(u for u in USERS if u != who)):
                    desks[other].sync()
            return True

        @initialize()
        def everyone_plugged_in(self) -> None:
            for desk in desks.values():
                desk.machine.cable.unplugged = False
            # Every kind of operation once, on a plugged-in cable, before the random walk:
            # whichever steps the walk then draws, no kind goes untried (the walk's own
            # draws differ from run to run, and once drew no withdrawal at all).
            task_id = self.mette_posts_task(seats=1)
            first, second = uuid7(), uuid7()
            assert self._perform("anna", "bid.place", first, True, bid_id=first, task_id=task_id)
            assert self._perform("anna", "bid.withdraw", first, True, bid_id=first)
            assert self._perform("bo", "bid.place", second, True, bid_id=second, task_id=task_id)
            assert self._perform("mette", "bid.accept", second, True, bid_id=second)
            self.mette_cancels(self.mette_posts_task(seats=1), then_sync=True)

        @rule(target=tasks, seats=st.integers(1, 2))
        def mette_posts_task(self, seats: int) -> str:
            task_id = uuid7()
            assert self._perform(
                "mette", "task.create", task_id, then_sync=True,
                task_id=task_id, site_id=world.school.id, title="Hjælp", seats=seats, publish=True,
            )  # fmt: skip
            self.task_ids.append(task_id)
            self.seats[task_id] = seats
            return task_id

        @rule(target=bids, who=st.sampled_from(BIDDERS), task=tasks, then_sync=st.booleans())
        def bid(self, who: str, task: str, then_sync: bool) -> object:
            bid_id = uuid7()
            if self._perform(who, "bid.place", bid_id, then_sync, bid_id=bid_id, task_id=task):
                return (who, bid_id)
            return multiple()

        @rule(target=bids, who=st.sampled_from(BIDDERS), task=tasks)
        def bid_and_mette_accepts_it(self, who: str, task: str) -> object:
            """The common happy path in one step (on a plugged-in cable)."""
            bid_id = uuid7()
            if not self._perform(who, "bid.place", bid_id, True, bid_id=bid_id, task_id=task):
                return multiple()
            self._perform("mette", "bid.accept", bid_id, True, bid_id=bid_id)
            return (who, bid_id)

        @rule(bid=bids, then_sync=st.booleans())
        def bidder_withdraws(self, bid: tuple[str, str], then_sync: bool) -> None:
            who, bid_id = bid
            self._perform(who, "bid.withdraw", bid_id, then_sync, bid_id=bid_id)

        @rule(bid=bids, then_sync=st.booleans())
        def mette_accepts(self, bid: tuple[str, str], then_sync: bool) -> None:
            desks["mette"].sync()  # she decides on the bid list she just refreshed
            self._perform("mette", "bid.accept", bid[1], then_sync, bid_id=bid[1])

        @rule(bid=bids, then_sync=st.booleans())
        def mette_declines(self, bid: tuple[str, str], then_sync: bool) -> None:
            desks["mette"].sync()  # she decides on the bid list she just refreshed
            self._perform("mette", "bid.decline", bid[1], then_sync, bid_id=bid[1])

        @rule(task=tasks, then_sync=st.booleans())
        def mette_cancels(self, task: str, then_sync: bool) -> None:
            self._perform("mette", "task.cancel", task, then_sync, task_id=task)

        @rule(who=st.sampled_from(USERS))
        def sync(self, who: str) -> None:
            desks[who].sync()

        @rule()
        def everyone_syncs(self) -> None:
            for who in (*BIDDERS, "mette"):
                desks[who].sync()

        @rule(who=st.sampled_from(USERS))
        def toggle_cable(self, who: str) -> None:
            cable = desks[who].machine.cable
            cable.unplugged = not cable.unplugged

        def teardown(self) -> None:
            for desk in desks.values():
                desk.machine.cable.unplugged = False
            for _round in range(2):  # push everything, then pull everyone's results
                for who in USERS:
                    assert desks[who].sync(), who
            check_converged()
            check_exactly_once(self.done)
            check_tasks(self.task_ids, self.seats)

    def check_converged() -> None:
        for who, desk in desks.items():
            store = desk.machine.store(desk.session.person.id)
            try:
                assert store.pending_count() == 0, who
                assert view(store) == server_view(knop_server, desk.session.person.id), who
            finally:
                store.close()

    def check_exactly_once(done: list[Done]) -> None:
        for op in done:
            with knop_server.database.read() as s:
                rows = s.execute(
                    "SELECT author_id, result FROM operations WHERE id = ?", (op.op_id,)
                ).fetchall()
            assert len(rows) == 1, op
            author, result = rows[0][0], json.loads(rows[0][1])
            assert author == desks[op.who].session.person.id, op
            event(f"{op.kind} {result['status']} on the server")
            seen[f"{op.kind} {result['status']}"] += 1
            if result["status"] == "applied":
                assert (
                    count(knop_server, "SELECT count(*) FROM audit_events WHERE id = ?", op.op_id)
                    == 1
                ), op
            if op.kind == "bid.place":
                placed = count(knop_server, "SELECT count(*) FROM bids WHERE id = ?", op.entity_id)
                assert placed == (1 if result["status"] == "applied" else 0), op

    def check_tasks(task_ids: list[str], seats: dict[str, int]) -> None:
        with knop_server.database.read() as s:
            for task_id in task_ids:
                row = s.execute(
                    "SELECT seats, bid_count, accepted_count FROM tasks WHERE id = ?", (task_id,)
                ).fetchone()
                assert row is not None, task_id
                bids = s.execute(
                    "SELECT bidder_id, status FROM bids WHERE task_id = ?", (task_id,)
                ).fetchall()
                statuses = [b[1] for b in bids]
                accepted = statuses.count(BidStatus.ACCEPTED)
                assert row[0] == seats[task_id]
                assert row[2] == accepted <= row[0], (task_id, row, statuses)
                in_play = (BidStatus.PENDING, BidStatus.ACCEPTED)
                assert row[1] == sum(st_ in in_play for st_ in statuses), (
                    task_id,
                    row,
                    statuses,
                )
                active = [b[0] for b in bids if b[1] in (BidStatus.PENDING, BidStatus.ACCEPTED)]
                assert len(active) == len(set(active)), (task_id, bids)  # one active bid per person

    run_state_machine_as_test(Exchange, settings=SETTINGS)
    for kind in ("task.create", "bid.place", "bid.accept", "bid.withdraw", "task.cancel"):
        assert seen[f"{kind} applied"] > 0, seen
