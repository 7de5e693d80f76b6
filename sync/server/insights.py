"""Competence discovery: the organisation's numbers, computed where all the evidence is.

A device holds only what its users may see, so the competence map, talent
search and the network of sites helping sites are computed here, from the
same tables the change feed carries, and cut to what the asking person may
see (`desktop.core.permissions.may_see_evidence_of`):

- everyone gets organisation-wide counts; a count of 1 or 2 people is
  replaced by None for anyone but an admin (`SMALL_COUNT`), because with so
  few people a count names them;
- people appear by name (drill-down, talent search) only to those who may
  see their evidence; a skill a person marked private is never shown by name
  to anyone but that person, and still counts anonymously.

Evidence of a skill, weakest first (`LEVELS`): declared on the profile,
offered (a bid on a task that asks for the skill, not withdrawn), accepted
(the bid was accepted), completed (the task is done), endorsed (the task's
manager confirmed the skill). A skill is *shown* by work: an accepted bid or
better (an offer alone is counted, as "offered", but shows nothing yet); a
*hidden* competence is one shown by a person whose profile did not list it
before the work showed it.

Each organisation (issue 16) sees its own: the map counts its people, talent
search finds its people and those of other organisations who worked for it
(bid on its tasks), and the network shows its sites plus the links across
the border, to the sites of other organisations whose people solved its
tasks or whose tasks its people solved. Another organisation's task is named
only when its audience reaches every organisation (`_SEEN_ACROSS`); work on
its internal tasks still counts, without a title.

All grouping happens in SQL, so a map of 300,000 bids comes back as a few
thousand rows. The SQL is one text for both engines except how a task's JSON
list of skills is unnested (`_skills_of_task`).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from desktop.core import consent, permissions, skills
from desktop.core.entities import Audience, Person, PersonSettings, Role
from desktop.core.ids import utc_now
from desktop.core.quarters import quarter_name, quarter_of
from sync.server import snapshots
from sync.server.storage import Database, Session

VERSION = 1  # of the shapes below; the path carries it too (/v1/insights/...)
SMALL_COUNT = 3  # fewer people than this is not shown to those who may not see individuals

DECLARED, OFFERED, ACCEPTED, COMPLETED, ENDORSED = range(5)
LEVELS = ("declared", "offered", "accepted", "completed", "endorsed")


def quarter(iso: str | None) -> str | None:
    """"2026-Q3" for any ISO date or timestamp (or "YYYY-MM"); None for none."""
    if not iso or len(iso) < 7:
        return None
    return quarter_name(*quarter_of(iso))


def _skills_of_task(session: Session) -> str:
    """A FROM-clause item that unnests `t.skills` (JSON text) into rows of `j.value`."""
    if session.dialect == "postgresql":
        return "CROSS JOIN LATERAL json_array_elements_text(t.skills::json) AS j(value)"
    return "JOIN json_each(t.skills) AS j"


def _contains(session: Session, column: str) -> str:
    """An exact, case-sensitive substring test of `column` against one parameter."""
    if session.dialect == "postgresql":
        return f"strpos({column}, ?) > 0"
    return f"instr({column}, ?) > 0"


_LEVEL_OF_BID = (
    f"CASE WHEN b.status = 'accepted' AND t.status = 'done' THEN {COMPLETED} "
    f"WHEN b.status = 'accepted' THEN {ACCEPTED} ELSE {OFFERED} END"
)
_WHEN_OF_BID = "coalesce(b.decided_at, b.created_at)"

# Audiences that show a task to the non-externals of every organisation: such a
# task of another organisation may be named in a viewer's insights.
_SEEN_ACROSS = frozenset({Audience.ORGANISATIONS, Audience.EXTERNAL})

# Declared: on the profile, and not put there by the endorsement that showed it
# (an endorsement adds the skill with the endorsement's own time when the
# profile did not list it; see operations.task_endorse).
_DECLARED = """ps.evidence = 'self' OR NOT EXISTS (
    SELECT 1 FROM endorsements e
    WHERE e.person_id = ps.person_id AND e.skill = ps.skill AND e.created_at <= ps.added_at
)"""


class Viewer:
    """The person asking, and whom they may see by name."""

    def __init__(self, session: Session, person: Person) -> None:
        self.person = person
        self._session = session

    @functools.cached_property
    def bidders_on_my_site(self) -> frozenset[str]:
        """For a site manager: who bid on their site's tasks (looked up only when names are listed)."""
        if self.person.role != Role.SITE_MANAGER or not self.person.home_site_id:
            return frozenset()
        return frozenset(
            r[0]
            for r in self._session.execute(
                "SELECT DISTINCT b.bidder_id FROM bids b JOIN tasks t ON t.id = b.task_id "
                "WHERE t.site_id = ?",
                (self.person.home_site_id,),
            ).fetchall()
        )

    @functools.cached_property
    def bidders_for_my_organisation(self) -> frozenset[str]:
        """People of other organisations who bid on the viewer's organisation's tasks (issue 16)."""
        return frozenset(
            r[0]
            for r in self._session.execute(
                "SELECT DISTINCT b.bidder_id FROM bids b JOIN tasks t ON t.id = b.task_id "
                "JOIN people p ON p.id = b.bidder_id WHERE t.organisation_id = ? AND p.organisation_id <> ?",
                (self.person.organisation_id, self.person.organisation_id),
            ).fetchall()
        )

    @property
    def organisation_id(self) -> str:
        return self.person.organisation_id

    @property
    def sees_individual_counts(self) -> bool:
        return permissions.sees_all_evidence(self.person)

    def may_see(self, person: Person, preferences: dict[str, Any] | None = None) -> bool:
        """`permissions.may_see_evidence_of`, with the person's talent-search choice (`preferences`).

        Across the border (issue 16) an admin sees only those of another
        organisation who bid on their organisation's tasks, and only if they
        are findable beyond their own site; a site manager those who bid on
        their site's tasks, as within the organisation.
        """
        sites = {self.person.home_site_id} if person.id in self.bidders_on_my_site else set()
        return permissions.may_see_evidence_of(
            self.person,
            person,
            {s for s in sites if s},
            consent.findable(person, preferences),
            bid_for_their_organisation=person.id in self.bidders_for_my_organisation,
        )

    def names_task(self, organisation_id: str | None, audience: str) -> bool:
        """Whether a task of `organisation_id` with `audience` may be named (title) to this viewer."""
        return organisation_id == self.organisation_id or audience in _SEEN_ACROSS

    def count(self, n: int) -> int | None:
        """A count of people as this viewer may see it: None when it is too small to be anonymous."""
        if n == 0 or n >= SMALL_COUNT or self.sees_individual_counts:
            return n
        return None


