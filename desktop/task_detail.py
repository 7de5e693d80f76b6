"""One task as its screens show it: the task view, the manager's review, the edit form.

Each function answers one screen's question in one call on the DB thread, so
the screen gets everything it draws in a single result and never runs a query
of its own. What a viewer may see is decided by `desktop.core.permissions`, the
same rules the server uses: a bidder gets only their own bid back, the task's
managers get all of them, and everyone else gets the count on the task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop import clock
from desktop.core import eligibility, operations, permissions
from desktop.core.entities import (
    Bid,
    BidStatus,
    Comment,
    HeldCredential,
    Organisation,
    Person,
    Task,
    TaskRequirements,
)
from desktop.people import (
    HeldSkill,
    TrackRecord,
    company_names,
    held_skills,
    people_by_id,
    site_names,
    track_records,
)
from desktop.store import Store
from desktop.told_names import ToldName, told_names


@dataclass(frozen=True, slots=True)
class CommentLine:
    """A comment with its author's name ("" when the reader is not shown them); `mine` when the viewer wrote it."""

    comment: Comment
    author_name: str
    mine: bool
    # The author's organisation when it is another than the reader's, or when the
    # server named them (desktop.told_names); "" otherwise.
    author_organisation: str = ""


@dataclass(frozen=True, slots=True)
class BidLine:
    """A bid with who placed it, for the list the task's managers see."""

    bid: Bid
    bidder_name: str
    bidder_title: str
    site_name: str


@dataclass(frozen=True, slots=True)
class TaskDetail:
    """Everything the task view draws for one viewer; `manages` as `permissions.manages_task`."""

    task: Task
    site_name: str
    owner_name: str
    owner_title: str
    comments: list[CommentLine]
    bids: list[BidLine]  # only the bids the viewer may see
    my_bid: Bid | None  # the viewer's active bid, else their latest one
    manages: bool
    today: dt.date  # the server's date as this machine knows it (desktop.clock)
    organisation_name: str = ""  # the task's organisation when it is another than the viewer's (issue 16)
    # The poster or a comment's author has no row in this store (they belong to another
    # organisation): the task view asks the server to name them (desktop.told_names).
    names_unknown: bool = False

    @property
    def status(self) -> str:
        """The status to show: an open task past its bid deadline is closed for bids."""
        return operations.shown_status(self.task.status, self.task.bid_deadline, self.today)

    @property
    def too_late(self) -> bool:
        """Past the bid deadline by the server's calendar: the rules' own test."""
        return operations.bid_deadline_passed(self.task, self.today)
    # The viewer's bid (or their last change to it) is still in this machine's
    # outbox: the server has not got it yet.
    my_bid_unsent: bool = False
    # What the task asks of bidders (issue 14), and what the viewer lacks for it
    # today, judged by the same rule the bid will be (None: nothing required).
    requirements: TaskRequirements | None = None
    verdict: eligibility.Verdict | None = None

    @property
    def may_bid(self) -> bool:
        """A new bid is possible only while the viewer has none active."""
        return self.my_bid is None or not self.my_bid.is_active


@dataclass(frozen=True, slots=True)
class BidderCard:
    """Everything a manager weighs about one bid, on one card."""

    bid: Bid
    bidder: Person
    site_name: str
    skills: list[HeldSkill]
    record: TrackRecord
    endorsed_here: frozenset[str] = frozenset()  # skills already endorsed on this task
    company_name: str = ""  # the company a contact person bids for ("" for everyone else)
    decision_unsent: bool = False  # accepted or declined here, not yet sent: it may still be refused


@dataclass(frozen=True, slots=True)
class Review:
    """The review page: the task and one card per bid its managers may decide on."""

    task: Task
    site_name: str
    cards: list[BidderCard] = field(default_factory=list)
    today: dt.date = dt.date.min  # the server's date as this machine knows it (desktop.clock)

    @property
    def status(self) -> str:
        """The status to show: an open task past its bid deadline is closed for bids."""
        return operations.shown_status(self.task.status, self.task.bid_deadline, self.today)
    requirements: TaskRequirements | None = None  # the card says "meets them" or what was missing

    @property
    def seats_left(self) -> int:
        """Seats not yet filled by an accepted bid; never below 0."""
        return max(self.task.seats - self.task.accepted_count, 0)


def task_detail(store: Store, viewer: Person, task_id: str) -> TaskDetail | None:
    """The task as `viewer` may see it, or None when it is gone or not theirs to see."""
    task = store.get(Task, task_id)
    if task is None or not permissions.can_see_task(viewer, task):
        return None
    comments = store.fetch(Comment, "task_id = ? ORDER BY created_at, id", (task.id,))
    bids = [b for b in store.bids_on(task.id) if permissions.can_see_bid(viewer, b, task)]
    people = people_by_id(
        store, [task.poster_id, *(c.author_id for c in comments), *(b.bidder_id for b in bids)]
    )
    sites = site_names(store, [task.site_id, *(p.home_site_id for p in people.values())])
    owner = people.get(task.poster_id)
    # Those this store has no row for, as the server last named them to the viewer.
    unknown = {task.poster_id, *(c.author_id for c in comments)} - set(people)
    told = told_names(store, viewer.id, unknown)
    told_owner = told.get(task.poster_id)
    mine = [b for b in bids if b.bidder_id == viewer.id]
    active = [b for b in mine if b.is_active]
    today = clock.server_today(store)
    organisation = (
        store.get(Organisation, task.organisation_id) if task.organisation_id != viewer.organisation_id else None
    )
    return TaskDetail(
        task=task,
        organisation_name=organisation.name if organisation else "",
        names_unknown=bool(unknown),
        site_name=sites.get(task.site_id, ""),
        owner_name=owner.name if owner else told_owner.name if told_owner else "",
        owner_title=(owner.title if owner else told_owner.title if told_owner else "") or "",
        comments=[_comment_line(store, viewer, c, people, told) for c in comments],
        bids=[_bid_line(b, people.get(b.bidder_id), sites) for b in bids],
        my_bid=(active or mine)[-1] if mine else None,
        manages=permissions.manages_task(viewer, task),
        my_bid_unsent=bool(mine) and unsent(store, "bid_id", (active or mine)[-1].id),
        requirements=(wanted := store.get(TaskRequirements, task.id)),
        verdict=_verdict(store, viewer, wanted, today) if wanted else None,
        today=today,
    )


