"""The authorization matrix against the real server: pushing each operation, and pulling its data.

The expected cells come from tests/authorization_matrix.py, written by hand;
tests/test_authorization.py checks the same table against the shared rules on
a local store. Here every cell is a push from that actor's own device and
token, and the pull side checks that each actor's feed holds the task and the
bid exactly when the table says they may see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop.core.entities import Role
from desktop.core.ids import uuid7
from sync import protocol
from sync.server import directory, invitations
from tests import authorization_matrix as matrix
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import PASSWORD, Api, Deployment
from tests.server.tenants import add_organisation

# Matrix actors -> usernames on the server. dina and mads are added for this
# module: a second staff member at site A and a manager at site B.
USERNAMES = {
    "staff_a": "dina",
    "staff_b": "carl",
    "manager_a": "mette",
    "manager_b": "mads",
    "admin": "admin",
    "external": "ole",
    "poster": "bo",
    "admin_other": "nina",  # the admin of a neighbouring municipality on the same server (issue 16)
    "staff_other": "niels",  # staff at its school
}
BIDDER = "anna"


@pytest.fixture(scope="module")
def matrix_server(backend: str, servers: Servers, world: World) -> Iterator[Deployment]:
    deployment = servers.start(backend)
    for username, name, site, role in (
        ("dina", "Dina Staff", world.school.id, Role.STAFF),
        ("mads", "Mads Manager", world.other_school.id, Role.SITE_MANAGER),
    ):
        directory.add_person(
            deployment.database,
            directory.NewPerson(username=username, name=name, site=site, role=role),
            PASSWORD,
        )
    add_organisation(deployment.database, "org-2", "Nabo Kommune", {"s-far": "Naboskolen"})
    for username, name, site, role in (("nina", "Nina Admin", None, Role.ADMIN), ("niels", "Niels Staff", "s-far", Role.STAFF)):
        directory.add_person(
            deployment.database,
            directory.NewPerson(username=username, name=name, site=site, role=role, organisation_id="org-2"),
            PASSWORD,
        )
    # Outsiders' invitations wait for a coordinator, so there is one to approve.
    invitations.set_approval(deployment.database, True)
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


@pytest.fixture(scope="module")
def clients(matrix_server: Deployment) -> Iterator[dict[str, Api]]:
    """One logged-in device per person, at the person's own site."""
    made = {name: matrix_server.user(name) for name in {*USERNAMES.values(), BIDDER}}
    yield made
    for api in made.values():
        api.close()


def open_task_with_pending_bid(clients: dict[str, Api], world: World, audience: str) -> tuple[str, str]:
    task_id, bid_id = uuid7(), uuid7()
    clients["bo"].apply(
        "task.create",
        task_id=task_id,
        site_id=world.school.id,
        title="Hjælp til skolefesten",
        audience=audience,
        publish=True,
    )
    clients[BIDDER].apply("bid.place", bid_id=bid_id, task_id=task_id, message="Jeg kan")
    return task_id, bid_id


def awaiting_invitation(clients: dict[str, Api], site_id: str) -> str:
    """The bidder's invitation of a volunteer from site A, awaiting a coordinator's approval."""
    invitation_id = uuid7()
    clients[BIDDER].apply(
        "member.invite", invitation_id=invitation_id, email="v@example.org", person_kind="volunteer",
        site_id=site_id, code=uuid7().replace("-", ""),
    )
    return invitation_id


