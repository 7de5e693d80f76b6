"""Reports per site and period, computed on the server, which sees every site's work.

For each site: tasks posted (published in the period), filled (an accepted
bid, or done), the fill rate, the median hours from publishing to the first
accepted bid, hours lent and borrowed (by `desktop.core.lending`, the rule
the client's lending view runs too, counted in the month the hours were
confirmed), the skills most asked for, and the outsiders involved (people from
other sites and externals with an accepted bid on the site's tasks).

Who may read: admins every site of their organisation; a site manager their
own; nobody else (`Forbidden`; another organisation's site:
`OutsideOrganisation`). Work across the border (issue 16) shows as a link:
`from_other_organisations` counts the people of other organisations with an
accepted bid on the site's tasks, and the hours lent count the site's staff's
confirmed hours on any organisation's task, without naming those tasks. A site's report is a handful of indexed queries over its own
tasks, so it is computed on each request rather than kept as a snapshot.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from desktop.core import lending
from desktop.core.entities import Bid, BidStatus, Entity, Person, Role, Site, Task, TaskStatus
from desktop.core.ids import utc_now
from sync.server.storage import Session

TOP_SKILLS = 5


class Forbidden(Exception):
    """The person may not read reports for this site (or at all)."""


class OutsideOrganisation(LookupError):
    """The site asked for belongs to another organisation than the viewer's (issue 16)."""


def sites_for(session: Session, viewer: Person, site_id: str | None) -> list[Site]:
    """The sites `viewer` asks for and may read: one site, or all of an admin's organisation.

    Raises Forbidden for staff and externals, and for a site manager asking
    for another site than their own; LookupError for an unknown site,
    OutsideOrganisation for another organisation's.
    """
    if not viewer.active or viewer.role not in (Role.ADMIN, Role.SITE_MANAGER):
        raise Forbidden(viewer.id)
    if viewer.role == Role.SITE_MANAGER:
        if site_id not in (None, viewer.home_site_id) or viewer.home_site_id is None:
            raise Forbidden(viewer.id)
        site_id = viewer.home_site_id
    if site_id is not None:
        site = session.get(Site, site_id)
        if site is None:
            raise LookupError(site_id)
        if site.organisation_id != viewer.organisation_id:
            raise OutsideOrganisation(site_id)
        return [site]
    return session.fetch(Site, "organisation_id = ? ORDER BY name", (viewer.organisation_id,))


def report(
    session: Session, viewer: Person, *, site_id: str | None, since: str, until: str
) -> dict[str, Any]:
    """{"computed_at", "since", "until", "sites": [site_report(...)]}; dates are "YYYY-MM-DD", inclusive."""
    return {
        "computed_at": utc_now(),
        "since": since,
        "until": until,
        "sites": [
            site_report(session, site, since, until) for site in sites_for(session, viewer, site_id)
        ],
    }


def site_report(session: Session, site: Site, since: str, until: str) -> dict[str, Any]:
    """One site's figures for the days `since`..`until` (ISO dates, inclusive).

    Keys: site_id, site_name, posted, filled, fill_rate (0..1 or None),
    median_hours_to_fill (or None), hours_lent, hours_borrowed, months
    ([{month, lent, borrowed}]), skills ([{skill, tasks}], most asked first),
    from_other_sites (of the site's organisation), from_other_organisations
    and externals (distinct people).
    """
    tasks = session.fetch(
        Task,
        "site_id = ? AND published_at IS NOT NULL AND substr(published_at, 1, 10) >= ? "
        "AND substr(published_at, 1, 10) <= ? ORDER BY id",
        (site.id, since, until),
    )
    accepted = _fetch_in(
        session, Bid, "task_id", (t.id for t in tasks), "status = ?", (BidStatus.ACCEPTED,)
    )
    first_accept: dict[str, str] = {}
    for bid in accepted:
        if bid.decided_at and (
            bid.task_id not in first_accept or bid.decided_at < first_accept[bid.task_id]
        ):
            first_accept[bid.task_id] = bid.decided_at
    filled = [t for t in tasks if t.id in first_accept or t.status == TaskStatus.DONE]
    waits = [
        _hours_between(t.published_at or "", first_accept[t.id])
        for t in tasks
        if t.id in first_accept
    ]
    skills = Counter(skill for t in tasks for skill in t.skills)
    people = _fetch_in(session, Person, "id", (b.bidder_id for b in accepted))
    months = [m for m in _lending_months(session, site.id, since, until) if m.site_id == site.id]
    return {
        "site_id": site.id,
        "site_name": site.name,
        "posted": len(tasks),
        "filled": len(filled),
        "fill_rate": round(len(filled) / len(tasks), 3) if tasks else None,
        "median_hours_to_fill": round(statistics.median(waits), 1) if waits else None,
        "hours_lent": sum(m.lent for m in months),
        "hours_borrowed": sum(m.borrowed for m in months),
        "months": [{"month": m.month, "lent": m.lent, "borrowed": m.borrowed} for m in months],
        "skills": [
            {"skill": s, "tasks": n} for s, n in sorted(skills.items(), key=lambda i: (-i[1], i[0]))
        ][:TOP_SKILLS],
        "from_other_sites": sum(
            1
            for p in people
            if p.role != Role.EXTERNAL and p.home_site_id != site.id and p.organisation_id == site.organisation_id
        ),
        "from_other_organisations": sum(
            1 for p in people if p.role != Role.EXTERNAL and p.organisation_id != site.organisation_id
        ),
        "externals": sum(1 for p in people if p.role == Role.EXTERNAL),
    }


E = TypeVar("E", bound=Entity)


def _fetch_in(
    session: Session,
    cls: type[E],
    column: str,
    ids: Iterable[str],
    where: str = "1 = 1",
    params: Sequence[Any] = (),
) -> list[E]:
    """The `cls` rows whose `column` is one of `ids` and that match `where`, 500 ids per query."""
    wanted = sorted(set(ids))
    found: list[E] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found += session.fetch(
            cls, f"{where} AND {column} IN ({', '.join('?' * len(chunk))})", [*params, *chunk]
        )
    return found


def _lending_months(
    session: Session, site_id: str, since: str, until: str
) -> list[lending.SiteMonth]:
    """Lent and borrowed hours confirmed in the period on work that touches the site."""
    rows = session.rows(
        "SELECT b.id AS bid_id FROM bids b JOIN tasks t ON t.id = b.task_id "
        "WHERE (b.home_site_id = ? OR t.site_id = ?) AND b.worked_hours IS NOT NULL "
        "AND substr(b.hours_confirmed_at, 1, 10) >= ? AND substr(b.hours_confirmed_at, 1, 10) <= ?",
        (site_id, site_id, since, until),
    )
    bids = _fetch_in(session, Bid, "id", (r["bid_id"] for r in rows))
    tasks = {t.id: t for t in _fetch_in(session, Task, "id", (b.task_id for b in bids))}
    return lending.hours_by_site_month(bids, tasks)


def _hours_between(start: str, end: str) -> float:
    """Hours from one ISO 8601 UTC timestamp to another (0 when either is unreadable)."""
    try:
        a = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        b = dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return max((b - a).total_seconds() / 3600, 0.0)
