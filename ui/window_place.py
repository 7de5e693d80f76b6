"""Where Knop's window goes: the size the person gave it last time, always inside the screen.

The login, lock and main windows share one place (the shell moves it from one
to the next). It is kept across runs in the user's config folder as Qt's own
`saveGeometry()` bytes (base64), which also hold the screen it was on; a place
that no longer fits (a smaller screen, a laptop off its dock) is shrunk and
moved until the whole window, frame included, is on the screen.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop import paths

log = logging.getLogger(__name__)

GEOMETRY_FILE = "window-geometry"
# What a window manager adds around a window not yet shown (title bar, borders):
# before the first show Qt cannot know, and the whole frame must fit.
FRAME = QSize(16, 40)


def _file() -> Path:
    return paths.config_dir() / GEOMETRY_FILE


def remembered() -> QByteArray | None:
    """The window's place from the last run, or None (never saved, or unreadable: logged)."""
    try:
        text = _file().read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeError) as error:
        log.warning("cannot read the window's place from %s: %s", _file(), error)
        return None
    return QByteArray.fromBase64(text.encode("ascii")) if text else None


def remember(geometry: QByteArray) -> None:
    """Keep `geometry` (from `QWidget.saveGeometry()`) for the next run; a failure is only logged."""
    try:
        _file().parent.mkdir(parents=True, exist_ok=True)
        _file().write_text(bytes(geometry.toBase64().data()).decode("ascii") + "\n", encoding="ascii")
    except OSError as error:
        log.warning("cannot keep the window's place in %s: %s", _file(), error)


def available_area(window: QWidget) -> QRect:
    """The screen area a window may use (without panels), of the screen it is on or the primary one."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def place(window: QWidget, wanted: QSize, geometry: QByteArray | None, area: QRect | None = None) -> None:
    """Give `window` its remembered `geometry`, or `wanted` centred, then make it fit `area`.

    `area` is the screen's available area (default: `available_area(window)`).
    The window, its frame included, ends up wholly inside it, never smaller
    than the window's minimum size allows.
    """
    area = area or available_area(window)
    if geometry is None or geometry.isEmpty() or not window.restoreGeometry(geometry):
        window.resize(wanted)
        frame = window.size() + FRAME
        window.move(area.center().x() - frame.width() // 2, area.center().y() - frame.height() // 2)
    fit(window, area)


def fit(window: QWidget, area: QRect) -> None:
    """Shrink and move `window` so that it and its frame lie inside `area`."""
    extra = window.frameGeometry().size() - window.size() if window.isVisible() else FRAME
    room = area.size() - extra
    size = window.size().boundedTo(room).expandedTo(window.minimumSize())
    if size != window.size():
        window.resize(size)
    frame = QRect(window.pos(), size + extra)
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    window.move(max(x, area.left()), max(y, area.top()))
