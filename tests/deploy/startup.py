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
import ctypes
import ctypes.util
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

BARE_WINDOW = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\n"
    "window = QMainWindow()\n"
    "window.resize(1024, 700)\n"
    "window.show()\n"
    "app.exec()\n"
)
MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19


class _MapEvent(ctypes.Structure):
    """Xlib's XMapEvent: enough of it to tell a real window from a popup."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("override_redirect", ctypes.c_int),
    ]


class _Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("map", _MapEvent), ("pad", ctypes.c_long * 24)]


class Screen:
    """A private X display whose root window reports every top-level window mapped on it."""

    def __init__(self, display: str) -> None:
        self.name = display
        self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        for name in (
            "XDefaultRootWindow",
            "XConnectionNumber",
            "XPending",
            "XFlush",
            "XCloseDisplay",
        ):
            getattr(self.x11, name).argtypes = [ctypes.c_void_p]
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self.x11.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Event)]
        self.handle = self.x11.XOpenDisplay(display.encode())
        if not self.handle:
            raise RuntimeError(f"cannot open X display {display}")
        root = self.x11.XDefaultRootWindow(self.handle)
        self.x11.XSelectInput(self.handle, root, SUBSTRUCTURE_NOTIFY_MASK)
        self.x11.XFlush(self.handle)
        self.fd = self.x11.XConnectionNumber(self.handle)

    def drain(self) -> None:
        event = _Event()
        while self.x11.XPending(self.handle):
            self.x11.XNextEvent(self.handle, ctypes.byref(event))

    def wait_for_window(self, process: subprocess.Popen[bytes], timeout: float) -> bool:
        """True when a normal (not override-redirect) top-level window is mapped."""
        event = _Event()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and process.poll() is None:
            while self.x11.XPending(self.handle):
                self.x11.XNextEvent(self.handle, ctypes.byref(event))
                if event.type == MAP_NOTIFY and not event.map.override_redirect:
                    return True
            select.select([self.fd], [], [], 0.01)
        return False

    def close(self) -> None:
        self.x11.XCloseDisplay(self.handle)


@contextmanager
def xvfb() -> Iterator[Screen]:
    """Xvfb on the first free display number, gone afterwards."""
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        screen = Screen(f":{number}")
        try:
            yield screen
        finally:
            screen.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


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
