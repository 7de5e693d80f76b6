"""The way out of a damaged store: move the file aside, rescue its outbox, start afresh."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import paths
from desktop.store.checkpoints import release as release_checkpoints

if TYPE_CHECKING:
    from desktop.store.local import Store


def recover(path: Path | str) -> tuple[Path, list[dict[str, Any]]]:
    """Move a damaged file aside and rescue what can be read of its outbox.

    Returns where the damaged file went (IT may want it) and the rescued
    operations, which the caller queues again in a fresh store.
    """
    path = Path(path)
    release_checkpoints(path)  # its connection would keep the file from being moved (Windows)
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
