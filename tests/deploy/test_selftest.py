"""`knop --self-test` from source: passes on a sound installation, names what is broken."""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow, QPushButton

import ui
from desktop.app.selftest import run_self_test

# qapp: a widgets QApplication first, as in the app, so the self-test never leaves
# a bare QGuiApplication behind for the UI tests that run after it.
pytestmark = pytest.mark.usefixtures("qapp", "resources")


def lines(output: str) -> dict[str, str]:
    """Each check's name to its whole line."""
    found = {}
    for line in output.splitlines():
        if line[:5].strip() in ("ok", "warn", "fail"):
            found[line[5:].split(":", 1)[0]] = line
    return found


def test_sound_installation_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_self_test() == 0
    output = capsys.readouterr().out
    found = lines(output)
    assert found["translations"].startswith("ok   translations: da, en")
    shipped = [p for p in (Path(__file__).parents[2] / "resources" / "icons").iterdir() if p.suffix in (".svg", ".png")]
    assert found["icons"].startswith(f"ok   icons: {len(shipped)} in")  # every icon the source ships, read
    assert found["store"].startswith("ok   store: SQLite")
    assert found["gui modules"].startswith("ok   gui modules: ")
    assert found["login screen"] == "ok   login screen: ui.login.LoginScreen shown on offscreen"
    assert found["main window"].startswith("ok   main window: ui.main_window.MainWindow")
    assert found["pages"] == (
        "ok   pages: TaskView, ReviewPage, TaskForm, MyPage, NotificationCentre, "
        "CompetenceMap, TalentSearch, NetworkScreen, LendingScreen, ReportsScreen, AuditScreen, AdminScreen, "
        "BidsToDecide"
    )
    assert found["keyring"][:4] in ("ok  ", "warn")  # a headless CI box has no keyring
    assert not any(line.startswith("fail") for line in found.values())
    assert output.splitlines()[-1].startswith("self-test passed: 16 checks")


def test_broken_settings_file_fails_with_its_line(
    machine_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = machine_file('server_url = "https://knop.egeskov.dk"\nidle_lock_minutes = "ten"\n')
    assert run_self_test() == 1
    output = capsys.readouterr().out
    assert lines(output)["settings"] == (
        f"fail settings: {path}, line 2: "
        'idle_lock_minutes must be a whole number of minutes from 0 to 1440, got "ten"'
    )
    assert output.splitlines()[-1].startswith("self-test FAILED: settings")


def test_missing_ca_bundle_fails(
    machine_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    machine_file('ca_bundle = "/nowhere/kommune-ca.pem"\n')
    assert run_self_test() == 1
    assert (
        "ca_bundle /nowhere/kommune-ca.pem does not exist"
        in lines(capsys.readouterr().out)["settings"]
    )


def test_missing_danish_translation_fails(
    resources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (resources / "locale" / "da" / "LC_MESSAGES" / "knop.mo").unlink()
    assert run_self_test() == 1
    assert lines(capsys.readouterr().out)["translations"].startswith(
        "fail translations: no da/LC_MESSAGES/knop.mo"
    )


def test_missing_app_icon_fails(resources: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (resources / "icons" / "knop.png").unlink()
    assert run_self_test() == 1
    assert "knop.png is missing" in lines(capsys.readouterr().out)["icons"]


def test_unreadable_icon_fails(resources: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (resources / "icons" / "broken.png").write_bytes(b"not a png")
    assert run_self_test() == 1
    assert "broken.png cannot be read" in lines(capsys.readouterr().out)["icons"]


@pytest.fixture
def ui_window(monkeypatch: pytest.MonkeyPatch) -> list[QMainWindow]:
    """Stands in for ui.main_window with the self-test hook the real one provides."""
    made: list[QMainWindow] = []

    def self_test_window() -> QMainWindow:
        window = QMainWindow()
        window.setCentralWidget(QPushButton("Byd på opgaven"))
        made.append(window)
        return window

    module = types.ModuleType("ui.main_window")
    module.self_test_window = self_test_window  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.main_window", module)
    monkeypatch.setattr(ui, "main_window", module, raising=False)
    return made


def test_a_gui_module_that_cannot_be_imported_fails_by_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ui.review", None)  # as if left out of the bundle
    assert run_self_test() == 1
    output = capsys.readouterr().out
    assert lines(output)["gui modules"].startswith("fail gui modules: ui.review cannot be imported: ")
    assert output.splitlines()[-1].startswith("self-test FAILED: gui modules")


def test_builds_the_uis_window_through_its_hook(
    ui_window: list[QMainWindow], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_self_test() == 0
    line = lines(capsys.readouterr().out)["main window"]
    assert line.startswith("ok   main window: PySide6.QtWidgets.QMainWindow shown on offscreen")
    assert len(ui_window) == 1


def test_window_that_fails_to_build_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = types.ModuleType("ui.main_window")

    def self_test_window() -> None:
        raise ImportError("libQt6WebEngineCore.so.6: cannot open shared object file")

    module.self_test_window = self_test_window  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.main_window", module)
    monkeypatch.setattr(ui, "main_window", module, raising=False)
    assert run_self_test() == 1
    assert "fail main window: ImportError: libQt6WebEngineCore" in capsys.readouterr().out


def test_style_sheets_are_tried_on_the_window(
    resources: Path, ui_window: list[QMainWindow], capsys: pytest.CaptureFixture[str]
) -> None:
    styles = resources / "styles"
    styles.mkdir(exist_ok=True)
    (styles / "good.qss").write_text("QPushButton { padding: 4px; }\n", encoding="utf-8")
    assert run_self_test() == 0
    line = lines(capsys.readouterr().out)["styles"]
    assert line.startswith("ok   styles: ") and "good.qss" in line.split(": ", 1)[1].split(", ")


def test_broken_style_sheet_fails(
    resources: Path, ui_window: list[QMainWindow], capsys: pytest.CaptureFixture[str]
) -> None:
    styles = resources / "styles"
    styles.mkdir(exist_ok=True)
    (styles / "good.qss").write_text("QPushButton { padding: 4px; }\n", encoding="utf-8")
    (styles / "broken.qss").write_text("QPushButton { padding: 4px; \n", encoding="utf-8")
    assert run_self_test() == 1
    line = lines(capsys.readouterr().out)["styles"]
    assert line == f"fail styles: {styles / 'broken.qss'}: Could not parse application stylesheet"


def test_unwritable_directory_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root can write everywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("KNOP_DATA_DIR", str(locked / "Knop"))
    assert run_self_test() == 1
    assert "cannot be written" in lines(capsys.readouterr().out)["directories"]


def test_a_page_that_fails_to_build_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a bundle missing a page's module would: the window comes up, the page cannot."""
    from ui import main_window

    def left_out(*_args: object) -> QMainWindow:
        raise ModuleNotFoundError("No module named 'ui.review'", name="ui.review")

    monkeypatch.setattr(main_window, "SCREENS", (*main_window.SCREENS, left_out))
    assert run_self_test() == 1
    assert "fail pages: ModuleNotFoundError: No module named 'ui.review'" in capsys.readouterr().out
