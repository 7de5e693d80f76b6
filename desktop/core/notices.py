"""Who is told about what: the one rule for notifications, run by client and server alike.

A change to a bid, a comment or a task becomes notices for the people it
concerns: the bidder hears that a bid was accepted or declined, the task's
managers hear of a new bid, the people in a task's conversation hear of a new
comment, the people assigned to a task hear that it changed or was cancelled,
and people hear of a newly published task that fits their skills or one of
their saved searches.

The client runs the rule over the changes it pulls, in a `World` that knows
only what its one person may see, and keeps the notices for that person; the
server runs it over the changes an operation made, in a `World` that knows
everyone, and queues e-mail. Because a notice's id is made from the change
alone (`bid.accepted:<bid id>`), every device of a person and the server name
the same event the same way: a repeat is recognised, and "read" on one device
means read on all of them.

Nobody is ever told about a task they may not see (`permissions.can_see_task`),
and nobody is told about what they did themselves.

Invitations (to bid, to join) are not events yet: they do not exist in the
domain (issues 10, 12, 14).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from desktop.core import consent, permissions
from desktop.core.entities import (
    Bid,
    BidStatus,
    Comment,
    Entity,
    Lending,
    LendingPolicy,
    Person,
    Task,
    TaskStatus,
)
from desktop.core.text import Sentence, quoted, sentence


class NoticeKind(StrEnum):
    """What a notice is about: the events of issue 13 (invitations are not events yet)."""

    BID_ACCEPTED = "bid.accepted"
    BID_DECLINED = "bid.declined"
    BID_NEW = "bid.new"
    COMMENT_NEW = "comment.new"
    TASK_CHANGED = "task.changed"
    TASK_CANCELLED = "task.cancelled"
    TASK_STARTS_TOMORROW = "task.starts_tomorrow"
    TASK_FITS_SKILLS = "task.fits_skills"
    TASK_FITS_SEARCH = "task.fits_search"
    STAFF_LENT = "lending.lent"  # one's staff accepted on another site's task (policy: notify)
    LENDING_AWAITS = "lending.awaits"  # ... and it waits for one's approval (policy: approve)


KINDS: tuple[str, ...] = tuple(NoticeKind)

# E-mail modes for one kind of notice.
EMAIL_OFF = "off"
EMAIL_IMMEDIATE = "immediate"
EMAIL_DIGEST = "digest"
EMAIL_MODES = (EMAIL_OFF, EMAIL_IMMEDIATE, EMAIL_DIGEST)


def in_app_key(kind: str) -> str:
    """The preference key that turns notices of `kind` on or off in the app."""
    return f"in_app.{kind}"


def email_key(kind: str) -> str:
    """The preference key for e-mail of `kind`: one of EMAIL_MODES."""
    return f"email.{kind}"


DESKTOP_KEY = "desktop"  # system notifications when Knop is not in front
LANGUAGE_KEY = "language"  # the language e-mail is written in

# Every preference a person can set, with its default and the values it accepts.
# Defaults: everything in the app, e-mail as a daily digest, desktop notifications on.
PREFERENCES: dict[str, tuple[Any, tuple[Any, ...]]] = {
    **{in_app_key(k): (True, (True, False)) for k in KINDS},
    **{email_key(k): (EMAIL_DIGEST, EMAIL_MODES) for k in KINDS},
    DESKTOP_KEY: (True, (True, False)),
    LANGUAGE_KEY: ("da", ("da", "en")),
    # Whether talent search finds the person beyond their own site (desktop.core.consent,
    # which says why the default depends on who the person is).
    consent.TALENT_SEARCH_KEY: (consent.DEFAULT, consent.CHOICES),
}


def preference(stored: Mapping[str, Any] | None, key: str) -> Any:
    """A person's preference: what they stored, else the default. KeyError for an unknown key."""
    default, allowed = PREFERENCES[key]
    value = (stored or {}).get(key, default)
    return value if value in allowed else default


@dataclass(frozen=True, slots=True)
class Notice:
    """One event for one person.

    `id` is the same on every device and on the server for the same event and
    person-independent (the person is a separate column), e.g.
    "task.changed:<task id>:<version>". `facts` fill the sentence: `title`,
    `who` (the actor's name), `message`, `search`.
    """

    id: str
    kind: str
    person_id: str
    task_id: str
    actor_id: str | None
    at: str
    facts: dict[str, Any] = field(default_factory=dict)

    def sentence(self) -> Sentence:
        """What to tell the person, not yet in a language."""
        return describe(self.kind, self.facts)


