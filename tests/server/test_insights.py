"""Competence discovery against the real server, on SQLite and PostgreSQL.

A small world of hand-made work, and the numbers worked out by hand:

    care home (gina manages, dina works there) posts
      T1 "tolk til beboermøde"   language.sign, 3 seats: anna (school), carl and finn
         (other school) accepted; done; gina endorses anna for language.sign
      T2 "demensven"             care.dementia: dina accepted, bo's bid pending
    school (mette manages) posts
      T3 "tegnsprogslege"        #tegnsprog for børn: gry (other school) accepted
    profiles: carl declares language.sign; finn declares it privately, and also
      craft.carpentry privately; anna and bo declare #tegnsprog for børn

    language.sign: shown by anna (endorsed), carl and finn (completed) = 3;
      declared by carl and finn = 2; hidden = anna = 1
    care.dementia: shown by dina (accepted) = 1, hidden; bo's bid only offered it
    #tegnsprog for børn: shown by gry (hidden); declared by anna and bo: 3 people,
      so a candidate for the catalogue
    links: care -> school 1 (anna), care -> other school 2 (carl, finn),
      school -> other school 1 (gry); care's own work (dina) is no link

Who may see what is the matrix in README.md ("Who may see what").
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.core.entities import Role
from desktop.core.ids import uuid7
from sync import protocol
from sync.server import directory, snapshots
from tests.server.conftest import Servers
from tests.server.harness import PASSWORD, Api, Deployment

SIGN, DEMENTIA, TAG = "language.sign", "care.dementia", "#tegnsprog for børn"
EXTRA = (
    ("gina", "Gina Leder", "s-care", Role.SITE_MANAGER),
    ("dina", "Dina Dahl", "s-care", Role.STAFF),
    ("finn", "Finn Friis", "s-other", Role.STAFF),
    ("gry", "Gry Gram", "s-other", Role.STAFF),
)


@pytest.fixture(scope="module")
def insight_server(backend: str, servers: Servers) -> Iterator[Deployment]:
    # Snapshots are recomputed whenever anything changed: the tests check exact numbers.
    deployment = servers.start(backend, env={snapshots.MAX_AGE_ENV: "0"})
    for username, name, site, role in EXTRA:
        directory.add_person(
            deployment.database,
            directory.NewPerson(username=username, name=name, site=site, role=role),
            PASSWORD,
        )
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


@pytest.fixture(scope="module")
def users(insight_server: Deployment) -> Iterator[dict[str, Api]]:
    names = ("anna", "bo", "carl", "mette", "admin", "ole", *(e[0] for e in EXTRA))
    made = {name: insight_server.user(name) for name in names}
    yield made
    for api in made.values():
        api.close()


def _task(api: Api, site: str, title: str, skills: list[str], seats: int = 1) -> str:
    task_id = uuid7()
    api.apply(
        "task.create",
        task_id=task_id,
        site_id=site,
        title=title,
        skills=skills,
        seats=seats,
        audience="organisation",
        publish=True,
    )
    return task_id


def _bid(api: Api, task_id: str) -> str:
    bid_id = uuid7()
    api.apply("bid.place", bid_id=bid_id, task_id=task_id)
    return bid_id


@pytest.fixture(scope="module")
def work(users: dict[str, Api]) -> dict[str, str]:
    u = users
    t1 = _task(u["gina"], "s-care", "Tolk til beboermøde", [SIGN], seats=3)
    for who in ("anna", "carl", "finn"):
        u["gina"].apply("bid.accept", bid_id=_bid(u[who], t1))
    u["gina"].apply("task.complete", task_id=t1)
    u["gina"].apply(
        "task.endorse", endorsement_id=uuid7(), task_id=t1, person_id=u["anna"].person["id"], skill=SIGN
    )
    t2 = _task(u["gina"], "s-care", "Demensven", [DEMENTIA])
    dina_bid = _bid(u["dina"], t2)
    _bid(u["bo"], t2)
    u["gina"].apply("bid.accept", bid_id=dina_bid)
    t3 = _task(u["mette"], "s-school", "Tegnsprogslege", [TAG])
    u["mette"].apply("bid.accept", bid_id=_bid(u["gry"], t3))
    u["carl"].apply("profile.skill_add", person_id="carl", skill=SIGN)
    finn = u["finn"].person["id"]
    for skill in (SIGN, "craft.carpentry"):
        u["finn"].apply("profile.skill_add", person_id=finn, skill=skill)
        u["finn"].apply("profile.skill_privacy", person_id=finn, skill=skill, private=True)
    for who in ("anna", "bo"):
        u[who].apply("profile.skill_add", person_id=u[who].person["id"], skill=TAG)
    return {"t1": t1, "t2": t2, "t3": t3}


def get(api: Api, path: str, **params: Any) -> dict[str, Any]:
    answer = api.http.get(path, params=params, headers=api.headers())
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def skill_row(body: dict[str, Any], skill: str) -> dict[str, Any]:
    return next(r for r in body["skills"] if r["skill"] == skill)


COUNTS = ("declared", "shown", "hidden", "offered", "accepted", "completed", "endorsed")


def test_the_map_counts_what_was_shown_against_what_was_declared(
    users: dict[str, Api], work: dict[str, str]
) -> None:
    body = get(users["admin"], protocol.PATH_INSIGHTS_COMPETENCE)
    assert body["version"] == 1 and body["computed_at"]
    counts = {s: {k: skill_row(body, s)[k] for k in COUNTS} for s in (SIGN, DEMENTIA, TAG)}
    assert counts == {
        SIGN: {"declared": 2, "shown": 3, "hidden": 1, "offered": 0, "accepted": 0, "completed": 2, "endorsed": 1},
        DEMENTIA: {"declared": 0, "shown": 1, "hidden": 1, "offered": 1, "accepted": 1, "completed": 0, "endorsed": 0},
        TAG: {"declared": 2, "shown": 1, "hidden": 1, "offered": 0, "accepted": 1, "completed": 0, "endorsed": 0},
    }
    assert skill_row(body, SIGN)["label"] == {"da": "Dansk tegnsprog", "en": "Danish Sign Language"}
    [this_quarter] = skill_row(body, SIGN)["quarters"]
    assert skill_row(body, SIGN)["quarters"][this_quarter] == {"shown": 3, "hidden": 1}
    by_site = {r["site_id"]: (r["shown"], r["hidden"]) for r in body["sites"]}
    assert by_site == {"s-school": (1, 1), "s-other": (3, 1), "s-care": (1, 1)}
    assert body["candidates"] == [{"skill": TAG, "people": 3}]


def test_the_map_filters_by_site_and_category(users: dict[str, Api], work: dict[str, str]) -> None:
    other = get(users["admin"], protocol.PATH_INSIGHTS_COMPETENCE, site_id="s-other")
    assert {r["skill"]: r["shown"] for r in other["skills"]} == {SIGN: 2, TAG: 1, "craft.carpentry": 0}
    language = get(users["admin"], protocol.PATH_INSIGHTS_COMPETENCE, category="language")
    assert [r["skill"] for r in language["skills"]] == [SIGN]
    tags = get(users["admin"], protocol.PATH_INSIGHTS_COMPETENCE, category="tag")
    assert [r["skill"] for r in tags["skills"]] == [TAG]


def test_staff_see_counts_of_three_or_more_only_and_their_own_evidence(
    users: dict[str, Api], work: dict[str, str]
) -> None:
    body = get(users["anna"], protocol.PATH_INSIGHTS_COMPETENCE)
    sign = skill_row(body, SIGN)
    assert {k: sign[k] for k in COUNTS} == {
        "declared": None, "shown": 3, "hidden": None, "offered": 0, "accepted": 0, "completed": None, "endorsed": None,
    }
    assert skill_row(body, DEMENTIA)["shown"] is None
    assert body["candidates"] == []
    assert [(m["skill"], m["level"]) for m in body["mine"]] == [(SIGN, "endorsed"), (TAG, "declared")]


def names(body: dict[str, Any]) -> list[str]:
    return [p["name"] for p in body["people"]]


# Who may see whom behind language.sign (shown by anna, carl and finn), and how many stay anonymous.
DRILL_DOWN = {
    "admin": (["Anna Jensen", "Carl Holm", "Finn Friis"], 0),
    "gina": (["Anna Jensen", "Carl Holm", "Finn Friis"], 0),  # all three bid on the care home's task
    "mette": (["Anna Jensen"], None),  # her own site; carl and finn: 2, too few to count
    "anna": (["Anna Jensen"], None),
    "carl": (["Carl Holm"], None),
    "bo": ([], 3),
}


def test_an_outsider_is_refused_the_organisations_numbers(users: dict[str, Api], work: dict[str, str]) -> None:
    """Try-out s36 (15): an outsider's menu offered the competence map, talent search and the
    network, which showed them nothing. The numbers describe the organisation's own staff and
    sites: the server refuses an outsider (`permissions.may_see_insights`), and a member still gets them."""
    for path, params in (
        (protocol.PATH_INSIGHTS_PEOPLE, {"skill": SIGN}),
        (protocol.PATH_INSIGHTS_COMPETENCE, {}),
        (protocol.PATH_INSIGHTS_NETWORK, {}),
    ):
        api = users["ole"]
        answer = api.http.get(path, params=params, headers=api.headers())
        assert answer.status_code == 403, (path, answer.text)
        assert get(users["bo"], path, **params)["computed_at"]


@pytest.mark.parametrize("viewer", sorted(DRILL_DOWN))
def test_the_drill_down_names_only_people_the_viewer_may_see(
    users: dict[str, Api], work: dict[str, str], viewer: str
) -> None:
    body = get(users[viewer], protocol.PATH_INSIGHTS_PEOPLE, skill=SIGN)
    assert (names(body), body["others"]) == DRILL_DOWN[viewer]


def test_evidence_is_ranked_and_names_the_tasks(users: dict[str, Api], work: dict[str, str]) -> None:
    body = get(users["admin"], protocol.PATH_INSIGHTS_PEOPLE, skill=SIGN)
    anna, carl, finn = body["people"]
    assert (anna["level"], carl["level"], finn["level"]) == ("endorsed", "completed", "completed")
    assert anna["tasks"] == [
        {"task_id": work["t1"], "title": "Tolk til beboermøde", "site_id": "s-care", "organisation_id": "org",
         "level": "endorsed"}
    ]
    assert (anna["declared"], carl["declared"], finn["declared"]) == (False, True, None)  # finn's is private


def test_talent_search_filters_by_site_kind_and_availability(
    users: dict[str, Api], work: dict[str, str]
) -> None:
    gina = users["gina"]
    assert names(get(gina, protocol.PATH_INSIGHTS_PEOPLE, skill=SIGN, site_id="s-other")) == [
        "Carl Holm",
        "Finn Friis",
    ]
    assert names(get(gina, protocol.PATH_INSIGHTS_PEOPLE, skill=SIGN, kind="volunteer")) == []
    assert names(get(gina, protocol.PATH_INSIGHTS_PEOPLE, skill=SIGN, available=True)) == []
    dementia = get(gina, protocol.PATH_INSIGHTS_PEOPLE, skill=DEMENTIA)
    assert [(p["name"], p["level"]) for p in dementia["people"]] == [
        ("Dina Dahl", "accepted"),
        ("Bo Nielsen", "offered"),
    ]


def test_a_private_skill_counts_but_is_never_named_to_others(
    users: dict[str, Api], work: dict[str, str]
) -> None:
    for viewer in ("admin", "gina"):
        body = get(users[viewer], protocol.PATH_INSIGHTS_PEOPLE, skill="craft.carpentry")
        assert names(body) == []
    assert names(get(users["finn"], protocol.PATH_INSIGHTS_PEOPLE, skill="craft.carpentry")) == ["Finn Friis"]
    admin_map = get(users["admin"], protocol.PATH_INSIGHTS_COMPETENCE)
    assert skill_row(admin_map, "craft.carpentry")["declared"] == 1
    # The private profile skill leaves the feed of everyone but finn and admins.
    carl_sees = {(c["table"], c["row"].get("person_id"), c["row"].get("skill")) for c in users["carl"].pull()["changes"]}
    assert ("person_skills", users["finn"].person["id"], "craft.carpentry") not in carl_sees
    assert ("person_skills", "carl", SIGN) in carl_sees


def test_the_network_links_sites_that_helped_each_other(
    users: dict[str, Api], work: dict[str, str]
) -> None:
    body = get(users["admin"], protocol.PATH_INSIGHTS_NETWORK)
    edges = {(e["source"], e["target"]): (e["weight"], e["people"]) for e in body["edges"]}
    assert edges == {("s-care", "s-school"): (1, 1), ("s-care", "s-other"): (2, 2), ("s-school", "s-other"): (1, 1)}
    nodes = {n["site_id"]: (n["posted_total"], n["solved_total"]) for n in body["nodes"]}
    assert nodes == {"s-care": (2, 1), "s-school": (1, 1), "s-other": (0, 3)}
    [quarter] = body["quarters"]
    assert all(list(e["quarters"]) == [quarter] for e in body["edges"])
    assert [m["links"] for m in body["new_links"]] == [3]
    # Staff see no link fewer than three people made, and the series of new links still
    # reaches the month computed in, with 0 (it was empty: the screen's chart drew nothing).
    staff = get(users["anna"], protocol.PATH_INSIGHTS_NETWORK)
    assert staff["edges"] == []
    assert staff["new_links"] == [{"month": staff["computed_at"][:7], "links": 0}]


def test_an_invitation_reaches_the_invitee_and_nobody_else(
    users: dict[str, Api], work: dict[str, str]
) -> None:
    task = _task(users["gina"], "s-care", "Tegnsprog til julefrokost", [SIGN])
    users["gina"].apply("task.invite", task_id=task, person_id="carl", message="Du kan vist tegnsprog?")
    again = users["gina"].push(users["gina"].op("task.invite", task_id=task, person_id="carl"))[0]
    assert again["rejection"]["reason"] == "invite.twice"
    refused = users["anna"].push(users["anna"].op("task.invite", task_id=task, person_id="bo"))[0]
    assert refused["rejection"]["reason"] == "task.not_manager"

    def invitations(user: str) -> list[dict[str, Any]]:
        return [c["row"] for c in users[user].pull()["changes"] if c["table"] == "invitations"]

    assert [(i["task_id"], i["person_id"], i["invited_by"]) for i in invitations("carl")] == [
        (task, "carl", users["gina"].person["id"])
    ]
    assert invitations("bo") == []


def test_insights_need_both_credentials(insight_server: Deployment) -> None:
    api = insight_server.api()
    try:
        answer = api.http.get(protocol.PATH_INSIGHTS_NETWORK, headers=api.headers())
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "device_invalid"
    finally:
        api.close()


def test_the_endpoints_are_in_the_openapi_description(insight_server: Deployment) -> None:
    api = insight_server.api()
    try:
        paths = api.http.get("/openapi.json").json()["paths"]
    finally:
        api.close()
    for path in (protocol.PATH_INSIGHTS_COMPETENCE, protocol.PATH_INSIGHTS_PEOPLE, protocol.PATH_INSIGHTS_NETWORK):
        assert "get" in paths[path]


def test_after_a_change_the_old_numbers_come_at_once_and_new_ones_follow(
    backend: str, servers: Servers
) -> None:
    deployment = servers.start(backend)  # the default max age: snapshots live for minutes
    admin, mette, carl = (deployment.user(name) for name in ("admin", "mette", "carl"))
    try:
        before = get(admin, protocol.PATH_INSIGHTS_NETWORK)
        assert before["edges"] == []
        task = _task(mette, "s-school", "Hjælp til skolefesten", [SIGN])
        mette.apply("bid.accept", bid_id=_bid(carl, task))
        # Served from the old snapshot without waiting; a worker refreshes it meanwhile.
        assert get(admin, protocol.PATH_INSIGHTS_NETWORK)["computed_at"] == before["computed_at"]
        deadline = time.monotonic() + 60
        while (after := get(admin, protocol.PATH_INSIGHTS_NETWORK))["computed_at"] == before["computed_at"]:
            assert time.monotonic() < deadline, "the snapshot was never refreshed"
            time.sleep(0.1)
        assert [(e["source"], e["target"]) for e in after["edges"]] == [("s-school", "s-other")]
    finally:
        for api in (admin, mette, carl):
            api.close()
        deployment.stop()
    assert deployment.server_errors() == []


def test_talent_search_beyond_the_own_site_follows_the_persons_choice(
    users: dict[str, Api], work: dict[str, str]
) -> None:
    """Employees are findable by default and may opt out; their own site's manager and admins still see them."""

    def named(viewer: str) -> set[str]:
        return set(names(get(users[viewer], protocol.PATH_INSIGHTS_PEOPLE, skill=SIGN)))

    assert "Carl Holm" in named("gina")  # carl (another school) bid on gina's care-home task
    users["carl"].apply("settings.set", changes={"talent_search": "hidden"})
    try:
        assert "Carl Holm" not in named("gina")
        assert "Carl Holm" in named("admin")
        assert "Carl Holm" in named("carl")
    finally:
        users["carl"].apply("settings.set", changes={"talent_search": "default"})
    assert "Carl Holm" in named("gina")
    refused = users["carl"].push(users["carl"].op("settings.set", changes={"talent_search": "everyone"}))[0]
    assert refused["rejection"]["reason"] == "setting.bad_value"
