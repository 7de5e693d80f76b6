"""A pull's tail reads what is new in the bound's own round trip (`feed_tail.Tail.read_ahead`), skipping nothing.

On PostgreSQL a pull sends the feed's bound (noting it in the transaction),
the credential check and the tail's read of the rows committed since its
last read, up to that bound, in one pipeline: one round trip where there
were two. The read is a later statement of the bound's implicit transaction,
so at READ COMMITTED it sees a later snapshot, as the never-skip argument
needs (sync.server.feed). Here, through `feed_tail.pull_request` on a real
database: transaction A draws its id first and commits last, B commits
while A runs; the pull during A is served W (committed before A began) and
not B, in one round trip; the pull after A is served A and B. Under a
default isolation of REPEATABLE READ (where the read would share the
bound's snapshot) the read ahead adds nothing and the tail reads in a
transaction of its own, as before: the same pages, one round trip more.
SQLite has one writer at a time and no pipeline: the same pulls there give
the same pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from desktop.core.entities import Person, Site
from desktop.core.ids import utc_now
from desktop.core.operations import Change
from sync.server import feed, feed_tail, storage
from tests.conftest import World
from tests.server.conftest import Servers, renamed_in_a_transaction_held_open, small_world_database
from tests.server.test_push_round_trips import _Counted, _device


@pytest.fixture(params=["read committed", "repeatable read"])
def db(request: pytest.FixtureRequest, backend: str, servers: Servers) -> Iterator[storage.Database]:
    """The small world, its connections opened at the default isolation of the test's parameter."""
    isolation = request.param
    if backend != "postgresql" and isolation != "read committed":
        pytest.skip("SQLite has no isolation levels to choose")
    for seeded in small_world_database(servers, backend, pool_size=3):
        if backend != "postgresql":
            yield seeded
            continue
        with seeded.statement() as s:
            name = s.value("SELECT current_database()")
            s.execute(f"ALTER DATABASE \"{name}\" SET default_transaction_isolation = '{isolation}'")
        seeded.close()
        database = storage.Database(seeded.url, pool_size=3)  # new connections, which take the setting
        with database.statement() as s:
            assert s.value("SHOW transaction_isolation") == isolation
        yield database
        database.close()


def _rename(db: storage.Database, site_id: str, name: str) -> None:
    with db.write() as s:
        site = s.get(Site, site_id)
        assert site is not None
        feed.record(s, [Change(site.replace(name=name))], utc_now())


def _site_names(page: feed.Page) -> list[str]:
    return [c["row"]["name"] for c in json.loads(page.to_json())["changes"] if c["table"] == "sites"]


def test_a_change_committed_out_of_order_is_never_skipped_by_the_read_ahead(
    backend: str, db: storage.Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.statement() as s:
        read_committed = backend != "postgresql" or s.value("SHOW transaction_isolation") == "read committed"
        anna = s.fetch(Person, "username = ?", ("anna",))[0]
    round_trips = 1 if read_committed else 2
    header, token = _device(db, anna)
    tail = feed_tail.Tail(db.dialect)
    cursor = None
    for _ in range(6):  # caught up, the tail holding the feed's newest, psycopg's statements prepared
        cursor = feed_tail.pull_request(db, tail, header, token, cursor, 1000).cursor
    _rename(db, world.care_home.id, "W, committed before A began")
    if backend != "postgresql":
        page = feed_tail.pull_request(db, tail, header, token, cursor, 1000)
        assert _site_names(page) == ["W, committed before A began"]
        return
    with renamed_in_a_transaction_held_open(db, world.school.id, "A, committed last"):
        _rename(db, world.other_school.id, "B, committed first")
        counted = _Counted(monkeypatch)
        page = feed_tail.pull_request(db, tail, header, token, cursor, 1000)
        monkeypatch.undo()
        # B's row lies above A's running transaction: not yet, though it has committed.
        assert _site_names(page) == ["W, committed before A began"]
        assert counted.round_trips == round_trips
        cursor = page.cursor
    counted = _Counted(monkeypatch)
    page = feed_tail.pull_request(db, tail, header, token, cursor, 1000)
    monkeypatch.undo()
    assert _site_names(page) == ["A, committed last", "B, committed first"]
    assert counted.round_trips == round_trips
    with db.statement() as s:
        state, after = feed.where_to_continue(s, anna, page.cursor)
        assert tail.page(s, state, anna, after, 1000) is not None  # served by the tail, not the database
