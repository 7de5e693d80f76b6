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

from desktop.core.entities import AuditEvent, Bid, Site, Task
from desktop.core.ids import uuid7
from desktop.core.operations import Change
from sync.server.storage import Session

ADMIN_TOOL = "knop-admin"  # the actor of changes made from the command line
APPLIED = "applied"
REFUSED = "refused"


def summarise(changes: Iterable[Change]) -> str:
    """What changed, as "tasks/<id>, bids/<id>" — enough to find it again."""
    seen: dict[str, None] = {}
    for change in changes:
        mark = " (deleted)" if change.deleted else ""
        seen[f"{change.entity.table}/{change.entity.key_value()}{mark}"] = None
    return ", ".join(seen)[:2000]


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

    `person` is a person id or username (the actor); `since`/`until` are ISO
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


def names(session: Session, found: Iterable[AuditEvent]) -> dict[str, str]:
    """Person, site and task ids in `found` -> their names (titles for tasks), to show people."""
    found = list(found)
    people = {e.actor_id for e in found}
    sites = {e.site_id for e in found if e.site_id}
    tasks = {e.task_id for e in found if e.task_id}
    named: dict[str, str] = {ADMIN_TOOL: ADMIN_TOOL}
    for table, ids, attr in (("people", people, "name"), ("sites", sites, "name"), ("tasks", tasks, "title")):
        for chunk in _chunks(sorted(ids)):
            marks = ", ".join("?" for _ in chunk)
            for hit in session.rows(f"SELECT id, {attr} FROM {table} WHERE id IN ({marks})", chunk):
                named[str(hit["id"])] = str(hit[attr])
    return named


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
