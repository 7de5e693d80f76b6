"""Who may see and do what. One place, used by the rules, the server's feed and the UI.

The client asks these questions only to serve the user (grey out a button); the
server asks the same ones with authority.
"""

from __future__ import annotations

from desktop.core.entities import Audience, Bid, Person, Role, Task, TaskStatus


def is_site_manager_of(person: Person, site_id: str | None) -> bool:
    """True for a site manager whose home site is `site_id`."""
    return person.role == Role.SITE_MANAGER and person.home_site_id == site_id


def manages_task(person: Person, task: Task) -> bool:
    """The task's poster, a manager at its site, or an admin."""
    return (
        person.is_admin
        or person.id == task.poster_id
        or is_site_manager_of(person, task.site_id)
    )


def can_see_task(person: Person, task: Task) -> bool:
    """Inactive people see nothing; managers see their tasks; drafts no one else; then by audience."""
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
    """Active staff post for their home site, admins for any; external people never."""
    if person.is_external or not person.active:
        return False
    return person.is_admin or person.home_site_id == site_id


def may_bid_on(person: Person, task: Task) -> bool:
    """Anyone active who sees the task may bid on it, except its poster."""
    return person.active and person.id != task.poster_id and can_see_task(person, task)
