"""Server logging: stderr, and a log file when asked, both scrubbed of secrets.

Each worker process configures itself from the environment that `knop-server`
sets (KNOP_SERVER_LOG_FILE, KNOP_SERVER_LOG_LEVEL), because uvicorn starts
workers as fresh interpreters. The client's `SecretRedactor` sits on every
handler: passwords, tokens and device credentials never reach a log, even
inside a traceback.

Several workers write the one file, so no process may rotate it: each would
rename the file under the others, which then write into the renamed file or
overwrite each other's backups. Every process only appends (one line per
write, O_APPEND), and `logrotate` (or any tool that moves the file aside)
rotates it; `WatchedFileHandler` notices the move and reopens the path before
its next line. DEPLOYMENT.md has the logrotate stanza.

With a log file, the access log's lines (sync.server.access_log) go to the
file only: stderr is journald's under systemd, where a second copy of every
request line was only more to store and to scroll past; everything else
(start-up, warnings, errors with their tracebacks) goes to both.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from desktop.core.redaction import FORMAT, SecretRedactor

LOG_FILE_ENV = "KNOP_SERVER_LOG_FILE"
LOG_LEVEL_ENV = "KNOP_SERVER_LOG_LEVEL"


class _ServerHandler:
    """Marks the handlers installed here, so a second call replaces rather than doubles them."""


class _Stderr(_ServerHandler, logging.StreamHandler):  # type: ignore[type-arg]
    pass


class _SharedFile(_ServerHandler, logging.handlers.WatchedFileHandler):
    pass


ACCESS_LOGGERS = ("knop.access", "uvicorn.access")


def _not_access(record: logging.LogRecord) -> bool:
    """False for an access-log line (stderr's filter when the file has them)."""
    return record.name not in ACCESS_LOGGERS


class _FormattedOnce(logging.Formatter):
    """Formats a record once for all the handlers that share this formatter (stderr and the file).

    A record written through both gets the second handler the first one's
    line. The redactor has run before (each handler's
    filter comes before its formatter), so the line is the scrubbed one.
    """

    def format(self, record: logging.LogRecord) -> str:
        line = getattr(record, "_knop_line", None)
        if line is None:
            line = super().format(record)
            record._knop_line = line  # type: ignore[attr-defined]
        return line


def setup_server_logging() -> None:
    """Send this process's records to stderr and, when KNOP_SERVER_LOG_FILE is set, that file."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ServerHandler)]:
        root.removeHandler(old)
        old.close()
    level = getattr(logging, os.environ.get(LOG_LEVEL_ENV, "INFO").upper(), logging.INFO)
    stderr = _Stderr(sys.stderr)
    handlers: list[logging.Handler] = [stderr]
    path = os.environ.get(LOG_FILE_ENV)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(_SharedFile(path, encoding="utf-8"))
        stderr.addFilter(_not_access)
    # What the server's lines never show (FORMAT has no thread, no function or
    # line, no process name), not worked out for every record either: every
    # push wrote an access line, and looking up its caller's frame, its
    # thread's and its multiprocessing process's names was a fifth of its cost
    # (the logging HOWTO's "Optimization"; the process id stays).
    logging.logThreads = False
    logging.logMultiprocessing = False
    logging._srcfile = None  # type: ignore[attr-defined]
    redactor = SecretRedactor()
    formatter = _FormattedOnce("%(process)d " + FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redactor)
        root.addHandler(handler)
    root.setLevel(level)
