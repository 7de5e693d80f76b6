"""Where the server keeps data about a person: one table that export and erasure both follow.

Every table of the server's schema is either a `Holding` (it holds rows about
people, and names the columns that point at a person) or is listed in
`NOT_PERSONAL` with the reason it holds none. tests/server/test_personal_data.py
reads the real schema of a migrated database and fails when a table is in
neither, or when a column that names a person (`*_by`, `person_id`,
`author_id`, ...) is not among its holding's columns: a new table or column
with person data cannot be added without deciding how it is exported and erased.

What a person gets (`export`): every row of every holding that names them,
secrets (password and token hashes) left out. What erasure does beyond the
`person.erase` operation's own rules (`desktop.core.erasure`): `forget` deletes
the rows of holdings marked `ERASE_DELETE`, pseudonymises the login, and
replaces the person's name wherever the server quoted it in stored text
(answers to operations, queued mail).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from collections.abc import Iterable, Mapping
from typing import Any

from desktop.core import erasure
from desktop.core.entities import PERSONAL, SYNCED, Entity, Person
from desktop.core.operations import Change
from sync.server import feed
from sync.server.storage import Session

# What happens to a holding's rows when the person is erased.
ERASE_BY_OPERATION = "operation"  # the person.erase rules (desktop.core.erasure.SCRUBS) rewrite them
ERASE_KEEP = "keep"  # kept, pointing at the pseudonymous id: the audit trail and the counts need them
ERASE_DELETE = "delete"  # deleted: they served the person alone (logins, mail to them)
ERASE_ACCOUNT = "account"  # the login: username pseudonymised, password removed


@dataclass(frozen=True, slots=True)
class Holding:
    """A table with rows about people.

    `columns` are the columns whose value is a person's id (a row is the
    person's when any of them names them); `secret` columns are never
    exported (hashes a person has no use for and nobody may see); `erase` is
    one of the ERASE_* words; `why` says in a sentence what the rows are, for
    the data-protection page and the export; `not_people` are columns whose
    names sound like a person (`names_a_person`) but that hold something else.
    """

    table: str
    columns: tuple[str, ...]
    erase: str
    why: str
    secret: tuple[str, ...] = ()
    not_people: tuple[str, ...] = ()


HOLDINGS: tuple[Holding, ...] = (
    Holding("people", ("id",), ERASE_BY_OPERATION, "Profile: name, username, e-mail, title, site, role."),
    Holding(
        "accounts", ("person_id",), ERASE_ACCOUNT, "Login name; the password only as a hash.",
        secret=("password_hash",),
    ),
    Holding(
        "person_skills", ("person_id", "confirmed_by"), ERASE_KEEP,
        "Skills on the profile and their evidence.",
    ),
    Holding(
        "endorsements", ("person_id", "endorsed_by"), ERASE_KEEP,
        "Skills confirmed by a task's manager, given and received.",
    ),
    Holding("tasks", ("poster_id", "updated_by"), ERASE_KEEP, "Tasks posted or last changed."),
    Holding(
        "bids", ("bidder_id", "decided_by", "lending_decided_by", "hours_confirmed_by"), ERASE_BY_OPERATION,
        "Bids made, decisions on bids, approvals of lending and confirmed hours.",
    ),
    Holding("comments", ("author_id",), ERASE_BY_OPERATION, "Comments written on tasks."),
    Holding(
        "member_invitations", ("person_id", "invited_by", "approved_by"), ERASE_BY_OPERATION,
        "Invitations to join Knop: the invitee's name and e-mail, who invited and who approved.",
        secret=("code_hash",),
    ),
    Holding(
        "person_credentials", ("person_id", "verified_by"), ERASE_BY_OPERATION,
        "Credentials held (child-protection certificate, ...), their dates and who verified them.",
    ),
    Holding(
        "devices", ("person_id",), ERASE_DELETE,
        "An outsider's own computer, enrolled with their invitation (IT's devices name nobody).",
        secret=("secret_hash",),
    ),
    Holding(
        "task_requirements", ("updated_by",), ERASE_KEEP, "Who last set a task's requirements.",
    ),
    Holding(
        "invitations", ("person_id", "invited_by"), ERASE_BY_OPERATION,
        "Invitations to bid, received and sent.",
    ),
    Holding("notice_reads", ("person_id",), ERASE_BY_OPERATION, "Which notifications were read."),
    Holding("person_settings", ("person_id",), ERASE_BY_OPERATION, "Personal settings."),
    Holding("saved_searches", ("person_id",), ERASE_BY_OPERATION, "Saved board searches."),
    Holding(
        "mail_outbox", ("person_id",), ERASE_DELETE, "E-mail notifications queued or sent.",
        secret=("claimed_by", "claimed_until", "last_error"),
        not_people=("claimed_by",),  # the sending server process
    ),
    Holding(
        "tokens", ("person_id",), ERASE_DELETE, "Logins: on which device, from when to when.",
        secret=("token_hash",),
    ),
    Holding(
        "operations", ("author_id",), ERASE_KEEP,
        "Every change sent from a device: what kind, when, from which device.",
        secret=("content_hash",),
    ),
    Holding(
        "guideline_acceptances", ("person_id",), ERASE_KEEP,
        "Which version of the organisation's guidelines was accepted, and when.",
    ),
    Holding(
        "audit_events", ("actor_id", "entity_id"), ERASE_KEEP,
        "The audit trail: what the person did, and what was done to their profile.",
    ),
)

# Tables that hold nothing about any one person, and why.
NOT_PERSONAL: dict[str, str] = {
    "organisations": "the organisation's name",
    "sites": "the organisation's workplaces",
    "companies": "companies' names and CVR numbers, public in the company register; their contacts are people",
    "guidelines": "the organisation's published guidelines; who published them is in the audit trail",
    "enrolment_codes": "one-time codes for enrolling machines",
    "login_throttle": "failed-login counters for minutes; cleared for an erased login (`forget`)",
    "changes": "the change feed: copies of the rows above, replaced by every change to them",
    "meta": "the server's own settings",
    "schema_migrations": "which schema steps ran",
    "generations": "the feed's history of server starts",
    "insight_snapshots": "aggregate counts per site, skill and month; no person's id",
}

# Column names that point at a person wherever they appear (besides any "*_by").
_PERSON_COLUMN = re.compile(r"^(person_id|.*_person_id|actor_id|author_id|bidder_id|poster_id|.*_by)$")


def names_a_person(column: str) -> bool:
    """True for a column whose name says it holds a person's id (`approved_by`, `author_id`)."""
    return bool(_PERSON_COLUMN.match(column))


