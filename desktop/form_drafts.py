"""What a person has half typed in a bid or a comment, kept on this machine until it is sent.

A bid or a comment is typed into a text box that a lock, a switch of user,
going back to the board or a crash would otherwise throw away. The screen
keeps the box's fields here as the person types (`keep`), brings them back
when the same person opens the same task again (`kept`), and forgets them
once the bid or comment is queued (`forget`). Like the task form's drafts
(`desktop.task_editing`), they are never sent and nobody else sees them: every
row names its person, and only that person's rows are read.

`form` says which box ("bid", "comment"), `subject` what it is about (a task id).
"""

from __future__ import annotations

import json
from typing import Any

from desktop.core.ids import utc_now
from desktop.store import Store


def keep(store: Store, person_id: str, form: str, subject: str, fields: dict[str, Any]) -> None:
    """Keep `fields` (JSON-serialisable) as the person's draft of `form` about `subject`."""
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    with store.transaction():
        store.execute(
            "INSERT INTO form_drafts (person_id, form, subject, fields, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, form, subject) "
            "DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at",
            (person_id, form, subject, text, utc_now()),
        )


def kept(store: Store, person_id: str, form: str, subject: str) -> dict[str, Any] | None:
    """The person's draft of `form` about `subject`; None when there is none or it is damaged."""
    found = store.rows(
        "SELECT fields FROM form_drafts WHERE person_id = ? AND form = ? AND subject = ?",
        (person_id, form, subject),
    )
    if not found:
        return None
    try:
        fields = json.loads(found[0]["fields"])
    except ValueError:
        return None  # a damaged draft is not worth an error; the box starts empty
    return fields if isinstance(fields, dict) else None


def forget(store: Store, person_id: str, form: str, subject: str) -> None:
    """Forget the person's draft of `form` about `subject` (nothing if there is none)."""
    with store.transaction():
        store.execute(
            "DELETE FROM form_drafts WHERE person_id = ? AND form = ? AND subject = ?",
            (person_id, form, subject),
        )
