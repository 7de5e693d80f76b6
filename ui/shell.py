"""Who is at the keyboard: login, the main window, locking, switching user, quitting.

The shell owns the one rule of a shared workstation: a person's screen exists
only while that person is logged in and unlocked. Entering builds a fresh
`AppContext` (the person's store on its DB thread, their sync) and a fresh
main window; locking, switching user and logging out tear both down (every
page, every model, the DB thread, the sync thread) before the next screen
appears, so nothing of one person is left for the next one to see.

Logging in and out may wait on the network, so they run as `Errand`s off the
UI thread. Quitting stops and joins every thread the shell started.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRect, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop import accounts as machine_accounts
from desktop.settings import Settings
from ui.background import Errand, describe
from ui.login import LockScreen, LoginScreen

# The store, the context and the main window are loaded when someone logs in, not
# before the login screen: the first window is up sooner, and a person takes
# longer to type a password than these take to import (ui/main.py warms them).
if TYPE_CHECKING:
    from desktop.store import StoreDamaged
    from ui.context import AppContext
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

LoginFn = Callable[..., Any]  # sync.session.login(username, password, settings=...)
LogoutFn = Callable[..., Any]  # sync.session.logout(session, settings=...)
SyncFactory = Callable[[Any, Settings], Any]  # (session, settings) -> SyncLink or None

# What counts as the person being at the keyboard.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatch(QObject):
    """An app-wide event filter: any input restarts the countdown to the lock."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        self._armed = False

    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, minutes)
        self.timer.setInterval(self.minutes * 60_000)

    def arm(self) -> None:
        if self.minutes > 0:
            self._armed = True
            self.timer.start()

    def disarm(self) -> None:
        self._armed = False
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self._armed and event.type() in _ACTIVITY:
            self.timer.start()
        return False


def default_sync(session: Any, settings: Settings) -> Any:
    """The real sync: a scheduler over the engine, for sessions that know a server."""
    if session is None or not getattr(session, "server_url", None) or not settings.server_url:
        return None
    from sync.engine import SyncEngine
    from sync.scheduler import SyncScheduler
    from ui.sync_status import SyncLink

    scheduler = SyncScheduler(
        lambda: SyncEngine(settings, session=session),
        interval_s=float(settings.sync_interval_seconds),
    )
    return SyncLink(scheduler, session.person.id)


def machine_sync(settings: Settings) -> Any:
    """While nobody is logged in: send the outboxes of people who logged out before theirs went.

    Each store goes with its own user's token from the keyring (sync.engine);
    this only keeps the scheduler running while the login screen is up.
    """
    if not settings.server_url:
        return None
    from sync.engine import SyncEngine
    from sync.scheduler import SyncScheduler

    return SyncScheduler(
        lambda: SyncEngine(settings), interval_s=float(settings.sync_interval_seconds)
    )


