"""The audit trail as people read it: names instead of ids, one row per event.

The server (`knop-admin audit --csv`, `GET /v1/audit`) and the client's
audit view make the same rows and the same CSV from them, for an
access-to-records request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from desktop.core import spreadsheet
from desktop.core.entities import AuditEvent
from desktop.core.text import Sentence, sentence

# Actors in the trail that are no person: the server acting by itself (closing bids at
# their deadline) and IT's command line on the server. Said as what they are, not as
# if "system" were someone's name (try-out s36, 10).
SERVER_ITSELF = "system"
ADMIN_TOOL = "knop-admin"
_NOT_PEOPLE: dict[str, Sentence] = {
    SERVER_ITSELF: sentence("The Knop server, by itself"),
    ADMIN_TOOL: sentence("IT, with knop-admin"),  # the server's command-line tool
}


def not_a_person(actor_id: str | None) -> Sentence | None:
    """What an actor id that is no person is, in no language yet; None for a person's id."""
    return _NOT_PEOPLE.get(actor_id or "")

# The CSV's columns, in English: a file for a records request is read by
# lawyers and archivists whatever the workstation's language. Columns added
# later go at the end, so that a spreadsheet made for the first ones still fits.
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
    "device id",
    "assigned to",
)


def device_name(event: AuditEvent, named: Mapping[str, str]) -> str:
    """The name the event's device was enrolled under; its id where it has none ("" for no device)."""
    return named.get(event.device_id, event.device_id) if event.device_id else ""


def device(event: AuditEvent, named: Mapping[str, str]) -> str:
    """The device as one line says it: "PC-KIRKEBY-07 (<id>)", the id alone when unnamed, "" for none."""
    name = device_name(event, named)
    return f"{name} ({event.device_id})" if event.device_id and name != event.device_id else name


def assignee(event: AuditEvent, named: Mapping[str, str], assigned: Mapping[str, str]) -> str:
    """The name of who got the assignment, for an accepted bid's event; "" for any other.

    `assigned` maps event ids to person ids (`sync.server.audit.assignees`).
    """
    person = assigned.get(event.id)
    return named.get(person, person) if person else ""


def row(event: AuditEvent, named: Mapping[str, str], assigned: Mapping[str, str] | None = None) -> list[str]:
    """One event as CSV_HEADER's cells.

    `named` maps person, task, site and device ids to names, `assigned` event ids
    to who got the assignment (accepted bids).
    """
    return [
        event.at,
        named.get(event.actor_id, event.actor_id),
        device_name(event, named),
        event.operation,
        event.outcome,
        event.reason,
        named.get(event.task_id, event.task_id) if event.task_id else "",
        named.get(event.site_id, event.site_id) if event.site_id else "",
        event.summary,
        event.device_id or "",
        assignee(event, named, assigned or {}),
    ]


def csv_bytes(
    events: Iterable[AuditEvent], named: Mapping[str, str], assigned: Mapping[str, str] | None = None
) -> bytes:
    """The events as CSV (see `desktop.core.spreadsheet`), oldest first as given."""
    return spreadsheet.csv_bytes(CSV_HEADER, (row(e, named, assigned) for e in events))
