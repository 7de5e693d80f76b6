"""Who may do what, written out as a table by hand.

The table is the specification; the rules in desktop/ and the server are
checked against it, never the other way round. Rows are actors, columns are
(operation, audience) pairs; the task belongs to site A, was posted by a staff
member at A, is open, and has a pending bid from another staff member at A.
Sites A and B belong to one organisation; "admin_other" and "staff_other"
belong to another organisation on the same server (issue 16).

Cells: "ok" (allowed), or the rejection code the actor must get.
"""

from __future__ import annotations

ACTORS = ("staff_a", "staff_b", "manager_a", "manager_b", "admin", "external", "poster", "admin_other", "staff_other")
AUDIENCES = ("site", "organisation", "organisations", "external")

OK = "ok"
FORBIDDEN = "forbidden"

# Seeing a task is what bidding and commenting need.
SEES_TASK: dict[str, tuple[bool, bool, bool, bool]] = {
    #              site   organisation organisations external
    "staff_a": (True, True, True, True),
    "staff_b": (False, True, True, True),
    "manager_a": (True, True, True, True),
    "manager_b": (False, True, True, True),
    "admin": (True, True, True, True),
    "external": (False, False, False, True),
    "poster": (True, True, True, True),
    # Another organisation's people: from "other municipalities" on; its admin manages nothing here.
    "admin_other": (False, False, True, True),
    "staff_other": (False, False, True, True),
}

# Deciding on bids and changing the task belong to its managers, whatever the audience.
MANAGES_TASK: dict[str, bool] = {
    "staff_a": False,
    "staff_b": False,
    "manager_a": True,
    "manager_b": False,
    "admin": True,
    "external": False,
    "poster": True,
    "admin_other": False,
    "staff_other": False,
}

# Reading the pending bid of someone else: the task's managers only.
SEES_OTHERS_BIDS: dict[str, bool] = dict(MANAGES_TASK)


# Verifying someone's credential (issue 14): managers of any site, and HR (admins), of
# the person's own organisation.
VERIFIES_CREDENTIALS = ("manager_a", "manager_b", "admin")

# Approving or withdrawing site A's invitations: its manager and admins.
COORDINATES_SITE_A = ("manager_a", "admin")


def expected(actor: str, operation: str, audience: str) -> str:
    """The cell for one actor, operation and audience."""
    column = AUDIENCES.index(audience)
    if operation == "bid.place":
        if actor == "poster":
            return "invalid"  # bidding on one's own task
        return OK if SEES_TASK[actor][column] else FORBIDDEN
    if operation == "comment.add":
        return OK if SEES_TASK[actor][column] else FORBIDDEN
    if operation in ("bid.accept", "bid.decline", "task.edit", "task.cancel"):
        return OK if MANAGES_TASK[actor] else FORBIDDEN
    if operation == "task.set_requirements":
        return OK if MANAGES_TASK[actor] else FORBIDDEN
    if operation == "task.widen_audience":
        # Widening to "external"; a task that is external already is refused as such.
        if not MANAGES_TASK[actor]:
            return FORBIDDEN
        return "invalid" if audience == "external" else OK
    if operation == "credential.verify":
        # Of the bidder's credential: site managers (any site) and HR (admins) verify.
        return OK if actor in VERIFIES_CREDENTIALS else FORBIDDEN
    if operation == "member.invite":
        # On behalf of site A: its own members and admins; never outsiders.
        return OK if actor in ("staff_a", "manager_a", "admin", "poster") else FORBIDDEN
    if operation == "member.approve_invitation":
        # The bidder's invitation of a volunteer from site A, awaiting a coordinator.
        return OK if actor in COORDINATES_SITE_A else FORBIDDEN
    if operation == "member.revoke_invitation":
        # The same invitation: who sent it (the bidder, not an actor here) or a coordinator.
        return OK if actor in COORDINATES_SITE_A else FORBIDDEN
    if operation == "task.create":
        # Posting for site A: its own people and admins; never externals.
        return OK if actor in ("staff_a", "manager_a", "admin", "poster") else FORBIDDEN
    raise KeyError(operation)


OPERATIONS = (
    "bid.place", "comment.add", "bid.accept", "bid.decline", "task.edit", "task.cancel", "task.create",
    # issue 14
    "task.set_requirements", "task.widen_audience", "credential.verify", "member.invite",
    "member.approve_invitation", "member.revoke_invitation",
)


# Deactivating and erasing a person (staff at site A; already deactivated when erased):
# the organisation's admins only, whoever the person is to the actor.
PERSON_OPERATIONS = ("person.deactivate", "person.erase")
MANAGES_PEOPLE: dict[str, bool] = {actor: actor == "admin" for actor in ACTORS}


def expected_for_person(actor: str, operation: str) -> str:
    """The cell for one actor and one of PERSON_OPERATIONS."""
    if operation not in PERSON_OPERATIONS:
        raise KeyError(operation)
    return OK if MANAGES_PEOPLE[actor] else FORBIDDEN


# --- lending (issue 15) ------------------------------------------------------------
# Here the bid is staff_b's (home site B) on site A's organisation-wide task,
# accepted while the organisation asks home managers to approve lending; the
# task is open for bid.lend and done for task.confirm_hours.

LENDING_OPERATIONS = ("bid.lend", "task.confirm_hours")

# Saying yes or no to lending staff_b: their home manager, or an admin.
DECIDES_LENDING: dict[str, bool] = {
    "staff_a": False,
    "staff_b": False,
    "manager_a": False,
    "manager_b": True,
    "admin": True,
    "external": False,
    "poster": False,
    "admin_other": False,
    "staff_other": False,
}

# Reading staff_b's bid on A's task: staff_b, A's task managers, and B's manager.
SEES_LENT_BID: dict[str, bool] = {**MANAGES_TASK, "staff_b": True, "manager_b": True}


def expected_lending(actor: str, operation: str) -> str:
    """The cell for one actor and one lending operation."""
    if operation == "bid.lend":
        return OK if DECIDES_LENDING[actor] else FORBIDDEN
    if operation == "task.confirm_hours":
        return OK if MANAGES_TASK[actor] else FORBIDDEN
    raise KeyError(operation)
