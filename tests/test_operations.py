"""The operation rules, each allowed and refused, run against a real SQLite store."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.core import operations
from desktop.core.entities import (
    Audience,
    Bid,
    BidStatus,
    Endorsement,
    Evidence,
    Person,
    PersonSkill,
    Task,
    TaskStatus,
)
from desktop.core.rejection import REASONS, Code, Rejection
from desktop.store import Store
from tests.conftest import World

SKILL = "events.planning"


def do(store: Store, actor: Person, kind: str, **payload: Any) -> operations.Outcome:
    return store.perform(kind, payload, actor, "device-1")


def refused(store: Store, actor: Person, kind: str, **payload: Any) -> Rejection:
    with pytest.raises(Rejection) as caught:
        do(store, actor, kind, **payload)
    return caught.value


def put(store: Store, *entities: Any) -> None:
    with store.transaction():
        for entity in entities:
            store.put(entity)


def task(store: Store, world: World, **fields: Any) -> Task:
    t = world.task(**fields)
    put(store, t)
    return t


def test_every_operation_is_registered() -> None:
    assert set(operations.OPERATIONS) == {
        "task.create",
        "task.edit",
        "task.publish",
        "task.cancel",
        "task.complete",
        "task.endorse",
        "bid.place",
        "bid.edit",
        "bid.withdraw",
        "bid.accept",
        "bid.decline",
        "comment.add",
        "profile.skill_add",
        "profile.skill_remove",
        "notice.read",
        "settings.set",
        "search.save",
        "search.delete",
        "profile.skill_privacy",
        "task.invite",
        "person.deactivate",
        "person.erase",
        "guidelines.publish",
        "guidelines.accept",
        "bid.lend",
        "task.confirm_hours",
        "credential.verify",
        "task.set_requirements",
        "task.widen_audience",
        "member.invite",
        "member.approve_invitation",
        "member.revoke_invitation",
        "member.accept",
    }


def test_every_reason_reads_in_both_languages() -> None:
    for reason, meaning in REASONS.items():
        assert isinstance(meaning.code, Code)
        words = Rejection(reason).sentence().both()
        assert words["da"] and words["en"] and words["da"] != words["en"], reason


# --- tasks -------------------------------------------------------------------


def test_staff_posts_a_draft_for_own_site(store: Store, world: World) -> None:
    outcome = do(
        store,
        world.anna,
        "task.create",
        task_id="t-new",
        site_id=world.school.id,
        title="Læs højt for børnene i børnehaven",
        skills=[SKILL],
        seats=2,
        audience="organisation",
    )
    saved = store.get(Task, "t-new")
    assert saved is not None
    assert saved.status == TaskStatus.DRAFT
    assert saved.poster_id == world.anna.id
    assert saved.seats == 2 and saved.skills == [SKILL]
    assert outcome.tables() == {"tasks"}
    assert store.pending_count() == 1


def test_publish_on_create_opens_the_task(store: Store, world: World) -> None:
    do(store, world.anna, "task.create", task_id="t", site_id=world.school.id, title="x", publish=True)
    assert store.get(Task, "t").status == TaskStatus.OPEN  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("who", "payload", "reason"),
    [
        ("ole", {"site_id": "s-school"}, "task.external_cannot_post"),
        ("anna", {"site_id": "s-other"}, "task.wrong_site"),
        ("anna", {"site_id": "s-nowhere"}, "site.unknown"),
        ("anna", {"site_id": "s-school", "title": "  "}, "field.required"),
        # Draws nothing though str.strip() keeps it: zero-width space, braille blank, Hangul filler.
        ("anna", {"site_id": "s-school", "title": "\u200b\u2800\u3164\u2060"}, "field.required"),
        ("anna", {"site_id": "s-school", "title": "x" * 201}, "field.too_long"),
        ("anna", {"site_id": "s-school", "seats": 0}, "field.out_of_range"),
        ("anna", {"site_id": "s-school", "seats": "two"}, "field.bad_type"),
        ("anna", {"site_id": "s-school", "audience": "everyone"}, "field.bad_choice"),
        ("anna", {"site_id": "s-school", "starts_on": "1. maj"}, "field.bad_date"),
        (
            "anna",
            {"site_id": "s-school", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
            "dates.order",
        ),
        ("anna", {"site_id": "s-school", "skills": ["no.such.skill"]}, "skill.unknown"),
        ("anna", {"site_id": "s-school", "colour": "red"}, "field.unknown"),
    ],
)
def test_task_create_refusals(
    store: Store, world: World, who: str, payload: dict[str, Any], reason: str
) -> None:
    values = {"task_id": "t", "title": "Maling af hegn", **payload}
    rejection = refused(store, getattr(world, who), "task.create", **values)
    assert rejection.reason == reason
    assert store.get(Task, "t") is None
    assert store.pending_count() == 0


def test_create_twice_is_a_conflict(store: Store, world: World) -> None:
    task(store, world)
    rejection = refused(store, world.mette, "task.create", task_id="task-1", site_id="s-school", title="x")
    assert rejection.reason == "task.exists" and rejection.code == Code.CONFLICT


def test_edits_to_different_fields_merge(store: Store, world: World) -> None:
    task(store, world, place="Gymnastiksalen")
    # Someone else changed the place; Mette edits the title having seen the old place.
    do(
        store,
        world.mette,
        "task.edit",
        task_id="task-1",
        changes={"title": "Sommerfest med grill"},
        base={"title": "Sommerfest på plejehjemmet"},
    )
    edited = store.get(Task, "task-1")
    assert edited is not None
    assert edited.title == "Sommerfest med grill" and edited.place == "Gymnastiksalen"
    assert edited.version == 2 and edited.updated_by == world.mette.id


def test_edits_to_the_same_field_conflict_and_name_who(store: Store, world: World) -> None:
    task(store, world, title="Ny titel", updated_by=world.bo.id, updated_at="2026-06-02T14:02:00Z")
    rejection = refused(
        store,
        world.mette,
        "task.edit",
        task_id="task-1",
        changes={"title": "Min titel"},
        base={"title": "Sommerfest på plejehjemmet"},
    )
    assert rejection.reason == "task.field_conflict"
    assert "Bo Nielsen" in rejection.message("da") and "14:02" in rejection.message("da")
    assert "Titel" in rejection.message("da") and "Title" in rejection.message("en")


def test_same_value_from_both_sides_is_no_conflict(store: Store, world: World) -> None:
    task(store, world, title="Begge vil have denne")
    do(
        store,
        world.mette,
        "task.edit",
        task_id="task-1",
        changes={"title": "Begge vil have denne"},
        base={"title": "Sommerfest på plejehjemmet"},
    )


def test_edit_refusals(store: Store, world: World) -> None:
    task(store, world, accepted_count=2, seats=3, status=TaskStatus.OPEN)
    assert refused(store, world.anna, "task.edit", task_id="task-1", changes={"title": "x"}).reason == (
        "task.not_manager"
    )
    assert refused(store, world.mette, "task.edit", task_id="task-1", changes={"seats": 1}).reason == (
        "task.seats_below_accepted"
    )
    assert refused(
        store, world.mette, "task.edit", task_id="task-1", changes={"audience": "external"}
    ).reason == ("task.audience_locked")
    assert refused(store, world.mette, "task.edit", task_id="task-1", changes={"poster_id": "x"}).reason == (
        "field.unknown"
    )
    assert refused(store, world.mette, "task.edit", task_id="nope", changes={}).reason == "task.unknown"


def test_audience_changes_while_draft(store: Store, world: World) -> None:
    task(store, world, status=TaskStatus.DRAFT)
    do(store, world.mette, "task.edit", task_id="task-1", changes={"audience": "external"})
    assert store.get(Task, "task-1").audience == Audience.EXTERNAL  # type: ignore[union-attr]


def test_raising_seats_reopens_an_assigned_task(store: Store, world: World) -> None:
    task(store, world, status=TaskStatus.ASSIGNED, seats=1, accepted_count=1)
    do(store, world.mette, "task.edit", task_id="task-1", changes={"seats": 2})
    assert store.get(Task, "task-1").status == TaskStatus.OPEN  # type: ignore[union-attr]


def test_publish_only_drafts(store: Store, world: World) -> None:
    task(store, world, status=TaskStatus.DRAFT)
    do(store, world.mette, "task.publish", task_id="task-1")
    assert store.get(Task, "task-1").status == TaskStatus.OPEN  # type: ignore[union-attr]
    rejection = refused(store, world.mette, "task.publish", task_id="task-1")
    assert rejection.reason == "task.bad_status" and "åben" in rejection.message("da")


def test_cancel_declines_pending_bids(store: Store, world: World) -> None:
    task(store, world)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    do(store, world.mette, "task.cancel", task_id="task-1", message="Aflyst pga. regn")
    assert store.get(Task, "task-1").status == TaskStatus.CANCELLED  # type: ignore[union-attr]
    bid = store.get(Bid, "b1")
    assert bid is not None and bid.status == BidStatus.DECLINED and bid.decision_message == "Aflyst pga. regn"
    assert store.get(Task, "task-1").bid_count == 0  # type: ignore[union-attr]
    assert refused(store, world.mette, "task.cancel", task_id="task-1").reason == "task.bad_status"


def test_complete_needs_an_accepted_bid(store: Store, world: World) -> None:
    task(store, world)
    assert refused(store, world.mette, "task.complete", task_id="task-1").reason == "task.nothing_accepted"
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    do(store, world.mette, "bid.accept", bid_id="b1")
    do(store, world.mette, "task.complete", task_id="task-1")
    assert store.get(Task, "task-1").status == TaskStatus.DONE  # type: ignore[union-attr]
    assert refused(store, world.anna, "task.complete", task_id="task-1").reason == "task.not_manager"


# --- bids --------------------------------------------------------------------


def test_place_a_bid_counts_it(store: Store, world: World) -> None:
    task(store, world)
    outcome = do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1", message="Jeg griller gerne", hours=3)
    bid = store.get(Bid, "b1")
    assert bid is not None and bid.status == BidStatus.PENDING and bid.hours == 3.0
    assert store.get(Task, "task-1").bid_count == 1  # type: ignore[union-attr]
    assert outcome.tables() == {"bids", "tasks"}


@pytest.mark.parametrize(
    ("fields", "who", "reason"),
    [
        ({}, "mette", "bid.own_task"),
        ({"status": TaskStatus.CANCELLED}, "anna", "bid.task_not_open"),
        ({"status": TaskStatus.DRAFT}, "anna", "task.not_visible"),
        ({"audience": Audience.SITE}, "carl", "task.not_visible"),
        ({"audience": Audience.ORGANISATION}, "ole", "task.not_visible"),
        ({"bid_deadline": "2000-01-01"}, "anna", "bid.deadline_passed"),
    ],
)
def test_bid_refusals(store: Store, world: World, fields: dict[str, Any], who: str, reason: str) -> None:
    task(store, world, **fields)
    rejection = refused(store, getattr(world, who), "bid.place", bid_id="b1", task_id="task-1")
    assert rejection.reason == reason
    assert store.get(Bid, "b1") is None


def test_audiences_let_the_right_people_bid(store: Store, world: World) -> None:
    task(store, world, id="org", audience=Audience.ORGANISATION)
    task(store, world, id="ext", audience=Audience.EXTERNAL)
    do(store, world.carl, "bid.place", bid_id="b1", task_id="org")
    do(store, world.ole, "bid.place", bid_id="b2", task_id="ext")
    assert store.get(Bid, "b1") is not None and store.get(Bid, "b2") is not None


def test_bidding_twice_is_refused_but_again_after_withdrawing(store: Store, world: World) -> None:
    task(store, world)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    assert refused(store, world.anna, "bid.place", bid_id="b2", task_id="task-1").reason == "bid.twice"
    do(store, world.anna, "bid.withdraw", bid_id="b1")
    do(store, world.anna, "bid.place", bid_id="b2", task_id="task-1")
    assert store.get(Task, "task-1").bid_count == 1  # type: ignore[union-attr]


def test_edit_and_withdraw_only_own_bid(store: Store, world: World) -> None:
    task(store, world)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    do(store, world.anna, "bid.edit", bid_id="b1", message="Kan også om aftenen", hours=2)
    bid = store.get(Bid, "b1")
    assert bid is not None and bid.message == "Kan også om aftenen" and bid.version == 2
    assert refused(store, world.bo, "bid.edit", bid_id="b1", message="hack").reason == "bid.not_own"
    assert refused(store, world.bo, "bid.withdraw", bid_id="b1").reason == "bid.not_own"
    do(store, world.anna, "bid.withdraw", bid_id="b1")
    assert refused(store, world.anna, "bid.edit", bid_id="b1", message="x").reason == "bid.bad_status"
    assert refused(store, world.anna, "bid.withdraw", bid_id="b1").reason == "bid.bad_status"


def test_accept_fills_seats_then_refuses_naming_who(store: Store, world: World) -> None:
    task(store, world, seats=1)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    do(store, world.bo, "bid.place", bid_id="b2", task_id="task-1")
    do(store, world.mette, "bid.accept", bid_id="b1", message="Tak!")
    t = store.get(Task, "task-1")
    assert t is not None and t.status == TaskStatus.ASSIGNED and t.accepted_count == 1
    rejection = refused(store, world.mette, "bid.accept", bid_id="b2")
    # The task is assigned, so accepting is refused because seats are full.
    assert rejection.reason == "bid.seats_full"
    assert "Mette Larsen" in rejection.message("da")
    assert rejection.message("en").startswith("The only seat is taken")  # one seat: singular
    again = refused(store, world.mette, "bid.accept", bid_id="b1")
    assert again.reason == "bid.already_decided" and "accepteret" in again.message("da")


def test_accept_on_cancelled_task_is_refused(store: Store, world: World) -> None:
    task(store, world, status=TaskStatus.CANCELLED)
    put(store, Bid(id="b1", task_id="task-1", bidder_id=world.anna.id, version=1))
    rejection = refused(store, world.mette, "bid.accept", bid_id="b1")
    assert rejection.reason == "task.bad_status" and "aflyst" in rejection.message("da")


def test_only_managers_decide(store: Store, world: World) -> None:
    task(store, world)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    assert refused(store, world.bo, "bid.accept", bid_id="b1").reason == "task.not_manager"
    assert refused(store, world.carl, "bid.decline", bid_id="b1").reason == "task.not_manager"
    do(store, world.admin, "bid.decline", bid_id="b1", message="Vi har fundet en anden")
    bid = store.get(Bid, "b1")
    assert bid is not None and bid.status == BidStatus.DECLINED and bid.decided_by == world.admin.id
    # The bid count is of bids still in play, as on the board.
    assert store.get(Task, "task-1").bid_count == 0  # type: ignore[union-attr]


def test_withdrawing_an_accepted_bid_reopens_the_seat(store: Store, world: World) -> None:
    task(store, world, seats=1)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    do(store, world.mette, "bid.accept", bid_id="b1")
    do(store, world.anna, "bid.withdraw", bid_id="b1")
    t = store.get(Task, "task-1")
    assert t is not None and t.status == TaskStatus.OPEN and t.accepted_count == 0


def test_unknown_bid_is_gone(store: Store, world: World) -> None:
    assert refused(store, world.mette, "bid.accept", bid_id="nope").code == Code.GONE


# --- comments, skills, endorsements --------------------------------------------


def test_comments_on_visible_open_tasks(store: Store, world: World) -> None:
    task(store, world)
    do(store, world.anna, "comment.add", comment_id="c1", task_id="task-1", body="  Hvornår starter vi?  ")
    rows = store.rows("SELECT body, author_id FROM comments")
    assert rows == [{"body": "Hvornår starter vi?", "author_id": "anna"}]
    assert refused(store, world.anna, "comment.add", comment_id="c2", task_id="task-1", body=" ").reason == (
        "field.required"
    )
    assert refused(store, world.carl, "comment.add", comment_id="c3", task_id="task-1", body="hej").reason == (
        "task.not_visible"
    )
    assert refused(store, world.anna, "comment.add", comment_id="c1", task_id="task-1", body="igen").reason == (
        "operation.id_reused"
    )


def test_skills_add_and_remove_own_profile(store: Store, world: World) -> None:
    do(store, world.anna, "profile.skill_add", person_id="anna", skill=SKILL)
    do(store, world.anna, "profile.skill_add", person_id="anna", skill="#Tegnsprog  for børn")
    skills = {s["skill"]: s["evidence"] for s in store.rows("SELECT skill, evidence FROM person_skills")}
    assert skills == {SKILL: Evidence.SELF_DECLARED, "#tegnsprog for børn": Evidence.SELF_DECLARED}
    assert refused(store, world.anna, "profile.skill_add", person_id="anna", skill=SKILL).reason == "skill.has"
    assert refused(store, world.anna, "profile.skill_add", person_id="anna", skill="nope").reason == (
        "skill.unknown"
    )
    assert refused(store, world.bo, "profile.skill_add", person_id="anna", skill=SKILL).reason == (
        "profile.not_own"
    )
    outcome = do(store, world.anna, "profile.skill_remove", person_id="anna", skill=SKILL)
    assert outcome.changes[0].deleted
    assert refused(store, world.anna, "profile.skill_remove", person_id="anna", skill=SKILL).reason == (
        "skill.missing"
    )


def test_endorsing_a_finished_task_is_evidence(store: Store, world: World) -> None:
    task(store, world)
    do(store, world.anna, "profile.skill_add", person_id="anna", skill=SKILL)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    do(store, world.bo, "bid.place", bid_id="b2", task_id="task-1")
    do(store, world.mette, "bid.accept", bid_id="b1")
    endorse = {"task_id": "task-1", "person_id": "anna", "skill": SKILL}
    assert refused(store, world.mette, "task.endorse", endorsement_id="e0", **endorse).reason == (
        "task.bad_status"
    )
    do(store, world.mette, "task.complete", task_id="task-1")
    assert store.get(Bid, "b2").status == BidStatus.DECLINED  # type: ignore[union-attr]
    assert store.get(Task, "task-1").bid_count == 1  # type: ignore[union-attr]
    do(store, world.mette, "task.endorse", endorsement_id="e1", **endorse)
    held = store.get(PersonSkill, "anna", SKILL)
    assert held is not None and held.evidence == Evidence.TASK
    assert held.task_id == "task-1" and held.confirmed_by == world.mette.id
    assert store.get(Endorsement, "e1") is not None
    assert refused(store, world.mette, "task.endorse", endorsement_id="e2", **endorse).reason == "endorse.twice"
    bo = {**endorse, "person_id": "bo"}
    assert refused(store, world.mette, "task.endorse", endorsement_id="e3", **bo).reason == "endorse.not_worker"
    assert refused(store, world.anna, "task.endorse", endorsement_id="e4", **endorse).reason == "task.not_manager"


def finished_task(store: Store, world: World, task_id: str, manager: Person, worker: Person) -> None:
    """A done task at the manager's site with `worker`'s bid accepted."""
    task(store, world, id=task_id, site_id=manager.home_site_id, poster_id=manager.id)
    do(store, worker, "bid.place", bid_id=f"bid-{task_id}", task_id=task_id)
    do(store, manager, "bid.accept", bid_id=f"bid-{task_id}")
    do(store, manager, "task.complete", task_id=task_id)


def test_an_endorsement_id_in_use_is_refused_and_its_evidence_kept(
    store: Store, world: World
) -> None:
    """Issue 18 item 2: site A's manager reuses the id of site B's endorsement for someone else."""
    mads = Person(
        id="mads", name="Mads Madsen", username="mads", home_site_id=world.other_school.id,
        role="site_manager", version=1,
    )
    put(store, mads)
    finished_task(store, world, "task-b", mads, world.carl)
    do(store, mads, "task.endorse", endorsement_id="e-b", task_id="task-b", person_id="carl", skill="it.support")
    carls = store.get(Endorsement, "e-b"), store.get(PersonSkill, "carl", "it.support")
    finished_task(store, world, "task-a", world.mette, world.anna)
    rejection = refused(
        store, world.mette, "task.endorse",
        endorsement_id="e-b", task_id="task-a", person_id="anna", skill=SKILL,
    )
    assert (rejection.reason, rejection.code) == ("endorse.exists", Code.CONFLICT)
    assert (store.get(Endorsement, "e-b"), store.get(PersonSkill, "carl", "it.support")) == carls
    assert store.get(PersonSkill, "anna", SKILL) is None  # nothing of the refused one stays


# Every operation that makes an entity under a client-made id, and the payload
# that would make it again under an id `existing` already holds.
_CREATING: dict[str, tuple[str, str]] = {
    "task.create": ("task_id", "task.exists"),
    "bid.place": ("bid_id", "bid.exists"),
    "comment.add": ("comment_id", "operation.id_reused"),
    "task.endorse": ("endorsement_id", "endorse.exists"),
    "member.invite": ("invitation_id", "invitation.exists"),
}


# Operations that change or remove what exists, or key it by something that is not a client-made id.
_NOT_CREATING = {
    "task.edit", "task.publish", "task.cancel", "task.complete",
    "bid.edit", "bid.withdraw", "bid.accept", "bid.decline",
    "profile.skill_add", "profile.skill_remove", "profile.skill_privacy",
    "task.invite",  # keyed by (task, person); a second invitation is refused (invite.twice)
    "bid.lend", "task.confirm_hours",  # decide on / write hours of bids that exist
    "notice.read", "settings.set",  # keyed by the actor: a person's own rows
    # Saves the actor's own search again under its id; another person's id is
    # refused (search.not_own), so nobody's search can be rewritten.
    "search.save", "search.delete",
    "person.deactivate", "person.erase",  # change an existing person (admins only)
    "guidelines.publish", "guidelines.accept",  # keyed by audience / (actor, audience)
    "credential.verify",  # keyed by (person, credential): verifying again renews it
    "task.set_requirements", "task.widen_audience",  # one row per task / the task itself
    "member.approve_invitation", "member.revoke_invitation",
    # The person's id is chosen by the server, never by a client (sync.server.invitations).
    "member.accept",
}


def test_every_operation_is_known_to_create_or_not() -> None:
    """A new operation must be placed in one list, and a creating one is then tested below."""
    assert set(operations.OPERATIONS) == set(_CREATING) | _NOT_CREATING
    assert not set(_CREATING) & _NOT_CREATING


@pytest.mark.parametrize("kind", sorted(_CREATING))
@pytest.mark.parametrize("taken_by", ["task", "bid", "comment", "endorsement", "invitation"])
def test_every_creating_operation_refuses_an_id_in_use(
    store: Store, world: World, kind: str, taken_by: str
) -> None:
    """Ids of another kind of entity do not collide; an id of the same kind is refused."""
    finished_task(store, world, "done", world.mette, world.anna)
    task(store, world, id="open")
    do(store, world.bo, "comment.add", comment_id="c-1", task_id="open", body="Hej")
    do(store, world.mette, "task.endorse", endorsement_id="e-1", task_id="done", person_id="anna", skill=SKILL)
    invite = {"email": "a@b.dk", "person_kind": "volunteer", "site_id": world.school.id, "code": "ABCD-EFGH-JKMN-PQRS"}
    do(store, world.mette, "member.invite", invitation_id="i-1", **invite)
    taken = {"task": "open", "bid": "bid-done", "comment": "c-1", "endorsement": "e-1", "invitation": "i-1"}[taken_by]
    payload: dict[str, Any] = {
        "task.create": {"site_id": world.school.id, "title": "Ny"},
        "bid.place": {"task_id": "open"},
        "comment.add": {"task_id": "open", "body": "Igen"},
        "task.endorse": {"task_id": "done", "person_id": "anna", "skill": "it.support"},
        "member.invite": invite,
    }[kind]
    id_field, reason = _CREATING[kind]
    actor = world.mette if kind in ("task.create", "task.endorse", "member.invite") else world.anna
    same_kind = {
        "task.create": "task", "bid.place": "bid", "comment.add": "comment", "member.invite": "invitation"
    }.get(kind, "endorsement")
    if same_kind == taken_by:
        assert refused(store, actor, kind, **{id_field: taken}, **payload).reason == reason
    else:
        do(store, actor, kind, **{id_field: taken}, **payload)


def test_a_rule_that_keeps_a_version_is_caught(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorder refuses a write that leaves the version where it was, and nothing stays."""

    def rewrite_in_place(ctx: operations.Context, records: operations.Records, p: dict[str, Any]) -> str:
        found = records.get(Task, p["task_id"])
        assert found is not None
        records.put(found.replace(title="Omskrevet"))
        return found.id

    schema = {"task_id": operations.Field("id", required=True)}
    monkeypatch.setitem(operations.OPERATIONS, "test.rewrite", operations.Operation("test.rewrite", schema, rewrite_in_place))
    task(store, world)
    with pytest.raises(operations.VersionDidNotMove):
        do(store, world.mette, "test.rewrite", task_id="task-1")
    assert store.get(Task, "task-1").title == world.task().title  # type: ignore[union-attr]


