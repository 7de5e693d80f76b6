"""Who may see and do what. One place, used by the rules, the server's feed and the UI.

The client asks these questions only to serve the user (grey out a button); the
server asks the same ones with authority.
"""

from __future__ import annotations

from desktop.core.entities import Audience, Bid, Person, Role, Task, TaskStatus


def is_site_manager_of(person: Person, site_id: str | None) -> bool:
    return person.role == Role.SITE_MANAGER and person.home_site_id == site_id


def manages_task(person: Person, task: Task) -> bool:
    """The task's poster, a manager at its site, or an admin."""
    return (
        person.is_admin
        or person.id == task.poster_id
        or is_site_manager_of(person, task.site_id)
    )


def can_see_task(person: Person, task: Task) -> bool:
    if not person.active:
        return False
    if manages_task(person, task):
        return True
    if task.status == TaskStatus.DRAFT:
        return False
    if task.audience == Audience.EXTERNAL:
        return True
    if person.is_external:
        return False
    if task.audience == Audience.ORGANISATION:
        return True
    return person.home_site_id == task.site_id


def can_see_bid(person: Person, bid: Bid, task: Task) -> bool:
    """Bidders see their own bids; the task's managers see them all."""
    return person.id == bid.bidder_id or manages_task(person, task)


def can_post_for(person: Person, site_id: str) -> bool:
    if person.is_external or not person.active:
        return False
    return person.is_admin or person.home_site_id == site_id


def may_bid_on(person: Person, task: Task) -> bool:
    return person.active and person.id != task.poster_id and can_see_task(person, task)


def sees_all_evidence(person: Person) -> bool:
    """Admins (the organisation's HR) see every person's evidence of skill."""
    return person.active and person.is_admin


def may_see_evidence_of(
    viewer: Person, person: Person, bid_sites: frozenset[str] | set[str] = frozenset()
) -> bool:
    """Whether `viewer` may see `person` by name in the competence map and talent search.

    Everyone sees themselves; admins see everyone; a site manager sees the
    people of their own site and anyone who has bid on a task of their site
    (`bid_sites`: the sites whose tasks `person` bid on). Everyone else sees
    others only as anonymous counts.
    """
    if not viewer.active:
        return False
    if viewer.id == person.id or sees_all_evidence(viewer):
        return True
    if viewer.role != Role.SITE_MANAGER or viewer.home_site_id is None:
        return False
    return person.home_site_id == viewer.home_site_id or viewer.home_site_id in bid_sites
