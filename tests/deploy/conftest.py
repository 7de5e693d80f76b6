"""Fixtures for the deployment tests: the machine-wide and user settings files.

The shared autouse fixture already points KNOP_SYSTEM_CONFIG_DIR and
KNOP_CONFIG_DIR at fresh directories; these fixtures write files there the way
IT (or the app) would.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from desktop import paths
from desktop.core import text


@pytest.fixture
def machine_file() -> Callable[[str], Path]:
    """Write IT's knop.toml with the given text."""

    def write(text: str) -> Path:
        path = paths.system_config_dir() / "knop.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def user_file() -> Callable[[str], Path]:
    """Write the user's settings.toml with the given text."""

    def write(text: str) -> Path:
        path = paths.config_dir() / "settings.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def knop_logging() -> Iterator[None]:
    """Leave the root logger as it was after a test that calls setup_logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of resources/ with the da and en catalogues compiled, as `make translations` would."""
    folder = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), folder, ignore=shutil.ignore_patterns("*.mo"))
    for po in (folder / "locale").glob("*/LC_MESSAGES/knop.po"):
        with open(po, "rb") as source, open(po.with_suffix(".mo"), "wb") as compiled:
            write_mo(compiled, read_po(source))
    monkeypatch.setattr(text, "locale_dir", lambda: folder / "locale")
    monkeypatch.setattr(paths, "resources_dir", lambda: folder)
    return folder
