"""A person's notifications on this machine: derived from what sync pulls, kept in their own store.

Each pulled page is looked at twice: before it is written (what the rows were)
and after (what they are now and what surrounds them), and the shared rule
(`desktop.core.notices`) says which events concern the store's owner. So
whatever arrives, also after days offline, is noticed once; a notice's id is
made from the change, so a change seen again (a repeat page, an edit of the
same bid) is recognised and not told twice.

Why not from the user's own local operations: the rule never tells anyone
about what they did themselves, and what others did reaches this machine only
through a pull. An initial pull (a new workstation, a resync) derives nothing
page by page (its changes are the state, not the events); when it ends,
`catch_up` derives from that state what happened in the last `NEWS_DAYS` that
concerns the owner, and what is older and still unread, so a person on a PC new
to them is told what they have not read, as their usual PC told them.

A store belongs to one person, and every query here also names the person, so
the next person on a shared workstation never sees the last one's notices.
Read state is the `notice_reads` rows that `notice.read` writes; they sync to
the person's other devices.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from desktop import board, clock, people
from desktop.core import notices, permissions
from desktop.core.entities import (
    Bid,
    Comment,
    Entity,
    Lending,
    Person,
    PersonSettings,
    Role,
    SavedSearch,
    Task,
    TaskStatus,
)
from desktop.core.ids import utc_now
from desktop.core.notices import Notice
from desktop.core.text import Sentence, plural_sentence
from desktop.store import Store

_CHUNK = 500  # ids per IN (...) list, well inside SQLite's parameter limit
TABLE = "notifications"  # the table name a pull reports when it added notices
_RULED = {Bid.table: Bid, Comment.table: Comment, Task.table: Task}


@dataclass(frozen=True, slots=True)
class Notification:
    """One line of the notification centre."""

    id: str
    kind: str
    task_id: str
    at: str
    facts: dict[str, Any]
    read: bool

    def text(self, language: str) -> str:
        """The notice in `language` ("da" or "en")."""
        return notices.describe(self.kind, self.facts).text(language)


# --- deriving -----------------------------------------------------------------------


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _marks(ids: Sequence[str]) -> str:
    return ", ".join("?" for _ in ids)


class _Before:
    """What the page's bids and tasks were before it was written: only what the rule needs.

    Where a pending local operation covers a row, the view holds the person's
    own optimistic version; the server's previous row is the shadow.
    """

    def __init__(self, store: Store, owner: Person, changes: Sequence[Mapping[str, Any]]) -> None:
        self.status: dict[tuple[str, str], str] = {}
        self.tasks: dict[str, Task] = {}
        self.involved: set[str] = set()  # tasks the owner has bid on
        keys: dict[str, list[str]] = {Bid.table: [], Task.table: []}
        for change in changes:
            if change["table"] in keys:
                keys[change["table"]].append(change["row"]["id"])
        if not keys[Bid.table] and not keys[Task.table]:
            return
        # Full old rows only where the owner bid: an accept may arrive in the same page
        # as an edit made after it, and then the owner is on the task they changed.
        on = self.involved = {
            r[0]
            for r in store.connection.execute(
                "SELECT task_id FROM bids WHERE bidder_id = ?", (owner.id,)
            )
        }
        for table, ids in keys.items():
            for chunk in _chunks(ids):
                for row in store.connection.execute(
                    f"SELECT id, status FROM {table} WHERE id IN ({_marks(chunk)})", chunk
                ):
                    self.status[(table, row[0])] = row[1]
        mine = [i for i in keys[Task.table] if i in on]
        for chunk in _chunks(mine):
            for task in store.fetch(Task, f"id IN ({_marks(chunk)})", chunk):
                self.tasks[task.id] = task
        for table, key, row in store.connection.execute(
            "SELECT table_name, key, row FROM shadows WHERE table_name IN (?, ?)",
            (Bid.table, Task.table),
        ):
            if row is None:
                self.status.pop((table, key), None)
                self.tasks.pop(key, None)
                continue
            values = json.loads(row)
            self.status[(table, key)] = values["status"]
            if table == Task.table and key in self.tasks:
                self.tasks[key] = Task.from_row(values)

    def of(self, entity: Entity) -> Entity | None:
        status = self.status.get((entity.table, getattr(entity, "id", "")))
        if status is None:
            return None
        if isinstance(entity, Task) and entity.id in self.tasks:
            return self.tasks[entity.id]
        # The rule reads only the old status of the others; a shallow copy is cheap.
        was = copy.copy(entity)
        was.status = status  # type: ignore[attr-defined]
        return was


def assigned_tasks(store: Store, person_id: str) -> set[str]:
    """Ids of the tasks on which `person_id`'s bid is accepted."""
    return {
        r[0]
        for r in store.connection.execute(
            "SELECT task_id FROM bids WHERE bidder_id = ? AND status = 'accepted'", (person_id,)
        )
    }


