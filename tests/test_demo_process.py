"""`knop demo` as a real process: its server ends with it, however it ends, and a taken port is said.

Each case starts `python -m desktop.app demo` (the server with demo data, the
client enrolled to it, the login window offscreen), waits until the server
answers, ends `knop demo` the way a person or the system would, and waits until
the demo's port is free again: the server went with it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from desktop.app.demo import port_free
from sync import protocol

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals as POSIX sends them")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(port: int) -> bool:
    try:
        return requests.get(
            f"http://127.0.0.1:{port}{protocol.PATH_HEALTH}",
            headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)},
            timeout=2,
        ).ok
    except requests.RequestException:
        return False


def wait_for(condition: object, timeout: float, what: str) -> None:
    """Poll `condition` (a callable) until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every case: the demo data is seeded once, the next starts are quicker."""
    return tmp_path_factory.mktemp("knop-demo")


def start_demo(folder: Path, port: int, **popen: object) -> subprocess.Popen[bytes]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "desktop.app", "--language", "da", "demo", "--dir", str(folder),
         "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # so the clean-up can end the whole group if a case fails
        **popen,
    )


@pytest.fixture
def ended_at_last() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:  # a failed case must not leave its processes behind
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)


@pytest.mark.parametrize(
    "how", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=["SIGKILL", "SIGTERM", "SIGHUP-terminal-closed"]
)
def test_the_demo_server_ends_with_knop_demo(
    demo_dir: Path, how: signal.Signals, ended_at_last: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    demo = start_demo(demo_dir, port)
    ended_at_last.append(demo)
    wait_for(lambda: answers(port) or demo.poll() is not None, 240, "the demo's server answering")
    assert demo.poll() is None, demo.communicate()
    assert not port_free(port)
    # Only `knop demo` itself is signalled, as a kill or a closed terminal reaches it;
    # its server, a child in the same group, gets nothing from us.
    os.kill(demo.pid, how)
    demo.wait(timeout=30)
    wait_for(lambda: port_free(port) and not answers(port), 30, "the server letting go of the port")
    server_log = (demo_dir / "server.log").read_text(encoding="utf-8")
    assert "standard input closed" in server_log


def test_a_second_demo_on_a_taken_port_says_so(
    tmp_path: Path, ended_at_last: list[subprocess.Popen[bytes]]
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = int(holder.getsockname()[1])
        demo = start_demo(tmp_path, port)
        ended_at_last.append(demo)
        _out, err = demo.communicate(timeout=120)
    assert demo.returncode == 2
    message = err.decode()
    assert f"port {port}" in message and "already in use" in message and "--port" in message
    assert not (tmp_path / "server.sqlite3").exists()  # nothing was started
