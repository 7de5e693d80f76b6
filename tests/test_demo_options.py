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


def run_demo(*options: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **environ,
    }
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


def test_the_demo_writes_only_in_its_folder_and_enrols_its_workstation_once(tmp_path: Path) -> None:
    """Try-out s36: `knop demo` left an empty ~/.local/state/Knop/log/knop.log outside its folder,
    and every start enrolled a new device, so the admin's device list filled with old
    demo-workstations. With a keyring that keeps the device credential between runs (a real
    one would; here tests.sync.keyrings.FileKeyring, a file in the test's folder), the second
    start uses the device the first enrolled, and nothing is written under HOME."""
    from tests.sync.keyrings import FILE_VARIABLE

    home, folder = tmp_path / "home", tmp_path / "demo"
    home.mkdir()
    keeping = {
        "HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "tests.sync.keyrings.FileKeyring",
        FILE_VARIABLE: str(tmp_path / "keyring.json"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    for name, under in (("XDG_STATE_HOME", ".local/state"), ("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share")):
        keeping[name] = str(home / under)  # where platformdirs would put Knop's own folders
    port = ("--port", str(free_port()))  # `make run`'s port is the same every time: 8765
    first = run_demo("--data-dir", str(folder), *port, "--screenshot", str(tmp_path / "1.png"), **keeping)
    assert first.returncode == 0, first.stderr
    assert [p for p in home.rglob("*")] == []  # no ~/.local/state/Knop/log/knop.log
    again = run_demo("--data-dir", str(folder), *port, "--screenshot", str(tmp_path / "2.png"), **keeping)
    assert again.returncode == 0, again.stderr
    assert "enrolled already" in again.stdout
    conn = sqlite3.connect(folder / "server.sqlite3")
    try:
        devices = conn.execute("SELECT name FROM devices WHERE name = 'demo-workstation'").fetchall()
    finally:
        conn.close()
    assert len(devices) == 1
    assert [p for p in home.rglob("*")] == []  # no ~/.local/state/Knop/log/knop.log
    # A run without a keyring that keeps secrets enrols again: the credential went with the last run.
    forgetting = run_demo(
        "--data-dir", str(folder), *port, "--screenshot", str(tmp_path / "3.png"), **{**keeping, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    )
    assert forgetting.returncode == 0, forgetting.stderr
    assert "enrolled already" not in forgetting.stdout
