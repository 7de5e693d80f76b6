"""GET /v1/me/export: everything the server holds about the caller, as JSON and as a readable page.

The data comes from `personal_data.export` (every table that holds person
data, by the same list erasure follows), read in one transaction after the
caller's credentials are checked in it. The readable page is made here, on
the server, from the very same rows, so the two files never disagree.
"""

from __future__ import annotations

import html
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from desktop.core.ids import utc_now
from desktop.core.text import sentence
from sync import protocol
from sync.server import accounts, messages, personal_data, storage

router = APIRouter(tags=["own data"])

_device = APIKeyHeader(name=protocol.DEVICE_HEADER, auto_error=False, scheme_name="device")
_bearer = HTTPBearer(auto_error=False, scheme_name="token")
_responses: dict[int | str, dict[str, Any]] = {
    status: {"model": messages.ErrorBody} for status in (400, 401, 422, 426, 503)
}
EXPORT_VERSION = 1


def readable(export: dict[str, Any], name: str, language: str) -> str:
    """The export as one self-contained HTML page: a heading and a table per kind of row.

    `language` is "da" or "en" for the page's own words; the rows are shown as stored.
    """
    title = sentence("Everything Knop holds about {name}", name=name).text(language)
    intro = sentence(
        "Made by the Knop server on {at}. The JSON file beside it holds the same rows.",
        at=export["generated_at"],
    ).text(language)
    none = sentence("No rows of this kind.").text(language)
    parts = [
        "<!doctype html>",
        f'<html lang="{html.escape(language)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}</style>",
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>",
    ]
    for table, found in export["tables"].items():
        rows = found["rows"]
        parts.append(f"<h2>{html.escape(table)}</h2><p>{html.escape(found['about'])}</p>")
        if not rows:
            parts.append(f"<p><em>{html.escape(none)}</em></p>")
            continue
        columns = list(rows[0])
        parts.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>")
        for row in rows:
            cells = "".join(f"<td>{html.escape(_shown(row.get(c)))}</td>" for c in columns)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def own_data(session: storage.Session, person_id: str, name: str, language: str) -> dict[str, Any]:
    """{"version", "generated_at", "export", "html"} for `person_id` (see the module's docstring)."""
    export = {"generated_at": utc_now(), **personal_data.export(session, person_id)}
    return {
        "version": EXPORT_VERSION,
        "generated_at": export["generated_at"],
        "export": export,
        "html": readable(export, name, language),
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
