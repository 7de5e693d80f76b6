"""The suite's own guards against a run that hangs: a CI job once sat in a test until its limit.

Each check runs a real inner pytest over a small test file, with this suite's conftest, in a
subprocess, and looks at how it ended.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent

# Longer than the inner run ever needs; only there so a broken guard fails this test, not CI's job.
INNER_RUN_LIMIT_S = 240


def _inner_pytest(folder: Path, test_text: str, *options: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(HERE / "conftest.py", folder / "conftest.py")
    (folder / "test_inner.py").write_text(test_text, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *options, str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=INNER_RUN_LIMIT_S,
        check=False,
    )


def test_a_dialog_nobody_answers_is_closed_and_fails_its_test(tmp_path: Path) -> None:
    ran = _inner_pytest(
        tmp_path,
        "import pytest\n"
        "from PySide6.QtWidgets import QMessageBox\n\n"
        "@pytest.mark.dialog_patience(1)\n"
        "def test_waits(qtbot):\n"
        "    QMessageBox.warning(None, 'Knop', 'Nobody answers this')\n",
    )
    out = ran.stdout + ran.stderr
    assert ran.returncode == 1, out
    assert "a modal dialog waited 1 s for an answer" in out, out
    assert "Nobody answers this" in out, out


def test_a_test_stuck_where_the_alarm_cannot_reach_ends_the_run_with_every_stack(tmp_path: Path) -> None:
    """A nested Qt event loop runs no Python, so pytest-timeout's alarm never fires; faulthandler does."""
    ran = _inner_pytest(
        tmp_path,
        "from PySide6.QtWidgets import QApplication, QMessageBox\n\n"
        "def test_stuck():\n"
        "    app = QApplication.instance() or QApplication([])\n"
        "    QMessageBox.warning(None, 'Knop', 'Nobody answers this either')\n",
        "-o", "timeout=1",
        "-o", "faulthandler_timeout=4",
        "-o", "faulthandler_exit_on_timeout=true",
    )
    out = ran.stdout + ran.stderr
    assert ran.returncode != 0, out
    assert "Timeout (0:00:04)!" in out, out
    assert "test_stuck" in out, out  # the stack says where it was stuck


@pytest.mark.parametrize("name", ["faulthandler_timeout", "faulthandler_exit_on_timeout"])
def test_the_suite_sets_the_last_resort(pytestconfig: pytest.Config, name: str) -> None:
    assert pytestconfig.getini(name), f"pyproject.toml must set {name}"
