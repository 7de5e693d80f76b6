"""The retention job: what is past its period loses what identifies people, once, everywhere.

Rows are made by real pushes to a real server; the job runs as `knop-admin
retention` (the way cron runs it) with periods of zero days, and through
`retention.run` with a clock years ahead. A second run must change nothing,
and a device's replica must end up as the server is.
"""

from __future__ import annotations

from typing import Any

from desktop.core import erasure
from desktop.core.ids import uuid7
from sync.server import retention
from tests.conftest import World
from tests.server.harness import Deployment, Replica
from tests.server.test_admin_cli import admin
from tests.server.test_personal_data import everything

ZERO = {f"KNOP_RETAIN_{name.upper()}": "0" for name in retention.Retention.__dataclass_fields__}


def closed_task_with_talk(fresh_server: Deployment, world: World) -> dict[str, Any]:
    mette, anna = fresh_server.user("mette"), fresh_server.user("anna")
    open_id, done_id, bid_id = uuid7(), uuid7(), uuid7()
    for task_id, phone in ((open_id, "87654321"), (done_id, "12345678")):
        mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Fest",
                    description=f"Ring til Mette på {phone}", place="Gymnastiksalen", publish=True)
    anna.apply("bid.place", bid_id=bid_id, task_id=done_id, message="Jeg har tid fredag")
    anna.apply("comment.add", comment_id=uuid7(), task_id=done_id, body="Min datter kommer også")
    anna.apply("comment.add", comment_id=uuid7(), task_id=open_id, body="Stadig i gang")
    mette.apply("bid.accept", bid_id=bid_id, message="Godt, Anna")
    mette.apply("task.complete", task_id=done_id)
    return {"open": open_id, "done": done_id}


def test_the_job_removes_old_texts_and_names_and_a_second_run_changes_nothing(
    fresh_server: Deployment, world: World
) -> None:
    closed_task_with_talk(fresh_server, world)
    admin_api = fresh_server.user("admin")
    admin_api.apply("person.deactivate", person_id="bo")
    device = Replica()
    device.sync(fresh_server.user("mette"))  # then the device stays offline while the job runs

    first = admin(fresh_server.db_url, "retention", env=ZERO)
    assert first.code == 0, first.err
    text = everything(fresh_server)
    for gone in ("Jeg har tid fredag", "Min datter kommer også", "Godt, Anna", "12345678", "Bo Nielsen"):
        assert gone not in text
    assert "Stadig i gang" in text and "87654321" in text  # the open task is still needed
    with fresh_server.database.read() as s:
        assert s.value("SELECT count(*) FROM audit_events WHERE actor_id = 'anna'") == 0
        assert s.value("SELECT count(*) FROM audit_events WHERE actor_id LIKE ?", ("pseudonym:%",)) > 0
        events = s.value("SELECT count(*) FROM audit_events")
        assert s.value("SELECT name FROM people WHERE id = 'bo'") == erasure.pseudonym("bo")

    second = admin(fresh_server.db_url, "retention", env=ZERO)
    assert second.code == 0, second.err
    assert second.out.split() == ["tasks", "0,", "bids", "0,", "comments", "0,", "audit_events", "0,", "people", "0"]
    assert everything(fresh_server) == text
    with fresh_server.database.read() as s:
        assert s.value("SELECT count(*) FROM audit_events") == events

    device.sync(fresh_server.user("mette"))
    held = "\n".join(str(row) for row in device.rows.values())
    assert "Min datter kommer også" not in held and "Bo Nielsen" not in held
    assert "Stadig i gang" in held


def test_nothing_within_its_period_is_touched(fresh_server: Deployment, world: World) -> None:
    closed_task_with_talk(fresh_server, world)
    before = everything(fresh_server)
    done = retention.run(fresh_server.database, retention.Retention())
    assert done == dict.fromkeys(done, 0)
    assert everything(fresh_server) == before
    years_later = retention.run(
        fresh_server.database, retention.Retention(), now="2036-01-01T00:00:00.000Z"
    )
    assert years_later["comments"] == 1 and years_later["bids"] == 1 and years_later["tasks"] == 1