def _people(session: Session, ids: Iterable[str]) -> dict[str, Person]:
    """The people with these ids (a drill-down names a few hundred at most)."""
    wanted = sorted(set(ids))
    found: dict[str, Person] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            (row["id"], Person.from_row(row))
            for row in session.rows(
                "SELECT id, name, username, home_site_id, role, kind, title, availability, active, organisation_id "
                f"FROM people WHERE id IN ({', '.join('?' for _ in chunk)})",
                chunk,
            )
        )
    return found


def _preferences(session: Session, people: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored preferences of these people (for their talent-search choice), by person id."""
    wanted = sorted(set(people))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for held in session.fetch(PersonSettings, f"person_id IN ({', '.join('?' for _ in chunk)})", chunk):
            found[held.person_id] = held.preferences
    return found


def _sites(session: Session, organisation_id: str | None = None) -> dict[str, str]:
    """Site id -> name (of one organisation, when given)."""
    if organisation_id is None:
        return {str(r[0]): str(r[1]) for r in session.execute("SELECT id, name FROM sites").fetchall()}
    return {
        str(r[0]): str(r[1])
        for r in session.execute("SELECT id, name FROM sites WHERE organisation_id = ?", (organisation_id,)).fetchall()
    }


def _skill_row(skill: str) -> dict[str, Any]:
    entry = skills.BY_ID.get(skill)
    return {
        "skill": skill,
        "label": {"da": skills.label(skill, "da"), "en": skills.label(skill, "en")},
        "category": entry.category if entry else ("tag" if skills.is_free_tag(skill) else ""),
    }


# --- the competence map --------------------------------------------------------


def _shown_sql(session: Session) -> str:
    """Per (person, skill): the strongest evidence shown and the month it was first shown."""
    return f"""
        SELECT b.bidder_id AS person_id, j.value AS skill,
               max({_LEVEL_OF_BID}) AS level,
               coalesce(min(CASE WHEN b.status = 'accepted' THEN b.decided_at END),
                        min(b.created_at)) AS first_at
        FROM bids b JOIN tasks t ON t.id = b.task_id {_skills_of_task(session)}
        WHERE b.status <> 'withdrawn'
        GROUP BY b.bidder_id, j.value
        UNION ALL
        SELECT person_id, skill, {ENDORSED} AS level, min(created_at) AS first_at
        FROM endorsements GROUP BY person_id, skill
    """


def _map_facts(session: Session) -> dict[str, Any]:
    """The map's raw counts, the same for every viewer: the expensive part, kept as a snapshot."""
    # The declared flag is a primary-key lookup per (person, skill): a join to a
    # CTE of declared skills is evaluated once per row by SQLite (seconds).
    grouped = session.execute(
        f"""
        WITH shown AS ({_shown_sql(session)}),
        best AS (
            SELECT person_id, skill, max(level) AS level, min(first_at) AS first_at
            FROM shown GROUP BY person_id, skill
        ),
        flagged AS (
            SELECT best.person_id, best.skill, best.level, substr(best.first_at, 1, 7) AS month,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM person_skills ps
                       WHERE ps.person_id = best.person_id AND ps.skill = best.skill AND ({_DECLARED})
                   ) THEN 1 ELSE 0 END AS was_declared
            FROM best
        )
        SELECT p.organisation_id, p.home_site_id, f.skill, f.level, f.month, f.was_declared, count(*)
        FROM flagged f JOIN people p ON p.id = f.person_id
        GROUP BY p.organisation_id, p.home_site_id, f.skill, f.level, f.month, f.was_declared
        """
    ).fetchall()
    declared = session.execute(
        f"""SELECT p.organisation_id, p.home_site_id, ps.skill, count(*)
            FROM person_skills ps JOIN people p ON p.id = ps.person_id
            WHERE {_DECLARED}
            GROUP BY p.organisation_id, p.home_site_id, ps.skill"""
    ).fetchall()
    return {"shown": [list(r) for r in grouped], "declared": [list(r) for r in declared]}


def _summary(
    computed_at: str, facts: dict[str, Any], organisation_id: str, site_id: str | None, category: str | None
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
    """(per skill, per site) counts of one organisation's people for one filter; memoised per snapshot."""
    key = (computed_at, organisation_id, site_id, category)
    if key in _SUMMARIES:
        return _SUMMARIES[key]
    grouped, declared_rows = facts["shown"], facts["declared"]

    def wanted(organisation: str, site: str | None, skill: str) -> bool:
        if organisation != organisation_id:
            return False
        if site_id and site != site_id:
            return False
        if category:
            entry = skills.BY_ID.get(skill)
            kind = entry.category if entry else ("tag" if skills.is_free_tag(skill) else "")
            return kind == category
        return True

    per_skill: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "declared": 0,
            "shown": 0,
            "hidden": 0,
            **{name: 0 for name in LEVELS[1:]},
            "quarters": defaultdict(lambda: {"shown": 0, "hidden": 0}),
        }
    )
    per_site: dict[str, dict[str, int]] = defaultdict(lambda: {"shown": 0, "hidden": 0})
    for organisation, site, skill, level, month, was_declared, n in grouped:
        if not wanted(organisation, site, skill):
            continue
        row = per_skill[skill]
        row[LEVELS[level]] += n
        if level < ACCEPTED:
            continue  # offered only: counted, but nothing shown yet
        row["shown"] += n
        hidden = 0 if was_declared else n
        row["hidden"] += hidden
        q = quarter(month)
        if q:
            row["quarters"][q]["shown"] += n
            row["quarters"][q]["hidden"] += hidden
        per_site[site or ""]["shown"] += n
        per_site[site or ""]["hidden"] += hidden
    for organisation, site, skill, n in declared_rows:
        if wanted(organisation, site, skill):
            per_skill[skill]["declared"] += n
    if len(_SUMMARIES) >= 64:
        _SUMMARIES.clear()  # older snapshots' summaries; a few filters of the newest come back
    _SUMMARIES[key] = (per_skill, per_site)
    return per_skill, per_site