def holding(table: str) -> Holding:
    """The holding for `table`; KeyError when it holds no person data."""
    for found in HOLDINGS:
        if found.table == table:
            return found
    raise KeyError(table)


def rows_of(session: Session, item: Holding, person_id: str) -> list[dict[str, Any]]:
    """`item`'s rows that name `person_id`, secrets left out, in a stable order."""
    where = " OR ".join(f"{column} = ?" for column in item.columns)
    rows = session.rows(f"SELECT * FROM {item.table} WHERE {where}", [person_id] * len(item.columns))
    found = [{k: v for k, v in row.items() if k not in item.secret} for row in rows]
    return sorted(found, key=lambda row: [str(row[k]) for k in sorted(row)])


def export(session: Session, person_id: str) -> dict[str, Any]:
    """Everything the server holds about `person_id`: {"person_id", "tables": {table: {"about", "rows"}}}.

    Every holding appears, with an empty list where the person has no rows,
    so a reader sees what was looked for as well as what was found.
    """
    return {
        "person_id": person_id,
        "tables": {
            item.table: {"about": item.why, "rows": rows_of(session, item, person_id)}
            for item in HOLDINGS
        },
    }




def forget(session: Session, before: Person) -> None:
    """What the server keeps outside the synced rows, brought in line with `before`'s erasure.

    `before` is the person as they were (their name is needed to find where it
    was quoted). Runs in the erasing operation's transaction.
    """
    person_id = before.id
    username = session.value("SELECT username FROM accounts WHERE person_id = ?", (person_id,))
    for item in HOLDINGS:
        if item.erase == ERASE_DELETE:
            for column in item.columns:
                session.execute(f"DELETE FROM {item.table} WHERE {column} = ?", (person_id,))
    session.execute(
        "UPDATE accounts SET username = ?, password_hash = NULL WHERE person_id = ?",
        (erasure.username_pseudonym(person_id), person_id),
    )
    if username:
        session.execute("DELETE FROM login_throttle WHERE subject = ?", (f"user:{username}",))
    _forget_tombstones(session, person_id)
    if before.name and before.name != erasure.pseudonym(person_id):
        _unquote(session, before.name, erasure.pseudonym(person_id))


