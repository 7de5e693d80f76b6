"""Applying a pushed batch: each operation exactly once, each with its own result.

The batch runs in one write transaction and every operation in a savepoint of
its own, so a refused or failing operation is rolled back alone and never
blocks the ones behind it. An applied operation's effect, its feed rows, its
audit event and its entry in the operation log commit together, so a repeat
after a lost response finds the stored result and applies nothing. The feed
is written once per batch, one row per entity the batch changed.

Pushes run side by side (PostgreSQL); the rows an operation decides on are
locked (see sync.server.storage). Two pushes that wait on each other in a
circle are a deadlock: PostgreSQL ends one's statement, and that operation is
tried again from its savepoint (or the whole push, if it happens at the end).
The log entries and audit events are written together at the end of the
batch; the same operation pushed twice at once (a retry while the first is
still running) meets the first's entry there, so the whole push is tried
again, and then finds the stored answer.

What counts as "the same operation" is its content hash (kind, payload and
author); a repeated id with other content is refused, never applied twice.
Refusals by the rules are stored like applications (they are answers the
client must see the same way every time); an unexpected failure is not stored,
because nothing of it was kept and a later try may well succeed.

The log does not grow forever: entries older than `operation_log_days()` are
pruned (`prune_operations`, in the background about hourly, and `knop-admin
prune-operations`). That is longer than any client may work offline
(`protocol.OFFLINE_LOGIN_DAYS_MAX`, plus a margin). An operation whose id
(a UUIDv7, which carries when the client made it) is older than the log
reaches, less a day for clocks that run ahead, may have had its entry pruned,
so it is refused ("operation.too_old", which puts it in the user's "needs
attention") rather than risk applying it twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from desktop.core import guidelines, operations
from desktop.core.entities import (
    Bid,
    Comment,
    Entity,
    Guideline,
    GuidelineAcceptance,
    GuidelineAudience,
    Person,
    Role,
    Site,
    Task,
)
from desktop.core.ids import utc_now, uuid7_ms
from desktop.core.rejection import Rejection
from sync import protocol
from sync.server import accounts, audit, feed, invitations, notify, personal_data
from sync.server.accounts import Caller
from sync.server.errors import ApiError
from sync.server.storage import (
    Database,
    Session,
    Unattributed,
    column_names,
    database_cause,
    statement_failed,
)

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

OPERATION_LOG_DAYS_ENV = "KNOP_OPERATION_LOG_DAYS"
OPERATION_LOG_MARGIN_DAYS = 30  # beyond the longest offline period a client may have
CLOCK_AHEAD_DAYS = 1  # how far ahead of the server's a client's clock is taken to run, at most
PRUNE_EVERY_S = 3600.0
PRUNE_CHUNK = 5000  # entries deleted per transaction: short ones keep the feed's watermark moving


def operation_log_days() -> int:
    """How many days the exactly-once log keeps an entry (env KNOP_OPERATION_LOG_DAYS).

    Default: `protocol.OFFLINE_LOGIN_DAYS_MAX` plus `OPERATION_LOG_MARGIN_DAYS`.
    Raises ValueError for a value that is not a whole number above CLOCK_AHEAD_DAYS.
    """
    text = os.environ.get(OPERATION_LOG_DAYS_ENV, "")
    if not text:
        return protocol.OFFLINE_LOGIN_DAYS_MAX + OPERATION_LOG_MARGIN_DAYS
    days = int(text)
    if days <= CLOCK_AHEAD_DAYS:
        raise ValueError(f"{OPERATION_LOG_DAYS_ENV} must be more than {CLOCK_AHEAD_DAYS} day(s)")
    return days


def _too_old(op_id: str, now_ms: int, days: int) -> bool:
    """Whether the log may no longer hold this operation's entry (see the module docstring)."""
    made_ms = uuid7_ms(op_id)
    return made_ms is not None and made_ms < now_ms - (days - CLOCK_AHEAD_DAYS) * 86_400_000


