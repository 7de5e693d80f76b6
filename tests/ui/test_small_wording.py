"""Small words a try-out found, with real widgets, in Danish and English.

- Hours in a number field read "1.00 h" where every list says "1 h": now "1 h", "1.5 h".
- The "To (time)" field hinted "E.g. 14:00", the same as the start: it now hints an end.
- "Ingen invitationer endnu" had no full stop where other empty lists' notes had one:
  every empty list's note is a sentence with its full stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop.core.entities import Role, TaskStatus
from sync.server import demo
from tests.ui.driving import no_message_boxes  # noqa: F401 - autouse fixture
from ui import main_window, words
from ui.context import AppContext
from ui.main import install_translators
from ui.main_window import SCREENS, MainWindow
from ui.table_model import EmptyNote
from ui.task_form import TaskForm
from ui.task_view import TaskView


@pytest.fixture(params=["da", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_translators(app, str(request.param))
    yield str(request.param)
    for translator in translators:
        app.removeTranslator(translator)
    install_translators(app, "en")


def test_hours_are_written_as_everywhere_else(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, language: str
) -> None:
    context = make_context("mette", language)
    form = TaskForm(context)
    qtbot.addWidget(form)
    unit = {"da": "t.", "en": "h"}[language]
    assert form.effort.text() == f"1 {unit}"  # was "1.00 h"
    form.effort.setValue(1.5)
    assert form.effort.text() == {"da": "1,5 t.", "en": "1.5 h"}[language]
    task = next(t for t in demo_data.tasks if t.status == TaskStatus.OPEN and t.poster_id != context.person.id)
    view = TaskView(context, task.id)
    qtbot.addWidget(view)
    view.bid_hours.setValue(3)
    assert view.bid_hours.text() == "3"  # was "3,0"


def test_the_to_field_hints_an_end_time(
    qtbot: Any, make_context: Callable[..., AppContext], language: str
) -> None:
    form = TaskForm(make_context("mette", language))
    qtbot.addWidget(form)
    start, end = form.times.start.placeholderText(), form.times.end.placeholderText()
    assert start.endswith("14:00") and end.endswith("16:00")  # a "to" later than the "from"
    assert start.split()[0] == end.split()[0]  # "F.eks." / "E.g." alike


def test_every_empty_lists_note_ends_with_a_full_stop(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, language: str
) -> None:
    words.use_language(language)
    try:
        admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
        task = next(t for t in demo_data.tasks if t.status == TaskStatus.OPEN)
        window = MainWindow(make_context(person=admin, language=language))
        qtbot.addWidget(window)
        notes: dict[str, str] = {}
        for screen in SCREENS:
            needs_task = screen in (main_window.task_view_screen, main_window.review_screen)
            window.go_top(screen) if not needs_task else window.go(screen, task.id)
            page = window.current_page()
            for note in page.findChildren(EmptyNote):
                notes[note.text()] = screen.__name__
        assert len(notes) >= 10
        unfinished = {text: where for text, where in notes.items() if not text.endswith(".")}
        assert unfinished == {}
        window.tear_down()
    finally:
        words.use_language("en")


def test_danish_writes_the_imperative_markér_with_its_accent_everywhere(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 6: the review's button said "Marker opgaven som afsluttet", the notifications
    "Markér alle som læst": one spelling, the imperative's "Markér"."""
    import re
    from pathlib import Path

    from tests.ui.driving import person_by_id, shown, styled
    from ui.review import ReviewPage

    catalogue = Path(__file__).parents[2] / "resources/locale/da/LC_MESSAGES/knop.po"
    translations = re.findall(r'^msgstr "(.*)"$', catalogue.read_text(encoding="utf-8"), re.MULTILINE)
    assert not [t for t in translations if re.match(r"&?M&?arker\b", t)]
    task = next(t for t in demo_data.tasks if t.status == TaskStatus.ASSIGNED)
    with styled("da"):
        page = shown(qtbot, ReviewPage(make_context(person_by_id(demo_data, task.poster_id).username), task.id))
        assert page.complete_button.text().replace("&", "") == "Markér opgaven som afsluttet"
