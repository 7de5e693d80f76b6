"""The server's database: one SQLite file, or PostgreSQL through psycopg 3.

Everything above this module speaks one SQL dialect (`?` placeholders, ON
CONFLICT upserts, SAVEPOINTs) through `Session`, which is the same `SqlRecords`
the client's store uses, so the operation rules run unchanged on both engines.

Writes run side by side. On SQLite one at a time anyway (`BEGIN IMMEDIATE`).
On PostgreSQL there is no server-wide lock: pushes about different tasks
proceed in parallel, and what the business needs serialised is serialised by
row locks: a write session reads the rows in `LOCKED_ON_READ` (tasks and bids)
`FOR UPDATE`, so two managers accepting the last seat of one task take turns,
and the first accept is the one that wins. The change feed keeps its promise
never to skip a change without a lock too, by ordering rows by the writing
transaction's id (see sync.server.feed). Two writers that still wait on each
other in a circle are told so by PostgreSQL (a deadlock), and the operation
that lost is tried again (sync.server.push).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from desktop.core.entities import Entity
from desktop.core.records import SqlRecords, upsert_statement
from sync.server import tenancy

E = TypeVar("E", bound=Entity)

log = logging.getLogger("knop.server")

DB_ENV = "KNOP_SERVER_DB"  # where knop-server and knop-admin find the database by default
REPLICA_ENV = "KNOP_SERVER_REPLICA_DB"  # a PostgreSQL hot standby of it that serves pulls (optional)

# Tables whose rows a write session locks when an operation reads them (PostgreSQL):
# every decision about a task or a bid (accept, edit, cancel, withdraw...) reads
# them first, so two decisions about one task are taken one after the other.
LOCKED_ON_READ = frozenset({"tasks", "bids"})


class Unavailable(Exception):
    """The database cannot be reached or stayed locked too long; try again later."""


class Unattributed(Exception):
    """A statement failed in a pipelined session that does not wait at its savepoints' ends.

    Which savepoint it belonged to is not known, so the transaction cannot go
    on: roll it back and run it again with `Session.waits_at_savepoints` (the
    cause is the database's error).
    """


def behind(condition: str, query: str) -> str:
    """`query` made to run only if `condition` holds (see `Session.gated`); ValueError for a statement that is no query."""
    if not query.lstrip().upper().startswith("SELECT"):
        raise ValueError(f"only queries may be sent behind a gate: {query[:60]!r}")
    return f"SELECT * FROM ({query}) AS gated WHERE {condition}"


class Session(SqlRecords):
    """One connection inside one transaction. Implements `operations.Records`."""

    def __init__(self, connection: Any, dialect: str, *, lock_reads: bool = False) -> None:
        super().__init__(connection)
        self.dialect = dialect
        self.lock_reads = lock_reads  # read LOCKED_ON_READ rows FOR UPDATE (see the module docstring)
        self._known: dict[tuple[str, tuple[Any, ...]], Entity | None] | None = None
        self._later: list[tuple[str, Sequence[Any]]] | None = None  # `insert_later`'s, in order
        # Entity writes held back (`hold_writes`): (table, key) -> (class, row, or None to delete).
        self._held: dict[tuple[str, tuple[Any, ...]], tuple[type[Entity], dict[str, Any] | None]] | None = None
        self._held_here: dict[tuple[str, tuple[Any, ...]], tuple[type[Entity], dict[str, Any] | None]] = {}
        self._due: str | None = None  # the savepoint whose SAVEPOINT is not sent yet (see `hold_writes`)
        self._queued: list[tuple[str, list[Any]]] = []  # `write_later`'s statements, held
        self._depth = 0  # savepoints open
        self.paramstyle = "format" if dialect == "postgresql" else "qmark"
        self._savepoints = itertools.count(1)
        self._unreleased: str | None = None  # a finished savepoint not yet released (PostgreSQL)
        # (parent table, id) -> its organisation, for filling `organisation_id` (sync.server.tenancy)
        self.organisations_known: dict[tuple[str, str], str | None] = {}
        self.pipeline: Any = None  # psycopg's Pipeline when the session is pipelined (Database.write)
        # Pipelined: whether a savepoint's end waits for what was queued inside it (see `savepoint`).
        self.waits_at_savepoints = True
        self._gate: str | None = None  # the condition statements sent now run behind (`gated`)
        # Pipelined writes (Database.write): what to send right after COMMIT, see `after_commit`.
        self.after_commit: Callable[[Session], Callable[[], None]] | None = None

    def folded(self, column: str) -> str:
        """SQL for `column` (a text column or expression) with `CAPITALS` made small, as `fold` does.

        PostgreSQL's translate(); on SQLite, which has none, `fold` itself (registered
        on every connection). To compare case-insensitively with a pattern `fold`ed alike.
        """
        if self.dialect == "postgresql":
            return f"translate({column}, '{CAPITALS}', '{CAPITALS.lower()}')"
        return f"knop_fold({column})"

    @contextlib.contextmanager
    def pipelined(self) -> Iterator[None]:
        """Queue the statements sent inside (PostgreSQL's pipeline mode; SQLite runs them at once).

        For a session outside an explicit transaction (`Database.statement`):
        what is sent inside is one implicit transaction, ended by the Sync that
        leaving the block sends, which also brings every answer back in one
        round trip; read the answers after the block.
        """
        if self.dialect != "postgresql" or self.pipeline is not None:
            yield
            return
        try:
            with self.connection.pipeline() as pipeline:
                self.pipeline = pipeline
                yield
        except _unavailable_errors() as error:
            raise Unavailable(str(error)) from error
        finally:
            self.pipeline = None

    @contextlib.contextmanager
    def gated(self, condition: str) -> Iterator[None]:
        """Queries sent inside run only if `condition` holds when they run (PostgreSQL).

        For reads queued in a pipeline behind a check whose answer is not read
        yet: a push's reads ahead (some of which lock rows) behind its credential
        check, which notes its verdict where `condition` (SQL naming no column
        and taking no parameter, e.g. `accounts.CREDENTIALS_PASSED`) can see it.
        Each query is sent as `SELECT * FROM (query) AS gated WHERE condition`;
        PostgreSQL tests a condition that names no column once, before the
        query's plan runs (a one-time filter), so when it fails not a row is
        read, let alone locked, and the answer is empty. Only SELECTs may be
        sent inside (ValueError). SQLite, whose statements run as they are
        sent, is left as it is: there the check is answered before the reads.
        """
        if self.dialect != "postgresql":
            yield
            return
        outer, self._gate = self._gate, condition
        try:
            yield
        finally:
            self._gate = outer

    def keep_what_it_reads(self) -> None:
        """From now on, `get` reads each entity once and answers again from memory.

        For a transaction whose entity writes all go through `put` and `remove`
        (a push runs only operation rules): they keep the memory current, and a
        savepoint rolled back forgets it (row locks taken inside it go too).
        Several rules of one batch ask for the same task; each ask is a round trip.
        """
        self._known = {}

    def defer_inserts(self) -> None:
        """From now on, `insert_later` holds its rows until `flush`, which writes them together.

        Rows held inside a savepoint that is rolled back are forgotten with it.
        """
        self._later = []

    def hold_writes(self) -> None:
        """From now on, entity writes (`put`, `remove`) wait until a statement must go, and savepoints until a write must.

        For a pipelined session that does not wait at its savepoints (a push's
        first try; elsewhere nothing changes). Each entity's writes become
        one: the row as last written (a task created and edited in one push is
        one upsert), sent where its first write would have been, before the
        next statement of any kind (so every query reads what was written
        before it) or at `flush`. An operation's savepoint (`savepoint`) is
        only sent when something inside it has to go to the database; one
        whose rules wrote only entities sends nothing, and a refusal then
        simply forgets its writes. So a push of three operations that only
        write sends no SAVEPOINT, no RELEASE, and one upsert per entity.

        A database error is then known only after the writes of several
        operations went together: it arrives at a later statement or at
        COMMIT, where nobody can say whose it was (Unattributed, or a failed
        COMMIT), and the caller runs the transaction again without holding
        anything, as for any other late error (`sync.server.push`).
        """
        if self.pipeline is not None and not self.waits_at_savepoints:
            self._held = {}

    def _holding(self) -> dict[tuple[str, tuple[Any, ...]], tuple[type[Entity], dict[str, Any] | None]] | None:
        """Where a write is held now: the operation's own (savepoint not sent), the session's, or None (send it)."""
        if self._held is None:
            return None
        if self._due is not None:
            return self._held_here
        return self._held if self._depth == 0 else None

    def _send_held(self) -> None:
        """Before any statement: the held writes (and a savepoint not sent yet) go first, in order."""
        if self._held is None or not (self._held or self._queued or self._due is not None or self._held_here):
            return
        earlier, self._held = self._held, {}
        queued, self._queued = self._queued, []
        self._send_as_one([*_writes(earlier), *queued])
        if self._due is not None:
            name, self._due = self._due, None
            self._open(name)
            here, self._held_here = self._held_here, {}
            self._send_as_one(_writes(here))

    def _send_as_one(self, statements: list[tuple[str, list[Any]]]) -> None:
        """Send writes nobody reads an answer of; on PostgreSQL as one statement.

        Joined as the data-modifying sub-statements of one `WITH ... INSERT`:
        PostgreSQL runs every one of them, and the statement fails as a whole
        if any of them fails. One statement to parse, plan (prepared, once
        the same shape has come five times) and answer instead of one each.
        """
        if not statements:
            return
        if self.dialect == "postgresql" and len(statements) > 1 and sum(len(p) for _, p in statements) <= MAX_PARAMETERS:
            *subs, (last, _) = statements
            joined = ", ".join(f"w{i} AS ({statement})" for i, (statement, _) in enumerate(subs))
            # Numbered here and sent as it is: psycopg converts the placeholders of a statement
            # this long (or with more than 50 parameters) afresh every time, with a regular expression.
            raw = _raw_cursor(self.connection)
            raw.execute(_numbered(f"WITH {joined} {last}"), [v for _, params in statements for v in params])
            return
        for statement, params in statements:
            SqlRecords.execute(self, statement, params)

    def insert_later(self, statement: str, params: Sequence[Any]) -> None:
        """An INSERT nothing in this transaction reads back: run now, or at `flush` if deferring."""
        if self._later is None:
            self.execute(statement, params)
        else:
            self._later.append((statement, params))

    def write_later(self, statement: str, params: Sequence[Any]) -> None:
        """A write whose answer nobody reads: sent now, or, when holding writes, with the next statement.

        Held only outside a savepoint (`hold_writes`); sent with the held
        entity writes, as one statement with them on PostgreSQL.
        """
        if self._held is None or self._depth > 0:
            self.execute(statement, params)
        else:
            self._queued.append((statement, list(params)))

    def flush(self) -> None:
        """Write what `insert_later` held: one statement per table on PostgreSQL, one `executemany` on SQLite.

        On PostgreSQL the rows go as one multi-row `INSERT ... VALUES (...), (...)`:
        a push's three log entries are one statement for the server to parse,
        plan and execute, not three (`insert_later`'s statements end in their
        one VALUES group, so it is simply repeated). A session that holds its
        writes (`hold_writes`) sends them and these as one statement.
        """
        held: dict[str, list[Sequence[Any]]] = {}
        for statement, params in self._later or ():
            held.setdefault(statement, []).append(params)
        if self._later is not None:
            self._later = []
        if self._held is not None and self._depth == 0:
            self._queued += [_many_rows(statement, rows) for statement, rows in held.items()]
            self._send_held()
            return
        self._send_held()
        for statement, rows in held.items():
            if self.dialect == "postgresql" and len(rows) > 1:
                self.execute(*_many_rows(statement, rows))
            else:
                self.many(statement, rows)

    def read_ahead(self, cls: type[Entity], keys: Iterable[tuple[str, ...]]) -> Callable[[], None]:
        """Ask now for the `cls` rows with these keys (tuples in `cls.key` order); the returned function remembers them.

        For a session that keeps what it reads (`keep_what_it_reads`). In a
        pipelined session the query is only queued: every query sent before
        the next one somebody waits for travels in that one round trip, so a
        push asks for all the rows its operations name (tasks, sites,
        comments...) together with its credential check, instead of one round
        trip per rule that asks. Rows of `LOCKED_ON_READ` are locked as `get`
        would, in key order (so two pushes never wait on each other in a
        circle over them). Keys not found are remembered as absent. Until the
        function is called, `get` does not know them.
        """
        width = len(cls.key)
        wanted = sorted({k for k in keys if len(k) == width and all(isinstance(v, str) for v in k)})
        if self._known is None or not wanted:
            return lambda: None
        columns = ", ".join(cls.key)
        one = "(" + ", ".join("?" for _ in cls.key) + ")"
        locking = self.lock_reads and cls.table in LOCKED_ON_READ
        cursor = self.execute(
            f"SELECT * FROM {cls.table} WHERE ({columns}) IN ({', '.join([one] * len(wanted))})"
            + (f" ORDER BY {columns} FOR UPDATE" if locking else ""),
            [v for key in wanted for v in key],
        )
        fetched: list[Any] | None = cursor.fetchall() if self.pipeline is None else None

        def remember() -> None:
            rows = cursor.fetchall() if fetched is None else fetched
            names = column_names(cursor)
            at = [names.index(k) for k in cls.key]
            found = {tuple(str(row[i]) for i in at): row for row in rows}
            known = self._known
            if known is None:
                return
            for key in wanted:
                row = found.get(key)
                try:
                    entity = None if row is None else cls.from_row(dict(zip(names, row, strict=True)))
                except Exception:  # noqa: BLE001 - a damaged row: its rule reads it again and fails alone
                    continue
                known.setdefault((cls.table, key), entity)

        return remember

    def remember(self, entity: Entity) -> None:
        """Know `entity` as read in this transaction (by a query of someone else's), if keeping what it reads."""
        if self._known is not None:
            self._known[(entity.table, tuple(getattr(entity, k) for k in entity.key))] = entity

    def remember_absent(self, cls: type[Entity], *key: str) -> None:
        """Know that there is no `cls` row with `key` (found so by a query of someone else's), if keeping what it reads."""
        if self._known is not None:
            self._known.setdefault((cls.table, tuple(key)), None)

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """See `SqlRecords.rows`; the rows are fetched first, which a pipelined query needs."""
        cursor = self.execute(statement, params)
        found = cursor.fetchall()
        names = column_names(cursor)
        return [dict(zip(names, row, strict=True)) for row in found]

    def one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self.execute(statement, params).fetchone()
        return tuple(row) if row is not None else None

    def value(self, statement: str, params: Sequence[Any] = (), default: Any = None) -> Any:
        row = self.one(statement, params)
        return default if row is None or row[0] is None else row[0]

    def get(self, cls: type[E], *key: str) -> E | None:
        """See `Records.get`; in a locking write session, also locks a task's or bid's row."""
        marker = (cls.table, tuple(key))
        if self._known is not None and marker in self._known:
            known = self._known[marker]
            return known if isinstance(known, cls) else None
        if self.lock_reads and cls.table in LOCKED_ON_READ:
            where = " AND ".join(f"{k} = ?" for k in cls.key)
            rows = self.fetch(cls, f"{where} FOR UPDATE", key)
            found = rows[0] if rows else None
        else:
            found = super().get(cls, *key)
        if self._known is not None:
            self._known[marker] = found
        return found

    def put(self, entity: Entity) -> None:
        """See `Records.put`."""
        super().put(entity)
        if self._known is not None:
            self._known[(entity.table, tuple(getattr(entity, k) for k in entity.key))] = entity

    def remove(self, entity: Entity) -> None:
        """See `Records.remove`."""
        super().remove(entity)
        if self._known is not None:
            self._known[(entity.table, tuple(getattr(entity, k) for k in entity.key))] = None

    def put_rows(self, cls: type[Entity], rows: Iterable[dict[str, Any]]) -> None:
        """See `SqlRecords.put_rows`; every row also gets its organisation (sync.server.tenancy).

        Held back when the session holds its writes (`hold_writes`).
        """
        filled = tenancy.fill(self, cls.table, rows)
        holding = self._holding()
        if holding is None:
            self._send_held()
            super().put_rows(cls, filled)
            return
        for row in filled:
            holding[(cls.table, tuple(row[k] for k in cls.key))] = (cls, row)

    def remove_key(self, cls: type[Entity], key: Sequence[Any]) -> None:
        """See `SqlRecords.remove_key`; held back when the session holds its writes (`hold_writes`)."""
        holding = self._holding()
        if holding is None:
            super().remove_key(cls, key)
        else:
            holding[(cls.table, tuple(key))] = (cls, None)

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """See `SqlRecords.execute`; what the session holds back goes first (`hold_writes`).

        Inside `gated`, a query runs behind the gate's condition.
        """
        self._send_held()
        if self._gate is not None:
            statement = behind(self._gate, statement)
        return super().execute(statement, params)

    def organisation_of(self, parent: str, key: str | None) -> str | None:
        """See `tenancy.organisation_of`: the organisation of a task, person or site row."""
        return tenancy.organisation_of(self, parent, key)

    def unlocked(self, cls: type[E], *key: str) -> E | None:
        """`get` without a row lock, for reads that decide nothing (the feed's visibility facts)."""
        known = self._known.get((cls.table, tuple(key)), False) if self._known is not None else False
        if known is not False:
            return known if isinstance(known, cls) else None
        return super().get(cls, *key)

    def many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        self._send_held()
        cursor = self.connection.cursor() if self.dialect == "postgresql" else self.connection
        cursor.executemany(self.sql(statement), rows)

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an exception inside rolls back to here and propagates.

        On PostgreSQL a savepoint that ends well is released together with the
        next one's start (or by COMMIT, which ends them all): one round trip
        less for each operation of a push. In a pipelined session the savepoint
        is sent with the first query inside it, and its end waits for the
        statements queued inside (`sync`), so that their errors are raised here,
        where they are rolled back, and not in the next operation.

        That wait is a round trip per savepoint. A session with
        `waits_at_savepoints` False skips it: its queued writes travel with
        the next read or the COMMIT, and an exception inside a savepoint is
        undone with it only when it is not the database's and everything
        queued so far went well; otherwise Unattributed is raised, and the
        caller runs the transaction again, waiting (a push does so: failures
        are rare, round trips are not).
        """
        name = f"sp{next(self._savepoints)}"
        later = len(self._later) if self._later is not None else 0  # rows held before it, kept if it is undone
        lazy = self._held is not None and self._depth == 0  # sent when something inside must go (hold_writes)
        if lazy:
            self._due, self._held_here = name, {}
        else:
            self._send_held()  # a savepoint inside one not sent yet: that one goes first
            self._open(name)
        self._depth += 1
        try:
            yield
            if self.pipeline is not None and self.waits_at_savepoints:
                self.pipeline.sync()
        except BaseException as error:
            self._depth -= 1
            if self._later is not None:
                del self._later[later:]  # what it would have logged is undone with it
            if lazy and self._due == name:
                # Never sent, and nothing inside it was: its writes are simply forgotten.
                self._due, self._held_here = None, {}
                if self._known is not None:
                    self._known.clear()
                if _is_psycopg_error(error):  # an earlier statement's: whose is not known
                    raise Unattributed(str(error)) from error
                raise
            self._unreleased = None  # released below, with any savepoint inside this one
            if self._known is not None:
                self._known.clear()  # what it read or wrote inside is undone
            if self.pipeline is not None and not self.waits_at_savepoints:
                _attribute(self.pipeline, error)  # raises Unattributed unless all queued so far went well
            elif self.pipeline is not None:
                _settle(self.pipeline)  # a failed statement left the pipeline aborted until a sync
            self._send(f"ROLLBACK TO SAVEPOINT {name}", f"RELEASE SAVEPOINT {name}")
            if self.pipeline is not None:
                # Waited for even when savepoints do not wait: psycopg forgets its prepared
                # statements when it reads a ROLLBACK's answer and deallocates them all
                # with its next statement; read later, in a pipeline, that answer would
                # have it forget statements prepared after the DEALLOCATE (which then
                # "do not exist").
                self.pipeline.sync()
            raise
        self._depth -= 1
        if lazy and self._due == name:
            # Never sent: its writes join the session's, each entity's in the place of its first.
            self._due = None
            assert self._held is not None
            self._held.update(self._held_here)
            self._held_here = {}
            return
        if self.dialect == "postgresql":
            self._unreleased = name  # releasing it also releases any left open inside it
        else:
            self.connection.execute(f"RELEASE SAVEPOINT {name}")

    def _open(self, name: str) -> None:
        """Send SAVEPOINT `name`, with the RELEASE of the one before it that ended well."""
        self._send(
            *([f"RELEASE SAVEPOINT {self._unreleased}"] if self._unreleased is not None else []),
            f"SAVEPOINT {name}",
        )
        self._unreleased = None

    def _send(self, *statements: str) -> None:
        """Statements without parameters or results: one round trip (none when pipelined).

        SQLite takes them one by one, PostgreSQL as one string; a pipeline takes
        no string of several statements, so it gets each on its own, queued.
        """
        if self.pipeline is not None or self.dialect != "postgresql":
            for statement in statements:
                self.connection.execute(statement)
        else:
            self.connection.execute("; ".join(statements))


MAX_PARAMETERS = 30_000  # in one statement joined of held writes (PostgreSQL takes at most 65,535)

_Held = dict[tuple[str, tuple[Any, ...]], tuple[type[Entity], "dict[str, Any] | None"]]


@functools.lru_cache(maxsize=256)
def _numbered(statement: str) -> str:
    """`statement` with its `?` placeholders as PostgreSQL's own `$1`, `$2`... (for psycopg's RawCursor)."""
    parts = statement.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


def column_names(cursor: Any) -> list[str]:
    """The names of the columns of `cursor`'s current result, in order (a DB-API cursor of either engine).

    What `[d[0] for d in cursor.description]` gives, without psycopg's
    `Column` objects: psycopg builds one per column on every reading of
    `description` (its type looked up, its name decoded), about 48 µs for a
    row of 33 columns against 4 µs for the names alone, and a push read
    some 85 columns' worth of them a round (docs/scale-out.md, "Eleventh
    pass"). The names are decoded as psycopg decodes them (the connection's
    encoding).
    """
    result = getattr(cursor, "pgresult", None)
    if result is None:  # SQLite's cursor, or psycopg's without a result (as `description` would fail)
        return [d[0] for d in cursor.description]
    encoding = cursor.connection.info.encoding
    return [result.fname(i).decode(encoding) for i in range(result.nfields)]


def _raw_cursor(connection: Any) -> Any:
    """A cursor that sends its statement's text as it is, `$n` placeholders and all."""
    import psycopg

    return psycopg.RawCursor(connection)