class _OwnWorld:
    """`notices.World` as one person's store sees it: it answers only about that person."""

    def __init__(
        self,
        store: Store,
        owner: Person,
        page: Mapping[str, Mapping[str, Any]],
        known: dict[str, Task] | None = None,
    ) -> None:
        self.store = store
        self.owner = owner
        self._page = page  # the page's task rows, made into Tasks only when asked for
        # Tasks read on earlier pages of the same pull, less those this page changes.
        self._tasks: dict[str, Task] = known if known is not None else {}
        for task_id in page:
            self._tasks.pop(task_id, None)
        self._names: dict[str, str] = {owner.id: owner.name}
        self.searches: dict[str, str] = {}  # task id -> the first saved search it matches

    def task(self, task_id: str) -> Task | None:
        if task_id not in self._tasks:
            row = self._page.get(task_id)
            found = Task.from_row(dict(row)) if row is not None else self.store.get(Task, task_id)
            if found is None:
                return None
            self._tasks[task_id] = found
        return self._tasks[task_id]

    def prefetch(self, task_ids: Iterable[str]) -> None:
        missing = [i for i in dict.fromkeys(task_ids) if i not in self._tasks and i not in self._page]
        for chunk in _chunks(missing):
            for task in self.store.fetch(Task, f"id IN ({_marks(chunk)})", chunk):
                self._tasks[task.id] = task

    def person(self, person_id: str) -> Person | None:
        return self.owner if person_id == self.owner.id else None

    def name(self, person_id: str) -> str:
        if person_id not in self._names:
            found = self.store.get(Person, person_id)
            self._names[person_id] = found.name if found else ""
        return self._names[person_id]

    def site_name(self, site_id: str) -> str:
        return people.site_name(self.store, site_id)

    def home_managers(self, site_id: str) -> Iterable[str]:
        owner = self.owner
        mine = permissions.oversees_staff(owner) and owner.home_site_id == site_id
        return (owner.id,) if mine else ()

    def managers(self, task: Task) -> Iterable[str]:
        owner = self.owner
        mine = task.poster_id == owner.id or (
            owner.role == Role.SITE_MANAGER and owner.home_site_id == task.site_id
        )
        return (owner.id,) if mine else ()

    @cached_property
    def _joined(self) -> dict[str, str]:
        """Task id -> when the owner first bid or commented on it."""
        rows = self.store.connection.execute(
            "SELECT task_id, min(at) FROM (SELECT task_id, created_at AS at FROM bids "
            "WHERE bidder_id = ? UNION ALL SELECT task_id, created_at FROM comments "
            "WHERE author_id = ?) GROUP BY task_id",
            (self.owner.id, self.owner.id),
        )
        return {r[0]: r[1] for r in rows}

    def conversation(self, task: Task, before: str) -> Iterable[str]:
        joined = self._joined.get(task.id)
        return (self.owner.id,) if joined is not None and joined < before else ()

    @cached_property
    def _assigned(self) -> set[str]:
        return assigned_tasks(self.store, self.owner.id)

    def assigned(self, task: Task) -> Iterable[str]:
        return (self.owner.id,) if task.id in self._assigned else ()

    @cached_property
    def skills(self) -> set[str]:
        rows = self.store.connection.execute(
            "SELECT skill FROM person_skills WHERE person_id = ?", (self.owner.id,)
        )
        return {r[0] for r in rows}

    def fitting(self, task: Task) -> Mapping[str, str | None]:
        if task.id in self.searches:
            return {self.owner.id: self.searches[task.id]}
        if self.skills.intersection(task.skills):
            return {self.owner.id: None}
        return {}


