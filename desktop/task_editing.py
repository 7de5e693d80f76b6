"""Writing a task: where one may post, what is wrong with a field, what an edit changed, drafts.

The task form must judge fields by the same rules the operations use, or it
would let people type something the server then refuses (or refuse something
the server would take). So field checks here run the very schema that
`task.create` runs, one field at a time, and return `Rejection`s whose
`facts["field"]` says which field they are about.

Drafts: a manager writing a task on a shared staff-room PC is interrupted
all the time. "Save as draft" keeps what they typed in the local store's
`drafts` table, so it is there when they open the form again, after a restart
too. A local draft is not an operation: it is never sent, nobody else sees it,
and it goes away when the task is published or saved. An edit's draft also
keeps `base`, the task's values when the person began editing, so that when
they come back days later `task.edit` still tells the server what they saw.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.core import permissions, skills
from desktop.core.entities import Person, Site, Task
from desktop.core.ids import utc_now
from desktop.core.operations import OPERATIONS
from desktop.core.payload import check
from desktop.core.rejection import Rejection
from desktop.store import Store

# The fields a task form shows, in the order it shows them.
FORM_FIELDS: tuple[str, ...] = Task.EDITABLE

# Reasons that concern one field although their facts do not name it.
_REASON_FIELDS: dict[str, str] = {
    "dates.order": "ends_on",
    "task.audience_locked": "audience",
    "task.seats_below_accepted": "seats",
    "skill.unknown": "skills",
    "task.wrong_site": "site_id",
    "site.unknown": "site_id",
}


@dataclass(frozen=True, slots=True)
class FormStart:
    """What the task form needs to open: the task (None for a new one) and where one may post."""

    task: Task | None
    sites: list[Site]
    default_site_id: str | None
    draft: TaskDraft | None = None


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """A form's unsaved values, kept in the store across restarts.

    `values` are the form's fields as typed; `base` the task's values when editing
    began, which `task.edit` sends so the server knows what the person saw;
    `updated_at` is ISO 8601 UTC.
    """

    key: str
    values: dict[str, Any]
    base: dict[str, Any] = field(default_factory=dict)
    updated_at: str = ""


def form_start(store: Store, person: Person, task_id: str | None) -> FormStart:
    """The task to edit (if the person manages it), the sites they may post for, their draft."""
    task = store.get(Task, task_id) if task_id else None
    if task is not None and not permissions.manages_task(person, task):
        task = None
    everywhere = store.fetch(Site, "1 = 1 ORDER BY name")
    sites = [s for s in everywhere if permissions.can_post_for(person, s.id)]
    if task is not None and all(s.id != task.site_id for s in sites):
        sites = [s for s in everywhere if s.id == task.site_id] + sites
    default = person.home_site_id if any(s.id == person.home_site_id for s in sites) else None
    if default is None and sites:
        default = sites[0].id
    return FormStart(
        task=task,
        sites=sites,
        default_site_id=default,
        draft=load_draft(store, draft_key(person.id, task_id)),
    )


# --- checking fields ----------------------------------------------------------


def field_problems(values: Mapping[str, Any]) -> dict[str, Rejection]:
    """What the operation rules would refuse in these form values, by field.

    Cheap and free of the database, so the form can call it on every keystroke.
    """
    schema = OPERATIONS["task.create"].schema
    problems: dict[str, Rejection] = {}
    for name, value in values.items():
        spec = schema.get(name)
        if spec is None:
            continue
        try:
            check({name: spec}, {name: value})
        except Rejection as rejection:
            problems[name] = rejection
    if "skills" not in problems:
        for skill in values.get("skills") or []:
            if not skills.is_known(skill):
                problems["skills"] = Rejection("skill.unknown", skill=skill)
                break
    start, end = values.get("starts_on"), values.get("ends_on")
    if start and end and "starts_on" not in problems and "ends_on" not in problems and end < start:
        problems["ends_on"] = Rejection("dates.order")
    return problems


def fields_of(rejection: Rejection) -> list[str]:
    """The form fields a rejection is about; empty when it concerns the task as a whole."""
    named = rejection.facts.get("field")
    if isinstance(named, str):
        return [named]
    many = rejection.facts.get("fields")
    if isinstance(many, list):
        return [f for f in many if isinstance(f, str)]
    found = _REASON_FIELDS.get(rejection.reason)
    return [found] if found else []


# --- what an edit changed -----------------------------------------------------


def task_values(task: Task) -> dict[str, Any]:
    """The editable values of a task, as the form holds them."""
    return {name: _plain(getattr(task, name)) for name in FORM_FIELDS}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def edit_payload(
    task_id: str, values: Mapping[str, Any], base: Mapping[str, Any]
) -> dict[str, Any] | None:
    """A `task.edit` payload with only the fields the person changed, and what they saw.

    None when nothing changed: sending an empty edit would only bump versions.
    """
    changes = {
        name: values[name]
        for name in FORM_FIELDS
        if name in values and values[name] != base.get(name)
    }
    if not changes:
        return None
    return {
        "task_id": task_id,
        "changes": changes,
        "base": {name: base.get(name) for name in changes},
    }


def create_payload(
    task_id: str, site_id: str, values: Mapping[str, Any], *, publish: bool
) -> dict[str, Any]:
    """The `task.create` payload for the form's values (empty dates left out); `publish` opens it."""
    payload = {name: values[name] for name in FORM_FIELDS if name in values}
    # Empty dates are simply left out; a new task has none to clear.
    payload = {k: v for k, v in payload.items() if v is not None}
    return {"task_id": task_id, "site_id": site_id, "publish": publish, **payload}


# --- drafts -------------------------------------------------------------------


def draft_key(person_id: str, task_id: str | None) -> str:
    """One draft for a new task per person, and one per task being edited.

    The person is part of the key because people share machines: a draft must
    never open under someone else's name.
    """
    return f"edit:{person_id}:{task_id}" if task_id else f"new:{person_id}"


def load_draft(store: Store, key: str) -> TaskDraft | None:
    """The draft under `key`, or None when there is none or it is damaged (then it starts afresh)."""
    found = store.rows("SELECT id, fields, updated_at FROM drafts WHERE id = ?", (key,))
    if not found:
        return None
    try:
        saved = json.loads(found[0]["fields"])
    except ValueError:
        return None  # a damaged draft is not worth an error dialog; start afresh
    if not isinstance(saved, dict):
        return None
    return TaskDraft(
        key=key,
        values=dict(saved.get("values") or {}),
        base=dict(saved.get("base") or {}),
        updated_at=found[0]["updated_at"],
    )


def save_draft(
    store: Store, key: str, values: Mapping[str, Any], base: Mapping[str, Any]
) -> TaskDraft:
    """Keep the form's values (JSON-serialisable) under `key`, replacing any earlier draft."""
    draft = TaskDraft(key=key, values=dict(values), base=dict(base), updated_at=utc_now())
    text = json.dumps({"values": draft.values, "base": draft.base}, ensure_ascii=False)
    with store.transaction():
        store.execute(
            "INSERT INTO drafts (id, fields, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET fields = excluded.fields, "
            "updated_at = excluded.updated_at",
            (key, text, draft.updated_at),
        )
    return draft


def discard_draft(store: Store, key: str) -> None:
    """Forget the draft under `key` (nothing if there is none)."""
    with store.transaction():
        store.execute("DELETE FROM drafts WHERE id = ?", (key,))
