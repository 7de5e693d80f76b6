"""Reach (issue 14) against a real server: widening an audience, personal devices, credentials.

Every device's copy is built only from pulled pages (`Replica`) and compared
with what the permission rules say its person may see (`visible_state`):
no device may miss a row, nor keep one it should not have.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from desktop.core.ids import uuid7
from sync import protocol
from sync.server import invitations
from tests.conftest import World
from tests.server.harness import Api, Deployment, Replica, visible_state
from tests.server.test_feed import assert_same

CODE = "WXYZ-2345-6789-ABCD"
PEOPLE = ("anna", "bo", "carl", "mette", "admin", "ole")


def fresh_code() -> str:
    raw = uuid7().replace("-", "").upper()[-16:]
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def synced(server: Deployment, people: tuple[str, ...] = PEOPLE) -> dict[str, tuple[Api, Replica]]:
    """Every person of the small world (or `people`) on their own device, pulled up to now."""
    devices = {}
    for username in people:
        api = server.user(username)
        replica = Replica()
        assert replica.sync(api, limit=50)
        devices[username] = (api, replica)
    return devices


def check_everyone(server: Deployment, devices: dict[str, tuple[Api, Replica]]) -> None:
    """Each device goes on from its own cursor; what it then holds is exactly what it may see."""
    for api, replica in devices.values():
        assert replica.sync(api, limit=7)
        assert_same(replica, visible_state(server.database, api.person["id"]))


def test_widening_delivers_the_task_its_comments_and_visible_bids_to_exactly_the_newly_entitled(
    server: Deployment, world: World
) -> None:
    devices = synced(server)
    mette, anna, bo = (devices[u][0] for u in ("mette", "anna", "bo"))
    task_id, comment_id, bid_id = uuid7(), uuid7(), uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Udflugt", publish=True)
    anna.apply("comment.add", comment_id=comment_id, task_id=task_id, body="Hvornår går bussen?")
    bo.apply("bid.place", bid_id=bid_id, task_id=task_id, message="Jeg tager med")
    mette.apply("task.set_requirements", task_id=task_id, requirements={"child_protection": "block"})
    check_everyone(server, devices)
    carl, ole = devices["carl"][1], devices["ole"][1]
    assert ("tasks", task_id) not in carl.rows and ("tasks", task_id) not in ole.rows

    mette.apply("task.widen_audience", task_id=task_id, audience="organisation")
    check_everyone(server, devices)
    # Spelled out, in case the oracle shared a mistake with the feed:
    assert ("tasks", task_id) in carl.rows and ("comments", comment_id) in carl.rows
    assert ("task_requirements", task_id) in carl.rows
    assert ("bids", bid_id) not in carl.rows  # someone else's bid stays with the task's managers
    assert ("tasks", task_id) not in ole.rows and ("comments", comment_id) not in ole.rows

    mette.apply("task.widen_audience", task_id=task_id, audience="external")
    check_everyone(server, devices)
    assert ("tasks", task_id) in ole.rows and ("comments", comment_id) in ole.rows
    assert ole.rows[("tasks", task_id)]["audience"] == "external"
    assert ("bids", bid_id) not in ole.rows and ("bids", bid_id) in devices["mette"][1].rows
    # A device starting from nothing gets the same.
    for username in ("carl", "ole"):
        replica = Replica()
        api = devices[username][0]
        assert replica.sync(api)
        assert_same(replica, visible_state(server.database, api.person["id"]))


def test_narrowing_is_refused_once_outsiders_have_bid(server: Deployment, world: World) -> None:
    mette, ole = server.user("mette"), server.user("ole")
    task_id = uuid7()
    mette.apply(
        "task.create", task_id=task_id, site_id=world.school.id, title="Havedag", audience="external", publish=True
    )
    ole.apply("bid.place", bid_id=uuid7(), task_id=task_id)
    (result,) = mette.push(mette.op("task.widen_audience", task_id=task_id, audience="organisation"))
    assert result["status"] == "rejected"
    assert result["rejection"]["reason"] == "task.audience_outsiders_bid"
    assert "allerede budt" in result["rejection"]["message"]["da"]


def accept(server: Deployment, code: str, username: str, device_name: str | None = "Oles bærbare") -> httpx.Response:
    body: dict[str, Any] = {"code": code, "username": username, "password": "hemmeligt ord", "name": "Vera Frivillig"}
    if device_name is not None:
        body["device_name"] = device_name
    return httpx.post(
        server.url + protocol.PATH_ACCEPT_INVITATION,
        json=body,
        headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)},
        timeout=60,
    )


def outsider_with_own_device(server: Deployment, inviter: Api, site_id: str, kind: str) -> Api:
    """An outsider of `kind`, invited by `inviter`, logged in on a personal device enrolled with the invitation."""
    code, invitation_id = fresh_code(), uuid7()
    company = {"company_name": "Havefolk ApS", "company_cvr": "12345678"} if kind == "company" else {}
    inviter.apply("member.invite", invitation_id=invitation_id, email=f"{kind}@example.org", person_kind=kind,
                  site_id=site_id, code=code, **company)
    answer = accept(server, code, f"{kind}-{invitation_id[-6:]}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    api = Api(server.url)
    api.credential, api.token, api.person = body["credential"], body["token"], body["person"]
    return api


def test_a_task_for_volunteers_never_reaches_a_citizen_until_its_kinds_widen(
    server: Deployment, world: World
) -> None:
    devices = synced(server)
    mette, anna, ole = (devices[u][0] for u in ("mette", "anna", "ole"))  # ole is a volunteer
    citizen = outsider_with_own_device(server, anna, world.school.id, "citizen")
    devices["citizen"] = (citizen, Replica())
    company = outsider_with_own_device(server, anna, world.school.id, "company")
    devices["company"] = (company, Replica())
    task_id, comment_id, ole_comment_id, bid_id = uuid7(), uuid7(), uuid7(), uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Lektiecafé", audience="external")
    mette.apply("task.set_requirements", task_id=task_id, requirements={}, outsiders=["volunteer"])
    mette.apply("task.publish", task_id=task_id)
    anna.apply("comment.add", comment_id=comment_id, task_id=task_id, body="Hvem kommer?")
    ole.apply("comment.add", comment_id=ole_comment_id, task_id=task_id, body="Det gør jeg")
    ole.apply("bid.place", bid_id=bid_id, task_id=task_id)
    check_everyone(server, devices)
    of_task = {("tasks", task_id), ("comments", comment_id), ("comments", ole_comment_id), ("bids", bid_id),
               ("task_requirements", task_id)}
    for username in ("citizen", "company"):
        assert not of_task & set(devices[username][1].rows), username
    assert of_task <= set(devices["ole"][1].rows)
    # Nor can the citizen bid on it.
    (refused,) = citizen.push(citizen.op("bid.place", bid_id=uuid7(), task_id=task_id))
    assert refused["rejection"]["reason"] == "task.not_visible"

    # Widened to citizens: their devices get the task, its comments and requirements; companies still nothing.
    mette.apply("task.set_requirements", task_id=task_id, requirements={}, outsiders=["citizen", "volunteer"])
    check_everyone(server, devices)
    held = devices["citizen"][1].rows
    assert of_task - {("bids", bid_id)} <= set(held) and ("bids", bid_id) not in held
    assert held[("tasks", task_id)]["outsiders"] == '["citizen", "volunteer"]'
    assert not of_task & set(devices["company"][1].rows)
    citizen.apply("bid.place", bid_id=uuid7(), task_id=task_id)

    # Narrowing is refused now that outsiders have bid, and nothing moves.
    (result,) = mette.push(mette.op("task.set_requirements", task_id=task_id, requirements={},
                                    outsiders=["volunteer"]))
    assert result["rejection"]["reason"] == "task.audience_outsiders_bid"
    check_everyone(server, devices)
    # Every kind: the company's device gets it too; a device starting from nothing gets the same.
    mette.apply("task.set_requirements", task_id=task_id, requirements={}, outsiders=[])
    check_everyone(server, devices)
    assert ("tasks", task_id) in devices["company"][1].rows
    # The company is an organisation of its own, public as sites are; its contact person names it.
    assert all(("companies", "cvr-12345678") in r.rows for _, r in devices.values())
    assert company.person["company_id"] == "cvr-12345678"
    replica = Replica()
    assert replica.sync(citizen)
    assert_same(replica, visible_state(server.database, citizen.person["id"]))


def test_a_personal_device_of_an_external_sees_nothing_internal(server: Deployment, world: World) -> None:
    devices = synced(server)
    anna, mette = devices["anna"][0], devices["mette"][0]
    for audience in ("site", "organisation", "external"):
        mette.apply("task.create", task_id=uuid7(), site_id=world.school.id, title=audience, audience=audience,
                    publish=True)
    code = fresh_code()
    invitation_id = uuid7()
    anna.apply("member.invite", invitation_id=invitation_id, email="vera@example.org", person_kind="volunteer",
               site_id=world.school.id, code=code)
    answer = accept(server, code, f"vera-{invitation_id[-6:]}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["person"]["role"] == "external" and body["credential"] and body["token"]
    vera = Api(server.url)
    vera.credential, vera.token, vera.person = body["credential"], body["token"], body["person"]
    replica = Replica()
    assert replica.sync(vera)
    assert_same(replica, visible_state(server.database, vera.person["id"]))
    tasks = [row for (table, _), row in replica.rows.items() if table == "tasks"]
    assert tasks and all(t["audience"] == "external" for t in tasks)
    assert {k for (t, k) in replica.rows if t == "people"} == {vera.person["id"]}
    assert not any(t in ("person_credentials", "bids") for (t, _) in replica.rows)
    assert {k for (t, k) in replica.rows if t == "member_invitations"} == {invitation_id}  # her own
    # The device serves only her: anyone else's login there fails, hers works.
    assert vera.try_login("anna", "correct horse battery").status_code == 401
    assert vera.try_login(vera.person["username"], "hemmeligt ord").status_code == 200
    # The code was one-time.
    again = accept(server, code, f"vera2-{invitation_id[-6:]}")
    assert again.status_code == 409 and again.json()["error"]["detail"]["reason"] == "invitation.used"
    # Whoever invited her sees the invitation taken up; everyone's copy is still exact.
    check_everyone(server, devices)
    assert devices["anna"][1].rows[("member_invitations", invitation_id)]["status"] == "accepted"


def test_an_outsider_whose_answer_was_lost_enrols_their_own_computer_with_the_same_code(
    server: Deployment, world: World
) -> None:
    """The server made Vera's account and her computer's credential, but the answer never arrived
    (or the credential could not be kept): asked again with the same code, username and password
    she gets a credential that works, and her one account; no one else gets anything with the code."""
    code, invitation_id = fresh_code(), uuid7()
    server.user("anna").apply("member.invite", invitation_id=invitation_id, email="vera@example.org",
                              person_kind="volunteer", site_id=world.school.id, code=code)
    username = f"vera-{invitation_id[-6:]}"
    lost = accept(server, code, username)  # its answer is the one that never reached her
    assert lost.status_code == 200, lost.text
    again = accept(server, code, username)
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["person"]["id"] == lost.json()["person"]["id"] and body["credential"] != lost.json()["credential"]
    vera = Api(server.url)
    vera.credential, vera.token, vera.person = body["credential"], body["token"], body["person"]
    assert Replica().sync(vera)
    assert vera.try_login(username, "hemmeligt ord").status_code == 200
    other = accept(server, code, f"vera2-{invitation_id[-6:]}")
    assert other.status_code == 409 and other.json()["error"]["detail"]["reason"] == "invitation.used"
    wrong = httpx.post(
        server.url + protocol.PATH_ACCEPT_INVITATION,
        json={"code": code, "username": username, "password": "et andet ord", "name": "Vera", "device_name": "x"},
        headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)}, timeout=60,
    )
    assert wrong.status_code == 409 and wrong.json()["error"]["detail"]["reason"] == "member.username_taken"
    with server.database.read() as s:
        assert s.value("SELECT count(*) FROM people WHERE username = ?", (username,)) == 1
        summaries = [r[0] for r in s.execute("SELECT summary FROM audit_events WHERE entity_id = ?",
                                             (invitation_id,)).fetchall()]
        assert len([said for said in summaries if " again " in said]) == 1, summaries


def on_device(server: Deployment, answer: httpx.Response) -> Api:
    """The computer an invitation's answer enrolled, logged in with the token the answer gave."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    api = Api(server.url)
    api.credential, api.token, api.person = body["credential"], body["token"], body["person"]
    return api


