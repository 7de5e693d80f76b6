"""A home manager's view of lending: their staff's work on other sites, and the hours.

Read-only queries on the local store, so the view works offline: a site
manager's device pulls the bids of their own staff on any site's task
(`permissions.OVERSEES_WORK`) and every bid on their site's tasks, which is
all their site's lending figures need. Deciding on a lending goes through the
operation `bid.lend` like every other change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.core import lending, spreadsheet
from desktop.core.entities import (
    Bid,
    BidStatus,
    Lending,
    LendingPolicy,
    Organisation,
    Person,
    Role,
    Task,
    TaskStatus,
)
from desktop.core.lending import SiteMonth
from desktop.store import Store


@dataclass(frozen=True, slots=True)
class LentWork:
    """One bid by someone from the manager's site on another site's task, with names."""

    bid: Bid
    task_title: str
    task_site: str  # the task's site's name
    bidder: str  # the bidder's name
    task_status: str = ""  # the task's TaskStatus: assigned, done, ...

    @property
    def awaiting(self) -> bool:
        """True while it waits for the home manager's yes (`Lending.AWAITING`)."""
        return self.bid.status == BidStatus.ACCEPTED and self.bid.lending == Lending.AWAITING


def policy(store: Store, viewer: Person) -> str:
    """The `LendingPolicy` of the viewer's organisation; off (its default) while the store lacks it.

    A store may hold other organisations too (their names, issue 16): the
    viewer's own is the one whose setting applies to their staff.
    """
    organisation = store.get(Organisation, viewer.organisation_id) if viewer.organisation_id else None
    return organisation.lending if organisation is not None else LendingPolicy.OFF


def _home_of(viewer: Person) -> str | None:
    """The site whose staff `viewer` oversees: a site manager's home site; admins: None (all)."""
    return viewer.home_site_id if viewer.role == Role.SITE_MANAGER else None


def staff_work(store: Store, viewer: Person) -> list[LentWork]:
    """Work the viewer's staff are lent out for: their accepted bids on other sites' tasks.

    Newest first (admins: everyone's). Accepted bids only, on tasks not cancelled:
    what is lent is work someone was taken on for, under way or done; a bid still
    pending, withdrawn or declined lends nobody (a try-out found withdrawn bids listed).
    Staff and externals oversee nobody: an empty list.
    """
    if viewer.role not in (Role.SITE_MANAGER, Role.ADMIN):
        return []
    home = _home_of(viewer)
    if viewer.role == Role.SITE_MANAGER and home is None:
        return []
    where = (
        "b.home_site_id IS NOT NULL AND b.home_site_id <> t.site_id "
        f"AND b.status = '{BidStatus.ACCEPTED.value}' AND t.status <> '{TaskStatus.CANCELLED.value}'"
    )
    params: list[str] = []
    if home is not None:
        where += " AND b.home_site_id = ?"
        params.append(home)
    rows = store.rows(
        "SELECT b.*, t.title AS task_title, t.status AS task_status, coalesce(s.name, t.site_id) AS task_site, "
        "coalesce(p.name, b.bidder_id) AS bidder_name "
        "FROM bids b JOIN tasks t ON t.id = b.task_id "
        "LEFT JOIN sites s ON s.id = t.site_id LEFT JOIN people p ON p.id = b.bidder_id "
        f"WHERE {where} ORDER BY b.created_at DESC, b.id",
        params,
    )
    return [
        LentWork(Bid.from_row(r), r["task_title"], r["task_site"], r["bidder_name"], r["task_status"])
        for r in rows
    ]


def awaiting(store: Store, viewer: Person) -> int:
    """How many of the viewer's staff's accepted bids wait for their yes."""
    return sum(1 for work in staff_work(store, viewer) if work.awaiting)


def site_months(store: Store, viewer: Person) -> list[SiteMonth]:
    """Hours lent and borrowed per site and month, from what the store holds.

    A site manager gets their own site's rows (whole, see the module's
    docstring); an admin every site's the device holds.
    """
    bids = store.fetch(Bid, "home_site_id IS NOT NULL AND worked_hours IS NOT NULL")
    task_ids = sorted({b.task_id for b in bids})
    tasks: dict[str, Task] = {}
    for start in range(0, len(task_ids), 500):
        chunk = task_ids[start : start + 500]
        for task in store.fetch(Task, f"id IN ({', '.join('?' * len(chunk))})", chunk):
            tasks[task.id] = task
    months = lending.hours_by_site_month(bids, tasks)
    home = _home_of(viewer)
    return [m for m in months if home is None or m.site_id == home]


MONTHS_CSV_HEADER = ("month", "site", "hours lent", "hours borrowed")


def months_csv(
    months: Iterable[SiteMonth], site_names: dict[str, str], header: Iterable[str]
) -> bytes:
    """The months as CSV (UTF-8 with BOM, `;`); `header` in the reader's language."""
    return spreadsheet.csv_bytes(
        list(header),
        ([m.month, site_names.get(m.site_id, m.site_id), m.lent, m.borrowed] for m in months),
    )
