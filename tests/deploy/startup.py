"""How long the packaged app takes to show its first window, next to a bare PySide6 window.

    .venv/bin/python -m tests.deploy.startup --bundle dist/knop [--runs 7]

Each command runs on a private Xvfb display. The clock starts just before the
process is spawned and stops when the X server maps the process's first
top-level window (MapNotify on the root window), so the figure is what a user
waits for, bootloader and imports included, and needs no hook in the app.
Rounds interleave the commands so a busy machine slows them all alike; the
first round only warms the disk cache and is not counted.

It also times the bundle's `--version` and `--self-test`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tests.deploy.display import Screen, xvfb

BARE_WINDOW = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\n"
    "window = QMainWindow()\n"
    "window.resize(1024, 700)\n"
    "window.show()\n"
    "app.exec()\n"
)


def time_to_window(screen: Screen, command: Sequence[str], env: dict[str, str]) -> float | None:
    """Seconds from spawn to first window, or None if it exited or took over 60 s."""
    screen.drain()
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env={**env, "DISPLAY": screen.name},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    shown = screen.wait_for_window(process, timeout=60)
    took = time.perf_counter() - started
    process.terminate()
    try:
        _, errors = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    if not shown:
        tail = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        print(f"  {command[0]}: no window ({tail[0]})", file=sys.stderr)
    return took if shown else None


def time_command(command: Sequence[str], env: dict[str, str]) -> float:
    """Seconds to run to the end; a non-zero exit is reported, but still timed."""
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, timeout=120)
    took = time.perf_counter() - started
    if result.returncode:
        print(f"  {' '.join(command[-2:])}: exit {result.returncode}", file=sys.stderr)
    return took


def summary(samples: list[float | None]) -> str:
    good = [s for s in samples if s is not None]
    if not good:
        return "failed"
    failed = f", {len(samples) - len(good)} failed" if len(good) < len(samples) else ""
    return (
        f"median {statistics.median(good) * 1000:6.0f} ms, min {min(good) * 1000:6.0f} ms{failed}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--bundle", type=Path, default=Path("dist/knop"), help="the one-folder bundle"
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    knop = (args.bundle / "knop").resolve()
    if not knop.exists():
        parser.error(f"no bundle at {args.bundle} (make package)")
    if not shutil.which("Xvfb"):
        parser.error("needs Xvfb (apt-get install xvfb)")

    with tempfile.TemporaryDirectory(prefix="knop-startup-") as home:
        env = {
            k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
        }
        for name in ("KNOP_CONFIG_DIR", "KNOP_SYSTEM_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR"):
            env[name] = str(Path(home) / name.lower())
        windows = {
            "bare PySide6 window (python -c)": [sys.executable, "-c", BARE_WINDOW],
            "knop, frozen bundle": [str(knop)],
            "knop, from source": [sys.executable, "-m", "desktop.app"],
        }
        samples: dict[str, list[float | None]] = {name: [] for name in windows}
        with xvfb() as screen:
            for round_number in range(args.runs + 1):
                for name, command in windows.items():
                    took = time_to_window(screen, command, env)
                    if round_number:  # round 0 warms the disk cache
                        samples[name].append(took)
        headless = {**env, "QT_QPA_PLATFORM": "offscreen"}
        commands = {
            "knop --version, frozen": [str(knop), "--version"],
            "knop --self-test, frozen": [str(knop), "--self-test"],
            "knop --self-test, from source": [sys.executable, "-m", "desktop.app", "--self-test"],
        }
        for name, command in commands.items():
            time_command(command, headless)  # warm-up
            samples[name] = list(time_command(command, headless) for _ in range(args.runs))

    size = sum(
        p.stat().st_size for p in args.bundle.rglob("*") if p.is_file() and not p.is_symlink()
    )
    megabytes = size / 1024 / 1024
    machine = f"{args.runs} runs each, {os.cpu_count()} cores"
    print(f"bundle {args.bundle}: {megabytes:.0f} MB in files; {machine}")
    for name, values in samples.items():
        print(f"  {name:<34} {summary(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