# The line for each kind; `describe` fills in the facts a notice carries.
_LINES: dict[str, Sentence] = {
    NoticeKind.BID_ACCEPTED: sentence("{who} accepted your bid on {title}."),
    NoticeKind.BID_DECLINED: sentence("{who} declined your bid on {title}."),
    NoticeKind.BID_NEW: sentence("{who} bid on {title}."),
    NoticeKind.COMMENT_NEW: sentence("{who} commented on {title}."),
    NoticeKind.TASK_CHANGED: sentence("{who} changed {title}, which you are on."),
    NoticeKind.TASK_CANCELLED: sentence("{who} cancelled {title}, which you were on."),
    NoticeKind.TASK_STARTS_TOMORROW: sentence("{title} starts tomorrow."),
    NoticeKind.TASK_FITS_SEARCH: sentence("New task {title} matches your search {search}."),
    NoticeKind.TASK_FITS_SKILLS: sentence("New task {title} fits your skills."),
    NoticeKind.STAFF_LENT: sentence("{worker} was accepted on {title} at another site."),
    NoticeKind.LENDING_AWAITS: sentence(
        "{worker} was accepted on {title} at another site and waits for your approval."
    ),
}

# Lending news naming the site that took the worker on, the key words first (try-out s36, 9:
# "… blev accepteret på »Snerydni…« et andet sted og venter på di…" in the status bar).
# Notices stored before the site was a fact keep the lines above.
_AT_SITE: dict[str, Sentence] = {
    NoticeKind.STAFF_LENT: sentence("{worker} is chosen for {title} at {site}."),
    NoticeKind.LENDING_AWAITS: sentence("{worker} is chosen for {title} at {site} and waits for your approval."),
}


# The decision's own words, where the manager wrote some: the bidder reads them with it.
_WITH_MESSAGE: dict[str, Sentence] = {
    NoticeKind.BID_ACCEPTED: sentence("{who} accepted your bid on {title}: {message}"),
    NoticeKind.BID_DECLINED: sentence("{who} declined your bid on {title}: {message}"),
}


def describe(kind: str, facts: Mapping[str, Any]) -> Sentence:
    """The line a person reads for a notice, in no language yet.

    A decision on a bid carries the manager's message (`facts["message"]`) when
    they wrote one; it is part of the line, not left for the task view.
    """
    message = str(facts.get("message") or "").strip()
    # A store knows only the people it may see: an outsider's PC has no row for the
    # staff member who acted, so the sentence names their part instead of no one
    # (try-out: " har afvist dit bud ..." with nobody before it).
    who = facts.get("who") or _UNNAMED.get(kind, _SOMEONE)
    # The task's title, the search and the message are quoted as the reader's language quotes.
    said = {name: quoted(facts.get(name) or "") for name in ("title", "search")}
    line = _WITH_MESSAGE.get(kind) if message else None
    if line is not None:
        return dataclasses.replace(line, facts={**facts, **said, "who": who, "message": quoted(message)})
    line = _AT_SITE.get(kind) if facts.get("site") else None
    line = line or _LINES.get(kind, _LINES[NoticeKind.TASK_FITS_SKILLS])
    return dataclasses.replace(line, facts={**facts, **said, "who": who})


# Who acted, when the store has no name for them. Only a task's managers (or an
# administrator) decide on its bids.
_SOMEONE = sentence("Someone")
_UNNAMED: dict[str, Sentence] = {
    NoticeKind.BID_ACCEPTED: sentence("A manager"),
    NoticeKind.BID_DECLINED: sentence("A manager"),
}


def kind_name(kind: str) -> Sentence:
    """What a kind of notice is called in preferences and in an unsubscribe link."""
    names: dict[str, Sentence] = {
        NoticeKind.BID_ACCEPTED: sentence("My bid was accepted"),
        NoticeKind.BID_DECLINED: sentence("My bid was declined"),
        NoticeKind.BID_NEW: sentence("A new bid on a task I manage"),
        NoticeKind.COMMENT_NEW: sentence("A new comment in a conversation I am in"),
        NoticeKind.TASK_CHANGED: sentence("A task I am on was changed"),
        NoticeKind.TASK_CANCELLED: sentence("A task I am on was cancelled"),
        NoticeKind.TASK_STARTS_TOMORROW: sentence("A task I am on starts tomorrow"),
        NoticeKind.TASK_FITS_SKILLS: sentence("A new task fits my skills"),
        NoticeKind.TASK_FITS_SEARCH: sentence("A new task matches a saved search"),
        NoticeKind.STAFF_LENT: sentence("One of my staff was accepted on another site's task"),
        NoticeKind.LENDING_AWAITS: sentence("Lending one of my staff waits for my approval"),
    }
    return names.get(kind) or sentence("Other notifications")