def test_unknown_operation_and_bad_payload(store: Store, world: World) -> None:
    with pytest.raises(Rejection) as caught:
        store.perform("task.delete_everything", {}, world.admin, None)
    assert caught.value.reason == "operation.unknown"
    with pytest.raises(Rejection) as caught:
        store.perform("bid.place", ["not", "a", "dict"], world.anna, None)  # type: ignore[arg-type]
    assert caught.value.reason == "field.bad_type"


def test_a_rule_refusing_after_a_write_leaves_nothing(store: Store, world: World) -> None:
    """The transaction around perform() rolls back partial writes of a refused rule."""
    task(store, world, status=TaskStatus.DONE)
    before = store.rows("SELECT * FROM tasks")
    refused(store, world.mette, "task.cancel", task_id="task-1")
    assert store.rows("SELECT * FROM tasks") == before
    assert store.pending_count() == 0


def test_server_clock_judges_deadlines(world: World, store: Store) -> None:
    """Context.now decides; the same bid passes or fails by the applying machine's clock."""
    task(store, world, bid_deadline="2026-06-10")
    payload = {"bid_id": "b1", "task_id": "task-1"}
    late = operations.Context(world.anna, None, "2026-06-11T09:00:00.000Z")
    with pytest.raises(Rejection) as caught, store.transaction():
        operations.apply("bid.place", payload, late, store)
    assert caught.value.reason == "bid.deadline_passed"
    on_time = operations.Context(world.anna, None, "2026-06-10T23:00:00.000Z")
    with store.transaction():
        operations.apply("bid.place", payload, on_time, store)
    assert store.get(Bid, "b1") is not None