class Shell(QObject):
    """Moves between the login screen, a person's main window and the lock screen."""

    entered = Signal(object)  # the MainWindow, once shown
    locked = Signal()
    left = Signal()  # a person logged out or switched user; the login screen is up

    def __init__(
        self,
        settings: Settings,
        language: str,
        *,
        login: LoginFn | None = None,
        logout: LogoutFn | None = None,
        sync: SyncFactory = default_sync,
        idle_sync: Callable[[Settings], Any] = machine_sync,
        known_accounts: Callable[[], list[Any]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.language = language
        self._login = login or _session_login
        self._logout = logout or _session_logout
        self._sync = sync
        self._idle_sync = idle_sync
        self._machine_scheduler: Any = None
        self._known_accounts = known_accounts or machine_accounts.known_accounts
        self.session: Any = None
        self.context: AppContext | None = None
        self.window: MainWindow | None = None
        self.gate: LoginScreen | LockScreen | None = None
        self._geometry: QRect | None = None
        self.idle = IdleWatch(settings.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)

    # --- screens ---------------------------------------------------------------------

    def top_window(self) -> QWidget | None:
        return self.window or self.gate

    def bring_to_front(self) -> None:
        window = self.top_window()
        if window is not None:
            window.show()
            window.setWindowState(window.windowState() & ~window.windowState().WindowMinimized)
            window.raise_()
            window.activateWindow()

    def _show_gate(self, gate: LoginScreen | LockScreen) -> None:
        old = self.gate
        self.gate = gate
        gate.quit_requested.connect(self.quit)
        if self._geometry is not None:
            gate.setGeometry(self._geometry)
        else:
            gate.resize(1100, 720)
        gate.show()
        if old is not None:
            old.close_quietly()

    def start(self) -> None:
        self.show_login()

    def show_login(self, problem: str = "") -> None:
        self._start_machine_sync()
        try:
            known = self._known_accounts()
        except Exception:  # noqa: BLE001 - a broken accounts file must not block logging in
            log.exception("cannot read the accounts on this machine")
            known = []
        screen = LoginScreen(known)
        screen.login_requested.connect(self._try_login)
        self._show_gate(screen)
        if problem:
            screen.show_problem(problem)

    # --- logging in ----------------------------------------------------------------------

    def _try_login(self, username: str, password: str) -> None:
        gate = self.gate
        settings = self.settings
        Errand(lambda: self._login(username, password, settings=settings), gate, "login").success(
            self.enter
        ).failure(self._login_failed).run_in_background()

    def _login_failed(self, error: BaseException) -> None:
        if isinstance(self.gate, (LoginScreen, LockScreen)):
            self.gate.failed(_sentence(error, self.language))

    def enter(self, session: Any) -> None:
        """Build this person's context and main window, then drop the login or lock screen."""
        from desktop.store import StoreDamaged
        from ui.main_window import MainWindow

        try:
            context = self._open_context(session)
        except StoreDamaged as damaged:
            if not self._offer_recovery(damaged):
                self.show_login()
                return
            context = self._open_context(session)
        self.session = session
        self.context = context
        self._stop_machine_sync()
        link = self._sync(session, self.settings)
        if link is not None:
            context.attach_sync(link)
            link.finished.connect(context.notify)
        window = MainWindow(context)
        window.lock_requested.connect(self.lock)
        window.switch_user_requested.connect(self.switch_user)
        window.logout_requested.connect(self.logout)
        window.quit_requested.connect(self.quit)
        if self._geometry is not None:
            window.setGeometry(self._geometry)
        else:
            window.resize(1280, 760)
        self.window = window
        window.show()
        window.board.focus_search()
        if self.gate is not None:
            self.gate.close_quietly()
            self.gate = None
        if link is not None:
            link.start()
        self.idle.set_minutes(self.settings.idle_lock_minutes)
        self.idle.arm()
        self.entered.emit(window)

    def _open_context(self, session: Any) -> AppContext:
        from ui.context import AppContext

        return AppContext(
            session.person,
            session.store_path,
            None,
            self.language,
            settings=self.settings,
            session=session,
        )

    def _offer_recovery(self, damaged: StoreDamaged) -> bool:
        """Move a damaged store aside and start a fresh one with the rescued outbox, if asked."""
        box = QMessageBox(self.top_window())
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("The local database is damaged"))
        box.setText(damaged.message(self.language))
        fix = box.addButton(
            self.tr("Move it aside and fetch again"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(self.tr("Log out"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(fix)
        box.exec()
        if box.clickedButton() is not fix:
            return False
        from desktop.store import Store, recover, requeue

        aside, rescued = recover(damaged.path)
        store = Store(damaged.path)
        try:
            kept = requeue(store, rescued)
        finally:
            store.close()
        log.warning("moved the damaged store to %s; %d unsent operation(s) rescued", aside, kept)
        return True

    # --- leaving ----------------------------------------------------------------------------

    def _tear_down(self) -> None:
        """Close the person's window and stop their threads; the session object may live on."""
        self.idle.disarm()
        if self.window is not None:
            self._geometry = self.window.geometry()
            self.window.tear_down()
            self.window = None
        if self.context is not None:
            self.context.close()
            self.context.deleteLater()
            self.context = None

    def lock(self) -> None:
        if self.window is None or self.session is None:
            return
        name = self.session.person.name
        self._tear_down()
        self._start_machine_sync()  # the locked person's changes still go out
        screen = LockScreen(name)
        screen.unlock_requested.connect(self._try_unlock)
        screen.switch_requested.connect(self.switch_user)
        self._show_gate(screen)
        self.locked.emit()

    def _try_unlock(self, password: str) -> None:
        session, settings = self.session, self.settings

        def check() -> Any:
            verifier = machine_accounts.verifier_of(session.username)
            if verifier is not None:
                if machine_accounts.check_verifier(verifier, password):
                    return session
                from sync.session import WrongPassword

                raise WrongPassword()
            return self._login(session.username, password, settings=settings)

        Errand(check, self.gate, "unlock").success(self.enter).failure(
            self._login_failed
        ).run_in_background()

    def _end_session(self) -> None:
        session, settings = self.session, self.settings
        self.session = None
        self._tear_down()
        if session is not None:
            Errand(lambda: self._logout(session, settings=settings), None, "logout").failure(
                lambda error: log.warning("logout did not finish: %s", error)
            ).run_in_background()

    def switch_user(self) -> None:
        self._end_session()
        self.show_login()
        self.left.emit()

    def logout(self) -> None:
        self.switch_user()

    def quit(self) -> None:
        """Stop every thread, then end the event loop."""
        self.shut_down()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def _start_machine_sync(self) -> None:
        if self._machine_scheduler is not None:
            return
        try:
            self._machine_scheduler = self._idle_sync(self.settings)
        except Exception:  # noqa: BLE001 - logging in matters more than background sending
            log.exception("cannot start the sync for logged-out users")
            return
        if self._machine_scheduler is not None:
            self._machine_scheduler.start()

    def _stop_machine_sync(self) -> None:
        """Stop it off the UI thread: a sync in flight may take a moment to cancel."""
        scheduler, self._machine_scheduler = self._machine_scheduler, None
        if scheduler is not None:
            scheduler.cancel()
            Errand(lambda: scheduler.stop(15.0), None, "machine-sync-stop").run_in_background()

    def shut_down(self) -> None:
        self._stop_machine_sync()
        self.idle.disarm()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        if self.window is not None or self.session is not None:
            self._end_session()
        if self.gate is not None:
            self.gate.close_quietly()
            self.gate = None
        if not Errand.join_all(timeout=15.0):
            log.error("a login or logout was still running at quit")


def _sentence(error: BaseException, language: str) -> str:
    message = getattr(error, "message", None)
    if callable(message):
        try:
            return str(message(language))
        except TypeError:
            pass
    return describe(error, language)


def _session_login(username: str, password: str, *, settings: Settings) -> Any:
    from sync.session import login

    return login(username, password, settings=settings)


def _session_logout(session: Any, *, settings: Settings) -> Any:
    from sync.session import logout

    return logout(session, settings=settings)
