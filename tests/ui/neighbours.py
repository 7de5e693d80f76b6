"""A neighbouring municipality's tasks in a client store, as a device of the demo organisation pulls them.

For the UI test and the screenshot of organisations as tenants (issue 16):
tasks of "Bøgeby Kommune" opened to other municipalities (and one to
outsiders), posted at its own schools, copied from the demo's own tasks.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.entities import Audience, Organisation, Person, Role, Site, SiteKind, Task, TaskStatus
from desktop.store import Store

NEIGHBOUR = Organisation(id="org-boegeby", name="Bøgeby Kommune")
SITES = (
    Site(id="s-boegeby-skole", organisation_id=NEIGHBOUR.id, name="Bøgeby Skole", kind=SiteKind.SCHOOL, version=1),
    Site(id="s-boegeby-hjem", organisation_id=NEIGHBOUR.id, name="Plejecenter Bøgely", kind=SiteKind.CARE_HOME,
         version=1),
)
POSTER = Person(id="p-boegeby", name="Birgitte Bøg", username="birgitte", home_site_id=SITES[0].id,
                role=Role.SITE_MANAGER, organisation_id=NEIGHBOUR.id, version=1)


def add_neighbour(store_path: Path, tasks: list[Task], count: int = 6) -> list[Task]:
    """Put the neighbour's `count` tasks (modelled on open ones of `tasks`) in the store; returns them."""
    models = [t for t in tasks if t.status == TaskStatus.OPEN and t.bid_deadline is None][:count]
    made = [
        model.replace(
            id=f"boegeby-{i}",
            site_id=SITES[i % len(SITES)].id,
            poster_id=POSTER.id,
            organisation_id=NEIGHBOUR.id,
            audience=Audience.EXTERNAL if i == 0 else Audience.ORGANISATIONS,
            bid_count=0,
            accepted_count=0,
            version=1,
        )
        for i, model in enumerate(models)
    ]
    store = Store(store_path)
    try:
        with store.transaction():
            for entity in (NEIGHBOUR, *SITES, POSTER, *made):
                store.put(entity)
    finally:
        store.close()
    return made
