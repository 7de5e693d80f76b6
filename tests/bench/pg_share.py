"""PostgreSQL's share of a round: the server-load benchmark's open loop, with the database's CPU and statements.

Runs one model of `tests.bench.server_load` (same world, devices and checks)
and measures around it, on a cluster whose `shared_preload_libraries` holds
`pg_stat_statements` (the extension created in the admin database that
KNOP_TEST_POSTGRES_URL names; a throwaway cluster of your own, never the shared
one):

- PostgreSQL's CPU per round: every process of the cluster (the postmaster,
  its backends and helpers, and the backends that ended during the run, which
  the postmaster's children times hold), in ms per round;
- the statements of the benchmark's database by total execution time, with
  calls per round (a pipelined statement counts as one call).

`python -m tests.bench.pg_share --offered 400 --seconds 20 [--organisations 5] [--top 25]`

A cluster for it (as root; Debian's PostgreSQL 15), then point
KNOP_TEST_POSTGRES_URL at postgresql://postgres@127.0.0.1:5477/postgres:

    mkdir /tmp/pg && chown postgres /tmp/pg
    runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D /tmp/pg/data -A trust
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pg/data -l /tmp/pg/log \
        -o "-p 5477 -k /tmp/pg -c max_connections=200 -c shared_preload_libraries=pg_stat_statements" start
    psql -h 127.0.0.1 -p 5477 -U postgres -c "CREATE EXTENSION pg_stat_statements"
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from typing import Any
from urllib.parse import urlsplit

import psutil  # type: ignore[import-untyped]
import psycopg

from tests.bench import server_load, servers


def _postmaster(admin_url: str) -> psutil.Process:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert row is not None
        return psutil.Process(int(row[0])).parent()


def cluster_cpu_s(postmaster: psutil.Process) -> float:
    """CPU seconds used so far by the whole cluster: the postmaster, live children and reaped ones."""
    times = postmaster.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in postmaster.children():
        with contextlib.suppress(psutil.Error):
            c = child.cpu_times()
            total += c.user + c.system
    return total


def _statements(
    admin_url: str, database: str, top: int
) -> list[tuple[str, int, float, float, int, int, int, int, float]]:
    """(query, calls, total ms, mean ms, rows, shared blocks hit, dirtied, plans, planning ms) of
    `database` by total execution time; plans and planning are 0 unless the cluster runs with
    `pg_stat_statements.track_planning = on`."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return [
            (str(q), int(c), float(t), float(m), int(r), int(h), int(d), int(p), float(pt))
            for q, c, t, m, r, h, d, p, pt in conn.execute(
                "SELECT s.query, s.calls, s.total_exec_time, s.mean_exec_time, s.rows,"
                " s.shared_blks_hit + s.shared_blks_read, s.shared_blks_dirtied, s.plans, s.total_plan_time"
                " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                " WHERE d.datname = %s ORDER BY s.total_exec_time DESC",
                (database,),
            ).fetchall()
        ][:top]


def _reset(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_statements_reset()")


def main(argv: list[str] | None = None) -> int:
    """One open-loop run with PostgreSQL's share printed; exit 1 if the run had faults."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.pg_share")
    parser.add_argument("--offered", type=float, default=400.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--organisations", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    server_load.BOUNDS["cli"] = (args.devices, args.seconds, server_load.BOUNDS["full"][2])
    postgres = servers.Postgres.find()
    if postgres is None:
        print("no PostgreSQL: set KNOP_TEST_POSTGRES_URL")
        return 2
    admin = postgres.admin_url
    postmaster = _postmaster(admin)
    try:
        world: contextlib.AbstractContextManager[Any] = (
            server_load.organisations_on_postgres(postgres, server_load.WORKERS, args.organisations)
            if args.organisations > 1
            else servers.small_world_on_postgres(postgres, server_load.WORKERS)
        )
        with world as entered:
            deployment, users = entered if isinstance(entered, tuple) else (entered, None)
            keys = (
                server_load.enrol_spread(deployment, args.devices, users)
                if users
                else server_load.enrol_devices(deployment, args.devices)
            )
            database = urlsplit(deployment.db_url).path.lstrip("/")
            _reset(admin)
            pg_before = cluster_cpu_s(postmaster)
            tally, detail, faults = server_load.measure(deployment, keys, "cli", args.offered)
            pg_cpu = cluster_cpu_s(postmaster) - pg_before
            statements = _statements(admin, database, args.top)
    finally:
        with contextlib.suppress(Exception):
            postgres.close()
    if args.organisations > 1:
        fair = server_load._fairness(tally, detail)
        detail["p99_max_over_min"] = round(fair.value, 2)
        detail.update({k: v for k, v in fair.detail.items() if k.startswith("p99_ms_")})
    rounds = max(int(detail["pushes"]), 1)
    cores = os.cpu_count() or 1
    detail["postgres_cpu_ms_per_round"] = round(1000 * pg_cpu / rounds, 2)
    detail["postgres_cpu_share"] = round(pg_cpu / (float(detail["seconds"]) * cores), 3)
    total_ms = sum(s[2] for s in statements)
    print(
        f"{'ms/round':>8} {'calls/round':>11} {'mean ms':>8} {'rows/call':>9} {'blks/call':>9}"
        f" {'dirt/call':>9} {'plans/call':>10} {'plan ms/round':>13}  statement (top {args.top} by total time)"
    )
    for query, calls, total, mean, rows, blocks, dirtied, plans, planning in statements:
        each = max(calls, 1)
        print(
            f"{total / rounds:8.3f} {calls / rounds:11.2f} {mean:8.3f} {rows / each:9.2f} {blocks / each:9.1f}"
            f" {dirtied / each:9.2f} {plans / each:10.2f} {planning / rounds:13.3f}  {' '.join(query.split())[:400]}"
        )
    planned = sum(s[8] for s in statements)
    print(f"top statements' planning: {planned / rounds:.3f} ms per round")
    print(f"top statements: {total_ms / rounds:.2f} ms of execution per round")
    print(json.dumps(detail, indent=1))
    if faults:
        print("faults:", faults[:3])
    return 1 if faults else 0


if __name__ == "__main__":
    raise SystemExit(main())
