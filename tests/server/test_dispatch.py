"""The request around a round, made cheaper (docs/scale-out.md, "Fifth pass"), doing what it did.

Push and pull are answered at the app's entry (sync.server.hot_routes.Dispatch), before
Starlette's and FastAPI's layers: what those layers did for the two routes still happens
(the Gate's refusals, the app's error answers, the 5xx logged). A page and the push's
answer around it are written in one copy; the feed's tail remembers each reader."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from desktop.core.entities import Person, PersonKind, Role
from desktop.core.ids import uuid7
from sync import protocol
from sync.server import feed, feed_tail, hot_routes, storage
from sync.server.access_log import AccessLog
from sync.server.app import create_app
from sync.server.errors import ApiError
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Api, Deployment
from tests.server.test_bad_input import assert_error


@pytest.fixture
def mette(server: Deployment) -> Api:
    return server.user("mette")


def test_push_and_pull_are_dispatched_before_the_middleware_and_nothing_else_is(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "server.sqlite3"))
    outer = app.build_middleware_stack()
    assert isinstance(outer, AccessLog)  # the access log around everything, then the dispatch
    entry = outer.app
    assert isinstance(entry, hot_routes.Dispatch)
    assert set(entry.lean) == {("POST", protocol.PATH_PUSH), ("GET", protocol.PATH_PULL)}


def test_the_gate_still_stands_before_push_and_pull(mette: Api) -> None:
    without_version = {k: v for k, v in mette.headers().items() if k != protocol.PROTOCOL_HEADER}
    for version in ({protocol.PROTOCOL_HEADER: "0"}, {}):
        answer = mette.http.get(protocol.PATH_PULL, headers=without_version | version)
        assert_error(answer, 426, "unsupported_protocol")
        answer = mette.http.post(
            protocol.PATH_PUSH,
            content=b'{"operations": []}',
            headers=without_version | version | {"content-type": "application/json"},
        )
        assert_error(answer, 426, "unsupported_protocol")
    too_large = b" " * (protocol.MAX_BODY_BYTES + 1)
    for method, path in (("GET", protocol.PATH_PULL), ("POST", protocol.PATH_PUSH)):
        said = mette.http.request(method, path, content=too_large, headers=mette.headers())
        assert_error(said, 413, "too_large")
        unsaid = mette.http.request(method, path, content=iter([too_large]), headers=mette.headers())
        assert_error(unsaid, 413, "too_large")
    # The routes still answer what comes past the Gate, and a method they do not take is the stack's 405.
    assert mette.http.get(protocol.PATH_PULL, headers=mette.headers()).status_code == 200
    assert_error(mette.http.put(protocol.PATH_PULL, headers=mette.headers()), 405, "method_not_allowed")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unexpected_error_in_push_or_pull_is_answered_500_and_logged(
    backend: str, servers: Servers, world: World, method: str
) -> None:
    """A bug inside a hot route: the app's 500 `server_error`, its own log line and uvicorn's, as before.

    The bug is made real: the feed's table loses a column the pull and the push's
    feed write name (on both engines a statement error, not the database going away).
    """
    deployment = servers.start(backend)
    try:
        mette = deployment.user("mette")
        assert deployment.database is not None
        with deployment.database.write() as s:
            s.execute("ALTER TABLE changes RENAME COLUMN outsider_kinds TO outsider_kinds_gone")
        if method == "GET":
            answer = mette.http.get(protocol.PATH_PULL, headers=mette.headers())
        else:
            answer = mette.push_raw([mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title="Fejl")])
        assert_error(answer, 500, "server_error")
        path = protocol.PATH_PULL if method == "GET" else protocol.PATH_PUSH
        # uvicorn logs the exception raised on after the answer went out: wait for its line.
        log = _logged(deployment, "Exception in ASGI application")
        assert f"unexpected error on {method} {path}" in log
        assert any(f'"{method} {path}' in line and '" 500' in line for line in log.splitlines())
        with deployment.database.write() as s:
            s.execute("ALTER TABLE changes RENAME COLUMN outsider_kinds_gone TO outsider_kinds")
        assert mette.http.get(protocol.PATH_PULL, headers=mette.headers()).status_code == 200
    finally:
        deployment.stop()


def _logged(deployment: Deployment, words: str, patience_s: float = 30.0) -> str:
    """The server's log once it holds `words` (AssertionError after `patience_s`)."""
    deadline = time.monotonic() + patience_s
    while True:
        log = (deployment.workdir / "server.log").read_text(encoding="utf-8")
        if words in log:
            return log
        assert time.monotonic() < deadline, f"not logged: {words}\n{log[-3000:]}"
        time.sleep(0.05)


