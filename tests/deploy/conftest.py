"""Fixtures for the deployment tests: the machine-wide and user settings files.

The shared autouse fixture already points KNOP_SYSTEM_CONFIG_DIR and
KNOP_CONFIG_DIR at fresh directories; these fixtures write files there the way
IT (or the app) would.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
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


TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="{language}">
<context><name>SelfTest</name>
<message><source>Task</source><translation>{word}</translation></message>
</context>
</TS>
"""


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of resources/ with da and en translations built, as `make translations` would."""
    folder = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), folder)
    translations = folder / "translations"
    translations.mkdir(exist_ok=True)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    for language, word in (("da", "Opgave"), ("en", "Task")):
        ts = tmp_path / f"{language}.ts"
        ts.write_text(TS.format(language=language, word=word), encoding="utf-8")
        qm = translations / f"{language}.qm"
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)
    monkeypatch.setattr(paths, "resources_dir", lambda: folder)
    return folder
