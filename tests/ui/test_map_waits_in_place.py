"""The competence map keeps its layout while its numbers arrive (try-out s36, 16).

On first open an empty table sat under "Henter tallene fra serveren…"; when the
numbers came the site box widened (the sites' names came with them), the category
box beside it moved and the tabs moved down under the line of catalogue candidates.
The server's own answer for the demo municipality, held back until measured. (An
answer with no candidates still hides their line: a rarer, smaller move, not tested.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint

from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from tests.ui.test_insights import answers  # noqa: F401 - the server's answers (fixture)
from ui.context import AppContext
from ui.insights_map import CompetenceMap


def test_nothing_moves_when_the_numbers_arrive(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]  # noqa: F811
) -> None:
    # The server's answer; with a free tag many use, as the full demo's answer has (the small one
    # here has none), so the line of catalogue candidates shows.
    body = {**answers["map-admin"], "candidates": [{"skill": "tag:podcast", "people": 3}]}
    go = threading.Event()

    def server(_name: str, _params: dict[str, Any]) -> dict[str, Any]:
        go.wait(30)
        return dict(body)

    context = make_context("admin", "da")
    with styled("da"):
        screen = CompetenceMap(context, fetcher=server)
        qtbot.addWidget(screen)
        screen.resize(1280, 640)
        screen.show()
        qtbot.waitExposed(screen)

        def where() -> dict[str, Any]:
            return {
                "site box": screen.site_filter.width(),
                "category box": screen.category_filter.mapTo(screen, QPoint(0, 0)),
                "tabs": screen.tabs.mapTo(screen, QPoint(0, 0)),
            }

        before = where()
        go.set()
        qtbot.waitUntil(lambda: screen.skills_model.rowCount() > 0, timeout=10_000)
        qtbot.waitUntil(lambda: screen.site_filter.count() > 1)
        after = where()
    assert after == before, (before, after)
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
