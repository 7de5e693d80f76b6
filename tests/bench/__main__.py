"""Run the benchmark suite: `python -m tests.bench [--quick] [--only NAME ...]`."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from tests.bench import calibration, report

# Each module has run(size) -> list[Figure]; listed in the order they run.
BENCHES = (
    "local_action",
    "search",
    "startup",
    "frozen_startup",
    "memory",
    "sync_initial",
    "sync_idle",
    "notifications",
    "server_load",
    "insights",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--quick", action="store_true", help="a tenth of the scale, for trying the suite out")
    parser.add_argument("--only", nargs="*", choices=BENCHES, help="run only these")
    args = parser.parse_args(argv)
    size = "quick" if args.quick else "full"
    previous = report.previous_run()
    # The machine's Python yardstick, recorded with the results (the PostgreSQL one is in
    # server_load's figures, taken beside its database).
    yardsticks = calibration.yardsticks()
    started = time.perf_counter()
    figures: list[report.Figure] = []
    failed: list[str] = []
    for name in args.only or BENCHES:
        print(f"-- {name}", flush=True)
        try:
            module = importlib.import_module(f"tests.bench.{name}")
            for figure in module.run(size):
                figures.append(figure)
                print(figure.line(previous.get(figure.name)), flush=True)
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    seconds = time.perf_counter() - started
    path = report.save(figures, seconds, yardsticks)
    print(f"\n{sum(f.met for f in figures)} of {len(figures)} targets met in {seconds:.0f} s; written to {path}")
    if failed:
        print(f"benchmarks that could not run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
