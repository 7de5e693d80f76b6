"""The authorization matrix, checked against the shared rules on a real local store.

The same table (tests/authorization_matrix.py) is checked against the real
server in tests/security/; here it pins down the rules both sides run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.entities import (
    Bid,
    InvitationStatus,
    MemberInvitation,
    Organisation,
    Person,
    PersonKind,
    Role,
    Site,
    SiteKind,
    TaskStatus,
)
from desktop.core.rejection import Rejection
from desktop.store import Store
from tests import authorization_matrix as matrix
from tests.conftest import World


def cast(world: World) -> dict[str, Person]:
    """Every actor in the matrix; the task's site is the world's school (site A)."""

    def person(
        pid: str, site: str | None, role: Role, kind: PersonKind = PersonKind.EMPLOYEE, org: str = world.org.id
    ) -> Person:
        return Person(
            id=pid, name=pid.title(), username=pid, home_site_id=site, role=role, kind=kind, version=1,
            organisation_id=org,
        )

    a, b = world.school.id, world.other_school.id
    return {
        "staff_a": person("staff_a", a, Role.STAFF),
        "staff_b": person("staff_b", b, Role.STAFF),
        "manager_a": person("manager_a", a, Role.SITE_MANAGER),
        "manager_b": person("manager_b", b, Role.SITE_MANAGER),
        "admin": person("admin_x", None, Role.ADMIN),
        "external": person("external", None, Role.EXTERNAL, PersonKind.CITIZEN),
        "poster": person("poster", a, Role.STAFF),
        "bidder": person("bidder", a, Role.STAFF),
        "admin_other": person("admin_other", None, Role.ADMIN, org=NEIGHBOUR.id),
        "staff_other": person("staff_other", FAR_SITE.id, Role.STAFF, org=NEIGHBOUR.id),
    }


# Another organisation on the same server, with a site (issue 16).
NEIGHBOUR = Organisation(id="org-2", name="Nabo Kommune")
FAR_SITE = Site(id="s-far", organisation_id=NEIGHBOUR.id, name="Naboskolen", kind=SiteKind.SCHOOL)


def payload_for(operation: str) -> dict[str, object]:
    return {
        "bid.place": {"bid_id": "new-bid", "task_id": "task-1", "message": "Jeg kan"},
        "comment.add": {"comment_id": "new-comment", "task_id": "task-1", "body": "Hej"},
        "bid.accept": {"bid_id": "pending-bid"},
        "bid.decline": {"bid_id": "pending-bid"},
        "task.edit": {"task_id": "task-1", "changes": {"place": "Kantinen"}},
        "task.cancel": {"task_id": "task-1"},
        "task.create": {"task_id": "new-task", "site_id": "s-school", "title": "Ny opgave"},
        "task.set_requirements": {"task_id": "task-1", "requirements": {"child_protection": "block"}},
        "task.widen_audience": {"task_id": "task-1", "audience": "external"},
        "credential.verify": {"person_id": "bidder", "credential": "first_aid"},
        "member.invite": {
            "invitation_id": "new-invitation", "email": "ny@example.org", "person_kind": "volunteer",
            "site_id": "s-school", "code": "ABCD-EFGH-JKMN-PQRS",
        },
        "member.approve_invitation": {"invitation_id": "awaiting"},
        "member.revoke_invitation": {"invitation_id": "awaiting"},
    }[operation]


@pytest.mark.parametrize("audience", matrix.AUDIENCES)
@pytest.mark.parametrize("operation", matrix.OPERATIONS)
@pytest.mark.parametrize("actor", matrix.ACTORS)
def test_matrix(tmp_path: Path, world: World, actor: str, operation: str, audience: str) -> None:
    people = cast(world)
    store = Store(tmp_path / "k.sqlite3")
    with store.transaction():
        for entity in [world.org, world.school, world.other_school, NEIGHBOUR, FAR_SITE, *people.values()]:
            store.put(entity)  # type: ignore[arg-type]
        store.put(world.task(poster_id="poster", audience=audience, status=TaskStatus.OPEN, bid_count=1))
        store.put(Bid(id="pending-bid", task_id="task-1", bidder_id="bidder", version=1))
        store.put(
            MemberInvitation(
                id="awaiting", email="v@example.org", name="", kind=PersonKind.VOLUNTEER,
                site_id=world.school.id, invited_by="bidder", code_hash="x", expires_at="2099-01-01",
                status=InvitationStatus.AWAITING_APPROVAL, version=1,
            )
        )
    try:
        store.perform(operation, payload_for(operation), people[actor], "device")
        got = matrix.OK
    except Rejection as rejection:
        got = str(rejection.code)
    finally:
        store.close()
    assert got == matrix.expected(actor, operation, audience)


@pytest.mark.parametrize("operation", matrix.PERSON_OPERATIONS)
@pytest.mark.parametrize("actor", matrix.ACTORS)
def test_person_matrix(tmp_path: Path, world: World, actor: str, operation: str) -> None:
    people = cast(world)
    leaver = people["bidder"].replace(active=operation != "person.erase")
    store = Store(tmp_path / "k.sqlite3")
    with store.transaction():
        for entity in [world.org, world.school, world.other_school, NEIGHBOUR, FAR_SITE, *people.values(), leaver]:
            store.put(entity)  # type: ignore[arg-type]
    try:
        store.perform(operation, {"person_id": leaver.id}, people[actor], "device")
        got = matrix.OK
    except Rejection as rejection:
        got = str(rejection.code)
    finally:
        store.close()
    assert got == matrix.expected_for_person(actor, operation)


@pytest.mark.parametrize("operation", matrix.LENDING_OPERATIONS)
@pytest.mark.parametrize("actor", matrix.ACTORS)
def test_lending_matrix(tmp_path: Path, world: World, actor: str, operation: str) -> None:
    people = cast(world)
    store = Store(tmp_path / "k.sqlite3")
    status = TaskStatus.DONE if operation == "task.confirm_hours" else TaskStatus.OPEN
    with store.transaction():
        for entity in [world.org.replace(lending="approve"), world.school, world.other_school, NEIGHBOUR, FAR_SITE,
                       *people.values()]:
            store.put(entity)  # type: ignore[arg-type]
        store.put(world.task(poster_id="poster", audience="organisation", status=status, bid_count=1,
                             accepted_count=1))
        store.put(Bid(id="lent-bid", task_id="task-1", bidder_id="staff_b", status="accepted",
                      home_site_id=world.other_school.id, lending="awaiting", version=2))
    payload = {
        "bid.lend": {"bid_id": "lent-bid", "approve": True},
        "task.confirm_hours": {"task_id": "task-1", "hours": {"lent-bid": 2.5}},
    }[operation]
    try:
        store.perform(operation, payload, people[actor], "device")
        got = matrix.OK
    except Rejection as rejection:
        got = str(rejection.code)
    finally:
        store.close()
    assert got == matrix.expected_lending(actor, operation)
