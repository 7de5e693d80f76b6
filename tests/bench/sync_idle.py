"""Incremental sync with nothing to do: one `SyncEngine.sync_once` round trip on loopback.

A real knop-server process on SQLite holding the benchmark municipality, and
an enrolled, logged-in workstation that has already pulled everything; its
outbox is empty, so each sync asks the server for changes and gets none.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tests.bench import scale, servers
from tests.bench.report import Figure, median_of, percentile

RUNS = {"full": 200, "quick": 50}


def run(size: str) -> list[Figure]:
    username = servers.reader_username(size)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with servers.sqlite_server(size, root) as deployment:
            machine = servers.workstation(deployment, root, size)
            try:
                session = machine.login(username, servers.demo_seed.DEMO_PASSWORD)
                first = machine.sync(session)  # the full pull this benchmark is not about
                if not first.ok:
                    raise RuntimeError(f"the first sync failed: {first}")
                for _ in range(5):  # warm up connections and caches
                    machine.sync(session)
                samples = []
                with machine:
                    for _ in range(RUNS[size]):
                        start = time.perf_counter()
                        report = machine.sync(session)
                        samples.append((time.perf_counter() - start) * 1000)
                        if not report.ok or any(u.pulled or u.pushed for u in report.users):
                            raise RuntimeError(f"an idle sync did something: {report}")
            finally:
                machine.close()
    median = median_of(samples)
    return [
        Figure(
            "sync: idle round trip",
            median,
            "ms",
            "median <= 20 ms",
            median <= 20,
            {"p95_ms": percentile(samples, 0.95), "runs": len(samples), "tasks": len(scale.municipality(size).tasks)},
        )
    ]
