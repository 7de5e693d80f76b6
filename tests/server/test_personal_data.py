"""A person's own data (export) and people who leave (erasure), against real servers.

The completeness test reads the tables and columns of a really migrated
database: a table added by a later migration that is neither a holding of
person data (`sync.server.personal_data.HOLDINGS`) nor declared free of it
fails here, and so does a column that names a person (`approved_by`,
`owner_person_id`, ...) that its holding does not list. The world tests then
show that each holding really turns up in an export, and really loses the
person on erasure, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.core import erasure, notices, skills
from desktop.core.ids import uuid7
from sync import protocol
from sync.server import directory, migrations, own_data_page, personal_data, push, storage
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Api, Deployment
from tests.server.test_reach import accept, fresh_code
from tests.server.harness import free_port
from tests.server.test_mail import SmtpServer, mail_env, mail_env_at, smtp, wait_for  # noqa: F401 - smtp: the fixture

ANNAS_WORDS = (
    "Jeg kan spille guitar til festen", "Husk stole til bedsteforældrene", "Min søgning",
    "Kom og vær med til sommerfesten",
)


def schema(tmp_path: Path) -> dict[str, list[str]]:
    """Every table of a freshly migrated server database, with its columns."""
    db = storage.Database(tmp_path / "schema.sqlite3", pool_size=1)
    try:
        migrations.migrate(db)
        with db.read() as s:
            tables = [r["name"] for r in s.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {
                t: [r["name"] for r in s.rows(f"PRAGMA table_info({t})")]
                for t in tables
                if not t.startswith("sqlite_")
            }
    finally:
        db.close()


def test_every_table_of_the_real_schema_is_either_a_holding_or_declared_free_of_person_data(
    tmp_path: Path,
) -> None:
    tables = schema(tmp_path)
    holdings = {h.table: h for h in personal_data.HOLDINGS}
    assert not set(holdings) & set(personal_data.NOT_PERSONAL)
    unclassified = set(tables) - set(holdings) - set(personal_data.NOT_PERSONAL)
    assert unclassified == set(), "decide how these are exported and erased (personal_data.py)"
    assert set(holdings) | set(personal_data.NOT_PERSONAL) <= set(tables), "stale entries"
    for table, columns in tables.items():
        naming = {c for c in columns if personal_data.names_a_person(c)}
        if table in personal_data.NOT_PERSONAL:
            assert naming == set(), f"{table} names people in {naming}: make it a holding"
            continue
        item = holdings[table]
        unlisted = naming - set(item.columns) - set(item.not_people)
        assert unlisted == set(), f"{table}.{unlisted} name people but are not in its holding"
        assert set(item.columns) | set(item.secret) <= set(columns)


def test_the_column_rule_recognises_the_ways_a_person_is_named() -> None:
    for column in ("person_id", "verified_by", "author_id", "bidder_id", "owner_person_id"):
        assert personal_data.names_a_person(column), column
    for column in ("task_id", "site_id", "device_id", "byline"):
        assert not personal_data.names_a_person(column), column


@pytest.fixture
def lived_in(backend: str, servers: Servers, smtp: SmtpServer, world: World) -> Iterator[Deployment]:  # noqa: F811
    """A server where Anna has left a row in every holding, mail included."""
    deployment = servers.start(backend, env=mail_env(smtp))
    with deployment.database.write() as s:
        directory.put_person(
            s,
            directory.NewPerson(
                username="anna", name="Anna Jensen", site=world.school.id,
                email="anna.jensen@egeskov.example", title="Pædagogmedhjælper",
            ),
        )
        s.execute("UPDATE people SET email = 'mette@egeskov.example' WHERE id = 'mette'")
    push.apply_as_admin_tool(
        deployment.database, "guidelines.publish",
        {"audience": "bidding", "text_da": "Vær venlig", "text_en": "Be kind"},
    )
    anna, mette = deployment.user("anna"), deployment.user("mette")
    anna.apply("guidelines.accept", audience="bidding", version=1)
    party, fair = uuid7(), uuid7()
    mette.apply("task.create", task_id=party, site_id=world.school.id, title="Skolefest", publish=True)
    mette.apply("task.create", task_id=fair, site_id=world.school.id, title="Loppemarked", publish=True)
    bid_id = uuid7()
    anna.apply("bid.place", bid_id=bid_id, task_id=party, message=ANNAS_WORDS[0], availability="fredag")
    anna.apply("comment.add", comment_id=uuid7(), task_id=party, body=ANNAS_WORDS[1])
    anna.apply("profile.skill_add", person_id="anna", skill="events.planning")
    anna.apply("notice.read", notice_ids=["bid.accepted:x"])
    anna.apply("settings.set", changes={notices.DESKTOP_KEY: False})
    anna.apply("search.save", search_id=uuid7(), name=ANNAS_WORDS[2], filters={"text": "fest"})
    annas_task = uuid7()
    anna.apply("task.create", task_id=annas_task, site_id=world.school.id, title="Annas opgave", publish=True)
    anna.apply("task.set_requirements", task_id=annas_task, requirements={"first_aid": "warn"})
    anna.apply("member.invite", invitation_id=uuid7(), email="nabo@example.org", person_kind="citizen",
               site_id=world.school.id, code=fresh_code(), message=ANNAS_WORDS[3])
    mette.apply("credential.verify", person_id="anna", credential="first_aid")
    mette.apply("bid.accept", bid_id=bid_id, message="Tak Anna Jensen")
    mette.apply("task.complete", task_id=party)
    mette.apply("task.endorse", endorsement_id=uuid7(), task_id=party, person_id="anna", skill="events.planning")
    mette.apply("task.invite", task_id=fair, person_id="anna", message="Du er god til det")
    wait_for(lambda: _count(deployment, "SELECT count(*) FROM mail_outbox WHERE person_id = 'anna'") > 0)
    yield deployment
    deployment.stop()
    assert deployment.server_errors() == []


def _count(deployment: Deployment, sql: str) -> int:
    with deployment.database.read() as s:
        return int(s.value(sql, default=0))


def own_data(api: Api, language: str = "da") -> dict[str, Any]:
    answer = api.http.get(protocol.PATH_OWN_DATA, params={"language": language}, headers=api.headers())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_persons_export_holds_a_row_from_every_holding_and_nobody_elses_secrets(
    lived_in: Deployment, world: World
) -> None:
    anna = lived_in.user("anna")
    body = own_data(anna)
    tables = body["export"]["tables"]
    assert set(tables) == {h.table for h in personal_data.HOLDINGS}
    empty = {t for t, found in tables.items() if not found["rows"]}
    # An employee has no personal device (only outsiders enrol their own computer): Vera's below.
    assert empty == {"devices"}, "the world must give Anna a row in every holding (extend `lived_in`)"
    for item in personal_data.HOLDINGS:
        for row in tables[item.table]["rows"]:
            assert "anna" in {str(row[c]) for c in item.columns}, (item.table, row)
            assert not set(item.secret) & set(row)
    assert {r["body"] for r in tables["comments"]["rows"]} == {ANNAS_WORDS[1]}
    assert tables["endorsements"]["rows"][0]["endorsed_by"] == "mette"
    page = body["html"]
    assert page.startswith("<!doctype html>") and "Anna Jensen" in page
    assert all(word in page for word in ANNAS_WORDS)
    assert "password_hash" not in page and "token_hash" not in page
    assert "Everything Knop holds about Anna Jensen" in own_data(anna, "en")["html"]
    # Someone else's export holds none of Anna's words.
    bo = own_data(lived_in.user("bo"))
    assert not any(word in str(bo["export"]) for word in ANNAS_WORDS)
    # An outsider's own computer is hers, and in her export.
    code = fresh_code()
    anna.apply("member.invite", invitation_id=uuid7(), email="vera@example.org", person_kind="volunteer",
               site_id=world.school.id, code=code)
    answer = accept(lived_in, code, "vera", device_name="Veras bærbare")
    assert answer.status_code == 200, answer.text
    vera = Api(lived_in.url)
    vera.credential, vera.token, vera.person = (answer.json()[k] for k in ("credential", "token", "person"))
    (device,) = own_data(vera)["export"]["tables"]["devices"]["rows"]
    assert device["person_id"] == vera.person["id"] and device["name"] == "Veras bærbare"
    assert "secret_hash" not in device


def test_the_readable_page_speaks_the_readers_language_with_names_and_readable_dates(
    lived_in: Deployment, world: World
) -> None:
    """The HTML is for a person: Danish headings and column names, names for ids, dates as people write them.

    The JSON beside it stays as stored (ids, ISO times), for machines.
    """
    anna = lived_in.user("anna")
    body = own_data(anna, "da")
    page = body["html"]
    tables = body["export"]["tables"]
    # Every holding has a heading and every exported column a name: a new one cannot slip in unnamed.
    assert set(own_data_page.TABLES) >= {h.table for h in personal_data.HOLDINGS}
    exported = {column for found in tables.values() for row in found["rows"] for column in row}
    assert own_data_page.unnamed_columns(exported) == []
    assert "<h2>Din profil</h2>" in page and "<h2>Kommentarer</h2>" in page
    assert "Kommentarer skrevet til opgaver." in page  # what each table is, in Danish too
    assert "<th>Anerkendt af</th>" in page and "<th>Person</th>" in page
    for column in exported:  # no column shows under its stored name
        assert f"<th>{column}</th>" not in page or column in ("id",), column
    # Ids become names: Mette endorsed Anna; the task is named by its title; the id stays as the tooltip.
    assert tables["endorsements"]["rows"][0]["endorsed_by"] == "mette"  # the JSON: as stored
    assert f'<td title="mette">{world.mette.name}</td>' in page
    assert re.search(r'<td title="[0-9a-f-]{36}">Skolefest</td>', page)  # a task id: its title
    assert f"<td>{world.mette.id}</td>" not in page
    # Times read as people write them, never as stored ISO stamps.
    assert not re.search(r"<td[^>]*>\d{4}-\d\d-\d\dT", page)
    assert re.search(r"<td[^>]*>\d\d\.\d\d\.\d{4} kl\. \d\d:\d\d</td>", page)
    assert f'<td title="events.planning">{skills.label("events.planning", "da")}</td>' in page  # skills by name
    assert '["' not in page  # lists (a task's skills, a person's languages) as words, not JSON
    english = own_data(anna, "en")["html"]
    assert "<h2>Your profile</h2>" in english and "<th>Endorsed by</th>" in english
    assert re.search(r"<td[^>]*>\d{4}-\d\d-\d\d at \d\d:\d\d</td>", english)


def test_the_readable_page_says_roles_statuses_and_kinds_in_the_readers_words(
    lived_in: Deployment, world: World
) -> None:
    """Not "staff", "open", "accepted" as stored: the words the app's screens use, the stored one as tooltip."""
    anna = lived_in.user("anna")
    for language, expected in (
        ("da", {"staff": "Medarbejder", "employee": "Ansat", "open": "Åben for bud", "accepted": "Accepteret",
                "site": "Kun eget arbejdssted", "pending": "Ikke taget imod endnu", "citizen": "Borger",
                "first_aid": "Førstehjælpsbevis"}),
        ("en", {"staff": "Staff", "employee": "Employee", "open": "Open for bids", "accepted": "Accepted",
                "site": "Own site only", "pending": "Not taken up yet", "citizen": "Citizen", "first_aid": "First aid certificate"}),
    ):
        body = own_data(anna, language)
        page, tables = body["html"], body["export"]["tables"]
        assert tables["people"]["rows"][0]["role"] == "staff"  # the JSON keeps the stored word
        for stored, shown in expected.items():
            assert f'<td title="{stored}">{shown}</td>' in page, (language, stored, shown)
        for raw in ("staff", "employee", "open", "accepted", "pending", "citizen", "site"):
            assert f"<td>{raw}</td>" not in page, (language, raw)


