"""When to sync, on a thread of its own, and the state a status bar shows.

    scheduler = SyncScheduler(lambda: SyncEngine(session=current_session),
                              on_state=callback,
                              interval_s=settings.sync_interval_seconds, debounce_s=2)
    scheduler.start()                  # syncs at once, then every interval_s
    scheduler.request_sync("change")   # after a local change: debounced
    scheduler.request_sync("manual")   # the user asked; also "network" when the
                                       # connection came back: at once
    scheduler.cancel()                 # stop the running sync; the next one resumes
    scheduler.stop(timeout=10)         # cancel, silence on_state, and join the thread
    scheduler.stop(timeout=0)          # the same without waiting (a logout on the UI thread)

Syncs run one after another on the scheduler's worker thread, never two at
once; a request that arrives during a sync runs right after it (many requests
become one sync). `engine_factory` is called on the worker for every sync, so a
new session or new settings take effect at the next one.

Local changes are debounced: each `request_sync("change")` moves the sync
`debounce_s` later, but never more than `max_delay_s` after the first change,
so a busy user still syncs. When the server cannot be reached, the next try
comes after `offline_retry_s`, doubling up to `interval_s`, so the connection
coming back is noticed soon without hammering a dead network; the UI may also
call `request_sync("network")` when the OS reports the network is back.

`on_state(SyncState)` is called from the worker thread, whenever something a
person could see changed; a Qt adapter re-emits it through a queued signal and
never touches widgets from here. The callback must not block. `state` returns
the latest SyncState from any thread. Once `stop` has returned, `on_state` is
never called again, even while the thread still finishes a request in flight:
its receiver may be gone by then (a logout deletes the person's SyncLink).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop.core.text import Wording, sentence
from sync.engine import Counts, SyncEngine
from sync.failures import Cancelled, SyncFailure
from sync.report import UNREACHABLE, Progress, SyncReport

log = logging.getLogger(__name__)

IMMEDIATE_REASONS = frozenset({"start", "manual", "network", "login"})


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the status bar says. Times are ISO UTC from the client clock: for display only."""

    online: bool | None = None  # None until the first sync says
    syncing: bool = False
    pending: int = 0
    attention: int = 0
    pending_others: int = 0  # other users of this machine whose changes wait to be sent
    last_success: str | None = None
    progress: Progress | None = None
    error_words: Wording | None = None
    error_code: str | None = None
    # What went wrong without what happens next (`SyncFailure.cause`), for a line beside the state.
    error_cause: Wording | None = None
    needs_login: tuple[str, ...] = ()  # who must log in (online) before their changes can go
    last_report: SyncReport | None = None
    # Syncs finished so far, counted in the same state as their outcome, so that a
    # reader on another thread never pairs a new count with an older state.
    runs: int = 0
    # Requests that found no server so far (each attempt of each sync): a status bar
    # tells by it that a retry it asked for has failed, long before the sync gives up.
    unreachable: int = 0

    def error(self, language: str = "da") -> str | None:
        """What stopped the last sync, in `language`; None when nothing did."""
        return None if self.error_words is None else self.error_words.text(language)

    def cause(self, language: str = "da") -> str | None:
        """What went wrong in the last sync, in `language`, without what happens next; else `error`."""
        if self.error_cause is None:
            return self.error(language)
        return self.error_cause.text(language)


