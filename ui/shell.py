"""Who is at the keyboard: login, the main window, locking, switching user, quitting.

The shell owns the one rule of a shared workstation: a person's screen exists
only while that person is logged in and unlocked. Entering builds a fresh
`AppContext` (the person's store on its DB thread, their sync) and a fresh
main window; locking, switching user and logging out tear both down (every
page, every model, the DB thread, the sync thread) before the next screen
appears, so nothing of one person is left for the next one to see.

Logging in and out may wait on the network, so they run as `Errand`s off the
UI thread. Quitting stops and joins every thread the shell started.

The language is a person's (desktop.settings.person_language): the login
screen speaks the machine's, logging in switches to the one the person chose
(if they did, and IT did not lock it), and logging out returns to the machine's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from desktop import accounts as machine_accounts
from desktop.accounts import Account
from desktop.settings import Settings, chosen_language, person_language
from ui.typed_ahead import KeysPassedOn, TypedAhead
from ui.window_focus import DialogsGiveKeysBack
from ui import window_place
from ui.background import Errand, describe
from ui.login import LockScreen, LoginScreen
from ui import words
from ui.words import tr

# The store, the context, the main window and the wire are loaded when someone logs
# in, not before the login screen: the first window is up sooner, and a person takes
# longer to type a password than these take to import (ui/main.py warms them).
if TYPE_CHECKING:
    from desktop.store import StoreDamaged
    from sync.report import SyncReport
    from sync.scheduler import SyncScheduler, SyncState
    from sync.session import Session
    from ui.board import BoardPlace
    from ui.context import AppContext, SyncHandle
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

LoginFn = Callable[..., "Session"]  # sync.session.login(username, password, settings=...)
LogoutFn = Callable[..., bool]  # sync.session.logout(session, settings=...)
SyncFactory = Callable[["Session", Settings], "SyncHandle | None"]  # a SyncLink, or None offline
SpeakFn = Callable[[str], None]  # make the UI speak "da" or "en" (ui.main swaps Qt's translators too)

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

    went_idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.went_idle)
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


def default_sync(session: Session | None, settings: Settings) -> SyncHandle | None:
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


def machine_sync(settings: Settings) -> SyncScheduler | None:
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
        idle_sync: Callable[[Settings], SyncScheduler | None] = machine_sync,
        known_accounts: Callable[[], list[Account]] | None = None,
        speak: SpeakFn = words.use_language,
        fixed_language: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        # The machine's language: the login screen's, and everyone's who never chose one.
        self.language = language
        self._speak = speak
        # `knop --language` (or IT's lock) speaks for everyone; a person's choice does not apply.
        self.fixed_language = fixed_language
        self._login = login or _session_login
        self._logout = logout or _session_logout
        self._sync = sync
        self._idle_sync = idle_sync
        self._machine_scheduler: SyncScheduler | None = None
        self._known_accounts = known_accounts or machine_accounts.known_accounts
        self.session: Session | None = None
        self.context: AppContext | None = None
        self.window: MainWindow | None = None
        self.gate: LoginScreen | LockScreen | None = None
        # The window's place (QWidget.saveGeometry), shared by the login, lock and main
        # windows and kept across runs (ui.window_place).
        self._geometry: QByteArray | None = window_place.remembered()
        # Where the person was when they locked (person id, MainWindow.place(), .views(), the board's
        # Board.place()): unlocking returns there. Only for a lock: someone else logging in starts
        # on a fresh board.
        self._place: tuple[str, list[Any], list[Any], BoardPlace] | None = None
        # What the window rebuilt for another language knew of the sync and the bell (person
        # id, last SyncState or None, unread count): the new one starts from it, not from nothing.
        self._known: tuple[str, SyncState | None, int] | None = None
        # The guidelines put off ("Not now") in this session, by audience and version: the
        # windows built anew in it (another language, unlocked) do not ask for them again.
        self._declined: tuple[object, set[tuple[str, int]]] | None = None
        self._recovering = False
        self._damage_reported: SyncReport | None = None  # the sync report whose damage was last looked into
        self.idle = IdleWatch(settings.idle_lock_minutes, self)
        self.dialogs_give_keys_back = DialogsGiveKeysBack(self)
        self.idle.went_idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
            app.installEventFilter(self.dialogs_give_keys_back)

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
        window_place.place(gate, QSize(1100, 720), self._geometry)
        gate.show()
        if old is not None:
            old.close_quietly()
        self.bring_to_front()  # with no window manager nothing else would make it active

    def start(self) -> None:
        self.show_login()

    def speak(self, language: str) -> None:
        """Make the UI speak `language` from the next window built (each is built in one)."""
        if words.language() != language:
            log.info("speaking %s", language)
            self._speak(language)

    def _language_of(self, chosen: str | None) -> str:
        """The language a person's window speaks: their choice, unless the machine's is fixed."""
        fixed = self.fixed_language or self.settings.is_locked("language")
        return chosen if chosen in ("da", "en") and not fixed else self.language

    def show_login(self, problem: str = "") -> None:
        self.speak(self.language)  # the login screen is the machine's, whoever was here before
        self._start_machine_sync()
        try:
            known = self._known_accounts()
        except Exception:  # logged; a broken accounts file must not block logging in
            log.exception("cannot read the accounts on this machine")
            known = []
        screen = LoginScreen(known)
        screen.server_url = self.settings.server_url
        screen.site_workstation = bool(self.settings.site_id)  # enrolled by IT: stays the site's
        screen.login_requested.connect(self._try_login)
        screen.invitation_taken_up.connect(lambda _username: self._reload_settings())
        self._show_gate(screen)
        if problem:
            screen.show_problem(problem)

    def _reload_settings(self) -> None:
        """After an invitation was taken up here: the machine now has a server (and a device)."""
        from desktop.settings import SettingsError, load_settings

        try:
            self.settings = load_settings()
        except SettingsError:
            log.exception("cannot read the settings written by the invitation")

    # --- logging in ----------------------------------------------------------------------

    def _try_login(self, username: str, password: str) -> None:
        gate = self.gate
        settings = self.settings

        def login() -> tuple[Session, str | None]:
            session = self._login(username, password, settings=settings)
            return session, person_language(session.store_path, session.person.id)

        Errand(login, gate, "login").success(lambda found: self.enter(*found)).failure(
            functools.partial(self._login_failed, username=username)
        ).run_in_background()

    def _login_failed(self, error: BaseException, *, username: str) -> None:
        # The helpdesk's first question is "what did it say?": the log keeps it, in English.
        log.info("login refused for %s: %s", username, _sentence(error, "en"))
        if isinstance(self.gate, (LoginScreen, LockScreen)):
            self.gate.failed(_sentence(error, words.language()))

    def enter(self, session: Session, chosen: str | None = None) -> None:
        """Build this person's context and main window, then drop the login or lock screen.

        `chosen` is the language the person chose (desktop.settings.person_language);
        None keeps the one spoken now: the machine's after the login screen, the
        person's own after their lock screen or a store fetched afresh.
        """
        from desktop.store import StoreDamaged
        from ui.main_window import MainWindow

        known, self._known = self._known, None  # only for the window built right after
        if known is not None and known[0] != session.person.id:
            known = None
        self.speak(self._language_of(chosen) if chosen is not None else words.language())
        try:
            context = self._open_context(session)
        except StoreDamaged as damaged:
            if not self._recovery_wanted(damaged):
                self.show_login()
                return
            self._recover(damaged)
            context = self._open_context(session)
        self.session = session
        self.context = context
        log.info(
            "%s logged in (%s)",
            session.username,
            "password checked by the server" if session.online else "offline, password checked on this machine",
        )
        # Damage can show up in any job later on (a query, a write, the check
        # below) or in the sync; each leads to the same way out as a file that
        # would not open.
        context.worker.damaged.connect(functools.partial(self._damaged_mid_session, context))
        self._stop_machine_sync()
        link = self._sync(session, self.settings)
        if link is not None:
            if known is not None and known[1] is not None:
                link.carry_on_from(known[1])
            context.attach_sync(link)
            link.finished.connect(context.notify)
            link.finished.connect(functools.partial(self._settings_arrived, context))
            link.state_changed.connect(functools.partial(self._sync_found_damage, context))
        window = MainWindow(context)
        if known is not None:
            window.bell.carry(known[2])
        window.lock_requested.connect(self.lock)
        window.switch_user_requested.connect(self.switch_user)
        window.logout_requested.connect(self.logout)
        window.quit_requested.connect(self.quit)
        window.language_chosen.connect(self._speak_again)
        if self.fixed_language:  # `knop --language` speaks for everyone on this run
            window.language_menu.setEnabled(False)
        window_place.place(window, QSize(1280, 760), self._geometry)
        self.window = window
        window.show()
        window.board.focus_search()
        place, self._place = self._place, None
        if place is not None and place[0] == session.person.id:
            window.resume(place[1])  # unlocked: back to the page the person was on
            window.show_views(place[2])  # on its tab, scrolled as far, with what was typed
            # The board's filters, sort, search and rows in view: a try-out unlocked to a fresh board.
            window.board.show_place(place[3])
        # The rules of the road: shown now if not accepted, and again when they change.
        from ui.guidelines import GuidelinesWatch

        # Asked once the board's first page is on screen, so no job stands ahead of it.
        # "Not now" holds for the session: a try-out had them back at every language switch.
        if self._declined is None or self._declined[0] is not session:
            self._declined = (session, set())
        self.guidelines = GuidelinesWatch(context, window, declined=self._declined[1])

        def look(_rows: int = 0) -> None:
            window.board.searched.disconnect(look)
            self.guidelines.start()

        window.board.searched.connect(look)
        self._check_once_on_screen(context, window)
        if self.gate is not None:
            self.gate.close_quietly()
            self.gate = None
        # With no window manager (a kiosk, a bare X server) the new window is not made
        # active by anyone else, and its shortcuts would wait for a click.
        self.bring_to_front()
        if link is not None:
            link.start()
        self.idle.set_minutes(self.settings.idle_lock_minutes)
        self.idle.arm()
        self.entered.emit(window)

    def _open_context(self, session: Session) -> AppContext:
        from ui.context import AppContext

        return AppContext(
            session.person,
            session.store_path,
            session.device_id,
            words.language(),
            settings=self.settings,
            session=session,
        )

    def _check_once_on_screen(self, context: AppContext, window: MainWindow) -> None:
        """The store's quick check, on the DB thread once the board's first page is on screen.

        It reads the whole file (about 0.6 s at 100,000 tasks, more than the
        0.4 s the whole start-up takes), too long to hold up the board, whose
        first page is drawn from a few pages only.
        """

        def check(_rows: int = 0) -> None:
            window.board.searched.disconnect(check)
            self._check_store(context)

        window.board.searched.connect(check)

    def _check_store(self, context: AppContext) -> None:
        """Run the quick check on the DB thread; damage goes out as the worker's `damaged`."""
        from desktop.store import StoreDamaged

        def failed(error: BaseException) -> None:
            if not isinstance(error, StoreDamaged):  # that one went to `damaged`
                log.error("the store's quick check could not run", exc_info=error)

        context.query(lambda store: store.check_integrity()).failure(failed).run_in_background()

    def _sync_found_damage(self, context: AppContext, state: SyncState) -> None:
        """The sync reports this person's store damaged: confirm on the DB thread, then the way out."""
        report = state.last_report
        if report is None or state.syncing or report is self._damage_reported or context is not self.context:
            return
        mine = report.user(context.person.id)
        if mine is not None and mine.failure is not None and mine.failure.code == "store_damaged":
            self._damage_reported = report
            self._check_store(context)

    def _damaged_mid_session(self, context: AppContext, damaged: StoreDamaged) -> None:
        """A job found the store damaged: offer the way out once, after the job's own answer.

        Signals from a context already replaced (another job that met the same
        damage) are dropped, so one damage asks one question.
        """
        if context is not self.context or self._recovering:
            return
        self._recovering = True
        QTimer.singleShot(0, functools.partial(self._start_afresh, context, damaged))

    def _start_afresh(self, context: AppContext, damaged: StoreDamaged) -> None:
        session = self.session
        try:
            if context is not self.context or session is None:
                return
            if self._recovery_wanted(damaged):
                self._tear_down()  # the DB thread and the sync let go of the file first
                self._recover(damaged)
                self.enter(session)
            else:
                self.logout()
        finally:
            self._recovering = False

    def _recovery_wanted(self, damaged: StoreDamaged) -> bool:
        """Ask whether to move the damaged store aside and fetch again (or log out)."""
        box = QMessageBox(self.top_window())
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("The local database is damaged"))
        box.setText(damaged.message(words.language()))
        fix = box.addButton(
            tr("Move it aside and fetch again"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(tr("Log out"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(fix)
        box.exec()
        return box.clickedButton() is fix

    def _recover(self, damaged: StoreDamaged) -> None:
        """Move the damaged store aside and start a fresh one with the rescued outbox."""
        from desktop.store import Store, recover, requeue

        aside, rescued = recover(damaged.path)
        store = Store(damaged.path)
        try:
            kept = requeue(store, rescued)
        finally:
            store.close()
        log.warning("moved the damaged store to %s; %d unsent operation(s) rescued", aside, kept)

    # --- leaving ----------------------------------------------------------------------------

    def _tear_down(self, *, keep_shown: bool = False) -> None:
        """Close the person's window and stop their threads; the session object may live on.

        `keep_shown`: the emptied window stays on screen until the caller retires it
        (`MainWindow.tear_down`).
        """
        self.idle.disarm()
        if self.window is not None:
            self._geometry = self.window.saveGeometry()
            window_place.remember(self._geometry)  # the size the person gave it, for the next run
            self.window.tear_down(keep_shown=keep_shown)
            self.window = None
        if self.context is not None:
            self.context.close()
            self.context.deleteLater()
            self.context = None

    def _settings_arrived(self, context: AppContext, tables: set[str]) -> None:
        """A sync brought the person's settings: speak the language kept there, if it differs.

        On a PC new to them the first sync brings the language they chose elsewhere;
        it applies now, not from their next login (unless `knop --language` or IT's
        lock fixes the machine's language, which `_speak_again` checks).
        """
        if "person_settings" not in tables or context is not self.context or context.closed:
            return
        from desktop.core.entities import PersonSettings

        person_id = context.person.id

        def kept(store: Any) -> str | None:
            held = store.get(PersonSettings, person_id)
            return chosen_language(held.preferences if held is not None else None)

        def arrived(chosen: str | None) -> None:
            if chosen is not None and context is self.context:
                self._speak_again(chosen)

        context.query(kept).success(arrived).run_in_background()

    def _speak_again(self, language: str) -> None:
        """The person chose another language: their window again in it, on the same page.

        Later, from the event loop: the choice arrives in a callback of the window
        that is about to go. What was typed stays: the pages' drafts are kept by
        `_tear_down` and read again by the pages reopened, the board's search text,
        filters, sort and rows in view are carried over here (`Board.place`), and so is the status bar's news ("3 nye ting siden
        sidst"), said again in the new language. News asked for and not yet said
        (the store marked it announced when asked) is waited for first.
        """

        def again() -> None:
            session, window = self.session, self.window
            if session is None or window is None:
                return
            language = self._language_of(language_chosen)
            if language == words.language():
                return
            if window.news_coming():  # its answer says it; then it is carried over, not lost
                window.bell.desktop.answered.connect(
                    lambda: QTimer.singleShot(0, again), Qt.ConnectionType.SingleShotConnection
                )
                return
            place, views = window.place(), window.views()  # the pages, and their tabs, scrolling, typing
            board = window.board.place()  # its filters, sort and rows in view, the search typed
            news = window.news_being_told()  # on a first login, said just before the language came
            curtain = _curtain(window)
            app = QApplication.instance()
            assert app is not None  # a window is on screen
            typed = TypedAhead(app)  # what is typed until the keys are back in place
            sync = self.context.sync if self.context is not None else None
            self._known = (session.person.id, sync.latest if sync is not None else None, window.bell.unread)
            self._tear_down(keep_shown=True)  # the window system sends the keys typed meanwhile to it
            self._place = (session.person.id, place, views, board)
            try:
                self.enter(session, language)
            finally:
                window.hide()
                # Deleted once the keys are given: those typed for it until now are still to come.
                typed.destroyed.connect(window.deleteLater)
                QTimer.singleShot(0, curtain.close)  # once the new window has had its first paint asked
                if self.window is not None:
                    typed.give_when_placed(self.window, self.window.keys_placed)
                else:
                    typed.give_to(curtain)  # no window came (a damaged store): nothing to type into
            if news is not None and self.window is not None:
                self.window.bell.desktop.say_again(news)

        language_chosen = language
        QTimer.singleShot(0, again)

    def lock(self) -> None:
        if self.window is None or self.session is None:
            return
        name = self.session.person.name
        log.info("%s locked the screen", self.session.username)
        window = self.window
        self._place = (self.session.person.id, window.place(), window.views(), window.board.place())
        self._tear_down()
        self._start_machine_sync()  # the locked person's changes still go out
        screen = LockScreen(name)
        screen.unlock_requested.connect(self._try_unlock)
        screen.switch_user_requested.connect(self.switch_user)
        self._show_gate(screen)
        self.locked.emit()

    def _try_unlock(self, password: str) -> None:
        session, settings = self.session, self.settings
        assert session is not None, "only a locked session can be unlocked"

        def check() -> Session:
            verifier = machine_accounts.verifier_of(session.username)
            if verifier is not None:
                if machine_accounts.check_verifier(verifier, password):
                    return session
                from sync.session import WrongPassword

                raise WrongPassword(known=True)  # the locked person's own name
            return self._login(session.username, password, settings=settings)

        def unlock() -> tuple[Session, str | None]:
            unlocked = check()
            return unlocked, person_language(unlocked.store_path, unlocked.person.id)

        Errand(unlock, self.gate, "unlock").success(lambda found: self.enter(*found)).failure(
            functools.partial(self._login_failed, username=session.username)
        ).run_in_background()

    def _end_session(self, *, keep_shown: bool = False) -> None:
        session, settings = self.session, self.settings
        self.session = None
        self._tear_down(keep_shown=keep_shown)
        if session is not None:
            log.info("%s logged out", session.username)
            Errand(lambda: self._logout(session, settings=settings), None, "logout").failure(
                lambda error: log.warning("logout did not finish: %s", error)
            ).run_in_background()

    def switch_user(self) -> None:
        """Leave the person's window for the login screen, at once, with the keys typed meanwhile.

        Nothing here waits on the network: the person's sync is cancelled and let go
        (`SyncLink.stop`), the token released by an errand. The keys typed right after
        the switch (a name, Tab, a password, Enter, at once on a shared PC) that were
        queued for the window left go on to the login screen (`KeysPassedOn`); the
        emptied window stays on screen until the login screen is up, so the window
        system has a Knop window to send them to meanwhile.
        """
        window = self.window
        self._end_session(keep_shown=window is not None)
        self.show_login()
        if window is not None:
            window.hide()
            app = QApplication.instance()
            if app is not None and self.gate is not None:
                KeysPassedOn(app, window, self.gate)  # deletes the window when done
            else:
                window.deleteLater()
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
        except Exception:  # logged; logging in matters more than background sending
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
            app.removeEventFilter(self.dialogs_give_keys_back)
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


def _session_login(username: str, password: str, *, settings: Settings) -> Session:
    from sync.session import login

    return login(username, password, settings=settings)


def _session_logout(session: Session, *, settings: Settings) -> bool:
    from sync.session import logout

    return logout(session, settings=settings)


def _curtain(window: QWidget) -> QLabel:
    """A still picture of `window`, shown where it is, until the window that replaces it is up.

    The window is rebuilt in another language by closing it, closing its store and opening
    both anew, which took seconds on a busy machine: a try-out saw a black screen meanwhile
    (no window at all). The picture takes no keys and no focus; the caller closes it.
    """
    curtain = QLabel()
    curtain.setObjectName("languageCurtain")
    curtain.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.Tool)
    curtain.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    curtain.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    curtain.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    curtain.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    curtain.setPixmap(window.grab())
    curtain.setGeometry(window.geometry())
    curtain.show()
    return curtain
