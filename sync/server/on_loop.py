"""Synchronous code run on the event loop, its database waits awaited there: no thread hop for push and pull.

Push and pull run the rules through the synchronous `storage.Session`, so
they used to run in a thread pool: every request handed from the event loop
to a pool thread and back, and every round trip's wait let the GIL go and
took it back. Under load that hand-over was the largest cost outside Python
itself: in lean5's profile (docs/scale-out.md "Ninth pass") the kernel had 30 %
of the workers' samples, task switches 13 %, the GIL's futex 8.8 %.

psycopg's synchronous `Connection` does all its I/O through generators
driven by `Connection.wait(gen)`, and its asyncio side drives the same
generators with `waiting.wait_async`. So `run(fn)` calls `fn` in a greenlet
started from the loop, and `storage`'s connection class, whose `wait` sees
that it is in one (`running()`), hands the coroutine `wait_async(gen, fd)` to
the loop (`wait`): the greenlet switches back to `run`, which awaits it and
switches back in with the answer. While one request waits for PostgreSQL the
loop serves the others; no thread is involved. This is the pattern of
SQLAlchemy's asyncio layer (`greenlet_spawn` / `await_only`,
sqlalchemy/util/_concurrency_py3k.py).

What must hold for code run so: nothing in it may block the thread for long
(a lock held across a database wait, a pool that waits for a free
connection, `time.sleep`), or every request of the process waits with it;
`storage._PostgresPool` takes a connection without waiting on the loop
(and waits in a thread when none is free), and `Runner` lets no more
greenlets run at once than the pool has connections. A request that is
cancelled (its client gone, the server stopping) finishes what it started,
as a thread would have: a push half applied and then abandoned would leave
its connection mid-transaction.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from greenlet import getcurrent, greenlet  # type: ignore[import-untyped]

T = TypeVar("T")


class _OnLoop(greenlet):  # type: ignore[misc]
    """A greenlet started by `run`: its parent is the loop's side, which awaits what it is handed."""


READ, WRITE = 1, 2  # what `socket_ready` waits for and answers: psycopg's Wait.R/Wait.W and Ready.R/Ready.W


def running() -> bool:
    """Whether the calling code runs in a greenlet of `run` (so `wait` and `socket_ready` may be called)."""
    return isinstance(getcurrent(), _OnLoop)


def wait(awaitable: Awaitable[T]) -> T:
    """`awaitable`'s result, awaited on the loop while this greenlet is switched out.

    Raises what the awaitable raises; RuntimeError outside `run` (see `running`).
    """
    return _parent().switch(awaitable)  # type: ignore[no-any-return]


def socket_ready(fd: int, wanted: int) -> int:
    """Wait on the loop until socket `fd` is readable (READ) or writable (WRITE), as `wanted` says; which it is.

    What `wait` would do with a future the loop's reader or writer callback
    resolves, without a coroutine or a Task per wait. Raises OSError for a
    socket the loop cannot watch (closed); RuntimeError outside `run`.
    """
    return _parent().switch((fd, wanted))  # type: ignore[no-any-return]


def _parent() -> Any:
    current = getcurrent()
    if not isinstance(current, _OnLoop):
        raise RuntimeError("on_loop called outside on_loop.run")
    return current.parent


async def run(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` run on this loop's thread; its `wait`s and `socket_ready`s are awaited here.

    The call sees a copy of the caller's context variables, as a thread pool's
    call does. A cancellation does not stop it: it runs to its end (see the
    module's docstring), and the cancellation is raised then.
    """
    child = _OnLoop(fn)
    child.gr_context = contextvars.copy_context()
    handed = child.switch(*args, **kwargs)
    cancelled: asyncio.CancelledError | None = None
    while not child.dead:
        try:
            if isinstance(handed, tuple):
                answer = await _socket(*handed)
            else:
                handed = asyncio.ensure_future(handed)  # a wait that outlives a cancellation (a thread's, say)
                answer = await asyncio.shield(handed)
        except asyncio.CancelledError as error:
            if isinstance(handed, asyncio.Future) and handed.cancelled():
                handed = child.throw(error)
                continue
            cancelled = error  # the same wait again: what was started is finished
        except BaseException as error:  # noqa: BLE001 - raised in the greenlet, where the wait was
            handed = child.throw(error)
        else:
            handed = child.switch(answer)
    if cancelled is not None:
        raise cancelled
    return handed  # type: ignore[no-any-return]


async def _socket(fd: int, wanted: int) -> int:
    loop = asyncio.get_running_loop()
    woken: asyncio.Future[int] = loop.create_future()
    if wanted & READ:
        loop.add_reader(fd, _wake, woken, READ)
    if wanted & WRITE:
        loop.add_writer(fd, _wake, woken, WRITE)
    try:
        return await woken
    finally:
        if wanted & READ:
            loop.remove_reader(fd)
        if wanted & WRITE:
            loop.remove_writer(fd)


def _wake(woken: asyncio.Future[int], ready: int) -> None:
    if not woken.done():
        woken.set_result(ready)


class Runner:
    """`run`, with at most `limit` calls at once (the database pool's size); the rest wait their turn on the loop.

    A call beyond the pool's connections would only wait for one, and on the
    loop it must not wait by blocking (storage._PostgresPool then waits in a
    thread); waiting here costs nothing.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 1)
        self._turns: asyncio.Semaphore | None = None

    async def __call__(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        if self._turns is None:
            self._turns = asyncio.Semaphore(self.limit)
        async with self._turns:
            return await run(fn, *args, **kwargs)
