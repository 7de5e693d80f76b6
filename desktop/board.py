"""The task board's questions to the local store: which tasks, in what order, and their rows.

Why it is split in two: at 100,000 tasks the board cannot load every row, so
`search` answers only with the ordered ids of the tasks that match (cheap: one
index or FTS pass and a sort over a few columns) and `board_rows` fetches the
display fields for a batch of those ids when the list scrolls to them.

Visibility is `permissions.TASK_VISIBLE`, the rule itself turned into SQL, so
that it filters 100,000 rows without building 100,000 objects.

Free text becomes FTS5 queries built from the words in it, never from its
syntax (`TextMatch`): each word is quoted, so quotes, stars, colons, brackets
or a lone "NOT" in what someone typed can never raise an FTS syntax error.
Words are found inside words ("fest" finds "Sommerfest", "svømning"
"Svømmeundervisning") and in the skills' names in both languages
(`desktop.task_text`); "Ærø" finds "ærø".
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from desktop import clock
from desktop.core import operations, permissions
from desktop.core.entities import Audience, Person, TaskStatus
from desktop.core.permissions import FALSE, Sql
from desktop.store import Store

_CHUNK = 500  # ids per IN (...) list, well inside SQLite's parameter limit
# Letters and digits in any script; "_" and punctuation separate words, as
# they do for FTS5's unicode61 tokenizer, so both sides agree on what a word is.
_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 12  # more words than this only slows the query down, never helps


class Sort(StrEnum):
    """The orders the board offers; `BoardFilter.descending` reverses any of them."""

    DEADLINE = "deadline"  # soonest bid deadline first; tasks without one last, newest first
    CREATED = "created"  # newest first
    TITLE = "title"
    EFFORT = "effort"  # smallest first


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """Everything the board can narrow and order by. The defaults show every visible task."""

    text: str = ""
    site_id: str | None = None
    skill: str | None = None
    audience: str | None = None
    status: str | None = None
    date_from: str | None = None  # ISO dates: the task's dates overlap [from, to]
    date_to: str | None = None
    my_skills: bool = False
    organisation_id: str | None = None  # the municipality whose tasks (issue 16's neighbours)
    sort: Sort = Sort.DEADLINE
    descending: bool = False


@dataclass(frozen=True, slots=True)
class BoardRow:
    """What one line of the board shows, fetched only when it scrolls into view."""

    id: str
    title: str
    site_id: str
    site_name: str
    skills: tuple[str, ...]
    effort_hours: float
    bid_deadline: str | None
    starts_on: str | None
    ends_on: str | None
    seats: int
    accepted_count: int
    bid_count: int
    status: str  # as shown: an open task past its bid deadline is "closed" (operations.shown_status)
    audience: str
    version: int
    # The task's organisation by name when it is another than the viewer's (issue 16), else "".
    organisation_name: str = ""


@dataclass(frozen=True, slots=True)
class BoardChoices:
    """What the filter lists offer: the sites and the skills tasks actually ask for."""

    sites: tuple[tuple[str, str], ...]  # (id, name), by name
    skills: tuple[str, ...]
    # (id, name) of every organisation the store holds tasks of, by name; the name is
    # "" for one the store has no row for.
    organisations: tuple[tuple[str, str], ...] = ()


def search_words(text: str) -> list[str]:
    """The words of what someone typed, composed (NFC), at most `_MAX_WORDS` of them."""
    return _WORD.findall(unicodedata.normalize("NFC", text))[:_MAX_WORDS]


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for the word index: every word as a prefix.

    None when the text has no words at all (only punctuation or spaces).
    """
    return _quoted(search_words(text), prefix=True)


def _quoted(words: Sequence[str], *, prefix: bool) -> str | None:
    # Quoted, every word is a plain string to FTS5 ("NOT", "AND", "title:" lose
    # their meaning); a word holds no quotes after the regex, but double any anyway.
    if not words:
        return None
    star = "*" if prefix else ""
    return " ".join('"' + word.replace('"', '""') + '"' + star for word in words)


