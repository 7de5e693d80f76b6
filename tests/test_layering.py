"""The layers from the README, checked on the real import graph so they cannot erode quietly.

Every `import` and `from ... import` in every module of `desktop/`, `sync/` and
`ui/` counts, wherever it stands: at the top, inside a function (a lazy
import) or under `if TYPE_CHECKING:` (a type-only import still ties two modules
together). Relative imports are resolved. `from package import name` counts as
an import of `package.name` when that is a module.

Layers, bottom to top; each may import only the layers named after it:

| layer      | modules                                  | may import                  |
|------------|------------------------------------------|-----------------------------|
| core       | desktop.core                             | (nothing of Knop's)         |
| protocol   | sync.protocol                            | core                        |
| client     | desktop (but core and app)               | core, protocol              |
| wire       | sync (but protocol and server)           | core, protocol, client      |
| server     | sync.server                              | core, protocol              |
| ui         | ui                                       | core, protocol, client, wire|
| app        | desktop.app (the entry points)           | everything                  |
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("desktop", "sync", "ui")

MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "protocol": frozenset({"core"}),
    "client": frozenset({"core", "protocol"}),
    "wire": frozenset({"core", "protocol", "client"}),
    "server": frozenset({"core", "protocol"}),
    "ui": frozenset({"core", "protocol", "client", "wire"}),
    "app": frozenset({"core", "protocol", "client", "wire", "server", "ui"}),
}


def layer(module: str) -> str:
    """The layer a module of Knop's belongs to (a bare package root counts as core)."""
    if module in PACKAGES or module.startswith("desktop.core"):
        return "core"  # the package roots only carry a docstring and __version__
    if module.startswith("desktop.app"):
        return "app"
    if module == "sync.protocol":
        return "protocol"
    if module.startswith("sync.server"):
        return "server"
    if module.startswith("sync"):
        return "wire"
    if module.startswith("desktop"):
        return "client"
    return "ui"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


MODULES = all_modules()


def _absolute(node: ast.ImportFrom, module: str, path: Path) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in `module`, lazy ones included."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, path)
            yield target, node.lineno
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:
                    yield f"{target}.{alias.name}", node.lineno


def knop_imports(module: str) -> set[str]:
    """The modules of Knop's that `module` imports (closest existing module for a name)."""
    found: set[str] = set()
    for target, _line in imports_of(module):
        if target.split(".")[0] not in PACKAGES:
            continue
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != module:
            found.add(target)
    return found


GRAPH = {module: knop_imports(module) for module in MODULES}


def test_every_import_points_down() -> None:
    offenders = sorted(
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if layer(target) != layer(module) and layer(target) not in MAY_IMPORT[layer(module)]
    )
    assert offenders == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    graph = {m: {t for t in ts if t not in PACKAGES} for m, ts in GRAPH.items()}
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("layer_name", ["core", "protocol", "client", "wire", "server"])
def test_below_ui_no_widgets(layer_name: str) -> None:
    """Only `ui` (and the entry points above it) may load Qt widgets."""
    offenders = sorted(
        f"{module}:{line} imports {target}"
        for module in MODULES
        if layer(module) == layer_name
        for target, line in imports_of(module)
        if target.startswith("PySide6.QtWidgets") or target.startswith("PySide6.QtGui")
    )
    assert offenders == []


@pytest.mark.parametrize("layer_name", ["core", "protocol", "wire", "server"])
def test_core_wire_and_server_load_no_qt(layer_name: str) -> None:
    """The core and the wire run in `knop sync` and on the server, where no Qt is loaded."""
    offenders = sorted(
        f"{module}:{line} imports {target}"
        for module in MODULES
        if layer(module) == layer_name
        for target, line in imports_of(module)
        if target.split(".")[0] == "PySide6"
    )
    assert offenders == []


SQL = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE | re.DOTALL)


def test_ui_reaches_data_only_through_desktop_services() -> None:
    offenders: dict[str, list[str]] = {}
    for module, path in MODULES.items():
        if layer(module) != "ui":
            continue
        bad = sorted(t for t, _ in imports_of(module) if t.split(".")[0] in ("sqlite3", "sqlite_utils", "requests"))
        if SQL.search(path.read_text(encoding="utf-8")):
            bad.append("SQL text")
        if bad:
            offenders[module] = bad
    assert offenders == {}


def test_the_checks_see_real_files() -> None:
    """Guard against the rules passing because they scanned nothing."""
    assert {layer(m) for m in MODULES} == set(MAY_IMPORT)
    assert "desktop.core.entities" in GRAPH["desktop.core.operations"]
    assert "ui.context" in GRAPH["ui.board"]
    # a lazy import, inside a function, is seen
    assert "ui.main" in GRAPH["desktop.app.main"]
