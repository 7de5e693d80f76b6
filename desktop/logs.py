r"""Logging: a rotating file IT can ask a user to send, and stderr, both scrubbed of secrets.

The file lives in `desktop.paths.log_dir()`:

- Linux: ~/.local/state/Knop/log/knop.log (platformdirs' user_log_dir)
- Windows: %LOCALAPPDATA%\Knop\Logs\knop.log
- macOS: ~/Library/Logs/Knop/knop.log

It rotates at 1 MB and keeps 5 old files, so a shared workstation never fills
its disk, and a support case still has a few days of history.

No record may carry a secret: `desktop.core.redaction.SecretRedactor` sits on
every handler installed here.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from desktop import paths
from desktop.core.redaction import FORMAT, SecretRedactor

LOG_FILE = "knop.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
# `extra=FILE_ONLY`: a record whose reader already got its own sentence on stderr
# (a failed start) goes to the file with its traceback, not to the terminal twice.
FILE_ONLY = {"knop_file_only": True}


class _KnopHandler(logging.Handler):
    """Marks the handlers setup_logging installed, so a second call replaces, not doubles, them."""


class _RotatingFile(_KnopHandler, logging.handlers.RotatingFileHandler):
    pass


class _Stderr(_KnopHandler, logging.StreamHandler):  # type: ignore[type-arg]
    def filter(self, record: logging.LogRecord) -> bool:  # type: ignore[override]
        return not getattr(record, "knop_file_only", False) and bool(super().filter(record))


def log_file() -> Path:
    """Where the current log file is (it may not exist yet)."""
    return paths.log_dir() / LOG_FILE


def setup_logging(verbose: bool = False) -> Path:
    """Send Knop's records to the rotating log file and stderr; returns the file's path.

    The file takes INFO and up (DEBUG with `verbose`), stderr WARNING and up
    (INFO with `verbose`), so a user starting Knop from a terminal is not flooded.
    """
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _KnopHandler)]:
        root.removeHandler(old)
        old.close()

    formatter = logging.Formatter(FORMAT)
    redactor = SecretRedactor()
    to_file = _RotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    to_file.setLevel(logging.DEBUG if verbose else logging.INFO)
    handlers: list[logging.Handler] = [to_file]
    if sys.stderr is not None:  # a windowed Windows executable has no stderr at all
        to_stderr = _Stderr(sys.stderr)
        to_stderr.setLevel(logging.INFO if verbose else logging.WARNING)
        handlers.append(to_stderr)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redactor)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # urllib3 logs every connection at DEBUG; keep it to what helps a support case.
    logging.getLogger("urllib3").setLevel(logging.INFO if verbose else logging.WARNING)
    return path
