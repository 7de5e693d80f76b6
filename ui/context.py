"""Everything a screen needs about the logged-in person, in one object (Anki's `mw.col`).

Why one object: switching user or locking must be able to drop *all* of the
previous user's state at once. Everything that belongs to a user (their
person record, their store on its DB thread, their sync) hangs off one
`AppContext`, and `close()` ends it all; the shell makes a new context for the
next user rather than mutating this one.

API for screens (the other UI engineer's task view, review, form, my page):

- `context.person` (`desktop.core.entities.Person`), `context.language` ("da"/"en"),
  `context.settings` (`desktop.settings.Settings`), `context.device_id`.
- `context.perform(kind, payload, parent=widget) -> UserOp` and
  `context.query(fn, parent=widget) -> Query`; chain `.success(fn)`,
  `.failure(fn)`, then `.run_in_background()`. See `ui.background`.
- `context.changed` (signal with a `ui.background.Changes`): emitted after every
  local operation and after every sync that brought changes. It is a frozenset
  of table names ("tasks", "bids", "comments", "outbox", "attention", ...), with
  `.ids_of(table)` giving the changed row ids where known. Redraw only what it names.
- `context.notify(tables, origin)`: tell the views about a change made outside
  a UserOp (a `query` that wrote a draft or dismissed an attention item).
- `context.sync` (`ui.sync_status.SyncLink` or None when there is no server):
  `request_sync(reason)`, signal `state_changed(SyncState)`; a local operation already
  asks for a (debounced) sync by itself.
- `context.closed`: True once the person has left; results for a closed
  context are dropped, so a late answer never draws into the next person's screen.

In tests: `AppContext(person, store_path, device_id, "da")` opens a real store
on its own DB thread with no server; `close()` stops and joins every thread.
"""

from __future__ import annotations

import atexit
import logging
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance

from desktop.core.entities import SYNCED, Person
from desktop.core.operations import Outcome
from desktop.core.rejection import Rejection
from desktop.settings import Settings
from desktop.store import Store
from ui.background import Changes, DbWorker, Query, UserOp

if TYPE_CHECKING:  # the wire (requests and all) loads after the login screen is up
    from sync.scheduler import SyncState
    from sync.session import Session

log = logging.getLogger(__name__)

T = TypeVar("T")

# What a sync may have touched when it does not say: every table the feed
# carries, and the two local ones a sync settles (sent operations, refusals).
SYNC_TABLES = frozenset(SYNCED) | {"outbox", "attention"}


class SyncHandle(Protocol):
    """What the context and its screens use of the sync (`ui.sync_status.SyncLink`)."""

    @property
    def latest(self) -> SyncState | None:
        """The last state the scheduler reported; None before the first."""

    @property
    def state_changed(self) -> SignalInstance:
        """Emitted with each new `SyncState`, on the UI thread."""

    @property
    def finished(self) -> SignalInstance:
        """Emitted after each sync with the set of table names it may have changed."""

    def start(self) -> None:
        """Start the scheduler's thread: a first sync now, then one every interval."""

    def request_sync(self, reason: str = "manual") -> None:
        """Ask for a sync soon; several requests close together make one sync."""

    def stop(self, timeout: float = 0.25) -> bool:
        """Cancel a running sync; False when its thread did not end within `timeout` seconds.

        Never holds the caller longer: a thread still in a request ends in the background.
        """

    def carry_on_from(self, state: SyncState) -> None:
        """Start from what the link before this one knew (`SyncLink.carry_on_from`), before `start`."""


_OPEN: weakref.WeakSet[AppContext] = weakref.WeakSet()


@atexit.register
def _close_forgotten_contexts() -> None:
    """A last resort: stop any DB thread a crash or a self-test left running before Qt goes."""
    for context in list(_OPEN):
        context.close()


class AppContext(QObject):
    """One logged-in person's session in the UI: who, in which language, over which store."""

    changed = Signal(object)  # ui.background.Changes
    refused = Signal(object)  # desktop.core.rejection.Rejection: an action the rules refused

    def __init__(
        self,
        person: Person,
        store_path: Path | str,
        device_id: str | None,
        language: str = "da",
        *,
        settings: Settings | None = None,
        session: Session | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.person = person
        self.device_id = device_id
        self.language = language if language in ("da", "en") else "en"
        self.settings = settings or Settings()
        self.session = session  # sync.session.Session when logged in for real
        self.store_path = Path(store_path)
        # Opened here, on the UI thread, so that a damaged file is reported at
        # login with a way out; from here on only the DB thread touches it.
        store = Store(self.store_path, owner_id=person.id)
        if not person.organisation_id:
            # Remembered for offline login before organisations (issue 16): the store's
            # copy has it (client migration 19), and the visibility rule asks for it.
            stored = store.get(Person, person.id)
            if stored is not None and stored.organisation_id:
                self.person = person.replace(organisation_id=stored.organisation_id)
        self.worker = DbWorker(store, self)
        self.sync: SyncHandle | None = None  # attached by the shell
        self._closed = False
        _OPEN.add(self)

    # --- running things on the DB thread -------------------------------------

    def perform(self, kind: str, payload: dict[str, Any], parent: QObject | None = None) -> UserOp:
        """A user action as this person; see `ui.background.UserOp`."""
        return UserOp(self, kind, payload, parent)

    def query(self, fn: Callable[[Store], T], parent: QObject | None = None) -> Query[T]:
        """`fn(store)` on the DB thread; see `ui.background.Query`."""
        return Query(self, fn, parent)

    # --- telling views what changed --------------------------------------------

    def operation_done(self, outcome: Outcome) -> None:
        """Called by UserOp on the UI thread: redraw, then let the outbox go out soon."""
        self.changed.emit(Changes.of_outcome(outcome))
        if self.sync is not None:
            self.sync.request_sync("local change")

    def operation_refused(self, rejection: Rejection) -> None:
        """Called by UserOp on the UI thread: tell whoever offers a way on (the guidelines' watch)."""
        self.refused.emit(rejection)

    def notify(self, tables: Iterable[str] | None = None, origin: str = "sync") -> None:
        """Tell views about changes made outside a UserOp: a sync (None: any table), a dismissal."""
        self.changed.emit(Changes(SYNC_TABLES if tables is None else tables, origin=origin))

    # --- ending ----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def attach_sync(self, link: SyncHandle) -> None:
        """Give this context its sync adapter; `close()` stops it."""
        self.sync = link

    def close(self) -> None:
        """Stop the sync and the DB thread and wait for both. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        _OPEN.discard(self)
        if self.sync is not None:
            try:
                self.sync.stop()
            except Exception:  # logged; the DB thread must still stop
                log.exception("stopping the sync failed")
            self.sync = None
        if not self.worker.stop():
            log.error("the DB thread did not stop in time")
