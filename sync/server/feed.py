"""The change feed: every change a user may see, in commit order, behind an opaque cursor.

Writing: each changed entity gets one row in `changes`, holding the wire change
already encoded as JSON, and who may see it (`scope`, `site_id`, `viewers`).
Only the latest change per entity is kept: a newer one replaces the older
row, so a device that starts from nothing fetches each entity once, and a
device part-way through still gets every entity's latest state, because the
replacement always lands behind its cursor. Visibility is decided when the
change is written and only ever grows (a task's audience is fixed once it is
published), so replacing an older row never hides anything from anyone.

Reading: one indexed query per page, filtered in SQL by the reader's role and
site, and a response body made by joining the stored JSON strings.

The cursor is "<epoch>-<viewpoint>.<seq>", opaque to clients. The epoch names
one life of the feed; the viewpoint stamps who the cursor was made for (see
`viewpoint`). A cursor from another life or viewpoint, from beyond the newest
change (a server restored from backup) or from below the pruned floor (its
tombstones are gone) cannot be continued, and the answer is 410 "resync".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop.core.entities import (
    Audience,
    Bid,
    Comment,
    Endorsement,
    Entity,
    Invitation,
    Organisation,
    Person,
    PersonSkill,
    Role,
    Site,
    Task,
    TaskStatus,
)
from desktop.core.operations import Change
from sync.server.storage import Session

# Who may see a change, widest first. Admins see everything.
ALL = "all"  # everyone, externals too
ORG = "org"  # every non-external person
SITE = "site"  # non-externals whose home site is `site_id`
MANAGERS = "managers"  # site managers of `site_id` (and admins)


class CursorGone(Exception):
    """The cursor belongs to another life of the feed or to history that is gone."""


@dataclass(frozen=True, slots=True)
class Visibility:
    scope: str
    site_id: str | None = None
    viewers: tuple[str, ...] = ()  # people who see it whatever the scope says

    def viewer_text(self) -> str:
        return "|" + "|".join(v for v in self.viewers if v) + "|" if self.viewers else ""


TaskLookup = Callable[[str], Task | None]


def visibility(entity: Entity, task_of: TaskLookup) -> Visibility:
    """Who may see this entity, by the rules in desktop.core.permissions."""
    if isinstance(entity, (Organisation, Site)):
        return Visibility(ALL)
    if isinstance(entity, Person):
        return Visibility(ORG, viewers=(entity.id,))
    if isinstance(entity, PersonSkill) and entity.private:
        # Nobody's site: only the person and admins (see `permissions.may_see_evidence_of`).
        return Visibility(MANAGERS, None, (entity.person_id,))
    if isinstance(entity, (PersonSkill, Endorsement)):
        return Visibility(ORG, viewers=(entity.person_id,))
    if isinstance(entity, Invitation):
        task = task_of(entity.task_id)
        return Visibility(
            MANAGERS, task.site_id if task else None, (entity.person_id, entity.invited_by)
        )
    if isinstance(entity, Task):
        return _task_visibility(entity)
    if isinstance(entity, Bid):
        task = task_of(entity.task_id)
        return Visibility(
            MANAGERS,
            task.site_id if task else None,
            (task.poster_id if task else "", entity.bidder_id),
        )
    if isinstance(entity, Comment):
        task = task_of(entity.task_id)
        if task is None:
            return Visibility(MANAGERS, None, (entity.author_id,))
        seen = _task_visibility(task)
        return Visibility(seen.scope, seen.site_id, (*seen.viewers, entity.author_id))
    raise TypeError(f"no visibility rule for {type(entity).__name__}")


def _task_visibility(task: Task) -> Visibility:
    if task.status == TaskStatus.DRAFT:
        return Visibility(MANAGERS, task.site_id, (task.poster_id,))
    scope = {Audience.EXTERNAL.value: ALL, Audience.ORGANISATION.value: ORG}.get(
        task.audience, SITE
    )
    return Visibility(scope, task.site_id, (task.poster_id,))


def encode(entity: Entity, deleted: bool, row: dict[str, Any] | None = None) -> str:
    """The wire change as JSON text; pass `row` when the caller already converted the entity."""
    return json.dumps(
        {"table": entity.table, "row": entity.to_row() if row is None else row, "deleted": deleted},
        ensure_ascii=False,
        separators=(",", ":"),
    )


_INSERT = (
    "INSERT INTO changes (table_name, entity_key, deleted, scope, site_id, viewers, at, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _row(
    entity: Entity, deleted: bool, seen: Visibility, at: str, row: dict[str, Any] | None = None
) -> tuple[Any, ...]:
    return (
        entity.table,
        entity.key_value(),
        deleted,
        seen.scope,
        seen.site_id,
        seen.viewer_text(),
        at,
        encode(entity, deleted, row),
    )


def record(session: Session, changes: Iterable[Change], at: str) -> None:
    """Add the changes of one transaction to the feed, replacing older rows of the same entities.

    Must run inside a serialised write (`Database.write()`), which is what
    keeps sequence order equal to commit order.
    """
    latest: dict[tuple[str, str], Change] = {}
    for change in changes:
        key = (change.entity.table, change.entity.key_value())
        latest.pop(key, None)  # keep the order of last occurrence
        latest[key] = change
    if not latest:
        return

    def task_of(task_id: str) -> Task | None:
        return session.get(Task, task_id)

    for (table, entity_key), change in latest.items():
        session.execute(
            "DELETE FROM changes WHERE table_name = ? AND entity_key = ?", (table, entity_key)
        )
        seen = visibility(change.entity, task_of)
        session.execute(_INSERT, _row(change.entity, change.deleted, seen, at))


def record_new(
    session: Session,
    entities: Iterable[tuple[Entity, dict[str, Any]]],
    at: str,
    tasks: dict[str, Task],
) -> None:
    """Bulk-add (entity, row) pairs that have no feed rows yet (seeding), in the order given."""
    batch: list[tuple[Any, ...]] = []
    for entity, row in entities:
        batch.append(_row(entity, False, visibility(entity, tasks.get), at, row))
        if len(batch) >= 5000:
            session.many(_INSERT, batch)
            batch.clear()
    session.many(_INSERT, batch)


# --- reading -------------------------------------------------------------------


def epoch(session: Session) -> str:
    return str(session.value("SELECT value FROM meta WHERE key = 'epoch'"))


def floor(session: Session) -> int:
    return int(session.value("SELECT value FROM meta WHERE key = 'feed_floor'", default=0))


def high_water(session: Session) -> int:
    """The newest sequence number any reader may have been given."""
    newest = int(session.value("SELECT max(seq) FROM changes", default=0))
    return max(newest, floor(session))


def viewpoint(person: Person) -> str:
    """A short stamp of everything that decides what this person sees.

    Visibility is settled when a change is written, so a person who moves to
    another site or changes role cannot simply go on from an old cursor: the
    changes they may now see lie behind it. Their cursor stops matching and
    they resync, which also drops what they may no longer see.
    """
    basis = f"{person.id}|{person.role}|{person.home_site_id}|{person.kind}|{person.active}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:8]


def make_cursor(epoch_id: str, person: Person, seq: int) -> str:
    return f"{epoch_id}-{viewpoint(person)}.{seq}"


def parse_cursor(session: Session, person: Person, cursor: str | None) -> int:
    """The sequence number to continue after; raises CursorGone when that is impossible."""
    return _continue_after(_FeedState.read(session), person, cursor)


@dataclass(frozen=True, slots=True)
class _FeedState:
    """The feed's epoch, floor and high water, read in one round trip."""

    epoch: str
    floor: int
    high: int

    @classmethod
    def read(cls, session: Session) -> _FeedState:
        found = session.one(
            "SELECT (SELECT value FROM meta WHERE key = 'epoch'), "
            "(SELECT value FROM meta WHERE key = 'feed_floor'), (SELECT max(seq) FROM changes)"
        )
        assert found is not None
        floor_seq = int(found[1] or 0)
        return cls(str(found[0]), floor_seq, max(int(found[2] or 0), floor_seq))


