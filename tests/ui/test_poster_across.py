"""A task opened to other municipalities names its poster to their staff too (try-out 5).

Bea works at Bøgeby Skole in the neighbouring municipality. Mette of Egeskov
posts a task to other municipalities; on Bea's PC its view says "Posted by:
Mette Larsen" as it does to Mette's colleagues, where it said only "Staff at
Egeskov Skole". A real knop-server (with the neighbour's organisation), the
real login and sync; the server's refusals for those who may not see the task
are in tests/server/test_task_poster.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop import forgetting, paths
from desktop.core.entities import Role
from desktop.core.ids import uuid7
from desktop.settings import load_settings
from sync.server import directory
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.server.tenants import add_organisation
from tests.sync.conftest import MachineFactory
from tests.ui.test_language_arrives import sync_over
from tests.ui.test_shell import log_in
from ui.shell import Shell
from ui import words
from ui.task_view import TaskView


def test_the_poster_of_another_municipalitys_task_is_named(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    server = fresh_knop_server
    add_organisation(server.database, "org-b", "Bøgeby Kommune", {"s-b": "Bøgeby Skole"})
    directory.add_person(
        server.database,
        directory.NewPerson(username="bea", name="Bea Borg", site="s-b", role=Role.STAFF, organisation_id="org-b"),
        PASSWORD,
    )
    shared, inside = uuid7(), uuid7()
    mette = server.user("mette")
    mette.apply("task.create", task_id=shared, site_id=world.school.id, title="Fælles kursus i førstehjælp",
                audience="organisations", publish=True)
    mette.apply("task.create", task_id=inside, site_id=world.school.id, title="Skolefest",
                audience="organisation", publish=True)
    machine = machines(server, "s-b", "bea-pc")
    with machine:
        shell = Shell(load_settings(), "en")
        try:
            shell.start()
            window = log_in(qtbot, shell, "bea", PASSWORD, wait_rows=False)
            sync_over(qtbot, shell)
            window.open_task(shared)
            view = window.current_page()
            assert isinstance(view, TaskView)
            qtbot.waitUntil(lambda: "Egeskov Skole" in view.site.text(), timeout=10_000)
            expected = f"{world.mette.name}, {world.mette.title}" if world.mette.title else world.mette.name
            qtbot.waitUntil(lambda: view.owner.text().replace("\u200b", "") == expected, timeout=15_000)
            assert world.org.name in view.site.text()  # and her organisation, on the site's line
        finally:
            shell.shut_down()


def test_a_commenter_is_named_and_what_was_told_stays_for_offline_and_for_its_reader_only(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """Try-out 7: Anna of Egeskov's comment on a task opened to other municipalities read
    "Someone from another municipality" on Bea's PC in Bøgeby, and offline the poster was
    "Staff at Egeskov Skole" again. Now both are named, online and offline, from what the
    server told Bea, kept in her own store: Bent, next at the same PC, is told nothing of it,
    and it goes when the PC forgets her."""
    server = fresh_knop_server
    add_organisation(server.database, "org-b", "Bøgeby Kommune", {"s-b": "Bøgeby Skole"})
    for username, name in (("bea", "Bea Borg"), ("bent", "Bent Bager")):
        directory.add_person(
            server.database,
            directory.NewPerson(username=username, name=name, site="s-b", role=Role.STAFF, organisation_id="org-b"),
            PASSWORD,
        )
    shared = uuid7()
    server.user("mette").apply("task.create", task_id=shared, site_id=world.school.id,
                               title="Fælles kursus i førstehjælp", audience="organisations", publish=True)
    server.user("anna").apply("comment.add", comment_id=uuid7(), task_id=shared, body="Jeg kan tage kaffen")
    poster = f"{world.mette.name}, {world.mette.title}" if world.mette.title else world.mette.name
    commenter = f"{world.anna.name} ({world.org.name})"

    def task_page(window: Any) -> TaskView:
        window.open_task(shared)
        view = window.current_page()
        assert isinstance(view, TaskView)
        qtbot.waitUntil(lambda: "Jeg kan tage kaffen" in view.conversation.toPlainText(), timeout=10_000)
        return view

    def owner(view: TaskView) -> str:
        return view.owner.text().replace("\u200b", "")

    machine = machines(server, "s-b", "staffroom-pc")
    with machine:
        shell = Shell(load_settings(), "en")
        try:
            shell.start()
            window = log_in(qtbot, shell, "bent", PASSWORD, wait_rows=False)  # his first login is online
            sync_over(qtbot, shell)
            window.switch_user_requested.emit()
            window = log_in(qtbot, shell, "bea", PASSWORD, wait_rows=False)
            sync_over(qtbot, shell)
            bea_id = window.context.person.id
            view = task_page(window)
            qtbot.waitUntil(lambda: commenter in view.conversation.toPlainText(), timeout=15_000)
            qtbot.waitUntil(lambda: owner(view) == poster, timeout=10_000)
            assert words.tr("Someone from another municipality") not in view.conversation.toPlainText()
            window.switch_user_requested.emit()

            server.stop_process()  # offline from here on
            window = log_in(qtbot, shell, "bent", PASSWORD, wait_rows=False)
            view = task_page(window)
            # Bent was never told: nothing Bea learnt is left behind for him.
            assert owner(view) == "Staff at Egeskov Skole"
            assert words.tr("Someone from another municipality") in view.conversation.toPlainText()
            assert world.anna.name not in view.conversation.toPlainText()
            window.switch_user_requested.emit()
            window = log_in(qtbot, shell, "bea", PASSWORD, wait_rows=False)
            view = task_page(window)
            # Bea, offline: the names she was told.
            qtbot.waitUntil(lambda: owner(view) == poster, timeout=10_000)
            assert commenter in view.conversation.toPlainText()
        finally:
            shell.shut_down()
        kept = paths.user_store(bea_id)
        assert told_names(kept, bea_id, [world.anna.id, world.mette.id]).keys() == {world.anna.id, world.mette.id}
        forgetting.forget(bea_id, server.url)
        assert not kept.exists()  # her store, with what she was told, is gone from the PC


def told_names(path: Path, reader_id: str, person_ids: list[str]) -> dict[str, Any]:
    from desktop import told_names as told
    from desktop.store import Store

    store = Store(path, owner_id=reader_id)
    try:
        return told.told_names(store, reader_id, person_ids)
    finally:
        store.close()
