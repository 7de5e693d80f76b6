"""A local action: placing a bid writes the outbox entry and the local view in one transaction."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from desktop.core import permissions
from desktop.core.entities import Task, TaskStatus
from desktop.core.ids import utc_now, uuid7
from desktop.store import Store
from tests.bench import scale
from tests.bench.report import Figure, median_of, percentile, timed


def run(size: str) -> list[Figure]:
    data = scale.municipality(size)
    actor = scale.reader(data)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(scale.copy_of_local_store(Path(folder) / "k.sqlite3", size))
        today = utc_now()[:10]
        # Chosen before timing, so the clock sees only the action itself.
        chosen = itertools.islice(
            (
            t.id
            for t in data.tasks
            if t.status == TaskStatus.OPEN
            and (t.bid_deadline is None or t.bid_deadline >= today)
            and _may_bid(store, actor, t.id)
            ),
            320,
        )
        biddable = iter(list(chosen))

        def place() -> None:
            store.perform("bid.place", {"bid_id": uuid7(), "task_id": next(biddable), "message": "Jeg kan godt"}, actor, "bench")

        timed(place, 20)  # warm the page cache
        samples = timed(place, 300)
        store.close()
    ms = [s * 1000 for s in samples]
    median = median_of(ms)
    return [
        Figure(
            "local action: place a bid",
            median,
            "ms",
            "median <= 5 ms",
            median <= 5,
            {"p95_ms": percentile(ms, 0.95), "runs": len(ms)},
        )
    ]


def _may_bid(store: Store, actor: object, task_id: str) -> bool:
    task = store.get(Task, task_id)
    if task is None:
        return False
    already = any(b.bidder_id == actor.id and b.is_active for b in store.bids_on(task_id))  # type: ignore[attr-defined]
    return permissions.may_bid_on(actor, task) and not already  # type: ignore[arg-type]
