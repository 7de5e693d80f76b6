"""The audit trail shows the newest event on top and names what acted where it was no person.

Try-out s36 (10): the trail ran oldest first, so the latest events (what one
came to see) were below the fold, and "system" and "knop-admin" stood in the
Person column as if they were people's names. The server picks the newest events
and sends them in the order of time; the screen turns them round, the CSV keeps
that order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.core import audit_trail
from desktop.core.entities import AuditEvent, Role
from desktop.core.ids import uuid7
from sync.server import audit, deadlines, demo
from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.oversight_audit import AuditScreen

PERSON_COLUMN = 1


def test_the_newest_event_is_on_top_and_the_server_and_its_tool_are_named_as_what_they_are(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    task = demo_data.tasks[0]
    events = [  # as the server sends them: oldest first
        AuditEvent(id=uuid7(), at="2026-11-02T08:00:00Z", actor_id=admin.id, device_id=None,
                   operation="task.edit", entity_id=task.id, summary="", task_id=task.id, site_id=task.site_id),
        AuditEvent(id=uuid7(), at="2026-11-03T08:00:00Z", actor_id=deadlines.SYSTEM, device_id=None,
                   operation="task.close_bidding", entity_id=task.id, summary="", task_id=task.id,
                   site_id=task.site_id),
        AuditEvent(id=uuid7(), at="2026-11-04T08:00:00Z", actor_id=audit.ADMIN_TOOL, device_id=None,
                   operation="retention.run", entity_id=None, summary=""),
    ]
    body = {"computed_at": "2026-11-05T08:00:00Z", "events": [e.to_row() for e in events],
            "names": {admin.id: admin.name}}
    context = make_context(person=admin, language="da")
    with styled("da"):
        screen = AuditScreen(context, fetcher=lambda _name, _params: dict(body))
        qtbot.addWidget(screen)
        screen.resize(1280, 720)
        screen.show()
        qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=10_000)
    shown = screen.model.rows()
    assert [e.at for e in shown] == sorted((e.at for e in events), reverse=True)
    people = [screen.model.index(r, PERSON_COLUMN).data() for r in range(3)]
    assert people[2] == admin.name
    assert "knop-admin" in people[0] and people[0] != "knop-admin" and people[0].startswith("IT")
    assert people[1] != "system" and "Knop-serveren" in people[1]
    # The CSV keeps the order of time, for a records request.
    lines = screen.csv_bytes().decode("utf-8-sig").splitlines()
    assert lines[1].startswith("2026-11-02") and lines[3].startswith("2026-11-04")
    assert audit_trail.SERVER_ITSELF == deadlines.SYSTEM and audit_trail.ADMIN_TOOL == audit.ADMIN_TOOL
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
