"""The public record: who did what, when and from which device.

A public body must be able to account for every assignment, so every applied
operation and every administrative change writes an event in the same
transaction as the change itself: there is no change without its event.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.core.entities import AuditEvent
from desktop.core.ids import uuid7
from desktop.core.operations import Change
from sync.server.storage import Session

ADMIN_TOOL = "knop-admin"  # the actor of changes made from the command line


def summarise(changes: Iterable[Change]) -> str:
    """What changed, as "tasks/<id>, bids/<id>" — enough to find it again."""
    seen: dict[str, None] = {}
    for change in changes:
        mark = " (deleted)" if change.deleted else ""
        seen[f"{change.entity.table}/{change.entity.key_value()}{mark}"] = None
    return ", ".join(seen)[:2000]


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
) -> AuditEvent:
    event = AuditEvent(
        id=event_id or uuid7(),
        at=at,
        actor_id=actor_id,
        device_id=device_id,
        operation=operation,
        entity_id=entity_id,
        summary=summary,
    )
    row = event.to_row()
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    session.insert_later(f"INSERT INTO audit_events ({columns}) VALUES ({marks})", list(row.values()))
    return event
