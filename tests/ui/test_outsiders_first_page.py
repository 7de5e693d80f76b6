"""A new outsider's My page (try-out s36, 15): no empty line under the name, a hint in the
empty skills list, and no "People invited" tab (outsiders invite nobody). Danish, real page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.core.entities import Person
from desktop.core.ids import uuid7
from desktop.store import Store
from tests.ui.driving import no_message_boxes, shown, styled  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.my_page import MyPage


def test_a_new_outsiders_page_says_what_they_are_and_what_to_do(
    qtbot: Any, make_context: Callable[..., AppContext], person: Callable[[str], Person], demo_store: Path
) -> None:
    ole = person("ole")
    assert ole.is_external
    bent = ole.replace(id=uuid7(), username="bent", name="Bent Frivillig", title="", availability="")
    store = Store(demo_store)
    try:
        with store.transaction():
            store.put(bent)
    finally:
        store.close()
    context = make_context(person=bent, language="da")
    with styled("da"):
        page = shown(qtbot, MyPage(context))
    qtbot.waitUntil(lambda: page.name.text() == "Bent Frivillig", timeout=10_000)
    # Under the name: what he is, not an empty line.
    assert page.about.isVisible() and page.about.text().strip() == "Frivillig", page.about.text()
    # The empty skills list says what it is for.
    qtbot.waitUntil(lambda: page.skills_empty.isVisible(), timeout=10_000)
    assert page.skills_model.rowCount() == 0 and "du er god til" in page.skills_empty.text()
    # No tab for inviting people; a member has it.
    tabs = [page.tabs.tabText(i).replace("&", "") for i in range(page.tabs.count()) if page.tabs.isTabVisible(i)]
    assert not any("inviteret" in t for t in tabs), tabs
    with styled("da"):
        member = shown(qtbot, MyPage(make_context("anna", "da")))
    member_tabs = [member.tabs.tabText(i).replace("&", "") for i in range(member.tabs.count()) if member.tabs.isTabVisible(i)]
    assert any("inviteret" in t for t in member_tabs), member_tabs
