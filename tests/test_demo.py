"""The demo municipality: deterministic, Danish, and consistent with the rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest

from sync.server import demo
from desktop.core import skills
from desktop.core.entities import (
    Audience,
    BidStatus,
    Evidence,
    Person,
    PersonKind,
    Role,
    SiteKind,
    Task,
    TaskStatus,
)
from desktop.core.permissions import can_see_task

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ROOT = Path(__file__).resolve().parent.parent
SENTENCE_END = re.compile(r"(?<!\d)[.?!]\s+(?=[A-ZÆØÅ0-9])")


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate()


@pytest.fixture(scope="module")
def scaled() -> demo.DemoData:
    return demo.generate(11, tasks=5000, people=800)


def test_same_seed_same_data(data: demo.DemoData) -> None:
    again = demo.generate()
    assert again == data
    assert [t.id for t in again.tasks] == [t.id for t in data.tasks]


# Fields entities gained after the pins below were taken: tasks' published_at (issue
# 18, derived from their status) and person skills' private flag (issue 12, False).
LATER_FIELDS = frozenset({
    "published_at", "private",
    # oversight (issue 15): drawn from nothing random, so the pins stay as they were
    "lending", "lending_decided_by", "lending_decided_at",
    "worked_hours", "hours_confirmed_by", "hours_confirmed_at",
    # reach (issue 14)
    "phone", "warnings", "externals_need_approval",
    # clock times (issue 17)
    "start_time", "end_time", "repeats",
})
# Names other tables had before: a bid's home site; a task's outsiders and a person's company (issue 14).
LATER_COLUMNS = frozenset({
    ("bids", "home_site_id"), ("tasks", "outsiders"), ("people", "company_id"),
    ("tasks", "organisation_id"), ("people", "organisation_id"),  # issue 16
})
# Tables the demo gained after the pins: verified credentials and what tasks require
# (issue 16; drawn from a generator of their own after everything else).
LATER_TABLES = frozenset({"person_credentials", "task_requirements"})
# Ids became UUIDv7 (issue 16): the time part is new, the last 64 bits (variant and
# rand_b) are those of the same draw that made the UUIDv4 before, so the pins cover those.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{4}-[0-9a-f]{12})")
# What tells a site's titles apart (try-out s36: ", uge 5", "(2)"), added to the titles after
# the pins and drawn from nothing: left out, so the pins still cover every title's words.
_TOLD_APART = re.compile(r", uge \d+( \(\d+\))?$")


def fingerprint(data: demo.DemoData) -> str:
    """SHA-256 over every row of every table (in order, ids included) and the passwords.

    Fields added after the pins (`LATER_FIELDS`) are left out, and of each id only the
    part a UUIDv4 and a UUIDv7 share is kept, so the pins still say that everything
    the generator made then, it makes now.
    """
    digest = hashlib.sha256()
    for table, group in data.groups().items():
        if table in LATER_TABLES:
            continue
        digest.update(table.encode())
        for entity in group:
            row = {
                k: v
                for k, v in entity.to_row().items()
                if k not in LATER_FIELDS and (table, k) not in LATER_COLUMNS
            }
            if table == "tasks":
                row["title"] = _TOLD_APART.sub("", row["title"])
            text = json.dumps(row, sort_keys=True, ensure_ascii=False)
            digest.update(_UUID.sub(r"\1", text).encode())
    digest.update(json.dumps(data.passwords, sort_keys=True).encode())
    return digest.hexdigest()


# Taken from the generator while its tables were still Python literals, before
# they moved to resources/demo/*.json: the data must not have changed by a byte
# (ids: see `_UUID`; these pins were taken again from the UUIDv4 generator then,
# and again when a task's text came to name its own municipality's places).
# The demo's calendar follows the clock, so the pins are taken on a pinned day,
# in a process of their own (the calendar is made when the generator loads).
@pytest.mark.parametrize(
    ("seed", "sizes", "expected"),
    [
        (7, {}, "b91300e978257b542751862a324276273cd94dc212ff8d08f0d8630aaa0397ec"),
        (11, {"tasks": 5000, "people": 800}, "ac89b94e530d0c2fb1f8a7a6fc411eab9e668c9f13ade880adb04d98bc75cc6a"),
        (
            2026,
            {"tasks": 10_000, "bids": 30_000, "people": 1_000, "comments": 2_000},
            "e5851072b617bd2fbd4824c80e2eade2ea33f3aeb178a1d93eab5b74780de6ff",
        ),
    ],
)
def test_the_data_is_exactly_what_it_was(seed: int, sizes: dict[str, int], expected: str) -> None:
    program = (
        "from sync.server import demo; from tests.test_demo import fingerprint; "
        f"print(fingerprint(demo.generate({seed}, **{sizes!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, demo.LAST_DAY_ENV: "2026-12-01"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


def test_the_tables_are_data_files() -> None:
    """Every table the generator draws from is read from resources/demo, in UTF-8."""
    from desktop.core.resources import resources_dir

    folder = resources_dir() / "demo"
    names = sorted(p.name for p in folder.glob("*.json"))
    # guidelines.json: the rules of the road the seeded demo publishes (sync.server.demo_seed).
    assert names == ["guidelines.json", "messages.json", "people.json", "sites.json", "tasks.json"]
    tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    assert [t["title"] for t in tasks["templates"]] == [t.title for t in demo.TEMPLATES]
    assert any("ø" in t.title or "å" in t.title or "æ" in t.title for t in demo.TEMPLATES)


def test_other_seed_other_data(data: demo.DemoData) -> None:
    other = demo.generate(8)
    assert other.organisation.id != data.organisation.id
    assert [t.title for t in other.tasks] != [t.title for t in data.tasks]


def test_default_sizes(data: demo.DemoData) -> None:
    assert data.organisation.name == "Egeskov Kommune"
    assert len(data.sites) >= 12
    assert {s.kind for s in data.sites} == set(SiteKind)
    assert len(data.people) >= 300
    assert len(data.tasks) == 200
    assert len(data.bids) == 600
    assert len(data.comments) == 200


def test_requested_sizes_are_honoured() -> None:
    small = demo.generate(3, sites=6, people=60, tasks=50, bids=90, comments=25)
    assert len(small.sites) == 6
    assert {s.kind for s in small.sites} == set(SiteKind)
    assert len(small.people) == 60
    assert len(small.tasks) == 50
    assert len(small.bids) == 90
    assert len(small.comments) == 25
    check_invariants(small)


def test_more_sites_than_the_named_ones() -> None:
    wide = demo.generate(5, sites=40, people=400, tasks=300)
    assert len({s.name for s in wide.sites}) == 40
    check_invariants(wide)


def test_named_users(data: demo.DemoData) -> None:
    by_name = {p.username: p for p in data.people}
    sites = {s.id: s for s in data.sites}
    assert by_name["admin"].role == Role.ADMIN
    mette = by_name["mette"]
    assert mette.role == Role.SITE_MANAGER and sites[mette.home_site_id].kind == SiteKind.CARE_HOME
    anna = by_name["anna"]
    assert anna.role == Role.STAFF and sites[anna.home_site_id].kind == SiteKind.SCHOOL
    ole = by_name["ole"]
    assert (
        ole.role == Role.EXTERNAL and ole.kind == PersonKind.VOLUNTEER and ole.home_site_id is None
    )
    assert data.passwords == {p.username: "knop-demo" for p in data.people}


def test_people_look_real(data: demo.DemoData) -> None:
    usernames = [p.username for p in data.people]
    assert len(set(usernames)) == len(usernames)
    assert all(re.fullmatch(r"[a-z0-9]+", u) for u in usernames)
    roles = Counter(p.role for p in data.people)
    assert roles[Role.ADMIN] == 2
    assert roles[Role.STAFF] > len(data.people) * 0.7
    assert 0.03 <= roles[Role.EXTERNAL] / len(data.people) <= 0.08
    managers = Counter(p.home_site_id for p in data.people if p.role == Role.SITE_MANAGER)
    assert all(1 <= managers[s.id] <= 2 for s in data.sites)
    assert any(set(p.name) & set("æøåÆØÅ") for p in data.people)
    assert (
        len({p.languages[0] for p in data.people} | {x for p in data.people for x in p.languages})
        > 5
    )
    titles = {p.title for p in data.people}
    assert {"Pædagog", "Social- og sundhedsassistent", "Lærer", "Skolesekretær"} <= titles
    for p in data.people:
        assert p.name and p.email.startswith(p.username + "@") and p.availability and p.languages
        assert p.active


def test_tasks_read_like_danish(data: demo.DemoData) -> None:
    text = " ".join(t.title + " " + t.description for t in data.tasks)
    assert set("æøå") <= set(text)
    assert len({t.title for t in data.tasks}) >= 40
    for t in data.tasks:
        assert "{" not in t.title + t.description + t.place
        sentences = [s for s in SENTENCE_END.split(t.description.strip()) if s]
        assert 1 <= len(sentences) <= 3, t.description


def test_templates(data: demo.DemoData) -> None:
    assert len(demo.TEMPLATES) >= 40
    assert len({t.title for t in demo.TEMPLATES}) == len(demo.TEMPLATES)
    for t in demo.TEMPLATES:
        assert 1 <= len(t.skills) <= 3
        assert all(s in skills.BY_ID for s in t.skills), t.title
        assert set(t.kinds) <= set("SCDA")
        slots = {
            "site": "Åskolen",
            "dato": "tirsdag den 3. marts",
            "ugedag": "tirsdag",
            "n": 7,
            "klasse": 4,
            "timer": 3,
            "by": "Egeskov",
            "kommune": "Egeskov Kommune",
        }
        text = t.description.format_map(slots)
        assert 1 <= len([s for s in SENTENCE_END.split(text) if s]) <= 3, text


def test_status_and_audience_mix(data: demo.DemoData) -> None:
    statuses = Counter(t.status for t in data.tasks)
    # Tasks past their bid deadline are generated open, as a server holds them until
    # its next deadline round closes them (sync.server.deadlines), which it runs at start.
    assert set(statuses) == set(TaskStatus) - {TaskStatus.CLOSED}
    assert statuses[TaskStatus.OPEN] > len(data.tasks) / 2
    # "Other municipalities" needs a second municipality, which the one-organisation demo lacks.
    assert {t.audience for t in data.tasks} == set(Audience) - {Audience.ORGANISATIONS}
    seats = Counter(t.seats for t in data.tasks)
    assert seats[1] > len(data.tasks) / 2 and max(seats) > 1


def test_open_tasks_still_take_bids(data: demo.DemoData) -> None:
    open_tasks = [t for t in data.tasks if t.status == TaskStatus.OPEN]
    fortnight = (demo.LAST_DAY + dt.timedelta(days=15)).isoformat()
    later = [t for t in open_tasks if t.bid_deadline is None or t.bid_deadline >= fortnight]
    assert len(later) >= 0.8 * len(open_tasks)


def test_endorsements_back_task_evidence(data: demo.DemoData) -> None:
    assert data.endorsements
    assert any(ps.evidence == Evidence.TASK for ps in data.person_skills)
    assert any(skills.is_free_tag(ps.skill) for ps in data.person_skills)


def test_invariants_default(data: demo.DemoData) -> None:
    check_invariants(data)


def test_invariants_scaled(scaled: demo.DemoData) -> None:
    assert len(scaled.tasks) == 5000 and len(scaled.people) == 800
    check_invariants(scaled)


def test_ids_are_uuid7_in_the_time_each_thing_was_made() -> None:
    """Like real clients' ids, the demo's sort by creation time, so stores see real key order."""
    import uuid

    from desktop.core.ids import unix_ms

    data = demo.generate(5, tasks=300)
    timed = [*data.tasks, *data.bids, *data.comments, *data.endorsements]
    assert timed
    for entity in [data.organisation, *data.sites, *data.people, *timed]:
        assert uuid.UUID(entity.id).version == 7
    for entity in timed:
        assert int(entity.id.replace("-", "")[:12], 16) == unix_ms(entity.created_at)
    people = [p.id for p in data.people]
    assert people == sorted(people)  # made one after another, a millisecond apart
    assert data.organisation.id < min(s.id for s in data.sites) < min(people) < min(t.id for t in timed)


def test_the_same_seed_gives_the_same_ids() -> None:
    first, again = demo.generate(9, tasks=50), demo.generate(9, tasks=50)
    assert [t.id for t in first.tasks] == [t.id for t in again.tasks]
    assert [b.id for b in first.bids] == [b.id for b in again.bids]


def test_cli_writes_rows(tmp_path) -> None:
    out = tmp_path / "demo.json"
    assert demo.main(["--tasks", "30", "--seed", "4", "--json", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows["tasks"]) == 30 and len(rows["organisations"]) == 1
    assert isinstance(rows["tasks"][0]["skills"], str)  # JSON text, as to_row() gives
    expected = demo.generate(4, tasks=30)
    assert rows["tasks"][0] == expected.tasks[0].to_row()


def test_people_hold_verified_credentials_and_tasks_ask_for_them(data: demo.DemoData) -> None:
    """The demo had neither (issue 16's known gap); the rules of issue 14 hold for what it has now."""
    from desktop.core import eligibility

    people = {p.id: p for p in data.people}
    tasks = {t.id: t for t in data.tasks}
    assert len(data.credentials) > 50 and len(data.requirements) > 10
    for c in data.credentials:
        holder, verifier = people[c.person_id], people[c.verified_by]
        assert eligibility.is_known(c.credential) and c.site_id == holder.home_site_id
        assert c.issued_on is not None and c.issued_on <= demo.LAST_DAY.isoformat() and STAMP.match(c.verified_at)
        assert verifier.role == Role.ADMIN or (
            verifier.role == Role.SITE_MANAGER and holder.home_site_id is not None
            and verifier.home_site_id == holder.home_site_id and verifier.id != holder.id
        )
    held = {(c.person_id, c.credential) for c in data.credentials}
    bids_on: dict[str, list] = defaultdict(list)
    for b in data.bids:
        if b.status != BidStatus.WITHDRAWN:
            bids_on[b.task_id].append(b)
    severities: Counter[str] = Counter()
    for r in data.requirements:
        assert tasks[r.task_id].status == TaskStatus.OPEN and r.updated_by == tasks[r.task_id].poster_id
        ((credential, severity),) = r.requirements.items()
        severities[severity] += 1
        if severity == "block":  # nobody lacking it could have bid
            assert all((b.bidder_id, credential) in held for b in bids_on[r.task_id])
        for b in bids_on[r.task_id]:
            assert (credential in b.warnings) == ((b.bidder_id, credential) not in held)
    assert severities["warn"] and severities["block"]


def _template_of(task: Task) -> demo._Template:
    """The template `task` was made from: its title with the slots ({site}, ...) as wildcards."""
    for template in demo.TEMPLATES:
        pattern = re.escape(template.title)
        pattern = re.sub(r"\\\{\w+\\\}", ".+", pattern)
        if re.fullmatch(pattern + r"(, uge \d+( \(\d+\))?)?", task.title):
            return template
    raise AssertionError(f"no template makes {task.title!r}")


def test_a_task_asks_only_for_the_certificate_its_work_calls_for(data: demo.DemoData) -> None:
    """Try-out s36: "Fondsansøgning" asked for a Børneattest, "Højbede i sansehaven" and
    "Erindringskasser" for medicine handling, "Film til rekruttering" for a driving licence:
    every open task at a school drew its site's certificate. Now only work that calls for one
    (children, driving, handling food, confidential papers) asks, and for that one."""
    tasks = {t.id: t for t in data.tasks}
    asked = {}
    for r in data.requirements:
        ((credential, _severity),) = r.requirements.items()
        template = _template_of(tasks[r.task_id])
        assert credential == template.requires, (tasks[r.task_id].title, credential)
        asked[template.title] = credential
    assert asked.get("Fondsansøgning til nyt projekt på {site}") is None
    assert not {"Højbede i sansehaven", "Erindringskasser til demensafsnittet", "Film til rekruttering af sosu-elever"} & set(asked)
    assert {"child_protection", "driving_licence"} <= set(asked.values())
    children = {t.title for t in demo.TEMPLATES if t.requires == "child_protection"}
    assert "Lektiehjælp i lektiecaféen" in children and "Højtlæsning i {site}" in children


def test_no_site_has_two_tasks_of_one_title(data: demo.DemoData) -> None:
    """Try-out s36: three "Erindringskasser til demensafsnittet" at one care home could not be
    told apart in any list. A title a site repeats carries the start's week, and a number if
    that is alike too."""
    for world in (data, *data.neighbours):
        titles = Counter((t.site_id, t.title) for t in world.tasks)
        assert [key for key, count in titles.items() if count > 1] == []
    assert any(", uge " in t.title for t in data.tasks)


# What Ole, the newly joined volunteer, is refused a bid on for lacking a certificate:
# the tasks he may bid on, bids still open the day the demo is shown, that block
# him, judged by the rule the bid form and `bid.place` use. Printed by a process
# of its own, since the demo's calendar is made when the generator loads.
_CLOSED_TO_OLE = """
import datetime as dt, json
from desktop.core import eligibility, operations, permissions
from sync.server import demo
data = demo.generate()
ole = next(p for p in data.people if p.username == "ole")
shown_on = demo.LAST_DAY + dt.timedelta(days=1)
held = {c.credential: c for c in data.credentials if c.person_id == ole.id}
required = {r.task_id: r for r in data.requirements}
bid_on = {b.task_id for b in data.bids if b.bidder_id == ole.id}
print(json.dumps(sorted(
    list(eligibility.judge(ole, required[t.id].requirements, held, shown_on).blocking)
    for t in data.tasks
    if t.status == "open" and t.id in required and t.id not in bid_on
    and permissions.may_bid_on(ole, t) and not operations.bid_deadline_passed(t, shown_on)
)))
"""


# Days of several seasons, a month's end and a leap day: the data follows the calendar.
@pytest.mark.parametrize("day", ["2026-12-01", "2026-12-15", "2027-01-10", "2027-03-31", "2027-06-20", "2028-02-29"])
def test_ole_meets_a_task_that_asks_for_the_boerneattest_he_lacks(day: str) -> None:
    """A try-out: the demo never showed Ole a bid form refused for a missing Børneattest
    (its blocking requirement fell on tasks outsiders cannot see)."""
    done = subprocess.run(
        [sys.executable, "-c", _CLOSED_TO_OLE], capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, demo.LAST_DAY_ENV: day},
    )
    assert done.returncode == 0, done.stderr
    assert ["child_protection"] in json.loads(done.stdout), done.stdout


