"""Who may see a task: the rule in Python and the board's SQL on a real store file agree on every case.

tests/server/test_visibility.py adds the third asker, the server's feed, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from desktop import board
from desktop.core import permissions
from desktop.core.entities import Audience, Person, Role, TaskStatus
from desktop.store import Store
from tests import visibility_cases as cases


@pytest.fixture(scope="module")
def every_task(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("visibility") / "knop.sqlite3")
    with store.transaction():
        for task in cases.tasks():
            store.put(task)
    return store


def test_the_cases_cover_every_combination() -> None:
    people, tasks = cases.people(), cases.tasks()
    assert {(p.role, p.kind, p.home_site_id, p.organisation_id, p.active) for p in people} >= {
        (role, kind, home, organisation, active)
        for role in Role
        for kind in ("employee", "volunteer", "citizen", "company")
        for home, organisation in cases.HOMES_AND_ORGANISATIONS
        for active in (True, False)
    }
    assert {p.home_site_id for p in people} == set(cases.HOMES)
    assert {(t.site_id, t.audience, t.status, t.published_at is not None, tuple(t.outsiders)) for t in tasks} == {
        (site, audience, state.status, state.published, outsiders)
        for site in (cases.SITE_A, cases.SITE_B, cases.SITE_C)
        for audience in Audience
        for state in cases.STATES
        for outsiders in cases.OUTSIDERS
    }


def test_an_outsider_sees_a_published_external_task_only_when_it_is_open_to_their_kind() -> None:
    """Issue 14: a task for volunteers is no citizen's or company's business; staff see it whatever its kinds."""
    for task in cases.tasks():
        if task.published_at is None or task.audience != Audience.EXTERNAL:
            continue
        for person in cases.people():
            if not person.active or permissions.manages_task(person, task):
                continue
            expected = not person.is_external or not task.outsiders or person.kind in task.outsiders
            assert permissions.can_see_task(person, task) == expected, (person.id, task.id)


@pytest.mark.parametrize("person", cases.people(), ids=lambda p: p.id)
def test_the_board_sql_is_the_rule(every_task: Store, person: Person) -> None:
    by_rule = {t.id for t in cases.tasks() if permissions.can_see_task(person, t)}
    on_board = set(board.search(every_task, person, board.BoardFilter()))
    assert on_board == by_rule


def test_a_task_never_published_is_seen_only_by_its_managers() -> None:
    """Issue 18 item 1: cancelling a draft does not publish it."""
    for task in cases.tasks():
        if task.published_at is None:
            assert task.status in (TaskStatus.DRAFT, TaskStatus.CANCELLED)
            for person in cases.people():
                assert permissions.can_see_task(person, task) == (
                    person.active and permissions.manages_task(person, task)
                ), (person.id, task.id)


def test_the_sql_folds_what_the_person_already_settles() -> None:
    """Facts about the person become constants: an admin's condition asks no site and no outsider kind.

    (Since issue 16 it is no longer TRUE: an admin manages their own organisation's tasks.)
    """
    admin = Person(id="a", name="A", username="a", home_site_id=None, role=Role.ADMIN, organisation_id="org")
    condition = permissions.visibility_sql(admin, board._TaskTable())
    assert "site_id" not in condition.text and "outsiders" not in condition.text
    assert condition.text.startswith("((((t.organisation_id = ?) OR (t.poster_id = ?)))") and condition.params[:2] == ("org", "a")
    gone = Person(id="g", name="G", username="g", home_site_id=None, active=False)
    assert permissions.visibility_sql(gone, board._TaskTable()) == permissions.FALSE


def test_each_audience_reaches_the_organisations_the_issue_says() -> None:
    """Issue 16, spelled out: site < organisation < other municipalities < external.

    Site: the site's own people; organisation: the task's organisation's
    non-externals; other municipalities: every organisation's non-externals;
    external: those and the outsiders (of any organisation) of its kinds.
    An admin manages only their own organisation's tasks.
    """
    for task in cases.tasks():
        for person in cases.people():
            if not person.active or person.id == task.poster_id:
                continue
            manages = (person.is_admin and person.organisation_id == task.organisation_id) or (
                person.role == Role.SITE_MANAGER and person.home_site_id == task.site_id
            )
            assert permissions.manages_task(person, task) == manages, (person.id, task.id)
            if manages or person.role == Role.SITE_MANAGER or task.published_at is None:
                continue  # a site manager also follows their staff's work (OVERSEES_WORK): not a task's
            reaches = {
                Audience.SITE: not person.is_external and person.home_site_id == task.site_id,
                Audience.ORGANISATION: not person.is_external and person.organisation_id == task.organisation_id,
                Audience.ORGANISATIONS: not person.is_external,
                Audience.EXTERNAL: not person.is_external or not task.outsiders or person.kind in task.outsiders,
            }[Audience(task.audience)]
            assert permissions.can_see_task(person, task) == reaches, (person.id, task.id)
