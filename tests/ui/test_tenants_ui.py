"""Organisations as tenants in the client (issue 16): the audience choice, and another municipality's tasks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from desktop.core.entities import Audience, SavedSearch
from sync.server import demo
from tests.ui.driving import ask, no_message_boxes, shown  # noqa: F401 - no_message_boxes is an autouse fixture
from tests.ui.neighbours import NEIGHBOUR, SITES, add_neighbour
from ui import words
from ui.board import TITLE_SAMPLE, Board
from ui.context import AppContext
from ui.task_form import TaskForm
from ui.task_model import Column
from ui.task_view import TaskView


def board_shown(qtbot: Any, context: AppContext, width: int, height: int) -> Board:
    """A board of `width` x `height` on screen, its whole first search counted."""
    board = Board(context)
    qtbot.addWidget(board)
    with qtbot.waitSignal(board.counted, timeout=10_000):
        board.resize(width, height)
        board.show()
    return board


def test_the_form_offers_other_municipalities_between_the_organisation_and_outsiders(
    qtbot: Any, context: AppContext
) -> None:
    words.use_language("da")
    try:
        form = shown(qtbot, TaskForm(context))
        assert [form.audience.itemData(i) for i in range(form.audience.count())] == [a.value for a in Audience]
        index = form.audience.findData(Audience.ORGANISATIONS.value)
        assert form.audience.itemText(index) == "Andre kommuner"
        assert index == form.audience.findData(Audience.ORGANISATION.value) + 1
    finally:
        words.use_language("en")


def test_the_board_and_the_task_name_another_municipality(
    qtbot: Any, make_context: Callable[..., AppContext], demo_store: Path, demo_data: demo.DemoData
) -> None:
    made = add_neighbour(demo_store, demo_data.tasks)
    context = make_context("anna")
    board = board_shown(qtbot, context, 1280, 700)
    assert {t.id for t in made} <= set(board.model.ids())
    # The audience filter offers "other municipalities"; its first window of rows names the neighbour too.
    with qtbot.waitSignal(board.counted, timeout=10_000):
        board.audience_box.setCurrentIndex(board.audience_box.findData(Audience.ORGANISATIONS.value))
    listed = board.model.ids()
    assert set(listed) == {t.id for t in made if t.audience == Audience.ORGANISATIONS}
    site_names = {site.id: site.name for site in SITES}

    def site_cell(task_id: str) -> str:
        return str(board.model.data(board.model.index(listed.index(task_id), Column.SITE)))

    for task in (t for t in made if t.id in listed):
        board.model.data(board.model.index(listed.index(task.id), Column.SITE))  # asks for the row
        expected = f"{site_names[task.site_id]}\n{NEIGHBOUR.name}"  # the municipality on a line of its own
        qtbot.waitUntil(lambda task=task, expected=expected: site_cell(task.id) == expected, timeout=10_000)
    with qtbot.waitSignal(board.counted, timeout=10_000):
        board.audience_box.setCurrentIndex(board.audience_box.findData(Audience.ORGANISATION.value))
    listed = board.model.ids()
    own = listed[0]
    qtbot.waitUntil(lambda: site_cell(own) != "", timeout=10_000)
    assert "\n" not in site_cell(own)  # her own municipality's sites stand alone, unnamed

    view = shown(qtbot, TaskView(context, made[1].id))
    qtbot.waitUntil(lambda: NEIGHBOUR.name in view.site.text(), timeout=10_000)


def test_a_person_remembered_before_organisations_gets_theirs_from_the_store(
    make_context: Callable[..., AppContext], person: Callable[[str], Any]
) -> None:
    """An offline login remembers the person as they were; the board's rule needs their organisation."""
    anna = person("anna")
    context = make_context(person=anna.replace(organisation_id=""))
    assert context.person.organisation_id == anna.organisation_id != ""


def test_a_comment_by_someone_the_reader_is_not_shown_names_them_as_from_another_municipality(
    qtbot: Any, make_context: Callable[..., AppContext], demo_store: Path, demo_data: demo.DemoData
) -> None:
    from desktop.core.entities import Comment
    from desktop.store import Store

    made = add_neighbour(demo_store, demo_data.tasks)
    store = Store(demo_store)
    with store.transaction():
        store.put(Comment(id="c-across", task_id=made[1].id, author_id="p-cederso-1", body="Vi kan hjælpe",
                          created_at="2026-11-30T08:00:00Z", version=1))
    store.close()
    context = make_context("anna")
    view = shown(qtbot, TaskView(context, made[1].id))
    qtbot.waitUntil(lambda: "Vi kan hjælpe" in view.conversation.toPlainText(), timeout=10_000)
    text = view.conversation.toPlainText()
    assert words.tr("Someone from another municipality") in text and "?" not in text.split("Vi kan hjælpe")[0]


