"""The change feed: every change a user may see, in commit order, behind an opaque cursor.

Writing: each changed entity gets one row in `changes`, holding the wire change
already encoded as JSON, and the facts that decide who may see it: those of
its task (`published`, `audience`, `site_id`, `outsider_kinds`) and the people named on it
(`viewers`: the task's poster, a bid's bidder, a comment's author).
Only the latest change per entity is kept: a newer one replaces the older
row, so a device that starts from nothing fetches each entity once, and a
device part-way through still gets every entity's latest state, because the
replacement always lands behind its cursor. Visibility is decided when the
change is written and only ever grows (a published task's audience, and the
kinds of outsiders it is open to, may widen, never narrow:
task.widen_audience, task.set_requirements), so replacing an older row never
hides anything from anyone; when a task widens, the rows hanging off it are
written again with its new audience (`_emit_again`), so that the newly
entitled devices receive them too.

Reading: one indexed query per page, filtered by `permissions.TASK_VISIBLE`
turned into SQL over those columns (the same expression the rules and the
client's board ask), and a response body made by joining the stored JSON strings.
A server process answers most pulls from the feed's newest rows, which it
holds in memory and filters by the same rule in Python (`sync.server.feed_tail`);
`page_after` answers the rest.

Ordering without a global lock (PostgreSQL): each row carries the id of the
transaction that wrote it (`xid`, from `pg_current_xact_id()`, the column's
default) beside its `seq`, and the feed is read in (xid, seq) order up to a
*bound*: the oldest transaction of this database still running when the
reader's snapshot was taken (`pg_snapshot_xip(pg_current_snapshot())` matched
to `pg_stat_activity.backend_xid`), or the snapshot's `xmax` when none is.
Transaction ids are handed out in increasing order and every id below the
bound belongs to a transaction that has ended, so no row can ever appear
below a position a reader was given, however the writers' commits interleave.
This is the "transaction id watermark" (snapshot xmin) technique of logical
outboxes; the rows of a long transaction wait for it to end, those written
after it do not overtake it. On a hot standby, which cannot see the primary's
sessions, the bound is the snapshot's `xmin` (every transaction in the cluster),
later but never wrong. SQLite has one writer at a time: every row's `xid` is
0 and the order is `seq`'s.

The cursor is "<epoch>-<viewpoint>.<position>.<generation>", opaque to clients.
A position is "<seq>" while `xid` is 0 (SQLite, and rows written before
transaction ids were recorded) and "<xid>x<seq>" otherwise. The
epoch names one life of the feed; the viewpoint stamps who the cursor was made
for (see `viewpoint`); the generation names the run of the server that gave it
out. A cursor from another life or viewpoint, from below the pruned floor (its
tombstones are gone), or from a future this database does not have cannot be
continued, and the answer is 410 "resync".

A future this database does not have: a server restored from a backup has lost
the changes after the backup, and the seq numbers it hands out next repeat the
lost ones, so an old cursor would soon look valid again and silently skip the
new changes below it. Every start of the server begins a new generation and
records where the one before it ended (`begin_generation`): a cursor from a
generation this database has never seen, or from beyond where its generation
ended here, comes from the lost future (`from_another_future`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop.core import permissions
from desktop.core.entities import (
    Audience,
    Bid,
    Comment,
    Company,
    Endorsement,
    Entity,
    Guideline,
    GuidelineAcceptance,
    HeldCredential,
    MemberInvitation,
    NoticeRead,
    Invitation,
    Organisation,
    Person,
    PersonSettings,
    PersonSkill,
    SavedSearch,
    Site,
    Task,
    TaskRequirements,
)
from desktop.core.ids import utc_now
from desktop.core.operations import Change
from desktop.core.payload import composed
from desktop.core.permissions import Sql
from sync import protocol
from sync.server.storage import Session


class CursorGone(Exception):
    """The cursor belongs to another life of the feed or to history that is gone."""


@dataclass(frozen=True, slots=True)
class Visibility:
    """The facts about a change that `permissions.TASK_VISIBLE` asks, as stored with it.

    A task's own facts for a task and what hangs off it; everything else is
    put in the same terms: sites and organisations as if published to
    everyone, people and their skills as if published to the organisation,
    a bid as private as a draft (its task's managers, and the people named).
    """

    published: bool
    audience: str
    site_id: str | None = None
    viewers: tuple[str, ...] = ()  # people who see it whatever the rest says
    worker_site_id: str | None = None  # a bid's bidder's home site: their home manager sees it
    outsiders: tuple[str, ...] = ()  # the kinds of outsider an external task is open to (empty: all)
    # Whose feed the row is in (the tenant, issue 16; "" for rows every
    # organisation shares: companies), and the organisations whose
    # people `permissions.InTheirOrganisation` lets see it: the owner's, and
    # for a person who bid or commented across the border, that task's too.
    organisation_id: str = ""
    organisations: tuple[str, ...] = ()

    def viewer_text(self) -> str:
        return _bars(v for v in self.viewers if v)

    def outsider_text(self) -> str:
        """"|citizen|volunteer|", or "" for every kind (the column `outsider_kinds`)."""
        return _bars(sorted(self.outsiders))

    def organisations_text(self) -> str:
        """"|org-a|org-b|" (the column `organisations`), the owner's first."""
        return _bars(dict.fromkeys(o for o in self.organisations if o))


def _from_bars(text: str | None) -> tuple[str, ...]:
    return tuple(w for w in (text or "").split("|") if w)


def _bars(words: Iterable[str]) -> str:
    """Words as "|a|b|", which `LIKE '%|a|%'` finds; "" for none."""
    text = "|".join(words)
    return f"|{text}|" if text else ""


TaskLookup = Callable[[str], Task | None]


class Owners:
    """Which organisation rows belong to, and whom a person is shown to: what `visibility` asks.

    Over a write session, answering from what it already read where it can
    (`tasks` it holds in memory may be given); with no session (a migration
    of the time before organisations) only tasks are known, by `task_of`.
    `reach` is the organisations a person is shown to: their own, then those
    of tasks they bid or commented on across the border, as their feed row says.
    """

    def __init__(
        self,
        session: Session | None,
        tasks: dict[str, Task] | None = None,
        task_of: TaskLookup | None = None,
    ) -> None:
        self.session = session
        self._task_of = task_of
        self._tasks: dict[str, Task | None] = dict(tasks or {})
        self._people: dict[str, str] = {}
        self._sites: dict[str, str] = {}
        self._reach: dict[str, tuple[str, ...]] = {}

    def task(self, task_id: str) -> Task | None:
        if self._task_of is not None:
            return self._task_of(task_id)
        if task_id not in self._tasks and self.session is not None:
            self._tasks[task_id] = self.session.unlocked(Task, task_id)
        return self._tasks.get(task_id)

    def know(self, person: Person) -> None:
        """Take the person's organisation from the row being written (it may be new)."""
        self._people.setdefault(person.id, person.organisation_id)

    def person_organisation(self, person_id: str) -> str:
        if person_id not in self._people and self.session is not None:
            self._people[person_id] = self.session.organisation_of("people", person_id) or ""
        return self._people.get(person_id, "")

    def site_organisation(self, site_id: str | None) -> str:
        if site_id is None:
            return ""
        if site_id not in self._sites and self.session is not None:
            self._sites[site_id] = self.session.organisation_of("sites", site_id) or ""
        return self._sites.get(site_id, "")

    def reach(self, person_id: str) -> tuple[str, ...]:
        if person_id not in self._reach:
            wider: tuple[str, ...] = ()
            if self.session is not None:
                wider = _from_bars(
                    self.session.value(
                        "SELECT organisations FROM changes WHERE table_name = 'people' AND entity_key = ?",
                        (person_id,),
                    )
                )
            self._reach[person_id] = tuple(dict.fromkeys((self.person_organisation(person_id), *wider)))
        return self._reach[person_id]

    def widen(self, person_id: str, organisation_id: str) -> bool:
        """Show the person to `organisation_id` too; True when that is new (their rows must be written again)."""
        if not organisation_id or organisation_id == self.person_organisation(person_id):
            return False  # the common case costs no query
        reach = self.reach(person_id)
        if organisation_id in reach:
            return False
        self._reach[person_id] = (*reach, organisation_id)
        return True


def _lookups(task_of: TaskLookup | Owners) -> Owners:
    if isinstance(task_of, Owners):
        return task_of
    return Owners(None, task_of=task_of)

# A person's own rows (notices read, settings, saved searches): theirs alone.
PERSONAL = (NoticeRead, PersonSettings, SavedSearch)
# Rows every active person of their organisation sees, outsiders too (whose
# organisation is the one that invited them): its guidelines, which each of them
# must be able to read and accept. The rule (`permissions.TASK_VISIBLE`) has no
# term for "everyone of one organisation, outsiders included" (a task never
# reaches its own organisation's outsiders alone), so `reader_filter` and
# `feed_tail` add it for these tables, by the row's `organisations`.
IN_THEIR_ORGANISATION = (Guideline,)

_EVERYONE = Visibility(True, Audience.EXTERNAL)


def visibility(entity: Entity, task_of: TaskLookup | Owners) -> Visibility:
    """Who may see this entity, in the terms of desktop.core.permissions, and whose feed it is in.

    `task_of` is an `Owners` (or only a task lookup, for a migration of the
    time before organisations: then rows belong to none).
    """
    owners = _lookups(task_of)
    seen = _visibility(entity, owners.task)
    owner: str
    shown: tuple[str, ...]
    if isinstance(entity, Organisation):
        owner, shown = entity.id, ()
    elif isinstance(entity, Site):
        owner, shown = entity.organisation_id, ()
    elif isinstance(entity, Guideline):
        owner, shown = entity.organisation_id, (entity.organisation_id,)
    elif isinstance(entity, Company):
        owner, shown = "", ()
    elif isinstance(entity, Person):
        owner = entity.organisation_id
        owners.know(entity)
        shown = owners.reach(entity.id)
    elif isinstance(entity, (PersonSkill, Endorsement)) and not (isinstance(entity, PersonSkill) and entity.private):
        owner = owners.person_organisation(entity.person_id)
        shown = owners.reach(entity.person_id)
    elif isinstance(entity, (PersonSkill, GuidelineAcceptance, HeldCredential, *PERSONAL)):
        owner = owners.person_organisation(entity.person_id)  # type: ignore[attr-defined]
        shown = (owner,)
    elif isinstance(entity, MemberInvitation):
        owner = owners.site_organisation(entity.site_id)
        shown = (owner,)
    else:  # a task, and what hangs off it: the task's
        task = entity if isinstance(entity, Task) else owners.task(entity.task_id)  # type: ignore[attr-defined]
        owner = task.organisation_id if task is not None else ""
        shown = (owner,)
    return dataclasses.replace(seen, organisation_id=owner, organisations=shown)


def _visibility(entity: Entity, task_of: TaskLookup) -> Visibility:
    if isinstance(entity, Guideline):
        # The rule finds its organisation's admins; `reader_filter` adds the rest
        # of its people (IN_THEIR_ORGANISATION).
        return Visibility(False, Audience.SITE)
    if isinstance(entity, (Organisation, Site, Company)):
        # A company's name and CVR number are public (the company register);
        # its contact persons are people, seen as people are.
        return _EVERYONE
    if isinstance(entity, GuidelineAcceptance):
        # Who accepted what: the person and the admins who must be able to show it.
        return Visibility(False, Audience.SITE, None, (entity.person_id,))
    if isinstance(entity, Person):
        return Visibility(True, Audience.ORGANISATION, viewers=(entity.id,))
    if isinstance(entity, PersonSkill) and entity.private:
        # As private as a draft at no site: the person and admins only
        # (see `permissions.may_see_evidence_of`).
        return Visibility(False, Audience.SITE, None, (entity.person_id,))
    if isinstance(entity, (PersonSkill, Endorsement)):
        return Visibility(True, Audience.ORGANISATION, viewers=(entity.person_id,))
    if isinstance(entity, Invitation):
        # The invitee, who invited, and the task's managers.
        task = task_of(entity.task_id)
        return Visibility(
            False,
            task.audience if task else Audience.SITE,
            task.site_id if task else None,
            (entity.person_id, entity.invited_by),
        )
    if isinstance(entity, MemberInvitation):
        # Who sent it, who took it up, and the inviting site's coordinators (admins too).
        return Visibility(False, Audience.SITE, entity.site_id, (entity.invited_by, entity.person_id or ""))
    if isinstance(entity, HeldCredential):
        # The person, their home site's managers, HR (admins) and who verified it:
        # the privacy rule of desktop.core.eligibility.
        return Visibility(False, Audience.SITE, entity.site_id, (entity.person_id, entity.verified_by))
    if isinstance(entity, TaskRequirements):
        task = task_of(entity.task_id)
        return _task_visibility(task) if task else Visibility(False, Audience.SITE)
    if isinstance(entity, PERSONAL):
        # Only the person, whatever the rule says: `reader_filter` keeps these rows
        # for the people named, hidden from admins too.
        return Visibility(False, Audience.SITE, viewers=(entity.person_id,))
    if isinstance(entity, Task):
        return _task_visibility(entity)
    if isinstance(entity, Bid):
        task = task_of(entity.task_id)
        if task is None:
            return Visibility(False, Audience.SITE, None, (entity.bidder_id,), entity.home_site_id)
        return Visibility(
            False,
            task.audience,
            task.site_id,
            (task.poster_id, entity.bidder_id),
            entity.home_site_id,
            tuple(task.outsiders),
        )
    if isinstance(entity, Comment):
        task = task_of(entity.task_id)
        if task is None:
            return Visibility(False, Audience.SITE, None, (entity.author_id,))
        seen = _task_visibility(task)
        return Visibility(
            seen.published, seen.audience, seen.site_id, (*seen.viewers, entity.author_id), outsiders=seen.outsiders
        )
    raise TypeError(f"no visibility rule for {type(entity).__name__}")


def _task_visibility(task: Task) -> Visibility:
    return Visibility(
        task.published_at is not None,
        task.audience,
        task.site_id,
        (task.poster_id,),
        outsiders=tuple(task.outsiders),
        organisation_id=task.organisation_id,
        organisations=(task.organisation_id,),
    )


def encode(entity: Entity, deleted: bool, row: dict[str, Any] | None = None) -> str:
    """The wire change as JSON text; pass `row` when the caller already converted the entity.

    Its text values in NFC, whatever wrote them: the pages promise it (`Page.to_json`).
    """
    return stored(entity, deleted, row)[0]


def stored(entity: Entity, deleted: bool, row: dict[str, Any] | None = None) -> tuple[str, str, int]:
    """What a feed row holds of a change: (body, values, shape), see `_COLUMNS`.

    The body is the wire change as JSON text, {"table", "row", "deleted"}; the
    values are the row's values as a JSON array in the same order, and the shape
    the number of its (table, columns, deleted) (`shape_number`): what a page in
    columns is joined from (`Page.to_json`). Text values in NFC, whatever wrote
    them: the pages promise it. Pass `row` when the caller already converted the entity.
    Every statement that writes a body writes these with it.
    """
    row = composed(entity.to_row() if row is None else row)
    body = json.dumps({"table": entity.table, "row": row, "deleted": deleted}, ensure_ascii=False, separators=(",", ":"))
    values = json.dumps(list(row.values()), ensure_ascii=False, separators=(",", ":"))
    return body, values, _shape(entity.table, tuple(row), deleted)


# --- pages in columns (protocol.PAGE_HEADER) -------------------------------------
#
# A new workstation decodes its whole feed (480,000 changes) into dicts only to
# take each row's values out again for `executemany`; a page that holds one block
# of value lists per table and row shape decodes in half the time and frees at once
# (docs/scale-out.md, "Initial sync", sixth and seventh passes). The server never
# decodes for it: each feed row keeps its values (a JSON array) and its shape's
# number beside its body, and a page joins those bytes under each shape's head.
# A shape's number is a hash of its head, so a head is the same in every database
# and every process: one learnt from any row (`columns_of`, from the row's own
# body) or written here is good for all, and no table of shapes needs keeping
# in step with the rows, nor any statement on a push.

# head (JSON of {"table", "columns", "deleted"}) by shape number; learnt, never forgotten
# (a few dozen: one per table, column set and deleted).
_heads: dict[int, bytes] = {}
_numbers: dict[tuple[str, tuple[str, ...], bool], int] = {}


def shape_head(table: str, columns: Iterable[str], deleted: bool) -> bytes:
    """A block's head as the page writes it, JSON `{"table":..,"columns":[..],"deleted":..}` in UTF-8."""
    return json.dumps(
        {"table": table, "columns": list(columns), "deleted": deleted}, ensure_ascii=False, separators=(",", ":")
    ).encode()


def shape_number(head: bytes) -> int:
    """The number a feed row stores for its shape: the first 8 bytes of the head's SHA-256, signed (a BIGINT)."""
    return int.from_bytes(hashlib.sha256(head).digest()[:8], "big", signed=True)


def _shape(table: str, columns: tuple[str, ...], deleted: bool) -> int:
    key = (table, columns, deleted)
    number = _numbers.get(key)
    if number is None:
        head = shape_head(table, columns, deleted)
        number = shape_number(head)
        _heads[number] = head
        _numbers[key] = number
    return number


def columns_of(body: bytes) -> tuple[str, int] | None:
    """(values, shape) for a stored body, or None for one that is no wire change (server migration 19).

    Learns the shape's head on the way: how a page in columns comes to know a shape
    written by another process (`page_after`).
    """
    try:
        change = json.loads(body)
        row, table, deleted = change["row"], change["table"], change["deleted"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(row, dict) or not isinstance(table, str) or not isinstance(deleted, bool):
        return None
    values = json.dumps(list(row.values()), ensure_ascii=False, separators=(",", ":"))
    return values, _shape(table, tuple(row), deleted)


# The columns of a feed row as `_row` makes it, in order.
_COLUMNS = (
    "table_name", "entity_key", "deleted", "published", "audience", "site_id", "viewers", "at", "body",
    "worker_site_id", "outsider_kinds", "organisation_id", "organisations", "row_values", "row_shape",
)
# Those a database had before organisations (server migration 13): for earlier steps that write the feed.
_BEFORE_TENANTS = _COLUMNS[:11]
# Those it had before pages in columns (server migration 19), likewise.
BEFORE_PAGES_IN_COLUMNS = _COLUMNS[:13]


def _insert(columns: tuple[str, ...]) -> str:
    return f"INSERT INTO changes ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


_INSERT = _insert(_COLUMNS)


def _row(
    entity: Entity, deleted: bool, seen: Visibility, at: str, row: dict[str, Any] | None = None
) -> tuple[Any, ...]:
    body, values, shape = stored(entity, deleted, row)
    return (
        entity.table,
        entity.key_value(),
        deleted,
        seen.published,
        str(seen.audience),
        seen.site_id,
        seen.viewer_text(),
        at,
        body,
        seen.worker_site_id,
        seen.outsider_text(),
        seen.organisation_id,
        seen.organisations_text(),
        values,
        shape,
    )


# A task's feed row as `_reach_changed` compares it: (published, audience, outsider_kinds).
Reach = tuple[bool, str, str]
_REACH = "SELECT entity_key, published, audience, outsider_kinds FROM changes WHERE table_name = 'tasks' AND entity_key"


def reach_ahead(session: Session, task_ids: Iterable[str]) -> Callable[[], dict[str, Reach | None]]:
    """Ask now how far the feed rows of these tasks reach; the returned function gives the answer.

    For `record(..., reach=...)`, so that a push asks this with its other
    reads in one round trip (a pipelined session only queues the query).
    Valid for a task whose row the session has locked before asking (a push
    reads its tasks FOR UPDATE first): only a writer of the task writes its feed row.
    """
    wanted = sorted({t for t in task_ids if isinstance(t, str)})
    if not wanted:
        return dict
    cursor = session.execute(f"{_REACH} IN ({', '.join('?' for _ in wanted)})", wanted)
    fetched: list[Any] | None = cursor.fetchall() if session.pipeline is None else None

    def answer() -> dict[str, Reach | None]:
        rows = cursor.fetchall() if fetched is None else fetched
        found: dict[str, Reach | None] = dict.fromkeys(wanted)
        found.update({str(r[0]): (bool(r[1]), str(r[2]), str(r[3] or "")) for r in rows})
        return found

    return answer


def record(
    session: Session,
    changes: Iterable[Change],
    at: str,
    reach: dict[str, Reach | None] | None = None,
    columns: tuple[str, ...] = _COLUMNS,
) -> None:
    """Add the changes of one transaction to the feed, replacing older rows of the same entities.

    Writes each entity's row once, in one statement for the lot (an upsert on
    PostgreSQL, in key order so that two writers never wait on each other in
    a circle); the row's `xid` is the writing transaction's, which is what
    orders the feed (see the module's docstring). `reach`: what `reach_ahead`
    answered for tasks (the feed's rows as they were before this write), which
    spares a query per changed task it holds. `columns`: as `_write`'s (a migration step before the last).
    """
    latest: dict[tuple[str, str], Change] = {}
    for change in changes:
        key = (change.entity.table, change.entity.key_value())
        latest.pop(key, None)  # keep the order of last occurrence
        latest[key] = change
    if not latest:
        return

    owners = Owners(session)
    widened = [
        change.entity
        for key, change in latest.items()
        if isinstance(change.entity, Task)
        and not change.deleted
        and _reach_changed(session, key, change.entity, reach or {})
    ]
    shown_wider = across_the_border(owners, [c.entity for c in latest.values() if not c.deleted])
    _write(
        session,
        [
            _row(change.entity, change.deleted, visibility(change.entity, owners), at)
            for _, change in latest.items()
        ],
        columns,
    )
    for task in widened:
        _emit_again(session, task, at, skip=set(latest), columns=columns)
    for person_id in shown_wider:
        _show_person_again(session, owners, person_id, at, skip=set(latest), columns=columns)


def across_the_border(owners: Owners, written: Iterable[Entity]) -> list[str]:
    """The people who bid or commented on another organisation's task for the first time.

    That organisation's managers must see them (name, public skills,
    endorsements) to review the bid: they are shown to it from now on
    (`owners` remembers it; their rows must be written again, or, when
    seeding, be written after this was asked).
    """
    wider = []
    for entity in written:
        if isinstance(entity, (Bid, Comment)):
            person_id = entity.bidder_id if isinstance(entity, Bid) else entity.author_id
            task = owners.task(entity.task_id)
            if task is not None and owners.widen(person_id, task.organisation_id):
                wider.append(person_id)
    return wider


def _show_person_again(
    session: Session,
    owners: Owners,
    person_id: str,
    at: str,
    skip: set[tuple[str, str]],
    columns: tuple[str, ...] = _COLUMNS,
) -> None:
    """Write a person's row, public skills and endorsements again, shown to their wider reach."""
    person = session.unlocked(Person, person_id)
    rows: list[Entity] = [person] if person is not None else []
    rows += session.fetch(PersonSkill, "person_id = ? AND private = ?", (person_id, False))
    rows += session.fetch(Endorsement, "person_id = ?", (person_id,))
    _write(
        session,
        [_row(e, False, visibility(e, owners), at) for e in rows if (e.table, e.key_value()) not in skip],
        columns,
    )


def _write(session: Session, rows: list[tuple[Any, ...]], columns: tuple[str, ...] = _COLUMNS) -> None:
    """Replace the feed rows of these entities with `rows` (as `_row` makes them), in one statement.

    On PostgreSQL an upsert in key order, so that two writers never wait on
    each other in a circle; the row's `xid` is the writing transaction's,
    which is what orders the feed (see the module's docstring). `columns`:
    the first of `_COLUMNS` the table has (a migration step before the last).
    """
    if not rows:
        return
    rows = sorted((row[: len(columns)] for row in rows), key=lambda row: (row[0], row[1]))
    if session.dialect == "postgresql":
        one = "(" + ", ".join("?" for _ in columns) + ")"
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
        session.write_later(  # a push sends it with its other writes (`Session.hold_writes`)
            f"{_insert(columns).partition(' VALUES ')[0]} VALUES {', '.join([one] * len(rows))} "
            "ON CONFLICT (table_name, entity_key) DO UPDATE SET "
            "seq = nextval(pg_get_serial_sequence('changes', 'seq')), "
            f"xid = pg_current_xact_id()::text::bigint, {updates}",
            [value for row in rows for value in row],
        )
        return
    # SQLite writes one transaction at a time: a new row (a new seq) per change is enough.
    session.many("DELETE FROM changes WHERE table_name = ? AND entity_key = ?", [r[:2] for r in rows])
    session.many(_insert(columns), rows)


def _reach_changed(session: Session, key: tuple[str, str], task: Task, known: dict[str, Reach | None]) -> bool:
    """Whether the feed's row of this task reached fewer than `task` now does.

    Published since (what was written while it was a draft, such as its
    requirements, reached only its managers), another audience, or other
    kinds of outsiders. `known`: rows as `reach_ahead` read them.
    """
    if key[1] in known:
        before = known[key[1]]
    else:
        found = session.one(f"{_REACH} = ?", (key[1],))
        before = None if found is None else (bool(found[1]), str(found[2]), str(found[3] or ""))
    now = _task_visibility(task)
    return before is not None and before != (now.published, str(now.audience), now.outsider_text())


# What hangs off a task and carries its audience in the feed: written again when it widens.
_HANGING_OFF_TASK: tuple[type[Entity], ...] = (Comment, Bid, Invitation, TaskRequirements)


def _emit_again(
    session: Session, task: Task, at: str, skip: set[tuple[str, str]], columns: tuple[str, ...] = _COLUMNS
) -> None:
    """Write the rows hanging off `task` again, at the head of the feed, with its new audience.

    The feed decides who sees a row when it is written. When a published
    task's audience widens, or the kinds of outsiders it is open to (the only
    ways they may change once published), the
    devices newly entitled to it have cursors past its comments (and the
    rest): rows written again land behind every cursor, so those devices get
    them, and devices that had them get the same row once more (same version,
    applied as a no-op). Rows this transaction already wrote are left alone.
    """
    owners = Owners(session, tasks={task.id: task})
    rows = [
        _row(entity, False, visibility(entity, owners), at)
        for cls in _HANGING_OFF_TASK
        for entity in session.fetch(cls, "task_id = ?", (task.id,))
        if (entity.table, entity.key_value()) not in skip
    ]
    _write(session, rows, columns)


def write_task_again(session: Session, task: Task, at: str, *, before_tenants: bool = False) -> None:
    """Write `task`'s feed row and those hanging off it again, as the rule now reads them.

    For a server migration that adds a visibility fact (sync.server.migrations);
    `before_tenants` for a step before the feed knew organisations (13).
    """
    columns = _BEFORE_TENANTS if before_tenants else _COLUMNS
    _write(session, [_row(task, False, _task_visibility(task), at)], columns)
    _emit_again(session, task, at, skip={(task.table, task.key_value())}, columns=columns)


def record_new(
    session: Session,
    entities: Iterable[tuple[Entity, dict[str, Any]]],
    at: str,
    tasks: dict[str, Task],
    owners: Owners | None = None,
) -> None:
    """Bulk-add (entity, row) pairs that have no feed rows yet (seeding), in the order given.

    Pass the same `owners` to every call of one seeding, after asking it
    `across_the_border` about all the seeding's bids and comments, so that
    people are written shown to every organisation they worked for.
    """
    owners = owners or Owners(session, tasks=tasks)
    batch: list[tuple[Any, ...]] = []
    for entity, row in entities:
        batch.append(_row(entity, False, visibility(entity, owners), at, row))
        if len(batch) >= 5000:
            session.many(_INSERT, batch)
            batch.clear()
    session.many(_INSERT, batch)


# --- reading -------------------------------------------------------------------


def epoch(session: Session) -> str:
    return str(session.value("SELECT value FROM meta WHERE key = 'epoch'"))


def floor(session: Session) -> Position:
    """The position of the last pruned tombstone: cursors below it must resync."""
    return parse_position(str(session.value("SELECT value FROM meta WHERE key = 'feed_floor'", default=0)))


def high_water(session: Session) -> int:
    """A number that grows with every change to the feed (for telling whether anything changed)."""
    newest = int(session.value("SELECT max(seq) FROM changes", default=0))
    return max(newest, floor(session)[1])


Position = tuple[int, int]  # (xid, seq): where a reader is in the feed, see the module docstring


def position_text(position: Position) -> str:
    xid, seq = position
    return f"{xid}x{seq}" if xid else str(seq)


def parse_position(text: str) -> Position:
    """A position as `position_text` writes it; raises CursorGone for anything else."""
    xid_text, mark, seq_text = text.partition("x")
    if not mark:
        xid_text, seq_text = "0", text
    if not all(t.isascii() and t.isdigit() for t in (xid_text, seq_text)):
        raise CursorGone(text)
    return int(xid_text), int(seq_text)


# The newest position a reader may be given now (PostgreSQL): below the oldest
# transaction of this database still running, matched by its 32-bit xid (see
# the module's docstring). It must be a transaction's first statement, so that
# pg_stat_activity (read once per transaction) is read after its snapshot was taken.
_POSTGRES_BOUND = """CASE WHEN pg_is_in_recovery()
    THEN pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ELSE coalesce(
        (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
         WHERE mod(x::text::bigint, 4294967296) IN (
             SELECT backend_xid::text::bigint FROM pg_stat_activity
             WHERE datname = current_database() AND backend_xid IS NOT NULL)),
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
    END"""


def viewpoint(person: Person) -> str:
    """A short stamp of everything that decides what this person sees.

    Visibility is settled when a change is written, so a person who moves to
    another site or changes role cannot simply go on from an old cursor: the
    changes they may now see lie behind it. Their cursor stops matching and
    they resync, which also drops what they may no longer see.
    """
    basis = f"{person.id}|{person.role}|{person.home_site_id}|{person.kind}|{person.active}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:8]


def make_cursor(state: _FeedState, person: Person, position: Position) -> str:
    return f"{state.epoch}-{viewpoint(person)}.{position_text(position)}.{state.generation}"


@dataclass(frozen=True, slots=True)
class _Cursor:
    """A cursor's parts; `generation` is empty in cursors made before generations existed."""

    stamp: str
    position: Position
    generation: str

    @classmethod
    def parse(cls, cursor: str) -> _Cursor:
        stamp, _, rest = cursor.partition(".")
        position_part, _, generation = rest.partition(".")
        return cls(stamp, parse_position(position_part), generation)

    @property
    def epoch(self) -> str:
        return self.stamp.partition("-")[0]


@dataclass(frozen=True, slots=True)
class _FeedState:
    """The feed's epoch, floor, high water and generation, read in one round trip.

    `high` is the newest position a reader may be given now. `cursor_generation_end`
    is where the cursor's generation ended in this database: None when it is the
    current one or one this database never saw.
    """

    epoch: str
    floor: Position
    high: Position
    generation: str
    cursor_generation_end: Position | None = None

    @classmethod
    def read(cls, session: Session, cursor: _Cursor | None = None) -> _FeedState:
        """Must be the first statement of its transaction on PostgreSQL (see _POSTGRES_BOUND)."""
        return cls.ask(session, cursor)()

    @classmethod
    def ask(cls, session: Session, cursor: _Cursor | None = None) -> Callable[[], _FeedState]:
        """`read`, sent now and answered by the returned function (only queued in a pipelined session)."""
        if session.dialect == "postgresql":
            high_sql = f"{_POSTGRES_BOUND}, 0"
        else:
            high_sql = "0, (SELECT max(seq) FROM changes)"
        sent = session.execute(
            "SELECT (SELECT value FROM meta WHERE key = 'epoch'), "
            f"(SELECT value FROM meta WHERE key = 'feed_floor'), {high_sql}, "
            "(SELECT value FROM meta WHERE key = 'generation'), "
            "(SELECT ended_xid FROM generations WHERE id = ?), "
            "(SELECT ended_seq FROM generations WHERE id = ?)",
            (cursor.generation if cursor else "",) * 2,
        )
        ready = sent.fetchone() if session.pipeline is None else None
        return lambda: cls._parse(sent.fetchone() if ready is None else ready)

    @classmethod
    def _parse(cls, found: Any) -> _FeedState:
        assert found is not None
        floor_position = parse_position(str(found[1] or 0))
        return cls(
            str(found[0]),
            floor_position,
            max((int(found[2] or 0), int(found[3] or 0)), floor_position),
            str(found[4]),
            None if found[6] is None else (int(found[5] or 0), int(found[6])),
        )

    def gave_out(self, cursor: _Cursor) -> bool:
        """Whether this database's history holds the point `cursor` names (any viewpoint)."""
        if cursor.epoch != self.epoch:
            return False
        if not cursor.generation or cursor.generation == self.generation:
            return cursor.position <= self.high
        # An earlier generation: both the transaction id and the seq within what it
        # reached here. Transaction ids go on after a backup is restored into the same
        # cluster, but seqs start again from the backup's, so a cursor from the lost
        # future names a seq this database never reached (ended_seq is the feed's
        # newest seq when the generation ended, never less than any cursor's).
        end = self.cursor_generation_end
        return end is not None and cursor.position[0] <= end[0] and cursor.position[1] <= end[1]


def _continue_after(state: _FeedState, person: Person, cursor: str | None) -> Position:
    if not cursor:
        return (0, 0)
    parsed = _Cursor.parse(cursor)
    if parsed.stamp != f"{state.epoch}-{viewpoint(person)}" or not state.gave_out(parsed):
        raise CursorGone(cursor)
    if parsed.position < state.floor:
        raise CursorGone(cursor)
    return parsed.position


def from_another_future(session: Session, cursor: str) -> bool:
    """Whether a device's cursor names a point this database's history does not hold.

    True after a restore from a backup (or a new epoch): what the device was
    told since then is gone here, so it must resync, and send again what the
    server had confirmed, before it sends anything new (see sync.engine).
    A cursor made for another viewpoint of the same history is not from
    another future; the pull sorts that out on its own.
    """
    return future_ahead(session, cursor)()


def future_ahead(session: Session, cursor: str) -> Callable[[], bool]:
    """`from_another_future`, asked now and answered by the returned function.

    A pipelined session only queues the query, so a push asks it together
    with its credential check and its other reads, in one round trip.
    """
    try:
        parsed = _Cursor.parse(cursor)
    except CursorGone:
        return lambda: True
    state = _FeedState.ask(session, parsed)
    return lambda: not state().gave_out(parsed)


class _FeedColumns:
    """The columns of `changes` that hold a change's visibility facts (see `Visibility`).

    `feed_tail._row_test` asks the same questions of a row held in memory:
    change one, change the other (tests/server/test_visibility.py compares them).
    """

    def poster_is(self, person_id: str) -> Sql:
        return Sql("viewers LIKE ? ESCAPE '!'", ("%|" + _like_escape(person_id) + "|%",))

    def site_is(self, site_id: str) -> Sql:
        return Sql("site_id = ?", (site_id,))

    def audience_is(self, audience: Audience) -> Sql:
        return Sql("audience = ?", (str(audience),))

    def published(self) -> Sql:
        return Sql("published = ?", (True,))

    def worker_site_is(self, site_id: str) -> Sql:
        return Sql("worker_site_id = ?", (site_id,))

    def open_to_kind(self, kind: str) -> Sql:
        return Sql("(outsider_kinds = '' OR outsider_kinds LIKE ? ESCAPE '!')", ("%|" + _like_escape(kind) + "|%",))

    def organisation_is(self, organisation_id: str) -> Sql:
        return Sql("organisations LIKE ? ESCAPE '!'", ("%|" + _like_escape(organisation_id) + "|%",))


def reader_filter(person: Person) -> tuple[str, list[Any]]:
    """The SQL condition that keeps the changes this person may see."""
    rule = permissions.visibility_sql(person, _FeedColumns())
    named = _FeedColumns().poster_is(person.id)
    own = ", ".join(f"'{entity.table}'" for entity in PERSONAL)
    text = f"(table_name NOT IN ({own}) AND {rule.text}) OR (table_name IN ({own}) AND {named.text})"
    params = [*rule.params, *named.params]
    if person.active:
        theirs = _FeedColumns().organisation_is(person.organisation_id)
        shared = ", ".join(f"'{entity.table}'" for entity in IN_THEIR_ORGANISATION)
        text += f" OR (table_name IN ({shared}) AND {theirs.text})"
        params += theirs.params
    return f"({text})", params


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


@dataclass(frozen=True, slots=True)
class Page:
    bodies: list[bytes]  # each change's stored JSON, as UTF-8 bytes straight from the database
    cursor: str
    more: bool
    # A page in columns (`in_columns`): its changes as blocks, each a shape's
    # head joined with its rows' stored values, `bodies` then empty.
    blocks: list[bytes] | None = None

    def to_json(self, around: tuple[bytes, bytes] = (b"", b"")) -> bytes:
        """The pull response, without decoding and re-encoding the stored changes; `around` written before and after it.

        It promises the rows' text in NFC (protocol.PullPage `nfc`): `encode` writes
        every body so, and server migration 14 rewrote those written before.

        The page (about 340 KB under the benchmark's load) is copied once: the
        small head and tail are joined to the first and last bodies, and the one
        `join` writes everything. Each further copy of a block this size (a
        concatenation per wrapping, as before) costs a fresh allocation and, in
        the worker threads' malloc arenas, page faults: 270 against 110 µs per
        page in a microbenchmark over 100,000 scattered bodies (docs/scale-out.md
        "Fifth pass"). `around`: the push answer's wrapping (app.push_operations).
        A page in columns says `"changes":[]` and its blocks under `"tables"`
        (protocol.PullPage).
        """
        head = around[0] + b'{"changes":['
        if self.blocks is not None:
            head += b'],"tables":['
            bodies = self.blocks
        else:
            bodies = self.bodies
        tail = (
            f'],"cursor":{json.dumps(self.cursor)},"more":{"true" if self.more else "false"},"nfc":true}}'.encode()
            + around[1]
        )
        if not bodies:
            return head + tail
        if len(bodies) == 1:
            return head + bodies[0] + tail
        parts = list(bodies)
        parts[0] = head + parts[0]
        parts[-1] = parts[-1] + tail
        return b",".join(parts)

    def headers(self) -> dict[str, str]:
        """The cursor and `more` as headers too (protocol.PULL_CURSOR_HEADER), when a header can hold the cursor.

        Cursors are ASCII; one that is not (never made here) is left to the body.
        """
        if not (self.cursor.isascii() and self.cursor.isprintable()):
            return {}
        return {
            protocol.PULL_CURSOR_HEADER: self.cursor,
            protocol.PULL_MORE_HEADER: "true" if self.more else "false",
        }


# A guideline's and an invitation's change as `encode` writes them: the table first, no spaces.
_GUIDELINE_BODY = b'{"table":"guidelines",'
_INVITATION_BODY = b'{"table":"member_invitations",'


def as_stored_by(page: Page, rows: str | None) -> Page:
    """`page` as a client that sends `rows` (its protocol.ROWS_HEADER, None: none) can store it.

    A client that sends none is older than each organisation's own guidelines
    (issue 16): its `guidelines` rows lose `organisation_id`, a column its store
    does not have (the set that reaches it is its own organisation's, which it
    keys by audience). One that sends less than 3 (or none) is older than an
    invitation's `mail`: its `member_invitations` rows lose that column. A current
    client's page is given back as it is, unread.
    """
    version = int(rows) if rows is not None and rows.isdigit() else 1
    if version >= 3:
        return page
    dropped = {_INVITATION_BODY: "mail", **({_GUIDELINE_BODY: "organisation_id"} if rows is None else {})}
    return dataclasses.replace(page, bodies=[_without(b, dropped) for b in page.bodies])


def _without(body: bytes, dropped: dict[bytes, str]) -> bytes:
    """`body` without the column `dropped` names for its table (by how the body starts), if any."""
    column = next((c for start, c in dropped.items() if body.startswith(start)), None)
    if column is None:
        return body
    change = json.loads(body)
    change["row"].pop(column, None)
    return json.dumps(change, ensure_ascii=False, separators=(",", ":")).encode()


_page_order = operator.itemgetter(0, 1, 2)  # a page query's rows: (part, xid, seq), the newest seq last


def page(session: Session, person: Person, cursor: str | None, limit: int, *, in_columns: bool = False) -> Page:
    """The next page of changes this person may see, after `cursor`.

    The page's query must see a snapshot taken after the bound's (the first
    statement, see `_POSTGRES_BOUND`): run it outside an explicit transaction
    (`Database.statement()`) or in one at READ COMMITTED, never REPEATABLE READ.
    `in_columns`: as `page_after`'s.
    """
    state, after = where_to_continue(session, person, cursor)
    return page_after(session, state, person, after, limit, in_columns=in_columns)


def in_columns_for(asked: str | None, rows: str | None) -> bool:
    """Whether a pull asking `asked` (its protocol.PAGE_HEADER) with `rows` (its ROWS_HEADER) gets a page in columns.

    Only for a client that stores today's rows (`as_stored_by` leaves its pages
    as they are): the columns of older ones' are not what the feed stores.
    """
    return asked == protocol.PAGE_IN_COLUMNS and rows is not None and rows.isdigit() and int(rows) >= 3


def where_to_continue(session: Session, person: Person, cursor: str | None) -> tuple[_FeedState, Position]:
    """The feed's state now, and the position after which this person's next page starts.

    Must be the first statement of its transaction (see `_POSTGRES_BOUND`).
    Raises CursorGone for a cursor that cannot be continued.
    """
    return continue_ahead(session, cursor)(person)


def continue_ahead(session: Session, cursor: str | None) -> Callable[[Person], tuple[_FeedState, Position]]:
    """`where_to_continue`, its query sent now, answered for a person by the returned function.

    In a pipelined session the query is only queued: a pull sends it first,
    then the credential check, in one round trip (the same implicit
    transaction, of which the bound is the first statement as it must be).
    A cursor that cannot even be parsed sends nothing; the function raises CursorGone.
    """
    try:
        parsed = _Cursor.parse(cursor) if cursor else None
    except CursorGone:

        def gone(person: Person) -> tuple[_FeedState, Position]:
            raise CursorGone(cursor)

        return gone
    state = _FeedState.ask(session, parsed)
    return lambda person: (answered := state(), _continue_after(answered, person, cursor))


def page_after(
    session: Session, state: _FeedState, person: Person, after: Position, limit: int, *, in_columns: bool = False
) -> Page:
    """`page` from `after`, read from the database (`state` from `where_to_continue`).

    `in_columns`: the page in columns (`Page.blocks`, see "pages in columns" above)
    where every row has its values and shape stored and each shape's head is
    known or learnt from a body; otherwise (a row written by an older server's
    code and not yet back-filled) the same page of bodies.
    """
    # The bodies come as bytes, never decoded into str and encoded again (a full
    # page is about 7 MB): 40 % of the server's time for a page on SQLite.
    body = "convert_to(body, 'UTF8')" if session.dialect == "postgresql" else "CAST(body AS BLOB)"
    if not in_columns:
        rows, position, more = _page_rows(session, state, person, after, limit, (body,))
        return Page([bytes(r[3]) for r in rows], make_cursor(state, person, position), more)
    values = "convert_to(row_values, 'UTF8')" if session.dialect == "postgresql" else "CAST(row_values AS BLOB)"
    rows, position, more = _page_rows(session, state, person, after, limit, ("row_shape", values))
    if not all(r[3] in _heads and r[4] is not None for r in rows):
        # Once per shape and process (a head is learnt from the row's own body), or
        # rows without values: read again with the bodies. The second read is a page
        # of its own, as valid as the first (a later snapshot, the same bound).
        rows, position, more = _page_rows(session, state, person, after, limit, ("row_shape", values, body))
        for r in rows:
            if r[3] is not None and r[3] not in _heads:
                columns_of(bytes(r[5]))  # learns the body's shape (one that is not r[3]'s is left unknown)
        if not all(r[3] in _heads and r[4] is not None for r in rows):
            return Page([bytes(r[5]) for r in rows], make_cursor(state, person, position), more)
    shaped: dict[int, list[bytes]] = {}
    for r in rows:
        found = shaped.get(r[3])
        if found is None:
            shaped[r[3]] = found = []
        found.append(r[4])
    blocks = [_heads[shape][:-1] + b',"rows":[' + b",".join(v) + b"]}" for shape, v in shaped.items()]
    return Page([], make_cursor(state, person, position), more, blocks)


def _page_rows(
    session: Session, state: _FeedState, person: Person, after: Position, limit: int, selected: tuple[str, ...]
) -> tuple[list[Any], Position, bool]:
    """The rows of the page from `after`, (part, xid, seq, *selected) in feed order; the position reached; more."""
    high = state.high
    condition, params = reader_filter(person)
    names = [f"c{i}" for i in range(len(selected))]
    named = ", ".join(f"{s} AS {n}" for s, n in zip(selected, names, strict=True))
    # The newest seq comes along (part 1) for the caught-up position, see below.
    query = (
        f"WITH page AS (SELECT xid, seq, {named} FROM changes "
        f"WHERE (xid, seq) > (?, ?) AND (xid, seq) <= (?, ?) AND {condition} "
        f"ORDER BY xid, seq LIMIT {int(limit) + 1}) "
        f"SELECT 0 AS part, xid, seq, {', '.join(names)} FROM page "
        f"UNION ALL SELECT 1, 0, max(seq), {', '.join('NULL' for _ in names)} FROM changes"
    )
    if session.dialect == "postgresql":
        # In binary format: a bytea travels as its bytes, not as hex text that
        # PostgreSQL writes and psycopg reads back (a page of 700 changes: the
        # query's time in PostgreSQL 2.6 -> 1.3 ms, the reading 1.5 -> 0.5 ms).
        found = session.connection.execute(session.sql(query), [*after, *high, *params], binary=True).fetchall()
    else:
        found = session.execute(query, [*after, *high, *params]).fetchall()
    # Put in order here, not by the query: a second sort of the page's rows, bodies
    # and all, cost PostgreSQL an eighth of the query's time; already (nearly) in
    # order, they cost Python one pass.
    found.sort(key=_page_order)
    rows, newest_seq = found[:-1], int(found[-1][2] or 0)
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, (int(rows[-1][1]), int(rows[-1][2])), True
    return rows, max(caught_up_position(state, newest_seq), after), False


def caught_up_position(state: _FeedState, newest_seq: int) -> Position:
    """Where a reader stands who has every row below `state.high`, seen by a later statement.

    Caught up to (bound, 0). Said as (bound - 1, newest seq), which reads the same:
    every row below the bound has ended, and a statement after the bound's sees them
    all, each with a seq of at most the newest (`newest_seq`, read by that statement).
    That position also carries the feed's newest seq, which a restored backup has
    not reached (see `_FeedState.gave_out`). On SQLite the bound itself.
    """
    high = state.high
    return (high[0] - 1, max(newest_seq, state.floor[1])) if high[0] else high


# --- keeping the feed small ------------------------------------------------------


def prune_tombstones(session: Session, before: str) -> int:
    """Drop tombstones written before `before`; cursors older than the last one must resync."""
    found = session.one(
        "SELECT xid, seq FROM changes WHERE deleted = ? AND at < ? ORDER BY xid DESC, seq DESC LIMIT 1",
        (True, before),
    )
    if found is None:
        return 0
    last = (int(found[0]), int(found[1]))
    count = int(
        session.value(
            "SELECT count(*) FROM changes WHERE deleted = ? AND (xid, seq) <= (?, ?)", (True, *last)
        )
    )
    session.execute("DELETE FROM changes WHERE deleted = ? AND (xid, seq) <= (?, ?)", (True, *last))
    session.execute(
        "UPDATE meta SET value = ? WHERE key = 'feed_floor'",
        (position_text(max(last, floor(session))),),
    )
    return count


def start_new_epoch(session: Session, epoch_id: str) -> None:
    """Every device resyncs from scratch (after a restore this happens on its own, see above)."""
    session.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (epoch_id,))


def begin_generation(session: Session) -> str:
    """Start a new generation at a server start; returns its id.

    The one before it is recorded with the feed position it reached, which
    is, after a restore, the backup's: cursors it gave out beyond that point
    are recognised as from another future. Several workers starting at once
    each begin one; that costs nothing, since every earlier one stays known.
    """
    previous = session.value("SELECT value FROM meta WHERE key = 'generation'")
    bound = _FeedState.read(session).high
    ended = (bound[0], max(bound[1], high_water(session)))  # see _FeedState.gave_out
    session.execute(
        "INSERT INTO generations (id, ended_xid, ended_seq, ended_at) VALUES (?, ?, ?, ?)",
        (str(previous), *ended, utc_now()),
    )
    generation = secrets.token_hex(6)
    session.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (generation,))
    return generation
