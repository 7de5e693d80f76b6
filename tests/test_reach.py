"""Reach (issue 14): credentials and eligibility, audiences, member invitations.

Each rule allowed and refused, on a real SQLite store, through the same
`operations.apply` the server runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from desktop.core import operations
from desktop.core.eligibility import BENEFIT, BENEFIT_WARNING
from desktop.core.entities import (
    Audience,
    Bid,
    Company,
    HeldCredential,
    InvitationStatus,
    MemberInvitation,
    Organisation,
    Person,
    PersonKind,
    Role,
    Task,
    TaskRequirements,
    company_id_for,
)
from desktop.core.rejection import Rejection
from desktop.store import Store
from tests.conftest import World
from tests.test_operations import do, put, refused, task

CODE = "ABCD-EFGH-JKMN-PQRS"
NOW = "2026-06-10T09:00:00.000Z"


def apply_at(store: Store, actor: Person, now: str, kind: str, **payload: Any) -> operations.Outcome:
    """Apply as the server would, at the server's time `now`."""
    with store.transaction():
        return operations.apply(kind, payload, operations.Context(actor, "d", now), store)


def refused_at(store: Store, actor: Person, now: str, kind: str, **payload: Any) -> Rejection:
    with pytest.raises(Rejection) as caught:
        apply_at(store, actor, now, kind, **payload)
    return caught.value


# --- credentials and eligibility ------------------------------------------------------


def test_only_managers_and_hr_verify_credentials_and_never_their_own(store: Store, world: World) -> None:
    assert refused(store, world.anna, "credential.verify", person_id="ole", credential="first_aid").reason == (
        "credential.not_verifier"
    )
    assert refused(store, world.mette, "credential.verify", person_id="mette", credential="first_aid").reason == (
        "credential.own"
    )
    assert refused(store, world.mette, "credential.verify", person_id="ole", credential="magic").reason == (
        "credential.unknown"
    )
    assert refused(
        store, world.mette, "credential.verify", person_id="ole", credential="first_aid",
        issued_on="2026-05-01", expires_on="2026-04-01",
    ).reason == "dates.order"
    do(store, world.mette, "credential.verify", person_id="ole", credential="first_aid", expires_on="2027-01-01")
    do(store, world.admin, "credential.verify", person_id="ole", credential="first_aid", expires_on="2028-01-01")
    held = store.get(HeldCredential, "ole", "first_aid")
    assert held is not None
    assert (held.verified_by, held.expires_on, held.version) == ("admin", "2028-01-01", 2)


def test_requirements_are_set_by_the_tasks_managers_with_known_credentials(store: Store, world: World) -> None:
    task(store, world)
    assert refused(store, world.anna, "task.set_requirements", task_id="task-1", requirements={}).reason == (
        "task.not_manager"
    )
    assert refused(
        store, world.mette, "task.set_requirements", task_id="task-1", requirements={"magic": "block"}
    ).reason == "credential.unknown"
    assert refused(
        store, world.mette, "task.set_requirements", task_id="task-1", requirements={BENEFIT: "warn"}
    ).reason == "credential.unknown"  # a circumstance, not something a task can require
    assert refused(
        store, world.mette, "task.set_requirements", task_id="task-1", requirements={"first_aid": "maybe"}
    ).reason == "credential.bad_severity"
    do(store, world.mette, "task.set_requirements", task_id="task-1", requirements={"first_aid": "warn"})
    assert store.get(TaskRequirements, "task-1").requirements == {"first_aid": "warn"}  # type: ignore[union-attr]