def payload_for(
    operation: str, task_id: str, bid_id: str, site_id: str, invitation_id: str = ""
) -> dict[str, Any]:
    return {
        "bid.place": {"bid_id": uuid7(), "task_id": task_id, "message": "Jeg kan også"},
        "comment.add": {"comment_id": uuid7(), "task_id": task_id, "body": "Hej"},
        "bid.accept": {"bid_id": bid_id},
        "bid.decline": {"bid_id": bid_id},
        "task.edit": {"task_id": task_id, "changes": {"place": "Kantinen"}},
        "task.cancel": {"task_id": task_id},
        "task.create": {"task_id": uuid7(), "site_id": site_id, "title": "Ny opgave"},
        "task.set_requirements": {"task_id": task_id, "requirements": {"child_protection": "block"}},
        "task.widen_audience": {"task_id": task_id, "audience": "external"},
        "credential.verify": {"person_id": BIDDER_ID[0], "credential": "first_aid"},
        "member.invite": {
            "invitation_id": uuid7(), "email": "ny@example.org", "person_kind": "volunteer",
            "site_id": site_id, "code": uuid7().replace("-", ""),
        },
        "member.approve_invitation": {"invitation_id": invitation_id},
        "member.revoke_invitation": {"invitation_id": invitation_id},
    }[operation]


BIDDER_ID: list[str] = []  # the bidder's person id, once the clients are logged in


@pytest.mark.parametrize("audience", matrix.AUDIENCES)
def test_pushing_each_operation(clients: dict[str, Api], world: World, audience: str) -> None:
    """Every actor x operation for one audience; the whole grid is compared at once."""
    got: dict[tuple[str, str], str] = {}
    want: dict[tuple[str, str], str] = {}
    for operation in matrix.OPERATIONS:
        for actor in matrix.ACTORS:
            task_id, bid_id = open_task_with_pending_bid(clients, world, audience)
            invitation_id = awaiting_invitation(clients, world.school.id) if "invitation" in operation else ""
            api = clients[USERNAMES[actor]]
            BIDDER_ID[:] = [clients[BIDDER].person["id"]]
            payload = payload_for(operation, task_id, bid_id, world.school.id, invitation_id)
            (result,) = api.push(api.op(operation, **payload))
            got[actor, operation] = (
                matrix.OK if result["status"] == "applied" else result["rejection"]["code"]
            )
            want[actor, operation] = matrix.expected(actor, operation, audience)
    assert got == want


