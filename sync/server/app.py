"""The HTTP API: routes, credentials, and error responses that always follow `protocol.error_body`.

`create_app()` is a factory so that each uvicorn worker process builds its own
app with its own connection pool; nothing that matters lives in process memory
(tokens, throttles, the feed and the exactly-once log are all in the database),
so any number of workers can answer side by side.

Routes are plain `def`s: they block on the database, and Starlette runs them
in its thread pool. Push and pull, every device's every round, are answered
by `hot_routes` (the same endpoints, without FastAPI's dependency solving).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import anyio.to_thread
import orjson
from fastapi import Depends, FastAPI, Header, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from desktop.core.entities import Organisation, Site
from sync import protocol
from sync.server import (
    accounts,
    admin_api,
    deadlines,
    directory,
    feed,
    feed_tail,
    hot_routes,
    insights_api,
    invitations,
    mail_routes,
    memory,
    messages,
    migrations,
    own_data,
    oversight_api,
    poster_api,
    push,
    storage,
)
from sync.server.errors import ApiError, code_for_status, error_response
from sync.server.gate import Gate
from sync.server.access_log import AccessLog
from sync.server.logs import setup_server_logging

log = logging.getLogger("knop.server")

DB_ENV = storage.DB_ENV
# How many requests run their blocking part at once (default: KNOP_SERVER_POOL, the connections).
THREADS_ENV = "KNOP_SERVER_THREADS"
# "0": the pool opens connections as requests ask for them (the test suite runs dozens of
# servers on one PostgreSQL, whose max_connections is 100 by default).
POOL_AT_START_ENV = "KNOP_SERVER_POOL_AT_START"

_device_header = APIKeyHeader(
    name=protocol.DEVICE_HEADER,
    auto_error=False,
    scheme_name="device",
    description="The device credential from enrolment: <device_id>.<secret>",
)
_bearer = HTTPBearer(auto_error=False, scheme_name="token", description="The token from /v1/login")

if TYPE_CHECKING:
    Version: TypeAlias = str
else:  # the supported versions, as the OpenAPI description's enum for the header
    Version = Literal[tuple(str(v) for v in sorted(protocol.SUPPORTED_VERSIONS))]


_ROWS = "The shape of the rows the client stores (protocol.ROWS_HEADER); none: an older client's."
_PAGE = "\"columns\": the page's changes as blocks of value lists (protocol.PAGE_HEADER); none: as dicts."


async def _protocol_header(
    knop_protocol: Annotated[Version, Header(alias=protocol.PROTOCOL_HEADER)],
) -> None:
    """Documents the header; the Gate has already refused unsupported versions with 426.

    `async`: FastAPI runs a plain `def` dependency in its thread pool, a hand-over
    (and back) per request for a function that does nothing.
    """


def _caller(
    request: Request,
    device: Annotated[str | None, Security(_device_header)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> accounts.Caller:
    """The user and device behind a push or logout, proven by both credentials."""
    db: storage.Database = request.app.state.db
    with db.statement() as s:
        return accounts.authenticate(s, device, bearer.credentials if bearer else None)


Caller = Annotated[accounts.Caller, Depends(_caller)]


class _Api(FastAPI):
    """FastAPI with push and pull answered at its entry (`hot_routes.Dispatch`), before its middleware.

    `lean` holds the two routes' lean handlers by (method, path), filled by `create_app`.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.lean: dict[tuple[str, str], hot_routes.Lean] = {}
        self.access: AccessLog | None = None

    def build_middleware_stack(self) -> Any:
        stack = super().build_middleware_stack()
        # Outermost, so that its time and status are the whole answer's (uvicorn's own is off).
        self.access = AccessLog(hot_routes.Dispatch(self, stack, Gate(stack).admit, self.lean))
        return self.access


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": messages.ErrorBody} for status in (*statuses, 400, 413, 422, 426, 503)
    }


