"""Demo data: Egeskov Kommune, a believable Danish municipality.

`generate()` builds an organisation with schools, care homes, day-care centres
and a town hall, the people who work there (and a few volunteers, citizens and
companies), their skills, and tasks in Danish with bids, comments and
endorsements. Everything follows the rules in `desktop.core.operations` and
`desktop.core.permissions`, so the data looks like what real use would leave behind:
counters match the bids, seats are never over-filled, nobody bids on their own
task or on a task they may not see.

With `organisations=N` it adds N-1 neighbouring municipalities (issue 16),
each its own small world (its share of the sizes), with some open tasks opened
to other municipalities (`Audience.ORGANISATIONS`), so staff of one see and
may bid on another's. Every world's people hold some verified credentials,
and some tasks ask for them (a "block" only where nobody without it has bid;
otherwise a "warn", which the bids of those lacking it carry).

The output is deterministic: the same seed and sizes give the same rows, ids
included. It is also fast: 100,000 tasks and 300,000 bids take a few seconds,
because all text is built from precomputed templates and every check is a
dictionary look-up.

    python -m sync.server.demo --tasks 200 --seed 7 --json demo.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import json
import os
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from desktop.core import operations, permissions
from desktop.core import skills as catalogue
from desktop.core.ids import unix_ms, uuid7_at
from desktop.core.resources import resources_dir
from desktop.core.entities import (
    Audience,
    Bid,
    BidStatus,
    Comment,
    Endorsement,
    Evidence,
    HeldCredential,
    Organisation,
    Person,
    PersonKind,
    PersonSkill,
    Role,
    Site,
    SiteKind,
    Task,
    TaskRequirements,
    TaskStatus,
)

__all__ = ["DEMO_PASSWORD", "DemoData", "generate", "main"]

DEMO_PASSWORD = "knop-demo"
ORGANISATION_NAME = "Egeskov Kommune"
DOMAIN = "egeskov.dk"


@dataclass
class DemoData:
    organisation: Organisation
    sites: list[Site]
    people: list[Person]
    person_skills: list[PersonSkill]
    tasks: list[Task]
    bids: list[Bid]
    comments: list[Comment]
    endorsements: list[Endorsement]
    passwords: dict[str, str]
    credentials: list[HeldCredential] = field(default_factory=list)
    requirements: list[TaskRequirements] = field(default_factory=list)
    # Further municipalities on the same server (issue 16), each a world of its own.
    neighbours: list[DemoData] = field(default_factory=list)

    def groups(self) -> dict[str, list[Any]]:
        """Every entity by table name (neighbours' too), in an order a store can apply."""
        worlds = [self, *self.neighbours]
        return {
            Organisation.table: [w.organisation for w in worlds],
            Site.table: [x for w in worlds for x in w.sites],
            Person.table: [x for w in worlds for x in w.people],
            PersonSkill.table: [x for w in worlds for x in w.person_skills],
            HeldCredential.table: [x for w in worlds for x in w.credentials],
            Task.table: [x for w in worlds for x in w.tasks],
            TaskRequirements.table: [x for w in worlds for x in w.requirements],
            Bid.table: [x for w in worlds for x in w.bids],
            Comment.table: [x for w in worlds for x in w.comments],
            Endorsement.table: [x for w in worlds for x in w.endorsements],
        }


# --- the data tables ---------------------------------------------------------
# Names, places, task templates and the sentences of bids and comments are data,
# in resources/demo/*.json (UTF-8); the code below only draws from them.


def _table(name: str) -> dict[str, Any]:
    """One of resources/demo/*.json, as parsed JSON.

    Raises OSError when the file is missing and ValueError when it is not JSON.
    """
    path = resources_dir() / "demo" / name
    with path.open(encoding="utf-8") as file:
        table: dict[str, Any] = json.load(file)
    return table


# --- the calendar ------------------------------------------------------------

# The demo's "now" follows the clock: its history ends with yesterday (UTC), so
# nothing in it is dated in the future whatever the hour it is shown at (a
# try-out on 30 November read a bid declined "tomorrow": the calendar was fixed
# at 1 December 2026, and decisions on that day were stamped up to 20:55), and
# the open tasks' deadlines lie ahead on any day. The same seed and sizes give
# the same data on the same day; KNOP_DEMO_LAST_DAY (an ISO date) pins the day
# for pictures and pinned fingerprints.
LAST_DAY_ENV = "KNOP_DEMO_LAST_DAY"


def _last_day() -> dt.date:
    """Yesterday (UTC), or the day KNOP_DEMO_LAST_DAY names. Raises ValueError for a malformed one."""
    pinned = os.environ.get(LAST_DAY_ENV, "").strip()
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise ValueError(f"{LAST_DAY_ENV} must be a date such as 2026-12-01, got {pinned!r}") from None
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


LAST_DAY = _last_day()
_EPOCH = LAST_DAY - dt.timedelta(days=334)  # the first of January when the demo was written
_DAY_COUNT = 800  # the epoch .. over two years on, enough for every period
DAYS: list[str] = [(_EPOCH + dt.timedelta(days=i)).isoformat() for i in range(_DAY_COUNT)]
_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
_DATES_DA: list[str] = []
_WEEKDAY_OF: list[str] = []
_WEEKEND_BACK: list[int] = []  # days back to the Friday before, for weekend days
for _i in range(_DAY_COUNT):
    _d = _EPOCH + dt.timedelta(days=_i)
    _WEEKEND_BACK.append(max(0, _d.weekday() - 4))
    _WEEKDAY_OF.append(_WEEKDAYS[_d.weekday()])
    _DATES_DA.append(f"{_WEEKDAYS[_d.weekday()]} den {_d.day}. {_MONTHS[_d.month - 1]}")

TODAY = (LAST_DAY - _EPOCH).days  # the demo's "now", the last day anything happened: LAST_DAY
OPEN_DEADLINE_FROM = TODAY + 15  # the open tasks' deadlines: a fortnight ahead and later
_LAST_START = TODAY + 384


_TIMES = tuple(f"T{h:02d}:{m:02d}:00.000Z" for h in range(7, 21) for m in range(0, 60, 5))
# Tasks are posted before noon, so whatever follows on the same day comes later.
_NOON = _TIMES.index("T12:00:00.000Z")


def _after_noon(day: int, rng: random.Random) -> str:
    return DAYS[day] + _TIMES[_NOON + int(rng.random() * (len(_TIMES) - _NOON))]


def _stamp(day: int, rng: random.Random) -> str:
    """A working-hours ISO timestamp on the given day, like 2026-10-03T09:15:00.000Z."""
    return DAYS[day] + _TIMES[int(rng.random() * len(_TIMES))]


class _FastRandom(random.Random):
    """random.Random whose small draws skip the exact-rejection path.

    `randrange` and friends in the standard library reject-sample 128-bit-safe
    integers, which costs more than everything else the generator does. For the
    small ranges used here, scaling `random()` is uniform enough and just as
    deterministic.
    """

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        if step == 1:
            return start + int(self.random() * (stop - start))
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


# --- sites -------------------------------------------------------------------

_S, _C, _D, _A = SiteKind.SCHOOL, SiteKind.CARE_HOME, SiteKind.DAYCARE, SiteKind.ADMINISTRATION

_SITE_DATA = _table("sites.json")
# The first four cover every kind, so even a tiny demo has them all.
SITES: tuple[tuple[str, SiteKind, str], ...] = tuple(
    (s["name"], SiteKind(s["kind"]), s["address"]) for s in _SITE_DATA["sites"]
)
_EXTRA_TOWNS: tuple[tuple[str, str], ...] = tuple(
    (t["town"], t["postcode"]) for t in _SITE_DATA["extra_towns"]
)
_EXTRA_PATTERN: dict[SiteKind, tuple[str, str]] = {
    SiteKind(kind): (p["name"], p["street"]) for kind, p in _SITE_DATA["extra_pattern"].items()
}
_KIND_CYCLE = (_S, _C, _D, _S, _C, _D, _S, _A)
# The neighbouring municipalities: name, slug (of usernames), mail domain, named sites.
_NEIGHBOURS: tuple[dict[str, Any], ...] = tuple(_SITE_DATA["neighbours"])
_KIND_WEIGHT: dict[str, float] = {_S: 3.0, _C: 2.6, _D: 1.5, _A: 4.0}


# --- people ------------------------------------------------------------------

_PEOPLE_DATA = _table("people.json")
_DANISH_FIRST: tuple[str, ...] = tuple(_PEOPLE_DATA["danish_first"])
_DANISH_LAST: tuple[str, ...] = tuple(_PEOPLE_DATA["danish_last"])
# (first names, last names, language code, catalogue language skill or None)
_DIVERSE: tuple[tuple[tuple[str, ...], tuple[str, ...], str, str | None], ...] = tuple(
    (tuple(g["first"]), tuple(g["last"]), g["language"], g["skill"]) for g in _PEOPLE_DATA["diverse"]
)
# kind -> (staff titles, manager titles); staff titles repeat to weight them
_TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # by SiteKind
    SiteKind(kind): (tuple(t["staff"]), tuple(t["managers"]))
    for kind, t in _PEOPLE_DATA["titles"].items()
}
_AVAILABILITY: tuple[str, ...] = tuple(_PEOPLE_DATA["availability"])
_EXTERNAL_AVAILABILITY: tuple[str, ...] = tuple(_PEOPLE_DATA["external_availability"])
_VOLUNTEER_TITLES: tuple[str, ...] = tuple(_PEOPLE_DATA["volunteer_titles"])
_CITIZEN_TITLES: tuple[str, ...] = tuple(_PEOPLE_DATA["citizen_titles"])
_COMPANIES: tuple[tuple[str, str], ...] = tuple(
    (c["name"], c["domain"]) for c in _PEOPLE_DATA["companies"]
)
_MAIL_PROVIDERS: tuple[str, ...] = tuple(_PEOPLE_DATA["mail_providers"])
_KIND_SKILLS: dict[str, tuple[str, ...]] = {  # by SiteKind
    SiteKind(kind): tuple(ids) for kind, ids in _PEOPLE_DATA["kind_skills"].items()
}
_EXTERNAL_SKILLS: tuple[str, ...] = tuple(_PEOPLE_DATA["external_skills"])
_FREE_TAGS = tuple(catalogue.normalise_free_tag(t) for t in _PEOPLE_DATA["free_tags"])


