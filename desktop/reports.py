"""Reports and the audit trail on the device: the server's last answers, and their CSV files.

The server computes both (`GET /v1/reports`, `GET /v1/audit`); the client keeps
the last answer in the same cache as the insights (`desktop.insights.keep`),
so the screens open offline on it, with the time it was computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from desktop.core import audit_trail, spreadsheet
from desktop.core.entities import AuditEvent, Task
from desktop.store import Store

REPORTS = "reports"
AUDIT = "audit"

REPORT_FIELDS = (
    "site_name",
    "posted",
    "filled",
    "fill_rate",
    "median_hours_to_fill",
    "hours_lent",
    "hours_borrowed",
    "from_other_sites",
    "from_other_organisations",
    "externals",
)


def report_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-site rows of a reports answer (none when the answer has none)."""
    sites = body.get("sites")
    return [row for row in sites if isinstance(row, dict)] if isinstance(sites, list) else []


def report_csv(body: dict[str, Any], header: Sequence[str], skills_label: Any) -> bytes:
    """The report as CSV (UTF-8 with BOM, `;`): REPORT_FIELDS, then the skills most asked for.

    `header` has one title per REPORT_FIELDS plus one for the skills;
    `skills_label(skill_id)` names a skill in the reader's language. A fill rate
    is written as a percentage.
    """

    def cells(row: dict[str, Any]) -> list[Any]:
        values = [row.get(name) for name in REPORT_FIELDS]
        rate = row.get("fill_rate")
        values[REPORT_FIELDS.index("fill_rate")] = None if rate is None else round(100 * rate)
        asked = ", ".join(f"{skills_label(s['skill'])} ({s['tasks']})" for s in row.get("skills") or [])
        return [*values, asked]

    return spreadsheet.csv_bytes(list(header), (cells(r) for r in report_rows(body)))


def audit_events(body: dict[str, Any]) -> list[AuditEvent]:
    """The events of an audit answer, oldest first; rows that cannot be read are left out.

    An operation on a task whose event names no task (the server's closing of bids
    at the deadline, `task.close_bidding`, records the task only as what it changed)
    concerns that task: it is given as the event's task, so the task can be named.
    """
    found: list[AuditEvent] = []
    for row in body.get("events") or []:
        try:
            event = AuditEvent.from_row(row)
        except (TypeError, ValueError):
            continue
        if event.task_id is None and event.operation.startswith("task.") and event.entity_id:
            event = event.replace(task_id=event.entity_id)
        found.append(event)
    return found


def audit_csv(body: dict[str, Any], more_names: dict[str, str] | None = None) -> bytes:
    """The audit answer as the records-request CSV (`desktop.core.audit_trail`).

    `more_names` (id -> name) names what the answer's own names leave out, such as
    task titles this device holds (`task_titles`).
    """
    names = body.get("names") if isinstance(body.get("names"), dict) else {}
    return audit_trail.csv_bytes(
        audit_events(body), {**(more_names or {}), **(names or {})}, assigned(body)
    )


def assigned(body: dict[str, Any]) -> dict[str, str]:
    """Event id -> id of the person who got the assignment, for the answer's accepted bids.

    A server older than this answer's `assigned` gives none: {}.
    """
    found = body.get("assigned")
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str) and v}


def unnamed_tasks(body: dict[str, Any]) -> list[str]:
    """The ids of the tasks the answer's events concern but its names leave out, once each."""
    names = body.get("names") if isinstance(body.get("names"), dict) else {}
    wanted = {e.task_id for e in audit_events(body) if e.task_id and e.task_id not in (names or {})}
    return sorted(wanted)


def task_titles(store: Store, task_ids: Sequence[str]) -> dict[str, str]:
    """Task id -> title for those of `task_ids` this device holds (DB thread)."""
    titles: dict[str, str] = {}
    for start in range(0, len(task_ids), 500):
        chunk = list(task_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for task in store.fetch(Task, f"id IN ({marks})", chunk):
            titles[task.id] = task.title
    return titles


def named(body: dict[str, Any], ids: Iterable[str | None]) -> list[str]:
    """The names the answer gives for `ids` (the id itself where it gives none, "" for None)."""
    names = body.get("names") if isinstance(body.get("names"), dict) else {}
    return [(names or {}).get(i, i) if i else "" for i in ids]


def changed_tables(summary: str) -> list[str]:
    """The tables an applied event's summary names ("tasks/<id>, bids/<id>" -> ["tasks", "bids"]), once each."""
    found: dict[str, None] = {}
    for part in summary.split(", "):
        table, slash, _ = part.partition("/")
        if slash and table:
            found[table] = None
    return list(found)
