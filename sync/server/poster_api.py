"""GET /v1/tasks/poster: who posted a task, for a reader of another organisation.

The feed shows a person's row only to their own organisation (and to those
whose tasks they bid or commented on), so a task opened to other
municipalities reached its readers there without its poster's name, which no
rule asked for (docs/scale-out.md listed it as not built). The task view asks
here when it has no row for the poster: the answer is the poster's name, job
title and organisation, the same the own organisation's readers see, and only
to someone the shared visibility rule (`permissions.can_see_task`) lets see
the task, so the name goes exactly where the task goes. Outsiders are not told
(they see the staff's site, as on their own organisation's tasks), and the
answer is not kept on the workstation, so an erased poster's name is gone from
the next answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from desktop.core import permissions
from desktop.core.entities import Organisation, Person, Task
from sync import protocol
from sync.server import accounts, messages, storage
from sync.server.errors import ApiError

router = APIRouter(tags=["tasks"])

_device = APIKeyHeader(name=protocol.DEVICE_HEADER, auto_error=False, scheme_name="device")
_bearer = HTTPBearer(auto_error=False, scheme_name="token")
_responses: dict[int | str, dict[str, Any]] = {
    status: {"model": messages.ErrorBody} for status in (400, 401, 404, 422, 426, 503)
}


class Poster(BaseModel):
    """Who posted `task_id`: their name and job title ("" if none), and their organisation's name."""

    task_id: str
    name: str
    title: str
    organisation_name: str


def poster_of(session: storage.Session, reader: Person, task_id: str) -> dict[str, str] | None:
    """The poster of `task_id` as `reader` may read it (`Poster`'s fields), or None.

    None when the task is unknown, `reader` may not see it (the feed's own rule),
    `reader` is an outsider, or the poster's row is gone.
    """
    task = session.get(Task, task_id)
    if task is None or reader.is_external or not permissions.can_see_task(reader, task):
        return None
    poster = session.get(Person, task.poster_id)
    if poster is None:
        return None
    organisation = session.get(Organisation, poster.organisation_id) if poster.organisation_id else None
    return {
        "task_id": task.id,
        "name": poster.name,
        "title": poster.title or "",
        "organisation_name": organisation.name if organisation else "",
    }


@router.get(protocol.PATH_TASK_POSTER, response_model=Poster, responses=_responses)
def task_poster(
    request: Request,
    task_id: Annotated[str, Query(min_length=1, max_length=100)],
    device: Annotated[str | None, Security(_device)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> JSONResponse:
    """Who posted the task: 404 unless the caller may see it and is staff."""
    db: storage.Database = request.app.state.db
    with db.read() as s:
        who = accounts.authenticate(s, device, bearer.credentials if bearer else None)
        found = poster_of(s, who.person, task_id)
    if found is None:
        raise ApiError("not_found", [{"loc": ["query", "task_id"], "msg": "no such task for you"}])
    return JSONResponse(found)
