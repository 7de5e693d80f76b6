"""The DB thread and the operations that run on it (Anki's CollectionOp and QueryOp).

Why: a click must never wait for SQLite, and SQLite must only ever be used from
one thread. So the user's `Store` belongs to one `DbThread`; the UI thread
hands it small functions and gets their results back by a queued signal.
Widgets are never touched from the DB thread.

The API the screens use (normally through `AppContext.perform/query`)::

    # A user action: runs store.perform(kind, payload, person, device) on the DB thread.
    context.perform("bid.place", {"bid_id": uuid7(), "task_id": tid}, parent=self) \\
        .success(lambda outcome: ...)      # UI thread, with the operations.Outcome
        .failure(lambda error: ...)        # UI thread, with the Rejection (or other error)
        .run_in_background()

    # A read (or a small non-operation write such as a draft): fn(store) on the DB thread.
    context.query(lambda store: board.search(store, person, filters), parent=self) \\
        .success(self.show_ids)
        .run_in_background()

Rules the plumbing keeps, so callers need not:

- Callbacks run on the UI thread, and only while `parent` (if given) is alive:
  a result for a window that was closed, or for a user who logged out, is
  dropped instead of drawing into a dead widget.
- After a `UserOp` succeeds, the context emits `changed(Changes)`: the tables
  (and, for local operations, the row ids) the operation touched, so views
  redraw only what the flags say. Nothing reloads everything after a click.
- A failure without a `.failure()` handler is shown to the person as a sentence
  in their language (`describe`), never as a traceback; unexpected errors are
  logged with their traceback.
- `DbThread.stop()` runs every job already queued (a queued operation is
  something the user did and must not be lost), then closes the store and joins
  the thread. Long reads can check `DbThread.stopping` to give up early.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.operations import Outcome
from desktop.core.rejection import Rejection
from desktop.core.entities import Person
from desktop.store import Store, StoreDamaged
from ui.words import tr

log = logging.getLogger(__name__)

T = TypeVar("T")
StoreJob = Callable[[Store], Any]


class Changes(frozenset[str]):
    """The names of the tables that changed, and which rows where that is known.

    It *is* a frozenset of table names, so `WATCHES & changes` works; `ids`
    maps a table to the ids of the rows that changed. A table that is in the
    set but not in `ids` may have changed anywhere (after a sync, say), and a
    view must then look again at everything it shows from that table.
    """

    ids: Mapping[str, frozenset[str]]
    origin: str

    def __new__(
        cls,
        tables: Iterable[str],
        ids: Mapping[str, Iterable[str]] | None = None,
        origin: str = "local",
    ) -> Changes:
        self = super().__new__(cls, tables)
        self.ids = {table: frozenset(found) for table, found in (ids or {}).items()}
        self.origin = origin
        return self

    def ids_of(self, table: str) -> frozenset[str] | None:
        """The changed ids in `table`; None means "any row may have changed"."""
        if table not in self:
            return frozenset()
        return self.ids.get(table)

    @classmethod
    def of_outcome(cls, outcome: Outcome) -> Changes:
        ids: dict[str, set[str]] = {}
        for change in outcome.changes:
            ids.setdefault(change.entity.table, set()).add(change.entity.key_value())
        # A local operation always queues one outbox entry: the pending count moved.
        return cls(outcome.tables() | {"outbox"}, ids, origin="local")

    def __repr__(self) -> str:
        return f"Changes({sorted(self)}, origin={self.origin!r})"


def describe(error: BaseException, language: str) -> str:
    """A sentence a person can act on, in their language, for anything a job raised."""
    if isinstance(error, Rejection):
        return error.message(language)
    message = getattr(error, "message", None)
    if callable(message):  # StoreDamaged and friends carry their own sentence
        try:
            return str(message(language))
        except TypeError:
            pass
    return tr("Something went wrong, and Knop could not finish this. "
        "Nothing you did has been lost. Details are in the log file.",
    )


class DbThread(QThread):
    """The one thread that uses a user's Store.

    Jobs run in the order they were submitted. Results go back through the
    `job_finished` signal, which Qt queues to the UI thread because this
    QThread object itself lives there.
    """

    job_finished = Signal(int)  # job id; its outcome waits in `take_outcome`

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("knop-db")
        self.store = store
        self._jobs: queue.SimpleQueue[tuple[int, StoreJob] | None] = queue.SimpleQueue()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        # Job id -> (succeeded, result or exception), until the UI thread takes it. A dict's
        # single insert and pop are atomic under the GIL, so no lock is needed.
        self._outcomes: dict[int, tuple[bool, object]] = {}

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def take_outcome(self, job_id: int) -> tuple[bool, object] | None:
        """(succeeded, result or exception) of a finished job, once; None after a stop dropped it."""
        return self._outcomes.pop(job_id, None)

    def submit(self, job: StoreJob) -> int:
        if self._stopping.is_set():
            raise RuntimeError("the DB thread is stopping")
        job_id = next(self._ids)
        self._jobs.put((job_id, job))
        return job_id

    def run(self) -> None:
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    break
                job_id, job = item
                del item
                self._outcomes[job_id] = self._do(job)
                # This thread lets go of the job and its outcome before the UI thread hears of
                # them: they hold callbacks into widgets (an error's traceback holds the frames
                # too), and Python frees an object where its last reference goes; a widget's
                # wrapper freed here, off its own thread, can crash Qt.
                del job
                self.job_finished.emit(job_id)
        finally:
            self.store.close()

    def _do(self, job: StoreJob) -> tuple[bool, object]:
        try:
            with self.store.noticing_damage():  # damage found by any job: StoreDamaged
                return True, job(self.store)
        except BaseException as error:  # noqa: BLE001 - handed to the UI thread
            return False, error

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Finish the queued jobs, close the store, join. True when the thread has ended."""
        if not self._stopping.is_set():
            self._stopping.set()
            self._jobs.put(None)
        ended = not self.isRunning() or self.wait(timeout_ms)
        if ended:
            self._outcomes.clear()  # nobody will take them now; freed here, on the UI thread
        return ended


