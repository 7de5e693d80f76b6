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
