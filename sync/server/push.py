"""Applying a pushed batch: each operation exactly once, each with its own result.

The batch runs in one serialised write transaction and every operation in a
savepoint of its own, so a refused or failing operation is rolled back alone
and never blocks the ones behind it. An applied operation's effect, its feed
rows, its audit event and its entry in the operation log commit together, so
a repeat after a lost response finds the stored result and applies nothing.

What counts as "the same operation" is its content hash (kind, payload and
author); a repeated id with other content is refused, never applied twice.
Refusals by the rules are stored like applications (they are answers the
client must see the same way every time); an unexpected failure is not stored,
because nothing of it was kept and a later try may well succeed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from desktop import operations
from desktop.entities import Person
from desktop.ids import utc_now
from desktop.rejection import Rejection
from sync.server import audit, feed
from sync.server.accounts import Caller
from sync.server.storage import Database, Session

log = logging.getLogger(__name__)


def content_hash(kind: str, payload: Any, author_id: str) -> str:
    canonical = json.dumps(
        {"kind": kind, "payload": payload, "author_id": author_id},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def rejected(op_id: str, rejection: Rejection) -> dict[str, Any]:
    return {"id": op_id, "status": "rejected", "rejection": rejection.to_wire()}


def push(db: Database, caller: Caller, batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply the operations in order; returns one wire result per operation."""
    with db.write() as session:
        return [_apply_one(session, caller, op) for op in batch]


def _apply_one(session: Session, caller: Caller, op: dict[str, Any]) -> dict[str, Any]:
    op_id, kind, payload = op["id"], op["kind"], op["payload"]
    fingerprint = content_hash(kind, payload, op["author_id"])
    stored = session.one("SELECT content_hash, result FROM operations WHERE id = ?", (op_id,))
    if stored is not None:
        if stored[0] == fingerprint:
            return dict(json.loads(stored[1]))
        return rejected(op_id, Rejection("operation.id_reused"))
    if op["author_id"] != caller.person.id:
        # Not stored: the id may yet arrive, rightly, from its real author.
        return rejected(op_id, Rejection("operation.author_mismatch"))

    now = utc_now()
    try:
        with session.savepoint():
            result = _run(session, caller, op, now)
            _remember(session, caller, op, fingerprint, now, result)
    except Rejection as rejection:
        result = rejected(op_id, rejection)
        try:
            with session.savepoint():
                _remember(session, caller, op, fingerprint, now, result)
        except Exception:
            log.exception("could not store the rejection of operation %s (%s)", op_id, kind)
            return rejected(op_id, Rejection("operation.failed"))
    except Exception:
        log.exception("operation %s (%s) from %s failed", op_id, kind, caller.person.id)
        return rejected(op_id, Rejection("operation.failed"))
    return result


def _run(session: Session, caller: Caller, op: dict[str, Any], now: str) -> dict[str, Any]:
    """Apply one operation with the server's authority: its clock, its copy of the author."""
    actor = session.get(Person, caller.person.id)
    if actor is None or not actor.active:
        raise Rejection("person.unknown")
    context = operations.Context(actor, caller.device_id, now)
    outcome = operations.apply(op["kind"], op["payload"], context, session)
    feed.record(session, outcome.changes, now)
    audit.record(
        session,
        at=now,
        actor_id=actor.id,
        device_id=caller.device_id,
        operation=op["kind"],
        entity_id=outcome.entity_id,
        summary=audit.summarise(outcome.changes),
        event_id=op["id"],
    )
    versions = {
        f"{c.entity.table}/{c.entity.key_value()}": int(getattr(c.entity, "version", 0))
        for c in outcome.changes
        if not c.deleted
    }
    return {
        "id": op["id"],
        "status": "applied",
        "entity_id": outcome.entity_id,
        "versions": versions,
    }


def _remember(
    session: Session,
    caller: Caller,
    op: dict[str, Any],
    fingerprint: str,
    now: str,
    result: dict[str, Any],
) -> None:
    session.execute(
        "INSERT INTO operations "
        "(id, content_hash, kind, author_id, device_id, received_at, result) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            op["id"],
            fingerprint,
            op["kind"],
            caller.person.id,
            caller.device_id,
            now,
            json.dumps(result, ensure_ascii=False, separators=(",", ":")),
        ),
    )