def test_null_clears_only_what_may_be_empty(store: Store, world: World) -> None:
    task(store, world, starts_on="2026-06-01")
    assert refused(store, world.mette, "task.edit", task_id="task-1", changes={"title": None}).reason == (
        "field.required"
    )
    do(store, world.mette, "task.edit", task_id="task-1", changes={"starts_on": None})
    assert store.get(Task, "task-1").starts_on is None  # type: ignore[union-attr]


def test_every_value_is_stored_in_one_spelling(store: Store, world: World) -> None:
    """Issue 18 item 4: other ISO spellings of a date, and text in NFD, come out canonical."""
    from desktop import board

    do(
        store, world.mette, "task.create", task_id="compact", site_id=world.school.id,
        title="Cafe\u0301 i skolen", skills=["#cafe\u0301"], starts_on="20240101", ends_on="2024-W01-3",
        bid_deadline="20231231", publish=True,
    )
    do(
        store, world.mette, "task.create", task_id="plain", site_id=world.school.id,
        title="Oprydning", starts_on="2023-12-15", bid_deadline="2023-12-20", publish=True,
    )
    stored = store.get(Task, "compact")
    assert stored is not None
    assert (stored.starts_on, stored.ends_on, stored.bid_deadline) == ("2024-01-01", "2024-01-03", "2023-12-31")
    assert stored.title == "Café i skolen" and stored.skills == ["#café"]
    do(store, world.mette, "task.edit", task_id="plain", changes={"ends_on": "2024W011"})
    assert store.get(Task, "plain").ends_on == "2024-01-01"  # type: ignore[union-attr]
    # The board compares dates as text: only the canonical spelling sorts and filters rightly.
    soonest = board.search(store, world.mette, board.BoardFilter())
    assert soonest.index("plain") < soonest.index("compact")
    january = board.BoardFilter(date_from="2024-01-02")
    assert "compact" in board.search(store, world.mette, january)
    assert "plain" not in board.search(store, world.mette, january)
    assert board.search(store, world.mette, board.BoardFilter(text="café")) == ["compact"]
    for wrong in ("2024-13-01", "01-01-2024", "2024/01/01", "2024-01-01T10:00"):
        reason = refused(
            store, world.mette, "task.create", task_id="bad", site_id=world.school.id, title="x", starts_on=wrong
        ).reason
        assert reason == "field.bad_date", wrong