_SUMMARIES: dict[tuple[str, str, str | None, str | None], Any] = {}


def competence_map(
    db: Database,
    session: Session,
    viewer: Viewer,
    *,
    site_id: str | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    """The viewer's organisation's skills, shown against declared, per skill, site and quarter.

    Returns {"version", "computed_at", "small_count", "filters", "totals",
    "skills": [{skill, label, category, declared, shown, hidden, offered,
    accepted, completed, endorsed, quarters: {"2026-Q1": {shown, hidden}}}],
    "sites": [{site_id, name, shown, hidden}], "candidates": [{skill, people}]
    (admins only), "mine": [...the viewer's own evidence]}. Counts are of
    people; a None count is too small to show this viewer. `computed_at` is
    when the counts were computed (see `snapshots`).
    """
    # Named anew with the organisation in its rows (issue 16): an older snapshot has none.
    computed_at, facts = snapshots.get(db, session, "competence_map.organisations", _map_facts)
    per_skill, per_site = _summary(computed_at, facts, viewer.organisation_id, site_id, category)
    sites = _sites(session, viewer.organisation_id)

    count = viewer.count
    skill_rows = []
    for skill, row in per_skill.items():
        out = _skill_row(skill)
        for name in ("declared", "shown", "hidden", *LEVELS[1:]):
            out[name] = count(row[name])
        out["quarters"] = {
            q: {"shown": count(v["shown"]), "hidden": count(v["hidden"])}
            for q, v in sorted(row["quarters"].items())
        }
        skill_rows.append(out)
    skill_rows.sort(key=lambda r: (-(r["hidden"] or 0), -(r["shown"] or 0), r["skill"]))
    site_rows = [
        {
            "site_id": site or None,
            "name": sites.get(site, ""),
            "shown": count(v["shown"]),
            "hidden": count(v["hidden"]),
        }
        for site, v in sorted(per_site.items(), key=lambda kv: sites.get(kv[0], kv[0]))
    ]
    candidates = []
    if viewer.sees_individual_counts:
        candidates = sorted(
            (
                # declared + hidden: everyone who declared or showed it, each once
                {"skill": skill, "people": row["declared"] + row["hidden"]}
                for skill, row in per_skill.items()
                if skills.is_free_tag(skill) and row["declared"] + row["hidden"] >= SMALL_COUNT
            ),
            key=lambda r: (-r["people"], r["skill"]),
        )
    totals = {
        "shown": count(sum(r["shown"] for r in per_skill.values())),
        "hidden": count(sum(r["hidden"] for r in per_skill.values())),
        "skills_with_hidden": sum(1 for r in per_skill.values() if r["hidden"]),
    }
    return {
        "version": VERSION,
        "computed_at": computed_at,
        "small_count": SMALL_COUNT,
        "filters": {"site_id": site_id, "category": category},
        "totals": totals,
        "skills": skill_rows,
        "sites": site_rows,
        "candidates": candidates,
        "mine": evidence(session, viewer, person_id=viewer.person.id)["people"],
    }


# --- evidence: people and tasks behind a skill --------------------------------------


def evidence(
    session: Session,
    viewer: Viewer,
    *,
    skill: str | None = None,
    person_id: str | None = None,
    site_id: str | None = None,
    kind: str | None = None,
    available: bool = False,
    limit: int = 200,
) -> dict[str, Any]:
    """The people behind a skill (or one person's skills), strongest evidence first.

    This is both the map's drill-down and talent search. Each person row is
    {person_id, name, site_id, site, kind, title, availability, skill, label,
    level (name), rank (0-4), declared (None when private), tasks: [{task_id,
    title, site_id, organisation_id, level}], unnamed_tasks: [{organisation_id,
    organisation, count}]}. `tasks` are those the viewer may know by name (the
    20 of strongest evidence); another organisation's tasks the viewer may not
    (`Viewer.names_task`) are only counted, per organisation with its name, in
    `unnamed_tasks`: their titles never leave the server (a blank title per task
    read as "; ;" in the map). Only people `viewer` may see are listed; the
    rest are counted in "others" (a None count when too small to show).
    Raises ValueError when neither `skill` nor `person_id` is given.
    """
    if not skill and not person_id:
        raise ValueError("evidence needs a skill or a person")
    where, params = [], []
    if skill:
        # The tasks first (one pass over 100,000), then their bids by index.
        where.append(f"b.task_id IN (SELECT id FROM tasks WHERE {_contains(session, 'skills')})")
        params.append(json.dumps(skill, ensure_ascii=False))
    if person_id:
        where.append("b.bidder_id = ?")
        params.append(person_id)
    work = session.execute(
        f"""SELECT b.bidder_id, t.id, t.title, t.site_id, t.skills, {_LEVEL_OF_BID}, {_WHEN_OF_BID},
                   t.organisation_id, t.audience
            FROM bids b JOIN tasks t ON t.id = b.task_id
            WHERE b.status <> 'withdrawn' AND {' AND '.join(where)}""",
        params,
    ).fetchall()
    e_where = "e.skill = ?" if skill else "e.person_id = ?"
    endorsed = session.execute(
        f"""SELECT e.person_id, e.skill, t.id, t.title, t.site_id, e.created_at, t.organisation_id, t.audience
            FROM endorsements e JOIN tasks t ON t.id = e.task_id
            WHERE {e_where}{' AND e.person_id = ?' if skill and person_id else ''}""",
        [skill or person_id] + ([person_id] if skill and person_id else []),
    ).fetchall()
    p_where = "ps.skill = ?" if skill else "ps.person_id = ?"
    profile = session.execute(
        f"""SELECT ps.person_id, ps.skill, ps.private,
                   CASE WHEN {_DECLARED} THEN 1 ELSE 0 END
            FROM person_skills ps WHERE {p_where}""",
        [skill or person_id],
    ).fetchall()

    found: dict[tuple[str, str], dict[str, Any]] = {}

    def entry(pid: str, sk: str) -> dict[str, Any]:
        key = (pid, sk)
        if key not in found:
            found[key] = {"rank": DECLARED, "declared": False, "private": False, "tasks": {}}
        return found[key]

    for pid, task_id, title, task_site, task_skills, level, _when, task_org, audience in work:
        for sk in json.loads(task_skills) if not skill else [skill]:
            e = entry(pid, sk)
            e["rank"] = max(e["rank"], level)
            known = e["tasks"].get(task_id)
            if known is None or known["rank"] < level:
                e["tasks"][task_id] = _task(viewer, task_id, title, task_site, task_org, audience, level)
    for pid, sk, task_id, title, task_site, _when, task_org, audience in endorsed:
        e = entry(pid, sk)
        e["rank"] = ENDORSED
        e["tasks"][task_id] = _task(viewer, task_id, title, task_site, task_org, audience, ENDORSED)
    for pid, sk, private, declared in profile:
        e = entry(pid, sk)
        e["declared"] = bool(declared)
        e["private"] = bool(private)

    people = _people(session, (pid for pid, _ in found))
    choices = _preferences(session, people)
    sites = _sites(session)
    organisations = _organisation_names(session)
    rows, others = [], set()
    for (pid, sk), e in found.items():
        person = people.get(pid)
        if person is None or not person.active:
            continue
        own = pid == viewer.person.id
        if e["private"] and not own and e["rank"] == DECLARED:
            others.add(pid)  # a private skill shown by nothing but the profile: anonymous only
            continue
        if not own and not viewer.may_see(person, choices.get(pid)):
            if person.organisation_id == viewer.organisation_id:
                others.add(pid)  # another organisation's people are not even counted (issue 16)
            continue
        if site_id and person.home_site_id != site_id:
            continue
        if kind and person.kind != kind:
            continue
        if available and not person.availability.strip():
            continue
        every = list(e["tasks"].values())
        tasks = sorted((t for t in every if t["task_id"]), key=lambda t: (-t["rank"], t["title"]))
        rows.append(
            {
                "person_id": pid,
                "name": person.name,
                "site_id": person.home_site_id,
                "site": sites.get(person.home_site_id or "", ""),
                "kind": person.kind,
                "title": person.title,
                "availability": person.availability,
                **_skill_row(sk),
                "rank": e["rank"],
                "level": LEVELS[e["rank"]],
                "declared": None if e["private"] and not own else e["declared"],
                "evidence_count": len(every),
                "tasks": [
                    {
                        "task_id": t["task_id"],
                        "title": t["title"],
                        "site_id": t["site_id"],
                        "organisation_id": t["organisation_id"],
                        "level": LEVELS[t["rank"]],
                    }
                    for t in tasks[:20]
                ],
                "unnamed_tasks": _unnamed(every, organisations),
            }
        )
    rows.sort(key=lambda r: (-r["rank"], -r["evidence_count"], r["name"], r["skill"]))
    return {
        "version": VERSION,
        "computed_at": utc_now(),
        "skill": skill,
        "people": rows[:limit],
        "others": viewer.count(len(others)),
    }


def _task(
    viewer: Viewer, task_id: str, title: str, site_id: str, organisation_id: str, audience: str, rank: int
) -> dict[str, Any]:
    """A task behind some evidence, as the viewer may know it: another organisation's internal
    task keeps its organisation and level but not its id, title or site."""
    if viewer.names_task(organisation_id, audience):
        return {"task_id": task_id, "title": title, "site_id": site_id, "organisation_id": organisation_id, "rank": rank}
    return {"task_id": None, "title": "", "site_id": None, "organisation_id": organisation_id, "rank": rank}


def _organisation_names(session: Session) -> dict[str, str]:
    """Organisation id -> name (a municipality's name is no secret to another's HR)."""
    return {str(i): str(n) for i, n in session.execute("SELECT id, name FROM organisations").fetchall()}


def _unnamed(tasks: Iterable[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """How many of `tasks` (`_task`'s) are unnamed (task_id None), per organisation, by its name.

    [{organisation_id, organisation (name; the id where none is known), count}], by name.
    """
    counts: dict[str, int] = defaultdict(int)
    for task in tasks:
        if not task["task_id"]:
            counts[task["organisation_id"]] += 1
    found = [{"organisation_id": o, "organisation": names.get(o, o), "count": n} for o, n in counts.items()]
    return sorted(found, key=lambda u: (u["organisation"], u["organisation_id"]))


# --- the network of sites ----------------------------------------------------------


def _network_facts(session: Session) -> dict[str, Any]:
    """The network's raw counts, the same for every viewer, kept as a snapshot."""
    posted = session.execute(
        "SELECT site_id, substr(created_at, 1, 7), count(*) FROM tasks "
        "WHERE status <> 'draft' GROUP BY site_id, substr(created_at, 1, 7)"
    ).fetchall()
    links = session.execute(
        f"""SELECT t.site_id, p.home_site_id, substr({_WHEN_OF_BID}, 1, 7),
                   count(*), sum(coalesce(b.hours, t.effort_hours))
            FROM bids b JOIN tasks t ON t.id = b.task_id JOIN people p ON p.id = b.bidder_id
            WHERE b.status = 'accepted' AND p.home_site_id IS NOT NULL
            GROUP BY t.site_id, p.home_site_id, substr({_WHEN_OF_BID}, 1, 7)"""
    ).fetchall()
    # Distinct people per link over the whole time: a sum of monthly counts would
    # count a person who helped twice as two.
    people = session.execute(
        """SELECT t.site_id, p.home_site_id, count(DISTINCT b.bidder_id)
           FROM bids b JOIN tasks t ON t.id = b.task_id JOIN people p ON p.id = b.bidder_id
           WHERE b.status = 'accepted' AND p.home_site_id IS NOT NULL
             AND p.home_site_id <> t.site_id
           GROUP BY t.site_id, p.home_site_id"""
    ).fetchall()
    return {
        "posted": [list(r) for r in posted],
        "links": [[a, b, m, n, float(h or 0)] for a, b, m, n, h in links],
        "people": [list(r) for r in people],
    }


def network(db: Database, session: Session, viewer: Viewer) -> dict[str, Any]:
    """Sites helping sites: who posted, who solved, and the links between them over time.

    Returns {"version", "computed_at", "small_count", "quarters": [...sorted],
    "nodes": [{site_id, name, kind, posted: {quarter: n}, solved: {quarter: n},
    posted_total, solved_total}], "edges": [{source, target, weight, people,
    hours, quarters: {quarter: weight}, first_month}], "new_links": [{month,
    links}]}. An edge source -> target counts accepted bids on tasks of site
    `source` by people whose home is site `target` (another site). Edges that
    fewer than SMALL_COUNT people make are left out for anyone but admins.
    `new_links` counts the edges whose first month it is, for every month from
    the first such month (with no edge: the month of `computed_at`) through the
    month of `computed_at` (0 where none), so it is never empty.

    The viewer's organisation's sites are the nodes (issue 16), each with its
    `organisation_id` and `organisation` name; a site of another organisation
    is a node only at the end of a link across the border (`across`: true),
    and then counts only the work it did for, or had done by, the viewer's
    organisation (its own posted tasks stay its own).
    """
    computed_at, facts = snapshots.get(db, session, "network", _network_facts)
    posted, links = facts["posted"], facts["links"]
    people_per_link = {(a, b): n for a, b, n in facts["people"]}
    site_rows = session.rows(
        "SELECT s.id, s.name, s.kind, s.organisation_id, o.name AS organisation "
        "FROM sites s LEFT JOIN organisations o ON o.id = s.organisation_id"
    )
    organisation_of = {r["id"]: r["organisation_id"] for r in site_rows}
    own = viewer.organisation_id
    border = {
        site
        for source, target, *_ in links
        if source != target and own in (organisation_of.get(source), organisation_of.get(target))
        for site in (source, target)
        if organisation_of.get(site) != own
    }
    quarters: set[str] = set()
    nodes = {
        r["id"]: {
            "site_id": r["id"],
            "name": r["name"],
            "kind": r["kind"],
            "organisation_id": r["organisation_id"],
            "organisation": r["organisation"] or "",
            "posted": defaultdict(int),
            "solved": defaultdict(int),
        }
        for r in site_rows
        if r["organisation_id"] == own or r["id"] in border
    }
    for site, month, n in posted:
        q = quarter(month)
        if q and organisation_of.get(site) == own:
            nodes[site]["posted"][q] += n
            quarters.add(q)
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for source, target, month, n, hours in links:
        q = quarter(month)
        if q is None or own not in (organisation_of.get(source), organisation_of.get(target)):
            continue  # work between other organisations' sites is theirs
        quarters.add(q)
        if target in nodes:
            nodes[target]["solved"][q] += n
        if source == target:
            continue
        if not viewer.sees_individual_counts and people_per_link.get((source, target), 0) < SMALL_COUNT:
            continue
        edge = edges.setdefault(
            (source, target),
            {
                "source": source,
                "target": target,
                "weight": 0,
                "people": people_per_link.get((source, target), 0),
                "hours": 0.0,
                "quarters": defaultdict(int),
                "first_month": month,
                "across": organisation_of.get(source) != organisation_of.get(target),
            },
        )
        edge["weight"] += n
        edge["hours"] += float(hours or 0)
        edge["quarters"][q] += n
        edge["first_month"] = min(edge["first_month"], month)
    new_links: dict[str, int] = defaultdict(int)
    for edge in edges.values():
        new_links[edge["first_month"]] += 1
    # Up to the month the figures were computed in, not the last month a link was new:
    # a site manager sees only the links three or more people made, which are old ones,
    # so the demo's series stopped in April though it was November (a try-out).
    # A viewer who may see no link at all (staff, when no link has three people) still
    # gets the month computed in, with 0: the series ended nowhere and the screen's
    # slider ran over quarters its empty chart did not draw (2 December 2026).
    months = _months_between(min(new_links, default=computed_at[:7]), max([*new_links, computed_at[:7]]))
    return {
        "version": VERSION,
        "computed_at": computed_at,
        "small_count": SMALL_COUNT,
        "quarters": sorted(quarters),
        "nodes": [
            {
                **node,
                "posted": dict(sorted(node["posted"].items())),
                "solved": dict(sorted(node["solved"].items())),
                "posted_total": sum(node["posted"].values()),
                "solved_total": sum(node["solved"].values()),
            }
            for node in sorted(nodes.values(), key=lambda n: n["name"])
        ],
        "edges": [
            {**e, "hours": round(e["hours"], 2), "quarters": dict(sorted(e["quarters"].items()))}
            for e in sorted(edges.values(), key=lambda e: (-e["weight"], e["source"], e["target"]))
        ],
        "new_links": [{"month": m, "links": new_links.get(m, 0)} for m in months],
    }


def _months_between(first: str | None, last: str | None) -> Iterable[str]:
    """Every "YYYY-MM" from first to last, so a month with no new link shows as 0."""
    if not first or not last:
        return []
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out

