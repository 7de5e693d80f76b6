"""The last organisation-wide aggregates computed, kept in the database for every worker.

Counting 300,000 bids by person and skill takes seconds, not the few hundred
milliseconds a screen may wait; and HR's numbers need not change by the
second. So each aggregate's viewer-independent facts are stored with the
change feed's high-water mark they were computed at. A request reuses them
while nothing has changed; after a change it still gets them at once while
they are younger than `max_age()`, and one worker computes new ones in the
background; only a request finding none, or none that young, waits for them. What a viewer may see is cut from the facts on every request, never
stored. Responses carry `computed_at`, so a person always knows how old the
numbers are.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from desktop.core.ids import utc_now
from sync.server import feed
from sync.server.storage import Database, Session

log = logging.getLogger(__name__)

MAX_AGE_ENV = "KNOP_INSIGHTS_MAX_AGE_S"
DEFAULT_MAX_AGE_S = 900.0

Facts = dict[str, Any]


def max_age() -> float:
    """Seconds a snapshot is served after the data changed (KNOP_INSIGHTS_MAX_AGE_S; default 15 min)."""
    try:
        return max(0.0, float(os.environ.get(MAX_AGE_ENV, DEFAULT_MAX_AGE_S)))
    except ValueError:
        return DEFAULT_MAX_AGE_S


def _age_s(computed_at: str) -> float:
    then = dt.datetime.fromisoformat(computed_at.replace("Z", "+00:00"))
    return (dt.datetime.now(dt.UTC) - then).total_seconds()


def get(
    db: Database, session: Session, name: str, compute: Callable[[Session], Facts]
) -> tuple[str, Facts]:
    """(computed_at, facts) for aggregate `name`, from the snapshot or computed now in `session`.

    Current snapshot: served. Out of date but younger than `max_age()`:
    served too, and one worker (whoever claims it) computes a new one in the
    background, so the next request is fresh and none waits. Older, or none:
    computed now in `session`, the caller's read transaction, so the facts are
    consistent with whatever else the caller reads in it.
    """
    high_water = feed.high_water(session)
    stored = session.one(
        "SELECT high_water, computed_at, refreshing_at FROM insight_snapshots WHERE name = ?",
        (name,),
    )
    if stored is not None and (int(stored[0]) == high_water or _age_s(stored[1]) < max_age()):
        if int(stored[0]) != high_water and (stored[2] is None or _age_s(stored[2]) > CLAIM_S):
            _refresh_in_background(db, name, compute, int(stored[0]))
        computed_at = str(stored[1])
        remembered = _PARSED.get(name)
        if remembered is not None and remembered[0] == computed_at:
            return remembered  # this process read this very snapshot before
        body = session.value("SELECT body FROM insight_snapshots WHERE name = ?", (name,))
        _PARSED[name] = (computed_at, json.loads(body))
        return _PARSED[name]
    return _store(db, name, high_water, compute(session))


def _store(db: Database, name: str, high_water: int, facts: Facts) -> tuple[str, Facts]:
    computed_at = utc_now()
    with db.write(serial=False) as w:
        w.execute(
            "INSERT INTO insight_snapshots (name, high_water, computed_at, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET high_water = excluded.high_water, "
            "computed_at = excluded.computed_at, body = excluded.body, refreshing_at = NULL",
            (name, high_water, computed_at, json.dumps(facts, ensure_ascii=False)),
        )
    _PARSED[name] = (computed_at, facts)
    return computed_at, facts


CLAIM_S = 120.0  # a refresh claimed longer ago than this is taken to have died with its worker


def _refresh_in_background(db: Database, name: str, compute: Callable[[Session], Facts], seen: int) -> None:
    """Compute a newer snapshot on a thread, unless another worker has claimed the job."""
    now = utc_now()
    expired = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=CLAIM_S)).isoformat(timespec="milliseconds")
    with db.write(serial=False) as w:
        claimed = w.execute(
            "UPDATE insight_snapshots SET refreshing_at = ? WHERE name = ? AND high_water = ? "
            "AND (refreshing_at IS NULL OR refreshing_at < ?)",
            (now, name, seen, expired.replace("+00:00", "Z")),
        ).rowcount
    if claimed != 1:
        return

    def refresh() -> None:
        try:
            with db.read() as s:
                high_water = feed.high_water(s)
                facts = compute(s)
            _store(db, name, high_water, facts)
        except Exception:  # the next request computes it; nothing is lost
            log.exception("refreshing the %s snapshot failed", name)

    threading.Thread(target=refresh, name=f"insights-{name}", daemon=True).start()


# Per process: the snapshot last read, so a request reads its JSON only once it changed.
_PARSED: dict[str, tuple[str, Facts]] = {}


def forget(db: Database) -> None:
    """Drop every snapshot, so the next request computes afresh (benchmarks, admin)."""
    with db.write(serial=False) as w:
        w.execute("DELETE FROM insight_snapshots")
    _PARSED.clear()
