"""`knop demo`: the central server on SQLite with demo data, and this client enrolled to it.

This is what `make run` starts. Everything the demo writes stays in one folder
(`.knop-demo/` by default): the server's database and log, and the client's
settings, stores and logs, so trying Knop never touches a real installation.
The server runs as a child process, exactly as `knop-server` would in
production, and is stopped when the client window closes. It also ends when
`knop demo` ends any other way (SIGTERM, SIGKILL, a closed terminal): it
watches the pipe on its standard input, whose other end only this process
holds (`knop-server --stop-when-stdin-closes`).

For IT and testers: `--data-dir` keeps the demo in a folder of their choosing
(reused on the next start), `--fresh` starts it over, `--seed` makes the same
data again, and `--language` sets the demo workstation's machine language.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from desktop.logs import setup_logging
from sync import protocol

log = logging.getLogger(__name__)


# What the demo writes in its folder, and all `--fresh` deletes: never the folder
# itself, which may be one the person keeps other things in.
SERVER_FILES = ("server.sqlite3", "server.sqlite3-wal", "server.sqlite3-shm", "server.log", "server.err")
CODE_FILE = "enrolment-code.txt"
CLIENT_FOLDER = "client"
DEVICE_FILE = "client/demo-device.txt"  # the id of the device the demo enrolled; goes with the client


def forget_the_demo(base: Path) -> list[Path]:
    """Delete what an earlier demo wrote in `base` (SERVER_FILES, CODE_FILE, CLIENT_FOLDER); returns what went."""
    gone: list[Path] = []
    for name in (*SERVER_FILES, CODE_FILE):
        path = base / name
        if path.is_file():
            path.unlink()
            gone.append(path)
    client = base / CLIENT_FOLDER
    if client.is_dir():
        shutil.rmtree(client)
        gone.append(client)
    return gone


def demo_command(args: argparse.Namespace) -> int:
    base = Path(args.dir).resolve()
    base.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{args.port}"
    if not port_free(args.port):
        print(
            f"knop demo: port {args.port} on 127.0.0.1 is already in use, perhaps by another "
            f"knop demo that is still running. Close that one, or start this one with "
            f"--port and a free port (for example --port {args.port + 1}).",
            file=sys.stderr,
        )
        return 2
    if getattr(args, "fresh", False):
        gone = forget_the_demo(base)  # before the folders below are made again
        print(f"Knop demo: started over in {base} ({len(gone)} earlier file(s) or folder(s) deleted).")
    for name, sub in (
        ("KNOP_CONFIG_DIR", "client/config"),
        ("KNOP_SYSTEM_CONFIG_DIR", "client/machine-config"),
        ("KNOP_DATA_DIR", "client/data"),
        ("KNOP_LOG_DIR", "client/logs"),
    ):
        os.environ.setdefault(name, str(base / sub))
    # `knop` set up logging before it knew this was the demo; the log moves with the folders.
    setup_logging()
    code_file = base / CODE_FILE
    code_file.unlink(missing_ok=True)
    server = start_server(base, args.port, code_file, seed=getattr(args, "seed", None))
    try:
        if not wait_until_up(url, server, timeout=120):
            print(f"knop demo: the server did not start; see {base / 'server.log'}", file=sys.stderr)
            return 1
        use_a_keyring_for_the_demo()
        from sync.enrolment import enrol_command

        device = enrolled_already(base, url)
        if device:
            print(f"Knop demo: this workstation is enrolled already (device {device}); it is used again.")
        else:
            code = code_file.read_text(encoding="utf-8").strip()
            enrolled = enrol_command(argparse.Namespace(server=url, code=code, name="demo-workstation"))
            if enrolled != 0:
                return enrolled
            remember_the_device(base, url)
        language = getattr(args, "demo_language", None)
        if language is not None:
            from desktop.settings import save_machine_settings

            save_machine_settings(language=language)  # kept, as IT's file would keep it
        print(
            "Knop demo: log in as anna, mette, ole or admin with the password 'knop-demo'.",
            flush=True,
        )
        from ui.main import run_gui

        return run_gui(args)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def enrolled_already(base: Path, url: str) -> str | None:
    """The id of the device an earlier demo in `base` enrolled, if it can be used again; else None.

    It can when this folder's machine file still names the demo's server at
    `url` and a site, and the keyring still holds the credential of the very
    device this folder enrolled (DEVICE_FILE): a credential another demo folder
    left for the same URL belongs to another server's database. Without an OS
    keyring the credential went with the last run, and the demo enrols again.
    Every `make run` used to enrol anew, and the admin's device list filled with
    old "demo-workstation"s (try-out s36).
    """
    from desktop import credentials
    from desktop.settings import SettingsError, load_settings

    try:
        device = (base / DEVICE_FILE).read_text(encoding="utf-8").strip()
        settings = load_settings()
        credential = credentials.device_credential(url)
    except (OSError, SettingsError, credentials.CredentialsUnavailable):
        return None
    if not device or settings.server_url != url or not settings.site_id:
        return None
    return device if credential and credential.partition(".")[0] == device else None


def remember_the_device(base: Path, url: str) -> None:
    """Note which device this folder's demo enrolled (DEVICE_FILE), so the next start uses it again."""
    from desktop import credentials

    credential = credentials.device_credential(url) or ""
    # The client folder exists only when the demo chose the client's folders itself; with
    # KNOP_CONFIG_DIR and the others set (IT, the tests) nothing made it yet.
    (base / DEVICE_FILE).parent.mkdir(parents=True, exist_ok=True)
    (base / DEVICE_FILE).write_text(credential.partition(".")[0] + "\n", encoding="utf-8")


def start_server(base: Path, port: int, code_file: Path, seed: int | None = None) -> subprocess.Popen[bytes]:
    """The demo's server as a child process, its database in `base`; `seed` for the data it makes."""
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
        "--stop-when-stdin-closes",
        *(["--demo-seed", str(seed)] if seed is not None else []),
    ]
    # stdin is a pipe nobody writes to: when this process ends, however it ends, the
    # system closes it and the server stops (see sync.server.main.stop_when_stdin_closes).
    with open(base / "server.err", "wb") as errors:
        return subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True if nothing listens on `host`:`port`, so the demo's server can take it.

    Tried by binding it (then letting go), as the server will; SO_REUSEADDR as
    uvicorn sets it, so a port that a server just let go of counts as free.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let two servers share the port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


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
