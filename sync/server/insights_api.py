"""GET /v1/insights/...: the competence map, the people behind a skill, and the site network.

A router of its own, included by `app.create_app`. Each route checks both
credentials inside the read transaction it computes in (as pull does), then
hands the person to `sync.server.insights`, which cuts the numbers to what
that person may see. The shapes are documented in `sync.protocol` and, through
the models below, in the OpenAPI description.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from desktop.core import permissions
from desktop.core.entities import PersonKind
from sync import protocol
from sync.server import accounts, insights, messages, storage, tenancy
from sync.server.errors import ApiError

router = APIRouter(tags=["insights"])

_device = APIKeyHeader(name=protocol.DEVICE_HEADER, auto_error=False, scheme_name="device")
_bearer = HTTPBearer(auto_error=False, scheme_name="token")
# 404: a `site_id` of another organisation is answered as one there is none of (outside_organisation).
_responses: dict[int | str, dict[str, Any]] = {
    status: {"model": messages.ErrorBody} for status in (400, 401, 403, 404, 422, 426, 503)
}


class SkillCounts(BaseModel):
    skill: str
    label: messages.Message
    category: str
    declared: int | None
    shown: int | None
    hidden: int | None
    offered: int | None
    accepted: int | None
    completed: int | None
    endorsed: int | None
    quarters: dict[str, dict[str, int | None]]


class CompetenceMap(BaseModel):
    """Counts of people; null where fewer than `small_count` people would be shown to a non-admin."""

    version: int
    computed_at: str
    small_count: int
    filters: dict[str, str | None]
    totals: dict[str, int | None]
    skills: list[SkillCounts]
    sites: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    mine: list[dict[str, Any]]


class People(BaseModel):
    """People the caller may see, strongest evidence first; `others` counts the rest.

    Each person's `tasks` are those the caller may know by name; another organisation's
    tasks the caller may not are counted per organisation in `unnamed_tasks`
    ([{organisation_id, organisation (its name), count}]), never named.
    """

    version: int
    computed_at: str
    skill: str | None
    people: list[dict[str, Any]]
    others: int | None


class Network(BaseModel):
    version: int
    computed_at: str
    small_count: int
    quarters: list[str]
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    new_links: list[dict[str, Any]]


class _Read:
    """One read transaction with the caller proven inside it."""

    def __init__(self, request: Request, device: str | None, bearer: HTTPAuthorizationCredentials | None) -> None:
        self.db: storage.Database = request.app.state.db
        self.device = device
        self.token = bearer.credentials if bearer else None

    def __call__(self, compute: Any, site_id: str | None = None) -> JSONResponse:
        """`compute(session, viewer)`'s answer as JSON; a `site_id` of another organisation is 404."""
        with self.db.read() as s:
            who = accounts.authenticate(s, self.device, self.token)
            if not permissions.may_see_insights(who.person):
                raise ApiError("forbidden")  # the organisation's own numbers, not an outsider's
            tenancy.refuse_another_organisations_site(s, who.person, site_id)
            body = compute(s, insights.Viewer(s, who.person))
        return JSONResponse(body)


Device = Annotated[str | None, Security(_device)]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
Id = Annotated[str | None, Query(max_length=100)]


@router.get(protocol.PATH_INSIGHTS_COMPETENCE, response_model=CompetenceMap, responses=_responses)
def competence_map(
    request: Request,
    device: Device = None,
    bearer: Bearer = None,
    site_id: Id = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
) -> JSONResponse:
    """Skills shown (bids, accepted bids, completed tasks, endorsements) against skills declared.

    Filter by the people's home site or by skill category ("tag" for free tags).
    """
    return _Read(request, device, bearer)(
        lambda s, viewer: insights.competence_map(
            request.app.state.db, s, viewer, site_id=site_id, category=category
        ),
        site_id,
    )


@router.get(protocol.PATH_INSIGHTS_PEOPLE, response_model=People, responses=_responses)
def people(
    request: Request,
    device: Device = None,
    bearer: Bearer = None,
    skill: Annotated[str | None, Query(max_length=80)] = None,
    person_id: Id = None,
    site_id: Id = None,
    kind: Annotated[PersonKind | None, Query()] = None,
    available: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> JSONResponse:
    """Talent search and the map's drill-down: who has shown `skill` (or `person_id`'s skills).

    Ranked endorsed > completed > accepted > offered > declared. 422 without
    `skill` or `person_id`.
    """
    if not skill and not person_id:
        raise ApiError("invalid_request", [{"loc": ["query", "skill"], "msg": "skill or person_id is required"}])
    return _Read(request, device, bearer)(
        lambda s, viewer: insights.evidence(
            s,
            viewer,
            skill=skill,
            person_id=person_id,
            site_id=site_id,
            kind=kind.value if kind else None,
            available=available,
            limit=limit,
        ),
        site_id,
    )


@router.get(protocol.PATH_INSIGHTS_NETWORK, response_model=Network, responses=_responses)
def network(
    request: Request,
    device: Device = None,
    bearer: Bearer = None,
) -> JSONResponse:
    """Sites as nodes (tasks posted and solved per quarter), links A -> B (A's tasks solved by B's people)."""
    return _Read(request, device, bearer)(
        lambda s, viewer: insights.network(request.app.state.db, s, viewer)
    )
