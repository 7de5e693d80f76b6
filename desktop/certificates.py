"""Credentials as the profile screens show them: the ones this device holds, with names.

The feed has already decided who may hold which (desktop.core.eligibility's
privacy rule: the person, their home site's managers, HR, the verifier), so
this lists what the store has; nothing here widens what anyone sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core import eligibility, permissions
from desktop.core.entities import HeldCredential, Person, Site
from desktop.store import Store


@dataclass(frozen=True, slots=True)
class Certificate:
    """One held credential with the names a person reads."""

    held: HeldCredential
    person_name: str
    verifier_name: str


def certificates(store: Store) -> list[Certificate]:
    """Every credential this device holds, by person name then credential."""
    rows = store.rows(
        "SELECT c.*, p.name AS person_name, v.name AS verifier_name FROM person_credentials c "
        "LEFT JOIN people p ON p.id = c.person_id LEFT JOIN people v ON v.id = c.verified_by "
        "ORDER BY p.name, c.credential"
    )
    return [
        Certificate(HeldCredential.from_row(r), str(r.get("person_name") or "?"), str(r.get("verifier_name") or "?"))
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Verifying:
    """What the verify form offers: people to choose from (id, name), and the credentials."""

    people: list[tuple[str, str]]
    credentials: tuple[eligibility.Credential, ...] = eligibility.CREDENTIALS


def verifying(store: Store, viewer: Person) -> Verifying | None:
    """The verify form's choices for a site manager or HR; None for anyone else."""
    if not permissions.may_verify_credentials(viewer):
        return None
    people = store.fetch(Person, "active = ? AND id <> ? ORDER BY name", (True, viewer.id))
    return Verifying([(p.id, p.name) for p in people])


def sites(store: Store) -> list[tuple[str, str]]:
    """Every site (id, name), for an admin choosing the site an invitation comes from."""
    return [(s.id, s.name) for s in store.fetch(Site, "1 = 1 ORDER BY name")]
