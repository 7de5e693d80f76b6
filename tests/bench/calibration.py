"""The machine's yardstick: fixed workloads timed in the same run as a benchmark, to compare runs as ratios.

Benchmark figures move with the machine: the sessions of issue 16 ran on
machines whose Python differed by 30 % (docs/scale-out.md "Eighth pass"), and
a shared machine is slower while others' tests run. A figure divided by a
yardstick taken in the same run (the brief: "measure as ratios against a
baseline taken in the same run") compares across machines and sessions where
the raw milliseconds do not.

Two yardsticks, each the least CPU time of a few repetitions (the least is the
run the machine's other work disturbed least):

- `python_ms`: a fixed pure-Python workload of the kinds a push costs the
  server (building dicts, JSON encoding and decoding, string formatting,
  small function calls), in CPU ms of this process; about 20 ms on the
  session machine of 2026-11-30.
- `postgres_us`: a fixed loop of simple statements (a one-row insert, an
  indexed read and an update, `pgbench`'s simple-update shape) on one
  connection, in µs of the backend's CPU per statement, read from the
  backend's process (the cluster must be on this machine).
"""

from __future__ import annotations

import json
import time
from typing import Any

import psutil  # type: ignore[import-untyped]
import psycopg

REPEAT = 7
STATEMENTS = 600  # per repetition of the PostgreSQL loop: three statements, 200 times


def _python_workload() -> int:
    """The fixed work: 2,000 small records built, encoded, decoded and formatted."""
    total = 0
    for n in range(2000):
        record: dict[str, Any] = {"id": f"{n:08x}-task", "title": f"Opgave {n}", "n": n, "tags": [n, n + 1]}
        text = json.dumps(record, ensure_ascii=False)
        back = json.loads(text)
        total += len(text) + back["n"] + len(f"{back['id']}/{sum(back['tags'])}")
    return total


def python_ms(repeat: int = REPEAT) -> float:
    """The least CPU time (ms) of `repeat` runs of the fixed pure-Python workload in this process."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        _python_workload()
        best = min(best, time.process_time() - start)
    return round(1000 * best, 2)


def _cpu_s(pid: int) -> float:
    """CPU seconds of process `pid` so far: Linux's scheduler count (ns) where there is one.

    psutil's user and system times tick in 10 ms, too coarse for a loop of a
    few hundred statements.
    """
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[0]) / 1e9
    except OSError:
        times = psutil.Process(pid).cpu_times()
        return float(times.user + times.system)


def postgres_us(url: str, repeat: int = REPEAT) -> float:
    """The least backend CPU (µs a statement) of `repeat` loops of simple statements on a database of `url`.

    Works in a temporary table of its own, so it touches nothing of the
    database's. The backend's CPU is read from its process (`_cpu_s`), so the
    server must run on this machine; raises psutil.Error otherwise.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TEMPORARY TABLE knop_yardstick (id integer PRIMARY KEY, balance integer NOT NULL)")
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert row is not None
        pid = int(row[0])
        best = float("inf")
        for r in range(repeat):
            conn.execute("TRUNCATE knop_yardstick")
            before = _cpu_s(pid)
            for n in range(STATEMENTS // 3):
                key = r * STATEMENTS + n
                conn.execute("INSERT INTO knop_yardstick VALUES (%s, 0)", (key,))
                conn.execute("SELECT balance FROM knop_yardstick WHERE id = %s", (key,))
                conn.execute("UPDATE knop_yardstick SET balance = balance + 1 WHERE id = %s", (key,))
            best = min(best, _cpu_s(pid) - before)
    return round(1e6 * best / STATEMENTS, 1)


def yardsticks(postgres_url: str | None = None) -> dict[str, float]:
    """Both yardsticks (the PostgreSQL one only with `postgres_url`), keyed as the results record them."""
    found = {"calibration_python_ms": python_ms()}
    if postgres_url is not None:
        found["calibration_postgres_us_per_statement"] = postgres_us(postgres_url)
    return found
