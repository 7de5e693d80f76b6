"""Every option and argument of `knop` and `knop-admin` says in --help what it is.

Try-out 2: `knop-admin import-people --help` showed `file` and nothing about the
columns the CSV must have; `person add --username`, `set-password
--password-stdin`, `knop demo --port` and 30 more said nothing at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from desktop.app.main import build_parser as knop_parser
from sync.server import csv_import
from sync.server.admin import build_parser as admin_parser


def unexplained(parser: argparse.ArgumentParser, path: str) -> Iterator[str]:
    """"knop-admin person add --username" for each option or argument without a help text."""
    for action in parser._actions:  # argparse has no public walk of its actions
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from unexplained(sub, f"{path} {name}")
        elif isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        elif action.help is None or (action.help != argparse.SUPPRESS and not action.help.strip()):
            yield f"{path} {'/'.join(action.option_strings) or action.dest}"


@pytest.mark.parametrize(("name", "parser"), [("knop", knop_parser), ("knop-admin", admin_parser)])
def test_every_option_says_what_it_is(name: str, parser: type) -> None:
    assert list(unexplained(parser(), name)) == []


def test_import_people_names_the_columns() -> None:
    sub = next(a for a in admin_parser()._actions if isinstance(a, argparse._SubParsersAction))
    text = sub.choices["import-people"].format_help()
    for column in csv_import.COLUMNS:
        assert column in text
    assert "username, name (required)" in " ".join(text.split())


def knop_help(*args: str, **environ: str) -> str:
    """`knop ... --help` as a person runs it, in a process of its own, with `environ` added."""
    import os
    import subprocess
    import sys

    from tests.server.harness import ROOT

    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    shown = subprocess.run(
        [sys.executable, "-m", "desktop.app", *args, "--help"],
        env={**env, "PYTHONPATH": str(ROOT), "COLUMNS": "400", **environ},  # paths unwrapped
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return " ".join(shown.stdout.split())


def test_the_help_speaks_danish_when_asked_and_says_where_the_log_is() -> None:
    """Try-out s36: `knop --help` was English only, with --language da or LANGUAGE=da too, and
    never said where the log is (only Help, About Knop in the window did)."""
    from desktop.logs import log_file

    for danish in (knop_help(LANGUAGE="da"), knop_help("--language", "da", LANG="en_GB.UTF-8")):
        assert "brug: knop" in danish and "tjek installationen, og afslut" in danish
        assert f"Knop skriver sin log i {log_file()}" in danish
    assert "engangskoden til tilmelding fra knop-admin" in knop_help("enrol", LANGUAGE="da")
    english = knop_help(LANGUAGE="en_GB")
    assert "usage: knop" in english and "check the installation and exit" in english
    assert f"Knop logs to {log_file()}" in english
    assert f"Knop logs to {log_file()}." in knop_help("sync", LANGUAGE="en")


def test_the_demo_port_s_help_says_what_happens_when_it_is_taken() -> None:
    """Try-out s36: it said "another if it is taken", but a taken port stops the demo (rightly)."""
    shown = knop_help("demo", LANGUAGE="en")
    assert "another if it is taken" not in shown
    assert "if it is taken, the demo stops and says so" in shown
    assert "server.err" in shown
