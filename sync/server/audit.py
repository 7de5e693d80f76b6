"""The public record: who did what, when and from which device, and what was refused.

A public body must be able to account for every assignment, so every applied
operation and every administrative change writes an event in the same
transaction as the change itself: there is no change without its event. An
operation the rules refused is recorded too (who tried what, and why), in
the transaction that stores the refusal.

Each event names the task and site it concerned, so the trail can be
filtered by person, task, site, operation and period (`Filter`), by
`knop-admin audit` and by `GET /v1/audit` alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
import unicodedata

from desktop.core import audit_trail
from desktop.core.entities import AuditEvent, Bid, Site, Task
from desktop.core.ids import uuid7
from desktop.core.operations import Change
from sync.server import storage
from sync.server.storage import Session

ADMIN_TOOL = audit_trail.ADMIN_TOOL  # the actor of changes made from the command line
APPLIED = "applied"
REFUSED = "refused"
ACCEPT = "bid.accept"  # the operation that gives someone the assignment (`assignees`)


def summarise(changes: Iterable[Change]) -> str:
    """What changed, as "bids/<id>, tasks/<id>" — enough to find it again.

    Sorted by table, then key, once each: the order a rule happens to write
    its rows in is no part of the record, and two runs of the same operation
    must read alike (a try-out saw the items of one entry change places).
    """
    seen = {
        f"{change.entity.table}/{change.entity.key_value()}{' (deleted)' if change.deleted else ''}"
        for change in changes
    }
    return ", ".join(sorted(seen))[:2000]


def concerning(
    session: Session, payload: Mapping[str, Any] | Any, changes: Iterable[Change] = ()
) -> tuple[str | None, str | None]:
    """(task id, site id) an operation concerned: from what it wrote, else from its payload.

    A payload names a task (`task_id`) or a bid (`bid_id`); a refused
    operation wrote nothing, so its payload is all there is. Unknown ids give
    None; a payload that is not a mapping (bad input) gives (None, None).
    """
    for change in changes:
        entity = change.entity
        if isinstance(entity, Task):
            return entity.id, entity.site_id
        if isinstance(entity, Site):
            return None, entity.id
    if not isinstance(payload, Mapping):
        return None, None
    task_id = payload.get("task_id")
    if not isinstance(task_id, str):
        bid = (
            session.get(Bid, payload["bid_id"]) if isinstance(payload.get("bid_id"), str) else None
        )
        task_id = bid.task_id if bid else None
    task = session.get(Task, task_id) if isinstance(task_id, str) else None
    if task is not None:
        return task.id, task.site_id
    site_id = payload.get("site_id")
    return None, site_id if isinstance(site_id, str) else None


def record(
    session: Session,
    *,
    at: str,
    actor_id: str,
    device_id: str | None,
    operation: str,
    entity_id: str,
    summary: str = "",
    event_id: str | None = None,
    outcome: str = APPLIED,
    reason: str = "",
    task_id: str | None = None,
    site_id: str | None = None,
    facts: dict[str, Any] | None = None,
    organisation_id: str | None = None,
) -> AuditEvent:
    """Write one event inside the caller's transaction; returns it.

    `organisation_id` is for an actor who is no person (the knop-admin tool):
    the organisation it acted in (default: the first).
    """
    event = AuditEvent(
        id=event_id or uuid7(),
        at=at,
        actor_id=actor_id,
        device_id=device_id,
        operation=operation,
        entity_id=entity_id,
        summary=summary,
        outcome=outcome,
        reason=reason,
        task_id=task_id,
        site_id=site_id,
        facts=facts or {},
    )
    # The actor's organisation (the knop-admin tool's: the one it acted in).
    row = {**event.to_row(), "organisation_id": (
        session.organisation_of("people", actor_id)
        or organisation_id
        or str(session.value("SELECT min(id) FROM organisations", default=""))
    )}
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    session.insert_later(f"INSERT INTO audit_events ({columns}) VALUES ({marks})", list(row.values()))
    return event


@dataclass(frozen=True, slots=True)
class Filter:
    """Which events to show; every field left None matches all.

    `person` is a person id or username (the actor); `task` is a task's id or
    words from its title (`task_words`); `since`/`until` are ISO
    dates or timestamps (UTC), `until` a date meaning through that whole day;
    `limit` caps the newest events returned.

    `organisation_id` keeps one organisation's trail (issue 16): what its
    people (and knop-admin acting in it) did anywhere, and what anyone did
    on its sites' tasks — work across the border shows on both sides.
    `site_and_its_staff` is a site manager's view: events on the site's
    tasks, and the events of its staff's work on other sites' tasks (their
    bids, the lending decisions and hours confirmed on them), which the home
    manager oversees.
    """

    person: str | None = None
    task_id: str | None = None
    task: str | None = None
    site_id: str | None = None
    operation: str | None = None
    outcome: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 500
    organisation_id: str | None = None
    site_and_its_staff: str | None = None


# A site's staff's work elsewhere: events on their bids, and hours confirmed
# (on completion or after) on a task where one of them has an accepted bid
# (the task is those events' entity).
_STAFF_WORK = (
    "(site_id = ? OR entity_id IN (SELECT id FROM bids WHERE home_site_id = ?) "
    "OR (operation IN ('task.complete', 'task.confirm_hours') AND task_id IN "
    "(SELECT task_id FROM bids WHERE home_site_id = ? AND status = 'accepted')))"
)


_MOST_WORDS = 10  # of the words typed for a task


def task_words(session: Session, typed: str) -> tuple[str, list[str]]:
    """(SQL condition, its parameters) for the events about the task `typed` names.

    `typed` is a task's id, or words from its title: an event matches when its
    task is that id, or when its task's title holds every word (up to the first
    ten), in any order, whatever the case of A-Z and of Latin-1's letters
    (Æble, æble, ÆBLE; `storage.CAPITALS`). An event of the deadline closing that
    names its task only as its entity (older rows) is matched by the entity.
    """
    text = unicodedata.normalize("NFC", typed.strip())  # titles are kept NFC (sync.server.feed)
    words = str(storage.fold(text)).split()[:_MOST_WORDS]
    # LIKE's own characters in a word are meant literally.
    patterns = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in words]
    title = session.folded("title")
    matching = " AND ".join(f"{title} LIKE ? ESCAPE '\\'" for _ in patterns)
    tasks = f"SELECT id FROM tasks WHERE {matching}" if patterns else "SELECT id FROM tasks WHERE 1 = 0"
    condition = (
        f"(task_id = ? OR task_id IN ({tasks}) "
        f"OR (task_id IS NULL AND substr(operation, 1, 5) = 'task.' AND entity_id IN ({tasks})))"
    )
    return condition, [text, *patterns, *patterns]


def events(session: Session, wanted: Filter) -> list[AuditEvent]:
    """The events matching `wanted`, oldest first (the newest `limit` of them)."""
    where, params = ["1 = 1"], []
    if wanted.person:
        where.append("(actor_id = ? OR actor_id IN (SELECT id FROM people WHERE username = ?))")
        params += [wanted.person, wanted.person]
    for column, value in (
        ("task_id", wanted.task_id),
        ("site_id", wanted.site_id),
        ("outcome", wanted.outcome),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if wanted.task and wanted.task.strip():
        condition, found = task_words(session, wanted.task)
        where.append(condition)
        params += found
    if wanted.organisation_id:
        where.append("(organisation_id = ? OR site_id IN (SELECT id FROM sites WHERE organisation_id = ?))")
        params += [wanted.organisation_id, wanted.organisation_id]
    if wanted.site_and_its_staff:
        where.append(_STAFF_WORK)
        params += [wanted.site_and_its_staff] * 3
    if wanted.operation:
        # "bid" matches every bid operation, "bid.accept" that one.
        where.append("(operation = ? OR operation LIKE ?)")
        params += [wanted.operation, wanted.operation.rstrip(".") + ".%"]
    if wanted.since:
        where.append("at >= ?")
        params.append(wanted.since)
    if wanted.until:
        # A bare date means through the end of that day.
        where.append("at < ?" if len(wanted.until) > 10 else "substr(at, 1, 10) <= ?")
        params.append(wanted.until)
    limit = max(1, min(int(wanted.limit), 10_000))
    rows = session.fetch(
        AuditEvent, " AND ".join(where) + f" ORDER BY at DESC, id DESC LIMIT {limit}", params
    )
    return list(reversed(rows))


def names(
    session: Session, found: Iterable[AuditEvent], assigned: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Person, site, task and device ids in `found` -> their names, to show people.

    Tasks are named by their titles, devices by the name they were enrolled
    under (the machine's name, or the label given at enrolment; one enrolled
    without a name is left out, and shown by its id). The people who got the
    assignments of accepted bids (`assignees`, or `assigned` when the caller
    has it already) are named too.
    """
    found = list(found)
    assigned = assignees(session, found) if assigned is None else assigned
    people = {e.actor_id for e in found} | set(assigned.values())
    sites = {e.site_id for e in found if e.site_id}
    tasks = {e.task_id for e in found if e.task_id}
    devices = {e.device_id for e in found if e.device_id}
    named: dict[str, str] = {ADMIN_TOOL: ADMIN_TOOL}
    for table, ids, attr in (
        ("people", people, "name"),
        ("sites", sites, "name"),
        ("tasks", tasks, "title"),
        ("devices", devices, "name"),
    ):
        for key, value in _column_of(session, table, attr, ids).items():
            if str(value or "").strip():
                named[key] = str(value)
    return named


def assignees(session: Session, found: Iterable[AuditEvent]) -> dict[str, str]:
    """Event id -> the person id of who got the assignment, for each applied bid.accept in `found`.

    The event's entity is the accepted bid; its bidder is who got the work
    (`Bid.bidder_id`). HR must account for every assignment, and the actor of
    the event is the manager who accepted, not the one who got it. A bid no
    longer held (none is deleted today) leaves its event out.
    """
    accepted = {e.id: e.entity_id for e in found if e.operation == ACCEPT and e.outcome == APPLIED}
    bidders = _column_of(session, "bids", "bidder_id", accepted.values())
    return {event: str(bidders[bid]) for event, bid in accepted.items() if bid in bidders}


def _column_of(session: Session, table: str, column: str, ids: Iterable[str]) -> dict[str, Any]:
    """Row id -> `column` of the rows of `table` whose ids are among `ids` (asked in `_chunks`)."""
    found: dict[str, Any] = {}
    for chunk in _chunks(sorted(set(ids))):
        marks = ", ".join("?" for _ in chunk)
        for hit in session.rows(f"SELECT id, {column} FROM {table} WHERE id IN ({marks})", chunk):
            found[str(hit["id"])] = hit[column]
    return found


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
