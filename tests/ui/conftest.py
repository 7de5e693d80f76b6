"""Fixtures for UI tests: a logged-in demo user over a real store, on a real DB thread.

Reusable by every UI test module:

- `demo_data`: Egeskov Kommune from `sync.server.demo.generate` (small, built once).
- `demo_store`: a fresh copy of a store file holding `demo_data` (copying a
  template built once per session is much faster than inserting per test).
- `person(username)`: a demo person by username ("anna", "mette", "ole", "admin").
- `make_context(username, language="da")`: an `AppContext` for that person over
  `demo_store`; stopped (threads joined) at teardown.
- `context`: `make_context("anna")`; Anna is staff at a school.
- `big_store`: a store with `BIG_TASKS` tasks, built once per session, shared
  read-only by the tests that use it (copy it if you write).
- `wait_idle(context)`: wait until the DB thread has delivered every result.
- `knop_server`, `machines`: a real knop-server process and enrolled workstations
  (from tests/sync); every UI test also gets the in-memory keyring and the
  cheap offline verifier from there.

The root conftest already isolates config, data and log directories, and the
suite runs with QT_QPA_PLATFORM=offscreen.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.server import demo
from desktop.core.entities import Person
from desktop.store import Store
from tests.sync.conftest import (  # noqa: F401 - fixtures for the UI tests that use a real server
    cheap_verifier,
    fresh_knop_server,
    knop_server,
    machines,
    memory_keyring,
    sync_servers,
)
from ui.context import AppContext

DEVICE_ID = "test-device"
DEMO_SEED = 7
# 100,000 tasks take ~20 s to insert (FTS triggers); set KNOP_BIG_TASKS=100000 to try.
BIG_TASKS = int(os.environ.get("KNOP_BIG_TASKS", "20000"))


def fill_store(path: Path, data: demo.DemoData) -> Path:
    """Write demo data into a new store file as a full pull would, and checkpoint it."""
    store = Store(path)
    with store.transaction():
        for group in data.groups().values():
            if group:
                store.put_rows(type(group[0]), (entity.to_row() for entity in group))
    store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture(scope="session")
def demo_data() -> demo.DemoData:
    return demo.generate(DEMO_SEED, tasks=400, people=80)


@pytest.fixture(scope="session")
def demo_template(demo_data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fill_store(tmp_path_factory.mktemp("demo-template") / "knop.sqlite3", demo_data)


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store" / "knop.sqlite3"
    target.parent.mkdir()
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def person(demo_data: demo.DemoData) -> Callable[[str], Person]:
    by_username = {p.username: p for p in demo_data.people}

    def find(username: str) -> Person:
        return by_username[username]

    return find


@pytest.fixture
def make_context(
    qtbot: object, demo_store: Path, person: Callable[[str], Person]
) -> Iterator[Callable[..., AppContext]]:
    made: list[AppContext] = []
    by_username = person

    def make(
        username: str = "anna",
        language: str = "da",
        store_path: Path | None = None,
        person: Person | None = None,
    ) -> AppContext:
        who = person or by_username(username)
        context = AppContext(who, store_path or demo_store, DEVICE_ID, language)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
        assert not context.worker.db_thread.isRunning()


@pytest.fixture
def context(make_context: Callable[..., AppContext]) -> AppContext:
    return make_context("anna")


@pytest.fixture(scope="session")
def big_data() -> demo.DemoData:
    return demo.generate(DEMO_SEED, tasks=BIG_TASKS, people=600, bids=0, comments=0)


@pytest.fixture(scope="session")
def big_store(big_data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fill_store(tmp_path_factory.mktemp("big") / "knop.sqlite3", big_data)


@pytest.fixture
def wait_idle(qtbot: object) -> Callable[[AppContext], None]:
    def wait(context: AppContext) -> None:
        qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)  # type: ignore[attr-defined]

    return wait


@pytest.fixture(autouse=True)
def no_threads_left_behind() -> Iterator[None]:
    """Every test must stop what it started: a leftover thread is a shutdown bug."""
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not [t.name for t in left if not t.daemon]