def personal_devices(server: Deployment, person_id: str) -> list[tuple[str, str | None]]:
    """(id, revoked_at) of each personal device the server keeps for the person."""
    with server.database.read() as s:
        rows = s.execute("SELECT id, revoked_at FROM devices WHERE person_id = ? ORDER BY id", (person_id,))
        return [(str(i), r) for i, r in rows.fetchall()]


def test_a_lost_answers_device_is_enrolled_anew_not_left_registered_beside_a_second(
    server: Deployment, world: World
) -> None:
    """Each lost answer used to leave a registered personal device whose secret nobody held, which
    only IT could revoke. Taken up again, that device gets a new secret (its id kept, its tokens
    revoked); a device that someone logged in on received its answer and is left alone."""
    code, invitation_id = fresh_code(), uuid7()
    server.user("anna").apply("member.invite", invitation_id=invitation_id, email="vera@example.org",
                              person_kind="volunteer", site_id=world.school.id, code=code)
    username = f"vera-{invitation_id[-6:]}"
    lost = on_device(server, accept(server, code, username))
    lost_again = on_device(server, accept(server, code, username))  # this answer never arrived either
    vera = on_device(server, accept(server, code, username))
    assert vera.credential is not None and lost.credential is not None and lost_again.credential is not None
    device_id = vera.credential.partition(".")[0]
    assert device_id == lost.credential.partition(".")[0] == lost_again.credential.partition(".")[0]
    assert personal_devices(server, vera.person["id"]) == [(device_id, None)]
    for stale in (lost, lost_again):  # whoever found a lost answer after all gets nothing with it
        refused = stale.pull_raw()
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "device_invalid", refused.text
    assert Replica().sync(vera)

    vera.login(username, "hemmeligt ord")  # she uses it: the next take-up must not take it from her
    laptop = on_device(server, accept(server, code, username, device_name="Veras anden"))
    assert laptop.credential is not None
    assert laptop.credential.partition(".")[0] != device_id
    assert Replica().sync(vera) and Replica().sync(laptop)
    assert sorted(personal_devices(server, vera.person["id"])) == sorted(
        [(device_id, None), (laptop.credential.partition(".")[0], None)]
    )


