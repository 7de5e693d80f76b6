"""Kept-alive connections: how long the client reuses one, and knowing a reset of a reused one.

A server closes a kept-alive connection it has not heard on for a while
(uvicorn, which serves Knop, after 5 s: its `timeout_keep_alive`; a proxy in
front may choose its own). A client that sends on such a connection just as
the server closes it gets no answer but a reset (ECONNRESET, or the end of the
stream before any answer): the request was never read. urllib3 checks a pooled
connection before reusing it, but only for a close that has already arrived;
it keeps connections for ever otherwise, so a connection idle for 4.9 s is
reused, and the server's close crosses the request on the wire. The soak's
300 devices met exactly that: every reset it saw was on a reused connection
idle 4.89-4.99 s (docs/scale-out.md, "Connection resets").

So, two things, as HTTP/1.1 expects of a client (RFC 9112, 9.3.1):

- a pooled connection idle longer than `IDLE_S` is closed instead of reused,
  well before the server's 5 s, leaving time for the answer's travel and for
  a thread that waits for the CPU between taking a connection and sending;
- a request whose reused connection was reset before any answer came may be
  sent again at once, if it is idempotent (sync.transport.Retry.ALWAYS),
  which is what `reset_of_a_reused_connection` tells the transport.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# Below uvicorn's 5 s keep-alive with room to spare: the server starts counting when
# it has sent an answer, the client only when it has read it and given the connection
# back, and a thread on a busy machine may wait a while between taking a connection
# and sending on it (the soak's did: 1-2 s). A new connection costs about a millisecond
# on a LAN; a sync's requests follow each other far closer than this.
IDLE_S = 2.0

_taken = threading.local()  # per thread: whether the connection last taken was reused


class _FreshPool:
    """A connection pool (mixed into urllib3's) that does not reuse connections idle past `idle_s`."""

    idle_s = IDLE_S

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        reused = getattr(conn, "sock", None) is not None  # urllib3 closed it if the server had
        if reused and time.monotonic() - getattr(conn, "knop_idle_since", 0.0) > self.idle_s:
            conn.close()
            conn, reused = self._new_conn(), False  # type: ignore[attr-defined]
        _taken.reused = reused
        return conn

    def _put_conn(self, conn: Any) -> None:
        if conn is not None:
            conn.knop_idle_since = time.monotonic()
        super()._put_conn(conn)  # type: ignore[misc]


class _FreshHTTPPool(_FreshPool, HTTPConnectionPool):
    pass


class _FreshHTTPSPool(_FreshPool, HTTPSConnectionPool):
    pass


def fresh_pools(manager: Any, idle_s: float = IDLE_S) -> Any:
    """`manager` (urllib3's PoolManager or ProxyManager) made to keep connections idle at most `idle_s` seconds.

    A SOCKS proxy's manager, whose pools are of other classes, is returned unchanged.
    """
    if manager.pool_classes_by_scheme.get("http") is not HTTPConnectionPool:
        return manager
    manager.pool_classes_by_scheme = {
        "http": type("FreshHTTPPool", (_FreshHTTPPool,), {"idle_s": idle_s}),
        "https": type("FreshHTTPSPool", (_FreshHTTPSPool,), {"idle_s": idle_s}),
    }
    return manager


class FreshConnections(HTTPAdapter):
    """An HTTPAdapter whose pools, direct or through a proxy, keep connections idle at most `idle_s` seconds."""

    def __init__(self, idle_s: float = IDLE_S, **kwargs: Any) -> None:
        self.idle_s = idle_s
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        fresh_pools(self.poolmanager, self.idle_s)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        return fresh_pools(super().proxy_manager_for(proxy, **kwargs), self.idle_s)


def sending() -> None:
    """Forget which connection this thread took last: call before each request."""
    _taken.reused = False


def reset_of_a_reused_connection(error: BaseException) -> bool:
    """Whether `error` (raised by the request just made on this thread) is a reused connection's reset.

    That is: a connection error (not a timeout, a proxy's or TLS's) caused by
    a reset or by the stream's end before an answer, on a connection this
    thread took from the pool rather than opened. Such a request never
    reached the server's application: uvicorn closes only a connection it
    has nothing to read on.
    """
    if not getattr(_taken, "reused", False):
        return False
    if not isinstance(error, requests.ConnectionError) or isinstance(
        error, (requests.Timeout, requests.exceptions.ProxyError, requests.exceptions.SSLError)
    ):
        return False
    # http.client's RemoteDisconnected (the stream ended before an answer) is a ConnectionResetError.
    return any(isinstance(found, (ConnectionResetError, BrokenPipeError)) for found in causes(error))


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and every exception behind it, each once: those it wraps, its cause and its context.

    requests wraps urllib3's exceptions in its own (in `args`), and urllib3's
    MaxRetryError holds its cause in `reason`.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        found = pending.pop()
        if id(found) in seen:
            continue
        seen.add(id(found))
        yield found
        reason = getattr(found, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)
        pending.extend(arg for arg in found.args if isinstance(arg, BaseException))
        pending.extend(link for link in (found.__cause__, found.__context__) if link is not None)
