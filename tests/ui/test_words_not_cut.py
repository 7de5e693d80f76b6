"""Words a try-out found cut, with real widgets at real sizes: labels, the invitation's message, titles.

- "To" read "Tc" beside the Reports' and the Audit trail's dates (Xvfb, 1920x1080): a label
  whose letter carries its &-key underline is drawn in pieces, without the kerning its
  width was measured with ("To" kerns tight), so its last letter lost a few pixels.
- The invitation dialog's message box shrank once the code appeared below it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QWidget

from desktop.core.entities import Role
from sync.server import demo
from tests.ui.driving import no_message_boxes  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.main import install_translators, style_sheet
from ui.oversight_audit import AuditScreen
from ui.oversight_reports import ReportsScreen
from ui.reach import InvitationsTab

AT = "2026-11-30T10:15:00Z"


@pytest.fixture(autouse=True)
def _styled() -> Iterator[None]:
    """The real style sheet; Knop's words in English unless a test asks for Danish (`_danish`)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(style_sheet())
    yield
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    install_translators(app, "en")
    app.setStyleSheet(before)


_installed: list[Any] = []


def _danish() -> None:
    """Knop's words in Danish for this test (the fixture puts English back)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    _installed.extend(install_translators(app, "da"))


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


def test_the_invitations_message_keeps_its_room_when_the_code_appears(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """The try-out saw the message box shrink once the code was shown (opened from My page's tab)."""
    _danish()  # the sentence about the code is longer in Danish
    context = make_context("anna", "da")
    tab = InvitationsTab(context)
    qtbot.addWidget(tab)
    tab.resize(1000, 600)
    tab.show()
    dialog = tab.open_invite()
    qtbot.waitExposed(dialog)
    dialog.email.setText("ny.frivillig@example.org")
    dialog.name.setText("Ny Frivillig")
    dialog.message.setPlainText("Vi mangler en hånd til sommerfesten.\nDu kender jo stedet.")
    before = dialog.message.height()
    lines = dialog.message.fontMetrics().lineSpacing()
    assert before >= 3 * lines
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.code_label.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.handover.height() >= dialog.handover.heightForWidth(dialog.handover.width()))
    assert dialog.message.height() >= before
    # Nothing else in the dialog is squeezed either: the handover sentence and the code read whole.
    assert dialog.code_label.height() >= dialog.code_label.sizeHint().height()


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
def test_the_e_mail_choices_keep_their_height_on_a_short_window(
    qtbot: Any, make_context: Callable[..., AppContext], size: tuple[int, int]
) -> None:
    """A try-out saw "Samlet én gang om dagen" lose the bottoms of its g's at 1280x800 in Danish:
    eleven rows of settings and the saved searches need more height than the window has, and
    the layout squeezed every combo box below its own height. The settings scroll instead."""
    from ui.main_window import MainWindow
    from ui.notifications import NotificationCentre

    _danish()
    context = make_context("anna", "da")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.show_notifications()
    centre = window.current_page()
    assert isinstance(centre, NotificationCentre)
    centre.tabs.setCurrentIndex(1)  # the settings
    qtbot.waitUntil(lambda: all(box.currentIndex() >= 0 for box in centre.preferences.email.values()), timeout=10_000)
    boxes = [box for box in centre.preferences.findChildren(QComboBox) if box.isVisibleTo(window)]
    rows = [box for box in centre.preferences.email.values() if box.isVisibleTo(window)]  # what concerns her
    assert len(boxes) == len(rows) > 5
    squeezed = [(box.currentText(), box.height(), box.minimumSizeHint().height()) for box in boxes
                if box.height() < box.minimumSizeHint().height()]
    assert squeezed == []
    window.tear_down()