def test_a_colleague_cannot_enrol_a_personal_device(server: Deployment, world: World) -> None:
    anna = server.user("anna")
    code = fresh_code()
    anna.apply("member.invite", invitation_id=uuid7(), email="kollega@example.org", person_kind="employee",
               site_id=world.school.id, code=code)
    refused = accept(server, code, f"kollega-{code[-4:].lower()}")
    assert refused.status_code == 409
    taken = accept(server, code, f"kollega-{code[-4:].lower()}", device_name=None)
    assert taken.status_code == 200 and taken.json()["person"]["home_site_id"] == world.school.id
    assert taken.json()["credential"] is None


def test_credentials_reach_the_person_their_managers_hr_and_the_verifier_only(
    server: Deployment, world: World
) -> None:
    devices = synced(server)
    devices["mette"][0].apply("credential.verify", person_id=world.anna.id, credential="first_aid",
                              expires_on="2030-01-01")
    devices["admin"][0].apply("credential.verify", person_id=world.ole.id, credential="child_protection")
    check_everyone(server, devices)
    holders = {u for u, (_, r) in devices.items() if ("person_credentials", f"{world.anna.id}|first_aid") in r.rows}
    assert holders == {"anna", "mette", "admin"}
    holders = {u for u, (_, r) in devices.items() if ("person_credentials", f"{world.ole.id}|child_protection") in r.rows}
    assert holders == {"ole", "admin"}


