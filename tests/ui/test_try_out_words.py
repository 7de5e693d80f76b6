"""A new user's try-out of the demo (Xvfb, Danish, 1280x800 and 1024x768): words and quiet states.

Each test names what the try-out saw; each fails on the code before its fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop.core.entities import BidStatus
from sync.server import demo
from tests.ui.driving import no_message_boxes, person_by_id, shown, styled  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.review import ReviewPage


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
