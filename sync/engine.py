"""One sync of every store on this machine that needs one: push, then pull, then rebase.

    engine = SyncEngine(session=current_session)        # settings are loaded if not given
    report = engine.sync_once(cancel=event, progress=callback)
    report.ok, report.online, report.user(person_id).tables, report.first_failure()

Whose stores: the logged-in user's (always, so their view stays fresh), any
`include`d person (e.g. `knop sync`'s last user), and every user store on this
machine that still has pending operations, because people on a shared
workstation log out and leave before their changes are sent. Each store is
pushed with its own user's token: the session's token for the logged-in user,
the keyring's for everyone else (desktop.credentials). A logged-out user whose
outbox has drained has their token revoked and dropped
(sync.session.release_token).

A sync never blocks on anything but the network and SQLite, and it is
pure Python: run it on a worker thread (sync.scheduler does), never on the UI
thread. `cancel` (a threading.Event) is checked between requests and pages and
during back-off waits; a cancelled sync leaves every store at a whole page or
batch, and the next sync resumes from there. Only one sync runs at a time in a
process (a lock), whoever calls it.

Failures do not raise: they are in the report. What stops the whole sync (no
connection, not enrolled, a client too old, a revoked device, a server in
trouble, a cancel) is `report.failure`; what concerns one user (no token, an
expired token, a damaged store) is that user's `failure`, and the others
still sync.

`counts()` is the cheap part: pending and attention numbers for the status
bar, without the network.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from desktop import accounts, clock, credentials, forgetting, paths
from desktop.credentials import CredentialsUnavailable
from desktop.core.ids import utc_now
from desktop.core.text import said
from sync.session import Session, go_online, release_token
from desktop.settings import Settings, SettingsError, load_settings
from desktop.store import Store, StoreDamaged
from desktop.needs_attention import LAST_SYNC  # the state key the status bar reads too
from sync import protocol
from sync.api import ServerApi
from sync.failures import (
    Cancelled,
    KeyringUnavailable,
    LoginNeeded,
    NotEnrolled,
    ServerRefused,
    ServerTrouble,
    ResyncNeeded,
    ServerUnreachable,
    SyncFailure,
    UpdateRequired,
)
from sync.pull import CURSOR, INITIAL, REBASE_DUE, Pulled, pull_changes, start_over, write_pushed_page
from sync.push import Pushed, push_outbox
from sync.report import UNREACHABLE, Progress, SyncReport, UserReport
from sync.transport import Connection, Transport

log = logging.getLogger(__name__)

STORE_FILE = "knop.sqlite3"
FORGET_EVERY_S = 3600.0  # how often a machine looks for people to forget when nobody changed
_forgot_at: dict[str, float] = {}  # data folder -> time.monotonic() of its last forgetting pass

# Only one sync at a time in this process, whichever engine or thread runs it.
_one_at_a_time = threading.Lock()

ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class Counts:
    pending: int  # the logged-in user's unsent operations (everyone's without a session)
    attention: int  # the logged-in user's refused operations not yet dismissed
    pending_others: int  # other users' unsent operations on this machine
    last_sync_at: str | None  # the logged-in user's last complete sync (client clock, display only)


def user_stores() -> dict[str, Path]:
    """Every user store on this machine, by person id."""
    return {person_id: path for person_id, path in forgetting.stores().items() if path.is_file()}


def _damaged(error: StoreDamaged) -> SyncFailure:
    return SyncFailure(error.words, code="store_damaged", detail=str(error.path))


def _settings_failure(error: SettingsError) -> SyncFailure:
    return SyncFailure(said(str(error), str(error)), code="settings")


class SyncEngine:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        session: Session | None = None,
        include: Iterable[str] = (),
        only: Iterable[str] | None = None,
        page_size: int = protocol.DEFAULT_PULL_LIMIT,
        batch_size: int = protocol.MAX_PUSH_OPERATIONS,
        connection: Connection | None = None,
    ) -> None:
        """`only` limits the sync to those person ids; `connection` overrides timeouts and retries."""
        self._settings = settings
        self.session = session
        self.include = list(include)
        self.only = set(only) if only is not None else None
        self.page_size = page_size
        self.batch_size = batch_size
        self.connection = connection

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    # --- which stores ---------------------------------------------------------------

    def people(self) -> list[str]:
        """Whose stores this sync visits, the logged-in user first."""
        stores = user_stores()
        chosen: list[str] = []
        if self.session is not None:
            chosen.append(self.session.person.id)
        chosen += self.include
        for person_id, path in stores.items():
            if person_id in chosen:
                continue
            try:
                store = Store(path)
            except StoreDamaged:
                chosen.append(person_id)  # reported as such, so someone sees it
                continue
            try:
                with store.noticing_damage():
                    if store.pending_count():
                        chosen.append(person_id)
            except StoreDamaged:
                chosen.append(person_id)
            finally:
                store.close()
        if self.only is not None:
            chosen = [p for p in chosen if p in self.only] + sorted(self.only - set(chosen))
        return list(dict.fromkeys(chosen))

    # --- the status bar -------------------------------------------------------------

    def counts(self) -> Counts:
        mine = self.session.person.id if self.session else None
        pending = attention = others = 0
        last: str | None = None
        for person_id, path in user_stores().items():
            try:
                store = Store(path)
            except StoreDamaged:
                continue
            try:
                with store.noticing_damage():
                    if mine is None or person_id == mine:
                        pending += store.pending_count()
                        if person_id == mine:
                            attention = len(store.attention())
                            last = store.state(LAST_SYNC)
                    else:
                        others += store.pending_count()
            except StoreDamaged:
                continue  # the sync itself reports it
            finally:
                store.close()
        return Counts(pending, attention, others, last)

    # --- syncing --------------------------------------------------------------------

    def sync_once(
        self, cancel: threading.Event | None = None, progress: ProgressCallback | None = None
    ) -> SyncReport:
        with _one_at_a_time:
            report = SyncReport(started_at=utc_now())
            try:
                self._sync(report, cancel, progress)
            except SyncFailure as failure:
                report.failure = failure
            report.finished_at = utc_now()
            if report.failure is not None and not isinstance(report.failure, Cancelled):
                log.info("sync stopped: %s", report.failure.message("en"))
            return report

    def _sync(
        self, report: SyncReport, cancel: threading.Event | None, progress: ProgressCallback | None
    ) -> None:
        try:
            settings = self.settings
        except SettingsError as error:
            raise _settings_failure(error) from None
        if not settings.server_url:
            raise NotEnrolled()
        server_url = settings.server_url.rstrip("/")
        try:
            device = credentials.device_credential(server_url)
        except CredentialsUnavailable as error:
            raise KeyringUnavailable(error.detail) from None
        if not device:
            raise NotEnrolled()
        connection = self.connection or Connection.from_settings(settings)

        def unreachable() -> None:
            # Said at the first failed attempt, not after the last retry (issue 17).
            if progress is not None:
                progress(Progress("", "", UNREACHABLE, 0))

        with Transport(connection, device_credential=device, on_unreachable=unreachable) as transport:
            api = ServerApi(transport)
            for person_id in self.people():
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                user = self._sync_user(person_id, server_url, api, cancel, progress)
                if user is not None:
                    report.users.append(user)
                    if _stops_everything(user.failure):
                        assert user.failure is not None
                        raise user.failure
        # After the pulls: they are how this machine learns who has left. Looked at
        # when people changed, and otherwise hourly, so a sync with nothing to do stays cheap.
        people_changed = any("people" in user.tables for user in report.users)
        machine = str(paths.data_dir())
        last = _forgot_at.get(machine)
        if people_changed or last is None or time.monotonic() - last > FORGET_EVERY_S:
            _forgot_at[machine] = time.monotonic()
            logged_in = self.session.person.id if self.session is not None else None
            forgetting.forget_due(settings.forget_after_days, accounts.seen_now(), logged_in)

    def _token(self, person_id: str, server_url: str) -> str | None:
        if self.session is not None and self.session.person.id == person_id and self.session.token:
            return self.session.token
        try:
            return credentials.user_token(server_url, person_id)
        except CredentialsUnavailable:
            return None

    def _go_online(self) -> str | None:
        """The logged-in user's new token from a background online login, if one is possible."""
        if self.session is None or not go_online(self.session, settings=self.settings):
            return None
        return self.session.token

    def _sync_user(
        self,
        person_id: str,
        server_url: str,
        api: ServerApi,
        cancel: threading.Event | None,
        progress: ProgressCallback | None,
    ) -> UserReport | None:
        account = accounts.by_person(person_id)
        who = account.username if account else person_id
        user = UserReport(person_id, who)
        try:
            store = Store(paths.user_store(person_id), owner_id=person_id)
        except StoreDamaged as error:
            user.failure = _damaged(error)
            return user
        try:
            # Damage in a few pages opens fine: the quick check (once per file and
            # process) finds it before the sync relies on the file, and a corruption
            # error from any query of the sync means the same.
            with store.noticing_damage():
                store.check_integrity_once()
                return self._sync_store(store, user, account, server_url, api, cancel, progress)
        except StoreDamaged as error:
            user.failure = _damaged(error)
            return user
        finally:
            store.close()

    def _sync_store(
        self,
        store: Store,
        user: UserReport,
        account: accounts.Account | None,
        server_url: str,
        api: ServerApi,
        cancel: threading.Event | None,
        progress: ProgressCallback | None,
    ) -> UserReport | None:
        """Push and pull one person's open store; None when there was nothing to say."""
        person_id, who = user.person_id, user.who
        token = self._token(person_id, server_url)
        is_current = self.session is not None and self.session.person.id == person_id
        if token is None and is_current:
            token = self._go_online()
        if token is None:
            user.pending = store.pending_count()
            user.attention = len(store.attention())
            asked_for = is_current or (self.only is not None and person_id in self.only)
            if not user.pending and not asked_for:
                return None  # nothing to send and no way to fetch: nothing to say
            user.failure = LoginNeeded(account.display_name if account else who)
            return user
        try:
            try:
                self._exchange(store, user, api, token, cancel, progress)
            except ServerRefused as refused:
                # A token revoked while this person was offline: log in again in the
                # background with the password this session holds in memory, once.
                renewed = self._go_online() if is_current and refused.needs_login else None
                if renewed is None:
                    raise
                token = renewed
                self._exchange(store, user, api, token, cancel, progress)
        except SyncFailure as failure:
            user.failure = failure
        user.pending = store.pending_count()
        user.attention = len(store.attention())
        if (
            user.ok
            and not user.pending
            and not is_current
            and account is not None
            and account.signed_out
        ):
            release_token(person_id, server_url, settings=self.settings, token=token)
            user.token_released = True
        return user

    def _exchange(
        self,
        store: Store,
        user: UserReport,
        api: ServerApi,
        token: str,
        cancel: threading.Event | None,
        progress: ProgressCallback | None,
    ) -> None:
        def tell(phase: str, done: int, total: int | None = None) -> None:
            if progress is not None:
                progress(Progress(user.person_id, user.who, phase, done, total))

        pushed, pulled = Pushed(), Pulled()

        def push() -> str | None:
            """Push the outbox with the store's cursor; returns that cursor.

            The last batch asks for the pull's next page too (one request a round
            instead of two), unless the store is in an initial pull, which pulls
            as a bulk load of its own.
            """
            cursor = store.state(CURSOR)
            push_outbox(
                store,
                api,
                token,
                cancel=cancel,
                progress=lambda done, total: tell("push", done, total),
                batch_size=self.batch_size,
                done=pushed,
                cursor=cursor,
                pull_limit=self.page_size if store.state(INITIAL) is None else None,
            )
            return cursor

        pull_seconds = 0.0  # the pulls' own time, which the notifications bench compares with

        def pull(after_push: str | None = None) -> None:
            """Pull to the end of the feed, from the page the push was answered with if it came.

            `after_push`: the cursor the push sent, which that page continues.
            """
            nonlocal pull_seconds
            started = time.perf_counter()
            try:
                page, pushed.page = pushed.page, None
                if page is not None and after_push is not None:
                    caught_up = write_pushed_page(store, page, after_push, pulled)
                    tell("pull", pulled.changes)
                    if caught_up:
                        return
                pull_changes(
                    store,
                    api,
                    token,
                    cancel=cancel,
                    progress=lambda done: tell("pull", done),
                    page_size=self.page_size,
                    done=pulled,
                )
            finally:
                pull_seconds += time.perf_counter() - started

        try:
            try:
                sent = push()
            except ResyncNeeded:
                # The server lost history this store holds (restored from a backup, or a
                # new epoch): start over, so that what it had confirmed goes first.
                pulled.resent += start_over(store)
                pulled.resynced = True
                sent = push()
            resent = pulled.resent
            pull(sent)
            if pulled.resent > resent:
                # The pull found the loss (nothing was pending, so the push asked nothing):
                # send what the server had confirmed again, then fetch its effect.
                pull(push())
        finally:
            user.pushed, user.applied, user.rejected, user.kept = (
                pushed.sent,
                pushed.applied,
                pushed.rejected,
                pushed.kept,
            )
            user.pulled, user.pages, user.resynced = pulled.changes, pulled.pages, pulled.resynced
            user.resent = pulled.resent
            if pulled.pages:
                user.pull_s = pull_seconds
            user.noticing_s = pulled.noticing_s
            user.tables = set(pulled.tables)
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        seen = api.transport.server_time
        if seen is not None:
            with store.transaction():
                clock.record(store, *seen)
        if store.state(REBASE_DUE):
            tell("rebase", 0)
        with store.transaction():  # one transaction, so a flag set meanwhile is never lost
            if store.state(REBASE_DUE):
                # The rebase puts shadowed rows back, so their tables may look different after it.
                shadowed = store.rows("SELECT DISTINCT table_name FROM shadows")
                user.tables |= {r["table_name"] for r in shadowed}
                user.locally_refused = len(store.rebase())
                user.rebased = True
                store.set_state(REBASE_DUE, None)
            store.set_state(LAST_SYNC, utc_now())


def _stops_everything(failure: SyncFailure | None) -> bool:
    """Failures that are about the machine or the server, not about one user."""
    if isinstance(
        failure,
        (ServerUnreachable, UpdateRequired, Cancelled, NotEnrolled, KeyringUnavailable, ServerTrouble),
    ):
        return True
    return isinstance(failure, ServerRefused) and failure.needs_enrolment