def prune_operations(db: Database, days: int | None = None) -> int:
    """Delete log entries received more than `days` (default `operation_log_days()`) ago.

    In short transactions of PRUNE_CHUNK entries. Returns how many were deleted.
    """
    keep = operation_log_days() if days is None else days
    cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=keep)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    total = 0
    while True:
        with db.write(serial=False) as s:
            deleted = s.execute(
                "DELETE FROM operations WHERE id IN "
                f"(SELECT id FROM operations WHERE received_at < ? LIMIT {PRUNE_CHUNK})",
                (cutoff,),
            ).rowcount
        total += max(deleted, 0)
        if deleted < PRUNE_CHUNK:
            return total


_pruned_at: dict[str, float] = {}  # database URL -> when this process last pruned its log
_prune_lock = threading.Lock()


def _prune_now_and_then(db: Database) -> None:
    """Prune the log in the background once every PRUNE_EVERY_S per process (the first push starts it)."""
    with _prune_lock:
        last = _pruned_at.get(db.url)
        if last is not None and time.monotonic() - last < PRUNE_EVERY_S:
            return
        _pruned_at[db.url] = time.monotonic()

    def prune() -> None:
        try:
            count = prune_operations(db)
            if count:
                log.info("pruned %d entries older than %d days from the operation log", count, operation_log_days())
        except Exception:  # the next hour tries again; nothing is lost meanwhile
            log.exception("pruning the operation log failed")

    threading.Thread(target=prune, name="prune-operations", daemon=True).start()


ATTEMPTS = 3  # tries of one operation that lost a deadlock, before it is answered "failed"
_TRY_AGAIN = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
# ... and a unique violation at the end: the same operation, pushed twice at once, was
# stored by the other push first; the next try finds its answer in the log.
_AGAIN_FROM_THE_START = _TRY_AGAIN | {"23505"}


Identify = Callable[[Session], Callable[[], tuple[Caller, bool]]]