def test_a_page_and_what_is_around_it_are_written_in_one_piece() -> None:
    """feed.Page.to_json(around=...): the bytes the pull's answer and the push's wrapping made before."""
    for bodies in ([], [b'{"a":1}'], [b'{"a":1}', b'{"b":"\xc3\xa6"}', b"{}"]):
        for more in (False, True):
            page = feed.Page(list(bodies), "v1.c\u00e6", more)
            alone = (
                b'{"changes":[' + b",".join(bodies)
                + f'],"cursor":{json.dumps(page.cursor)},"more":{json.dumps(more)},"nfc":true}}'.encode()
            )
            assert page.to_json() == alone
            assert page.to_json(around=(b'{"results":[],"pull":', b"}")) == b'{"results":[],"pull":' + alone + b"}"
            assert json.loads(page.to_json())["changes"] == [json.loads(b) for b in bodies]
            assert page.bodies == bodies  # left as it was


def test_the_tails_reader_is_remembered_only_for_the_person_as_they_are() -> None:
    """feed_tail.Tail remembers what a person sees by everything they are: a change is a new reader."""
    tail = feed_tail.Tail("postgresql")
    mette = Person(id="p-mette", name="Mette", username="mette", home_site_id="site-1", organisation_id="org-1")
    first = tail._reader(mette)
    assert tail._reader(dataclasses.replace(mette, languages=list(mette.languages))) is first
    for changed in (
        dataclasses.replace(mette, role=Role.ADMIN),
        dataclasses.replace(mette, role=Role.EXTERNAL, kind=PersonKind.VOLUNTEER, home_site_id=None),
        dataclasses.replace(mette, active=False),
        dataclasses.replace(mette, home_site_id="site-2"),
        dataclasses.replace(mette, organisation_id="org-2"),
    ):
        reader = tail._reader(changed)
        assert reader is not first
        assert reader.key == feed_tail._Reader.of(changed, fold=False).key
        assert reader.key != first.key


class _Subclassed(ApiError):
    """An error class the app registers no handler for, under one it does: found by its class order."""


@pytest.mark.parametrize(
    "error",
    [
        ApiError("token_expired"),
        _Subclassed("resync"),
        storage.Unavailable("down"),
        RequestValidationError([{"type": "missing", "loc": ("body", "x"), "msg": "Field required"}]),
        StarletteHTTPException(404),
        StarletteHTTPException(418, "a teapot"),
        RuntimeError("a bug"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_an_error_is_answered_at_the_entry_as_starlettes_own_layers_answer_it(
    tmp_path: Path, error: Exception
) -> None:
    """`Dispatch` looks the app's handlers up its own way (hot_routes.Dispatch._handlers).

    The reference is Starlette's own stack, not a copy of its rule: the same error
    raised by a route behind the stack's layers and by a lean route at the entry
    gets the same status, body and headers. A Starlette whose lookup drifts from
    Dispatch's fails here.
    """
    app = create_app(str(tmp_path / "server.sqlite3"))

    async def routed() -> None:
        raise error

    async def lean(scope: Any, body: bytes) -> Any:
        raise error

    app.add_api_route("/_raise", routed, methods=["GET"])
    outer = app.build_middleware_stack()
    assert isinstance(outer, AccessLog)  # the access log around everything
    entry = outer.app
    assert isinstance(entry, hot_routes.Dispatch)
    probe = hot_routes.Dispatch(entry.app, entry.stack, entry.admit, {("GET", "/_lean"): lean})

    async def ask(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=probe, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://knop.test") as client:
            return await client.get(path, headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)})

    through_stack, at_entry = asyncio.run(ask("/_raise")), asyncio.run(ask("/_lean"))
    assert at_entry.status_code == through_stack.status_code
    assert at_entry.json() == through_stack.json()
    assert at_entry.json()["error"]["code"]  # protocol.error_body's shape, from the app's own handler
    headers = {k: v for k, v in at_entry.headers.items() if k != "content-length"}
    assert headers == {k: v for k, v in through_stack.headers.items() if k != "content-length"}
