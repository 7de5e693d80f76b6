"""A push answered with the pull's next page (protocol.PUSH_PULL_HEADER): one request a round.

Over HTTP, on both engines: the page a push carries is the page a pull with
the same cursor and limit gets right after it (byte for byte, headers too);
a push without the header, or without a cursor, gets today's answer; a page
cut by its limit goes on by pulls to exactly what the device may see; a
push whose cursor must be resynced is applied and answered without a page
(the device's pull meets the 410); and on PostgreSQL a transaction that
commits out of order around the push is never skipped by the page.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from desktop.core.ids import uuid7
from sync import protocol
from sync.server import directory
from tests.conftest import World
from tests.server.conftest import Servers, renamed_in_a_transaction_held_open
from tests.server.harness import PASSWORD, Api, Deployment, Replica, visible_state
from tests.server.test_feed import assert_same


def push_asking(api: Api, operations: list[dict[str, Any]], cursor: str | None, limit: int | None = 1000) -> httpx.Response:
    """A push with the device's cursor, asking for the page after it (`limit` None: not asking)."""
    body: dict[str, Any] = {"operations": operations}
    if cursor is not None:
        body["cursor"] = cursor
    extra = {protocol.PUSH_PULL_HEADER: str(limit)} if limit is not None else {}
    return api.http.post(protocol.PATH_PUSH, json=body, headers=api.headers(**extra))


def new_task(api: Api, world: World, title: str) -> list[dict[str, Any]]:
    task_id = uuid7()
    return [
        api.op("task.create", task_id=task_id, site_id=world.school.id, title=title, publish=True),
        api.op("comment.add", comment_id=uuid7(), task_id=task_id, body="Første kommentar"),
    ]


def caught_up(api: Api) -> Replica:
    replica = Replica()
    replica.sync(api)
    return replica


def test_the_page_is_what_a_pull_right_after_the_push_gets(server: Deployment, world: World) -> None:
    anna = server.user("anna")
    device = caught_up(anna)
    operations = new_task(anna, world, "Med siden")
    answer = push_asking(anna, operations, device.cursor)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    page = body[protocol.PUSH_PAGE_KEY]
    pulled = anna.pull_raw(device.cursor, 1000)
    assert page == pulled.json()  # nothing was written in between: the same page
    assert json.dumps(page, sort_keys=True).count(operations[0]["payload"]["task_id"]) > 0
    for header in (protocol.PULL_CURSOR_HEADER, protocol.PULL_MORE_HEADER):
        assert answer.headers[header] == pulled.headers[header]
    device.apply(page)
    assert not page["more"]
    assert_same(device, visible_state(server.database, world.anna.id))


def test_without_the_header_or_a_cursor_a_push_gets_todays_answer(server: Deployment, world: World) -> None:
    bo = server.user("bo")
    device = caught_up(bo)
    for cursor, limit in ((device.cursor, None), (None, 1000)):
        answer = push_asking(bo, new_task(bo, world, "Som før"), cursor, limit)
        assert answer.status_code == 200, answer.text
        assert set(answer.json()) == {"results"}
        assert protocol.PULL_CURSOR_HEADER not in answer.headers


