"""Tasks close for bids by themselves once their bid deadline has passed, by the server's clock.

Nobody has to press anything: a thread in each server process (`Rounds`,
started by `router`'s lifespan) runs `close_past_deadlines` every
`KNOP_DEADLINE_POLL_SECONDS` (default 60). Each closed task gets a new version
and a feed row, so every device that may see it pulls the new status; the
audit trail records the closing under the actor "system". Several processes
may run it at once: the serialised write makes the second find nothing left.

A closed task still has its bids; its owner may accept or decline them, and
moving the deadline into the future opens it again (`desktop.core.operations`).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI

from desktop.core import audit_trail
from desktop.core.entities import Task, TaskStatus
from desktop.core.ids import utc_now
from desktop.core.operations import Change
from sync.server import audit, feed
from sync.server.rounds import Rounds
from sync.server.storage import Database

log = logging.getLogger("knop.server.deadlines")

POLL_ENV = "KNOP_DEADLINE_POLL_SECONDS"
DEFAULT_POLL_SECONDS = 60.0
SYSTEM = audit_trail.SERVER_ITSELF  # the audit trail's actor for what the server does by itself
OPERATION = "task.close_bidding"
# The open tasks whose bid deadline is before a day (status, day): read through the
# index tasks_bid_deadline (migrations v15), so a round costs the due tasks, not every task.
DUE = "status = ? AND bid_deadline IS NOT NULL AND bid_deadline <> '' AND bid_deadline < ?"


def close_past_deadlines(db: Database, now: str | None = None) -> list[str]:
    """Close every open task whose bid deadline is before `now`'s UTC date; returns their ids.

    `now` is an ISO 8601 UTC timestamp (the server's clock when omitted). Bids are
    taken all through the deadline's day, as `operations.bid_deadline_passed` says.
    """
    at = now or utc_now()
    today = at[:10]
    closed: list[str] = []
    with db.write() as session:
        due = session.fetch(Task, DUE, (str(TaskStatus.OPEN), today))
        changes = []
        for task in due:
            shut = task.replace(status=TaskStatus.CLOSED, version=task.version + 1, updated_at=at)
            session.put(shut)
            changes.append(Change(shut))
            audit.record(
                session,
                at=at,
                actor_id=SYSTEM,
                device_id=None,
                operation=OPERATION,
                entity_id=task.id,
                summary=f"bid deadline {task.bid_deadline} passed",
                # Named, so the task's site and municipality find it in their audit trail
                # (the system is nobody's colleague: without it, the first organisation's).
                task_id=task.id,
                site_id=task.site_id,
                organisation_id=task.organisation_id,
            )
            closed.append(task.id)
        feed.record(session, changes, at)
    if closed:
        log.info("closed %d task(s) whose bid deadline had passed", len(closed))
    return closed


def poll_seconds(environ: dict[str, str] | None = None) -> float:
    """The pause between rounds, from KNOP_DEADLINE_POLL_SECONDS; raises ValueError if not a positive number."""
    text = (environ if environ is not None else os.environ).get(POLL_ENV, "")
    if not text:
        return DEFAULT_POLL_SECONDS
    value = float(text)
    if not value > 0:
        raise ValueError(f"{POLL_ENV} must be a positive number of seconds, not {text!r}")
    return value


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    db = app.state.db
    worker = Rounds("knop-deadlines", poll_seconds(), lambda: close_past_deadlines(db))
    worker.start()
    yield
    worker.stop()


router = APIRouter(lifespan=_lifespan)