# Lending news by the organisation's setting (`operations._lending_on_accept` and
# `_lent`): "notify" tells the home manager of their staff's work elsewhere,
# "approve" asks for their yes; "off" tells nobody anything.
_LENDING_NEWS: dict[str, str] = {
    NoticeKind.STAFF_LENT: LendingPolicy.NOTIFY,
    NoticeKind.LENDING_AWAITS: LendingPolicy.APPROVE,
}


def concerns(kind: str, person: Person, lending: str) -> bool:
    """Whether notices of `kind` can ever be for `person`: their preferences show only those.

    `lending` is the `LendingPolicy` of the person's organisation. A new bid
    goes to a task's managers, who posted it or run its site, and only those
    who may post tasks do either (`permissions.may_post_tasks`); lending news
    goes to the bidder's home managers (`permissions.oversees_staff`, the
    `World.home_managers`), and only of the kind the organisation's setting
    makes (`_LENDING_NEWS`). Every other kind can reach anyone. Try-outs found
    staff asked about approving the lending of "their staff", and a manager
    asked about it where lending was switched off.
    """
    if kind == NoticeKind.BID_NEW:
        return permissions.may_post_tasks(person)
    if kind in _LENDING_NEWS:
        return permissions.oversees_staff(person) and lending == _LENDING_NEWS[kind]
    return True


class World(Protocol):
    """What the rule may ask. The client's answers cover only its own person."""

    def task(self, task_id: str) -> Task | None:
        """The task, or None when it is unknown here."""
        ...

    def person(self, person_id: str) -> Person | None:
        """A person who may be told (the client knows only its own)."""
        ...

    def name(self, person_id: str) -> str:
        """The name of the person who acted, for the sentence."""
        ...

    def managers(self, task: Task) -> Iterable[str]:
        """The poster and the site managers of the task's site (not every admin)."""
        ...

    def conversation(self, task: Task, before: str) -> Iterable[str]:
        """Everyone who bid on or commented on the task before the time `before` (ISO 8601)."""
        ...

    def home_managers(self, site_id: str) -> Iterable[str]:
        """The active site managers of `site_id`: who oversees the work of its staff."""
        ...

    def site_name(self, site_id: str) -> str:
        """The site's name, for the sentence; "" when it is unknown here."""
        ...

    def assigned(self, task: Task) -> Iterable[str]:
        """The bidders whose bids on the task are accepted."""
        ...

    def fitting(self, task: Task) -> Mapping[str, str | None]:
        """People a newly published task fits: person id -> saved search name (None: skills)."""
        ...


def notices(before: Entity | None, after: Entity, deleted: bool, at: str, world: World) -> list[Notice]:
    """The notices one change causes. `before` is the row as it was (None: new)."""
    if deleted:
        return []
    if isinstance(after, Bid):
        return _bid(before if isinstance(before, Bid) else None, after, at, world)
    if isinstance(after, Comment):
        return [] if before is not None else _comment(after, world)
    if isinstance(after, Task):
        return _task(before if isinstance(before, Task) else None, after, at, world)
    return []


def _told(
    world: World,
    task: Task,
    people: Iterable[str],
    kind: str,
    notice_id: str,
    actor_id: str | None,
    at: str,
    **facts: Any,
) -> list[Notice]:
    """One notice per person in `people` who may see the task, never the actor."""
    told: list[Notice] = []
    for person_id in dict.fromkeys(people):
        if person_id == actor_id:
            continue
        person = world.person(person_id)
        if person is None or not permissions.can_see_task(person, task):
            continue
        if not told:
            facts = {"title": task.title, "who": world.name(actor_id) if actor_id else "", **facts}
        told.append(Notice(notice_id, kind, person_id, task.id, actor_id, at, facts))
    return told


