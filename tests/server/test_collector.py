"""The cycle collector in a server worker (sync.server.memory): what lives from start-up is never walked again.

A full collection holds the GIL for as long as it walks every container the
collector tracks; with Python's defaults a worker at 1,000 ops/s walked the
70,000-87,000 of its start-up 4-7 times per 30 s, 50-70 ms of CPU each
(docs/scale-out.md "Sixth pass"). Checked here on a real server process, on both engines: its
serving process has the thresholds and has frozen its start-up, and what the
collector still tracks after many rounds does not grow with their number. And
in process: the feed tail's held rows, positions and bodies, and the keys of
its reader cache, are shapes the collector does not track, however many rows
it holds.

The worker is looked into by a `sitecustomize` of this test's own (on the
server's PYTHONPATH): on SIGUSR2 it collects and writes what the collector
holds to a file. The product has no such hook.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest

from desktop.core.ids import uuid7
from sync.server import feed_tail, memory
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Api, Deployment
from tests.server.test_feed_tail import caught_up, db, person, rename  # noqa: F401 - `db` is a fixture

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGUSR2"), reason="the probe answers SIGUSR2")

# Loaded by every Python process started with its directory on PYTHONPATH; reports only
# from a process that serves (one that imported the app).
PROBE = """
import gc, json, os, signal, sys

def _report(*_):
    if "sync.server.app" not in sys.modules:
        return
    gc.collect()
    path = os.path.join(os.environ["KNOP_TEST_GC_REPORTS"], f"{os.getpid()}-{os.environ.get('KNOP_TEST_GC_ASK', '')}")
    facts = {
        "threshold": list(gc.get_threshold()),
        "frozen": gc.get_freeze_count(),
        "tracked": len(gc.get_objects()),
    }
    with open(path + ".part", "w") as out:
        json.dump(facts, out)
    os.replace(path + ".part", path + ".json")

signal.signal(signal.SIGUSR2, _report)
"""


@pytest.fixture
def probed(backend: str, servers: Servers, tmp_path: Path) -> Iterator[tuple[Deployment, Path]]:
    """A server (two workers on PostgreSQL, one on SQLite) with the probe loaded in its processes."""
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(PROBE)
    reports = tmp_path / "reports"
    reports.mkdir()
    path = os.pathsep.join([str(probe), *filter(None, [os.environ.get("PYTHONPATH")])])
    deployment = servers.start(
        backend,
        workers=2 if backend == "postgresql" else 1,
        env={"PYTHONPATH": path, "KNOP_TEST_GC_REPORTS": str(reports)},
    )
    yield deployment, reports
    deployment.stop()
    assert deployment.server_errors() == []


def serving(deployment: Deployment) -> list[psutil.Process]:
    """The processes that answer requests: uvicorn's workers, or the server itself when it has one."""
    assert deployment.process is not None
    root = psutil.Process(deployment.process.pid)
    if deployment.workers == 1:
        return [root]
    workers = [p for p in root.children() if "spawn_main" in " ".join(p.cmdline())]
    assert len(workers) == deployment.workers
    return workers


def ask(deployment: Deployment, reports: Path, round_: int) -> list[dict[str, Any]]:
    """Each serving process's report, asked for now (waits for all of them)."""
    processes = serving(deployment)
    for process in processes:
        for stale in reports.glob(f"{process.pid}-*.json"):
            stale.unlink()
        process.send_signal(signal.SIGUSR2)
    wanted = [reports / f"{process.pid}-.json" for process in processes]
    deadline = time.monotonic() + 60
    while not all(path.exists() for path in wanted):
        assert time.monotonic() < deadline, f"no report from the workers after round {round_}"
        time.sleep(0.05)
    return [json.loads(path.read_text()) for path in wanted]