def search_filter(search: SavedSearch) -> board.BoardFilter:
    """The board filter a saved search stands for (unknown keys from a newer client are left out)."""
    known = {f.name for f in fields(board.BoardFilter)}
    return board.BoardFilter(**{k: v for k, v in search.filters.items() if k in known})


def _match_searches(world: _OwnWorld, task_ids: Sequence[str]) -> None:
    if not task_ids:
        return
    for search in world.store.fetch(
        SavedSearch, "person_id = ? ORDER BY created_at, id", (world.owner.id,)
    ):
        for task_id in board.matching(world.store, world.owner, search_filter(search), task_ids):
            world.searches.setdefault(task_id, search.name)


def settings_of(store: Store, person_id: str) -> dict[str, Any]:
    """The person's stored preferences (only those that differ from the defaults)."""
    held = store.get(PersonSettings, person_id)
    return dict(held.preferences) if held else {}


@dataclass(slots=True)
class Watch:
    """Notices derived from one page (filled when the `watching` block ends)."""

    added: int = 0
    notices: list[Notice] = field(default_factory=list)
    seconds: float = 0.0  # spent deriving (before and after the page), for `make bench`


@contextlib.contextmanager
def watching(
    store: Store,
    changes: Sequence[Mapping[str, Any]],
    *,
    enabled: bool = True,
    known: dict[str, Task] | None = None,
) -> Iterator[Watch]:
    """Around writing one pulled page (inside its transaction): derive the owner's notices.

    Reads what the page's rows were before the block and derives afterwards, so
    the notices commit with the page and its cursor, or not at all. `known` is
    a dict the caller keeps for the pages of one pull: tasks already read.
    """
    watch = Watch()
    started = time.perf_counter()
    owner = _owner(store) if enabled else None
    before = _Before(store, owner, changes) if owner is not None else None
    watch.seconds = time.perf_counter() - started
    yield watch
    if owner is None or before is None:
        return
    started = time.perf_counter()
    found = derive(store, owner, changes, before, known)
    found += reminders(store, owner, utc_now())
    watch.notices = found
    watch.added = keep(store, owner.id, found)
    watch.seconds += time.perf_counter() - started


def _owner(store: Store) -> Person | None:
    owner_id = store.owner_id
    return store.get(Person, owner_id) if owner_id else None


_TOLD_LENDING = ("notified", "awaiting")  # the `Lending` states a home manager is told of


def _oversees(owner: Person, row: Mapping[str, Any]) -> bool:
    """The owner is the home manager of the bid's bidder (`permissions.oversees_work`, on the raw row)."""
    return (
        owner.role == Role.SITE_MANAGER
        and owner.home_site_id is not None
        and row.get("home_site_id") == owner.home_site_id
    )


def derive(
    store: Store,
    owner: Person,
    changes: Sequence[Mapping[str, Any]],
    before: _Before,
    known: dict[str, Task] | None = None,
) -> list[Notice]:
    """The owner's notices from a page already written; `before` was read before it was.

    Most of a page is about other people: rows that cannot concern the owner are
    passed over on their raw values, and only the others become entities and
    go through the rule (a pull of 10,000 changes must not take 10 % longer).
    """
    page_tasks: dict[str, Mapping[str, Any]] = {}
    candidates: list[tuple[type[Entity], Mapping[str, Any]]] = []
    for change in changes:
        if change.get("deleted"):
            continue  # nothing the rule tells of is a deletion
        table, row = change["table"], change["row"]
        if table == Task.table:
            page_tasks[row["id"]] = row
            if _may_concern(row, owner, before):
                candidates.append((Task, row))
        elif table == Bid.table:
            if row["bidder_id"] == owner.id:
                if row["status"] in ("accepted", "declined"):
                    candidates.append((Bid, row))
            elif row["status"] == "pending" and (Bid.table, row["id"]) not in before.status:
                candidates.append((Bid, row))
            elif row.get("lending") in _TOLD_LENDING and _oversees(owner, row):
                candidates.append((Bid, row))  # one's staff accepted on another site's task
        elif table == Comment.table and row["author_id"] != owner.id:
            candidates.append((Comment, row))
    candidates += _waiting(store)
    if not candidates:
        return []
    world = _OwnWorld(store, owner, page_tasks, known)
    world.prefetch(row["task_id"] for cls, row in candidates if cls is not Task)
    # A bid or comment can come a page before its task (the task changed later and its
    # feed row moved behind them); it waits, with the cursor, for the task to arrive.
    waiting = [(cls, row) for cls, row in candidates if cls is not Task and world.task(row["task_id"]) is None]
    _keep_waiting(store, waiting)
    published = [
        row["id"]
        for cls, row in candidates
        if cls is Task and row["id"] not in before.involved
    ]
    _match_searches(world, published)
    if published:
        # A new task that neither fits the owner's skills nor one of their searches
        # tells them nothing: most of a busy municipality's new tasks, left unbuilt.
        skills = world.skills
        candidates = [
            (cls, row)
            for cls, row in candidates
            if cls is not Task
            or row["id"] in before.involved
            or row["id"] in world.searches
            or (skills and not skills.isdisjoint(json.loads(row["skills"])))
        ]
    now = utc_now()
    found: list[Notice] = []
    for cls, row in candidates:
        after = world.task(row["id"]) if cls is Task else _plain(cls, row)
        if after is not None:
            found += notices.notices(before.of(after), after, False, now, world)
    return found


