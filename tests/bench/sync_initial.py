"""Initial sync: an empty workstation pulls the whole municipality from a local server.

Throughput in records per second from the first request of `sync_once` to
its last commit (enrolment and login are done before the clock starts), and
the client's own CPU time for it (both of its threads; the server is another
process), which says more than the wall clock on a machine shared with others. Each
run is a new, empty workstation against the same server, logged in as an
administrator, who may see the whole municipality. On SQLite (the
seeded database cached in bench-results/cache), and on PostgreSQL when
KNOP_TEST_POSTGRES_URL is set or a throwaway cluster can be started.

Then the PouchDB replication peer (tests/bench/peer) replicates the same number
of documents into an empty database, and Knop's median time on SQLite is given
as a fraction of the peer's; without node the peer is skipped, and it says so.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path

from tests.bench import peer, servers
from tests.bench.report import Figure, median_of
from tests.server.harness import Deployment

RUNS = {"full": 3, "quick": 3}
TARGET = 40_000  # records/s
PEER_TARGET = 0.15  # Knop's time as a fraction of the PouchDB peer's


def run(size: str) -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with servers.sqlite_server(size, root / "sqlite") as deployment:
            pulls = _pulls(deployment, root / "sqlite-clients", size)
        figures.append(_figure("sqlite", pulls))
        figures.extend(_against_peer(pulls))
        postgres = None
        try:
            postgres = servers.Postgres.find()
            if postgres is None:
                print("   (no PostgreSQL: set KNOP_TEST_POSTGRES_URL or install initdb to measure it)")
            else:
                url = postgres.seeded(size)
                with servers.serving(url, root / "pg", "postgresql") as deployment:
                    figures.append(_figure("postgresql", _pulls(deployment, root / "pg-clients", size)))
        finally:
            if postgres is not None:
                with contextlib.suppress(Exception):
                    postgres.close()
    return figures


def _pulls(deployment: Deployment, root: Path, size: str) -> list[tuple[float, int, float]]:
    """(seconds, records, client CPU seconds) for each full pull by a new workstation."""
    person = servers.admin(size)
    results = []
    for number in range(RUNS[size]):
        machine = servers.workstation(deployment, root, size, name=f"pc-{number}", person=person)
        try:
            session = machine.login(person.username, servers.demo_seed.DEMO_PASSWORD)
            start, cpu = time.perf_counter(), time.process_time()
            report = machine.sync(session)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            if not report.ok:
                raise RuntimeError(f"the initial sync failed: {report}")
            results.append((seconds, sum(u.pulled for u in report.users), cpu))
        finally:
            machine.close()
    return results


def _against_peer(pulls: list[tuple[float, int, float]]) -> list[Figure]:
    """Knop's median pull time as a fraction of the PouchDB peer's, for as many documents."""
    records = pulls[0][1]
    try:
        replicated = peer.run(records)
    except peer.Skipped as why:
        print(f"   (the PouchDB peer was skipped: {why})")
        return []
    knop_s = median_of([s for s, _, _ in pulls])
    ratio = knop_s / replicated.seconds
    return [
        Figure(
            "sync: initial pull / PouchDB peer",
            ratio,
            "x",
            f"<= {PEER_TARGET} x the peer's time",
            ratio <= PEER_TARGET and replicated.docs == records,
            {
                "records": records,
                "knop_s": knop_s,
                "peer_s": replicated.seconds,
                "peer_docs": replicated.docs,
                "peer_docs_per_s": round(replicated.docs / replicated.seconds),
            },
        )
    ]


def _figure(backend: str, pulls: list[tuple[float, int, float]]) -> Figure:
    rates = [records / seconds for seconds, records, _ in pulls]
    rate = median_of(rates)
    return Figure(
        f"sync: initial pull ({backend})",
        rate,
        "rec/s",
        f">= {TARGET:,} records/s",
        rate >= TARGET,
        {
            "records": pulls[0][1],
            "median_s": median_of([s for s, _, _ in pulls]),
            "rates": [round(r) for r in rates],
            "client_cpu_s": median_of([c for _, _, c in pulls]),
            "runs": len(pulls),
        },
    )