def test_a_neighbouring_municipality_opens_tasks_to_the_first(data: demo.DemoData) -> None:
    both = demo.generate(organisations=2, neighbour_share=0.2)
    (bogeby,) = both.neighbours
    assert bogeby.organisation.name == "Bøgeby Kommune" and bogeby.organisation.id != both.organisation.id
    assert (len(bogeby.sites), len(bogeby.people), len(bogeby.tasks)) == (4, 60, 40)
    assert [s.name for s in bogeby.sites][:2] == ["Bøgeby Rådhus", "Bøgeby Friskole"]
    check_invariants(bogeby, both.people)
    check_invariants(both, bogeby.people)
    # Links between municipalities: pending bids across the border, both ways.
    across = [b for w in (both, bogeby) for b in w.bids if b.bidder_id in {p.id for p in (bogeby if w is both else both).people}]
    assert {b.status for b in across} == {BidStatus.PENDING, BidStatus.ACCEPTED}
    assert {b.task_id in {t.id for t in both.tasks} for b in across} == {True, False}
    assert all(p.username.endswith(".bogeby") and p.organisation_id == bogeby.organisation.id for p in bogeby.people)
    assert all(t.organisation_id == bogeby.organisation.id for t in bogeby.tasks)
    usernames = [p.username for p in both.groups()["people"]]
    assert len(set(usernames)) == len(usernames)
    for table, group in both.groups().items():
        assert len({e.key_value() for e in group}) == len(group), table

    anna = next(p for p in both.people if p.username == "anna")
    across = [t for t in bogeby.tasks if t.audience == Audience.ORGANISATIONS]
    assert across and all(can_see_task(anna, t) for t in across)
    assert any(t.status == TaskStatus.OPEN for t in across)
    assert not any(can_see_task(anna, t) for t in bogeby.tasks if t.audience in (Audience.SITE, Audience.ORGANISATION))
    assert any(t.audience == Audience.ORGANISATIONS for t in both.tasks)  # and the other way
    # The first municipality is the default one, but for the tasks it opened across the border.
    assert [t.id for t in both.tasks] == [t.id for t in data.tasks]
    assert [p.to_row() for p in both.people] == [p.to_row() for p in data.people]
    assert len(both.groups()["organisations"]) == 2 and len(data.groups()["organisations"]) == 1


