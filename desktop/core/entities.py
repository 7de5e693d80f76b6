"""The things Knop talks about: sites, people, tasks, bids and what hangs off them.

Entities are plain dataclasses so that the same objects travel through the
local store, the wire and the server without any framework in between. Each
knows how to become a flat row (`to_row`) and back (`from_row`); list-valued
fields are stored as JSON text so that SQLite and PostgreSQL hold the same rows.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self, TypeVar


class SiteKind(StrEnum):
    """What a site is; the demo and the reports group by it, no rule depends on it."""

    SCHOOL = "school"
    CARE_HOME = "care_home"
    DAYCARE = "daycare"
    ADMINISTRATION = "administration"


class Role(StrEnum):
    """What a person may do; the rules that read it are in `desktop.core.permissions`."""

    STAFF = "staff"
    SITE_MANAGER = "site_manager"
    ADMIN = "admin"
    EXTERNAL = "external"


class PersonKind(StrEnum):
    """Who a person is to the municipality; external people are volunteers, citizens, companies."""

    EMPLOYEE = "employee"
    VOLUNTEER = "volunteer"
    CITIZEN = "citizen"
    COMPANY = "company"


class Audience(StrEnum):
    """Who may see and bid on a task, narrowest first."""

    SITE = "site"
    ORGANISATION = "organisation"
    ORGANISATIONS = "organisations"  # every organisation on the server ("other municipalities", issue 16)
    EXTERNAL = "external"


class TaskStatus(StrEnum):
    """A task's life: draft, open, closed, assigned (seats filled), done or cancelled.

    Open takes bids; closed means the bid deadline passed with seats still free
    (the owner may still decide on the bids).
    """

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ASSIGNED = "assigned"
    DONE = "done"
    CANCELLED = "cancelled"


class BidStatus(StrEnum):
    """A bid's life: pending until the poster accepts or declines it, or the bidder withdraws."""

    PENDING = "pending"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class LendingPolicy(StrEnum):
    """The organisation's setting for work on another site's task (issue 15).

    off: nobody is asked; notify: the worker's home manager is told; approve: the
    accepted bid waits for the home manager's yes before it counts.
    """

    OFF = "off"
    NOTIFY = "notify"
    APPROVE = "approve"


class Lending(StrEnum):
    """Where an accepted bid on another site's task stands with the worker's home manager.

    "" for work at one's own site (or by someone without a home site), and for
    bids not yet accepted.
    """

    NONE = ""
    LENT = "lent"  # the policy was off: nobody was asked
    NOTIFIED = "notified"  # the home manager was told
    AWAITING = "awaiting"  # waits for the home manager's yes; counts no hours meanwhile
    APPROVED = "approved"
    REFUSED = "refused"  # the home manager said no; the bid was declined by it


class Evidence(StrEnum):
    """Why a person is said to have a skill: they said so, or a finished task showed it."""

    SELF_DECLARED = "self"
    TASK = "task"


