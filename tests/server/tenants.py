"""Building a world of several organisations on one server, for the tests of issue 16.

The server's own admin tools for organisations are another engineer's work
(knop-admin, the admin API); until then the tests put organisations and their
sites in with `directory.save`, which writes their feed rows and an audit
event as those tools do.
"""

from __future__ import annotations

from desktop.core.entities import Organisation, Site, SiteKind
from sync.server import audit, directory
from sync.server.storage import Database


def add_organisation(db: Database, org_id: str, name: str, sites: dict[str, str]) -> list[Site]:
    """A further organisation with schools {site id: name}; returns its sites."""
    made = [
        Site(id=site_id, organisation_id=org_id, name=site_name, kind=SiteKind.SCHOOL, version=1)
        for site_id, site_name in sites.items()
    ]
    with db.write() as s:
        directory.save(
            s, [Organisation(id=org_id, name=name), *made], operation="admin.organisation_create",
            actor_id=audit.ADMIN_TOOL,
        )
    return made
