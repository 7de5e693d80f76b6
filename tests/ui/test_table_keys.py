"""Every list of rows is one Tab stop, the arrows move its current row, and that row is outlined.

Qt's tables take Tab for themselves, cell by cell: a keyboard user who tabbed into
the review list or an admin table had to walk every cell of every row to get out,
and the current row showed only as a pale tint (`ui.rows_view`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.entities import Role
from tests.ui.driving import no_message_boxes, shown, styled  # noqa: F401 - autouse fixture
from ui.admin_screen import AdminScreen
from ui.bids_to_decide import BidsToDecide
from ui.board import Board
from ui.context import AppContext
from ui.insights_map import CompetenceMap
from ui.insights_network import NetworkScreen
from ui.insights_talent import TalentSearch
from ui.my_page import MyPage
from ui.oversight_audit import AuditScreen
from ui.oversight_lending import LendingScreen
from ui.oversight_reports import ReportsScreen
from ui.rows_view import RowsView
from ui.sync_status import AttentionPanel
from ui.table_model import Column, RowsModel, table_view

FOCUS_BLUE = QColor("#1f5fa8")  # knop.qss: the tables' Highlight, every focus mark's colour
CHOSEN_TINT = QColor("#cfe0f3")  # knop.qss: QTableView::item:selected


def _manager(make_context: Callable[..., AppContext]) -> AppContext:
    name = next(n for n in ("mette", "anna") if make_context(n).person.role == Role.SITE_MANAGER)
    return make_context(name, "da")


def _row_rect(view: QTableView) -> QRect:
    """The current row across its shown columns, in the viewport (measured here, not asked of the view)."""
    model, row = view.model(), view.currentIndex().row()
    header = view.horizontalHeader()
    whole = QRect()
    for column in range(model.columnCount()):
        if not header.isSectionHidden(column):
            whole = whole.united(view.visualRect(model.index(row, column)))
    return whole


def _edges(picture: QImage, rect: QRect) -> list[QColor]:
    """The colours of both pixel lines at each of the row's four edges, halfway along."""
    middle = rect.center()
    points = [(rect.left(), middle.y()), (rect.left() + 1, middle.y()),
              (rect.right(), middle.y()), (rect.right() - 1, middle.y()),
              (middle.x(), rect.top()), (middle.x(), rect.top() + 1),
              (middle.x(), rect.bottom()), (middle.x(), rect.bottom() - 1)]
    return [picture.pixelColor(x, y) for x, y in points]


def _tab(qtbot: Any, backwards: bool = False) -> QWidget:
    """Press Tab (or Shift+Tab) where the keys are; the widget that has them afterwards."""
    before = QApplication.focusWidget()
    assert before is not None
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    qtbot.keyClick(before, key, Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not before)
    after = QApplication.focusWidget()
    assert after is not None
    return after