def decisions_unsent(store: Store, bid_ids: list[str]) -> set[str]:
    """Those of `bid_ids` whose acceptance or refusal still waits in this device's outbox."""
    if not bid_ids:
        return set()
    marks = ",".join("?" * len(bid_ids))
    return {
        row["bid_id"]
        for row in store.rows(
            "SELECT json_extract(payload, '$.bid_id') AS bid_id FROM outbox "
            f"WHERE kind IN ('bid.accept', 'bid.decline') AND json_extract(payload, '$.bid_id') IN ({marks})",
            tuple(bid_ids),
        )
    }


def unsent(store: Store, key: str, value: str) -> bool:
    """Whether an operation whose payload has `key` = `value` still waits in the outbox."""
    return bool(
        store.rows(
            "SELECT 1 FROM outbox WHERE json_extract(payload, '$.' || ?) = ? LIMIT 1", (key, value)
        )
    )


def _verdict(store: Store, viewer: Person, wanted: TaskRequirements, today: dt.date) -> eligibility.Verdict:
    """What `viewer` lacks for the task on `today` (their own credentials are on this device)."""
    held = {
        credential: store.get(HeldCredential, viewer.id, credential)
        for credential in (*wanted.requirements, eligibility.BENEFIT)
    }
    return eligibility.judge(
        viewer, wanted.requirements, held, today,
        paid_staff_work=wanted.paid_staff_work,
    )


def review(store: Store, viewer: Person, task_id: str) -> Review | None:
    """The bids on a task, side by side, for a manager of it; None for anyone else.

    Withdrawn bids are left out: nothing can be decided about them.
    """
    task = store.get(Task, task_id)
    if task is None or not permissions.manages_task(viewer, task):
        return None
    bids = [b for b in store.bids_on(task.id) if b.status != BidStatus.WITHDRAWN]
    bidder_ids = [b.bidder_id for b in bids]
    people = people_by_id(store, bidder_ids)
    skills = held_skills(store, bidder_ids)
    records = track_records(store, bidder_ids)
    sites = site_names(store, [task.site_id, *(p.home_site_id for p in people.values())])
    companies = company_names(store, [p.company_id for p in people.values()])
    undecided = decisions_unsent(store, [b.id for b in bids])
    endorsed: dict[str, set[str]] = {}
    for endorsement in store.endorsements_on(task.id):
        endorsed.setdefault(endorsement.person_id, set()).add(endorsement.skill)
    cards = [
        BidderCard(
            bid=b,
            bidder=people[b.bidder_id],
            site_name=sites.get(people[b.bidder_id].home_site_id or "", ""),
            skills=skills.get(b.bidder_id, []),
            record=records.get(b.bidder_id, TrackRecord()),
            endorsed_here=frozenset(endorsed.get(b.bidder_id, ())),
            company_name=companies.get(people[b.bidder_id].company_id or "", ""),
            decision_unsent=b.id in undecided,
        )
        for b in bids
        if b.bidder_id in people
    ]
    return Review(
        task=task,
        site_name=sites.get(task.site_id, ""),
        cards=cards,
        requirements=store.get(TaskRequirements, task.id),
        today=clock.server_today(store),
    )


def _bid_line(bid: Bid, bidder: Person | None, sites: dict[str, str]) -> BidLine:
    if bidder is None:
        return BidLine(bid=bid, bidder_name="?", bidder_title="", site_name="")
    return BidLine(
        bid=bid,
        bidder_name=bidder.name,
        bidder_title=bidder.title,
        site_name=sites.get(bidder.home_site_id or "", ""),
    )


def _comment_line(
    store: Store, viewer: Person, comment: Comment, people: dict[str, Person], told: dict[str, ToldName]
) -> CommentLine:
    """A comment with its author as the viewer may know them: their row here, else what the server told."""
    author, said = people.get(comment.author_id), told.get(comment.author_id)
    organisation = ""
    if author is not None and author.organisation_id and author.organisation_id != viewer.organisation_id:
        found = store.get(Organisation, author.organisation_id)
        organisation = found.name if found else ""
    elif author is None and said is not None:
        organisation = said.organisation_name
    return CommentLine(
        comment=comment,
        author_name=author.name if author else said.name if said else "",
        mine=comment.author_id == viewer.id,
        author_organisation=organisation,
    )


__all__ = [
    "BidLine",
    "BidderCard",
    "CommentLine",
    "Review",
    "TaskDetail",
    "review",
    "task_detail",
]
