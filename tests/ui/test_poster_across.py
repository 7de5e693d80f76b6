"""A task opened to other municipalities names its poster to their staff too (try-out 5).

Bea works at Bøgeby Skole in the neighbouring municipality. Mette of Egeskov
posts a task to other municipalities; on Bea's PC its view says "Posted by:
Mette Larsen" as it does to Mette's colleagues, where it said only "Staff at
Egeskov Skole". A real knop-server (with the neighbour's organisation), the
real login and sync; the server's refusals for those who may not see the task
are in tests/server/test_task_poster.py.
"""

from __future__ import annotations

from typing import Any

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
