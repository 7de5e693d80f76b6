"""Organisations as tenants (issue 16): which organisation every growing row belongs to.

Every table that grows carries `organisation_id`, the column a distributed
PostgreSQL (Citus) would shard it by (docs/scale-out.md). Tasks, people and
sites hold it as an entity field; every other growing table takes it from the
row it hangs off (`ORGANISATION_FROM`): a bid from its task, a skill from its
person, a device from its site. The server fills it on every write, with a
value the application knows (never a subquery in the INSERT: a distributed
database routes a row by the constant it is given), from what the write
session has already read or written where it can (`organisation_of`).

Tables that do not grow per organisation are named in `REFERENCE` and
`NOT_TENANT` with the reason; tests/server/test_tenancy.py reads the tables
of a really migrated database and fails for a table in none of these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from desktop.core.entities import Entity, Person, Site, Task
from sync.server.errors import ApiError


class Session(Protocol):
    """What this module needs of `sync.server.storage.Session` (which calls it: no import circle)."""

    organisations_known: dict[tuple[str, str], str | None]

    def unlocked(self, cls: Any, *key: str) -> Any: ...

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any: ...

# Growing tables that hold the organisation as an entity field of their own.
OWN: dict[str, str] = {
    "tasks": "the task's site's organisation, set by task.create",
    "people": "the home site's organisation; an outsider's is the inviting one",
    "changes": "the organisation whose feed the row is in (sync.server.feed.Visibility)",
    "guidelines": "the organisation that published them (each its own rules of the road)",
}

# Growing tables whose organisation is that of the row they hang off: table ->
# (the parent's table, the column that names the parent).
ORGANISATION_FROM: dict[str, tuple[str, str]] = {
    "bids": ("tasks", "task_id"),
    "comments": ("tasks", "task_id"),
    "invitations": ("tasks", "task_id"),
    "task_requirements": ("tasks", "task_id"),
    "person_skills": ("people", "person_id"),
    "endorsements": ("people", "person_id"),  # evidence on the person's profile
    "notice_reads": ("people", "person_id"),
    "person_settings": ("people", "person_id"),
    "saved_searches": ("people", "person_id"),
    "guideline_acceptances": ("people", "person_id"),
    "person_credentials": ("people", "person_id"),
    "accounts": ("people", "person_id"),
    "tokens": ("people", "person_id"),
    "mail_outbox": ("people", "person_id"),
    "operations": ("people", "author_id"),  # the exactly-once check stays on the author's shard
    "audit_events": ("people", "actor_id"),
    "member_invitations": ("sites", "site_id"),
    "devices": ("sites", "site_id"),
    "enrolment_codes": ("sites", "site_id"),
}

# Small tables every organisation reads (Citus: reference tables, copied to every node).
REFERENCE: dict[str, str] = {
    "organisations": "one row per tenant",
    "sites": "a few hundred rows per tenant; every organisation shows another's task's site by name",
    "companies": "the public company register's entries; a company works for any municipality",
}

# Tables that are not tenants' data at all.
NOT_TENANT: dict[str, str] = {
    "meta": "the feed's epoch, floor and generation, secrets: one row per key",
    "schema_migrations": "one row per migration step",
    "generations": "one row per server start",
    "login_throttle": "counters per login subject, before anyone is known; expire within the hour",
    "insight_snapshots": "one row per aggregate name, rewritten in place",
    "sqlite_sequence": "SQLite's own",
}

_ENTITY_OF = {"tasks": Task, "people": Person, "sites": Site}


def organisation_of(session: Session, parent: str, key: str | None) -> str | None:
    """The organisation of the `parent` row ("tasks", "people" or "sites") with id `key`.

    Answered from what the session read or wrote before where it can (a push
    has read the task and the author), else by one query, remembered for the
    rest of the transaction. None when there is no such row.
    """
    if key is None:
        return None
    known = session.organisations_known
    if (parent, key) in known:
        return known[(parent, key)]
    entity: Entity | None = session.unlocked(_ENTITY_OF[parent], key)
    found = getattr(entity, "organisation_id", None)
    known[(parent, key)] = found
    return found


def fill(session: Session, table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` of an entity table with their `organisation_id` set (a new list; rows are copied).

    Rows of tasks, people and sites are remembered, so that what hangs off
    them in the same transaction (a seeding's bids) needs no query.
    """
    rows = list(rows)
    if table in _ENTITY_OF:
        for row in rows:
            session.organisations_known[(table, row["id"])] = row["organisation_id"]
        return rows
    source = ORGANISATION_FROM.get(table)
    if source is None:
        return rows
    parent, column = source
    known = session.organisations_known
    missing = {row[column] for row in rows if (parent, row[column]) not in known}
    if len(missing) > 1:
        _look_up(session, parent, missing)
    return [{**row, "organisation_id": organisation_of(session, parent, row[column])} for row in rows]


def _look_up(session: Session, parent: str, keys: set[str]) -> None:
    """Remember the organisations of many parents at once (seeding writes thousands of rows)."""
    listed = sorted(keys)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for key, organisation in session.execute(
            f"SELECT id, organisation_id FROM {parent} WHERE id IN ({marks})", chunk
        ).fetchall():
            session.organisations_known[(parent, key)] = organisation


def refuse_another_organisations_site(session: Any, viewer: Person, site_id: str | None) -> None:
    """Raise ApiError "outside_organisation" (404) when `site_id` is no site of `viewer`'s organisation.

    A site that does not exist gets the very same answer, and none asked
    passes: one municipality learns nothing of another's sites this way.
    """
    if site_id is None:
        return
    owner = session.value("SELECT organisation_id FROM sites WHERE id = ?", (site_id,))
    if owner != viewer.organisation_id:
        raise ApiError("outside_organisation", NO_SUCH_SITE)


# The detail of every refusal of a site that is not the viewer's organisation's, another's or none.
NO_SUCH_SITE = [{"loc": ["query", "site_id"], "msg": "no such site in your organisation"}]
