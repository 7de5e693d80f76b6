"""Oversight on a real server: lending states, the audit trail (refusals too), reports, role changes.

One small story, pushed by real devices to a real knop-server, on SQLite and
PostgreSQL, with the organisation asking home managers to approve lending:

- t1 at Egeskov Skole (A), posted by Bo: Carl from Bøgely Skole (B) offers
  4 h and is accepted by Mette; the lending waits for Mads (B's manager);
  Mette cannot complete it meanwhile (refused), Carl cannot cancel it
  (refused); Mads says yes; Mette completes it confirming 5 h.
- t2 at A, for externals, by Mette: Ole (external) is accepted; done (1 h, no lending).
- t3 at A, by Mette: no bids.
- t4 at B, by Mads: Anna (A) is accepted; Mette says no, so it is declined.

Worked out by hand for today: A posted 3, filled 2, borrowed 5 h, lent 0;
skills asked for: events.planning twice, it.support once; one person from
another site (Carl) and one external (Ole). B posted 1, filled 0, lent 5 h.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop.core.entities import Role
from desktop.core.ids import uuid7, utc_now
from sync import protocol
from sync.server import directory
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import PASSWORD, Api, Deployment
from tests.server.test_admin_cli import admin


class Story:
    """What happened, by id, and everyone's device."""

    def __init__(self, deployment: Deployment, world: World) -> None:
        self.deployment, self.world = deployment, world
        directory.add_person(
            deployment.database,
            directory.NewPerson(username="mads", name="Mads Mikkelsen", site=world.other_school.id,
                                role=Role.SITE_MANAGER),
            PASSWORD,
        )
        directory.set_lending(deployment.database, "approve")
        self.api = {name: deployment.user(name) for name in ("anna", "bo", "carl", "mette", "mads", "admin", "ole")}
        self.ids: dict[str, str] = {}
        self.refusals: dict[str, dict[str, Any]] = {}

    def new(self, name: str) -> str:
        self.ids[name] = uuid7()
        return self.ids[name]

    def post(self, who: str, name: str, site_id: str, **fields: Any) -> str:
        self.api[who].apply("task.create", task_id=self.new(name), site_id=site_id, title=f"Opgave {name}",
                            publish=True, **fields)
        return self.ids[name]

    def refused(self, who: str, kind: str, **payload: Any) -> dict[str, Any]:
        (result,) = self.api[who].push(self.api[who].op(kind, **payload))
        assert result["status"] == "rejected", result
        return dict(result["rejection"])

    def tell(self) -> None:
        a, b = self.world.school.id, self.world.other_school.id
        t1 = self.post("bo", "t1", a, audience="organisation", skills=["events.planning"])
        self.api["carl"].apply("bid.place", bid_id=self.new("carl_bid"), task_id=t1, hours=4)
        self.api["mette"].apply("bid.accept", bid_id=self.ids["carl_bid"])
        self.refusals["complete"] = self.refused("mette", "task.complete", task_id=t1)
        self.refusals["cancel"] = self.refused("carl", "task.cancel", task_id=t1)
        self.api["mads"].apply("bid.lend", bid_id=self.ids["carl_bid"], approve=True)
        self.api["mette"].apply("task.complete", task_id=t1, hours={self.ids["carl_bid"]: 5})

        t2 = self.post("mette", "t2", a, audience="external", skills=["events.planning", "it.support"])
        self.api["ole"].apply("bid.place", bid_id=self.new("ole_bid"), task_id=t2)
        self.api["mette"].apply("bid.accept", bid_id=self.ids["ole_bid"])
        self.api["mette"].apply("task.complete", task_id=t2)

        self.post("mette", "t3", a, audience="organisation")

        t4 = self.post("mads", "t4", b, audience="organisation")
        self.api["anna"].apply("bid.place", bid_id=self.new("anna_bid"), task_id=t4, hours=2)
        self.api["mads"].apply("bid.accept", bid_id=self.ids["anna_bid"])
        self.api["mette"].apply("bid.lend", bid_id=self.ids["anna_bid"], approve=False, message="Ikke nu")

    def close(self) -> None:
        for api in self.api.values():
            api.close()


@pytest.fixture(scope="module")
def story(backend: str, servers: Servers, world: World) -> Iterator[Story]:
    deployment = servers.start(backend)
    told = Story(deployment, world)
    told.tell()
    yield told
    told.close()
    deployment.stop()
    assert deployment.server_errors() == []


