"""Every change a user can make, defined once.

Each operation is a function registered under its wire name. It checks the
payload, asks the permission rules, and writes its effect through `Records`.
The client runs it against its local store (optimistically) and the server runs
the very same function against its database (with authority); whatever the two
disagree on, the server's answer wins.

Operations never read the clock themselves: `Context.now` is the applying
machine's time, so that the server judges deadlines by its own clock and client
clock skew changes nothing but what is displayed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from desktop.core import eligibility, erasure, guidelines, notices, permissions, skills
from desktop.core.entities import (
    Audience,
    Company,
    Bid,
    BidStatus,
    Endorsement,
    Entity,
    Evidence,
    Guideline,
    GuidelineAcceptance,
    HeldCredential,
    InvitationStatus,
    MemberInvitation,
    NoticeRead,
    Invitation,
    Lending,
    LendingPolicy,
    Organisation,
    OutsiderKind,
    PersonKind,
    Role,
    TaskRequirements,
    Person,
    PersonSettings,
    PersonSkill,
    Repeats,
    SavedSearch,
    Site,
    Task,
    TaskStatus,
    company_id_for,
)
from desktop.core.entities import Comment as CommentEntity
from desktop.core.payload import Field, check, parse_date
from desktop.core.rejection import Rejection, lacking_credentials

E = TypeVar("E", bound=Entity)


class Records(Protocol):
    """What an operation may read and write. The local store and the server both provide it."""

    def get(self, cls: type[E], *key: str) -> E | None:
        """The `cls` row whose key (parts in `cls.key` order) is `key`, or None."""

    def bids_on(self, task_id: str) -> list[Bid]:
        """Every bid on the task, whatever its status."""

    def endorsements_on(self, task_id: str) -> list[Endorsement]:
        """Every endorsement made on the task."""

    def naming(self, cls: type[E], column: str, person_id: str) -> list[E]:
        """Every `cls` row whose `column` holds `person_id` (erasure finds a person's rows so)."""

    def put(self, entity: Entity) -> None:
        """Insert the row or replace the one with its key."""

    def remove(self, entity: Entity) -> None:
        """Delete the row with the entity's key (nothing if there is none)."""


@dataclass(frozen=True, slots=True)
class Context:
    """Who applies an operation, from which device, and when by the applying machine's clock."""

    actor: Person
    device_id: str | None
    now: str  # ISO 8601 UTC, from the applying machine's clock

    @property
    def today(self) -> dt.date:
        """The UTC date of `now`: deadlines are judged by it."""
        return dt.date.fromisoformat(self.now[:10])


@dataclass(slots=True)
class Change:
    """One row an operation wrote (or deleted)."""

    entity: Entity
    deleted: bool = False


@dataclass(slots=True)
class Outcome:
    """What an applied operation changed, so that views redraw only that."""

    kind: str
    entity_id: str
    changes: list[Change] = field(default_factory=list)
    operation_id: str = ""  # the outbox id, where the operation was queued

    def tables(self) -> set[str]:
        """The names of the tables the operation wrote to."""
        return {c.entity.table for c in self.changes}


class VersionDidNotMove(AssertionError):
    """A rule wrote an entity without raising its version: a bug in the rule, never applied.

    Devices tell a newer row from an older one by its version alone, so a
    change that keeps the version would stay unseen by every device that
    already holds the row.
    """


class _Recorder:
    """Passes writes through to the records and remembers them as changes.

    Every write must raise the stored version (VersionDidNotMove otherwise);
    the rules keep that themselves, and this is where a slip is caught.
    """

    def __init__(self, records: Records) -> None:
        self.records = records
        self.changes: list[Change] = []

    def get(self, cls: type[E], *key: str) -> E | None:
        return self.records.get(cls, *key)

    def bids_on(self, task_id: str) -> list[Bid]:
        return self.records.bids_on(task_id)

    def endorsements_on(self, task_id: str) -> list[Endorsement]:
        return self.records.endorsements_on(task_id)

    def naming(self, cls: type[E], column: str, person_id: str) -> list[E]:
        return self.records.naming(cls, column, person_id)

    def put(self, entity: Entity) -> None:
        version = getattr(entity, "version", None)
        if version is not None:
            key = tuple(str(getattr(entity, name)) for name in entity.key)
            stored = self.records.get(type(entity), *key)
            if stored is not None and version <= getattr(stored, "version", 0):
                raise VersionDidNotMove(f"{entity.table}/{entity.key_value()} stays at {version}")
        self.records.put(entity)
        self.changes.append(Change(entity))

    def remove(self, entity: Entity) -> None:
        self.records.remove(entity)
        self.changes.append(Change(entity, deleted=True))


Rule = Callable[[Context, Records, dict[str, Any]], str]


@dataclass(frozen=True, slots=True)
class Operation:
    """A registered operation: its wire name, its payload fields, its rule."""

    kind: str
    schema: Mapping[str, Field]
    rule: Rule  # checks permissions and state, writes the effect, returns the main entity id


OPERATIONS: dict[str, Operation] = {}


def operation(kind: str, **schema: Field) -> Callable[[Rule], Rule]:
    """Register the decorated rule under `kind`, its payload checked against `schema` first."""

    def register(rule: Rule) -> Rule:
        OPERATIONS[kind] = Operation(kind, schema, rule)
        return rule

    return register


def apply(kind: str, payload: Any, context: Context, records: Records) -> Outcome:
    """Run one operation. Raises Rejection, and then has written nothing it keeps.

    Callers run this inside a transaction and roll back on Rejection, because a
    rule may refuse after its first write (e.g. declining the leftover bids).
    """
    op = OPERATIONS.get(kind)
    if op is None:
        raise Rejection("operation.unknown", kind=str(kind)[:60])
    clean = check(op.schema, payload)
    recorder = _Recorder(records)
    entity_id = op.rule(context, recorder, clean)
    return Outcome(kind, entity_id, recorder.changes)


# --- shared lookups ----------------------------------------------------------


def _task(records: Records, task_id: str) -> Task:
    task = records.get(Task, task_id)
    if task is None:
        raise Rejection("task.unknown")
    return task


def _visible_task(ctx: Context, records: Records, task_id: str) -> Task:
    task = _task(records, task_id)
    if not permissions.can_see_task(ctx.actor, task):
        # Same answer as "does not exist" would leak that it exists; this is
        # what a person can act on, and the task id came from their own client.
        raise Rejection("task.not_visible")
    return task


def _own_organisation(ctx: Context, records: Records, organisation_id: str) -> None:
    """Refuses acting on another organisation's people, sites, tasks or invitations (issue 16)."""
    if not permissions.in_organisation(ctx.actor, organisation_id):
        found = records.get(Organisation, organisation_id)
        raise Rejection("organisation.other", organisation=found.name if found else organisation_id)


def _managed_task(ctx: Context, records: Records, task_id: str) -> Task:
    task = _task(records, task_id)
    if ctx.actor.is_admin and task.poster_id != ctx.actor.id:
        _own_organisation(ctx, records, task.organisation_id)
    if not permissions.manages_task(ctx.actor, task):
        site = records.get(Site, task.site_id)
        raise Rejection("task.not_manager", site=site.name if site else task.site_id)
    return task


def _bid(records: Records, bid_id: str) -> Bid:
    bid = records.get(Bid, bid_id)
    if bid is None:
        raise Rejection("bid.unknown")
    return bid


def _name(records: Records, person_id: str | None) -> str:
    person = records.get(Person, person_id) if person_id else None
    return person.name if person else "?"


def _clock(iso: str | None) -> str:
    """A moment as a refusal's `at` fact: the stored UTC timestamp, "?" when unknown.

    Each machine shows it as the time of day in its own zone (`text.ClockTime`);
    a time of day worded here would be the applying machine's (the server's UTC).
    """
    return iso if iso else "?"


def _create(records: Records, entity: Entity, reason: str) -> None:
    """Write a new entity under its client-made id, refusing with `reason` if the id is taken.

    Ids come from clients, so one that is already in use may name someone
    else's row: writing over it would rewrite their data.
    """
    key = tuple(str(getattr(entity, name)) for name in entity.key)
    if records.get(type(entity), *key) is not None:
        raise Rejection(reason)
    records.put(entity)


def _require_guidelines(ctx: Context, records: Records, kind: str, task_audience: str | None) -> None:
    """Refuse until the actor has accepted the current guidelines `kind` needs (desktop.core.guidelines)."""
    if guidelines.missing(records, ctx.actor, guidelines.required(ctx.actor, kind, task_audience)):
        raise Rejection("guidelines.not_accepted")


def _require_status(task: Task, *allowed: TaskStatus, reason: str = "task.bad_status") -> None:
    if task.status not in allowed:
        raise Rejection(reason, status=task.status)


def _check_dates(values: Mapping[str, Any]) -> None:
    start, end = values.get("starts_on"), values.get("ends_on")
    if start and end and parse_date("ends_on", end) < parse_date("starts_on", start):
        raise Rejection("dates.order")
    if (values.get("start_time") or values.get("end_time")) and not start:
        raise Rejection("task.time_needs_date")
    if values.get("repeats") == Repeats.WEEKLY and not (start and end):
        raise Rejection("task.repeat_needs_dates")


def _check_skills(values: list[str] | None) -> None:
    for skill in values or []:
        if not skills.is_known(skill):
            raise Rejection("skill.unknown", skill=skill)


def _touch(task: Task, ctx: Context, **changes: Any) -> Task:
    return task.replace(
        **changes, version=task.version + 1, updated_at=ctx.now, updated_by=ctx.actor.id
    )


# Published and not finished: the owner may still decide on bids, edit and cancel.
DECIDING = (TaskStatus.OPEN, TaskStatus.CLOSED, TaskStatus.ASSIGNED)


def _seat_status(task: Task, accepted: int, today: dt.date) -> str:
    """Assigned once the seats are filled; with seats free, open until the bid deadline, then closed."""
    if task.status not in DECIDING:
        return task.status
    if accepted >= task.seats:
        return TaskStatus.ASSIGNED
    return TaskStatus.CLOSED if bid_deadline_passed(task, today) else TaskStatus.OPEN


def shown_status(status: str, bid_deadline: str | None, today: dt.date) -> str:
    """The status to show and filter by: an open task past its bid deadline is closed.

    The server closes such tasks by itself (`sync.server.deadlines`), but a
    device that has not heard of that yet, or is offline, must not offer a
    task for bids that the server would refuse. `today` is the server's UTC
    date as this machine knows it (`desktop.clock`). A stored deadline that is
    not a date leaves the status as it is.
    """
    if status != TaskStatus.OPEN or not bid_deadline:
        return status
    try:
        passed = parse_date("bid_deadline", bid_deadline) < today
    except Rejection:
        return status
    return TaskStatus.CLOSED if passed else status


def _close_pending_bids(ctx: Context, records: Records, task: Task, note: str) -> int:
    """Decline what is still pending; returns how many, for the task's bid count."""
    closed = 0
    for bid in records.bids_on(task.id):
        if bid.status == BidStatus.PENDING:
            closed += 1
            records.put(
                bid.replace(
                    status=BidStatus.DECLINED,
                    decision_message=note,
                    decided_by=ctx.actor.id,
                    decided_at=ctx.now,
                    version=bid.version + 1,
                )
            )
    return closed


# --- tasks -------------------------------------------------------------------

_TASK_FIELDS: dict[str, Field] = {
    "title": Field("text", required=True, max_length=200, allow_empty=False),
    "description": Field("text", max_length=10_000),
    "skills": Field("list", max_length=20),
    "effort_hours": Field("number", minimum=0.25, maximum=2000),
    "starts_on": Field("date", nullable=True),
    "ends_on": Field("date", nullable=True),
    "bid_deadline": Field("date", nullable=True),
    "place": Field("text", max_length=200),
    "seats": Field("int", minimum=1, maximum=100),
    "audience": Field("choice", choices=tuple(Audience)),
    "start_time": Field("time", nullable=True),
    "end_time": Field("time", nullable=True),
    "repeats": Field("choice", choices=tuple(Repeats)),
}


@operation(
    "task.create",
    task_id=Field("id", required=True),
    site_id=Field("id", required=True),
    publish=Field("bool"),
    **_TASK_FIELDS,
)
def task_create(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    if ctx.actor.is_external:
        raise Rejection("task.external_cannot_post")
    site = records.get(Site, p["site_id"])
    if site is None:
        raise Rejection("site.unknown")
    _own_organisation(ctx, records, site.organisation_id)
    if not permissions.can_post_for(ctx.actor, p["site_id"]):
        raise Rejection("task.wrong_site")
    if p.get("publish"):
        _require_guidelines(ctx, records, "task.create", p.get("audience") or Audience.SITE)
    _check_dates(p)
    _check_skills(p.get("skills"))
    values = {k: v for k, v in p.items() if k in Task.EDITABLE and v is not None}
    task = Task(
        id=p["task_id"],
        site_id=p["site_id"],
        poster_id=ctx.actor.id,
        status=TaskStatus.OPEN if p.get("publish") else TaskStatus.DRAFT,
        published_at=ctx.now if p.get("publish") else None,
        created_at=ctx.now,
        updated_at=ctx.now,
        updated_by=ctx.actor.id,
        version=1,
        organisation_id=site.organisation_id,  # the site's, whatever the client thinks (issue 16)
        **values,
    )
    _create(records, task, "task.exists")
    return task.id


# The fields `_check_dates` judges together.
_DATED = ("starts_on", "ends_on", "start_time", "end_time", "repeats")

# An edit names only the fields it changes, so none is required.
_TASK_EDIT_FIELDS = {k: dataclasses.replace(f, required=False) for k, f in _TASK_FIELDS.items()}


@operation(
    "task.edit",
    task_id=Field("id", required=True),
    changes=Field("map", required=True),
    base=Field("map"),
)
def task_edit(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Edits to different fields merge; a field someone else changed meanwhile conflicts.

    `base` holds the values the author saw. A field whose current value differs
    from both what the author saw and what the author wants was changed by
    someone else, and the author must look again before overwriting it.
    """
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.DRAFT, *DECIDING)
    changes = check(_TASK_EDIT_FIELDS, p["changes"])
    base = p.get("base") or {}
    stale = [
        name
        for name, wanted in changes.items()
        if name in base and base[name] != getattr(task, name) != wanted
    ]
    if stale:
        raise Rejection(
            "task.field_conflict",
            who=_name(records, task.updated_by),
            fields=stale,
            at=_clock(task.updated_at),
        )
    # Widening or narrowing a published task would leave some devices with
    # comments and bids they should not hold, or without ones they should.
    moved = "audience" in changes and changes["audience"] != task.audience
    if moved and task.status != TaskStatus.DRAFT:
        raise Rejection("task.audience_locked")
    if "seats" in changes and changes["seats"] < task.accepted_count:
        raise Rejection(
            "task.seats_below_accepted", accepted=task.accepted_count, seats=changes["seats"]
        )
    _check_dates({name: getattr(task, name) for name in _DATED} | changes)
    _check_skills(changes.get("skills"))
    edited = _touch(task, ctx, **changes)
    # A deadline moved into the future opens a closed task for bids again.
    edited = edited.replace(status=_seat_status(edited, edited.accepted_count, ctx.today))
    records.put(edited)
    return task.id


@operation("task.publish", task_id=Field("id", required=True))
def task_publish(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.DRAFT)
    _require_guidelines(ctx, records, "task.publish", task.audience)
    records.put(_touch(task, ctx, status=TaskStatus.OPEN, published_at=ctx.now))
    return task.id


@operation(
    "task.cancel",
    task_id=Field("id", required=True),
    message=Field("text", max_length=2000),
)
def task_cancel(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.DRAFT, *DECIDING)
    closed = _close_pending_bids(ctx, records, task, p.get("message") or "")
    records.put(_touch(task, ctx, status=TaskStatus.CANCELLED, bid_count=task.bid_count - closed))
    return task.id


# Hours worked, per accepted bid: {bid_id: hours}. Bids left out keep their default.
_HOURS = Field("map", max_length=100)
_WORKED = {"hours": Field("number", minimum=0, maximum=2000, required=True)}


@operation("task.complete", task_id=Field("id", required=True), hours=_HOURS)
def task_complete(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """The task is done; its manager confirms the hours each worker actually worked.

    A worker's hours default to what their bid offered, else the task's effort.
    A bid whose lending still waits for the home manager's yes keeps the task
    open: that work does not count yet.
    """
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, *DECIDING)
    if task.accepted_count < 1:
        raise Rejection("task.nothing_accepted")
    for bid in records.bids_on(task.id):
        if bid.status == BidStatus.ACCEPTED and bid.lending == Lending.AWAITING:
            raise Rejection("task.lending_awaiting", name=_name(records, bid.bidder_id))
    _confirm_hours(ctx, records, task, p.get("hours") or {}, defaults=True)
    closed = _close_pending_bids(ctx, records, task, "")
    records.put(_touch(task, ctx, status=TaskStatus.DONE, bid_count=task.bid_count - closed))
    return task.id


@operation("task.confirm_hours", task_id=Field("id", required=True), hours=_HOURS)
def task_confirm_hours(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Correct the hours confirmed on completion: {bid_id: hours} for the bids named."""
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.DONE)
    _confirm_hours(ctx, records, task, p.get("hours") or {}, defaults=False)
    return task.id


def default_worked_hours(bid: Bid, task: Task) -> float:
    """The hours worked (h) that completing `task` confirms for its accepted `bid` by default.

    When the manager names none: the hours offered, else the task's effort.
    The demo's finished tasks are made by this rule too (`sync.server.demo`), so
    what they show is what completing a task would have written.
    """
    return bid.hours if bid.hours is not None else task.effort_hours


def _confirm_hours(
    ctx: Context, records: Records, task: Task, hours: Mapping[str, Any], *, defaults: bool
) -> None:
    """Write `worked_hours` on the task's accepted bids named in `hours` ({bid_id: hours}).

    With `defaults`, every other accepted bid without confirmed hours gets its
    offered hours, else the task's effort.

    Raises Rejection("hours.not_worker") for a bid id that is not an accepted bid
    on the task, and a field rejection for hours that are not a number from 0 to 2000.
    """
    accepted = {b.id: b for b in records.bids_on(task.id) if b.status == BidStatus.ACCEPTED}
    wanted: dict[str, float] = {}
    for bid_id, value in hours.items():
        if bid_id not in accepted:
            raise Rejection("hours.not_worker")
        wanted[bid_id] = check(_WORKED, {"hours": value})["hours"]
    for bid in accepted.values():
        if bid.id in wanted:
            worked: float | None = wanted[bid.id]
        elif defaults and bid.worked_hours is None:
            worked = default_worked_hours(bid, task)
        else:
            continue
        records.put(
            bid.replace(
                worked_hours=worked,
                hours_confirmed_by=ctx.actor.id,
                hours_confirmed_at=ctx.now,
                version=bid.version + 1,
            )
        )


@operation(
    "task.endorse",
    endorsement_id=Field("id", required=True),
    task_id=Field("id", required=True),
    person_id=Field("id", required=True),
    skill=Field("text", required=True, max_length=80, allow_empty=False),
)
def task_endorse(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """The owner confirms which skills the finished work showed; that is evidence."""
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.DONE)
    skill = p["skill"]
    _check_skills([skill])
    worked = any(
        b.bidder_id == p["person_id"] and b.status == BidStatus.ACCEPTED
        for b in records.bids_on(task.id)
    )
    if not worked:
        raise Rejection("endorse.not_worker")
    if any(
        e.person_id == p["person_id"] and e.skill == skill for e in records.endorsements_on(task.id)
    ):
        raise Rejection("endorse.twice")
    endorsement = Endorsement(
        id=p["endorsement_id"],
        task_id=task.id,
        person_id=p["person_id"],
        skill=skill,
        endorsed_by=ctx.actor.id,
        created_at=ctx.now,
        version=1,
    )
    _create(records, endorsement, "endorse.exists")
    existing = records.get(PersonSkill, p["person_id"], skill)
    records.put(
        PersonSkill(
            person_id=p["person_id"],
            skill=skill,
            evidence=Evidence.TASK,
            task_id=task.id,
            confirmed_by=ctx.actor.id,
            added_at=existing.added_at if existing else ctx.now,
            version=(existing.version if existing else 0) + 1,
            private=existing.private if existing else False,
        )
    )
    return endorsement.id


# --- bids --------------------------------------------------------------------

_BID_FIELDS: dict[str, Field] = {
    "message": Field("text", max_length=2000),
    "hours": Field("number", minimum=0, maximum=2000, nullable=True),
    "availability": Field("text", max_length=500),
}


@operation(
    "bid.place",
    bid_id=Field("id", required=True),
    task_id=Field("id", required=True),
    **_BID_FIELDS,
)
def bid_place(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    task = _visible_task(ctx, records, p["task_id"])
    if task.poster_id == ctx.actor.id:
        raise Rejection("bid.own_task")
    # Closed by the deadline (or about to be): say so, rather than "not open".
    if task.status in (TaskStatus.OPEN, TaskStatus.CLOSED) and bid_deadline_passed(task, ctx.today):
        raise Rejection("bid.deadline_passed", deadline=task.bid_deadline)
    _require_status(task, TaskStatus.OPEN, reason="bid.task_not_open")
    bids = records.bids_on(task.id)
    if any(b.bidder_id == ctx.actor.id and b.is_active for b in bids):
        raise Rejection("bid.twice")
    _require_guidelines(ctx, records, "bid.place", task.audience)
    verdict = eligibility_of(ctx, records, ctx.actor, task)
    if verdict.blocking:
        site = records.get(Site, task.site_id)
        raise lacking_credentials(ctx.actor, list(verdict.blocking), site.name if site is not None else "")
    bid = Bid(
        id=p["bid_id"],
        task_id=task.id,
        bidder_id=ctx.actor.id,
        message=p.get("message") or "",
        hours=p.get("hours"),
        availability=p.get("availability") or "",
        created_at=ctx.now,
        version=1,
        home_site_id=ctx.actor.home_site_id,
        warnings=list(verdict.warnings),
    )
    _create(records, bid, "bid.exists")
    records.put(task.replace(bid_count=task.bid_count + 1, version=task.version + 1))
    return bid.id


def bid_deadline_passed(task: Task, today: dt.date) -> bool:
    """True once `today` (a calendar date, UTC) is after the task's bid deadline.

    Bids are taken all through the deadline's day. A task without a deadline
    never passes it. Raises Rejection("field.bad_date") for a stored deadline
    that is not a date, which the payload check keeps from being stored.
    """
    deadline = task.bid_deadline
    return deadline is not None and deadline != "" and parse_date("bid_deadline", deadline) < today


def _own_pending_bid(ctx: Context, records: Records, bid_id: str) -> Bid:
    bid = _bid(records, bid_id)
    if bid.bidder_id != ctx.actor.id:
        raise Rejection("bid.not_own")
    return bid


@operation("bid.edit", bid_id=Field("id", required=True), **_BID_FIELDS)
def bid_edit(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    bid = _own_pending_bid(ctx, records, p["bid_id"])
    if bid.status != BidStatus.PENDING:
        raise Rejection("bid.bad_status", status=bid.status)
    changes = {k: (v or "" if k != "hours" else v) for k, v in p.items() if k in _BID_FIELDS}
    records.put(bid.replace(**changes, version=bid.version + 1))
    return bid.id


@operation("bid.withdraw", bid_id=Field("id", required=True))
def bid_withdraw(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """A bidder may pull out, even after being accepted, until the task is done."""
    bid = _own_pending_bid(ctx, records, p["bid_id"])
    if not bid.is_active:
        raise Rejection("bid.bad_status", status=bid.status)
    task = _task(records, bid.task_id)
    if bid.status == BidStatus.ACCEPTED:
        _require_status(task, *DECIDING)
    # A withdrawn bid no longer waits for the home manager's yes (bid.lend refuses it).
    lending = Lending.NONE if bid.lending == Lending.AWAITING else bid.lending
    records.put(bid.replace(status=BidStatus.WITHDRAWN, lending=lending, version=bid.version + 1))
    accepted = task.accepted_count - (1 if bid.status == BidStatus.ACCEPTED else 0)
    records.put(
        task.replace(
            bid_count=max(task.bid_count - 1, 0),
            accepted_count=accepted,
            status=_seat_status(task, accepted, ctx.today),
            version=task.version + 1,
        )
    )
    return bid.id


def _decidable_bid(ctx: Context, records: Records, bid_id: str) -> tuple[Bid, Task]:
    bid = _bid(records, bid_id)
    task = _managed_task(ctx, records, bid.task_id)
    if bid.status in (BidStatus.ACCEPTED, BidStatus.DECLINED):
        raise Rejection(
            "bid.already_decided",
            who=_name(records, bid.decided_by),
            status_verb=bid.status,
            at=_clock(bid.decided_at),
        )
    if bid.status != BidStatus.PENDING:
        raise Rejection("bid.bad_status", status=bid.status)
    return bid, task


_DECISION_FIELDS: dict[str, Field] = {
    "bid_id": Field("id", required=True),
    "message": Field("text", max_length=2000),
}


@operation("bid.accept", **_DECISION_FIELDS)
def bid_accept(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """First come, first served: the server processes accepts in order, and seats run out."""
    bid, task = _decidable_bid(ctx, records, p["bid_id"])
    _require_status(task, *DECIDING)
    if task.accepted_count >= task.seats:
        last = _who_took_the_seats(ctx, records, task)
        raise Rejection(
            "bid.seats_full",
            seats=task.seats,
            who=_name(records, last.decided_by if last else None),
            at=_clock(last.decided_at if last else None),
        )
    records.put(
        bid.replace(
            status=BidStatus.ACCEPTED,
            decision_message=p.get("message") or "",
            decided_by=ctx.actor.id,
            decided_at=ctx.now,
            version=bid.version + 1,
            lending=_lending_on_accept(records, bid, task),
        )
    )
    accepted = task.accepted_count + 1
    records.put(
        task.replace(
            accepted_count=accepted,
            status=_seat_status(task, accepted, ctx.today),
            version=task.version + 1,
        )
    )
    return bid.id


def _lending_on_accept(records: Records, bid: Bid, task: Task) -> str:
    """Where an accepted bid stands with the bidder's home manager, by the organisation's policy."""
    if not permissions.is_lent(bid, task):
        return Lending.NONE
    site = records.get(Site, task.site_id)
    org = records.get(Organisation, site.organisation_id) if site else None
    policy = org.lending if org else LendingPolicy.OFF
    if policy == LendingPolicy.APPROVE:
        return Lending.AWAITING
    return Lending.NOTIFIED if policy == LendingPolicy.NOTIFY else Lending.LENT


@operation(
    "bid.lend",
    bid_id=Field("id", required=True),
    approve=Field("bool", required=True),
    message=Field("text", max_length=2000),
)
def bid_lend(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """The bidder's home manager (or an admin) says yes or no to an accepted bid on another site.

    Yes: the work counts. No: the bid is declined, with the home manager's
    message, and its seat is free again.
    """
    bid = _bid(records, p["bid_id"])
    if not permissions.may_decide_lending(ctx.actor, bid):
        raise Rejection("lending.not_home_manager", name=_name(records, bid.bidder_id))
    if not permissions.oversees_work(ctx.actor, bid):  # an admin: of the bidder's organisation
        bidder = records.get(Person, bid.bidder_id)
        _own_organisation(ctx, records, bidder.organisation_id if bidder else "")
    if bid.status != BidStatus.ACCEPTED or bid.lending != Lending.AWAITING:
        raise Rejection("lending.not_awaiting", name=_name(records, bid.bidder_id))
    decided = bid.replace(
        lending_decided_by=ctx.actor.id, lending_decided_at=ctx.now, version=bid.version + 1
    )
    if p["approve"]:
        records.put(decided.replace(lending=Lending.APPROVED))
        return bid.id
    task = _task(records, bid.task_id)
    records.put(
        decided.replace(
            lending=Lending.REFUSED,
            status=BidStatus.DECLINED,
            decision_message=p.get("message") or "",
        )
    )
    accepted = max(task.accepted_count - 1, 0)
    records.put(
        task.replace(
            accepted_count=accepted,
            bid_count=max(task.bid_count - 1, 0),
            status=_seat_status(task, accepted, ctx.today),
            version=task.version + 1,
        )
    )
    return bid.id
def _who_took_the_seats(ctx: Context, records: Records, task: Task) -> Bid | None:
    """The accepted bid to name when seats are full: the latest someone else accepted.

    Naming the latest acceptance of all would name the refused manager
    herself when she took an earlier seat, or when her own offline accept
    is replayed with her machine's clock: the person to name is whoever
    else got there. Only when she took every seat herself is she named.
    """
    accepted = [b for b in records.bids_on(task.id) if b.status == BidStatus.ACCEPTED]
    others = [b for b in accepted if b.decided_by != ctx.actor.id]
    return max(others or accepted, key=lambda b: b.decided_at or "", default=None)


@operation("bid.decline", **_DECISION_FIELDS)
def bid_decline(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    bid, task = _decidable_bid(ctx, records, p["bid_id"])
    # The task's bid count is of bids still in play (pending or accepted).
    records.put(task.replace(bid_count=max(task.bid_count - 1, 0), version=task.version + 1))
    records.put(
        bid.replace(
            status=BidStatus.DECLINED,
            decision_message=p.get("message") or "",
            decided_by=ctx.actor.id,
            decided_at=ctx.now,
            version=bid.version + 1,
        )
    )
    return bid.id


# --- conversation ------------------------------------------------------------


@operation(
    "comment.add",
    comment_id=Field("id", required=True),
    task_id=Field("id", required=True),
    body=Field("text", required=True, max_length=4000, allow_empty=False),
)
def comment_add(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    task = _visible_task(ctx, records, p["task_id"])
    if task.status in (TaskStatus.DRAFT, TaskStatus.CANCELLED):
        raise Rejection("comment.closed", status=task.status)
    comment = CommentEntity(
        id=p["comment_id"],
        task_id=task.id,
        author_id=ctx.actor.id,
        body=p["body"].strip(),
        created_at=ctx.now,
        version=1,
    )
    _create(records, comment, "operation.id_reused")
    return comment.id


# --- profile -----------------------------------------------------------------

_SKILL_FIELDS: dict[str, Field] = {
    "person_id": Field("id", required=True),
    "skill": Field("text", required=True, max_length=80, allow_empty=False),
}


def _own_profile(ctx: Context, records: Records, person_id: str) -> Person:
    if person_id != ctx.actor.id and not ctx.actor.is_admin:
        raise Rejection("profile.not_own")
    person = records.get(Person, person_id)
    if person is None:
        raise Rejection("person.unknown")
    return person


@operation("profile.skill_add", **_SKILL_FIELDS)
def profile_skill_add(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    person = _own_profile(ctx, records, p["person_id"])
    skill = p["skill"]
    if skills.is_free_tag(skill):
        try:
            skill = skills.normalise_free_tag(skill)
        except ValueError:
            raise Rejection("skill.unknown", skill=skill) from None
    _check_skills([skill])
    _create(
        records, PersonSkill(person_id=person.id, skill=skill, added_at=ctx.now, version=1), "skill.has"
    )
    return person.id


@operation("profile.skill_remove", **_SKILL_FIELDS)
def profile_skill_remove(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    person = _own_profile(ctx, records, p["person_id"])
    held = records.get(PersonSkill, person.id, p["skill"])
    if held is None:
        raise Rejection("skill.missing")
    records.remove(held)
    return person.id


# --- notifications, settings and saved searches (a person's own rows) ------------


@operation("notice.read", notice_ids=Field("list", required=True, max_length=500))
def notice_read(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Mark notices read for the actor, on every device of theirs (the rows sync back).

    Marking one already read again changes nothing, so two devices reading the
    same notice offline both succeed.
    """
    for notice_id in p["notice_ids"]:
        if records.get(NoticeRead, ctx.actor.id, notice_id) is None:
            records.put(NoticeRead(ctx.actor.id, notice_id, read_at=ctx.now, version=1))
    return ctx.actor.id


@operation("settings.set", changes=Field("map", required=True))
def settings_set(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Set some of the actor's preferences; the others keep their values (changes merge per key)."""
    for key, value in p["changes"].items():
        if key not in notices.PREFERENCES:
            raise Rejection("setting.unknown", setting=str(key)[:60])
        if value not in notices.PREFERENCES[key][1] or type(value) is not type(
            notices.PREFERENCES[key][0]
        ):
            raise Rejection("setting.bad_value", setting=key, value=str(value)[:60])
    held = records.get(PersonSettings, ctx.actor.id)
    values = {**(held.preferences if held else {}), **p["changes"]}
    records.put(
        PersonSettings(
            ctx.actor.id,
            preferences=values,
            updated_at=ctx.now,
            version=(held.version if held else 0) + 1,
        )
    )
    return ctx.actor.id


# The board filters a saved search keeps (`desktop.board.BoardFilter` without its order).
_SEARCH_FILTERS: dict[str, Field] = {
    "text": Field("text", max_length=200),
    "site_id": Field("id", nullable=True),
    "skill": Field("text", max_length=80, nullable=True),
    "audience": Field("choice", choices=tuple(Audience), nullable=True),
    "date_from": Field("date", nullable=True),
    "date_to": Field("date", nullable=True),
    "my_skills": Field("bool"),
    "organisation_id": Field("id", nullable=True),  # the board's municipality filter (issue 16)
}


@operation(
    "search.save",
    search_id=Field("id", required=True),
    name=Field("text", required=True, max_length=100, allow_empty=False),
    filters=Field("map", required=True),
)
def search_save(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    filters = {k: v for k, v in check(_SEARCH_FILTERS, p["filters"]).items() if v not in (None, "")}
    held = records.get(SavedSearch, p["search_id"])
    if held is not None and held.person_id != ctx.actor.id:
        raise Rejection("search.not_own")
    records.put(
        SavedSearch(
            p["search_id"],
            ctx.actor.id,
            p["name"].strip(),
            filters=filters,
            created_at=held.created_at if held else ctx.now,
            version=(held.version if held else 0) + 1,
        )
    )
    return str(p["search_id"])


@operation("search.delete", search_id=Field("id", required=True))
def search_delete(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    held = records.get(SavedSearch, p["search_id"])
    if held is None:
        raise Rejection("search.unknown")
    if held.person_id != ctx.actor.id:
        raise Rejection("search.not_own")
    records.remove(held)
    return held.id


@operation(
    "profile.skill_privacy",
    person_id=Field("id", required=True),
    skill=Field("text", required=True, max_length=80, allow_empty=False),
    private=Field("bool", required=True),
)
def profile_skill_privacy(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """A private skill counts in the organisation's numbers only anonymously."""
    person = _own_profile(ctx, records, p["person_id"])
    held = records.get(PersonSkill, person.id, p["skill"])
    if held is None:
        raise Rejection("skill.missing")
    records.put(held.replace(private=bool(p["private"]), version=held.version + 1))
    return person.id


# --- invitations -------------------------------------------------------------


@operation(
    "task.invite",
    task_id=Field("id", required=True),
    person_id=Field("id", required=True),
    message=Field("text", max_length=2000),
)
def task_invite(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """A task's manager asks someone found in talent search to bid; one invitation per person."""
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.OPEN, reason="bid.task_not_open")
    person = records.get(Person, p["person_id"])
    if person is None or not person.active:
        raise Rejection("person.unknown")
    if not permissions.may_bid_on(person, task):
        raise Rejection("invite.cannot_bid", name=person.name)
    if records.get(Invitation, task.id, person.id) is not None:
        raise Rejection("invite.twice", name=person.name)
    invitation = Invitation(
        task_id=task.id,
        person_id=person.id,
        invited_by=ctx.actor.id,
        message=p.get("message") or "",
        created_at=ctx.now,
        version=1,
    )
    records.put(invitation)
    return invitation.id


# --- people who leave --------------------------------------------------------


def _managed_person(ctx: Context, records: Records, person_id: str) -> Person:
    if not permissions.may_manage_people(ctx.actor):
        raise Rejection("person.not_admin")
    if person_id == ctx.actor.id:
        raise Rejection("person.self")
    person = records.get(Person, person_id)
    if person is None:
        raise Rejection("person.unknown")
    _own_organisation(ctx, records, person.organisation_id)
    if erasure.is_erased(person):
        raise Rejection("person.erased")
    return person


@operation("person.deactivate", person_id=Field("id", required=True))
def person_deactivate(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """A person who left can no longer log in; what they did stays as it was.

    Deactivating someone already inactive changes nothing and succeeds, so
    two admins doing it at once both see it done.
    """
    person = _managed_person(ctx, records, p["person_id"])
    if person.active:
        records.put(person.replace(active=False, version=person.version + 1))
    return person.id


@operation("person.erase", person_id=Field("id", required=True))
def person_erase(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Remove a deactivated person's personal data, keeping their id as a pseudonym.

    See `desktop.core.erasure`: their name and contact details go, every text
    they wrote is emptied and their own rows are deleted; ids stay, so the
    audit trail and the organisation's counts are unchanged.
    """
    person = _managed_person(ctx, records, p["person_id"])
    if person.active:
        raise Rejection("person.still_active", name=person.name)
    for scrub in erasure.SCRUBS:
        for row in records.naming(scrub.cls, scrub.column, person.id):
            if scrub.deletes:
                records.remove(erasure.emptied(row))
            elif (clean := erasure.scrubbed(row, scrub)) is not None:
                records.put(clean)
    records.put(erasure.erased(person))
    return person.id


# --- the rules of the road ---------------------------------------------------


@operation(
    "guidelines.publish",
    audience=Field("choice", required=True, choices=tuple(guidelines.GuidelineAudience)),
    text_da=Field("text", required=True, max_length=20_000, allow_empty=False),
    text_en=Field("text", required=True, max_length=20_000, allow_empty=False),
)
def guidelines_publish(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """An admin publishes a new version of an audience's guidelines for their own organisation;
    everyone of it concerned accepts it anew."""
    if not permissions.may_manage_people(ctx.actor):
        raise Rejection("guidelines.not_admin")
    current = records.get(Guideline, ctx.actor.organisation_id, p["audience"])
    records.put(
        Guideline(
            organisation_id=ctx.actor.organisation_id,
            audience=p["audience"],
            version=(current.version if current else 0) + 1,
            text_da=p["text_da"].strip(),
            text_en=p["text_en"].strip(),
            published_at=ctx.now,
        )
    )
    return str(p["audience"])


@operation(
    "guidelines.accept",
    audience=Field("choice", required=True, choices=tuple(guidelines.GuidelineAudience)),
    version=Field("int", required=True, minimum=1, maximum=1_000_000),
)
def guidelines_accept(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """The actor accepts the version of their organisation's guidelines for an audience they were shown.

    A version that is no longer current is refused, so nobody is recorded as
    accepting a text they did not see. Accepting again changes nothing. The
    acceptance is keyed by person and audience: a person belongs to one
    organisation, whose set it is.
    """
    current = records.get(Guideline, ctx.actor.organisation_id, p["audience"])
    if current is None:
        raise Rejection("guidelines.unknown")
    if current.version != p["version"]:
        raise Rejection("guidelines.changed")
    held = records.get(GuidelineAcceptance, ctx.actor.id, current.audience)
    if held is None or held.version < current.version:
        records.put(GuidelineAcceptance(ctx.actor.id, current.audience, current.version, accepted_at=ctx.now))
    return f"{ctx.actor.id}|{current.audience}"
# --- reach: eligibility, audiences, member invitations (issue 14) ---------------


def eligibility_of(ctx: Context, records: Records, person: Person, task: Task) -> eligibility.Verdict:
    """What `person` lacks for `task` today.

    Reads only the person's own credentials, which their own device holds
    too, so the client's answer is the server's. An outsider of a kind the
    task is not open to never gets here: they may not see it
    (`permissions.OpenToTheirKind`).
    """
    wanted = records.get(TaskRequirements, task.id)
    if wanted is None:
        return eligibility.Verdict()
    held = {
        credential: records.get(HeldCredential, person.id, credential)
        for credential in (*wanted.requirements, eligibility.BENEFIT)
    }
    return eligibility.judge(
        person, wanted.requirements, held, ctx.today, paid_staff_work=wanted.paid_staff_work
    )


@operation(
    "credential.verify",
    person_id=Field("id", required=True),
    credential=Field("text", required=True, max_length=60, allow_empty=False),
    issued_on=Field("date", nullable=True),
    expires_on=Field("date", nullable=True),
)
def credential_verify(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """A site manager or HR records that a person holds a credential (again: a renewal)."""
    if not permissions.may_verify_credentials(ctx.actor):
        raise Rejection("credential.not_verifier")
    if p["person_id"] == ctx.actor.id:
        raise Rejection("credential.own")
    person = records.get(Person, p["person_id"])
    if person is None or not person.active:
        raise Rejection("person.unknown")
    _own_organisation(ctx, records, person.organisation_id)
    if not eligibility.is_known(p["credential"]):
        raise Rejection("credential.unknown", credential=p["credential"])
    _check_dates({"starts_on": p.get("issued_on"), "ends_on": p.get("expires_on")})
    held = records.get(HeldCredential, person.id, p["credential"])
    records.put(
        HeldCredential(
            person_id=person.id,
            credential=p["credential"],
            verified_by=ctx.actor.id,
            issued_on=p.get("issued_on"),
            expires_on=p.get("expires_on"),
            verified_at=ctx.now,
            site_id=person.home_site_id,
            version=(held.version if held else 0) + 1,
        )
    )
    return person.id


def _bidders_outside(records: Records, task: Task, narrower: Task) -> bool:
    """Whether someone with an active bid on `task` would no longer see it as `narrower`."""
    for bid in records.bids_on(task.id):
        bidder = records.get(Person, bid.bidder_id) if bid.is_active else None
        if bidder is None or permissions.manages_task(bidder, task):
            continue
        if not permissions.can_see_task(bidder, narrower):
            return True
    return False


_AUDIENCE_ORDER = tuple(Audience)  # narrowest first


@operation(
    "task.widen_audience",
    task_id=Field("id", required=True),
    audience=Field("choice", required=True, choices=tuple(Audience)),
)
def task_widen_audience(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Open a published task to more people (site, then organisation, then outsiders).

    The server's feed then delivers the task, its comments and what of its
    bids they may see to the newly entitled devices (sync.server.feed). Once
    published a task never narrows: the devices it reached already hold it,
    and an outsider who bid would lose the task they bid on.
    """
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.DRAFT, TaskStatus.OPEN, TaskStatus.ASSIGNED)
    audience = p["audience"]
    if audience == task.audience:
        raise Rejection("task.audience_same")
    narrowing = _AUDIENCE_ORDER.index(Audience(audience)) < _AUDIENCE_ORDER.index(Audience(task.audience))
    if narrowing and task.published_at is not None:
        if _bidders_outside(records, task, task.replace(audience=audience)):
            raise Rejection("task.audience_outsiders_bid")
        raise Rejection("task.audience_narrowing")
    records.put(_touch(task, ctx, audience=audience))
    return task.id


@operation(
    "task.set_requirements",
    task_id=Field("id", required=True),
    requirements=Field("map", required=True),
    paid_staff_work=Field("bool"),
    outsiders=Field("list", max_length=len(OutsiderKind)),
)
def task_set_requirements(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Set the credentials a task requires ({id: "block"|"warn"}) and the outsiders it is open to.

    Bids already placed keep their standing; the requirements apply to the
    next bids. The outsiders (`Task.outsiders`, empty: every kind) are part of
    the task's audience: once it is published to outsiders they may only
    widen, as the audience (the feed then delivers the task to the newly
    entitled devices); closing it to a kind of outsider who has bid says so.
    """
    task = _managed_task(ctx, records, p["task_id"])
    _require_status(task, TaskStatus.DRAFT, TaskStatus.OPEN, TaskStatus.ASSIGNED)
    for credential, severity in p["requirements"].items():
        if credential not in eligibility.REQUIRABLE:
            raise Rejection("credential.unknown", credential=str(credential)[:60])
        if severity not in tuple(eligibility.Severity):
            raise Rejection("credential.bad_severity", severity=str(severity)[:20])
    outsiders = sorted(set(p.get("outsiders") or []))
    for kind in outsiders:
        if kind not in tuple(OutsiderKind):
            raise Rejection("field.bad_choice", field="outsiders", choices=", ".join(OutsiderKind))
    held = records.get(TaskRequirements, task.id)
    before = task.outsiders
    closing = bool(outsiders) and (not before or not set(outsiders) >= set(before))
    if closing and task.published_at is not None and task.audience == Audience.EXTERNAL:
        if _bidders_outside(records, task, task.replace(outsiders=outsiders)):
            raise Rejection("task.audience_outsiders_bid")
        raise Rejection("task.audience_narrowing")
    if outsiders != sorted(before):
        records.put(_touch(task, ctx, outsiders=outsiders))
    records.put(
        TaskRequirements(
            task_id=task.id,
            requirements=dict(p["requirements"]),
            paid_staff_work=bool(p.get("paid_staff_work")),
            updated_by=ctx.actor.id,
            updated_at=ctx.now,
            version=(held.version if held else 0) + 1,
        )
    )
    return task.id


INVITATION_DAYS = 14  # how long an invitation code can be used
CODE_MIN_LENGTH = 12


def code_hash(code: str) -> str:
    """The SHA-256 of an invitation code as typed (dashes, spaces and case do not matter).

    Codes are long random strings, so a plain hash is enough (as for device secrets).
    """
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def _looks_like_email(text: str) -> bool:
    local, at, domain = text.partition("@")
    return bool(at and local and "." in domain and " " not in text and not domain.startswith("."))


@operation(
    "member.invite",
    invitation_id=Field("id", required=True),
    email=Field("text", required=True, max_length=254, allow_empty=False),
    name=Field("text", max_length=200),
    person_kind=Field("choice", required=True, choices=tuple(PersonKind)),
    site_id=Field("id", required=True),
    message=Field("text", max_length=2000),
    code=Field("text", required=True, max_length=100, allow_empty=False),
    company_name=Field("text", max_length=200),
    company_cvr=Field("text", max_length=20),
)
def member_invite(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Any member invites a colleague or an outsider on behalf of their site, with a one-time code.

    The inviting client makes the code (so it can print it offline); only its
    hash is stored. Where the organisation says so, an outsider's invitation
    waits for a coordinator of the site (unless a coordinator sent it). A
    company's contact person is invited for their company: its name and CVR
    number (8 digits), which other kinds do not have.
    """
    if not permissions.may_invite(ctx.actor):
        raise Rejection("member.external_cannot_invite")
    site = records.get(Site, p["site_id"])
    if site is None:
        raise Rejection("site.unknown")
    _own_organisation(ctx, records, site.organisation_id)
    if not permissions.can_post_for(ctx.actor, site.id):
        raise Rejection("member.wrong_site")
    email = p["email"].strip()
    if not _looks_like_email(email):
        raise Rejection("member.bad_email", email=email[:80])
    if sum(ch.isalnum() for ch in p["code"]) < CODE_MIN_LENGTH:
        raise Rejection("member.weak_code")
    company_name, company_cvr = _company_named(p)
    organisation = records.get(Organisation, site.organisation_id)
    outsider = p["person_kind"] != PersonKind.EMPLOYEE
    waits = (
        outsider
        and organisation is not None
        and organisation.externals_need_approval
        and not permissions.coordinates_site(ctx.actor, site.id)
    )
    expires = dt.datetime.fromisoformat(ctx.now.replace("Z", "+00:00")) + dt.timedelta(days=INVITATION_DAYS)
    invitation = MemberInvitation(
        id=p["invitation_id"],
        email=email,
        name=(p.get("name") or "").strip(),
        kind=p["person_kind"],
        site_id=site.id,
        invited_by=ctx.actor.id,
        code_hash=code_hash(p["code"]),
        expires_at=expires.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        message=p.get("message") or "",
        status=InvitationStatus.AWAITING_APPROVAL if waits else InvitationStatus.PENDING,
        created_at=ctx.now,
        version=1,
        company_name=company_name,
        company_cvr=company_cvr,
    )
    _create(records, invitation, "invitation.exists")
    return invitation.id


def _company_named(p: dict[str, Any]) -> tuple[str, str]:
    """(name, CVR number) of the company a contact person is invited for; ("", "") for other kinds.

    Raises Rejection("member.company_required") when a company's is missing
    or its CVR number is not 8 digits (spaces are allowed: "12 34 56 78").
    """
    if p["person_kind"] != PersonKind.COMPANY:
        return "", ""
    name = (p.get("company_name") or "").strip()
    cvr = "".join((p.get("company_cvr") or "").split())
    if not name or len(cvr) != 8 or not (cvr.isascii() and cvr.isdigit()):
        raise Rejection("member.company_required")
    return name, cvr


def _invitation(records: Records, invitation_id: str) -> MemberInvitation:
    found = records.get(MemberInvitation, invitation_id)
    if found is None:
        raise Rejection("invitation.unknown")
    return found


def _site_organisation(records: Records, site_id: str) -> str:
    site = records.get(Site, site_id)
    return site.organisation_id if site else ""


def _decide(invitation: MemberInvitation, ctx: Context, **changes: Any) -> MemberInvitation:
    return invitation.replace(**changes, decided_at=ctx.now, version=invitation.version + 1)


@operation("member.approve_invitation", invitation_id=Field("id", required=True))
def member_approve_invitation(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """A coordinator lets an outsider's invitation be used."""
    invitation = _invitation(records, p["invitation_id"])
    _own_organisation(ctx, records, _site_organisation(records, invitation.site_id))
    if not permissions.coordinates_site(ctx.actor, invitation.site_id):
        raise Rejection("invitation.not_coordinator")
    if invitation.status != InvitationStatus.AWAITING_APPROVAL:
        raise Rejection("invitation.not_awaiting")
    records.put(_decide(invitation, ctx, status=InvitationStatus.PENDING, approved_by=ctx.actor.id))
    return invitation.id


@operation("member.revoke_invitation", invitation_id=Field("id", required=True))
def member_revoke_invitation(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """Who sent it, a coordinator of its site or an admin withdraws an invitation not yet used."""
    invitation = _invitation(records, p["invitation_id"])
    if ctx.actor.id != invitation.invited_by:
        _own_organisation(ctx, records, _site_organisation(records, invitation.site_id))
    if ctx.actor.id != invitation.invited_by and not permissions.coordinates_site(
        ctx.actor, invitation.site_id
    ):
        raise Rejection("invitation.not_theirs")
    _usable(invitation, ctx, approved=False)
    records.put(_decide(invitation, ctx, status=InvitationStatus.REVOKED))
    return invitation.id


def _usable(invitation: MemberInvitation, ctx: Context, *, approved: bool) -> None:
    """Refuses an invitation that was used, withdrawn or has expired (and, if `approved`, waits)."""
    if invitation.status == InvitationStatus.ACCEPTED:
        raise Rejection("invitation.used")
    if invitation.status == InvitationStatus.REVOKED:
        raise Rejection("invitation.revoked")
    if invitation.expires_at <= ctx.now:
        raise Rejection("invitation.expired", date=invitation.expires_at[:10])
    if approved and invitation.status == InvitationStatus.AWAITING_APPROVAL:
        raise Rejection("invitation.awaiting_approval")


@operation(
    "member.accept",
    invitation_id=Field("id", required=True),
    code=Field("text", required=True, max_length=100, allow_empty=False),
    username=Field("text", required=True, max_length=100, allow_empty=False),
    name=Field("text", required=True, max_length=200, allow_empty=False),
    phone=Field("text", max_length=40),
)
def member_accept(ctx: Context, records: Records, p: dict[str, Any]) -> str:
    """The invitee takes up the invitation: their person row is made from it and their profile.

    `ctx.actor` is the person to be (their id chosen by the server, which
    also keeps the password and checks the username is free). Outsiders
    become externals without a home site; colleagues staff at the inviting site.
    """
    invitation = _invitation(records, p["invitation_id"])
    if code_hash(p["code"]) != invitation.code_hash:
        raise Rejection("invitation.unknown")
    _usable(invitation, ctx, approved=True)
    outsider = invitation.for_outsider
    person = Person(
        id=ctx.actor.id,
        name=p["name"].strip(),
        username=p["username"],
        home_site_id=None if outsider else invitation.site_id,
        role=Role.EXTERNAL if outsider else Role.STAFF,
        kind=invitation.kind,
        email=invitation.email,
        phone=(p.get("phone") or "").strip(),
        version=1,
        organisation_id=_site_organisation(records, invitation.site_id),  # the inviting one's
    )
    if invitation.kind == PersonKind.COMPANY and invitation.company_cvr:
        # The company is registered by its first contact person; later ones join it.
        company = records.get(Company, company_id_for(invitation.company_cvr))
        if company is None:
            company = Company(
                id=company_id_for(invitation.company_cvr),
                name=invitation.company_name,
                cvr=invitation.company_cvr,
                created_at=ctx.now,
                version=1,
            )
            records.put(company)
        person = person.replace(company_id=company.id)
    _create(records, person, "member.username_taken")
    records.put(_decide(invitation, ctx, status=InvitationStatus.ACCEPTED, person_id=person.id))
    return person.id