def test_admins_list_and_revoke_pending_invitations(server: Deployment, world: World) -> None:
    bo = server.user("bo")
    code, invitation_id = fresh_code(), uuid7()
    bo.apply("member.invite", invitation_id=invitation_id, email="nabo@example.org", person_kind="citizen",
             site_id=world.school.id, code=code, name="Nabo")
    listed = {item.invitation.id: item for item in invitations.listing(server.database)}
    assert listed[invitation_id].inviter == world.bo.name and not listed[invitation_id].expired
    assert invitations.revoke(server.database, invitation_id)
    assert not invitations.revoke(server.database, invitation_id)
    assert invitation_id not in {i.invitation.id for i in invitations.listing(server.database)}
    refused = accept(server, code, "nabo")
    assert refused.status_code == 409 and refused.json()["error"]["detail"]["reason"] == "invitation.revoked"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_weak_password_is_refused_and_nothing_kept(server: Deployment, world: World) -> None:
    anna = server.user("anna")
    code = fresh_code()
    anna.apply("member.invite", invitation_id=uuid7(), email="x@example.org", person_kind="citizen",
               site_id=world.school.id, code=code)
    body = {"code": code, "username": "kort", "password": "kort", "name": "K"}
    answer = httpx.post(server.url + protocol.PATH_ACCEPT_INVITATION, json=body,
                        headers={protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)})
    assert answer.status_code == 422
    spaced = accept(server, code, "to ord")
    assert spaced.status_code == 422 and "username" in spaced.json()["error"]["detail"]
    assert accept(server, code, "kort").status_code == 200  # the code was not spent


