"""Names the server told a reader, kept in the reader's own store for reading offline.

The feed shows a person's row only to their own organisation (and to those
whose tasks they work on), so a reader of a task opened to other
municipalities has no row for its poster, nor for a commenter from the task's
municipality. The task view asks the server (`sync.server.poster_api`), which
answers by the task's own visibility rule; what it said is kept here, so that
offline the view still names them instead of "Staff at <site>".

Kept per reader on this PC, in the reader's store (`paths.user_store`), keyed
by the reader as the form drafts are: the next person on a shared PC has a
store of their own and never reads it, and it goes with the rest of the
reader's data when this PC forgets them (`desktop.forgetting`). Each answer
replaces what was kept for the people it names, so an erased person's
pseudonym replaces their name at the next answer. A name goes when no task or
comment in the store shows that person any longer (`forget_unshown`, run by
the pull when the feed removes tasks or comments, and after a resync).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from desktop.core.ids import utc_now
from desktop.store import Store


@dataclass(frozen=True, slots=True)
class ToldName:
    """Someone as the server named them: name, job title and organisation's name ("" if none)."""

    name: str
    title: str = ""
    organisation_name: str = ""


def keep(store: Store, reader_id: str, answer: dict[str, Any]) -> dict[str, ToldName]:
    """Keep what the server said of a task's people (`poster_api.Poster`'s fields); returns it by person id.

    A person named with an empty name (their row is gone on the server) is
    forgotten here too. Malformed entries are skipped, never kept half.
    """
    told: dict[str, ToldName] = {}
    gone: list[str] = []
    entries = [{**answer, "person_id": answer.get("poster_id")}, *(answer.get("comment_authors") or [])]
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("person_id"), str) or not entry["person_id"]:
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            gone.append(entry["person_id"])
            continue
        told[entry["person_id"]] = ToldName(
            name, str(entry.get("title") or ""), str(entry.get("organisation_name") or "")
        )
    now = utc_now()
    with store.transaction():
        for person_id in gone:
            store.execute("DELETE FROM told_names WHERE reader_id = ? AND person_id = ?", (reader_id, person_id))
        for person_id, said in told.items():
            store.execute(
                "INSERT INTO told_names (reader_id, person_id, name, title, organisation_name, told_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reader_id, person_id) DO UPDATE SET "
                "name = excluded.name, title = excluded.title, "
                "organisation_name = excluded.organisation_name, told_at = excluded.told_at",
                (reader_id, person_id, said.name, said.title, said.organisation_name, now),
            )
    return told


# The tables whose rows show a told person (as poster or comment author): when the
# feed removes one, the names kept for it may go (`forget_unshown`).
SHOWN_BY = frozenset({"tasks", "comments"})


def forget_unshown(store: Store) -> int:
    """Forget the names no task or comment in the store shows any longer (every reader's); returns how many.

    A name was told for a task, to name its poster or a comment's author: once
    the last task and comment naming that person have left the store, nothing
    here reads the name again, and the store keeps nobody it has no use for.
    Runs in the caller's transaction (the pull's page); both lookups are indexed.
    """
    return store.execute(
        "DELETE FROM told_names WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.poster_id = told_names.person_id) "
        "AND NOT EXISTS (SELECT 1 FROM comments WHERE comments.author_id = told_names.person_id)"
    ).rowcount


def told_names(store: Store, reader_id: str, person_ids: Iterable[str]) -> dict[str, ToldName]:
    """What the server last told `reader_id` of `person_ids`, by person id (those never told left out)."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    rows = store.execute(
        f"SELECT person_id, name, title, organisation_name FROM told_names "
        f"WHERE reader_id = ? AND person_id IN ({marks})",
        (reader_id, *wanted),
    ).fetchall()
    return {row[0]: ToldName(row[1], row[2], row[3]) for row in rows}
