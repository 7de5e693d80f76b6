"""Words a try-out found cut, with real widgets at real sizes: labels, the invitation's message, titles.

- "To" read "Tc" beside the Reports' and the Audit trail's dates (Xvfb, 1920x1080): a label
  whose letter carries its &-key underline is drawn in pieces, without the kerning its
  width was measured with ("To" kerns tight), so its last letter lost a few pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.core.entities import Role
from sync.server import demo
from tests.ui.driving import no_message_boxes  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.main import install_translators, style_sheet
from ui.oversight_audit import AuditScreen
from ui.oversight_reports import ReportsScreen

AT = "2026-11-30T10:15:00Z"


@pytest.fixture(autouse=True)
def _styled() -> Iterator[None]:
    """The real style sheet, in English (where "To" is cut)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(style_sheet())
    yield
    app.setStyleSheet(before)


def _unkerned_width(label: QLabel) -> int:
    """What the label's words take drawn letter by letter (an underlined letter breaks the kerning)."""
    font = label.font()
    font.setKerning(False)
    return QFontMetrics(font).horizontalAdvance(label.text().replace("&", ""))


def _buddy_labels(top: QWidget) -> list[QLabel]:
    return [label for label in top.findChildren(QLabel) if label.buddy() is not None and label.isVisible()]


@pytest.mark.parametrize("kind", [AuditScreen, ReportsScreen])
def test_the_date_labels_have_room_for_their_words(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, kind: type
) -> None:
    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    answer = {"computed_at": AT, "since": "2025-11-30", "until": "2026-11-30", "sites": [], "events": [], "names": {}}
    screen = kind(make_context(person=admin, language="en"), fetcher=lambda _n, _p: answer)
    qtbot.addWidget(screen)
    screen.resize(1900, 900)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
    labels = _buddy_labels(screen)
    assert any(label.text() == "&To" for label in labels)
    cut = [(label.text(), label.width(), _unkerned_width(label)) for label in labels
           if label.contentsRect().width() < _unkerned_width(label)]
    assert cut == []
