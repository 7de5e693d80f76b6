"""Why an operation was refused, in a form both machines and people can read.

A `Rejection` carries a typed code (what the client should do about it), a
reason key (which sentence to show) and the facts that fill the sentence. The
sentences live here, not in Qt's translation files, because the server must
produce them too and the server has no Qt.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Code(StrEnum):
    CONFLICT = "conflict"  # someone else got there first; look again
    FORBIDDEN = "forbidden"  # this person may not do this
    INVALID = "invalid"  # the operation itself is malformed or breaks a rule
    GONE = "gone"  # the thing it refers to does not exist (any more)


# reason key -> (code, Danish, English). Placeholders are filled from `facts`.
REASONS: dict[str, tuple[Code, str, str]] = {
    "task.unknown": (
        Code.GONE,
        "Opgaven findes ikke (længere).",
        "The task does not exist (any more).",
    ),
    "bid.unknown": (
        Code.GONE,
        "Buddet findes ikke (længere).",
        "The bid does not exist (any more).",
    ),
    "person.unknown": (
        Code.GONE,
        "Personen findes ikke.",
        "The person does not exist.",
    ),
    "site.unknown": (
        Code.GONE,
        "Arbejdsstedet findes ikke.",
        "The site does not exist.",
    ),
    "task.not_visible": (
        Code.FORBIDDEN,
        "Du har ikke adgang til denne opgave.",
        "You do not have access to this task.",
    ),
    "task.not_manager": (
        Code.FORBIDDEN,
        "Kun opgavens ejer eller en leder på {site} kan gøre dette.",
        "Only the task's owner or a manager at {site} can do this.",
    ),
    "task.external_cannot_post": (
        Code.FORBIDDEN,
        "Eksterne kan ikke oprette opgaver.",
        "External contributors cannot post tasks.",
    ),
    "task.wrong_site": (
        Code.FORBIDDEN,
        "Du kan kun oprette opgaver for dit eget arbejdssted.",
        "You can only post tasks for your own site.",
    ),
    "task.exists": (
        Code.CONFLICT,
        "Opgaven findes allerede.",
        "The task already exists.",
    ),
    "task.bad_status": (
        Code.CONFLICT,
        "Opgaven er {status}, så det kan ikke lade sig gøre nu.",
        "The task is {status}, so this cannot be done now.",
    ),
    "task.field_conflict": (
        Code.CONFLICT,
        "{who} ændrede {fields} kl. {at}, mens du var i gang. Se den nye udgave.",
        "{who} changed {fields} at {at} while you were editing. See the new version.",
    ),
    "task.audience_locked": (
        Code.INVALID,
        "Målgruppen kan kun ændres, mens opgaven er en kladde.",
        "The audience can only be changed while the task is a draft.",
    ),
    "task.seats_below_accepted": (
        Code.CONFLICT,
        "Der er allerede accepteret {accepted} bud, så antal pladser kan ikke være {seats}.",
        "{accepted} bids are already accepted, so seats cannot be {seats}.",
    ),
    "task.nothing_accepted": (
        Code.INVALID,
        "Opgaven kan ikke afsluttes, før mindst ét bud er accepteret.",
        "The task cannot be completed before at least one bid is accepted.",
    ),
    "bid.own_task": (
        Code.INVALID,
        "Du kan ikke byde på din egen opgave.",
        "You cannot bid on your own task.",
    ),
    "bid.twice": (
        Code.CONFLICT,
        "Du har allerede budt på denne opgave.",
        "You have already bid on this task.",
    ),
    "bid.exists": (
        Code.CONFLICT,
        "Buddet findes allerede.",
        "The bid already exists.",
    ),
    "bid.task_not_open": (
        Code.CONFLICT,
        "Opgaven tager ikke imod bud, fordi den er {status}.",
        "The task is not taking bids because it is {status}.",
    ),
    "bid.deadline_passed": (
        Code.CONFLICT,
        "Fristen for bud var {deadline}.",
        "The deadline for bids was {deadline}.",
    ),
    "bid.not_own": (
        Code.FORBIDDEN,
        "Du kan kun ændre dine egne bud.",
        "You can only change your own bids.",
    ),
    "bid.bad_status": (
        Code.CONFLICT,
        "Buddet er {status}, så det kan ikke lade sig gøre nu.",
        "The bid is {status}, so this cannot be done now.",
    ),
    "bid.already_decided": (
        Code.CONFLICT,
        "{who} har allerede {status_verb} dette bud kl. {at}.",
        "{who} already {status_verb} this bid at {at}.",
    ),
    "bid.seats_full": (
        Code.CONFLICT,
        "Alle {seats} pladser er besat: {who} accepterede et andet bud kl. {at}.",
        "All {seats} seats are taken: {who} accepted another bid at {at}.",
    ),
    "comment.empty": (
        Code.INVALID,
        "Kommentaren er tom.",
        "The comment is empty.",
    ),
    "comment.closed": (
        Code.CONFLICT,
        "Der kan ikke kommenteres på en opgave, der er {status}.",
        "You cannot comment on a task that is {status}.",
    ),
    "skill.unknown": (
        Code.INVALID,
        "Kompetencen »{skill}« findes ikke i kataloget.",
        "The skill “{skill}” is not in the catalogue.",
    ),
    "skill.has": (
        Code.CONFLICT,
        "Kompetencen står allerede på profilen.",
        "The skill is already on the profile.",
    ),
    "skill.missing": (
        Code.GONE,
        "Kompetencen står ikke på profilen.",
        "The skill is not on the profile.",
    ),
    "invite.cannot_bid": (
        Code.FORBIDDEN,
        "{name} kan ikke se eller byde på opgaven.",
        "{name} cannot see or bid on the task.",
    ),
    "invite.twice": (
        Code.CONFLICT,
        "{name} er allerede inviteret til opgaven.",
        "{name} has already been invited to the task.",
    ),
    "profile.not_own": (
        Code.FORBIDDEN,
        "Du kan kun ændre din egen profil.",
        "You can only change your own profile.",
    ),
    "endorse.not_worker": (
        Code.INVALID,
        "Kun personer med et accepteret bud på opgaven kan anerkendes.",
        "Only people with an accepted bid on the task can be endorsed.",
    ),
    "endorse.twice": (
        Code.CONFLICT,
        "Kompetencen er allerede anerkendt for denne opgave.",
        "The skill is already endorsed for this task.",
    ),
    "field.required": (
        Code.INVALID,
        "{field} skal udfyldes.",
        "{field} is required.",
    ),
    "field.too_long": (
        Code.INVALID,
        "{field} må højst være {max} tegn.",
        "{field} may be at most {max} characters.",
    ),
    "field.bad_type": (
        Code.INVALID,
        "{field} har en forkert type (forventede {expected}).",
        "{field} has the wrong type (expected {expected}).",
    ),
    "field.out_of_range": (
        Code.INVALID,
        "{field} skal være mellem {min} og {max}.",
        "{field} must be between {min} and {max}.",
    ),
    "field.bad_date": (
        Code.INVALID,
        "{field} skal være en dato (ÅÅÅÅ-MM-DD).",
        "{field} must be a date (YYYY-MM-DD).",
    ),
    "field.bad_choice": (
        Code.INVALID,
        "{field} skal være en af: {choices}.",
        "{field} must be one of: {choices}.",
    ),
    "field.unknown": (
        Code.INVALID,
        "Ukendt felt: {field}.",
        "Unknown field: {field}.",
    ),
    "dates.order": (
        Code.INVALID,
        "Slutdatoen ligger før startdatoen.",
        "The end date is before the start date.",
    ),
    "operation.unknown": (
        Code.INVALID,
        "Ukendt handling: {kind}.",
        "Unknown operation: {kind}.",
    ),
    "operation.id_reused": (
        Code.INVALID,
        "Handlingens id er allerede brugt til noget andet.",
        "The operation id was already used for something else.",
    ),
    "operation.author_mismatch": (
        Code.FORBIDDEN,
        "Handlingen er ikke din.",
        "The operation is not yours.",
    ),
    "operation.failed": (
        Code.INVALID,
        "Serveren kunne ikke udføre handlingen.",
        "The server could not carry out the operation.",
    ),
}

# Field names shown inside sentences, so a Danish sentence names a Danish field.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Titel", "Title"),
    "description": ("Beskrivelse", "Description"),
    "skills": ("Kompetencer", "Skills"),
    "effort_hours": ("Timer", "Hours"),
    "starts_on": ("Startdato", "Start date"),
    "ends_on": ("Slutdato", "End date"),
    "bid_deadline": ("Budfrist", "Bid deadline"),
    "place": ("Sted", "Place"),
    "seats": ("Pladser", "Seats"),
    "audience": ("Målgruppe", "Audience"),
    "message": ("Besked", "Message"),
    "hours": ("Timer", "Hours"),
    "availability": ("Tilgængelighed", "Availability"),
    "body": ("Kommentar", "Comment"),
    "skill": ("Kompetence", "Skill"),
    "site_id": ("Arbejdssted", "Site"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("en kladde", "a draft"),
    "open": ("åben", "open"),
    "assigned": ("besat", "assigned"),
    "done": ("afsluttet", "done"),
    "cancelled": ("aflyst", "cancelled"),
    "pending": ("afventende", "pending"),
    "withdrawn": ("trukket tilbage", "withdrawn"),
    "accepted": ("accepteret", "accepted"),
    "declined": ("afvist", "declined"),
}

DECISION_VERBS: dict[str, tuple[str, str]] = {
    "accepted": ("accepteret", "accepted"),
    "declined": ("afvist", "declined"),
    "withdrawn": ("trukket", "withdrew"),
}


class Rejection(Exception):
    """An operation refused by the rules. Raised by rules, carried on the wire."""

    def __init__(self, reason: str, **facts: Any) -> None:
        if reason not in REASONS:
            raise KeyError(f"unknown rejection reason {reason!r}")
        self.reason = reason
        self.facts = {k: v for k, v in facts.items() if v is not None}
        super().__init__(self.message("en"))

    @property
    def code(self) -> Code:
        return REASONS[self.reason][0]

    def message(self, language: str = "da") -> str:
        return describe(self.reason, self.facts, language)

    def to_wire(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "reason": self.reason,
            "facts": self.facts,
            "message": {"da": self.message("da"), "en": self.message("en")},
        }


def describe(reason: str, facts: dict[str, Any], language: str = "da") -> str:
    """The sentence for a reason, with field and status names in that language."""
    _, da, en = REASONS.get(reason, REASONS["operation.failed"])
    index = 0 if language == "da" else 1
    template = da if index == 0 else en
    filled: dict[str, Any] = {}
    for name, value in facts.items():
        if name in ("field", "fields"):
            names = value if isinstance(value, list) else [value]
            value = ", ".join(FIELD_LABELS.get(n, (n, n))[index] for n in names)
        elif name == "status":
            value = STATUS_LABELS.get(value, (value, value))[index]
        elif name == "status_verb":
            value = DECISION_VERBS.get(value, (value, value))[index]
        filled[name] = value
    try:
        return template.format_map(_Missing(filled))
    except (ValueError, IndexError):
        # A hostile fact must never break the sentence; fall back to the bare text.
        return template


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"