def _writes(held: _Held) -> list[tuple[str, list[Any]]]:
    """Held entity writes as statements: consecutive upserts of one table with the same columns as one."""
    statements: list[tuple[str, list[Any]]] = []
    run: list[dict[str, Any]] = []
    run_cls: type[Entity] = Entity
    for (table, key), (cls, row) in held.items():
        if run and (row is None or cls is not run_cls or list(row) != list(run[0])):
            statements.append(_upsert_rows(run_cls, run))
            run = []
        if row is None:
            statements.append((f"DELETE FROM {table} WHERE {' AND '.join(f'{k} = ?' for k in cls.key)}", list(key)))
        else:
            run_cls = cls
            run.append(row)
    if run:
        statements.append(_upsert_rows(run_cls, run))
    return statements


def _upsert_rows(cls: type[Entity], rows: list[dict[str, Any]]) -> tuple[str, list[Any]]:
    """One multi-row upsert of `rows` (all with the first's columns; no key twice)."""
    columns = tuple(rows[0])
    one = upsert_statement(cls.table, columns, cls.key)
    head, _, rest = one.partition(" VALUES ")
    group, _, tail = rest.partition(") ON CONFLICT ")
    return (
        f"{head} VALUES {', '.join([group + ')'] * len(rows))} ON CONFLICT {tail}",
        [row.get(c) for row in rows for c in columns],
    )