# Endings that Danish (and English) words take for their forms and derivations,
# longest first: the stem of "svømning" is "svøm", which is inside
# "Svømmeundervisning"; "lektier" finds "lektiecafé". A stem keeps at least
# _STEM_MIN letters, so "have" stays "have" rather than finding every "hav".
_ENDINGS = ("ningerne", "ningen", "ninger", "ning", "elsen", "else", "ingen", "inger", "ing",
            "erne", "ene", "er", "en", "et", "e", "s")
_STEM_MIN = 4


def search_stem(word: str) -> str:
    """The part of `word` (one typed word) that must appear inside a task's text for it to match.

    Lowercases; strips the longest ending of `_ENDINGS` that leaves at least
    `_STEM_MIN` letters, else returns the word itself.
    """
    lowered = word.lower()
    for ending in _ENDINGS:
        if lowered.endswith(ending) and len(lowered) - len(ending) >= _STEM_MIN:
            return lowered[: -len(ending)]
    return lowered


@dataclass(frozen=True, slots=True)
class TextMatch:
    """How a typed text narrows the board: two FTS5 MATCH expressions, either may be None.

    Words of three letters or more are looked for inside words, in the task's
    text and its skills' names in both languages (`inside`, the trigram index
    `tasks_text`, by their `search_stem`); shorter ones, which a trigram
    cannot hold, as the beginning of a word (`prefix`, the word index
    `tasks_fts`). A task matches when it holds every word.
    """

    prefix: str | None
    inside: str | None

    @classmethod
    def of(cls, text: str) -> TextMatch | None:
        """None when the text has no words (only punctuation or spaces): no text filter."""
        words = search_words(text)
        if not words:
            return None
        short = [word for word in words if len(word) < 3]
        long = list(dict.fromkeys(search_stem(word) for word in words if len(word) >= 3))
        return cls(_quoted(short, prefix=True), _quoted(long, prefix=False))

    def conditions(self, per_row: bool) -> list[tuple[str, str]]:
        """(SQL condition over `tasks t`, its MATCH parameter) for each index asked."""
        found = []
        for table, query in (("tasks_fts", self.prefix), ("tasks_text", self.inside)):
            if query is None:
                continue
            if per_row:
                sql = f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid = t.rowid)"
            else:
                sql = f"t.rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
            found.append((sql, query))
        return found


class _TaskTable:
    """The columns of the local `tasks t` that the visibility rule asks about."""

    def poster_is(self, person_id: str) -> Sql:
        return Sql("t.poster_id = ?", (person_id,))

    def site_is(self, site_id: str) -> Sql:
        return Sql("t.site_id = ?", (site_id,))

    def audience_is(self, audience: Audience) -> Sql:
        return Sql("t.audience = ?", (str(audience),))

    def published(self) -> Sql:
        return Sql("t.published_at IS NOT NULL")

    def worker_site_is(self, site_id: str) -> Sql:
        return FALSE  # a task is nobody's work (see permissions.WorkFromTheirSite)

    def open_to_kind(self, kind: str) -> Sql:
        return Sql("(t.outsiders = '[]' OR EXISTS (SELECT 1 FROM json_each(t.outsiders) WHERE value = ?))", (kind,))

    def organisation_is(self, organisation_id: str) -> Sql:
        return Sql("t.organisation_id = ?", (organisation_id,))


def _visibility(person: Person) -> tuple[str, list[Any]]:
    """`permissions.can_see_task` as a WHERE clause over `tasks t`."""
    condition = permissions.visibility_sql(person, _TaskTable())
    return condition.text, list(condition.params)


_ORDER: dict[Sort, str] = {
    # The bid deadline alone: the board's Bid deadline column shows it, and nothing else.
    Sort.DEADLINE: "t.bid_deadline IS NULL, t.bid_deadline {dir}, t.created_at DESC",
    Sort.CREATED: "t.created_at {rev}",
    Sort.TITLE: "t.title COLLATE NOCASE {dir}, t.created_at DESC",
    Sort.EFFORT: "t.effort_hours {dir}, t.created_at DESC",
}


