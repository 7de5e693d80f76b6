"""The rules of the road: which guidelines a person must have accepted before doing what.

Each organisation publishes guidelines per audience (`GuidelineAudience`), in
Danish and English, each publication a new version; a person is asked for
their own organisation's only (an outsider's: the organisation that invited
them, `Person.organisation_id`). A person accepts the
current version of every audience that concerns them at their first login and
again whenever one changes (`at_login`); until they have, the operations those
guidelines cover are refused (`required`, checked by the shared rules on the
client and the server alike). An audience with no guidelines published asks
nothing. Posting a task to outsiders also needs the outsiders' guidelines, so
the poster has read what the outsiders are promised.
"""

from __future__ import annotations

from typing import Any, Protocol

from desktop.core.entities import Audience, Guideline, GuidelineAcceptance, GuidelineAudience, Person

__all__ = ["GuidelineAudience", "at_login", "missing", "required"]


class Lookup(Protocol):
    """The one read this needs (`operations.Records.get` and the store both provide it)."""

    def get(self, cls: Any, *key: str) -> Any:
        """The row of `cls` with this key, or None."""


def at_login(person: Person) -> tuple[GuidelineAudience, ...]:
    """The audiences whose guidelines `person` accepts when logging in."""
    if person.is_external:
        return (GuidelineAudience.OUTSIDERS,)
    return (GuidelineAudience.POSTING, GuidelineAudience.BIDDING)


# The operations that may need guidelines accepted (`required` names none for any other).
NEEDING_ACCEPTANCE = frozenset({"task.create", "task.publish", "bid.place"})


def required(actor: Person, kind: str, task_audience: str | None = None) -> tuple[GuidelineAudience, ...]:
    """The audiences whose guidelines operation `kind` needs accepted (on a task for `task_audience`)."""
    found: list[GuidelineAudience] = []
    if kind not in NEEDING_ACCEPTANCE:
        return ()
    if kind in ("task.create", "task.publish"):
        found.append(GuidelineAudience.POSTING)
        if task_audience == Audience.EXTERNAL:
            found.append(GuidelineAudience.OUTSIDERS)
    elif kind == "bid.place":
        found.append(GuidelineAudience.OUTSIDERS if actor.is_external else GuidelineAudience.BIDDING)
    return tuple(found)


def missing(records: Lookup, person: Person, audiences: tuple[GuidelineAudience, ...]) -> list[Guideline]:
    """The current guidelines of `person`'s organisation among `audiences` that they have not accepted (in that order)."""
    found: list[Guideline] = []
    for audience in audiences:
        current = records.get(Guideline, person.organisation_id, str(audience))
        if current is None:
            continue
        held = records.get(GuidelineAcceptance, person.id, str(audience))
        if held is None or held.version < current.version:
            found.append(current)
    return found
