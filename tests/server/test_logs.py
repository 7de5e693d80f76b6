"""Several server workers share one log file, and an outside tool (logrotate) rotates it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sync.server.logs import LOG_FILE_ENV

# A worker: logs a line for every line it reads on stdin, and says so on stdout.
WORKER = """
import logging, sys
from sync.server.logs import setup_server_logging
setup_server_logging()
log = logging.getLogger("knop.server")
for line in sys.stdin:
    log.info("worker %s says %s", sys.argv[1], line.strip())
    print("logged", flush=True)
"""


def test_every_worker_writes_to_the_file_after_logrotate_moved_it(tmp_path: Path) -> None:
    path = tmp_path / "server.log"
    env = {**os.environ, LOG_FILE_ENV: str(path)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        for n in (1, 2, 3)
    ]

    def each_logs(word: str) -> None:
        for worker in workers:
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write(word + "\n")
            worker.stdin.flush()
            assert worker.stdout.readline() == "logged\n"  # waits for that worker's line

    try:
        each_logs("before")
        path.rename(tmp_path / "server.log.1")  # what logrotate does (without copytruncate)
        each_logs("after")
    finally:
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait(timeout=60)

    old = (tmp_path / "server.log.1").read_text(encoding="utf-8")
    new = path.read_text(encoding="utf-8")
    for n in (1, 2, 3):
        assert f"worker {n} says before" in old and f"worker {n} says after" not in old
        assert f"worker {n} says after" in new and f"worker {n} says before" not in new
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["server.log", "server.log.1"]


def test_stderr_and_the_file_get_the_same_scrubbed_line_formatted_once(tmp_path: Path) -> None:
    """Both handlers share one formatted line (sync.server.logs._FormattedOnce), secrets scrubbed in both;
    the access log's lines go to the file alone (stderr is journald's)."""
    path = tmp_path / "server.log"
    script = (
        "import logging\n"
        "from sync.server.logs import setup_server_logging\n"
        "setup_server_logging()\n"
        "logging.getLogger('knop.access').info('%s - \"%s %s HTTP/%s\" %d', '127.0.0.1:1', 'GET',"
        " '/v1/pull?token=abcdefgh12345678', '1.1', 401)\n"
        "logging.getLogger('knop.server').info('logged in with token=abcdefgh12345678')\n"
        "try:\n"
        "    raise ValueError('Bearer abcdefgh12345678')\n"
        "except ValueError:\n"
        "    logging.getLogger('knop.server').exception('password=hunter2hunter2')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, LOG_FILE_ENV: str(path)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    written = path.read_text(encoding="utf-8")
    access, _, rest = written.partition("\n")
    assert rest == done.stderr
    assert "abcdefgh12345678" not in written and "hunter2" not in written
    assert '"GET /v1/pull?token=[redacted] HTTP/1.1" 401' in access and "HTTP/1.1" not in done.stderr
    assert "token=[redacted]" in rest and "ValueError: Bearer [redacted]" in rest
