"""Building a world of several organisations on one server, for the tests of issue 16.

The server's own admin tools for organisations are another engineer's work
(knop-admin, the admin API); until then the tests put organisations and their
sites in with `directory.save`, which writes their feed rows and an audit
event as those tools do.
"""

from __future__ import annotations

from desktop.core.entities import Organisation, Site, SiteKind
from sync.server import audit, directory, tenancy
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


def assert_every_row_has_its_organisation(db: Database) -> None:
    """No row of a growing table lacks its organisation (NULL or ""); the feed's shared rows excepted.

    Also insists that the world written holds rows in most growing tables, so
    that this says something: the tables named in `MAY_BE_EMPTY` are the only
    ones a multi-organisation world may leave empty here.
    """
    lacking, empty = {}, []
    with db.read() as s:
        for table in (*tenancy.OWN, *tenancy.ORGANISATION_FROM):
            total = int(s.value(f"SELECT count(*) FROM {table}"))
            if total == 0:
                empty.append(table)
            where = "organisation_id IS NULL OR organisation_id = ''"
            if table == "changes":  # companies are every organisation's (tenancy.REFERENCE)
                where = f"({where}) AND table_name <> 'companies'"
            missing = int(s.value(f"SELECT count(*) FROM {table} WHERE {where}"))
            if missing:
                lacking[table] = missing
    assert lacking == {}
    assert set(empty) <= MAY_BE_EMPTY, empty


# Rows these tests' worlds do not make: no endorsement (no task finished with one),
# no mail waiting yet (notices are queued by the mail round), no guidelines published or accepted.
MAY_BE_EMPTY = frozenset({"endorsements", "guidelines", "guideline_acceptances", "mail_outbox", "notice_reads"})
