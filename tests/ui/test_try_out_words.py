"""A new user's try-out of the demo (Xvfb, Danish, 1280x800 and 1024x768): words and quiet states.

Each test names what the try-out saw; each fails on the code before its fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop.core import permissions
from desktop.core.entities import BidStatus, TaskStatus
from sync.server import demo
from tests.ui.driving import no_message_boxes, person_by_id, shown, styled  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.review import ReviewPage
from ui.task_view import TaskView


@pytest.fixture
def danish() -> Iterator[None]:
    """The real style sheet and the Danish words: what the try-out saw."""
    with styled("da"):
        yield


def test_a_bids_availability_reads_as_danish_writes_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, danish: None
) -> None:
    """The review's card said "Kan: Hverdage 8-15": a clipped label, a capital after it, a hyphen."""
    bid = next(
        b for b in demo_data.bids if b.availability == "Hverdage 8-15" and b.status != BidStatus.WITHDRAWN
    )
    task = next(t for t in demo_data.tasks if t.id == bid.task_id)
    manager = make_context(person_by_id(demo_data, task.poster_id).username)
    page = shown(qtbot, ReviewPage(manager, task.id))
    qtbot.waitUntil(lambda: bid.id in page.cards)
    assert "Hvornår: hverdage 8\u201315" in page.cards[bid.id].offer.text().replace("\u200b", "")


def test_the_empty_conversation_points_to_the_box_below_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, danish: None
) -> None:
    """It said "Ingen kommentarer endnu. Stil et spørgsmål her." on a list that takes no typing."""
    context = make_context("anna")
    commented = {c.task_id for c in demo_data.comments}
    task = next(
        t for t in demo_data.tasks
        if t.status == TaskStatus.OPEN and t.id not in commented and permissions.may_bid_on(context.person, t)
    )
    view = shown(qtbot, TaskView(context, task.id))
    qtbot.waitUntil(lambda: view.comment_box.isEnabled())
    assert view.conversation.toPlainText() == ""
    assert view.conversation.placeholderText() == "Ingen kommentarer endnu. Skriv dit spørgsmål i feltet nedenfor."
    box_top = view.comment_box.mapTo(view, view.comment_box.rect().topLeft()).y()
    assert box_top > view.conversation.mapTo(view, view.conversation.rect().bottomLeft()).y()  # below it
    assert view.conversation.isReadOnly()
