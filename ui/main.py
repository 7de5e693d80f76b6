"""`knop` with no subcommand: the desktop app.

Start-up does, in order, what can fail before anything is on screen: one
instance per user session (a second start brings the first window to the
front and exits), the settings (a mistake in a file stops Knop: every one is
shown with its file, line and what is allowed, and logged), the language and
its words (Knop's catalogue, and Qt's own so Qt's dialogs are Danish too), and
the style sheet. Every failure is a sentence on screen, never a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import logging
import os
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QLockFile,
    QStandardPaths,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

import desktop
from desktop import paths
from desktop.core.text import has_catalogue, locale_dir, translate
from ui.qt_words import Mnemonics
from desktop.settings import (
    Settings,
    SettingsError,
    load_settings_or_every_mistake,
    load_settings_sparing,
    mistakes_in,
    tell_mistakes,
)
from desktop.system_libraries import PlatformUnavailable, dialogs_can_be_seen, platform_plugin_problem
from ui import words
from ui.garbage import MainThreadCollector
from ui.wheel import guard_the_wheel

if TYPE_CHECKING:  # the shell and QtNetwork load after the first window is up
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

    from ui.shell import Shell

log = logging.getLogger(__name__)

ORGANISATION = "Knop"
RAISE_MESSAGE = b"raise\n"
# What waits until the first window has been painted: listening for a second start
# (QtNetwork) and loading the main window's modules while the person types.
SETTLE_MS = 300


def choose_language(requested: str | None, settings: Settings) -> str:
    """The machine's language: the command line, then the settings, then the system's; "da" or "en".

    The login screen speaks it, and so does anyone who never chose their own
    (a person's choice is theirs, not the PC account's: ui.shell, desktop.settings).
    A system in Danish, or in no language at all (the C/POSIX locale of a bare
    machine or a service account), gets Danish, the exchange's own; any other
    language gets English, the one its speakers are likelier to read.
    """
    for choice in (requested, settings.language):
        if choice in ("da", "en"):
            return str(choice)
    system = QLocale.system().language()
    return "da" if system in (QLocale.Language.Danish, QLocale.Language.C) else "en"


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Knop's sentences in `language` (ui.words) plus Qt's own `qtbase_<language>` for its dialogs.

    Knop's words come from its one gettext catalogue (desktop.core.text); Qt's
    translators are returned so the caller keeps them alive (Qt does not own
    them). English is the source language, so for "en" Qt needs nothing.
    """
    words.use_language(language)
    if not has_catalogue(language) and language != "en":
        log.warning("no %s catalogue found in %s; run make translations", language, locale_dir())
    loaded: list[QTranslator] = []
    if language != "en":
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in ("qtbase", "qt"):
            translator = QTranslator(app)
            if translator.load(f"{name}_{language}", qt_folder):
                app.installTranslator(translator)
                loaded.append(translator)
                # Asked before it: the labels it has only without their keyboard letter.
                mnemonics = Mnemonics(translator)
                app.installTranslator(mnemonics)
                loaded.append(mnemonics)
                break
    QLocale.setDefault(
        QLocale(QLocale.Language.Danish if language == "da" else QLocale.Language.English)
    )
    return loaded


class Voice:
    """The language the app speaks now, which the shell changes as people log in and out."""

    def __init__(self, app: QCoreApplication, language: str) -> None:
        self.app = app
        self.translators = install_translators(app, language)

    def speak(self, language: str) -> None:
        """Knop's words and Qt's own in `language`, for every window built from now on."""
        self.silence()
        self.translators = install_translators(self.app, language)

    def silence(self) -> None:
        """Remove Qt's translators (at the end: Qt does not own them)."""
        for translator in self.translators:
            self.app.removeTranslator(translator)
        self.translators = []


def style_sheet() -> str:
    path = paths.resources_dir() / "styles" / "knop.qss"
    try:
        return paths.style_sheet_text(path)
    except OSError:
        log.warning("no style sheet at %s", path)
        return ""


class SingleInstance:
    """One Knop per user session: a lock file and a local socket in the user's runtime dir.

    The name includes the data directory, so a demo or a test with its own
    folders is a separate instance. A second start connects to the socket,
    asks the first to come to the front, and exits.
    """

    def __init__(self) -> None:
        key = hashlib.sha256(str(paths.data_dir().resolve()).encode()).hexdigest()[:16]
        runtime = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
        folder = Path(runtime) if runtime else Path(paths.data_dir())
        folder.mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(folder / f"knop-{key}.lock"))
        self.lock.setStaleLockTime(0)  # a lock whose process is gone is stale, however new
        if sys.platform == "win32":
            self.name = f"knop-{os.environ.get('USERNAME', 'user')}-{key}"
        else:
            self.name = str(folder / f"knop-{key}.sock")
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this is the first instance; False after asking the first one to show itself."""
        if self.lock.tryLock(200):
            return True
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(1000):
            socket.write(RAISE_MESSAGE)
            socket.waitForBytesWritten(1000)
            socket.disconnectFromServer()
        return False

    def on_raise(self, callback: Callable[[], None]) -> None:
        """As the first instance: listen, and call `callback` when a second start asks."""
        from PySide6.QtNetwork import QLocalServer

        QLocalServer.removeServer(self.name)
        self.server = QLocalServer()
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            log.warning("cannot listen on %s: %s", self.name, self.server.errorString())

        def accept() -> None:
            while self.server is not None and self.server.hasPendingConnections():
                connection = self.server.nextPendingConnection()
                connection.readyRead.connect(lambda c=connection: _read_raise(c, callback))
                connection.disconnected.connect(connection.deleteLater)

        self.server.newConnection.connect(accept)

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()


def _read_raise(connection: QLocalSocket, callback: Callable[[], None]) -> None:
    if bytes(connection.readAll().data()).startswith(RAISE_MESSAGE.strip()):
        callback()


def make_application(argv: list[str]) -> QApplication:
    """The QApplication, made once; raises PlatformUnavailable where Qt could only abort."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    problem = platform_plugin_problem()
    if problem:
        raise PlatformUnavailable(problem)
    # Fractional scale factors (150 %) as they are, not rounded: crisp at any scaling.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName("Knop")
    QGuiApplication.setDesktopFileName("knop")
    return QApplication(argv)