def _many_rows(statement: str, rows: list[Sequence[Any]]) -> tuple[str, list[Any]]:
    """An INSERT ending in its one VALUES group, for all of `rows` at once."""
    head, _, group = statement.rpartition(" VALUES ")
    return f"{head} VALUES {', '.join([group] * len(rows))}", [v for row in rows for v in row]


def database_cause(error: BaseException) -> BaseException | None:
    """The database's own error behind `error`: what Unavailable and Unattributed wrap, else `error` itself."""
    return error.__cause__ if isinstance(error, (Unavailable, Unattributed)) else error


def statement_failed(error: BaseException) -> bool:
    """Whether `error` (or what it wraps: Unavailable, Unattributed) is a statement the database refused.

    That is, an error with a SQLSTATE, or psycopg's PipelineAborted, which
    stands for a statement skipped after another one failed.
    """
    cause = database_cause(error)
    return getattr(cause, "sqlstate", None) is not None or type(cause).__name__ == "PipelineAborted"


def _is_psycopg_error(error: BaseException) -> bool:
    import psycopg

    return isinstance(error, psycopg.Error)


def _attribute(pipeline: Any, error: BaseException) -> None:
    """In a session that does not wait at savepoints' ends: may `error` be undone with its savepoint?

    Only when it is not the database's (a rule's refusal, say) and everything
    queued so far went well; otherwise the failed statement may belong to an
    earlier savepoint, and Unattributed is raised (from the database's error).
    """
    import psycopg

    if isinstance(error, psycopg.Error):
        raise Unattributed(str(error)) from error
    try:
        pipeline.sync()
    except Exception as late:
        raise Unattributed(str(late)) from late


