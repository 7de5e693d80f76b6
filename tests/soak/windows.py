"""What the soak measures, window by window, and the checks on the figures.

Each window is the difference between two samples of the devices' own
counters (tests/bench/server_load.py `Device`: its push latencies, applied
operations, pages pulled with the changes and bytes in them, and errors,
which only ever grow) and of the CPU time used so far (`Meters`: the
server's, PostgreSQL's and the soak's own, the load generator), plus the
server's memory at the window's end: the resident set of the knop-server
process and all its workers together. The CPU is given per round (one push
with its page), so that a cost that grows with the store shows as a rising
figure even while the closed loop's rounds get fewer.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import psutil  # type: ignore[import-untyped]

from tests.bench.pg_share import cluster_cpu_s
from tests.bench.report import percentile
from tests.bench.server_load import Device, _cpu_seconds

RSS_GROWTH = 1.2  # last third's median RSS may be at most this times the first third's
P99_GROWTH = 1.5  # likewise the median of the windows' p99 push latency
SERVER_CPU_GROWTH = 1.25  # likewise the server's CPU a round


@dataclass
class Counters:
    """The devices' counters and the CPU seconds used so far, at one moment."""

    applied: int
    pulls: int
    changes: int
    pulled_bytes: int
    errors: int
    server_cpu_s: float
    postgres_cpu_s: float
    generator_cpu_s: float
    collector_s: float

    @classmethod
    def of(cls, devices: Sequence[Device], meters: Meters) -> Counters:
        return cls(
            applied=sum(d.applied for d in devices),
            pulls=sum(d.pulls for d in devices),
            changes=sum(d.pages.pulled_changes for d in devices),
            pulled_bytes=sum(d.pages.pulled_bytes for d in devices),
            errors=sum(len(d.errors) for d in devices),
            server_cpu_s=meters.server(),
            postgres_cpu_s=meters.postgres(),
            generator_cpu_s=meters.generator(),
            collector_s=meters.collected_s,
        )


class Meters:
    """CPU seconds used so far by the server, PostgreSQL and the soak's own process.

    `server_pid`: the knop-server (its workers are its children);
    `postmaster`: PostgreSQL's (pg_share.cluster_cpu_s: the whole cluster, so
    on a cluster shared with other work that work is counted too; None when
    the cluster is not on this machine's process table, and then 0.0).
    """

    def __init__(self, server_pid: int, postmaster: psutil.Process | None) -> None:
        self.server_pid = server_pid
        self.postmaster = postmaster
        self.me = psutil.Process()
        self.collected_s = 0.0  # time the soak's own process spent in Python's cyclic collector
        self._began = 0.0
        gc.callbacks.append(self._collecting)

    def _collecting(self, phase: str, _info: dict[str, int]) -> None:
        # The collector holds the GIL throughout, so its wall time is the generator's CPU.
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.collected_s += time.perf_counter() - self._began

    def close(self) -> None:
        gc.callbacks.remove(self._collecting)

    def server(self) -> float:
        return _cpu_seconds(self.server_pid)

    def postgres(self) -> float:
        return cluster_cpu_s(self.postmaster) if self.postmaster is not None else 0.0

    def generator(self) -> float:
        times = self.me.cpu_times()
        return float(times.user + times.system)


@dataclass
class Window:
    start_s: float
    seconds: float
    pushes: int
    ops_per_s: float  # operations applied plus pull requests, as server_load counts them
    push_p50_ms: float
    push_p99_ms: float
    errors: int
    rss_mb: float
    changes_per_page: float
    kb_per_page: float
    # CPU ms per round (a push and its page): the server's workers, PostgreSQL, the soak itself.
    server_ms_round: float
    postgres_ms_round: float
    generator_ms_round: float
    collector_ms_round: float  # of generator_ms_round, in Python's cyclic garbage collector
    load_average: float  # the machine's 1-minute load average at the window's end

    def row(self) -> str:
        return (
            f"{self.start_s:7.0f} {self.seconds:6.1f} {self.pushes:7d} {self.ops_per_s:8.0f} "
            f"{self.push_p50_ms:8.1f} {self.push_p99_ms:8.1f} {self.errors:6d} {self.rss_mb:8.1f} "
            f"{self.changes_per_page:8.1f} {self.kb_per_page:7.1f} {self.server_ms_round:7.2f} "
            f"{self.postgres_ms_round:7.2f} {self.generator_ms_round:7.2f} "
            f"{self.collector_ms_round:6.2f} {self.load_average:5.1f}"
        )