def test_a_skills_evidence_is_said_in_the_readers_words() -> None:
    """A new-user try-out found "self" in the Danish page's skills."""
    for language, said in (("da", "Selvangivet"), ("en", "Self-declared")):
        assert own_data_page.cell("evidence", "self", language, {}, "person_skills") == (said, "self")
    assert own_data_page.cell("evidence", "task", "da", {}, "person_skills") == ("Vist i en afsluttet opgave", "task")


def everything(deployment: Deployment) -> str:
    """Every cell of every table, as one text to search."""
    with deployment.database.read() as s:
        if deployment.backend == "sqlite":
            names = [r[0] for r in s.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        else:
            names = [
                r[0]
                for r in s.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ]
        return "\n".join(str(row) for name in names for row in s.rows(f"SELECT * FROM {name}"))


def numbers(admin: Api) -> list[Any]:
    found = []
    for path in (protocol.PATH_INSIGHTS_COMPETENCE, protocol.PATH_INSIGHTS_NETWORK):
        answer = admin.http.get(path, headers=admin.headers())
        assert answer.status_code == 200, answer.text
        found.append({k: v for k, v in answer.json().items() if k != "computed_at"})
    return found


def audit_trail(deployment: Deployment) -> list[tuple[Any, ...]]:
    with deployment.database.read() as s:
        return [tuple(r) for r in s.execute("SELECT * FROM audit_events ORDER BY id")]


def test_erasing_someone_who_left_removes_them_everywhere_and_changes_no_number(
    lived_in: Deployment,
) -> None:
    admin, bo = lived_in.user("admin"), lived_in.user("bo")
    before_numbers, before_audit = numbers(admin), audit_trail(lived_in)
    secrets = ("Anna Jensen", "anna.jensen@egeskov.example", "Pædagogmedhjælper", *ANNAS_WORDS)
    assert all(s in everything(lived_in) for s in secrets)

    (refused,) = admin.push(admin.op("person.erase", person_id="anna"))
    assert refused["rejection"]["reason"] == "person.still_active"
    (refused,) = bo.push(bo.op("person.deactivate", person_id="anna"))
    assert refused["rejection"]["reason"] == "person.not_admin"
    admin.apply("person.deactivate", person_id="anna")
    admin.apply("person.erase", person_id="anna")

    text = everything(lived_in)
    left = [line for line in text.splitlines() if any(s in line for s in secrets)]
    assert left == [], "\n".join(line[:300] for line in left)
    after_audit = audit_trail(lived_in)
    assert after_audit[: len(before_audit)] == before_audit or set(before_audit) <= set(after_audit)
    assert {e[4] for e in set(after_audit) - set(before_audit)} == {"person.deactivate", "person.erase"}
    assert numbers(admin) == before_numbers
    assert lived_in.api().try_login("anna", "knop-test-password").status_code == 401
    with lived_in.database.read() as s:
        assert s.value("SELECT name FROM people WHERE id = 'anna'") == erasure.pseudonym("anna")
        assert s.value("SELECT count(*) FROM bids WHERE bidder_id = 'anna'") == 1
        assert s.value("SELECT count(*) FROM mail_outbox WHERE person_id = 'anna'") == 0

    (again,) = admin.push(admin.op("person.erase", person_id="anna"))
    assert again["rejection"]["reason"] == "person.erased"


def test_an_invitation_still_queued_keeps_nothing_of_its_inviter_once_she_is_erased(
    backend: str, servers: Servers, world: World
) -> None:
    """The invitation's mail names its inviter and quotes her message; while the mail
    waits (here: no mail server answers) an erasure must take both out of it."""
    nobody_listens = free_port()
    deployment = servers.start(backend, env=mail_env_at(nobody_listens))
    try:
        with deployment.database.write() as s:
            directory.put_person(
                s, directory.NewPerson(username="anna", name="Anna Jensen", site=world.school.id)
            )
        anna, admin = deployment.user("anna"), deployment.user("admin")
        anna.apply("member.invite", invitation_id=uuid7(), email="nabo@example.org", person_kind="citizen",
                   site_id=world.school.id, code=fresh_code(), message=ANNAS_WORDS[3])
        queued = "SELECT count(*) FROM mail_outbox WHERE kind = 'invitation' AND sent_at IS NULL"
        wait_for(lambda: _count(deployment, queued) == 1)
        admin.apply("person.deactivate", person_id="anna")
        admin.apply("person.erase", person_id="anna")
        with deployment.database.read() as s:
            (facts,) = [r[0] for r in s.execute("SELECT facts FROM mail_outbox WHERE kind = 'invitation'")]
        assert "Anna Jensen" not in facts and ANNAS_WORDS[3] not in facts, facts
        assert "nabo@example.org" in facts  # the invitation itself still goes out
    finally:
        deployment.stop()


def test_the_data_protection_page_names_every_table_of_the_server(tmp_path: Path) -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "DATA-PROTECTION.md").read_text(encoding="utf-8")
    unnamed = {table for table in schema(tmp_path) if f"`{table}`" not in page}
    assert unnamed == set(), "say what these hold, who sees them and for how long"