def _continue_after(state: _FeedState, person: Person, cursor: str | None) -> int:
    if not cursor:
        return 0
    stamp, _, seq_text = cursor.partition(".")
    if stamp != f"{state.epoch}-{viewpoint(person)}":
        raise CursorGone(cursor)
    if not seq_text.isascii() or not seq_text.isdigit():
        raise CursorGone(cursor)
    seq = int(seq_text)
    if seq < state.floor or seq > state.high:
        raise CursorGone(cursor)
    return seq


def reader_filter(person: Person) -> tuple[str, list[Any]]:
    """The SQL condition that keeps the changes this person may see."""
    if person.is_admin:
        return "1 = 1", []
    clauses = [f"scope = '{ALL}'"]
    params: list[Any] = []
    if not person.is_external:
        clauses.append(f"scope = '{ORG}'")
        if person.home_site_id is not None:
            if person.role == Role.SITE_MANAGER:
                clauses.append(f"(scope IN ('{SITE}', '{MANAGERS}') AND site_id = ?)")
            else:
                clauses.append(f"(scope = '{SITE}' AND site_id = ?)")
            params.append(person.home_site_id)
    clauses.append("viewers LIKE ? ESCAPE '!'")
    params.append("%|" + _like_escape(person.id) + "|%")
    return "(" + " OR ".join(clauses) + ")", params


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