def _forget_tombstones(session: Session, person_id: str) -> None:
    """Tombstones of the person's own rows deleted earlier carry those rows: empty them too."""
    found = session.execute(
        "SELECT seq, body FROM changes WHERE deleted = ? AND viewers LIKE ?",
        (True, f"%|{person_id}|%"),
    ).fetchall()
    for seq, body in found:
        change = json.loads(body)
        cls = SYNCED.get(change["table"])
        if cls is None or cls not in PERSONAL:
            continue
        empty = erasure.emptied(cls.from_row(change["row"]))
        session.execute(  # the values beside the body too: a page in columns is made of them
            "UPDATE changes SET body = ?, row_values = ?, row_shape = ? WHERE seq = ?",
            (*feed.stored(empty, True), seq),
        )


def _unquote(session: Session, name: str, pseudonym: str) -> None:
    """Where the server quoted the person to others: refusals ("Anna accepted ...") and mail.

    A mail caused by the person names them as its author ("who"; "inviter" in
    an invitation) and quotes what they wrote as "message"; the name becomes
    the pseudonym and the quote goes. (An invitation still queued when its
    inviter was erased kept the inviter's message: the test of erasure saw it
    whenever the mail had not gone out yet.)
    """
    quoted = json.dumps(name, ensure_ascii=False)[1:-1]  # as it appears inside stored JSON
    session.execute(
        "UPDATE operations SET result = replace(result, ?, ?) WHERE result LIKE ?",
        (quoted, pseudonym, f"%{quoted}%"),
    )
    # A refusal recorded in the audit trail quotes its sentence and facts the same way.
    for column in ("summary", "facts"):
        session.execute(
            f"UPDATE audit_events SET {column} = replace({column}, ?, ?) WHERE {column} LIKE ?",
            (quoted, pseudonym, f"%{quoted}%"),
        )
    rows = session.execute(
        "SELECT id, facts FROM mail_outbox WHERE facts LIKE ?", (f"%{quoted}%",)
    ).fetchall()
    for mail_id, text in rows:
        facts = json.loads(text)
        for author in ("who", "inviter"):
            if facts.get(author) == name:
                facts[author], facts["message"] = pseudonym, ""
        clean = json.loads(json.dumps(facts, ensure_ascii=False).replace(quoted, pseudonym))
        session.execute(
            "UPDATE mail_outbox SET facts = ? WHERE id = ?",
            (json.dumps(clean, ensure_ascii=False), mail_id),
        )


def follow(
    session: Session, changes: Iterable[Change], before: Mapping[tuple[str, str], Entity | None]
) -> None:
    """Forget (`forget`) every person these changes erased; `before` holds the rows as they were."""
    for change in changes:
        person = change.entity
        if isinstance(person, Person) and not change.deleted and erasure.is_erased(person):
            prior = before.get((person.table, person.key_value()))
            forget(session, prior if isinstance(prior, Person) else person)
