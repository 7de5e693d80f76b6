"""The deadline round reads the due tasks through an index, not every task on the server.

`deadlines.close_past_deadlines` runs in every server process every minute. In
the soak (300 devices, 3 minutes, some 20,000 open tasks made) its query took
1 ms a call at the start and 3.4 ms at the end on PostgreSQL: a scan of every
task, a cost that grows with the store for as long as the server runs
(docs/scale-out.md "The soak's falling throughput"). Here, on a real database
of each kind with thousands of open tasks and none due, the query's plan must
search an index on the bid deadline; before migration v15 both planners
scanned the table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
import pytest

from desktop.core.entities import TaskStatus
from desktop.core.ids import uuid7
from sync.server import deadlines, storage
from tests.conftest import World
from tests.server.conftest import Servers, small_world_database

OPEN_TASKS = 5_000  # enough that PostgreSQL's planner prefers an index to reading the table


@pytest.fixture
def crowded(backend: str, servers: Servers, world: World) -> Iterator[storage.Database]:
    """The small world with OPEN_TASKS open tasks, without a bid deadline, planned for as such."""
    for db in small_world_database(servers, backend, pool_size=1):
        with db.write(serial=False) as s:
            for _ in range(OPEN_TASKS):
                s.put(world.task(id=uuid7()))
            s.execute("ANALYZE tasks" if db.dialect == "postgresql" else "ANALYZE")
        yield db


def _plan(db: storage.Database) -> str:
    query = f"SELECT * FROM tasks WHERE {deadlines.DUE}"
    params = (str(TaskStatus.OPEN), "2026-01-01")
    with db.read() as s:
        if db.dialect == "postgresql":
            return json.dumps(s.value("EXPLAIN (FORMAT JSON) " + query, params))
        return " | ".join(str(r["detail"]) for r in s.rows("EXPLAIN QUERY PLAN " + query, params))


def test_the_deadline_round_searches_an_index_on_the_bid_deadline(crowded: storage.Database) -> None:
    plan = _plan(crowded)
    if crowded.dialect == "postgresql":
        assert '"Seq Scan"' not in plan, plan
        assert "tasks_bid_deadline" in plan and "bid_deadline <" in plan, plan
    else:
        assert "SCAN tasks" not in plan, plan
        assert "tasks_bid_deadline" in plan and "bid_deadline<?" in plan, plan
    assert deadlines.close_past_deadlines(crowded, now="2026-01-01T00:00:00Z") == []
