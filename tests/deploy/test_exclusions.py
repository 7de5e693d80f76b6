"""build.spec's check: an excluded module that Knop's code imports stops the build."""

from __future__ import annotations

from bundling.exclusions import excluded_imports, refusal

EXCLUDES = ["sync.server", "fastapi", "unittest", "PySide6.QtNetwork"]
OWN = ("desktop", "ui", "sync")


def test_an_excluded_module_knop_imports_is_found_with_its_importers() -> None:
    edges = [
        ("ui.main", "PySide6.QtNetwork"),
        ("ui.script", "PySide6.QtNetwork.QLocalSocket"),  # `from X import name` as the graph has it
        ("ui.main", "PySide6.QtCore"),
    ]
    assert excluded_imports(edges, EXCLUDES, OWN) == {"PySide6.QtNetwork": ["ui.main", "ui.script"]}


def test_imports_knop_does_not_run_do_not_count() -> None:
    edges = [
        ("sync.server.app", "fastapi"),  # the importer is left out itself
        ("doctest", "unittest"),  # the standard library's own optional import
        ("desktop.store", "sqlite3"),
    ]
    assert excluded_imports(edges, EXCLUDES, OWN) == {}


def test_the_refusal_names_module_and_importer() -> None:
    sentence = refusal({"PySide6.QtNetwork": ["ui.main"]})
    assert "PySide6.QtNetwork (imported by ui.main)" in sentence
    assert sentence.startswith("build.spec: EXCLUDES leaves out modules Knop imports")