# --- competence discovery -----------------------------------------------------


def test_a_skill_can_be_made_private_and_public_again(store: Store, world: World) -> None:
    do(store, world.anna, "profile.skill_add", person_id="anna", skill=SKILL)
    do(store, world.anna, "profile.skill_privacy", person_id="anna", skill=SKILL, private=True)
    held = store.get(PersonSkill, "anna", SKILL)
    assert held is not None and held.private and held.version == 2
    do(store, world.anna, "profile.skill_privacy", person_id="anna", skill=SKILL, private=False)
    assert store.get(PersonSkill, "anna", SKILL).private is False  # type: ignore[union-attr]
    assert refused(
        store, world.bo, "profile.skill_privacy", person_id="anna", skill=SKILL, private=True
    ).reason == "profile.not_own"
    assert refused(
        store, world.anna, "profile.skill_privacy", person_id="anna", skill="care.dementia", private=True
    ).reason == "skill.missing"


def test_a_manager_invites_someone_to_bid_once(store: Store, world: World) -> None:
    from desktop.core.entities import Invitation

    task(store, world, audience=Audience.ORGANISATION)
    do(store, world.mette, "task.invite", task_id="task-1", person_id="carl", message="Kom og byd!")
    invitation = store.get(Invitation, "task-1", "carl")
    assert invitation is not None and invitation.invited_by == "mette" and invitation.message == "Kom og byd!"
    assert refused(store, world.mette, "task.invite", task_id="task-1", person_id="carl").reason == "invite.twice"
    assert refused(store, world.anna, "task.invite", task_id="task-1", person_id="bo").reason == "task.not_manager"
    # ole is external and cannot see an organisation task; mette posted it herself.
    assert refused(store, world.mette, "task.invite", task_id="task-1", person_id="ole").reason == "invite.cannot_bid"
    assert refused(store, world.mette, "task.invite", task_id="task-1", person_id="mette").reason == "invite.cannot_bid"


