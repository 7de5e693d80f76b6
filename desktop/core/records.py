"""`Records` over SQL, for SQLite and PostgreSQL alike.

The operation rules read and write entities through this one class, whether
they run in the client's local store or on the server. The SQL is written with
`?` placeholders and ON CONFLICT upserts, which both engines understand; a
PostgreSQL connection only needs the placeholders turned into `%s`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from desktop.core.entities import Bid, Endorsement, Entity

E = TypeVar("E", bound=Entity)


class SqlRecords:
    """Entity reads and writes on a DB-API connection that a caller owns.

    The caller owns the transaction: rules run inside one, and it is committed
    or rolled back around them.
    """

    paramstyle = "qmark"  # "format" for psycopg

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    # --- plumbing ----------------------------------------------------------

    def sql(self, statement: str) -> str:
        """`statement` with its `?` placeholders in the connection's paramstyle."""
        return statement.replace("?", "%s") if self.paramstyle == "format" else statement

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Every row of a query as {column: value}; the driver's errors pass through."""
        cursor = self.connection.execute(self.sql(statement), params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns the driver's cursor."""
        return self.connection.execute(self.sql(statement), params)

    def fetch(self, cls: type[E], where: str, params: Sequence[Any] = ()) -> list[E]:
        """The `cls` entities matching the SQL condition `where` (which may end in ORDER BY)."""
        return [cls.from_row(r) for r in self.rows(f"SELECT * FROM {cls.table} WHERE {where}", params)]

    # --- Records -----------------------------------------------------------

    def get(self, cls: type[E], *key: str) -> E | None:
        """See `Records.get`."""
        found = self.fetch(cls, _key_clause(cls.key), key)
        return found[0] if found else None

    def bids_on(self, task_id: str) -> list[Bid]:
        """See `Records.bids_on`; oldest first."""
        return self.fetch(Bid, "task_id = ? ORDER BY created_at, id", (task_id,))

    def endorsements_on(self, task_id: str) -> list[Endorsement]:
        """See `Records.endorsements_on`; oldest first."""
        return self.fetch(Endorsement, "task_id = ? ORDER BY created_at, id", (task_id,))

    def naming(self, cls: type[E], column: str, person_id: str) -> list[E]:
        """See `Records.naming`."""
        return self.fetch(cls, f"{column} = ?", (person_id,))

    def put(self, entity: Entity) -> None:
        """See `Records.put`: one upsert."""
        self.put_rows(type(entity), [entity.to_row()])

    def remove(self, entity: Entity) -> None:
        """See `Records.remove`."""
        self.remove_key(type(entity), [getattr(entity, k) for k in entity.key])

    # --- bulk, for applying pulled pages and seeding -------------------------

    def put_rows(self, cls: type[Entity], rows: Iterable[dict[str, Any]]) -> None:
        """Upsert many rows of `cls` (as `Entity.to_row` makes them; all with the first's columns)."""
        rows = list(rows)
        if not rows:
            return
        columns = list(rows[0])
        statement = self.sql(_upsert(cls.table, tuple(columns), cls.key))
        cursor = self.connection.cursor() if self.paramstyle == "format" else self.connection
        cursor.executemany(statement, [[r.get(c) for c in columns] for r in rows])

    def remove_key(self, cls: type[Entity], key: Sequence[Any]) -> None:
        """Delete the `cls` row with this key (values in `cls.key` order), if there is one."""
        self.execute(f"DELETE FROM {cls.table} WHERE {_key_clause(cls.key)}", key)


@functools.cache
def _key_clause(key: tuple[str, ...]) -> str:
    return " AND ".join(f"{k} = ?" for k in key)


def upsert_statement(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    """The qmark upsert for these columns, cached: for bulk writers on SQLite."""
    return _upsert(table, columns, key)


@functools.cache
def _upsert(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (
        f"INSERT INTO {table} ({names}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
