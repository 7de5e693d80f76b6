"""The benchmark records the machine's yardsticks beside its figures (tests/bench/calibration.py).

So that a figure of one machine or session can be compared with another's as
a ratio to the yardsticks taken in the same run (docs/scale-out.md "Eighth pass").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import report, server_load
from tests.server.conftest import Servers


def test_server_load_records_both_yardsticks_and_the_round_in_them(
    servers: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployment = servers.start("postgresql", workers=1)
    monkeypatch.setitem(server_load.BOUNDS, "tiny", (3, 1.0, 100))
    keys = server_load.enrol_devices(deployment, 3)
    _tally, detail, faults = server_load.measure(deployment, keys, "tiny", 12.0)
    assert not faults
    python_ms = float(detail["calibration_python_ms"])
    statement_us = float(detail["calibration_postgres_us_per_statement"])
    assert 0 < python_ms < 1000 and 0 < statement_us < 10_000
    assert detail["server_cpu_per_round_in_python_yardsticks"] == round(
        float(detail["server_cpu_ms_per_round"]) / python_ms, 3
    )
    assert detail["postgres_cpu_per_round_in_statements"] == round(
        1000 * float(detail["postgres_cpu_ms_per_round"]) / statement_us, 1
    )


def test_the_results_file_holds_the_machines_yardstick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    saved = report.save([], 1.0, {"calibration_python_ms": 17.5})
    machine = json.loads(saved.read_text(encoding="utf-8"))["machine"]
    assert machine["calibration_python_ms"] == 17.5 and machine["python"]
