"""The feed's newest rows, held by each server process and shared by every device's pull.

Every workstation of an organisation pulls the same new changes: at 500
devices each change is read out of the database once per device (about 5 µs
of PostgreSQL's CPU per change and device, most of its share of a round,
docs/scale-out.md). A `Tail` reads each new feed row once per server process,
with the facts that decide who sees it, and answers the pulls of every device
whose cursor lies inside what it holds: the page's rows are picked in Python
and their stored bytes sent as they are.

**Never skip.** The tail holds every row of the feed in (`base`, `top`],
read by statements that each came after a bound's (see sync.server.feed:
every transaction below the bound has ended, and a later statement sees
all its rows). It grows only by such a read starting at its own `top`, so
the range stays whole: no row can later appear inside it, however writers'
commits interleave. A row replaced after it was read keeps its old copy in
the tail, and its new copy lands above the bound of that read, so above
`top`: a device is served exactly what a pull at the time of the read would
have served, then the new copy, as the database would. A pull whose bound
is above `covered` first reads what lies between (one query for the whole
process, not one per device); a cursor below `base` (a new workstation, one
far behind) is answered by the database as before (`feed.page_after`).

**Who sees what.** The rule is `permissions.TASK_VISIBLE`, read here over a
row's stored facts exactly as `feed._FeedColumns` reads it in SQL (see
`_row_test`): what the database's `reader_filter` keeps, this keeps (checked
against the database in tests/server/test_feed_tail.py on both engines).
A term this reading does not know turns the tail off (the database answers).
Which rows a *class* of readers sees (the person facts the rule asks: role,
activity, home site, kind, organisation) is worked out once per row and
class; the rows a person sees because they are named on them (`viewers`:
their own drafts, bids, personal rows) are looked up by their id.

**Bounded.** At most `max_rows` rows and `max_bytes` of bodies; beyond that
the oldest are dropped and `base` rises. A new epoch or generation of the
feed, or a bound below what the tail covers (a restored database), starts
it afresh.

Each worker process has its own tail: nothing is shared between processes,
so any number of workers stay correct side by side.
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import itertools
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.core import permissions
from desktop.core.entities import Person
from sync.server import accounts, feed
from sync.server.errors import ApiError
from sync.server.storage import Database, Session

log = logging.getLogger("knop.server")

# How many rows a process holds at most (0: no tail, every pull asks the database).
ROWS_ENV = "KNOP_SERVER_TAIL_ROWS"
# About 20 s of the benchmark at 1,000 ops/s (its devices pull every 2 s), some 10 MB
# per worker: small beside a worker's memory, so that `make soak`'s memory stays flat.
DEFAULT_ROWS = 10_000
DEFAULT_BYTES = 8 * 1024 * 1024
# A read of more new rows than this at once starts the tail afresh above them.
_MOST_AT_ONCE = 5_000

# A held row: the columns `_READ` names, in order, the body as bytes last.
Row = tuple[Any, ...]
_XID, _SEQ, _TABLE, _PUBLISHED, _AUDIENCE, _SITE, _VIEWERS, _WORKER_SITE, _OUTSIDERS, _ORGANISATIONS, _BODY = range(11)
_READ = (
    "xid, seq, table_name, published, audience, site_id, viewers, worker_site_id, outsider_kinds, organisations"
)
_PERSONAL_TABLES = frozenset(entity.table for entity in feed.PERSONAL)
_THEIR_ORGANISATIONS_TABLES = frozenset(entity.table for entity in feed.IN_THEIR_ORGANISATION)

RowTest = Callable[[Row], bool]

_PERSON_FIELDS = tuple(f.name for f in dataclasses.fields(Person))
_READERS_HELD = 10_000  # people whose reader is remembered (`Tail._reader`)


class Unsupported(Exception):
    """The visibility rule has a term `_row_test` cannot read exactly as the SQL does."""


# SQLite's LIKE folds ASCII letters (PostgreSQL's does not); the bar columns are
# compared folded on SQLite, so that the tail keeps what that database's SQL keeps.
_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _row_test(
    term: permissions.Term, person: Person, named: bool, fold: bool, key: list[Any]
) -> RowTest | bool:
    """`term` for `person` as a test of a held row, or a constant; the facts it used are added to `key`.

    The row-side twin of `feed._FeedColumns`: each leaf asks the same column
    the same question (LIKE '%|x|%' is a substring test of "|x|"; `fold`: ASCII
    letters folded, as SQLite's LIKE does). `named`: whether the person is named
    on the row (`PostedByThem`), which `Tail` settles by the row's viewers.
    Raises Unsupported for a term it does not know, or a NOT over a column
    (SQL's NULLs would answer it differently).
    """
    columns = feed._FeedColumns()
    if isinstance(term, permissions.PersonIs):
        holds = term.sql(person, columns) == permissions.TRUE
        key.append(holds)
        return holds
    if isinstance(term, permissions.PostedByThem):
        return named
    if isinstance(term, permissions.Published):
        return _published
    if isinstance(term, permissions.AudienceIs):
        audience = str(term.audience)
        return lambda row: row[_AUDIENCE] == audience
    if isinstance(term, (permissions.AtTheirSite, permissions.WorkFromTheirSite)):
        site = person.home_site_id
        key.append(site)
        if site is None:
            return False
        at = _SITE if isinstance(term, permissions.AtTheirSite) else _WORKER_SITE
        return lambda row: row[at] == site
    if isinstance(term, permissions.OpenToTheirKind):
        kind = _bar(str(person.kind), fold)
        key.append(kind)
        return lambda row: row[_OUTSIDERS] == "" or kind in (row[_OUTSIDERS] or "")
    if isinstance(term, permissions.InTheirOrganisation):
        organisation = _bar(person.organisation_id, fold)
        key.append(organisation)
        return lambda row: organisation in (row[_ORGANISATIONS] or "")
    if isinstance(term, permissions.Not):
        inner = _row_test(term.term, person, named, fold, key)
        if not isinstance(inner, bool) or inner != _row_test(term.term, person, not named, fold, []):
            # A column's NULL makes SQL's NOT unknown; and a rule that asks "not named"
            # would make being named hide rows, which `Tail` does not allow for.
            raise Unsupported(f"NOT over a column or over being named: {term!r}")
        return not inner
    if isinstance(term, (permissions.AllOf, permissions.AnyOf)):
        every = isinstance(term, permissions.AllOf)
        tests: list[RowTest] = []
        for part in term.terms:
            found = _row_test(part, person, named, fold, key)
            if found is (not every):  # a FALSE in an AND, a TRUE in an OR decides it
                return not every
            if not isinstance(found, bool):
                tests.append(found)
        if not tests:
            return every
        if len(tests) == 1:
            return tests[0]
        if every:
            return lambda row: all(test(row) for test in tests)
        return lambda row: any(test(row) for test in tests)
    raise Unsupported(f"no row test for {type(term).__name__}")


def _published(row: Row) -> bool:
    return bool(row[_PUBLISHED])


def _bar(word: str, fold: bool) -> str:
    """"|word|", as `feed._bars` writes each word of a bar column (folded on SQLite)."""
    return f"|{word.translate(_ASCII_FOLD) if fold else word}|"


@dataclass(frozen=True, slots=True)
class _Reader:
    """What a class of readers sees, as tests of a held row (see `_row_test`)."""

    key: tuple[Any, ...]
    unnamed: RowTest | bool  # the rule for a reader not named on the row
    named: RowTest | bool  # the rule for a reader named on it
    # "|organisation|" of an active reader, who sees their organisation's rows of
    # `feed.IN_THEIR_ORGANISATION` whatever the rule says; None for an inactive one.
    organisation: str | None = None

    @classmethod
    def of(cls, person: Person, fold: bool) -> _Reader:
        key: list[Any] = []
        unnamed = _row_test(permissions.TASK_VISIBLE, person, False, fold, key)
        named = _row_test(permissions.TASK_VISIBLE, person, True, fold, key)
        organisation = _bar(person.organisation_id, fold) if person.active else None
        key.append(organisation)
        return cls(tuple(key), unnamed, named, organisation)


@dataclass(slots=True)
class _Seen:
    """Which held rows one class of readers sees, by index (`Tail`'s numbering); extended as rows arrive."""

    done: int  # rows below this index are sorted in
    shared: list[int] = field(default_factory=list)  # seen by every reader of the class
    # The bodies of `shared`, in step with it: a page of the class's rows alone is one
    # slice of this list, not a Python loop over indices (7 % of the server's samples).
    shared_bodies: list[bytes] = field(default_factory=list)
    by_name: dict[str, list[int]] = field(default_factory=dict)  # seen by the people named on them only


@dataclass(frozen=True, slots=True)
class Served:
    """What a tail answers a pull: the bodies in feed order and the position reached."""

    bodies: list[bytes]
    position: feed.Position
    more: bool


class Tail:
    """The newest rows of one database's feed, for the pulls of one server process. Thread-safe.

    `page` answers a pull from it (reading the rows that are new first), or
    returns None where the database must answer.
    """

    def __init__(
        self,
        dialect: str,
        *,
        max_rows: int = DEFAULT_ROWS,
        max_bytes: int = DEFAULT_BYTES,
        start: feed.Position | None = None,
    ) -> None:
        """`start`: where the tail begins; None (a server's) at the first pull's bound.

        A tail that starts at (0, 0) reads the whole feed at its first pull (for tests).
        """
        self.dialect = dialect
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self._fold = dialect == "sqlite"
        self._lock = threading.Lock()
        self._off = False
        self._readers: dict[tuple[Any, ...], _Reader] = {}
        self._begin = start
        self._start(("", ""), start)

    def _start(self, life: tuple[str, str], at: feed.Position | None) -> None:
        """Hold nothing, from `at` on (None: from the next read), for the feed's `life` (epoch, generation)."""
        self._life = life
        self.base: feed.Position | None = at
        self.top: feed.Position | None = at  # the caught-up position of what is held
        self.covered: feed.Position = (0, 0)  # the bound it was read up to
        self._first = 0  # the index of the first row held; indices go on across drops
        self._positions: list[feed.Position] = []
        self._rows: list[Row] = []
        self._bodies: list[bytes] = []  # the rows' bodies again, for `_serve`
        self._bytes = 0
        self._seen: dict[tuple[Any, ...], _Seen] = {}

    @classmethod
    def from_env(cls, dialect: str) -> Tail | None:
        """A tail of `KNOP_SERVER_TAIL_ROWS` rows (default 10,000), or None for 0."""
        rows = int(os.environ.get(ROWS_ENV, DEFAULT_ROWS))
        return cls(dialect, max_rows=rows) if rows > 0 else None

    def __len__(self) -> int:
        return len(self._rows)

    def page(
        self, session: Session, state: feed._FeedState, person: Person, after: feed.Position, limit: int
    ) -> Served | None:
        """The next page after `after` for `person`, or None when the database must answer.

        `state` is the feed's as `feed.where_to_continue` read it, in an earlier
        statement on `session` (which must be outside an explicit transaction,
        or at READ COMMITTED: a read it makes must see a later snapshot).
        """
        if self._off:
            return None
        try:
            reader = self._reader(person)
        except Unsupported as error:
            log.warning("the feed's tail is off, every pull asks the database: %s", error)
            self._off = True
            return None
        if "|" in person.id:
            return None  # a bar in an id reads differently as a LIKE of "|id|": the database answers
        life = (state.epoch, state.generation)
        with self._lock:
            if life != self._life:
                # Another life of the feed (a new epoch, a restart after a restore), or the first pull.
                self._start(life, self._begin if self._life == ("", "") else None)
            top, covered = self.top, self.covered
        if covered < state.high:
            self._read_new(session, state, top)
        with self._lock:
            if self._life != life or self.base is None or self.top is None or self.covered < state.high:
                return None
            if after < self.base:
                return None
            return self._serve(reader, person, after, limit)

    def _reader(self, person: Person) -> _Reader:
        """`_Reader.of(person)`, remembered by everything the person is (walking the rule per pull was 3 % of the server's samples).

        Keyed by every field of the person, so a person whose role, activity,
        site or anything else changed gets a reader of their own. Forgotten all
        at once when `_READERS_HELD` are held.
        """
        key = tuple(tuple(v) if isinstance(v, list) else v for v in map(person.__getattribute__, _PERSON_FIELDS))
        reader = self._readers.get(key)
        if reader is None:
            if len(self._readers) >= _READERS_HELD:
                self._readers.clear()
            reader = self._readers[key] = _Reader.of(person, self._fold)
        return reader

    def _read_new(self, session: Session, state: feed._FeedState, top: feed.Position | None) -> None:
        """Read every row in (top, state.high] and add them (see the module's docstring)."""
        high = state.high
        since = top if top is not None else ((high[0] - 1, 0) if high[0] else high)
        body = "convert_to(body, 'UTF8')" if self.dialect == "postgresql" else "CAST(body AS BLOB)"
        query = (
            f"WITH new AS (SELECT {_READ}, {body} AS body FROM changes "
            "WHERE (xid, seq) > (?, ?) AND (xid, seq) <= (?, ?) "
            f"ORDER BY xid, seq LIMIT {_MOST_AT_ONCE + 1}) "
            f"SELECT 0 AS part, {_READ}, body FROM new "
            "UNION ALL SELECT 1, 0, max(seq), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM changes"
        )
        if self.dialect == "postgresql":
            found = session.connection.execute(session.sql(query), [*since, *high], binary=True).fetchall()
        else:
            found = session.execute(query, [*since, *high]).fetchall()
        found.sort(key=lambda r: (r[0], r[1], r[2]))  # see feed.page_after: cheaper here than in the query
        newest_seq = int(found[-1][2] or 0)
        rows = [self._held(r[1:]) for r in found[:-1]]
        reached = feed.caught_up_position(state, newest_seq)
        with self._lock:
            if (state.epoch, state.generation) != self._life:
                return
            if top is not None and reached[1] < top[1]:
                # Seqs only grow, and `top` was read before this: the database went back
                # (a backup restored under a running server). Hold nothing of the lost future.
                self._start(self._life, None)
                return
            if len(rows) > _MOST_AT_ONCE:
                self._start(self._life, max(reached, self.top or reached))
                self.covered = high
                return
            if self.top is None:
                if top is not None:
                    return  # started afresh while these were read: they may be of what was dropped
                self.base = self.top = since
            if since > self.top or high <= self.covered:
                return  # the tail moved on without these (started afresh, or read further by another pull)
            for row in rows:
                position = (row[_XID], row[_SEQ])
                if position > self.top:
                    self._positions.append(position)
                    self._rows.append(row)
                    self._bodies.append(row[_BODY])
                    self._bytes += len(row[_BODY])
            self.top = max(self.top, reached)
            self.covered = high
            self._keep_within_bounds()

    def _held(self, found: Row) -> Row:
        """A row as read, as held: integers, bytes, bar columns folded where SQLite's LIKE folds."""
        row = list(found)
        row[_XID], row[_SEQ], row[_BODY] = int(row[_XID]), int(row[_SEQ]), bytes(row[_BODY])
        if self._fold:
            for at in (_VIEWERS, _OUTSIDERS, _ORGANISATIONS):
                if row[at] is not None:
                    row[at] = row[at].translate(_ASCII_FOLD)
        return tuple(row)

    def _keep_within_bounds(self) -> None:
        """Drop the oldest rows down to three quarters of the limits; `base` rises to the last dropped."""
        if len(self._rows) <= self.max_rows and self._bytes <= self.max_bytes:
            return
        drop, dropped_bytes = 0, 0
        while drop < len(self._rows) and (
            len(self._rows) - drop > self.max_rows * 3 // 4 or self._bytes - dropped_bytes > self.max_bytes * 3 // 4
        ):
            dropped_bytes += len(self._rows[drop][_BODY])
            drop += 1
        if drop == 0:
            return
        self.base = self._positions[drop - 1]
        del self._positions[:drop], self._rows[:drop], self._bodies[:drop]
        self._bytes -= dropped_bytes
        self._first += drop
        for seen in self._seen.values():
            gone = bisect.bisect_left(seen.shared, self._first)
            del seen.shared[:gone], seen.shared_bodies[:gone]
            for name, indices in list(seen.by_name.items()):
                del indices[: bisect.bisect_left(indices, self._first)]
                if not indices:
                    del seen.by_name[name]

    def _serve(self, reader: _Reader, person: Person, after: feed.Position, limit: int) -> Served:
        """Called with the lock held."""
        assert self.top is not None
        seen = self._sorted(reader)
        start = self._first + bisect.bisect_right(self._positions, after)
        name = person.id.translate(_ASCII_FOLD) if self._fold else person.id
        own = seen.by_name.get(name, ())
        first = self._first
        if not own or own[-1] < start:
            # Only the class's rows: the page is a slice of their bodies.
            low = bisect.bisect_left(seen.shared, start)
            bodies = seen.shared_bodies[low : low + limit]
            if len(seen.shared) - low > limit:
                return Served(bodies, self._positions[seen.shared[low + limit - 1] - first], True)
            return Served(bodies, max(self.top, after), False)
        shared = itertools.islice(seen.shared, bisect.bisect_left(seen.shared, start), None)
        picked = list(
            itertools.islice(heapq.merge(shared, itertools.islice(own, bisect.bisect_left(own, start), None)), limit + 1)
        )
        held = self._bodies
        bodies = [held[i - first] for i in picked[:limit]]
        if len(picked) > limit:
            return Served(bodies, self._positions[picked[limit - 1] - first], True)
        return Served(bodies, max(self.top, after), False)

    def _sorted(self, reader: _Reader) -> _Seen:
        """The class's `_Seen`, brought up to every row held. Called with the lock held."""
        seen = self._seen.get(reader.key)
        if seen is None:
            seen = self._seen[reader.key] = _Seen(self._first)
        end = self._first + len(self._rows)
        unnamed, named, organisation = reader.unnamed, reader.named, reader.organisation
        for index in range(max(seen.done, self._first), end):
            row = self._rows[index - self._first]
            personal = row[_TABLE] in _PERSONAL_TABLES
            theirs = (
                organisation is not None
                and row[_TABLE] in _THEIR_ORGANISATIONS_TABLES
                and organisation in (row[_ORGANISATIONS] or "")
            )
            if not personal and (theirs or (unnamed if isinstance(unnamed, bool) else unnamed(row))):
                seen.shared.append(index)
                seen.shared_bodies.append(row[_BODY])
            elif row[_VIEWERS] and (personal or (named if isinstance(named, bool) else named(row))):
                for name in feed._from_bars(row[_VIEWERS]):
                    seen.by_name.setdefault(name, []).append(index)
        seen.done = end
        return seen


def page(
    session: Session, tail: Tail | None, person: Person, cursor: str | None, limit: int
) -> feed.Page:
    """`feed.page`, answered from `tail` where it can (see `Tail.page`), else by the database.

    Raises feed.CursorGone for a cursor that cannot be continued.
    """
    return page_from(session, tail, person, feed.where_to_continue(session, person, cursor), limit)


def page_from(
    session: Session,
    tail: Tail | None,
    person: Person,
    where: tuple[feed._FeedState, feed.Position],
    limit: int,
    *,
    in_columns: bool = False,
) -> feed.Page:
    """`page`, with the feed's state and the position to go on from already read (`feed.continue_ahead`).

    `in_columns` (`feed.page_after`'s) is answered by the database, never by the tail:
    only a bulk load asks for it, whose pages are mostly far behind the tail, and the
    tail would hold every row's values a second time for it.
    """
    state, after = where
    if in_columns:
        return feed.page_after(session, state, person, after, limit, in_columns=True)
    served = tail.page(session, state, person, after, limit) if tail is not None else None
    if served is None:
        return feed.page_after(session, state, person, after, limit)
    return feed.Page(served.bodies, feed.make_cursor(state, person, served.position), served.more)


def pull_request(
    db: Database,
    tail: Tail | None,
    device_header: str | None,
    token: str | None,
    cursor: str | None,
    limit: int,
    *,
    in_columns: bool = False,
) -> feed.Page:
    """A pull as it comes over the wire: both credentials checked, then the page after `cursor`.

    Outside an explicit transaction: no BEGIN and COMMIT round trips, and the
    page's snapshot always later than its bound's, which the feed needs. The
    feed's bound is asked first and the credentials with it, in one round trip
    on PostgreSQL; a tail that already holds what the bound lets through
    answers without another. Raises ApiError as `accounts.authenticate` does
    (401s), then "resync" (410) for a cursor that cannot be continued.
    `in_columns`: as `page_from`'s.
    """
    with db.statement() as s:
        with s.pipelined():
            answer = pull_ahead(s, tail, device_header, token, cursor, limit, in_columns=in_columns)
        return answer()


def pull_ahead(
    session: Session,
    tail: Tail | None,
    device_header: str | None,
    token: str | None,
    cursor: str | None,
    limit: int,
    *,
    in_columns: bool = False,
) -> Callable[[], feed.Page]:
    """`pull_request` on `session`: its first round trip's statements sent now, the page made by the returned function.

    The feed's bound goes first, then the credential check; in a pipeline
    they are only queued, and must be the first statements of an implicit
    transaction (outside an explicit one, or right after its COMMIT: a push's
    page travels with the push's COMMIT, `Session.after_commit`). Call the
    returned function once the pipeline has ended, on the same connection; it
    raises what `pull_request` raises.
    """
    where = feed.continue_ahead(session, cursor)
    identified = accounts.authenticate_ahead(session, device_header, token)

    def answer() -> feed.Page:
        who = identified()
        try:
            return page_from(session, tail, who.person, where(who.person), limit, in_columns=in_columns)
        except feed.CursorGone:
            raise ApiError("resync", {"cursor": cursor}) from None

    return answer
