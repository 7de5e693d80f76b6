"""Going offline moves nothing on the screen: the status bar says it on its one line, calmly.

Offline is a normal state for the PCs Knop runs on (a ward office, a staff room).
The bar said "Offline - dine ændringer er gemt" and, under it in red, "Serveren kan
ikke nås (ingen forbindelse).": the bar grew a line, and the board above lost 19 px
of rows each time the network went (and got them back when it came). The cause is
now the state line's tooltip; the line itself says offline and that nothing is lost.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from sync.scheduler import SyncState
from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from tests.ui.test_sync_status import Worker, place_bid, publish_unreachable
from ui.main_window import MainWindow
from ui.sync_status import SyncLink

LAST = "2026-11-26T10:00:02.000Z"


def _where(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def test_going_offline_and_back_moves_nothing_and_says_it_on_one_line(qtbot: Any, make_context: Any) -> None:
    context = make_context("anna", language="da")
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    with styled("da"):
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1024, 600)
        with qtbot.waitExposed(window):
            window.show()
        qtbot.waitUntil(lambda: window.board.model.rowCount() > 0, timeout=10_000)
        with qtbot.waitSignal(link.state_changed):
            worker.publish(SyncState(online=True, last_success=LAST))
        bar = window.status
        parts = (window.pages, window.board.view, window.statusBar())

        def places() -> list[QRect]:
            window.grab()  # laid out as on screen
            return [_where(window, part) for part in parts]

        online = places()
        place_bid(qtbot, context)  # a change waits: the state line says it is kept
        qtbot.waitUntil(lambda: bar.counts.pending == 1)
        unreachable = publish_unreachable(qtbot, worker, link)
        qtbot.waitUntil(lambda: bar.dot.property("mood") == "offline")
        assert bar.connection_label.text() == "Offline – dine ændringer er gemt"
        assert places() == online
        assert not bar.error_label.isVisible()  # no red line
        # Why, for whoever asks (the tooltip, a screen reader), not a second line.
        cause = unreachable.cause.text("da")
        assert cause == "Serveren kan ikke nås (ingen forbindelse)."
        assert bar.connection_label.toolTip() == f"Offline – dine ændringer er gemt\n{cause}"
        assert bar.dot.toolTip() == bar.connection_label.toolTip()
        assert bar.connection_label.accessibleDescription() == cause
        # The sync retries (its state then carries no cause), finds no server again, then one.
        with qtbot.waitSignal(link.state_changed):
            worker.publish(SyncState(online=False, syncing=True, unreachable=1, runs=1, last_success=LAST))
        assert places() == online and cause in bar.connection_label.toolTip()
        with qtbot.waitSignal(link.state_changed):
            worker.publish(SyncState(online=True, runs=2, last_success=LAST))
        assert bar.connection_label.text() == "Forbundet"
        assert bar.connection_label.toolTip() == "Forbundet" and bar.connection_label.accessibleDescription() == ""
        assert places() == online
        window.tear_down()
    context.close()
