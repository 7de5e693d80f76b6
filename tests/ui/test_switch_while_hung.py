"""Switching user while the server hangs is instant, keeps what is typed, and leaves no sync behind.

Try-out s36: with the server process stopped (SIGSTOP; a hung network looks the
same) and a sync waiting on it, Ctrl+Shift+L and a name, Tab, a password and
Enter typed at once gave a black screen for 10 s (the UI thread joined the sync
thread), then a login screen with empty fields. The old person's sync went on
after the logout and called into its deleted Qt adapter ("Signal source has
been deleted"); the next person's offline login showed "Logging in…" for 21 s,
and their status bar said "Never synced" although they had synced before.

Here the same happens to a real server process, stopped with SIGSTOP while
Bo's sync waits inside a request to it, with the real shell, login and sync.
The keys are queued for the window that has them when the switch starts, as a
window system queues what is typed while the UI thread is busy
(test_typed_during_switch.py does the same for a language switch).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent

from desktop.settings import load_settings
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import hung
from tests.ui.test_login_server import settled
from tests.ui.test_shell import log_in
from ui.login import LoginScreen
from ui.main_window import MainWindow
from ui.shell import Shell


def waiting_for_an_answer() -> bool:
    """Whether a thread of the sync (its own, or its pull's fetcher) waits inside a request for an answer."""
    for frame in sys._current_frames().values():
        names = []
        while frame is not None:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        if "request" in names and any(name in ("readinto", "recv_into", "_read_status") for name in names):
            return True
    return False


def sync_thread(window: MainWindow) -> threading.Thread:
    sync = window.context.sync
    assert sync is not None
    thread = sync.scheduler._thread  # type: ignore[attr-defined]
    assert thread is not None
    return thread


def queue_keys(keys: list[tuple[Qt.Key, str]]) -> bool:
    """Queue key presses and releases for the window that has the keys, as typed; False with none."""
    target = QGuiApplication.focusWindow()
    if target is None or not target.isVisible():
        return False
    for key, text in keys:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.postEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))
    return True


def typed(text: str) -> list[tuple[Qt.Key, str]]:
    return [(Qt.Key(ord(letter.upper())) if letter.isalpha() else Qt.Key(ord(letter)), letter) for letter in text]


def test_switching_user_while_the_server_hangs_is_instant_and_keeps_what_is_typed(
    qtbot: Any,
    fresh_knop_server: Deployment,
    machines: MachineFactory,
    world: World,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = fresh_knop_server
    machine = machines(server, world.school.id)
    with machine:
        shell = Shell(load_settings(), "en")
        try:
            shell.start()
            # Anna and Bo have both logged in here online before, and synced.
            window = log_in(qtbot, shell, "anna", PASSWORD, wait_rows=False)
            qtbot.waitUntil(lambda: settled(window) and window.status.last_label.text().startswith("Last sync"),
                            timeout=30_000)
            window.switch_action.trigger()
            window = log_in(qtbot, shell, "bo", PASSWORD, wait_rows=False)
            qtbot.waitUntil(lambda: settled(window), timeout=30_000)
            window.activateWindow()
            qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window.windowHandle())
            caplog.clear()
            caplog.set_level(logging.INFO)

            with hung(server):
                bos_thread = sync_thread(window)
                window.status.sync_button.click()
                qtbot.waitUntil(waiting_for_an_answer, timeout=10_000)

                queued: list[bool] = []
                end_session = shell._end_session

                def typing_meanwhile(**kwargs: Any) -> None:
                    # Typed at once after Ctrl+Shift+L: queued for the window that has the keys now.
                    queued.append(queue_keys([*typed("anna"), (Qt.Key.Key_Tab, "\t"), *typed(PASSWORD),
                                              (Qt.Key.Key_Return, "\r")]))
                    end_session(**kwargs)

                shell._end_session = typing_meanwhile  # type: ignore[method-assign]
                started = time.monotonic()
                with qtbot.waitSignal(shell.entered, timeout=15_000) as entered:
                    window.switch_action.trigger()
                    switched = time.monotonic() - started
                    assert isinstance(shell.gate, LoginScreen)
                logged_in = time.monotonic() - started
                assert queued == [True]
                # On the old code the switch held the UI thread 10 s and the keys were lost.
                assert switched < 2.0, f"the switch took {switched:.1f} s"
                anna = entered.args[0]
                assert isinstance(anna, MainWindow)
                assert shell.session is not None and shell.session.username == "anna"
                assert not shell.session.online  # the server hangs: offline, soon
                assert logged_in < 10.0, f"the offline login took {logged_in:.1f} s"
                # Her own last sync, not "Never synced", while the server still hangs.
                qtbot.waitUntil(lambda: anna.status.last_label.text().startswith("Last sync"), timeout=3_000)
                assert bos_thread.is_alive()  # still in its request: let go, not waited for

            # The server answers again: Bo's old sync ends, with no further request and no error.
            qtbot.waitUntil(lambda: not bos_thread.is_alive(), timeout=60_000)
            qtbot.waitUntil(lambda: not any(t.name == "knop-sync-stop" for t in threading.enumerate()),
                            timeout=60_000)
            problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
            assert not problems, [r.getMessage() for r in problems]
            # Bo's old thread made no request after the switch: the one in flight was its last.
            retried = [r.getMessage() for r in caplog.records if r.name == "sync.transport" and "attempt" in r.getMessage()]
            assert not retried, retried
        finally:
            shell.shut_down()
