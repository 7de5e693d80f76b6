"""Knop's icon for windows, the taskbar and dialogs."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from desktop import paths


def app_icon() -> QIcon:
    """The app icon from the resources (SVG, so it is sharp at any scale)."""
    return QIcon(str(paths.resources_dir() / "icons" / "knop.svg"))
