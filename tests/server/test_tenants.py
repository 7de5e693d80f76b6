"""Organisations as tenants (issue 16) against a real server: three municipalities on one.

Organisation A is the small world of tests/conftest.py; B and C are its
neighbours, each with a school and a few people. Every device's copy is built
only from pulled pages and compared after each step with what the permission
rules say its person may see (`visible_state`, the oracle, which knows who
was shown to which organisation from the bids and comments alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.entities import PersonKind, Role
from desktop.core.ids import uuid7
from sync.server import directory, migrations, storage, tenancy
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import PASSWORD, Deployment
from tests.server.test_admin_cli import admin
from tests.server.test_guidelines import reason
from tests.server.tenants import add_organisation, assert_every_row_has_its_organisation
from tests.server.test_reach import check_everyone, synced

# username -> (name, site, role, organisation): the neighbours' people.
NEIGHBOURS = {
    "bea": ("Bea Borg", "s-b", Role.STAFF, "org-b"),
    "bent": ("Bent Bager", "s-b", Role.SITE_MANAGER, "org-b"),
    "berit": ("Berit Admin", None, Role.ADMIN, "org-b"),
    "cille": ("Cille Clausen", "s-c", Role.STAFF, "org-c"),
}
PEOPLE = ("anna", "bo", "carl", "mette", "admin", "ole", *NEIGHBOURS)


@pytest.fixture
def three(backend: str, servers: Servers) -> Iterator[Deployment]:
    """A fresh server with the small world (organisation A) and two neighbours, B and C."""
    deployment = servers.start(backend)
    add_organisation(deployment.database, "org-b", "Bøgeby Kommune", {"s-b": "Bøgeby Skole"})
    add_organisation(deployment.database, "org-c", "Cedersø Kommune", {"s-c": "Cedersø Skole"})
    for username, (name, site, role, organisation) in NEIGHBOURS.items():
        directory.add_person(
            deployment.database,
            directory.NewPerson(
                username=username, name=name, site=site, role=role, organisation_id=organisation,
                email=f"{username}@example.org",
            ),
            PASSWORD,
        )
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


def test_three_organisations_each_device_pulls_exactly_what_the_rules_allow(three: Deployment, world: World) -> None:
    devices = synced(three, PEOPLE)
    api = {username: device[0] for username, device in devices.items()}
    rows = {username: device[1].rows for username, device in devices.items()}
    bea_id = api["bea"].person["id"]

    # A's organisation-wide task: its comment and bid stay inside A.
    inside, comment_id, bid_id = uuid7(), uuid7(), uuid7()
    api["mette"].apply("task.create", task_id=inside, site_id=world.school.id, title="Skolefest",
                       audience="organisation", publish=True, seats=3)
    api["carl"].apply("comment.add", comment_id=comment_id, task_id=inside, body="Hvornår?")
    api["bo"].apply("bid.place", bid_id=bid_id, task_id=inside, message="Jeg kan")
    check_everyone(three, devices)
    for outsider_org in ("bea", "bent", "berit", "cille", "ole"):
        assert not {("tasks", inside), ("comments", comment_id), ("bids", bid_id)} & set(rows[outsider_org])
    assert ("tasks", inside) in rows["carl"] and ("comments", comment_id) in rows["anna"]

    # Open to other municipalities: every organisation's staff, no outsiders.
    shared = uuid7()
    api["mette"].apply("task.create", task_id=shared, site_id=world.school.id, title="Fælles kursus",
                       audience="organisations", publish=True)
    check_everyone(three, devices)
    assert all(("tasks", shared) in rows[u] for u in ("anna", "carl", "bea", "bent", "berit", "cille"))
    assert ("tasks", shared) not in rows["ole"]
    assert rows["bea"][("tasks", shared)]["organisation_id"] == "org"  # the board names A

    # B's task open to outsiders: everyone inside every organisation, and A's volunteer.
    external = uuid7()
    api["bent"].apply("task.create", task_id=external, site_id="s-b", title="Strandrensning",
                      audience="external", publish=True)
    check_everyone(three, devices)
    assert all(("tasks", external) in rows[u] for u in PEOPLE)
    assert rows["bent"][("tasks", external)]["organisation_id"] == "org-b"

    # A widens its organisation-wide task: B and C get it and its comment, not its bid.
    api["mette"].apply("task.widen_audience", task_id=inside, audience="organisations")
    check_everyone(three, devices)
    for neighbour in ("bea", "cille"):
        assert ("tasks", inside) in rows[neighbour] and ("comments", comment_id) in rows[neighbour]
        assert ("bids", bid_id) not in rows[neighbour]

    # B's employee bids across the border: A's site manager may review her, with her public skills.
    api["bea"].apply("profile.skill_add", person_id=bea_id, skill="events.planning")
    api["bea"].apply("profile.skill_add", person_id=bea_id, skill="it.support")
    api["bea"].apply("profile.skill_privacy", person_id=bea_id, skill="it.support", private=True)
    assert ("people", bea_id) not in rows["mette"]
    check_everyone(three, devices)
    assert ("people", bea_id) not in rows["mette"]  # not before she bids
    across = uuid7()
    api["bea"].apply("bid.place", bid_id=across, task_id=inside, message="Jeg kommer gerne")
    check_everyone(three, devices)
    assert ("bids", across) in rows["mette"] and ("people", bea_id) in rows["mette"]
    assert ("person_skills", f"{bea_id}|events.planning") in rows["mette"]
    assert ("person_skills", f"{bea_id}|it.support") not in rows["mette"]  # private stays private
    assert ("people", bea_id) not in rows["cille"]  # C did not get her
    api["mette"].apply("bid.accept", bid_id=across)
    check_everyone(three, devices)

    # Authority stops at the border, both ways, with the reason in both languages.
    for actor, task_id in (("admin", external), ("berit", inside)):
        (result,) = api[actor].push(api[actor].op("task.cancel", task_id=task_id))
        assert result["status"] == "rejected"
        assert (result["rejection"]["code"], result["rejection"]["reason"]) == ("forbidden", "organisation.other")
        assert "anden organisation" in result["rejection"]["message"]["da"]
    (result,) = api["berit"].push(api["berit"].op("person.deactivate", person_id=api["anna"].person["id"]))
    assert result["rejection"]["reason"] == "organisation.other"

    # More of what grows, so the organisation key is checked on every kind of row.
    api["bent"].apply("credential.verify", person_id=bea_id, credential="first_aid")
    api["bea"].apply("member.invite", invitation_id=uuid7(), email="frivillig@example.org",
                     person_kind=PersonKind.VOLUNTEER, site_id="s-b", code=uuid7().replace("-", ""))
    api["bea"].apply("settings.set", changes={"language": "en"})
    api["bea"].apply("search.save", search_id=uuid7(), name="Kurser", filters={"text": "kursus"})
    api["mette"].apply("task.set_requirements", task_id=inside, requirements={"first_aid": "warn"})
    api["mette"].apply("task.invite", task_id=shared, person_id=api["cille"].person["id"])
    check_everyone(three, devices)
    assert_every_row_has_its_organisation(three.database)


def test_each_organisation_publishes_its_own_rules_of_the_road(
    three: Deployment, world: World, tmp_path: Path
) -> None:
    """Guidelines keyed by (organisation, audience): each municipality's set reaches its own
    people only (its outsiders too), is accepted by them only, and is listed per organisation."""
    devices = synced(three, PEOPLE)
    api = {username: device[0] for username, device in devices.items()}
    rows = {username: device[1].rows for username, device in devices.items()}
    db = three.db_url

    refused = admin(db, "guidelines", "publish", *texts(tmp_path, "bidding", "uden kommune"))
    assert refused.code == 1 and "Bøgeby Kommune" in refused.err and "Egeskov Kommune" in refused.err
    for org, words in (("Egeskov Kommune", "vær venlig"), ("Bøgeby Kommune", "hjælp hinanden"),
                       ("Bøgeby Kommune", "hjælp hinanden igen")):
        done = admin(db, "guidelines", "publish", "--org", org, *texts(tmp_path, "bidding", words))
        assert done.code == 0 and f"guidelines of {org} for bidding" in done.out, done.err
    admin(db, "guidelines", "publish", "--org", "Egeskov Kommune", *texts(tmp_path, "outsiders", "børneattest"))
    check_everyone(three, devices)

    def shown(username: str) -> dict[str, tuple[int, str]]:
        return {
            key: (int(row["version"]), str(row["text_da"]))
            for (table, key), row in rows[username].items() if table == "guidelines"
        }

    a_set = {"org|bidding": (1, "Regler: vær venlig"), "org|outsiders": (1, "Regler: børneattest")}
    assert shown("anna") == shown("ole") == shown("admin") == a_set  # A's outsider reads A's
    assert shown("bea") == shown("berit") == {"org-b|bidding": (2, "Regler: hjælp hinanden igen")}
    assert shown("cille") == {}  # C published none: nothing to accept

    # Each accepts their own set's version; the neighbour's version is not theirs.
    assert reason(api["anna"], "guidelines.accept", audience="bidding", version=2) == "guidelines.changed"
    assert reason(api["bea"], "guidelines.accept", audience="bidding", version=1) == "guidelines.changed"
    api["anna"].apply("guidelines.accept", audience="bidding", version=1)
    api["bea"].apply("guidelines.accept", audience="bidding", version=2)
    shared = uuid7()
    api["bent"].apply("task.create", task_id=shared, site_id="s-b", title="Fælles kursus",
                      audience="organisations", publish=True)
    assert reason(api["cille"], "bid.place", bid_id=uuid7(), task_id=shared) == "applied"  # C asks nothing
    assert reason(api["bo"], "bid.place", bid_id=uuid7(), task_id=shared) == "guidelines.not_accepted"
    assert reason(api["anna"], "bid.place", bid_id=uuid7(), task_id=shared) == "applied"
    check_everyone(three, devices)
    assert {key for (table, key) in rows["berit"] if table == "guideline_acceptances"} == {f"{api['bea'].person['id']}|bidding"}

    listing = admin(db, "guidelines", "acceptances", "--org", "Bøgeby Kommune").out.splitlines()
    assert any(line.startswith("bea\tbidding\taccepted version 2 at 20") for line in listing), listing
    assert {line.split("\t")[0] for line in listing} == {"bea", "bent", "berit"}
    every = admin(db, "guidelines", "acceptances").out.splitlines()
    assert any(line.startswith("anna\tbidding\taccepted version 1 at") and line.endswith("\tEgeskov Kommune")
               for line in every), every
    assert not any(line.startswith("cille\t") for line in every)
    with three.database.read() as s:  # each set's feed row is in its own organisation's scope
        scopes = s.rows("SELECT entity_key, organisation_id, organisations FROM changes WHERE table_name = 'guidelines'")
    assert {(r["entity_key"], r["organisation_id"], r["organisations"]) for r in scopes} == {
        ("org|bidding", "org", "|org|"), ("org|outsiders", "org", "|org|"), ("org-b|bidding", "org-b", "|org-b|")
    }


def texts(tmp_path: Path, audience: str, words: str) -> list[str]:
    """knop-admin guidelines publish's --audience, --da and --en for `words`."""
    da, en = tmp_path / f"{audience}.da.txt", tmp_path / f"{audience}.en.txt"
    da.write_text(f"Regler: {words}", encoding="utf-8")
    en.write_text(f"Rules: {words}", encoding="utf-8")
    return ["--audience", audience, "--da", str(da), "--en", str(en)]


