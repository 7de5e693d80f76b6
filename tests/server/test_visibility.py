"""Who may see a task, asked three ways, on SQLite and PostgreSQL servers: all three must agree.

Tasks are brought into every state by pushing the real operations over HTTP
(so "cancelled" is reached both after publishing and straight from a draft);
then each person's device pulls its feed. What the feed delivered must be
exactly what `permissions.can_see_task` says, and exactly what the board's SQL
finds in a client store file holding every task.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import board
from desktop.core import permissions
from desktop.core.entities import Audience, Person, PersonKind, Role, Task
from desktop.core.ids import uuid7
from desktop.store import Store
from sync.server import directory, feed, feed_tail, push
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import PASSWORD, Api, Deployment
from tests.server.tenants import add_organisation
from tests.visibility_cases import STATES, TaskState

# People beyond the small world's (anna, bo, carl at their schools, mette managing
# the school, admin, ole external): every role and external kind, at the school,
# at the other school and at none.
EXTRA = [
    directory.NewPerson(username="berit", name="Berit Staff", site="s-other", role=Role.STAFF),
    directory.NewPerson(username="mads", name="Mads Manager", site="s-other", role=Role.SITE_MANAGER),
    directory.NewPerson(username="ada", name="Ada Admin", site="s-school", role=Role.ADMIN),
    *(
        directory.NewPerson(
            username=f"ext.{kind}.{site or 'none'}", name=f"Ekstern {kind}", site=site,
            role=Role.EXTERNAL, kind=kind,
        )
        for kind, site in itertools.product(
            (PersonKind.VOLUNTEER, PersonKind.CITIZEN, PersonKind.COMPANY), ("s-school", None)
        )
    ),
    directory.NewPerson(username="gone", name="Gone Staff", site="s-school", role=Role.STAFF),
    # A neighbouring municipality on the same server (issue 16): staff, a manager, its admin, an outsider.
    directory.NewPerson(username="nabo", name="Nabo Staff", site="s-far", role=Role.STAFF, organisation_id="org-b"),
    directory.NewPerson(username="nabo2", name="Nabo To", site="s-far", role=Role.STAFF, organisation_id="org-b"),
    directory.NewPerson(username="naboadmin", name="Nabo Admin", role=Role.ADMIN, organisation_id="org-b"),
    directory.NewPerson(
        username="naboext", name="Nabo Frivillig", role=Role.EXTERNAL, kind=PersonKind.VOLUNTEER,
        organisation_id="org-b",
    ),
]
# Staff at the school, its manager, staff at the other school, staff of the neighbour.
POSTERS = ("bo", "mette", "carl", "nabo")
BIDDER = {"s-school": "anna", "s-other": "berit", "s-far": "nabo2"}
ADMIN = {"s-school": "admin", "s-other": "admin", "s-far": "naboadmin"}  # an admin of the task's organisation


@pytest.fixture(scope="module")
def deployment(backend: str, servers: Servers) -> Iterator[Deployment]:
    made = servers.start(backend)
    add_organisation(made.database, "org-b", "Nabo Kommune", {"s-far": "Naboskolen"})
    for new in EXTRA:
        directory.add_person(made.database, new, PASSWORD)
    yield made
    made.stop()
    assert made.server_errors() == []


def every_username(server: Deployment) -> list[str]:
    with server.database.read() as s:
        return [str(r[0]) for r in s.execute("SELECT username FROM accounts ORDER BY username")]


def bring_to(api: dict[str, Api], state: TaskState, poster: str, site_id: str, audience: str) -> str:
    """A task posted by `poster`, taken to `state` by the operations a person would push."""
    task_id, bid_id = uuid7(), uuid7()
    api[poster].apply(
        "task.create", task_id=task_id, site_id=site_id, title=f"{audience} {state.name}",
        audience=audience, publish=state.published,
    )
    if state.status in ("assigned", "done"):
        api[BIDDER[site_id]].apply("bid.place", bid_id=bid_id, task_id=task_id)
        api[ADMIN[site_id]].apply("bid.accept", bid_id=bid_id)
    if state.status == "done":
        api[ADMIN[site_id]].apply("task.complete", task_id=task_id)
    if state.status == "cancelled":
        # Unpublished: the input, the poster (a manager, too) cancelling a draft.
        api[poster].apply("task.cancel", task_id=task_id)
    return task_id


def pulled_tasks(api: Api) -> set[str] | None:
    """The task ids this device's feed delivers from scratch; None when the pull is refused."""
    seen: set[str] = set()
    cursor = None
    while True:
        answer = api.pull_raw(cursor)
        if answer.status_code != 200:
            return None
        page = answer.json()
        seen.update(c["row"]["id"] for c in page["changes"] if c["table"] == "tasks" and not c["deleted"])
        cursor = page["cursor"]
        if not page["more"]:
            return seen


