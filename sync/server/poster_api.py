"""GET /v1/tasks/poster: who posted a task and who commented on it, for a reader of another organisation.

The feed shows a person's row only to their own organisation (and to those
whose tasks they bid or commented on), so a task opened to other
municipalities reached its readers there without its poster's name, which no
rule asked for (docs/scale-out.md listed it as not built). The task view asks
here when it has no row for the poster: the answer is the poster's name, job
title and organisation, the same the own organisation's readers see, and only
to someone the shared visibility rule (`permissions.can_see_task`) lets see
the task, so the name goes exactly where the task goes. The comments' authors
are named the same way, by the same rule (a try-out read "Someone from another
municipality" over a colleague's comment from the task's own municipality).
Outsiders are not told (they see the staff's site, as on their own
organisation's tasks). The workstation keeps the last answer in the reader's
own store for reading offline (desktop.told_names); an erased person's name is
the pseudonym in the next answer, which replaces it.
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


class Author(BaseModel):
    """Someone who commented on the task: their id, name, job title ("" if none) and organisation's name."""

    person_id: str
    name: str
    title: str
    organisation_name: str


class Poster(BaseModel):
    """Who posted `task_id` (`poster_id`): their name and job title ("" if none), and their
    organisation's name ("" each when the poster's row is gone); and who commented on it."""

    task_id: str
    poster_id: str
    name: str
    title: str
    organisation_name: str
    comment_authors: list[Author]


# A thread with more authors than this names the first this many (in the order they spoke).
MOST_AUTHORS = 200


def poster_of(session: storage.Session, reader: Person, task_id: str) -> dict[str, Any] | None:
    """The people of `task_id` as `reader` may read them (`Poster`'s fields), or None.

    One rule for the poster and the comments' authors alike: the people who
    wrote a task's texts are named exactly where those texts go. None when
    the task is unknown, `reader` may not see it (the feed's own rule), or
    `reader` is an outsider.
    """
    task = session.get(Task, task_id)
    if task is None or reader.is_external or not permissions.can_see_task(reader, task):
        return None
    author_ids = [
        str(r["author_id"])
        for r in session.rows(
            "SELECT author_id, min(created_at) AS first FROM comments WHERE task_id = ? "
            "GROUP BY author_id ORDER BY first, author_id LIMIT ?",
            (task.id, MOST_AUTHORS),
        )
    ]
    people = {p.id: p for p in session.fetch(
        Person, f"id IN ({', '.join('?' for _ in (task.poster_id, *author_ids))})", (task.poster_id, *author_ids)
    )}
    # Only the organisations named: a server may serve many municipalities.
    wanted = sorted({p.organisation_id for p in people.values() if p.organisation_id})
    found = session.fetch(Organisation, f"id IN ({', '.join('?' for _ in wanted)})", wanted) if wanted else []
    organisations = {o.id: o.name for o in found}

    def named(person_id: str) -> dict[str, str]:
        person = people.get(person_id)
        if person is None:
            return {"name": "", "title": "", "organisation_name": ""}
        return {
            "name": person.name,
            "title": person.title or "",
            "organisation_name": organisations.get(person.organisation_id or "", ""),
        }

    return {
        "task_id": task.id,
        "poster_id": task.poster_id,
        **named(task.poster_id),
        "comment_authors": [
            {"person_id": a, **named(a)} for a in author_ids if a in people
        ],
    }


@router.get(protocol.PATH_TASK_POSTER, response_model=Poster, responses=_responses)
def task_poster(
    request: Request,
    task_id: Annotated[str, Query(min_length=1, max_length=100)],
    device: Annotated[str | None, Security(_device)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> JSONResponse:
    """Who posted the task and who commented on it: 404 unless the caller may see it and is staff."""
    db: storage.Database = request.app.state.db
    with db.read() as s:
        who = accounts.authenticate(s, device, bearer.credentials if bearer else None)
        found = poster_of(s, who.person, task_id)
    if found is None:
        raise ApiError("not_found", [{"loc": ["query", "task_id"], "msg": "no such task for you"}])
    return JSONResponse(found)
