"""What erasing a person leaves behind: a pseudonym where they were, and nothing they wrote.

A person who has left can be erased (`person.erase`, after `person.deactivate`).
Their id stays everywhere it is (tasks they posted, bids they made, audit
events they caused, skills they showed) so that the audit trail still adds up
and the organisation's numbers do not change; but the row behind the id no
longer says who it was: the name becomes a pseudonym made from the id, and
every free text they wrote, and every row that only ever served them, goes.

The rules here are plain functions over entities, so the operation that
erases runs unchanged on the server (with authority) and on the admin's
device, and the result travels to every other device as ordinary changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

from desktop.core.entities import (
    Bid,
    Comment,
    Entity,
    HeldCredential,
    Invitation,
    MemberInvitation,
    NoticeRead,
    Person,
    PersonSettings,
    SavedSearch,
)


def pseudonym(person_id: str) -> str:
    """The name an erased person is shown by: "Person 3F2A9C", the same in Danish and English.

    Made from the id alone, so every machine computes the same one and it
    tells nothing the id did not already tell.
    """
    digest = hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:6].upper()
    return f"Person {digest}"


def username_pseudonym(person_id: str) -> str:
    """The login name an erased person's account keeps (unique, as usernames must be)."""
    return "erased-" + hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:16]


def is_erased(person: Person) -> bool:
    """True once `person` was erased: the row carries the pseudonym and nothing else of theirs."""
    return person.name == pseudonym(person.id) and not person.active


def erased(person: Person) -> Person:
    """`person` with every personal field removed; id, role, kind and home site stay.

    The home site and role stay because the organisation's numbers (hours a
    site lent, skills per site) are counted by them; without them the counts
    would change, which the audit of those numbers forbids.
    """
    return person.replace(
        name=pseudonym(person.id),
        username=username_pseudonym(person.id),
        email="",
        phone="",
        title="",
        languages=[],
        availability="",
        active=False,
        version=person.version + 1,
    )


@dataclass(frozen=True, slots=True)
class Scrub:
    """Rows of `cls` whose `column` names the erased person: blank `blank`, or delete the row.

    `blank` empty means the row exists only for that person (their settings,
    saved searches, notices read) and is deleted.
    """

    cls: type[Entity]
    column: str
    blank: tuple[str, ...] = ()

    @property
    def deletes(self) -> bool:
        """True when the rows are deleted rather than blanked."""
        return not self.blank


# Everything a person wrote in their own words, and every row that served only
# them. Rows not listed keep pointing at the pseudonymous id: tasks they posted
# (the organisation's, not theirs), skills and endorsements (the counts).
SCRUBS: tuple[Scrub, ...] = (
    Scrub(Bid, "bidder_id", ("message", "availability", "decision_message")),
    Scrub(Bid, "decided_by", ("decision_message",)),
    Scrub(Comment, "author_id", ("body",)),
    Scrub(Invitation, "invited_by", ("message",)),
    Scrub(Invitation, "person_id", ("message",)),
    # Joining Knop (issue 14): the invitation that brought them named them and their address.
    Scrub(MemberInvitation, "person_id", ("email", "name", "message")),
    Scrub(MemberInvitation, "invited_by", ("message",)),
    Scrub(HeldCredential, "person_id"),  # their credentials served them alone
    Scrub(NoticeRead, "person_id"),
    Scrub(PersonSettings, "person_id"),
    Scrub(SavedSearch, "person_id"),
)


def scrubbed(entity: Entity, scrub: Scrub) -> Entity | None:
    """`entity` with `scrub`'s fields emptied and its version raised; None when nothing changes."""
    if all(getattr(entity, name) == "" for name in scrub.blank):
        return None
    blanks = {name: "" for name in scrub.blank}
    return entity.replace(**blanks, version=getattr(entity, "version", 0) + 1)


def emptied(entity: Entity) -> Entity:
    """`entity` with every field but its key at its empty default: what a tombstone needs to say.

    A deleted row travels to devices as a tombstone carrying the row; erasure
    sends this one instead, so the deletion itself repeats nothing of theirs.
    """
    blanks: dict[str, object] = {}
    for item in dataclasses.fields(entity):  # type: ignore[arg-type]
        if item.name in entity.key:
            continue
        if item.default is not dataclasses.MISSING:
            blanks[item.name] = item.default
        elif item.default_factory is not dataclasses.MISSING:
            blanks[item.name] = item.default_factory()
        else:
            blanks[item.name] = ""
    return entity.replace(**blanks)