HEADER = (
    "start_s      s  pushes    ops/s  p50 ms   p99 ms errors   RSS MB"
    " chg/page kB/page srv ms   pg ms  gen ms  gc ms  load"
)


def window(
    latencies: Sequence[float],
    before: Counters,
    after: Counters,
    start_s: float,
    seconds: float,
    rss_mb: float,
) -> Window:
    """The window between two samples; figures per round and per page, 0.0 where there were none."""
    rounds = max(len(latencies), 1)
    pages = max(after.pulls - before.pulls, 1)
    return Window(
        start_s=start_s,
        seconds=seconds,
        pushes=len(latencies),
        ops_per_s=((after.applied - before.applied) + (after.pulls - before.pulls)) / seconds,
        push_p50_ms=statistics.median(latencies) if latencies else 0.0,
        push_p99_ms=percentile(latencies, 0.99) if latencies else 0.0,
        errors=after.errors - before.errors,
        rss_mb=rss_mb,
        changes_per_page=(after.changes - before.changes) / pages,
        kb_per_page=(after.pulled_bytes - before.pulled_bytes) / pages / 1000,
        server_ms_round=1000 * (after.server_cpu_s - before.server_cpu_s) / rounds,
        postgres_ms_round=1000 * (after.postgres_cpu_s - before.postgres_cpu_s) / rounds,
        generator_ms_round=1000 * (after.generator_cpu_s - before.generator_cpu_s) / rounds,
        collector_ms_round=1000 * (after.collector_s - before.collector_s) / rounds,
        load_average=os.getloadavg()[0],
    )


class Marks:
    """Where each device's latency list stood at the last sample."""

    def __init__(self, devices: Sequence[Device]) -> None:
        self.devices = devices
        self.at = [0] * len(devices)

    def take(self) -> list[float]:
        """The latencies pushed since the last take."""
        found: list[float] = []
        for i, device in enumerate(self.devices):
            now = len(device.push_ms)
            found += device.push_ms[self.at[i] : now]
            self.at[i] = now
        return found


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server process and its workers, in MB."""
    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:  # a worker that just went away holds no memory
            pass
    return total / 1e6


def thirds(windows: Sequence[Window]) -> tuple[Sequence[Window], Sequence[Window]]:
    """The first and last third of the windows (at least one window each)."""
    n = max(1, len(windows) // 3)
    return windows[:n], windows[-n:]


# What `flatness` compares, third against third: (name, the window's figure).
THIRDS: tuple[tuple[str, Callable[[Window], float]], ...] = (
    ("rss_mb", lambda w: w.rss_mb),
    ("p99_ms", lambda w: w.push_p99_ms),
    ("ops_per_s", lambda w: w.ops_per_s),
    ("changes_per_page", lambda w: w.changes_per_page),
    ("server_ms_round", lambda w: w.server_ms_round),
    ("postgres_ms_round", lambda w: w.postgres_ms_round),
    ("generator_ms_round", lambda w: w.generator_ms_round),
)


def flatness(windows: Sequence[Window]) -> dict[str, Any]:
    """Each figure of THIRDS at the start against the end: the median over each third's windows.

    Returns `<name>_first_third`, `<name>_last_third` and `<name>_growth` (last
    over first) for each, and the checks `rss_flat`, `p99_flat` and
    `server_cpu_flat` (the server's CPU a round: what a deployment pays for a
    device's round, whatever the generator's speed). A median over at least
    three windows a third ignores one window made slow by the machine's other
    work, and still moves when the whole third is slower.
    """
    first, last = thirds(windows)
    found: dict[str, Any] = {"windows_a_third": len(first)}
    for name, figure in THIRDS:
        start = statistics.median(figure(w) for w in first)
        end = statistics.median(figure(w) for w in last)
        found[f"{name}_first_third"] = round(start, 2)
        found[f"{name}_last_third"] = round(end, 2)
        found[f"{name}_growth"] = round(end / start, 3) if start else 0.0
    found["rss_flat"] = found["rss_mb_growth"] <= RSS_GROWTH
    found["p99_flat"] = found["p99_ms_growth"] <= P99_GROWTH
    found["server_cpu_flat"] = found["server_ms_round_growth"] <= SERVER_CPU_GROWTH
    return found


def as_json(windows: Sequence[Window]) -> list[dict[str, Any]]:
    return [asdict(w) for w in windows]
