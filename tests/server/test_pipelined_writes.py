"""A pipelined write transaction (`Database.write(pipelined=True)`, what a push runs in).

In psycopg's pipeline mode a statement's error arrives later than the
statement: these check that it still arrives where it belongs. A failure
inside a savepoint is raised by that savepoint and undone with it alone, the
rest of the transaction goes on and commits; a failure queued after the last
savepoint fails the whole transaction, commits nothing, and leaves the pooled
connection fit for the next one. On SQLite (no pipeline) the same holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.server import storage
from tests.server.conftest import Servers, scratch_database


@pytest.fixture
def db(backend: str, servers: Servers) -> Iterator[storage.Database]:
    yield from scratch_database(servers, backend)


def _ids(db: storage.Database) -> list[str]:
    with db.read() as s:
        return [str(r[0]) for r in s.execute("SELECT id FROM scratch ORDER BY id").fetchall()]


def test_a_failure_inside_a_savepoint_is_raised_there_and_undone_alone(db: storage.Database) -> None:
    failed = []
    with db.write(pipelined=True) as s:
        with s.savepoint():
            s.execute("INSERT INTO scratch (id, note) VALUES (?, ?)", ("a", "first"))
        try:
            with s.savepoint():
                s.execute("INSERT INTO scratch (id, note) VALUES (?, ?)", ("d", "undone"))
                # A unique violation, queued and never waited for inside the block.
                s.execute("INSERT INTO scratch (id, note) VALUES (?, ?)", ("a", "again"))
        except Exception as error:  # noqa: BLE001 - that this savepoint raised it is the point
            failed.append(getattr(error, "sqlstate", None) or type(error).__name__)
        with s.savepoint():  # the transaction goes on after the failed savepoint
            assert s.value("SELECT note FROM scratch WHERE id = ?", ("a",)) == "first"
            s.execute("INSERT INTO scratch (id, note) VALUES (?, ?)", ("c", "third"))
    assert failed in (["23505"], ["IntegrityError"])
    assert _ids(db) == ["a", "c"]


def test_a_failure_after_the_last_savepoint_fails_the_whole_transaction(db: storage.Database) -> None:
    with pytest.raises(Exception) as caught, db.write(pipelined=True) as s:
        with s.savepoint():
            s.execute("INSERT INTO scratch (id, note) VALUES (?, ?)", ("x", "kept?"))
        s.many("INSERT INTO scratch (id, note) VALUES (?, ?)", [("y", "one"), ("y", "twice")])
    assert getattr(caught.value, "sqlstate", "23505") == "23505"  # sqlite3's errors have none
    assert "unique" in str(caught.value).lower() or "duplicate" in str(caught.value).lower()
    assert _ids(db) == []  # nothing of it committed
    # The one pooled connection serves the next transaction.
    with db.write(pipelined=True) as s, s.savepoint():
        s.execute("INSERT INTO scratch (id, note) VALUES (?, ?)", ("z", "after"))
    assert _ids(db) == ["z"]
