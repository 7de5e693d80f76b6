"""Bad input of any kind gets a clear 4xx in the one error shape, and nothing is stored half."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from desktop.core.entities import Task
from desktop.core.ids import uuid7
from sync import protocol
from tests.conftest import World
from tests.server.harness import Api, Deployment


@pytest.fixture
def mette(server: Deployment) -> Api:
    return server.user("mette")


def assert_error(answer: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()["error"]
    assert set(body) == {"code", "message", "detail"}
    assert body["message"]["da"] and body["message"]["en"]
    if code is not None:
        assert body["code"] == code
    return dict(body)


def post(api: Api, content: bytes | Iterator[bytes], **headers: str) -> httpx.Response:
    return api.http.post(
        protocol.PATH_PUSH,
        content=content,
        headers=api.headers(**{"content-type": "application/json", **headers}),
    )


def operations_stored(server: Deployment, *ids: str) -> int:
    with server.database.read() as s:
        return sum(int(s.value("SELECT count(*) FROM operations WHERE id = ?", (i,))) for i in ids)


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"",
        b"null",
        b"[]",
        b'{"operations": "all of them"}',
        b'{"operations": [1, 2]}',
        b'{"operations": [], "extra": true}',
        b"\xff\xfe\x00garbage",
        b'{"operations": [{"id": "x"}]}',
        '{"operations": [], "\u00e6\u00f8\u00e5": 1}'.encode(),
        b'{"operations": NaN}',
    ],
)
def test_malformed_bodies_are_refused(mette: Api, body: bytes) -> None:
    answer = post(mette, body)
    assert answer.status_code in (400, 422), answer.text
    assert_error(answer, answer.status_code)


def test_wrong_types_and_unknown_fields_in_an_operation(
    server: Deployment, mette: Api, world: World
) -> None:
    good = mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title="Ok")
    for broken in (
        {**good, "payload": ["not", "an", "object"]},
        {**good, "author_id": 42},
        {**good, "id": ""},
        {**good, "id": "x" * 65},
        {**good, "surprise": "field"},
        {k: v for k, v in good.items() if k != "kind"},
    ):
        answer = mette.push_raw([good, broken])
        detail = assert_error(answer, 422, "invalid_request")["detail"]
        assert detail and detail[0]["loc"][:3] == ["body", "operations", 1]
    assert operations_stored(server, good["id"]) == 0  # nothing of the batch was kept


def test_an_unknown_operation_kind_refuses_the_whole_batch(
    server: Deployment, mette: Api, world: World
) -> None:
    good = mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title="Ok")
    unknown = mette.op("task.teleport", task_id=uuid7())
    detail = assert_error(mette.push_raw([good, unknown]), 422, "invalid_request")["detail"]
    assert detail[0]["loc"] == ["body", "operations", 1, "kind"]
    assert operations_stored(server, good["id"], unknown["id"]) == 0


def test_payload_fields_are_judged_by_the_rules_one_operation_at_a_time(
    mette: Api, world: World
) -> None:
    results = mette.push(
        mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title=123),
        mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title="x" * 5000),
        mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title="Ok", colour="red"),
        mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title="Ok", seats=10**30),
        mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title="Ok"),
    )
    reasons = [r["rejection"]["reason"] for r in results[:4]]
    assert reasons == ["field.bad_type", "field.too_long", "field.unknown", "field.out_of_range"]
    assert results[4]["status"] == "applied"


def test_hostile_strings_are_refused_or_stored_verbatim(
    server: Deployment, mette: Api, world: World
) -> None:
    for hostile in ("nul\x00byte", "lone \ud800 surrogate"):
        op = mette.op("task.create", task_id=uuid7(), site_id=world.school.id, title=hostile)
        raw = json.dumps({"operations": [op]}).encode()  # \ud800 travels as the JSON escape
        assert_error(post(mette, raw), 422, "invalid_request")
        op = mette.op("task.create", task_id=hostile, site_id=world.school.id, title="Ok")
        assert_error(post(mette, json.dumps({"operations": [op]}).encode()), 422, "invalid_request")
    task_id = uuid7()
    nasty = "Robert'); DROP TABLE tasks;-- <script>alert(1)</script> ‮ 🤖 %s %(x)s ? {0}"
    mette.apply(
        "task.create", task_id=task_id, site_id=world.school.id, title=nasty, description=nasty * 10
    )
    with server.database.read() as s:
        task = s.get(Task, task_id)
    assert task is not None and task.title == nasty


def test_too_deep_nesting_is_refused(mette: Api, world: World) -> None:
    op = mette.op("task.edit", task_id=uuid7(), changes={})
    deep: Any = "bottom"
    for _ in range(20):
        deep = {"d": deep}
    op["payload"]["changes"] = deep
    assert_error(mette.push_raw([op]), 422, "invalid_request")
    pathological = b'{"operations": [{"payload": ' + b"[" * 200_000 + b"]" * 200_000 + b"}]}"
    answer = post(mette, pathological)
    assert answer.status_code in (400, 422)
    assert_error(answer, answer.status_code)


def test_an_oversized_body_gets_413_whether_or_not_it_says_so(mette: Api) -> None:
    big = b'{"operations": [], "x": "' + b"a" * protocol.MAX_BODY_BYTES + b'"}'
    assert_error(post(mette, big), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        yield b'{"operations": [], "x": "'
        for _ in range(protocol.MAX_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536
        yield b'"}'

    assert_error(post(mette, chunks()), 413, "too_large")
    too_many = [mette.op("task.publish", task_id="x")] * (protocol.MAX_PUSH_OPERATIONS + 1)
    assert_error(mette.push_raw(too_many), 422, "invalid_request")


def test_wrong_content_type_and_bad_query_parameters(mette: Api) -> None:
    answer = post(mette, b'{"operations": []}', **{"content-type": "text/plain"})
    assert_error(answer, 422, "invalid_request")
    for params in (
        {"limit": "many"},
        {"limit": "0"},
        {"limit": str(protocol.MAX_PULL_LIMIT + 1)},
        {"cursor": "c" * 500},
    ):
        answer = mette.http.get(protocol.PATH_PULL, params=params, headers=mette.headers())
        assert_error(answer, 422, "invalid_request")


def test_hostile_credentials_are_just_unauthorised(server: Deployment) -> None:
    api = server.api()
    for device, token in (
        ("a" * 3000, "b"),
        ("x.y", "\u00e6\u00f8\u00e5"),
        (".", "-"),
        ("a.b.c", "t t t"),
    ):
        headers = api.headers(
            **{protocol.DEVICE_HEADER: device, "Authorization": f"Bearer {token}"}
        )
        answer = api.http.get(
            protocol.PATH_PULL, headers={k.encode(): v.encode() for k, v in headers.items()}
        )
        assert_error(answer, 401)


def test_unknown_paths_and_methods(mette: Api) -> None:
    assert_error(mette.http.get("/v1/nothing-here", headers=mette.headers()), 404, "not_found")
    assert_error(
        mette.http.delete(protocol.PATH_PUSH, headers=mette.headers()), 405, "method_not_allowed"
    )


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", protocol.PATH_PUSH, {"POST"}),
        ("PUT", protocol.PATH_LOGIN, {"POST"}),
        ("POST", protocol.PATH_PULL, {"GET"}),
    ],
)
def test_an_error_answer_keeps_the_headers_that_explain_it(
    mette: Api, method: str, path: str, allowed: set[str]
) -> None:
    # RFC 9110 §15.5.6: a 405 must say which methods the resource allows.
    answer = mette.http.request(method, path, headers=mette.headers())
    assert_error(answer, 405, "method_not_allowed")
    assert {m.strip() for m in answer.headers["allow"].split(",")} >= allowed


def test_an_old_or_missing_protocol_version_is_told_to_update(mette: Api) -> None:
    for headers in ({protocol.PROTOCOL_HEADER: "0"}, {protocol.PROTOCOL_HEADER: "banana"}, {}):
        sent = {k: v for k, v in mette.headers().items() if k != protocol.PROTOCOL_HEADER} | headers
        answer = mette.http.post(protocol.PATH_PUSH, json={"operations": []}, headers=sent)
        body = assert_error(answer, 426, "unsupported_protocol")
        assert "Opdater" in body["message"]["da"] and "update" in body["message"]["en"]
        assert body["detail"]["supported"] == sorted(protocol.SUPPORTED_VERSIONS)
    bare = httpx.get(mette.http.base_url.join(protocol.PATH_HEALTH))
    assert bare.status_code == 200
    assert bare.json() == {"status": "ok", "protocol": 1, "supported": [1]}
    old = httpx.get(
        mette.http.base_url.join(protocol.PATH_HEALTH), headers={protocol.PROTOCOL_HEADER: "0"}
    )
    assert_error(old, 426, "unsupported_protocol")


def test_the_openapi_description_is_served(server: Deployment) -> None:
    schema = httpx.get(server.url + "/openapi.json").json()
    assert set(schema["paths"]) >= {
        protocol.PATH_HEALTH,
        protocol.PATH_ENROL,
        protocol.PATH_LOGIN,
        protocol.PATH_LOGOUT,
        protocol.PATH_PUSH,
        protocol.PATH_PULL,
    }
    operation = schema["components"]["schemas"]["Operation"]
    assert operation["additionalProperties"] is False
    assert "task.create" in json.dumps(operation)


def test_push_and_pull_refusals_say_where_in_the_request(mette: Api) -> None:
    # Push and pull are answered by sync.server.hot_routes, not FastAPI's dependency
    # solving: the refusals must stay those FastAPI gave, locations included.
    for body in (b"{", b'{"operations": NaN}', b"[]"):
        detail = assert_error(post(mette, body), 422, "invalid_request")["detail"]
        assert detail and detail[0]["loc"][0] == "body"
    detail = assert_error(post(mette, b""), 422, "invalid_request")["detail"]
    assert detail[0]["loc"] == ["body"] and detail[0]["type"] == "missing"
    detail = assert_error(mette.push_raw([{"id": "x"}]), 422, "invalid_request")["detail"]
    assert {tuple(d["loc"]) for d in detail} >= {("body", "operations", 0, "kind")}
    for params, where in (({"limit": "many"}, "limit"), ({"cursor": "c" * 201}, "cursor")):
        answer = mette.http.get(protocol.PATH_PULL, params=params, headers=mette.headers())
        assert assert_error(answer, 422, "invalid_request")["detail"][0]["loc"] == ["query", where]


def test_push_and_pull_take_what_fastapi_took(mette: Api) -> None:
    # A charset or a +json subtype is still JSON; an unknown query parameter is ignored and
    # the last of a repeated one counts, as FastAPI reads query strings.
    for content_type in ("application/json; charset=utf-8", "application/vnd.knop+json"):
        answer = post(mette, b'{"operations": []}', **{"content-type": content_type})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"results": []}
    answer = mette.http.get(
        protocol.PATH_PULL + "?limit=0&limit=2&colour=red", headers=mette.headers()
    )
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["changes"]) <= 2
    bare = {k: v for k, v in mette.headers().items() if k.lower() != "authorization"}
    assert_error(mette.http.get(protocol.PATH_PULL, headers=bare), 401, "token_invalid")
    basic = bare | {"Authorization": f"Basic {mette.token}"}
    assert_error(mette.http.get(protocol.PATH_PULL, headers=basic), 401, "token_invalid")
