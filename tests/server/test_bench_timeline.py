"""`server_load --timeline`: each open-loop push in time, to see whether the slow ones come in stalls.

Driven for real (a server on PostgreSQL, three devices, a short open loop):
one CSV line a push with its due time inside the run and its two latencies,
and a summary of the run second by second that counts the same pushes
(docs/scale-out.md, "Eleventh pass").
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from tests.bench import server_load
from tests.server.conftest import Servers


def test_the_timeline_has_every_push_at_its_due_time(
    servers: Servers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    deployment = servers.start("postgresql", workers=1)
    monkeypatch.setitem(server_load.BOUNDS, "tiny", (3, 2.0, 100))
    keys = server_load.enrol_devices(deployment, 3)
    before = time.time()
    tally, detail, faults = server_load.measure(deployment, keys, "tiny", 12.0)
    assert not faults
    path = tmp_path / "timeline.csv"
    lines = server_load.write_timeline(tally, path, slow_ms=0.0)

    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == detail["pushes"] > 0
    dues = [float(r["due_s"]) for r in rows]
    assert dues == sorted(dues) and dues[0] >= 0 and dues[-1] < float(detail["seconds"])
    assert all(float(r["ms_from_due"]) >= float(r["ms_from_send"]) > 0 for r in rows)
    assert before <= tally.started_at <= time.time()
    # Every push is over 0 ms: the summary's seconds count each push once, all of them slow.
    per_second = [line.split() for line in lines[2:]]
    assert sum(int(cells[1]) for cells in per_second) == len(rows)
    assert sum(int(cells[4]) for cells in per_second) == len(rows)
    assert f"{len(rows)} of {len(rows)} pushes over 0 ms" in lines[0]
