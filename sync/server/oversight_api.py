"""GET /v1/audit and GET /v1/reports: the audit trail and the reports, for those entitled.

A router of its own, included by `app.create_app`, with the same credential
checks as the insights (`insights_api._Read`: device and login, inside the
read transaction). The audit trail is the organisation's: admins read all of
their organisation's (issue 16: its people's doings anywhere, and anyone's on
its sites), a site manager the events concerning their own site and their
staff's work on other sites, nobody else any (403; a site of another
organisation: 404). Reports: see `sync.server.reports`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from desktop.core.entities import Person, Role
from desktop.core.ids import utc_now
from sync import protocol
from sync.server import audit, reports, tenancy
from sync.server.errors import ApiError
from sync.server.insights_api import Bearer, Device, Id, _Read, _responses
from sync.server.storage import Session

router = APIRouter(tags=["oversight"])

Day = Annotated[str | None, Query(max_length=32, pattern=r"^\d{4}-\d{2}-\d{2}")]
_forbidden = {**_responses, 403: _responses[401]}


def audit_scope(s: Session, viewer: Person, site_id: str | None) -> dict[str, str | None]:
    """The `audit.Filter` fields that cut the trail to what `viewer` may read.

    An admin: their organisation's trail, narrowed to `site_id` when asked
    (a site of another organisation: ApiError "outside_organisation", 404).
    A site manager: their site and their staff's work elsewhere. Raises
    ApiError("forbidden") for everyone else, and for a site manager asking
    about another site.
    """
    if viewer.active and viewer.role == Role.ADMIN:
        tenancy.refuse_another_organisations_site(s, viewer, site_id)
        return {"site_id": site_id, "organisation_id": viewer.organisation_id}
    if viewer.active and viewer.role == Role.SITE_MANAGER and viewer.home_site_id is not None:
        if site_id not in (None, viewer.home_site_id):
            raise ApiError("forbidden")
        return {"site_and_its_staff": viewer.home_site_id}
    raise ApiError("forbidden")


@router.get(protocol.PATH_AUDIT, responses=_forbidden)
def audit_trail(
    request: Request,
    device: Device = None,
    bearer: Bearer = None,
    person: Annotated[str | None, Query(max_length=100)] = None,
    task_id: Id = None,
    task: Annotated[str | None, Query(max_length=200)] = None,
    site_id: Id = None,
    operation: Annotated[str | None, Query(max_length=100)] = None,
    outcome: Annotated[str | None, Query(pattern="^(applied|refused)$")] = None,
    since: Day = None,
    until: Day = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> JSONResponse:
    """Audit events (newest `limit`, oldest first), refused operations included, with names for ids.

    `task`: a task's id or words from its title (`audit.task_words`). The answer:
    `events` (rows), `names` (person, site, task and device id -> name) and
    `assigned` (the id of each applied bid.accept event -> the person who got
    the assignment, named in `names`).
    """

    def compute(s: Session, viewer: Any) -> dict[str, Any]:
        wanted = audit.Filter(
            person=person,
            task_id=task_id,
            task=task,
            operation=operation,
            outcome=outcome,
            since=since,
            until=until,
            limit=limit,
            **audit_scope(s, viewer.person, site_id),
        )
        found = audit.events(s, wanted)
        assigned = audit.assignees(s, found)
        return {
            "computed_at": utc_now(),
            "events": [e.to_row() for e in found],
            "names": audit.names(s, found, assigned),
            "assigned": assigned,
        }

    return _Read(request, device, bearer)(compute)


@router.get(protocol.PATH_REPORTS, responses=_forbidden)
def site_reports(
    request: Request,
    device: Device = None,
    bearer: Bearer = None,
    site_id: Id = None,
    since: Day = None,
    until: Day = None,
) -> JSONResponse:
    """Per site, for the days since..until (default: the last 365 days): see `sync.server.reports`."""
    today = dt.datetime.now(dt.UTC).date()
    first = since or (today - dt.timedelta(days=365)).isoformat()
    last = until or today.isoformat()

    def compute(s: Session, viewer: Any) -> dict[str, Any]:
        try:
            return reports.report(s, viewer.person, site_id=site_id, since=first, until=last)
        except reports.Forbidden:
            raise ApiError("forbidden") from None
        except LookupError:  # reports.OutsideOrganisation too: another's site and none answer alike
            raise ApiError("outside_organisation", tenancy.NO_SUCH_SITE) from None

    return _Read(request, device, bearer)(compute)