class Entity:
    """Row conversion shared by every entity.

    `table` names the store table; `json_fields` are list fields kept as JSON
    text; `id` is the primary key everywhere except where `key` says otherwise.
    """

    table: ClassVar[str]
    json_fields: ClassVar[tuple[str, ...]] = ()
    key: ClassVar[tuple[str, ...]] = ("id",)

    def to_row(self) -> dict[str, Any]:
        """The entity as a flat row {column: value}, list fields as JSON text (as stored and sent)."""
        # A shallow copy: asdict() deep-copies every list, which costs the
        # server's seeding and every client write for nothing.
        row = {name: getattr(self, name) for name in _field_order(type(self))}
        for name in self.json_fields:
            row[name] = json.dumps(row[name], ensure_ascii=False)
        return row

    @classmethod
    def column_names(cls) -> frozenset[str]:
        """The columns of the entity's rows (`to_row`'s keys, the store table's synced columns)."""
        return _field_names(cls)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        """The entity from a stored or received row; unknown columns are ignored.

        JSON text in list fields is parsed (None becomes []), 0/1 in bool fields
        becomes bool. Raises TypeError when a required field is missing and
        json.JSONDecodeError when a list field holds broken JSON.
        """
        names = _field_names(cls)
        values = {k: v for k, v in row.items() if k in names}
        for name in cls.json_fields:
            raw = values.get(name)
            if isinstance(raw, str):
                values[name] = json.loads(raw)
            elif raw is None:
                values[name] = []
        for name in _bool_fields(cls):
            if name in values:
                # SQLite hands booleans back as 0/1; keep the domain's type.
                values[name] = bool(values[name])
        return cls(**values)

    def key_value(self) -> str:
        """The primary key as one string, parts joined by "|" (e.g. "person-id|care.dementia")."""
        return "|".join(str(getattr(self, k)) for k in self.key)

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`; raises TypeError for a field the entity does not have."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


_Fact = TypeVar("_Fact")


def _per_class(fact: Callable[[type], _Fact]) -> Callable[[type], _Fact]:
    """`functools.cache` for a fact about a class; typed so, because mypy takes a class for unhashable."""
    return functools.cache(fact)


@_per_class
def _field_order(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@_per_class
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


@_per_class
def _bool_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.type == "bool")


@dataclass(slots=True)
class Organisation(Entity):
    """A municipality: one tenant of the server (several share one since issue 16).

    `externals_need_approval`: an invitation of an outsider waits for a
    coordinator (a site manager or an admin) before its code can be used.
    """

    table: ClassVar[str] = "organisations"
    id: str
    name: str
    lending: str = LendingPolicy.OFF  # a `LendingPolicy`
    externals_need_approval: bool = False


@dataclass(slots=True)
class Site(Entity):
    """A workplace of the organisation: a school, a care home, a daycare, an office.

    `kind` is a `SiteKind`; `version` counts the row's changes (1 when made).
    """

    table: ClassVar[str] = "sites"
    id: str
    organisation_id: str
    name: str
    kind: str
    address: str = ""
    version: int = 0


@dataclass(slots=True)
class Person(Entity):
    """Someone who logs in: staff at a home site, or an external contributor with none.

    `role` is a `Role`, `kind` a `PersonKind`; `languages` are language codes
    ("da", "en", ...); `availability` is free text the person writes.
    """

    table: ClassVar[str] = "people"
    json_fields: ClassVar[tuple[str, ...]] = ("languages",)
    id: str
    name: str
    username: str
    home_site_id: str | None
    role: str = Role.STAFF
    kind: str = PersonKind.EMPLOYEE
    email: str = ""
    title: str = ""
    languages: list[str] = field(default_factory=list)
    availability: str = ""
    active: bool = True
    version: int = 0
    phone: str = ""  # optional; for invitations and a task's manager to reach an outsider
    company_id: str | None = None  # a company's contact person: the `Company` they speak for
    # The tenant the person belongs to (issue 16): their home site's organisation;
    # an outsider's is the organisation that invited them. The server sets it.
    organisation_id: str = ""

    @property
    def is_external(self) -> bool:
        """True for external contributors, who see only tasks open to outsiders."""
        return self.role == Role.EXTERNAL

    @property
    def is_admin(self) -> bool:
        """True for the organisation's administrators."""
        return self.role == Role.ADMIN


@dataclass(slots=True)
class PersonSkill(Entity):
    """A skill a person has, with the evidence behind it.

    `skill` is a catalogue id (`care.dementia`) or a free tag (`#sign language`).
    """

    table: ClassVar[str] = "person_skills"
    key: ClassVar[tuple[str, ...]] = ("person_id", "skill")
    person_id: str
    skill: str
    evidence: str = Evidence.SELF_DECLARED
    task_id: str | None = None
    confirmed_by: str | None = None
    added_at: str = ""
    version: int = 0
    # A private skill counts in the organisation's numbers only anonymously:
    # nobody else sees it on the person's profile, in drill-downs or in talent search.
    private: bool = False

    @property
    def id(self) -> str:
        """"<person_id>|<skill>", so a held skill can be named like any other row."""
        return self.key_value()


@dataclass(slots=True)
class Task(Entity):
    """Work someone posts for others to bid on.

    Dates (`starts_on`, `ends_on`, `bid_deadline`) are ISO dates "YYYY-MM-DD"
    (the deadline is the last day bids are taken); `effort_hours` is hours of
    work per person, `seats` how many people it needs; `created_at` and
    `updated_at` are ISO 8601 UTC timestamps; `bid_count` and `accepted_count`
    count active and accepted bids; `version` counts the row's changes.
    """

    table: ClassVar[str] = "tasks"
    json_fields: ClassVar[tuple[str, ...]] = ("skills", "outsiders")
    id: str
    site_id: str
    poster_id: str
    title: str
    description: str = ""
    skills: list[str] = field(default_factory=list)
    effort_hours: float = 1.0
    starts_on: str | None = None
    ends_on: str | None = None
    bid_deadline: str | None = None
    place: str = ""
    seats: int = 1
    audience: str = Audience.SITE
    status: str = TaskStatus.DRAFT
    bid_count: int = 0
    accepted_count: int = 0
    created_at: str = ""
    updated_at: str = ""
    updated_by: str | None = None
    # When it was first published; None while it never has been, which keeps
    # it private to its managers whatever its status (a cancelled draft too).
    published_at: str | None = None
    version: int = 0
    # Clock times "HH:MM" on its days, where it takes place (an end before the
    # start runs past midnight); `repeats` "weekly": on the start date's weekday
    # every week until `ends_on`.
    start_time: str | None = None
    end_time: str | None = None
    repeats: str = ""
    # The `OutsiderKind`s an external task is open to, sorted (empty: all of
    # them): part of its audience, so the visibility rule reads it
    # (task.set_requirements sets it; once published it only widens).
    outsiders: list[str] = field(default_factory=list)
    # The tenant the task belongs to: its site's organisation (issue 16), set by
    # task.create from the site, never taken from the client's say-so.
    organisation_id: str = ""

    # Fields a task.edit may change; the rest belong to other operations.
    EDITABLE: ClassVar[tuple[str, ...]] = (
        "title",
        "description",
        "skills",
        "effort_hours",
        "starts_on",
        "ends_on",
        "bid_deadline",
        "place",
        "seats",
        "audience",
        "start_time",
        "end_time",
        "repeats",
    )


class Repeats(StrEnum):
    """How a task recurs: not at all, or every week on its start date's weekday."""

    NEVER = ""
    WEEKLY = "weekly"