@pytest.mark.parametrize("size", [(1024, 600), (1600, 1000)], ids=["1024x600", "1600x1000"])
def test_another_municipalitys_site_can_be_read_whole_at_both_widths(
    qtbot: Any, make_context: Callable[..., AppContext], demo_store: Path, demo_data: demo.DemoData,
    size: tuple[int, int],
) -> None:
    """Site and municipality on two lines, each whole, in a window of a small laptop and of a big screen."""
    made = add_neighbour(demo_store, demo_data.tasks)
    words.use_language("da")
    try:
        window = QMainWindow()
        qtbot.addWidget(window)
        board = Board(make_context("anna"))
        window.setCentralWidget(board)
        with qtbot.waitSignal(board.counted, timeout=10_000):
            window.resize(*size)
            window.show()
        with qtbot.waitSignal(board.counted, timeout=10_000):
            board.audience_box.setCurrentIndex(board.audience_box.findData(Audience.ORGANISATIONS.value))
        metrics = board.view.fontMetrics()
        header = board.view.horizontalHeader()
        # The rows grow to two lines once the board knows the store holds two municipalities' tasks.
        qtbot.waitUntil(lambda: board.view.rowHeight(0) >= 2 * metrics.height(), timeout=10_000)
        qtbot.waitUntil(lambda: header.sectionSize(Column.SITE) >= metrics.horizontalAdvance(NEIGHBOUR.name) + 16)
        listed = board.model.ids()
        site_names = {site.id: site.name for site in SITES}
        neighbours = [t for t in made if t.id in listed]
        assert len(neighbours) == sum(t.audience == Audience.ORGANISATIONS for t in made) > 0
        for task in neighbours:
            index = board.model.index(listed.index(task.id), Column.SITE)
            qtbot.waitUntil(lambda index=index: "\n" in str(board.model.data(index)), timeout=10_000)
            lines = str(board.model.data(index)).split("\n")
            assert lines == [site_names[task.site_id], NEIGHBOUR.name]
            room = board.view.visualRect(index)
            for line in lines:  # a cell's text has about 8 px of margin a side
                assert metrics.horizontalAdvance(line) + 16 <= room.width(), (line, room.width())
            assert 2 * metrics.height() <= room.height()
            tooltip = str(board.model.data(index, Qt.ItemDataRole.ToolTipRole))
            assert tooltip == f"{NEIGHBOUR.name}: {site_names[task.site_id]}"
        # The title keeps its room first, and no column is pushed out of sight.
        assert header.sectionSize(Column.TITLE) >= metrics.horizontalAdvance(TITLE_SAMPLE)
        assert header.length() <= board.view.viewport().width() + 1
        window.close()
    finally:
        words.use_language("en")


def test_the_board_filters_by_municipality_once_the_store_holds_two(
    qtbot: Any, make_context: Callable[..., AppContext], demo_store: Path, demo_data: demo.DemoData
) -> None:
    """No municipality filter with one municipality; with a neighbour's tasks, one that lists only theirs."""
    words.use_language("da")
    try:
        alone = board_shown(qtbot, make_context("anna"), 1024, 600)
        qtbot.waitUntil(lambda: alone._choices is not None, timeout=10_000)
        assert not alone.organisation_box.isVisible()  # nothing to tell apart
        alone.close()

        made = add_neighbour(demo_store, demo_data.tasks)
        context = make_context("anna")
        board = board_shown(qtbot, context, 1024, 600)
        qtbot.waitUntil(board.organisation_box.isVisible, timeout=10_000)
        box = board.organisation_box
        assert box.itemText(0) == "Alle kommuner"
        assert {box.itemText(i) for i in range(1, box.count())} == {NEIGHBOUR.name, demo_data.organisation.name}
        everything = set(board.model.ids())
        with qtbot.waitSignal(board.counted, timeout=10_000):
            box.setCurrentIndex(box.findData(NEIGHBOUR.id))
        assert set(board.model.ids()) == {t.id for t in made}
        with qtbot.waitSignal(board.counted, timeout=10_000):
            box.setCurrentIndex(box.findData(context.person.organisation_id))
        own = set(board.model.ids())
        assert own and own == everything - {t.id for t in made}
        # With "Andre kommuner": the neighbour's tasks opened to other municipalities, not the own ones.
        with qtbot.waitSignal(board.counted, timeout=10_000):
            box.setCurrentIndex(box.findData(NEIGHBOUR.id))
        with qtbot.waitSignal(board.counted, timeout=10_000):
            board.audience_box.setCurrentIndex(board.audience_box.findData(Audience.ORGANISATIONS.value))
        assert set(board.model.ids()) == {t.id for t in made if t.audience == Audience.ORGANISATIONS}
        # A saved search keeps the municipality, so its notices are about the neighbour's tasks only.
        with qtbot.waitSignal(board.save_search.saved, timeout=10_000):
            board.save_search.save("Bøgeby")
        saved = ask(qtbot, context, lambda s: s.fetch(SavedSearch, "person_id = ?", (context.person.id,)))
        assert [s.filters for s in saved] == [
            {"audience": Audience.ORGANISATIONS.value, "organisation_id": NEIGHBOUR.id}
        ]
        with qtbot.waitSignal(board.counted, timeout=10_000):
            board.clear_button.click()
        assert box.currentIndex() == 0 and set(board.model.ids()) == everything
    finally:
        words.use_language("en")