def test_a_block_refuses_the_bid_saying_what_is_missing_and_who_can_verify_it(store: Store, world: World) -> None:
    task(store, world, audience=Audience.EXTERNAL)
    do(store, world.mette, "task.set_requirements", task_id="task-1",
       requirements={"child_protection": "block", "confidentiality": "block"})
    refusal = refused(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1")
    assert (refusal.reason, str(refusal.code)) == ("bid.lacks_credentials", "forbidden")
    assert refusal.facts["credentials"] == ["child_protection", "confidentiality"]
    assert "en børneattest, en tavshedserklæring" in refusal.message("da")  # named mid-sentence
    # Ole is a volunteer: no HR of his own; sent to the manager of the task's site, by its name.
    assert "Lederen af " in refusal.message("da") and "HR" not in refusal.message("da")
    assert "The manager of " in refusal.message("en")
    do(store, world.mette, "credential.verify", person_id="ole", credential="child_protection")
    assert refused(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1").facts["credentials"] == [
        "confidentiality"
    ]
    do(store, world.mette, "credential.verify", person_id="ole", credential="confidentiality")
    do(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1")
    assert store.get(Bid, "b-1").warnings == []  # type: ignore[union-attr]


def test_an_expired_credential_counts_as_missing(store: Store, world: World) -> None:
    task(store, world, audience=Audience.EXTERNAL)
    do(store, world.mette, "task.set_requirements", task_id="task-1", requirements={"child_protection": "block"})
    put(store, HeldCredential("ole", "child_protection", "mette", expires_on="2026-06-09", version=1))
    refusal = refused_at(store, world.ole, NOW, "bid.place", bid_id="b-1", task_id="task-1")
    assert refusal.reason == "bid.lacks_credentials"
    # Valid through its expiry day.
    apply_at(store, world.ole, "2026-06-09T23:59:00.000Z", "bid.place", bid_id="b-1", task_id="task-1")


def test_a_warn_lets_the_bid_through_and_tells_the_manager_on_the_bid(store: Store, world: World) -> None:
    task(store, world, audience=Audience.EXTERNAL)
    do(store, world.mette, "task.set_requirements", task_id="task-1",
       requirements={"first_aid": "warn", "driving_licence": "warn"})
    do(store, world.mette, "credential.verify", person_id="ole", credential="driving_licence")
    do(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1")
    assert store.get(Bid, "b-1").warnings == ["first_aid"]  # type: ignore[union-attr]


def test_a_volunteer_on_benefit_in_paid_staffs_work_is_a_warning_only(store: Store, world: World) -> None:
    task(store, world, audience=Audience.EXTERNAL)
    do(store, world.mette, "task.set_requirements", task_id="task-1", requirements={}, paid_staff_work=True)
    do(store, world.admin, "credential.verify", person_id="ole", credential=BENEFIT)
    do(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1")
    assert store.get(Bid, "b-1").warnings == [BENEFIT_WARNING]  # type: ignore[union-attr]
    # The same work for a task not done by paid staff: no warning.
    task(store, world, id="task-2", audience=Audience.EXTERNAL)
    do(store, world.ole, "bid.place", bid_id="b-2", task_id="task-2")
    assert store.get(Bid, "b-2").warnings == []  # type: ignore[union-attr]


def test_a_task_open_to_some_kinds_of_outsiders_refuses_the_others(store: Store, world: World) -> None:
    task(store, world, status="draft", audience=Audience.EXTERNAL)
    do(store, world.mette, "task.set_requirements", task_id="task-1", requirements={}, outsiders=["citizen"])
    assert store.get(Task, "task-1").outsiders == ["citizen"]  # type: ignore[union-attr]
    do(store, world.mette, "task.publish", task_id="task-1")
    # A volunteer may not see it, so not bid on it either; a citizen may.
    assert refused(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1").reason == "task.not_visible"
    put(store, world.ole.replace(kind=PersonKind.CITIZEN))
    do(store, world.ole.replace(kind=PersonKind.CITIZEN), "bid.place", bid_id="b-1", task_id="task-1")
    do(store, world.anna, "bid.place", bid_id="b-2", task_id="task-1")  # staff are not outsiders
    assert refused(
        store, world.mette, "task.set_requirements", task_id="task-1", requirements={}, outsiders=["volunteers"]
    ).reason == "field.bad_choice"


# --- audiences -----------------------------------------------------------------------


def test_widening_is_for_managers_and_a_published_task_never_narrows(store: Store, world: World) -> None:
    task(store, world)
    assert refused(store, world.anna, "task.widen_audience", task_id="task-1", audience="organisation").reason == (
        "task.not_manager"
    )
    assert refused(store, world.mette, "task.widen_audience", task_id="task-1", audience="site").reason == (
        "task.audience_same"
    )
    do(store, world.mette, "task.widen_audience", task_id="task-1", audience="organisation")
    do(store, world.mette, "task.widen_audience", task_id="task-1", audience="external")
    refusal = refused(store, world.mette, "task.widen_audience", task_id="task-1", audience="site")
    assert refusal.reason == "task.audience_narrowing"
    do(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1")
    refusal = refused(store, world.mette, "task.widen_audience", task_id="task-1", audience="organisation")
    assert (refusal.reason, str(refusal.code)) == ("task.audience_outsiders_bid", "conflict")
    assert "allerede budt" in refusal.message("da")


def test_a_draft_may_change_its_audience_either_way(store: Store, world: World) -> None:
    task(store, world, status="draft", audience=Audience.EXTERNAL)
    do(store, world.mette, "task.widen_audience", task_id="task-1", audience="site")


def test_the_kinds_of_outsiders_only_widen_once_published_to_outsiders(store: Store, world: World) -> None:
    # While a published task is not open outside, its kinds reach nobody: they change freely.
    task(store, world, audience=Audience.ORGANISATION)
    do(store, world.mette, "task.set_requirements", task_id="task-1", requirements={}, outsiders=["citizen"])
    do(store, world.mette, "task.widen_audience", task_id="task-1", audience="external")
    # Open outside: wider is fine, narrower is refused, plainly.
    do(store, world.mette, "task.set_requirements", task_id="task-1", requirements={},
       outsiders=["citizen", "company"])
    refusal = refused(
        store, world.mette, "task.set_requirements", task_id="task-1", requirements={}, outsiders=["company"]
    )
    assert refusal.reason == "task.audience_narrowing"
    do(store, world.mette, "task.set_requirements", task_id="task-1", requirements={}, outsiders=[])  # every kind
    assert store.get(Task, "task-1").outsiders == []  # type: ignore[union-attr]


def test_closing_a_task_to_a_kind_of_outsider_is_refused_once_one_has_bid(store: Store, world: World) -> None:
    task(store, world, audience=Audience.EXTERNAL)
    do(store, world.ole, "bid.place", bid_id="b-1", task_id="task-1")
    refusal = refused(
        store, world.mette, "task.set_requirements", task_id="task-1", requirements={}, outsiders=["citizen"]
    )
    assert refusal.reason == "task.audience_outsiders_bid"
    assert "allerede budt" in refusal.message("da")


# --- member invitations -----------------------------------------------------------------


def invite(store: Store, actor: Person, site_id: str, kind: str = "volunteer", **more: Any) -> MemberInvitation:
    fields: dict[str, Any] = {
        "invitation_id": "inv-1", "email": "ole@example.org", "person_kind": kind, "site_id": site_id,
        "code": CODE, "message": "Kom og vær med",
    }
    fields.update(more)
    do(store, actor, "member.invite", **fields)
    found = store.get(MemberInvitation, fields["invitation_id"])
    assert found is not None
    return found


def test_any_member_invites_on_behalf_of_their_own_site(store: Store, world: World) -> None:
    site = world.school.id
    base = {"invitation_id": "x", "email": "a@b.dk", "person_kind": "citizen", "site_id": site, "code": CODE}
    assert refused(store, world.ole, "member.invite", **base).reason == "member.external_cannot_invite"
    assert refused(store, world.carl, "member.invite", **base).reason == "member.wrong_site"
    assert refused(store, world.anna, "member.invite", **{**base, "email": "not an address"}).reason == (
        "member.bad_email"
    )
    assert refused(store, world.anna, "member.invite", **{**base, "code": "ABC-123"}).reason == "member.weak_code"
    invitation = invite(store, world.anna, site)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.code_hash == operations.code_hash("abcdefghjkmnpqrs")  # dashes and case do not matter
    assert CODE not in str(invitation.to_row())
    assert invitation.expires_at > invitation.created_at
    assert refused(store, world.anna, "member.invite", **{**base, "invitation_id": "inv-1"}).reason == (
        "invitation.exists"
    )


def test_an_outsiders_invitation_waits_for_a_coordinator_where_the_organisation_says_so(
    store: Store, world: World
) -> None:
    put(store, Organisation("org", "Egeskov Kommune", externals_need_approval=True))
    waiting = invite(store, world.anna, world.school.id)
    assert waiting.status == InvitationStatus.AWAITING_APPROVAL
    colleague = invite(store, world.anna, world.school.id, "employee", invitation_id="inv-2")
    assert colleague.status == InvitationStatus.PENDING  # colleagues need no approval
    by_coordinator = invite(store, world.mette, world.school.id, invitation_id="inv-3")
    assert by_coordinator.status == InvitationStatus.PENDING
    assert refused(store, world.bo, "member.approve_invitation", invitation_id="inv-1").reason == (
        "invitation.not_coordinator"
    )
    do(store, world.mette, "member.approve_invitation", invitation_id="inv-1")
    approved = store.get(MemberInvitation, "inv-1")
    assert approved is not None and (approved.status, approved.approved_by) == ("pending", "mette")
    assert refused(store, world.mette, "member.approve_invitation", invitation_id="inv-1").reason == (
        "invitation.not_awaiting"
    )


def test_who_may_revoke_an_invitation(store: Store, world: World) -> None:
    invite(store, world.anna, world.school.id)
    assert refused(store, world.bo, "member.revoke_invitation", invitation_id="inv-1").reason == (
        "invitation.not_theirs"
    )
    assert refused(store, world.carl, "member.revoke_invitation", invitation_id="inv-1").reason == (
        "invitation.not_theirs"
    )
    do(store, world.anna, "member.revoke_invitation", invitation_id="inv-1")
    assert refused(store, world.anna, "member.revoke_invitation", invitation_id="inv-1").reason == (
        "invitation.revoked"
    )


def newcomer(pid: str = "new-person") -> Person:
    """The person-to-be the server makes the accepting context with (sync.server.invitations)."""
    return Person(id=pid, name="", username="", home_site_id=None, role=Role.EXTERNAL, kind=PersonKind.VOLUNTEER)


def accept(store: Store, now: str, code: str = CODE, pid: str = "new-person") -> operations.Outcome:
    return apply_at(
        store, newcomer(pid), now, "member.accept",
        invitation_id="inv-1", code=code, username="ole2", name="Ole Olsen", phone="+45 20 30 40 50",
    )


def test_accepting_makes_the_person_from_the_invitation(store: Store, world: World) -> None:
    invitation = invite(store, world.anna, world.school.id)
    with pytest.raises(Rejection) as wrong:
        accept(store, invitation.created_at, code="ABCD-EFGH-JKMN-PQRT")
    assert wrong.value.reason == "invitation.unknown"
    accept(store, invitation.created_at, code="abcd efgh jkmn pqrs")
    person = store.get(Person, "new-person")
    assert person is not None
    assert (person.role, person.kind, person.home_site_id, person.email, person.phone) == (
        "external", "volunteer", None, "ole@example.org", "+45 20 30 40 50"
    )
    used = store.get(MemberInvitation, "inv-1")
    assert used is not None and (used.status, used.person_id) == ("accepted", "new-person")
    with pytest.raises(Rejection) as again:
        accept(store, invitation.created_at, pid="someone-else")
    assert again.value.reason == "invitation.used"


def test_a_company_contact_is_invited_for_a_company_which_the_first_contact_registers(
    store: Store, world: World
) -> None:
    site = world.school.id
    for missing in ({}, {"company_name": "Havefolk ApS"}, {"company_name": "Havefolk ApS", "company_cvr": "1234"},
                    {"company_name": " ", "company_cvr": "12345678"}):
        refusal = refused(store, world.anna, "member.invite", invitation_id="x", email="kontakt@havefolk.dk",
                          person_kind="company", site_id=site, code=CODE, **missing)
        assert refusal.reason == "member.company_required"
        assert "CVR" in refusal.message("da")
    invitation = invite(store, world.anna, site, "company", company_name="Havefolk ApS", company_cvr="12 34 56 78")
    assert (invitation.company_name, invitation.company_cvr) == ("Havefolk ApS", "12345678")
    # Other kinds are not invited for a company, whatever is typed.
    assert invite(store, world.anna, site, "citizen", invitation_id="inv-2", company_cvr="12345678").company_cvr == ""
    accept(store, invitation.created_at)
    company = store.get(Company, company_id_for("12345678"))
    assert company is not None and (company.name, company.cvr) == ("Havefolk ApS", "12345678")
    first = store.get(Person, "new-person")
    assert first is not None and (first.kind, first.company_id) == ("company", company.id)
    # A second contact person joins the same company; its name stays as registered.
    second = invite(store, world.bo, site, "company", invitation_id="inv-3", company_name="Havefolk",
                    company_cvr="12345678", code="QRST-VWXY-Z234-5678")
    apply_at(store, newcomer("second"), second.created_at, "member.accept", invitation_id="inv-3",
             code="QRST-VWXY-Z234-5678", username="kontakt2", name="Kim Kontakt")
    assert store.get(Person, "second").company_id == company.id  # type: ignore[union-attr]
    assert [c.name for c in store.fetch(Company, "1 = 1")] == ["Havefolk ApS"]


def test_a_colleague_becomes_staff_at_the_inviting_site(store: Store, world: World) -> None:
    invitation = invite(store, world.anna, world.school.id, "employee")
    accept(store, invitation.created_at)
    person = store.get(Person, "new-person")
    assert person is not None and (person.role, person.home_site_id) == ("staff", world.school.id)


def test_an_expired_revoked_or_waiting_invitation_cannot_be_accepted(store: Store, world: World) -> None:
    invitation = invite(store, world.anna, world.school.id)
    with pytest.raises(Rejection) as expired:
        accept(store, invitation.expires_at)
    assert expired.value.reason == "invitation.expired"
    assert expired.value.facts["date"] == invitation.expires_at[:10]
    put(store, Organisation("org", "Egeskov Kommune", externals_need_approval=True))
    waiting = invite(store, world.bo, world.school.id, invitation_id="inv-2")
    with pytest.raises(Rejection) as held:
        apply_at(store, newcomer(), waiting.created_at, "member.accept",
                 invitation_id="inv-2", code=CODE, username="x", name="X")
    assert held.value.reason == "invitation.awaiting_approval"
    do(store, world.anna, "member.revoke_invitation", invitation_id="inv-1")
    with pytest.raises(Rejection) as revoked:
        accept(store, invitation.created_at)
    assert revoked.value.reason == "invitation.revoked"