class DbWorker(QObject):
    """The UI-thread side of the DB thread: starts it, and routes results to callbacks.

    `damaged(StoreDamaged)` is emitted on the UI thread whenever a job found the
    file damaged, whatever the job was: the shell offers the way out from there.
    """

    damaged = Signal(object)  # desktop.store.StoreDamaged

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_thread = DbThread(store)
        self._pending: dict[int, _Job[Any]] = {}
        self.db_thread.job_finished.connect(self._finished)
        self.db_thread.start()

    @property
    def stopping(self) -> bool:
        return self.db_thread.stopping

    def busy(self) -> bool:
        """Whether any job is queued or running; tests wait for this to turn False."""
        return bool(self._pending)

    def submit(self, job: _Job[Any]) -> None:
        """Queue `job` for the DB thread; once the store is closing, drop it (logged).

        An answer from the server may arrive while the person logs out or the window
        closes, and what it would keep comes too late: as with the results `stop`
        delivers to nobody, the owner is going away. Raising here, in a Qt slot, only
        broke the logout.
        """
        if self.db_thread.stopping:
            log.warning("a %s came after the store began closing; not run", type(job).__name__)
            return
        job_id = self.db_thread.submit(job.work)
        self._pending[job_id] = job

    def stop(self) -> bool:
        stopped = self.db_thread.stop()
        # Deliver what finished before the stop to nobody: the owner is going away.
        self._pending.clear()
        return stopped

    def _finished(self, job_id: int) -> None:
        outcome = self.db_thread.take_outcome(job_id)
        job = self._pending.pop(job_id, None)
        if outcome is None:  # finished before a stop: delivered to nobody, as stop() says
            return
        ok, result = outcome
        if job is not None:
            job.deliver(ok, result)
        if not ok and isinstance(result, StoreDamaged):
            self.damaged.emit(result)


@dataclass
class _Callbacks(Generic[T]):
    success: Callable[[T], Any] | None = None
    failure: Callable[[BaseException], Any] | None = None


class JobContext(Protocol):
    """What a background job needs of the app: `ui.context.AppContext` is the one in use.

    A protocol rather than an import, so this module stays below `ui.context`.
    """

    worker: DbWorker
    language: str
    person: Person
    device_id: str | None

    def operation_done(self, outcome: Outcome) -> None: ...

    def operation_refused(self, rejection: Rejection) -> None: ...


class _Job(Generic[T]):
    """What Query and UserOp share: chained callbacks, a parent that must still live."""

    def __init__(self, context: JobContext, parent: QObject | None) -> None:
        self.context = context
        self.parent = parent
        self._callbacks: _Callbacks[T] = _Callbacks()

    def success(self, fn: Callable[[T], Any]) -> _Job[T]:
        self._callbacks.success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any]) -> _Job[T]:
        self._callbacks.failure = fn
        return self

    def run_in_background(self) -> None:
        self.context.worker.submit(self)

    def work(self, store: Store) -> T:
        raise NotImplementedError

    def _parent_alive(self) -> bool:
        return self.parent is None or shiboken6.isValid(self.parent)

    def deliver(self, ok: bool, result: object) -> None:
        if not self._parent_alive():
            return
        if ok:
            self.succeeded(result)  # type: ignore[arg-type]
        else:
            self.failed(result)  # type: ignore[arg-type]

    def succeeded(self, result: T) -> None:
        if self._callbacks.success is not None:
            self._callbacks.success(result)

    def failed(self, error: BaseException) -> None:
        if self._callbacks.failure is not None:
            self._callbacks.failure(error)
            return
        if isinstance(error, StoreDamaged):
            # Not a message box of its own: DbWorker.damaged leads to the way out.
            log.error("the store is damaged", exc_info=error)
            return
        if not isinstance(error, Rejection):
            log.error("background job failed", exc_info=error)
        parent = self.parent if isinstance(self.parent, QWidget) else None
        QMessageBox.warning(
            parent,
            tr("Knop"),
            describe(error, self.context.language),
        )