def push(db: Database, caller: Caller, batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply the operations in order; returns one wire result per operation.

    Round trips are what a push costs, so what can be asked once per batch is
    asked once: which of its operations are already stored, the rows they
    name, and the feed rows, written together at the end.
    """
    return _push(db, batch, lambda _session: lambda: (caller, False))


def push_request(
    db: Database,
    device_header: str | None,
    token: str | None,
    batch: Sequence[dict[str, Any]],
    cursor: str | None = None,
    after_commit: Callable[[Session], Callable[[], None]] | None = None,
) -> list[dict[str, Any]]:
    """A push as it comes over the wire: check both credentials, then `cursor`, then `push`.

    All in the push's own transaction, so they cost no connection, transaction
    or round trip of their own, and the author checked is the author the
    operations are applied as (no second read of them). Raises ApiError as
    `accounts.authenticate` does (401s), then "resync" (410) for a `cursor`
    from a future this server does not have (`feed.from_another_future`),
    with nothing applied. Credentials that do not pass read nothing more and
    lock nothing: on PostgreSQL what travels with their check runs behind it
    (`Session.gated`), elsewhere it is answered first.

    `after_commit` (PostgreSQL; SQLite ignores it) is what the push's session
    sends right after its COMMIT (`Session.after_commit`): the page after the
    push, which then costs no round trip nor connection of its own. It is
    called once for the try that commits, and its function after the commit.
    """
    if db.dialect != "postgresql":
        # SQLite's write transaction takes the database's one write lock as it begins, so
        # the credentials are checked before it too, by a read (which that lock does not
        # block): a refused device never waits for the lock nor holds it. Checked again
        # inside, where the operations are applied as the author read there.
        with db.read() as s:
            accounts.authenticate(s, device_header, token)

    def identify(session: Session) -> Callable[[], tuple[Caller, bool]]:
        credentials = _answered_first(session, accounts.authenticate_ahead(session, device_header, token))
        with session.gated(accounts.CREDENTIALS_PASSED):
            future = feed.future_ahead(session, cursor) if cursor is not None else None

        def answer() -> tuple[Caller, bool]:
            caller = credentials()
            if future is not None and future():
                raise ApiError("resync", {"cursor": cursor})
            return caller, True

        return answer

    return _push(db, batch, identify, accounts.CREDENTIALS_PASSED, after_commit)


def _answered_first(session: Session, ask: Callable[[], Caller]) -> Callable[[], Caller]:
    """`ask`, answered now when nothing travels with it (no pipeline: SQLite), so a refusal comes before any other read."""
    if session.pipeline is not None:
        return ask
    caller = ask()
    return lambda: caller


def _push(
    db: Database,
    batch: Sequence[dict[str, Any]],
    identify: Identify,
    gate: str | None = None,
    after_commit: Callable[[Session], Callable[[], None]] | None = None,
) -> list[dict[str, Any]]:
    """`push`, with the caller found by `identify` in the transaction: (caller, read just now).

    `identify` may send queries at once and must wait for answers only in the
    function it returns: what the push reads ahead (`_read_ahead`) is sent
    between the two, so on PostgreSQL the cursor check, the log lookup, the
    rows the batch names and the credential check make one round trip. With
    a `gate` (`Session.gated`) what is read ahead runs only if it opens: the
    credential check's verdict, so that a refused caller locks no row.
    """
    _prune_now_and_then(db)
    waiting = False  # at first the savepoints do not wait for their writes: see Session.savepoint
    attempt = 1
    while True:
        try:
            with db.write(pipelined=True) as session:
                session.waits_at_savepoints = waiting
                session.after_commit = after_commit
                session.keep_what_it_reads()
                session.defer_inserts()
                session.hold_writes()  # first try only: entity writes and savepoints wait until needed
                identified = identify(session)
                with session.gated(gate) if gate is not None else contextlib.nullcontext():
                    stored = _stored_ahead(session, [op["id"] for op in batch])
                    ahead = _read_ahead(session, batch)
                caller, current = identified()
                batch_state = _Batch(session, caller, stored())
                if current:  # read in this transaction: as current as a second read would be
                    batch_state.knows_actor(caller.person)
                reach = ahead()
                results = [_apply_one(batch_state, op) for op in batch]
                feed.record(session, batch_state.changes, utc_now(), reach)
                session.flush()  # the log and the audit events; a twin push's entries collide here
                return results
        except Exception as error:
            cause = database_cause(error)
            if not waiting and statement_failed(error):
                # A statement failed and it is not known whose: the whole push again, each
                # operation's savepoint waiting, so that the failure is its operation's alone.
                waiting = True
                log.info("push of %d operations tried again, waiting at each operation: %s", len(batch), cause)
                continue
            if getattr(cause, "sqlstate", None) not in _AGAIN_FROM_THE_START or attempt == ATTEMPTS:
                raise
            attempt += 1
            log.info("push of %d operations tried again: %s", len(batch), cause)


# The payload fields that name a row the operation's rules read (and the entity it is):
# read for the whole batch at once (`Session.read_ahead`), before the rules ask.
NAMED_ROWS: dict[str, type[Entity]] = {
    "task_id": Task,
    "bid_id": Bid,
    "comment_id": Comment,
    "site_id": Site,
    "person_id": Person,
}


def _read_ahead(session: Session, batch: Sequence[dict[str, Any]]) -> Callable[[], dict[str, feed.Reach | None]]:
    """Send the reads of the rows `batch`'s payloads name; the returned function remembers them.

    Also the guidelines (and the author's acceptances of them) an operation
    needs accepted (`guidelines.required`), and it answers how far the feed
    rows of the named tasks reach (`feed.reach_ahead`), read after the tasks'
    rows are locked. A name that is not a row (a new task's id, say) is
    remembered as absent, which is what its rule asks first. Only a cache: a
    rule that asks for anything else reads it as before.
    """
    named: dict[type[Entity], set[tuple[str, ...]]] = {}
    authors: set[str] = set()
    for op in batch:
        payload = op.get("payload")
        if not isinstance(payload, dict):
            continue
        for field, cls in NAMED_ROWS.items():
            value = payload.get(field)
            if isinstance(value, str) and len(value) <= 100:
                named.setdefault(cls, set()).add((value,))
        if op.get("kind") in guidelines.NEEDING_ACCEPTANCE and isinstance(op.get("author_id"), str):
            authors.add(op["author_id"])
            for audience in GuidelineAudience:
                named.setdefault(GuidelineAcceptance, set()).add((op["author_id"], str(audience)))
    # Tasks (locked) first, in key order, then bids: as the rules lock them.
    order = [*NAMED_ROWS.values(), GuidelineAcceptance]
    remembered = [session.read_ahead(cls, named[cls]) for cls in order if cls in named]
    remembered.append(_guidelines_ahead(session, authors))
    reach = feed.reach_ahead(session, (key[0] for key in named.get(Task, ())))

    def remember() -> dict[str, feed.Reach | None]:
        for done in remembered:
            done()
        return reach()

    return remember


def _guidelines_ahead(session: Session, author_ids: set[str]) -> Callable[[], None]:
    """Ask now for the guidelines of the authors' organisations (keyed by organisation, which
    the push does not know yet: the author's row says); the returned function remembers them,
    and every audience an organisation has none for as absent."""
    wanted = sorted(a for a in author_ids if len(a) <= 100)
    if not wanted:
        return lambda: None
    cursor = session.execute(
        "SELECT p.organisation_id AS author_organisation, g.* FROM people p "
        "LEFT JOIN guidelines g ON g.organisation_id = p.organisation_id "
        f"WHERE p.id IN ({', '.join('?' for _ in wanted)})",
        wanted,
    )
    fetched: list[Any] | None = cursor.fetchall() if session.pipeline is None else None

    def remember() -> None:
        rows = cursor.fetchall() if fetched is None else fetched
        names = column_names(cursor)[1:]
        organisations: set[str] = set()
        for row in rows:
            organisations.add(str(row[0] or ""))
            columns = dict(zip(names, row[1:], strict=True))
            if columns["audience"] is not None:
                session.remember(Guideline.from_row(columns))
        for organisation in organisations:
            for audience in GuidelineAudience:
                session.remember_absent(Guideline, organisation, str(audience))

    return remember


def _stored_ahead(session: Session, op_ids: Sequence[str]) -> Callable[[], dict[str, tuple[str, str]]]:
    """`_stored`, sent now and answered by the returned function (batches of up to LOOKUP_CHUNK)."""
    unique = list(dict.fromkeys(op_ids))
    if len(unique) > LOOKUP_CHUNK:
        found = _stored(session, unique)
        return lambda: found
    cursor = session.execute(
        f"SELECT id, content_hash, result FROM operations WHERE id IN ({', '.join('?' * len(unique))})",
        unique,
    ) if unique else None
    rows = cursor.fetchall() if cursor is not None and session.pipeline is None else None

    def answer() -> dict[str, tuple[str, str]]:
        fetched = rows if rows is not None or cursor is None else cursor.fetchall()
        return {str(r[0]): (str(r[1]), str(r[2])) for r in fetched or ()}

    return answer


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
        self.changes: list[operations.Change] = []  # of the applied operations, for the feed
        self.log_days = operation_log_days()

    def actor(self) -> Person | None:
        """The author as the database holds them now (read again after a change to them)."""
        if not self._actor_known:
            self._actor = self.session.get(Person, self.caller.person.id)
            self._actor_known = True
        return self._actor

    def forget_actor(self) -> None:
        self._actor_known = False

    def knows_actor(self, person: Person) -> None:
        """The author's row, as read in this transaction (by the credential check)."""
        self._actor, self._actor_known = person, True
        self.session.remember(person)  # the rules and the tenancy ask for it too


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

    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _apply_new(batch, op, fingerprint)
        except Unattributed:
            raise  # not this operation's to answer: the push runs again (`_push`)
        except Exception as error:
            batch.forget_actor()  # rolled back: whatever was read inside may be gone
            if getattr(error, "sqlstate", None) in _TRY_AGAIN and attempt < ATTEMPTS:
                continue
            again = _stored(session, [op_id]).get(op_id)
            if again is not None:  # the same operation, pushed again at the same time, won
                batch.stored[op_id] = again
                return _apply_one(batch, op)
            log.exception("operation %s (%s) from %s failed", op_id, kind, caller.person.id)
            return rejected(op_id, Rejection("operation.failed"))
    raise AssertionError("unreachable")  # the last attempt returns


def _apply_new(batch: _Batch, op: dict[str, Any], fingerprint: str) -> dict[str, Any]:
    """Apply an operation the log does not hold yet, and store its answer; see `_apply_one`."""
    session, caller = batch.session, batch.caller
    op_id, kind = op["id"], op["kind"]
    now = utc_now()
    try:
        with session.savepoint():
            result, changes = _run(batch, op, now)
            text = _remember(session, caller, op, fingerprint, now, result)
        batch.changes += changes
    except Rejection as rejection:
        result = rejected(op_id, rejection)
        try:
            with session.savepoint():
                text = _remember(session, caller, op, fingerprint, now, result)
                _record_refusal(session, caller, op, rejection, now)
        except Unattributed:
            raise
        except Exception:
            log.exception("could not store the rejection of operation %s (%s)", op_id, kind)
            return rejected(op_id, Rejection("operation.failed"))
    batch.stored[op_id] = (fingerprint, text)  # a repeat later in this batch gets the same answer
    return result


def _run(
    batch: _Batch, op: dict[str, Any], now: str
) -> tuple[dict[str, Any], list[operations.Change]]:
    """Apply one operation with the server's authority: its clock, its copy of the author.

    Returns its wire result and its changes, which the feed gets at the batch's end.
    """
    session, caller = batch.session, batch.caller
    if _too_old(op["id"], int(time.time() * 1000), batch.log_days):
        raise Rejection("operation.too_old")
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
    follow(session, outcome, records, now, actor.id, caller.device_id, event_id=op["id"], payload=op["payload"])
    # What the server alone writes after the rule (an invitation's mail state) goes to the feed too.
    outcome.changes += invitations.after_push(session, op["kind"], op["payload"], outcome.entity_id, now)
    versions = {
        f"{c.entity.table}/{c.entity.key_value()}": int(getattr(c.entity, "version", 0))
        for c in outcome.changes
        if not c.deleted
    }
    result = {
        "id": op["id"],
        "status": "applied",
        "entity_id": outcome.entity_id,
        "versions": versions,
    }
    return result, list(outcome.changes)


def follow(
    session: Session,
    outcome: operations.Outcome,
    records: notify.Remembering,
    now: str,
    actor_id: str,
    device_id: str | None,
    event_id: str | None = None,
    payload: Any = None,
) -> None:
    """What follows every applied operation, in its transaction: erasure, mail, audit.

    Its feed rows are the caller's to write (`feed.record`): a push writes those
    of all its operations at once, at the end of the batch.
    """
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


def _organisation_concerned(session: Session, payload: dict[str, Any]) -> str:
    """The organisation of the task or person a payload names; else the first one."""
    for parent, field in (("tasks", "task_id"), ("people", "person_id")):
        if isinstance(payload.get(field), str):
            found = session.organisation_of(parent, payload[field])
            if found:
                return found
    return str(session.value("SELECT min(id) FROM organisations", default=""))


def apply_as_admin_tool(
    db: Database, kind: str, payload: dict[str, Any], organisation_id: str | None = None
) -> str:
    """Apply one operation from `knop-admin`, with an administrator's rights; returns its entity id.

    The operator acts in `organisation_id` when given (what an operation of the
    whole organisation, such as publishing its guidelines, needs named), else
    in that of what the operation concerns. The audit event's actor is
    `audit.ADMIN_TOOL`. Raises Rejection when the rules refuse it; nothing is then kept.
    """
    now = utc_now()
    with db.write() as session:
        actor = Person(
            id=audit.ADMIN_TOOL, name=audit.ADMIN_TOOL, username=audit.ADMIN_TOOL,
            home_site_id=None, role=Role.ADMIN,
            # The operator acts in the organisation of what the operation concerns.
            organisation_id=organisation_id or _organisation_concerned(session, payload),
        )
        records = notify.Remembering(session)
        outcome = operations.apply(kind, payload, operations.Context(actor, None, now), records)
        feed.record(session, outcome.changes, now)
        follow(session, outcome, records, now, actor.id, None, payload=payload)
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
    session.insert_later(
        "INSERT INTO operations "
        "(id, content_hash, kind, author_id, device_id, received_at, result, organisation_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op["id"],
            fingerprint,
            op["kind"],
            caller.person.id,
            caller.device_id,
            now,
            text,
            caller.person.organisation_id,  # the author's: the exactly-once check stays on one shard
        ),
    )
    return text