def _order(sort: Sort, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    # "Created" reads newest first; descending flips it to oldest first.
    reverse = "ASC" if descending else "DESC"
    return _ORDER[sort].format(dir=direction, rev=reverse) + ", t.id"


def _status_is(status: str, today: dt.date) -> tuple[str, list[Any]]:
    """`operations.shown_status(...) == status` as SQL over `tasks t`: open past its deadline is closed."""
    if status == TaskStatus.OPEN:
        return "t.status = 'open' AND (t.bid_deadline IS NULL OR t.bid_deadline >= ?)", [
            today.isoformat()
        ]
    if status == TaskStatus.CLOSED:
        return "(t.status = 'closed' OR (t.status = 'open' AND t.bid_deadline < ?))", [
            today.isoformat()
        ]
    return "t.status = ?", [status]


def _where(
    store: Store, person: Person, filters: BoardFilter, *, text_per_row: bool = False
) -> tuple[str, list[Any]] | None:
    """The WHERE clause for these filters, or None when nothing can match.

    `text_per_row` asks FTS about each row that passed the other filters (a
    rowid seek), for a walk that stops after a page, instead of first listing
    every match: for "s" that list is 92,000 rowids, 3-5x slower to build.
    """
    clause, params = _visibility(person)
    parts = [clause]
    match = TextMatch.of(filters.text)
    for column, value in (
        ("site_id", filters.site_id),
        ("audience", filters.audience),
        ("organisation_id", filters.organisation_id),
    ):
        if value:
            parts.append(f"t.{column} = ?")
            params.append(value)
    if filters.status:
        condition, values = _status_is(filters.status, clock.server_today(store))
        parts.append(condition)
        params.extend(values)
    if filters.skill:
        # Skills are a JSON list of strings: look for the element's exact JSON spelling.
        parts.append("instr(t.skills, ?) > 0")
        params.append(json.dumps(filters.skill, ensure_ascii=False))
    if filters.date_from:
        parts.append("coalesce(t.ends_on, t.starts_on, t.bid_deadline) >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        parts.append("coalesce(t.starts_on, t.ends_on, t.bid_deadline) <= ?")
        params.append(filters.date_to)
    if filters.my_skills:
        mine = [
            r["skill"]
            for r in store.rows("SELECT skill FROM person_skills WHERE person_id = ?", (person.id,))
        ]
        if not mine:
            return None
        marks = ", ".join("?" for _ in mine)
        parts.append(f"EXISTS (SELECT 1 FROM json_each(t.skills) j WHERE j.value IN ({marks}))")
        params.extend(mine)
    if match is not None:
        for condition, query in match.conditions(text_per_row):
            parts.append(condition)
            params.append(query)
    return " AND ".join(parts), params


# A text or site filter with at most this many candidates is cheapest to start
# from (look each up, sort them); with more, walking the order's index and
# stopping after one page wins. Both cost about 10-30 ms at this bound.
_DRIVE_MAX = 10_000
_COVERING = "tasks_board_deadline"  # holds every column `_where` reads but the skills
# The index to walk, per (sort, descending); see migration v5. Descending
# deadline, title and effort orders cannot walk one index: the planner decides.
_WALK: dict[tuple[Sort, bool], str] = {
    (Sort.DEADLINE, False): "tasks_board_deadline",
    (Sort.TITLE, False): "tasks_board_title",
    (Sort.EFFORT, False): "tasks_board_effort",
    (Sort.CREATED, False): "tasks_created",
    (Sort.CREATED, True): "tasks_created",
}


@dataclass(frozen=True, slots=True)
class FirstWindow:
    """The first rows of a result, in board order, and whether that is all of it."""

    rows: list[BoardRow]
    complete: bool


def _bounded_count(store: Store, sql: str, params: Sequence[Any], bound: int) -> int:
    row = store.connection.execute(
        f"SELECT count(*) FROM ({sql} LIMIT {int(bound) + 1})", list(params)
    ).fetchone()
    return int(row[0])


def _walk_hint(store: Store, filters: BoardFilter) -> str:
    """`INDEXED BY ...` when walking the order's index is the fast way to the first page.

    Without a hint SQLite starts from the FTS match or the site, looks up every
    candidate and sorts them: fine for "sommerfest" (373 rows), 300 ms for "s"
    (92,000). With a hint it walks in board order and stops at the page's end.
    """
    index = _WALK.get((filters.sort, filters.descending))
    if index is None:
        return ""
    narrow = (
        filters.site_id or filters.audience or filters.organisation_id or filters.date_from or filters.date_to
    )
    if index != _COVERING and (narrow or filters.skill or filters.my_skills):
        # The other order indexes read the task row for every step of the walk:
        # with filters this narrow it could read all 100,000 before the page fills.
        return ""
    match = TextMatch.of(filters.text)
    if match is not None and any(
        _bounded_count(store, f"SELECT 1 FROM {table} WHERE {table} MATCH ?", [query], _DRIVE_MAX)
        <= _DRIVE_MAX
        for table, query in (("tasks_text", match.inside), ("tasks_fts", match.prefix))
        if query is not None
    ):
        return ""
    for column, value in (("site_id", filters.site_id), ("organisation_id", filters.organisation_id)):
        # A site's or a neighbouring municipality's few tasks: look them up and sort them.
        if value and (
            _bounded_count(store, f"SELECT 1 FROM tasks WHERE {column} = ?", [value], _DRIVE_MAX) <= _DRIVE_MAX
        ):
            return ""
    return f"INDEXED BY {index}"


def _with_progress(
    store: Store, cancelled: Callable[[], bool] | None, run: Callable[[], Any]
) -> Any:
    connection = store.connection
    if cancelled is not None:
        connection.set_progress_handler(lambda: 1 if cancelled() else 0, 20_000)
    try:
        return run()
    except sqlite3.OperationalError as error:
        if cancelled is not None and cancelled():
            raise Interrupted from error
        raise
    finally:
        if cancelled is not None:
            connection.set_progress_handler(None, 0)


def first_window(
    store: Store,
    person: Person,
    filters: BoardFilter,
    size: int,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> FirstWindow:
    """The first `size` rows of `search`'s answer, without finding (or counting) the rest.

    This is what the board shows first after a keystroke: a one-letter query
    matches most of 100,000 tasks, and ordering all of them takes a few hundred
    milliseconds that the first screenful does not need.
    """
    if _where(store, person, filters) is None:
        return FirstWindow([], True)

    def run() -> FirstWindow:
        hint = _walk_hint(store, filters)
        # Walking the order's index, ask FTS about each row (a rowid seek) rather than
        # first listing every match: the word index is asked only for words of one or
        # two letters, which its prefix index holds whole, and the trigram index
        # holds exact terms, so no term is expanded again on every row. Listing the
        # 32,000 matches of "have" first took 190 ms.
        per_row = bool(hint)
        where = _where(store, person, filters, text_per_row=per_row)
        assert where is not None
        clause, params = where
        sql = (
            f"SELECT t.id FROM tasks t {hint} WHERE {clause} "
            f"ORDER BY {_order(filters.sort, filters.descending)} LIMIT {int(size) + 1}"
        )
        ids = [row[0] for row in store.connection.execute(sql, params)]
        return FirstWindow(board_rows(store, ids[:size], person.organisation_id), len(ids) <= size)

    return _with_progress(store, cancelled, run)


class Interrupted(Exception):
    """A search gave up because a newer one made it pointless."""


def search(
    store: Store,
    person: Person,
    filters: BoardFilter,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> list[str]:
    """The ids of the tasks `person` may see that match `filters`, in board order.

    `cancelled` is polled while SQLite works; when it turns true the search
    stops and raises Interrupted, so a stale search never delays a fresh one.
    """
    where = _where(store, person, filters)
    if where is None:
        return []
    clause, params = where

    def run() -> list[str]:
        # Only the deadline index holds every filtered column, so only its walk
        # beats "find, then sort" over the whole list.
        hint = _walk_hint(store, filters)
        if _COVERING not in hint:
            hint = ""
        sql = (
            f"SELECT t.id FROM tasks t {hint} WHERE {clause} "
            f"ORDER BY {_order(filters.sort, filters.descending)}"
        )
        return [row[0] for row in store.connection.execute(sql, params)]

    return _with_progress(store, cancelled, run)


def matching(store: Store, person: Person, filters: BoardFilter, ids: Sequence[str]) -> set[str]:
    """Which of `ids` (task ids) the filters let through for `person`; an empty set if none.

    Used to tell whether new tasks fit a saved search (desktop.notifications).
    """
    where = _where(store, person, filters)
    if where is None or not ids:
        return set()
    clause, params = where
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT t.id FROM tasks t WHERE t.id IN ({marks}) AND {clause}"
        found.update(row[0] for row in store.connection.execute(sql, [*chunk, *params]))
    return found


_ROW_SQL = (
    "SELECT t.id, t.title, t.site_id, coalesce(s.name, '') AS site_name, t.skills, "
    "t.effort_hours, t.bid_deadline, t.starts_on, t.ends_on, t.seats, t.accepted_count, "
    "t.bid_count, t.status, t.audience, t.version, t.organisation_id, "
    "coalesce(o.name, '') AS organisation_name "
    "FROM tasks t LEFT JOIN sites s ON s.id = t.site_id "
    "LEFT JOIN organisations o ON o.id = t.organisation_id WHERE t.id IN ({marks})"
)


def board_rows(store: Store, ids: Sequence[str], viewer_organisation: str) -> list[BoardRow]:
    """The rows for `ids`, in the order given; ids that no longer exist are left out.

    A task of another organisation than `viewer_organisation` carries that
    organisation's name (`BoardRow.organisation_name`), which the board shows.
    """
    by_id: dict[str, BoardRow] = {}
    today = clock.server_today(store)
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        sql = _ROW_SQL.format(marks=", ".join("?" for _ in chunk))
        for row in store.rows(sql, chunk):
            skills = json.loads(row["skills"]) if row["skills"] else []
            by_id[row["id"]] = BoardRow(
                id=row["id"],
                title=row["title"],
                site_id=row["site_id"],
                site_name=row["site_name"],
                skills=tuple(skills),
                effort_hours=float(row["effort_hours"]),
                bid_deadline=row["bid_deadline"],
                starts_on=row["starts_on"],
                ends_on=row["ends_on"],
                seats=int(row["seats"]),
                accepted_count=int(row["accepted_count"]),
                bid_count=int(row["bid_count"]),
                status=operations.shown_status(row["status"], row["bid_deadline"], today),
                audience=row["audience"],
                version=int(row["version"]),
                organisation_name=row["organisation_name"] if row["organisation_id"] != viewer_organisation else "",
            )
    return [by_id[i] for i in ids if i in by_id]


def board_choices(store: Store) -> BoardChoices:
    """What the filters offer: sites, skills asked for, organisations whose tasks the store holds."""
    sites = tuple(
        (r["id"], r["name"]) for r in store.rows("SELECT id, name FROM sites ORDER BY name")
    )
    skills = tuple(
        r["value"]
        for r in store.rows(
            "SELECT DISTINCT j.value AS value FROM tasks t, json_each(t.skills) j ORDER BY 1"
        )
    )
    organisations = tuple(
        (r["id"], r["name"])
        for r in store.rows(
            "SELECT t.organisation_id AS id, coalesce(o.name, '') AS name "
            "FROM (SELECT DISTINCT organisation_id FROM tasks) t "
            "LEFT JOIN organisations o ON o.id = t.organisation_id ORDER BY 2, 1"
        )
    )
    return BoardChoices(sites=sites, skills=skills, organisations=organisations)
