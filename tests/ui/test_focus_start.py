"""Where the keyboard focus starts on a page (`ui.window_focus.focus_start`), with real widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget

from ui.window_focus import focus_start, mark_destructive, tab_order


def _page(qtbot: Any) -> QWidget:
    page = QWidget()
    qtbot.addWidget(page)
    return page


def test_a_page_starts_at_the_first_field_the_person_sees_not_the_first_made(qtbot: Any) -> None:
    """A page that made its list before the search field above it started in the list."""
    page = _page(qtbot)
    results = QListWidget(page)  # made first ...
    search = QLineEdit(page)  # ... shown first
    layout = QVBoxLayout(page)
    layout.addWidget(search)
    layout.addWidget(results)
    page.show()
    qtbot.waitExposed(page)
    focus_start(page)
    assert page.focusWidget() is search
    assert tab_order(page) == [search, results]


def test_a_grid_is_read_by_rows_and_columns(qtbot: Any) -> None:
    page = _page(qtbot)
    grid = QGridLayout(page)
    fields = [QLineEdit(page) for _ in range(4)]  # made in the order 0..3
    for field, (row, column) in zip(fields, [(1, 1), (0, 1), (1, 0), (0, 0)], strict=True):
        grid.addWidget(field, row, column)
    page.show()
    assert tab_order(page) == [fields[3], fields[1], fields[2], fields[0]]
    focus_start(page)
    assert page.focusWidget() is fields[3]


def test_the_focus_never_starts_on_a_destructive_button(qtbot: Any) -> None:
    """A page of buttons only starts at the first that undoes nothing."""
    page = _page(qtbot)
    withdraw = QPushButton("Withdraw bid", page)
    calendar = QPushButton("Add to calendar", page)
    mark_destructive(withdraw)
    layout = QVBoxLayout(page)
    layout.addWidget(withdraw)
    layout.addWidget(calendar)
    page.show()
    qtbot.waitExposed(page)
    focus_start(page)
    assert page.focusWidget() is calendar
