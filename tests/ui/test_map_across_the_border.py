"""The competence map's drill-down names another municipality's hidden tasks by count, not by blank titles.

A person of Bøgeby Kommune who worked for the demo municipality (a task opened to
every municipality) also solved Bøgeby's internal tasks, which the demo
municipality's HR may not know by name. The drill-down listed those as empty titles:
"Fælles kursus; ;". Now they are counted under the municipality's name
("Fælles kursus; 2 opgaver i Bøgeby Kommune"), and the server never sends their
titles. The answers are the server's own (sync/server/insights.py) over the demo
municipality seeded into a real server database, with Bøgeby beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.core.entities import Audience, Person, Role
from desktop.core.ids import utc_now, uuid7
from sync.server import demo, demo_seed, directory, migrations, push, storage
from sync.server import insights as server_insights
from sync.server.accounts import Caller
from tests.server.tenants import add_organisation
from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.insights_map import CompetenceMap

SKILL = "events.planning"
DEVICE = "a-workstation-in-the-staff-room"


def across_the_border(folder: Path, data: demo.DemoData) -> dict[str, Any]:
    """The demo admin's map and drill-down into `SKILL`, after Bøgeby's Bea worked on both sides of the border.

    Returns {"competence": the map, "people": the drill-down, "bea": her person id,
    "theirs": the titles of Bøgeby's internal tasks}.
    """
    db = storage.Database(folder / "server.sqlite3", pool_size=1)
    try:
        migrations.migrate(db)
        demo_seed.seed(db, data)
        add_organisation(db, "org-b", "Bøgeby Kommune", {"s-b": "Bøgeby Skole"})
        bea = directory.add_person(
            db, directory.NewPerson(username="bea", name="Bea Borg", site="s-b", organisation_id="org-b")
        )
        bent = directory.add_person(
            db, directory.NewPerson(username="bent", name="Bent Bager", site="s-b", role=Role.SITE_MANAGER,
                                    organisation_id="org-b"),
        )
        manager = next(p for p in data.people if p.role == Role.SITE_MANAGER and p.active)

        def as_(person: Person, kind: str, **payload: object) -> None:
            batch = [{"id": uuid7(), "kind": kind, "payload": payload, "author_id": person.id,
                      "device_id": DEVICE, "created_at": utc_now()}]
            (result,) = push.push(db, Caller(person, DEVICE, ""), batch)
            assert result["status"] == "applied", result

        def worked_on(poster: Person, site: str, title: str, audience: str) -> None:
            task, bid = uuid7(), uuid7()
            as_(poster, "task.create", task_id=task, site_id=site, title=title, audience=audience,
                publish=True, skills=[SKILL])
            as_(bea, "bid.place", bid_id=bid, task_id=task, message="Gerne")
            as_(poster, "bid.accept", bid_id=bid)

        worked_on(manager, str(manager.home_site_id), "Fælles kursus", Audience.ORGANISATIONS)
        theirs = ["Bøgebys interne sag", "Bøgebys julefrokost"]
        for title in theirs:
            worked_on(bent, "s-b", title, Audience.ORGANISATION)
        admin = next(p for p in data.people if p.role == Role.ADMIN)
        with db.read() as s:
            viewer = server_insights.Viewer(s, admin)
            return {
                "competence": server_insights.competence_map(db, s, viewer),
                "people": server_insights.evidence(s, viewer, skill=SKILL),
                "bea": bea.id,
                "theirs": theirs,
            }
    finally:
        db.close()


@pytest.fixture(scope="module")
def answers(demo_data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield across_the_border(tmp_path_factory.mktemp("border"), demo_data)


def drilled_down(qtbot: Any, context: AppContext, answers: dict[str, Any]) -> CompetenceMap:
    """The map, answered by the server's answers, with `SKILL` chosen and its people shown."""
    screen = CompetenceMap(context, fetcher=lambda name, _params: answers[name])
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.show()
    qtbot.waitUntil(lambda: screen.skills_model.row_of(SKILL) >= 0, timeout=10_000)
    screen.skills_table.setCurrentIndex(screen.skills_model.index(screen.skills_model.row_of(SKILL), 0))
    qtbot.waitUntil(lambda: screen.people_model.row_of(answers["bea"]) >= 0, timeout=10_000)
    return screen


@pytest.mark.parametrize(
    ("language", "said"),
    [("da", "Fælles kursus; 2 opgaver i Bøgeby Kommune"), ("en", "Fælles kursus; 2 tasks in Bøgeby Kommune")],
)
def test_another_municipalitys_tasks_are_counted_under_its_name(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], language: str, said: str
) -> None:
    with styled(language):
        screen = drilled_down(qtbot, make_context("admin", language), answers)
        model = screen.people_model
        titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        tasks = titles.index("Opgaver" if language == "da" else "Tasks")
        cell = model.index(model.row_of(answers["bea"]), tasks)
        assert cell.data() == said
        assert cell.data(Qt.ItemDataRole.ToolTipRole) == said
        # No row anywhere in the drill-down reads as blank titles.
        for row in range(model.rowCount()):
            text = str(model.index(row, tasks).data())
            assert "; ;" not in text and not text.startswith("; ") and not text.endswith(";"), text


def test_the_server_sends_the_count_and_the_name_never_the_titles(answers: dict[str, Any]) -> None:
    (bea,) = [p for p in answers["people"]["people"] if p["person_id"] == answers["bea"]]
    assert [t["title"] for t in bea["tasks"]] == ["Fælles kursus"]
    assert bea["unnamed_tasks"] == [{"organisation_id": "org-b", "organisation": "Bøgeby Kommune", "count": 2}]
    assert not any(title in repr(answers["people"]) for title in answers["theirs"])


def test_an_older_servers_blank_titles_are_counted_too(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    """A server from before `unnamed_tasks` sent each hidden task with a blank title: counted, not "; ;"."""
    older = {**answers["people"], "people": [
        {
            **{k: v for k, v in p.items() if k != "unnamed_tasks"},
            "tasks": p["tasks"] + [
                {"task_id": None, "title": "", "site_id": None, "organisation_id": u["organisation_id"],
                 "level": "accepted"}
                for u in p["unnamed_tasks"] for _ in range(u["count"])
            ],
        }
        for p in answers["people"]["people"]
    ]}
    with styled("da"):
        screen = drilled_down(qtbot, make_context("admin", "da"), {**answers, "people": older})
        model = screen.people_model
        cell = model.index(model.row_of(answers["bea"]), model.columnCount() - 1)
        assert cell.data() == "Fælles kursus; 2 opgaver i en anden kommune"
