"""`make soak`: python -m tests.soak [--minutes 10] [--devices 300] [--window-s 10] [--workers 3]

A knop-server with several workers on PostgreSQL (KNOP_TEST_POSTGRES_URL, or
a throwaway cluster, as the benchmarks find it) and a few hundred simulated
devices, each the load benchmark's `Device` (tests/bench/server_load.py) in
its own thread: push a batch of three operations, pull until caught up,
again, until the time is up. Each device sends through the desktop client's
own transport (sync.transport; tests/soak/wire.py), one per device. Every
`--window-s` the run samples the server's memory, the devices' counters and
the CPU time of the server, of PostgreSQL and of the soak's own process, and
prints the window as it closes (tests/soak/windows.py).

What it measures is what a deployment pays, not the generator: a workstation
reads its pages with its own CPU, while here 300 devices share one Python
process. So the devices count a page's changes without decoding it (as the
load benchmark's generator does), and that process's start-up is frozen out
of its collector's sight. Before both, that process spent 5-8 ms a round
(more than the server's 3.5), of it 3-4 ms in its collector, growing over the
run, and the closed loop's throughput fell with it (-11 to -13 % in 3
minutes) while the server's CPU a round stayed flat (docs/scale-out.md "The
soak's falling throughput"). The closed loop's ops/s is the machine's pace
for server, PostgreSQL and generator together: read the CPU a round of each
(`srv ms`, `pg ms`, `gen ms`; PostgreSQL's is its whole cluster's) to see
which grows. When the soak's own process uses more than 0.8 of a core, the
run says so: ops/s is then the generator's.

At the end: the table of windows, the JSON in bench-results/soak-<time>.json,
and the checks; the exit status is 1 if any fails:
- no errors and every pushed operation applied: no 5xx answer or unhandled
  exception in the server's log, no refused request, no device failing;
- no connection resets: not one request sent on a connection the server was
  closing, even one the transport then sent again, nor any other attempt
  that got no answer (`network_failures`, which counts both). Before the client stopped
  reusing connections idle near the server's keep-alive (sync.keep_alive),
  3-min runs met 4-29 (each on a connection idle 4.89-4.99 s);
- exactly once: each task a device created is on the server once, with its
  one comment and its edit, and each applied operation has one audit event;
- flat after the first WARM_UP_S (30 s): over the windows of the first and
  the last third (at least three each in a 3-minute run of 10 s windows),
  the median RSS may grow at most 1.2x, the median of the windows' p99 push
  latency at most 1.5x, and the median of the server's CPU a round at most
  1.25x. The median over several windows passes one window slowed by the
  machine's other work, and fails a third that is slower as a whole.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import threading
import time
from typing import Any

import psutil  # type: ignore[import-untyped]
import psycopg

from sync.server import memory
from tests.bench import pg_share, servers
from tests.bench.report import RESULTS
from tests.bench.server_load import USERS, WORKERS, Device, _counts
from tests.server.harness import Deployment
from tests.soak.wire import ClientWire, on_the_client_wire
from tests.soak.windows import (
    HEADER,
    Counters,
    Marks,
    Meters,
    Window,
    as_json,
    flatness,
    server_rss_mb,
    window,
)

KINDS = ("task.create", "comment.add", "task.edit")  # what a Device pushes
WARM_UP_S = 30.0  # the windows that start before this are not judged
GENERATOR_BOUND = 0.8  # of a core: the soak's own process is the bottleneck above it


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--devices", type=int, default=300)
    parser.add_argument("--window-s", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args(argv)

    postgres = servers.Postgres.find()
    if postgres is None:
        print("soak: no PostgreSQL; set KNOP_TEST_POSTGRES_URL or install initdb", file=sys.stderr)
        return 2
    try:
        with servers.small_world_on_postgres(postgres, args.workers) as deployment:
            return soak(deployment, args, postmaster(postgres.admin_url))
    except RuntimeError as error:  # the server did not start, or (judged above) answered 5xx
        print(f"soak: {error}", file=sys.stderr)
        return 1
    finally:
        with contextlib.suppress(Exception):
            postgres.close()


def postmaster(admin_url: str) -> psutil.Process | None:
    """PostgreSQL's postmaster when it runs on this machine, else None (its CPU then goes unmeasured)."""
    try:
        return pg_share._postmaster(admin_url)
    except (psutil.Error, psycopg.Error):
        return None


