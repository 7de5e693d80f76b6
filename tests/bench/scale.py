"""The benchmark municipality: 100,000 tasks, 300,000 bids, 5,000 people, 20,000 comments.

Built by the demo-data generator, so the figures describe data that looks like
the real thing. The local store is built once per size and seed and kept in
bench-results/cache, because building it is not what is being measured.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from sync.server import demo
from desktop.core.entities import Entity, Person, Role
from desktop.store import Store
from tests.bench.report import RESULTS

FULL = {"tasks": 100_000, "bids": 300_000, "people": 5_000, "comments": 20_000}
QUICK = {"tasks": 10_000, "bids": 30_000, "people": 1_000, "comments": 2_000}
SEED = 2026
# Part of the cached files' names: a change to what the generator makes (UUIDv7 ids,
# issue 16) must not be measured on data an older generator left in the cache.
DATA = "v7"


@functools.cache
def municipality(size: str = "full") -> demo.DemoData:
    return demo.generate(SEED, **(FULL if size == "full" else QUICK))


def everything(data: demo.DemoData) -> list[list[Entity]]:
    return [
        [data.organisation],
        list(data.sites),
        list(data.people),
        list(data.person_skills),
        list(data.tasks),
        list(data.bids),
        list(data.comments),
        list(data.endorsements),
    ]


def record_count(data: demo.DemoData) -> int:
    return sum(len(group) for group in everything(data))


def local_store(size: str = "full") -> Path:
    """A store holding the whole municipality, as an admin's device would after a full pull."""
    cached = RESULTS / "cache" / f"store-{size}-{SEED}-{DATA}.sqlite3"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        data = municipality(size)
        store = Store(partial, owner_id=reader(data).id)
        with store.transaction():
            for group in everything(data):
                if group:
                    store.put_rows(type(group[0]), (e.to_row() for e in group))
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        partial.rename(cached)
    return cached


def copy_of_local_store(target: Path, size: str = "full") -> Path:
    shutil.copyfile(local_store(size), target)
    return target


def reader(data: demo.DemoData) -> Person:
    """The person the benchmarks act as: staff, so they can bid."""
    return next(p for p in data.people if p.role == Role.STAFF and p.home_site_id)
