"""When Knop cannot start: the whole story to the log file, one sentence to the person.

A start-up that dies with a traceback on a terminal nobody watches is, for a
person at a shared workstation, a window that never appears. So every
exception that escapes the start goes to the log file with its traceback,
and the person gets one sentence: in a dialog when Qt can open one, else on
stderr as a single line. A missing system library is named as the loader
named it, with the Debian/Ubuntu package to install.

Exceptions that escape later, from a slot in the running app, are written to
the log file too (`log_uncaught`), where PySide would only print them.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from desktop import logs
from desktop.system_libraries import (
    PlatformUnavailable,
    dialogs_can_be_seen,
    install_hint,
    missing_library,
)

log = logging.getLogger("knop")

FAILED = 1


def explain(error: BaseException) -> str:
    """One sentence for the person: what stops Knop, and what to do if they can."""
    if isinstance(error, PlatformUnavailable):
        return f"Knop cannot start: {error}."
    library = missing_library(str(error))
    if library:
        return f"Knop cannot start: {install_hint(library)}."
    return f"Knop cannot start: {type(error).__name__}: {error}."


def report(error: BaseException, *, dialog: bool = True) -> int:
    """Log `error` with its traceback, tell the person, and return the exit code (1).

    `dialog=False` (the test driver, --script) keeps it to stderr.
    """
    log.critical("Knop could not start", exc_info=error, extra=logs.FILE_ONLY)
    sentence = f"{explain(error)} Details are in {logs.log_file()}."
    if not (dialog and _show_dialog(sentence)):
        print(f"knop: {sentence}", file=sys.stderr, flush=True)
    return FAILED


def _show_dialog(sentence: str) -> bool:
    """True when a message box was shown; False when Qt cannot show one here."""
    try:
        from ui.failure_dialog import show_failure
    except ImportError:
        return False  # Qt itself is what is broken
    if not dialogs_can_be_seen():
        return False
    return show_failure(sentence)


def log_uncaught(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """sys.excepthook: an exception nothing caught (e.g. in a slot) goes to the log file."""
    log.error("unhandled exception", exc_info=(kind, error, trace))
