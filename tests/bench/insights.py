"""Competence discovery at the size of a municipality: the server's aggregates and the screen's first paint.

Server: the competence map and the two-year site network for an admin and a
site manager, on the seeded benchmark database (SQLite, and PostgreSQL when
there is one), called in-process on the server's own `Database` (what a
request does after its credential check). Two figures each: as served (the
snapshot of the organisation-wide facts is current, which is every request
but the first after a change and its max age; measured as a worker that has
not read that snapshot yet, so its JSON is read and summed up each time), and
computing the facts from the tables ("cold", the price the first request
after a change pays).

Client: the network screen opening on a kept answer, from constructing the
widget to its picture's first paint, on the UI thread under offscreen Qt.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from desktop.core.entities import Person, Role
from sync.server import insights, migrations, snapshots, storage
from tests.bench import scale, servers
from tests.bench.report import Figure, median_of

RUNS = {"full": 15, "quick": 15}
TARGET_MS = 300.0
PAINT_TARGET_MS = 150.0


def _people(size: str) -> dict[str, Person]:
    people = scale.municipality(size).people
    return {
        "admin": next(p for p in people if p.role == Role.ADMIN),
        "manager": next(p for p in people if p.role == Role.SITE_MANAGER),
    }


def _timed(db: storage.Database, compute: Callable[[storage.Database, Any, Any], Any], person: Person) -> float:
    # As a worker that has not read this snapshot yet: its JSON is read and summed up again.
    snapshots._PARSED.clear()
    insights._SUMMARIES.clear()
    start = time.perf_counter()
    with db.read() as s:
        compute(db, s, insights.Viewer(s, person))
    return (time.perf_counter() - start) * 1000


def _figures(db: storage.Database, backend: str, size: str) -> list[Figure]:
    migrations.migrate(db)
    figures = []
    for label, compute in (
        ("competence map", insights.competence_map),
        ("network, two years", insights.network),
    ):
        cold = []
        for _ in range(3):
            snapshots.forget(db)
            cold.append(_timed(db, compute, _people(size)["admin"]))
        for role, person in _people(size).items():
            served = [_timed(db, compute, person) for _ in range(RUNS[size])]
            median = median_of(served)
            figures.append(
                Figure(
                    f"insights: {label}, {role}, {backend}",
                    median,
                    "ms",
                    f"<= {TARGET_MS:.0f} ms",
                    median <= TARGET_MS,
                    {"max_ms": max(served), "runs": len(served)},
                )
            )
        figures.append(
            Figure(
                f"insights: {label} facts computed, {backend}",
                median_of(cold),
                "ms",
                "(the first request after a change)",
                True,
                {"runs": len(cold)},
            )
        )
    return figures


@contextlib.contextmanager
def _sqlite(size: str) -> Iterator[storage.Database]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "server.sqlite3"
        shutil.copyfile(servers.sqlite_db(size), copy)
        db = storage.Database(str(copy), pool_size=2)
        try:
            yield db
        finally:
            db.close()


def _first_paint(body: dict[str, Any], size: str) -> Figure:
    from PySide6.QtWidgets import QApplication

    from desktop import insights as kept
    from desktop.store import Store
    from ui.context import AppContext
    from ui.insights_network import NetworkScreen

    app = QApplication.instance() or QApplication([])
    samples = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "knop.sqlite3"
        store = Store(path)
        kept.keep(store, kept.NETWORK, body)
        store.close()
        person = _people(size)["admin"]
        context = AppContext(person, path, "bench-device", "da")
        try:
            for _ in range(10):
                painted: list[float] = []
                start = time.perf_counter()
                screen = NetworkScreen(context, fetcher=lambda name, params: body)
                original = screen.picture.paintEvent

                def paint(
                    event: Any, original: Any = original, screen: Any = screen, painted: list[float] = painted
                ) -> None:
                    original(event)
                    if screen.picture.nodes and not painted:
                        painted.append(time.perf_counter())

                screen.picture.paintEvent = paint  # type: ignore[method-assign]
                screen.resize(1100, 800)
                screen.show()
                deadline = time.perf_counter() + 10
                while not painted and time.perf_counter() < deadline:
                    app.processEvents()
                if not painted:
                    raise RuntimeError("the network screen never painted its picture")
                samples.append((painted[0] - start) * 1000)
                screen.close()
                screen.deleteLater()
                app.processEvents()
        finally:
            context.close()
    median = median_of(samples)
    return Figure(
        "insights: network screen first paint (kept answer)",
        median,
        "ms",
        f"<= {PAINT_TARGET_MS:.0f} ms",
        median <= PAINT_TARGET_MS,
        {"max_ms": max(samples), "edges": len(body.get("edges", []))},
    )


def run(size: str) -> list[Figure]:
    figures: list[Figure] = []
    with _sqlite(size) as db:
        figures += _figures(db, "SQLite", size)
        with db.read() as s:
            body = insights.network(db, s, insights.Viewer(s, _people(size)["admin"]))
    figures.append(_first_paint(body, size))
    postgres = servers.Postgres.find()
    if postgres is not None:
        try:
            db = storage.Database(postgres.seeded(size), pool_size=2)
            try:
                figures += _figures(db, "PostgreSQL", size)
            finally:
                db.close()
        finally:
            postgres.close()
    return figures
