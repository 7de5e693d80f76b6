"""Server logging: stderr, and a rotating file when asked, both scrubbed of secrets.

Each worker process configures itself from the environment that `knop-server`
sets (KNOP_SERVER_LOG_FILE, KNOP_SERVER_LOG_LEVEL), because uvicorn starts
workers as fresh interpreters. The client's `SecretRedactor` sits on every
handler: passwords, tokens and device credentials never reach a log, even
inside a traceback. Rotation is per process; with several workers, point
each deployment's log shipping at the file rather than relying on rotation.
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
MAX_BYTES = 10_000_000
BACKUPS = 5


class _ServerHandler:
    """Marks the handlers installed here, so a second call replaces rather than doubles them."""


class _Stderr(_ServerHandler, logging.StreamHandler):  # type: ignore[type-arg]
    pass


class _RotatingFile(_ServerHandler, logging.handlers.RotatingFileHandler):
    pass


def setup_server_logging() -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ServerHandler)]:
        root.removeHandler(old)
        old.close()
    level = getattr(logging, os.environ.get(LOG_LEVEL_ENV, "INFO").upper(), logging.INFO)
    handlers: list[logging.Handler] = [_Stderr(sys.stderr)]
    path = os.environ.get(LOG_FILE_ENV)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            _RotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        )
    redactor = SecretRedactor()
    formatter = logging.Formatter("%(process)d " + FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redactor)
        root.addHandler(handler)
    root.setLevel(level)
