"""Competence discovery on the device: the server's last answers, kept for reading offline.

The organisation's numbers are computed on the server (a device holds only
what its users may see). The client keeps the last answer to each question in
its own store, with the time the server computed it, so the screens open at
once and still show something when the network is down. Here too: the CSV
export of the competence map, the rows of the site network for one quarter,
and the invitations to bid that a person has received.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop.core import skills, spreadsheet
from desktop.core.entities import Invitation, Person, Task, TaskStatus
from desktop.core.permissions import manages_task
from desktop.core.quarters import parse_quarter, quarter_name, quarter_of
from desktop.store import Store

COMPETENCE = "competence"
NETWORK = "network"
LEVELS = ("declared", "offered", "accepted", "completed", "endorsed")  # as sync/protocol.py names them
# The work that shows a skill (sync/server/insights.py): an accepted bid or better. An offer
# is evidence too, but shows nothing yet, so it is never a hidden competence.
SHOWN = frozenset(LEVELS[2:])


def hidden_competence(person: dict[str, Any]) -> bool:
    """Whether a drill-down row ({level, declared, ...}) is a hidden competence, as the map counts them.

    Shown by work while the profile did not list the skill before (`declared` False;
    None is a private skill, never called hidden to another reader).
    """
    return person.get("level") in SHOWN and person.get("declared") is False


@dataclass(frozen=True, slots=True)
class Cached:
    """One answer from the server: its JSON body and when the server computed it (ISO UTC)."""

    name: str
    computed_at: str
    body: dict[str, Any]


def keep(store: Store, name: str, body: dict[str, Any]) -> Cached:
    """Store the server's answer under `name`, replacing the previous one; returns it as kept."""
    computed_at = str(body.get("computed_at") or "")
    with store.transaction():
        store.execute(
            "INSERT INTO insights_cache (name, computed_at, body) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET computed_at = excluded.computed_at, body = excluded.body",
            (name, computed_at, json.dumps(body, ensure_ascii=False)),
        )
    return Cached(name, computed_at, body)


