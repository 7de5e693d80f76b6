"""Exports start in Documents (then the last folder used) and say where the file went.

A try-out exported the audit trail as CSV: the save dialog opened in the folder
Knop happened to be started from, and afterwards nothing said the file was
saved. The dialog is Qt's own and modal, so it is answered here (as the
message boxes are); the rest is the real window, screen and file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop.core.entities import Role
from sync.server import demo
from tests.ui.driving import no_message_boxes  # noqa: F401 - autouse fixture
from ui import main_window
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.oversight_audit import AuditScreen

AT = "2026-11-30T10:15:00Z"


def test_an_export_starts_in_documents_then_the_last_folder_and_says_where_it_went(
    qtbot: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    documents = home / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    elsewhere = tmp_path / "records"
    elsewhere.mkdir()
    started: list[str] = []
    answers = [elsewhere / "revisionsspor.csv", elsewhere / "again.csv"]

    def answer(_parent: Any, _title: str, where: str, _kind: str) -> tuple[str, str]:
        started.append(where)
        return str(answers[len(started) - 1]), "CSV (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    window, screen = admin_window_on(qtbot, make_context, demo_data, main_window.audit_screen, (1024, 560))
    assert isinstance(screen, AuditScreen)
    screen.body = {"computed_at": AT, "events": [], "names": {}}

    screen.export_button.click()
    assert Path(started[0]).parent == documents  # not the folder Knop was started from
    assert answers[0].read_bytes().startswith(b"\xef\xbb\xbf")
    told = window.told
    assert told.isVisible()
    assert answers[0].name in told.text() and str(elsewhere) in told.text()
    qtbot.waitUntil(lambda: told.width() >= told.sizeHint().width())  # in sight, not squeezed by the sync status

    screen.export_button.click()
    assert Path(started[1]).parent == elsewhere  # the last folder used
    assert answers[1].exists() and answers[1].name in told.text()
    window.tear_down()


def admin_window_on(
    qtbot: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
    top: Any,
    size: tuple[int, int] | None = None,
) -> tuple[MainWindow, Any]:
    """The demo administrator's window (Danish data), shown on the top-level screen `top`; the window and that screen."""
    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    window = MainWindow(make_context(person=admin, language="da"))
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    window.go_top(top)
    return window, window.current_page()


def reports_of_the_admin(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> tuple[MainWindow, Any]:
    """The demo administrator's window, on the reports screen (the screen second)."""
    from ui.oversight_reports import ReportsScreen

    window, screen = admin_window_on(qtbot, make_context, demo_data, main_window.reports_screen)
    assert isinstance(screen, ReportsScreen)
    return window, screen


def test_a_saved_report_is_named_by_its_period(
    qtbot: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The report's CSV is one table; its file name says which period it covers."""
    suggested: list[str] = []

    def answer(_parent: Any, _title: str, where: str, _kind: str) -> tuple[str, str]:
        suggested.append(Path(where).name)
        return str(tmp_path / Path(where).name), "CSV (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    window, screen = reports_of_the_admin(qtbot, make_context, demo_data)
    screen.body = {"computed_at": AT, "since": "2026-01-01", "until": "2026-11-30", "sites": []}
    screen.export_button.click()
    assert len(suggested) == 1 and suggested[0].endswith("_2026-01-01_2026-11-30.csv"), suggested
    assert (tmp_path / suggested[0]).read_bytes().startswith(b"\xef\xbb\xbf")
    window.tear_down()


def test_people_from_other_municipalities_show_in_the_report_and_its_csv(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Work across the municipal border (issue 16) is counted per site, on screen and in the file."""
    from ui import words

    before = words.language()
    words.use_language("da")
    try:
        window, screen = reports_of_the_admin(qtbot, make_context, demo_data)
        row = {"site_id": "s1", "site_name": "Egeskov Skole", "posted": 3, "filled": 2, "fill_rate": 0.667,
               "from_other_sites": 1, "from_other_organisations": 2, "externals": 0, "skills": []}
        screen.show_answer({"computed_at": AT, "since": "2026-01-01", "until": "2026-11-30", "sites": [row]})
        model = screen.model
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        column = headers.index("Fra andre kommuner")
        assert model.index(0, column).data() == "2"
        header, line = screen.csv_bytes().decode("utf-8-sig").splitlines()
        assert header.split(";")[column] == "Fra andre kommuner" and line.split(";")[column] == "2"
        window.tear_down()
    finally:
        words.use_language(before)
