"""Decimals in Danish screens are written with a comma ("2,5"), in text and in number fields alike.

One function writes them (`ui.wording.number`, and `wording.hours` on top of
it); number fields take the screen's language (`wording.numbers_in`), not the
process's default locale, so a Danish screen never shows "2.5".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLocale

from desktop.core.entities import Role, TaskStatus
from sync.server import demo
from ui import wording
from ui.admin_screen import AdminScreen
from ui.context import AppContext
from ui.task_form import TaskForm
from ui.task_view import TaskView


def test_the_one_function_writes_danish_decimals() -> None:
    assert wording.number(2.5, "da") == "2,5"
    assert wording.number(2.5, "en") == "2.5"
    assert wording.number(3.0, "da") == "3"
    assert wording.hours(2.5, "da").startswith("2,5")


def test_number_fields_follow_the_screens_language_not_the_process(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English))  # as a test process, or a mixed machine, has it
    try:
        context = make_context("mette", "da")
        form = TaskForm(context)
        qtbot.addWidget(form)
        form.effort.setValue(2.5)
        assert "2,5" in form.effort.text() and "2.5" not in form.effort.text()

        task = next(t for t in demo_data.tasks if t.status == TaskStatus.OPEN and t.poster_id != context.person.id)
        view = TaskView(context, task.id)
        qtbot.addWidget(view)
        view.bid_hours.setValue(2.5)
        assert view.bid_hours.text() == "2,5"

        admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
        screen = AdminScreen(make_context(person=admin), fetcher=lambda _name, _params: {})
        qtbot.addWidget(screen)
        # A day count is whole: a try-out read "Gyldig i (dage): 7,00".
        assert screen.code_days.text() == "7"
        screen.code_days.selectAll()
        qtbot.keyClicks(screen.code_days, "2,5")
        assert screen.code_days.value() == 25 and "," not in screen.code_days.text()
        sheet = screen.code_sheet_text({"days": 2.5, "site_name": "Kirkeby Skole", "code": "K7QP-3MZD"})
        assert "2,5" in sheet and "2.5" not in sheet
    finally:
        QLocale.setDefault(before)
