"""Start-up of the bundle IT installs, on a real X display, beside a bare PySide6 window.

Every round starts, on one private Xvfb display and alternately:

- bare: `python -c` with a QApplication and an empty QMainWindow (PySide6 from
  the venv); its figure is spawn to the window mapped on the X server.
- knop: the frozen bundle (`make bench` builds it if missing or stale), not
  enrolled, on a machine where the benchmark's reader has logged in before
  and has the 100,000-task store. Two figures:
  - login window: spawn to the login window mapped (X MapNotify, like bare);
  - board usable: spawn to the board's first row loaded after logging in,
    less the time the session script spends typing the name and password
    (milliseconds). Checking the password (scrypt, slow on purpose, about
    `password_check_s` in the detail) is in: a person waits for it too.

The session is ui/script.py's, the same driver as the end-to-end test; its
steps print wall-clock times. The first round only warms the disk cache.
Ratios are of the medians.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUNS = {"full": 5, "quick": 3}
TARGET = 1.3
PASSWORD = "knop-bench"
WAIT_S = 300  # bounds one start; a start that takes this long has failed
SCRIPT = """\
wait loginScreen
type username {username}
type password {password}
press password Return
wait-row taskTable ""
quit
"""
SHOWN, SUBMITTED, USABLE = 1, 4, 5  # the steps whose times the figures use


def bundle() -> Path:
    """The bundle's executable: KNOP_BUNDLE_DIR (set by make bench) or dist/knop."""
    folder = Path(os.environ.get("KNOP_BUNDLE_DIR") or ROOT / "dist" / "knop")
    executable = folder / ("knop.exe" if os.name == "nt" else "knop")
    if not executable.is_file():
        raise RuntimeError(f"no bundle at {folder}; make package (make bench builds it)")
    return executable


@contextmanager
def knop_folders(base: Path) -> Iterator[dict[str, str]]:
    """Knop's folders under `base`, set in this process too while the machine is prepared."""
    folders = {
        name: str(base / name.lower())
        for name in ("KNOP_CONFIG_DIR", "KNOP_SYSTEM_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR")
    }
    saved = {name: os.environ.get(name) for name in folders}
    os.environ.update(folders)
    try:
        yield folders
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def prepare_machine(size: str) -> tuple[str, float]:
    """The reader's account (as after an online login) and store on this machine.

    Returns the username and how long one password check takes here (seconds).
    """
    from desktop import accounts, paths
    from tests.bench import scale

    person = scale.reader(scale.municipality(size))
    store = paths.user_store(person.id)
    store.parent.mkdir(parents=True, exist_ok=True)
    scale.copy_of_local_store(store, size)
    accounts.remember_online_login(person, person.username, PASSWORD, "")
    verifier = accounts.verifier_of(person.username)
    assert verifier is not None
    started = time.perf_counter()
    accounts.check_verifier(verifier, PASSWORD)
    return person.username, time.perf_counter() - started


def steps_of(output: str) -> dict[int, float]:
    """`script: <n> <step> <time>` lines as step number -> unix time."""
    found = {}
    for line in output.splitlines():
        if line.startswith("script: "):
            words = line.split()
            found[int(words[1])] = float(words[-1])
    return found


def start_knop(screen: Any, command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(login window mapped, board usable), in seconds from spawn."""
    screen.drain()
    started = time.time()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if not screen.wait_for_window(process, timeout=WAIT_S):
        _, errors = process.communicate(timeout=WAIT_S)
        raise RuntimeError(f"the bundle showed no window: {errors[-2000:]}")
    login = time.time() - started
    out, errors = process.communicate(timeout=WAIT_S)
    steps = steps_of(out)
    if process.returncode != 0 or USABLE not in steps:
        raise RuntimeError(f"the bundle's session failed ({process.returncode}): {errors[-2000:]}")
    typing = steps[SUBMITTED] - steps[SHOWN]
    return login, steps[USABLE] - started - typing


def run(size: str) -> list[Any]:
    from tests.bench.report import Figure, median_of
    from tests.deploy.display import xvfb
    from tests.deploy.startup import BARE_WINDOW, time_to_window

    knop = bundle()
    bare: list[float] = []
    login: list[float] = []
    board: list[float] = []
    with tempfile.TemporaryDirectory(prefix="knop-frozen-start-") as folder:
        base = Path(folder)
        with knop_folders(base) as folders:
            username, password_check = prepare_machine(size)
        script = base / "start.knopscript"
        script.write_text(SCRIPT.format(username=username, password=PASSWORD), encoding="utf-8")
        runtime = base / "runtime"
        runtime.mkdir(mode=0o700)
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
        env.update(folders, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=str(runtime))
        command = [str(knop), "--language", "da", "--script", str(script)]
        with xvfb() as screen:
            env["DISPLAY"] = screen.name
            for round_number in range(RUNS[size] + 1):
                shown = time_to_window(screen, [sys.executable, "-c", BARE_WINDOW], env)
                if shown is None:
                    raise RuntimeError("the bare PySide6 window did not show")
                started = start_knop(screen, command, env)
                if round_number:  # round 0 warms the disk cache
                    bare.append(shown)
                    login.append(started[0])
                    board.append(started[1])
    detail = {
        "bare_median_s": median_of(bare),
        "runs": len(bare),
        "password_check_s": password_check,
        "bundle": str(knop.parent),
    }
    figures = []
    for name, samples in (("login window", login), ("board usable, 100k store", board)):
        ratio = median_of(samples) / median_of(bare)
        figures.append(
            Figure(
                f"frozen start: {name} vs bare window",
                ratio,
                "x",
                f"<= {TARGET}x a bare QMainWindow (xcb)",
                ratio <= TARGET,
                {**detail, "knop_median_s": median_of(samples), "knop_max_s": max(samples)},
            )
        )
    return figures
