"""What a new user's try-out at 1024 and 1280 px (Danish, then English) found cut or squeezed, with real widgets.

- The task view's "Send kommentar" was half hidden at 1280x800 and at 1024: in Danish the
  bid's buttons (hidden ones counted) made the column wider than its half, which never
  scrolls sideways, and it scrolled up and down because the conversation asked
  for its preferred height, not the four rows it needs.
- The network chart's last month label was cut to "2026-0".
- The skills search's hint (its placeholder) was cut in English on the task form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF
from PySide6.QtWidgets import QLineEdit

from sync.server import demo
from tests.ui.driving import bidding_view, no_message_boxes, shown, wholly_visible  # noqa: F401 - autouse fixture
# Each test in Danish, then English, with the real style sheet (autouse) and contexts in that language.
from tests.ui.test_small_screen import _styled, language  # noqa: F401
from ui.context import AppContext
from ui.insights_network import NewLinksChart
from ui.my_page import MyPage
from ui.task_form import TaskForm
from ui.task_view import TaskView


@pytest.fixture
def make_context(make_context: Callable[..., AppContext], language: str) -> Callable[..., AppContext]:  # noqa: F811
    """The conftest's `make_context`, in the test's language."""
    return lambda *args, **kwargs: make_context(*args, **{**kwargs, "language": language})


# The task view's own size in a maximised window on a 1280x800 and a 1024x768 screen
# (less the title bar, a panel, Knop's menu, navigation and status bars), and on a short one.
@pytest.mark.parametrize(("size", "scrolled"), [((1280, 660), False), ((1024, 640), False), ((1024, 420), True)])
def test_the_comment_button_is_wholly_visible(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, size: tuple[int, int],
    scrolled: bool,
) -> None:
    """Without scrolling, whether the bid's column scrolls or not: the comment box and its
    button sit under that column (try-out s36 found "Send kommentar" half hidden)."""
    view: TaskView = bidding_view(qtbot, make_context("anna"), demo_data, size)
    qtbot.waitUntil(lambda: view.send_button.isVisible())
    where = QRect(view.send_button.mapTo(view, QPoint(0, 0)), view.send_button.size())
    assert view.rect().contains(where), (where, view.size(), scrolled)


# The task view's own size in Knop's window on a 1024x600 screen and on a 1600x1000 one.
@pytest.mark.parametrize(("size", "lines"), [((1024, 454), 5), ((1600, 894), 10)])
def test_the_bid_message_has_room_for_a_few_sentences_and_place_bid_stays_in_view(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, size: tuple[int, int],
    lines: int,
) -> None:
    """Try-out 21: the message to the manager was three lines high. Now five at least and up to ten
    where the column has room, with "Place bid" in view without scrolling, and on a big screen
    "Send comment" too."""
    view: TaskView = bidding_view(qtbot, make_context("anna"), demo_data, size)
    qtbot.waitUntil(lambda: view.place_button.isVisible())
    line = view.bid_message.fontMetrics().lineSpacing()
    assert view.bid_message.viewport().height() >= lines * line, (view.bid_message.viewport().height(), line)
    assert view.bid_message.height() <= view.bid_message.maximumHeight()
    assert view.acting_area.verticalScrollBar().value() == 0
    assert wholly_visible(view.acting_area, view.place_button), (
        view.place_button.geometry(), view.acting_area.viewport().size()
    )
    if size[1] > 600:
        where = QRect(view.send_button.mapTo(view, QPoint(0, 0)), view.send_button.size())
        assert view.rect().contains(where)


@pytest.mark.parametrize("months", [24, 25, 9])
def test_the_network_charts_month_labels_are_whole_and_inside_it(qtbot: Any, months: int) -> None:
    """The last month's label, at the chart's right edge, read "2026-0" (try-out, 1024 px)."""
    chart = NewLinksChart()
    qtbot.addWidget(chart)
    chart.resize(984, 170)
    series = [{"month": f"{2024 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}", "links": i % 5} for i in range(months)]
    chart.show_months(series, "Nye forbindelser mellem arbejdssteder pr. måned", language="da")
    area = QRectF(chart.rect())
    metrics = chart.fontMetrics()
    step = (area.width() - 54) / (months - 1)
    points = [QPointF(area.left() + 40 + i * step, area.bottom() - 24) for i in range(months)]
    labels = chart.month_labels(metrics, area, points)
    assert len(labels) >= min(months, 6)
    for (box, text), after in zip(labels, [*labels[1:], None], strict=True):
        assert area.contains(box), (text, box, area)
        assert box.width() >= metrics.horizontalAdvance(text), text
        if after is not None:
            assert box.right() < after[0].left(), (text, after[1])


def _placeholder_fits(field: QLineEdit) -> bool:
    """Whether `field`'s placeholder is shown whole: Qt's own chrome (frame, padding, clear button) is
    what its size hint adds to the 17 "x" it is built around."""
    metrics = field.fontMetrics()
    chrome = field.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
    return metrics.horizontalAdvance(field.placeholderText()) + chrome <= field.width()


@pytest.mark.parametrize("who", ["anna", "mette"])
def test_the_skills_search_hint_is_whole_on_the_task_form_and_my_page(
    qtbot: Any, make_context: Callable[..., AppContext], who: str
) -> None:
    """English's "Search the catalogue or write a fre…" on the task form at 1024 px (try-out)."""
    context = make_context(who)
    form = shown(qtbot, TaskForm(context), size=(1024, 640))
    qtbot.waitUntil(lambda: form.picker.search.isVisible())
    assert _placeholder_fits(form.picker.search), (form.picker.search.width(), form.picker.search.placeholderText())
    page = shown(qtbot, MyPage(make_context(who)), size=(1024, 640))
    if page.picker.search.isVisible():
        assert _placeholder_fits(page.picker.search), page.picker.search.width()
