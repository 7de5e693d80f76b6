"""A private X display for the bundle's tests and benchmarks: Xvfb, and its window events.

The bundle must be tried on a real X server, not Qt's offscreen platform, so
that the xcb plugin and the system libraries it loads are part of the test.
`xvfb()` starts one on a free display number; its `Screen` tells when a
process maps its first top-level window, which is what a person sees.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import select
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19


class _MapEvent(ctypes.Structure):
    """Xlib's XMapEvent: enough of it to tell a real window from a popup."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("override_redirect", ctypes.c_int),
    ]


class _Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("map", _MapEvent), ("pad", ctypes.c_long * 24)]


class Screen:
    """A private X display whose root window reports every top-level window mapped on it."""

    def __init__(self, display: str) -> None:
        self.name = display
        self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        for name in (
            "XDefaultRootWindow",
            "XConnectionNumber",
            "XPending",
            "XFlush",
            "XCloseDisplay",
        ):
            getattr(self.x11, name).argtypes = [ctypes.c_void_p]
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self.x11.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Event)]
        self.handle = self.x11.XOpenDisplay(display.encode())
        if not self.handle:
            raise RuntimeError(f"cannot open X display {display}")
        root = self.x11.XDefaultRootWindow(self.handle)
        self.x11.XSelectInput(self.handle, root, SUBSTRUCTURE_NOTIFY_MASK)
        self.x11.XFlush(self.handle)
        self.fd = self.x11.XConnectionNumber(self.handle)

    def drain(self) -> None:
        event = _Event()
        while self.x11.XPending(self.handle):
            self.x11.XNextEvent(self.handle, ctypes.byref(event))

    def wait_for_window(self, process: subprocess.Popen[bytes], timeout: float) -> bool:
        """True when a normal (not override-redirect) top-level window is mapped."""
        event = _Event()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and process.poll() is None:
            while self.x11.XPending(self.handle):
                self.x11.XNextEvent(self.handle, ctypes.byref(event))
                if event.type == MAP_NOTIFY and not event.map.override_redirect:
                    return True
            select.select([self.fd], [], [], 0.01)
        return False

    def close(self) -> None:
        self.x11.XCloseDisplay(self.handle)


@contextmanager
def xvfb() -> Iterator[Screen]:
    """Xvfb on the first free display number, gone afterwards."""
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        screen = Screen(f":{number}")
        try:
            yield screen
        finally:
            screen.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
