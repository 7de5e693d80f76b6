"""The reports, the audit trail and the status bar at 1024 px, with the server's own answers (try-out).

A new user's try-out at 1024x768 found the reports scrolling sideways (the
skills most asked for out of sight, "Eksterne" cut) and a long notice in the
status bar squeezing the sync state to "Ikke forbundet ti…". The demo
municipality is seeded into a real server database; bids are placed and
decided through the server's own push, and the report and the audit trail are
the server's answers for its administrator, shown as a fetch would show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from desktop.core import operations
from desktop.core.entities import AuditEvent, Role
from desktop.core.ids import utc_now, uuid7
from sync.server import audit, demo, reports
from tests.ui.server_answers import acting_on, demo_server, open_tasks
from tests.ui.test_words_not_cut import _danish, _styled  # noqa: F401 - the real style sheet (autouse)
from ui import wording
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.operation_words import operation_label
from ui.oversight_audit import OPERATION_COLUMN, TASK_COLUMN, AuditScreen
from ui.oversight_reports import ReportsScreen


@pytest.fixture(scope="module")
def answers(demo_data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The administrator's report for the last year and audit trail, as the server computes them."""
    with demo_server(demo_data, Path(tmp_path_factory.mktemp("oversight"))) as db:
        tasks = open_tasks(db, 3)
        people = {p.id: p for p in demo_data.people}
        staff = [p for p in demo_data.people if p.role == Role.STAFF and p.active]
        as_ = acting_on(db, "a-workstation-in-the-staff-room")
        for task in tasks:
            worker = next(p for p in staff if p.home_site_id != task.site_id)
            bid_id = uuid7()
            as_(worker, "bid.place", bid_id=bid_id, task_id=task.id, hours=3)
            as_(people[task.poster_id], "bid.accept", bid_id=bid_id)
        admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
        year_ago = f"{int(utc_now()[:4]) - 1}{utc_now()[4:10]}"
        with db.read() as s:
            report = reports.report(s, admin, site_id=None, since=year_ago, until=utc_now()[:10])
            found = audit.events(s, audit.Filter(limit=60))
            trail = {"computed_at": utc_now(), "events": [e.to_row() for e in found], "names": audit.names(s, found)}
        yield {"report": report, "audit": trail, "admin": admin}


def shown_on(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], kind: type, size: tuple[int, int]
) -> tuple[MainWindow, Any]:
    """The administrator's window at `size`, on `kind` (reports or audit) showing the server's answer."""
    answer = answers["report" if kind is ReportsScreen else "audit"]
    _danish()  # the try-out's words, longer than English
    window = MainWindow(make_context(person=answers["admin"], language="da"))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.go_top(lambda context, _navigator, _task: kind(context, fetcher=lambda _name, _params: answer))
    screen = window.current_page()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 1, timeout=10_000)
    window.grab()  # laid out as on screen
    return window, screen


def read_whole(table: QTableView) -> None:
    """No sideways scrolling, and every column shown at least as wide as its title."""
    header = table.horizontalHeader()
    assert table.horizontalScrollBar().maximum() == 0
    for column in range(header.count()):
        if not header.isSectionHidden(column):
            assert table.columnWidth(column) >= header.sectionSizeFromContents(column).width(), column


@pytest.mark.parametrize("kind", [ReportsScreen, AuditScreen])
def test_at_1024_the_tables_read_without_scrolling_sideways(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], kind: type
) -> None:
    window, screen = shown_on(qtbot, make_context, answers, kind, (1024, 768))
    table = screen.table
    read_whole(table)
    header, model = table.horizontalHeader(), table.model()
    hidden = [c for c in range(header.count()) if header.isSectionHidden(c)]
    assert hidden  # what gave way is read under the table, for the chosen row
    # Named inside a sentence ("... dens mest efterspurgte kompetencer her."), in small letters.
    names = [wording.in_sentence(model.headerData(c, Qt.Orientation.Horizontal)) for c in hidden]
    assert screen.detail.isVisible() and all(name in screen.detail.text() for name in names)
    table.selectRow(1)
    for column in hidden:
        said = model.index(1, column).data(Qt.ItemDataRole.ToolTipRole)
        assert f"{model.headerData(column, Qt.Orientation.Horizontal)}: {said or '–'}" in screen.detail.text()
    window.tear_down()


def test_at_1024_the_audit_detail_repeats_what_a_cell_had_to_cut(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    """A try-out read "Handling" cut short, and the line under the table repeated only the hidden columns."""
    _danish()
    # The trail as the server gave it, and one event more: the operation whose name is longest.
    longest = max([*operations.OPERATIONS], key=lambda kind: len(operation_label(kind)))
    trail = dict(answers["audit"])
    trail["events"] = [*trail["events"], AuditEvent(
        id=uuid7(), at=utc_now(), actor_id=answers["admin"].id, device_id="pc", operation=longest, entity_id=uuid7()
    ).to_row()]
    window, screen = shown_on(qtbot, make_context, {**answers, "audit": trail}, AuditScreen, (1024, 768))
    table, model = screen.table, screen.model
    header = table.horizontalHeader()

    def cut(row: int, column: int) -> bool:
        text = str(model.index(row, column).data() or "")
        return not header.isSectionHidden(column) and table.fontMetrics().horizontalAdvance(text) + 16 > table.columnWidth(column)

    found = [(row, column) for row in range(model.rowCount()) for column in range(1, header.count()) if cut(row, column)]
    assert any(column == OPERATION_COLUMN for _row, column in found), found  # the try-out's case is here
    for row in sorted({row for row, _column in found}):
        table.selectRow(row)
        for column in (c for r, c in found if r == row and c != TASK_COLUMN):
            whole = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            assert f"{model.headerData(column, Qt.Orientation.Horizontal)}: {whole}" in screen.detail.text(), (
                column, screen.detail.text()
            )
    window.tear_down()


def test_at_1280_the_report_shows_every_column(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    window, screen = shown_on(qtbot, make_context, answers, ReportsScreen, (1280, 800))
    read_whole(screen.table)
    header = screen.table.horizontalHeader()
    assert not any(header.isSectionHidden(c) for c in range(header.count()))
    assert not screen.detail.isVisible()
    window.tear_down()


def test_a_long_notice_never_pushes_the_sync_state_off(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    window, _screen = shown_on(qtbot, make_context, answers, ReportsScreen, (1024, 768))
    status = window.status
    qtbot.waitUntil(lambda: status.width() >= status.sizeHint().width())
    notice = "Gemt rapport_2025-11-30_2026-11-30.csv i /home/anna.berg.soerensen/Dokumenter/Knop/Rapporter/2026"
    window.tell(notice)
    told = window.told
    qtbot.waitUntil(lambda: told.isVisible() and told.width() > 0)
    window.grab()
    qtbot.waitUntil(lambda: status.width() >= status.sizeHint().width())  # the sync state whole
    assert told.geometry().right() < status.x()  # beside it, not over it
    assert told.width() < told.sizeHint().width() and told.toolTip() == notice  # elided, whole in its tooltip
    window.tear_down()
