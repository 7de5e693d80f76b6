"""Every table's focus frame is whole beside its rows and header, not only the board's.

The board's table got a margin so its 2 px focus frame is not painted over by its
rows (a try-out saw the frame's left edge on every other row); the other tables
(`ui.table_model.table_view`) kept their rows 1 px in, so the chosen row and the
header covered the frame's inner line (the review list, My page, polish16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from tests.ui.driving import a_full_task_with_bids_waiting, no_message_boxes, shown, styled  # noqa: F401 - autouse fixture
from ui.bids_to_decide import BidsToDecide
from ui.context import AppContext
from ui.my_page import MyPage

FOCUS = QColor("#1f5fa8")  # the style sheet's QTableView:focus border


def _frame_is_whole(qtbot: Any, view: QTableView) -> None:
    """With the keys and a row chosen, the 2 px frame shows beside each row and above the header."""
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    model = view.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    view.setCurrentIndex(model.index(0, 0))
    picture = view.grab().toImage()
    rows = [
        view.viewport().mapTo(view, view.visualRect(model.index(r, 0)).center()).y()
        for r in range(min(4, model.rowCount()))
    ]
    header = view.horizontalHeader()
    rows.append(header.mapTo(view, header.rect().center()).y())
    right = view.width() - 1
    for x in (0, 1, right - 1, right):
        assert [picture.pixelColor(x, y) for y in rows] == [FOCUS] * len(rows), x
    middle = header.mapTo(view, header.rect().center()).x()
    assert [picture.pixelColor(middle, y) for y in (0, 1)] == [FOCUS] * 2  # above the header too
    # The rows stay where they were without the keys: the frame's width does not move them.
    with_keys = view.viewport().geometry()
    view.clearFocus()
    qtbot.waitUntil(lambda: not view.hasFocus())
    assert view.viewport().geometry() == with_keys


def _manager(make_context: Callable[..., AppContext]) -> AppContext:
    name = next(n for n in ("mette", "anna") if make_context(n).person.role == "site_manager")
    return make_context(name, "da")


def test_the_review_list_frames_its_chosen_row(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    with styled("da"):
        context = _manager(make_context)
        a_full_task_with_bids_waiting(context.store_path, context.person)  # the lower list has rows
        page = shown(qtbot, BidsToDecide(context))
        _frame_is_whole(qtbot, page.table)
        _frame_is_whole(qtbot, page.filled_table)


def test_my_page_frames_its_chosen_row(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    with styled("da"):
        page = shown(qtbot, MyPage(_manager(make_context)))
        qtbot.waitUntil(lambda: page.bids_table.isVisible())
        _frame_is_whole(qtbot, page.bids_table)