def rounds(world: World, devices: list[Api], cursors: list[str | None], count: int) -> None:
    """`count` rounds of each device: a task created, commented and edited, then a pull to the end."""
    for _ in range(count):
        for n, device in enumerate(devices):
            task_id = uuid7()
            device.push(
                device.op(
                    "task.create", task_id=task_id, site_id=world.school.id, title="Runde",
                    audience="organisation", publish=True,
                ),
                device.op("comment.add", comment_id=uuid7(), task_id=task_id, body="En kommentar"),
                device.op("task.edit", task_id=task_id, changes={"title": "Runde (rettet)"}),
            )
            while True:
                page = device.pull(cursors[n])
                cursors[n] = page["cursor"]
                if not page["more"]:
                    break


def test_a_worker_freezes_its_start_up_and_tracks_no_more_after_more_rounds(
    probed: tuple[Deployment, Path], world: World
) -> None:
    deployment, reports = probed
    devices = [deployment.user(name) for name in ("anna", "bo", "carl")]
    cursors: list[str | None] = [None] * len(devices)
    rounds(world, devices, cursors, 20)
    warm = ask(deployment, reports, 20)
    rounds(world, devices, cursors, 80)
    later = ask(deployment, reports, 100)
    for before, after in zip(warm, later, strict=True):
        assert after["threshold"] == [memory.GEN0, memory.GEN1, memory.GEN2]
        # What lived at start-up (tens of thousands: modules, the app, pydantic's tables) is frozen,
        # and what a full collection walks is a small part of it.
        assert after["frozen"] > 20_000
        assert after["tracked"] < after["frozen"] / 4
        # Four times the rounds, and no more tracked: nothing per round stays a container.
        assert after["tracked"] < before["tracked"] + 2_000, (before, after)


def test_the_collector_can_be_left_as_python_sets_it(backend: str, servers: Servers, tmp_path: Path) -> None:
    """KNOP_SERVER_COLLECTOR=0: Python's thresholds, nothing frozen (to measure the difference)."""
    if backend != "sqlite":
        pytest.skip("the setting is read the same way whatever the database")
    child = (
        "import gc, json; from sync.server import memory; "
        "print(json.dumps([memory.tune_collector(), memory.freeze_what_lives(), list(gc.get_threshold())]))"
    )

    def run(setting: str) -> tuple[bool, int, list[int]]:
        done = subprocess.run(
            [sys.executable, "-c", child], capture_output=True, text=True, timeout=120,
            env={**os.environ, memory.COLLECTOR_ENV: setting},
        )
        assert done.returncode == 0, done.stderr
        tuned, frozen, threshold = json.loads(done.stdout)
        return tuned, frozen, threshold

    assert run("0") == (False, 0, [700, 10, 10])
    tuned, frozen, threshold = run("1")
    assert (tuned, threshold) == (True, [memory.GEN0, memory.GEN1, memory.GEN2])
    assert frozen > 1_000  # the interpreter's and the imports' objects


def test_the_tails_rows_and_its_reader_cache_are_not_tracked_by_the_collector(
    db: Any, world: World  # noqa: F811 - the fixture imported above
) -> None:
    """However many rows the tail holds, the collector walks its lists, not one object per row."""
    tail = feed_tail.Tail(db.dialect, start=(0, 0))
    readers = [person(db, name) for name in ("admin", "anna", "carl")]
    cursors: list[str | None] = [None] * len(readers)
    for n in range(40):
        # Read between renames: the tail keeps each copy it read (see feed_tail's docstring).
        rename(db, world.care_home.id if n % 2 else world.school.id, f"Navn {n}")
        cursors = [caught_up(db, tail, reader, cursor) for reader, cursor in zip(readers, cursors, strict=True)]
    gc.collect()
    assert len(tail) >= 40
    assert not any(map(gc.is_tracked, tail._rows))
    assert not any(map(gc.is_tracked, tail._positions))
    assert not any(map(gc.is_tracked, tail._bodies))
    for seen in tail._seen.values():
        assert not any(map(gc.is_tracked, seen.shared_bodies))
    assert tail._readers and not any(map(gc.is_tracked, tail._readers))
