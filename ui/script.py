"""`knop --script FILE`: the app performs a written session on its own widgets (hidden; for tests).

The bundle's end-to-end test (tests/deploy/test_bundle_e2e.py) uses it to
drive the real, frozen app on a real X display: log in through the login
screen, open a task, place a bid, wait for the sync, take screenshots, quit.
The steps go through Qt's own test events (QtTest), so they take the same
paths as a person's keys and clicks, and they need nothing from outside the
app. Logging in still takes the person's password: the script is a person at
the keyboard, not a way around one.

One step a line; `#` starts a comment; words are split like a shell's:

    type NAME TEXT       type TEXT into the widget NAME
    press NAME KEY       press a key (a Qt.Key name without "Key_": Return, Down)
    click NAME           click the widget NAME with the left button
    wait NAME            until the widget NAME is shown
    wait-text NAME TEXT  until NAME's text contains TEXT
    wait-rows NAME N     until the item view NAME holds at least N rows
    wait-row NAME TEXT   until the first row of the item view NAME is loaded and shows TEXT
                         ("" for any text: the board is usable)
    wait-synced          until a sync that ended after the last type/press/click has sent everything
    screenshot PATH      the whole screen as the display shows it, as PNG
    quit                 quit as the menu's Quit does (exit code 0)

NAME is a widget's objectName, its accessible name, or a button's text
without its "&". A widget counts only when shown and enabled. Every step
waits for what it needs, up to KNOP_SCRIPT_TIMEOUT seconds (default 120), so
a slow machine makes the run slower, never wrong. Each finished step prints
`script: <number> <step> <unix time>` to stdout, which is what the harness
reads (and `make bench` takes its timings from); a step that cannot be done
prints why and ends the app with exit code 3.
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QWidget

from desktop.core.ids import utc_now
from desktop.logs import FILE_ONLY

log = logging.getLogger(__name__)

FAILED = 3
POLL_MS = 50


class ScriptError(Exception):
    """A line that is not a step, or a step that cannot be done; the message says which."""


def read_steps(path: Path) -> list[list[str]]:
    """The file's steps as word lists; raises ScriptError for an unknown step or missing words."""
    steps = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        wanted = _WORDS.get(words[0])
        if wanted is None:
            raise ScriptError(f"{path}, line {number}: unknown step {words[0]!r}")
        if len(words) != wanted + 1:
            raise ScriptError(f"{path}, line {number}: {words[0]} takes {wanted} word(s)")
        steps.append(words)
    return steps


_WORDS = {
    "type": 2,
    "press": 2,
    "click": 1,
    "wait": 1,
    "wait-text": 2,
    "wait-rows": 2,
    "wait-row": 2,
    "wait-synced": 0,
    "screenshot": 1,
    "quit": 0,
}


def find_widget(name: str) -> QWidget | None:
    """The first shown, enabled widget called `name` in any top-level window."""
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in [top, *top.findChildren(QWidget)]:
            if not (widget.isVisible() and widget.isEnabled()):
                continue
            text = widget.text().replace("&", "") if isinstance(widget, QAbstractButton) else None
            if name in (widget.objectName(), widget.accessibleName(), text):
                return widget
    return None


