"""Sending one user's outbox: in order, in batches, each result settled in the store.

Safe to repeat at any point: operations keep the ids they were given when the
user acted, and the server applies each id once and answers a repeat with the
stored result. So a batch whose answer was lost (dropped connection, killed
process) is simply sent again, as it was, by this sync or the next.

Results of a batch are written in one transaction: applied operations leave
the outbox for the log of acknowledged operations (their effect comes back
through the pull; desktop.acknowledged keeps them in case the server is later
restored from a backup), refused ones move to the attention list with the
server's reason, and, for an operation the server had confirmed once before,
a sentence saying so. A server that failed on an
operation unexpectedly ("operation.failed", stored nowhere) gets it again next
time; after MAX_FAILED_ATTEMPTS such answers it goes to the attention list
too, so nothing waits forever in silence.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any
from dataclasses import dataclass

from desktop import acknowledged
from desktop.core.rejection import reworded
from desktop.core.text import LANGUAGES, sentence
from desktop.store import PendingOperation, Store
from sync import protocol
from sync.api import ServerApi
from sync.failures import Cancelled
from sync.pull import REBASE_DUE

MAX_FAILED_ATTEMPTS = 5
BATCH_BYTES = protocol.MAX_BODY_BYTES * 3 // 4  # room for JSON framing and headers
TRANSIENT_REASONS = frozenset({"operation.failed"})


@dataclass(slots=True)
class Pushed:
    sent: int = 0
    applied: int = 0
    rejected: int = 0
    kept: int = 0
    # The pull's next page after the push's cursor, when the last batch asked for it
    # (`pull_limit`) and the server sent it: for sync.pull.write_pushed_page.
    page: protocol.PullPage | None = None

    @property
    def settled(self) -> int:
        return self.applied + self.rejected


def batches(
    pending: list[PendingOperation], max_count: int = protocol.MAX_PUSH_OPERATIONS
) -> list[list[PendingOperation]]:
    """Consecutive runs of the outbox that fit in one request by count and by size."""
    found: list[list[PendingOperation]] = []
    current: list[PendingOperation] = []
    size = 0
    for op in pending:
        weight = len(json.dumps(op.to_wire(), ensure_ascii=False).encode("utf-8")) + 1
        if current and (len(current) >= max_count or size + weight > BATCH_BYTES):
            found.append(current)
            current, size = [], 0
        current.append(op)
        size += weight
    if current:
        found.append(current)
    return found


def push_outbox(
    store: Store,
    api: ServerApi,
    token: str,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = protocol.MAX_PUSH_OPERATIONS,
    done: Pushed | None = None,
    cursor: str | None = None,
    pull_limit: int | None = None,
) -> Pushed:
    """Push what was pending when the sync began; what the user adds meanwhile waits for the next.

    `done` is filled in as batches settle, so a caller still knows what went
    through when a later batch fails. `cursor` is the store's pull cursor:
    the server refuses the push (ResyncNeeded) when it no longer has the
    history the cursor names, before anything is applied. With `pull_limit`
    (and a cursor) the last batch asks for the pull's next page after
    `cursor` too; a server that sends it leaves it in `done.page`, unwritten.
    """
    pending = store.pending()
    done = done if done is not None else Pushed()
    total = len(pending)
    if progress and total:
        progress(0, total)
    found = batches(pending, batch_size)
    for number, batch in enumerate(found, 1):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        asked = pull_limit if number == len(found) else None  # only the last: earlier pages would be stale
        wire = [op.to_wire() for op in batch]
        if asked is None:
            results = api.push(token, wire, cancel, cursor=cursor)
        else:
            answer = api.push_answer(token, wire, cancel, cursor=cursor, pull_limit=asked)
            results, done.page = answer.results, answer.page
        with store.transaction():
            for op, result in zip(batch, results, strict=True):
                _settle(store, op, result, done)
            if done.settled:
                store.set_state(REBASE_DUE, "1")
        done.sent += len(batch)
        if progress:
            progress(done.sent, total)
    return done


def _settle(store: Store, op: PendingOperation, result: dict[str, object], done: Pushed) -> None:
    if result.get("status") == "applied":
        if acknowledged.confirmed_at(store, op.id) is None:
            acknowledged.keep(store, [op.id])
        store.settle(op.id)
        done.applied += 1
        return
    rejection = result.get("rejection")
    rejection = rejection if isinstance(rejection, dict) else {"reason": "operation.failed"}
    rejection = reworded(rejection)  # times in this machine's zone
    if rejection.get("reason") in TRANSIENT_REASONS and op.attempts + 1 < MAX_FAILED_ATTEMPTS:
        store.note_attempt([op.id], str(rejection.get("reason")))
        done.kept += 1
        return
    confirmed = acknowledged.confirmed_at(store, op.id)
    if confirmed is not None:
        rejection = _lost_after_confirmation(rejection, confirmed)
    store.refuse(op.id, rejection)
    done.rejected += 1


def _lost_after_confirmation(rejection: Mapping[str, Any], confirmed: str) -> dict[str, object]:
    """The server's refusal of an operation it had confirmed once, told as what happened."""
    found = rejection.get("message")
    reason: dict[str, object] = found if isinstance(found, dict) else {}
    message = {
        language: sentence(
            "The server confirmed this on {date}, but it has since been restored from a "
            "backup and lost it. Knop sent it again, and this time it was refused: {reason}",
            date=confirmed[:10],
            reason=str(reason.get(language) or rejection.get("reason") or ""),
        ).text(language)
        for language in LANGUAGES
    }
    return {**rejection, "message": message}