def pulled_ids(api: Api) -> set[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    cursor = None
    while True:
        page = api.pull(cursor)
        seen.update((c["table"], c["row"]["id"]) for c in page["changes"] if "id" in c["row"] and not c["deleted"])
        cursor = page["cursor"]
        if not page["more"]:
            return seen


def test_pulling_tasks_and_bids(clients: dict[str, Api], world: World) -> None:
    placed = {audience: open_task_with_pending_bid(clients, world, audience) for audience in matrix.AUDIENCES}
    got: dict[tuple[str, str], tuple[bool, bool]] = {}
    want: dict[tuple[str, str], tuple[bool, bool]] = {}
    for actor in matrix.ACTORS:
        seen = pulled_ids(clients[USERNAMES[actor]])
        for column, audience in enumerate(matrix.AUDIENCES):
            task_id, bid_id = placed[audience]
            got[actor, audience] = (("tasks", task_id) in seen, ("bids", bid_id) in seen)
            want[actor, audience] = (matrix.SEES_TASK[actor][column], matrix.SEES_OTHERS_BIDS[actor])
    assert got == want
    # The bidder always pulls her own bid, whatever the audience.
    own = pulled_ids(clients[BIDDER])
    assert all(("bids", bid_id) in own for _, bid_id in placed.values())


def finished_task(clients: dict[str, Api], poster: str, manager: str, worker: str, site_id: str) -> str:
    """A done task at `site_id`, posted by `poster`, with `worker` accepted by `manager`."""
    task_id, bid_id = uuid7(), uuid7()
    clients[poster].apply(
        "task.create", task_id=task_id, site_id=site_id, title="Oprydning", audience="site", publish=True
    )
    clients[worker].apply("bid.place", bid_id=bid_id, task_id=task_id)
    clients[manager].apply("bid.accept", bid_id=bid_id)
    clients[manager].apply("task.complete", task_id=task_id)
    return task_id


def test_a_manager_cannot_rewrite_another_sites_endorsement(
    matrix_server: Deployment, clients: dict[str, Api], world: World
) -> None:
    """Issue 18 item 2: site A's manager pushes task.endorse with site B's endorsement id."""
    theirs = finished_task(clients, "mads", "mads", "carl", world.other_school.id)
    endorsement_id = uuid7()
    clients["mads"].apply(
        "task.endorse", endorsement_id=endorsement_id, task_id=theirs, person_id=clients["carl"].person["id"],
        skill="it.support",
    )

    def held() -> tuple[Any, ...]:
        with matrix_server.database.read() as s:
            return (
                s.one("SELECT task_id, person_id, skill, endorsed_by, version FROM endorsements WHERE id = ?",
                      (endorsement_id,)),
                s.one("SELECT evidence, task_id, confirmed_by, version FROM person_skills "
                      "WHERE person_id = ? AND skill = ?", (clients["carl"].person["id"], "it.support")),
            )

    before = held()
    ours = finished_task(clients, "bo", "mette", BIDDER, world.school.id)
    (result,) = clients["mette"].push(
        clients["mette"].op(
            "task.endorse", endorsement_id=endorsement_id, task_id=ours,
            person_id=clients[BIDDER].person["id"], skill="events.planning",
        )
    )
    assert result["status"] == "rejected"
    assert (result["rejection"]["code"], result["rejection"]["reason"]) == ("conflict", "endorse.exists")
    assert held() == before
    # Carl's device, pulling afresh, still holds his endorsement as it was made.
    assert ("endorsements", endorsement_id) in pulled_ids(clients["carl"])


def test_pushing_each_person_operation(clients: dict[str, Api], matrix_server: Deployment, world: World) -> None:
    """Deactivating and erasing, by every actor, each on a person of their own."""
    got: dict[tuple[str, str], str] = {}
    want: dict[tuple[str, str], str] = {}
    for operation in matrix.PERSON_OPERATIONS:
        for actor in matrix.ACTORS:
            leaver = directory.add_person(
                matrix_server.database,
                directory.NewPerson(username=f"leaver-{uuid7()[-12:]}", name="Lise Leaver", site=world.school.id),
            )
            if operation == "person.erase":
                directory.set_active(matrix_server.database, leaver.username, False)
            api = clients[USERNAMES[actor]]
            (result,) = api.push(api.op(operation, person_id=leaver.id))
            got[actor, operation] = matrix.OK if result["status"] == "applied" else result["rejection"]["code"]
            want[actor, operation] = matrix.expected_for_person(actor, operation)
    assert got == want


def lent_and_accepted(clients: dict[str, Api], world: World) -> tuple[str, str]:
    """carl's (site B) bid on bo's organisation-wide task at A, accepted by mette: it awaits B."""
    task_id, bid_id = uuid7(), uuid7()
    clients["bo"].apply(
        "task.create", task_id=task_id, site_id=world.school.id, title="Hjælp til lejrskolen",
        audience="organisation", publish=True, seats=3,
    )
    clients["carl"].apply("bid.place", bid_id=bid_id, task_id=task_id, hours=4)
    clients["mette"].apply("bid.accept", bid_id=bid_id)
    return task_id, bid_id


def test_lending_operations_and_who_pulls_a_lent_bid(
    matrix_server: Deployment, clients: dict[str, Api], world: World
) -> None:
    """Issue 15: who decides lending, who confirms hours, and whose feed carries the lent bid."""
    directory.set_lending(matrix_server.database, "approve")
    try:
        got: dict[tuple[str, str], str] = {}
        want: dict[tuple[str, str], str] = {}
        for actor in matrix.ACTORS:
            task_id, bid_id = lent_and_accepted(clients, world)
            api = clients[USERNAMES[actor]]
            (result,) = api.push(api.op("bid.lend", bid_id=bid_id, approve=True))
            got[actor, "bid.lend"] = matrix.OK if result["status"] == "applied" else result["rejection"]["code"]
            want[actor, "bid.lend"] = matrix.expected_lending(actor, "bid.lend")
            if result["status"] != "applied":
                clients["admin"].apply("bid.lend", bid_id=bid_id, approve=True)
            clients["bo"].apply("task.complete", task_id=task_id)
            (result,) = api.push(api.op("task.confirm_hours", task_id=task_id, hours={bid_id: 3.5}))
            got[actor, "task.confirm_hours"] = (
                matrix.OK if result["status"] == "applied" else result["rejection"]["code"]
            )
            want[actor, "task.confirm_hours"] = matrix.expected_lending(actor, "task.confirm_hours")
        assert got == want

        _, bid_id = lent_and_accepted(clients, world)
        pulled = {actor: ("bids", bid_id) in pulled_ids(clients[USERNAMES[actor]]) for actor in matrix.ACTORS}
        assert pulled == matrix.SEES_LENT_BID
    finally:
        directory.set_lending(matrix_server.database, "off")


def told(api: Api, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> tuple[int, Any]:
    """The status and error of one admin or oversight request, with the thing's own name and id blanked."""
    answer = api.http.request(method, path, json=body, params=params or None, headers=api.headers())
    text = answer.text
    for name in NAMED:
        text = text.replace(name, "…")
    return answer.status_code, text


# What the other organisation's admin names: ours (dina, our school, our device) and nobody's.
NAMED: list[str] = []


def test_another_organisations_person_site_and_device_answer_as_none_would(
    clients: dict[str, Api], world: World
) -> None:
    """Issue 16: acting on another organisation's person, site or device tells nothing of it.

    Nina (org-2's admin) names our dina, our school and our device, and then a
    username, site and device that no organisation has: each pair must be
    answered alike (404 `outside_organisation`, the same words), or the
    difference would tell her what our municipality holds.
    """
    ours = clients["dina"].device_id or ""
    nobody, no_site, no_device = "nobody-" + uuid7()[-8:], "s-" + uuid7()[-8:], uuid7()
    NAMED[:] = ["dina", world.school.id, world.school.name, ours, nobody, no_site, no_device]
    nina, admin = clients["nina"], clients["admin"]
    pairs = [
        (("POST", f"/v1/admin/people/{who}/active", {"active": False}) for who in ("dina", nobody)),
        (("POST", f"/v1/admin/people/{who}/role", {"role": "site_manager"}) for who in ("dina", nobody)),
        (("POST", f"/v1/admin/people/{who}/site", {"site": "s-far"}) for who in ("dina", nobody)),
        (("POST", "/v1/admin/people/niels/site", {"site": site}) for site in (world.school.id, no_site)),
        (("POST", "/v1/admin/people/niels/site", {"site": site}) for site in (world.school.name, no_site)),
        (("POST", "/v1/admin/enrolment-codes", {"site": site}) for site in (world.school.id, no_site)),
        (("POST", "/v1/admin/people", {"username": "ny-" + uuid7()[-8:], "name": "Ny", "site": site})
         for site in (world.school.id, no_site)),
        (("POST", f"/v1/admin/devices/{device}/revoke", {}) for device in (ours, no_device)),
    ]
    got = [[told(nina, *request) for request in pair] for pair in pairs]
    assert all(status == 404 and '"outside_organisation"' in text for pair in got for status, text in pair), got
    assert [theirs == none for theirs, none in got] == [True] * len(pairs), got
    # Our admin asking org-2's reports, audit and insights of a site: as of a site there is none of.
    NAMED[:] = ["s-far", no_site]
    for path, params in (
        (protocol.PATH_REPORTS, {}), (protocol.PATH_AUDIT, {}), (protocol.PATH_INSIGHTS_COMPETENCE, {}),
        (protocol.PATH_INSIGHTS_PEOPLE, {"skill": "events.planning"}),
    ):
        theirs, none = (told(admin, "GET", path, site_id=site, **params) for site in ("s-far", no_site))
        assert theirs[0] == 404 and theirs == none, (path, theirs, none)
    # Nothing was changed by the refusals.
    assert clients["dina"].pull()["cursor"]
