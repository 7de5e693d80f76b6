"""Hours lent and borrowed between sites, per month: one rule for the client and the server.

Work on another site's task is lent by the worker's home site (as it was
when they bid, `Bid.home_site_id`) and borrowed by the task's site. What
counts is the hours the task's manager confirmed on completion
(`Bid.worked_hours`), in the month they were confirmed; work still waiting
for the home manager's yes, or refused by them, counts nothing.

The client runs this over what its store holds (a home manager holds their
staff's bids and the bids on their site's tasks, so their own site's figures
are whole, offline too); the server runs it over everything for reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop.core import permissions
from desktop.core.entities import Bid, BidStatus, Lending, Task


@dataclass(frozen=True, slots=True)
class SiteMonth:
    """One site's hours in one month ("YYYY-MM"): lent to other sites, borrowed from them."""

    site_id: str
    month: str
    lent: float = 0.0
    borrowed: float = 0.0


def counts(bid: Bid, task: Task) -> bool:
    """Whether the bid is lent work whose confirmed hours count."""
    return (
        bid.status == BidStatus.ACCEPTED
        and bid.worked_hours is not None
        and bool(bid.hours_confirmed_at)
        and bid.lending not in (Lending.AWAITING, Lending.REFUSED)
        and permissions.is_lent(bid, task)
    )


def hours_by_site_month(bids: Iterable[Bid], tasks: Mapping[str, Task]) -> list[SiteMonth]:
    """Lent and borrowed hours per (site, month), sorted by month then site id.

    `tasks` maps task id to task; bids whose task is missing are left out.
    Hours are as confirmed (floats, hours); a site appears in a month only
    when it lent or borrowed something then.
    """
    lent: dict[tuple[str, str], float] = {}
    borrowed: dict[tuple[str, str], float] = {}
    for bid in bids:
        task = tasks.get(bid.task_id)
        if task is None or not counts(bid, task):
            continue
        month = str(bid.hours_confirmed_at)[:7]
        hours = float(bid.worked_hours or 0.0)
        home = str(bid.home_site_id)
        lent[home, month] = lent.get((home, month), 0.0) + hours
        borrowed[task.site_id, month] = borrowed.get((task.site_id, month), 0.0) + hours
    keys = sorted({*lent, *borrowed}, key=lambda k: (k[1], k[0]))
    return [
        SiteMonth(site, month, lent.get((site, month), 0.0), borrowed.get((site, month), 0.0))
        for site, month in keys
    ]
