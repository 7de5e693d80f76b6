"""The architecture rules from DESIGN.md, checked on the source so they cannot erode quietly."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("package", ["desktop", "sync"])
def test_core_and_sync_know_no_widgets(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.startswith("PySide6.QtWidgets"))
        for path in python_files(package)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_sync_does_not_import_qt_at_all() -> None:
    """The sync engine runs in `knop sync` and on the server, where no Qt is loaded."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files("sync")
        if any(m.split(".")[0] in ("PySide6", "ui") for m in imported_modules(path))
    ]
    assert offenders == []


def test_server_does_not_import_the_client_ui() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files("sync/server")
        if any(m.split(".")[0] == "ui" for m in imported_modules(path))
    ]
    assert offenders == []


SQL = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE | re.DOTALL)


def test_ui_reaches_data_only_through_desktop_services() -> None:
    offenders: dict[str, list[str]] = {}
    for path in python_files("ui"):
        modules = imported_modules(path)
        bad = sorted(m for m in modules if m.split(".")[0] in ("sqlite3", "sqlite_utils", "requests"))
        text = path.read_text(encoding="utf-8")
        if SQL.search(text):
            bad.append("SQL text")
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_the_checks_see_real_files() -> None:
    """Guard against the rules passing because they scanned nothing."""
    assert len(python_files("desktop")) >= 10
    assert "desktop.entities" in imported_modules(ROOT / "desktop" / "operations.py")