def test_tab_enters_the_review_list_and_the_next_tab_leaves_it(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """The review list between a field and a button (as the main window has its search and buttons)."""
    with styled("da"):
        host = QWidget()
        qtbot.addWidget(host)
        field = QLineEdit(host)
        page = BidsToDecide(_manager(make_context), host)
        button = QPushButton("Næste", host)
        layout = QVBoxLayout(host)
        for widget in (field, page, button):
            layout.addWidget(widget)
        host.resize(1280, 720)
        with qtbot.waitSignal(page.loaded), qtbot.waitActive(host):
            host.show()
            host.activateWindow()
        view = page.table
        qtbot.waitUntil(lambda: view.model().rowCount() > 2)
        page.filled_part.hide()  # one list here, whether or not the demo has tasks with every place filled
        field.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(field.hasFocus)
        assert _tab(qtbot) is view  # in
        assert view.currentIndex().row() == 0
        assert _tab(qtbot) is button  # and out again, not to the next cell
        assert _tab(qtbot, backwards=True) is view  # back in from behind
        assert _tab(qtbot, backwards=True) is field
        assert _tab(qtbot) is view
        qtbot.keyClick(view, Qt.Key.Key_Down)
        assert view.currentIndex().row() == 1
        assert view.selectionModel().isRowSelected(1)
        # Home and End go to the first and the last row (Qt's table: the row's first and last cell).
        qtbot.keyClick(view, Qt.Key.Key_End)
        assert view.currentIndex().row() == view.model().rowCount() - 1
        assert view.selectionModel().isRowSelected(view.model().rowCount() - 1)
        qtbot.keyClick(view, Qt.Key.Key_Up)
        assert view.currentIndex().row() == view.model().rowCount() - 2
        qtbot.keyClick(view, Qt.Key.Key_Home)
        assert view.currentIndex().row() == 0
        assert view.hasFocus()


def test_the_current_row_is_outlined_in_the_focus_blue_while_the_list_has_the_keys(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    with styled("da"):
        page = shown(qtbot, BidsToDecide(_manager(make_context)))
        view = page.table
        qtbot.waitUntil(lambda: view.model().rowCount() > 2)
        view.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(view.hasFocus)
        qtbot.keyClick(view, Qt.Key.Key_Down)
        row = _row_rect(view)
        assert row.width() > view.viewport().width() // 2  # the whole row, not a cell
        picture = view.viewport().grab().toImage()
        assert _edges(picture, row) == [FOCUS_BLUE] * 8
        # Inside the outline the chosen row keeps its tint (a cell's padding, left of its text).
        assert picture.pixelColor(row.left() + 4, row.center().y()) == CHOSEN_TINT
        # The row above, no longer current, has no outline left behind.
        above = row.translated(0, -row.height())
        assert FOCUS_BLUE not in _edges(picture, above)[:4]
        # Without the keys the row is only chosen, not outlined.
        page.filled_table.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda: not view.hasFocus())
        qtbot.waitUntil(lambda: FOCUS_BLUE not in _edges(view.viewport().grab().toImage(), row))


def test_the_outline_takes_a_high_contrast_palettes_highlight(qtbot: Any) -> None:
    """Without Knop's style sheet the outline is the palette's Highlight: a high-contrast theme's own."""
    page = QWidget()
    qtbot.addWidget(page)
    contrast = QPalette()
    for role, colour in ((QPalette.ColorRole.Base, "#000000"), (QPalette.ColorRole.Window, "#000000"),
                         (QPalette.ColorRole.Text, "#ffffff"), (QPalette.ColorRole.Highlight, "#ffff00"),
                         (QPalette.ColorRole.HighlightedText, "#000000")):
        contrast.setColor(role, QColor(colour))
    page.setPalette(contrast)
    model: RowsModel[str] = RowsModel([Column("Name", str), Column("Site", str.upper)], key=str)
    model.set_rows(["Anna", "Mette", "Ole"])
    view = table_view(page, model, "People", (0,))
    view.setAlternatingRowColors(False)
    view.resize(400, 200)
    page.resize(400, 200)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    # Current but not chosen (Ctrl+Space), so the outline is the only mark on the row.
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert not view.selectionModel().hasSelection()
    row = _row_rect(view)
    picture = view.viewport().grab().toImage()
    assert _edges(picture, row) == [QColor("#ffff00")] * 8
    # A 2 px line round the row, not a fill: the row's inside is the theme's own.
    middle = row.center().x()
    assert [picture.pixelColor(middle, y) for y in (row.top() + 2, row.bottom() - 2)] != [QColor("#ffff00")] * 2


def test_every_table_of_every_screen_is_one_tab_stop(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """The board, needs-attention, My page, the review list, oversight, the admin tables and the insights."""
    admin = make_context("admin", "da")
    manager = _manager(make_context)
    nothing = lambda _name, _params: {}  # noqa: E731 - the screens are built, not answered
    screens: list[QWidget] = [
        Board(manager), AttentionPanel(manager), MyPage(manager), BidsToDecide(manager), LendingScreen(admin),
        AuditScreen(admin, fetcher=nothing), ReportsScreen(admin, fetcher=nothing),
        AdminScreen(admin, fetcher=nothing), CompetenceMap(admin, fetcher=nothing),
        NetworkScreen(admin, fetcher=nothing), TalentSearch(admin, fetcher=nothing),
    ]
    tables: list[QTableView] = []
    for screen in screens:
        qtbot.addWidget(screen)
        tables += [
            view for view in screen.findChildren(QTableView)
            if not any(isinstance(w, QCalendarWidget) for w in _ancestors(view))
        ]
    assert len(tables) >= 20
    for view in tables:
        assert not view.tabKeyNavigation(), view.accessibleName()
        assert view.selectionBehavior() == QTableView.SelectionBehavior.SelectRows, view.accessibleName()
        # The one list of rows (ui.rows_view), whose outline and keys the tests above try.
        assert isinstance(view, RowsView), view.accessibleName()
    for context in (admin, manager):
        qtbot.waitUntil(lambda c=context: not c.worker.busy(), timeout=10_000)


def _ancestors(widget: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    parent = widget.parentWidget()
    while parent is not None:
        found.append(parent)
        parent = parent.parentWidget()
    return found
