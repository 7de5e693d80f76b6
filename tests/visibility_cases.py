"""Every kind of person and every state a task can be in, for the visibility equivalence tests.

The rule (`permissions.TASK_VISIBLE`) is asked three ways: in Python, as SQL
over the client's `tasks` table, and as SQL over the server's feed. These
cases are what the three must agree on: every role x kind x home site (own
site, another site, none) x active, and every site x audience x status x
kinds of outsiders it is open to, with "cancelled" both after publishing and
without ever having been published. Since issue 16 there are two
organisations: sites A and B are the first's, site C the second's, and people
without a home site belong to either.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from desktop.core.entities import Audience, Person, PersonKind, Role, Task, TaskStatus

SITE_A, SITE_B, SITE_C = "s-school", "s-other", "s-far"
ORG_A, ORG_B = "org", "org-b"
ORGANISATION_OF = {SITE_A: ORG_A, SITE_B: ORG_A, SITE_C: ORG_B}
HOMES: tuple[str | None, ...] = (SITE_A, SITE_B, SITE_C, None)
# (home site, organisation): a site's people are its organisation's; the siteless are either's.
HOMES_AND_ORGANISATIONS: tuple[tuple[str | None, str], ...] = (
    *((site, organisation) for site, organisation in ORGANISATION_OF.items()),
    (None, ORG_A),
    (None, ORG_B),
)
CREATED = "2026-06-01T08:00:00.000Z"
# Which outsiders a task is open to (`Task.outsiders`): every kind, one, the other two.
OUTSIDERS: tuple[tuple[str, ...], ...] = ((), ("volunteer",), ("citizen", "company"))


@dataclass(frozen=True, slots=True)
class TaskState:
    """A status, and whether the task got there by way of being published."""

    status: TaskStatus
    published: bool

    @property
    def name(self) -> str:
        return f"{self.status}{'' if self.published else '-unpublished'}"


# Every status with the publishing history it can have: a draft never was;
# open, assigned and done always were; cancelled can be either.
STATES: tuple[TaskState, ...] = (
    TaskState(TaskStatus.DRAFT, False),
    TaskState(TaskStatus.OPEN, True),
    TaskState(TaskStatus.ASSIGNED, True),
    TaskState(TaskStatus.DONE, True),
    TaskState(TaskStatus.CANCELLED, True),
    TaskState(TaskStatus.CANCELLED, False),
)


def people() -> list[Person]:
    """Every role x kind x (home site, organisation), active and not, plus the posters."""
    found = [
        Person(
            id=f"{role}-{kind}-{home or 'nosite'}-{organisation}-{'on' if active else 'off'}",
            name=f"{role} {kind}",
            username=f"{role}.{kind}.{home or 'nosite'}.{organisation}.{int(active)}",
            home_site_id=home,
            role=role,
            kind=kind,
            active=active,
            version=1,
            organisation_id=organisation,
        )
        for role, kind, (home, organisation), active in itertools.product(
            Role, PersonKind, HOMES_AND_ORGANISATIONS, (True, False)
        )
    ]
    return [*found, *POSTERS]


# A poster is staff, so that posting is the only thing that lets them manage.
POSTERS = tuple(
    Person(
        id=f"poster-{site}", name="Poster", username=f"poster.{site}", home_site_id=site, version=1,
        organisation_id=ORGANISATION_OF[site],
    )
    for site in (SITE_A, SITE_B, SITE_C)
)


def tasks() -> list[Task]:
    """Every site x audience x state x outsiders, posted by that site's poster."""
    made = []
    for poster, audience, state, outsiders in itertools.product(POSTERS, Audience, STATES, OUTSIDERS):
        site = poster.home_site_id
        assert site is not None
        made.append(
            Task(
                id=f"{site}-{audience}-{state.name}-{'-'.join(outsiders) or 'all'}",
                site_id=site,
                poster_id=poster.id,
                title=f"{audience} {state.name}",
                audience=audience,
                status=state.status,
                published_at=CREATED if state.published else None,
                outsiders=list(outsiders),
                organisation_id=ORGANISATION_OF[site],
                created_at=CREATED,
                updated_at=CREATED,
                version=1,
            )
        )
    return made
