"""What IT's log file gets of the requests (sync.server.access_log), from a real server process.

Push and pull: a line only when one fails (or is slow), and a summary per
worker; other routes a line each; the file has the access lines, stderr
(journald's) not a second copy of them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from sync import protocol
from sync.server.access_log import SLOW_MS_ENV, SUMMARY_S_ENV, AccessLog
from tests.server.conftest import Servers
from tests.server.harness import ROOT

SUMMARY = "push and pull in the last"


def test_the_log_file_has_the_failing_sync_and_the_summary_not_every_sync(servers: Servers) -> None:
    deployment = servers.start("sqlite", env={SUMMARY_S_ENV: "0.2"})
    try:
        anna = deployment.user("anna")
        anna.apply("task.create", task_id="t-log", site_id="s-school", title="Logget", publish=True)
        pulled = anna.pull()
        refused = httpx.get(
            deployment.url + protocol.PATH_PULL,
            headers={**anna.headers(), protocol.AUTHORIZATION_HEADER: "Bearer not-a-token"},
        )
        assert refused.status_code == 401
        assert httpx.get(deployment.url + protocol.PATH_HEALTH).status_code == 200
        log = deployment.workdir / "server.log"
        # A summary comes with the first push or pull after its interval: pull until the
        # one that counts the refused pull is there.
        deadline = time.monotonic() + 60
        while not re.search(f"{SUMMARY}.*401: 1", log.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")[-3000:]
            anna.pull(pulled["cursor"])
        written = log.read_text(encoding="utf-8")
    finally:
        deployment.stop()
    lines = written.splitlines()
    assert [line for line in lines if f'"GET {protocol.PATH_PULL} HTTP/1.1" 401' in line]
    assert not [line for line in lines if f'{protocol.PATH_PUSH} HTTP/1.1" 200' in line]
    assert not [line for line in lines if f'{protocol.PATH_PULL} HTTP/1.1" 200' in line]
    assert not [line for line in lines if f'{protocol.PATH_PULL}?cursor=' in line]
    assert [line for line in lines if f'"GET {protocol.PATH_HEALTH} HTTP/1.1" 200' in line]
    summaries = [line for line in lines if SUMMARY in line]
    assert summaries and all("p50" in s and "p99" in s and "MB sent" in s for s in summaries)
    assert "401: 1)" in " ".join(summaries) and "200: " in " ".join(summaries)
    # journald's stderr: the server's own lines, not a second copy of the requests.
    stderr = (deployment.workdir / "server.err").read_text(encoding="utf-8")
    assert "listening on" in stderr and "HTTP/1.1" not in stderr


def test_a_slow_sync_gets_its_line(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A push or pull that took KNOP_SERVER_SLOW_MS or longer is logged even when it went well."""
    monkeypatch.setenv(SLOW_MS_ENV, "500")
    now = [100.0]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        now[0] += float(scope["query_string"] or 0)  # the handler's time, in seconds
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    access = AccessLog(app, clock=lambda: now[0])

    async def pull(seconds: str) -> None:
        scope = {"type": "http", "method": "GET", "path": protocol.PATH_PULL, "query_string": seconds.encode(),
                 "http_version": "1.1", "client": ("127.0.0.1", 5)}

        async def receive() -> Message:
            return {"type": "http.request", "body": b""}

        async def send(message: Message) -> None:
            pass

        await access(scope, receive, send)

    with caplog.at_level(logging.INFO, "knop.access"):
        asyncio.run(pull("0.4"))
        asyncio.run(pull("0.6"))
        access.summarise()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == '127.0.0.1:5 - "GET /v1/pull?0.6 HTTP/1.1" 200 600 ms'
    assert lines[1].startswith("push and pull in the last 1.0 s: 2 requests (200: 2), p50 400 ms, p99 600 ms")
    assert len(lines) == 2


@pytest.mark.parametrize(("name", "value"), [(SLOW_MS_ENV, "1s"), (SLOW_MS_ENV, "-5"), (SUMMARY_S_ENV, "nan")])
def test_a_malformed_setting_stops_the_server_at_its_start_naming_it(
    name: str, value: str, tmp_path: Path
) -> None:
    """A malformed KNOP_SERVER_SLOW_MS fell back to 1000 ms unsaid: IT's threshold was silently not theirs."""
    server = subprocess.Popen(
        [sys.executable, "-m", "sync.server.main", "--db", str(tmp_path / "server.sqlite3"), "--port", "0"],
        cwd=ROOT, env={**os.environ, name: value}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _out, err = server.communicate(timeout=60)  # a server that starts serving never ends by itself
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 1, err
    assert f"knop-server: {name} must be a number of " in err and repr(value) in err, err
    assert "Traceback" not in err and not (tmp_path / "server.sqlite3").exists()  # refused before anything