@dataclass(slots=True)
class Bid(Entity):
    """One person's offer to do a task; `hours` is the hours they offer (None: as asked).

    `home_site_id` is the bidder's home site when they bid: work on another
    site's task is lent from it. `lending` is a `Lending`. `worked_hours` are
    the hours the task's manager confirmed on completion (None before).
    """

    table: ClassVar[str] = "bids"
    id: str
    task_id: str
    bidder_id: str
    message: str = ""
    hours: float | None = None
    availability: str = ""
    status: str = BidStatus.PENDING
    decision_message: str = ""
    decided_by: str | None = None
    decided_at: str | None = None
    created_at: str = ""
    version: int = 0
    home_site_id: str | None = None
    lending: str = Lending.NONE
    lending_decided_by: str | None = None
    lending_decided_at: str | None = None
    worked_hours: float | None = None
    hours_confirmed_by: str | None = None
    hours_confirmed_at: str | None = None
    # What the task's manager is told on the review card: the credentials with
    # a "warn" requirement the bidder lacked when bidding, and "benefit" for the
    # rule on volunteers on unemployment benefit (desktop.core.eligibility).
    # Never the credentials themselves: those stay with the person, manager, HR.
    warnings: list[str] = field(default_factory=list)

    json_fields: ClassVar[tuple[str, ...]] = ("warnings",)

    @property
    def is_active(self) -> bool:
        """True while the bid counts: pending or accepted."""
        return self.status in (BidStatus.PENDING, BidStatus.ACCEPTED)


@dataclass(slots=True)
class Comment(Entity):
    """A comment on a task, visible to whoever may see the task."""

    table: ClassVar[str] = "comments"
    id: str
    task_id: str
    author_id: str
    body: str
    created_at: str = ""
    version: int = 0


@dataclass(slots=True)
class Endorsement(Entity):
    """Who manages a finished task confirms that one who worked on it showed a skill (evidence)."""

    table: ClassVar[str] = "endorsements"
    id: str
    task_id: str
    person_id: str
    skill: str
    endorsed_by: str
    created_at: str = ""
    version: int = 0


@dataclass(slots=True)
class Invitation(Entity):
    """A task's manager asks a person to bid on it; the invitee sees it on the task and My page."""

    table: ClassVar[str] = "invitations"
    key: ClassVar[tuple[str, ...]] = ("task_id", "person_id")
    task_id: str
    person_id: str
    invited_by: str
    message: str = ""
    created_at: str = ""
    version: int = 0

    @property
    def id(self) -> str:
        """The row's key as one string: "<task_id>|<person_id>" (the feed's entity key)."""
        return self.key_value()


@dataclass(slots=True)
class AuditEvent(Entity):
    """Who did what, when and from which device: the public record."""

    table: ClassVar[str] = "audit_events"
    json_fields: ClassVar[tuple[str, ...]] = ("facts",)
    id: str
    at: str
    actor_id: str
    device_id: str | None
    operation: str
    entity_id: str
    summary: str = ""
    outcome: str = "applied"  # or "refused"
    reason: str = ""  # a refusal's reason key (`desktop.core.rejection.REASONS`)
    task_id: str | None = None  # the task it concerned, for the audit filters
    site_id: str | None = None  # that task's site, or the site an admin change concerned
    facts: dict[str, Any] = field(default_factory=dict)  # a refusal's facts, for its sentence


