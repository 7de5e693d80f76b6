"""A start that fails is logged in full and told to the person in one sentence naming the cause."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from desktop import logs, system_libraries
from desktop.app import main as app_main
from desktop.app import start_failure
from desktop.system_libraries import PlatformUnavailable, install_hint, missing_library

pytestmark = pytest.mark.usefixtures("knop_logging")

# What the loader and Qt really say (taken from runs with a library hidden or absent).
LOADER_TEXTS = [
    ("/lib/x86_64-linux-gnu/libEGL.so.1: file too short", "libEGL.so.1"),
    ("libEGL.so.1: cannot open shared object file: No such file or directory", "libEGL.so.1"),
    (
        "Cannot load library /opt/Kommune Ærø/knop/_internal/PySide6/Qt/plugins/platforms/"
        "libqxcb.so: "
        "(libxcb-cursor.so.0: cannot open shared object file: No such file or directory)",
        "libxcb-cursor.so.0",
    ),
    ("libQt6XcbQpa.so.6: cannot open shared object file", "libQt6XcbQpa.so.6"),
    ("No module named 'PySide6.QtNetwork'", None),
]


@pytest.mark.parametrize(("text", "library"), LOADER_TEXTS)
def test_the_missing_library_is_read_from_the_real_message(text: str, library: str | None) -> None:
    assert missing_library(text) == library


def test_the_hint_names_the_library_and_its_package() -> None:
    assert install_hint("libEGL.so.1") == (
        "the system library libEGL.so.1 is missing; install the package libegl1 "
        "(sudo apt-get install libegl1)"
    )
    assert "libxcb1" in install_hint("libxcb.so.1")
    assert "apt-file search libfoo.so.3" in install_hint("libfoo.so.3")


def _failing_gui(error: BaseException) -> Any:
    def run_gui(_args: Any) -> int:
        raise error

    return run_gui


def test_a_failed_start_goes_to_the_log_and_one_stderr_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ui.main

    monkeypatch.setattr(
        ui.main, "run_gui", _failing_gui(ImportError("/usr/lib/libEGL.so.1: file too short"))
    )
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # no dialog: nobody could see it
    assert app_main.main([]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors == [
        "knop: Knop cannot start: the system library libEGL.so.1 is missing; install the "
        "package libegl1 (sudo apt-get install libegl1). "
        f"Details are in {logs.log_file()}."
    ]
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = logs.log_file().read_text(encoding="utf-8")
    assert "CRITICAL knop: Knop could not start" in written
    assert "Traceback" in written and "ImportError" in written


def test_where_qt_can_start_the_person_gets_a_dialog(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(system_libraries, "NO_DIALOG_PLATFORMS", ())
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    assert start_failure.report(KeyError("site_id")) == 1
    assert shown == [f"Knop cannot start: KeyError: 'site_id'. Details are in {logs.log_file()}."]
    assert capsys.readouterr().err == ""


def test_a_platform_that_cannot_load_is_said_as_it_is() -> None:
    error = PlatformUnavailable("Qt cannot open a window: " + install_hint("libxcb.so.1"))
    assert start_failure.explain(error) == (
        "Knop cannot start: Qt cannot open a window: the system library libxcb.so.1 is "
        "missing; install the package libxcb1 (sudo apt-get install libxcb1)."
    )
