"""The organisation, its sites and its people: what an admin sets up before anyone logs in.

These changes do not come from a device as operations, but they travel to
devices the same way: each write puts the entity, its change-feed row and an
audit event in one serialised transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.entities import (
    Entity,
    LendingPolicy,
    Organisation,
    Person,
    PersonKind,
    Role,
    Site,
    SiteKind,
)
from desktop.core.ids import utc_now, uuid7
from desktop.core.operations import Change
from desktop.core.payload import composed
from desktop.core.text import Sentence, plural_sentence, sentence
from sync import protocol
from sync.server import accounts, audit, feed
from sync.server.storage import Database, Session

USERNAME = re.compile(rf"^[a-z0-9][a-z0-9._@-]{{0,{protocol.ADMIN_USERNAME_MAX - 1}}}$")


class DirectoryError(ValueError):
    """An admin asked for something that cannot be: an unknown site, a taken username.

    Made with a catalogued `sentence` where an admin in the client may meet it: its
    `words` then say it in Danish and English (the admin API sends them, the
    administration shows them); `str()` is the English, as knop-admin prints it.
    Made with a plain string (the command line's own cases), `words` is None.
    """

    def __init__(self, words: Sentence | str) -> None:
        self.words = words if isinstance(words, Sentence) else None
        super().__init__(words.text("en") if isinstance(words, Sentence) else words)


class OutsideOrganisation(DirectoryError):
    """The person, site or device named belongs to another organisation than the one acted in (issue 16).

    Said in the words an admin knows; the admin API answers it with 404, so
    that an admin of one organisation learns nothing of another's people.
    Acting within an organisation, a name that is nobody's is refused with the
    very same words (`no_site`, `_held_person`): a different answer for "does
    not exist" would tell that it exists elsewhere.
    """


def no_site(id_or_name: str) -> OutsideOrganisation:
    """The refusal of a site (id or name) that is not the acting organisation's: another's, or none."""
    return OutsideOrganisation(sentence("There is no site '{site}' in this organisation.", site=id_or_name))


def save(session: Session, entities: Sequence[Entity], *, operation: str, actor_id: str) -> None:
    """Write entities with their feed rows and one audit event, inside the caller's transaction."""
    now = utc_now()
    # Imports and admin tools bypass the operations' payload check, which composes text.
    entities = [type(entity).from_row(composed(entity.to_row())) for entity in entities]
    changes = [Change(entity) for entity in entities]
    for entity in entities:
        session.put(entity)
    feed.record(session, changes, now)
    audit.record(
        session,
        at=now,
        actor_id=actor_id,
        device_id=None,
        operation=operation,
        entity_id=entities[0].key_value(),
        summary=audit.summarise(changes),
        # knop-admin acts in the organisation of what it writes (issue 16).
        organisation_id=getattr(entities[0], "organisation_id", None)
        or (entities[0].id if isinstance(entities[0], Organisation) else None),
    )


def organisation(session: Session, organisation_id: str | None = None) -> Organisation | None:
    """The organisation with that id; without one, the first (the only one on most servers)."""
    if organisation_id is not None:
        return session.get(Organisation, organisation_id)
    found = session.fetch(Organisation, "1 = 1 ORDER BY id LIMIT 1")
    return found[0] if found else None


def organisations(session: Session) -> list[Organisation]:
    """Every organisation this server serves (issue 16), by name."""
    return session.fetch(Organisation, "1 = 1 ORDER BY name, id")


def find_organisation(session: Session, id_or_name: str) -> Organisation | None:
    """An organisation by its id, or by its name (case-insensitive); None when none or several match."""
    found = session.get(Organisation, id_or_name)
    if found is not None:
        return found
    wanted = id_or_name.strip().casefold()
    matches = [org for org in organisations(session) if org.name.casefold() == wanted]
    return matches[0] if len(matches) == 1 else None


def acting_organisation(session: Session, asked: str | None) -> Organisation:
    """The organisation a command acts in: the one `asked` for (id or name), else the only one.

    Raises DirectoryError naming the organisations there are when `asked`
    matches none, or is None while the server has several (or none).
    """
    known = organisations(session)
    listed = ", ".join(f"{org.name} ({org.id})" for org in known) or "none yet (knop-admin init)"
    if asked is not None:
        found = find_organisation(session, asked)
        if found is None:
            raise DirectoryError(f"unknown organisation {asked!r}; this server has: {listed}")
        return found
    if len(known) == 1:
        return known[0]
    if not known:
        raise DirectoryError("create the organisation first (knop-admin init)")
    raise DirectoryError(f"this server has {len(known)} organisations; say which with --org: {listed}")


def organisation_of_site(session: Session, site: str) -> Organisation | None:
    """The organisation a site named by id or name belongs to, when the site says which.

    None when no site has that id or name (the caller's own errors say so).
    Raises DirectoryError naming the choices, "Rådhuset" of Egeskov Kommune
    (org-a) and of Bøgeby Kommune (org-b), when several organisations have a
    site of that name.
    """
    found = session.get(Site, site)
    if found is None:
        wanted = site.strip().casefold()
        named = [s for s in session.fetch(Site, "1 = 1 ORDER BY id") if s.name.casefold() == wanted]
        owners = {s.organisation_id for s in named}
        if len(owners) > 1:
            choices = ", ".join(
                f"{org.name} ({org.id})" for org in organisations(session) if org.id in owners
            )
            raise DirectoryError(
                f"{len(owners)} organisations have a site named {site!r}; say which with --org "
                f"(or give the site's id): {choices}"
            )
        found = named[0] if named else None
    return session.get(Organisation, found.organisation_id) if found is not None else None


def init_organisation(db: Database, name: str, org_id: str | None = None) -> Organisation:
    """Create the one organisation this server serves; only once."""
    name = name.strip()
    if not name:
        raise DirectoryError("the organisation needs a name")
    with db.write() as s:
        if organisation(s) is not None:
            raise DirectoryError(
                "this server already has an organisation; add another with `knop-admin organisation add NAME`"
            )
        org = Organisation(id=org_id or uuid7(), name=name)
        save(s, [org], operation="admin.organisation_create", actor_id=audit.ADMIN_TOOL)
    return org


def add_organisation(db: Database, name: str, org_id: str | None = None) -> Organisation:
    """A further organisation (tenant, issue 16) on this server; names and ids are unique.

    Raises DirectoryError for an empty or taken name or id.
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise DirectoryError("the organisation needs a name of 1-200 characters")
    with db.write() as s:
        if any(org.name.casefold() == name.casefold() for org in organisations(s)):
            raise DirectoryError(f"an organisation named {name!r} already exists")
        org = Organisation(id=org_id or uuid7(), name=name)
        if s.get(Organisation, org.id) is not None:
            raise DirectoryError(f"an organisation with id {org.id} already exists")
        save(s, [org], operation="admin.organisation_create", actor_id=audit.ADMIN_TOOL)
    return org


def add_site(
    db: Database,
    name: str,
    kind: str,
    *,
    address: str = "",
    site_id: str | None = None,
    actor_id: str = audit.ADMIN_TOOL,
    organisation_id: str | None = None,
) -> Site:
    """Add a site to the organisation `organisation_id` (None: the first). Raises DirectoryError."""
    name = name.strip()
    if not name:
        raise DirectoryError(sentence("The site needs a name."))
    if len(name) > protocol.ADMIN_SITE_NAME_MAX:
        raise DirectoryError(plural_sentence("The name must be 1-{n} character.", "The name must be 1-{n} characters.", protocol.ADMIN_SITE_NAME_MAX))
    if len(address) > protocol.ADMIN_SITE_ADDRESS_MAX:
        raise DirectoryError(
            plural_sentence(
                "The address may be at most {n} character.",
                "The address may be at most {n} characters.",
                protocol.ADMIN_SITE_ADDRESS_MAX,
            )
        )
    if kind not in tuple(SiteKind):
        raise DirectoryError(sentence("The site kind must be one of {kinds}.", kinds=", ".join(SiteKind)))
    with db.write() as s:
        org = organisation(s, organisation_id)
        if org is None:
            raise DirectoryError("create the organisation first (knop-admin init)")
        site = Site(
            id=site_id or uuid7(),
            organisation_id=org.id,
            name=name,
            kind=kind,
            address=address,
            version=1,
        )
        if s.get(Site, site.id) is not None:
            raise DirectoryError(f"a site with id {site.id} already exists")
        save(s, [site], operation="admin.site_create", actor_id=actor_id)
    return site


def find_site(session: Session, id_or_name: str, organisation_id: str | None = None) -> Site | None:
    """A site by its id, or by its name (case-insensitive), as people write it in a staff list.

    With `organisation_id`, only that organisation's sites are found (two
    municipalities may both have a "Rådhuset").
    """
    found = session.get(Site, id_or_name)
    if found is not None:
        return found if organisation_id in (None, found.organisation_id) else None
    wanted = id_or_name.strip().casefold()
    where, params = ("organisation_id = ?", (organisation_id,)) if organisation_id else ("1 = 1", ())
    matches = [site for site in session.fetch(Site, where, params) if site.name.casefold() == wanted]
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True, slots=True)
class NewPerson:
    """A person as an admin describes them; checked by `check_person`."""

    username: str
    name: str
    site: str | None = None  # id or name; None for admins and externals without a site
    role: str = Role.STAFF
    kind: str = ""  # defaults by role: externals are volunteers, the rest employees
    email: str = ""
    title: str = ""
    languages: tuple[str, ...] = ()
    person_id: str | None = None
    phone: str = ""  # optional (issue 14)
    # The organisation of someone without a home site (an admin, an outsider);
    # None: the first one. Staff belong to their site's.
    organisation_id: str | None = None


def check_person(session: Session, new: NewPerson) -> Person:
    """The Person to store, or DirectoryError saying what is wrong, in words an admin knows."""
    username = accounts.normalise_username(new.username)
    if not USERNAME.match(username):
        raise DirectoryError(
            plural_sentence(
                "The username '{username}' must be 1-{n} character: letters a-z, digits, . _ @ -",
                "The username '{username}' must be 1-{n} characters: letters a-z, digits, . _ @ -",
                protocol.ADMIN_USERNAME_MAX,
                username=new.username,
            )
        )
    name = new.name.strip()
    if not name or len(name) > protocol.ADMIN_NAME_MAX:
        raise DirectoryError(plural_sentence("The name must be 1-{n} character.", "The name must be 1-{n} characters.", protocol.ADMIN_NAME_MAX))
    if new.role not in tuple(Role):
        raise DirectoryError(sentence("The role '{role}' must be one of {roles}.", role=new.role, roles=", ".join(Role)))
    kind = new.kind or (PersonKind.VOLUNTEER if new.role == Role.EXTERNAL else PersonKind.EMPLOYEE)
    if kind not in tuple(PersonKind):
        raise DirectoryError(
            sentence("The kind '{kind}' must be one of {kinds}.", kind=kind, kinds=", ".join(PersonKind))
        )
    if (new.role == Role.EXTERNAL) != (kind != PersonKind.EMPLOYEE):
        raise DirectoryError(
            sentence("Externals are volunteers, citizens or companies; everyone else is an employee.")
        )
    site_id = None
    organisation_id = new.organisation_id or str(session.value("SELECT min(id) FROM organisations", default=""))
    if session.value("SELECT count(*) FROM organisations WHERE id = ?", (organisation_id,)) == 0:
        raise DirectoryError(f"unknown organisation {organisation_id!r}")
    if new.site:
        site = find_site(session, new.site, new.organisation_id)
        if site is None:
            if new.organisation_id:
                raise no_site(new.site)
            raise DirectoryError(f"unknown site {new.site!r}")
        site_id, organisation_id = site.id, site.organisation_id
    elif new.role in (Role.STAFF, Role.SITE_MANAGER):
        raise DirectoryError(sentence("Staff and site managers need a home site."))
    if new.email and ("@" not in new.email or len(new.email) > protocol.ADMIN_EMAIL_MAX):
        raise DirectoryError(sentence("The e-mail '{email}' does not look like an address.", email=new.email))
    for text, label in (
        (new.title, sentence("The title")),
        (new.email, sentence("The e-mail")),
        (new.phone, sentence("The phone number")),
        *((lang, sentence("A language")) for lang in new.languages),
    ):
        if "\x00" in text or len(text) > protocol.ADMIN_TITLE_MAX:
            raise DirectoryError(
                sentence("{field} is too long or holds control characters.", field=label)
            )
    return Person(
        id=new.person_id or uuid7(),
        name=name,
        username=username,
        home_site_id=site_id,
        role=new.role,
        kind=kind,
        email=new.email.strip(),
        phone=new.phone.strip(),
        title=new.title.strip(),
        languages=list(dict.fromkeys(lang.strip() for lang in new.languages if lang.strip())),
        version=1,
        organisation_id=organisation_id,
    )


def put_person(
    session: Session,
    new: NewPerson,
    password_hash: str | None = None,
    actor_id: str = audit.ADMIN_TOOL,
) -> tuple[Person, bool]:
    """Create the person, or update the one with that username. Returns (person, created)."""
    person = check_person(session, new)
    existing_id = session.value(
        "SELECT person_id FROM accounts WHERE username = ?", (person.username,)
    )
    created = existing_id is None
    if not created:
        old = session.get(Person, existing_id)
        assert old is not None
        if new.organisation_id is not None and old.organisation_id != new.organisation_id:
            raise OutsideOrganisation(f"username {person.username!r} is a person of another organisation")
        person = person.replace(
            id=old.id,
            version=old.version + 1,
            availability=old.availability,
            active=old.active,
        )
    elif session.get(Person, person.id) is not None:
        raise DirectoryError(f"a person with id {person.id} already exists")
    now = utc_now()
    if created:
        session.execute(
            "INSERT INTO accounts (person_id, username, password_hash, updated_at, organisation_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (person.id, person.username, password_hash, now, person.organisation_id),
        )
    elif password_hash is not None:
        session.execute(
            "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE person_id = ?",
            (password_hash, now, person.id),
        )
    save(
        session,
        [person],
        operation="admin.person_create" if created else "admin.person_update",
        actor_id=actor_id,
    )
    return person, created


def add_person(
    db: Database, new: NewPerson, password: str | None = None, actor_id: str = audit.ADMIN_TOOL
) -> Person:
    """Add one person; refuses a username that is taken (use the import to update)."""
    password_hash = accounts.hash_password(password) if password else None
    with db.write() as s:
        username = accounts.normalise_username(new.username)
        if s.value("SELECT count(*) FROM accounts WHERE username = ?", (username,)):
            raise DirectoryError(sentence("The username '{username}' is taken.", username=username))
        person, _ = put_person(s, new, password_hash, actor_id)
    return person


def set_password(db: Database, username: str, password: str) -> None:
    if len(password) < 8:
        raise DirectoryError("a password needs at least 8 characters")
    password_hash = accounts.hash_password(password)
    with db.write(serial=False) as s:
        done = s.execute(
            "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE username = ?",
            (password_hash, utc_now(), accounts.normalise_username(username)),
        ).rowcount
    if not done:
        raise DirectoryError(f"no person with username {username!r}")


def set_active(
    db: Database,
    username: str,
    active: bool,
    actor_id: str = audit.ADMIN_TOOL,
    organisation_id: str | None = None,
) -> Person:
    """Deactivate someone who left (their tokens stop working) or bring them back.

    With `organisation_id`, only a person of that organisation (else OutsideOrganisation).
    """
    with db.write() as s:
        person = _held_person(s, username, organisation_id)
        person = person.replace(active=active, version=person.version + 1)
        save(
            s,
            [person],
            operation="admin.person_activate" if active else "admin.person_deactivate",
            actor_id=actor_id,
        )
    return person


def _held_person(session: Session, username: str, organisation_id: str | None = None) -> Person:
    """The person with that username (of `organisation_id`, when given), or DirectoryError."""
    person_id = session.value(
        "SELECT person_id FROM accounts WHERE username = ?", (accounts.normalise_username(username),)
    )
    person = session.get(Person, person_id) if person_id else None
    if organisation_id is not None and (person is None or person.organisation_id != organisation_id):
        raise OutsideOrganisation(
            sentence("There is no person with the username '{username}' in this organisation.", username=username)
        )
    if person is None:
        raise DirectoryError(f"no person with username {username!r}")
    return person


def set_role(
    db: Database,
    username: str,
    role: str,
    *,
    site: str | None = None,
    actor_id: str = audit.ADMIN_TOOL,
    organisation_id: str | None = None,
) -> Person:
    """Give a person another role (and home site, when `site` names one).

    The same checks as adding a person apply (staff and site managers need a
    home site; externals are volunteers, citizens or companies, everyone else
    an employee). What the person may see changes with it: their devices
    resync on their next pull (`feed.viewpoint`). Raises DirectoryError
    naming what is wrong; with `organisation_id`, OutsideOrganisation for a
    person of another one. Nobody moves to another organisation's site.
    """
    return _place(db, username, role, site, "admin.person_set_role", actor_id, organisation_id)


def set_site(
    db: Database,
    username: str,
    site: str | None,
    actor_id: str = audit.ADMIN_TOOL,
    organisation_id: str | None = None,
) -> Person:
    """Move a person to another home site (id or name; None: no site, for admins and externals)."""
    return _place(db, username, None, site or "", "admin.person_set_site", actor_id, organisation_id)


def _place(
    db: Database,
    username: str,
    role: str | None,
    site: str | None,
    operation: str,
    actor_id: str,
    organisation_id: str | None,
) -> Person:
    """Store the person with `role` (None: theirs) at `site` (None: theirs; "": none), checked."""
    with db.write() as s:
        person = _held_person(s, username, organisation_id)
        checked = check_person(
            s,
            NewPerson(
                username=person.username,
                name=person.name,
                site=person.home_site_id if site is None else (site or None),
                role=role or person.role,
                kind=person.kind,
                person_id=person.id,
                organisation_id=person.organisation_id,  # a person stays in their organisation
            ),
        )
        changed = person.replace(
            role=checked.role, home_site_id=checked.home_site_id, version=person.version + 1
        )
        save(s, [changed], operation=operation, actor_id=actor_id)
    return changed


def set_lending(
    db: Database, policy: str, actor_id: str = audit.ADMIN_TOOL, organisation_id: str | None = None
) -> Organisation:
    """Set the organisation's lending policy (`LendingPolicy`: off, notify or approve).

    `organisation_id`: whose (None: the first). It applies to bids accepted
    from now on; bids accepted before keep their state.
    """
    if policy not in tuple(LendingPolicy):
        raise DirectoryError(sentence("Lending must be one of {choices}.", choices=", ".join(LendingPolicy)))
    with db.write() as s:
        org = organisation(s, organisation_id)
        if org is None:
            raise DirectoryError("create the organisation first (knop-admin init)")
        changed = org.replace(lending=policy)
        save(s, [changed], operation="admin.organisation_lending", actor_id=actor_id)
    return changed


def person_by_username(db: Database, username: str) -> Person | None:
    with db.read() as s:
        person_id = s.value(
            "SELECT person_id FROM accounts WHERE username = ?",
            (accounts.normalise_username(username),),
        )
        return s.get(Person, person_id) if person_id else None
