"""GET /v1/me/export: everything the server holds about the caller, as JSON and as a readable page.

The data comes from `personal_data.export` (every table that holds person
data, by the same list erasure follows), read in one transaction after the
caller's credentials are checked in it. The readable page is made on the
server too (`own_data_page`), from the very same rows, so the two files never
disagree.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from desktop.core.ids import utc_now
from sync import protocol
from sync.server import accounts, messages, own_data_page, personal_data, storage

router = APIRouter(tags=["own data"])

_device = APIKeyHeader(name=protocol.DEVICE_HEADER, auto_error=False, scheme_name="device")
_bearer = HTTPBearer(auto_error=False, scheme_name="token")
_responses: dict[int | str, dict[str, Any]] = {
    status: {"model": messages.ErrorBody} for status in (400, 401, 422, 426, 503)
}
EXPORT_VERSION = 1


def own_data(session: storage.Session, person_id: str, name: str, language: str) -> dict[str, Any]:
    """{"version", "generated_at", "export", "html"} for `person_id` (see the module's docstring)."""
    export = {"generated_at": utc_now(), **personal_data.export(session, person_id)}
    return {
        "version": EXPORT_VERSION,
        "generated_at": export["generated_at"],
        "export": export,
        "html": own_data_page.page(export, name, language, own_data_page.names(session, export)),
    }


@router.get(protocol.PATH_OWN_DATA, responses=_responses)
def export_own_data(
    request: Request,
    device: Annotated[str | None, Security(_device)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    language: Annotated[str, Query(pattern="^(da|en)$")] = "da",
) -> JSONResponse:
    """Everything the server holds about the caller: `export` (rows per table) and `html` (readable)."""
    db: storage.Database = request.app.state.db
    with db.read() as s:
        who = accounts.authenticate(s, device, bearer.credentials if bearer else None)
        body = own_data(s, who.person.id, who.person.name, language)
    return JSONResponse(body)
