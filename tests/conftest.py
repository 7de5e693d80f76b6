"""Shared fixtures: isolated directories, a small real world in a real SQLite store.

Every test runs with its own config, data and log directories, so nothing a
test does reaches the developer's real Knop, and Qt runs offscreen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The servers the tests start open their pools' connections when asked, as they did
# before sync.server.app opened them all at start: a session keeps dozens of servers
# running against one PostgreSQL, and 8 connections each exhausts its default
# max_connections of 100 ("sorry, too many clients already"). tests/server/test_pool_at_start.py
# turns it back on to check the start-up itself.
os.environ.setdefault("KNOP_SERVER_POOL_AT_START", "0")

from desktop.core.entities import (
    Audience,
    Organisation,
    Person,
    PersonKind,
    Role,
    Site,
    SiteKind,
    Task,
    TaskStatus,
)
from desktop.store import Store


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every Knop directory at a fresh temporary tree."""
    root = tmp_path_factory.mktemp("knop-home")
    for name in ("KNOP_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR", "KNOP_SYSTEM_CONFIG_DIR"):
        path = root / name.lower()
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    for name in list(os.environ):
        if name.startswith("KNOP_") and name not in (
            "KNOP_CONFIG_DIR",
            "KNOP_DATA_DIR",
            "KNOP_LOG_DIR",
            "KNOP_SYSTEM_CONFIG_DIR",
            "KNOP_TEST_POSTGRES_URL",
        ):
            monkeypatch.delenv(name, raising=False)
    return root


@dataclass
class World:
    """A small municipality: two schools and a care home, with the people who matter."""

    org: Organisation
    school: Site
    other_school: Site
    care_home: Site
    anna: Person  # staff at the school
    bo: Person  # staff at the school
    carl: Person  # staff at the other school
    mette: Person  # site manager at the school
    admin: Person
    ole: Person  # external volunteer

    def entities(self) -> list[object]:
        return [
            self.org,
            self.school,
            self.other_school,
            self.care_home,
            self.anna,
            self.bo,
            self.carl,
            self.mette,
            self.admin,
            self.ole,
        ]

    def task(self, **fields: object) -> Task:
        values: dict[str, object] = {
            "id": "task-1",
            "site_id": self.school.id,
            "poster_id": self.mette.id,
            "organisation_id": self.org.id,
            "title": "Sommerfest på plejehjemmet",
            "description": "Vi mangler hjælp til at pynte op og grille.",
            "skills": ["events.planning"],
            "seats": 1,
            "audience": Audience.SITE,
            "status": TaskStatus.OPEN,
            "created_at": "2026-06-01T08:00:00.000Z",
            "updated_at": "2026-06-01T08:00:00.000Z",
            "version": 1,
        }
        values.update(fields)
        if "published_at" not in fields and values["status"] != TaskStatus.DRAFT:
            # A task past draft was published when made, unless the test says otherwise.
            values["published_at"] = values["created_at"]
        return Task(**values)  # type: ignore[arg-type]


def make_world() -> World:
    org = Organisation(id="org", name="Egeskov Kommune")
    school = Site(id="s-school", organisation_id="org", name="Egeskov Skole", kind=SiteKind.SCHOOL)
    other = Site(id="s-other", organisation_id="org", name="Bøgely Skole", kind=SiteKind.SCHOOL)
    care = Site(id="s-care", organisation_id="org", name="Plejehjemmet Solgården", kind=SiteKind.CARE_HOME)

    def person(pid: str, name: str, site: Site | None, role: Role, kind: PersonKind = PersonKind.EMPLOYEE) -> Person:
        return Person(
            id=pid,
            name=name,
            username=pid,
            home_site_id=site.id if site else None,
            role=role,
            kind=kind,
            version=1,
            organisation_id=org.id,
        )

    return World(
        org=org,
        school=school,
        other_school=other,
        care_home=care,
        anna=person("anna", "Anna Jensen", school, Role.STAFF),
        bo=person("bo", "Bo Nielsen", school, Role.STAFF),
        carl=person("carl", "Carl Holm", other, Role.STAFF),
        mette=person("mette", "Mette Larsen", school, Role.SITE_MANAGER),
        admin=person("admin", "Ada Admin", None, Role.ADMIN),
        ole=person("ole", "Ole Frivillig", None, Role.EXTERNAL, PersonKind.VOLUNTEER),
    )


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def store(tmp_path: Path, world: World) -> Iterator[Store]:
    """A real store file holding the small world, as if pulled from the server."""
    s = Store(tmp_path / "knop.sqlite3")
    with s.transaction():
        for entity in world.entities():
            s.put(entity)  # type: ignore[arg-type]
    yield s
    s.close()


# A modal dialog nobody answers blocks the test inside Qt's nested event loop,
# where pytest-timeout's alarm cannot unwind it: a CI run once sat there until
# the job's limit. Give a dialog this long (a test that answers a dialog does so
# within a second or two, even on a busy machine), then close it and fail the
# test with what it said.
STUCK_DIALOG_SECONDS = 60.0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "dialog_patience(seconds): how long no_dialog_left_waiting lets a modal dialog wait"
    )


def _uses_qt(request: pytest.FixtureRequest) -> bool:
    """Whether the test uses Qt (asks for `qtbot`); then its QApplication exists once this returns.

    The others never see a QApplication, and the Qt guards below leave them alone.
    """
    if "qtbot" not in request.fixturenames:
        return False
    request.getfixturevalue("qapp")
    return True


@pytest.fixture(autouse=True)
def no_dialog_left_waiting(request: pytest.FixtureRequest) -> Iterator[None]:
    """Close a modal dialog that stays open STUCK_DIALOG_SECONDS, and fail the test with its text."""
    if not _uses_qt(request):
        yield
        return
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    marker = request.node.get_closest_marker("dialog_patience")
    patience = float(marker.args[0]) if marker else STUCK_DIALOG_SECONDS
    stuck: list[str] = []
    seen: dict[int, float] = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            seen.clear()
            return
        first = seen.setdefault(id(dialog), time.monotonic())
        if time.monotonic() - first < patience:
            return
        said = dialog.text() if isinstance(dialog, QMessageBox) else ""
        stuck.append(f"{type(dialog).__name__} {dialog.windowTitle()!r}: {said!r}")
        seen.pop(id(dialog), None)
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    timer = QTimer()
    timer.setInterval(500)
    timer.timeout.connect(look)
    timer.start()
    yield
    timer.stop()
    assert not stuck, f"a modal dialog waited {patience:g} s for an answer: {stuck}"


@pytest.fixture(autouse=True)
def cycles_collected_on_the_ui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Qt tests run with the collector the app runs with (ui/garbage.py), not CPython's own."""
    if not _uses_qt(request):
        yield
        return
    from ui.garbage import MainThreadCollector

    collector = MainThreadCollector()
    collector.start()
    yield
    collector.stop()
    collector.deleteLater()
