"""The `knop` command (the composition root): the desktop app, and the headless commands IT and tests use.

Each subcommand lives in the module that owns its subject; this file only
dispatches, and imports lazily so `knop sync` never loads Qt and the GUI never
loads the server.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from desktop import __version__


def build_parser(language: str = "en") -> argparse.ArgumentParser:
    """The `knop` command line, its --help in `language` ("da" or "en"), through Knop's one catalogue.

    The help ends with where the log file is, so IT can find it from a terminal.
    """
    from desktop.core.text import translate
    from desktop.logs import log_file

    def say(text: str, **facts: object) -> str:  # Babel keyword: `say`
        return translate(language, text, **facts)

    parser = argparse.ArgumentParser(
        prog="knop",
        description=say("Knop: a task exchange for the municipality."),
        epilog=say(
            "Knop logs to {path} (knop demo: to client/logs/knop.log in its folder).", path=log_file()
        ),
    )
    logs_go_to = say("Knop logs to {path}.", path=log_file())
    parser.add_argument("--version", action="version", version=f"knop {__version__}")
    parser.add_argument("--self-test", action="store_true", help=say("check the installation and exit"))
    parser.add_argument("--language", choices=("da", "en"), help=say("override the UI language"))
    # The end-to-end test's driver (ui/script.py); not for people, so not in --help.
    parser.add_argument("--script", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command")

    enrol = commands.add_parser("enrol", help=say("enrol this machine with the server (IT)"), epilog=logs_go_to)
    enrol.add_argument("--server", required=True, help=say("the server's URL, e.g. https://knop.example.dk"))
    enrol.add_argument("--code", required=True, help=say("the one-time enrolment code from knop-admin"))
    enrol.add_argument("--name", help=say("this machine's name (default: the host name)"))

    accept = commands.add_parser(
        "accept-invitation",
        help=say("take up an invitation and make this computer your own Knop device (outsiders)"),
        epilog=logs_go_to,
    )
    accept.add_argument("--server", required=True, help=say("the server's URL, from the invitation"))
    accept.add_argument("--code", required=True, help=say("the invitation code"))
    accept.add_argument("--username", required=True, help=say("the username you choose"))
    accept.add_argument("--name", required=True, help=say("your name as others will see it"))
    accept.add_argument("--phone", default="", help=say("a phone number (optional)"))
    accept.add_argument("--device-name", help=say("this computer's name (default: the host name)"))
    accept.add_argument("--password-stdin", action="store_true", help=say("read the new password from stdin"))

    sync = commands.add_parser(
        "sync", help=say("sync once for every user with pending changes, then exit"), epilog=logs_go_to
    )
    sync.add_argument("--user", help=say("only this username"))

    demo = commands.add_parser(
        "demo",
        help=say("run the server with demo data and the client enrolled to it"),
        description=say(
            "Run a Knop server with demo data and this client enrolled to it, all in one "
            "folder that is kept: the next start reuses it, with what you did in it."
        ),
        epilog=say(
            "The demo logs in its folder: the client to client/logs/knop.log, the server to "
            "server.log, and what the server wrote on its standard error (a crash at start, say) "
            "to server.err."
        ),
    )
    demo.add_argument(
        "--data-dir",
        "--dir",
        dest="dir",
        default=".knop-demo",
        help=say(
            "the folder the demo keeps everything in: the server's database and logs, the client's "
            "settings, stores and logs (default .knop-demo); reused on the next start"
        ),
    )
    demo.add_argument(
        "--fresh",
        action="store_true",
        help=say("start over: delete the demo's data in that folder first (only the files the demo writes)"),
    )
    demo.add_argument(
        "--seed",
        type=int,
        help=say(
            "the demo data's seed: the same seed makes the same people and tasks; "
            "used when the data is made (a new folder, or --fresh)"
        ),
    )
    demo.add_argument(
        "--language",
        choices=("da", "en"),
        dest="demo_language",
        help=say(
            "the demo workstation's language, kept as its machine setting: the login screen's, "
            "and everyone's who has not chosen their own (knop --language fixes it for everyone instead)"
        ),
    )
    demo.add_argument(
        "--port",
        type=int,
        default=8765,
        help=say("the demo server's port (default 8765); if it is taken, the demo stops and says so"),
    )
    demo.add_argument("--screenshot", help=say("write a PNG of the first window to this path and quit"))
    _speak_argparse(parser, say)
    return parser


def _speak_argparse(parser: argparse.ArgumentParser, say: Callable[[str], str]) -> None:
    """argparse's own words (usage, the option headings, -h) in `say`'s language, in every subcommand.

    Set on the parsers' attributes argparse reads when it formats the help
    (`_optionals.title` and the help action's text are not public, but stable since 3.2).
    """
    usage = say("usage: ")

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, *args: Any, **kwargs: Any) -> None:
            kwargs["prefix"] = usage
            super().add_usage(*args, **kwargs)

    parser.formatter_class = Formatter
    parser._positionals.title = say("positional arguments")
    parser._optionals.title = say("options")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = say("show this help and exit")
        elif isinstance(action, argparse._VersionAction):
            action.help = say("show Knop's version and exit")
        elif isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _speak_argparse(sub, say)


def help_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language ("da" or "en") `knop --help` speaks, before the command line is parsed.

    `--language` first, then the machine's settings (IT's knop.toml), then the
    system's, by the GUI's rule (ui.main.choose_language): Danish, or none at
    all (the C/POSIX locale), gives Danish; any other language English.
    Read from LANGUAGE, LC_ALL, LC_MESSAGES and LANG, in gettext's order.
    """
    for at, word in enumerate(argv):
        if word.startswith("--language="):
            chosen = word.partition("=")[2]
        elif word == "--language" and at + 1 < len(argv):
            chosen = argv[at + 1]
        else:
            continue
        if chosen in ("da", "en"):
            return chosen
    from desktop.settings import SettingsError, load_settings

    try:
        machine = load_settings(environ).language
    except SettingsError:  # said when the command runs; the help still shows
        machine = None
    if machine in ("da", "en"):
        return str(machine)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0]
        if value:
            return "da" if value.startswith("da") or value.split(".")[0] in ("C", "POSIX") else "en"
    return "da"


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(help_language(words, os.environ)).parse_args(words)
    from desktop.app import start_failure
    from desktop.logs import setup_logging
    from desktop.settings import SettingsError, tell_mistakes

    try:
        if args.command != "demo":  # the demo logs in its own folder (desktop.app.demo), never here
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
