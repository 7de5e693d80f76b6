"""The task form driven through its widgets: messages by the field, publish, drafts, edits by field."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView, QWidget

from sync.server import demo
from desktop.core.entities import Audience, Task, TaskStatus
from tests.ui.driving import (  # noqa: F401 - no_message_boxes is an autouse fixture
    ask,
    first,
    no_message_boxes,
    person_by_id,
    shown,
)
from ui import words
from ui.context import AppContext
from ui.main import style_sheet
from ui.skill_picker import SEARCH_ROLE, SKILL_ROLE, SkillListModel, SkillPicker
from ui.task_form import TaskForm


@pytest.fixture
def danish_words() -> Iterator[None]:
    """The UI's own words in Danish for one test (the suite's default is English)."""
    words.use_language("da")
    yield
    words.use_language("en")


def task_in_store(qtbot: Any, context: AppContext, task_id: str) -> Task:
    found = ask(qtbot, context, lambda s: s.get(Task, task_id))
    assert found is not None
    return found


def pick_skill(qtbot: Any, picker: SkillPicker, search: str) -> None:
    """Search the catalogue, go to the first match (Down) and press Return, as a person would."""
    picker.search.clear()
    qtbot.keyClicks(picker.search, search)
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)


def open_task_of(data: demo.DemoData, status: str) -> Task:
    return first(
        (
            t
            for t in data.tasks
            if t.status == status and t.accepted_count == 0 and t.bid_count == 0
        ),
        f"{status} task without bids",
    )


def test_post_a_task_messages_next_to_the_field_then_publish(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = make_context("mette")
    form = shown(qtbot, TaskForm(context))
    assert form.audience.isEnabled()  # a new task is a draft until published

    # Nothing typed: the title's own message, next to the title, and the cursor there.
    qtbot.mouseClick(form.publish_button, Qt.MouseButton.LeftButton)
    assert form.problems["title"].isVisible()
    assert form.problems["title"].text() == "Titel skal udfyldes."
    assert form.title.hasFocus()
    assert not form.problems["place"].isVisible()

    qtbot.keyClicks(form.title, "Hjælp til julefrokosten")
    assert not form.problems["title"].isVisible()  # checked as the person types
    form.title.setText("x" * 201)
    assert form.problems["title"].text() == "Titel må højst være 200 tegn."
    form.title.setText("Hjælp til julefrokosten")

    start = dt.date.today() + dt.timedelta(days=100)  # a task still to come, whatever day this runs
    form.starts_on.set_date(start)
    form.ends_on.set_date(start - dt.timedelta(days=9))
    assert form.problems["ends_on"].text() == "Slutdatoen ligger før startdatoen."
    end = start + dt.timedelta(days=2)
    form.ends_on.set_date(end)
    assert not form.problems["ends_on"].isVisible()

    qtbot.keyClicks(form.description, "Vi skal dække bord til 60 og have styr på maden.")
    pick_skill(qtbot, form.picker, "demens")
    form.picker.search.clear()
    qtbot.keyClicks(form.picker.search, "Tegnsprog  for BØRN")
    qtbot.mouseClick(form.picker.tag_button, Qt.MouseButton.LeftButton)
    assert form.chosen.skills() == ["care.dementia", "#tegnsprog for børn"]
    form.seats.setValue(2)
    form.effort.setValue(3.5)
    qtbot.keyClicks(form.place, "Festsalen")

    with qtbot.waitSignal(form.finished, timeout=10_000) as published:
        qtbot.keyClick(form.place, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    task = task_in_store(qtbot, context, published.args[0])
    assert (task.title, task.status, task.site_id, task.poster_id) == (
        "Hjælp til julefrokosten",
        TaskStatus.OPEN,
        context.person.home_site_id,
        context.person.id,
    )
    assert task.skills == ["care.dementia", "#tegnsprog for børn"]
    assert (task.seats, task.effort_hours, task.place) == (2, 3.5, "Festsalen")
    assert (task.starts_on, task.ends_on, task.bid_deadline) == (start.isoformat(), end.isoformat(), None)
    assert task.audience == Audience.SITE


def test_a_refusal_on_submit_lands_next_to_the_field_it_names(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Someone changed the title while the form was open: the conflict is shown by the title."""
    task = open_task_of(demo_data, TaskStatus.OPEN)
    context = make_context(person_by_id(demo_data, task.poster_id).username)
    form = shown(qtbot, TaskForm(context, task.id))
    # Published: the audience may only widen (issue 14), so the narrower choices are off.
    current = form.audience.findData(task.audience)
    assert [form.audience.model().item(row).isEnabled() for row in range(form.audience.count())] == [  # type: ignore[attr-defined]
        row >= current for row in range(form.audience.count())
    ]
    theirs = task.replace(title="Ændret af en kollega", updated_at="2026-11-26T14:02:00.000Z")
    ask(qtbot, context, lambda s: s.put(theirs))  # as a pull would, behind the form's back

    form.title.setText("Min nye titel")
    qtbot.mouseClick(form.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.problems["title"].isVisible(), timeout=10_000)
    assert "ændrede Titel kl. 14:02" in form.problems["title"].text()
    assert not form.problem.isVisible()
    assert task_in_store(qtbot, context, task.id).title == "Ændret af en kollega"