class Query(_Job[T]):
    """A read on the DB thread: `fn(store)` and its result, or its error."""

    def __init__(
        self, context: JobContext, fn: Callable[[Store], T], parent: QObject | None = None
    ) -> None:
        super().__init__(context, parent)
        self.fn = fn

    def success(self, fn: Callable[[T], Any]) -> Query[T]:
        super().success(fn)
        return self

    def failure(self, fn: Callable[[BaseException], Any]) -> Query[T]:
        super().failure(fn)
        return self

    def work(self, store: Store) -> T:
        return self.fn(store)


class UserOp(_Job[Outcome]):
    """One user action: `store.perform` as the logged-in person, then `changed`.

    The outbox write and the local effect happen in one transaction on the DB
    thread; a Rejection from the local rules arrives in `.failure()` (or as a
    message box) and nothing was queued.
    """

    def __init__(
        self,
        context: JobContext,
        kind: str,
        payload: dict[str, Any],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.kind = kind
        self.payload = payload
        self.person = context.person
        self.device_id = context.device_id

    def success(self, fn: Callable[[Outcome], Any]) -> UserOp:
        super().success(fn)
        return self

    def failure(self, fn: Callable[[BaseException], Any]) -> UserOp:
        super().failure(fn)
        return self

    def work(self, store: Store) -> Outcome:
        return store.perform(self.kind, self.payload, self.person, self.device_id)

    def deliver(self, ok: bool, result: object) -> None:
        # The store changed whether or not the parent still lives: tell every view.
        if ok and isinstance(result, Outcome):
            self.context.operation_done(result)
        elif isinstance(result, Rejection):
            self.context.operation_refused(result)
        super().deliver(ok, result)


class Errand(QObject, Generic[T]):
    """Network work (logging in or out) on a short-lived thread of its own.

    Why not the DB thread: a login can wait twenty seconds for a slow server,
    and the store's thread must stay free for the person's clicks meanwhile.
    Every errand still running is joined on quit (`Errand.join_all`), so none
    outlives the app.
    """

    _done = Signal(bool, object)
    _running: ClassVar[set[Errand[Any]]] = set()

    def __init__(
        self, fn: Callable[[], T], parent: QObject | None = None, name: str = "errand"
    ) -> None:
        super().__init__()
        self.fn = fn
        self.parent_object = parent
        self._callbacks: _Callbacks[T] = _Callbacks()
        self._thread = threading.Thread(target=self._work, name=f"knop-{name}", daemon=False)
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def success(self, fn: Callable[[T], Any]) -> Errand[T]:
        self._callbacks.success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any]) -> Errand[T]:
        self._callbacks.failure = fn
        return self

    def run_in_background(self) -> None:
        Errand._running.add(self)
        self._thread.start()

    def _work(self) -> None:
        try:
            result = self.fn()
        except BaseException as error:  # noqa: BLE001 - handed to the UI thread
            self._done.emit(False, error)
        else:
            self._done.emit(True, result)

    def _deliver(self, ok: bool, result: object) -> None:
        self._thread.join()
        Errand._running.discard(self)
        if self.parent_object is not None and not shiboken6.isValid(self.parent_object):
            return
        if ok and self._callbacks.success is not None:
            self._callbacks.success(result)  # type: ignore[arg-type]
        elif not ok:
            if self._callbacks.failure is not None:
                self._callbacks.failure(result)  # type: ignore[arg-type]
            else:
                log.error("errand failed", exc_info=result)  # type: ignore[arg-type]

    @classmethod
    def running(cls) -> int:
        return len(cls._running)

    @classmethod
    def join_all(cls, timeout: float = 10.0) -> bool:
        """Wait for every errand's thread (on quit). True when all have ended."""
        for errand in list(cls._running):
            errand._thread.join(timeout)
        ended = all(not e._thread.is_alive() for e in cls._running)
        cls._running.clear()
        return ended