def soak(
    deployment: Deployment, args: argparse.Namespace, postgres: psutil.Process | None
) -> int:
    print(
        f"soak: {args.devices} devices, {args.minutes:g} min, {args.workers} workers, PostgreSQL",
        flush=True,
    )
    devices = []
    wires: list[ClientWire] = []
    for n in range(args.devices):
        api = deployment.user(USERS[n % len(USERS)])  # enrolled and logged in by the harness
        wires.append(on_the_client_wire(api))
        device = Device(api, str(api.person["home_site_id"]))
        device.catch_up()
        devices.append(device)
    # Each device is one workstation's process in a deployment; here all share one, and its
    # collector would walk every device's connections and sessions, again and again, in
    # pauses that stall all 300 at once: what lives now is moved out of its sight, and the
    # young generation is collected as rarely as the server's (sync.server.memory).
    gc.collect()
    gc.freeze()
    gc.set_threshold(memory.GEN0, memory.GEN1, memory.GEN2)
    print(f"soak: {len(devices)} devices enrolled and logged in; go", flush=True)

    go = threading.Event()
    deadline = [float("inf")]
    threads = [
        threading.Thread(target=d.work, args=(deadline, 10**9, go), daemon=True) for d in devices
    ]
    for thread in threads:
        thread.start()
    assert deployment.process is not None
    marks = Marks(devices)
    meters = Meters(deployment.process.pid, postgres)
    started = time.perf_counter()
    deadline[0] = started + args.minutes * 60
    go.set()
    print(HEADER, flush=True)
    windows: list[Window] = []
    before, opened = Counters.of(devices, meters), started
    while opened < deadline[0] - 1:
        time.sleep(max(0.0, min(opened + args.window_s, deadline[0]) - time.perf_counter()))
        now = time.perf_counter()
        after = Counters.of(devices, meters)
        windows.append(
            window(
                marks.take(),
                before,
                after,
                opened - started,
                now - opened,
                server_rss_mb(deployment.process.pid),
            )
        )
        print(windows[-1].row(), flush=True)
        before, opened = after, now
    for thread in threads:
        thread.join(timeout=120)
    meters.close()
    elapsed = time.perf_counter() - started

    summary = judge(deployment, devices, windows, elapsed)
    summary["connection_resets"] = sum(w.resets_retried for w in wires)
    summary["network_failures"] = sum(w.network_failures for w in wires)  # resets included
    summary["no_resets"] = summary["network_failures"] == 0
    summary.update(
        devices=args.devices, minutes=args.minutes, workers=args.workers, window_s=args.window_s
    )
    print("\n" + HEADER)
    for w in windows:
        print(w.row())
    for key, value in summary.items():
        print(f"{key:>24}: {value}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps({"summary": summary, "windows": as_json(windows)}, indent=2), encoding="utf-8"
    )
    failed = [
        name
        for name in (
            "no_errors",
            "no_resets",
            "exactly_once",
            "rss_flat",
            "p99_flat",
            "server_cpu_flat",
        )
        if not summary[name]
    ]
    if summary["generator_cores"] > GENERATOR_BOUND:
        print(
            f"\nsoak: the devices' own process used {summary['generator_cores']} of a core: "
            "ops/s is the generator's pace; the server's CPU a round is what a deployment pays"
        )
    print(
        f"\nsoak: {'FAILED: ' + ', '.join(failed) if failed else 'all checks passed'}; written to {path}"
    )
    for device in devices:
        device.api.close()
    return 1 if failed else 0


def judge(
    deployment: Deployment, devices: list[Device], windows: list[Window], elapsed: float
) -> dict[str, Any]:
    failures = [e for d in devices for e in d.errors]
    server_errors = deployment.server_errors()
    applied = sum(d.applied for d in devices)
    not_applied = sum(1 for d in devices for s in d.statuses if s != "applied")
    created = [t for d in devices for t in d.created]
    tasks, comments = _counts(deployment)
    with deployment.database.read() as s:
        audited = int(
            s.value(
                f"SELECT COUNT(*) FROM audit_events WHERE operation IN ({', '.join('?' * len(KINDS))})",
                KINDS,
            )
        )
    summary: dict[str, Any] = {
        "seconds": round(elapsed, 1),
        "operations_applied": applied,
        "pull_requests": sum(d.pulls for d in devices),
        "ops_per_s": round((applied + sum(d.pulls for d in devices)) / elapsed, 1),
        "errors": len(failures),
        "first_error": failures[0] if failures else "",
        "devices_stopped": sum(1 for d in devices if d.errors),
        "server_log_errors": len(server_errors),
        "first_server_log_error": server_errors[0] if server_errors else "",
        "not_applied": not_applied,
        "no_errors": not failures and not server_errors and not not_applied,
        "tasks_created": len(created),
        "tasks_on_server": tasks,
        "comments_on_server": comments,
        "audit_events": audited,
        "exactly_once": tasks == len(created) == len(set(created)) == comments
        and applied == 3 * len(created) == audited,
    }
    # The first WARM_UP_S are the warm-up (connections opening, caches filling, the
    # devices' pages growing to their steady size); judge the rest.
    warm = [w for w in windows if w.start_s >= WARM_UP_S - 1]
    summary.update(flatness(warm if len(warm) >= 3 else windows))
    # One Python process drives every device: past about 0.8 of a core it is the generator's
    # GIL, not the server, that sets the closed loop's pace (ops/s is then the generator's).
    generator = sum(w.generator_ms_round * w.pushes for w in windows) / 1000
    summary["generator_cores"] = round(generator / elapsed, 2)
    return summary


if __name__ == "__main__":
    sys.exit(main())
