"""knop-admin's listings as IT reads them (a new-user try-out): sites by name, every organisation's sites."""

from __future__ import annotations

from tests.server.conftest import Servers
from tests.server.test_admin_cli import admin


def _two_organisations(db: str) -> None:
    steps = [
        ("init", "--org", "Egeskov Kommune", "--org-id", "org-a"),
        ("site", "add", "--name", "Åskolen", "--kind", "school", "--id", "a-school"),
        ("site", "add", "--name", "Rådhuset", "--kind", "administration", "--id", "a-hall"),
        ("person", "add", "--username", "anna", "--name", "Anna Holm", "--site", "Åskolen"),
        ("person", "add", "--username", "admin", "--name", "Ida Admin", "--role", "admin"),
    ]
    for step in steps:
        ran = admin(db, *step)
        assert ran.code == 0, (step, ran.err)


def test_person_list_names_the_home_site_and_keeps_its_id_for_scripts(backend: str, servers: Servers) -> None:
    db = servers.new_database(backend)
    _two_organisations(db)
    listed = admin(db, "person", "list")
    assert listed.code == 0, listed.err
    rows = {line.split("\t")[1]: line.split("\t") for line in listed.out.splitlines()}
    assert rows["anna"][3] == "Åskolen" and rows["anna"][4].startswith("Anna Holm")
    assert rows["admin"][3] == "-"  # an admin has no home site
    scripted = admin(db, "person", "list", "--ids")
    rows = {line.split("\t")[1]: line.split("\t") for line in scripted.out.splitlines()}
    assert rows["anna"][3] == "a-school" and rows["admin"][3] == "-"
    assert "--ids" in admin(db, "person", "list", "--help").out


def test_site_list_without_org_lists_every_organisations_sites_named(backend: str, servers: Servers) -> None:
    db = servers.new_database(backend)
    _two_organisations(db)
    one = admin(db, "site", "list")  # one organisation: as before, no organisation column
    assert one.out.splitlines() == ["a-hall\tadministration\tRådhuset", "a-school\tschool\tÅskolen"]
    for step in (
        ("organisation", "add", "Bøgeby Kommune", "--id", "org-b"),
        ("site", "add", "--org", "org-b", "--name", "Rådhuset", "--kind", "administration", "--id", "b-hall"),
    ):
        assert admin(db, *step).code == 0
    every = admin(db, "site", "list")
    assert every.code == 0, every.err
    assert every.out.splitlines() == [
        "b-hall\tadministration\tRådhuset\tBøgeby Kommune",
        "a-hall\tadministration\tRådhuset\tEgeskov Kommune",
        "a-school\tschool\tÅskolen\tEgeskov Kommune",
    ]
    mine = admin(db, "site", "list", "--org", "Egeskov Kommune")
    assert mine.out.splitlines() == ["a-hall\tadministration\tRådhuset", "a-school\tschool\tÅskolen"]
