"""Column titles that break onto lines are painted whole, right-aligned or not (try-out s36, 2).

The reports' titles were cut at both ends ("el besat", "re kommuner"): the header
(`ui.table_model.WrappingHeader`) sized each column for its title's widest line, but
a column of numbers brings its own alignment (right), which has no word-wrap flag,
so the title was painted on one line, centred and clipped at the section's edges.
These tests lay out the real screens' titles as the header paints them, under the
real style sheet, and ask that each fits its section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeaderV2

from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.insights_map import CompetenceMap
from ui.oversight_reports import ReportsScreen
from ui.table_model import WrappingHeader


def _cut_titles(header: QHeaderView) -> list[str]:
    """The titles that the header paints wider or taller than their section's room for text.

    Measured as the style draws them: the option the header paints a section with,
    its label's rectangle under the style sheet, and the text laid out with the
    option's alignment (which says whether it may wrap) in a bold font (the style
    sheet's 600 weight or less; bold is the wider, so this errs on the safe side).
    """
    font = QFont(header.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    cut = []
    for logical in range(header.count()):
        option = _painted_option(header, logical)
        option.rect = QRect(0, 0, header.sectionSize(logical), header.height())
        room = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
        flags = int(option.textAlignment)
        used = metrics.boundingRect(room, flags, option.text)
        if used.width() > room.width() or used.height() > room.height():
            cut.append(f"{header.model().headerData(logical, header.orientation())}: {used.size()} in {room.size()}")
    return cut


def _painted_option(header: QHeaderView, logical: int) -> QStyleOptionHeaderV2:
    """The option `QHeaderView.paintSection` paints a section with, made in its order.

    First the header's own (`initStyleOption`: its rectangle is the whole header's),
    then the section's (`initStyleOptionForIndex`); the section's rectangle comes after.
    """
    option = QStyleOptionHeaderV2()
    header.initStyleOption(option)
    header.initStyleOptionForIndex(option, logical)
    return option


def _painted_lines(header: QHeaderView, logical: int) -> list[str]:
    return _painted_option(header, logical).text.split("\n")


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_reports_titles_are_painted_whole(
    qtbot: Any, make_context: Callable[..., AppContext], language: str
) -> None:
    admin = make_context("admin", language)
    nothing = lambda _name, _params: {}  # noqa: E731 - the titles are there before any answer
    with styled(language):
        screen = ReportsScreen(admin, fetcher=nothing)
        qtbot.addWidget(screen)
        screen.resize(1280, 720)
        screen.show()
        header = screen.table.horizontalHeader()
        assert isinstance(header, WrappingHeader)
        qtbot.waitUntil(lambda: header.isVisible() and header.height() > 0)
        numeric = [c for c in range(header.count()) if len(header.title_lines(c)) > 1]
        assert numeric, "the reports have titles of more than one word"
        assert _cut_titles(header) == []
        # The painted lines are the title's words, every one of them.
        for logical in range(header.count()):
            title = str(header.model().headerData(logical, header.orientation()))
            assert " ".join(_painted_lines(header, logical)).split() == title.split()
    qtbot.waitUntil(lambda: not admin.worker.busy(), timeout=10_000)


def test_the_competence_maps_titles_are_painted_whole(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    admin = make_context("admin", "da")
    nothing = lambda _name, _params: {}  # noqa: E731
    with styled("da"):
        screen = CompetenceMap(admin, fetcher=nothing)
        qtbot.addWidget(screen)
        screen.resize(1024, 700)
        screen.show()
        headers = [h for h in screen.findChildren(WrappingHeader) if h.isVisible()]
        qtbot.waitUntil(lambda: all(h.height() > 0 for h in headers))
        assert headers
        for header in headers:
            assert _cut_titles(header) == []
    qtbot.waitUntil(lambda: not admin.worker.busy(), timeout=10_000)
