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


def two_tasks(mette: Api, world: World) -> tuple[str, str]:
    """Mette's task opened to other municipalities, and her organisation-wide one: their ids."""
    shared, inside = uuid7(), uuid7()
    mette.apply("task.create", task_id=shared, site_id=world.school.id, title="Fælles kursus",
                audience="organisations", publish=True)
    mette.apply("task.create", task_id=inside, site_id=world.school.id, title="Skolefest",
                audience="organisation", publish=True)
    return shared, inside


def test_the_poster_is_named_where_the_task_goes_and_nowhere_else(three: Deployment, world: World) -> None:  # noqa: F811
    mette, anna, bea, ole = (three.user(u) for u in ("mette", "anna", "bea", "ole"))
    shared, inside = two_tasks(mette, world)

    # Bea of Bøgeby sees A's task opened to other municipalities: she is told who posted it.
    answer = poster(bea, shared)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body == {
        "task_id": shared,
        "poster_id": world.mette.id,
        "name": world.mette.name,
        "title": world.mette.title or "",
        "organisation_name": world.org.name,
        "comment_authors": [],
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


def test_a_comments_author_is_named_where_the_task_goes_and_nowhere_else(three: Deployment, world: World) -> None:  # noqa: F811
    """Try-out 7: a colleague's comment on a task opened to other municipalities was signed
    "Someone from another municipality" there; the author is named by the poster's rule."""
    mette, anna, bea, carl = (three.user(u) for u in ("mette", "anna", "bea", "carl"))
    shared, inside = two_tasks(mette, world)
    for task_id in (shared, inside):
        anna.apply("comment.add", comment_id=uuid7(), task_id=task_id, body="Jeg kan tage mig af kaffen")
        anna.apply("comment.add", comment_id=uuid7(), task_id=task_id, body="Og kagen")  # named once
    bea.apply("comment.add", comment_id=uuid7(), task_id=shared, body="Vi kommer gerne to fra Bøgeby")

    # Bea of Bøgeby may see the shared task: Anna is named with her municipality, in the order they spoke.
    body = poster(bea, shared).json()
    assert body["comment_authors"] == [
        {"person_id": world.anna.id, "name": world.anna.name, "title": world.anna.title or "",
         "organisation_name": world.org.name},
        {"person_id": bea.person["id"], "name": bea.person["name"], "title": bea.person.get("title") or "",
         "organisation_name": "Bøgeby Kommune"},
    ]
    # Carl of Egeskov, on his own organisation's task: the same.
    assert [a["name"] for a in poster(carl, inside).json()["comment_authors"]] == [world.anna.name]
    # The organisation-wide task does not reach Bea, nor do its comments' authors.
    refused = poster(bea, inside)
    assert refused.status_code == 404 and world.anna.name not in refused.text


def test_the_answer_reads_only_the_organisations_it_names(three: Deployment, world: World) -> None:  # noqa: F811
    """`poster_of` names a few people's organisations: it reads those rows, not every organisation's."""
    from desktop.core.entities import Person
    from sync.server import poster_api

    mette, carl = three.user("mette"), three.user("carl")
    shared, _inside = two_tasks(mette, world)
    carl.apply("comment.add", comment_id=uuid7(), task_id=shared, body="Hvornår?")
    asked: list[tuple[str, tuple[Any, ...]]] = []
    with three.database.read() as s:
        bea = s.fetch(Person, "username = ?", ("bea",))[0]
        real = s.execute

        def spy(statement: str, params: Any = ()) -> Any:
            asked.append((statement, tuple(params)))
            return real(statement, params)

        s.execute = spy  # type: ignore[method-assign]
        found = poster_api.poster_of(s, bea, shared)
    assert found is not None and found["organisation_name"] == world.org.name
    read = [params for statement, params in asked if "FROM organisations" in statement]
    assert read == [(world.org.id,)]  # the one organisation poster and commenter belong to
