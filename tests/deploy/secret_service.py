"""A private D-Bus session with an unlocked gnome-keyring: the OS keyring of a real Linux desktop.

`knop enrol` puts the device credential in the OS keyring and the app reads it
from there in another process, so the bundle's end-to-end test needs a real
Secret Service shared by both, not Knop's in-memory stand-in. The keyring's
files go to a folder of the test's own; nothing of the machine's is touched.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SECRETS_NAME = "org.freedesktop.secrets"
PROGRAMS = ("dbus-daemon", "dbus-send", "gnome-keyring-daemon")  # Debian: dbus, gnome-keyring


def _owned(env: dict[str, str], name: str) -> bool:
    answer = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
         "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
        env=env, capture_output=True, text=True, timeout=10,
    )
    return answer.returncode == 0 and "boolean true" in answer.stdout


@contextmanager
def secret_service(home: Path, *, timeout: float = 60) -> Iterator[dict[str, str]]:
    """Yields the environment variables that point a process at the session bus and its keyring.

    Raises RuntimeError when the bus or the keyring does not come up within
    `timeout` seconds (a bound on the wait, not a pause).
    """
    home.mkdir(parents=True, exist_ok=True)
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, text=True,
    )
    keyring: subprocess.Popen[bytes] | None = None
    try:
        address = (bus.stdout.readline() if bus.stdout else "").strip()
        if not address:
            raise RuntimeError("dbus-daemon did not say its address")
        env = {"DBUS_SESSION_BUS_ADDRESS": address}
        keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            env={**os.environ, **env, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")},
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        assert keyring.stdin is not None
        keyring.stdin.write(b"knop-e2e")  # the password of the new, unlocked login keyring
        keyring.stdin.close()
        deadline = time.monotonic() + timeout
        while not _owned({**os.environ, **env}, SECRETS_NAME):
            if time.monotonic() > deadline or keyring.poll() is not None:
                raise RuntimeError("gnome-keyring-daemon did not take the Secret Service name")
            time.sleep(0.1)
        yield env
    finally:
        for process in (keyring, bus):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
