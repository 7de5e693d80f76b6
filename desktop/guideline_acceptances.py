"""Who accepted which version of the rules of the road, as an admin's device holds it.

Admins receive every `guideline_acceptances` row on the feed (so that they
can show it, issue 20), and every person; this puts them side by side for the
administration: per active person, each published audience that concerns
them (`desktop.core.guidelines.at_login`, and any other they accepted, such as
a poster who accepted the outsiders' guidelines), with the version accepted.
Only the admin's own organisation: its guidelines and its people (the store
also holds people of other organisations who worked on its tasks, who
accept their own organisation's guidelines, not these).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core import erasure, guidelines
from desktop.core.entities import Guideline, GuidelineAcceptance, Person
from desktop.store import Store


@dataclass(frozen=True, slots=True)
class Standing:
    """One person and one audience: `accepted` is the version they accepted (None: none yet).

    `current` is the audience's current version; `accepted_at` ISO 8601 UTC or "".
    """

    person_id: str
    person_name: str
    audience: str
    current: int
    accepted: int | None
    accepted_at: str

    @property
    def up_to_date(self) -> bool:
        """Whether the person accepted the current version."""
        return self.accepted is not None and self.accepted >= self.current


@dataclass(frozen=True, slots=True)
class RulesOfTheRoad:
    """The current guidelines (by audience) and every active person's standing, by name then audience."""

    current: list[Guideline]
    standings: list[Standing]


def rules_of_the_road(store: Store, organisation_id: str) -> RulesOfTheRoad:
    """What the administration's rules-of-the-road tab shows of organisation `organisation_id`, read from the local store."""
    current = sorted(store.fetch(Guideline, "organisation_id = ?", (organisation_id,)), key=lambda g: g.audience)
    by_audience = {g.audience: g for g in current}
    held: dict[str, dict[str, GuidelineAcceptance]] = {}
    for acceptance in store.fetch(GuidelineAcceptance, "1 = 1"):
        held.setdefault(acceptance.person_id, {})[acceptance.audience] = acceptance
    standings: list[Standing] = []
    people = store.fetch(Person, "active = 1 AND organisation_id = ?", (organisation_id,))
    for person in sorted(people, key=lambda p: (p.name.casefold(), p.id)):
        if erasure.is_erased(person):
            continue
        theirs = held.get(person.id, {})
        audiences = {str(a) for a in guidelines.at_login(person)} | set(theirs)
        for audience in sorted(audiences & set(by_audience)):
            held_one = theirs.get(audience)
            standings.append(
                Standing(
                    person.id,
                    person.name,
                    audience,
                    by_audience[audience].version,
                    held_one.version if held_one else None,
                    held_one.accepted_at if held_one else "",
                )
            )
    return RulesOfTheRoad(current, standings)
