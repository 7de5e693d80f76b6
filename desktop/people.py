"""What Knop knows about a person: profile, skills with their evidence, track record.

A manager choosing between bids and a person looking at their own page ask the
same questions (what can this person do, and who has seen them do it?), so the
answers are written once here. Evidence is the point of Knop: a skill confirmed
by a finished task says more than one somebody ticked for themselves, and the
screens must be able to tell the two apart and name the task and the person
who confirmed it.

These are read-only queries on the local store; every change still goes
through `desktop.core.operations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from desktop import clock
from desktop.core import operations
from desktop.core.entities import Bid, BidStatus, Evidence, Person, Task, TaskStatus
from desktop.store import Store

# SQLite allows 999 host parameters in older builds; stay well below.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class HeldSkill:
    """One skill on a person's profile and what backs it."""

    skill: str
    evidence: str
    task_id: str | None = None
    task_title: str = ""
    confirmed_by: str = ""  # the confirming person's name, not their id
    added_at: str = ""

    @property
    def confirmed(self) -> bool:
        """True when a finished task is the evidence, not the person's own word."""
        return self.evidence == Evidence.TASK


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """Counts: tasks done with the person's bid accepted, and endorsements they received."""

    finished_tasks: int = 0
    endorsements: int = 0


@dataclass(frozen=True, slots=True)
class Profile:
    """A person as a profile shows them: home site's name, skills (confirmed first), record."""

    person: Person
    site_name: str
    skills: list[HeldSkill] = field(default_factory=list)
    record: TrackRecord = TrackRecord()
    company_name: str = ""  # the company a contact person speaks for ("" for everyone else)


@dataclass(frozen=True, slots=True)
class MyBid:
    """A bid of mine with the task it is on, as my page lists it."""

    bid: Bid
    task_title: str
    task_status: str  # as shown: open past its bid deadline is closed (operations.shown_status)
    site_name: str


@dataclass(frozen=True, slots=True)
class MyTask:
    """A task I posted, with its site's name."""

    task: Task
    site_name: str
    status: str  # as shown: open past its bid deadline is closed (operations.shown_status)


@dataclass(frozen=True, slots=True)
class MyPageData:
    """Everything my page draws, read in one go on the DB thread (`my_page`)."""

    profile: Profile
    bids: list[MyBid]
    tasks: list[MyTask]


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _marks(ids: Sequence[str]) -> str:
    return ", ".join("?" for _ in ids)


def site_name(store: Store, site_id: str | None) -> str:
    """The site's name; "" for no site or one this store does not hold."""
    if not site_id:
        return ""
    found = store.rows("SELECT name FROM sites WHERE id = ?", (site_id,))
    return found[0]["name"] if found else ""


def held_skills(store: Store, person_ids: Sequence[str]) -> dict[str, list[HeldSkill]]:
    """Every listed person's skills, confirmed ones first, in one query per chunk."""
    held: dict[str, list[HeldSkill]] = {pid: [] for pid in person_ids}
    unique = list(dict.fromkeys(person_ids))
    for chunk in _chunks(unique):
        for row in store.rows(
            "SELECT ps.person_id, ps.skill, ps.evidence, ps.task_id, ps.added_at, "
            "t.title AS task_title, p.name AS confirmer "
            "FROM person_skills ps "
            "LEFT JOIN tasks t ON t.id = ps.task_id "
            "LEFT JOIN people p ON p.id = ps.confirmed_by "
            f"WHERE ps.person_id IN ({_marks(chunk)}) "
            "ORDER BY ps.evidence = 'task' DESC, ps.added_at, ps.skill",
            tuple(chunk),
        ):
            held[row["person_id"]].append(
                HeldSkill(
                    skill=row["skill"],
                    evidence=row["evidence"],
                    task_id=row["task_id"],
                    task_title=row["task_title"] or "",
                    confirmed_by=row["confirmer"] or "",
                    added_at=row["added_at"] or "",
                )
            )
    return held