def create_app(database_url: str | None = None) -> FastAPI:
    url = database_url or os.environ.get(DB_ENV)
    if not url:
        raise SystemExit(f"knop-server: no database; pass --db or set {DB_ENV}")
    setup_server_logging()
    memory.keep_big_blocks()  # each worker process: a round's big blocks not faulted in afresh
    policy = accounts.Policy.from_env()
    pool_size = int(os.environ.get("KNOP_SERVER_POOL", "8"))
    threads = int(os.environ.get(THREADS_ENV, str(pool_size)))
    # All the pool's connections opened at start, not while the first burst of requests waits.
    at_start = os.environ.get(POOL_AT_START_ENV, "1") != "0"
    db = storage.Database(url, pool_size=pool_size, open_at_start=at_start)
    replica_url = os.environ.get(storage.REPLICA_ENV)
    replica = (
        storage.Database(replica_url, pool_size=pool_size, open_at_start=at_start)
        if replica_url
        else None
    )

    # Push and pull in a pool of their own (hot_routes), as many threads as the other routes'.
    hot = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="knop-sync")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # As many threads for the blocking routes as there are connections (anyio's
        # default is 40): a thread beyond the pool's size would only wait for a
        # connection, and every waiting thread is woken and handed the GIL in vain.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        migrations.prepare_to_serve(db)
        log.info("serving %s (%s)", storage.describe(url), db.dialect)
        # What lives now (the modules, the app, its routes' validators) lives as long as the
        # worker: a full collection need not walk it again, and the young generation is
        # collected seldom enough that a round's containers are freed before it is
        # (sync.server.memory). Here, not in create_app: only a process that serves.
        memory.tune_collector()
        memory.freeze_what_lives()
        yield
        if isinstance(app, _Api) and app.access is not None:
            app.access.summarise()  # what this worker answered since its last summary
        hot.shutdown(wait=True)
        db.close()
        if replica is not None:
            replica.close()

    app = _Api(
        title="Knop server",
        version=str(protocol.PROTOCOL_VERSION),
        description=(
            "The central server of Knop, a task exchange for municipal institutions. "
            "Every request names its protocol version in the Knop-Protocol header."
        ),
        lifespan=lifespan,
        # Knop exports no OpenTelemetry: without this, FastAPI asks on every request
        # whether a tracer, meter or logger provider has been configured meanwhile
        # (the global providers, os.environ lookups: about 3 % of the server's CPU
        # on push and pull, docs/scale-out.md "Fifth pass").
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.db = db
    # The feed's newest rows, read once by this process for every device's pull.
    tail = feed_tail.Tail.from_env(db.dialect)
    app.state.feed_tail = tail
    app.include_router(mail_routes.router)  # the mail outbox's worker and unsubscribe link
    app.include_router(deadlines.router)  # tasks close for bids by themselves
    _install_error_handlers(app)
    app.add_middleware(Gate)  # type: ignore[arg-type]

    versioned = [Depends(_protocol_header)]

    @app.get(protocol.PATH_HEALTH, response_model=messages.Health, responses=_errors())
    def health(
        knop_protocol: Annotated[Version | None, Header(alias=protocol.PROTOCOL_HEADER)] = None,
    ) -> dict[str, Any]:
        """Up, and which protocol versions it speaks. Needs no credentials."""
        with db.read() as s:
            s.value("SELECT 1")
        return {
            "status": "ok",
            "protocol": protocol.PROTOCOL_VERSION,
            "supported": sorted(protocol.SUPPORTED_VERSIONS),
        }

    @app.post(
        protocol.PATH_ENROL,
        response_model=messages.Enrolled,
        responses=_errors(401),
        dependencies=versioned,
    )
    def enrol(body: messages.EnrolRequest) -> dict[str, Any]:
        """Trade a one-time enrolment code (from IT) for this device's own credential."""
        device = accounts.enrol(db, body.code, body.name)
        with db.read() as s:
            site = s.get(Site, device.site_id)
            org = s.get(Organisation, site.organisation_id) if site else None
        return {
            "device_id": device.device_id,
            "secret": device.secret,
            "credential": device.credential,
            "site": site.to_row() if site else {"id": device.site_id},
            "organisation": org.to_row() if org else None,
        }

    @app.post(
        protocol.PATH_ACCEPT_INVITATION,
        response_model=messages.InvitationAccepted,
        responses=_errors(409, 422),
        dependencies=versioned,
    )
    def accept_invitation(body: messages.AcceptInvitationRequest) -> dict[str, Any]:
        """Take up a member invitation: choose a username and password, give a name (and phone).

        With `device_name`, an outsider's own computer is enrolled as a personal
        device that serves only them, and they are logged in on it. The code is
        one-time and expires; a refusal (409 invitation_refused) carries the
        rule's reason in `detail`.
        """
        try:
            done = invitations.accept(
                db, code=body.code, username=body.username, password=body.password,
                name=body.name, phone=body.phone, device_name=body.device_name, policy=policy,
            )
        except invitations.Refused as refused:
            raise ApiError("invitation_refused", refused.rejection.to_wire()) from None
        with db.read() as s:
            org = directory.organisation(s, done.person.organisation_id or None)
        log.info("invitation accepted: %s (personal device: %s)", done.person.username, bool(done.device))
        return {
            "person": done.person.to_row(),
            "organisation": org.to_row() if org else None,
            "device_id": done.device.device_id if done.device else None,
            "credential": done.device.credential if done.device else None,
            "token": done.token,
            "expires_at": done.expires_at,
        }

    @app.post(
        protocol.PATH_LOGIN,
        response_model=messages.LoggedIn,
        responses=_errors(401, 429),
        dependencies=versioned,
    )
    def login(
        body: messages.LoginRequest,
        device: Annotated[str | None, Security(_device_header)] = None,
    ) -> dict[str, Any]:
        """Check a password on an enrolled device; the token works only on that device."""
        done = accounts.login(db, device, body.username, body.password, policy)
        log.info("login: %s on device %s", done.person.username, _device_id(device))
        return {"token": done.token, "person": done.person.to_row(), "expires_at": done.expires_at}

    @app.post(
        protocol.PATH_LOGOUT,
        response_model=messages.LoggedOut,
        responses=_errors(401),
        dependencies=versioned,
    )
    def logout(who: Caller) -> dict[str, Any]:
        """End this token. The device stays enrolled."""
        accounts.logout(db, who)
        return {"status": "logged_out"}

    @app.post(
        protocol.PATH_PUSH,
        response_model=messages.PushResponse,
        responses=_errors(401, 410),
        dependencies=versioned,
    )
    def push_operations(
        body: messages.PushRequest,
        device: Annotated[str | None, Security(_device_header)] = None,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
        pull_limit: Annotated[
            int | None,
            Header(alias=protocol.PUSH_PULL_HEADER, ge=1, le=protocol.MAX_PULL_LIMIT,
                   description="Answer with the pull's next page after `cursor` too, up to this many changes."),
        ] = None,
        rows: Annotated[str | None, Header(alias=protocol.ROWS_HEADER, description=_ROWS)] = None,
    ) -> Response:
        """Apply operations in order, each exactly once; one result per operation.

        410 "resync" when `cursor` comes from a future this server does not have.
        With the Knop-Pull header and a `cursor`, the answer's "pull" is the
        page a pull would answer right after the push (sync.protocol).
        """
        # The credentials and the cursor are checked in the push's own transaction
        # (push.push_request), not by a `Caller` dependency: one connection and
        # transaction per push, and no hand-over to another thread for the check.
        token = bearer.credentials if bearer else None
        after = None
        cursor = body.cursor
        if pull_limit is not None and cursor is not None:
            after = _PageAfterPush(tail, device, token, cursor, pull_limit)
        results = push.push_request(
            db,
            device,
            token,
            [op.model_dump() for op in body.operations],
            body.cursor,
            after.send if after is not None else None,
        )
        page = None
        if after is not None:
            page = after.page() if after.made else _page_after_push(db, tail, *after.asked)
            page = feed.as_stored_by(page, rows) if page is not None else None
        answered = b'{"results":' + _compact_json(results)
        if page is None:
            return Response(answered + b"}", media_type="application/json")
        return Response(
            page.to_json(around=(answered + _PAGE_KEY, b"}")),
            media_type="application/json",
            headers=page.headers(),
        )

    @app.get(
        protocol.PATH_PULL,
        response_model=messages.PullPage,
        responses=_errors(401, 410),
        dependencies=versioned,
    )
    def pull(
        asked: Annotated[messages.PullQuery, Query()],
        device: Annotated[str | None, Security(_device_header)] = None,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
        rows: Annotated[str | None, Header(alias=protocol.ROWS_HEADER, description=_ROWS)] = None,
        shape: Annotated[str | None, Header(alias=protocol.PAGE_HEADER, description=_PAGE)] = None,
    ) -> Response:
        """The next page of changes this user may see, after `cursor` (none: from the start).

        410 "resync" when the cursor cannot be continued: start again without one.
        """
        token = bearer.credentials if bearer else None
        cursor, limit = asked.cursor, asked.limit
        in_columns = feed.in_columns_for(shape, rows)
        page = _page_from_replica(replica, device, token, cursor, limit, in_columns)
        if page is None:
            page = feed_tail.pull_request(db, tail, device, token, cursor, limit, in_columns=in_columns)
        page = feed.as_stored_by(page, rows)
        return Response(page.to_json(), media_type="application/json", headers=page.headers())

    async def credentials(request: Request) -> dict[str, Any]:
        """Both routes' `device` and `bearer`, read by the Security objects their signatures name."""
        return {"device": await _device_header(request), "bearer": await _bearer(request)}

    async def push_arguments(request: Request, body: bytes) -> dict[str, Any]:
        return {
            "body": hot_routes.json_body(messages.PushRequest, request, body),
            "pull_limit": hot_routes.header(messages.PushPull, request, protocol.PUSH_PULL_HEADER),
            "rows": request.headers.get(protocol.ROWS_HEADER),
            **await credentials(request),
        }

    async def pull_arguments(request: Request, body: bytes) -> dict[str, Any]:
        return {
            "asked": hot_routes.query(messages.PullQuery, request),
            "rows": request.headers.get(protocol.ROWS_HEADER),
            "shape": request.headers.get(protocol.PAGE_HEADER),
            **await credentials(request),
        }

    app.lean[("POST", protocol.PATH_PUSH)] = hot_routes.serve_lean(
        app, "POST", protocol.PATH_PUSH, push_arguments, hot
    )
    app.lean[("GET", protocol.PATH_PULL)] = hot_routes.serve_lean(app, "GET", protocol.PATH_PULL, pull_arguments, hot)

    app.include_router(insights_api.router, dependencies=versioned)
    app.include_router(own_data.router, dependencies=versioned)
    app.include_router(oversight_api.router, dependencies=versioned)
    app.include_router(admin_api.router, dependencies=versioned)
    app.include_router(poster_api.router, dependencies=versioned)
    _require_both_credentials(app)
    return app


def _page_from_replica(
    replica: storage.Database | None,
    device: str | None,
    token: str | None,
    cursor: str | None,
    limit: int,
    in_columns: bool = False,
) -> feed.Page | None:
    """The page as the hot standby has it, or None where only the primary can answer.

    A standby replays the primary's history in order, so what it serves is the
    primary's feed as it was a moment ago: a page from it misses nothing, it
    only ends earlier (its bound is its own snapshot's, see sync.server.feed).
    Whatever it cannot answer goes to the primary: a device or token newer than
    its copy, a cursor beyond what it has replayed (given out by the primary)
    or one it calls gone, and a standby that is down. So a standby that lags
    costs a client time, never a change missed or applied twice. Credentials
    it accepts are as of its replay: a token revoked a moment ago still reads
    for that moment, as it would have a moment before.
    """
    if replica is None:
        return None
    try:
        with replica.statement() as s:  # as the primary's, below
            who = accounts.authenticate(s, device, token)
            return feed.page(s, who.person, cursor, limit, in_columns=in_columns)
    except (ApiError, feed.CursorGone, storage.Unavailable) as error:
        log.debug("the primary serves a pull the replica could not: %r", error)
        return None
    except Exception as error:  # noqa: BLE001 - a standby not yet at this schema, say: the primary answers
        log.warning("the replica could not serve a pull, the primary does: %s", error)
        return None


def _page_after_push(
    db: storage.Database, tail: feed_tail.Tail | None, device: str | None, token: str | None, cursor: str, limit: int
) -> feed.Page | None:
    """The page a pull with `cursor` would answer right after the push, or None where that pull is refused.

    The pull's own code path (`feed_tail.pull_request`: credentials, the feed's
    bound, then the page from the tail or the database), on the primary, after
    the push's transaction has committed: what a device is sent here is what
    its pull right after the push would get, never more, never less. Where that
    pull would be refused (the cursor must be resynced, a credential revoked
    meanwhile), the push answers without a page and the device's own pull
    meets the refusal, as before; so too when the database went away after
    the push's commit (its pull then gets the 503). The push's results are
    never lost to the page. Anything else is a bug and fails the request (a
    push is safe to send again: its results come from the log).
    """
    return _unless_refused(lambda: feed_tail.pull_request(db, tail, device, token, cursor, limit))


def _unless_refused(make: Callable[[], feed.Page]) -> feed.Page | None:
    """`make()`, or None where the pull it makes is refused or the database went away (see `_page_after_push`)."""
    try:
        with storage.unavailable_as_such():
            return make()
    except ApiError as refused:
        log.debug("a push answered without its page: %s", refused.code)
    except storage.Unavailable as error:
        log.warning("a push answered without its page, the database is unavailable: %s", error)
    return None


class _PageAfterPush:
    """`_page_after_push` sent with the push's COMMIT (`push.push_request`'s `after_commit`).

    The pull's first round trip (the feed's bound, the credential check) is
    queued right behind the push's COMMIT and answered by the same Sync, then
    the page is made on the push's connection before it goes back to the
    pool: a round trip and a checkout less a round, and the same page, made
    by the same code (`feed_tail.pull_ahead`), as a pull right after the
    commit gets. `made` is False when it was not sent (SQLite, or the
    queuing failed): then `_page_after_push` makes it as before.
    """

    def __init__(self, tail: feed_tail.Tail | None, device: str | None, token: str | None, cursor: str, limit: int):
        self.tail = tail
        self.asked = (device, token, cursor, limit)  # `_page_after_push`'s, after the tail
        self.made = False
        self._page: feed.Page | None = None
        self._error: Exception | None = None

    def send(self, session: storage.Session) -> Callable[[], None]:
        answer = feed_tail.pull_ahead(session, self.tail, *self.asked)

        def then() -> None:
            # After the commit, inside the push's `Database.write`: an error here must not
            # reach the push's retries, so it is kept and raised by `page()`.
            try:
                self._page = _unless_refused(answer)
            except Exception as error:  # noqa: BLE001 - raised again by `page`
                self._error = error
            self.made = True

        return then

    def page(self) -> feed.Page | None:
        """The page, None where the pull would be refused; raises what making it raised otherwise."""
        if self._error is not None:
            raise self._error
        return self._page


_PAGE_KEY = b',"' + protocol.PUSH_PAGE_KEY.encode() + b'":'


def _compact_json(value: Any) -> bytes:
    """`value` as JSONResponse renders it (UTF-8, no spaces), by orjson where it can.

    orjson writes the same bytes as the stdlib here, at a fraction of its CPU;
    what it refuses (a key that is not a string, an integer beyond 64 bits)
    goes to the stdlib as before. (Floats, which the two may spell differently,
    e.g. 1e16, parse to the same number; a push's results hold none.)
    """
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _require_both_credentials(app: FastAPI) -> None:
    """FastAPI lists each security dependency as an alternative; push and pull need both."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for route in schema.get("paths", {}).values():
                for operation in route.values():
                    if len(operation.get("security", [])) > 1:
                        merged: dict[str, list[str]] = {}
                        for requirement in operation["security"]:
                            merged.update(requirement)
                        operation["security"] = [merged]
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


def _device_id(header: str | None) -> str:
    """The device part of a credential, for logs; the secret never goes there."""
    return (header or "").partition(".")[0][:64] or "-"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return error.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return error_response("invalid_request", _where(error.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Starlette's headers carry meaning (Allow on a 405, WWW-Authenticate on a 401):
        # the body is ours, the headers stay the exception's.
        response = error_response(
            code_for_status(error.status_code), headers=dict(error.headers or {})
        )
        response.status_code = error.status_code
        return response

    @app.exception_handler(storage.Unavailable)
    async def unavailable(request: Request, error: storage.Unavailable) -> JSONResponse:
        log.warning("database unavailable: %s", error)
        return error_response("unavailable", headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response("server_error")


def _where(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without the offending input, which may be huge or hostile."""
    found = []
    for item in list(errors)[:20]:
        found.append(
            {
                "loc": [
                    part if isinstance(part, int) else str(part)[:100]
                    for part in item.get("loc", ())
                ],
                "msg": str(item.get("msg", ""))[:300],
                "type": str(item.get("type", ""))[:100],
            }
        )
    return found
