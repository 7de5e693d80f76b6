"""The feed's tail (sync.server.feed_tail): pulls answered from rows each server process read once.

In process, on a real database: a change committed out of order is never
skipped (PostgreSQL, two real write transactions); the tail stays within its
bounds and hands what it dropped back to the database; a new epoch starts it
afresh. Over HTTP, three worker processes (each its own tail): two devices of
one organisation get the same changes byte for byte, a device of another
organisation its own, and a puller misses nothing while many write
(tests/server/test_concurrency.py runs that with three workers too).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from desktop.core.entities import Person, Role, Site
from desktop.core.ids import utc_now, uuid7
from desktop.core.operations import Change
from sync.server import directory, feed, feed_tail, migrations, storage
from tests.conftest import World
from tests.server.conftest import Servers, renamed_in_a_transaction_held_open, small_world_database
from tests.server.harness import PASSWORD, Deployment
from tests.server.tenants import add_organisation


@pytest.fixture
def db(backend: str, servers: Servers) -> Iterator[storage.Database]:
    yield from small_world_database(servers, backend, pool_size=3)


def person(db: storage.Database, username: str) -> Person:
    with db.read() as s:
        return s.fetch(Person, "username = ?", (username,))[0]


def rename(db: storage.Database, site_id: str, name: str) -> None:
    """A site renamed: its feed row written again (every reader sees sites)."""
    with db.write() as s:
        site = s.get(Site, site_id)
        assert site is not None
        feed.record(s, [Change(site.replace(name=name))], utc_now())


def pull(db: storage.Database, tail: feed_tail.Tail, reader: Person, cursor: str | None, limit: int = 1000) -> feed.Page:
    """One pull as the server answers it, from `tail` where it can."""
    with db.statement() as s:
        return feed_tail.page(s, tail, reader, cursor, limit)


def served_by_tail(db: storage.Database, tail: feed_tail.Tail, reader: Person, cursor: str | None) -> bool:
    with db.statement() as s:
        state, after = feed.where_to_continue(s, reader, cursor)
        return tail.page(s, state, reader, after, 1000) is not None


def site_names(page: feed.Page) -> list[str]:
    return [c["row"]["name"] for c in json.loads(page.to_json())["changes"] if c["table"] == "sites"]


def caught_up(db: storage.Database, tail: feed_tail.Tail, reader: Person, cursor: str | None) -> str:
    while True:
        page = pull(db, tail, reader, cursor)
        cursor = page.cursor
        if not page.more:
            return cursor


def test_a_change_committed_out_of_order_is_never_skipped(backend: str, db: storage.Database, world: World) -> None:
    """Transaction A draws its id first and commits last; the tail serves B's row only with A's."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: its transactions cannot commit out of order")
    tail = feed_tail.Tail(db.dialect)
    admin = person(db, "admin")
    cursor = caught_up(db, tail, admin, None)
    assert served_by_tail(db, tail, admin, cursor)
    rename(db, world.care_home.id, "W, committed before A began")  # so that the next pull reads something
    with renamed_in_a_transaction_held_open(db, world.school.id, "A, committed last"):
        rename(db, world.other_school.id, "B, committed first")
        seen: list[str] = []
        page = pull(db, tail, admin, cursor)
        seen += site_names(page)
        assert seen == ["W, committed before A began"]  # B's row lies above A's running transaction: not yet
        cursor = page.cursor
    page = pull(db, tail, admin, cursor)
    assert site_names(page) == ["A, committed last", "B, committed first"]
    assert served_by_tail(db, tail, admin, cursor)


def test_the_tail_stays_within_its_bounds_and_hands_the_rest_to_the_database(
    db: storage.Database, world: World
) -> None:
    tail = feed_tail.Tail(db.dialect, max_rows=8)
    admin, anna = person(db, "admin"), person(db, "anna")
    old_cursor = caught_up(db, tail, anna, None)
    cursor = caught_up(db, tail, admin, None)
    for n in range(20):
        rename(db, world.school.id if n % 2 else world.other_school.id, f"Navn {n}")
        page = pull(db, tail, admin, cursor)
        assert site_names(page) == [f"Navn {n}"]
        cursor = page.cursor
        assert len(tail) <= 8
    # Anna's cursor lies below what the tail still holds: the database answers, and nothing is missed.
    assert not served_by_tail(db, tail, anna, old_cursor)
    page = pull(db, tail, anna, old_cursor)
    assert site_names(page) == ["Navn 18", "Navn 19"]  # each site's latest row (the feed keeps one per entity)
    assert served_by_tail(db, tail, anna, page.cursor)


def test_a_new_epoch_starts_the_tail_afresh(db: storage.Database, world: World) -> None:
    tail = feed_tail.Tail(db.dialect)
    admin = person(db, "admin")
    cursor = caught_up(db, tail, admin, None)
    rename(db, world.school.id, "Før")
    assert site_names(pull(db, tail, admin, cursor)) == ["Før"]
    with db.write() as s:
        feed.start_new_epoch(s, migrations.new_epoch())
    with pytest.raises(feed.CursorGone):
        pull(db, tail, admin, cursor)
    cursor = caught_up(db, tail, admin, None)
    rename(db, world.school.id, "Efter")
    assert site_names(pull(db, tail, admin, cursor)) == ["Efter"]
    assert served_by_tail(db, tail, admin, cursor)


@pytest.fixture(scope="module")
def three_workers(backend: str, servers: Servers) -> Iterator[Deployment]:
    deployment = servers.start(backend, workers=3)
    add_organisation(deployment.database, "org-b", "Nabo Kommune", {"s-far": "Naboskolen"})
    directory.add_person(
        deployment.database,
        directory.NewPerson(username="nabo", name="Nabo Staff", site="s-far", role=Role.STAFF, organisation_id="org-b"),
        PASSWORD,
    )
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


def test_two_devices_of_one_organisation_get_the_same_bytes_and_another_organisation_its_own(
    three_workers: Deployment, world: World
) -> None:
    anna, bo, nabo, carl = (three_workers.user(name) for name in ("anna", "bo", "nabo", "carl"))
    cursors = {}
    for device in (anna, bo, nabo):
        cursor = None
        while True:
            page = device.pull(cursor)
            cursor = page["cursor"]
            if not page["more"]:
                break
        cursors[device] = cursor
    task_id = uuid7()
    carl.apply(
        "task.create", task_id=task_id, site_id=world.other_school.id, title="Til hele kommunen",
        audience="organisation", publish=True,
    )
    carl.apply("comment.add", comment_id=uuid7(), task_id=task_id, body="Hvem kan?")
    answers = {device: device.pull_raw(cursors[device]) for device in (anna, bo, nabo)}
    assert all(a.status_code == 200 for a in answers.values())
    changes = {device: a.content.partition(b'],"cursor":')[0] for device, a in answers.items()}
    assert changes[anna] == changes[bo]
    assert [c["table"] for c in answers[anna].json()["changes"]] == ["tasks", "comments"]
    assert all(c["row"].get("task_id", c["row"]["id"]) == task_id for c in answers[anna].json()["changes"])
    assert answers[nabo].json()["changes"] == []  # another organisation: the task is not shown to it
