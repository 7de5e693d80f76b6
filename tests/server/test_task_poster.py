"""Who posted a task, told to readers of other organisations where the task goes and nowhere else.

Try-out 5: a task opened to other municipalities showed them no poster: the
feed shows a person only to their own organisation, and nothing else named
the poster. `GET /v1/tasks/poster` (sync.server.poster_api) answers by the
shared visibility rule. A real server with three organisations (test_tenants).
"""

from __future__ import annotations

from typing import Any

import httpx

from desktop.core.ids import uuid7
from sync import protocol
from tests.conftest import World
from tests.server.harness import Api, Deployment
from tests.server.test_tenants import three  # noqa: F401 - the fixture: organisations A, B and C


def poster(api: Api, task_id: str) -> httpx.Response:
    return api.http.get(protocol.PATH_TASK_POSTER, params={"task_id": task_id}, headers=api.headers())


def test_the_poster_is_named_where_the_task_goes_and_nowhere_else(three: Deployment, world: World) -> None:  # noqa: F811
    mette, anna, bea, ole = (three.user(u) for u in ("mette", "anna", "bea", "ole"))
    shared, inside = uuid7(), uuid7()
    mette.apply("task.create", task_id=shared, site_id=world.school.id, title="Fælles kursus",
                audience="organisations", publish=True)
    mette.apply("task.create", task_id=inside, site_id=world.school.id, title="Skolefest",
                audience="organisation", publish=True)

    # Bea of Bøgeby sees A's task opened to other municipalities: she is told who posted it.
    answer = poster(bea, shared)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body == {
        "task_id": shared,
        "name": world.mette.name,
        "title": world.mette.title or "",
        "organisation_name": world.org.name,
    }
    # A's organisation-wide task does not reach her, and neither does its poster; an unknown id is the same.
    for task_id in (inside, "no-such-task"):
        refused = poster(bea, task_id)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found", refused.text
        assert world.mette.name not in refused.text
    # Widened to other municipalities, it does.
    mette.apply("task.widen_audience", task_id=inside, audience="organisations")
    assert poster(bea, inside).json()["name"] == world.mette.name
    # Her own organisation's staff may ask too (they have her row anyway); an outsider is not
    # told, not even on a task opened to outsiders: they see the staff's site, as ever.
    assert poster(anna, shared).json()["name"] == world.mette.name
    external = uuid7()
    mette.apply("task.create", task_id=external, site_id=world.school.id, title="Strandrensning",
                audience="external", publish=True)
    assert poster(ole, external).status_code == 404
    # Without credentials nothing is said.
    anonymous = bea.http.get(
        protocol.PATH_TASK_POSTER,
        params={"task_id": shared},
        headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)},
    )
    assert anonymous.status_code == 401 and world.mette.name not in anonymous.text
