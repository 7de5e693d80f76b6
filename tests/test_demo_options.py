"""`knop demo`'s options for IT and testers, as a real process (a new-user try-out found only --port).

Each run starts `python -m desktop.app demo` for real (its server seeds the demo
data, the client enrols, the login window comes up offscreen and is saved as a
picture, then the demo ends), and looks at what it left in its folder.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sync.server import demo
from sync.server.main import DEMO_ORGANISATIONS, NEIGHBOUR_SHARE
from tests.test_demo_process import free_port

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the demo's server ends with POSIX pipes")


def run_demo(*options: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    for name in ("KNOP_CONFIG_DIR", "KNOP_SYSTEM_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR"):
        env.pop(name, None)  # the demo's own folders, under --data-dir
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", "demo", "--port", str(free_port()), *options],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def people_in(folder: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(folder / "server.sqlite3")
    try:
        return set(conn.execute("SELECT username, name FROM people").fetchall())
    finally:
        conn.close()


def seeded(seed: int) -> set[tuple[str, str]]:
    data = demo.generate(seed, organisations=DEMO_ORGANISATIONS, neighbour_share=NEIGHBOUR_SHARE)
    return {(p.username, p.name) for w in (data, *data.neighbours) for p in w.people}


def test_the_help_names_every_option() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "desktop.app", "demo", "--help"], capture_output=True, text=True, timeout=120
    ).stdout
    for option in ("--data-dir", "--fresh", "--seed", "--language", "--port"):
        assert option in shown, option


def test_a_tester_keeps_starts_over_and_chooses_the_language(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "notes.txt").write_text("the tester's own file", encoding="utf-8")
    first = run_demo("--data-dir", str(folder), "--seed", "3", "--language", "en", "--screenshot", str(tmp_path / "1.png"))
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "1.png").is_file()
    assert people_in(folder) == seeded(3)
    machine = (folder / "client" / "machine-config" / "knop.toml").read_text(encoding="utf-8")
    assert 'language = "en"' in machine
    assert "started in en" in (folder / "client" / "logs" / "knop.log").read_text(encoding="utf-8")

    # Started again without --fresh: the same data, kept (a new seed does not apply to it).
    again = run_demo("--data-dir", str(folder), "--seed", "4", "--screenshot", str(tmp_path / "2.png"))
    assert again.returncode == 0, again.stderr
    assert people_in(folder) == seeded(3)

    fresh = run_demo("--data-dir", str(folder), "--fresh", "--seed", "4", "--screenshot", str(tmp_path / "3.png"))
    assert fresh.returncode == 0, fresh.stderr
    assert "started over" in fresh.stdout
    assert people_in(folder) == seeded(4) != seeded(3)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "the tester's own file"  # only the demo's files go
    # The language was the demo's machine setting, deleted with the rest: the system's again.
    assert "language" not in (folder / "client" / "machine-config" / "knop.toml").read_text(encoding="utf-8")
