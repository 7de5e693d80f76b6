"""After "Place bid": the bid's new state is in view and the focus is not in an empty comment box.

A try-out on a 1024x600 screen placed a bid with the button: the button went away
(a placed bid is saved or withdrawn, not placed again), Qt moved the focus on to
the next field, the comment box, and the column scrolled down to it, so the
sentence saying the bid went in was off screen and the cursor invited a comment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from desktop.core.entities import BidStatus
from sync.server import demo
from tests.ui.driving import bidding_view, no_message_boxes, wholly_visible  # noqa: F401 - autouse fixture
from ui import wording
from ui.context import AppContext
from ui.task_view import TaskView


def _in_view(view: TaskView) -> bool:
    """Whether the bid's state sentence lies wholly inside the right-hand column's visible part."""
    return wholly_visible(view.acting_area, view.my_bid_state)


def test_after_placing_a_bid_its_state_is_in_view_and_the_focus_is_on_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    view: TaskView = bidding_view(qtbot, make_context("anna"), demo_data, (1024, 560))
    view.bid_message.setPlainText("Jeg har gjort det før.")
    view.place_button.setFocus()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.place_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: wording.bid_status(BidStatus.PENDING) in view.my_bid_state.text())
    qtbot.waitUntil(lambda: _in_view(view))
    focused = view.focusWidget()
    assert focused is not view.comment_box
    assert focused is view.my_bid_state
    # It says that the bid went in, in words, not only its status.
    assert "placed" in view.my_bid_state.text().lower() or "afgivet" in view.my_bid_state.text().lower()
    # Once: "Your bid is placed. Awaiting decision.", not "... Your bid: Awaiting decision." (try-out).
    said = view.my_bid_state.text().lower()
    assert said.count("your bid") + said.count("dit bud") == 1, said