def test_an_endorsement_keeps_a_skill_private(store: Store, world: World) -> None:
    done = task(store, world, status=TaskStatus.DONE, accepted_count=1)
    put(store, Bid(id="bid-1", task_id=done.id, bidder_id="anna", status=BidStatus.ACCEPTED, version=2))
    do(store, world.anna, "profile.skill_add", person_id="anna", skill=SKILL)
    do(store, world.anna, "profile.skill_privacy", person_id="anna", skill=SKILL, private=True)
    do(store, world.mette, "task.endorse", endorsement_id="e-1", task_id=done.id, person_id="anna", skill=SKILL)
    held = store.get(PersonSkill, "anna", SKILL)
    assert held is not None and held.private and held.evidence == Evidence.TASK


def test_the_first_bid_waits_for_the_bidding_guidelines_on_the_local_store_too(store: Store, world: World) -> None:
    from desktop.core.entities import Guideline

    task(store, world, id="t-g")
    with store.transaction():
        store.put(Guideline("bidding", 2, "Vær venlig", "Be kind", organisation_id=world.org.id))
    with pytest.raises(Rejection) as refused:
        store.perform("bid.place", {"bid_id": "b-g", "task_id": "t-g"}, world.anna, "device")
    assert refused.value.reason == "guidelines.not_accepted"
    with pytest.raises(Rejection) as stale:
        store.perform("guidelines.accept", {"audience": "bidding", "version": 1}, world.anna, "device")
    assert stale.value.reason == "guidelines.changed"
    store.perform("guidelines.accept", {"audience": "bidding", "version": 2}, world.anna, "device")
    store.perform("bid.place", {"bid_id": "b-g", "task_id": "t-g"}, world.anna, "device")


