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


def running() -> bool:
    """Whether the calling code runs in a greenlet of `run` (so `wait` may be called)."""
    return isinstance(getcurrent(), _OnLoop)


def wait(awaitable: Awaitable[T]) -> T:
    """`awaitable`'s result, awaited on the loop while this greenlet is switched out.

    Raises what the awaitable raises; RuntimeError outside `run` (see `running`).
    """
    current = getcurrent()
    if not isinstance(current, _OnLoop):
        raise RuntimeError("on_loop.wait called outside on_loop.run")
    return current.parent.switch(awaitable)  # type: ignore[no-any-return]


async def run(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` run on this loop's thread; its `wait`s are awaited here.

    The call sees a copy of the caller's context variables, as a thread pool's
    call does. A cancellation does not stop it: it runs to its end (see the
    module's docstring), and the cancellation is raised then.
    """
    child = _OnLoop(fn)
    child.gr_context = contextvars.copy_context()
    driving = asyncio.ensure_future(_drive(child, args, kwargs))
    return await asyncio.shield(driving)


async def _drive(child: _OnLoop, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    handed = child.switch(*args, **kwargs)
    while not child.dead:
        try:
            answer = await handed
        except BaseException as error:  # noqa: BLE001 - raised in the greenlet, where the wait was
            handed = child.throw(error)
        else:
            handed = child.switch(answer)
    return handed


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
