"""Deriving notifications during a pull of 10,000 changes: what it adds to the pull's time.

A real knop-server process on SQLite with the small municipality of the tests;
Mette, the school's manager, has pulled everything on her workstation. Then
10,000 changes land on the server, all of them about her: new tasks at her
school, bids on the tasks she posted, comments in their conversations and
edits to them (written as the server writes an applied operation: the entity
and its feed row). Her next sync pulls them and derives a notification for
most of them, the worst case for the rule. The share is measured inside the
same pull (`UserReport.noticing_s` of `UserReport.pull_s`), so both figures
come from one run on one machine; the median of several runs is reported.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from desktop.core.entities import Bid, Comment, Task
from desktop.core.ids import utc_now, uuid7
from desktop.core.operations import Change
from sync.server import feed, storage
from tests.bench import servers
from tests.bench.report import Figure, median_of
from tests.conftest import make_world
from tests.server.conftest import seed_world
from tests.server.harness import PASSWORD, Deployment

CHANGES = 10_000
RUNS = {"full": 3, "quick": 2}
TARGET = 0.10  # at most 10 % more than the pull without it
# How much of the pull is about the puller: a manager's ordinary day (a tenth of it
# bids and comments on her tasks, the rest tasks elsewhere in the municipality),
# and the worst case, where every change but the others' tasks tells her something.
SHARES = (0.1, 0.7)


def _her_tasks(deployment: Deployment, n: int) -> list[Task]:
    """n open tasks Mette posted, on the server before her first sync."""
    world, now = make_world(), utc_now()
    hers = [
        world.task(id=uuid7(), title=f"Opgave {i}", poster_id="mette", created_at=now,
                   updated_at=now, version=1)
        for i in range(n)
    ]
    _write(deployment, hers, now)
    return hers


def _write(deployment: Deployment, entities: list[Any], now: str) -> None:
    with deployment.database.write() as s:
        for entity in entities:
            s.put(entity)
        feed.record(s, [Change(e) for e in entities], now)


def _land_changes(deployment: Deployment, hers: list[Task], n: int, share: float) -> None:
    """n new changes: `share` of them bids and comments on Mette's tasks, the rest others' tasks."""
    world, now = make_world(), utc_now()
    about_her = int(n * share)
    bids = [
        Bid(id=uuid7(), task_id=hers[i % len(hers)].id, bidder_id=("anna", "bo")[i % 2],
            created_at=now, version=1)
        for i in range(about_her // 2)
    ]
    comments = [
        Comment(id=uuid7(), task_id=hers[i % len(hers)].id, author_id="anna", body="Hvornår?",
                created_at=now, version=1)
        for i in range(about_her - len(bids))
    ]
    others = [
        world.task(id=uuid7(), title=f"Andres opgave {i}", poster_id="admin", site_id="s-other",
                   audience="organisation", created_at=now, updated_at=now, version=1)
        for i in range(n - about_her)
    ]
    _write(deployment, [*others, *bids, *comments], now)


def run(size: str) -> list[Figure]:
    return [_figure(size, share) for share in SHARES]


def _figure(size: str, share: float) -> Figure:
    samples: list[tuple[float, float, int]] = []  # (pull seconds, of it deriving, changes)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number in range(RUNS[size]):
            url = str(root / f"server-{number}.sqlite3")
            db = storage.Database(url, pool_size=1)
            try:
                seed_world(db, make_world())
            finally:
                db.close()
            deployment = Deployment(backend="sqlite", db_url=url, workdir=root / f"server-{number}")
            deployment.start()
            machine = servers.DirectMachine(root / f"office-{number}", deployment, "office")
            try:
                machine.enrol("s-school")
                mette = machine.login("mette", PASSWORD)
                hers = _her_tasks(deployment, 500)
                if not machine.sync(mette).ok:
                    raise RuntimeError("the first sync failed")
                _land_changes(deployment, hers, CHANGES, share)
                started = time.perf_counter()
                report = machine.sync(mette)
                if not report.ok:
                    raise RuntimeError(f"the sync failed: {report}")
                mine = report.user("mette")
                assert mine is not None
                samples.append((mine.pull_s or time.perf_counter() - started, mine.noticing_s, mine.pulled))
            finally:
                machine.close()
                deployment.stop()
    added = [noticing / (pull - noticing) for pull, noticing, _ in samples]
    ratio = median_of(added)
    return Figure(
        f"notifications: 10k pull, {share:.0%} hers",
        ratio * 100,
        "%",
        f"<= {TARGET * 100:.0f} % more",
        ratio <= TARGET,
        {
            "changes": samples[0][2],
            "pull_s": median_of([p for p, _, _ in samples]),
            "deriving_s": median_of([d for _, d, _ in samples]),
            "added_percent": [round(a * 100, 2) for a in added],
            "runs": len(samples),
        },
    )
