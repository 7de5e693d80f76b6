"""Pulled changes: the server's rows written to the view, or to a shadow a pending op covers."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Mapping
from typing import Any

from desktop.core.entities import SYNCED
from desktop.core.payload import composed
from desktop.core.records import upsert_statement
from desktop.store.bulk_load import BulkLoad


class PulledChanges(BulkLoad):
    """Applying pages of the change feed, and forgetting them all for a full resync."""

    def apply_changes(self, changes: Iterable[dict[str, Any]], *, in_nfc: bool = False) -> set[str]:
        """Write server changes: to the view, or to the shadow where a pending op covers the row.

        Each change is {"table", "row", "deleted"}. Returns the tables touched.
        The caller wraps this and the cursor update in one transaction. `in_nfc`:
        the server promised every text value in NFC (protocol.PullPage `nfc`), so
        they are not checked again; a new workstation saves about 0.8 s of CPU,
        all of it holding the GIL the page decoder needs.
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
            row = change["row"] if in_nfc else composed(change["row"])  # text in NFC, however it reached the server
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

    def apply_blocks(self, blocks: Iterable[Mapping[str, Any]], *, in_nfc: bool = False) -> set[str]:
        """Write a page in columns (protocol.PullBlock, checked by sync.api): each block with one `executemany`.

        Each block is {"table", "columns", "deleted", "rows": [[value, ...], ...]},
        its rows' values in `columns` order. Returns the tables touched; the caller
        wraps this and the cursor in one transaction, as for `apply_changes`. A page
        holds each entity at most once, so blocks may go in any order: removals
        first. Rows of a table this store does not know are skipped (a newer
        server's), as `apply_changes` skips them. Where a pending operation covers
        a row (shadows), the rows go through `apply_changes` as dicts. `in_nfc`: as
        `apply_changes`'s; without it each row's text is put in NFC.
        """
        blocks = list(blocks)
        if self.connection.execute("SELECT 1 FROM shadows LIMIT 1").fetchone() is not None:
            return self.apply_changes(
                (
                    {"table": b["table"], "row": dict(zip(b["columns"], row, strict=True)), "deleted": b["deleted"]}
                    for b in blocks
                    for row in b["rows"]
                ),
                in_nfc=in_nfc,
            )
        touched: set[str] = set()
        for block in sorted(blocks, key=lambda b: not b["deleted"]):
            table, rows = block["table"], block["rows"]
            cls = SYNCED.get(table)
            if cls is None or not rows:
                continue
            columns = tuple(block["columns"])
            if not in_nfc:
                rows = [list(composed(dict(zip(columns, row, strict=True))).values()) for row in rows]
            touched.add(table)
            if block["deleted"]:
                at = operator.itemgetter(*(columns.index(k) for k in cls.key))
                keys = map(at, rows) if len(cls.key) > 1 else ((at(row),) for row in rows)
                where = " AND ".join(f"{k} = ?" for k in cls.key)
                self.connection.executemany(f"DELETE FROM {table} WHERE {where}", keys)
            else:
                self.connection.executemany(upsert_statement(table, columns, cls.key), rows)
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

    def forget_server_state(self) -> None:
        """Drop everything pulled, keep the outbox: the first half of a full resync."""
        with self.transaction():
            for cls in SYNCED.values():
                self.connection.execute(f"DELETE FROM {cls.table}")
            self.connection.execute("DELETE FROM shadows")
            self.finish_bulk_load()  # cheap on empty tables, and the state row goes next
            self.connection.execute("DELETE FROM sync_state WHERE key NOT IN ('owner_id')")