# --- tasks -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Template:
    kinds: str  # letters: S school, C care home, D day-care, A administration
    title: str
    description: str
    skills: tuple[str, ...]
    hours: tuple[float, float]
    seats: tuple[int, ...]  # drawn uniformly; repeat 1 to weight it
    audience: tuple[int, int, int]  # weights for site, organisation, external
    place: str
    span: int = 0  # days from start to end; 0 = a single day
    months: frozenset[int] = frozenset(range(1, 13))  # when it makes sense; see SEASONS
    # The one certificate the work itself calls for (a Børneattest for work with children),
    # or None: only such a task is ever given a requirement (`_credentials`).
    requires: str | None = None




def _template(entry: dict[str, Any]) -> _Template:
    """One entry of resources/demo/tasks.json."""
    # Without months of its own a template runs all year; school-only ones not
    # in July, when the schools are closed.
    school_year = (*range(1, 7), *range(8, 13))
    months = entry.get("months") or (range(1, 13) if entry["kinds"] != "S" else school_year)
    return _Template(
        kinds=entry["kinds"],
        title=entry["title"],
        description=entry["description"],
        skills=tuple(entry["skills"]),
        hours=tuple(entry["hours"]),
        seats=tuple(entry["seats"]),
        audience=tuple(entry["audience"]),
        place=entry["place"],
        span=entry.get("span", 0),
        months=frozenset(months),
        requires=entry.get("requires"),
    )


TEMPLATES: tuple[_Template, ...] = tuple(_template(e) for e in _table("tasks.json")["templates"])
_MONTH_OF = [int(day[5:7]) for day in DAYS]
_KIND_LETTER = {_S: "S", _C: "C", _D: "D", _A: "A"}
_IN_SEASON: dict[tuple[str, int], tuple[_Template, ...]] = {
    (kind, month): tuple(t for t in TEMPLATES if letter in t.kinds and month in t.months)
    for kind, letter in _KIND_LETTER.items()
    for month in range(1, 13)
}
assert all(_IN_SEASON.values()), "every kind of site needs something to do every month"

_MESSAGES = _table("messages.json")
_OPENERS: tuple[str, ...] = tuple(_MESSAGES["openers"])
_SKILL_LINES: tuple[str, ...] = tuple(_MESSAGES["skill_lines"])
_LANGUAGE_LINES: tuple[str, ...] = tuple(_MESSAGES["language_lines"])
_HAVE_LINES: tuple[str, ...] = tuple(_MESSAGES["have_lines"])
# Skills you "have" (a licence, a certificate) rather than "work with".
_HAVE_SKILLS = frozenset(_MESSAGES["have_skills"])
_CLOSERS: tuple[str, ...] = tuple(_MESSAGES["closers"])
_ACCEPT_NOTES: tuple[str, ...] = tuple(_MESSAGES["accept_notes"])
_DECLINE_NOTES: tuple[str, ...] = tuple(_MESSAGES["decline_notes"])
_QUESTIONS: tuple[str, ...] = tuple(_MESSAGES["questions"])
_DONE_REPLIES: tuple[str, ...] = tuple(_MESSAGES["done_replies"])
_WORKER_THANKS: tuple[str, ...] = tuple(_MESSAGES["worker_thanks"])
_CANCEL_REPLIES: tuple[str, ...] = tuple(_MESSAGES["cancel_replies"])
_REPLIES: tuple[str, ...] = tuple(_MESSAGES["replies"])


# --- helpers -----------------------------------------------------------------

_ASCII = str.maketrans(
    {
        "æ": "ae",
        "ø": "oe",
        "å": "aa",
        "Æ": "ae",
        "Ø": "oe",
        "Å": "aa",
        "ß": "ss",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "đ": "d",
        "Đ": "d",
    }
)


def ascii_slug(text: str) -> str:
    """`Søren Ø. Bøgh` -> `sorenobogh`-style lowercase ascii (æ->ae, ø->oe, å->aa)."""
    text = text.translate(_ASCII)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


# The organisation, its sites and its people were set up before any task: their ids
# are made a millisecond apart from this moment on, in the order they were created.
_FOUNDED_MS = unix_ms(f"{(_EPOCH - dt.timedelta(days=426)).isoformat()}T08:00:00.000Z")  # 14 months before
_stamp_ms = functools.cache(unix_ms)


def _uid(rng: random.Random, made: str | int) -> str:
    """A UUIDv7 for something made at `made` (an ISO UTC timestamp, or Unix ms).

    Time-ordered like the ids real clients make (`desktop.core.ids.uuid7`), so
    stores and the feed see the key order real data has; the random bits come
    from the seed, one 128-bit draw as before, so the same seed gives the same ids.
    """
    return uuid7_at(made if isinstance(made, int) else _stamp_ms(made), rng.getrandbits(128))


_PROPER = ("Excel", "Word", "PowerPoint", "Aula")


def _lower_first(text: str) -> str:
    """Sentence-case for use mid-sentence: "Lærer" -> "lærer", "IT-supporter" stays."""
    if not text or text[1:2].isupper() or text.startswith(_PROPER):
        return text
    return text[:1].lower() + text[1:]


_SKILL_LABEL = {s.id: _lower_first(s.da) for s in catalogue.CATALOGUE}
# Each skill's possible bid lines, with the skill already in place; what is
# left ({home}, {title}) depends on the bidder.
_LINES_BY_SKILL: dict[str, tuple[str, ...]] = {}
for _skill in catalogue.CATALOGUE:
    _label = _SKILL_LABEL[_skill.id]
    _lines = (
        _HAVE_LINES
        if _skill.id in _HAVE_SKILLS
        else _LANGUAGE_LINES
        if _skill.category == "language" and _skill.id != "language.proofreading"
        else _SKILL_LINES
    )
    _LINES_BY_SKILL[_skill.id] = tuple(
        line.replace("{skill}", _label).replace("{Skill}", _label[:1].upper() + _label[1:])
        for line in _lines
    )


