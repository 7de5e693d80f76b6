"""Several organisations on one server as their admins and IT see them (issue 16), on a real server.

Organisation A is the small world of tests/conftest.py (org "org": Egeskov
Skole, Bøgely Skole, ...); B ("org-b", Bøgeby Kommune) is its neighbour with
one school, a site manager, staff and its own admin. A's admin must see and
manage only A through the admin API, the audit trail, the reports and the
insights — except that work across the border shows on both sides as a link
— and knop-admin acts in one organisation, named with --org when there are
several.
"""

from __future__ import annotations

import json

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.core.entities import Role
from desktop.core.ids import utc_now, uuid7
from sync import protocol
from sync.server import admin as knop_admin
from sync.server import accounts, demo_seed, directory, storage
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import PASSWORD, Api, Deployment, Replica, visible_state
from tests.server.tenants import add_organisation
from tests.server.test_admin_cli import admin

# username -> (name, site, role): B's people.
B_PEOPLE = {
    "bea": ("Bea Borg", "s-b", Role.STAFF),
    "bent": ("Bent Bager", "s-b", Role.SITE_MANAGER),
    "berit": ("Berit Admin", None, Role.ADMIN),
}


@pytest.fixture
def two(backend: str, servers: Servers) -> Iterator[Deployment]:
    """A fresh server with the small world (organisation A) and its neighbour B."""
    deployment = servers.start(backend)
    add_organisation(deployment.database, "org-b", "Bøgeby Kommune", {"s-b": "Bøgeby Skole"})
    for username, (name, site, role) in B_PEOPLE.items():
        directory.add_person(
            deployment.database,
            directory.NewPerson(username=username, name=name, site=site, role=role, organisation_id="org-b"),
            PASSWORD,
        )
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


def pairs(db: str, *queries: str) -> list[dict[Any, Any]]:
    """Each query's two-column rows as a dict, read from the database `db` (a path or URL)."""
    checked = storage.Database(db, pool_size=1)
    try:
        with checked.read() as s:
            return [dict(s.execute(query).fetchall()) for query in queries]
    finally:
        checked.close()


