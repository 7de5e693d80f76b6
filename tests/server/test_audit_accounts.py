"""The audit trail accounts for every assignment: who got it, from which device, found by the task's words.

A try-out with HR found the trail of an accepted bid silent on who got the
assignment, devices shown as bare ids, the items of an entry in an order that
varied, and the task filter taking only an id. On a real server, on SQLite
and on PostgreSQL (a C-locale cluster, where lower() folds A-Z alone), through
`GET /v1/audit` and `knop-admin audit` alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop.core.ids import uuid7
from sync import protocol
from sync.server import accounts
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Deployment
from tests.server.test_admin_cli import admin

DEVICE_NAME = "PC-EGESKOV-07"
TITLE = "Æbleplukning i skolehaven"


class Told:
    """A task with an Æ in its title, Anna's bid on it accepted by Mette on a named device, and done."""

    def __init__(self, deployment: Deployment, world: World) -> None:
        self.deployment = deployment
        self.mette = deployment.api()
        self.mette.enrol(accounts.new_enrolment_code(deployment.database, world.school.id), name=DEVICE_NAME)
        self.mette.login("mette")
        self.anna = deployment.user("anna")
        self.admin = deployment.user("admin")
        self.task_id, self.other_id, self.bid_id = uuid7(), uuid7(), uuid7()
        for task_id, title in ((self.task_id, TITLE), (self.other_id, "Øvelse i førstehjælp på skolens gård")):
            self.mette.apply("task.create", task_id=task_id, site_id=world.school.id, title=title, publish=True,
                             audience="organisation")
        # The rule writes the task (its outsiders) first, then its requirements.
        self.mette.apply("task.set_requirements", task_id=self.other_id, requirements={"first_aid": "warn"},
                         outsiders=["volunteer"])
        self.anna.apply("bid.place", bid_id=self.bid_id, task_id=self.task_id, hours=3)
        self.mette.apply("bid.accept", bid_id=self.bid_id)
        self.mette.apply("task.complete", task_id=self.task_id, hours={self.bid_id: 3})

    def trail(self, **params: Any) -> dict[str, Any]:
        answer = self.admin.http.get(
            protocol.PATH_AUDIT, params={"limit": 1000, **params}, headers=self.admin.headers()
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def close(self) -> None:
        for api in (self.mette, self.anna, self.admin):
            api.close()


@pytest.fixture(scope="module")
def told(backend: str, servers: Servers, world: World) -> Iterator[Told]:
    deployment = servers.start(backend)
    story = Told(deployment, world)
    yield story
    story.close()
    deployment.stop()
    assert deployment.server_errors() == []


def operations(body: dict[str, Any]) -> list[str]:
    return [e["operation"] for e in body["events"]]


def test_an_accepted_bid_says_who_got_the_assignment(told: Told, world: World) -> None:
    body = told.trail(operation="bid.accept")
    (accepted,) = body["events"]
    assert accepted["actor_id"] == world.mette.id  # who accepted ...
    assert body["assigned"] == {accepted["id"]: world.anna.id}  # ... and who got the work
    assert body["names"][world.anna.id] == "Anna Jensen"


def test_the_device_is_named_as_it_was_enrolled(told: Told, world: World) -> None:
    body = told.trail(person="mette")
    devices = {e["device_id"] for e in body["events"]}
    assert devices == {told.mette.device_id}
    assert body["names"][str(told.mette.device_id)] == DEVICE_NAME


def test_what_changed_is_in_one_order_whatever_order_it_was_written_in(told: Told) -> None:
    (required,) = told.trail(operation="task.set_requirements")["events"]
    assert required["summary"] == f"task_requirements/{told.other_id}, tasks/{told.other_id}"  # by table
    (done,) = told.trail(operation="task.complete")["events"]
    assert done["summary"] == f"bids/{told.bid_id}, tasks/{told.task_id}"


@pytest.mark.parametrize(
    "typed",
    [TITLE, "æbleplukning", "ÆBLEPLUKNING", "skolehaven æBLE", "  PLUKNING   Skole  "],
)
def test_the_task_filter_takes_words_from_the_title_in_any_case(told: Told, typed: str) -> None:
    assert operations(told.trail(task=typed)) == ["task.create", "bid.place", "bid.accept", "task.complete"]


def test_the_task_filter_still_takes_an_id_and_finds_nothing_for_other_words(told: Told) -> None:
    assert operations(told.trail(task=told.task_id)) == ["task.create", "bid.place", "bid.accept", "task.complete"]
    other = ["task.create", "task.set_requirements"]
    assert operations(told.trail(task="førstehjælp ØVELSE")) == other
    assert operations(told.trail(task="PÅ GA\u030aRD")) == other  # Å typed as A and a ring
    assert told.trail(task="æble førstehjælp")["events"] == []  # every word must be in the title
    assert told.trail(task="100%")["events"] == []  # LIKE's characters are meant literally
    assert told.trail(task="_")["events"] == []


def test_knop_admin_audit_says_it_too(told: Told, world: World) -> None:
    db = told.deployment.db_url
    ran = admin(db, "audit", "--task", "ÆBLE skolehaven")
    assert ran.code == 0, ran.err
    lines = [line.split("\t") for line in ran.out.splitlines()]
    assert [x[3] for x in lines] == ["task.create", "bid.place", "bid.accept", "task.complete"]
    accepted = lines[2]
    assert accepted[2] == f"{DEVICE_NAME} ({told.mette.device_id})"  # the name, the id beside it
    assert accepted[7].endswith("; assigned to Anna Jensen")
    assert admin(db, "audit", "--task", "æblemost").out == ""

    exported = admin(db, "audit", "--task", "æble", "--operation", "bid.accept", "--csv")
    header, row = exported.out.lstrip("\ufeff").splitlines()
    cells = dict(zip(header.split(";"), row.split(";"), strict=True))
    assert cells["device"] == DEVICE_NAME and cells["device id"] == told.mette.device_id
    assert cells["assigned to"] == "Anna Jensen" and cells["person"] == "Mette Larsen"
