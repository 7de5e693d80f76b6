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

from desktop.core import operations
from desktop.core.entities import Person, Role
from desktop.core.ids import utc_now
from desktop.core.rejection import Rejection
from sync.server import audit, feed, invitations, notify, personal_data
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


LOOKUP_CHUNK = 500  # operation ids looked up per query


def push(db: Database, caller: Caller, batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply the operations in order; returns one wire result per operation.

    Each round trip to the database is made while every other push waits for
    the write lock, so what can be asked once per batch is: which of its
    operations are already stored, and the author as the server holds them.
    """
    with db.write() as session:
        batch_state = _Batch(session, caller, _stored(session, [op["id"] for op in batch]))
        return [_apply_one(batch_state, op) for op in batch]


def _stored(session: Session, op_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The stored (content hash, result) of those of `op_ids` the server has seen."""
    found: dict[str, tuple[str, str]] = {}
    unique = list(dict.fromkeys(op_ids))
    for start in range(0, len(unique), LOOKUP_CHUNK):
        chunk = unique[start : start + LOOKUP_CHUNK]
        rows = session.execute(
            "SELECT id, content_hash, result FROM operations "
            f"WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        found.update({str(r[0]): (str(r[1]), str(r[2])) for r in rows})
    return found


class _Batch:
    """One push's transaction: its session, caller, stored answers and the author's row."""

    def __init__(
        self, session: Session, caller: Caller, stored: dict[str, tuple[str, str]]
    ) -> None:
        self.session = session
        self.caller = caller
        self.stored = stored
        self._actor: Person | None = None
        self._actor_known = False

    def actor(self) -> Person | None:
        """The author as the database holds them now (read again after a change to them)."""
        if not self._actor_known:
            self._actor = self.session.get(Person, self.caller.person.id)
            self._actor_known = True
        return self._actor

    def forget_actor(self) -> None:
        self._actor_known = False


def _apply_one(batch: _Batch, op: dict[str, Any]) -> dict[str, Any]:
    session, caller = batch.session, batch.caller
    op_id, kind, payload = op["id"], op["kind"], op["payload"]
    if op["author_id"] != caller.person.id:
        # Checked before the operation log is consulted: a stored answer holds
        # names and facts meant for its author alone. Not stored either: the id
        # may yet arrive, rightly, from its real author.
        return rejected(op_id, Rejection("operation.author_mismatch"))
    fingerprint = content_hash(kind, payload, op["author_id"])
    stored = batch.stored.get(op_id)
    if stored is not None:
        if stored[0] == fingerprint:
            return dict(json.loads(stored[1]))
        # The hash holds the author, so someone else's id lands here, never above.
        return rejected(op_id, Rejection("operation.id_reused"))

    now = utc_now()
    try:
        with session.savepoint():
            result = _run(batch, op, now)
            text = _remember(session, caller, op, fingerprint, now, result)
    except Rejection as rejection:
        result = rejected(op_id, rejection)
        try:
            with session.savepoint():
                text = _remember(session, caller, op, fingerprint, now, result)
                _record_refusal(session, caller, op, rejection, now)
        except Exception:
            log.exception("could not store the rejection of operation %s (%s)", op_id, kind)
            return rejected(op_id, Rejection("operation.failed"))
    except Exception:
        batch.forget_actor()  # rolled back: whatever was read inside may be gone
        log.exception("operation %s (%s) from %s failed", op_id, kind, caller.person.id)
        return rejected(op_id, Rejection("operation.failed"))
    batch.stored[op_id] = (fingerprint, text)  # a repeat later in this batch gets the same answer
    return result


def _run(batch: _Batch, op: dict[str, Any], now: str) -> dict[str, Any]:
    """Apply one operation with the server's authority: its clock, its copy of the author."""
    session, caller = batch.session, batch.caller
    actor = batch.actor()
    if actor is None or not actor.active:
        raise Rejection("person.unknown")
    context = operations.Context(actor, caller.device_id, now)
    records = notify.Remembering(session)  # keeps what the rows were, for the notices
    try:
        outcome = operations.apply(op["kind"], op["payload"], context, records)
    except Rejection:
        batch.forget_actor()  # rolled back to before the operation, which may have touched them
        raise
    if any(isinstance(c.entity, Person) and c.entity.id == actor.id for c in outcome.changes):
        batch.forget_actor()
    keep(session, outcome, records, now, actor.id, caller.device_id, event_id=op["id"], payload=op["payload"])
    invitations.after_push(session, op["kind"], op["payload"], outcome.entity_id, now)
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


def keep(
    session: Session,
    outcome: operations.Outcome,
    records: notify.Remembering,
    now: str,
    actor_id: str,
    device_id: str | None,
    event_id: str | None = None,
    payload: Any = None,
) -> None:
    """What follows every applied operation, in its transaction: feed rows, erasure, mail, audit."""
    feed.record(session, outcome.changes, now)
    personal_data.follow(session, outcome.changes, records.before)
    notify.enqueue(session, outcome.changes, records.before, now)
    task_id, site_id = audit.concerning(session, payload, outcome.changes)
    audit.record(
        session,
        at=now,
        actor_id=actor_id,
        device_id=device_id,
        operation=outcome.kind,
        entity_id=outcome.entity_id,
        summary=audit.summarise(outcome.changes),
        event_id=event_id,
        task_id=task_id,
        site_id=site_id,
    )


def apply_as_admin_tool(db: Database, kind: str, payload: dict[str, Any]) -> str:
    """Apply one operation from `knop-admin`, with an administrator's rights; returns its entity id.

    The audit event's actor is `audit.ADMIN_TOOL`. Raises Rejection when the
    rules refuse it; nothing is then kept.
    """
    actor = Person(
        id=audit.ADMIN_TOOL, name=audit.ADMIN_TOOL, username=audit.ADMIN_TOOL,
        home_site_id=None, role=Role.ADMIN,
    )
    now = utc_now()
    with db.write() as session:
        records = notify.Remembering(session)
        outcome = operations.apply(kind, payload, operations.Context(actor, None, now), records)
        keep(session, outcome, records, now, actor.id, None, payload=payload)
    return outcome.entity_id


def _record_refusal(
    session: Session, caller: Caller, op: dict[str, Any], rejection: Rejection, now: str
) -> None:
    """Who tried what and why it was refused, in the trail beside what was applied."""
    payload = op["payload"]
    task_id, site_id = audit.concerning(session, payload)
    facts = ", ".join(f"{k}={v}" for k, v in sorted(rejection.facts.items()))
    audit.record(
        session,
        at=now,
        actor_id=caller.person.id,
        device_id=caller.device_id,
        operation=str(op["kind"])[:100],
        entity_id=_named_id(payload),
        summary=f"{rejection.message('en')}{f' ({facts})' if facts else ''}"[:2000],
        event_id=op["id"],
        outcome=audit.REFUSED,
        reason=rejection.reason,
        facts=rejection.facts,
        task_id=task_id,
        site_id=site_id,
    )


def _named_id(payload: Any) -> str:
    """The id the refused operation named first (its own entity), or ""."""
    if isinstance(payload, dict):
        for key in ("bid_id", "task_id", "comment_id", "endorsement_id", "person_id", "search_id"):
            if isinstance(payload.get(key), str):
                return str(payload[key])[:100]
    return ""


def _remember(
    session: Session,
    caller: Caller,
    op: dict[str, Any],
    fingerprint: str,
    now: str,
    result: dict[str, Any],
) -> str:
    """Store the answer to `op`; returns it as stored."""
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
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
            text,
        ),
    )
    return text
