"""The task form driven through its widgets: messages by the field, publish, drafts, edits by field."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt

from sync.server import demo
from desktop.core.entities import Audience, Task, TaskStatus
from tests.ui.driving import (  # noqa: F401 - no_message_boxes is an autouse fixture
    ask,
    first,
    no_message_boxes,
    person_by_id,
    shown,
)
from ui.context import AppContext
from ui.skill_picker import SEARCH_ROLE, SkillListModel, SkillPicker
from ui.task_form import TaskForm


def task_in_store(qtbot: Any, context: AppContext, task_id: str) -> Task:
    found = ask(qtbot, context, lambda s: s.get(Task, task_id))
    assert found is not None
    return found


def pick_skill(qtbot: Any, picker: SkillPicker, search: str) -> None:
    """Search the catalogue and press Return on the first match, as a person would."""
    picker.search.clear()
    qtbot.keyClicks(picker.search, search)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)


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

    form.starts_on.setDate(QDate(2027, 3, 10))
    form.ends_on.setDate(QDate(2027, 3, 1))
    assert form.problems["ends_on"].text() == "Slutdatoen ligger før startdatoen."
    form.ends_on.setDate(QDate(2027, 3, 12))
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
    assert (task.starts_on, task.ends_on, task.bid_deadline) == ("2027-03-10", "2027-03-12", None)
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
    form.bid_deadline.setDate(QDate(2027, 1, 15))
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
    assert restored.bid_deadline.iso() == "2027-01-15"
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
    assert form.starts_on.text() == form.starts_on.specialValueText()
    form.starts_on.setDate(QDate(2027, 5, 1))
    assert form.starts_on.iso() == "2027-05-01"
    form.starts_on.setFocus()
    qtbot.keyClick(form.starts_on, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert form.starts_on.iso() is None


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
