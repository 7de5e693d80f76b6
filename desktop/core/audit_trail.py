"""The audit trail as people read it: names instead of ids, one row per event.

The server (`knop-admin audit --csv`, `GET /v1/audit`) and the client's
audit view make the same rows and the same CSV from them, for an
access-to-records request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from desktop.core import spreadsheet
from desktop.core.entities import AuditEvent

# The CSV's columns, in English: a file for a records request is read by
# lawyers and archivists whatever the workstation's language.
CSV_HEADER = (
    "time (UTC)",
    "person",
    "device",
    "operation",
    "outcome",
    "reason",
    "task",
    "site",
    "what changed",
)


def row(event: AuditEvent, named: Mapping[str, str]) -> list[str]:
    """One event as CSV_HEADER's cells; `named` maps person, task and site ids to names."""
    return [
        event.at,
        named.get(event.actor_id, event.actor_id),
        event.device_id or "",
        event.operation,
        event.outcome,
        event.reason,
        named.get(event.task_id, event.task_id) if event.task_id else "",
        named.get(event.site_id, event.site_id) if event.site_id else "",
        event.summary,
    ]


def csv_bytes(events: Iterable[AuditEvent], named: Mapping[str, str]) -> bytes:
    """The events as CSV (see `desktop.core.spreadsheet`), oldest first as given."""
    return spreadsheet.csv_bytes(CSV_HEADER, (row(e, named) for e in events))
