"""Small things from try-out s36 (19), in Danish with real widgets: About Knop kept the device's
id whole (it was broken at a hyphen, mid-id), and the "Ny opgave" button is marked while its
form is the page (Opgaver and Min side were, it was not)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QToolBar

from desktop.core.entities import Person
from desktop.core.ids import uuid7
from tests.ui.driving import about_box, no_message_boxes, styled  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.main_window import MainWindow


def test_about_keeps_the_device_id_on_one_line(
    qtbot: Any, person: Callable[[str], Person], demo_store: Path
) -> None:
    device_id = str(uuid7())
    context = AppContext(person("mette"), demo_store, device_id, "da")
    try:
        with styled("da"):
            window = MainWindow(context)
            qtbot.addWidget(window)
            window.about()
            about = about_box(qtbot)
            label = about.findChild(QLabel, "qt_msgbox_informativelabel")
            assert label is not None
            line = next(t for t in label.text().splitlines() if device_id in t)
            assert line == f"Enhedens id: {device_id}"
            # Laid out as the label wraps it, in its width, no line ends inside the id.
            layout = QTextLayout(line, label.font())
            option = QTextOption()
            option.setWrapMode(QTextOption.WrapMode.WordWrap)
            layout.setTextOption(option)
            layout.beginLayout()
            ends = []
            while (row := layout.createLine()).isValid():
                row.setLineWidth(label.contentsRect().width())
                ends.append(row.textStart() + row.textLength())
            layout.endLayout()
            start = line.index(device_id)
            assert not any(start < end < start + len(device_id) for end in ends), (ends, start)
            about.close()
            window.tear_down()
    finally:
        context.close()


def test_the_new_task_button_is_marked_while_its_form_is_shown(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    with styled("da"):
        window = MainWindow(make_context("anna", "da"))
        qtbot.addWidget(window)
        window.show()
        bar = window.findChild(QToolBar, "navigation")
        assert bar is not None
        window.new_task()
        qtbot.waitUntil(lambda: type(window.current_page()).__name__ == "TaskForm", timeout=10_000)
        assert window.new_task_action.isChecked()
        assert not window.board_action.isChecked() and not window.my_page_action.isChecked()
        window.go_board()
        qtbot.waitUntil(lambda: window.board_action.isChecked())
        assert not window.new_task_action.isChecked()
        window.tear_down()