def get(api: Api, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
    answer = api.http.get(path, params={k: v for k, v in params.items() if v is not None}, headers=api.headers())
    return answer.status_code, answer.json()


def rows(pulled: Iterator[dict[str, Any]] | list[dict[str, Any]], table: str) -> dict[str, dict[str, Any]]:
    return {c["row"]["id"]: c["row"] for c in pulled if c["table"] == table and not c["deleted"]}


def pull_all(api: Api) -> tuple[list[dict[str, Any]], str]:
    changes: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = api.pull(cursor)
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["more"]:
            return changes, cursor


def test_the_lending_states_reach_the_home_manager_and_the_task_manager(story: Story) -> None:
    mette = rows(pull_all(story.api["mette"])[0], "bids")
    mads = rows(pull_all(story.api["mads"])[0], "bids")
    carl = rows(pull_all(story.api["carl"])[0], "bids")
    anna = rows(pull_all(story.api["anna"])[0], "bids")
    carl_bid, anna_bid = story.ids["carl_bid"], story.ids["anna_bid"]
    # Mads, Carl's home manager, holds Carl's bid on A's task, approved, with the hours.
    assert (mads[carl_bid]["lending"], mads[carl_bid]["worked_hours"]) == ("approved", 5)
    assert mette[carl_bid]["lending"] == "approved"  # the task's manager sees the state too
    assert carl[carl_bid]["lending"] == "approved"  # and so does the bidder
    # Mette, Anna's home manager, holds Anna's bid on B's task, which she refused.
    assert (mette[anna_bid]["lending"], mette[anna_bid]["status"]) == ("refused", "declined")
    assert mads[anna_bid]["decision_message"] == "Ikke nu"
    # Staff do not see each other's bids: Anna (A) not Carl's, Carl (B) not Anna's.
    assert carl_bid not in anna and anna_bid not in carl
    assert story.refusals["complete"]["reason"] == "task.lending_awaiting"


def test_refused_operations_are_in_the_audit_trail_and_the_filters_find_them(story: Story) -> None:
    db = story.deployment.db_url
    refused = admin(db, "audit", "--outcome", "refused")
    assert refused.code == 0, refused.err
    lines = [line.split("\t") for line in refused.out.splitlines()]
    # time, person, device, operation, outcome:reason, task, site, summary
    assert [(x[1], x[3], x[4], x[5], x[6]) for x in lines] == [
        ("Mette Larsen", "task.complete", "refused:task.lending_awaiting", "Opgave t1", "Egeskov Skole"),
        ("Carl Holm", "task.cancel", "refused:task.not_manager", "Opgave t1", "Egeskov Skole"),
    ]
    assert "Carl Holm" in lines[0][7]  # why: the home manager of whom has not approved yet

    def operations(*args: str) -> list[str]:
        ran = admin(db, "audit", "--limit", "1000", *args)
        assert ran.code == 0, ran.err
        return [line.split("\t")[3] for line in ran.out.splitlines()]

    assert operations("--person", "carl") == ["bid.place", "task.cancel"]
    assert operations("--task", story.ids["t1"]) == [
        "task.create", "bid.place", "bid.accept", "task.complete", "task.cancel", "bid.lend", "task.complete"
    ]
    assert operations("--site", "Bøgely Skole") == ["task.create", "bid.place", "bid.accept", "bid.lend"]
    assert operations("--operation", "bid.lend") == ["bid.lend", "bid.lend"]
    assert len(operations("--operation", "bid", "--person", "mette")) == 3  # two accepts, one lend
    today = utc_now()[:10]
    assert operations("--until", "2000-01-01") == []
    assert operations("--since", today, "--person", "anna") == ["bid.place"]
    unknown = admin(db, "audit", "--site", "Ingen Skole")
    assert unknown.code == 1 and "unknown site" in unknown.err

    exported = admin(db, "audit", "--task", story.ids["t1"], "--csv")
    text = exported.out
    assert text.startswith("\ufeff")  # the BOM, so Excel reads æøå
    header, *body = text.lstrip("\ufeff").splitlines()
    assert header.split(";")[:5] == ["time (UTC)", "person", "device", "operation", "outcome"]
    assert [r.split(";")[1] for r in body][:3] == ["Bo Nielsen", "Carl Holm", "Mette Larsen"]
    assert all(r.split(";")[6] == "Opgave t1" and r.split(";")[7] == "Egeskov Skole" for r in body)


def test_the_audit_api_gives_admins_everything_and_a_manager_their_site(story: Story) -> None:
    status, body = get(story.api["admin"], protocol.PATH_AUDIT, operation="bid.lend")
    assert status == 200
    assert [e["actor_id"] for e in body["events"]] == [
        story.api["mads"].person["id"], story.api["mette"].person["id"]
    ]
    assert body["names"][story.api["mads"].person["id"]] == "Mads Mikkelsen"
    status, body = get(story.api["mette"], protocol.PATH_AUDIT)
    assert status == 200
    # Her site's events, and her staff's lending on the other site: Anna's bid there,
    # its acceptance by B's manager and her own refusal to lend Anna (issue 16's gap).
    assert {e["site_id"] for e in body["events"]} == {story.world.school.id, story.world.other_school.id}
    elsewhere = [e for e in body["events"] if e["site_id"] == story.world.other_school.id]
    assert {e["entity_id"] for e in elsewhere} == {story.ids["anna_bid"]}
    assert [e["operation"] for e in elsewhere] == ["bid.place", "bid.accept", "bid.lend"]
    assert {e["outcome"] for e in body["events"]} == {"applied", "refused"}
    assert get(story.api["mette"], protocol.PATH_AUDIT, site_id=story.world.other_school.id)[0] == 403
    assert get(story.api["anna"], protocol.PATH_AUDIT)[0] == 403
    assert get(story.api["ole"], protocol.PATH_AUDIT)[0] == 403
    assert get(story.api["admin"], protocol.PATH_AUDIT, since="not a date")[0] == 422


def test_reports_per_site_match_the_story_worked_out_by_hand(story: Story) -> None:
    today = utc_now()[:10]
    status, body = get(story.api["mette"], protocol.PATH_REPORTS, since=today, until=today)
    assert status == 200
    (school,) = body["sites"]
    assert {k: school[k] for k in ("site_name", "posted", "filled", "fill_rate", "hours_lent", "hours_borrowed",
                                    "from_other_sites", "externals")} == {
        "site_name": "Egeskov Skole", "posted": 3, "filled": 2, "fill_rate": 0.667, "hours_lent": 0,
        "hours_borrowed": 5, "from_other_sites": 1, "externals": 1,
    }
    assert school["skills"] == [{"skill": "events.planning", "tasks": 2}, {"skill": "it.support", "tasks": 1}]
    assert school["months"] == [{"month": today[:7], "lent": 0, "borrowed": 5}]
    assert school["median_hours_to_fill"] is not None and school["median_hours_to_fill"] >= 0
    status, body = get(story.api["admin"], protocol.PATH_REPORTS, since=today, until=today)
    by_site = {s["site_id"]: s for s in body["sites"]}
    other = by_site[story.world.other_school.id]
    assert (other["posted"], other["filled"], other["fill_rate"], other["hours_lent"]) == (1, 0, 0.0, 5)
    assert by_site[story.world.care_home.id]["posted"] == 0 and by_site[story.world.care_home.id]["fill_rate"] is None
    # Another day holds nothing; managers read their own site only; staff none.
    status, body = get(story.api["mette"], protocol.PATH_REPORTS, since="2000-01-01", until="2000-01-31")
    assert body["sites"][0]["posted"] == 0
    assert get(story.api["mette"], protocol.PATH_REPORTS, site_id=story.world.other_school.id)[0] == 403
    assert get(story.api["anna"], protocol.PATH_REPORTS)[0] == 403


def test_a_role_change_takes_effect_on_the_persons_next_sync(story: Story) -> None:
    carl = story.api["carl"]
    changes, cursor = pull_all(carl)
    assert story.ids["anna_bid"] not in rows(changes, "bids")  # staff: not others' bids on B's tasks
    ran = admin(story.deployment.db_url, "person", "set-role", "carl", "site_manager")
    assert ran.code == 0, ran.err
    assert "carl is site_manager" in ran.out
    # The old cursor was made for staff Carl: the server says resync...
    answer = carl.pull_raw(cursor)
    assert answer.status_code == 410 and answer.json()["error"]["code"] == "resync"
    # ...and from the start he now holds the bids on his site's tasks, as a manager would.
    changes, _ = pull_all(carl)
    assert rows(changes, "people")[carl.person["id"]]["role"] == "site_manager"
    assert story.ids["anna_bid"] in rows(changes, "bids")
    moved = admin(story.deployment.db_url, "person", "set-site", "carl", "Plejehjemmet Solgården")
    assert moved.code == 0 and story.world.care_home.id in moved.out
    bad = admin(story.deployment.db_url, "person", "set-role", "carl", "staff", "--site", "Ingen")
    assert bad.code == 1 and "no site 'Ingen' in this organisation" in bad.err
    assert admin(story.deployment.db_url, "person", "set-role", "carl", "external").code == 1
    # Back as he was, for whoever runs after.
    assert admin(story.deployment.db_url, "person", "set-role", "carl", "staff", "--site", "s-other").code == 0
    assert admin(story.deployment.db_url, "audit", "--operation", "admin.person_set_role").out.count("\n") == 2
