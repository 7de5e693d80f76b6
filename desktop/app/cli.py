"""`knop sync [--user NAME]`: one sync, headless, for cron, a logon script or a support call.

Syncs every user store on this machine that has unsent changes, plus the last
user who logged in (so their view is fresh next morning), each with that
user's own token from the keyring; `--user` limits it to one person. Prints one
line per user (what was pushed, applied, rejected and pulled) and exits:

    0  everything synced
    1  some user could not sync (no or expired token, the server refused, ...)
    3  the server could not be reached; nothing is lost, the changes stay queued
    4  this machine is not set up: not enrolled, unusable settings, an unreadable keyring

Ctrl-C or SIGTERM stops the sync between two requests, cleanly.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

from desktop import accounts
from desktop.core.text import translate
from desktop.logs import setup_logging
from desktop.settings import SettingsError, load_settings_or_every_mistake, tell_mistakes
from sync.engine import SyncEngine
from sync.failures import KeyringUnavailable, NotEnrolled, ServerRefused
from sync.report import SyncReport

OK, USER_FAILED, UNREACHABLE, NOT_SET_UP = 0, 1, 3, 4


@contextlib.contextmanager
def _stop_on_signals(cancel: threading.Event) -> Iterator[None]:
    """Turn Ctrl-C and SIGTERM into a cancel, so a store is never left mid-page."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.signal(number, lambda *_: cancel.set())
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def exit_code(report: SyncReport) -> int:
    """The documented exit code for a sync's report (see the module docstring)."""
    if report.ok:
        return OK
    if not report.online:
        return UNREACHABLE
    failure = report.failure
    if (
        isinstance(failure, (NotEnrolled, KeyringUnavailable))
        # A device the server no longer knows or has revoked needs IT, like one never enrolled.
        or (isinstance(failure, ServerRefused) and failure.needs_enrolment)
        or (failure is not None and failure.code == "settings")
    ):
        return NOT_SET_UP
    return USER_FAILED


def sync_command(args: argparse.Namespace) -> int:
    setup_logging()  # first: a scheduled sync has no reader but the log (try-out s36)
    try:
        settings = load_settings_or_every_mistake()
    except SettingsError as error:
        tell_mistakes("knop sync", error)
        return NOT_SET_UP
    language = getattr(args, "language", None) or settings.language or "en"
    include: list[str] = []
    only: list[str] | None = None
    if getattr(args, "user", None):
        account = accounts.by_username(args.user)
        if account is None:
            print(f"knop sync: {args.user!r} has never logged in on this machine", file=sys.stderr)
            return USER_FAILED
        only = [account.person_id]
    else:
        known = accounts.known_accounts()
        if known:
            include.append(known[0].person_id)
    cancel = threading.Event()
    with _stop_on_signals(cancel):
        report = SyncEngine(settings, include=include, only=only).sync_once(cancel)
    for user in report.users:
        print(user.summary(language), flush=True)
    if report.failure is not None:
        print(f"knop sync: {report.failure.message(language)}", file=sys.stderr)
    elif not report.users:
        print("knop sync: " + translate(language, "nothing to sync"))
    return exit_code(report)
