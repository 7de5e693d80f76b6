"""Reports and the audit trail on the device: the server's last answers, and their CSV files.

The server computes both (`GET /v1/reports`, `GET /v1/audit`); the client keeps
the last answer in the same cache as the insights (`desktop.insights.keep`),
so the screens open offline on it, with the time it was computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from desktop.core import audit_trail, spreadsheet
from desktop.core.entities import AuditEvent

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
    """The events of an audit answer, oldest first; rows that cannot be read are left out."""
    found: list[AuditEvent] = []
    for row in body.get("events") or []:
        try:
            found.append(AuditEvent.from_row(row))
        except (TypeError, ValueError):
            continue
    return found


def audit_csv(body: dict[str, Any]) -> bytes:
    """The audit answer as the records-request CSV (`desktop.core.audit_trail`)."""
    names = body.get("names") if isinstance(body.get("names"), dict) else {}
    return audit_trail.csv_bytes(audit_events(body), names or {})


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
