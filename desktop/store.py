"""The local store: one SQLite file per user per machine.

It holds the server's state as last pulled, the user's pending operations (the
outbox) and the view the user sees: server state with the pending operations
applied on top. An operation is written to the outbox and applied to the view
in the same transaction, so nothing a user does is lost to a crash.

Rebase: before a pending operation first changes a row, the server's version of
that row is kept in `shadows`. Pulled changes to a shadowed row update the
shadow, not the view. After a sync, every shadowed row is put back to the
server's version and the still-pending operations are replayed on top; a
rejected operation simply is not replayed, so its effect disappears.

A store is used from one thread at a time; the UI gives it a worker of its own.
"""

from __future__ import annotations

import contextlib
import functools
import json
import operator
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import migrations, paths
from desktop.core import operations
from desktop.core.entities import SYNCED, Entity, Person
from desktop.core.ids import utc_now, uuid7
from desktop.core.records import SqlRecords, upsert_statement
from desktop.core.rejection import Rejection

# Set while a bulk load (an initial pull) runs without the search triggers and the
# secondary indexes of the entity tables: their SQL, to put back when it ends.
BULK_LOAD = "bulk_load"

# Stores a bulk load in this process is filling right now, by resolved path; opening
# such a store elsewhere in the process must not finish the load under its feet.
_loading: set[Path] = set()
_loading_lock = threading.Lock()