def track_records(store: Store, person_ids: Sequence[str]) -> dict[str, TrackRecord]:
    """Finished tasks (an accepted bid on a task that is done) and endorsements received."""
    finished: dict[str, int] = {}
    endorsed: dict[str, int] = {}
    unique = list(dict.fromkeys(person_ids))
    for chunk in _chunks(unique):
        marks = _marks(chunk)
        for row in store.rows(
            "SELECT b.bidder_id AS pid, count(*) AS n FROM bids b "
            "JOIN tasks t ON t.id = b.task_id "
            f"WHERE b.bidder_id IN ({marks}) AND b.status = ? AND t.status = ? "
            "GROUP BY b.bidder_id",
            (*chunk, BidStatus.ACCEPTED.value, TaskStatus.DONE.value),
        ):
            finished[row["pid"]] = int(row["n"])
        for row in store.rows(
            "SELECT person_id AS pid, count(*) AS n FROM endorsements "
            f"WHERE person_id IN ({marks}) GROUP BY person_id",
            tuple(chunk),
        ):
            endorsed[row["pid"]] = int(row["n"])
    return {
        pid: TrackRecord(finished_tasks=finished.get(pid, 0), endorsements=endorsed.get(pid, 0))
        for pid in unique
    }


def people_by_id(store: Store, person_ids: Sequence[str]) -> dict[str, Person]:
    """The listed people this store holds, by id (missing ids are left out), in chunked queries."""
    found: dict[str, Person] = {}
    unique = list(dict.fromkeys(person_ids))
    for chunk in _chunks(unique):
        for person in store.fetch(Person, f"id IN ({_marks(chunk)})", tuple(chunk)):
            found[person.id] = person
    return found


def company_names(store: Store, company_ids: Iterable[str | None]) -> dict[str, str]:
    """The names of the listed companies this store holds, by id; None ids are skipped."""
    unique = [c for c in dict.fromkeys(company_ids) if c]
    names: dict[str, str] = {}
    for chunk in _chunks(unique):
        for row in store.rows(f"SELECT id, name FROM companies WHERE id IN ({_marks(chunk)})", tuple(chunk)):
            names[row["id"]] = row["name"]
    return names


def site_names(store: Store, site_ids: Iterable[str | None]) -> dict[str, str]:
    """The names of the listed sites this store holds, by id; None ids are skipped."""
    unique = [s for s in dict.fromkeys(site_ids) if s]
    names: dict[str, str] = {}
    for chunk in _chunks(unique):
        for row in store.rows(
            f"SELECT id, name FROM sites WHERE id IN ({_marks(chunk)})", tuple(chunk)
        ):
            names[row["id"]] = row["name"]
    return names


def profile(store: Store, person_id: str) -> Profile | None:
    """The person's profile, or None when this store does not hold them."""
    person = store.get(Person, person_id)
    if person is None:
        return None
    return Profile(
        person=person,
        site_name=site_name(store, person.home_site_id),
        skills=held_skills(store, [person.id])[person.id],
        record=track_records(store, [person.id])[person.id],
        company_name=company_names(store, [person.company_id]).get(person.company_id or "", ""),
    )


def my_page(store: Store, person_id: str) -> MyPageData | None:
    """My profile, my bids (newest first) and the tasks I posted (newest first)."""
    mine = profile(store, person_id)
    if mine is None:
        return None
    bids: list[MyBid] = []
    today = clock.server_today(store)
    for row in store.rows(
        "SELECT b.*, t.title AS task_title, t.status AS task_status, "
        "t.bid_deadline AS task_deadline, s.name AS site_name "
        "FROM bids b JOIN tasks t ON t.id = b.task_id LEFT JOIN sites s ON s.id = t.site_id "
        "WHERE b.bidder_id = ? ORDER BY b.created_at DESC, b.id DESC",
        (person_id,),
    ):
        bids.append(
            MyBid(
                bid=Bid.from_row(row),
                task_title=row["task_title"],
                task_status=operations.shown_status(row["task_status"], row["task_deadline"], today),
                site_name=row["site_name"] or "",
            )
        )
    tasks = [
        MyTask(
            task=Task.from_row(row),
            site_name=row["site_name"] or "",
            status=operations.shown_status(row["status"], row["bid_deadline"], today),
        )
        for row in store.rows(
            "SELECT t.*, s.name AS site_name FROM tasks t LEFT JOIN sites s ON s.id = t.site_id "
            "WHERE t.poster_id = ? ORDER BY t.created_at DESC, t.id DESC",
            (person_id,),
        )
    ]
    return MyPageData(profile=mine, bids=bids, tasks=tasks)
