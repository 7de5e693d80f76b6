"""The own-data export as a page a person can read: their language, names instead of ids, readable dates.

Made from the very rows of the JSON export (`personal_data.export`), which
stays as it is, for machines. Here each table gets a heading and its
description in the reader's language, each column a name in that language,
ids of people, sites, tasks, companies and devices the names the server has
for them (the id stays on the cell as a tooltip), skills their catalogue
names, times and dates as people write them, yes/no for flags.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

from desktop.core import eligibility, skills
from desktop.core.entities import (
    Audience,
    BidStatus,
    Evidence,
    InvitationMail,
    InvitationStatus,
    PersonKind,
    Role,
    TaskStatus,
)
from desktop.core.text import Sentence, local_moment, sentence, translate
from sync.server import personal_data
from sync.server.storage import Session

# Each table of the export under a heading of its own (personal_data.HOLDINGS; a test checks all have one).
TABLES: dict[str, Sentence] = {
    "people": sentence("Your profile"),
    "accounts": sentence("Your login"),
    "person_skills": sentence("Skills"),
    "endorsements": sentence("Endorsements"),
    "tasks": sentence("Tasks"),
    "bids": sentence("Bids"),
    "comments": sentence("Comments"),
    "member_invitations": sentence("Invitations to join Knop"),
    "person_credentials": sentence("Credentials"),
    "devices": sentence("Your own computer"),
    "task_requirements": sentence("Task requirements"),
    "invitations": sentence("Invitations to bid"),
    "notice_reads": sentence("Notifications read"),
    "person_settings": sentence("Settings"),
    "saved_searches": sentence("Saved searches"),
    "mail_outbox": sentence("E-mails"),
    "tokens": sentence("Logins"),
    "operations": sentence("Changes sent"),
    "guideline_acceptances": sentence("Guidelines accepted"),
    "audit_events": sentence("Audit trail"),
}

# Every column an export holds, named for people (a test checks every exported column has a name).
COLUMNS: dict[str, Sentence] = {
    "id": sentence("Id"),
    "name": sentence("Name"),
    "username": sentence("Username"),
    "home_site_id": sentence("Home site"),
    "role": sentence("Role"),
    "kind": sentence("Kind"),
    "email": sentence("E-mail"),
    "title": sentence("Title"),
    "languages": sentence("Languages"),
    "availability": sentence("Availability"),
    "active": sentence("Active"),
    "version": sentence("Version"),
    "phone": sentence("Phone"),
    "company_id": sentence("Company"),
    "organisation_id": sentence("Municipality"),
    "person_id": sentence("Person"),
    "updated_at": sentence("Changed"),
    "skill": sentence("Skill"),
    "evidence": sentence("Evidence"),
    "task_id": sentence("Task"),
    "confirmed_by": sentence("Confirmed by"),
    "added_at": sentence("Added"),
    "private": sentence("Private"),
    "endorsed_by": sentence("Endorsed by"),
    "created_at": sentence("Created"),
    "site_id": sentence("Site"),
    "poster_id": sentence("Posted by"),
    "description": sentence("Description"),
    "skills": sentence("Skills"),
    "effort_hours": sentence("Effort (hours)"),
    "starts_on": sentence("Starts"),
    "ends_on": sentence("Ends"),
    "bid_deadline": sentence("Bid deadline"),
    "place": sentence("Place"),
    "seats": sentence("Seats"),
    "audience": sentence("Audience"),
    "status": sentence("Status"),
    "bid_count": sentence("Bids"),
    "accepted_count": sentence("Accepted"),
    "updated_by": sentence("Changed by"),
    "published_at": sentence("Published"),
    "start_time": sentence("From (time)"),
    "end_time": sentence("To (time)"),
    "repeats": sentence("Repeats"),
    "outsiders": sentence("Outsiders"),
    "bidder_id": sentence("Bidder"),
    "message": sentence("Message"),
    "hours": sentence("Hours"),
    "decision_message": sentence("Reply to the bid"),
    "decided_by": sentence("Decided by"),
    "decided_at": sentence("Decided"),
    "lending": sentence("Lending"),
    "lending_decided_by": sentence("Lending decided by"),
    "lending_decided_at": sentence("Lending decided"),
    "worked_hours": sentence("Hours worked"),
    "hours_confirmed_by": sentence("Hours confirmed by"),
    "hours_confirmed_at": sentence("Hours confirmed"),
    "warnings": sentence("Warnings"),
    "author_id": sentence("Written by"),
    "body": sentence("Text"),
    "expires_at": sentence("Expires"),
    "approved_by": sentence("Approved by"),
    "invited_by": sentence("Invited by"),
    "company_name": sentence("Company name"),
    "company_cvr": sentence("CVR number"),
    "mail": sentence("Invitation e-mail"),
    "credential": sentence("Credential"),
    "verified_by": sentence("Verified by"),
    "issued_on": sentence("Issued"),
    "expires_on": sentence("Valid until"),
    "verified_at": sentence("Verified"),
    "enrolled_at": sentence("Enrolled"),
    "revoked_at": sentence("Revoked"),
    "requirements": sentence("Requirements"),
    "paid_staff_work": sentence("Paid staff's work"),
    "notice_id": sentence("Notification"),
    "read_at": sentence("Read"),
    "preferences": sentence("Preferences"),
    "filters": sentence("Filters"),
    "mode": sentence("How sent"),
    "facts": sentence("Details"),
    "due_at": sentence("Due"),
    "sent_at": sentence("Sent"),
    "attempts": sentence("Attempts"),
    "device_id": sentence("Device"),
    "received_at": sentence("Received"),
    "result": sentence("Result"),
    "accepted_at": sentence("Accepted"),
    "at": sentence("When"),
    "actor_id": sentence("Done by"),
    "operation": sentence("Operation"),
    "entity_id": sentence("Concerning"),
    "summary": sentence("Summary"),
    "outcome": sentence("Outcome"),
    "reason": sentence("Reason"),
}

_TASK_STATUSES: dict[str, Sentence] = {
    TaskStatus.DRAFT: sentence("Draft"),
    TaskStatus.OPEN: sentence("Open for bids"),
    TaskStatus.CLOSED: sentence("Closed for bids"),
    TaskStatus.ASSIGNED: sentence("All seats filled"),
    TaskStatus.DONE: sentence("Done"),
    TaskStatus.CANCELLED: sentence("Cancelled"),
}
_KINDS: dict[str, Sentence] = {
    PersonKind.EMPLOYEE: sentence("Employee"),
    PersonKind.VOLUNTEER: sentence("Volunteer"),
    PersonKind.CITIZEN: sentence("Citizen"),
    PersonKind.COMPANY: sentence("Company"),
}
# Stored words shown in the reader's language, per (table, column): "staff" is "Medarbejder",
# a task's "open" is "Åben for bud". The words are the screens' own (ui/wording.py, ui/reach.py),
# so the page and the app say the same. A value not listed shows as stored.
VALUES: dict[tuple[str, str], dict[str, Sentence]] = {
    ("people", "role"): {
        Role.STAFF: sentence("Staff"),
        Role.SITE_MANAGER: sentence("Site manager"),
        Role.ADMIN: sentence("Administrator"),
        Role.EXTERNAL: sentence("External contributor"),
    },
    ("people", "kind"): _KINDS,
    ("member_invitations", "kind"): _KINDS,
    ("tasks", "status"): _TASK_STATUSES,
    ("tasks", "audience"): {
        Audience.SITE: sentence("Own site only"),
        Audience.ORGANISATION: sentence("The whole organisation"),
        Audience.ORGANISATIONS: sentence("Other municipalities"),
        Audience.EXTERNAL: sentence("Also volunteers, citizens and companies"),
    },
    ("bids", "status"): {
        BidStatus.PENDING: sentence("Awaiting decision"),
        BidStatus.ACCEPTED: sentence("Accepted"),
        BidStatus.DECLINED: sentence("Declined"),
        BidStatus.WITHDRAWN: sentence("Withdrawn"),
    },
    ("person_skills", "evidence"): {
        Evidence.SELF_DECLARED: sentence("Self-declared"),
        Evidence.TASK: sentence("Shown in a finished task"),
    },
    # Not "Sent": on a server with no mail server nothing is (a try-out); the e-mail has its own column.
    ("member_invitations", "status"): {
        InvitationStatus.AWAITING_APPROVAL: sentence("Waiting for approval"),
        InvitationStatus.PENDING: sentence("Not taken up yet"),
        InvitationStatus.ACCEPTED: sentence("Accepted"),
        InvitationStatus.REVOKED: sentence("Withdrawn"),
    },
    ("member_invitations", "mail"): {
        InvitationMail.NO_MAIL_SERVER: sentence("Not sent: no mail server"),
        InvitationMail.QUEUED: sentence("Being sent by e-mail"),
        InvitationMail.SENT: sentence("Sent by e-mail"),
        InvitationMail.FAILING: sentence("Not sent yet: the mail server fails"),
    },
}

FLAGS = frozenset({"active", "private", "paid_staff_work"})
DATES = frozenset({"starts_on", "ends_on", "issued_on", "expires_on", "bid_deadline"})
# Which table names what an id column points at: (table, its name column).
NAMED_BY: dict[str, tuple[str, str]] = {
    "site_id": ("sites", "name"),
    "home_site_id": ("sites", "name"),
    "task_id": ("tasks", "title"),
    "company_id": ("companies", "name"),
    "organisation_id": ("organisations", "name"),
    "device_id": ("devices", "name"),
}
# Columns that hold a person's id without saying so in their name.
ALSO_PEOPLE = frozenset({"entity_id"})


def _names_column(column: str) -> tuple[str, str] | None:
    if personal_data.names_a_person(column) or column in ALSO_PEOPLE:
        return ("people", "name")
    return NAMED_BY.get(column)


def names(session: Session, export: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """{(table, id): name} for every id in the export's rows that points at a named thing.

    Read in the export's own transaction; an id nothing is named by (a task
    deleted since, say) is simply not in the answer and stays an id.
    """
    wanted: dict[tuple[str, str], set[str]] = {}
    for found in export["tables"].values():
        for row in found["rows"]:
            for column, value in row.items():
                target = _names_column(column)
                if target is not None and isinstance(value, str) and value:
                    wanted.setdefault(target, set()).add(value)
    known: dict[tuple[str, str], str] = {}
    for (table, name_column), ids in wanted.items():
        chosen = sorted(ids)
        for start in range(0, len(chosen), 500):
            batch = chosen[start:start + 500]
            marks = ", ".join("?" for _ in batch)
            for row in session.rows(f"SELECT id, {name_column} AS shown FROM {table} WHERE id IN ({marks})", batch):
                if row["shown"]:
                    known[(table, str(row["id"]))] = str(row["shown"])
    return known


def _moment(value: str, language: str) -> str:
    local = local_moment(value) if len(value) > 10 else None
    if local is None:
        return _date(value, language)
    return translate(language, "{date} at {at}", date=_date(local.date().isoformat(), language), at=local.strftime("%H:%M"))


def _date(value: str, language: str) -> str:
    """A stored date (2026-11-30) in the order the language writes dates ("30.11.2026" in Danish)."""
    parts = value.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return value
    # The order is translatable: yyyy, MM and dd stand for the year, month and day.
    pattern = translate(language, "yyyy-MM-dd")
    return pattern.replace("yyyy", parts[0]).replace("MM", parts[1]).replace("dd", parts[2])


def cell(
    column: str, value: Any, language: str, known: Mapping[tuple[str, str], str], table: str = ""
) -> tuple[str, str]:
    """(what the cell shows, its tooltip: the stored value where the shown one is a name for it).

    `table` names the row's table, for the columns whose stored words mean
    something per table (`VALUES`: a task's and a bid's "status").
    """
    if value is None or value == "":
        return "", ""
    words = VALUES.get((table, column), {})
    if isinstance(value, str) and value in words:
        return words[value].text(language), value
    if column == "credential" and isinstance(value, str) and value in eligibility.BY_ID:
        return eligibility.BY_ID[value].name().text(language), value
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:  # a list kept as JSON text (skills, languages): shown as the list it is
            value = json.loads(value)
        except ValueError:
            pass
    target = _names_column(column)
    if target is not None and isinstance(value, str):
        named = known.get((target[0], value))
        return (named, value) if named else (value, "")
    if column in FLAGS:
        return (translate(language, "yes") if value else translate(language, "no")), ""
    if column == "skill" and isinstance(value, str):
        return skills.label(value, language), value
    if column == "skills" and isinstance(value, list):
        return ", ".join(skills.label(str(s), language) for s in value), ""
    if isinstance(value, str) and (column == "at" or column.endswith("_at")):
        return _moment(value, language), value
    if isinstance(value, str) and column in DATES:
        return _date(value, language), ""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return (text.replace(".", ",") if language == "da" else text), ""
    if isinstance(value, str):
        return value, ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value), ""
    return json.dumps(value, ensure_ascii=False), ""


def page(
    export: Mapping[str, Any], name: str, language: str, known: Mapping[tuple[str, str], str]
) -> str:
    """The export as one self-contained HTML page: a heading, what it is, and a table per kind of row.

    `language` is "da" or "en"; `known` is `names(...)` of the same export.
    """
    title = translate(language, "Everything Knop holds about {name}", name=name)
    intro = translate(
        language,
        "Made by the Knop server on {at}. The JSON file beside it holds the same rows.",
        at=_moment(str(export["generated_at"]), language),
    )
    none = translate(language, "No rows of this kind.")
    parts = [
        "<!doctype html>",
        f'<html lang="{html.escape(language)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}</style>",
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>",
    ]
    for table, found in export["tables"].items():
        heading = TABLES[table].text(language) if table in TABLES else table
        about = translate(language, found["about"])
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(about)}</p>")
        rows = found["rows"]
        if not rows:
            parts.append(f"<p><em>{html.escape(none)}</em></p>")
            continue
        columns = list(rows[0])
        parts.append("<table><tr>" + "".join(f"<th>{html.escape(_column(c, language))}</th>" for c in columns) + "</tr>")
        for row in rows:
            parts.append("<tr>" + "".join(_td(*cell(c, row.get(c), language, known, table)) for c in columns) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _column(column: str, language: str) -> str:
    return COLUMNS[column].text(language) if column in COLUMNS else column


def _td(shown: str, stored: str) -> str:
    tip = f' title="{html.escape(stored)}"' if stored and stored != shown else ""
    return f"<td{tip}>{html.escape(shown)}</td>"


def unnamed_columns(columns: Iterable[str]) -> list[str]:
    """The columns among `columns` that have no name for people yet (for the test that keeps COLUMNS whole)."""
    return sorted(set(columns) - set(COLUMNS))
