"""A serving worker opens all of its pool's connections at start (sync.server.storage `open_at_start`).

psycopg_pool starts with one connection and adds one at a time while
requests wait for one; in the benchmark a third of the workers' connections
were still being opened in the first seconds under load, and the pushes of
those seconds waited for them (docs/scale-out.md, "Eleventh pass"). Checked
on a real server process against real PostgreSQL: before any request but the
harness's health check, each worker holds `KNOP_SERVER_POOL` connections to
the database.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import psutil  # type: ignore[import-untyped]
import pytest

from tests.server.conftest import Servers
from tests.server.test_collector import serving

POOL = 3


def _connections_to(process: psutil.Process, port: int) -> int:
    """How many TCP connections `process` holds to the database's port."""
    return sum(1 for c in process.net_connections(kind="tcp") if c.raddr and c.raddr.port == port)


def test_a_serving_worker_opens_its_pools_connections_before_requests_wait_for_them(
    backend: str, servers: Servers
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite's connections are files, opened when asked")
    deployment = servers.start(backend, workers=2, env={"KNOP_SERVER_POOL": str(POOL), "KNOP_SERVER_POOL_AT_START": "1"})
    port = urlsplit(deployment.db_url).port or 5432
    workers = serving(deployment)
    deadline = time.monotonic() + 30
    held = [_connections_to(w, port) for w in workers]
    while held != [POOL] * len(workers):
        assert time.monotonic() < deadline, f"each worker holds {held} connections, not {POOL}"
        time.sleep(0.05)
        held = [_connections_to(w, port) for w in workers]
    deployment.stop()
    assert deployment.server_errors() == []