@pytest.mark.parametrize("limit", ["0", "10001", "mange"])
def test_a_bad_page_limit_is_refused_and_nothing_is_applied(server: Deployment, world: World, limit: str) -> None:
    carl = server.user("carl")
    device = caught_up(carl)
    operations = new_task(carl, world, "Forkert grænse")
    answer = carl.http.post(
        protocol.PATH_PUSH,
        json={"operations": operations, "cursor": device.cursor},
        headers=carl.headers(**{protocol.PUSH_PULL_HEADER: limit}),
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["detail"][0]["loc"] == ["header", protocol.PUSH_PULL_HEADER]
    assert operations[0]["payload"]["task_id"] not in json.dumps(carl.pull(device.cursor))


def test_a_page_cut_by_its_limit_goes_on_by_pulls_to_exactly_what_the_device_may_see(
    server: Deployment, world: World
) -> None:
    anna, bo = server.user("anna"), server.user("bo")
    device = caught_up(anna)
    for n in range(3):
        bo.push(*new_task(bo, world, f"Andres {n}"))
    answer = push_asking(anna, new_task(anna, world, "Min egen"), device.cursor, limit=2)
    page = answer.json()[protocol.PUSH_PAGE_KEY]
    assert page["more"] and len(page["changes"]) == 2
    device.apply(page)
    assert device.sync(anna)
    assert_same(device, visible_state(server.database, world.anna.id))


def test_a_push_whose_cursor_must_be_resynced_is_answered_without_a_page(
    server: Deployment, world: World
) -> None:
    username = f"flyt{uuid7()[-8:]}"
    directory.add_person(server.database, directory.NewPerson(username, "Flytter", world.school.id), PASSWORD)
    mover = server.user(username)
    device = caught_up(mover)
    with server.database.write() as s:  # moved to another site: the cursor no longer fits
        directory.put_person(s, directory.NewPerson(username, "Flytter", world.other_school.id))
    operations = [mover.op("comment.add", comment_id=uuid7(), task_id=uuid7(), body="x")]
    answer = push_asking(mover, operations, device.cursor)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"results"}  # the push's answer is not lost to the page
    assert mover.pull_raw(device.cursor).status_code == 410  # the pull says why, as before


def test_a_change_committed_out_of_order_around_a_push_is_never_skipped(
    backend: str, fresh_server: Deployment, world: World
) -> None:
    """Transaction A draws its id first and commits after the push: the push's page stops below A."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: its transactions cannot commit out of order")
    anna = fresh_server.user("anna")
    device = caught_up(anna)
    with renamed_in_a_transaction_held_open(fresh_server.database, world.care_home.id, "A, committed last"):
        operations = new_task(anna, world, "Skubbet imens")
        answer = push_asking(anna, operations, device.cursor)
        assert answer.status_code == 200, answer.text
        page = answer.json()[protocol.PUSH_PAGE_KEY]
        # The push's own rows lie above A's running transaction: not yet, and not A's either.
        assert operations[0]["payload"]["task_id"] not in json.dumps(page)
        assert "committed last" not in json.dumps(page)
        device.apply(page)
    assert device.sync(anna)
    text = json.dumps(list(device.rows.values()))
    assert "committed last" in text and operations[0]["payload"]["task_id"] in text
    assert_same(device, visible_state(fresh_server.database, world.anna.id))


@pytest.fixture(scope="module")
def busy_server(backend: str, servers: Servers) -> Iterator[Deployment]:
    deployment = servers.start(backend, workers=3)
    yield deployment
    assert deployment.server_errors() == []


def test_writers_that_take_their_pages_from_their_pushes_miss_nothing(busy_server: Deployment, world: World) -> None:
    """Four devices push side by side through three workers, each keeping its copy only from
    its pushes' pages (and pulls when a page says more); each ends with exactly what it may see."""
    writers = [busy_server.user(name) for name in ("anna", "bo", "carl", "mette")]
    copies = {api.person["id"]: caught_up(api) for api in writers}
    failures: list[BaseException] = []

    def write(api: Api, copy: Replica) -> None:
        try:
            for n in range(15):
                task_id = uuid7()
                operations = [
                    api.op("task.create", task_id=task_id, site_id=api.person["home_site_id"],
                           title=f"Opgave {n}", audience="organisation", publish=True),
                    api.op("comment.add", comment_id=uuid7(), task_id=task_id, body="Første kommentar"),
                    api.op("task.edit", task_id=task_id, changes={"title": f"Opgave {n} (rettet)"}),
                ]  # fmt: skip
                answer = push_asking(api, operations, copy.cursor, limit=7)
                assert answer.status_code == 200, answer.text
                body = answer.json()
                assert [r["status"] for r in body["results"]] == ["applied"] * 3
                copy.apply(body[protocol.PUSH_PAGE_KEY])
                if body[protocol.PUSH_PAGE_KEY]["more"]:
                    copy.sync(api, limit=7)
        except BaseException as error:  # noqa: BLE001 - the test thread hands it to the test
            failures.append(error)

    threads = [threading.Thread(target=write, args=(api, copies[api.person["id"]])) for api in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for api in writers:
        copy = copies[api.person["id"]]
        assert copy.sync(api)
        assert_same(copy, visible_state(busy_server.database, api.person["id"]))
