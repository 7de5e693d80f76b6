"""A person's language arrives with their synced settings, and applies then (try-out 5).

On a PC new to Anna the first sync brings the language she chose on another one;
her window speaks it as soon as it is there, not from her next login, and
nothing she typed goes with the old window. `knop --language` and IT's lock
still speak for everyone. A real knop-server, the real login and sync scheduler.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop.core.entities import PersonSettings
from desktop.core.ids import uuid7
from desktop.settings import load_settings
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.ui.driving import ask
from tests.ui.test_shell import log_in
from ui import words
from ui.main_window import MainWindow
from ui.shell import Shell
from ui.task_view import TaskView
from ui.typed_ahead import holding


def speaks(shell: Shell, language: str) -> bool:
    window = shell.window
    title = {"da": "&Sprog", "en": "Lan&guage"}[language]
    return (
        window is not None
        and window.context.language == language
        and words.language() == language
        and window.language_menu.title() == title
        and not holding(QApplication.instance())  # the switch over: keys typed now go where they are sent
    )


def sync_over(qtbot: Any, shell: Shell) -> None:
    """Ask for a sync and wait until one has run to its end after the asking."""
    window = shell.window
    assert window is not None and shell.context is not None and shell.context.sync is not None
    runs = shell.context.sync.scheduler.syncs_run  # type: ignore[attr-defined]
    window.sync_now()
    qtbot.waitUntil(
        lambda: (state := window.status.sync_state) is not None
        and state.runs > runs
        and not state.syncing
        and bool(state.online),
        timeout=30_000,
    )


@pytest.fixture
def no_language_left() -> Iterator[None]:
    yield
    words.use_language("en")  # a person's language is not left for the next test


def test_the_language_chosen_on_another_pc_applies_when_it_arrives(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World, no_language_left: None
) -> None:
    server = fresh_knop_server
    task_id = uuid7()
    server.user("mette").apply("task.create", task_id=task_id, site_id=world.school.id, title="Grill", publish=True)
    server.user("anna").apply("settings.set", changes={"language": "da"})  # on another PC
    machine = machines(server, world.school.id)
    with machine:
        shell = Shell(load_settings(), "en")  # this PC speaks English to whoever never chose
        try:
            shell.start()
            log_in(qtbot, shell, "anna", PASSWORD, wait_rows=False)
            # Her first sync here brings her settings: Danish now, not from her next login.
            qtbot.waitUntil(lambda: speaks(shell, "da"), timeout=30_000)

            # She searches, opens the task and starts a bid; meanwhile, on the other PC,
            # she switches to English. The next sync brings it, and nothing typed is lost.
            window = shell.window
            assert isinstance(window, MainWindow)
            window.go_board()
            qtbot.keyClicks(window.board.search_field, "grill")
            window.open_task(task_id)
            view = window.current_page()
            assert isinstance(view, TaskView)
            qtbot.waitUntil(lambda: view.place_button.isVisible(), timeout=10_000)
            qtbot.keyClicks(view.bid_message, "Jeg passer gerne grillen")
            server.user("anna").apply("settings.set", changes={"language": "en"})
            sync_over(qtbot, shell)
            qtbot.waitUntil(lambda: speaks(shell, "en"), timeout=30_000)
            again = shell.window
            assert again is not None and again is not window
            assert again.board.search_field.text() == "grill"
            assert not again.board.search_field.hasSelectedText()  # typing on adds, never replaces
            page = again.current_page()
            assert isinstance(page, TaskView) and page.task_id == task_id
            qtbot.waitUntil(lambda: page.bid_message.toPlainText() == "Jeg passer gerne grillen", timeout=10_000)
        finally:
            shell.shut_down()


@pytest.mark.parametrize("fixed_by", ["knop --language", "IT's lock"])
def test_a_fixed_language_is_not_overruled_by_the_persons(
    qtbot: Any,
    fresh_knop_server: Deployment,
    machines: MachineFactory,
    world: World,
    fixed_by: str,
    no_language_left: None,
) -> None:
    server = fresh_knop_server
    server.user("anna").apply("settings.set", changes={"language": "da"})
    machine = machines(server, world.school.id)
    with machine:
        settings = load_settings()
        if fixed_by == "IT's lock":
            settings = dataclasses.replace(settings, locked=frozenset({"language"}))
        shell = Shell(settings, "en", fixed_language=fixed_by == "knop --language")
        try:
            shell.start()
            log_in(qtbot, shell, "anna", PASSWORD, wait_rows=False)
            sync_over(qtbot, shell)
            context = shell.context
            assert context is not None
            # Her settings are here (so the shell has looked at them), and it still speaks English.
            held = ask(qtbot, context, lambda store: store.get(PersonSettings, context.person.id))
            assert held is not None and held.preferences["language"] == "da"
            # Asked after the shell's own look at them, answered after it: a rebuild it had
            # asked for (there must be none) would come before this second answer.
            ask(qtbot, context, lambda store: None)
            assert speaks(shell, "en") and shell.window is not None and shell.context is context
        finally:
            shell.shut_down()


def test_the_news_said_at_first_login_is_said_again_in_the_language_that_arrives(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World, no_language_left: None
) -> None:
    """Try-out: "2 nye ting siden sidst" went with the window the arriving language replaced.

    Anna chose Danish on another PC and has two unread notices. On an English PC
    new to her, her first sync brings both: the news is said, then her language
    rebuilds the window, which says it again in Danish (a line, not a pop-up).
    """
    server = fresh_knop_server
    mette, anna = server.user("mette"), server.user("anna")
    tasks, bids = [uuid7(), uuid7()], [uuid7(), uuid7()]
    for task_id, bid_id, title in zip(tasks, bids, ("Grill", "Pynt"), strict=True):
        mette.apply("task.create", task_id=task_id, site_id=world.school.id, title=title, seats=2, publish=True)
        anna.apply("bid.place", bid_id=bid_id, task_id=task_id)
    mette.apply("bid.accept", bid_id=bids[0], message="Velkommen")
    mette.apply("bid.decline", bid_id=bids[1], message="Tak, vi er nok")
    anna.apply("settings.set", changes={"language": "da"})
    machine = machines(server, world.school.id)
    with machine:
        shell = Shell(load_settings(), "en")
        try:
            shell.start()
            log_in(qtbot, shell, "anna", PASSWORD, wait_rows=False)
            qtbot.waitUntil(lambda: speaks(shell, "da"), timeout=30_000)
            qtbot.waitUntil(
                lambda: shell.window is not None and shell.window.told.isVisible(), timeout=30_000
            )
            window = shell.window
            assert window is not None
            assert window.told.text() == "2 nye ting siden sidst"
            assert window.bell.desktop.shown == []  # Knop is in front: said, not popped up
            qtbot.waitUntil(lambda: window.bell.unread == 2, timeout=10_000)
        finally:
            shell.shut_down()