class StoreDamaged(Exception):
    """The file cannot be used. Carries a sentence for people and the way out."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, language: str = "da") -> str:
        if language == "da":
            return (
                f"Den lokale database {self.path} kan ikke læses ({self.detail}). "
                "Knop kan flytte den til side og hente alt igen fra serveren; "
                "dine ikke-sendte ændringer reddes, hvis de kan læses."
            )
        return (
            f"The local database {self.path} cannot be read ({self.detail}). "
            "Knop can move it aside and fetch everything again from the server; "
            "your unsent changes are rescued if they can be read."
        )


@dataclass(frozen=True, slots=True)
class PendingOperation:
    seq: int
    id: str
    kind: str
    payload: dict[str, Any]
    author_id: str
    device_id: str | None
    created_at: str
    attempts: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "payload": self.payload,
            "author_id": self.author_id,
            "device_id": self.device_id,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class Attention:
    """An operation the server refused, kept so the user can see why."""

    id: str
    kind: str
    payload: dict[str, Any]
    code: str
    reason: str
    facts: dict[str, Any]
    message_da: str
    message_en: str
    created_at: str
    rejected_at: str

    def message(self, language: str) -> str:
        return self.message_da if language == "da" else self.message_en


class Store(SqlRecords):
    """A user's local store. Implements `operations.Records`."""

    def __init__(self, path: Path | str, *, owner_id: str | None = None) -> None:
        self.path = Path(path)
        super().__init__(_connect(self.path))
        self._depth = 0
        self._capturing = False
        if owner_id is not None and self.owner_id is None:
            self.set_state("owner_id", owner_id)
        if self.state(BULK_LOAD) is not None and not _is_loading(self.path):
            # A bulk load that was killed or cancelled: search and lookups need their
            # triggers and indexes back before anyone reads or writes this store.
            with self.transaction():
                self.finish_bulk_load()

    @functools.cached_property
    def db(self) -> Any:
        """sqlite-utils over the same connection, made on first use: importing it
        (and its plugin scan) costs ~100 ms of start-up that opening a store does not need."""
        import sqlite_utils

        return sqlite_utils.Database(self.connection)

    def close(self) -> None:
        self.connection.close()

    # --- transactions --------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.connection.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        else:
            self.connection.execute("COMMIT")
        finally:
            self._depth = 0

    # --- key/value state -------------------------------------------------------

    def state(self, key: str, default: str | None = None) -> str | None:
        row = self.connection.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_state(self, key: str, value: str | None) -> None:
        self.connection.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def owner_id(self) -> str | None:
        return self.state("owner_id")

    # --- local operations ------------------------------------------------------

    def perform(
        self, kind: str, payload: dict[str, Any], actor: Person, device_id: str | None
    ) -> operations.Outcome:
        """Apply a user's operation to the view and queue it, in one transaction.

        Raises Rejection when the local rules already refuse it; then nothing
        is queued and the user is told at once.
        """
        now = utc_now()
        op_id = uuid7()
        with self.transaction(), self._capture():
            outcome = operations.apply(kind, payload, operations.Context(actor, device_id, now), self)
            self.connection.execute(
                "INSERT INTO outbox (id, kind, payload, author_id, device_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (op_id, kind, json.dumps(payload, ensure_ascii=False), actor.id, device_id, now),
            )
        outcome.operation_id = op_id
        return outcome

    @contextlib.contextmanager
    def _capture(self) -> Iterator[None]:
        self._capturing = True
        try:
            yield
        finally:
            self._capturing = False

    def put(self, entity: Entity) -> None:
        if self._capturing:
            self._keep_shadow(entity)
        super().put(entity)

    def remove(self, entity: Entity) -> None:
        if self._capturing:
            self._keep_shadow(entity)
        super().remove(entity)

    def _keep_shadow(self, entity: Entity) -> None:
        """Remember the server's row before the first local change to it."""
        cls, key = type(entity), entity.key_value()
        exists = self.connection.execute(
            "SELECT 1 FROM shadows WHERE table_name = ? AND key = ?", (cls.table, key)
        ).fetchone()
        if exists:
            return
        current = self.get(cls, *(getattr(entity, k) for k in cls.key))
        self.connection.execute(
            "INSERT INTO shadows (table_name, key, row) VALUES (?, ?, ?)",
            (cls.table, key, json.dumps(current.to_row(), ensure_ascii=False) if current else None),
        )

    def pending(self, limit: int | None = None) -> list[PendingOperation]:
        sql = "SELECT * FROM outbox ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [
            PendingOperation(
                seq=r["seq"],
                id=r["id"],
                kind=r["kind"],
                payload=json.loads(r["payload"]),
                author_id=r["author_id"],
                device_id=r["device_id"],
                created_at=r["created_at"],
                attempts=r["attempts"],
            )
            for r in self.rows(sql)
        ]

    def pending_count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM outbox").fetchone()[0])

    # --- results of a push -----------------------------------------------------

    def settle(self, op_id: str) -> None:
        """The server applied it: its effect now comes back through the pull."""
        self.connection.execute("DELETE FROM outbox WHERE id = ?", (op_id,))

    def refuse(self, op_id: str, rejection: dict[str, Any]) -> None:
        """The server refused it: move it to the attention list; the rebase drops its effect."""
        row = self.connection.execute(
            "SELECT kind, payload, created_at FROM outbox WHERE id = ?", (op_id,)
        ).fetchone()
        if row is None:
            return
        message = rejection.get("message") or {}
        self.connection.execute(
            "INSERT OR REPLACE INTO attention (id, kind, payload, code, reason, facts, "
            "message_da, message_en, created_at, rejected_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                op_id,
                row[0],
                row[1],
                str(rejection.get("code", "invalid")),
                str(rejection.get("reason", "operation.failed")),
                json.dumps(rejection.get("facts") or {}, ensure_ascii=False),
                str(message.get("da") or rejection.get("reason", "")),
                str(message.get("en") or rejection.get("reason", "")),
                row[2],
                utc_now(),
            ),
        )
        self.connection.execute("DELETE FROM outbox WHERE id = ?", (op_id,))

    def note_attempt(self, op_ids: Iterable[str], error: str | None) -> None:
        self.connection.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            [(error, i) for i in op_ids],
        )

    def attention(self, *, include_dismissed: bool = False) -> list[Attention]:
        where = "" if include_dismissed else "WHERE dismissed = 0"
        return [
            Attention(
                id=r["id"],
                kind=r["kind"],
                payload=json.loads(r["payload"]),
                code=r["code"],
                reason=r["reason"],
                facts=json.loads(r["facts"]),
                message_da=r["message_da"],
                message_en=r["message_en"],
                created_at=r["created_at"],
                rejected_at=r["rejected_at"],
            )
            for r in self.rows(f"SELECT * FROM attention {where} ORDER BY rejected_at DESC")
        ]

    def dismiss(self, attention_id: str) -> None:
        with self.transaction():
            self.connection.execute("UPDATE attention SET dismissed = 1 WHERE id = ?", (attention_id,))

    # --- pulled changes --------------------------------------------------------

    def apply_changes(self, changes: Iterable[dict[str, Any]]) -> set[str]:
        """Write server changes: to the view, or to the shadow where a pending op covers the row.

        Each change is {"table", "row", "deleted"}. Returns the tables touched.
        The caller wraps this and the cursor update in one transaction.
        """
        shadowed = {
            (t, k) for t, k in self.connection.execute("SELECT table_name, key FROM shadows")
        }
        upserts: dict[str, list[dict[str, Any]]] = {}
        touched: set[str] = set()
        for change in changes:
            table = change["table"]
            cls = SYNCED.get(table)
            if cls is None:
                continue  # a newer server may send tables this client does not know yet
            row = change["row"]
            touched.add(table)
            # No shadows (an initial pull) makes the key unnecessary.
            key = "|".join(str(row[k]) for k in cls.key) if shadowed else ""
            if shadowed and (table, key) in shadowed:
                self.connection.execute(
                    "UPDATE shadows SET row = ? WHERE table_name = ? AND key = ?",
                    (None if change.get("deleted") else json.dumps(row, ensure_ascii=False), table, key),
                )
            elif change.get("deleted"):
                self._flush(upserts)
                self.remove_key(cls, [row[k] for k in cls.key])
            else:
                upserts.setdefault(table, []).append(row)
        self._flush(upserts)
        return touched

    def _flush(self, upserts: dict[str, list[dict[str, Any]]]) -> None:
        for table, rows in upserts.items():
            cls = SYNCED[table]
            by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in rows:
                by_shape.setdefault(tuple(row), []).append(row)
            for columns, shaped in by_shape.items():
                # Every row of a shape has exactly these keys: itemgetter reads them in C.
                values = operator.itemgetter(*columns)
                params = map(values, shaped) if len(columns) > 1 else ((values(r),) for r in shaped)
                self.connection.executemany(upsert_statement(table, columns, cls.key), params)
        upserts.clear()

    # --- bulk load (an initial pull) -----------------------------------------------

    def begin_bulk_load(self) -> None:
        """Inside the caller's transaction: drop the search triggers and secondary indexes.

        Keeping a 100,000-row full-text index and a dozen b-trees up to date row by
        row costs several times more than building them once at the end. Their SQL
        is kept in the state table in the same transaction, so whatever happens
        next (a kill, a cancel) `finish_bulk_load` can put back exactly what was there.
        """
        if self.state(BULK_LOAD) is not None:
            return
        tables = tuple(cls.table for cls in SYNCED.values())
        marks = ", ".join("?" for _ in tables)
        dropped = self.connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
            f"(type = 'index' AND tbl_name IN ({marks})) OR (type = 'trigger' AND tbl_name = 'tasks'))",
            tables,
        ).fetchall()
        self.set_state(BULK_LOAD, json.dumps([list(d) for d in dropped], ensure_ascii=False))
        for kind, name, _sql in dropped:
            self.connection.execute(f'DROP {"INDEX" if kind == "index" else "TRIGGER"} "{name}"')

    def finish_bulk_load(self) -> None:
        """Inside the caller's transaction: put indexes and triggers back, rebuild search."""
        saved = self.state(BULK_LOAD)
        if saved is None:
            return
        for _kind, name, sql in json.loads(saved):
            exists = self.connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (name,)
            ).fetchone()
            if not exists:
                self.connection.execute(sql)
        self.connection.execute("INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')")
        self.connection.execute("DELETE FROM sync_state WHERE key = ?", (BULK_LOAD,))

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """While a bulk load runs: a bigger page cache and fewer WAL checkpoints.

        Neither touches durability: every transaction is still committed to the WAL
        as before (synchronous=NORMAL). The store is marked as being loaded, so that
        opening it elsewhere in this process leaves the load alone.
        """
        path = self.path.resolve()
        cache = self.connection.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = self.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.connection.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        self.connection.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        with _loading_lock:
            _loading.add(path)
        try:
            yield
        finally:
            with _loading_lock:
                _loading.discard(path)
            self.connection.execute(f"PRAGMA cache_size = {int(cache)}")
            self.connection.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")

    def rebase(self) -> list[str]:
        """Rebuild the view as server state + pending operations.

        Returns the ids of pending operations the local rules now refuse; they
        stay queued (the server has the last word) but show no effect.
        """
        refused: list[str] = []
        with self.transaction():
            for table, _key, row in self.connection.execute(
                "SELECT table_name, key, row FROM shadows"
            ).fetchall():
                cls = SYNCED[table]
                if row is None:
                    values = dict(zip(cls.key, _key.split("|"), strict=True))
                    self.remove_key(cls, [values[k] for k in cls.key])
                else:
                    self.put_rows(cls, [json.loads(row)])
            self.connection.execute("DELETE FROM shadows")
            for op in self.pending():
                actor = self.get(Person, op.author_id)
                if actor is None:
                    refused.append(op.id)
                    continue
                context = operations.Context(actor, op.device_id, op.created_at)
                try:
                    self.connection.execute("SAVEPOINT replay")
                    with self._capture():
                        operations.apply(op.kind, op.payload, context, self)
                    self.connection.execute("RELEASE replay")
                except Rejection:
                    self.connection.execute("ROLLBACK TO replay")
                    self.connection.execute("RELEASE replay")
                    refused.append(op.id)
        return refused

    def forget_server_state(self) -> None:
        """Drop everything pulled, keep the outbox: the first half of a full resync."""
        with self.transaction():
            for cls in SYNCED.values():
                self.connection.execute(f"DELETE FROM {cls.table}")
            self.connection.execute("DELETE FROM shadows")
            self.finish_bulk_load()  # cheap on empty tables, and the state row goes next
            self.connection.execute("DELETE FROM sync_state WHERE key NOT IN ('owner_id')")


