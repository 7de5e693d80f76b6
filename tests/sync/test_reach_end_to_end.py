"""Issue 14's end-to-end story, on a real server process and real client stores.

A staff member invites a volunteer; the volunteer enrols their own computer
with the invitation, sees an external task, is refused a bid for lack of a
børneattest, gets it verified by the site manager, bids and is accepted.
Every step goes through the client code people run (sync.enrolment,
sync.session, the store's operations and the sync engine).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.core.entities import Bid, HeldCredential, MemberInvitation, Person, Task
from desktop.core.ids import uuid7
from desktop.core.rejection import Rejection
from desktop.invitations import new_code
from sync.enrolment import EnrolmentFailed, accept_invitation
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine, server_view, view

VERAS_PASSWORD = "min egen kode"


def test_a_volunteer_is_invited_enrols_is_refused_gets_verified_bids_and_is_accepted(
    fresh_knop_server: Deployment, machines: MachineFactory, world: World, tmp_path: Path
) -> None:
    server = fresh_knop_server
    staffroom = machines(server, world.school.id, "staff-room-pc")

    # The site manager posts a task for outsiders that requires a børneattest.
    mette = staffroom.login("mette")
    assert staffroom.sync(mette).ok
    task_id, internal_id = uuid7(), uuid7()
    staffroom.perform(mette, "task.create", task_id=task_id, site_id=world.school.id, title="Lektiecafé",
                      audience="external", publish=True)
    staffroom.perform(mette, "task.set_requirements", task_id=task_id,
                      requirements={"child_protection": "block"})
    staffroom.perform(mette, "task.create", task_id=internal_id, site_id=world.school.id,
                      title="Personalemøde", audience="organisation", publish=True)
    assert staffroom.sync(mette).ok

    # A staff member invites a volunteer; her client makes the code and prints it.
    anna = staffroom.login("anna")
    assert staffroom.sync(anna).ok
    code, invitation_id = new_code(), uuid7()
    staffroom.perform(anna, "member.invite", invitation_id=invitation_id, email="vera@example.org",
                      name="Vera", person_kind="volunteer", site_id=world.school.id, code=code,
                      message="Vi mangler en til lektiecaféen")
    assert staffroom.sync(anna).ok

    # The volunteer enrols her own laptop with the invitation, and logs in on it.
    laptop = Machine(tmp_path / "veras-laptop", server, "veras-laptop")
    try:
        with laptop:
            with pytest.raises(EnrolmentFailed) as wrong:
                accept_invitation(laptop.server_url, new_code(), username="vera", password=VERAS_PASSWORD,
                                  name="Vera Frivillig")
            assert "not known" in str(wrong.value)
            welcome = accept_invitation(laptop.server_url, code.lower(), username="vera",
                                        password=VERAS_PASSWORD, name="Vera Frivillig", phone="20304050")
        assert welcome.person["role"] == "external" and welcome.device_id == laptop.device_id
        vera = laptop.login("vera", VERAS_PASSWORD)
        assert laptop.sync(vera).ok
        store = laptop.store(vera.person.id)
        try:
            # She sees the external task, and nothing internal.
            assert store.get(Task, task_id) is not None
            assert store.get(Task, internal_id) is None
            assert all(t["audience"] == "external" for t in store.rows("SELECT audience FROM tasks"))
            assert view(store) == server_view(server, vera.person.id)
        finally:
            store.close()

        # Her bid is refused on her own computer already, saying what is missing and who can help.
        with pytest.raises(Rejection) as refused:
            laptop.perform(vera, "bid.place", bid_id=uuid7(), task_id=task_id, message="Jeg vil gerne")
        assert refused.value.reason == "bid.lacks_credentials"
        assert "en børneattest" in refused.value.message("da")
        # The refusal says what the task view says (one source): a volunteer has no HR of
        # his own, and is sent to the manager of the task's site, named by its site.
        said = refused.value.message("da")
        assert said.startswith("Du kan ikke byde endnu: ") and "Lederen af " in said and "HR" not in said

        # The site manager verifies her børneattest.
        assert staffroom.sync(mette).ok
        manager_store = staffroom.store(mette.person.id)
        try:
            assert manager_store.get(Person, vera.person.id) is not None
            assert manager_store.get(MemberInvitation, invitation_id).status == "accepted"  # type: ignore[union-attr]
        finally:
            manager_store.close()
        today = dt.date.today()  # a certificate issued this year, good for five more: whatever day this runs
        staffroom.perform(mette, "credential.verify", person_id=vera.person.id, credential="child_protection",
                          issued_on=(today - dt.timedelta(days=330)).isoformat(),
                          expires_on=(today + dt.timedelta(days=5 * 365)).isoformat())
        assert staffroom.sync(mette).ok

        # Now she bids, and the bid reaches the server.
        assert laptop.sync(vera).ok
        bid_id = uuid7()
        laptop.perform(vera, "bid.place", bid_id=bid_id, task_id=task_id, message="Jeg vil gerne")
        report = laptop.sync(vera)
        assert report.ok and [(u.applied, u.rejected) for u in report.users] == [(1, 0)]

        # The manager accepts it; she sees that on her laptop.
        assert staffroom.sync(mette).ok
        staffroom.perform(mette, "bid.accept", bid_id=bid_id, message="Velkommen!")
        assert staffroom.sync(mette).ok
        assert laptop.sync(vera).ok
        store = laptop.store(vera.person.id)
        try:
            assert store.get(Bid, bid_id).status == "accepted"  # type: ignore[union-attr]
            assert store.get(HeldCredential, vera.person.id, "child_protection") is not None
            assert view(store) == server_view(server, vera.person.id)
        finally:
            store.close()
        # The audit trail says who invited whom and who verified what.
        with server.database.read() as s:
            said = {
                (str(r[0]), str(r[1]))
                for r in s.execute("SELECT operation, actor_id FROM audit_events WHERE entity_id IN (?, ?)",
                                   (invitation_id, vera.person.id)).fetchall()
            }
        assert ("member.invite", world.anna.id) in said
        assert ("member.accept", vera.person.id) in said
        assert ("credential.verify", world.mette.id) in said
    finally:
        laptop.close()
