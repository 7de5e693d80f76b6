"""Pull: a scoped change feed with tombstones, resumable pages and cursors that fail safe."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from desktop.core import skills
from desktop.core.ids import uuid7
from sync import protocol
from sync.server import feed
from tests.conftest import World
from tests.server.harness import PASSWORD, Api, Deployment, Replica, visible_state

SKILL_A, SKILL_B = (s.id for s in skills.CATALOGUE[:2])


def assert_same(replica: Replica, expected: dict[tuple[str, str], dict[str, object]]) -> None:
    """Equal, or a readable list of what is missing and what should not be there."""
    missing = sorted(set(expected) - set(replica.rows))
    extra = sorted(set(replica.rows) - set(expected))
    assert (missing, extra) == ([], []), "missing from the pull / pulled but not visible"
    differing = [k for k in expected if expected[k] != replica.rows[k]]
    assert differing == []


@dataclass
class Scenario:
    site_task: str
    org_task: str
    external_task: str
    draft: str
    other_site_task: str
    other_org_task: str
    anna_bid: str
    bo_bid: str
    carl_bid: str
    ole_bid: str


def build(server: Deployment, world: World) -> Scenario:
    """A little of everything: each audience, a draft, bids, comments, skills and an endorsement."""
    mette, carl, anna, bo, ole = (server.user(u) for u in ("mette", "carl", "anna", "bo", "ole"))
    s = Scenario(*(uuid7() for _ in range(10)))
    school, other = world.school.id, world.other_school.id
    mette.push(
        mette.op(
            "task.create",
            task_id=s.site_task,
            site_id=school,
            title="Site",
            publish=True,
            skills=[SKILL_A],
        ),
        mette.op(
            "task.create",
            task_id=s.org_task,
            site_id=school,
            title="Org",
            audience="organisation",
            publish=True,
        ),
        mette.op(
            "task.create",
            task_id=s.external_task,
            site_id=school,
            title="Ext",
            audience="external",
            publish=True,
        ),
        mette.op("task.create", task_id=s.draft, site_id=school, title="Kladde"),
    )
    carl.push(
        carl.op(
            "task.create", task_id=s.other_site_task, site_id=other, title="Bøgely", publish=True
        ),
        carl.op(
            "task.create",
            task_id=s.other_org_task,
            site_id=other,
            title="Bøgely org",
            audience="organisation",
            publish=True,
        ),
        carl.op(
            "comment.add", comment_id=uuid7(), task_id=s.other_site_task, body="Kun for Bøgely"
        ),
    )
    anna.apply("bid.place", bid_id=s.anna_bid, task_id=s.site_task, message="Mig!")
    anna.apply("comment.add", comment_id=uuid7(), task_id=s.site_task, body="Hvornår?")
    anna.apply("bid.place", bid_id=uuid7(), task_id=s.other_org_task)
    bo.apply("bid.place", bid_id=s.bo_bid, task_id=s.org_task)
    carl.apply("bid.place", bid_id=s.carl_bid, task_id=s.org_task)
    ole.apply("bid.place", bid_id=s.ole_bid, task_id=s.external_task)
    ole.apply("comment.add", comment_id=uuid7(), task_id=s.external_task, body="Jeg har en bil")
    ole.apply("profile.skill_add", person_id=world.ole.id, skill=SKILL_B)
    mette.apply("bid.accept", bid_id=s.anna_bid)
    mette.apply("task.complete", task_id=s.site_task)
    mette.apply(
        "task.endorse",
        endorsement_id=uuid7(),
        task_id=s.site_task,
        person_id=world.anna.id,
        skill=SKILL_A,
    )
    return s


@pytest.fixture(scope="module")
def scenario(server: Deployment, world: World) -> Scenario:
    return build(server, world)


@pytest.mark.parametrize("username", ["anna", "bo", "carl", "mette", "admin", "ole"])
def test_each_user_pulls_exactly_what_they_may_see(
    server: Deployment, world: World, scenario: Scenario, username: str
) -> None:
    api = server.user(username)
    replica = Replica()
    assert replica.sync(api, limit=37)
    assert_same(replica, visible_state(server.database, api.person["id"]))


def test_scoping_by_example(server: Deployment, world: World, scenario: Scenario) -> None:
    """The oracle above could share a mistake with the feed; these are spelled out by hand."""
    pulled = {}
    for username in ("carl", "ole", "bo", "mette"):
        replica = Replica()
        replica.sync(server.user(username))
        pulled[username] = replica.rows
    s = scenario

    def has(user: str, table: str, key: str) -> bool:
        return (table, key) in pulled[user]

    assert not has("carl", "tasks", s.draft) and not has("carl", "tasks", s.site_task)
    assert has("carl", "tasks", s.org_task) and has("carl", "bids", s.carl_bid)
    assert not has("carl", "bids", s.bo_bid) and not has("carl", "bids", s.anna_bid)
    assert not has("bo", "tasks", s.draft) and not has("bo", "bids", s.anna_bid)
    assert has("bo", "tasks", s.site_task) and not has("bo", "tasks", s.other_site_task)
    assert has("mette", "tasks", s.draft) and has("mette", "bids", s.bo_bid)
    assert has("mette", "bids", s.carl_bid) and not has("mette", "tasks", s.other_site_task)
    ole = pulled["ole"]
    assert has("ole", "tasks", s.external_task) and has("ole", "bids", s.ole_bid)
    assert not has("ole", "tasks", s.org_task) and not has("ole", "tasks", s.site_task)
    assert {k for (t, k) in ole if t == "people"} == {world.ole.id}
    assert {t for (t, _) in ole} <= {
        "organisations",
        "sites",
        "people",
        "person_skills",
        "tasks",
        "bids",
        "comments",
    }
    comments = [row for (t, _), row in ole.items() if t == "comments"]
    assert comments and all(c["task_id"] == s.external_task for c in comments)


def test_deletes_arrive_as_tombstones(server: Deployment, world: World) -> None:
    anna, bo = server.user("anna"), server.user("bo")
    tag = f"#tombstone {uuid7()[-6:]}"
    anna.apply("profile.skill_add", person_id=world.anna.id, skill=tag)
    watcher = Replica()
    watcher.sync(bo)
    assert ("person_skills", f"{world.anna.id}|{tag}") in watcher.rows
    anna.apply("profile.skill_remove", person_id=world.anna.id, skill=tag)
    page = bo.pull(watcher.cursor)
    tombstones = [c for c in page["changes"] if c["deleted"]]
    assert [(c["table"], c["row"]["skill"]) for c in tombstones] == [("person_skills", tag)]
    watcher.apply(page)
    assert ("person_skills", f"{world.anna.id}|{tag}") not in watcher.rows


def test_the_initial_sync_resumes_where_it_stopped(server: Deployment, world: World) -> None:
    mette = server.user("mette")
    mette.push(
        *(
            mette.op(
                "task.create",
                task_id=uuid7(),
                site_id=world.school.id,
                title=f"Opgave {n}",
                publish=True,
            )
            for n in range(40)
        )
    )
    first = server.user("anna")
    replica = Replica()
    assert replica.sync(first, limit=9, max_pages=3) is False  # stopped part-way, on purpose
    assert replica.pages == 3 and len(replica.rows) <= 27
    first.close()
    # Later, in another process: the saved cursor is all it takes to go on.
    later = Api(server.url)
    later.credential, later.token, later.person = first.credential, first.token, first.person
    pages = []
    while True:
        page = later.pull(replica.cursor, limit=9)
        pages.append(page)
        replica.apply(page)
        if not page["more"]:
            break
    assert all(len(p["changes"]) == 9 and p["more"] for p in pages[:-1])
    assert_same(replica, visible_state(server.database, world.anna.id))
    whole = Replica()
    whole.sync(later, limit=10_000)
    assert whole.pages == 1 and whole.rows == replica.rows


def test_a_pull_answer_names_its_cursor_and_more_in_headers_as_in_its_body(
    server: Deployment, world: World
) -> None:
    """The client asks for the next page from the headers before the body is decoded (sync.fetch_ahead)."""
    anna = server.user("anna")
    cursor, pages = None, 0
    while True:
        answer = anna.pull_raw(cursor, limit=3)
        assert answer.status_code == 200
        body = answer.json()
        assert answer.headers[protocol.PULL_CURSOR_HEADER] == body["cursor"]
        assert answer.headers[protocol.PULL_MORE_HEADER] == ("true" if body["more"] else "false")
        assert int(answer.headers["Content-Length"]) == len(answer.content)
        cursor, pages = body["cursor"], pages + 1
        if not body["more"]:
            break
    assert pages > 1


def test_an_entity_changed_often_travels_once(server: Deployment, world: World) -> None:
    mette = server.user("mette")
    task_id = uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="v1")
    for n in range(2, 7):
        mette.apply("task.edit", task_id=task_id, changes={"title": f"v{n}"})
    changes = []
    cursor = None
    while True:
        page = mette.pull(cursor, limit=500)
        changes += [
            c for c in page["changes"] if c["table"] == "tasks" and c["row"]["id"] == task_id
        ]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert len(changes) == 1
    assert (changes[0]["row"]["title"], changes[0]["row"]["version"]) == ("v6", 6)


def test_a_pull_from_the_cursor_brings_only_what_is_new(server: Deployment, world: World) -> None:
    anna, mette = server.user("anna"), server.user("mette")
    replica = Replica()
    replica.sync(anna)
    quiet = anna.pull(replica.cursor)
    assert quiet["changes"] == [] and quiet["more"] is False
    task_id = uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Ny", publish=True)
    page = anna.pull(replica.cursor)
    assert [(c["table"], c["row"]["id"]) for c in page["changes"]] == [("tasks", task_id)]
    assert page["cursor"] != replica.cursor


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "x.y",
        ".5",
        "{epoch}.-1",
        "{epoch}.999999999999",
        "{epoch}.1e3",
        "000000000000.1",
        "{epoch}.\u0661",
        "{epoch}.1\x00",
    ],
)
def test_a_cursor_the_server_does_not_know_means_resync(server: Deployment, cursor: str) -> None:
    with server.database.read() as s:
        epoch = feed.epoch(s)
    answer = server.user("bo").pull_raw(cursor.replace("{epoch}", epoch))
    assert answer.status_code == 410
    assert answer.json()["error"]["code"] == "resync"


def test_lost_history_means_resync(fresh_server: Deployment, world: World) -> None:
    """Pruned tombstones and a new epoch (say, after a restore) send devices back to the start."""
    server = fresh_server
    anna, bo = server.user("anna"), server.user("bo")
    early = Replica()
    early.sync(bo)
    anna.apply("profile.skill_add", person_id=world.anna.id, skill=SKILL_B)
    anna.apply("profile.skill_remove", person_id=world.anna.id, skill=SKILL_B)
    late = Replica()
    late.sync(bo)
    with server.database.write() as s:
        assert feed.prune_tombstones(s, before="9999") == 1
    gone = bo.pull_raw(early.cursor)
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "resync"
    assert bo.pull(late.cursor)["changes"] == []  # a device past the tombstones goes on
    with server.database.write() as s:
        feed.start_new_epoch(s, "0123456789ab")
    assert bo.pull_raw(late.cursor).status_code == 410
    fresh = Replica()
    fresh.sync(bo)
    assert_same(fresh, visible_state(server.database, world.bo.id))


def test_a_person_who_moves_site_resyncs_and_then_sees_the_new_site(
    server: Deployment, world: World
) -> None:
    from sync.server import directory

    username = f"flyt{uuid7()[-8:]}"
    directory.add_person(
        server.database, directory.NewPerson(username, "Flytter", world.school.id), PASSWORD
    )
    carl = server.user("carl")
    other_task = uuid7()
    carl.apply(
        "task.create",
        task_id=other_task,
        site_id=world.other_school.id,
        title="Bøgely",
        publish=True,
    )
    mover = server.user(username)
    before = Replica()
    before.sync(mover)
    assert ("tasks", other_task) not in before.rows
    with server.database.write() as s:
        directory.put_person(s, directory.NewPerson(username, "Flytter", world.other_school.id))
    answer = mover.pull_raw(before.cursor)
    assert answer.status_code == 410 and answer.json()["error"]["code"] == "resync"
    after = Replica()
    after.sync(mover)
    assert ("tasks", other_task) in after.rows
    assert_same(after, visible_state(server.database, mover.person["id"]))


def test_a_cursor_is_no_good_to_another_user(server: Deployment) -> None:
    anna, bo = server.user("anna"), server.user("bo")
    replica = Replica()
    replica.sync(anna)
    assert bo.pull_raw(replica.cursor).status_code == 410
