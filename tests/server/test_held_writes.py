"""A push's first try holds its entity writes (`storage.Session.hold_writes`).

Each entity's writes become one (the row as last written), an operation's
savepoint is sent only when something inside it must go to the database, and
on PostgreSQL what is held goes as one statement with the feed's rows and the
log and audit rows. These check that nothing of that shows: a refused
operation's writes are forgotten and the others' kept; a query sees what was
written before it, and a refusal after that query is still undone; an entity
written twice ends as written last; and a write the database refuses is
still answered as its own operation's failure, the others applied (the push
runs again without holding, `sync.server.push`). On SQLite (no pipeline)
nothing is held, and the same holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import psycopg
import pytest

from desktop.core.entities import Comment, Entity
from desktop.core.ids import uuid7
from desktop.core.rejection import Rejection
from sync.server import storage
from tests.server.conftest import Servers, scratch_database
from tests.conftest import World
from tests.server.harness import Deployment
from tests.server.test_push import published_task


@dataclass(slots=True)
class Note(Entity):
    """A scratch entity of the test's own table (no organisation: sync.server.tenancy leaves it alone)."""

    table: ClassVar[str] = "scratch"
    id: str
    note: str | None


@pytest.fixture
def db(backend: str, servers: Servers) -> Iterator[storage.Database]:
    yield from scratch_database(servers, backend)


def _notes(db: storage.Database) -> dict[str, str]:
    with db.read() as s:
        return {str(r[0]): str(r[1]) for r in s.execute("SELECT id, note FROM scratch ORDER BY id").fetchall()}


class _Statements:
    """The statements sent to PostgreSQL while active, as psycopg's cursors are given them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[str] = []
        execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

        def counted(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self.sent.append(str(query))
            return execute(cursor, query, *args, **kwargs)

        def counted_many(cursor: Any, query: Any, rows: Any, *args: Any, **kwargs: Any) -> Any:
            rows = list(rows)
            self.sent += [str(query)] * len(rows)
            return executemany(cursor, query, rows, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", counted)
        monkeypatch.setattr(psycopg.Cursor, "executemany", counted_many)


def _holding(s: storage.Session) -> None:
    """As a push's first try sets its session up."""
    s.waits_at_savepoints = False
    s.keep_what_it_reads()
    s.defer_inserts()
    s.hold_writes()


