"""Clock times and a weekly repeat through the task form, the task page and its calendar file.

Issue 17: "an extra shift is Tuesday 14:00-20:00", a "weekly homework café", and
"a calendar file (ICS) for an accepted task". Real widgets over a real store;
the saved file is read back with the `icalendar` package (a test tool only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QStyle, QStyleOptionFrame

from desktop.core.entities import Bid, BidStatus, Task
from sync.server import demo
from tests.ui.driving import ask, biddable_task, no_message_boxes, shown  # noqa: F401
from ui import words
from ui.context import AppContext
from ui.main import style_sheet
from ui.task_form import TaskForm
from ui.task_view import TaskView


DANISH_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def in_danish(day: dt.date) -> str:
    """`day` as a Danish reader writes it ("12. januar 2027"): spelled out here, not by the code under test."""
    return f"{day.day}. {DANISH_MONTHS[day.month - 1]} {day.year}"


def a_tuesday_ahead() -> dt.date:
    """The first Tuesday six weeks or more from today: a task still to come, whatever day the tests run."""
    day = dt.date.today() + dt.timedelta(weeks=6)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture(autouse=True)
def danish() -> Iterator[None]:
    """The screens in Danish, as the people in the issue use them."""
    words.use_language("da")
    yield
    words.use_language("en")  # as the other tests expect the UI


def test_a_weekly_homework_cafe_with_clock_times_is_posted_from_the_form(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = make_context("mette")
    form = shown(qtbot, TaskForm(context))
    form.title.setText("Lektiecafé hver tirsdag")
    first = a_tuesday_ahead()
    last = first + dt.timedelta(weeks=11)  # a Tuesday too
    form.starts_on.set_date(first)
    form.ends_on.set_date(last)
    qtbot.keyClicks(form.times.start, "25:00")
    assert form.problems["start_time"].text() == "Fra (klokken) skal være et klokkeslæt, f.eks. 14:00."
    form.times.start.clear()
    qtbot.keyClicks(form.times.start, "15.00")
    qtbot.keyClicks(form.times.end, "16:30")
    assert not form.problems["start_time"].isVisible()
    form.times.weekly.setChecked(True)
    with qtbot.waitSignal(form.finished, timeout=10_000) as published:
        qtbot.mouseClick(form.publish_button, Qt.MouseButton.LeftButton)
    task = ask(qtbot, context, lambda s: s.get(Task, published.args[0]))
    assert task is not None
    assert (task.start_time, task.end_time, task.repeats) == ("15:00", "16:30", "weekly")

    view = shown(qtbot, TaskView(context, task.id))
    assert view.when.text() == f"{in_danish(first)} – {in_danish(last)}, 15:00–16:30, hver tirsdag"


@pytest.mark.parametrize("size", [(1024, 600), (1600, 1000)], ids=["1024x600", "1600x1000"])
def test_the_clock_time_fields_show_their_whole_hint(
    qtbot: Any, make_context: Callable[..., AppContext], size: tuple[int, int]
) -> None:
    """"F.eks. 14:00" whole, in the real style sheet's font and paddings, not "F.eks.…"."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(style_sheet())
    try:
        form = shown(qtbot, TaskForm(make_context("mette")))
        form.resize(*size)

        def room(field: QLineEdit) -> int:
            """The width text gets inside the field, less QLineEdit's own 2 px a side."""
            option = QStyleOptionFrame()
            field.initStyleOption(option)
            contents = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
            margins = field.textMargins()
            return contents.width() - margins.left() - margins.right() - 4

        for field, example in ((form.times.start, "F.eks. 14:00"), (form.times.end, "F.eks. 16:00")):
            assert field.placeholderText() == example
            hint = field.fontMetrics().horizontalAdvance(field.placeholderText())
            try:  # the layout settles on posted events
                qtbot.waitUntil(lambda field=field, hint=hint: hint <= room(field), timeout=3000)
            except qtbot.TimeoutError:
                pass
            assert hint <= room(field), (hint, room(field), field.width())
    finally:
        app.setStyleSheet(before)


def test_the_accepted_bidder_saves_the_shift_to_her_calendar(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, tmp_path: Path
) -> None:
    context = make_context("anna")
    tuesday = a_tuesday_ahead()
    task = biddable_task(demo_data, context.person).replace(
        starts_on=tuesday.isoformat(), ends_on=tuesday.isoformat(), start_time="14:00", end_time="20:00",
        title="Ekstra vagt tirsdag",
    )
    mine = Bid(id="anna-bid", task_id=task.id, bidder_id=context.person.id, status=BidStatus.PENDING, version=1)

    def prepare(store: Any) -> None:
        with store.transaction():
            store.put(task)
            store.put(mine)

    ask(qtbot, context, prepare)
    view = shown(qtbot, TaskView(context, task.id))
    assert view.when.text() == f"{in_danish(tuesday)}, 14:00–20:00"
    assert not view.calendar_button.isVisible()  # not before the bid is accepted

    accepted = mine.replace(status=BidStatus.ACCEPTED, version=2)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        ask(qtbot, context, lambda s: s.put(accepted))
        view.reload()
    qtbot.waitUntil(view.calendar_button.isVisible, timeout=10_000)
    path = tmp_path / "vagt.ics"
    view.save_calendar(path)
    [shift] = [c for c in icalendar.Calendar.from_ical(path.read_bytes()).walk() if c.name == "VEVENT"]
    assert str(shift["summary"]) == "Ekstra vagt tirsdag"
    assert shift.decoded("dtstart") == dt.datetime.combine(tuesday, dt.time(14, 0))
    assert shift.decoded("dtend") == dt.datetime.combine(tuesday, dt.time(20, 0))
