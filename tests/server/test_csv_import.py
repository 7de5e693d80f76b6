"""Staff lists from CSV: good rows go in, each bad row is reported with its line number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.entities import Person
from sync.server import accounts, csv_import, storage
from tests.conftest import make_world
from tests.server.conftest import Servers, seed_world


@pytest.fixture
def db(backend: str, servers: Servers) -> Iterator[storage.Database]:
    database = storage.Database(servers.new_database(backend), pool_size=2)
    seed_world(database, make_world())
    yield database
    database.close()


def person(db: storage.Database, username: str) -> Person | None:
    with db.read() as s:
        person_id = s.value("SELECT person_id FROM accounts WHERE username = ?", (username,))
        return s.get(Person, person_id) if person_id else None


STAFF_LIST = """\
username,name,site,role,email,languages,password
lise,Lise Holm,Egeskov Skole,staff,lise@egeskov.dk,da;en,lange-kodeord
bad user,Mellemrum I Navnet,s-school,staff,,,
kim,Kim Ukendt,Ingen Skole,staff,,,
jens,Jens,s-school,staff
maja,Maja,s-school,boss,,,
ib,Ib,s-school,staff,,,kort

noah,Noah Berg,s-care,site_manager,noah@egeskov.dk,,
lise,Lise Igen,s-school,staff,,,
vera,Vera Frivillig,,external,,,
"""


def test_good_rows_go_in_and_bad_rows_are_reported_by_line(
    db: storage.Database, tmp_path: Path
) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(STAFF_LIST, encoding="utf-8")
    report = csv_import.import_people(db, path)
    assert sorted(report.created) == ["lise", "noah", "vera"]
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7, 10]
    messages = {e.line: e.message for e in report.errors}
    assert "username" in messages[3]
    assert "unknown site" in messages[4]
    assert "expected 7 fields, found 4" in messages[5]
    assert "role" in messages[6]
    assert "8 characters" in messages[7]
    assert "twice" in messages[10]
    lise = person(db, "lise")
    assert lise is not None
    assert (lise.name, lise.home_site_id, lise.languages) == ("Lise Holm", "s-school", ["da", "en"])
    vera = person(db, "vera")
    assert vera is not None and vera.kind == "volunteer" and vera.home_site_id is None
    with db.read() as s:
        stored = s.value("SELECT password_hash FROM accounts WHERE username = 'lise'")
        assert s.value("SELECT password_hash FROM accounts WHERE username = 'noah'") is None
        feed_rows = s.value(
            "SELECT count(*) FROM changes WHERE table_name = 'people' AND entity_key = ?",
            (lise.id,),
        )
    assert accounts.HASHER.verify(stored, "lange-kodeord")
    assert feed_rows == 1  # devices will hear of her


def test_excel_dialect_and_multiline_fields_keep_line_numbers_right(db: storage.Database) -> None:
    text = (
        "\ufeffUsername;Name;Site;Title\r\n"
        'sofie;Sofie Dahl;s-care;"Social- og sundhedsassistent,\r\nnattevagt"\r\n'
        "x y;Forkert;s-care;\r\n"
        "aske;Aske;s-care;Pædagog\r\n"
    )
    report = csv_import.import_people(db, text)
    assert report.created == ["sofie", "aske"]
    assert [(e.line, "username" in e.message) for e in report.errors] == [(4, True)]
    sofie = person(db, "sofie")
    assert sofie is not None and sofie.title.startswith("Social- og sundhedsassistent,")


def test_importing_again_updates_instead_of_duplicating(db: storage.Database) -> None:
    csv_import.import_people(db, "username,name,site,title\nper,Per,s-school,Lærer\n")
    first = person(db, "per")
    report = csv_import.import_people(
        db, "username,name,site,title\nPER,Per Hansen,s-other,Viceskoleleder\n"
    )
    assert (report.created, report.updated, report.errors) == ([], ["per"], [])
    again = person(db, "per")
    assert first is not None and again is not None
    assert again.id == first.id and again.version == first.version + 1
    assert (again.name, again.home_site_id, again.title) == (
        "Per Hansen",
        "s-other",
        "Viceskoleleder",
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("username,name,shoe_size\nx,X,42\n", "unknown columns shoe_size"),
        ("name,site\nX,s-school\n", "missing columns username"),
        ("username,name,name\nx,X,Y\n", "twice"),
    ],
)
def test_a_header_that_cannot_be_understood_stops_the_import(
    db: storage.Database, text: str, words: str
) -> None:
    report = csv_import.import_people(db, text)
    assert report.created == report.updated == []
    assert [e.line for e in report.errors] == [1]
    assert words in report.errors[0].message


def test_a_file_that_is_not_utf8_is_refused_clearly(db: storage.Database, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("username,name\nsøren,Søren\n".encode("latin-1"))
    report = csv_import.import_people(db, path)
    assert not report.ok and "UTF-8" in report.errors[0].message


def test_names_typed_decomposed_are_stored_composed(db: storage.Database, tmp_path: Path) -> None:
    """A staff list from a Mac holds "Søren Ågård" and "Bøgely Skole" decomposed (NFD) (issue 17)."""
    import unicodedata

    text = "username,name,site,title\nsoren,Søren Ågård,Bøgely Skole,Pædagog\n"
    source = tmp_path / "staff.csv"
    source.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    report = csv_import.import_people(db, source)
    assert report.ok, report.errors
    stored = person(db, "soren")
    assert stored is not None
    assert (stored.name, stored.title) == ("Søren Ågård", "Pædagog")  # composed, as typed on a PC
    with db.read() as s:
        assert s.value("SELECT name FROM people WHERE id = ?", (stored.id,)) == "Søren Ågård"
