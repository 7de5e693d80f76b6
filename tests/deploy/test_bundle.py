"""The built bundle (dist/knop) runs: --version, --self-test offscreen, and it is small enough.

Skipped unless KNOP_BUNDLE_DIR points at a bundle; CI builds one with
`make package` and sets it (see .ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop import __version__

BUNDLE = os.environ.get("KNOP_BUNDLE_DIR")
MAX_MEGABYTES = 150

pytestmark = pytest.mark.skipif(
    not BUNDLE, reason="set KNOP_BUNDLE_DIR to a built bundle (make package)"
)


@pytest.fixture
def bundle() -> Path:
    folder = Path(BUNDLE or "").resolve()
    assert (folder / "knop").is_file() or (folder / "knop.exe").is_file(), f"no knop in {folder}"
    return folder


def run(bundle: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The bundle's knop, with the test's isolated KNOP_*_DIR variables and no display."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    executable = bundle / ("knop.exe" if os.name == "nt" else "knop")
    return subprocess.run(
        [str(executable), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_bundle_version(bundle: Path) -> None:
    result = run(bundle, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"knop {__version__}"


def test_bundle_self_test(bundle: Path) -> None:
    result = run(bundle, "--self-test")
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "frozen bundle" in result.stdout
    assert "self-test passed" in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith("fail")], report


def test_bundle_reports_a_broken_settings_file(bundle: Path) -> None:
    from desktop import paths

    machine = paths.system_config_dir() / "knop.toml"
    machine.write_text("idle_lock_minutes = ten\n", encoding="utf-8")
    result = run(bundle, "--self-test")
    assert result.returncode == 1
    assert f"fail settings: {machine}, line 1, column 21" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_bundle_is_small_and_holds_its_resources(bundle: Path) -> None:
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < MAX_MEGABYTES * 1024 * 1024, f"{size / 1024 / 1024:.0f} MB"
    inside = bundle / "_internal"
    for wanted in (
        "resources/icons/knop.svg",
        "resources/icons/knop.png",
        "resources/icons/knop.ico",
        "resources/knop.desktop",
    ):
        assert (inside / wanted).is_file(), wanted


def bundled_modules(bundle: Path) -> set[str]:
    """The Python modules frozen into the executable's embedded archive."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(bundle / ("knop.exe" if os.name == "nt" else "knop")))
    pyz = next(name for name in archive.toc if name.endswith(".pyz"))
    return set(archive.open_embedded_archive(pyz).toc)


def test_bundle_leaves_the_server_out(bundle: Path) -> None:
    modules = bundled_modules(bundle)
    assert {"desktop.app", "desktop.app.selftest", "desktop.settings", "desktop.store"} <= modules
    unwanted = ("sync.server", "fastapi", "uvicorn", "starlette", "pydantic", "psycopg", "argon2")
    unwanted += ("pytest", "hypothesis", "tkinter", "PySide6.QtQml", "PySide6.QtQuick")
    found = sorted(m for m in modules if m.split(".")[0] in unwanted or m.startswith(unwanted))
    assert found == []


def _system_copy(library: str) -> Path | None:
    """Where the machine's own copy of `library` is (ldconfig's cache), if it has one."""
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        if line.strip().startswith(f"{library} ") and "=>" in line:
            return Path(line.split("=>")[1].strip())
    return None


def _can_hide_files() -> bool:
    """A private mount namespace (unshare) lets a test hide a system library from one process."""
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True
    ).returncode == 0


@pytest.mark.parametrize(
    ("library", "package"),
    [("libEGL.so.1", "libegl1"), ("libxcb.so.1", "libxcb1")],  # QtGui's import; the xcb plugin
)
def test_bundle_names_the_system_library_that_is_missing(
    bundle: Path, library: str, package: str
) -> None:
    """Hide a library the bundle takes from the machine: one stderr line names it and its package."""
    if not _can_hide_files():
        pytest.skip("needs unshare with user and mount namespaces")
    system_copy = _system_copy(library)
    assert system_copy is not None, f"this machine has no {library} to hide"
    from desktop.logs import log_file
    from tests.deploy.display import xvfb

    with xvfb() as screen:
        env = {**os.environ, "DISPLAY": screen.name, "QT_QPA_PLATFORM": "xcb"}
        hidden = 'mount --bind /dev/null "$1" && exec "$2"'  # an unusable file, as a broken install
        result = subprocess.run(
            ["unshare", "-rm", "sh", "-c", hidden, "sh", str(system_copy), str(bundle / "knop")],
            env=env, capture_output=True, text=True, timeout=120,
        )
    lines = [line for line in result.stderr.splitlines() if line.startswith("knop:")]
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1, result.stderr
    assert library in lines[0] and f"sudo apt-get install {package}" in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert "Knop could not start" in log_file().read_text(encoding="utf-8")