class _Usernames:
    def __init__(self, reserved: tuple[str, ...]) -> None:
        self.taken = set(reserved)

    def make(self, first: str, last: str) -> str:
        f, l_ = ascii_slug(first) or "bruger", ascii_slug(last) or "x"
        for candidate in (f, f + l_[:1], f + l_[:2], f + l_[:3], f + l_):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        n = 2
        while f"{f}{l_}{n}" in self.taken:
            n += 1
        self.taken.add(f"{f}{l_}{n}")
        return f"{f}{l_}{n}"


# --- the generator -----------------------------------------------------------


def generate(
    seed: int = 7,
    *,
    sites: int = 14,
    people: int = 300,
    tasks: int = 200,
    bids: int | None = None,
    comments: int | None = None,
    organisations: int = 1,
    neighbour_share: float = 1.0,
) -> DemoData:
    """Egeskov Kommune with the given sizes; the same arguments give the same data.

    `organisations` > 1 adds neighbouring municipalities (`DemoData.neighbours`),
    each with `neighbour_share` (0..1] of every size; their people's usernames
    end in ".<municipality>" (anna.bogeby), so every username stays unique.
    Raises ValueError for fewer than 1 organisation or a share outside (0, 1].
    """
    if organisations < 1 or not 0 < neighbour_share <= 1:
        raise ValueError("organisations must be 1 or more, neighbour_share in (0, 1]")
    sizes = _Sizes(sites, people, tasks, bids, comments)
    # Half a million small objects: the cyclic collector would only rescan them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = _sized(_FastRandom(seed), sizes)
        data.neighbours = [
            _neighbour(_FastRandom(seed + 7919 * k), k, sizes.share(neighbour_share)) for k in range(1, organisations)
        ]
        if data.neighbours:
            _open_across(data)
            _bid_across(random.Random(seed), data)
        return data
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True, slots=True)
class _Sizes:
    """How much one municipality's world holds; None: bids and comments follow the tasks."""

    sites: int
    people: int
    tasks: int
    bids: int | None
    comments: int | None

    def share(self, part: float) -> _Sizes:
        """These sizes times `part` (0..1], rounded."""

        def times(n: int | None) -> int | None:
            return None if n is None else round(n * part)

        return _Sizes(
            round(self.sites * part), round(self.people * part), round(self.tasks * part),
            times(self.bids), times(self.comments),
        )


def _sized(rng: random.Random, sizes: _Sizes, **named: Any) -> DemoData:
    """One municipality's world with the sizes asked for (bounded below as `generate` says)."""
    tasks = max(sizes.tasks, 0)
    return _generate(
        rng,
        max(sizes.sites, 4),
        max(sizes.people, 8),
        tasks,
        3 * tasks if sizes.bids is None else max(sizes.bids, 0),
        tasks if sizes.comments is None else max(sizes.comments, 0),
        **named,
    )


def _neighbour(rng: random.Random, k: int, sizes: _Sizes) -> DemoData:
    """The k-th neighbouring municipality (k >= 1), from resources/demo/sites.json `neighbours`."""
    table = _NEIGHBOURS[(k - 1) % len(_NEIGHBOURS)]
    round_ = (k - 1) // len(_NEIGHBOURS)
    name = table["name"] if not round_ else f"{table['name']} {round_ + 1}"
    slug = table["slug"] if not round_ else f"{table['slug']}{round_ + 1}"
    named = tuple((x["name"], SiteKind(x["kind"]), x["address"]) for x in table["sites"])

    world = _sized(rng, sizes, org_name=name, named_sites=named)
    for person in world.people:
        username = f"{person.username}.{slug}"
        domain = person.email.rpartition("@")[2]
        person.email = f"{username}@{table['domain'] if domain == DOMAIN else domain}"
        person.username = username
    world.passwords = {p.username: DEMO_PASSWORD for p in world.people}
    return world


def _open_across(data: DemoData, share: int = 3) -> None:
    """Open every `share`-th open organisation-wide task of each world to other municipalities.

    Widening keeps every bid valid (whoever could see it still can); the
    tasks go to every organisation's staff, who may bid on them.
    """
    for world in (data, *data.neighbours):
        candidates = [t for t in world.tasks if t.status == TaskStatus.OPEN and t.audience == Audience.ORGANISATION]
        for task in candidates[::share]:
            task.audience = Audience.ORGANISATIONS


_ACROSS_LINES: tuple[str, ...] = tuple(_MESSAGES["across_lines"])


def _bid_across(rng: random.Random, data: DemoData) -> None:
    """A bid from a neighbour's staff on every second open task opened across the border.

    The links between municipalities the insights show: every second one is
    accepted (the task is assigned when that fills its last seat). Tasks
    that ask for a credential are left alone (the bidder may lack it); the
    task's counts go up as `bid.place` and `bid.accept` do it.
    """
    worlds = [data, *data.neighbours]
    for w, world in enumerate(worlds):
        required = {r.task_id for r in world.requirements}
        open_across = [
            t for t in world.tasks
            if t.status == TaskStatus.OPEN and t.audience == Audience.ORGANISATIONS and t.id not in required
        ]
        for n, task in enumerate(open_across[::2]):
            other = worlds[(w + 1 + n % (len(worlds) - 1)) % len(worlds)]
            staff = [p for p in other.people if p.role == Role.STAFF and p.active]
            bidder = staff[rng.randrange(len(staff))]
            site = next(x for x in other.sites if x.id == bidder.home_site_id)
            posted = (dt.date.fromisoformat(task.created_at[:10]) - _EPOCH).days
            day = min(posted + 1 + rng.randrange(4), TODAY)
            created = DAYS[day] + "T10:00:00.000Z" if day > posted else task.created_at
            line = _ACROSS_LINES[rng.randrange(len(_ACROSS_LINES))]
            bid = Bid(
                id=uuid7_at(unix_ms(created), rng.getrandbits(128)),
                task_id=task.id,
                bidder_id=bidder.id,
                message=f"{_OPENERS[rng.randrange(len(_OPENERS))]} "
                + line.format(home=f"på {site.name}", site=site.name, organisation=other.organisation.name),
                hours=task.effort_hours,
                availability=bidder.availability,
                status=BidStatus.PENDING,
                version=1,
                home_site_id=bidder.home_site_id,
                created_at=created,
            )
            if n % 2 == 0:
                bid.status, bid.version = BidStatus.ACCEPTED, 2
                bid.decided_by = task.poster_id
                bid.decided_at = created[:11] + "15:00:00.000Z" if day == TODAY else DAYS[day + 1] + "T09:00:00.000Z"
                bid.decision_message = _ACCEPT_NOTES[rng.randrange(len(_ACCEPT_NOTES))]
                task.accepted_count += 1
                task.updated_at = max(task.updated_at, bid.decided_at)
                if task.accepted_count == task.seats:
                    task.status = TaskStatus.ASSIGNED  # its last seat, as bid.accept does
            world.bids.append(bid)
            task.bid_count += 1


def _town(org_name: str) -> str:
    """The town a municipality is named after ("Bøgeby Kommune" -> "Bøgeby"): its texts' {by}."""
    return org_name.replace(" Kommune", "").strip() or org_name


def _generate(
    rng: random.Random,
    sites: int,
    people: int,
    tasks: int,
    bids: int,
    comments: int,
    org_name: str = ORGANISATION_NAME,
    named_sites: tuple[tuple[str, SiteKind, str], ...] | None = None,
) -> DemoData:

    org = Organisation(id=_uid(rng, _FOUNDED_MS), name=org_name)
    site_rows = _make_sites(rng, org.id, sites, SITES if named_sites is None else named_sites)
    town = _town(org_name)
    gen = _People(rng, site_rows, town)
    gen.build(people)
    task_gen = _Tasks(rng, site_rows, gen, town, org_name)
    task_rows = task_gen.build(tasks)
    bid_rows = task_gen.place_bids(bids)
    comment_rows = task_gen.add_comments(comments)
    endorsements = task_gen.endorse()
    person_skills = [ps for held in gen.skills for ps in held.values()]
    for person in gen.people:  # one organisation: everyone, outsiders too, is its (issue 16)
        person.organisation_id = org.id
    for task in task_rows:
        task.organisation_id = org.id
    # Drawn after everything else from a generator of their own, so that the
    # rest is what it was before credentials came to the demo; seeded by the
    # cast (their usernames), not by the stream the tasks drew from, so that
    # who holds what is the same on every day. The tasks' draws depend on the
    # calendar (a start that falls on a weekend draws again), so a seed taken
    # from their stream gave Ole a child-protection certificate on some days.
    cast = "|".join(person.username for person in gen.people)
    credentials, requirements = _credentials(
        random.Random(f"credentials|{cast}"), random.Random(rng.getrandbits(64)), gen, task_rows, bid_rows,
        task_gen.needs,
    )
    return DemoData(
        organisation=org,
        sites=site_rows,
        people=gen.people,
        person_skills=person_skills,
        tasks=task_rows,
        bids=bid_rows,
        comments=comment_rows,
        endorsements=endorsements,
        passwords={p.username: DEMO_PASSWORD for p in gen.people},
        credentials=credentials,
        requirements=requirements,
    )