def _plain(cls: type[Entity], row: Mapping[str, Any]) -> Entity:
    """A bid or comment from its wire row: no JSON or boolean fields to convert, so built directly."""
    try:
        return cls(**row)
    except TypeError:  # a newer server's extra column: the careful way
        return cls.from_row(dict(row))


WAITING = "notices_waiting"  # sync_state key: [table, row] pairs whose task has not arrived yet
_WAITING_MAX = 5_000  # a task that never comes must not make the list grow for ever


def _waiting(store: Store) -> list[tuple[type[Entity], Mapping[str, Any]]]:
    saved = store.state(WAITING)
    return [(_RULED[table], row) for table, row in json.loads(saved)] if saved else []


def _keep_waiting(store: Store, waiting: list[tuple[type[Entity], Mapping[str, Any]]]) -> None:
    kept = [[cls.table, dict(row)] for cls, row in waiting[-_WAITING_MAX:]]
    if kept or store.state(WAITING) is not None:
        store.set_state(WAITING, json.dumps(kept, ensure_ascii=False) if kept else None)


def _may_concern(row: Mapping[str, Any], owner: Person, before: _Before) -> bool:
    """Whether a pulled task row may tell the owner anything (decided on raw values)."""
    if row["id"] in before.involved:
        return True  # the owner bid on it: changed, cancelled
    was = before.status.get((Task.table, row["id"]), TaskStatus.DRAFT)
    return row["status"] == TaskStatus.OPEN and was == TaskStatus.DRAFT and row["poster_id"] != owner.id


def reminders(store: Store, owner: Person, now: str) -> list[Notice]:
    """"Starts tomorrow" for every task the owner is on that starts the day after `now`."""
    tomorrow = (dt.date.fromisoformat(now[:10]) + dt.timedelta(days=1)).isoformat()
    rows = store.fetch(
        Task,
        "starts_on = ? AND status IN ('open', 'closed', 'assigned') AND id IN "
        "(SELECT task_id FROM bids WHERE bidder_id = ? AND status = 'accepted')",
        (tomorrow, owner.id),
    )
    return [
        notices.starts_tomorrow(task, owner.id, now)
        for task in rows
        if permissions.can_see_task(owner, task)
    ]


_FACTS = json.JSONEncoder(ensure_ascii=False)


