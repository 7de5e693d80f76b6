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
Everything else (the protocol version, the body's size) the Gate checks
before any route runs.

`Dispatch` sends the two requests to these handlers at the top of the app,
before Starlette's and FastAPI's middleware and router, doing what those
layers do for them (the Gate's checks, the app's exception handlers).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from concurrent.futures import Executor
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
# What a route's lean handler turns a request into: the endpoint's keyword arguments.
Arguments = Callable[[Request, bytes], Awaitable[dict[str, Any]]]


# A lean handler: the request's scope and whole body in, the route's response out.
Lean = Callable[[Scope, bytes], Awaitable[Response]]
# Gate.admit: the body of a request that passes the protocol and size checks, None once refused.
Admit = Callable[[Scope, Receive, Send], Awaitable[bytes | None]]


def serve_lean(
    app: FastAPI, method: str, path: str, arguments: Arguments, executor: Executor | None = None
) -> Lean:
    """Answer `method path` with `arguments(request, body)` passed to the route's own endpoint.

    The endpoint is called in `executor` (default: Starlette's thread pool)
    and must return a `Response`. Returns the lean handler, for `Dispatch` to
    call before any middleware; the route answers with it too when a request
    reaches it through the stack. Raises LookupError when the app has no such
    route (a renamed path).
    """
    for route in app.router.routes:
        if isinstance(route, APIRoute) and route.path == path and method in (route.methods or ()):
            break
    else:
        raise LookupError(f"no route {method} {path}")
    endpoint = route.endpoint
    reads_body = method in ("POST", "PUT", "PATCH")

    async def respond(scope: Scope, body: bytes) -> Response:
        given = await arguments(Request(scope), body)
        if executor is None:
            return await run_in_threadpool(endpoint, **given)  # type: ignore[no-any-return]
        return await asyncio.get_running_loop().run_in_executor(  # type: ignore[no-any-return]
            executor, functools.partial(endpoint, **given)
        )

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        body = await Request(scope, receive).body() if reads_body else b""
        response = await respond(scope, body)
        await response(scope, receive, send)

    route.app = handle
    return respond


class Dispatch:
    """The app's ASGI entry: push and pull straight to their lean handlers, every other request through `stack`.

    Starlette's and FastAPI's layers (the error middlewares, OpenTelemetry's
    exception hook, the body limit, the Gate, the exception stack, the router
    matching each route's pattern in turn) cost about 7 % of the server's CPU
    on push and pull, every round of every device (py-spy, docs/scale-out.md
    "Fifth pass"). What they do for these two routes is done here, no more:

    - the Gate's checks (`admit`: the protocol version's 426, the body's 400
      and 413), before the handler, as in the stack;
    - an exception is answered by the app's own exception handlers, looked up
      as Starlette's `ExceptionMiddleware` does (an HTTPException by its status
      first, then the exception's classes in order); one no handler claims goes
      to the handler of `Exception` (500 `server_error`, logged), and is then
      raised on, as Starlette's `ServerErrorMiddleware` does, so that uvicorn
      logs it too.

    uvicorn's access log and proxy headers are outside the app and stay as they
    are. A request under a `root_path` goes through the stack (the routes match
    the path without it).
    """

    def __init__(self, app: Starlette, stack: App, admit: Admit, lean: Mapping[tuple[str, str], Lean]) -> None:
        self.app = app
        self.stack = stack
        self.admit = admit
        self.lean = dict(lean)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            respond = self.lean.get((scope["method"], scope["path"]))
            if respond is not None:
                await self._serve(respond, scope, receive, send)
                return
        await self.stack(scope, receive, send)

    async def _serve(self, respond: Lean, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await self.admit(scope, receive, send)
            if body is None:
                return
            response = await respond(scope, body)
        except Exception as error:  # noqa: BLE001 - answered by the app's handlers, as the stack would
            await self._answer(error, scope, receive, send)
            return
        try:
            await response(scope, receive, send)
        except Exception as error:
            # Sending failed with the answer begun: as ServerErrorMiddleware, the handler
            # of Exception hears of it (it logs), nothing more can be sent, uvicorn logs it.
            handler = self._handlers(error)[1]
            if handler is not None:
                await _call(handler, Request(scope, receive), error)
            raise

    async def _answer(self, error: Exception, scope: Scope, receive: Receive, send: Send) -> None:
        handled, last_resort = self._handlers(error)
        handler = handled or last_resort
        if handler is None:
            raise error
        response = await _call(handler, Request(scope, receive), error)
        await response(scope, receive, send)
        if handled is None:
            raise error  # as ServerErrorMiddleware: answered 500, and raised on for the server to log

    def _handlers(self, error: Exception) -> tuple[Callable[..., Any] | None, Callable[..., Any] | None]:
        """The app's handler for `error` as ExceptionMiddleware finds it (or None), and the last resort's."""
        handlers = self.app.exception_handlers
        last_resort = handlers.get(500) or handlers.get(Exception)
        if isinstance(error, HTTPException) and error.status_code in handlers:
            return handlers[error.status_code], last_resort
        for kind in type(error).__mro__:
            if kind is not Exception and kind in handlers:
                return handlers[kind], last_resort
        return None, last_resort


async def _call(handler: Callable[..., Any], request: Request, error: Exception) -> Response:
    if inspect.iscoroutinefunction(handler):
        return await handler(request, error)  # type: ignore[no-any-return]
    return await run_in_threadpool(handler, request, error)  # type: ignore[no-any-return]


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
