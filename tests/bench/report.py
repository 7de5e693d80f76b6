"""Figures, their targets, and the JSON record that lets one run be compared with the next."""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "bench-results"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str
    met: bool
    detail: dict[str, float | int | str] = field(default_factory=dict)

    def line(self, previous: Figure | None) -> str:
        mark = "ok  " if self.met else "MISS"
        change = ""
        if previous is not None and previous.value:
            change = f"  (previous run: {previous.value:.4g} {previous.unit})"
        return f"{mark} {self.name:<38} {self.value:>10.4g} {self.unit:<8} target {self.target}{change}"


def median_of(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds for each of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def previous_run() -> dict[str, Figure]:
    runs = sorted(RESULTS.glob("bench-*.json"))
    if not runs:
        return {}
    data = json.loads(runs[-1].read_text(encoding="utf-8"))
    return {f["name"]: Figure(**f) for f in data.get("figures", [])}


def save(figures: list[Figure], seconds: float, yardsticks: dict[str, float] | None = None) -> Path:
    """The run's figures in a new bench-results file, with the machine and its yardsticks.

    `yardsticks`: tests/bench/calibration.py's, taken in the same run, so the
    file's figures can be compared with another machine's as ratios.
    """
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.json")
    path.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "machine": {
                    "python": platform.python_version(),
                    "cpu": platform.processor(),
                    "node": platform.node(),
                    **(yardsticks or {}),
                },
                "seconds": seconds,
                "figures": [asdict(f) for f in figures],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return path