def keep(store: Store, person_id: str, found: Iterable[Notice]) -> int:
    """Store the notices the person wants in the app; returns how many were new."""
    wanted = settings_of(store, person_id)
    kinds = {k for k in notices.KINDS if notices.preference(wanted, notices.in_app_key(k))}
    encode = _FACTS.encode
    rows = [
        (n.id, n.person_id, n.kind, n.task_id, n.actor_id, n.at, encode(n.facts))
        for n in found
        if n.person_id == person_id and n.kind in kinds
    ]
    if not rows:
        return 0
    before = store.connection.total_changes
    store.connection.executemany(
        "INSERT OR IGNORE INTO notifications (id, person_id, kind, task_id, actor_id, at, facts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return store.connection.total_changes - before


# --- catching up after an initial pull ---------------------------------------------

# How far back an initial pull looks for news: what happened in the last two weeks
# and concerns the person, read or not. Two weeks covers a holiday or a rota that
# keeps someone away from their usual PC. Older events come too while they are
# unread (`notice_reads` says what was read on any PC), as far back as the person
# could have been told of them anywhere (`_first_told`): what their usual PC still
# shows unread, this one shows too, and a person new to Knop in a municipality with
# years of history is not flooded with it.
NEWS_DAYS = 14
# At most this many notices, the unread first, then the newest: a manager back from
# a long leave is told the latest, not pages of old ones (the "bids to decide" list
# holds every waiting bid).
NEWS_MAX = 50
_NO_END = "9999"  # later than every ISO 8601 time: a window open to the future


def news_since(now: str, days: int = NEWS_DAYS) -> str:
    """The earliest moment (ISO 8601 UTC, as `utc_now`) that is still news at `now`."""
    moment = dt.datetime.fromisoformat(now.replace("Z", "+00:00")) - dt.timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(slots=True)
class CaughtUp:
    """What `catch_up` found: notices derived, how many of them were new here, and the time it took."""

    found: int = 0
    added: int = 0
    seconds: float = 0.0


def catch_up(store: Store, now: str | None = None, *, days: int = NEWS_DAYS) -> CaughtUp:
    """After an initial pull (inside its last transaction): the notices that are still news.

    An initial pull writes the state, not the events that led to it, so the
    rule (`desktop.core.notices`) is run here over that state as if each row
    had just arrived new (`before` None), for the events that concern the
    store's owner: a decision on their bid (with the manager's message), a new
    bid still pending on a task they decide on, one of their staff accepted
    elsewhere, a comment in a conversation they are in, a task they were on
    cancelled, a new task still open that fits their skills or a saved search,
    and tomorrow's tasks. Each notice gets the id and time every other device
    gives the same event, so what the person read elsewhere (`notice_reads`) is
    read here too, and a store that already held notices (a resync) keeps them
    and gains none twice.

    Which events: those of the last `days` (`NEWS_DAYS`) before `now` (ISO 8601
    UTC; None: the clock), read or not, and older ones still unread back to
    `days` before the person's first doing in Knop (`_first_told`: before it no
    PC could have told them anything). At most `NEWS_MAX`: the unread first,
    newest first, then the newest read ones.

    Left out because `before` would lie: a "new bid" on a bid already decided,
    and "a task you are on changed" (which edit was new to the person cannot be
    known from the state). Indexed queries only, so it costs milliseconds after
    a pull of hundreds of thousands of rows.
    """
    caught = CaughtUp()
    started = time.perf_counter()
    owner = _owner(store)
    if owner is None:
        return caught
    now = now or utc_now()
    since = news_since(now, days)
    world = _OwnWorld(store, owner, {})
    found = _told_between(store, owner, since, _NO_END, now, world)
    found += reminders(store, owner, now)
    read = _read_ids(store, owner.id)
    first = _first_told(store, owner.id)
    if first is not None and news_since(first, days) < since:
        # A world of its own: the saved searches' matches of the window above would crowd these out.
        older = _told_between(store, owner, news_since(first, days), since, now, _OwnWorld(store, owner, {}))
        found += [n for n in older if n.id not in read]
    # One notice per event (a manager's own site's bid can also be their staff's lending).
    unique = {n.id: n for n in found}.values()
    kept = sorted(unique, key=lambda n: (n.id not in read, n.at, n.id), reverse=True)[:NEWS_MAX]
    caught.found = len(kept)
    caught.added = keep(store, owner.id, kept)
    caught.seconds = time.perf_counter() - started
    return caught


def _told_between(
    store: Store, owner: Person, since: str, until: str, now: str, world: _OwnWorld
) -> list[Notice]:
    """The notices the rule derives for `owner` from events in [since, until) (ISO 8601 UTC)."""
    about_tasks: list[Bid | Comment] = [
        *_decided_bids(store, owner, since, until),
        *_comments(store, owner, since, until),
    ]
    world.prefetch(c.task_id for c in about_tasks)
    candidates: list[Entity] = [*about_tasks, *_cancelled(store, owner, since, until)]
    candidates += _published(store, owner, since, until, world)
    found: list[Notice] = []
    for after in candidates:
        found += notices.notices(None, after, False, now, world)
    return found


def _read_ids(store: Store, person_id: str) -> set[str]:
    """The ids of the notices the person read on any of their devices."""
    return {
        r[0] for r in store.connection.execute("SELECT notice_id FROM notice_reads WHERE person_id = ?", (person_id,))
    }


def _first_told(store: Store, person_id: str) -> str | None:
    """When the person first did something in Knop (a bid, a task, a comment, a notice read).

    Their first PC told them of the `NEWS_DAYS` before their first login, and
    every PC since of what came later, so an event older than that no PC ever
    showed them: it is history, not unread news. None for someone who never did
    anything (a newcomer: only the last `NEWS_DAYS` are news to them). Each
    query is an index lookup on the person.
    """
    row = store.connection.execute(
        "SELECT min(first) FROM ("
        "SELECT min(created_at) AS first FROM bids WHERE bidder_id = ? "
        "UNION ALL SELECT min(created_at) FROM tasks WHERE poster_id = ? "
        "UNION ALL SELECT min(created_at) FROM comments WHERE author_id = ? "
        "UNION ALL SELECT min(read_at) FROM notice_reads WHERE person_id = ? AND read_at != '')",
        (person_id, person_id, person_id, person_id),
    ).fetchone()
    return str(row[0]) if row and row[0] else None


# Each kind's query reads only its newest rows: a busy site's manager has thousands of
# bids from the last two weeks, of which the newest NEWS_MAX are all that can be kept.
# Twice as many, as the rule passes some over (a conversation joined after a comment).
_NEWEST = f"LIMIT {2 * NEWS_MAX}"


def _decided_bids(store: Store, owner: Person, since: str, until: str) -> list[Bid]:
    """The owner's bids decided in [since, until), pending bids they decide on, their staff lent."""
    found = store.fetch(
        Bid,
        "bidder_id = ? AND status IN ('accepted', 'declined') AND decided_at >= ? AND decided_at < ? "
        f"ORDER BY decided_at DESC {_NEWEST}",
        (owner.id, since, until),
    )
    condition, params = _deciding(owner)
    found += store.fetch(
        Bid,
        "id IN (SELECT b.id FROM bids b JOIN tasks t ON t.id = b.task_id "
        f"WHERE {condition} AND b.created_at >= ? AND b.created_at < ? AND b.bidder_id != ? "
        f"ORDER BY b.created_at DESC {_NEWEST})",
        (*params, since, until, owner.id),
    )
    if owner.role == Role.SITE_MANAGER and owner.home_site_id:
        found += store.fetch(
            Bid,
            f"home_site_id = ? AND status = 'accepted' AND lending IN ({_marks(_TOLD_LENDING)}) "
            f"AND decided_at >= ? AND decided_at < ? AND bidder_id != ? ORDER BY decided_at DESC {_NEWEST}",
            (owner.home_site_id, *_TOLD_LENDING, since, until, owner.id),
        )
    return found


def _comments(store: Store, owner: Person, since: str, until: str) -> list[Comment]:
    """Others' comments in [since, until) on tasks the owner posted, bid on or commented on."""
    return store.fetch(
        Comment,
        "created_at >= ? AND created_at < ? AND author_id != ? AND task_id IN ("
        "SELECT id FROM tasks WHERE poster_id = ? "
        "UNION SELECT task_id FROM bids WHERE bidder_id = ? "
        f"UNION SELECT task_id FROM comments WHERE author_id = ?) ORDER BY created_at DESC {_NEWEST}",
        (since, until, owner.id, owner.id, owner.id, owner.id),
    )


def _cancelled(store: Store, owner: Person, since: str, until: str) -> list[Task]:
    """Tasks cancelled in [since, until) on which the owner's bid was accepted."""
    return store.fetch(
        Task,
        "status = 'cancelled' AND updated_at >= ? AND updated_at < ? AND id IN "
        f"(SELECT task_id FROM bids WHERE bidder_id = ? AND status = 'accepted') "
        f"ORDER BY updated_at DESC {_NEWEST}",
        (since, until, owner.id),
    )


_PUBLISHED = "status = 'open' AND published_at >= ? AND published_at < ? AND poster_id != ?"


def _published(store: Store, owner: Person, since: str, until: str, world: _OwnWorld) -> list[Task]:
    """Others' tasks published in [since, until), still open, that fit the owner's skills or a search.

    The skills are matched in SQL: a municipality publishes thousands of tasks
    in two weeks, and only the newest that fit are kept.
    """
    ids: list[str] = []
    if store.connection.execute(
        "SELECT 1 FROM saved_searches WHERE person_id = ? LIMIT 1", (owner.id,)
    ).fetchone():
        ids = [
            r[0]
            for r in store.connection.execute(f"SELECT id FROM tasks WHERE {_PUBLISHED}", (since, until, owner.id))
        ]
        _match_searches(world, ids)
    skills = sorted(world.skills)
    fits = (
        f"EXISTS (SELECT 1 FROM json_each(tasks.skills) WHERE value IN ({_marks(skills)}))"
        if skills
        else "0"
    )
    # Task ids are UUIDv7, so the greatest are the newest: far more than are kept.
    searched = sorted(world.searches, reverse=True)[:_CHUNK]
    found = f"id IN ({_marks(searched)})" if searched else "0"
    return store.fetch(
        Task,
        f"{_PUBLISHED} AND ({fits} OR {found}) ORDER BY published_at DESC {_NEWEST}",
        (since, until, owner.id, *skills, *searched),
    )


# --- reading ------------------------------------------------------------------------

_UNREAD = (
    "NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.person_id = n.person_id AND r.notice_id = n.id)"
)


def unread_count(store: Store, person_id: str) -> int:
    """How many of the person's notices are unread (the bell's number)."""
    return int(
        store.connection.execute(
            f"SELECT count(*) FROM notifications n WHERE n.person_id = ? AND {_UNREAD}",
            (person_id,),
        ).fetchone()[0]
    )


def recent(store: Store, person_id: str, limit: int = 200) -> list[Notification]:
    """The person's newest notifications, newest first, with whether each is read."""
    rows = store.connection.execute(
        f"SELECT n.id, n.kind, n.task_id, n.at, n.facts, {_UNREAD} FROM notifications n "
        "WHERE n.person_id = ? ORDER BY n.at DESC, n.id LIMIT ?",
        (person_id, int(limit)),
    ).fetchall()
    return [
        Notification(r[0], r[1], r[2], r[3], json.loads(r[4]), read=not r[5]) for r in rows
    ]


def unread_ids(store: Store, person_id: str) -> list[str]:
    """The ids of the person's unread notices."""
    return [
        r[0]
        for r in store.connection.execute(
            f"SELECT n.id FROM notifications n WHERE n.person_id = ? AND {_UNREAD}", (person_id,)
        )
    ]


def to_announce(store: Store, person_id: str, limit: int = 5) -> list[Notification]:
    """Unread notifications not yet shown as a desktop notification, newest first; marks them shown."""
    return _announced(store, person_id)[:limit]


@dataclass(frozen=True, slots=True)
class Announcement:
    """What is said once about notifications new since the last announcement.

    `count` unread notices (at least one); `newest` is the latest of them.
    """

    count: int
    newest: Notification

    def sentence(self) -> Sentence:
        """One notice is said as itself; several calmly as one line, not one pop-up each."""
        if self.count == 1:
            return notices.describe(self.newest.kind, self.newest.facts)
        return plural_sentence(
            "{n} new thing since you were last here", "{n} new things since you were last here",
            self.count,
        )


def announcement(store: Store, person_id: str) -> Announcement | None:
    """The announcement of what is unread and not yet announced (marked announced now); None if nothing."""
    new = _announced(store, person_id)
    return Announcement(len(new), new[0]) if new else None


def _announced(store: Store, person_id: str) -> list[Notification]:
    with store.transaction():
        rows = store.connection.execute(
            f"SELECT n.id, n.kind, n.task_id, n.at, n.facts FROM notifications n "
            f"WHERE n.person_id = ? AND n.announced = 0 AND {_UNREAD} ORDER BY n.at DESC",
            (person_id,),
        ).fetchall()
        store.connection.execute(
            "UPDATE notifications SET announced = 1 WHERE person_id = ? AND announced = 0",
            (person_id,),
        )
    return [Notification(r[0], r[1], r[2], r[3], json.loads(r[4]), read=False) for r in rows]


def _deciding(person: Person) -> tuple[str, list[str]]:
    """The SQL condition (on tasks `t`, bids `b`) for the pending bids `person` decides on, and its parameters."""
    clause, params = "t.poster_id = ?", [person.id]
    if person.role == Role.SITE_MANAGER and person.home_site_id:
        clause, params = "(t.poster_id = ? OR t.site_id = ?)", [person.id, person.home_site_id]
    return f"b.status = 'pending' AND t.status IN ('open', 'closed', 'assigned') AND {clause}", params


# Whether every place on task `t` is taken: its pending bids can then no longer be accepted
# (the server refuses with bid.seats_full), so they await no decision but a "no".
_FILLED = "(SELECT count(*) FROM bids a WHERE a.task_id = t.id AND a.status = 'accepted') >= t.seats"


def waiting_for_decision(store: Store, person: Person) -> int:
    """Pending bids on tasks with places free that this person posted or, as site manager, whose site they run.

    A task whose places are all filled is not counted: a try-out found "1 af 1 plads
    besat" among the tasks awaiting a decision (`tasks_to_decide` lists it apart).
    """
    condition, params = _deciding(person)
    return int(
        store.connection.execute(
            f"SELECT count(*) FROM bids b JOIN tasks t ON t.id = b.task_id WHERE {condition} AND NOT {_FILLED}",
            params,
        ).fetchone()[0]
    )


@dataclass(frozen=True, slots=True)
class TaskToDecide:
    """A task with bids waiting for its decider: one line of "Bids to decide"."""

    task_id: str
    title: str
    site_name: str
    waiting: int  # pending bids on it
    bid_deadline: str | None  # ISO date, or None
    filled: bool = False  # every place taken: its bids await no decision but a "no"
    deadline_passed: bool = False  # the bid deadline lies before today (the server's date)
    starts_on: str | None = None  # ISO date the work starts: tells apart tasks of one title at one site


def tasks_to_decide(store: Store, person: Person) -> list[TaskToDecide]:
    """The tasks with pending bids `person` decides on, soonest bid deadline first.

    Those with places free hold the bids `waiting_for_decision` counts; those whose
    places are all filled come with `filled` set, for the list to show apart.
    """
    condition, params = _deciding(person)
    rows = store.connection.execute(
        f"SELECT t.id, t.title, coalesce(s.name, ''), count(*), t.bid_deadline, {_FILLED}, t.starts_on "
        "FROM bids b JOIN tasks t ON t.id = b.task_id LEFT JOIN sites s ON s.id = t.site_id "
        f"WHERE {condition} GROUP BY t.id, t.title, s.name, t.bid_deadline, t.seats, t.starts_on "
        "ORDER BY t.bid_deadline IS NULL, t.bid_deadline, t.title, t.starts_on, t.id",
        params,
    ).fetchall()
    today = clock.server_today(store).isoformat()  # bids are taken all through the deadline's day
    return [
        TaskToDecide(
            str(r[0]), str(r[1]), str(r[2]), int(r[3]), r[4], filled=bool(r[5]),
            deadline_passed=bool(r[4]) and str(r[4])[:10] < today, starts_on=r[6],
        )
        for r in rows
    ]


def lending_awaits(store: Store, bid_id: str) -> bool:
    """Whether the accepted bid `bid_id` still waits for the home manager's yes (`Lending.AWAITING`).

    False once approved or refused, and for a bid this store does not hold: news
    asking for that decision (`NoticeKind.LENDING_AWAITS`) is then out of date.
    """
    found = store.rows("SELECT lending FROM bids WHERE id = ?", (bid_id,))
    return bool(found) and found[0]["lending"] == Lending.AWAITING


def saved_searches(store: Store, person_id: str) -> list[SavedSearch]:
    """The person's saved searches, oldest first."""
    return store.fetch(SavedSearch, "person_id = ? ORDER BY created_at, id", (person_id,))


def search_filters(filters: board.BoardFilter) -> dict[str, Any]:
    """A board filter as a `search.save` payload's `filters` (order and empty fields left out)."""
    keep_keys = ("text", "site_id", "skill", "audience", "date_from", "date_to", "my_skills", "organisation_id")
    return {
        k: getattr(filters, k) for k in keep_keys if getattr(filters, k) not in (None, "", False)
    }