@dataclass(slots=True)
class NoticeRead(Entity):
    """One notification a person has read, on any of their devices.

    A row per notice rather than a set in one row: devices that mark different
    notices read at the same time only ever add rows, so nothing conflicts.
    """

    table: ClassVar[str] = "notice_reads"
    key: ClassVar[tuple[str, ...]] = ("person_id", "notice_id")
    person_id: str
    notice_id: str
    read_at: str = ""
    version: int = 0

    @property
    def id(self) -> str:
        """The row's key as one string (the feed's entity key)."""
        return self.key_value()


@dataclass(slots=True)
class PersonSettings(Entity):
    """A person's own settings that follow them to every device (`desktop.core.notices.PREFERENCES`)."""

    table: ClassVar[str] = "person_settings"
    key: ClassVar[tuple[str, ...]] = ("person_id",)
    json_fields: ClassVar[tuple[str, ...]] = ("preferences",)
    person_id: str
    preferences: dict[str, Any] = field(default_factory=dict)  # only what differs from the defaults
    updated_at: str = ""
    version: int = 0

    @property
    def id(self) -> str:
        """The person the row belongs to: one row per person."""
        return self.person_id


@dataclass(slots=True)
class SavedSearch(Entity):
    """A board search a person saved; new published tasks that match it notify them."""

    table: ClassVar[str] = "saved_searches"
    json_fields: ClassVar[tuple[str, ...]] = ("filters",)
    id: str
    person_id: str
    name: str
    filters: dict[str, Any] = field(default_factory=dict)  # BoardFilter's fields, sort left out
    created_at: str = ""
    version: int = 0


class GuidelineAudience(StrEnum):
    """Whom a set of guidelines speaks to."""

    POSTING = "posting"  # staff who post tasks
    BIDDING = "bidding"  # staff who bid on tasks
    OUTSIDERS = "outsiders"  # volunteers, citizens and companies, and whoever posts to them


@dataclass(slots=True)
class Guideline(Entity):
    """An organisation's current guidelines for one audience, in Danish and English; `version` rises with each change.

    Its `version` is also the row's version on the feed: a new text is a new
    version, which every person of the audience must accept again. Each
    organisation (tenant, issue 16) publishes its own: a person reads and
    accepts their own organisation's (an outsider's: the inviting one's).
    """

    table: ClassVar[str] = "guidelines"
    key: ClassVar[tuple[str, ...]] = ("organisation_id", "audience")
    audience: str
    version: int
    text_da: str
    text_en: str
    published_at: str = ""  # who published it is in the audit trail
    # The publishing organisation. A default only so that a row of a server from
    # before organisations had their own guidelines still reads (as nobody's).
    organisation_id: str = ""

    @property
    def id(self) -> str:
        """The row's key as one string, "<organisation>|<audience>" (the feed's entity key)."""
        return self.key_value()

    def text(self, language: str) -> str:
        """The text in `language` ("da" or "en"; anything else reads Danish)."""
        return self.text_en if language == "en" else self.text_da


@dataclass(slots=True)
class GuidelineAcceptance(Entity):
    """Which version of an audience's guidelines a person accepted, and when (ISO UTC)."""

    table: ClassVar[str] = "guideline_acceptances"
    key: ClassVar[tuple[str, ...]] = ("person_id", "audience")
    person_id: str
    audience: str
    version: int
    accepted_at: str = ""

    @property
    def id(self) -> str:
        """The row's key as one string (the feed's entity key)."""
        return self.key_value()


class OutsiderKind(StrEnum):
    """Who outside the organisation a task is also open to (`Task.outsiders`)."""

    VOLUNTEER = "volunteer"
    CITIZEN = "citizen"
    COMPANY = "company"


class InvitationStatus(StrEnum):
    """A member invitation's life: awaiting a coordinator, pending, accepted or revoked."""

    AWAITING_APPROVAL = "awaiting_approval"
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class InvitationMail(StrEnum):
    """What became of an invitation's e-mail, as only the server knows it (`MemberInvitation.mail`).

    The status list once said "Sent" of every invitation, also on a server with no
    mail server, where nothing is ever sent (a try-out): the inviter must know
    whether to hand the code over themselves.
    """

    UNKNOWN = ""  # not at the server yet (made offline), or from a server before this field
    NO_MAIL_SERVER = "no_mail_server"  # the server has none: nothing will be sent
    QUEUED = "queued"  # in the server's outbox (held there while the invitation awaits approval)
    SENT = "sent"  # the mail server accepted it
    FAILING = "failing"  # the mail server refused it or could not be reached; the server keeps trying


