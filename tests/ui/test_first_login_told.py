"""Anna's first login on the staff room PC: the bell counts what she has not read, said once.

Real widgets, the real login and sync scheduler, a real knop-server process.
On the ward PC (PC A) Mette's decisions and comment reach Anna, and she reads
one of them there. On the staff room PC (PC B), new to her, the window's
first sync is an initial pull: the bell shows 2, the status bar says "2 nye
ting siden sidst" once (in English on an English PC), the centre lists the
read one as read, and "Mark all as read" on B is read on A after a sync.

Set SCREENSHOT_DIR to keep a picture of the window (run under `xvfb-run -a`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from desktop import notifications
from desktop.core.ids import uuid7
from desktop.settings import load_settings
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine
from tests.ui.test_shell import log_in
from tests.ui.test_two_clients import synced
from ui.main_window import MainWindow
from ui.notifications import NotificationCentre
from ui import words
from ui.shell import Shell


def unread_on(machine: Machine, person_id: str) -> int:
    store = machine.store(person_id)
    try:
        return notifications.unread_count(store, person_id)
    finally:
        store.close()


def first_login(qtbot: Any, machine: Machine, language: str) -> tuple[Shell, MainWindow]:
    """Anna logs in on `machine` for the first time; returns once her first sync has ended.

    The whole window speaks `language` (ui.words), as `knop` started in it would.
    """
    words.use_language(language)
    shell = Shell(load_settings(), language)
    shell.start()
    window = log_in(qtbot, shell, "anna", PASSWORD, wait_rows=False)
    synced(qtbot, shell, window)
    return shell, window


def test_on_a_pc_new_to_her_the_bell_counts_what_she_has_not_read_and_says_it_once(
    qtbot: Any, fresh_knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    ward = machines(fresh_knop_server, world.school.id, "ward")
    mette = fresh_knop_server.user("mette")
    anna = ward.login("anna")
    titles = ("Grill til sommerfesten", "Pynt til sommerfesten", "Oprydning efter sommerfesten")
    tasks = [uuid7() for _ in titles]
    for task_id, title in zip(tasks, titles, strict=True):
        mette.apply("task.create", task_id=task_id, site_id=world.school.id, title=title, seats=2, publish=True)
    assert ward.sync(anna).ok
    bids = [uuid7() for _ in tasks]
    for bid_id, task_id in zip(bids, tasks, strict=True):
        ward.perform(anna, "bid.place", bid_id=bid_id, task_id=task_id)
    assert ward.sync(anna).ok
    mette.apply("bid.accept", bid_id=bids[0], message="Velkommen, tag forklæde med")
    assert ward.sync(anna).ok
    store = ward.store(anna.person.id)
    (accepted,) = notifications.unread_ids(store, anna.person.id)
    store.close()
    ward.perform(anna, "notice.read", notice_ids=[accepted])  # read on the ward PC
    mette.apply("bid.decline", bid_id=bids[1], message="Tak, vi er nok")
    mette.apply("comment.add", comment_id=uuid7(), task_id=tasks[2], body="Kan du også lørdag?")
    assert ward.sync(anna).ok
    assert unread_on(ward, anna.person.id) == 2

    staffroom = machines(fresh_knop_server, world.school.id, "staffroom")
    with staffroom:
        shell, window = first_login(qtbot, staffroom, "da")
        try:
            qtbot.waitUntil(lambda: window.bell.unread == 2, timeout=10_000)
            assert window.bell.text() == "2"
            qtbot.waitUntil(lambda: window.told.isVisible(), timeout=10_000)
            assert window.told.text() == "2 nye ting siden sidst"
            assert window.bell.desktop.shown == []  # Knop is in front: no pop-ups, and never three
            if shot := os.environ.get("SCREENSHOT_DIR"):
                window.resize(1100, 640)
                qtbot.waitUntil(lambda: window.board.model.rowCount() > 0, timeout=10_000)
                window.grab().save(str(Path(shot) / "first_login_board_da.png"))

            window.show_notifications()
            centre = window.current_page()
            assert isinstance(centre, NotificationCentre)
            qtbot.waitUntil(lambda: len(centre.rows) == 3, timeout=10_000)
            assert [row.read for row in centre.rows] == [False, False, True]  # newest first
            assert "Tak, vi er nok" in centre.list.item(1).text()
            if shot:
                window.grab().save(str(Path(shot) / "first_login_da.png"))

            synced(qtbot, shell, window)  # a later sync says nothing again
            assert window.bell.desktop.last_said == "2 nye ting siden sidst"
            said: list[str] = []
            window.bell.announced.connect(said.append)
            synced(qtbot, shell, window)
            assert said == []

            centre.mark_all_read()
            qtbot.waitUntil(lambda: window.bell.unread == 0, timeout=10_000)
            synced(qtbot, shell, window)
        finally:
            shell.shut_down()
            words.use_language("en")
    assert ward.sync(anna).ok
    assert unread_on(ward, anna.person.id) == 0  # read on the staff room PC, read on the ward PC

    mette.apply("comment.add", comment_id=uuid7(), task_id=tasks[2], body="Og søndag?")
    mette.apply("comment.add", comment_id=uuid7(), task_id=tasks[1], body="Måske næste år")
    office = machines(fresh_knop_server, world.school.id, "office")  # an English PC, new to her too
    with office:
        shell, window = first_login(qtbot, office, "en")
        try:
            qtbot.waitUntil(lambda: window.bell.unread == 2, timeout=10_000)
            qtbot.waitUntil(lambda: window.told.isVisible(), timeout=10_000)
            assert window.told.text() == "2 new things since you were last here"
        finally:
            shell.shut_down()
            words.use_language("en")
