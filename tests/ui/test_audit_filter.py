"""The audit trail's operation filter offers operations by their names in words (Danish and English).

A try-out found it asking for internal names to type ("e.g. bid.accept"). It is
now a drop-down of what people call them; the server is still asked by the
internal name (or a group's prefix), and the events show the names in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop.core import operations
from desktop.core.entities import AuditEvent, Role
from desktop.core.ids import uuid7
from sync.server import demo
from tests.ui.driving import no_message_boxes  # noqa: F401 - autouse fixture
from ui import words
from ui.context import AppContext
from ui.operation_words import operation_label
from ui.oversight_audit import CLOSE_BIDDING, AuditScreen

AT = "2026-11-30T10:15:00Z"


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_operation_is_chosen_by_its_name_and_asked_for_by_its_kind(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, language: str
) -> None:
    words.use_language(language)
    try:
        admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
        event = AuditEvent(id=uuid7(), at=AT, actor_id=admin.id, device_id="pc", operation="bid.accept",
                           entity_id=uuid7())
        asked: list[dict[str, Any]] = []

        def fetch(_name: str, params: dict[str, Any]) -> dict[str, Any]:
            asked.append(dict(params))
            return {"computed_at": AT, "events": [event.to_row()], "names": {admin.id: admin.name}}

        context = make_context(person=admin, language=language)
        screen = AuditScreen(context, fetcher=fetch)
        qtbot.addWidget(screen)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
        box = screen.operation
        shown = [box.itemText(i) for i in range(box.count())]
        assert not any("." in text for text in shown), shown  # no internal name on show
        accepting = operation_label("bid.accept")
        assert accepting != "bid.accept" and accepting in shown
        assert screen.model.index(0, 2).data() == accepting  # the event says it in words too

        box.setCurrentIndex(box.findText(accepting))
        screen.refresh()
        qtbot.waitUntil(lambda: asked[-1].get("operation") == "bid.accept", timeout=10_000)
        box.setCurrentIndex(box.findData("bid"))  # "every bid operation"
        screen.refresh()
        qtbot.waitUntil(lambda: asked[-1].get("operation") == "bid", timeout=10_000)
        box.setCurrentIndex(0)
        screen.refresh()
        qtbot.waitUntil(lambda: len(asked) >= 4 and "operation" not in asked[-1], timeout=10_000)
        qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
        # Every answer in and kept before the context closes: one still coming found the DB
        # thread stopping at teardown (now and then in the whole UI run).
        qtbot.waitUntil(lambda: not screen._pending and not context.worker.busy(), timeout=10_000)
    finally:
        words.use_language("en")


def test_every_operation_has_a_name_in_words() -> None:
    """Each operation the shared rules define (and the server's deadline closing) is named, in both languages."""
    for language in ("da", "en"):
        words.use_language(language)
        try:
            unnamed = [kind for kind in [*operations.OPERATIONS, CLOSE_BIDDING] if operation_label(kind) == kind]
        finally:
            words.use_language("en")
        assert unnamed == [], language