def test_knop_admin_lists_and_withdraws_invitations_and_sets_approval(server: Deployment, world: World) -> None:
    """The command line IT uses; the same functions serve the admin GUI (issue 15)."""
    from tests.server.test_admin_cli import admin

    assert admin(server.db_url, "invitations", "approval", "on").code == 0
    anna = server.user("anna")
    invitation_id, code = uuid7(), fresh_code()
    anna.apply("member.invite", invitation_id=invitation_id, email="hjaelper@example.org",
               person_kind="volunteer", site_id=world.school.id, code=code)
    listed = admin(server.db_url, "invitations", "list")
    line = next(line for line in listed.out.splitlines() if line.startswith(invitation_id))
    assert "hjaelper@example.org" in line and world.anna.name in line and line.endswith("awaiting_approval")
    refused = accept(server, code, f"h-{invitation_id[-6:]}")
    assert refused.json()["error"]["detail"]["reason"] == "invitation.awaiting_approval"
    assert admin(server.db_url, "invitations", "revoke", invitation_id).code == 0
    assert admin(server.db_url, "invitations", "revoke", invitation_id).code == 1
    assert invitation_id not in admin(server.db_url, "invitations", "list").out
    assert invitation_id in admin(server.db_url, "invitations", "list", "--all").out
    assert admin(server.db_url, "invitations", "approval", "off").code == 0


def test_knop_admin_adds_a_person_with_a_phone_number(server: Deployment, world: World) -> None:
    from sync.server import directory
    from tests.server.test_admin_cli import admin

    username = f"tlf{uuid7()[-6:]}"
    added = admin(server.db_url, "person", "add", "--username", username, "--name", "Tove Telefon",
                  "--site", world.school.id, "--phone", "+45 20 30 40 50")
    assert added.code == 0, added.err
    person = directory.person_by_username(server.database, username)
    assert person is not None and person.phone == "+45 20 30 40 50"