def test_the_benchmark_gets_as_many_organisations_as_it_asks_for() -> None:
    data = demo.generate(3, tasks=100, people=60, organisations=5)
    orgs = data.groups()["organisations"]
    assert len({o.id for o in orgs}) == 5 and len({o.name for o in orgs}) == 5
    assert [len(w.tasks) for w in (data, *data.neighbours)] == [100] * 5
    with pytest.raises(ValueError, match="organisations"):
        demo.generate(organisations=0)


def check_invariants(data: demo.DemoData, neighbours: Iterable[Person] = ()) -> None:
    """The rules hold for `data`; `neighbours`: other municipalities' people, who may bid across."""
    sites = {s.id: s for s in data.sites}
    people = {p.id: p for p in data.people}
    tasks = {t.id: t for t in data.tasks}
    assert len(sites) == len(data.sites) and len(people) == len(data.people)
    people.update((p.id, p) for p in neighbours)
    assert len(tasks) == len(data.tasks)
    all_ids = [data.organisation.id, *sites, *people, *tasks]
    all_ids += [b.id for b in data.bids] + [c.id for c in data.comments]
    all_ids += [e.id for e in data.endorsements]
    assert len(set(all_ids)) == len(all_ids)
    assert all(UUID7.match(i) for i in all_ids)

    for s in data.sites:
        assert s.organisation_id == data.organisation.id and s.address
    for p in data.people:
        if p.role == Role.EXTERNAL:
            assert p.home_site_id is None and p.kind != PersonKind.EMPLOYEE
        else:
            assert p.home_site_id in sites and p.kind == PersonKind.EMPLOYEE

    held = Counter(ps.person_id for ps in data.person_skills)
    assert len({(ps.person_id, ps.skill) for ps in data.person_skills}) == len(data.person_skills)
    assert all(held[p.id] >= 2 for p in data.people)
    for ps in data.person_skills:
        assert ps.person_id in people and skills.is_known(ps.skill), ps.skill
        assert STAMP.match(ps.added_at)

    for t in data.tasks:
        poster = people[t.poster_id]
        assert t.site_id in sites
        assert poster.role in (Role.STAFF, Role.SITE_MANAGER) and poster.home_site_id == t.site_id
        assert t.updated_by == t.poster_id and t.version == 1
        assert 1 <= len(t.skills) <= 3 and all(skills.is_known(s) for s in t.skills)
        assert t.starts_on and DATE.match(t.starts_on) and DATE.match(t.ends_on)
        assert t.starts_on <= t.ends_on
        assert t.bid_deadline is None or DATE.match(t.bid_deadline)
        assert STAMP.match(t.created_at) and STAMP.match(t.updated_at)
        assert t.created_at <= t.updated_at
        assert t.effort_hours >= 0.5 and 1 <= t.seats <= 4 and t.title and t.place

    bids_on: dict[str, list] = defaultdict(list)
    for b in data.bids:
        task = tasks[b.task_id]
        bidder = people[b.bidder_id]
        bids_on[b.task_id].append(b)
        assert task.status != TaskStatus.DRAFT
        assert b.bidder_id != task.poster_id
        assert can_see_task(bidder, task)
        if bidder.role == Role.EXTERNAL:
            assert task.audience == Audience.EXTERNAL
        if task.audience == Audience.SITE:
            assert bidder.home_site_id == task.site_id
        assert b.message and STAMP.match(b.created_at) and b.created_at >= task.created_at
        if b.status in (BidStatus.ACCEPTED, BidStatus.DECLINED):
            assert b.decided_by == task.poster_id and b.decided_at > b.created_at
        else:
            assert b.decided_by is None and b.decided_at is None
        if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            assert b.status != BidStatus.PENDING

    for t in data.tasks:
        bids = bids_on[t.id]
        active = [b for b in bids if b.status in (BidStatus.PENDING, BidStatus.ACCEPTED)]
        accepted = [b for b in bids if b.status == BidStatus.ACCEPTED]
        assert t.bid_count == len(active)
        assert t.accepted_count == len(accepted)
        assert len({b.bidder_id for b in active}) == len(active)
        assert t.accepted_count <= t.seats
        if t.status == TaskStatus.ASSIGNED:
            assert t.accepted_count == t.seats
        elif t.status == TaskStatus.DONE:
            assert t.accepted_count >= 1
        elif t.status == TaskStatus.OPEN:
            assert t.accepted_count < t.seats
        elif t.status == TaskStatus.DRAFT:
            assert not bids

    for c in data.comments:
        task = tasks[c.task_id]
        author = people[c.author_id]
        assert task.status != TaskStatus.DRAFT
        assert can_see_task(author, task)
        if author.role == Role.EXTERNAL:
            assert task.audience == Audience.EXTERNAL
        if task.audience == Audience.SITE:
            assert author.home_site_id == task.site_id
        assert c.body.strip() and "{" not in c.body and STAMP.match(c.created_at)
        assert c.created_at >= task.created_at[:10]

    endorsed = {(e.task_id, e.person_id, e.skill): e for e in data.endorsements}
    assert len(endorsed) == len(data.endorsements)
    workers = {(b.task_id, b.bidder_id) for b in data.bids if b.status == BidStatus.ACCEPTED}
    for e in data.endorsements:
        task = tasks[e.task_id]
        assert task.status == TaskStatus.DONE
        assert (e.task_id, e.person_id) in workers
        assert e.skill in task.skills and e.endorsed_by == task.poster_id
    for ps in data.person_skills:
        if ps.evidence == Evidence.TASK:
            e = endorsed[(ps.task_id, ps.person_id, ps.skill)]
            assert ps.confirmed_by == e.endorsed_by == tasks[ps.task_id].poster_id
        else:
            assert ps.evidence == Evidence.SELF_DECLARED
            assert ps.task_id is None and ps.confirmed_by is None


