"""The audit trail on screen accounts for every assignment (an HR try-out), in Danish and English.

Who got an accepted bid's assignment, the device by the name it was enrolled
under (its id only in the tooltip), what changed in alphabetical order of its
words, the task filter asking by the title's words, and the line under the
table saying in a sentence what choosing a row shows. The answers are the
server's own: the demo municipality in a real server database, a device
enrolled with a name, a bid placed and accepted through the server's push.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.core.entities import AuditEvent, Role
from desktop.core.ids import utc_now, uuid7
from sync.server import accounts, audit, demo
from tests.ui.driving import no_message_boxes  # noqa: F401 - autouse fixture
from tests.ui.server_answers import acting_on, demo_server, open_tasks
from ui import words
from ui.context import AppContext
from ui.oversight_audit import DEVICE_COLUMN, SITE_COLUMN, WHAT_COLUMN, AuditScreen

DEVICE_NAME = "PC-PERSONALESTUE-2"


@pytest.fixture(scope="module")
def answer(demo_data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The administrator's audit trail of one accepted bid, as the server answers it."""
    with demo_server(demo_data, Path(tmp_path_factory.mktemp("audit"))) as db:
        (task,) = open_tasks(db, 1)
        people = {p.id: p for p in demo_data.people}
        worker = next(p for p in demo_data.people if p.role == Role.STAFF and p.active and p.home_site_id != task.site_id)
        device = accounts.enrol(db, accounts.new_enrolment_code(db, task.site_id), DEVICE_NAME).device_id
        as_ = acting_on(db, device)
        bid_id = uuid7()
        as_(worker, "bid.place", bid_id=bid_id, task_id=task.id, hours=3)
        accepted = as_(people[task.poster_id], "bid.accept", bid_id=bid_id)
        with db.read() as s:
            found = audit.events(s, audit.Filter(operation="bid.accept", limit=10))
            assigned = audit.assignees(s, found)
            names = audit.names(s, found, assigned)
        # An event as a server before this change stored it: what changed in the order written.
        older = AuditEvent(id=uuid7(), at=utc_now(), actor_id=task.poster_id, device_id=device,
                           operation="task.complete", entity_id=task.id, summary=f"tasks/{task.id}, bids/{bid_id}",
                           task_id=task.id, site_id=task.site_id)
        yield {
            "body": {"computed_at": utc_now(), "events": [*(e.to_row() for e in found), older.to_row()],
                     "names": names, "assigned": assigned},
            "admin": next(p for p in demo_data.people if p.role == Role.ADMIN),
            "worker": worker, "device": device, "accepted": accepted,
        }


EXPECTED = {
    "da": {"got": "{name} fik opgaven; bud, opgave", "done": "bud, opgave",
           "hint": "Vælg en række i listen for at se dens enhed og arbejdssted her."},
    "en": {"got": "{name} got the assignment; bid, task", "done": "bid, task",
           "hint": "Choose a row in the list to see its device and site here."},
}


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_trail_says_who_got_it_from_which_device_in_one_order(
    qtbot: Any, make_context: Callable[..., AppContext], answer: dict[str, Any], language: str
) -> None:
    words.use_language(language)
    try:
        asked: list[dict[str, Any]] = []

        def fetch(_name: str, params: dict[str, Any]) -> dict[str, Any]:
            asked.append(dict(params))
            return dict(answer["body"])

        context = make_context(person=answer["admin"], language=language)
        screen = AuditScreen(context, fetcher=fetch)
        qtbot.addWidget(screen)
        screen.resize(700, 500)  # narrow: the device and the site give way to the line under the table
        screen.show()
        qtbot.waitExposed(screen)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
        model, expected = screen.model, EXPECTED[language]
        # Newest first: the completion (written after the acceptance) on top.
        assert model.index(1, WHAT_COLUMN).data() == expected["got"].format(name=answer["worker"].name)
        assert model.index(0, WHAT_COLUMN).data() == expected["done"]  # not "task, bid" as written
        assert model.index(1, DEVICE_COLUMN).data() == DEVICE_NAME
        assert model.index(1, DEVICE_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == f"{DEVICE_NAME} ({answer['device']})"

        header = screen.table.horizontalHeader()
        qtbot.waitUntil(lambda: header.isSectionHidden(DEVICE_COLUMN) and header.isSectionHidden(SITE_COLUMN))
        screen.table.setCurrentIndex(screen.model.index(-1, -1))
        qtbot.waitUntil(lambda: screen.detail.text() == expected["hint"], timeout=10_000)
        screen.table.selectRow(1)
        got = expected["got"].split(";")[0].format(name=answer["worker"].name)
        qtbot.waitUntil(lambda: got in screen.detail.text(), timeout=10_000)
        assert f"{DEVICE_NAME} ({answer['device']})" in screen.detail.text()

        # The task is asked for by words from its title (the server takes an id there too).
        assert "id" in screen.task.placeholderText()
        screen.task.setText("æble")
        screen.refresh()
        qtbot.waitUntil(lambda: asked[-1].get("task") == "æble", timeout=10_000)
        qtbot.waitUntil(lambda: not screen._pending and not context.worker.busy(), timeout=10_000)
    finally:
        words.use_language("en")
