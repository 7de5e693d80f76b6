"""Fetching the feed's pages ahead of the one being written: the network, JSON and SQLite overlap.

    pages = PagesAhead(api, token, cursor, size=lambda: 10_000, cancel=event)
    try:
        page = pages.next()   # in feed order; raises what fetching or decoding it raised
    finally:
        pages.close()

Three stages run side by side. A fetching thread asks for page after page: the
server names each answer's cursor and `more` in headers as well as in the body
(protocol.PULL_CURSOR_HEADER), so the next request goes out as soon as an answer
has arrived, before its body is decoded. A decoding thread turns each answer's
JSON into a page and checks that its body says the same cursor as its headers.
The caller (sync.pull) writes the pages, in order, each with its own cursor from
its body. Decoding holds the GIL, writing mostly does not (sqlite3 releases it
while SQLite works), and fetching waits on the server's process, so on two cores
all three make progress at once.

Only `depth` pages are fetched ahead of the caller, so memory stays bounded
(a decoded 10,000-change page is some tens of MB). Against a server without
those headers the fetching thread decodes each page itself to learn where to go
on (sync.api.PullAnswer): fetching and decoding take turns, writing still overlaps.

Nothing here writes to the store, so where a pull stops (cancelled, failed,
killed) is decided by the caller's transactions alone: the pages fetched ahead
are simply dropped, and the next pull fetches them again from the store's cursor.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from sync import protocol
from sync.api import PullAnswer, ServerApi
from sync.failures import ServerTrouble

DEPTH = 2  # pages fetched ahead of the one being written
_WAIT_S = 0.2  # how often a blocked fetching thread looks whether it was stopped


class PagesAhead:
    """The pages of the feed after `cursor`, fetched and decoded ahead; see the module docstring."""

    def __init__(
        self,
        api: ServerApi,
        token: str,
        cursor: str | None,
        size: Callable[[], int],
        cancel: threading.Event | None = None,
        depth: int = DEPTH,
        *,
        in_columns: bool = False,
    ) -> None:
        self._api = api
        self._in_columns = in_columns  # ask for pages in columns (ServerApi.pull)
        self._token = token
        self._size = size
        self._cancel = cancel
        self._stopped = threading.Event()
        self._room = threading.Semaphore(depth)
        self._ready: queue.Queue[Future[protocol.PullPage]] = queue.Queue()
        self._decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="knop-decode")
        self._fetcher = threading.Thread(
            target=self._fetch_from, args=(cursor,), name="knop-fetch", daemon=True
        )
        self._fetcher.start()

    def next(self) -> protocol.PullPage:
        """The next page in feed order; raises what fetching or decoding it raised.

        After a page with `more` false, or after a failure, there is no next page:
        do not ask.
        """
        found = self._ready.get()
        self._room.release()
        return found.result()

    def close(self) -> None:
        """Stop fetching ahead. A request under way ends on its own timeout; its answer is dropped."""
        self._stopped.set()
        self._room.release()  # a fetcher waiting for room sees the stop at once
        self._decoder.shutdown(wait=False, cancel_futures=True)

    # --- the fetching thread -------------------------------------------------------

    def _fetch_from(self, cursor: str | None) -> None:
        while self._wait_for_room():
            asked, limit = cursor, self._size()
            try:
                answer = self._api.pull_answer(self._token, asked, limit, self._cancel, in_columns=self._in_columns)
            except BaseException as error:  # noqa: BLE001 - handed to the caller, who raises it
                self._fail(error)
                return
            try:
                decoded = self._decoder.submit(self._decode, answer, asked, limit)
            except RuntimeError:  # closed meanwhile
                return
            self._ready.put(decoded)
            if not answer.more:
                return
            cursor = answer.cursor

    def _wait_for_room(self) -> bool:
        while not self._room.acquire(timeout=_WAIT_S):
            if self._stopped.is_set():
                return False
        return not self._stopped.is_set()

    def _fail(self, error: BaseException) -> None:
        failed: Future[protocol.PullPage] = Future()
        failed.set_exception(error)
        self._ready.put(failed)

    # --- the decoding thread -------------------------------------------------------

    def _decode(self, answer: PullAnswer, asked: str | None, limit: int) -> protocol.PullPage:
        try:
            return answer.page()
        except ServerTrouble:
            if answer.decoded is not None:
                raise
        # A body garbled on the way while its headers arrived whole: fetch that page
        # again (retried as any pull), and it must still end where the headers said,
        # since the next page was already asked for from there.
        return answer.matching(self._api.pull(self._token, asked, limit, self._cancel, in_columns=self._in_columns))
