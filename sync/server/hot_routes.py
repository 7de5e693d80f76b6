"""Push and pull, the two requests every device makes every round, without FastAPI's per-request work.

FastAPI answers a request by solving its dependency graph: each `Security`,
`Header` and `Query` parameter is looked up, validated and cached, the body is
decoded with the stdlib and validated again by pydantic in Python mode. For a
push or a pull that is about a tenth of the server's CPU (py-spy, docs/scale-out.md
"Figures"), spent on every round of every device.

So the two routes stay declared in FastAPI as before (their signatures make
the OpenAPI description, and the endpoint functions are the one implementation),
but `serve_lean` swaps the route's request handler for a short one that does
what the signature says, directly:

- the body is validated by the route's own pydantic model straight from the
  JSON bytes (`model_validate_json`, one pass in pydantic-core); the query by
  the route's query model;
- the credentials are read by the very `Security` objects the signature names;
- the endpoint runs in a thread pool, as FastAPI runs a plain `def`: the app's
  own `concurrent.futures` pool, whose hand-over is a C `SimpleQueue.put`,
  not anyio's (a `queue.Queue` and a `Condition.notify` in Python, 7 % of the
  server's samples under load, docs/scale-out.md "Fourth pass").

A body or query that does not validate raises `RequestValidationError` with
the locations FastAPI gives (`["body", ...]`, `["query", ...]`), so the app's
handler answers it as before: 422 `invalid_request` in `protocol.error_body`.
Everything else (the protocol version, the body's size) the Gate has checked
before any route runs.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Executor
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# What a route's lean handler turns a request into: the endpoint's keyword arguments.
Arguments = Callable[[Request, bytes], Awaitable[dict[str, Any]]]


def serve_lean(
    app: FastAPI, method: str, path: str, arguments: Arguments, executor: Executor | None = None
) -> None:
    """Answer `method path` with `arguments(request, body)` passed to the route's own endpoint.

    The endpoint is called in `executor` (default: Starlette's thread pool)
    and must return a `Response`. Raises LookupError when the app has no such
    route (a renamed path).
    """
    for route in app.router.routes:
        if isinstance(route, APIRoute) and route.path == path and method in (route.methods or ()):
            break
    else:
        raise LookupError(f"no route {method} {path}")
    endpoint = route.endpoint
    reads_body = method in ("POST", "PUT", "PATCH")

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body() if reads_body else b""
        given = await arguments(request, body)
        response: Response
        if executor is None:
            response = await run_in_threadpool(endpoint, **given)
        else:
            response = await asyncio.get_running_loop().run_in_executor(executor, functools.partial(endpoint, **given))
        await response(scope, receive, send)

    route.app = handle


def json_body(model: type[BaseModel], request: Request, body: bytes) -> Any:
    """`body` validated by `model`; RequestValidationError (422) as FastAPI words it.

    A content type other than JSON is refused like FastAPI refuses it: the
    body is then not an object of the model.
    """
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    maintype, _, subtype = content_type.partition("/")
    if content_type and not (maintype == "application" and (subtype == "json" or subtype.endswith("+json"))):
        raise RequestValidationError(
            [{"type": "model_attributes_type", "loc": ("body",), "msg": "Input should be a valid "
              "dictionary or object to extract fields from", "input": None}]
        )
    if not body:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(_located("body", error)) from None


def query(model: type[BaseModel], request: Request) -> Any:
    """The query string validated by `model` (the last of repeated names counts, as in FastAPI)."""
    pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    try:
        return model.model_validate(dict(pairs))
    except ValidationError as error:
        raise RequestValidationError(_located("query", error)) from None


def header(model: type[BaseModel], request: Request, name: str) -> Any:
    """The header `name` validated by `model`'s one field, `value` (None when absent).

    RequestValidationError (422) located as FastAPI locates a header: ["header", name].
    """
    sent = request.headers.get(name)
    if sent is None:
        return None
    try:
        return model.model_validate({"value": sent}).model_dump()["value"]
    except ValidationError as error:
        raise RequestValidationError(
            [{**item, "loc": ("header", name)} for item in error.errors(include_url=False, include_context=False)]
        ) from None


def _located(where: str, error: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors with FastAPI's first location part: where in the request it was."""
    return [
        {**item, "loc": (where, *item["loc"])}
        for item in error.errors(include_url=False, include_context=False)
    ]
