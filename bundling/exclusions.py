"""The bundle's exclusion list, checked against what Knop's own code imports.

`build.spec` leaves modules out of the bundle to keep it small (the server,
unused Qt modules). Leaving out one that Knop imports gives a bundle that
builds, passes its offscreen checks and dies on the user's desktop with
`ModuleNotFoundError` (PySide6.QtNetwork, issue 11). So the build asks
PyInstaller's own import graph of the entry point, every screen included,
which excluded modules Knop's code imports, and refuses to build if any.

Only Knop's own modules count as importers: the standard library and the
third-party packages mention optional modules all the time (doctest imports
unittest, pydantic imports email_validator) in code Knop never runs, while an
import in Knop's code is one that runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def _within(module: str, names: Iterable[str]) -> str | None:
    """The entry of `names` that is `module` or one of its packages, if any."""
    for name in names:
        if module == name or module.startswith(name + "."):
            return name
    return None


def excluded_imports(
    edges: Iterable[tuple[str, str]], excludes: Sequence[str], own: Sequence[str]
) -> dict[str, list[str]]:
    """Each excluded module that Knop imports, with the sorted list of Knop's modules importing it.

    `edges` are (importer, imported) module names from the import graph;
    `own` names Knop's top-level packages. An importer that is itself
    excluded (sync.server importing fastapi) is not in the bundle and does
    not count. Empty when the exclusion list is safe.
    """
    found: dict[str, set[str]] = {}
    for importer, imported in edges:
        if not _within(importer, own) or _within(importer, excludes):
            continue
        excluded = _within(imported, excludes)
        if excluded:
            found.setdefault(excluded, set()).add(importer)
    return {name: sorted(importers) for name, importers in sorted(found.items())}


def graph_edges(graph: object) -> list[tuple[str, str]]:
    """(importer, imported) for every reference in PyInstaller's module graph (`Analysis.graph`)."""
    edges = []
    for node in graph.iter_graph():  # type: ignore[attr-defined]
        importer = getattr(node, "identifier", None)
        if not isinstance(importer, str):
            continue
        for target in graph.outgoing(node):  # type: ignore[attr-defined]
            imported = getattr(target, "identifier", None)
            if isinstance(imported, str):
                edges.append((importer, imported))
    return edges


def refusal(found: dict[str, list[str]]) -> str:
    """One sentence for the build log naming each excluded module and who imports it."""
    parts = [f"{name} (imported by {', '.join(importers)})" for name, importers in found.items()]
    return (
        "build.spec: EXCLUDES leaves out modules Knop imports, so the bundle would not start: "
        + "; ".join(parts)
        + ". Remove them from EXCLUDES (and from UNUSED_QT for their libraries)."
    )
