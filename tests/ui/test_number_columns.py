"""Columns of numbers are right-aligned, title and cells, so the digits line up as on paper.

A try-out (8) found the lending list's hours left-aligned; the reports, the review
list's "bids waiting", My page's bids and the insights' counts were the same. The
screens are the real ones, in Danish; the header says the column's alignment
(`ui.table_model.Column.numeric`), and a cell of a filled table says it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionHeader, QTableView, QWidget

from desktop.core.entities import Role
from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from ui.bids_to_decide import BidsToDecide
from ui.context import AppContext
from ui.insights_map import CompetenceMap
from ui.insights_talent import TalentSearch
from ui.my_page import MyPage
from ui.oversight_lending import LendingScreen
from ui.oversight_reports import ReportsScreen
from ui.table_model import WrappingHeader

RIGHT = Qt.AlignmentFlag.AlignRight

# The Danish titles of the columns that hold numbers, per screen (the catalogue's words).
NUMBERS: dict[str, set[str]] = {
    "ReportsScreen": {"Oprettet", "Besat", "Timer udlånt"},
    "BidsToDecide": {"Ventende bud"},
    "MyPage": {"Bud"},
    "CompetenceMap": {"Skjult", "Vist", "Anerkendt", "Udført"},
    "TalentSearch": {"Opgaver"},
    "LendingScreen": {"Timer udlånt"},
}
# Columns of words on the same screens stay left-aligned.
WORDS = {"Arbejdssted", "Opgave", "Kompetence", "Navn"}


def _titles(view: QTableView) -> dict[str, int]:
    model = view.model()
    return {
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)): c
        for c in range(model.columnCount())
    }


def _aligned_right(view: QTableView, column: int) -> bool:
    alignment = view.model().headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole)
    return alignment is not None and bool(Qt.AlignmentFlag(int(alignment)) & RIGHT)


def test_the_columns_of_numbers_are_right_aligned_and_those_of_words_are_not(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    admin = make_context("admin", "da")
    manager = next(
        c for c in (make_context(n, "da") for n in ("mette", "anna")) if c.person.role == Role.SITE_MANAGER
    )
    nothing = lambda _name, _params: {}  # noqa: E731 - the columns are there before any answer
    with styled("da"):  # the app's language, as the shell sets it: the screens' titles follow it
        screens: list[QWidget] = [
            ReportsScreen(admin, fetcher=nothing), BidsToDecide(manager), MyPage(manager),
            CompetenceMap(admin, fetcher=nothing), TalentSearch(admin, fetcher=nothing), LendingScreen(admin),
        ]
    for screen in screens:
        qtbot.addWidget(screen)
        wanted = NUMBERS[type(screen).__name__]
        found: set[str] = set()
        for view in screen.findChildren(QTableView):
            for title, column in _titles(view).items():
                if title in wanted:
                    assert _aligned_right(view, column), (type(screen).__name__, title)
                    found.add(title)
                elif title in WORDS:
                    assert not _aligned_right(view, column), (type(screen).__name__, title)
        assert found == wanted, (type(screen).__name__, wanted - found)
    # A filled table: the review list's cells say the same as its title.
    review = screens[1]
    assert isinstance(review, BidsToDecide)
    qtbot.waitUntil(lambda: review.table.model().rowCount() > 0, timeout=10_000)
    column = _titles(review.table)["Ventende bud"]
    cell = review.table.model().index(0, column)
    assert Qt.AlignmentFlag(int(cell.data(Qt.ItemDataRole.TextAlignmentRole))) & RIGHT
    for context in (admin, manager):
        qtbot.waitUntil(lambda c=context: not c.worker.busy(), timeout=10_000)


def test_a_right_aligned_title_of_several_words_still_breaks_onto_lines(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """The reports' titles read "el besat", "r udlånt", "re kommuner" once they were right-aligned.

    The model's alignment for a numeric column replaced the header's own, word wrap
    included, so a title sized for its lines (`WrappingHeader.title_lines`) was painted
    on one line and cut at both ends (the README's picture of 2 December 2026). What
    paints a section is its style option: it must still say to break the words.
    """
    admin = make_context("admin", "da")
    nothing: Callable[[str, Any], dict[str, Any]] = lambda _name, _params: {}  # noqa: E731 - no answer needed
    with styled("da"):
        screen = ReportsScreen(admin, fetcher=nothing)
    qtbot.addWidget(screen)
    [view] = [v for v in screen.findChildren(QTableView) if "Timer udlånt" in _titles(v)]
    header = view.horizontalHeader()
    assert isinstance(header, WrappingHeader)
    for title, column in _titles(view).items():
        option = QStyleOptionHeader()
        header.initStyleOptionForIndex(option, column)
        alignment = int(option.textAlignment)
        assert alignment & int(Qt.TextFlag.TextWordWrap), title
        if _aligned_right(view, column):
            assert alignment & int(RIGHT), title  # and still right-aligned
    qtbot.waitUntil(lambda: not admin.worker.busy(), timeout=10_000)