def _make_sites(
    rng: random.Random, org_id: str, count: int, named: tuple[tuple[str, SiteKind, str], ...]
) -> list[Site]:
    rows: list[Site] = []
    names: set[str] = set()
    for i in range(count):
        if i < len(named):
            name, kind, address = named[i]
        else:
            kind = _KIND_CYCLE[(i - len(named)) % len(_KIND_CYCLE)]
            town, postcode = _EXTRA_TOWNS[(i - len(named)) % len(_EXTRA_TOWNS)]
            pattern, street = _EXTRA_PATTERN[kind]
            name = pattern.format(town=town)
            round_ = (i - len(named)) // len(_EXTRA_TOWNS)
            if round_ or name in names:
                name = f"{name} {('Nord', 'Syd', 'Øst', 'Vest')[round_ % 4]}" + (
                    f" {round_ // 4 + 1}" if round_ >= 4 else ""
                )
            address = f"{street.format(n=rng.randint(1, 60))}, {postcode} {town}"
        names.add(name)
        rows.append(
            Site(
                id=_uid(rng, _FOUNDED_MS + 1 + len(rows)),
                organisation_id=org_id,
                name=name,
                kind=kind,
                address=address,
                version=1,
            )
        )
    return rows


class _People:
    """People, their pools for bidding, and their skills."""

    def __init__(self, rng: random.Random, sites: list[Site], town: str = "Egeskov") -> None:
        self.rng = rng
        self.sites = sites
        self.town = town  # a citizen's title names their own town
        self.people: list[Person] = []
        self.home: list[str | None] = []
        self.role: list[str] = []
        self.home_phrase: list[str] = []  # "på Åskolen", for bid messages
        self.title_phrase: list[str] = []  # "lærer"
        self.skills: list[dict[str, PersonSkill]] = []
        self.by_id: dict[str, int] = {}
        self.usernames = _Usernames(("admin", "mette", "anna", "ole"))
        self.site_members: dict[str, list[int]] = {s.id: [] for s in sites}  # staff + managers
        self.managers: dict[str, list[int]] = {s.id: [] for s in sites}
        self.internal: list[int] = []
        self.externals: list[int] = []
        self.holders: dict[str, list[int]] = {}

    # names
    def _name(self) -> tuple[str, str, list[str], str | None]:
        rng = self.rng
        r = rng.random()
        if r < 0.14:
            firsts, lasts, code, skill = _DIVERSE[rng.randrange(len(_DIVERSE))]
            langs = ["da", code] if rng.random() < 0.85 else [code, "da"]
            if rng.random() < 0.6:
                langs.append("en")
            return rng.choice(firsts), rng.choice(lasts), langs, skill
        first = rng.choice(_DANISH_FIRST)
        last = rng.choice(_DANISH_LAST)
        if rng.random() < 0.2:
            last = f"{rng.choice(_DANISH_LAST)} {last}"
        langs = ["da"]
        if rng.random() < 0.8:
            langs.append("en")
        if rng.random() < 0.25:
            langs.append(rng.choice(("de", "de", "sv", "no", "fr", "es")))
        return first, last, langs, None

    def _add(
        self,
        *,
        first: str,
        last: str,
        langs: list[str],
        site: Site | None,
        role: str,
        kind: str = PersonKind.EMPLOYEE,
        title: str = "",
        username: str | None = None,
        language_skill: str | None = None,
        email_domain: str | None = None,
        extra_skills: tuple[str, ...] = (),
    ) -> int:
        rng = self.rng
        name = f"{first} {last}"
        if username is None:
            username = self.usernames.make(first, last)
        if email_domain is None:
            email_domain = DOMAIN if site is not None else rng.choice(_MAIL_PROVIDERS)
        if role == Role.EXTERNAL:
            availability = rng.choice(_EXTERNAL_AVAILABILITY)
        else:
            availability = rng.choice(_AVAILABILITY)
        person = Person(
            id=_uid(rng, _FOUNDED_MS + 3_600_000 + len(self.people)),  # an hour after the sites
            name=name,
            username=username,
            home_site_id=site.id if site else None,
            role=role,
            kind=kind,
            email=f"{username}@{email_domain}",
            title=title,
            languages=langs,
            availability=availability,
            active=True,
            version=1,
        )
        index = len(self.people)
        self.people.append(person)
        self.by_id[person.id] = index
        self.home.append(person.home_site_id)
        self.home_phrase.append(f"på {site.name}" if site else "som frivillig")
        self.title_phrase.append(_lower_first(title) if title else "frivillig")
        self.role.append(role)
        if role in (Role.STAFF, Role.SITE_MANAGER):
            self.site_members[site.id].append(index)  # type: ignore[union-attr]
            self.internal.append(index)
            if role == Role.SITE_MANAGER:
                self.managers[site.id].append(index)  # type: ignore[union-attr]
        elif role == Role.EXTERNAL:
            self.externals.append(index)
        self.skills.append({})
        self._give_skills(index, site.kind if site else None, language_skill, extra_skills)
        return index

    def _give_skills(
        self, index: int, kind: str | None, language_skill: str | None, extra: tuple[str, ...] = ()
    ) -> None:
        rng = self.rng
        pool = _KIND_SKILLS[kind] if kind else _EXTERNAL_SKILLS
        n = rng.randint(2, 6)
        chosen: list[str] = list(extra)
        if language_skill:
            chosen.append(language_skill)
        while len(chosen) < n:
            if rng.random() < 0.72:
                skill = pool[rng.randrange(len(pool))]
            else:
                skill = catalogue.CATALOGUE[rng.randrange(len(catalogue.CATALOGUE))].id
            if skill not in chosen:
                chosen.append(skill)
        if rng.random() < 0.15:
            tag = _FREE_TAGS[rng.randrange(len(_FREE_TAGS))]
            if tag not in chosen:
                chosen.append(tag)
        pid = self.people[index].id
        held = self.skills[index]
        for skill in chosen:
            if skill in held:
                continue
            held[skill] = PersonSkill(
                person_id=pid,
                skill=skill,
                evidence=Evidence.SELF_DECLARED,
                added_at=_stamp(rng.randrange(0, TODAY - 30), rng),
                version=1,
            )
            self.holders.setdefault(skill, []).append(index)

    def build(self, count: int) -> None:
        rng = self.rng
        sites = self.sites
        town_hall = next(s for s in sites if s.kind == _A)
        care_home = next(s for s in sites if s.kind == _C)
        school = next(s for s in sites if s.kind == _S)
        # The four people the demo introduces by name.
        self._add(
            first="Karsten",
            last="Dahl",
            langs=["da", "en"],
            site=town_hall,
            role=Role.ADMIN,
            title="IT-administrator",
            username="admin",
        )
        self._add(
            first="Mette",
            last="Lund Rasmussen",
            langs=["da", "en", "de"],
            site=care_home,
            role=Role.SITE_MANAGER,
            title="Centerleder",
            username="mette",
        )
        self._add(
            first="Anna",
            last="Berg Sørensen",
            langs=["da", "en", "fr"],
            site=school,
            role=Role.STAFF,
            title="Lærer",
            username="anna",
        )
        self._add(
            first="Ole",
            last="Kristensen",
            langs=["da"],
            site=None,
            role=Role.EXTERNAL,
            kind=PersonKind.VOLUNTEER,
            title="Frivillig, pensioneret tømrer",
            username="ole",
            email_domain="mail.dk",
            extra_skills=("craft.carpentry", "craft.handyman", "sport.rickshaw"),
        )
        first, last, langs, _ = self._name()
        self._add(
            first=first,
            last=last,
            langs=langs,
            site=town_hall,
            role=Role.ADMIN,
            title="Systemadministrator",
        )
        # One or two managers per site (Mette already leads her care home).
        for site in sites:
            wanted = 1 if (site is care_home or rng.random() < 0.55) else 2
            while len(self.managers[site.id]) < wanted and len(self.people) < count:
                self._person(site, Role.SITE_MANAGER)
        remaining = max(count - len(self.people), 0)
        externals = max(1, round(count * 0.05)) - 1  # Ole is one
        stride = max(1, remaining // externals) if externals else 0
        weights = [_KIND_WEIGHT[s.kind] for s in sites]
        made = 0
        for i in range(remaining):
            if made < externals and i % stride == stride - 1:
                self._external()
                made += 1
            else:
                site = rng.choices(sites, weights)[0]
                self._person(site, Role.STAFF)
        # Every site needs someone who can post besides its manager.
        for site in sites:
            if not self.site_members[site.id]:
                self._person(site, Role.STAFF)

    def _person(self, site: Site, role: str) -> int:
        first, last, langs, skill = self._name()
        staff_titles, manager_titles = _TITLES[site.kind]
        titles = manager_titles if role == Role.SITE_MANAGER else staff_titles
        return self._add(
            first=first,
            last=last,
            langs=langs,
            site=site,
            role=role,
            title=self.rng.choice(titles),
            language_skill=skill,
        )

    def _external(self) -> int:
        rng = self.rng
        first, last, langs, skill = self._name()
        r = rng.random()
        if r < 0.6:
            kind, title, domain = PersonKind.VOLUNTEER, rng.choice(_VOLUNTEER_TITLES), None
        elif r < 0.85:
            kind, title, domain = PersonKind.CITIZEN, rng.choice(_CITIZEN_TITLES).format(by=self.town), None
        else:
            company, domain = _COMPANIES[rng.randrange(len(_COMPANIES))]
            company, domain = company.format(by=self.town), domain.format(by=ascii_slug(self.town))
            kind, title = PersonKind.COMPANY, f"Indehaver, {company}"
        return self._add(
            first=first,
            last=last,
            langs=langs,
            site=None,
            role=Role.EXTERNAL,
            kind=kind,
            title=title,
            language_skill=skill,
            email_domain=domain,
        )


# --- credentials and what tasks require (issue 14's, in the demo since issue 16) ------

# What the people of a kind of site hold, and what that kind's tasks ask for.
_CREDENTIALS_HELD: dict[str, tuple[str, ...]] = {
    _S: ("child_protection", "first_aid", "driving_licence"),
    _D: ("child_protection", "first_aid", "food_hygiene"),
    _C: ("first_aid", "medicine_handling", "food_hygiene", "driving_licence"),
    _A: ("confidentiality", "driving_licence"),
}
_EXTERNAL_CREDENTIALS = ("child_protection", "first_aid", "driving_licence", "criminal_record")
_CHILD_PROTECTION = "child_protection"  # the Børneattest
_REQUIRED_SHARE = 0.5  # of the open tasks whose work calls for a certificate, those that ask for it
_FIRST_AID_YEARS = 2  # a first aid certificate is renewed every two years
_DEMO_TODAY = _EPOCH + dt.timedelta(days=TODAY)


# Ole joined by invitation and has shown no certificate yet: the demo's way to
# see a task that requires one closed to him, and who can verify it for him.
_NEW_VOLUNTEER = "ole"


def _credentials(
    rng: random.Random,
    task_rng: random.Random,
    gen: _People,
    tasks: list[Task],
    bids: list[Bid],
    needs: dict[str, str],
) -> tuple[list[HeldCredential], list[TaskRequirements]]:
    """Verified credentials for about half the people (drawn from `rng`), and requirements on
    half the open tasks whose work calls for a certificate (`needs`: task id -> credential,
    from the task's template), drawn from `task_rng`.

    A requirement fits the work, never only the site: a try-out found a grant
    application asking for a Børneattest and raised garden beds for medicine
    handling, when every task at a school or care home drew its site's certificate.

    A credential is verified by a manager of the holder's site (an admin for
    outsiders and managers without a colleague). A task's requirement blocks
    only where no bid was placed yet; otherwise it warns, and the bids of
    those who lack it carry the warning, as `bid.place` would have written.
    """
    admins = [p.id for p, role in zip(gen.people, gen.role, strict=True) if role == Role.ADMIN]
    kind_of = {site.id: site.kind for site in gen.sites}
    held: dict[tuple[str, str], HeldCredential] = {}
    for index, person in enumerate(gen.people):
        kind = kind_of.get(person.home_site_id or "")
        pool = _CREDENTIALS_HELD[kind] if kind else _EXTERNAL_CREDENTIALS
        if gen.role[index] == Role.ADMIN or rng.random() >= 0.5 or person.username == _NEW_VOLUNTEER:
            continue
        verifiers = [gen.people[m].id for m in gen.managers.get(person.home_site_id or "", []) if m != index]
        for credential in rng.sample(pool, rng.randint(1, 2)):
            issued = _DEMO_TODAY - dt.timedelta(days=rng.randrange(30, 1500))
            expires = issued + dt.timedelta(days=365 * _FIRST_AID_YEARS) if credential == "first_aid" else None
            verified = max(issued, _EPOCH) + dt.timedelta(days=rng.randrange(0, 20))
            held[(person.id, credential)] = HeldCredential(
                person_id=person.id,
                credential=credential,
                verified_by=rng.choice(verifiers or admins),
                issued_on=issued.isoformat(),
                expires_on=expires.isoformat() if expires else None,
                verified_at=_stamp((min(verified, _DEMO_TODAY) - _EPOCH).days, rng),
                site_id=person.home_site_id,
                version=1,
            )
    bids_on: dict[str, list[Bid]] = {}
    for bid in bids:
        if bid.status != BidStatus.WITHDRAWN:
            bids_on.setdefault(bid.task_id, []).append(bid)
    # The first open task nobody bid on always requires its site's certificate, so
    # that every day's demo shows a task closed to those who lack one (drawn alone,
    # a quarter of the few such tasks left some days with none).
    unbid = next(
        (t.id for t in tasks if t.status == TaskStatus.OPEN and t.id not in bids_on and t.id in needs), None
    )
    closed_to_ole = _closed_to_newcomer(gen, tasks, bids, held, needs)
    if closed_to_ole is not None:
        for bid in bids_on.get(closed_to_ole.id, []):
            if (bid.bidder_id, _CHILD_PROTECTION) not in held:
                held[(bid.bidder_id, _CHILD_PROTECTION)] = _shown_by_bidder(rng, gen, bid, admins)
    requirements = []
    for task in tasks:
        if task.status != TaskStatus.OPEN or (
            task_rng.random() >= _REQUIRED_SHARE and task.id != unbid and task is not closed_to_ole
        ):
            continue
        needed = needs.get(task.id)
        if needed is None:  # its work calls for no certificate: it asks for none
            continue
        placed = bids_on.get(task.id, [])
        for bid in placed:
            if (bid.bidder_id, needed) not in held:
                bid.warnings = [*bid.warnings, needed]
        requirements.append(
            TaskRequirements(
                task_id=task.id,
                requirements={needed: "warn" if placed and task is not closed_to_ole else "block"},
                updated_by=task.poster_id,
                updated_at=task.created_at,
                version=1,
            )
        )
    return list(held.values()), requirements


def _closed_to_newcomer(
    gen: _People,
    tasks: list[Task],
    bids: list[Bid],
    held: dict[tuple[str, str], HeldCredential],
    needs: dict[str, str],
) -> Task | None:
    """The open task Ole may bid on but is refused for lacking a Børneattest, or None (no such task).

    Of the open tasks of work with children (`needs`) that he sees and may
    still bid on (their deadline ahead of the day the demo is shown) and has
    not bid on, the one whose bidders lack the certificate least, then the one
    with the fewest bids, the first of equals. Every day has several (a try-out
    found the blocking requirement of `_credentials` on tasks outsiders cannot
    see). Its requirement blocks although bids were placed: the caller gives
    those bidders who lack the certificate one, so that, as `bid.place`
    would have had it, everyone who bid on it holds it.
    """
    ole = next((p for p in gen.people if p.username == _NEW_VOLUNTEER), None)
    if ole is None:
        return None
    shown_on = _DEMO_TODAY + dt.timedelta(days=1)  # its "now" is yesterday: it is shown the day after
    bidders: dict[str, list[str]] = {}
    for bid in bids:
        if bid.status != BidStatus.WITHDRAWN or bid.bidder_id == ole.id:
            bidders.setdefault(bid.task_id, []).append(bid.bidder_id)
    candidates = [
        task
        for task in tasks
        if task.status == TaskStatus.OPEN
        and needs.get(task.id) == _CHILD_PROTECTION
        and permissions.may_bid_on(ole, task)
        and not operations.bid_deadline_passed(task, shown_on)
        and ole.id not in bidders.get(task.id, ())
    ]

    def lacking_then_bids(task: Task) -> tuple[int, int]:
        who = bidders.get(task.id, [])
        return sum((bidder, _CHILD_PROTECTION) not in held for bidder in who), len(who)

    return min(candidates, key=lacking_then_bids, default=None)


def _shown_by_bidder(rng: random.Random, gen: _People, bid: Bid, admins: list[str]) -> HeldCredential:
    """The Børneattest `bid`'s bidder showed before bidding: verified, as `_credentials` verifies."""
    index = next(i for i, p in enumerate(gen.people) if p.id == bid.bidder_id)
    site = gen.people[index].home_site_id
    verifiers = [gen.people[m].id for m in gen.managers.get(site or "", []) if m != index]
    issued = _DEMO_TODAY - dt.timedelta(days=rng.randrange(30, 1500))
    verified = min(max(issued, _EPOCH) + dt.timedelta(days=rng.randrange(0, 20)), _DEMO_TODAY)
    return HeldCredential(
        person_id=bid.bidder_id,
        credential=_CHILD_PROTECTION,
        verified_by=rng.choice(verifiers or admins),
        issued_on=issued.isoformat(),
        expires_on=None,
        verified_at=_stamp((verified - _EPOCH).days, rng),
        site_id=site,
        version=1,
    )


_STATUS_WEIGHTS = (
    (TaskStatus.OPEN, 60),
    (TaskStatus.ASSIGNED, 12),
    (TaskStatus.DONE, 13),
    (TaskStatus.DRAFT, 7),
    (TaskStatus.CANCELLED, 8),
)
_BID_WEIGHT: dict[str, float] = {
    TaskStatus.OPEN: 3.0,
    TaskStatus.ASSIGNED: 1.5,
    TaskStatus.DONE: 1.5,
    TaskStatus.CANCELLED: 0.7,
}
_EXTRA_BID_STATUS = {
    TaskStatus.OPEN: ((BidStatus.PENDING, 80), (BidStatus.WITHDRAWN, 10), (BidStatus.DECLINED, 10)),
    TaskStatus.ASSIGNED: (
        (BidStatus.DECLINED, 60),
        (BidStatus.WITHDRAWN, 20),
        (BidStatus.PENDING, 20),
    ),
    TaskStatus.DONE: ((BidStatus.DECLINED, 75), (BidStatus.WITHDRAWN, 25)),
    TaskStatus.CANCELLED: ((BidStatus.DECLINED, 70), (BidStatus.WITHDRAWN, 30)),
}
_AUDIENCES = (Audience.SITE, Audience.ORGANISATION, Audience.EXTERNAL)
# Plain names for the values the inner loops compare against.
_SITE, _ORG, _EXT = _AUDIENCES
_ADMIN, _MANAGER, _EXTERNAL = Role.ADMIN, Role.SITE_MANAGER, Role.EXTERNAL
_PENDING, _ACCEPTED = BidStatus.PENDING, BidStatus.ACCEPTED
_DECLINED, _WITHDRAWN = BidStatus.DECLINED, BidStatus.WITHDRAWN
_CLOSED = (TaskStatus.DONE, TaskStatus.CANCELLED)
_HOUR_NUDGE = (-1.0, -0.5, 0.5, 1.0)
# Most templates suit more than their own site; every one may also stay at home.
_AUDIENCE_TABLE = {
    t: tuple(
        a
        for a, w in zip(_AUDIENCES, (t.audience[0] + 2, *t.audience[1:]), strict=True)
        for _ in range(w)
    )
    for t in TEMPLATES
}
# Each status's extra-bid mix as a lookup table: one draw, one index.
_EXTRA_BID_TABLE: dict[str, tuple[str, ...]] = {
    status: tuple(value for value, weight in mix for _ in range(weight // 5))
    for status, mix in _EXTRA_BID_STATUS.items()
}


def _cum(pairs: tuple[tuple[Any, int], ...]) -> tuple[list[Any], list[float]]:
    values, total, cum = [], 0.0, []
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


def _titles_told_apart(tasks: list[Task]) -> None:
    """Titles one site uses more than once get the start's week (", uge 5"), and "(2)", "(3)" if still alike.

    A site may well post the same kind of task again, but a try-out could not tell three
    "Erindringskasser til demensafsnittet" at one care home apart in any list. Changes the
    titles in place and draws nothing, so the rest of the demo stays as it was.
    """
    alike: dict[tuple[str, str], list[Task]] = {}
    for task in tasks:
        alike.setdefault((task.site_id, task.title), []).append(task)
    for same in alike.values():
        if len(same) < 2:
            continue
        for task in same:
            start = dt.date.fromisoformat(task.starts_on or task.created_at[:10])  # every demo task has a start
            # Plain ASCII around the words: people type titles into the search (and tests do too).
            task.title = f"{task.title}, uge {start.isocalendar().week}"
        seen: dict[str, int] = {}
        for task in sorted(same, key=lambda t: (t.starts_on or "", t.created_at)):
            seen[task.title] = seen.get(task.title, 0) + 1
            if seen[task.title] > 1:
                task.title = f"{task.title} ({seen[task.title]})"


class _Tasks:
    def __init__(
        self, rng: random.Random, sites: list[Site], people: _People,
        town: str = "Egeskov", org_name: str = ORGANISATION_NAME,
    ) -> None:
        self.rng = rng
        self.sites = sites
        self.p = people
        # A task's text names its own municipality's places (a try-out read "Egeskov Rådhus" on a
        # Bøgeby task): the templates' {by} and {kommune}.
        self.town, self.org_name = town, org_name
        by_letter: dict[str, list[_Template]] = {letter: [] for letter in "SCDA"}
        for template in TEMPLATES:
            for letter in template.kinds:
                by_letter[letter].append(template)
        self.templates_for: dict[str, list[_Template]] = {kind: by_letter[letter] for kind, letter in _KIND_LETTER.items()}
        self.tasks: list[Task] = []
        self.status: list[str] = []
        self.window: list[tuple[int, int]] = []  # days bids may be placed in
        self.poster: list[int] = []
        self.bidders: dict[int, list[int]] = {}
        self.accepted: dict[int, list[int]] = {}
        self.active: list[int] = []
        self.day_done: list[int] = []
        self.site: list[str] = []
        self.audience: list[str] = []
        self.sites_by_id = {s.id: s.name for s in sites}
        self.needs: dict[str, str] = {}  # task id -> the certificate its work calls for (_Template.requires)

    def build(self, count: int) -> list[Task]:
        rng = self.rng
        p = self.p
        sites = [s for s in self.sites if p.site_members[s.id]]
        weights = [_KIND_WEIGHT[s.kind] for s in sites]
        statuses, status_cum = _cum(_STATUS_WEIGHTS)
        site_picks = rng.choices(sites, weights, k=count)
        status_picks = rng.choices(statuses, cum_weights=status_cum, k=count)
        for i in range(count):
            site = site_picks[i]
            status = status_picks[i]
            templates = self.templates_for[site.kind]
            t = templates[rng.randrange(len(templates))]
            members = p.site_members[site.id]
            poster = members[rng.randrange(len(members))]
            # Managers post more than their share.
            managers = p.managers[site.id]
            if managers and rng.random() < 0.35:
                poster = managers[rng.randrange(len(managers))]
            span = rng.randint(t.span // 2, t.span) if t.span else (1 if rng.random() < 0.1 else 0)
            created, start, deadline, updated, window = self._dates(status, span)
            if _MONTH_OF[start] not in t.months:
                # No Christmas choir in May: take something that fits the season.
                fitting = _IN_SEASON[site.kind, _MONTH_OF[start]]
                t = fitting[int(rng.random() * len(fitting))]
                span = min(span, t.span)
            mix = _AUDIENCE_TABLE[t]
            audience = mix[int(rng.random() * len(mix))]
            seats = t.seats[int(rng.random() * len(t.seats))]
            lo, hi = t.hours
            effort = rng.randint(int(lo * 2), int(hi * 2)) / 2
            slots = {
                "site": site.name,
                "dato": _DATES_DA[start],
                "ugedag": _WEEKDAY_OF[start],
                "n": rng.randint(3, 24),
                "klasse": rng.randint(2, 9),
                "timer": max(1, int(effort)),
                "by": self.town,
                "kommune": self.org_name,
            }
            drawn = rng.getrandbits(128)  # the id's bits, drawn where they always were
            task = Task(
                id="",
                site_id=site.id,
                poster_id=p.people[poster].id,
                title=t.title.format_map(slots),
                description=t.description.format_map(slots),
                skills=list(t.skills),
                effort_hours=effort,
                starts_on=DAYS[start],
                ends_on=DAYS[start + span] if span else DAYS[start],
                bid_deadline=DAYS[deadline] if deadline is not None else None,
                place=t.place.format_map(slots),
                seats=seats,
                audience=audience,
                status=status,
                bid_count=0,
                accepted_count=0,
                created_at=DAYS[created] + _TIMES[int(rng.random() * _NOON)],
                updated_at="",
                updated_by=p.people[poster].id,
                version=1,
            )
            task.id = uuid7_at(_stamp_ms(task.created_at), drawn)
            task.updated_at = task.created_at if updated == created else _stamp(updated, rng)
            # Every demo task past draft was published when posted (the cancelled ones too).
            task.published_at = None if status == TaskStatus.DRAFT else task.created_at
            self.tasks.append(task)
            self.status.append(status)
            self.window.append(window)
            self.poster.append(poster)
            self.active.append(0)
            self.day_done.append(updated)
            self.site.append(site.id)
            self.audience.append(audience)
            if t.requires:
                self.needs[task.id] = t.requires
        _titles_told_apart(self.tasks)
        return self.tasks

    def _dates(self, status: str, span: int) -> tuple[int, int, int | None, int, tuple[int, int]]:
        """created, start, deadline, updated, bid window (days) for a task in this status."""
        r = self.rng.randint
        if status == TaskStatus.DONE:
            start = r(40, TODAY - 10 - span)
            start -= _WEEKEND_BACK[start]
            created = max(0, start - r(10, 60))
            deadline: int | None = max(created + 1, start - r(1, 7)) if self.rng.random() < 0.7 else None
            updated = min(TODAY - 1, start + span + r(1, 6))
            window = (created, max(created, min(start - 1, deadline or start - 1)))
        elif status == TaskStatus.ASSIGNED:
            start = r(TODAY + 5, _LAST_START - span)
            start -= _WEEKEND_BACK[start]
            created = r(TODAY - 80, TODAY - 5)
            deadline = min(start - 1, created + r(7, 40)) if self.rng.random() < 0.7 else None
            updated = r(created + 1, TODAY - 1)
            window = (created, max(created, min(updated - 1, deadline or TODAY)))
        elif status == TaskStatus.OPEN:
            start = r(OPEN_DEADLINE_FROM + 5, _LAST_START - span)
            start -= _WEEKEND_BACK[start]
            created = r(TODAY - 60, TODAY - 1)
            roll = self.rng.random()
            if roll < 0.75:
                deadline = r(OPEN_DEADLINE_FROM, start - 1)
            elif roll < 0.95:
                deadline = None
            else:
                deadline = r(created, TODAY - 1)  # closed for bids, not yet decided
            updated = created if self.rng.random() < 0.6 else r(created, TODAY - 1)
            window = (created, min(TODAY - 1, deadline if deadline is not None else TODAY))
        elif status == TaskStatus.DRAFT:
            start = r(TODAY + 30, _LAST_START - span)
            start -= _WEEKEND_BACK[start]
            created = r(TODAY - 30, TODAY - 1)
            deadline = r(OPEN_DEADLINE_FROM, start - 1) if self.rng.random() < 0.5 else None
            updated = created
            window = (created, created)
        else:  # cancelled
            created = r(60, TODAY - 20)
            start = r(created + 14, created + 150)
            start -= _WEEKEND_BACK[start]
            deadline = r(created + 7, start - 1) if self.rng.random() < 0.6 else None
            updated = r(created + 2, min(start, TODAY - 1))
            window = (created, updated - 1)
        return created, start, deadline, updated, window

    # bidding

    def _pool(self, i: int) -> list[int]:
        p = self.p
        audience = self.audience[i]
        if audience == _SITE:
            return p.site_members[self.site[i]]
        if audience == _ORG or not p.externals or self.rng.random() < 0.7:
            return p.internal
        return p.externals

    def _can_bid(self, i: int, who: int) -> bool:
        """may_bid_on, plus: no second bid, and no bids from the task's own managers."""
        if who == self.poster[i]:
            return False
        p = self.p
        role = p.role[who]
        if role == _ADMIN:
            return False
        audience = self.audience[i]
        if audience == _SITE:
            if p.home[who] != self.site[i] or role == _MANAGER:
                return False
        elif role == _EXTERNAL:
            if audience != _EXT:
                return False
        elif role == _MANAGER and p.home[who] == self.site[i]:
            return False
        already = self.bidders.get(i)
        return not (already and who in already)

    def _pick_bidder(self, i: int, prefer_skilled: bool) -> int:
        rnd = self.rng.random
        holders_of = self.p.holders
        skills = self.tasks[i].skills
        can_bid = self._can_bid
        for attempt in range(14):
            if prefer_skilled and attempt < 6 and skills:
                holders = holders_of.get(skills[int(rnd() * len(skills))])
                if not holders:
                    continue
                who = holders[int(rnd() * len(holders))]
            else:
                pool = self._pool(i)
                if not pool:
                    continue
                who = pool[int(rnd() * len(pool))]
            if can_bid(i, who):
                return who
        return -1

    def _bid(self, i: int, who: int, status: str) -> Bid:
        rnd = self.rng.random
        p = self.p
        task = self.tasks[i]
        lo, hi = self.window[i]
        day = lo + int(rnd() * (hi - lo + 1))
        skills = task.skills
        lines = _LINES_BY_SKILL[skills[int(rnd() * len(skills))]]
        line = lines[int(rnd() * len(lines))]
        if "{" in line:
            line = line.format(home=p.home_phrase[who], title=p.title_phrase[who])
        opener = _OPENERS[int(rnd() * len(_OPENERS))]
        closer = _CLOSERS[int(rnd() * len(_CLOSERS))]
        roll = rnd()
        effort = task.effort_hours
        if roll < 0.2:
            hours = None
        elif roll < 0.75:
            hours = effort
        else:
            hours = max(0.5, effort + _HOUR_NUDGE[int(rnd() * 4)])
        person = p.people[who]
        drawn = self.rng.getrandbits(128)
        bid = Bid(
            id="",
            task_id=task.id,
            bidder_id=person.id,
            message=f"{opener} {line} {closer}" if closer else f"{opener} {line}",
            hours=hours,
            availability=person.availability if rnd() < 0.7 else "",
            status=status,
            version=1,
            home_site_id=person.home_site_id,  # lending (issue 15); draws nothing random
            created_at=_after_noon(day, self.rng)
            if day == lo
            else DAYS[day] + _TIMES[int(rnd() * len(_TIMES))],
        )
        bid.id = uuid7_at(_stamp_ms(bid.created_at), drawn)
        if status in (_ACCEPTED, _DECLINED):
            decided = min(day + 1 + int(rnd() * 5), TODAY)
            if status == _DECLINED and self.status[i] in _CLOSED:
                decided = max(decided, min(self.day_done[i], TODAY))
            notes = _ACCEPT_NOTES if status == _ACCEPTED else _DECLINE_NOTES
            bid.decision_message = notes[int(rnd() * len(notes))]
            bid.decided_by = task.poster_id
            bid.decided_at = DAYS[decided] + _TIMES[int(rnd() * len(_TIMES))]
            bid.version = 2
            if status == _ACCEPTED and self.status[i] == TaskStatus.DONE:
                # Confirmed when the task was done, as `task.complete` does: the offered
                # hours, else the task's effort (a try-out found a fifth of the finished
                # work with no hours, where no bid offered any).
                bid.worked_hours = operations.default_worked_hours(bid, task)
                bid.hours_confirmed_by = task.poster_id
                bid.hours_confirmed_at = max(DAYS[min(self.day_done[i], TODAY)] + "T16:00:00.000Z",
                                             bid.decided_at)
        elif status == _WITHDRAWN:
            bid.version = 2
        return bid

    def place_bids(self, budget: int) -> list[Bid]:
        rng = self.rng
        rnd = rng.random
        rows: list[Bid] = []
        # First the accepted bids that assigned and done tasks must have.
        for i, status in enumerate(self.status):
            task = self.tasks[i]
            if status == TaskStatus.ASSIGNED:
                need = task.seats
            elif status == TaskStatus.DONE:
                need = rng.randint(1, task.seats)
            elif status == TaskStatus.OPEN and task.seats > 1 and rnd() < 0.3:
                need = rng.randint(1, task.seats - 1)
            else:
                continue
            got = 0
            while got < need and len(rows) < budget:
                who = self._pick_bidder(i, True)
                if who < 0:
                    break
                rows.append(self._record(i, who, _ACCEPTED))
                got += 1
            if status == TaskStatus.ASSIGNED and got < task.seats:
                self._set_status(i, TaskStatus.OPEN)
            elif status == TaskStatus.DONE and got == 0:
                self._set_status(i, TaskStatus.CANCELLED)
        # Then everyone else: pending on open tasks, the rest declined or withdrawn.
        biddable = [i for i, s in enumerate(self.status) if s != TaskStatus.DRAFT]
        if not biddable:
            return rows
        weights = [_BID_WEIGHT[self.status[i]] for i in biddable]
        table = _EXTRA_BID_TABLE
        pick_bidder = self._pick_bidder
        record = self._record
        status_of = self.status
        misses = 0
        while len(rows) < budget and misses < 50 + budget:
            picks = rng.choices(biddable, weights, k=min(budget - len(rows), 65_536))
            for i in picks:
                who = pick_bidder(i, rnd() < 0.4)
                if who < 0:
                    misses += 1
                    continue
                choices = table[status_of[i]]
                rows.append(record(i, who, choices[int(rnd() * len(choices))]))
        for i, task in enumerate(self.tasks):
            task.bid_count = self.active[i]
            task.accepted_count = len(self.accepted.get(i, ()))
        return rows

    def _record(self, i: int, who: int, status: str) -> Bid:
        already = self.bidders.get(i)
        if already is None:
            self.bidders[i] = [who]
        else:
            already.append(who)
        if status == _PENDING:
            self.active[i] += 1
        elif status == _ACCEPTED:
            self.active[i] += 1
            self.accepted.setdefault(i, []).append(who)
        return self._bid(i, who, status)

    def _set_status(self, i: int, status: str) -> None:
        self.status[i] = status
        self.tasks[i].status = status

    # conversation

    def add_comments(self, budget: int) -> list[Comment]:
        rng = self.rng
        p = self.p
        rows: list[Comment] = []
        talkable = [i for i, s in enumerate(self.status) if s != TaskStatus.DRAFT]
        if not talkable or budget <= 0:
            return rows
        picks = rng.choices(talkable, k=budget)
        for i in picks:
            task = self.tasks[i]
            lo = self.window[i][0]
            hi = (
                max(lo, min(self.day_done[i], TODAY - 1))
                if self.status[i] != TaskStatus.OPEN
                else TODAY - 1
            )
            status = self.status[i]
            poster = self.poster[i]
            roll = rng.random()
            author = poster
            if roll >= 0.35:
                bidders = self.bidders.get(i)
                if bidders and roll < 0.7:
                    author = bidders[int(rng.random() * len(bidders))]
                else:
                    for _ in range(8):
                        pool = self._pool(i)
                        who = pool[int(rng.random() * len(pool))] if pool else -1
                        if who >= 0 and self._can_bid(i, who):
                            author = who
                            break
            day = -1
            if author == poster:
                if status == TaskStatus.DONE and rng.random() < 0.5:
                    body, day = _DONE_REPLIES[int(rng.random() * len(_DONE_REPLIES))], hi
                elif status == TaskStatus.CANCELLED and rng.random() < 0.6:
                    body, day = _CANCEL_REPLIES[int(rng.random() * len(_CANCEL_REPLIES))], hi
                else:
                    body = _REPLIES[int(rng.random() * len(_REPLIES))]
            elif (
                status == TaskStatus.DONE
                and author in self.accepted.get(i, ())
                and rng.random() < 0.6
            ):
                body, day = _WORKER_THANKS[int(rng.random() * len(_WORKER_THANKS))], hi
            else:
                body = _QUESTIONS[int(rng.random() * len(_QUESTIONS))]
            if day < 0:
                day = rng.randint(lo, hi)
            drawn = rng.getrandbits(128)
            comment = Comment(
                id="",
                task_id=task.id,
                author_id=p.people[author].id,
                body=body.format(site=self.sites_by_id[task.site_id], n=rng.randint(5, 40)),
                created_at=_after_noon(day, rng) if day == lo else _stamp(day, rng),
                version=1,
            )
            comment.id = uuid7_at(_stamp_ms(comment.created_at), drawn)
            rows.append(comment)
        return rows

    # evidence

    def endorse(self) -> list[Endorsement]:
        rng = self.rng
        p = self.p
        rows: list[Endorsement] = []
        for i, workers in self.accepted.items():
            if self.status[i] != TaskStatus.DONE:
                continue
            task = self.tasks[i]
            for who in workers:
                if rng.random() < 0.15:
                    continue  # not every owner gets round to it
                chosen = rng.sample(task.skills, rng.randint(1, min(2, len(task.skills))))
                held = p.skills[who]
                for skill in chosen:
                    rows.append(
                        Endorsement(
                            id=_uid(rng, task.updated_at),
                            task_id=task.id,
                            person_id=p.people[who].id,
                            skill=skill,
                            endorsed_by=task.poster_id,
                            created_at=task.updated_at,
                            version=1,
                        )
                    )
                    existing = held.get(skill)
                    if existing is not None and existing.evidence == Evidence.TASK:
                        continue
                    if existing is None:
                        p.holders.setdefault(skill, []).append(who)
                    held[skill] = PersonSkill(
                        person_id=p.people[who].id,
                        skill=skill,
                        evidence=Evidence.TASK,
                        task_id=task.id,
                        confirmed_by=task.poster_id,
                        added_at=existing.added_at if existing else task.updated_at,
                        version=(existing.version if existing else 0) + 1,
                    )
        return rows


# --- command line ------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sync.server.demo",
        description="Write the Egeskov Kommune demo data as JSON rows.",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sites", type=int, default=14)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--bids", type=int, default=None)
    parser.add_argument("--comments", type=int, default=None)
    parser.add_argument("--json", metavar="PATH", help="output file (default: standard output)")
    args = parser.parse_args(argv)
    data = generate(
        args.seed,
        sites=args.sites,
        people=args.people,
        tasks=args.tasks,
        bids=args.bids,
        comments=args.comments,
    )
    rows = {table: [e.to_row() for e in group] for table, group in data.groups().items()}
    text = json.dumps(rows, ensure_ascii=False, indent=1)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            out.write(text)
        counts = ", ".join(f"{len(v)} {k}" for k, v in rows.items())
        print(f"wrote {counts} to {args.json}", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