@pytest.fixture(scope="module")
def every_task(deployment: Deployment) -> tuple[dict[str, Api], list[str]]:
    """Each poster's task of every audience in every state, one open to volunteers only, a saved search of anna's
    (a personal row, seen by her alone), each organisation's guidelines; "gone" made inactive. Returns (devices by username, task ids)."""
    api = {name: deployment.user(name) for name in every_username(deployment)}
    made = [
        bring_to(api, state, poster, site_id, audience)
        for poster, audience, state in itertools.product(POSTERS, Audience, STATES)
        for site_id in [api[poster].person["home_site_id"]]
    ]
    # An external task open to volunteers only (`Task.outsiders`).
    volunteers_only = uuid7()
    school = api["mette"].person["home_site_id"]
    api["mette"].apply("task.create", task_id=volunteers_only, site_id=school, title="Kun frivillige", audience="external")
    api["mette"].apply("task.set_requirements", task_id=volunteers_only, requirements={}, outsiders=["volunteer"])
    api["mette"].apply("task.publish", task_id=volunteers_only)
    made.append(volunteers_only)
    api["anna"].apply("search.save", search_id=uuid7(), name="Mine", filters={"text": "have"})
    # Each organisation's own rules of the road (issue 16), published after the bids:
    # rows every person of that organisation sees, outsiders too (feed.IN_THEIR_ORGANISATION).
    for organisation in ("org", "org-b"):
        push.apply_as_admin_tool(
            deployment.database, "guidelines.publish",
            {"audience": "outsiders", "text_da": f"Regler for {organisation}", "text_en": "Rules"}, organisation,
        )
    directory.set_active(deployment.database, "gone", False)
    return api, made


def test_the_rule_the_board_and_the_feed_agree(
    deployment: Deployment, world: World, tmp_path: Path, every_task: tuple[dict[str, Api], list[str]]
) -> None:
    api, made = every_task
    with deployment.database.read() as s:
        tasks = [s.get(Task, task_id) for task_id in made]
        people = {name: s.get(Person, a.person["id"]) for name, a in api.items()}
    assert all(t is not None for t in tasks)
    reached = {(t.status, t.published_at is not None) for t in tasks if t is not None}
    assert reached == {(state.status, state.published) for state in STATES}

    store = Store(tmp_path / "every-task.sqlite3")
    with store.transaction():
        for task in tasks:
            assert task is not None
            store.put(task)
    by_rule, on_board, in_feed = {}, {}, {}
    for name, person in people.items():
        assert person is not None
        by_rule[name] = {t.id for t in tasks if t is not None and permissions.can_see_task(person, t)}
        on_board[name] = set(board.search(store, person, board.BoardFilter()))
        delivered = pulled_tasks(api[name])
        in_feed[name] = set() if delivered is None else delivered & set(made)
        if not person.active:
            assert delivered is None  # an inactive person's device is turned away
    store.close()
    assert on_board == by_rule
    assert in_feed == by_rule
    assert by_rule["gone"] == set()
    # An admin manages every task of their own organisation, and sees another's once open to all of them.
    opened = {
        t.id for t in tasks
        if t is not None and t.published_at and t.audience in (Audience.ORGANISATIONS, Audience.EXTERNAL)
    }
    for admin, organisation in (("admin", world.org.id), ("naboadmin", "org-b")):
        assert by_rule[admin] == {t.id for t in tasks if t is not None and t.organisation_id == organisation} | opened


def test_a_cancelled_draft_reaches_nobody_but_its_managers(
    deployment: Deployment, world: World
) -> None:
    """Issue 18 item 1: a manager creates an external-audience draft and cancels it unpublished."""
    mette = deployment.user("mette")
    task_id = uuid7()
    mette.apply(
        "task.create", task_id=task_id, site_id=world.school.id, title="Hemmelig kladde", audience="external"
    )
    mette.apply("task.cancel", task_id=task_id)
    for name in every_username(deployment):
        if name == "gone":
            continue
        delivered = pulled_tasks(deployment.user(name))
        assert delivered is not None
        assert (task_id in delivered) == (name in ("mette", "admin", "ada")), name


def test_the_feeds_tail_keeps_exactly_what_the_database_keeps(
    deployment: Deployment, every_task: tuple[dict[str, Api], list[str]]
) -> None:
    """The server's in-memory tail of the feed (sync.server.feed_tail) picks every person's pages in Python.

    Every person of the world above (every role and kind, two organisations,
    an inactive one, drafts, bids, a personal row), pages of 7 and of 1,000:
    each page from the tail is byte for byte the database's (`feed.page_after`,
    the SQL `reader_filter`), with the same cursor.
    """
    db = deployment.database
    tail = feed_tail.Tail(db.dialect, start=(0, 0))
    with db.read() as s:
        people = [p for p in (s.get(Person, a.person["id"]) for a in every_task[0].values()) if p is not None]
    assert len(people) == len(every_task[0])
    served = 0
    for person, limit in itertools.product(people, (7, 1000)):
        cursor = None
        while True:
            # One reading of the feed's state for both: read twice, its bound (the oldest
            # transaction still running anywhere in the cluster) can move in between, and
            # the cursors then differ in that part alone (seen in CI on PostgreSQL).
            with db.statement() as s:
                state, after = feed.where_to_continue(s, person, cursor)
                from_database = feed.page_after(s, state, person, after, limit)
                from_tail = tail.page(s, state, person, after, limit)
            assert from_tail is not None, person.username
            assert from_tail.bodies == from_database.bodies, person.username
            assert (feed.make_cursor(state, person, from_tail.position), from_tail.more) == (
                from_database.cursor, from_database.more
            ), person.username
            served += len(from_tail.bodies)
            cursor = from_database.cursor
            if not from_database.more:
                break
    assert served > 1000
