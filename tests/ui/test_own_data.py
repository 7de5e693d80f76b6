"""Downloading one's own data from My page, against a real knop-server.

The files come from the server, so they hold what this machine never had:
here a bid Anna placed from another machine, and her audit events.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.core import consent
from desktop.core.entities import PersonSettings
from desktop.core.ids import uuid7
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.ui.test_two_clients import session_on, synced
from ui import main_window
from ui.my_page import MyPage


def test_my_data_is_downloaded_from_my_page_as_json_and_html(
    qtbot: Any, knop_server: Deployment, machines: MachineFactory, world: World, tmp_path: Path
) -> None:
    task_id, bid_id = uuid7(), uuid7()
    knop_server.user("mette").apply("task.create", task_id=task_id, site_id=world.school.id, title="Juleklip", publish=True)
    knop_server.user("anna").apply("bid.place", bid_id=bid_id, task_id=task_id, message="Fra en anden pc")
    pc = machines(knop_server, world.school.id, "anna-pc")
    folder = tmp_path / "mine"
    folder.mkdir()
    with pc:
        shell, window = session_on(qtbot, pc, "anna")
        try:
            window.go_top(main_window.my_page_screen)
            page = window.current_page()
            assert isinstance(page, MyPage)
            page.own_data.choose_folder = lambda: folder  # type: ignore[method-assign]
            page.own_data.button.click()
            qtbot.waitUntil(lambda: "Saved" in page.own_data.outcome.text(), timeout=20_000)
            assert page.own_data.button.isEnabled()
            # The talent-search choice sits beside it and reaches the server like any setting.
            talent = page.own_data.talent
            assert talent.currentData() == consent.DEFAULT
            talent.setCurrentIndex(talent.findData(consent.HIDDEN))
            qtbot.waitUntil(lambda: shell.context.sync is not None, timeout=5_000)
            synced(qtbot, shell, window)
        finally:
            shell.shut_down()
    (data,) = folder.glob("*.json")
    (html,) = folder.glob("*.html")
    export = json.loads(data.read_text(encoding="utf-8"))
    assert bid_id in {row["id"] for row in export["tables"]["bids"]["rows"]}
    assert export["tables"]["audit_events"]["rows"]
    assert "Fra en anden pc" in html.read_text(encoding="utf-8")
    with knop_server.database.read() as s:
        held = s.get(PersonSettings, "anna")
    assert held is not None and held.preferences[consent.TALENT_SEARCH_KEY] == consent.HIDDEN
    knop_server.user("anna").apply("settings.set", changes={consent.TALENT_SEARCH_KEY: consent.DEFAULT})
