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
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self


class SiteKind(StrEnum):
    SCHOOL = "school"
    CARE_HOME = "care_home"
    DAYCARE = "daycare"
    ADMINISTRATION = "administration"


class Role(StrEnum):
    STAFF = "staff"
    SITE_MANAGER = "site_manager"
    ADMIN = "admin"
    EXTERNAL = "external"


class PersonKind(StrEnum):
    EMPLOYEE = "employee"
    VOLUNTEER = "volunteer"
    CITIZEN = "citizen"
    COMPANY = "company"


class Audience(StrEnum):
    """Who may see and bid on a task, narrowest first."""

    SITE = "site"
    ORGANISATION = "organisation"
    EXTERNAL = "external"


class TaskStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ASSIGNED = "assigned"
    DONE = "done"
    CANCELLED = "cancelled"


class BidStatus(StrEnum):
    PENDING = "pending"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Evidence(StrEnum):
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
        # A shallow copy: asdict() deep-copies every list, which costs the
        # server's seeding and every client write for nothing.
        row = {name: getattr(self, name) for name in _field_order(type(self))}
        for name in self.json_fields:
            row[name] = json.dumps(row[name], ensure_ascii=False)
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
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
        return "|".join(str(getattr(self, k)) for k in self.key)

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


@functools.cache
def _field_order(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


@functools.cache
def _bool_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.type == "bool")


@dataclass(slots=True)
class Organisation(Entity):
    table: ClassVar[str] = "organisations"
    id: str
    name: str


@dataclass(slots=True)
class Site(Entity):
    table: ClassVar[str] = "sites"
    id: str
    organisation_id: str
    name: str
    kind: str
    address: str = ""
    version: int = 0


@dataclass(slots=True)
class Person(Entity):
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

    @property
    def is_external(self) -> bool:
        return self.role == Role.EXTERNAL

    @property
    def is_admin(self) -> bool:
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
        return self.key_value()


@dataclass(slots=True)
class Task(Entity):
    table: ClassVar[str] = "tasks"
    json_fields: ClassVar[tuple[str, ...]] = ("skills",)
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
    version: int = 0

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
    )


@dataclass(slots=True)
class Bid(Entity):
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

    @property
    def is_active(self) -> bool:
        return self.status in (BidStatus.PENDING, BidStatus.ACCEPTED)


@dataclass(slots=True)
class Comment(Entity):
    table: ClassVar[str] = "comments"
    id: str
    task_id: str
    author_id: str
    body: str
    created_at: str = ""
    version: int = 0


@dataclass(slots=True)
class Endorsement(Entity):
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
        return self.key_value()


@dataclass(slots=True)
class AuditEvent(Entity):
    """Who did what, when and from which device: the public record."""

    table: ClassVar[str] = "audit_events"
    id: str
    at: str
    actor_id: str
    device_id: str | None
    operation: str
    entity_id: str
    summary: str = ""


# Everything the change feed carries, by table name.
SYNCED: dict[str, type[Entity]] = {
    cls.table: cls
    for cls in (
        Organisation, Site, Person, PersonSkill, Task, Bid, Comment, Endorsement, Invitation
    )
}