def _settle(pipeline: Any) -> None:
    """Wait for what a pipeline has queued, ignoring errors (already raised once, or to be)."""
    with contextlib.suppress(Exception):
        pipeline.sync()


class Database:
    """Where one server process gets its connections. Safe to share between threads.

    `pool_size`: connections at most. `open_at_start`: on PostgreSQL, open all
    of them as soon as the pool opens (its first use) and keep them, instead
    of one, the others opened only when a request waits for one (what a
    serving process wants: see `_PostgresPool`); for tools and tests, which
    use a connection or two, one.
    """

    dialect: str
    _pool: _SqlitePool | _PostgresPool

    def __init__(self, url: str | Path, *, pool_size: int = 8, open_at_start: bool = False) -> None:
        self.url = str(url)
        if is_postgres_url(self.url):
            self.dialect = "postgresql"
            self._pool = _PostgresPool(self.url, pool_size, open_at_start)
        else:
            self.dialect = "sqlite"
            self._pool = _SqlitePool(sqlite_path(self.url), pool_size)

    def close(self) -> None:
        self._pool.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction: one consistent view of the data."""
        with self._pool.connection() as conn, _transaction(conn, "BEGIN"):
            yield Session(conn, self.dialect)

    @contextlib.contextmanager
    def statement(self) -> Iterator[Session]:
        """A connection for one statement, outside an explicit transaction.

        One statement sees one consistent view by itself; this spares the BEGIN
        and COMMIT round trips (every push's credential check is one query).
        """
        with self._pool.connection() as conn:
            yield Session(conn, self.dialect)

    @contextlib.contextmanager
    def write(self, *, serial: bool = True, pipelined: bool = False) -> Iterator[Session]:
        """A write transaction, committed when the block ends and rolled back on an exception.

        `serial` is for transactions that run operation rules: on PostgreSQL
        their reads of tasks and bids lock those rows (see the module's
        docstring). Writes of a login's token or a throttle counter pass False.

        `pipelined` (PostgreSQL; SQLite ignores it): psycopg's pipeline mode.
        A statement whose result nobody fetches (BEGIN, a savepoint, an upsert,
        COMMIT) is queued and sent with the next one that is waited for, so a
        push costs a round trip per read rather than per statement. Its errors
        are raised at the next wait: at the end of the savepoint it ran in
        (`Session.savepoint`), or at COMMIT. A cursor's `rowcount` is not known
        until something waits.
        """
        lock_reads = serial and self.dialect == "postgresql"
        if pipelined and self.dialect == "postgresql":
            with self._pool.connection() as conn:
                session = Session(conn, self.dialect, lock_reads=lock_reads)
                after = _AfterCommit(session)
                with _pipelined_transaction(conn, after.send) as pipeline:
                    session.pipeline = pipeline
                    yield session
                    session.flush()  # anything still held (`Session.hold_writes`, `insert_later`) goes before COMMIT
                after.answer()  # committed: on the same connection, out of pipeline mode
            return
        begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"
        with self._pool.connection() as conn, _transaction(conn, begin):
            session = Session(conn, self.dialect, lock_reads=lock_reads)
            yield session
            session.flush()


@contextlib.contextmanager
def _transaction(conn: Any, begin: str) -> Iterator[None]:
    try:
        conn.execute(begin)
    except _unavailable_errors() as error:
        raise Unavailable(str(error)) from error
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except _unavailable_errors() as error:
        raise Unavailable(str(error)) from error


class _AfterCommit:
    """What a pipelined write sends after its COMMIT (`Session.after_commit`), and its answer.

    `send` queues the statements in the transaction's pipeline right after
    COMMIT, so they travel with it and are answered by the same Sync: one
    round trip and one connection for both (a push and the page after it,
    docs/scale-out.md "Thirteenth pass"). They run after the commit, each in
    the implicit transaction the Sync ends, as on a connection of their own.
    When the transaction fails, the Sync answers them with the failure too
    and `answer` is never reached: the caller, which tries the transaction
    again, sets `after_commit` again. A failure while queuing them is logged
    and they are dropped (`answer` does nothing), so the transaction's fate
    is never theirs; whoever set them then learns it by their absence.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._then: Callable[[], None] | None = None

    def send(self, pipeline: Any) -> None:
        ask = self.session.after_commit
        if ask is None:
            return
        after = Session(self.session.connection, self.session.dialect)
        after.pipeline = pipeline  # `Session.pipelined` inside only queues
        try:
            then = ask(after)
        except Exception:  # the commit is already queued: never fail it for what follows it
            log.exception("what was to follow a commit was not sent")
            return
        finally:
            after.pipeline = None  # answered out of pipeline mode

        self._then = then

    def answer(self) -> None:
        if self._then is not None:
            self._then()


@contextlib.contextmanager
def _pipelined_transaction(conn: Any, after_commit: Callable[[Any], None] | None = None) -> Iterator[Any]:
    """`_transaction` in psycopg's pipeline mode (see `Database.write`); yields the pipeline.

    The COMMIT is queued and its answer comes with the Sync that leaving
    pipeline mode sends anyway: one round trip for both, not two. A failed
    statement makes PostgreSQL skip the rest of what was queued up to the
    next sync, COMMIT included, and leaves the transaction open and failed:
    so every way out that is not a clean COMMIT rolls back once out of
    pipeline mode (which settles whatever was still queued).
    """
    try:
        with conn.pipeline() as pipeline:
            conn.execute("BEGIN")  # queued: it travels with the first query
            yield pipeline
            conn.execute("COMMIT")
            if after_commit is not None:
                after_commit(pipeline)  # queued behind COMMIT, answered by the same Sync
    except BaseException as error:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")  # a warning only, when the transaction has already ended
        if isinstance(error, _unavailable_errors()):
            raise Unavailable(str(error)) from error
        raise


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def sqlite_path(url: str) -> Path:
    """A plain path, or sqlite:///path as other tools write it."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite://"))
    return Path(url)


def describe(url: str) -> str:
    """The URL without its password, fit for a log line."""
    if not is_postgres_url(url) or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


@contextlib.contextmanager
def unavailable_as_such() -> Iterator[None]:
    """Inside, the errors of a database that went away are raised as `Unavailable`.

    As a pooled connection's block raises them (`Database.statement` and the
    others), for work done on a connection whose block is not where the
    error should go: the page after a push, made after the push's commit
    inside the push's block (`Session.after_commit`).
    """
    try:
        yield
    except _unavailable_errors() as error:
        raise Unavailable(str(error)) from error


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sqlite3.OperationalError]
    try:
        import psycopg
        import psycopg_pool

        errors += [psycopg.OperationalError, psycopg_pool.PoolTimeout]
    except ImportError:  # pragma: no cover - SQLite-only installs
        pass
    return tuple(errors)


# Capitals folded to small letters by `Session.folded`, alike in Python (`fold`), in SQLite and
# in PostgreSQL: A-Z and Latin-1's (Æ, Ø, Å, É, Ü ... but not the multiplication sign). SQLite's lower() folds A-Z
# alone, and so does PostgreSQL's in a C-locale database (the tests' cluster, and many a
# server's): with lower(), "æble" would find "Æbleplukning" on one server and not another.
CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "".join(chr(c) for c in range(0xC0, 0xDF) if c != 0xD7)
_FOLD = str.maketrans(CAPITALS, CAPITALS.lower())


def fold(text: str | None) -> str | None:
    """`text` with `CAPITALS` made small (None stays None): what `Session.folded` does in SQL."""
    return None if text is None else text.translate(_FOLD)


def _into_wal(conn: sqlite3.Connection, patience_s: float = 30.0) -> None:
    """Put the database file in WAL mode (it stays so; a file already in it is left alone).

    Switching needs the file to itself and SQLite answers "database is locked" at
    once, without its busy timeout, while another connection is opening the same
    new file (several workers, or tests, starting together): try again until it
    is free or `patience_s` seconds have passed, then raise sqlite3.OperationalError.
    """
    deadline = time.monotonic() + patience_s
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class _SqlitePool:
    """A few reusable connections to one file, handed out one per thread at a time."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        _into_wal(conn)
        conn.create_function("knop_fold", 1, fold, deterministic=True)  # `Session.folded`
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            try:
                conn = self._open()
            except sqlite3.OperationalError as error:
                raise Unavailable(str(error)) from error
        try:
            yield conn
        finally:
            if conn.in_transaction:
                with contextlib.suppress(Exception):
                    conn.execute("ROLLBACK")
            with self._lock:
                if len(self._idle) < self.size:
                    self._idle.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _together_pipeline_class() -> Any:
    """psycopg's `Pipeline` made to send what it queued in one write, when an answer is waited for; None if psycopg has no such parts.

    psycopg sends each statement of a pipeline as it is queued: every
    `execute` polls the socket twice (the GIL let go and taken back each
    time) and writes the statement alone, which wakes the backend for it
    alone. A push's first round trip is eleven statements, so a round cost
    some 15 writes and 30 polls where 4 would do. Measured in process
    (docs/scale-out.md "Ninth pass"), eleven `SELECT`s and their answers:
    445-547 µs of Python and 211-243 µs of the backend's CPU that way,
    285-324 and 94-107 µs sent together.

    Here a statement is queued and nothing is sent until somebody waits for
    an answer: a fetch (psycopg's `_fetch_gen`), a Sync (`Pipeline.sync`, a
    commit) or leaving pipeline mode. Then everything queued is written into
    libpq's buffer in order and flushed at once. What PostgreSQL receives, in
    what order, and which Sync ends which part, is unchanged, so are the
    answers and the errors (a failed statement's error is raised by the
    same wait as before, or an earlier one could have raised it when its
    answer happened to be read early; the callers already allow for both,
    `Session.savepoint`). What changes is only when the bytes leave: a
    statement queued while Python prepares the next one waits for the wait,
    microseconds here.

    Relies on psycopg's pipeline internals (`command_queue`, `_enqueue_sync`,
    `_communicate_gen`, `_fetch_gen`, psycopg 3.1-3.3);
    tests/server/test_push_round_trips.py counts the polls and fails if a
    psycopg upgrade brings back a poll per statement.
    """
    try:
        from psycopg import Pipeline
    except ImportError:  # pragma: no cover - psycopg without pipelines
        return None
    needed = ("_enqueue_sync", "_communicate_gen", "_fetch_gen")
    if not all(hasattr(Pipeline, name) for name in needed):  # pragma: no cover - another psycopg
        return None

    class _TogetherPipeline(Pipeline):
        _sync_queued = False

        def _enqueue_sync(self) -> None:
            super()._enqueue_sync()
            self._sync_queued = True

        def _communicate_gen(self) -> Any:
            # Called by psycopg after every statement it queues: send only once a Sync
            # is queued (a fetch sends by `_fetch_gen`).
            if not self._sync_queued:
                return
            self._sync_queued = False
            self._queue_in_libpq()
            yield from super()._communicate_gen()

        def _fetch_gen(self, *, flush: bool) -> Any:
            if self.command_queue:
                self._queue_in_libpq()  # then psycopg's flush request and one flush send them all
                flush = True
            yield from super()._fetch_gen(flush=flush)

        def _queue_in_libpq(self) -> None:
            """Every queued command into libpq's output buffer (libpq writes out past 64 KB itself)."""
            queue = self.command_queue
            while queue:
                queue.popleft()()

    return _TogetherPipeline


