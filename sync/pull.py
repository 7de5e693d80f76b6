"""Fetching the change feed into one user's store, a page at a time, each page with its cursor.

A page and the cursor after it are written in one transaction, so a pull cut
off anywhere (cancelled, killed, disconnected) leaves the store at the end of
some whole page and the next pull continues from exactly there.

A 410 "resync" means the server no longer knows our cursor: its history was
pruned, or it was restored from a backup and began a new life. Then the store
forgets everything it pulled (never the outbox), and the pull starts from
nothing; the rebase after it puts the pending operations back on top.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.store import Store
from sync import protocol
from sync.api import ServerApi
from sync.failures import Cancelled, ResyncNeeded, ServerTrouble

CURSOR = "cursor"
# Set with every change to the server state a store holds, cleared by the rebase after a
# complete pull: a sync killed between the two still rebases next time.
REBASE_DUE = "rebase_due"


@dataclass(slots=True)
class Pulled:
    changes: int = 0
    pages: int = 0
    resynced: bool = False
    tables: set[str] = field(default_factory=set)


def pull_changes(
    store: Store,
    api: ServerApi,
    token: str,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int], None] | None = None,
    page_size: int = protocol.DEFAULT_PULL_LIMIT,
    done: Pulled | None = None,
) -> Pulled:
    """Pull to the end of the feed; `done` is filled in page by page, as in push_outbox."""
    done = done if done is not None else Pulled()
    cursor = store.state(CURSOR)
    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        try:
            page = api.pull(token, cursor, page_size, cancel)
        except ResyncNeeded:
            if cursor is None or done.resynced:
                raise ServerTrouble(
                    "Serveren beder om at hente alt forfra igen og igen.",
                    "The server keeps asking to fetch everything again.",
                    code="resync_loop",
                ) from None
            store.forget_server_state()
            with store.transaction():
                store.set_state(REBASE_DUE, "1")
            cursor = None
            done.resynced = True
            continue
        with store.transaction():
            # WireChange is a TypedDict, which mypy will not pass as dict[str, Any].
            done.tables |= store.apply_changes(page["changes"])  # type: ignore[arg-type]
            store.set_state(CURSOR, page["cursor"])
            if page["changes"]:
                store.set_state(REBASE_DUE, "1")
        cursor = page["cursor"]
        done.changes += len(page["changes"])
        done.pages += 1
        if progress:
            progress(done.changes)
        if not page["more"]:
            return done
