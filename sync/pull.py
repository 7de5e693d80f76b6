"""Fetching the change feed into one user's store, a page at a time, each page with its cursor.

A page and the cursor after it are written in one transaction, so a pull cut
off anywhere (cancelled, killed, disconnected) leaves the store at the end of
some whole page and the next pull continues from exactly there.

A 410 "resync" means the server no longer knows our cursor: its history was
pruned, or it was restored from a backup and lost what came after. Then the
store starts over (`start_over`): it forgets everything it pulled (never the
outbox), puts every operation the server confirmed within the retention
period back at the front of the outbox (desktop.acknowledged: a restored
server may have lost them), and the pull starts from nothing; the rebase after
it puts the pending operations back on top, and the engine pushes again.

An initial pull (from no cursor: a new workstation, or after a resync) is a bulk
load: the store drops its search triggers and secondary indexes in the first
page's transaction and builds them once in a transaction of their own right
after the last page's (`Store.begin_bulk_load`, `finishing_bulk_load`), pages
are as large as the server allows, the WAL is checkpointed by a thread of its
own (`Store.checkpointing_beside`) and Python's cycle collector is paused. A
load cut off anywhere in between (even after its last page) is finished when the store is next opened, and the next
pull goes on as a bulk load from its cursor (`INITIAL`). While one page is written, the next
ones are already being fetched and decoded on two other threads
(sync.fetch_ahead), so the server, JSON and SQLite overlap. Its pages derive no
notifications; the transaction that ends it derives, from the state it left,
the owner's notices that are still news (`_tell_what_is_news`).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from desktop import acknowledged, notifications, told_names
from desktop.core.text import sentence
from desktop.store import Store
from sync import protocol
from sync.api import ServerApi
from sync.failures import Cancelled, ResyncNeeded, ServerTrouble
from sync.fetch_ahead import PagesAhead

CURSOR = "cursor"
# Set with every change to the server state a store holds, cleared by the rebase after a
# complete pull: a sync killed between the two still rebases next time.
REBASE_DUE = "rebase_due"
# Set by the first page of a pull from no cursor, cleared with the last: a pull that
# finds it set resumes an initial pull, and goes on as a bulk load.
INITIAL = "initial_pull"
# Page size of a bulk load when the caller left the page size at its default.
BULK_PAGE = protocol.MAX_PULL_LIMIT


# How many bulk loads of this process run with the cycle collector paused, and whether
# it was running before the first of them (see `_cycles_collected_after`).
_paused = {"loads": 0, "was_enabled": False}
_paused_lock = threading.Lock()


@contextlib.contextmanager
def _cycles_collected_after() -> Iterator[None]:
    """While inside: Python's cycle collector paused in this process (nested uses count).

    A new workstation decodes 480,000 changes into dicts; every 700 new ones the
    collector walks the young objects, and now and then everything the process
    holds, while holding the GIL the page writer needs: about 1 s of CPU over a
    full pull that finds nothing to collect (the pages hold no cycles; their
    memory goes by reference counting as each page is written). Other threads'
    cyclic garbage made meanwhile waits for the collector's next run after it.
    """
    with _paused_lock:
        if _paused["loads"] == 0:
            _paused["was_enabled"] = gc.isenabled()
            gc.disable()
        _paused["loads"] += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused["loads"] -= 1
            if _paused["loads"] == 0 and _paused["was_enabled"]:
                gc.enable()


@dataclass(slots=True)
class Pulled:
    changes: int = 0
    pages: int = 0
    resynced: bool = False
    resent: int = 0  # confirmed operations put back in the outbox by a resync
    tables: set[str] = field(default_factory=set)
    noticing_s: float = 0.0  # of the time, how much deriving notifications took
    search_beside: bool = False  # an initial pull's trigram index was built beside (trigram_beside)


def start_over(store: Store) -> int:
    """Forget the server's state and queue again what it confirmed; returns how many.

    For a server that lost history the store holds: the next pull starts from
    nothing, and the next push sends the confirmed operations first.
    """
    with store.transaction():  # all or nothing: a cursor gone with nothing resent would lose them
        store.forget_server_state()
        resent = acknowledged.send_again(store)
        store.set_state(REBASE_DUE, "1")
    return resent


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
    with store.loading():
        _pull(store, api, token, cancel, progress, page_size, done)
    return done


def _pull(
    store: Store,
    api: ServerApi,
    token: str,
    cancel: threading.Event | None,
    progress: Callable[[int], None] | None,
    page_size: int,
    done: Pulled,
) -> None:
    cursor = store.state(CURSOR)
    bulk = cursor is None or store.state(INITIAL) is not None

    def size() -> int:  # asked by the fetching thread; `bulk` changes only before a new PagesAhead
        return BULK_PAGE if bulk and page_size == protocol.DEFAULT_PULL_LIMIT else page_size

    known_tasks: dict[str, Any] = {}  # tasks the notifications read on earlier pages
    # A bulk load's pages in columns (protocol.PAGE_HEADER): no dict per row to decode
    # and free; an incremental page's rows must be dicts for shadows and notifications.
    pages = PagesAhead(api, token, cursor, size, cancel, in_columns=bulk)
    for_bulk = contextlib.ExitStack()  # what only a bulk load does, until the pull ends

    def as_bulk_load() -> None:
        for_bulk.enter_context(_cycles_collected_after())
        for_bulk.enter_context(store.checkpointing_beside())

    try:
        if bulk:
            as_bulk_load()
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            try:
                page = pages.next()
            except ResyncNeeded:
                if cursor is None or done.resynced:
                    raise ServerTrouble(
                        sentence("The server keeps asking to fetch everything again."),
                        code="resync_loop",
                    ) from None
                pages.close()
                done.resent += start_over(store)
                if not bulk:
                    as_bulk_load()
                cursor, bulk = None, True
                done.resynced = True
                pages = PagesAhead(api, token, cursor, size, cancel, in_columns=True)
                continue
            _write(store, page, bulk, known_tasks, done)
            cursor = page["cursor"]
            done.changes += _count(page)
            done.pages += 1
            if progress:
                progress(done.changes)
            if not page["more"]:
                if bulk:
                    # The end of the feed: search and indexes whole again, and the pull no
                    # longer initial, in one transaction after the last page's.
                    with store.finishing_bulk_load() as beside:
                        store.set_state(INITIAL, None)
                        _tell_what_is_news(store, done)
                    done.search_beside = beside
                return
    finally:
        pages.close()
        for_bulk.close()


def _tell_what_is_news(store: Store, done: Pulled) -> None:
    """The end of an initial pull (in its last transaction): the owner's notices still news,
    and the told names of tasks that did not come back forgotten (`told_names.forget_unshown`).

    Pages of a bulk load derive nothing; `notifications.catch_up` derives from
    the state they left, once the indexes are back. In the transaction that
    ends the load, so a load cut off before it catches up at its next end.
    """
    caught = notifications.catch_up(store)
    told_names.forget_unshown(store)  # the names told for tasks that did not come back
    done.noticing_s += caught.seconds
    if caught.added:
        done.tables.add(notifications.TABLE)


def write_pushed_page(store: Store, page: protocol.PullPage, after: str, done: Pulled) -> bool:
    """Write the page a push was answered with (sync.push's `Pushed.page`); True when caught up.

    `after` is the cursor the push sent, which the page continues. The page is
    written exactly as a pulled page (`_write`: changes, cursor and the rebase
    flag in one transaction, notifications derived), but only if the store
    still stands at `after` and is not in an initial pull: otherwise it is
    dropped unwritten and the caller pulls as before, so nothing is skipped or
    applied twice. False (pull on) also when the page says there is `more`.
    """
    with store.transaction():
        if store.state(CURSOR) != after or store.state(INITIAL) is not None:
            return False
        _write(store, page, False, {}, done)
    done.changes += len(page["changes"])
    done.pages += 1
    return not page["more"]


def _count(page: protocol.PullPage) -> int:
    """How many changes a page holds, as dicts or in columns."""
    return len(page["changes"]) + sum(len(block["rows"]) for block in page.get("tables", ()))


def _as_changes(blocks: list[protocol.PullBlock]) -> list[protocol.WireChange]:
    """A page's blocks as the changes they stand for (each row a dict again)."""
    return [
        {"table": b["table"], "row": dict(zip(b["columns"], row, strict=True)), "deleted": b["deleted"]}
        for b in blocks
        for row in b["rows"]
    ]


def _write(
    store: Store, page: protocol.PullPage, bulk: bool, known_tasks: dict[str, Any], done: Pulled
) -> None:
    """One page and the cursor after it, in one transaction.

    A page in columns is written block by block (`Store.apply_blocks`) in a bulk
    load, which derives no notifications; outside one (never asked so) its rows
    become changes again, for the notifications.
    """
    blocks = page.get("tables")
    if blocks and not bulk:
        page = {**page, "changes": [*page["changes"], *_as_changes(blocks)], "tables": []}
        blocks = None
    with store.transaction():
        if bulk:
            store.set_state(INITIAL, "1")
            if page["changes"] or blocks:  # an empty last page after a load cut off at its end: nothing to drop
                store.begin_bulk_load()
        # WireChange is a TypedDict, which mypy will not pass as dict[str, Any].
        # An initial pull's pages are the state, not news: `_tell_what_is_news` at its end.
        with notifications.watching(
            store, page["changes"], enabled=not bulk, known=known_tasks  # type: ignore[arg-type]
        ) as noticed:
            done.tables |= store.apply_changes(page["changes"], in_nfc=page.get("nfc") is True)  # type: ignore[arg-type]
            if blocks:
                done.tables |= store.apply_blocks(blocks, in_nfc=page.get("nfc") is True)
        if any(c["deleted"] and c["table"] in told_names.SHOWN_BY for c in page["changes"]) or any(
            b["deleted"] and b["rows"] and b["table"] in told_names.SHOWN_BY for b in blocks or ()
        ):
            told_names.forget_unshown(store)  # the names told for what left with it
        done.noticing_s += noticed.seconds
        if noticed.added:
            done.tables.add(notifications.TABLE)
        store.set_state(CURSOR, page["cursor"])
        if page["changes"] or blocks:
            store.set_state(REBASE_DUE, "1")