def get(api: Api, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
    answer = api.http.get(path, params={k: v for k, v in params.items() if v is not None}, headers=api.headers())
    return answer.status_code, answer.json()


def post(api: Api, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    answer = api.http.post(path, json=body, headers=api.headers())
    return answer.status_code, answer.json()


def refused_as_outside(answer: tuple[int, dict[str, Any]]) -> bool:
    status, body = answer
    return status == 404 and body["error"]["code"] == "outside_organisation" and bool(body["error"]["message"]["da"])


def test_an_admin_lists_and_manages_only_their_own_organisation(two: Deployment, world: World) -> None:
    ada, berit = two.user("admin"), two.user("berit")
    two.user("bea")  # enrols a device at Bøgeby Skole

    a_people = {p["username"] for p in get(ada, "/v1/admin/people")[1]["people"]}
    b_people = {p["username"] for p in get(berit, "/v1/admin/people")[1]["people"]}
    assert {"anna", "mette", "admin", "ole"} <= a_people and not a_people & set(B_PEOPLE)
    assert b_people == set(B_PEOPLE)
    assert get(ada, "/v1/admin/people", search="b")[1]["people"] and all(
        p["username"] not in B_PEOPLE for p in get(ada, "/v1/admin/people", search="b")[1]["people"]
    )
    assert {s["id"] for s in get(berit, "/v1/admin/sites")[1]["sites"]} == {"s-b"}
    assert "s-b" not in {s["id"] for s in get(ada, "/v1/admin/sites")[1]["sites"]}
    a_devices = get(ada, "/v1/admin/devices")[1]["devices"]
    b_devices = get(berit, "/v1/admin/devices")[1]["devices"]
    assert {d["site_id"] for d in b_devices} == {"s-b"} and "s-b" not in {d["site_id"] for d in a_devices}

    # B's person, site and device are not there for A's admin: 404 with the reason, nothing changed.
    assert refused_as_outside(post(ada, "/v1/admin/people/bea/active", {"active": False}))
    assert refused_as_outside(post(ada, "/v1/admin/people/bea/role", {"role": "site_manager"}))
    assert refused_as_outside(post(ada, "/v1/admin/people/anna/site", {"site": "s-b"}))
    assert refused_as_outside(post(ada, "/v1/admin/enrolment-codes", {"site": "Bøgeby Skole"}))
    assert refused_as_outside(post(ada, "/v1/admin/people", {"username": "ny", "name": "Ny", "site": "s-b"}))
    assert refused_as_outside(post(ada, f"/v1/admin/devices/{b_devices[0]['id']}/revoke", {}))
    bea = directory.person_by_username(two.database, "bea")
    assert bea is not None and bea.active and bea.role == Role.STAFF
    anna = directory.person_by_username(two.database, "anna")
    assert anna is not None and anna.home_site_id == world.school.id

    # What B's admin makes is B's: a site, a person at it, a code for it, B's lending policy.
    status, body = post(berit, "/v1/admin/sites", {"name": "Bøgeby Børnehus", "kind": "daycare"})
    assert status == 200 and body["site"]["organisation_id"] == "org-b"
    status, body = post(berit, "/v1/admin/people", {"username": "bodil", "name": "Bodil", "site": "Bøgeby Børnehus"})
    assert status == 200 and body["person"]["organisation_id"] == "org-b"
    status, body = post(berit, "/v1/admin/people", {"username": "bjarne", "name": "Bjarne", "role": "admin"})
    assert status == 200 and body["person"]["organisation_id"] == "org-b"
    assert post(berit, "/v1/admin/enrolment-codes", {"site": "Bøgeby Børnehus"})[0] == 200
    assert post(berit, "/v1/admin/lending", {"policy": "approve"}) == (200, {"lending": "approve"})
    with two.database.read() as s:
        lending = dict(s.execute("SELECT id, lending FROM organisations").fetchall())
    assert lending["org-b"] == "approve" and lending["org"] != "approve"
    assert post(berit, "/v1/admin/people/bea/active", {"active": False})[0] == 200


def test_audit_reports_and_insights_cover_the_organisation_and_the_links_across_the_border(
    two: Deployment, world: World
) -> None:
    mette, bea, bent, anna = (two.user(u) for u in ("mette", "bea", "bent", "anna"))
    ada, berit = two.user("admin"), two.user("berit")
    # A's task opened to other municipalities; B's employee bids, A's manager accepts.
    shared, bid = uuid7(), uuid7()
    mette.apply("task.create", task_id=shared, site_id=world.school.id, title="Fælles kursus",
                audience="organisations", publish=True, skills=["events.planning"])
    bea.apply("bid.place", bid_id=bid, task_id=shared, message="Jeg kommer gerne")
    mette.apply("bid.accept", bid_id=bid)
    # B's internal task, which A's people cannot see; Bea bids on it too.
    internal, inner_bid = uuid7(), uuid7()
    bent.apply("task.create", task_id=internal, site_id="s-b", title="Bøgebys interne sag",
               audience="organisation", publish=True, skills=["events.planning"])
    bea.apply("bid.place", bid_id=inner_bid, task_id=internal, message="Ja")
    bent.apply("bid.accept", bid_id=inner_bid)
    # And a second one, which she only offers to do.
    other_internal = uuid7()
    bent.apply("task.create", task_id=other_internal, site_id="s-b", title="Bøgebys anden sag",
               audience="organisation", publish=True, skills=["events.planning"])
    bea.apply("bid.place", bid_id=uuid7(), task_id=other_internal, message="Måske")
    # B's task opened to other municipalities; A's employee works on it.
    theirs, anna_bid = uuid7(), uuid7()
    bent.apply("task.create", task_id=theirs, site_id="s-b", title="Strandrensning",
               audience="organisations", publish=True)
    anna.apply("bid.place", bid_id=anna_bid, task_id=theirs, message="Gerne")
    bent.apply("bid.accept", bid_id=anna_bid)

    # The audit trail: A's admin sees A's people anywhere and anyone on A's sites, not B's inside.
    status, body = get(ada, protocol.PATH_AUDIT, limit=1000)
    assert status == 200
    seen = {(e["operation"], e["entity_id"]) for e in body["events"]}
    assert {("bid.place", bid), ("bid.accept", bid), ("bid.place", anna_bid)} <= seen
    assert not {("task.create", internal), ("bid.place", inner_bid), ("bid.accept", inner_bid)} & seen
    assert "Bøgebys interne sag" not in body["names"].values()
    status, body = get(berit, protocol.PATH_AUDIT, limit=1000)
    seen_by_b = {(e["operation"], e["entity_id"]) for e in body["events"]}
    assert {("bid.place", bid), ("task.create", internal), ("bid.accept", anna_bid)} <= seen_by_b
    assert ("task.create", shared) not in seen_by_b  # A's own doings on A's site stay A's
    assert refused_as_outside(get(ada, protocol.PATH_AUDIT, site_id="s-b"))

    # Reports: A's sites only, with B's helper counted as from another organisation.
    today = utc_now()[:10]
    status, body = get(ada, protocol.PATH_REPORTS, since=today, until=today)
    assert status == 200 and "s-b" not in {r["site_id"] for r in body["sites"]}
    school = next(r for r in body["sites"] if r["site_id"] == world.school.id)
    assert (school["from_other_organisations"], school["from_other_sites"]) == (1, 0)
    assert refused_as_outside(get(ada, protocol.PATH_REPORTS, site_id="s-b"))
    assert refused_as_outside(get(ada, protocol.PATH_INSIGHTS_COMPETENCE, site_id="s-b"))
    assert refused_as_outside(get(ada, protocol.PATH_INSIGHTS_PEOPLE, skill="events.planning", site_id="s-b"))
    assert get(ada, protocol.PATH_INSIGHTS_COMPETENCE, site_id=world.school.id)[0] == 200
    assert [r["site_id"] for r in get(berit, protocol.PATH_REPORTS, since=today, until=today)[1]["sites"]] == ["s-b"]

    # The network: A's sites, and B's school only at the end of a link across the border.
    status, body = get(ada, protocol.PATH_INSIGHTS_NETWORK)
    assert status == 200
    nodes = {n["site_id"]: n for n in body["nodes"]}
    assert nodes["s-b"]["organisation"] == "Bøgeby Kommune" and nodes["s-b"]["posted_total"] == 0
    assert {n["organisation_id"] for n in body["nodes"] if n["site_id"] != "s-b"} == {"org"}
    across = {(e["source"], e["target"]) for e in body["edges"] if e["across"]}
    assert across == {(world.school.id, "s-b"), ("s-b", world.anna.home_site_id)}
    status, body = get(berit, protocol.PATH_INSIGHTS_NETWORK)
    assert {n["organisation_id"] for n in body["nodes"]} == {"org", "org-b"}
    assert {n["site_id"] for n in body["nodes"] if n["organisation_id"] == "org"} == {world.school.id}

    # Talent search: A's admin finds Bea (she worked for A) with A's task, not B's internal one.
    status, body = get(ada, protocol.PATH_INSIGHTS_PEOPLE, person_id=bea.person["id"])
    assert status == 200
    (row,) = [r for r in body["people"] if r["skill"] == "events.planning"]
    assert [t["title"] for t in row["tasks"]] == ["Fælles kursus"]
    # B's internal tasks are counted under B's name, never sent by title, id or site.
    assert row["unnamed_tasks"] == [{"organisation_id": "org-b", "organisation": "Bøgeby Kommune", "count": 2}]
    assert row["evidence_count"] == 3
    # The map's drill-down into the skill says the same of her.
    status, drill = get(ada, protocol.PATH_INSIGHTS_PEOPLE, skill="events.planning")
    assert status == 200
    (row,) = [r for r in drill["people"] if r["person_id"] == bea.person["id"]]
    assert [t["title"] for t in row["tasks"]] == ["Fælles kursus"]
    assert row["unnamed_tasks"] == [{"organisation_id": "org-b", "organisation": "Bøgeby Kommune", "count": 2}]
    for answer in (body, drill):
        said = json.dumps(answer, ensure_ascii=False)
        assert "Bøgebys" not in said and internal not in said and other_internal not in said
    # B's own admin reads them by name.
    status, body = get(berit, protocol.PATH_INSIGHTS_PEOPLE, skill="events.planning")
    (row,) = [r for r in body["people"] if r["person_id"] == bea.person["id"]]
    assert {t["title"] for t in row["tasks"]} == {"Fælles kursus", "Bøgebys interne sag", "Bøgebys anden sag"}
    assert row["unnamed_tasks"] == []
    # The competence map counts A's people: Bea's shown skill is B's, in B's map.
    a_map = get(ada, protocol.PATH_INSIGHTS_COMPETENCE)[1]
    b_map = get(berit, protocol.PATH_INSIGHTS_COMPETENCE)[1]
    shown = {m: {r["skill"]: r["shown"] for r in body["skills"]} for m, body in (("a", a_map), ("b", b_map))}
    assert shown["b"].get("events.planning") == 1 and not shown["a"].get("events.planning")
    assert {r["site_id"] for r in b_map["sites"]} == {"s-b"}


def test_a_site_manager_sees_their_staffs_lending_on_other_sites(two: Deployment, world: World) -> None:
    """The known gap: the home manager's audit view showed only events on their own site's tasks."""
    bo, mette, carl = two.user("bo"), two.user("mette"), two.user("carl")
    mads = directory.add_person(
        two.database,
        directory.NewPerson(username="mads", name="Mads", site=world.other_school.id, role=Role.SITE_MANAGER),
        PASSWORD,
    )
    manager = two.user(mads.username)
    task, bid, other_bid = uuid7(), uuid7(), uuid7()
    manager.apply("task.create", task_id=task, site_id=world.other_school.id, title="Lejrskole", audience="organisation",
                  publish=True, seats=2)
    bo.apply("bid.place", bid_id=bid, task_id=task, message="Jeg tager med")
    carl.apply("bid.place", bid_id=other_bid, task_id=task, message="Også mig")
    manager.apply("bid.accept", bid_id=bid)
    events = get(mette, protocol.PATH_AUDIT, limit=1000)[1]["events"]
    elsewhere = [(e["operation"], e["entity_id"]) for e in events if e["site_id"] == world.other_school.id]
    assert elsewhere == [("bid.place", bid), ("bid.accept", bid)]  # Bo's, not Carl's nor the task's


def test_knop_admin_acts_in_the_organisation_named_with_org(
    backend: str, servers: Servers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = servers.new_database(backend)
    assert knop_admin.main(["--db", db, "init", "--org", "Egeskov Kommune", "--org-id", "org-a"]) == 0
    # One organisation: everything as before, no --org.
    assert knop_admin.main(["--db", db, "site", "add", "--name", "Rådhuset", "--kind", "administration", "--id", "a-hall"]) == 0
    assert knop_admin.main(["--db", db, "person", "add", "--username", "anna", "--name", "Anna",
                            "--site", "Rådhuset"]) == 0
    capsys.readouterr()
    assert knop_admin.main(["--db", db, "organisation", "add", "Bøgeby Kommune", "--id", "org-b"]) == 0
    again = knop_admin.main(["--db", db, "organisation", "add", "bøgeby kommune"])
    assert again == 1 and "already exists" in capsys.readouterr().err

    # Two: a command of one organisation without --org says which there are.
    assert knop_admin.main(["--db", db, "site", "add", "--name", "Rådhuset", "--kind", "administration"]) == 1
    err = capsys.readouterr().err
    assert "2 organisations" in err and "Egeskov Kommune (org-a)" in err and "Bøgeby Kommune (org-b)" in err
    assert knop_admin.main(["--db", db, "person", "list"]) == 0  # every organisation's, its name last
    [line] = capsys.readouterr().out.splitlines()
    assert line.split("\t")[1:] == ["anna", "staff", "Rådhuset", "Anna no-password", "Egeskov Kommune"]
    assert knop_admin.main(["--db", db, "devices", "--org", "Ingen Kommune"]) == 1
    assert "unknown organisation 'Ingen Kommune'" in capsys.readouterr().err

    # B's own "Rådhuset": same name, its own organisation; people and codes go by --org.
    assert knop_admin.main(["--db", db, "site", "add", "--org", "Bøgeby Kommune", "--name", "Rådhuset",
                            "--kind", "administration", "--id", "b-hall"]) == 0
    assert knop_admin.main(["--db", db, "person", "add", "--org", "org-b", "--username", "bea", "--name", "Bea",
                            "--site", "Rådhuset"]) == 0
    assert knop_admin.main(["--db", db, "person", "add", "--org", "org-b", "--username", "berit",
                            "--name", "Berit", "--role", "admin"]) == 0
    assert knop_admin.main(["--db", db, "person", "add", "--org", "org-b", "--username", "bo", "--name", "Bo",
                            "--site", "a-hall"]) == 1
    assert "no site 'a-hall' in this organisation" in capsys.readouterr().err
    csv = tmp_path / "staff.csv"
    csv.write_text("username,name,site\nbirgit,Birgit,Rådhuset\nanna,Anna Jensen,Rådhuset\n", encoding="utf-8")
    assert knop_admin.main(["--db", db, "import-people", "--org", "Bøgeby Kommune", str(csv)]) == 1
    out = capsys.readouterr()
    assert "created 1, updated 0, refused 1" in out.out and "another organisation" in out.err

    placed, homes = pairs(db, "SELECT username, organisation_id FROM people", "SELECT username, home_site_id FROM people")
    assert placed == {"anna": "org-a", "bea": "org-b", "berit": "org-b", "birgit": "org-b"}
    assert (homes["anna"], homes["bea"], homes["birgit"]) == ("a-hall", "b-hall", "b-hall")

    capsys.readouterr()
    assert knop_admin.main(["--db", db, "person", "list", "--org", "org-a"]) == 0
    assert [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()] == ["anna"]
    assert knop_admin.main(["--db", db, "site", "list", "--org", "Bøgeby Kommune"]) == 0
    assert capsys.readouterr().out.split("\t")[0] == "b-hall"
    assert knop_admin.main(["--db", db, "enrolment-code", "--org", "org-b", "--site", "Rådhuset"]) == 0
    assert knop_admin.main(["--db", db, "lending", "--org", "org-b", "approve"]) == 0
    assert knop_admin.main(["--db", db, "organisation", "list"]) == 0
    listed = capsys.readouterr().out
    assert "org-a\tEgeskov Kommune\t1 site(s)\t1 people" in listed
    assert "org-b\tBøgeby Kommune\t1 site(s)\t3 people" in listed
    assert knop_admin.main(["--db", db, "audit", "--org", "org-b", "--limit", "100"]) == 0
    trail = capsys.readouterr().out
    assert "admin.organisation_lending" in trail and "Anna" not in trail

    # A real process, as IT runs it.
    ran = admin(db, "devices")
    assert (ran.code, ran.out) == (0, ""), ran.err  # every organisation's: none enrolled yet
    ran = admin(db, "invitations", "list", "--org", "org-a")
    assert ran.code == 0, ran.err


def test_knop_admin_tells_the_organisation_from_the_site_and_names_the_choices_where_it_cannot(
    backend: str, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    """A try-out: `enrolment-code --site "Bøgeby Skole"` on the demo's server asked for --org,
    which the site's name already said."""
    db = servers.new_database(backend)

    def run(*args: str) -> int:
        return knop_admin.main(["--db", db, *args])

    assert run("init", "--org", "Egeskov Kommune", "--org-id", "org-a") == 0
    assert run("site", "add", "--name", "Egeskov Skole", "--kind", "school", "--id", "a-school") == 0
    assert run("site", "add", "--name", "Rådhuset", "--kind", "administration", "--id", "a-hall") == 0
    assert run("organisation", "add", "Bøgeby Kommune", "--id", "org-b") == 0
    assert run("site", "add", "--org", "org-b", "--name", "Bøgeby Skole", "--kind", "school", "--id", "b-school") == 0
    assert run("site", "add", "--org", "org-b", "--name", "Rådhuset", "--kind", "administration", "--id", "b-hall") == 0
    capsys.readouterr()

    # The site's name (any case) or id says which organisation: no --org.
    assert run("enrolment-code", "--site", "bøgeby skole") == 0
    assert run("enrolment-code", "--site", "a-hall") == 0
    said = capsys.readouterr()
    assert "at Bøgeby Skole" in said.err and "at Rådhuset" in said.err and len(said.out.split()) == 2
    assert run("person", "add", "--username", "bea", "--name", "Bea", "--site", "Bøgeby Skole") == 0
    assert run("person", "add", "--username", "anna", "--name", "Anna", "--site", "Egeskov Skole") == 0
    capsys.readouterr()
    assert run("audit", "--site", "Bøgeby Skole") == 0  # its tasks' events (none yet), no --org asked
    assert capsys.readouterr().err == ""

    # A name both have: the error names both, and --org or the id settles it.
    assert run("enrolment-code", "--site", "Rådhuset") == 1
    err = capsys.readouterr().err
    assert "2 organisations have a site named 'Rådhuset'" in err
    assert "Egeskov Kommune (org-a)" in err and "Bøgeby Kommune (org-b)" in err and "--org" in err
    assert run("enrolment-code", "--site", "Rådhuset", "--org", "Bøgeby Kommune") == 0
    assert run("enrolment-code", "--site", "b-hall") == 0
    # No such site anywhere: said as before, not as a want of --org.
    assert run("enrolment-code", "--site", "Ingen Skole") == 1
    assert "unknown site 'Ingen Skole'" in capsys.readouterr().err

    codes, homes = pairs(
        db, "SELECT site_id, count(*) FROM enrolment_codes GROUP BY site_id", "SELECT username, organisation_id FROM people"
    )
    assert codes == {"b-school": 1, "a-hall": 1, "b-hall": 2}
    assert homes == {"bea": "org-b", "anna": "org-a"}

    # What the site cannot say still needs --org, with the choices named.
    assert run("person", "add", "--username", "berit", "--name", "Berit", "--role", "admin") == 1
    assert "say which with --org" in capsys.readouterr().err
    # Listings without --org: every organisation's, each line ending in its name.
    assert run("person", "list") == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]  # by username
    assert [(x[1], x[-1]) for x in lines] == [("anna", "Egeskov Kommune"), ("bea", "Bøgeby Kommune")]


def test_import_people_tells_the_organisation_from_the_rows_sites(
    backend: str, servers: Servers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every row of a staff list names its site: on a server with several organisations the
    sites say which (no --org), and a list whose sites are in several is refused, naming them."""
    db = servers.new_database(backend)

    def run(*args: str) -> int:
        return knop_admin.main(["--db", db, *args])

    assert run("init", "--org", "Egeskov Kommune", "--org-id", "org-a") == 0
    assert run("site", "add", "--name", "Egeskov Skole", "--kind", "school", "--id", "a-school") == 0
    assert run("organisation", "add", "Bøgeby Kommune", "--id", "org-b") == 0
    assert run("site", "add", "--org", "org-b", "--name", "Bøgeby Skole", "--kind", "school", "--id", "b-school") == 0
    assert run("site", "add", "--org", "org-b", "--name", "Bøgeby Børnehus", "--kind", "daycare", "--id", "b-care") == 0
    capsys.readouterr()

    b_list = tmp_path / "b.csv"
    b_list.write_text(
        "username,name,site\nbea,Bea,Bøgeby Skole\nbirk,Birk,b-care\nbo,Bo,Ingen Skole\n", encoding="utf-8"
    )
    assert run("import-people", str(b_list)) == 1  # the unknown site's row alone is refused
    said = capsys.readouterr()
    assert "created 2, updated 0, refused 1" in said.out and "line 4" in said.err and "--org" not in said.err

    mixed = tmp_path / "mixed.csv"
    mixed.write_text("username,name,site\nanna,Anna,Egeskov Skole\nbent,Bent,b-school\n", encoding="utf-8")
    assert run("import-people", str(mixed)) == 1
    err = capsys.readouterr().err
    assert "Egeskov Kommune (org-a)" in err and "Bøgeby Kommune (org-b)" in err and "--org" in err
    (placed,) = pairs(db, "SELECT username, organisation_id FROM people")
    assert placed == {"bea": "org-b", "birk": "org-b"}  # nothing of the mixed list was imported

    nowhere = tmp_path / "admins.csv"
    nowhere.write_text("username,name,role\nada,Ada,admin\n", encoding="utf-8")
    assert run("import-people", str(nowhere)) == 1  # no site says which: --org, with the choices
    assert "say which with --org" in capsys.readouterr().err
    assert run("import-people", "--org", "org-a", str(mixed)) == 1  # --org still decides: B's row refused
    assert "created 1, updated 0, refused 1" in capsys.readouterr().out


def test_the_demo_has_a_neighbour_whose_tasks_opened_across_reach_the_first(
    backend: str, servers: Servers, tmp_path: Path
) -> None:
    code_file = tmp_path / "code.txt"
    server = servers.start(backend, seeded=False, args=("--demo", "--demo-code-file", str(code_file)))
    try:
        with server.database.read() as s:
            organisations = dict(s.execute("SELECT name, id FROM organisations").fetchall())
            tasks = s.rows("SELECT id, audience, status, organisation_id FROM tasks")
        assert set(organisations) == {"Egeskov Kommune", "Bøgeby Kommune"}
        bogeby = organisations["Bøgeby Kommune"]
        workstation = server.api()
        workstation.enrol(code_file.read_text().strip())
        workstation.login("anna", demo_seed.DEMO_PASSWORD)
        replica = Replica()
        assert replica.sync(workstation, limit=1000)
        held = {key for table, key in replica.rows if table == "tasks"}
        theirs = {t["id"]: t for t in tasks if t["organisation_id"] == bogeby}
        across = {i for i, t in theirs.items() if t["audience"] == "organisations"}
        assert across and across <= held
        assert not {i for i, t in theirs.items() if t["audience"] in ("site", "organisation")} & held
        assert replica.rows == visible_state(server.database, workstation.person["id"])
        # Anna bids on Bøgeby's open task; Bøgeby's people cannot log in on her workstation.
        open_across = sorted(i for i in across if theirs[i]["status"] == "open")
        workstation.apply("bid.place", bid_id=uuid7(), task_id=open_across[0], message="Jeg kan hjælpe")
        assert workstation.try_login("anna.bogeby", demo_seed.DEMO_PASSWORD).status_code == 403
        # Egeskov's admin sees Egeskov's people only, and the links to Bøgeby in the network.
        ada = server.api()
        ada.enrol(accounts.new_enrolment_code(server.database, demo_seed.enrolment_site(server.database)))
        ada.login("admin", demo_seed.DEMO_PASSWORD)
        listed = {p["username"] for p in get(ada, "/v1/admin/people", limit=5000)[1]["people"]}
        assert "anna" in listed and not any(u.endswith(".bogeby") for u in listed)
        network = get(ada, protocol.PATH_INSIGHTS_NETWORK)[1]
        assert any(e["across"] for e in network["edges"])
        assert {n["organisation"] for n in network["nodes"]} == set(organisations)
        with server.database.read() as s:
            assert s.value("SELECT count(*) FROM person_credentials") > 0
            assert s.value("SELECT count(*) FROM task_requirements") > 0
    finally:
        server.stop()
    assert server.server_errors() == []


def test_seed_demo_makes_the_organisations_asked_for(
    backend: str, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    db = servers.new_database(backend)
    assert knop_admin.main(["--db", db, "seed-demo", "--tasks", "30", "--people", "40",
                            "--organisations", "3", "--neighbour-share", "0.5"]) == 0
    capsys.readouterr()
    assert knop_admin.main(["--db", db, "organisation", "list"]) == 0
    listed = sorted(line.split("\t")[1] for line in capsys.readouterr().out.splitlines())
    assert listed == ["Bøgeby Kommune", "Cedersø Kommune", "Egeskov Kommune"]
    assert knop_admin.main(["--db", db, "person", "list", "--org", "Cedersø Kommune"]) == 0
    usernames = [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()]
    assert len(usernames) == 20 and all(u.endswith(".cederso") for u in usernames)


def test_an_outsider_who_takes_up_a_neighbours_invitation_is_told_the_neighbours_name(
    two: Deployment,
) -> None:
    from desktop.invitations import new_code

    bent, code = two.user("bent"), new_code()
    bent.apply("member.invite", invitation_id=uuid7(), email="vera@example.org", name="Vera",
               person_kind="volunteer", site_id="s-b", code=code, message="")
    newcomer = two.api()
    answer = newcomer.http.post("/v1/invitations/accept", headers=newcomer.headers(), json={
        "code": code, "username": "vera", "password": "Veras eget kodeord", "name": "Vera Frivillig",
    })
    assert answer.status_code == 200, answer.text
    welcome = answer.json()
    assert welcome["person"]["organisation_id"] == "org-b"
    assert welcome["organisation"]["name"] == "Bøgeby Kommune"
