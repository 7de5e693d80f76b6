"""`knop --self-test`: can this installation run? One line per check, then an exit code.

IT runs it after deploying the bundle to a machine, and CI runs it on every
bundle it builds, so each check aims at what goes wrong in a packaged app on a
real workstation: a Qt plugin whose system library is missing, a module,
translation or icon left out of the bundle, a broken settings file, no
keyring, a store that cannot be created. It imports everything the GUI
imports and builds the real login screen and main window. It needs no
network, no display (the windows are built offscreen unless QT_QPA_PLATFORM
says otherwise) and touches none of the user's data: the store is opened in
a temporary directory, and the keyring gets only an entry of Knop's own,
stored, read back and deleted again.

A missing keyring is a warning (Knop still starts); anything else that fails
makes the exit code 1, and the last line names the checks that failed.
"""

from __future__ import annotations

import os
import ssl
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop import paths

REQUIRED_LANGUAGES = ("da",)  # English is the source language; Danish must be translated
APP_ICON = "knop"


class CheckFailed(Exception):
    """The installation is broken in a way the message explains."""


class CheckWarning(Exception):
    """Knop runs, but not as well as it should; the message says what is missing."""


@dataclass
class SelfTest:
    """What the checks share: the Qt application, once made, and Qt's own warnings."""

    qt_messages: list[str] = field(default_factory=list)
    app: Any = None  # the QGuiApplication (a QApplication when the UI made it)
    window: Any = None  # the main window, kept shown until the style sheets are tried on it
    lines: list[tuple[str, str, str]] = field(default_factory=list)
    previous_handler: Any = None

    def run(self, name: str, check: Callable[[SelfTest], str]) -> None:
        try:
            status, detail = "ok", check(self)
        except CheckWarning as warning:
            status, detail = "warn", str(warning)
        except CheckFailed as failure:
            status, detail = "fail", str(failure)
        except Exception as error:  # noqa: BLE001 - an unexpected crash is a failure to report, not a traceback
            status, detail = "fail", f"{type(error).__name__}: {error}"
        self.lines.append((status, name, detail))
        print(f"{status:<5}{name}: {detail}", flush=True)

    def close(self) -> None:
        """Close the window and give Qt's messages back to whoever had them (pytest-qt)."""
        if self.window is not None:
            from PySide6.QtCore import QCoreApplication, QEvent

            self.window.close()
            context = getattr(self.window, "context", None)
            if context is not None and hasattr(context, "close"):
                context.close()  # its DB thread, else it outlives the check in a test process
            self.window.deleteLater()
            # processEvents() leaves deferred deletes alone; a window left alive would be
            # re-polished by the next setStyleSheet in the same process after its store is gone.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            self.window = None
        if "PySide6.QtCore" not in sys.modules:
            return
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(self.previous_handler)


# --- the checks, in the order a broken installation is best explained ------------


def check_version(_: SelfTest) -> str:
    from desktop import __version__

    how = "frozen bundle" if getattr(sys, "frozen", False) else "from source"
    return f"knop {__version__}, Python {sys.version.split()[0]}, {sys.platform}, {how}"


def check_settings(_: SelfTest) -> str:
    from desktop.settings import (
        SettingsError,
        load_settings_or_every_mistake,
        log_every_mistake,
        machine_settings_path,
        user_settings_path,
    )

    try:
        settings = load_settings_or_every_mistake()
    except SettingsError as error:
        # Every mistake, one a line under this check, the GUI's sentences (try-out s36).
        log_every_mistake("knop --self-test", error)
        raise CheckFailed("\n     ".join(str(error).splitlines())) from None
    if settings.ca_bundle and not Path(settings.ca_bundle).is_file():
        raise CheckFailed(f"ca_bundle {settings.ca_bundle} does not exist")
    machine = machine_settings_path()
    found = "found" if machine.exists() else "none"
    server = settings.server_url or "no server yet (run knop enrol)"
    user = user_settings_path()
    return f"{server}; machine file {machine} ({found}); user file {user}"


