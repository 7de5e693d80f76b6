"""Which system library keeps Qt from starting, and the Debian/Ubuntu package that brings it.

The bundle carries Qt and most of what it links, but takes a few libraries
from the machine (docs/DEPLOYMENT.md lists them). When one is missing, the
dynamic loader's message names it, in an ImportError (libEGL for QtGui) or in
Qt's plugin loader (libxcb for the xcb platform plugin, which Qt otherwise
reports with an abort). This module reads the library from that real message,
so the hint names what is actually missing, and looks up its package.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

# soname -> Debian/Ubuntu package, for what Qt's libraries and the xcb plugin load.
PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}

# What the dynamic loader says about a library it cannot use: absent, empty or not a library.
_LOADER_COMPLAINT = re.compile(
    r"(?:^|[\s(/])(lib[\w+.-]*?\.so(?:\.\d+)*)\s*:\s*"
    r"(?:cannot open shared object file|file too short|invalid ELF header|wrong ELF class)"
)


class PlatformUnavailable(Exception):
    """Qt cannot open a window on this machine; the message says what to install."""


def missing_library(text: str) -> str | None:
    """The soname the loader complains about in `text` (an ImportError, Qt's error), if any."""
    found = _LOADER_COMPLAINT.search(text)
    return found[1] if found else None


def install_hint(library: str) -> str:
    """One sentence: which library is missing and how to get it on Debian/Ubuntu."""
    package = PACKAGES.get(library)
    if package:
        return (
            f"the system library {library} is missing; install the package {package} "
            f"(sudo apt-get install {package})"
        )
    return (
        f"the system library {library} is missing; find its package with "
        f"apt-file search {library}"
    )


def chosen_platform() -> str:
    """The Qt platform plugin QGuiApplication will load here ("" when Qt picks one itself)."""
    return os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()


# Platforms with no screen: nobody could see (or close) a dialog there, so one would hang.
NO_DIALOG_PLATFORMS = ("offscreen", "minimal")


def dialogs_can_be_seen() -> bool:
    """Whether a dialog shown now would reach a person (not on the offscreen or minimal platform)."""
    return chosen_platform() not in NO_DIALOG_PLATFORMS


def platform_plugin_problem() -> str | None:
    """None when Qt's platform plugin will load here, else a sentence why not.

    Qt aborts the process when its platform plugin cannot load, before Python
    can catch anything, so the app asks this first. Only Linux's X11 plugin is
    tried: on Wayland Qt falls back to X11 by itself, and elsewhere the plugin
    is part of the bundle's own files.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = chosen_platform()
    if platform not in ("", "xcb") or (not platform and os.environ.get("WAYLAND_DISPLAY")):
        return None
    return xcb_plugin_problem()


def xcb_plugin_problem() -> str | None:
    """Load the X11 (xcb) plugin as QGuiApplication would: None, or a sentence naming what is missing."""
    from PySide6.QtCore import QLibraryInfo, QPluginLoader

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    plugin = folder / "libqxcb.so"
    if not plugin.exists():
        return f"the X11 platform plugin is missing from {folder}; reinstall Knop"
    loader = QPluginLoader(str(plugin))
    if loader.load():
        return None
    error = loader.errorString()
    library = missing_library(error)
    if library:
        return f"Qt cannot open a window: {install_hint(library)}"
    return f"Qt cannot open a window: the X11 platform plugin does not load ({error})"