@dataclass(frozen=True, slots=True)
class Page:
    bodies: list[str]
    cursor: str
    more: bool

    def to_json(self) -> bytes:
        """The pull response, without decoding and re-encoding the stored changes."""
        more = "true" if self.more else "false"
        return (
            '{"changes":['
            + ",".join(self.bodies)
            + f'],"cursor":{json.dumps(self.cursor)},"more":{more}}}'
        ).encode("utf-8")


def page(session: Session, person: Person, cursor: str | None, limit: int) -> Page:
    """The next page of changes this person may see, after `cursor`."""
    state = _FeedState.read(session)
    after = _continue_after(state, person, cursor)
    epoch_id, high = state.epoch, state.high
    condition, params = reader_filter(person)
    rows = session.execute(
        f"SELECT seq, body FROM changes WHERE seq > ? AND seq <= ? AND {condition} "
        f"ORDER BY seq LIMIT {int(limit) + 1}",
        [after, high, *params],
    ).fetchall()
    if len(rows) > limit:
        rows = rows[:limit]
        return Page([r[1] for r in rows], make_cursor(epoch_id, person, int(rows[-1][0])), True)
    return Page([r[1] for r in rows], make_cursor(epoch_id, person, high), False)


# --- keeping the feed small ------------------------------------------------------


def prune_tombstones(session: Session, before: str) -> int:
    """Drop tombstones written before `before`; cursors older than the last one must resync."""
    last = session.value(
        "SELECT max(seq) FROM changes WHERE deleted = ? AND at < ?", (True, before), default=0
    )
    if not last:
        return 0
    count = int(
        session.value("SELECT count(*) FROM changes WHERE deleted = ? AND seq <= ?", (True, last))
    )
    session.execute("DELETE FROM changes WHERE deleted = ? AND seq <= ?", (True, last))
    session.execute(
        "UPDATE meta SET value = ? WHERE key = 'feed_floor'", (str(max(int(last), floor(session))),)
    )
    return count


def start_new_epoch(session: Session, epoch_id: str) -> None:
    """Every device resyncs from scratch, e.g. after the database was restored from a backup."""
    session.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (epoch_id,))