def test_an_edit_sends_only_changed_fields_with_what_the_author_saw(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = open_task_of(demo_data, TaskStatus.OPEN)
    context = make_context(person_by_id(demo_data, task.poster_id).username)
    form = shown(qtbot, TaskForm(context, task.id))
    theirs = task.replace(description="En kollega skrev en bedre beskrivelse.")
    ask(qtbot, context, lambda s: s.put(theirs))

    form.place.setText("Personalestuen")
    with qtbot.waitSignal(form.finished, timeout=10_000):
        qtbot.mouseClick(form.publish_button, Qt.MouseButton.LeftButton)
    [edit] = [op for op in ask(qtbot, context, lambda s: s.pending()) if op.kind == "task.edit"]
    assert edit.payload == {
        "task_id": task.id,
        "changes": {"place": "Personalestuen"},
        "base": {"place": task.place},
    }
    merged = task_in_store(qtbot, context, task.id)
    assert (merged.place, merged.description) == (
        "Personalestuen",
        "En kollega skrev en bedre beskrivelse.",
    )


def test_publishing_a_stored_draft_task_edits_then_publishes(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = open_task_of(demo_data, TaskStatus.DRAFT)
    context = make_context(person_by_id(demo_data, task.poster_id).username)
    form = shown(qtbot, TaskForm(context, task.id))
    assert form.audience.isEnabled()
    form.audience.setCurrentIndex(form.audience.findData(Audience.ORGANISATION.value))
    with qtbot.waitSignal(form.finished, timeout=10_000):
        qtbot.mouseClick(form.publish_button, Qt.MouseButton.LeftButton)
    stored = task_in_store(qtbot, context, task.id)
    assert (stored.status, stored.audience) == (TaskStatus.OPEN, Audience.ORGANISATION)
    kinds = [op.kind for op in ask(qtbot, context, lambda s: s.pending())]
    assert kinds[-2:] == ["task.edit", "task.publish"]


def test_a_draft_is_saved_here_and_restored_after_a_restart(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = make_context("mette")
    form = shown(qtbot, TaskForm(context))
    qtbot.keyClicks(form.title, "Juleklip med 3.B")
    pick_skill(qtbot, form.picker, "demens")
    deadline = dt.date.today() + dt.timedelta(days=44)  # still ahead when the draft is published
    form.bid_deadline.set_date(deadline)
    form.title.setFocus()
    with qtbot.waitSignal(form.draft_saved, timeout=10_000):
        qtbot.keyClick(form.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.saved_note.text()
    form.close()
    context.close()  # quit Knop

    again = make_context("mette")  # start it again, on the same store file
    restored = shown(qtbot, TaskForm(again))
    assert restored.title.text() == "Juleklip med 3.B"
    assert restored.chosen.skills() == ["care.dementia"]
    assert restored.bid_deadline.iso() == deadline.isoformat()
    assert restored.starts_on.iso() is None
    assert restored.draft_note.isVisible()
    # Someone else on this machine does not get Mette's draft.
    other = shown(qtbot, TaskForm(make_context("admin")))
    assert other.title.text() == "" and not other.draft_note.isVisible()

    with qtbot.waitSignal(restored.finished, timeout=10_000):
        qtbot.mouseClick(restored.publish_button, Qt.MouseButton.LeftButton)
    drafts = ask(qtbot, again, lambda s: s.rows("SELECT fields FROM drafts"))
    assert [json.loads(d["fields"])["values"]["title"] for d in drafts] == []


def test_empty_dates_stay_empty_and_can_be_cleared(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    form = shown(qtbot, TaskForm(make_context("mette")))
    assert form.starts_on.iso() is None
    assert form.starts_on.edit.text() == ""
    assert form.starts_on.edit.placeholderText() == "No start date"
    form.starts_on.set_date(dt.date(2027, 5, 1))
    assert form.starts_on.iso() == "2027-05-01"
    assert form.starts_on.edit.text() == "01/05/2027"
    form.starts_on.edit.clear()
    assert form.starts_on.iso() is None


def test_tab_walks_the_dates_without_filling_them_and_reaches_the_buttons(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Issue 17: Tab stuck in "Start date", tabbing into End date filled today, buttons unreachable."""
    form = shown(qtbot, TaskForm(make_context("mette")))
    qtbot.waitUntil(form.isEnabled)
    form.seats.setFocus()
    visited = []
    for _ in range(12):
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
        visited.append(form.focusWidget())
        if form.focusWidget() is form.publish_button:
            break
    dates = [form.starts_on.edit, form.ends_on.edit, form.bid_deadline.edit]
    assert [w for w in visited if w in dates] == dates  # each once: Tab moved on
    assert form.draft_button in visited and visited[-1] is form.publish_button
    assert (form.starts_on.iso(), form.ends_on.iso(), form.bid_deadline.iso()) == (None, None, None)
    assert not form.problems["ends_on"].isVisible()  # no "end before start" from an empty date


def test_typing_a_date_in_danish_works_and_nonsense_is_named(
    qtbot: Any, make_context: Callable[..., AppContext], danish_words: None
) -> None:
    form = shown(qtbot, TaskForm(make_context("mette")))
    qtbot.waitUntil(form.isEnabled)
    form.starts_on.edit.setFocus()
    qtbot.keyClicks(form.starts_on.edit, "3.4.2027")
    qtbot.keyClick(form.starts_on.edit, Qt.Key.Key_Tab)
    assert form.starts_on.iso() == "2027-04-03"
    assert form.starts_on.edit.text() == "03.04.2027"  # written the standard way on leaving
    qtbot.keyClicks(form.ends_on.edit, "05-04-27")
    assert form.ends_on.iso() == "2027-04-05"
    form.ends_on.edit.clear()
    qtbot.keyClicks(form.ends_on.edit, "31.02.2027")
    assert form.problems["ends_on"].isVisible()  # not a date: said, not silently dropped


def test_the_calendar_shows_day_numbers_and_escape_changes_nothing(
    qtbot: Any, make_context: Callable[..., AppContext], danish_words: None, qapp: Any
) -> None:
    qapp.setStyleSheet(style_sheet())  # the app's look, as the person sees it
    try:
        check_the_calendar(qtbot, make_context)
    finally:
        qapp.setStyleSheet("")


def check_the_calendar(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    for language, written in (("da", "03.04.2027"), ("en", "03/04/2027")):
        words.use_language(language)
        form = shown(qtbot, TaskForm(make_context("mette", language=language)))
        qtbot.waitUntil(form.isEnabled)
        field = form.ends_on
        field.edit.setFocus()
        qtbot.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        popup = field.popup
        assert popup is not None
        qtbot.waitUntil(popup.isVisible)
        calendar = popup.calendar
        table = calendar.findChild(QTableView)
        assert table is not None
        # Every cell, day names and numbers, has room for its text under the app's
        # style sheet (whose table padding made every day "…"): nothing is elided.
        model, option = table.model(), QStyleOptionViewItem()
        option.widget = table  # so the style sheet's rules for the table apply
        option.font = table.font()
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                wanted = table.itemDelegate().sizeHint(option, model.index(row, column)).width()
                assert wanted <= table.columnWidth(column), (row, column, model.index(row, column).data())
        qtbot.keyClick(calendar, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda popup=popup: not popup.isVisible())
        assert field.iso() is None  # Escape did not set today
        field.open_calendar()
        qtbot.waitUntil(popup.isVisible)
        calendar.setSelectedDate(QDate(2027, 4, 3))
        qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda popup=popup: not popup.isVisible())
        assert (field.iso(), field.edit.text()) == ("2027-04-03", written)
        form.close()


def test_enter_in_the_skill_search_adds_only_what_the_person_highlighted(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Issue 17: the top fuzzy match was pre-selected, so Enter added something else than typed."""
    form = shown(qtbot, TaskForm(make_context("mette")))
    qtbot.waitUntil(form.isEnabled)
    picker = form.picker
    picker.search.setFocus()
    qtbot.keyClicks(picker.search, "sv")
    assert picker.filtered.rowCount() >= 2
    assert picker.current_skill() is None  # nothing pre-selected
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert form.chosen.skills() == []  # Enter with nothing highlighted adds nothing...
    assert picker.list.hasFocus()  # ...it goes to the list, on the first match, to choose
    qtbot.keyClick(picker.list, Qt.Key.Key_Down)
    second = picker.current_skill()
    assert second is not None and second == picker.filtered.index(1, 0).data(SKILL_ROLE)
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    assert form.chosen.skills() == [second]  # what she highlighted, not the top match
    assert picker.search.hasFocus() and picker.search.text() == ""
    # Typing more after highlighting forgets the highlight: Enter never adds a stale choice.
    qtbot.keyClicks(picker.search, "sv")
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.keyClicks(picker.search, "ø")
    assert picker.current_skill() is None


def test_item_models_follow_the_qt_rules(
    qtbot: Any, qtmodeltester: Any, make_context: Callable[..., AppContext]
) -> None:
    form = shown(qtbot, TaskForm(make_context("mette")))
    qtmodeltester.check(form.picker.catalogue, force_py=True)
    qtbot.keyClicks(form.picker.search, "sprog")
    qtmodeltester.check(form.picker.filtered, force_py=True)
    found = [form.picker.filtered.index(r, 0) for r in range(form.picker.filtered.rowCount())]
    assert found and all("sprog" in index.data(SEARCH_ROLE) for index in found)
    pick_skill(qtbot, form.picker, "demens")
    qtmodeltester.check(form.chosen, force_py=True)
    assert isinstance(form.chosen, SkillListModel)


def test_the_labels_alt_letters_move_to_their_fields(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Alt+A (St&art date) left the focus in the title, so a typed date landed in the title."""
    from PySide6.QtWidgets import QApplication, QLabel

    form = shown(qtbot, TaskForm(make_context("mette")))
    qtbot.waitUntil(form.isEnabled)
    form.title.setFocus()
    qtbot.waitUntil(form.title.hasFocus)
    labels = {w.text(): w for w in form.findChildren(QLabel)}
    for text, field in (
        ("St&art date:", form.starts_on.edit),
        ("E&nd date:", form.ends_on.edit),
        ("&Bid deadline:", form.bid_deadline.edit),
        ("&Seats:", form.seats),
        ("&Effort:", form.effort),
    ):
        assert text in labels, sorted(labels)
        letter = text[text.index("&") + 1].lower()
        qtbot.keyClick(form.focusWidget(), letter, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda field=field: QApplication.focusWidget() in (field, *field.findChildren(QWidget)), timeout=2_000)


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_audience_is_whole_in_the_open_list_at_1024x600(
    qtbot: Any, make_context: Callable[..., AppContext], qapp: Any, language: str
) -> None:
    """All four audiences, "Andre kommuner" and the outsiders' included, show whole in the open list."""
    qapp.setStyleSheet(style_sheet())
    words.use_language(language)
    try:
        form = shown(qtbot, TaskForm(make_context("mette", language=language)))
        form.resize(1024, 600 - 40)
        qtbot.waitUntil(form.isEnabled)
        form.audience.setCurrentIndex(form.audience.count() - 1)  # the list opens around the chosen one
        form.audience.showPopup()
        view = form.audience.view()
        qtbot.waitUntil(view.isVisible)
        popup = view.window().geometry()
        screen = form.audience.screen().availableGeometry()
        assert screen.contains(popup), (popup, screen)
        shown_area = view.viewport().rect()
        metrics = view.fontMetrics()
        assert form.audience.count() == 4
        for row in range(form.audience.count()):
            index = form.audience.model().index(row, 0)
            assert shown_area.contains(view.visualRect(index)) or (
                view.visualRect(index).top() >= 0 and view.visualRect(index).bottom() <= shown_area.bottom()
            ), (row, view.visualRect(index), shown_area)
            text = form.audience.itemText(row)
            assert metrics.horizontalAdvance(text) + 8 <= shown_area.width(), (text, shown_area.width())
        form.audience.hidePopup()
    finally:
        words.use_language("en")
        qapp.setStyleSheet("")