def test_a_shared_workstation_serves_its_own_organisations_people(three: Deployment, world: World) -> None:
    a_workstation = three.enrolled(world.school.id)
    answer = a_workstation.try_login("bea", PASSWORD)
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["code"] == "other_organisation"
    assert "anden organisation" in answer.json()["error"]["message"]["da"]
    # Her own organisation's workstation serves her, and A's serves A's people.
    three.enrolled("s-b").login("bea")
    a_workstation.login("anna")


def test_every_growing_table_carries_the_organisation(backend: str, servers: Servers) -> None:
    """Read from a really migrated database: a new table must be declared, a growing one keyed.

    sync/server/tenancy.py names each table as growing (with the row it takes
    its organisation from), reference data or no tenant's data, with the reason.
    """
    db = storage.Database(servers.new_database(backend), pool_size=1)
    try:
        migrations.migrate(db)
        with db.read() as s:
            if s.dialect == "postgresql":
                found = s.execute(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema()"
                ).fetchall()
            else:
                found = [
                    (table, column[1])
                    for (table,) in s.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
                    if not table.startswith(("tasks_fts", "sqlite_stat"))
                    for column in s.execute(f"PRAGMA table_info({table})").fetchall()
                ]
    finally:
        db.close()
    columns: dict[str, set[str]] = {}
    for table, column in found:
        columns.setdefault(str(table), set()).add(str(column))
    growing = {*tenancy.OWN, *tenancy.ORGANISATION_FROM}
    declared = growing | set(tenancy.REFERENCE) | set(tenancy.NOT_TENANT)
    assert set(columns) - declared == set(), "declare the new table in sync/server/tenancy.py"
    assert growing - set(columns) == set(), "tenancy.py names a table the schema does not have"
    assert sorted(t for t in growing if "organisation_id" not in columns[t]) == []
    for table, (parent, column) in tenancy.ORGANISATION_FROM.items():
        assert column in columns[table] and "organisation_id" in columns[parent], table
