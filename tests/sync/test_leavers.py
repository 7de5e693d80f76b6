"""People who leave, as a shared workstation sees it: erasure arrives with the next sync.

A staff-room PC was offline while an admin erased a colleague; its next sync
must leave nothing of her there: not in the stores of the others, and not her
own store, login entry or token (desktop.forgetting). The same machine forgets
someone who simply has not logged in there for `forget_after_days`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop import accounts, forgetting, paths
from desktop.core import erasure
from desktop.core.ids import uuid7
from sync.session import NeverLoggedInHere, WrongPassword, login
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import published_task
from tests.sync.workstation import Machine, view

WORDS = "Jeg tager kagen med"


def held_text(machine: Machine, person_id: str) -> str:
    store = machine.store(person_id)
    try:
        return "\n".join(str(row) for row in view(store).values())
    finally:
        store.close()


def test_an_erasure_reaches_a_machine_that_was_offline_and_it_forgets_her(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    # A leaver of this test's own, so the shared server's Anna stays for the others.
    from sync.server import directory

    leaver = directory.add_person(
        knop_server.database,
        directory.NewPerson(username=f"lise-{uuid7()[-8:]}", name="Lise Lærke Leaver", site=world.school.id),
        "correct horse battery",
    )
    lise = staffroom.login(leaver.username, "correct horse battery")
    assert staffroom.sync(lise).ok
    staffroom.perform(lise, "comment.add", comment_id=uuid7(), task_id=task_id, body=WORDS)
    assert staffroom.sync(lise).ok
    bo = staffroom.login("bo")
    assert staffroom.sync(bo).ok
    assert "Lise Lærke Leaver" in held_text(staffroom, "bo") and WORDS in held_text(staffroom, "bo")
    with staffroom.unplugged():  # a change of hers that will never be sent
        staffroom.perform(lise, "comment.add", comment_id=uuid7(), task_id=task_id, body="Sidste ord")

    with staffroom.unplugged():
        admin = knop_server.user("admin")
        admin.apply("person.deactivate", person_id=leaver.id)
        admin.apply("person.erase", person_id=leaver.id)
        assert not staffroom.sync(bo).ok  # offline: nothing arrives, nothing is forgotten
        with staffroom:
            assert accounts.by_person(leaver.id) is not None

    report = staffroom.sync(bo)  # her last change is refused: she may no longer send anything
    assert {u.person_id: u.failure is None for u in report.users} == {"bo": True, leaver.id: False}
    assert staffroom.sync(bo).ok  # and then she is gone from this machine
    text = held_text(staffroom, "bo")
    assert "Lise Lærke Leaver" not in text and WORDS not in text
    assert erasure.pseudonym(leaver.id) in text
    with staffroom:
        store_file = paths.user_store("bo")
    raw = b"".join(p.read_bytes() for p in store_file.parent.iterdir() if p.name.startswith(store_file.name))
    assert "Lise Lærke Leaver".encode() not in raw and WORDS.encode() not in raw  # not even in free pages
    with staffroom:
        assert not paths.user_store(leaver.id).parent.exists()
        assert accounts.by_person(leaver.id) is None
        with pytest.raises(WrongPassword):  # the server no longer knows the login
            login(leaver.username, "correct horse battery")
    with staffroom.unplugged(), staffroom, pytest.raises(NeverLoggedInHere):  # nor does the machine
        login(leaver.username, "correct horse battery")
    assert staffroom.token_of(leaver.id) is None


def test_someone_who_has_not_logged_in_here_for_long_is_forgotten_unless_changes_wait(
    knop_server: Deployment, world: World, machines: MachineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOP_FORGET_AFTER_DAYS", "30")
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id, audience="organisation")
    anna, carl = staffroom.login("anna"), staffroom.login("carl")
    assert staffroom.sync(anna).ok and staffroom.sync(carl).ok
    with staffroom.unplugged():  # Carl's comment waits in his outbox
        staffroom.perform(carl, "comment.add", comment_id=uuid7(), task_id=task_id, body="Venter")
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).isoformat()
    with staffroom:
        accounts.note_offline_login("anna", at=long_ago)
        accounts.note_offline_login("carl", at=long_ago)
        assert forgetting.forget_due(30, dt.datetime.now(dt.UTC), logged_in="bo") == ["anna"]
        assert not paths.user_store("anna").parent.exists()
        assert accounts.by_person("anna") is None and accounts.by_person("carl") is not None
    assert staffroom.token_of("anna") is None

    bo = staffroom.login("bo")
    staffroom.sync(bo)  # Carl's comment goes with his own authority, then he is forgotten
    with staffroom:
        assert accounts.by_person("carl") is None
        assert not Path(paths.user_store("carl")).exists()
        assert accounts.by_person("bo") is not None
