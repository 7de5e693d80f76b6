"""The server's access log: a line per request, but push and pull only when they fail or are slow.

At 500 workstations every push and pull wrote a line, about 500 a second,
tens of millions a day for IT's log file, and writing them was about 5 % of
a worker's CPU (docs/scale-out.md "Eighth pass"). A line that says a sync
went well is read by nobody; one that says it failed or took long is what IT
looks for. So, per worker process:

- push and pull (`QUIET`): a line only when the answer is an error (status
  400 or more) or took `KNOP_SERVER_SLOW_MS` (default 1,000 ms) or longer;
  every other one is counted, and once a minute (`KNOP_SERVER_ACCESS_SUMMARY_S`)
  the worker writes one summary line of what it answered: the requests, by
  status, p50 and p99 of their time in the server, and the bytes sent;
- every other route: a line per request, as uvicorn's access log wrote it.

A line: `CLIENT - "METHOD PATH HTTP/VERSION" STATUS MS ms`, uvicorn's format with
the time in the server after it (the redactor scrubs secrets in the path, as
before). It is written just before the answer's last bytes are sent (as
uvicorn's was before its first), so its time is nearly the whole answer's and
a client that has the answer finds the line in the log. A request whose handler raised before answering is logged
with 500 (uvicorn answers it so). The summary is written by the first request
after the minute (a worker with nothing to do writes nothing) and when the
worker stops.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import protocol

log = logging.getLogger("knop.access")

SLOW_MS_ENV = "KNOP_SERVER_SLOW_MS"
SUMMARY_S_ENV = "KNOP_SERVER_ACCESS_SUMMARY_S"
SLOW_MS = 1000.0
SUMMARY_S = 60.0
QUIET = frozenset({protocol.PATH_PUSH, protocol.PATH_PULL})  # the sync's routes, 2 a round


class SettingError(ValueError):
    """A malformed access-log setting: its message names the variable and the value given."""


def _setting(name: str, default: float, unit: str) -> float:
    """The environment's `name` as a number of `unit` (0 or more), `default` when unset or empty.

    Raises SettingError for anything else: a typo such as "1s" or "-5" used to
    fall back to the default unsaid, and IT's slow-request threshold was not theirs.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value >= 0:  # NaN too
        raise SettingError(f"{name} must be a number of {unit}, 0 or more, not {text!r}")
    return value


def check_settings() -> tuple[float, float]:
    """The slow-request threshold and the summary's interval, both in seconds, from the environment.

    Raises SettingError for a malformed KNOP_SERVER_SLOW_MS or
    KNOP_SERVER_ACCESS_SUMMARY_S. `knop-server` asks before it serves, so a bad
    value stops it with the reason, as other bad configuration does
    (`sync.server.main`); each worker's `AccessLog` reads them the same way.
    """
    return _setting(SLOW_MS_ENV, SLOW_MS, "milliseconds") / 1000, _setting(SUMMARY_S_ENV, SUMMARY_S, "seconds")


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class AccessLog:
    """ASGI middleware: the access log described above, around `app` (the whole app).

    `clock` (seconds, monotonic) is for tests; `quiet` the paths logged only
    when failing or slow. Raises SettingError for a malformed setting (`check_settings`).
    """

    def __init__(
        self,
        app: ASGIApp,
        quiet: Iterable[str] = QUIET,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.quiet = frozenset(quiet)
        self.clock = clock
        self.slow_s, self.every_s = check_settings()
        self._since = clock()
        self._ms: list[float] = []
        self._statuses: Counter[int] = Counter()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = self.clock()
        status = 0
        sent = 0
        logged = False

        async def sending(message: Message) -> None:
            nonlocal status, sent, logged
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
                if not message.get("more_body", False):
                    # Before the last bytes leave: whoever has the answer finds its line written.
                    logged = True
                    self._answered(scope, status, sent, start)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            if not logged:
                self._answered(scope, status or 500, sent, start)
            raise
        if not logged:
            self._answered(scope, status, sent, start)

    def _answered(self, scope: Scope, status: int, sent: int, start: float) -> None:
        now = self.clock()
        took = now - start
        if scope["path"] in self.quiet and not scope.get("root_path"):
            if not self._ms:
                self._since = start  # a summary's time runs from its first request
            self._ms.append(1000 * took)
            self._statuses[status] += 1
            self._bytes += sent
            if status >= 400 or took >= self.slow_s:
                self._line(scope, status, took)
            if now - self._since >= self.every_s:
                self.summarise(now)
        else:
            self._line(scope, status, took)

    def _line(self, scope: Scope, status: int, took: float) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        path = scope.get("root_path", "") + scope["path"]
        query = scope.get("query_string", b"")
        if query:
            path += "?" + query.decode("ascii", "replace")
        log.info(
            '%s - "%s %s HTTP/%s" %d %.0f ms',
            f"{client[0]}:{client[1]}" if client else "-",
            scope["method"],
            path,
            scope.get("http_version", "1.1"),
            status,
            1000 * took,
        )

    def summarise(self, now: float | None = None) -> None:
        """Write the summary line of the push and pull answered since the last (none if none) and start anew."""
        now = self.clock() if now is None else now
        seconds, self._since = now - self._since, now
        if not self._ms:
            return
        ordered = sorted(self._ms)
        statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(self._statuses.items()))
        log.info(
            "push and pull in the last %.1f s: %s requests (%s), p50 %.0f ms, p99 %.0f ms, %.1f MB sent",
            seconds,
            f"{len(ordered):,}",
            statuses,
            _percentile(ordered, 0.5),
            _percentile(ordered, 0.99),
            self._bytes / 1e6,
        )
        self._ms, self._statuses, self._bytes = [], Counter(), 0
