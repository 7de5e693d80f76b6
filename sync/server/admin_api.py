"""/v1/admin/...: what `knop-admin` does, for admins in the client (issue 15).

People (list and search, add, change role and home site, deactivate and
activate), sites (list, add), enrolment codes (make one), devices (list,
revoke), the organisation's lending policy. Every route checks both
credentials and that the caller is an active admin (403 otherwise), then
calls the same `directory` and `accounts` functions as the command line, so
the checks, feed rows and audit events are the same; the audit names the
admin who did it. Each change is its own short transaction.

An admin manages their own organisation only (issue 16): every list is cut
to it, and naming a person, site or device of another organisation answers
404 `outside_organisation` with the same words as naming one there is none of
(one municipality learns nothing of another's staff).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from desktop.core.entities import Person, Role, Site
from desktop.core.text import sentence
from sync import protocol
from sync.server import accounts, directory, storage
from sync.server.errors import ApiError
from sync.server.insights_api import Bearer, Device, _responses

router = APIRouter(tags=["admin"], prefix="/v1/admin")
_answers = {**_responses, 403: _responses[401], 404: _responses[401]}


def _admin(request: Request, device: str | None, bearer: Any) -> tuple[storage.Database, Person]:
    """The database and the calling admin; ApiError for anyone else (401 or 403)."""
    db: storage.Database = request.app.state.db
    with db.read() as s:
        who = accounts.authenticate(s, device, bearer.credentials if bearer else None)
    if not who.person.active or who.person.role != Role.ADMIN:
        raise ApiError("forbidden")
    return db, who.person


def _refused(error: directory.DirectoryError) -> ApiError:
    """The directory's refusal as the API's: its catalogued words as the message, in Danish and
    English (the administration shows them), and as knop-admin says it in the detail."""
    if isinstance(error, directory.OutsideOrganisation):
        return ApiError("outside_organisation", [{"loc": ["path"], "msg": str(error)}], words=error.words)
    return ApiError("invalid_request", [{"loc": ["body"], "msg": str(error)}], words=error.words)


@contextlib.contextmanager
def _as_refusal() -> Iterator[None]:
    """What the directory refuses (DirectoryError) becomes a 422 with its words, as knop-admin says them.

    Something of another organisation (OutsideOrganisation) becomes a 404.
    """
    try:
        yield
    except directory.DirectoryError as error:
        raise _refused(error) from None


def _own_site(s: storage.Session, admin: Person, id_or_name: str) -> Site:
    """The admin's organisation's site by id or name; ApiError 404 `outside_organisation` (another's, or none)."""
    site = directory.find_site(s, id_or_name, admin.organisation_id)
    if site is None:
        raise _refused(directory.no_site(id_or_name))
    return site


def _person_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: row[k]
        for k in ("id", "username", "name", "role", "kind", "home_site_id", "email", "active")
    }


