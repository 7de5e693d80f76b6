"""The competence map's filters at 1024x600: every site and category reads whole in its box, in the window.

A try-out at 1024x600 chose a site on the map and read "Ældrece": the site box kept
the width of "Alle arbejdssteder" it had when first shown, before the sites came.
The boxes are as wide as their longest entry now, and the two wrap onto a second
line where one does not hold them. The demo's answers (two municipalities) are the
server's own (tests/ui/test_insight_layout.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyleOptionComboBox, QWidget

from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from tests.ui.test_insight_layout import admin_window, demo_answers, open_competence_map  # noqa: F401 - fixture
from ui.context import AppContext


def _text_room(box: QComboBox) -> int:
    """The width (px) the box's style gives the chosen entry's text."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    return box.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
    ).width()


def _laid_out(window: QWidget) -> None:
    """Lay `window` out as the event loop would before drawing: a box that grew asks for a new layout."""
    for _ in range(3):  # a pair's layout, the flow around it, the page's
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.grab()


def _on(page: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(page, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_filter_entry_reads_whole_at_1024x600(
    qtbot: Any, make_context: Callable[..., AppContext], demo_answers: dict[str, Any], language: str  # noqa: F811
) -> None:
    with styled(language):
        window = admin_window(qtbot, make_context, demo_answers, language)
        window.resize(1024, 600)
        page = open_competence_map(qtbot, window)
        qtbot.waitUntil(lambda: page.site_filter.count() > 10, timeout=10_000)
        boxes = (page.site_filter, page.category_filter)
        cut = []
        for box in boxes:
            for entry in range(box.count()):
                box.setCurrentIndex(entry)
                _laid_out(window)
                if box.fontMetrics().horizontalAdvance(box.currentText()) > _text_room(box):
                    cut.append(box.currentText())
        assert cut == []
        # Both boxes and their labels on the page, side by side or one under the other, never overlapping.
        site, category = (_on(page, box) for box in boxes)
        assert page.rect().contains(site) and page.rect().contains(category)
        assert not site.intersects(category)
        assert not _on(page, page.export_button).intersects(site) and not _on(page, page.refresh_button).intersects(category)
        # The tables keep their room under them: the filters take one line here, two at the most.
        assert category.bottom() < page.tabs.mapTo(page, QPoint(0, 0)).y()
        window.tear_down()


def test_the_filters_wrap_rather_than_being_cut_where_a_line_cannot_hold_them(
    qtbot: Any, make_context: Callable[..., AppContext], demo_answers: dict[str, Any]  # noqa: F811
) -> None:
    """A municipality with a long site name: the category box goes to a second line, both whole."""
    with styled("da"):
        window = admin_window(qtbot, make_context, demo_answers, "da")
        window.resize(1024, 600)
        page = open_competence_map(qtbot, window)
        qtbot.waitUntil(lambda: page.site_filter.count() > 10, timeout=10_000)
        long_name = "Det Kommunale Kompetencecenter for Specialundervisning og Rådgivning, afdeling Nord"
        page.site_filter.addItem(long_name, "a-site-with-a-long-name")
        page.site_filter.setCurrentIndex(page.site_filter.count() - 1)
        page.category_filter.setCurrentIndex(page.category_filter.count() - 2)
        _laid_out(window)
        site, category = _on(page, page.site_filter), _on(page, page.category_filter)
        assert category.top() > site.bottom()  # wrapped onto the next line
        assert page.rect().contains(site) and page.rect().contains(category)
        for box in (page.site_filter, page.category_filter):
            assert box.fontMetrics().horizontalAdvance(box.currentText()) <= _text_room(box), box.currentText()
        window.tear_down()
