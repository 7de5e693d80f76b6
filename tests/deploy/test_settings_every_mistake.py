"""Every command names every mistake in IT's settings file, and logs each at ERROR.

Try-out s36: `knop --self-test`, `knop sync` and `knop enrol` named only the first
mistake in knop.toml, so IT needed one run per mistake, while the GUI's dialog
listed them all (docs/DEPLOYMENT.md promises the same sentences everywhere).
`knop sync` told only stderr, so a scheduled sync failed without a trace in
knop.log. Each command runs here as IT runs it: `python -m desktop.app ...` in a
process of its own, with the machine file under KNOP_SYSTEM_CONFIG_DIR.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop import logs
from desktop.settings import machine_settings_path
from tests.server.harness import ROOT

FILE = (
    'server_url = "http://127.0.0.1:9"\n'
    'idle_lock_minutes = "ten"\n'
    "idle_lock = 5\n"
    'language = "de"\n'
    "offline_login_days = 400\n"
)


def mistakes() -> list[str]:
    """The four sentences, as the GUI's dialog lists them (file, line, what is allowed)."""
    machine = machine_settings_path()
    return [
        f'{machine}, line 2: idle_lock_minutes must be a whole number of minutes from 0 to 1440, got "ten"',
        f"{machine}, line 3: unknown setting 'idle_lock'",
        f'{machine}, line 4: language must be "da" or "en", got "de"',
        f"{machine}, line 5: offline_login_days must be a whole number of days from 0 to 365, got 400",
    ]


@pytest.mark.parametrize(
    ("command", "args", "code"),
    [
        ("knop sync", ["sync"], 4),
        ("knop enrol", ["enrol", "--server", "http://127.0.0.1:9", "--code", "AAAA-BBBB"], 4),
        ("knop --self-test", ["--self-test"], 1),
    ],
)
def test_every_command_names_every_mistake_and_logs_each(command: str, args: list[str], code: int) -> None:
    machine = machine_settings_path()
    machine.parent.mkdir(parents=True, exist_ok=True)
    machine.write_text(FILE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "desktop.app", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    said = result.stdout + result.stderr
    assert result.returncode == code, said
    for mistake in mistakes():
        assert mistake in said, said
    assert "Traceback" not in said
    logged = [line for line in logs.log_file().read_text(encoding="utf-8").splitlines() if " ERROR " in line]
    for mistake in mistakes():
        (record,) = [line for line in logged if mistake in line]
        assert f"{command}: a mistake in Knop's settings: {mistake}" in record