def test_each_organisation_publishes_and_asks_for_its_own_guidelines(store: Store, world: World) -> None:
    """Guidelines are keyed by (organisation, audience): a neighbour's set asks nothing of Anna,
    an admin publishes for their own organisation, and accepting names Anna's own set."""
    from desktop.core.entities import Guideline

    task(store, world, id="t-n")
    neighbour_admin = world.admin.replace(id="nadmin", username="nadmin", organisation_id="org-b")
    with store.transaction():
        store.put(Guideline("bidding", 3, "Naboens regler", "The neighbour's rules", organisation_id="org-b"))
    store.perform("bid.place", {"bid_id": "b-n1", "task_id": "t-n"}, world.anna, "device")  # not hers to accept

    store.perform("guidelines.publish", {"audience": "bidding", "text_da": "Egne", "text_en": "Own"}, world.admin, "d")
    store.perform(
        "guidelines.publish", {"audience": "bidding", "text_da": "Nye", "text_en": "New"}, neighbour_admin, "d"
    )
    own = store.get(Guideline, world.org.id, "bidding")
    theirs = store.get(Guideline, "org-b", "bidding")
    assert own is not None and (own.version, own.text_da) == (1, "Egne")
    assert theirs is not None and (theirs.version, theirs.text_da) == (4, "Nye")
    task(store, world, id="t-n2")
    with pytest.raises(Rejection) as refused:
        store.perform("bid.place", {"bid_id": "b-n2", "task_id": "t-n2"}, world.anna, "device")
    assert refused.value.reason == "guidelines.not_accepted"
    with pytest.raises(Rejection) as other:
        store.perform("guidelines.accept", {"audience": "bidding", "version": 4}, world.anna, "device")
    assert other.value.reason == "guidelines.changed"  # the neighbour's version is not hers
    store.perform("guidelines.accept", {"audience": "bidding", "version": 1}, world.anna, "device")
    store.perform("bid.place", {"bid_id": "b-n2", "task_id": "t-n2"}, world.anna, "device")
