"""Fixtures for the deployment tests: the machine-wide and user settings files.

The shared autouse fixture already points KNOP_SYSTEM_CONFIG_DIR and
KNOP_CONFIG_DIR at fresh directories; these fixtures write files there the way
IT (or the app) would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop import paths


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
