"""Whether a person's skills may be found in talent search beyond their own manager.

A profile-wide choice, kept with the person's own settings (`PersonSettings`,
key `TALENT_SEARCH_KEY`), beside the per-skill private flag. The person, the
admins (the organisation's HR) and the managers of their own site always see
their evidence; managers of other sites find them in talent search only when
the choice allows it.

The default, when the person has chosen nothing, follows who they are:

- employees are findable: matching staff to work across the organisation is
  what Knop is for, and the municipality, as employer, processes competence
  data for that purpose under its own duties (GDPR art. 6(1)(e)/art. 88,
  the Danish databeskyttelseslov § 12), not on consent, which between an
  employer and an employee is rarely freely given. Employees may still opt out.
- volunteers, citizens and companies are not findable until they opt in: for
  them consent (art. 6(1)(a)) is the basis, and consent must be given, not assumed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.core.entities import Person

TALENT_SEARCH_KEY = "talent_search"
DEFAULT, FINDABLE, HIDDEN = "default", "findable", "hidden"
CHOICES = (DEFAULT, FINDABLE, HIDDEN)


def findable(person: Person, preferences: Mapping[str, Any] | None) -> bool:
    """Whether managers beyond `person`'s own site may find them in talent search."""
    chosen = (preferences or {}).get(TALENT_SEARCH_KEY, DEFAULT)
    if chosen == FINDABLE:
        return True
    if chosen == HIDDEN:
        return False
    return not person.is_external