@dataclass(slots=True)
class MemberInvitation(Entity):
    """A member invites a person (a colleague or an outsider) to join Knop, by e-mail.

    The code itself is a one-time secret the inviting client makes and prints
    (and the server mails); only its SHA-256 (`code_hash`) is kept. `kind` is
    the `PersonKind` the invitee will have; `site_id` is the inviting site (a
    colleague's home site to be). `expires_at` is ISO 8601 UTC.
    """

    table: ClassVar[str] = "member_invitations"
    id: str
    email: str
    name: str
    kind: str
    site_id: str
    invited_by: str
    code_hash: str
    expires_at: str
    message: str = ""
    status: str = InvitationStatus.PENDING
    approved_by: str | None = None
    person_id: str | None = None  # who accepted it
    created_at: str = ""
    decided_at: str | None = None  # approved, accepted or revoked
    version: int = 0
    # A company's contact person is invited for a company, named by its CVR
    # number (8 digits, the Danish company register's); empty for other kinds.
    company_name: str = ""
    company_cvr: str = ""
    mail: str = InvitationMail.UNKNOWN  # written by the server alone (sync.server.invitations)

    @property
    def for_outsider(self) -> bool:
        """True when the invitee will be external (a volunteer, citizen or company)."""
        return self.kind != PersonKind.EMPLOYEE


@dataclass(slots=True)
class Company(Entity):
    """A company outside the municipality, an organisation of its own; people of kind company are its contacts.

    Known by its CVR number (8 digits, the Danish company register's number,
    public like the name), which makes its id (`company_id_for`): the first
    contact person to take up an invitation registers it, later ones join it.
    `created_at` is ISO 8601 UTC.
    """

    table: ClassVar[str] = "companies"
    id: str
    name: str
    cvr: str
    created_at: str = ""
    version: int = 0


def company_id_for(cvr: str) -> str:
    """The id of the company with this CVR number: "cvr-12345678"."""
    return f"cvr-{cvr}"


@dataclass(slots=True)
class HeldCredential(Entity):
    """A credential a person holds, verified by a manager or HR (never self-declared).

    `credential` is an id of `desktop.core.eligibility.CREDENTIALS`; dates are
    ISO "YYYY-MM-DD" (`expires_on` None: does not expire); `site_id` is the
    person's home site when verified, which is whose manager may see it.
    """

    table: ClassVar[str] = "person_credentials"
    key: ClassVar[tuple[str, ...]] = ("person_id", "credential")
    person_id: str
    credential: str
    verified_by: str
    issued_on: str | None = None
    expires_on: str | None = None
    verified_at: str = ""
    site_id: str | None = None
    version: int = 0

    @property
    def id(self) -> str:
        """"<person_id>|<credential>" (the feed's entity key)."""
        return self.key_value()


@dataclass(slots=True)
class TaskRequirements(Entity):
    """What a task asks of those who bid.

    `requirements` maps a credential id to "block" or "warn"
    (`desktop.core.eligibility.Severity`); `paid_staff_work` marks work
    normally done by paid staff (the rule on volunteers on benefit). Which
    outsiders the task is open to is part of its audience (`Task.outsiders`),
    which the visibility rule reads; rows written before that move may still
    carry an `outsiders` field, which is ignored.
    """

    table: ClassVar[str] = "task_requirements"
    key: ClassVar[tuple[str, ...]] = ("task_id",)
    json_fields: ClassVar[tuple[str, ...]] = ("requirements",)
    task_id: str
    requirements: dict[str, str] = field(default_factory=dict)
    paid_staff_work: bool = False
    updated_by: str | None = None
    updated_at: str = ""
    version: int = 0

    @property
    def id(self) -> str:
        """The task's id: one row per task."""
        return self.task_id


# Everything the change feed carries, by table name.
SYNCED: dict[str, type[Entity]] = {
    cls.table: cls
    for cls in (
        Organisation,
        Site,
        Person,
        PersonSkill,
        Task,
        Bid,
        Comment,
        Endorsement,
        NoticeRead,
        PersonSettings,
        SavedSearch,
        Invitation,
        Guideline,
        GuidelineAcceptance,
        MemberInvitation,
        HeldCredential,
        TaskRequirements,
        Company,
    )
}

# A person's own rows: only that person sees them (not even an admin).
PERSONAL: tuple[type[Entity], ...] = (NoticeRead, PersonSettings, SavedSearch)