@router.get("/people", responses=_answers)
def people(
    request: Request,
    device: Device = None,
    bearer: Bearer = None,
    search: Annotated[str | None, Query(max_length=protocol.ADMIN_SEARCH_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> JSONResponse:
    """The admin's organisation's people by username, name or e-mail containing `search` (case-insensitive)."""
    db, admin = _admin(request, device, bearer)
    where, params = "p.organisation_id = ?", [admin.organisation_id]
    if search:
        like = f"%{search.casefold()}%"
        where += " AND (lower(p.name) LIKE ? OR lower(a.username) LIKE ? OR lower(p.email) LIKE ?)"
        params += [like, like, like]
    with db.read() as s:
        rows = s.rows(
            "SELECT p.id, a.username, p.name, p.role, p.kind, p.home_site_id, p.email, p.active "
            f"FROM people p JOIN accounts a ON a.person_id = p.id WHERE {where} "
            f"ORDER BY p.name, a.username LIMIT {int(limit)}",
            params,
        )
    return JSONResponse({"people": [_person_row({**r, "active": bool(r["active"])}) for r in rows]})


class NewPersonBody(BaseModel):
    username: str = Field(max_length=protocol.ADMIN_USERNAME_MAX)
    name: str = Field(max_length=protocol.ADMIN_NAME_MAX)
    site: str | None = Field(default=None, max_length=protocol.ADMIN_SITE_NAME_MAX)
    role: str = Field(default=Role.STAFF, max_length=20)
    kind: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=protocol.ADMIN_EMAIL_MAX)
    title: str = Field(default="", max_length=protocol.ADMIN_TITLE_MAX)


@router.post("/people", responses=_answers)
def add_person(
    request: Request, body: NewPersonBody, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """Add a person (no password: they get one from IT, as with `knop-admin person add`)."""
    db, admin = _admin(request, device, bearer)
    with _as_refusal():
        person = directory.add_person(
            db,
            directory.NewPerson(
                username=body.username,
                name=body.name,
                site=body.site,
                role=body.role,
                kind=body.kind,
                email=body.email,
                title=body.title,
                organisation_id=admin.organisation_id,
            ),
            actor_id=admin.id,
        )
    return JSONResponse({"person": person.to_row()})


class RoleBody(BaseModel):
    role: str = Field(max_length=20)
    site: str | None = Field(default=None, max_length=protocol.ADMIN_SITE_NAME_MAX)


@router.post("/people/{username}/role", responses=_answers)
def set_role(
    request: Request, username: str, body: RoleBody, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """Change role (and home site); the person's devices resync on their next pull."""
    db, admin = _admin(request, device, bearer)
    with _as_refusal():
        person = directory.set_role(
            db, username, body.role, site=body.site, actor_id=admin.id, organisation_id=admin.organisation_id
        )
    return JSONResponse({"person": person.to_row()})


class SiteBody(BaseModel):
    site: str | None = Field(default=None, max_length=protocol.ADMIN_SITE_NAME_MAX)


@router.post("/people/{username}/site", responses=_answers)
def set_site(
    request: Request, username: str, body: SiteBody, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """Move a person to another home site (id or name; null for none)."""
    db, admin = _admin(request, device, bearer)
    with _as_refusal():
        person = directory.set_site(
            db, username, body.site, actor_id=admin.id, organisation_id=admin.organisation_id
        )
    return JSONResponse({"person": person.to_row()})


class ActiveBody(BaseModel):
    active: bool


@router.post("/people/{username}/active", responses=_answers)
def set_active(
    request: Request, username: str, body: ActiveBody, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """Deactivate (their logins end) or activate a person."""
    db, admin = _admin(request, device, bearer)
    with _as_refusal():
        person = directory.set_active(
            db, username, body.active, actor_id=admin.id, organisation_id=admin.organisation_id
        )
    if not person.active:
        accounts.revoke_tokens(db, person_id=person.id)
    return JSONResponse({"person": person.to_row()})


@router.get("/sites", responses=_answers)
def sites(request: Request, device: Device = None, bearer: Bearer = None) -> JSONResponse:
    """The admin's organisation's sites, by name."""
    db, admin = _admin(request, device, bearer)
    with db.read() as s:
        found = s.fetch(Site, "organisation_id = ? ORDER BY name", (admin.organisation_id,))
    return JSONResponse({"sites": [site.to_row() for site in found]})


class NewSiteBody(BaseModel):
    name: str = Field(max_length=protocol.ADMIN_SITE_NAME_MAX)
    kind: str = Field(max_length=40)
    address: str = Field(default="", max_length=protocol.ADMIN_SITE_ADDRESS_MAX)


@router.post("/sites", responses=_answers)
def add_site(
    request: Request, body: NewSiteBody, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """Add a site."""
    db, admin = _admin(request, device, bearer)
    with _as_refusal():
        site = directory.add_site(
            db, body.name, body.kind, address=body.address, actor_id=admin.id,
            organisation_id=admin.organisation_id,
        )
    return JSONResponse({"site": site.to_row()})


class CodeBody(BaseModel):
    site: str = Field(max_length=protocol.ADMIN_SITE_NAME_MAX)
    days: float = Field(default=7.0, gt=0, le=365)


@router.post("/enrolment-codes", responses=_answers)
def enrolment_code(
    request: Request, body: CodeBody, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """A one-time code that enrols one device to the site (shown once; only its hash is kept)."""
    db, admin = _admin(request, device, bearer)
    with db.read() as s:
        site = _own_site(s, admin, body.site)
    code = accounts.new_enrolment_code(db, site.id, accounts.Policy(code_days=body.days))
    return JSONResponse(
        {"code": code, "site_id": site.id, "site_name": site.name, "days": body.days}
    )


@router.get("/devices", responses=_answers)
def devices(request: Request, device: Device = None, bearer: Bearer = None) -> JSONResponse:
    """The admin's organisation's enrolled devices, oldest first, with their site's name."""
    db, admin = _admin(request, device, bearer)
    with db.read() as s:
        rows = s.rows(
            "SELECT d.id, d.site_id, coalesce(s.name, d.site_id) AS site_name, d.name, d.enrolled_at, "
            "d.revoked_at FROM devices d LEFT JOIN sites s ON s.id = d.site_id "
            "WHERE d.organisation_id = ? ORDER BY d.enrolled_at",
            (admin.organisation_id,),
        )
    return JSONResponse({"devices": rows})


@router.post("/devices/{device_id}/revoke", responses=_answers)
def revoke_device(
    request: Request, device_id: str, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """Revoke a device and every login on it; 404 when there is no such active device in the organisation."""
    db, admin = _admin(request, device, bearer)
    with db.read() as s:
        owner = s.value("SELECT organisation_id FROM devices WHERE id = ?", (device_id,))
    if owner != admin.organisation_id:  # another's, or none: the same answer
        raise _refused(
            directory.OutsideOrganisation(
                sentence("There is no device '{device}' in this organisation.", device=device_id)
            )
        )
    if not accounts.revoke_device(db, device_id):
        raise ApiError("not_found")  # the organisation's own device, revoked already
    return JSONResponse({"revoked": device_id})


class LendingBody(BaseModel):
    policy: str = Field(max_length=20)


@router.post("/lending", responses=_answers)
def lending(
    request: Request, body: LendingBody, device: Device = None, bearer: Bearer = None
) -> JSONResponse:
    """Set the admin's organisation's lending policy: off, notify or approve."""
    db, admin = _admin(request, device, bearer)
    with _as_refusal():
        org = directory.set_lending(db, body.policy, actor_id=admin.id, organisation_id=admin.organisation_id)
    return JSONResponse({"lending": org.lending})