def _check_unless_quiet(conn: Any) -> None:
    """The pool's check on checkout: a round trip only for a connection that may be broken.

    psycopg_pool's `check_connection` sends an empty query on every checkout: a
    round trip per request. A connection whose server went away (restarted,
    failed over, the backend ended) has something to read, the server's last
    words or the end of the stream, and one that is mid-transaction was left in
    a state nobody wants: those get the full check (which raises, and the pool
    replaces the connection). An idle connection with nothing to read is handed
    out as it is. Raises what `ConnectionPool.check_connection` raises.
    """
    from psycopg import pq
    from psycopg_pool import ConnectionPool

    pgconn = conn.pgconn
    quiet = (
        pgconn.status == pq.ConnStatus.OK
        and pgconn.transaction_status == pq.TransactionStatus.IDLE
        and not _readable(pgconn.socket)
    )
    if not quiet:
        ConnectionPool.check_connection(conn)


def _readable(fd: int) -> bool:
    """Whether the socket has something to read (or has ended), without waiting.

    poll, not select: a busy server's descriptors run past select's 1024.
    """
    import select

    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


class _PostgresPool:
    """psycopg's pool, in autocommit mode so that transactions are the explicit BEGINs above.

    PostgreSQL restarted or failed over breaks every pooled connection, so each is
    checked on checkout (`_check_unless_quiet`) and replaced if broken: once the
    database is back, no request fails on a connection that died while it was away. While it is away,
    a request waits at most a moment longer and is answered 503, rather than
    for as long as a busy pool deserves (the client's read timeout would expire
    first, and it would learn nothing); so the wait is taken in slices, each
    followed by a look at whether the database has gone away meanwhile. The pool's own reconnection backs
    off exponentially, so it gives up after a few seconds and at once starts a
    fresh attempt (`check()` regrows an empty pool): recovery follows the
    database within seconds, however long it was gone.

    With `open_at_start`, every connection is opened when the pool opens (in
    psycopg_pool's background workers) and kept: psycopg_pool otherwise starts
    with one and adds one at a time while requests wait, so a burst after a
    quiet start (a restart, the morning's first syncs) queued behind new
    backends being started and warmed, one after another. In the benchmark a
    third of each worker's connections were still being opened in the first
    seconds under load, with pushes waiting 200-400 ms at the median (docs/scale-out.md,
    "Eleventh pass").
    """

    BUSY_WAIT_S = 30.0  # for a connection from a healthy pool whose connections are all in use
    AWAY_WAIT_S = 2.0  # for a connection once attempts to connect have failed for this long
    SLICE_S = 1.0
    RECONNECT_S = 5.0
    CONNECT_TIMEOUT_S = 5

    def __init__(self, url: str, size: int, open_at_start: bool = False) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        owner = self
        self._away_since: float | None = None

        together = _together_pipeline_class()

        class Connection(psycopg.Connection[Any]):
            """Tells the pool whether the database answered its last attempt to connect; pipelines send together.

            `pipeline()` is psycopg's own (3.1-3.3), with `_TogetherPipeline`
            instead of psycopg's `Pipeline`; where psycopg's connection lacks
            what it needs, psycopg's pipeline is used as it is.
            """

            @contextlib.contextmanager
            def pipeline(self) -> Iterator[Any]:
                if together is None or not hasattr(self, "_check_connection_ok"):
                    with super().pipeline() as theirs:
                        yield theirs
                    return
                with self.lock:
                    self._check_connection_ok()
                    ours: Any = self._pipeline
                    if ours is None:
                        ours = self._pipeline = together(self)
                try:
                    with ours:
                        yield ours
                finally:
                    if ours.level == 0:
                        with self.lock:
                            assert ours is self._pipeline
                            self._pipeline = None

            @classmethod
            def connect(cls, *args: Any, **kwargs: Any) -> Any:
                try:
                    conn = super().connect(*args, **kwargs)
                except psycopg.OperationalError:
                    if owner._away_since is None:
                        owner._away_since = time.monotonic()
                    raise
                owner._away_since = None
                return conn

        self._pool = ConnectionPool(
            url,
            min_size=max(size, 1) if open_at_start else 1,
            max_size=max(size, 1),
            connection_class=Connection,
            kwargs={"autocommit": True, "connect_timeout": self.CONNECT_TIMEOUT_S},
            open=False,
            timeout=self.BUSY_WAIT_S,
            check=_check_unless_quiet,
            reconnect_timeout=self.RECONNECT_S,
            reconnect_failed=ConnectionPool.check,
        )
        self._opened = False
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        with self._lock:
            if not self._opened:
                self._pool.open(wait=False)
                self._opened = True
        try:
            conn = self._checkout()
        except _unavailable_errors() as error:
            raise Unavailable(str(error)) from error
        try:
            with conn:  # as psycopg_pool's own connection(): a pooled connection is not closed
                yield conn
        except _unavailable_errors() as error:
            raise Unavailable(str(error)) from error
        finally:
            self._pool.putconn(conn)

    def _checkout(self) -> Any:
        from psycopg_pool import PoolTimeout

        deadline = time.monotonic() + self.BUSY_WAIT_S
        while True:
            left = deadline - time.monotonic()
            try:
                return self._pool.getconn(timeout=max(0.01, min(self.SLICE_S, left)))
            except PoolTimeout:
                if time.monotonic() >= deadline or self._gone_too_long():
                    raise

    def _gone_too_long(self) -> bool:
        """Attempts to connect have failed for AWAY_WAIT_S: waiting longer only delays the 503."""
        away_since = self._away_since
        return away_since is not None and time.monotonic() - away_since >= self.AWAY_WAIT_S

    def close(self) -> None:
        with self._lock:
            if self._opened:
                self._pool.close()
                self._opened = False