# A negative cache_size is in KiB: 64 MiB holds the hot b-tree pages of a municipality.
BULK_CACHE_KIB = -65536
BULK_CHECKPOINT_PAGES = 16384  # 64 MiB of WAL between checkpoints instead of 4


def _is_loading(path: Path) -> bool:
    with _loading_lock:
        return path.resolve() in _loading


def _connect(path: Path) -> sqlite3.Connection:
    """Open and migrate the file, turning every way it can be broken into StoreDamaged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 10000")
        migrations.migrate(conn)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except migrations.NewerSchema as error:
        raise StoreDamaged(path, str(error)) from error
    except sqlite3.DatabaseError as error:
        raise StoreDamaged(path, str(error)) from error
    return conn


def recover(path: Path | str) -> tuple[Path, list[dict[str, Any]]]:
    """Move a damaged file aside and rescue what can be read of its outbox.

    Returns where the damaged file went (IT may want it) and the rescued
    operations, which the caller queues again in a fresh store.
    """
    path = Path(path)
    rescued: list[dict[str, Any]] = []
    with contextlib.suppress(sqlite3.DatabaseError, OSError):
        conn = sqlite3.connect(paths.sqlite_uri(path), uri=True)
        try:
            cursor = conn.execute(
                "SELECT id, kind, payload, author_id, device_id, created_at FROM outbox ORDER BY seq"
            )
            names = [d[0] for d in cursor.description]
            rescued = [dict(zip(names, r, strict=True)) for r in cursor]
        finally:
            conn.close()
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    return aside, rescued


def requeue(store: Store, rescued: Iterable[dict[str, Any]]) -> int:
    """Put rescued operations back in a fresh store's outbox, unchanged (same ids)."""
    count = 0
    with store.transaction():
        for op in rescued:
            store.connection.execute(
                "INSERT OR IGNORE INTO outbox (id, kind, payload, author_id, device_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (op["id"], op["kind"], op["payload"], op["author_id"], op["device_id"], op["created_at"]),
            )
            count += 1
    return count