def _bid(before: Bid | None, bid: Bid, at: str, world: World) -> list[Notice]:
    task = world.task(bid.task_id)
    if task is None:
        return []
    was = before.status if before is not None else None
    if bid.status in (BidStatus.ACCEPTED, BidStatus.DECLINED) and was != bid.status:
        if task.status == TaskStatus.DONE and not bid.decision_message:
            return []  # the leftovers a completed task closes: nothing was decided about them
        kind = NoticeKind.BID_ACCEPTED if bid.status == BidStatus.ACCEPTED else NoticeKind.BID_DECLINED
        told = _told(
            world, task, [bid.bidder_id], kind, f"{kind}:{bid.id}", bid.decided_by,
            bid.decided_at or at, message=bid.decision_message,
        )
        return told + _lent(bid, task, at, world)
    if bid.status == BidStatus.PENDING and before is None:
        return _told(
            world, task, world.managers(task), NoticeKind.BID_NEW,
            f"{NoticeKind.BID_NEW}:{bid.id}", bid.bidder_id, bid.created_at or at,
        )
    return []


def _lent(bid: Bid, task: Task, at: str, world: World) -> list[Notice]:
    """The bidder's home managers, told that their staff member was accepted elsewhere."""
    if bid.status != BidStatus.ACCEPTED or not bid.home_site_id:
        return []
    kinds: dict[str, NoticeKind] = {
        Lending.NOTIFIED: NoticeKind.STAFF_LENT,
        Lending.AWAITING: NoticeKind.LENDING_AWAITS,
    }
    kind = kinds.get(bid.lending)
    if kind is None:
        return []
    return _told(
        world, task, world.home_managers(bid.home_site_id), kind, f"{kind}:{bid.id}", bid.decided_by,
        bid.decided_at or at, worker=world.name(bid.bidder_id), site=world.site_name(task.site_id),
        bid=bid.id,
    )


def _comment(comment: Comment, world: World) -> list[Notice]:
    task = world.task(comment.task_id)
    if task is None:
        return []
    # Only those in the conversation when the comment was written, so that every
    # device (whenever it last synced) and the server agree on who was told.
    people = [task.poster_id, *world.conversation(task, comment.created_at)]
    return _told(
        world, task, people, NoticeKind.COMMENT_NEW, f"{NoticeKind.COMMENT_NEW}:{comment.id}",
        comment.author_id, comment.created_at, message=comment.body[:200],
    )


def _task(before: Task | None, task: Task, at: str, world: World) -> list[Notice]:
    when = task.updated_at or at
    if task.status == TaskStatus.CANCELLED:
        if before is not None and before.status == TaskStatus.CANCELLED:
            return []
        return _told(
            world, task, world.assigned(task), NoticeKind.TASK_CANCELLED,
            f"{NoticeKind.TASK_CANCELLED}:{task.id}", task.updated_by, when,
        )
    if task.status == TaskStatus.OPEN and (before is None or before.status == TaskStatus.DRAFT):
        told: list[Notice] = []
        for person_id, search in world.fitting(task).items():
            if person_id == task.poster_id:
                continue
            kind = NoticeKind.TASK_FITS_SKILLS if search is None else NoticeKind.TASK_FITS_SEARCH
            told += _told(
                world, task, [person_id], kind, f"task.fits:{task.id}", task.poster_id, when,
                search=search or "",
            )
        return told
    if before is None or before.status == TaskStatus.DRAFT:
        return []
    if task.status not in (TaskStatus.OPEN, TaskStatus.CLOSED, TaskStatus.ASSIGNED):
        return []
    on = list(world.assigned(task))  # asked first: the client compares fields only for its own
    changed = edited_fields(before, task) if on else []
    if not changed:
        return []
    return _told(
        world, task, on, NoticeKind.TASK_CHANGED,
        f"{NoticeKind.TASK_CHANGED}:{task.id}:{task.version}", task.updated_by, when,
        fields=changed,
    )


def edited_fields(before: Task, after: Task) -> list[str]:
    """The fields a person edits (`Task.EDITABLE`) that differ; bid counts are not edits."""
    return [name for name in Task.EDITABLE if getattr(before, name) != getattr(after, name)]


def starts_tomorrow(task: Task, person_id: str, at: str) -> Notice:
    """The reminder for one person on a task that starts the day after `at`'s date."""
    return Notice(
        f"{NoticeKind.TASK_STARTS_TOMORROW}:{task.id}:{task.starts_on}",
        NoticeKind.TASK_STARTS_TOMORROW,
        person_id,
        task.id,
        None,
        at,
        {"title": task.title},
    )
