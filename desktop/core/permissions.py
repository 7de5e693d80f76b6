"""Who may see and do what. One place, used by the rules, the server's feed and the UI.

The client asks these questions only to serve the user (grey out a button); the
server asks the same ones with authority.

Who may see a task is written once, as a small expression (`TASK_VISIBLE`)
over facts about the person and facts about the task. The same expression is
evaluated in Python (`can_see_task`) and turned into an SQL condition
(`visibility_sql`) for whichever table holds the task's facts: the client's
`tasks` table (the board) and the server's `changes` table (the feed), in
SQLite and PostgreSQL alike. Facts about the person are known when the
question is asked and become constants; facts about the task become columns,
named by a `TaskColumns` that each table provides.

A task is private to its managers until it has been published (`published_at`
is set by task.publish, or task.create with publish): a draft, and a draft
cancelled without ever being published, are seen by the same few people.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from desktop.core.entities import Audience, Bid, Person, Role, Task

# --- the rule as an expression ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sql:
    """A condition in SQL with `?` placeholders, and the values for them, in order."""

    text: str
    params: tuple[Any, ...] = ()


TRUE = Sql("1 = 1")
FALSE = Sql("1 = 0")


class TaskColumns(Protocol):
    """How one table answers the questions the rule asks about a task, as SQL conditions."""

    def poster_is(self, person_id: str) -> Sql:
        """The person posted the task (or is otherwise named as one who sees it)."""
        ...

    def site_is(self, site_id: str) -> Sql: ...

    def audience_is(self, audience: Audience) -> Sql: ...

    def published(self) -> Sql:
        """The task has been published at some time (it may be cancelled or done since)."""
        ...

    def worker_site_is(self, site_id: str) -> Sql:
        """The row is the work of someone whose home site is `site_id` (a bid: its bidder's).

        A task itself is nobody's work: tables of tasks answer FALSE.
        """
        ...

    def open_to_kind(self, kind: str) -> Sql:
        """The task is open to outsiders of this `PersonKind` (`Task.outsiders` empty: to all)."""
        ...

    def organisation_is(self, organisation_id: str) -> Sql:
        """The row belongs to (or is shown to) the organisation `organisation_id` (issue 16).

        A task's table: its `organisation_id`. The feed: the organisations a
        row is shown to (a person who bid across the border is shown to both).
        """
        ...


class Term(Protocol):
    """One part of a rule: true or false for a person and a task, in Python and in SQL."""

    def holds(self, person: Person, task: Task) -> bool: ...

    def sql(self, person: Person, columns: TaskColumns) -> Sql: ...


@dataclass(frozen=True, slots=True)
class PersonIs:
    """A fact about the person alone: a constant once the person is known."""

    name: str

    def holds(self, person: Person, task: Task) -> bool:
        return _PERSON_FACTS[self.name](person)

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return TRUE if _PERSON_FACTS[self.name](person) else FALSE


_PERSON_FACTS: dict[str, Callable[[Person], bool]] = {
    "active": lambda p: bool(p.active),
    "admin": lambda p: p.role == Role.ADMIN,
    "site_manager": lambda p: p.role == Role.SITE_MANAGER,
    "external": lambda p: p.role == Role.EXTERNAL,
}


@dataclass(frozen=True, slots=True)
class PostedByThem:
    """The person posted the task (in the feed: is named on the change)."""

    def holds(self, person: Person, task: Task) -> bool:
        return task.poster_id == person.id

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return columns.poster_is(person.id)


@dataclass(frozen=True, slots=True)
class AtTheirSite:
    """The task belongs to the person's home site (people without one have none)."""

    def holds(self, person: Person, task: Task) -> bool:
        return person.home_site_id is not None and task.site_id == person.home_site_id

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return FALSE if person.home_site_id is None else columns.site_is(person.home_site_id)


@dataclass(frozen=True, slots=True)
class AudienceIs:
    """The task is meant for this audience (`Audience`)."""

    audience: Audience

    def holds(self, person: Person, task: Task) -> bool:
        return task.audience == self.audience

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return columns.audience_is(self.audience)


@dataclass(frozen=True, slots=True)
class Published:
    """The task has been published at some time: `published_at` is set."""

    def holds(self, person: Person, task: Task) -> bool:
        return task.published_at is not None

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return columns.published()


@dataclass(frozen=True, slots=True)
class WorkFromTheirSite:
    """The row is work by someone from the person's home site (lending, issue 15).

    A task is nobody's work, so this never holds for a task; it holds for a
    bid whose bidder had the person's home site when bidding (`Bid.home_site_id`),
    which the feed stores with the bid's change (`TaskColumns.worker_site_is`).
    """

    def holds(self, person: Person, task: Task) -> bool:
        return False

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return FALSE if person.home_site_id is None else columns.worker_site_is(person.home_site_id)


@dataclass(frozen=True, slots=True)
class OpenToTheirKind:
    """The task is open to the person's kind of outsider (`Task.outsiders`; empty: every kind)."""

    def holds(self, person: Person, task: Task) -> bool:
        return not task.outsiders or person.kind in task.outsiders

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return columns.open_to_kind(str(person.kind))


@dataclass(frozen=True, slots=True)
class InTheirOrganisation:
    """The task belongs to the person's organisation (tenant, issue 16)."""

    def holds(self, person: Person, task: Task) -> bool:
        return task.organisation_id == person.organisation_id

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return columns.organisation_is(person.organisation_id)


@dataclass(frozen=True, slots=True)
class Not:
    """The term does not hold."""

    term: Term

    def holds(self, person: Person, task: Task) -> bool:
        return not self.term.holds(person, task)

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        inner = self.term.sql(person, columns)
        if inner in (TRUE, FALSE):
            return FALSE if inner == TRUE else TRUE
        return Sql(f"NOT ({inner.text})", inner.params)


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every term holds (an empty AllOf always does)."""

    terms: tuple[Term, ...]

    def holds(self, person: Person, task: Task) -> bool:
        return all(t.holds(person, task) for t in self.terms)

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return _join("AND", [t.sql(person, columns) for t in self.terms], unit=TRUE, zero=FALSE)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one term holds (an empty AnyOf never does)."""

    terms: tuple[Term, ...]

    def holds(self, person: Person, task: Task) -> bool:
        return any(t.holds(person, task) for t in self.terms)

    def sql(self, person: Person, columns: TaskColumns) -> Sql:
        return _join("OR", [t.sql(person, columns) for t in self.terms], unit=FALSE, zero=TRUE)


def _join(word: str, parts: Sequence[Sql], *, unit: Sql, zero: Sql) -> Sql:
    """Parts joined by AND/OR, with the constants folded away so the planner sees plain columns."""
    if zero in parts:
        return zero
    kept = [p for p in parts if p != unit]
    if not kept:
        return unit
    if len(kept) == 1:
        return kept[0]
    text = f" {word} ".join(f"({p.text})" for p in kept)
    return Sql(f"({text})", tuple(v for p in kept for v in p.params))


def all_of(*terms: Term) -> AllOf:
    """The terms joined by AND, as a call: `all_of(a, b, c)` is `AllOf((a, b, c))`."""
    return AllOf(terms)


def any_of(*terms: Term) -> AnyOf:
    """The terms joined by OR, as a call: `any_of(a, b, c)` is `AnyOf((a, b, c))`."""
    return AnyOf(terms)


# --- the rules ------------------------------------------------------------------------

# The task's poster, a manager at its site, or an admin of its organisation.
MANAGES_TASK: Term = any_of(
    all_of(PersonIs("admin"), InTheirOrganisation()),
    PostedByThem(),
    all_of(PersonIs("site_manager"), AtTheirSite()),
)

# A home manager follows their staff's work wherever it is: the bids and
# assignments of people from their site, on any site's task.
OVERSEES_WORK: Term = all_of(PersonIs("site_manager"), WorkFromTheirSite())

# Its managers always; its workers' home manager (in any organisation); once
# published, everyone its audience reaches: external tasks reach every
# non-external of every organisation and the outsiders (of any organisation)
# of the kinds they are open to, "other municipalities" tasks every
# non-external of every organisation, organisation tasks the non-externals of
# the task's organisation, site tasks the site's own people (of its
# organisation by construction).
TASK_VISIBLE: Term = all_of(
    PersonIs("active"),
    any_of(
        MANAGES_TASK,
        OVERSEES_WORK,
        all_of(
            Published(),
            any_of(
                all_of(AudienceIs(Audience.EXTERNAL), any_of(Not(PersonIs("external")), OpenToTheirKind())),
                all_of(Not(PersonIs("external")), AudienceIs(Audience.ORGANISATIONS)),
                all_of(
                    Not(PersonIs("external")),
                    InTheirOrganisation(),
                    any_of(AudienceIs(Audience.ORGANISATION), AtTheirSite()),
                ),
            ),
        ),
    ),
)


def visibility_sql(person: Person, columns: TaskColumns) -> Sql:
    """`can_see_task` for `person` as an SQL condition over the table `columns` describes.

    The text uses `?` placeholders and only SQL that SQLite and PostgreSQL
    share; `params` fill them in order. Raises nothing: every person has an answer.
    """
    return TASK_VISIBLE.sql(person, columns)


def manages_task(person: Person, task: Task) -> bool:
    """The task's poster, a manager at its site, or an admin of its organisation."""
    return MANAGES_TASK.holds(person, task)


def can_see_task(person: Person, task: Task) -> bool:
    """See `TASK_VISIBLE`; the board and the feed ask the same expression in SQL."""
    return TASK_VISIBLE.holds(person, task)


def can_see_bid(person: Person, bid: Bid, task: Task) -> bool:
    """Bidders see their own bids; the task's managers see them all; home managers their staff's."""
    return person.id == bid.bidder_id or manages_task(person, task) or oversees_work(person, bid)


def oversees_work(person: Person, bid: Bid) -> bool:
    """`OVERSEES_WORK` for a bid: an active site manager of the bidder's home site (when bidding)."""
    return oversees_staff(person) and bid.home_site_id == person.home_site_id


def oversees_staff(person: Person) -> bool:
    """An active site manager with a home site: who follows its staff's work elsewhere (`OVERSEES_WORK`).

    They alone are told that one of their staff was lent to another site's task
    (desktop.core.notices, the home managers).
    """
    return person.active and person.role == Role.SITE_MANAGER and person.home_site_id is not None


def is_lent(bid: Bid, task: Task) -> bool:
    """The bid is work on another site's task than the bidder's home site (people without one lend nothing)."""
    return bid.home_site_id is not None and bid.home_site_id != task.site_id


def in_organisation(person: Person, organisation_id: str) -> bool:
    """The person belongs to the organisation (tenant, issue 16).

    An admin acts only on their own organisation's people, sites, tasks and invitations.
    """
    return person.organisation_id == organisation_id


def may_decide_lending(person: Person, bid: Bid) -> bool:
    """The home manager of the bidder (`oversees_work`), or an admin, says yes or no to lending."""
    return oversees_work(person, bid) or (person.active and person.is_admin)


def may_post_tasks(person: Person) -> bool:
    """Active non-externals post tasks (where: `can_post_for`), so they may get bids to decide."""
    return person.active and not person.is_external


def may_see_insights(person: Person) -> bool:
    """Whether the organisation-wide numbers are for `person`: the competence map, talent search, the network.

    They describe the organisation's own staff and sites, so they are for its
    active non-externals; outsiders (volunteers, citizens, companies) see only
    what is opened to them (DESIGN.md, "Reach"). The server refuses the others
    (403, `sync.server.insights_api`); the client leaves the screens out of its menu.
    """
    return person.active and not person.is_external


def can_post_for(person: Person, site_id: str) -> bool:
    """Active non-externals post for their home site; admins for any."""
    if not may_post_tasks(person):
        return False
    return person.is_admin or person.home_site_id == site_id


def may_bid_on(person: Person, task: Task) -> bool:
    """Anyone active who sees the task and did not post it (status and deadline aside)."""
    return person.active and person.id != task.poster_id and can_see_task(person, task)


def offered_a_bid(person: Person, task: Task) -> bool:
    """Whether Knop offers `person` to bid on `task`: those who may (`may_bid_on`), less its managers.

    The task's managers (`manages_task`: its poster, its site's managers, its organisation's
    admins) decide on its bids; a bid of their own would be one they decide on themselves, so
    none is asked of them (try-out s36: HR, who could edit, cancel and review a task, was told
    "you have not bid on this task yet"). The demo's bidders follow the same rule
    (`sync.server.demo`, `_can_bid`). Status and deadline aside, as in `may_bid_on`.
    """
    return may_bid_on(person, task) and not manages_task(person, task)


def may_manage_people(person: Person) -> bool:
    """Deactivating and erasing people is for active admins (the organisation's HR) alone."""
    return person.active and person.is_admin


def sees_all_evidence(person: Person) -> bool:
    """Admins (the organisation's HR) see every person's evidence of skill."""
    return person.active and person.is_admin


def may_see_evidence_of(
    viewer: Person,
    person: Person,
    bid_sites: frozenset[str] | set[str] = frozenset(),
    findable: bool = True,
    bid_for_their_organisation: bool = False,
) -> bool:
    """Whether `viewer` may see `person` by name in the competence map and talent search.

    Everyone sees themselves; admins see everyone of their own organisation; a
    site manager sees the people of their own site, and anyone who has bid on
    a task of their site (`bid_sites`: the sites whose tasks `person` bid on)
    if that person is `findable` beyond their own site (desktop.core.consent).
    Across the border (issue 16) an admin sees someone of another organisation
    only if they bid on a task of the admin's organisation
    (`bid_for_their_organisation`) and are findable. Everyone else sees others
    only as anonymous counts.
    """
    if not viewer.active:
        return False
    if viewer.id == person.id:
        return True
    if sees_all_evidence(viewer):
        return person.organisation_id == viewer.organisation_id or (findable and bid_for_their_organisation)
    if viewer.role != Role.SITE_MANAGER or viewer.home_site_id is None:
        return False
    if person.home_site_id == viewer.home_site_id:
        return True
    return findable and viewer.home_site_id in bid_sites


# --- reach: invitations and credentials (issue 14) ------------------------------------


def coordinates_site(person: Person, site_id: str | None) -> bool:
    """Admins everywhere; a site manager for their own site (approves invitations from it)."""
    if not person.active:
        return False
    return person.is_admin or (
        person.role == Role.SITE_MANAGER and site_id is not None and person.home_site_id == site_id
    )


def may_invite(person: Person) -> bool:
    """Every active member of the organisation; outsiders do not invite."""
    return person.active and not person.is_external


def may_verify_credentials(person: Person) -> bool:
    """Site managers and HR (the admins) verify credentials; nobody declares their own."""
    return person.active and person.role in (Role.SITE_MANAGER, Role.ADMIN)