class Script(QObject):
    """Runs the steps one after another on the UI thread, each when its widget is ready."""

    def __init__(self, shell: Any, steps: list[list[str]], timeout_s: float) -> None:
        super().__init__(shell)
        self.shell = shell
        self.steps = steps
        self.timeout_s = timeout_s
        self.index = 0
        self.began = 0.0
        self.acted_utc = ""  # when the last type, press or click was done (the sync's clock)
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._begin_step()
        self.timer.start()

    def _begin_step(self) -> None:
        self.began = time.monotonic()

    def _tick(self) -> None:
        if self.index >= len(self.steps):
            self.timer.stop()
            return
        words = self.steps[self.index]
        try:
            done = self._try(words)
        except ScriptError as error:
            self._fail(words, str(error))
            return
        if done:
            print(f"script: {self.index + 1} {shlex.join(words)} {time.time():.6f}", flush=True)
            self.index += 1
            self._begin_step()
        elif time.monotonic() - self.began > self.timeout_s:
            self._fail(words, f"not possible within {self.timeout_s:.0f} s")

    def _fail(self, words: list[str], why: str) -> None:
        self.timer.stop()
        message = f"script: step {self.index + 1} ({shlex.join(words)}) failed: {why}"
        log.error("%s", message, extra=FILE_ONLY)
        print(message, file=sys.stderr, flush=True)
        self.shell.shut_down()
        QApplication.exit(FAILED)

    def _try(self, words: list[str]) -> bool:
        """Do the step if it can be done now; False means try again on the next tick."""
        step, args = words[0], words[1:]
        if step == "quit":
            self.shell.quit()
            return True
        if step == "wait-synced":
            return self._synced()
        if step == "screenshot":
            return self._screenshot(Path(args[0]))
        widget = find_widget(args[0])
        if widget is None:
            return False
        if step in ("type", "press", "click"):
            self.acted_utc = utc_now()  # a sync that ends after this has seen what it did
        action: Callable[[], bool] = {
            "wait": lambda: True,
            "type": lambda: _type(widget, args[1]),
            "press": lambda: _press(widget, args[1]),
            "click": lambda: _click(widget),
            "wait-text": lambda: args[1] in _text_of(widget),
            "wait-rows": lambda: _rows(widget) >= int(args[1]),
            "wait-row": lambda: _first_row(widget) != "" and args[1] in _first_row(widget),
        }[step]
        return action()

    def _synced(self) -> bool:
        window = getattr(self.shell, "window", None)
        status = getattr(window, "status", None)
        state = getattr(status, "sync_state", None)
        if status is None or state is None or state.syncing or not state.online:
            return False
        if not state.last_success:
            return False
        nothing_left = state.pending == 0 and status.counts.pending == 0
        return nothing_left and state.last_success > self.acted_utc

    def _screenshot(self, path: Path) -> bool:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            raise ScriptError("no screen to take a picture of")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not screen.grabWindow(0).save(str(path), "PNG"):
            raise ScriptError(f"cannot write {path}")
        return True


def _type(widget: QWidget, text: str) -> bool:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.keyClicks(widget, text)
    return True


def _press(widget: QWidget, key: str) -> bool:
    code = getattr(Qt.Key, f"Key_{key}", None)
    if code is None:
        raise ScriptError(f"no key called {key}")
    QTest.keyClick(widget, code)
    return True


def _click(widget: QWidget) -> bool:
    target = widget.viewport() if isinstance(widget, QAbstractItemView) else widget
    QTest.mouseClick(target, Qt.MouseButton.LeftButton)
    return True


def _text_of(widget: QWidget) -> str:
    for reader in ("text", "toPlainText", "currentText"):
        if hasattr(widget, reader):
            return str(getattr(widget, reader)())
    return ""


def _rows(widget: QWidget) -> int:
    model = widget.model() if isinstance(widget, QAbstractItemView) else None
    return model.rowCount() if model is not None else 0


def _first_row(widget: QWidget) -> str:
    """The first row's texts, column after column, as one string ("" until its data is loaded)."""
    model = widget.model() if isinstance(widget, QAbstractItemView) else None
    if model is None or model.rowCount() == 0:
        return ""
    cells = (model.index(0, column).data() for column in range(model.columnCount()))
    return "\t".join(str(cell) for cell in cells if cell)


def run_script(shell: Any, path: Path) -> Script:
    """Start the steps of `path` on the running app; the caller keeps the Script alive.

    Raises ScriptError when the file holds something that is not a step.
    """
    timeout = float(os.environ.get("KNOP_SCRIPT_TIMEOUT", "120"))
    script = Script(shell, read_steps(path), timeout)
    script.start()
    return script
