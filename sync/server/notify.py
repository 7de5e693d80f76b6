"""Queueing e-mail for the notices an applied operation causes, in the operation's transaction.

The server runs the same rule as the clients (`desktop.core.notices`) over the
changes one operation made, in a `World` that knows everyone, and queues a row
in `mail_outbox` for each notice whose person wants it by e-mail (`email.<kind>`:
immediate or in the daily digest) and has an address. The row's id is the
notice's id and the person's, so a notice is queued once however often it is
derived; the row commits with the operation, so an operation rolled back
queues nothing. `sync.server.mail` sends the rows.

What the rule needs of the rows before the operation changed them is kept by
`Remembering`, which reads each bid, comment and task once before its first
write. Saved searches are matched on the clients only (their text search is the
client's full-text index); the server mails tasks that fit a person's skills.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from desktop.core import notices, permissions
from desktop.core.entities import (
    Bid,
    Comment,
    Endorsement,
    Entity,
    Person,
    PersonSettings,
    Role,
    Site,
    Task,
)
from desktop.core.operations import Change
from sync.server.storage import Session

E = TypeVar("E", bound=Entity)

DIGEST_HOUR_ENV = "KNOP_MAIL_DIGEST_HOUR"  # the UTC hour the daily digest goes out (default 6)
SMTP_HOST_ENV = "KNOP_SMTP_HOST"  # no mail server configured: nothing is queued
_WATCHED = (Bid, Comment, Task)


class Remembering:
    """`operations.Records` over a session that keeps each watched row as it was before its first write."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.before: dict[tuple[str, str], Entity | None] = {}

    def get(self, cls: type[E], *key: str) -> E | None:
        return self.session.get(cls, *key)

    def bids_on(self, task_id: str) -> list[Bid]:
        return self.session.bids_on(task_id)

    def endorsements_on(self, task_id: str) -> list[Endorsement]:
        return self.session.endorsements_on(task_id)

    def naming(self, cls: type[E], column: str, person_id: str) -> list[E]:
        return self.session.naming(cls, column, person_id)

    def _remember(self, entity: Entity) -> None:
        marker = (entity.table, entity.key_value())
        # People too: erasing one needs the name they had (sync.server.personal_data.follow).
        if isinstance(entity, (*_WATCHED, Person)) and marker not in self.before:
            self.before[marker] = self.session.get(type(entity), entity.key_value())

    def put(self, entity: Entity) -> None:
        self._remember(entity)
        self.session.put(entity)

    def remove(self, entity: Entity) -> None:
        self._remember(entity)
        self.session.remove(entity)


class _ServerWorld:
    """`notices.World` with the server's authority: everyone, as the database holds them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._people: dict[str, Person | None] = {}

    def task(self, task_id: str) -> Task | None:
        return self.session.get(Task, task_id)

    def person(self, person_id: str) -> Person | None:
        if person_id not in self._people:
            self._people[person_id] = self.session.get(Person, person_id)
        return self._people[person_id]

    def name(self, person_id: str) -> str:
        person = self.person(person_id)
        return person.name if person else ""

    def _ids(self, sql: str, params: Iterable[Any]) -> list[str]:
        return [str(r[0]) for r in self.session.execute(sql, list(params)).fetchall()]

    def site_name(self, site_id: str) -> str:
        site = self.session.get(Site, site_id)
        return site.name if site else ""

    def home_managers(self, site_id: str) -> Iterable[str]:
        return self._ids(
            "SELECT id FROM people WHERE role = ? AND home_site_id = ? AND active = ? ORDER BY id",
            (Role.SITE_MANAGER, site_id, True),
        )

    def managers(self, task: Task) -> Iterable[str]:
        site_managers = self._ids(
            "SELECT id FROM people WHERE role = ? AND home_site_id = ? ORDER BY id",
            (Role.SITE_MANAGER, task.site_id),
        )
        return [task.poster_id, *site_managers]

    def conversation(self, task: Task, before: str) -> Iterable[str]:
        return self._ids(
            "SELECT bidder_id FROM bids WHERE task_id = ? AND created_at < ? "
            "UNION SELECT author_id FROM comments WHERE task_id = ? AND created_at < ?",
            (task.id, before, task.id, before),
        )

    def assigned(self, task: Task) -> Iterable[str]:
        return self._ids(
            "SELECT bidder_id FROM bids WHERE task_id = ? AND status = 'accepted'", (task.id,)
        )

    def fitting(self, task: Task) -> Mapping[str, str | None]:
        if not task.skills:
            return {}
        marks = ", ".join("?" for _ in task.skills)
        people = self._ids(
            f"SELECT DISTINCT person_id FROM person_skills WHERE skill IN ({marks})", task.skills
        )
        return {person_id: None for person_id in people}


def digest_hour() -> int:
    return int(os.environ.get(DIGEST_HOUR_ENV, "6")) % 24


def next_digest(now: str, hour: int | None = None) -> str:
    """When a digest row queued at `now` goes out: the next `hour`:00 UTC after it."""
    at = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    due = at.replace(hour=digest_hour() if hour is None else hour, minute=0, second=0, microsecond=0)
    if due <= at:
        due += dt.timedelta(days=1)
    return due.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def enqueue(
    session: Session, changes: Iterable[Change], before: Mapping[tuple[str, str], Entity | None], now: str
) -> int:
    """Queue e-mail for the notices these changes cause; returns how many rows were queued.

    A server without a mail server queues nothing: rows would only pile up, and
    arrive as a flood of old news the day one is configured.
    """
    if not os.environ.get(SMTP_HOST_ENV, "").strip():
        return 0
    world = _ServerWorld(session)
    queued = 0
    for change in changes:
        if not isinstance(change.entity, _WATCHED):
            continue
        prior = before.get((change.entity.table, change.entity.key_value()))
        for notice in notices.notices(prior, change.entity, change.deleted, now, world):
            queued += _queue(session, world, notice, now)
    return queued


def queue_reminders(session: Session, now: str) -> int:
    """Queue "starts tomorrow" for everyone on a task that starts the day after `now`'s date.

    Safe to run as often as anyone likes, from any number of processes: a
    reminder's row id is the same every time, so it is queued once.
    """
    tomorrow = (dt.date.fromisoformat(now[:10]) + dt.timedelta(days=1)).isoformat()
    world = _ServerWorld(session)
    queued = 0
    for task in session.fetch(Task, "starts_on = ? AND status IN ('open', 'closed', 'assigned')", (tomorrow,)):
        for person_id in world.assigned(task):
            person = world.person(person_id)
            if person is None or not permissions.can_see_task(person, task):
                continue
            queued += _queue(session, world, notices.starts_tomorrow(task, person_id, now), now)
    return queued


def _queue(session: Session, world: _ServerWorld, notice: notices.Notice, now: str) -> int:
    person = world.person(notice.person_id)
    if person is None or not person.email:
        return 0
    held = session.get(PersonSettings, person.id)
    mode = notices.preference(held.preferences if held else None, notices.email_key(notice.kind))
    if mode == notices.EMAIL_OFF:
        return 0
    due = now if mode == notices.EMAIL_IMMEDIATE else next_digest(now)
    cursor = session.execute(
        "INSERT INTO mail_outbox (id, person_id, kind, mode, task_id, facts, created_at, due_at, "
        "organisation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (
            f"{notice.id}|{person.id}",
            person.id,
            notice.kind,
            mode,
            notice.task_id,
            json.dumps(notice.facts, ensure_ascii=False),
            now,
            due,
            person.organisation_id,
        ),
    )
    return max(int(cursor.rowcount or 0), 0)