@pytest.mark.slow
def test_the_benchmark_municipality_has_the_scale_asked_for() -> None:
    # How long it takes is the benchmarks' business (make bench), not a timed test's:
    # on a shared CI machine a stopwatch here fails for reasons that are not Knop's.
    big = demo.generate(2026, tasks=100_000, people=5_000, bids=300_000, comments=20_000)
    assert len(big.tasks) == 100_000 and len(big.bids) == 300_000 and len(big.comments) == 20_000
    assert len(big.people) >= 5_000
    assert len({b.id for b in big.bids}) == 300_000


@pytest.fixture(scope="module")
def municipalities() -> demo.DemoData:
    """The demo as a server is seeded with it: three municipalities, each with its history."""
    from sync.server import demo_seed

    return demo_seed.generate(organisations=3, neighbour_share=0.5)


# What happened, as opposed to what is planned (a task's start, a deadline, a certificate's expiry).
_EVENT_FIELDS = ("created_at", "updated_at", "published_at", "decided_at", "hours_confirmed_at",
                 "added_at", "verified_at", "issued_on")


def test_nothing_in_the_demo_happened_in_the_future(municipalities: demo.DemoData) -> None:
    """A try-out on 30 November read a declined bid dated tomorrow: the calendar was fixed at
    1 December 2026. Whatever day and hour the demo is made, everything in it has happened."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    seen: Counter[str] = Counter()
    for table, rows in municipalities.groups().items():
        for row in (entity.to_row() for entity in rows):
            for name in _EVENT_FIELDS:
                value = row.get(name)
                if value:
                    seen[name] += 1
                    assert str(value) <= now, (table, name, value, row.get("id"))
    assert {"created_at", "decided_at", "hours_confirmed_at", "verified_at", "issued_on"} <= set(seen)


def test_a_task_names_only_its_own_municipalitys_places(municipalities: demo.DemoData) -> None:
    """A try-out read "Egeskov Rådhus" as the place of a Bøgeby task."""
    worlds = [municipalities, *municipalities.neighbours]
    assert len(worlds) == 3

    def places(world: demo.DemoData) -> set[str]:
        town = world.organisation.name.removesuffix(" Kommune")
        return {town, world.organisation.name, *(s.name for s in world.sites)}

    for world in worlds:
        foreign = set().union(*(places(w) for w in worlds if w is not world)) - places(world)
        own_town = world.organisation.name.removesuffix(" Kommune")
        texts = [(t.title, t.description, t.place) for t in world.tasks]
        texts += [(p.title,) for p in world.people]
        named = {name for text in texts for name in foreign if name in " ".join(text)}
        assert named == set(), (world.organisation.name, named)
        assert any(own_town in " ".join(text) for text in texts)  # the templates do name places


def test_finished_work_has_the_hours_completing_it_confirms() -> None:
    """Try-out 21: a fifth of the demo's finished work had no hours worked (its bid offered none),
    which completing a task never leaves: it confirms the offered hours, else the task's effort."""
    from desktop.core import operations
    from desktop.core.entities import BidStatus, TaskStatus

    data = demo.generate(7, tasks=400, people=80)
    tasks = {t.id: t for t in data.tasks}
    finished = [
        b for b in data.bids if b.status == BidStatus.ACCEPTED and tasks[b.task_id].status == TaskStatus.DONE
    ]
    assert any(b.hours is None for b in finished)  # the case the try-out met is in the demo
    for bid in finished:
        assert bid.worked_hours == operations.default_worked_hours(bid, tasks[bid.task_id]), bid
        assert bid.hours_confirmed_by == tasks[bid.task_id].poster_id
