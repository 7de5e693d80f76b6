"""The scheduler: when it syncs, that it never overlaps, that it stops, and what state it reports.

Most tests drive it with a stand-in engine that only keeps a diary, so the
timing is the scheduler's alone; the last one runs the real engine against
the real server.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from desktop.core.ids import uuid7
from desktop.core.text import said
from sync.engine import Counts, SyncEngine
from sync.failures import Cancelled, ServerUnreachable, SyncFailure
from sync.report import Progress, SyncReport
from sync.scheduler import SyncScheduler, SyncState
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import published_task
from tests.sync.workstation import count


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class Diary:
    """What the stand-in engines did: how many syncs, when, on which thread, how many at once."""

    def __init__(self, duration_s: float = 0.0) -> None:
        self.duration_s = duration_s
        self.failure: SyncFailure | None = None
        self.pending = 0
        self.lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.started: list[float] = []
        self.threads: set[str] = set()
        self.cancelled = 0
        self.explode = 0  # the next n engines raise
        self.gate: threading.Event | None = None  # when set up, a sync lasts until it is set

    def engine(self) -> SyncEngine:
        if self.explode:
            self.explode -= 1
            raise RuntimeError("a bug in making the engine")
        return _Engine(self)  # type: ignore[return-value]

    @property
    def syncs(self) -> int:
        return len(self.started)


class _Engine:
    def __init__(self, diary: Diary) -> None:
        self.diary = diary

    def counts(self) -> Counts:
        return Counts(self.diary.pending, 1, 0, None)

    def sync_once(
        self, cancel: threading.Event | None = None, progress: Callable[[Progress], None] | None = None
    ) -> SyncReport:
        diary = self.diary
        with diary.lock:
            diary.running += 1
            diary.most_at_once = max(diary.most_at_once, diary.running)
            diary.started.append(time.monotonic())
            diary.threads.add(threading.current_thread().name)
        try:
            if progress:
                progress(Progress("anna", "anna", "pull", 1))
            deadline = time.monotonic() + diary.duration_s
            while time.monotonic() < deadline or (diary.gate is not None and not diary.gate.is_set()):
                if cancel is not None and cancel.is_set():
                    diary.cancelled += 1
                    return SyncReport(started_at="", failure=Cancelled())
                time.sleep(0.005)
            return SyncReport(started_at="", finished_at="2026-01-01T00:00:00.000Z", failure=diary.failure)
        finally:
            with diary.lock:
                diary.running -= 1


def scheduler(diary: Diary, states: list[Any] | None = None, **options: Any) -> SyncScheduler:
    def remember(state: SyncState) -> None:
        if states is not None:
            states.append((state, threading.current_thread().name))

    return SyncScheduler(diary.engine, on_state=remember, **{"interval_s": 60.0, **options})


def idle(runner: SyncScheduler, runs: int) -> bool:
    """The worker has finished `runs` syncs and is waiting for the next."""
    state = runner.state
    return state.runs == runs and not state.syncing


def test_it_syncs_at_start_and_once_after_a_burst_of_changes() -> None:
    diary = Diary()
    runner = scheduler(diary, debounce_s=0.3)
    runner.start()
    try:
        wait_until(lambda: idle(runner, 1))
        for _ in range(10):  # a burst: each change moves the sync later
            runner.request_sync("change")
        last_change = time.monotonic()
        wait_until(lambda: idle(runner, 2))
        assert diary.started[1] - last_change >= 0.25
        # Nothing more is due until the interval: the burst became one sync.
        assert runner.seconds_until_next_sync() > 30 and diary.syncs == 2
    finally:
        assert runner.stop(timeout=2)


def test_a_steady_stream_of_changes_still_syncs_within_the_longest_delay() -> None:
    diary = Diary()
    runner = scheduler(diary, debounce_s=0.2, max_delay_s=0.4)
    runner.start()
    try:
        wait_until(lambda: idle(runner, 1))
        for _ in range(20):  # every change would push a plain debounce further away ...
            runner.request_sync("change")
            assert runner.seconds_until_next_sync() <= 0.4  # ... but never past the longest delay
        deadline = time.monotonic() + 10
        while diary.syncs < 3:  # a stream that never pauses for the debounce still syncs
            runner.request_sync("change")
            assert time.monotonic() < deadline, "a steady stream of changes never synced"
            time.sleep(0.01)
    finally:
        assert runner.stop(timeout=2)


def test_never_two_syncs_at_once_and_requests_meanwhile_become_one() -> None:
    diary = Diary()
    diary.gate = threading.Event()  # the first sync lasts until the requests are all in
    runner = scheduler(diary, debounce_s=0.05)
    runner.start()

    def ask() -> None:
        for _ in range(10):
            runner.request_sync("manual")

    askers = [threading.Thread(target=ask) for _ in range(6)]
    try:
        wait_until(lambda: diary.running == 1)
        for thread in askers:
            thread.start()
        for thread in askers:
            thread.join()
        diary.gate.set()
        wait_until(lambda: idle(runner, 2))
        assert runner.seconds_until_next_sync() > 30  # 60 requests meanwhile: one more sync
        assert diary.most_at_once == 1 and diary.syncs == 2
        assert diary.threads == {"knop-sync"}
    finally:
        diary.gate.set()
        assert runner.stop(timeout=2)


def test_stop_cancels_the_running_sync_and_ends_the_thread() -> None:
    diary = Diary(duration_s=30.0)
    runner = scheduler(diary)
    runner.start()
    wait_until(lambda: diary.running == 1)
    started = time.monotonic()
    assert runner.stop(timeout=5)
    assert time.monotonic() - started < 5.0  # cancelled, not waited out (30 s)
    assert not runner.running and diary.cancelled == 1
    assert runner.stop(timeout=1)  # stopping twice is harmless


def test_cancel_stops_one_sync_and_the_next_runs_in_full() -> None:
    diary = Diary(duration_s=30.0)
    runner = scheduler(diary)
    runner.start()
    try:
        wait_until(lambda: diary.running == 1)
        runner.cancel()
        wait_until(lambda: diary.cancelled == 1 and diary.running == 0)
        assert runner.state.error_words is None  # a cancel is no error
        diary.duration_s = 0.0
        runner.request_sync("manual")
        wait_until(lambda: diary.syncs == 2 and not runner.state.syncing)
        assert diary.cancelled == 1
    finally:
        assert runner.stop(timeout=2)


def test_offline_it_tries_again_soon_and_calms_down_once_online() -> None:
    diary = Diary()
    diary.failure = ServerUnreachable.because(said("ingen forbindelse", "no connection"))
    states: list[Any] = []
    runner = scheduler(diary, states, offline_retry_s=0.1)
    runner.start()
    try:
        wait_until(lambda: diary.syncs >= 3, timeout=30)
        gaps = [b - a for a, b in zip(diary.started, diary.started[1:], strict=False)]
        # Backing off: a timer may fire late on a busy machine, never early.
        assert gaps[0] >= 0.1 and gaps[1] >= 0.2, gaps
        state = runner.state
        assert state.online is False and "cannot be reached" in (state.error("en") or "")
        assert "kan ikke nås" in (state.error("da") or "")
        diary.failure = None
        runner.request_sync("network")  # the OS says the network is back
        wait_until(lambda: runner.state.online is True and not runner.state.syncing)
        assert runner.seconds_until_next_sync() > 30  # back to the long interval
        assert runner.state.error_words is None and runner.state.last_success
    finally:
        assert runner.stop(timeout=2)


def test_state_comes_from_the_worker_with_counts_and_progress() -> None:
    diary = Diary(duration_s=0.05)
    diary.pending = 4
    states: list[Any] = []
    runner = scheduler(diary, states, debounce_s=5.0)
    runner.start()
    try:
        wait_until(lambda: diary.syncs == 1 and not runner.state.syncing)
        diary.pending = 7
        runner.request_sync("change")  # debounced far away, but the count is shown at once
        wait_until(lambda: runner.state.pending == 7)
        assert diary.syncs == 1
    finally:
        assert runner.stop(timeout=2)
    assert {thread for _, thread in states} == {"knop-sync"}
    assert any(s.syncing and s.progress is not None for s, _ in states)
    final = states[-1][0]
    assert (final.pending, final.attention, final.syncing) == (7, 1, False)


def test_a_bug_in_an_engine_does_not_end_the_scheduler() -> None:
    diary = Diary()
    diary.explode = 1
    runner = scheduler(diary, offline_retry_s=0.05)
    runner.start()
    try:
        wait_until(lambda: diary.explode == 0)  # the first engine was made, and blew up
        runner.request_sync("manual")
        wait_until(lambda: diary.syncs == 1)
        assert runner.running
    finally:
        assert runner.stop(timeout=2)


def test_the_scheduler_sends_a_local_change_to_the_real_server(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    anna = staffroom.login("anna")
    with staffroom:
        runner = SyncScheduler(lambda: SyncEngine(session=anna), interval_s=60, debounce_s=0.1)
        runner.start()
        try:
            wait_until(lambda: runner.state.last_report is not None, timeout=10)
            assert runner.state.online is True
            staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
            runner.request_sync("change")
            wait_until(lambda: count(knop_server, "SELECT count(*) FROM bids WHERE task_id = ?", task_id) == 1)
            wait_until(lambda: runner.state.pending == 0 and not runner.state.syncing)
        finally:
            assert runner.stop(timeout=10)


@contextlib.contextmanager
def slowly_retrying(
    server: Deployment, world: World, machines: MachineFactory, backoff_s: float
) -> Iterator[SyncScheduler]:
    """Anna's real scheduler over the real server, waiting `backoff_s` (at most, half at least)
    between the five attempts of a request; started, its first sync done, stopped at the end."""
    from sync.transport import Connection

    staffroom = machines(server, world.school.id)
    anna = staffroom.login("anna")
    slow_retries = Connection(server_url=server.url, attempts=5, backoff_s=backoff_s, backoff_max_s=backoff_s)
    with staffroom:
        runner = SyncScheduler(
            lambda: SyncEngine(session=anna, connection=slow_retries), interval_s=600, debounce_s=0.05
        )
        runner.start()
        try:
            wait_until(lambda: runner.state.last_report is not None, timeout=20)
            yield runner
        finally:
            assert runner.stop(timeout=10)


def test_a_request_that_finds_no_server_turns_the_state_offline_within_seconds(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    """Issue 17: "Online" stayed on screen for 30 s and more after the server was gone.

    The retries of one sync here take about 20 s; the state must say offline at
    the first failed attempt, long before the sync gives up.
    """
    with slowly_retrying(fresh_knop_server, world, machines, backoff_s=8.0) as runner:
        assert runner.state.online is True
        fresh_knop_server.stop_process()
        runs = runner.state.runs
        runner.request_sync("manual")
        asked = time.monotonic()
        wait_until(lambda: runner.state.online is False, timeout=5)
        assert time.monotonic() - asked < 5
        assert runner.state.syncing and runner.state.runs == runs  # still retrying


def test_sync_now_while_the_server_is_gone_tries_again_at_once(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    """A try-out: "Sync now" was greyed out while offline. Pressed while a sync waits
    out its backoff between attempts, the scheduler must try again now, not after it."""
    # Each wait between attempts is 15-30 s: longer than this test waits for a new attempt.
    with slowly_retrying(fresh_knop_server, world, machines, backoff_s=30.0) as runner:
        fresh_knop_server.stop_process()
        runner.request_sync("manual")
        wait_until(lambda: runner.state.online is False, timeout=5)
        tried = runner.state.unreachable
        assert tried >= 1 and runner.state.syncing  # waiting out the backoff
        runner.request_sync("manual")  # the person presses "Sync now" again
        asked = time.monotonic()
        wait_until(lambda: runner.state.unreachable > tried, timeout=10)
        assert time.monotonic() - asked < 10  # the backoff would have taken at least 15 s
        assert runner.state.online is False


class _InARequest:
    """An engine whose sync waits in a request that hears no cancel, as a read from a hung server does."""

    def __init__(self) -> None:
        self.waiting = threading.Event()
        self.answered = threading.Event()

    def counts(self) -> Counts:
        return Counts(0, 0, 0, None)

    def sync_once(
        self, cancel: threading.Event | None = None, progress: Callable[[Progress], None] | None = None
    ) -> SyncReport:
        self.waiting.set()
        self.answered.wait(30)
        if progress:  # what the sync says after the answer, before it looks at the cancel
            progress(Progress("anna", "anna", "pull", 1))
        return SyncReport(started_at="", failure=Cancelled())


def test_stopped_without_waiting_it_says_nothing_more_while_its_request_ends() -> None:
    """Try-out s36: the UI joined a sync waiting on a hung server for 10 s, gave up, deleted its
    Qt adapter; the sync then called into it ("Signal source has been deleted")."""
    engine = _InARequest()
    states: list[Any] = []
    runner = SyncScheduler(
        lambda: engine,  # type: ignore[arg-type, return-value]
        on_state=lambda state: states.append(state),
        interval_s=60.0,
    )
    runner.start()
    assert engine.waiting.wait(10)
    started = time.monotonic()
    assert not runner.stop(timeout=0)  # still in its request: let go, not waited for
    assert time.monotonic() - started < 0.5
    said = len(states)
    engine.answered.set()
    assert runner.stop(timeout=10)
    assert len(states) == said, states[said:]
