"""What each operation is called in people's words, for the needs-attention list and the audit trail.

Operations have internal names (`bid.accept`, `admin.person_set_role`); a person
reads "Accepting a bid". The audit trail's filter offered only the internal
names to type (a try-out); it now offers these, and groups of them by the
part before the dot (the server filters "bid" as every bid operation).
"""

from __future__ import annotations

from ui.words import tr


def operation_label(kind: str, bidder: str = "") -> str:
    """What someone was doing by `kind`, in the current language; an unknown kind as it is.

    A decision names the bidder (`bidder`, when known): with two refused,
    "Accepting a bid" twice would not say which was which.
    """
    if bidder and kind == "bid.accept":
        return tr("Accepting the bid from {who}", who=bidder)
    if bidder and kind == "bid.decline":
        return tr("Declining the bid from {who}", who=bidder)
    return _labels().get(kind, kind)


def _labels() -> dict[str, str]:
    """Every operation the client or the server records, by kind (made per call: the language may change)."""
    return {
        "task.create": tr("Posting a task"),
        "task.edit": tr("Editing a task"),
        "task.publish": tr("Publishing a task"),
        "task.cancel": tr("Cancelling a task"),
        "task.complete": tr("Marking a task done"),
        "task.endorse": tr("Confirming a skill"),
        "task.confirm_hours": tr("Confirming hours worked"),
        "task.invite": tr("Inviting someone to bid"),
        "task.set_requirements": tr("Setting a task's requirements"),
        "task.widen_audience": tr("Opening a task to more people"),
        "task.close_bidding": tr("Closing a task for bids at its deadline"),
        "bid.place": tr("Placing a bid"),
        "bid.edit": tr("Changing a bid"),
        "bid.withdraw": tr("Withdrawing a bid"),
        "bid.accept": tr("Accepting a bid"),
        "bid.decline": tr("Declining a bid"),
        "bid.lend": tr("Deciding on lending"),
        "comment.add": tr("Writing a comment"),
        "profile.skill_add": tr("Adding a skill"),
        "profile.skill_remove": tr("Removing a skill"),
        "profile.skill_privacy": tr("Making a skill private or public"),
        "credential.verify": tr("Verifying a credential"),
        "guidelines.accept": tr("Accepting the guidelines"),
        "guidelines.publish": tr("Publishing guidelines"),
        "member.invite": tr("Inviting someone to Knop"),
        "member.accept": tr("Taking up an invitation"),
        "member.approve_invitation": tr("Approving an invitation"),
        "member.revoke_invitation": tr("Revoking an invitation"),
        "notice.read": tr("Reading a notification"),
        "person.deactivate": tr("Deactivating a person"),
        "person.erase": tr("Erasing a person's data"),
        "search.save": tr("Saving a search"),
        "search.delete": tr("Deleting a saved search"),
        "settings.set": tr("Changing settings"),
        "admin.person_create": tr("Adding a person"),
        "admin.person_update": tr("Changing a person's details"),
        "admin.person_activate": tr("Activating a person"),
        "admin.person_deactivate": tr("Closing a person's login"),
        "admin.person_set_role": tr("Changing a person's role"),
        "admin.person_set_site": tr("Moving a person to another site"),
        "admin.site_create": tr("Adding a site"),
        "admin.organisation_create": tr("Adding a municipality"),
        "admin.organisation_lending": tr("Changing the lending policy"),
        "admin.invitation_approval": tr("Changing whether invitations need approval"),
        "admin.seed_demo": tr("Loading the demo data"),
    }


def operation_groups() -> list[tuple[str, str]]:
    """(label, prefix) for each kind of thing operations are about, as the audit filter offers them."""
    return [
        (tr("Everything about tasks"), "task"),
        (tr("Everything about bids"), "bid"),
        (tr("Everything about skills"), "profile"),
        (tr("Everything about invitations"), "member"),
        (tr("Everything administrators do"), "admin"),
    ]


def operation_choices() -> list[tuple[str, str]]:
    """(label, operation or prefix) for the audit filter: the groups first, then each operation by its label."""
    singles = sorted(((label, kind) for kind, label in _labels().items()), key=lambda pair: pair[0].casefold())
    return operation_groups() + singles