def check_directories(_: SelfTest) -> str:
    """Every directory Knop writes must be creatable by this user."""
    places = {"data": paths.data_dir(), "logs": paths.log_dir(), "config": paths.config_dir()}
    for name, place in places.items():
        existing = place
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not os.access(existing, os.W_OK):
            raise CheckFailed(f"{name} directory {place} cannot be written by this user")
    return ", ".join(f"{name} {place}" for name, place in places.items())


def check_platform_plugin(_: SelfTest) -> str:
    """Load the plugin a Linux desktop will use, so a missing system library shows now."""
    if not sys.platform.startswith("linux"):
        return "not needed on this system"
    from desktop.system_libraries import xcb_plugin_problem

    problem = xcb_plugin_problem()
    if problem:
        raise CheckFailed(problem)
    return "xcb loads"


def check_qt(test: SelfTest) -> str:
    """Qt loads; from here on its own warnings are collected for the checks that need them."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler, qVersion

    def collect(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg:
            test.qt_messages.append(message)

    test.previous_handler = qInstallMessageHandler(collect)
    return f"PySide6 {pyside_version}, Qt {qVersion()}, platform {os.environ['QT_QPA_PLATFORM']}"


def check_translations(test: SelfTest) -> str:
    """Knop's catalogue (.mo) for every required language loads and translates; Qt's own da."""
    import gettext

    from PySide6.QtCore import QLibraryInfo, QTranslator

    from desktop.core import text
    from sync.protocol import PLEASE_UPDATE

    folder = text.locale_dir()
    loaded: list[str] = []
    for language in text.LANGUAGES:
        found = gettext.find(text.DOMAIN, str(folder), [language])
        if found is None:
            if language not in REQUIRED_LANGUAGES:
                continue  # English reads its own message ids without a catalogue
            raise CheckFailed(
                f"no {language}/LC_MESSAGES/{text.DOMAIN}.mo in {folder} "
                "(make translations builds it from the .po)"
            )
        try:
            with open(found, "rb") as compiled:
                books = gettext.GNUTranslations(compiled)
        except (OSError, ValueError, struct.error) as error:
            raise CheckFailed(f"{found} cannot be loaded ({error})") from None
        if language in REQUIRED_LANGUAGES and books.gettext(PLEASE_UPDATE.msgid) == (
            PLEASE_UPDATE.msgid
        ):
            raise CheckFailed(f"{found} does not translate Knop's sentences")
        loaded.append(language)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_da", qt_folder):
        raise CheckWarning(f"{', '.join(loaded)}; Qt's own dialogs stay English (no qtbase_da.qm)")
    return f"{', '.join(loaded)}, Qt's own da"


def check_icons(_: SelfTest) -> str:
    from PySide6.QtGui import QImageReader

    folder = paths.resources_dir() / "icons"
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    if "svg" not in formats:
        raise CheckFailed("Qt cannot read SVG (the imageformats/qsvg plugin is missing)")
    icons = sorted(p for p in folder.glob("*") if p.suffix in (".svg", ".png"))
    for icon in icons:
        if QImageReader(str(icon)).read().isNull():
            raise CheckFailed(f"{icon} cannot be read")
    names = {p.name for p in icons}
    for wanted in (f"{APP_ICON}.svg", f"{APP_ICON}.png"):
        if wanted not in names:
            raise CheckFailed(f"the app icon {folder / wanted} is missing")
    return f"{len(icons)} in {folder}"


def check_gui_modules(_: SelfTest) -> str:
    """Import what the GUI imports: ui.main, whose imports run before any window, and every screen.

    The main window imports its screens by name when someone opens one, so a
    screen left out of a bundle would show up only then; here it shows now.
    """
    import importlib
    import pkgutil

    import ui

    screens = sorted(f"ui.{m.name}" for m in pkgutil.iter_modules(ui.__path__))
    names = list(dict.fromkeys(["ui.main", *screens]))
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - the import that fails is the finding
            why = f"{type(error).__name__}: {error}"
            raise CheckFailed(f"{name} cannot be imported: {why}") from None
    return f"{len(names)} modules, ui.main and every screen"


def check_login_screen(test: SelfTest) -> str:
    """The first window a person sees, built and shown as `knop` shows it."""
    from ui.login import LoginScreen
    from ui.main import make_application

    app = make_application([sys.argv[0] or "knop"])
    screen = LoginScreen([])
    try:
        screen.resize(1100, 720)
        screen.show()
        app.processEvents()
        if not screen.isVisible():
            raise CheckFailed("the login screen did not become visible")
        if screen.grab().isNull():
            raise CheckFailed("the login screen could not be painted")
    finally:
        screen.close_quietly()
    return f"ui.login.LoginScreen shown on {app.platformName()}"


def check_main_window(test: SelfTest) -> str:
    """The real main window over a throwaway store (ui.main_window.self_test_window), shown."""
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    from ui.main_window import self_test_window

    window = self_test_window()
    test.app, test.window = QGuiApplication.instance(), window
    window.resize(1024, 700)
    window.show()
    test.app.processEvents()
    if not window.isVisible():
        raise CheckFailed(f"{type(window).__name__} did not become visible")
    if hasattr(window, "grab") and window.grab().isNull():
        raise CheckFailed(f"{type(window).__name__} could not be painted")
    if not QFontDatabase.families():
        raise CheckFailed("Qt finds no fonts (fontconfig, or the fonts folder, is missing)")
    return f"{type(window).__module__}.{type(window).__name__} shown on {test.app.platformName()}"


def check_styles(test: SelfTest) -> str:
    """Style sheets parse; Qt parses one only when it polishes a widget, so this needs a window."""
    sheets = sorted((paths.resources_dir() / "styles").glob("*.qss"))
    if not sheets:
        return "none to check"
    if not hasattr(test.window, "ensurePolished"):
        raise CheckWarning(f"{len(sheets)} not checked: that needs the widgets UI (ui.main_window)")
    for sheet in sheets:
        before = len(test.qt_messages)
        text = paths.style_sheet_text(sheet)
        for file in paths.style_sheet_files(text):
            _check_style_file(sheet, file)
        test.app.setStyleSheet(text)  # re-polishes the shown window
        test.app.processEvents()
        complaints = [m for m in test.qt_messages[before:] if "style" in m.lower()]
        if complaints:
            raise CheckFailed(f"{sheet}: {complaints[0]}")
    test.app.setStyleSheet("")
    return ", ".join(s.name for s in sheets)


def _check_style_file(sheet: Path, file: Path) -> None:
    """Open a url() the way Qt will (QFile, then an image reader), not only ask the OS."""
    from PySide6.QtCore import QFile, QIODevice
    from PySide6.QtGui import QImageReader

    handle = QFile(str(file))
    if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
        raise CheckFailed(f"{sheet}: Qt cannot open url({file}): {handle.errorString()}")
    handle.close()
    if QImageReader(str(file)).read().isNull():
        raise CheckFailed(f"{sheet}: url({file}) is not an image Qt can read")
def check_pages(test: SelfTest) -> str:
    """Every page the main window can go to builds (about a task that is not there).

    A page's module is imported when it is first opened, so only this shows that
    the bundle has it; a page that fails to build fails the self-test.
    """
    screens = getattr(sys.modules.get("ui.main_window"), "SCREENS", None)
    if screens is None or not hasattr(test.window, "go"):
        raise CheckWarning("not checked: that needs the widgets UI (ui.main_window)")
    built = []
    try:
        for screen in screens:
            test.window.go(screen, "self-test")
            built.append(type(test.window.current_page()).__name__)
    finally:
        test.window.go_board()
    return ", ".join(built)


def check_commands(_: SelfTest) -> str:
    """The headless commands import, so nothing they need was left out of the bundle.

    desktop/app/main.py imports both literally, which is how PyInstaller finds them.
    """
    present, absent = [], []
    for command, module in (("enrol", "sync.enrolment"), ("sync", "desktop.app.cli")):
        try:
            __import__(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise CheckFailed(f"knop {command}: {error}") from None
            absent.append(command)
        else:
            present.append(command)
    if absent:
        raise CheckWarning(
            f"not written yet: {', '.join(absent)}; importable: {', '.join(present) or 'none'}"
        )
    return ", ".join(present)


def check_store(_: SelfTest) -> str:
    import sqlite3

    from desktop import migrations
    from desktop.store import Store

    with tempfile.TemporaryDirectory(prefix="knop-selftest-") as folder:
        store = Store(Path(folder) / "knop.sqlite3")
        try:
            with store.transaction():
                store.set_state("self_test", "ok")
            if store.state("self_test") != "ok":
                raise CheckFailed("a value written to the store did not read back")
            version = migrations.version_of(store.connection)
        finally:
            store.close()
    return f"SQLite {sqlite3.sqlite_version}, schema v{version}, full-text search"


def check_keyring(_: SelfTest) -> str:
    """No OS keyring is a warning (Knop runs); one that is there but cannot store fails.

    The second is tried with an entry of Knop's own (`check_keyring_stores`), as
    `knop enrol` does before it spends its code: a locked or read-only keyring
    looks usable until something is written to it.
    """
    from desktop.credentials import CredentialsUnavailable, check_keyring_stores, keyring_check

    check = keyring_check()
    if check.backend is None:
        raise CheckWarning(
            f"no usable OS keyring: {check.refusal}; this machine cannot keep its enrolment "
            "or offline logins (Linux needs a Secret Service such as gnome-keyring)"
        )
    try:
        check_keyring_stores()
    except CredentialsUnavailable as error:
        raise CheckFailed(
            f"{error.detail}; this machine cannot be enrolled or keep offline logins until it "
            "can (unlock the keyring; on Linux, a Secret Service such as gnome-keyring)"
        ) from None
    return f"{check.name}, a test entry stored, read back and deleted"


def check_tls(_: SelfTest) -> str:
    """The OS trust store (truststore) and IT's extra CA, if any, load without the network."""
    import truststore

    from desktop.settings import SettingsError, load_settings

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ca_bundle = load_settings().ca_bundle
    except SettingsError:
        ca_bundle = None  # already reported by the settings check
    if ca_bundle:
        try:
            context.load_verify_locations(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as error:
            raise CheckFailed(f"ca_bundle {ca_bundle}: {error}") from None
        return f"OS trust store plus {ca_bundle}"
    return f"OS trust store, {ssl.OPENSSL_VERSION}"


CHECKS: tuple[tuple[str, Callable[[SelfTest], str]], ...] = (
    ("knop", check_version),
    ("settings", check_settings),
    ("directories", check_directories),
    ("platform plugin", check_platform_plugin),
    ("qt", check_qt),
    ("translations", check_translations),
    ("icons", check_icons),
    ("gui modules", check_gui_modules),
    ("login screen", check_login_screen),
    ("main window", check_main_window),
    ("styles", check_styles),
    ("pages", check_pages),
    ("commands", check_commands),
    ("store", check_store),
    ("keyring", check_keyring),
    ("tls", check_tls),
)


def run_self_test() -> int:
    """Run every check, print one line each, and return 0 only if none failed."""
    started = time.perf_counter()
    test = SelfTest()
    try:
        for name, check in CHECKS:
            test.run(name, check)
    finally:
        test.close()
    failed = [name for status, name, _ in test.lines if status == "fail"]
    warned = [name for status, name, _ in test.lines if status == "warn"]
    took = time.perf_counter() - started
    if failed:
        print(f"self-test FAILED: {', '.join(failed)} ({took:.1f} s)", flush=True)
        return 1
    notes = f", {len(warned)} warning(s)" if warned else ""
    print(f"self-test passed: {len(test.lines)} checks{notes} ({took:.1f} s)", flush=True)
    return 0