def cached(store: Store, name: str) -> Cached | None:
    """The last answer kept under `name`, or None if there is none (or it cannot be read)."""
    row = store.execute(
        "SELECT computed_at, body FROM insights_cache WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        return None
    try:
        body = json.loads(row[1])
    except ValueError:
        return None  # a damaged row is as good as none: the next fetch replaces it
    return Cached(name, row[0], body) if isinstance(body, dict) else None


# --- the competence map as a file ---------------------------------------------------

# The competence map's counts in the order its screen shows them, which its CSV follows (a
# try-out found the two in different orders): what no profile listed first, then the evidence
# from the strongest down.
MAP_COUNTS = ("hidden", "shown", "declared", "endorsed", "completed", "accepted", "offered")
CSV_COLUMNS = ("skill", *MAP_COUNTS, "category")


def competence_csv(
    body: dict[str, Any], language: str, headers: Iterable[str], category_name: Callable[[str], str]
) -> bytes:
    """The map's skill rows as Danish CSV (`desktop.core.spreadsheet`: UTF-8 with a BOM, `;`).

    `headers` are the column titles in the reader's language, one per
    CSV_COLUMNS; `category_name(category_id)` names a skill's category in it
    ("care" -> "Omsorg og sundhed"), as the screen does. A count too small to show
    is written as an empty cell, never as 0.
    """

    def cells(row: dict[str, Any]) -> list[Any]:
        label = (row.get("label") or {}).get(language) or skills.label(row["skill"], language)
        category = str(row.get("category") or "")
        return [label, *(row.get(name) for name in MAP_COUNTS), category_name(category) if category else ""]

    return spreadsheet.csv_bytes(list(headers), (cells(row) for row in body.get("skills", [])))


# --- the network for one quarter ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """One arrow of the network: `weight` tasks of site `source` solved by people of `target`."""

    source: str
    target: str
    weight: int


def links_in(body: dict[str, Any], quarter: str | None) -> list[Link]:
    """The links of one quarter (None: the whole time), heaviest first."""
    found = []
    for edge in body.get("edges", []):
        weight = edge["weight"] if quarter is None else edge.get("quarters", {}).get(quarter, 0)
        if weight:
            found.append(Link(edge["source"], edge["target"], int(weight)))
    return sorted(found, key=lambda link: (-link.weight, link.source, link.target))


def node_size(node: dict[str, Any], quarter: str | None) -> tuple[int, int]:
    """(tasks posted, tasks solved) by one site in a quarter (None: the whole time)."""
    if quarter is None:
        return int(node.get("posted_total", 0)), int(node.get("solved_total", 0))
    return int(node.get("posted", {}).get(quarter, 0)), int(node.get("solved", {}).get(quarter, 0))


def network_span(body: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The quarters the network's slider stops at ("YYYY-Qn") and the months its chart draws, over one time.

    The server's `quarters` (those with a task posted or solved) may begin before
    `new_links` (the links the viewer may see, from the first month one was new
    through the month computed in): a site manager's slider began a quarter before
    her chart (a try-out). Both cover every quarter from the earlier start to the
    later end, none skipped; the chart begins with the first month of the first
    quarter, months before the first new link counting 0. An answer without new
    links keeps an empty chart.
    """
    months = [dict(m) for m in body.get("new_links", [])]
    known = {parsed for q in body.get("quarters", []) if (parsed := parse_quarter(q)) is not None}
    if months:
        known |= {quarter_of(months[0]["month"]), quarter_of(months[-1]["month"])}
    if not known:
        return [], months
    (year, number), last = min(known), max(known)
    first_year, first_number = year, number
    quarters = []
    while (year, number) <= last:
        quarters.append(quarter_name(year, number))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    if months:
        year, month = first_year, 3 * first_number - 2
        before = []
        while f"{year:04d}-{month:02d}" < months[0]["month"]:
            before.append({"month": f"{year:04d}-{month:02d}", "links": 0})
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        months = before + months
    return quarters, months


# --- invitations ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MyInvitation:
    """An invitation to bid that the person got, with what My page shows of its task."""

    invitation: Invitation
    task_title: str
    task_status: str
    invited_by: str  # a name


def invitations_for(store: Store, person_id: str) -> list[MyInvitation]:
    """Invitations to bid that `person_id` received, newest first."""
    return [
        MyInvitation(
            invitation=Invitation.from_row(row),
            task_title=row["task_title"] or "",
            task_status=row["task_status"] or "",
            invited_by=row["inviter"] or "?",
        )
        for row in store.rows(
            "SELECT i.*, t.title AS task_title, t.status AS task_status, p.name AS inviter "
            "FROM invitations i LEFT JOIN tasks t ON t.id = i.task_id "
            "LEFT JOIN people p ON p.id = i.invited_by "
            "WHERE i.person_id = ? ORDER BY i.created_at DESC",
            (person_id,),
        )
    ]


def invitation_on(store: Store, task_id: str, person_id: str) -> MyInvitation | None:
    """The invitation `person_id` has to bid on one task, if any (the task view shows it)."""
    return next((i for i in invitations_for(store, person_id) if i.invitation.task_id == task_id), None)


def open_tasks_i_manage(store: Store, person: Person) -> list[Task]:
    """Open tasks `person` may invite people to bid on, newest first."""
    # Narrowed in SQL (a store may hold 100,000 tasks), decided by the one rule.
    rows = store.rows(
        "SELECT * FROM tasks WHERE status = ? AND (? OR poster_id = ? OR site_id = ?) "
        "ORDER BY created_at DESC LIMIT 500",
        (TaskStatus.OPEN.value, person.is_admin, person.id, person.home_site_id or ""),
    )
    return [t for t in (Task.from_row(r) for r in rows) if manages_task(person, t)]
