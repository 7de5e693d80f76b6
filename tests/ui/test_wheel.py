"""The mouse wheel over a page scrolls it, and leaves the fields it passes over as they were."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from sync.server import demo
from tests.ui.driving import biddable_task, no_message_boxes, shown  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.task_view import TaskView
from ui.wheel import guard_the_wheel


def turn_wheel_over(widget: QWidget, notches: int) -> None:
    """`notches` turns away from the user (scrolling up) over `widget`.

    Sent to the spin box itself: a real turn reaches its line edit, which passes it on to
    the spin box, but Qt passes on only spontaneous events, which a test cannot make.
    """
    inside = QPointF(widget.rect().center())
    event = QWheelEvent(
        inside,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def page_around(widget: QWidget) -> QAbstractScrollArea:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    assert parent is not None
    return parent


def test_the_wheel_over_the_hours_of_a_bid_scrolls_the_page_and_leaves_the_hours(
    qtbot: Any, qapp: QApplication, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Found by a new-user try-out at 1024x600: scrolling the task page back up, the pointer
    passed over "Timer, du tilbyder" and the rest of the turn set it from "Ikke angivet" to 1,0."""
    guard_the_wheel(qapp)
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    # Low enough that the task's column surely scrolls (at 460 it overflowed by 7 px since the
    # comment box moved below the column, and not at all on a busy CI run).
    view = shown(qtbot, TaskView(context, task.id), size=(1008, 380))
    hours = view.bid_hours
    assert hours.value() == 0 and hours.text() == hours.specialValueText()
    page = page_around(hours)
    bar = page.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    view.bid_message.setFocus()
    before = bar.value()

    turn_wheel_over(hours, 1)

    assert hours.value() == 0 and not hours.hasFocus()
    assert hours.focusPolicy() == Qt.FocusPolicy.StrongFocus  # not WheelFocus: a turn does not take it
    assert bar.value() < before  # the page moved instead
    # Once chosen (a click, Tab), the field is the person's to turn.
    hours.setFocus()
    turn_wheel_over(hours, 1)
    assert hours.value() > 0
