"""Filling an empty server with the demo municipality, fast enough for 100,000 tasks.

The demo data comes from `sync.server.demo.generate`, so the server and the
benchmarks describe the same believable municipality. Rows go in with bulk
inserts and their change-feed rows are written straight after, in one
serialised transaction, so a device that enrols right away pulls everything.
Everyone gets the same demo password; one argon2 hash serves them all, because
hashing thousands of passwords would take minutes and protect nothing here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from desktop.core.entities import Bid, Comment, Entity, Person, Role, Task
from desktop.core.ids import utc_now
from sync.server import accounts, audit, demo_history, feed
from sync.server.directory import DirectoryError, organisation
from sync.server.storage import Database

if TYPE_CHECKING:  # the generator and its tables load only when demo data is made
    from sync.server.demo import DemoData

log = logging.getLogger(__name__)

DEMO_PASSWORD = (
    "knop-demo"  # sync.server.demo's; every demo person's password unless the data says otherwise
)


def generate(
    seed: int | None = None, *, organisations: int = 1, neighbour_share: float = 1.0, **sizes: int | None
) -> DemoData:
    """The demo municipality; seed and sizes (tasks=, people=, ...) are passed on when given.

    `organisations` and `neighbour_share`: see `sync.server.demo.generate`
    (the neighbouring municipalities of issue 16); each gets its own history.
    """
    from sync.server import demo

    arguments: dict[str, Any] = {k: v for k, v in sizes.items() if v is not None}
    arguments.update(organisations=organisations, neighbour_share=neighbour_share)
    data = demo.generate(seed, **arguments) if seed is not None else demo.generate(**arguments)
    for k, neighbour in enumerate(data.neighbours, start=1):
        demo_history.add_history(neighbour, seed=2024 + k)
    return demo_history.add_history(data)  # two years of finished work before it (issue 12)


def entities_of(data: DemoData) -> list[Sequence[Entity]]:
    """The demo data's entities, organisation first, in an order a client can apply.

    Within a table, in the order they were made (their UUIDv7 ids sort by time),
    as a live server's feed holds them, not in the order the generator drew them.
    """
    return [
        sorted(group, key=lambda entity: entity.key_value()) if hasattr(group[0], "id") else list(group)
        for group in data.groups().values()
        if group
    ]


def seed(db: Database, data: DemoData, password: str | None = None) -> int:
    """Store the demo data in an empty database; returns how many entities went in.

    Passwords come from the data (`passwords`: username -> password) unless
    `password` is given for everyone.
    """
    groups = entities_of(data)
    people = [p for g in groups for p in g if isinstance(p, Person)]
    wanted = {
        person.username: password
        or dict(getattr(data, "passwords", {}) or {}).get(person.username, DEMO_PASSWORD)
        for person in people
    }
    hashes = {secret: accounts.hash_password(secret) for secret in set(wanted.values())}
    now = utc_now()
    tasks: dict[str, Task] = {t.id: t for g in groups for t in g if isinstance(t, Task)}
    with db.write() as s:
        if organisation(s) is not None:
            raise DirectoryError(
                "the database already holds an organisation; demo data goes only into an empty one"
            )
        owners = feed.Owners(s, tasks=tasks)
        for person in people:
            owners.know(person)
        # Who worked for another organisation is shown to it: known before their rows are written.
        feed.across_the_border(owners, (e for g in groups for e in g if isinstance(e, (Bid, Comment))))
        for group in groups:
            # Converting entities to rows is most of the work; do it once for table and feed.
            rows = [e.to_row() for e in group]
            s.put_rows(type(group[0]), rows)
            feed.record_new(s, zip(group, rows, strict=True), now, tasks, owners)
        s.many(
            "INSERT INTO accounts (person_id, username, password_hash, updated_at, organisation_id) "
            "VALUES (?, ?, ?, ?, ?)",
            list(_accounts(people, {u: hashes[w] for u, w in wanted.items()}, now)),
        )
        count = sum(len(g) for g in groups)
        audit.record(
            s,
            at=now,
            actor_id=audit.ADMIN_TOOL,
            device_id=None,
            operation="admin.seed_demo",
            entity_id=data.organisation.id,
            summary=f"{count} demo entities",
        )
    if db.dialect == "postgresql":
        # Fresh statistics, or the planner may walk the whole feed for every pull page.
        with db.write(serial=False) as s:
            s.execute("ANALYZE")
    log.info("seeded %d demo entities", count)
    return count


def publish_guidelines(db: Database, data: DemoData) -> list[str]:
    """Publish the demo's rules of the road (resources/demo/guidelines.json) for each of its
    organisations, as their administrator would; returns the audiences published.

    Through the operation `guidelines.publish` (`push.apply_as_admin_tool`), so the rows,
    the change feed and the audit trail are what a real publication makes. The outsiders'
    only: a try-out as the demo's volunteer never met the guidelines an outsider accepts
    before bidding, because the demo published none. Staff are asked nothing at login.
    """
    import json

    from desktop.core.resources import resources_dir
    from sync.server import push

    texts = json.loads((resources_dir() / "demo" / "guidelines.json").read_text(encoding="utf-8"))
    audiences = [audience for audience in texts if not audience.startswith("_")]
    for world in (data, *data.neighbours):
        for audience in audiences:
            payload = {"audience": audience, "text_da": texts[audience]["da"], "text_en": texts[audience]["en"]}
            push.apply_as_admin_tool(db, "guidelines.publish", payload, world.organisation.id)
    return audiences


def _accounts(
    people: Iterable[Person], hashes: dict[str, str], now: str
) -> Iterable[tuple[str, str, str, str, str]]:
    taken: set[str] = set()
    for person in people:
        username = accounts.normalise_username(person.username)
        if username in taken:
            log.warning("demo data has username %r twice; the second cannot log in", username)
            continue
        taken.add(username)
        yield (person.id, username, hashes[person.username], now, person.organisation_id)


def enrolment_site(db: Database) -> str:
    """The site a demo workstation enrols to: Anna's, so the demo opens on a familiar board."""
    with db.read() as s:
        site_id = s.value(
            "SELECT p.home_site_id FROM people p JOIN accounts a ON a.person_id = p.id "
            "WHERE a.username = 'anna' AND p.home_site_id IS NOT NULL"
        )
        if site_id is None:
            site_id = s.value(
                "SELECT home_site_id FROM people WHERE role = ? AND home_site_id IS NOT NULL "
                "ORDER BY id LIMIT 1",
                (Role.STAFF.value,),
            )
        if site_id is None:
            site_id = s.value("SELECT id FROM sites ORDER BY id LIMIT 1")
    if site_id is None:
        raise DirectoryError("the database has no sites to enrol a device to")
    return str(site_id)
