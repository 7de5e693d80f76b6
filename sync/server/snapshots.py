"""The last organisation-wide aggregates computed, kept in the database for every worker.

Counting 300,000 bids by person and skill takes seconds, not the few hundred
milliseconds a screen may wait; and HR's numbers need not change by the
second. So each aggregate's viewer-independent facts are stored with the
change feed's high-water mark they were computed at. A request reuses them
while nothing has changed, or while they are younger than `max_age()` even if
something has; otherwise it computes them again and stores them for the
others. What a viewer may see is cut from the facts on every request, never
stored. Responses carry `computed_at`, so a person always knows how old the
numbers are.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from typing import Any

from desktop.core.ids import utc_now
from sync.server import feed
from sync.server.storage import Database, Session

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

    `session` is the caller's read transaction, so fresh facts are consistent
    with whatever else the caller reads in it. A snapshot computed anew is
    written in a short write of its own (not serialised with the feed).
    """
    high_water = feed.high_water(session)
    stored = session.one(
        "SELECT high_water, computed_at FROM insight_snapshots WHERE name = ?", (name,)
    )
    if stored is not None and (int(stored[0]) == high_water or _age_s(stored[1]) < max_age()):
        computed_at = str(stored[1])
        remembered = _PARSED.get(name)
        if remembered is not None and remembered[0] == computed_at:
            return remembered  # this process read this very snapshot before
        body = session.value("SELECT body FROM insight_snapshots WHERE name = ?", (name,))
        _PARSED[name] = (computed_at, json.loads(body))
        return _PARSED[name]
    facts = compute(session)
    computed_at = utc_now()
    with db.write(serial=False) as w:
        w.execute(
            "INSERT INTO insight_snapshots (name, high_water, computed_at, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET high_water = excluded.high_water, "
            "computed_at = excluded.computed_at, body = excluded.body",
            (name, high_water, computed_at, json.dumps(facts, ensure_ascii=False)),
        )
    _PARSED[name] = (computed_at, facts)
    return computed_at, facts


# Per process: the snapshot last read, so a request reads its JSON only once it changed.
_PARSED: dict[str, tuple[str, Facts]] = {}


def forget(db: Database) -> None:
    """Drop every snapshot, so the next request computes afresh (benchmarks, admin)."""
    with db.write(serial=False) as w:
        w.execute("DELETE FROM insight_snapshots")
    _PARSED.clear()
