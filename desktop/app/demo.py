"""`knop demo`: the central server on SQLite with demo data, and this client enrolled to it.

This is what `make run` starts. Everything the demo writes stays in one folder
(`.knop-demo/` by default): the server's database and log, and the client's
settings, stores and logs, so trying Knop never touches a real installation.
The server runs as a child process, exactly as `knop-server` would in
production, and is stopped when the client window closes.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from desktop.logs import setup_logging
from sync import protocol

log = logging.getLogger(__name__)


def demo_command(args: argparse.Namespace) -> int:
    base = Path(args.dir).resolve()
    base.mkdir(parents=True, exist_ok=True)
    for name, sub in (
        ("KNOP_CONFIG_DIR", "client/config"),
        ("KNOP_SYSTEM_CONFIG_DIR", "client/machine-config"),
        ("KNOP_DATA_DIR", "client/data"),
        ("KNOP_LOG_DIR", "client/logs"),
    ):
        os.environ.setdefault(name, str(base / sub))
    # `knop` set up logging before it knew this was the demo; the log moves with the folders.
    setup_logging()
    url = f"http://127.0.0.1:{args.port}"
    code_file = base / "enrolment-code.txt"
    code_file.unlink(missing_ok=True)
    server = start_server(base, args.port, code_file)
    try:
        if not wait_until_up(url, server, timeout=120):
            print(f"knop demo: the server did not start; see {base / 'server.log'}", file=sys.stderr)
            return 1
        use_a_keyring_for_the_demo()
        from sync.enrolment import enrol_command

        code = code_file.read_text(encoding="utf-8").strip()
        enrolled = enrol_command(argparse.Namespace(server=url, code=code, name="demo-workstation"))
        if enrolled != 0:
            return enrolled
        print(
            "Knop demo: log in as anna, mette, ole or admin with the password 'knop-demo'.",
            flush=True,
        )
        from ui.main import run_gui

        return run_gui(args)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def start_server(base: Path, port: int, code_file: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "sync.server.main",
        "--db",
        str(base / "server.sqlite3"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--demo",
        "--demo-code-file",
        str(code_file),
        "--log-file",
        str(base / "server.log"),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(base / "server.err", "wb"))


def wait_until_up(url: str, server: subprocess.Popen[bytes], *, timeout: float) -> bool:
    """Seeding the demo data takes a few seconds on first start; wait for health."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            answer = requests.get(
                url + protocol.PATH_HEALTH,
                headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)},
                timeout=2,
            )
            if answer.ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def use_a_keyring_for_the_demo() -> None:
    """A headless or bare machine may have no OS keyring; the demo then keeps secrets in memory.

    Nothing is written to disk: closing the demo forgets the device credential
    and tokens, and the next `make run` enrols again.
    """
    from desktop import credentials

    if not credentials.keyring_usable():
        log.warning("no usable OS keyring; the demo keeps its secrets in memory only")
        credentials.use_memory_keyring()
