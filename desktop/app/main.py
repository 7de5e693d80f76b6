"""The `knop` command (the composition root): the desktop app, and the headless commands IT and tests use.

Each subcommand lives in the module that owns its subject; this file only
dispatches, and imports lazily so `knop sync` never loads Qt and the GUI never
loads the server.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from desktop import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="knop", description="Knop: a task exchange for the municipality.")
    parser.add_argument("--version", action="version", version=f"knop {__version__}")
    parser.add_argument("--self-test", action="store_true", help="check the installation and exit")
    parser.add_argument("--language", choices=("da", "en"), help="override the UI language")
    # The end-to-end test's driver (ui/script.py); not for people, so not in --help.
    parser.add_argument("--script", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command")

    enrol = commands.add_parser("enrol", help="enrol this machine with the server (IT)")
    enrol.add_argument("--server", required=True, help="the server's URL, e.g. https://knop.example.dk")
    enrol.add_argument("--code", required=True, help="the one-time enrolment code from knop-admin")
    enrol.add_argument("--name", help="this machine's name (default: the host name)")

    accept = commands.add_parser(
        "accept-invitation",
        help="take up an invitation and make this computer your own Knop device (outsiders)",
    )
    accept.add_argument("--server", required=True, help="the server's URL, from the invitation")
    accept.add_argument("--code", required=True, help="the invitation code")
    accept.add_argument("--username", required=True, help="the username you choose")
    accept.add_argument("--name", required=True, help="your name as others will see it")
    accept.add_argument("--phone", default="", help="a phone number (optional)")
    accept.add_argument("--device-name", help="this computer's name (default: the host name)")
    accept.add_argument("--password-stdin", action="store_true", help="read the new password from stdin")

    sync = commands.add_parser("sync", help="sync once for every user with pending changes, then exit")
    sync.add_argument("--user", help="only this username")

    demo = commands.add_parser(
        "demo",
        help="run the server with demo data and the client enrolled to it",
        description="Run a Knop server with demo data and this client enrolled to it, all in one "
        "folder that is kept: the next start reuses it, with what you did in it.",
    )
    demo.add_argument(
        "--data-dir",
        "--dir",
        dest="dir",
        default=".knop-demo",
        help="the folder the demo keeps everything in: the server's database and log, the client's "
        "settings, stores and logs (default .knop-demo); reused on the next start",
    )
    demo.add_argument(
        "--fresh",
        action="store_true",
        help="start over: delete the demo's data in that folder first (only the files the demo writes)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        help="the demo data's seed: the same seed makes the same people and tasks; "
        "used when the data is made (a new folder, or --fresh)",
    )
    demo.add_argument(
        "--language",
        choices=("da", "en"),
        dest="demo_language",
        help="the demo workstation's language, kept as its machine setting: the login screen's, "
        "and everyone's who has not chosen their own (knop --language fixes it for everyone instead)",
    )
    demo.add_argument("--port", type=int, default=8765, help="the demo server's port (default 8765); another if it is taken")
    demo.add_argument("--screenshot", help="write a PNG of the first window to this path and quit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from desktop.app import start_failure
    from desktop.logs import setup_logging
    from desktop.settings import SettingsError, tell_mistakes

    try:
        setup_logging()
    except OSError as error:  # an unwritable log folder must not stop the app
        print(f"knop: cannot write logs: {error}", file=sys.stderr)
    sys.excepthook = start_failure.log_uncaught
    try:
        return _dispatch(args)
    except SettingsError as error:
        # IT's configuration is wrong: say which file and line, never a traceback.
        tell_mistakes("knop", error)
        return 2
    except Exception as error:  # noqa: BLE001 - told to the person and logged, never a bare traceback
        return start_failure.report(error, dialog=not args.script)


def _dispatch(args: argparse.Namespace) -> int:
    if args.self_test:
        from desktop.app.selftest import run_self_test

        return run_self_test()
    if args.command == "enrol":
        from sync.enrolment import enrol_command

        return enrol_command(args)
    if args.command == "accept-invitation":
        from sync.enrolment import accept_invitation_command

        return accept_invitation_command(args)
    if args.command == "sync":
        from desktop.app.cli import sync_command

        return sync_command(args)
    if args.command == "demo":
        from desktop.app.demo import demo_command

        return demo_command(args)
    from ui.main import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