SETTINGS_REFUSED = 2  # the exit code after a settings mistake, as desktop.app.main gives one found later


def _settings_or_refusal(language_hint: str | None) -> Settings | None:
    """The settings, or None after telling the person why Knop does not start with them.

    A mistake in a settings file stops Knop rather than let it run on a guessed
    default (docs/DEPLOYMENT.md, "Mistakes are reported, not guessed around"):
    on a shared PC a default can loosen what IT set (a longer idle lock, longer
    offline logins, a lock that is gone), and a frontline worker cannot judge
    that. Every mistake goes to the log at ERROR and to stderr, and the person
    sees them all in a dialog in the machine's language (where a screen can show
    one), with what to do.
    """
    try:
        return load_settings_or_every_mistake()
    except SettingsError as error:
        # The terminal gets the plain sentences once; the file gets them with the time.
        tell_mistakes("knop", error)
        mistakes = mistakes_in(error)
    if dialogs_can_be_seen():
        readable, _ = load_settings_sparing()  # only for the language the dialog speaks
        settings_refusal(mistakes, choose_language(language_hint, readable)).exec()
    return None


def settings_refusal(mistakes: list[SettingsError], language: str) -> QMessageBox:
    """The dialog that says Knop will not start: every mistake (file, line, key, what is allowed).

    `language` is "da" or "en"; its one button quits.
    """
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Knop")
    box.setText(translate(language, "Knop cannot start: there is a mistake in its settings."))
    box.setInformativeText(
        translate(
            language,
            "{error}\n\nAsk IT to correct it. Knop starts as soon as the settings are right, "
            "and nothing you did in Knop is lost.",
            error="\n\n".join(mistake.message(language) for mistake in mistakes),
        )
    )
    # Selectable, so IT can copy the file's path and the line from the person's screen.
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.addButton(translate(language, "Quit"), QMessageBox.ButtonRole.RejectRole)
    return box


def run_gui(args: argparse.Namespace | None = None) -> int:
    """Start the desktop app and return its exit code."""
    requested = getattr(args, "language", None) if args is not None else None
    # The DB and sync threads run Python too; hand the GIL back to the UI thread
    # within a millisecond instead of five, so a big search never makes typing stutter.
    sys.setswitchinterval(0.001)
    app = make_application(sys.argv[:1])
    guard_the_wheel(app)  # the wheel scrolls pages, not the fields it passes over: ui/wheel.py
    collector = MainThreadCollector(app)  # cycles freed on this thread only: ui/garbage.py
    collector.start()
    instance = SingleInstance()
    if not instance.acquire():
        print("Knop is already running; its window has been brought to the front.", file=sys.stderr)
        return 0
    try:
        settings = _settings_or_refusal(requested)
        if settings is None:
            return SETTINGS_REFUSED
        language = choose_language(requested, settings)
        log.info(
            "Knop %s started in %s; server %s, site %s",
            desktop.__version__,
            language,
            settings.server_url or "none (not enrolled)",
            settings.site_id or "none",
        )
        voice = Voice(app, language)
        app.setStyleSheet(style_sheet())
        from ui.icon import app_icon
        from ui.shell import Shell

        app.setWindowIcon(app_icon())
        # The shell decides when Knop ends: between a closed login screen and a
        # new main window there is briefly no window, which is not a quit.
        app.setQuitOnLastWindowClosed(False)
        shell = Shell(settings, language, speak=voice.speak, fixed_language=requested in ("da", "en"))
        app.aboutToQuit.connect(shell.shut_down)
        shell.start()
        QTimer.singleShot(SETTLE_MS, lambda: _settle(instance, shell))
        screenshot = getattr(args, "screenshot", None) if args is not None else None
        if screenshot:
            QTimer.singleShot(1500, lambda: _screenshot_and_quit(shell, screenshot))
        script = getattr(args, "script", None) if args is not None else None
        if script:
            from ui.script import run_script

            running = run_script(shell, Path(script))  # noqa: F841 - kept alive until exec ends
        code = app.exec()
        app.aboutToQuit.disconnect(shell.shut_down)
        shell.shut_down()
        voice.silence()
        return int(code)
    finally:
        instance.release()
        collector.stop()


def _settle(instance: SingleInstance, shell: Shell) -> None:
    """What the first window need not wait for: the one-instance socket and the main window."""
    instance.on_raise(shell.bring_to_front)
    for module in ("ui.context", "ui.main_window"):
        importlib.import_module(module)  # now, so that logging in does not wait for it


def _screenshot_and_quit(shell: Shell, path: str) -> None:
    window = shell.top_window()
    if window is not None:
        window.grab().save(path)
    shell.quit()
