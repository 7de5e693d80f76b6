"""Issue 17's small things, each with the input that showed it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync.server import demo
from desktop.core.entities import TaskStatus
from tests.ui.driving import first, no_message_boxes, person_by_id, shown  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.my_page import MyPage
from ui.shortcuts_dialog import ShortcutsDialog
from ui.task_form import TaskForm


def test_editing_a_published_task_does_not_offer_save_as_draft(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    task = first((t for t in demo_data.tasks if t.status == TaskStatus.OPEN), "an open task")
    context = make_context(person_by_id(demo_data, task.poster_id).username)
    form = shown(qtbot, TaskForm(context, task.id))
    assert not form.draft_button.isVisible()
    assert form.publish_button.isVisible()
    new = shown(qtbot, TaskForm(context))
    assert new.draft_button.isVisible()  # a new task may wait as a draft


def test_no_my_tasks_tab_for_someone_who_cannot_post(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    ole = shown(qtbot, MyPage(make_context("ole")))  # an external volunteer
    assert ole.context.person.is_external
    assert not ole.tabs.isTabVisible(1)
    assert not any("(0)" in ole.tabs.tabText(i) and ole.tabs.isTabVisible(i) for i in (1,))
    mette = shown(qtbot, MyPage(make_context("mette")))
    assert mette.tabs.isTabVisible(1)


def test_the_audience_popup_is_as_wide_as_its_longest_choice(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    form = shown(qtbot, TaskForm(make_context("mette")), size=(1024, 600))
    qtbot.waitUntil(form.isEnabled)
    combo = form.audience
    widest = max(
        combo.view().fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count())
    )
    combo.showPopup()
    qtbot.waitUntil(lambda: combo.view().isVisible())
    assert combo.view().width() >= widest
    combo.hidePopup()


def test_the_shortcuts_dialog_lines_up_keys_and_descriptions(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    window = MainWindow(make_context("mette"))
    qtbot.addWidget(window)
    window.show_shortcuts()
    dialog = window.shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog)
    qtbot.waitUntil(dialog.isVisible)
    lefts = {what.geometry().left() for _keys, what in dialog.rows}
    assert len(lefts) == 1  # every description starts in the same column
    assert all(keys.text() for keys, _what in dialog.rows)
    assert all(keys.geometry().right() < what.geometry().left() for keys, what in dialog.rows)
    dialog.close()


def test_an_empty_list_says_so_only_once_it_is_answered(qtbot: Any) -> None:
    """Blank while loading; "No people found" once the answer is no rows; gone when a row comes."""
    from PySide6.QtWidgets import QWidget

    from ui.table_model import Column, EmptyNote, RowsModel, table_view

    holder = QWidget()
    qtbot.addWidget(holder)
    model: RowsModel[str] = RowsModel([Column("Name", str)], key=str, parent=holder)
    view = table_view(holder, model, "People")
    note = EmptyNote(view, "No people found")
    holder.resize(400, 300)
    view.resize(400, 300)
    holder.show()
    qtbot.waitExposed(holder)
    assert not note.isVisible()  # not answered yet: loading, not empty
    model.set_rows([])
    assert note.isVisible() and note.geometry() == view.viewport().rect()
    model.set_rows(["anna"])
    assert not note.isVisible()
    model.remove("anna")
    assert note.isVisible()
    view.resize(600, 200)
    qtbot.waitUntil(lambda: note.geometry() == view.viewport().rect())


def test_about_names_the_log_file(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    """Try-out 2: the helpdesk's next question after the version, "where is the log?", had no answer in Knop."""
    from desktop import logs

    from tests.ui.driving import about_box

    window = MainWindow(make_context("mette"))
    qtbot.addWidget(window)
    window.about()
    about = about_box(qtbot)
    assert f"Log file: {logs.log_file()}" in about.informativeText().splitlines()
    about.close()


def test_choosing_english_in_danish_names_it_in_danish(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    """Try-out 2: Knop -> Sprog -> English said "Knop er på English, næste gang det starter.".
    Since try-out 4 no note is needed: the choice is kept with the person's settings and
    the window is built again in English at once (the shell's part: test_shell)."""
    from ui import words

    before = words.language()
    words.use_language("da")
    try:
        window = MainWindow(make_context("anna", "da"))
        qtbot.addWidget(window)
        choices = {action.text(): action for action in window.language_menu.actions()}
        with qtbot.waitSignal(window.language_chosen, timeout=10_000) as chosen:
            choices["English"].trigger()
        assert chosen.args == ["en"]
        assert getattr(window, "language_note", None) is None  # nothing to read in a mix of two
    finally:
        words.use_language(before)


def test_a_greyed_out_number_field_still_shows_its_arrows(qtbot: Any) -> None:
    """Try-out 6: the greyed-out "Timer, du tilbyder" showed two blank buttons: the style sheet
    drew no arrow at all on a disabled spin box. They are drawn, greyed."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QStyle, QStyleOptionSpinBox

    from tests.ui.driving import styled
    from ui.wording import HoursField

    def inked(box: HoursField) -> int:
        """The pixels of the up button's middle that are darker than its background."""
        option = QStyleOptionSpinBox()
        box.initStyleOption(option)
        button = box.style().subControlRect(
            QStyle.ComplexControl.CC_SpinBox, option, QStyle.SubControl.SC_SpinBoxUp, box
        )
        image = box.grab().toImage()
        middle = button.adjusted(4, 2, -4, -2)
        return sum(
            1
            for x in range(middle.left(), middle.right() + 1)
            for y in range(middle.top(), middle.bottom() + 1)
            if QColor(image.pixel(x, y)).lightness() < 200
        )

    with styled("da"):
        box = HoursField("da", 1)
        qtbot.addWidget(box)
        box.resize(160, 32)
        box.show()
        qtbot.waitExposed(box)
        assert inked(box) > 0  # the arrow, enabled
        box.setEnabled(False)
        assert inked(box) > 0  # and greyed out
