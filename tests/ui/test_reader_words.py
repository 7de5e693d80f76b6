"""Times, dates, tasks and categories in the reader's words on the oversight screens; files keep ISO.

A new-user try-out read "2026-11-30T08:15:00" in the audit trail, the reports'
period and the admin's device list, an empty task cell on the rows of tasks
closed at their bid deadline, and "care" in the competence map's CSV file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from desktop.core.entities import AuditEvent, Role, TaskStatus
from desktop.core.ids import uuid7
from sync.server import demo
from ui import wording
from ui.context import AppContext
from ui.oversight_audit import AuditScreen
from ui.oversight_reports import ReportsScreen

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
AT = "2026-11-30T08:15:00.000Z"


def _admin(data: demo.DemoData) -> Any:
    return next(p for p in data.people if p.role == Role.ADMIN)


def test_the_audit_trail_says_when_and_which_task_in_words(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    admin = _admin(demo_data)
    task = next(t for t in demo_data.tasks if t.status == TaskStatus.OPEN)
    # The server's closing at the bid deadline names the task only as what it changed.
    closed = AuditEvent(
        id=uuid7(), at=AT, actor_id="system", device_id=None, operation="task.close_bidding",
        entity_id=task.id, summary="bid deadline 2026-11-29 passed",
    )
    body = {
        "computed_at": AT, "events": [closed.to_row()], "names": {"system": "system"},
    }
    screen = AuditScreen(make_context(person=admin, language="da"), fetcher=lambda _name, _params: body)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
    when = screen.model.index(0, 0).data()
    assert when == wording.moment(AT, "da") and not ISO.search(when), when
    qtbot.waitUntil(lambda: screen.model.index(0, 4).data() == task.title, timeout=10_000)
    assert screen.model.index(0, 6).data() == "Closed for bids: the bid deadline had passed"
    assert not ISO.search(screen.since.text()) and not ISO.search(screen.until.text())
    # The file for an access-to-records request keeps the exact ISO time, and names the task too.
    (line,) = screen.csv_bytes().decode("utf-8-sig").splitlines()[1:]
    assert line.startswith("2026-11-30") and f";{task.title};" in line
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)  # kept before the context closes


def test_the_reports_period_is_written_as_dates_are(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    answer = {"computed_at": AT, "since": "2025-11-30", "until": "2026-11-30", "sites": []}
    screen = ReportsScreen(make_context(person=_admin(demo_data), language="da"), fetcher=lambda _n, _p: answer)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: bool(screen.period.text()), timeout=10_000)
    assert wording.date("2025-11-30", "da") in screen.period.text()
    assert not ISO.search(screen.period.text()), screen.period.text()
    assert not ISO.search(screen.since.text()) and not ISO.search(screen.until.text())
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)


def test_a_month_is_written_as_people_write_it() -> None:
    """The lending screen's months read "mar. 2026", not "2026-03" (its CSV keeps "2026-03")."""
    assert wording.month("2026-03", "da") == wording.short_date("2026-03-01", "da").split(" ", 1)[1]
    assert wording.month("2026-03", "en") == "Mar 2026"
    assert wording.month("?", "da") == "?"


def test_every_kind_of_row_an_event_changed_is_named_in_words() -> None:
    """The audit trail's "What changed" names each synced table in words, never its raw name."""
    from desktop.core.entities import SYNCED
    from ui.oversight_audit import changed_words

    from ui import words as ui_words

    english = changed_words()
    assert set(SYNCED) <= set(english), set(SYNCED) - set(english)
    was = ui_words.language()
    ui_words.use_language("da")
    try:
        danish = changed_words()
    finally:
        ui_words.use_language(was)
    for table in SYNCED:
        assert "_" not in english[table] and "_" not in danish[table], table
        assert danish[table] != english[table] or table == "people", (table, danish[table])  # "person" in both
