"""Who may do a task: the credentials it requires, and the check client and server share.

A task lists required credentials, each with a severity, like the rule
severities of a rostering system: *block* refuses the bid (by the shared
operation rules, so on the client and on the server alike), *warn* lets the
bid through and tells the task's manager on the review card. A credential
counts only while it is verified (by a site manager or HR, never by the
person) and not expired: an expired credential is a missing one.

One rule is not about credentials: people on unemployment benefit may
volunteer, but not in work normally done by paid staff. That is a *warn* on
the volunteer's side (the manager decides); the fact that someone receives
benefit is recorded like a credential (`unemployment_benefit`), so the same
privacy rule covers it.

Privacy (who sees what): a person's credentials are seen by the person, the
managers of their home site and HR (the organisation's admins), plus whoever
verified them; the feed delivers them to nobody else. A task's manager sees
only the outcome on a bid: "meets the requirements", or which are missing
(`Bid.warnings`), never the credentials, their dates or the benefit itself
beyond the warning.

Ids never change once published (rows on every device refer to them); the
Danish and English names may be reworded freely, as in `desktop.core.skills`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from desktop.core.entities import HeldCredential, Person, PersonKind
from desktop.core.text import Listing, Said, said


class Severity(StrEnum):
    """What a missing credential does to a bid."""

    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class Credential:
    """One catalogue entry: `id` is stored, `da`/`en` are what people read."""

    id: str
    da: str
    en: str
    # The name inside a sentence, with its article: "Opgaven ønsker en børneattest"
    # (a try-out read "ønsker Børneattest", capitalised mid-sentence and without one).
    da_in_sentence: str = ""
    en_in_sentence: str = ""

    def name(self) -> Said:
        """The credential's name in both languages, for sentences."""
        return said(self.da, self.en)

    def in_sentence(self, language: str) -> str:
        """The name as a sentence's object in `language` ("da" or "en"): "en børneattest"."""
        if language == "da":
            return self.da_in_sentence or self.da
        return self.en_in_sentence or self.en


CREDENTIALS: tuple[Credential, ...] = (
    Credential(
        "child_protection", "Børneattest", "Child-protection certificate (børneattest)",
        "en børneattest", "a child-protection certificate (børneattest)",
    ),
    Credential(
        "confidentiality", "Tavshedserklæring", "Confidentiality pledge (tavshedspligt)",
        "en tavshedserklæring", "a confidentiality pledge (tavshedspligt)",
    ),
    Credential(
        "criminal_record", "Straffeattest", "Criminal record certificate",
        "en straffeattest", "a criminal record certificate",
    ),
    Credential("driving_licence", "Kørekort (B)", "Driving licence (B)", "kørekort (B)", "a driving licence (B)"),
    Credential(
        "first_aid", "Førstehjælpsbevis", "First aid certificate", "et førstehjælpsbevis", "a first aid certificate"
    ),
    Credential(
        "food_hygiene", "Hygiejnebevis (fødevarer)", "Food hygiene certificate",
        "et hygiejnebevis (fødevarer)", "a food hygiene certificate",
    ),
    Credential("forklift", "Truckcertifikat", "Forklift certificate", "et truckcertifikat", "a forklift certificate"),
    Credential(
        "medicine_handling", "Medicinhåndtering", "Medicine handling",
        "medicinhåndtering", "medicine handling",
    ),
    # Not a credential but a circumstance, kept the same way (see the module's words).
    Credential("unemployment_benefit", "Modtager dagpenge", "Receives unemployment benefit"),
)
BY_ID: dict[str, Credential] = {c.id: c for c in CREDENTIALS}

BENEFIT = "unemployment_benefit"
# The warning a bid carries for a volunteer on benefit in paid staff's work.
BENEFIT_WARNING = "benefit"
# What a task may require: every credential but the circumstance.
REQUIRABLE: tuple[str, ...] = tuple(c.id for c in CREDENTIALS if c.id != BENEFIT)


def is_known(credential_id: str) -> bool:
    """True for an id in the catalogue."""
    return credential_id in BY_ID


def names(credential_ids: Iterable[str]) -> Listing:
    """The credentials' names as one listing inside a sentence ("en børneattest og kørekort (B)"), in either language."""
    return Listing(
        tuple(
            said(BY_ID[c].in_sentence("da"), BY_ID[c].in_sentence("en")) if c in BY_ID else c
            for c in credential_ids
        )
    )


def is_valid(held: HeldCredential | None, today: dt.date) -> bool:
    """Held, verified and not expired on `today` (valid through its expiry day)."""
    if held is None or not held.verified_by:
        return False
    return not held.expires_on or dt.date.fromisoformat(held.expires_on) >= today


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a person lacks for a task: `blocking` refuses the bid, `warnings` go on the bid.

    Both hold credential ids in the task's order; `warnings` may also hold
    `BENEFIT_WARNING`.
    """

    blocking: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def meets_requirements(self) -> bool:
        """True when nothing is missing at all."""
        return not self.blocking and not self.warnings


def judge(
    person: Person,
    requirements: Mapping[str, str],
    held: Mapping[str, HeldCredential | None],
    today: dt.date,
    *,
    paid_staff_work: bool = False,
) -> Verdict:
    """Check `person` against a task's `requirements` {credential id: Severity} on `today`.

    `held` maps each required credential id (and `BENEFIT`) to what the
    person holds, or None. Raises nothing: an unknown severity counts as block,
    the safer reading.
    """
    blocking: list[str] = []
    warnings: list[str] = []
    for credential, severity in requirements.items():
        if not is_valid(held.get(credential), today):
            (warnings if severity == Severity.WARN else blocking).append(credential)
    on_benefit = is_valid(held.get(BENEFIT), today)
    if paid_staff_work and on_benefit and person.kind == PersonKind.VOLUNTEER:
        warnings.append(BENEFIT_WARNING)
    return Verdict(tuple(blocking), tuple(warnings))