class SyncScheduler:
    def __init__(
        self,
        engine_factory: Callable[[], SyncEngine],
        on_state: Callable[[SyncState], None] | None = None,
        *,
        interval_s: float = 60.0,
        debounce_s: float = 2.0,
        max_delay_s: float | None = None,
        offline_retry_s: float = 5.0,
    ) -> None:
        self.engine_factory = engine_factory
        self.on_state = on_state
        self.interval_s = interval_s
        self.debounce_s = debounce_s
        self.max_delay_s = max_delay_s if max_delay_s is not None else max(debounce_s * 5, debounce_s)
        self.offline_retry_s = offline_retry_s
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._cancel = threading.Event()
        # Held while on_state runs, and by `stop` to silence it for good (`_silenced`).
        self._publishing = threading.Lock()
        self._silenced = False
        self._due: float | None = None  # when the requested sync should run
        self._first_change: float | None = None
        self._recount = False
        self._next_timer = 0.0
        self._offline_delay = offline_retry_s
        self._state = SyncState()
        self.syncs_run = 0

    # --- the API ------------------------------------------------------------------------

    @property
    def state(self) -> SyncState:
        with self._lock:
            return self._state

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._stopping = False
            with self._publishing:
                self._silenced = False
            self._thread = threading.Thread(target=self._run, name="knop-sync", daemon=True)
            self._due = time.monotonic()
            self._thread.start()

    def request_sync(self, reason: str = "manual") -> None:
        """Sync for `reason`: at once for IMMEDIATE_REASONS, else debounced (see the module).

        Asked while a sync waits between attempts to reach a server it found gone,
        the waiting sync stops and a new one tries at once: a person who just got
        their network back and presses "Sync now" must not wait out the backoff
        (up to `Connection.backoff_max_s` per attempt, a whole sync's retries more).
        """
        now = time.monotonic()
        with self._lock:
            if reason in IMMEDIATE_REASONS:
                self._due = now
                self._first_change = None
                if self._state.syncing and self._state.online is False:
                    self._cancel.set()  # it resumes in the sync that follows at once
            else:
                self._first_change = self._first_change or now
                latest = self._first_change + self.max_delay_s
                self._due = min(now + self.debounce_s, latest)
                self._recount = True
            self._lock.notify_all()

    def cancel(self) -> None:
        """Stop the running sync at its next check; a pending request still runs later."""
        self._cancel.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Cancel, end the thread and wait up to `timeout` seconds for it. True when it has ended.

        From the moment this returns `on_state` is not called again, whatever the
        thread still does: a request in flight to a server that hangs ends only at
        its read timeout (sync.transport), and makes no further one (the cancel is
        checked before every attempt). `timeout=0` does not wait at all, for the UI
        thread, which must not be held by a hung network (try-out s36: the window
        went black for 10 s at a switch of user); call again to wait.
        """
        with self._lock:
            self._stopping = True
            thread = self._thread
            self._lock.notify_all()
        self._cancel.set()
        with self._publishing:  # a state being published now is the last one
            self._silenced = True
        if thread is None:
            return True
        if timeout > 0:
            thread.join(timeout)
        ended = not thread.is_alive()
        if ended:
            with self._lock:
                self._thread = None
        return ended

    def seconds_until_next_sync(self) -> float:
        """Seconds until the scheduler syncs on its own, as things stand (0: due now).

        For a status bar ("next sync in ...") and for tests, which check the
        decision instead of waiting to see that nothing happens.
        """
        with self._lock:
            return max(0.0, self._next_due() - time.monotonic())

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    # --- the worker -----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._stopping and not self._recount and self._next_due() > time.monotonic():
                    self._lock.wait(timeout=min(self._next_due() - time.monotonic(), 3600.0))
                if self._stopping:
                    return
                run_now = self._next_due() <= time.monotonic()
                self._recount = False
                if run_now:
                    self._due = None
                    self._first_change = None
                    self._cancel.clear()
            if run_now:
                self._sync()
            else:
                self._refresh_counts()

    def _next_due(self) -> float:
        """The earlier of a requested sync and the timer (call with the lock held)."""
        return self._next_timer if self._due is None else min(self._due, self._next_timer)

    def _engine(self) -> SyncEngine | None:
        try:
            return self.engine_factory()
        except Exception:
            log.exception("could not make a sync engine")
            return None

    def _refresh_counts(self) -> None:
        engine = self._engine()
        if engine is None:
            return
        try:
            counts = engine.counts()
        except Exception:
            log.exception("could not count pending operations")
            return
        self._publish(**_from_counts(counts))

    def _sync(self) -> None:
        engine = self._engine()
        if engine is None:
            self._schedule_next(online=None)
            return
        self._publish(syncing=True, progress=None)
        try:
            report = engine.sync_once(self._cancel, self._progressed)
        except Exception:
            log.exception("sync failed unexpectedly")
            self.syncs_run += 1
            unexpected = SyncFailure(
                sentence("Something unexpected went wrong during the sync. Knop tries again later."),
                code="unexpected",
            )
            self._publish(syncing=False, progress=None, runs=self.syncs_run, **_error(unexpected))
            self._schedule_next(online=None)
            return
        self.syncs_run += 1
        try:
            counts = engine.counts()
            values = _from_counts(counts)
        except Exception:
            log.exception("could not count pending operations")
            values = {}
        failure = report.first_failure()
        online = None if isinstance(report.failure, Cancelled) else report.online
        needs_login = tuple(
            u.who
            for u in report.users
            if u.failure is not None
            and (u.failure.code == "login_needed" or getattr(u.failure, "needs_login", False))
        )
        if report.ok:
            values.setdefault("last_success", report.finished_at)
        self._publish(
            syncing=False,
            progress=None,
            online=online if online is not None else self.state.online,
            needs_login=needs_login,
            last_report=report,
            runs=self.syncs_run,
            **values,
            **_error(failure),
        )
        self._schedule_next(online=online)

    def _progressed(self, progress: Progress) -> None:
        """A running sync's progress; an attempt that found no server turns the state offline now."""
        if progress.phase == UNREACHABLE:
            self._publish(online=False, unreachable=self.state.unreachable + 1)
        else:
            self._publish(progress=progress)

    def _schedule_next(self, online: bool | None) -> None:
        with self._lock:
            if online is False:
                delay = min(self._offline_delay, self.interval_s)
                self._offline_delay = min(self._offline_delay * 2, self.interval_s)
            else:
                delay = self.interval_s
                self._offline_delay = self.offline_retry_s
            self._next_timer = time.monotonic() + delay

    def _publish(self, **changes: object) -> None:
        with self._lock:
            self._state = dataclasses.replace(self._state, **changes)  # type: ignore[arg-type]
            state = self._state
        with self._publishing:
            on_state = None if self._silenced else self.on_state
            if on_state is not None:
                try:
                    on_state(state)
                except Exception:
                    log.exception("on_state failed")


def _from_counts(counts: Counts) -> dict[str, object]:
    values: dict[str, object] = {
        "pending": counts.pending,
        "attention": counts.attention,
        "pending_others": counts.pending_others,
    }
    if counts.last_sync_at:
        values["last_success"] = counts.last_sync_at
    return values


def _error(failure: SyncFailure | None) -> dict[str, object]:
    if failure is None or isinstance(failure, Cancelled):
        return {"error_words": None, "error_code": None, "error_cause": None}
    return {"error_words": failure.words, "error_code": failure.code, "error_cause": failure.cause}
