"""What the soak measures, window by window, and the checks on the figures.

Each window is the difference between two samples of the devices' own
counters (tests/bench/server_load.py `Device`: its push latencies, applied
operations, pull requests and errors, which only ever grow) plus the
server's memory at the window's end: the resident set of the knop-server
process and all its workers together.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import psutil  # type: ignore[import-untyped]

from tests.bench.report import percentile
from tests.bench.server_load import Device

RSS_GROWTH = 1.2  # last third's median RSS may be at most this times the first third's
P99_GROWTH = 1.5  # likewise the median of the windows' p99 push latency


@dataclass
class Counters:
    applied: int
    pulls: int
    errors: int

    @classmethod
    def of(cls, devices: Sequence[Device]) -> Counters:
        return cls(
            applied=sum(d.applied for d in devices),
            pulls=sum(d.pulls for d in devices),
            errors=sum(len(d.errors) for d in devices),
        )


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

    def row(self) -> str:
        return (
            f"{self.start_s:7.0f} {self.seconds:6.1f} {self.pushes:7d} {self.ops_per_s:8.0f} "
            f"{self.push_p50_ms:8.1f} {self.push_p99_ms:8.1f} {self.errors:6d} {self.rss_mb:8.1f}"
        )


HEADER = "start_s      s  pushes    ops/s  p50 ms   p99 ms errors   RSS MB"


def window(
    latencies: Sequence[float],
    before: Counters,
    after: Counters,
    start_s: float,
    seconds: float,
    rss_mb: float,
) -> Window:
    return Window(
        start_s=start_s,
        seconds=seconds,
        pushes=len(latencies),
        ops_per_s=((after.applied - before.applied) + (after.pulls - before.pulls)) / seconds,
        push_p50_ms=statistics.median(latencies) if latencies else 0.0,
        push_p99_ms=percentile(latencies, 0.99) if latencies else 0.0,
        errors=after.errors - before.errors,
        rss_mb=rss_mb,
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


def flatness(windows: Sequence[Window]) -> dict[str, Any]:
    """Memory and latency at the start against the end, after the warm-up window."""
    first, last = thirds(windows)
    rss = (statistics.median(w.rss_mb for w in first), statistics.median(w.rss_mb for w in last))
    p99 = (
        statistics.median(w.push_p99_ms for w in first),
        statistics.median(w.push_p99_ms for w in last),
    )
    return {
        "rss_first_third_mb": round(rss[0], 1),
        "rss_last_third_mb": round(rss[1], 1),
        "rss_flat": rss[1] <= RSS_GROWTH * rss[0],
        "p99_first_third_ms": round(p99[0], 1),
        "p99_last_third_ms": round(p99[1], 1),
        "p99_flat": p99[1] <= P99_GROWTH * p99[0],
    }


def as_json(windows: Sequence[Window]) -> list[dict[str, Any]]:
    return [asdict(w) for w in windows]