def test_a_refusal_forgets_its_writes_and_an_entity_written_twice_is_written_once(
    backend: str, db: storage.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = _Statements(monkeypatch)
    with db.write(pipelined=True) as s:
        _holding(s)
        with s.savepoint():
            s.put(Note("a", "first"))
            s.put(Note("b", "kept"))
        with pytest.raises(Rejection), s.savepoint():
            s.put(Note("d", "refused"))
            s.put(Note("a", "refused too"))
            raise Rejection("operation.failed")
        with s.savepoint():
            s.put(Note("a", "edited"))
            s.remove(Note("b", "kept"))
            s.put(Note("c", "third"))
        s.insert_later("INSERT INTO scratch (id, note) VALUES (?, ?)", ("e", "logged"))
    monkeypatch.undo()
    assert _notes(db) == {"a": "edited", "c": "third", "e": "logged"}
    if backend == "postgresql":
        # BEGIN, every write as one statement, COMMIT: no savepoint went, nothing was rolled back.
        assert len(counted.sent) == 3, counted.sent
        assert "SAVEPOINT" not in " ".join(counted.sent)


def test_a_query_reads_what_was_written_before_it_and_a_refusal_after_it_is_undone(
    backend: str, db: storage.Database
) -> None:
    with db.write(pipelined=True) as s:
        _holding(s)
        with s.savepoint():
            s.put(Note("a", "first"))
        with pytest.raises(Rejection), s.savepoint():
            s.put(Note("x", "read, then refused"))
            # A query goes: the savepoint and the writes held before it go first.
            assert s.value("SELECT count(*) FROM scratch") == 2
            assert s.value("SELECT note FROM scratch WHERE id = ?", ("x",)) == "read, then refused"
            s.put(Note("y", "after the query"))
            raise Rejection("operation.failed")
        with s.savepoint():
            assert s.value("SELECT count(*) FROM scratch") == 1
            s.put(Note("a", "edited after the refusal"))
    assert _notes(db) == {"a": "edited after the refusal"}


def test_a_savepoint_inside_an_operation_sends_the_operation_s_first(backend: str, db: storage.Database) -> None:
    with db.write(pipelined=True) as s:
        _holding(s)
        with s.savepoint():
            s.put(Note("a", "outer"))
            with pytest.raises(Rejection), s.savepoint():
                s.put(Note("b", "inner, refused"))
                raise Rejection("operation.failed")
            s.put(Note("c", "outer again"))
    assert _notes(db) == {"a": "outer", "c": "outer again"}


def test_a_held_write_the_database_refuses_fails_the_transaction_as_a_statement_failure(
    backend: str, db: storage.Database
) -> None:
    """What the push relies on to run again without holding: the error is a database statement's."""
    with pytest.raises(Exception) as caught, db.write(pipelined=True) as s:
        _holding(s)
        with s.savepoint():
            s.put(Note("a", "fine"))
        with s.savepoint():
            s.put(Note("b", None))  # NOT NULL
        with s.savepoint():
            s.put(Note("c", "fine too"))
    if backend == "postgresql":  # SQLite's is raised by the write itself, inside its savepoint
        assert storage.statement_failed(caught.value)
    assert _notes(db) == {}
    with db.write(pipelined=True) as s:  # the pooled connection serves the next one
        _holding(s)
        s.put(Note("z", "after"))
    assert _notes(db) == {"z": "after"}


@pytest.fixture
def refusing_boom(fresh_server: Deployment) -> Deployment:
    """A server whose database refuses a comment whose body is "boom" (the rules accept it)."""
    server = fresh_server
    with server.database.write(serial=False) as s:
        if server.database.dialect == "postgresql":
            s.execute("ALTER TABLE comments ADD CONSTRAINT no_boom CHECK (body <> 'boom')")
        else:
            s.execute(
                "CREATE TRIGGER no_boom BEFORE INSERT ON comments WHEN NEW.body = 'boom' "
                "BEGIN SELECT RAISE(ABORT, 'no boom'); END"
            )
    return server


def test_a_write_the_database_refuses_is_its_own_operation_s_failure(refusing_boom: Deployment, world: World) -> None:
    server = refusing_boom
    mette = server.user("mette")
    task_id = published_task(mette, world)
    ids = [uuid7(), uuid7(), uuid7()]
    ops = [
        mette.op("comment.add", comment_id=ids[0], task_id=task_id, body="Før"),
        mette.op("comment.add", comment_id=ids[1], task_id=task_id, body="boom"),
        mette.op("comment.add", comment_id=ids[2], task_id=task_id, body="Efter"),
    ]
    results = mette.push(*ops)
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["rejection"]["reason"] == "operation.failed"
    with server.database.read() as s:
        stored = {c.id: c.body for c in s.fetch(Comment, "task_id = ?", (task_id,))}
        logged = s.value(
            "SELECT count(*) FROM operations WHERE id IN (?, ?, ?)", [r["id"] for r in results]
        )
        audited = s.value("SELECT count(*) FROM audit_events WHERE id IN (?, ?, ?)", [r["id"] for r in results])
        fed = s.value("SELECT count(*) FROM changes WHERE table_name = 'comments' AND entity_key IN (?, ?, ?)", ids)
    assert stored == {ids[0]: "Før", ids[2]: "Efter"}
    # The failure is not stored (a later try may succeed), nor audited as applied. Before the
    # savepoint forgot the log rows held inside it, PostgreSQL stored it as applied: a repeat
    # was answered "applied" for a comment that never was.
    assert (logged, fed, audited) == (2, 2, 2)
    (again,) = mette.push(ops[1])
    assert (again["status"], again["rejection"]["reason"]) == ("rejected", "operation.failed")
