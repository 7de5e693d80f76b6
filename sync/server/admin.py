"""`knop-admin`: set up and look after a Knop server from the command line.

    knop-admin [--db URL-or-path] init --org "Egeskov Kommune"
    knop-admin organisation add "Bøgeby Kommune"      # a further municipality (issue 16)
    knop-admin organisation list
    knop-admin site add --org "Bøgeby Kommune" --name "Bøgeby Skole" --kind school
    knop-admin site add --name "Egeskov Skole" --kind school
    knop-admin person add --username anna --name "Anna Jensen" --site "Egeskov Skole"
    knop-admin import-people staff.csv
    knop-admin enrolment-code --site "Bøgeby Skole"   # the site says which organisation
    knop-admin person set-role anna site_manager [--site "Egeskov Skole"]
    knop-admin person set-site anna "Egeskov Skole"
    knop-admin lending approve            # off | notify | approve
    knop-admin audit --person anna --operation bid --since 2026-11-01 --csv
    knop-admin audit --task "æbleplukning skolehaven"   # a task's id, or words from its title
    knop-admin revoke-device DEVICE_ID
    knop-admin revoke-token --user anna [--device DEVICE_ID]
    knop-admin erase anna
    knop-admin retention
    knop-admin guidelines publish --audience posting --da posting.da.txt --en posting.en.txt [--org ...]
    knop-admin guidelines acceptances
    knop-admin seed-demo

Every command takes `--db` (default: $KNOP_SERVER_DB) and migrates the
database first, so a fresh file or PostgreSQL database is ready to use.
Commands that create something in one organisation take `--org` (name or
id); it may be left out on a server with one organisation, or where the
command's `--site` says which (its id, or a name only one organisation has).
Where it is truly ambiguous, the error names the choices. Listings without
`--org` on a server with several list every organisation's, each line ending
in its organisation's name.
Passwords are read from a prompt or stdin, never from the command line, where
they would end up in the shell's history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.core.entities import LendingPolicy, Organisation, PersonKind, Role, Site, SiteKind
from desktop.core import audit_trail, erasure
from desktop.core.rejection import Rejection
from sync.server import (
    accounts,
    audit,
    csv_import,
    demo_seed,
    directory,
    feed,
    invitations,
    migrations,
    push,
    retention,
    storage,
)
from sync.server.storage import DB_ENV

Command = Callable[[storage.Database, argparse.Namespace], int]


def _say(text: str) -> None:
    print(text, flush=True)


def _read_password(args: argparse.Namespace, required: bool) -> str | None:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n") or None
    if not sys.stdin.isatty():
        if required:
            raise directory.DirectoryError(
                "no terminal to ask for the password; use --password-stdin"
            )
        return None
    while True:
        first = getpass.getpass("Password (empty: none): " if not required else "Password: ")
        if not first and not required:
            return None
        if getpass.getpass("Again: ") == first:
            return first
        print("The two did not match; try again.", file=sys.stderr)


def _organisation(db: storage.Database, args: argparse.Namespace) -> Organisation:
    """The organisation the command acts in: `--org`, else the one its `--site` belongs to, else the only one.

    IT need not name what the server can tell: a site's id, or a name only one
    organisation has, says which. Raises DirectoryError naming the choices
    otherwise (a site name in two organisations, several organisations and no site).
    """
    asked, site = getattr(args, "org", None), getattr(args, "site", None)
    with db.read() as s:
        if asked is None and site:
            found = directory.organisation_of_site(s, site)
            if found is not None:
                return found
            if len(directory.organisations(s)) > 1:
                raise directory.DirectoryError(
                    f"unknown site {site!r} in every organisation; `knop-admin site list` shows them"
                )
        return directory.acting_organisation(s, asked)


def _organisation_of_list(db: storage.Database, args: argparse.Namespace) -> Organisation:
    """The organisation a staff list is imported into: `--org`, else the one all its rows' sites
    belong to (as `_organisation` tells it from `--site`), else the only one.

    Raises DirectoryError naming the organisations when the rows' sites are in
    several, or (as `_organisation` does) when no site says which. A site no
    organisation has says nothing here: its row is refused on its line.
    """
    if getattr(args, "org", None) is not None:
        return _organisation(db, args)
    with db.read() as s:
        if len(directory.organisations(s)) > 1:
            found: dict[str, Organisation] = {}
            for site in csv_import.sites_named(args.file):
                owner = directory.organisation_of_site(s, site)
                if owner is not None:
                    found.setdefault(owner.id, owner)
            if len(found) == 1:
                return next(iter(found.values()))
            if found:
                named = ", ".join(f"{org.name} ({org.id})" for org in sorted(found.values(), key=lambda o: o.name))
                raise directory.DirectoryError(
                    f"the list's sites belong to {len(found)} organisations: {named}; "
                    "import each organisation's people with --org"
                )
    return _organisation(db, args)


def _listed_organisation(db: storage.Database, args: argparse.Namespace) -> str | None:
    """The organisation id a listing is cut to: `--org`'s, or (as `_organisation`) the one its
    `--site` names; None for every organisation's (no --org on a server with several, or none yet)."""
    with db.read() as s:
        if getattr(args, "org", None) is None and len(directory.organisations(s)) != 1:
            site = getattr(args, "site", None)
            found = directory.organisation_of_site(s, site) if site else None
            return found.id if found is not None else None
    return _organisation(db, args).id


def _organisation_names(db: storage.Database, organisation_id: str | None) -> dict[str, str] | None:
    """Organisation id -> name for a listing of several organisations' rows, each line ending in
    its organisation's name (as `site list` does); None when the listing is of one."""
    with db.read() as s:
        known = directory.organisations(s)
    return {org.id: org.name for org in known} if organisation_id is None and len(known) > 1 else None


def _say_row(fields: list[str], organisation_id: str | None, names: dict[str, str] | None) -> None:
    """One tab-separated line of a listing; with `names`, its organisation's name last."""
    _say("\t".join([*fields, names.get(organisation_id or "", "-")] if names is not None else fields))


def _within(organisation_id: str | None, column: str) -> tuple[str, tuple[str, ...]]:
    """("WHERE <column> = ? ", (id,)) to cut a listing to one organisation; nothing for None."""
    return (f"WHERE {column} = ? ", (organisation_id,)) if organisation_id else ("", ())


def cmd_init(db: storage.Database, args: argparse.Namespace) -> int:
    org = directory.init_organisation(db, args.org, args.org_id)
    _say(f"organisation {org.name} ({org.id})")
    return 0


def cmd_organisation_add(db: storage.Database, args: argparse.Namespace) -> int:
    org = directory.add_organisation(db, args.name, args.id)
    _say(f"organisation {org.name} ({org.id})")
    return 0


def cmd_organisation_list(db: storage.Database, args: argparse.Namespace) -> int:
    with db.read() as s:
        rows = s.rows(
            "SELECT o.id, o.name, (SELECT count(*) FROM sites WHERE organisation_id = o.id) AS sites, "
            "(SELECT count(*) FROM people WHERE organisation_id = o.id) AS people "
            "FROM organisations o ORDER BY o.name, o.id"
        )
    for r in rows:
        _say(f"{r['id']}\t{r['name']}\t{r['sites']} site(s)\t{r['people']} people")
    return 0


def cmd_site_add(db: storage.Database, args: argparse.Namespace) -> int:
    org = _organisation(db, args)
    site = directory.add_site(
        db, args.name, args.kind, address=args.address, site_id=args.id, organisation_id=org.id
    )
    _say(f"site {site.name} ({site.id})")
    return 0


def cmd_site_list(db: storage.Database, args: argparse.Namespace) -> int:
    """Sites as `id, kind, name` lines; without --org on a server with several
    organisations, every organisation's, each line ending in its organisation's name."""
    org = _listed_organisation(db, args)
    names = _organisation_names(db, org)
    with db.read() as s:
        found = s.fetch(Site, "organisation_id = ? ORDER BY name", (org,)) if org else s.fetch(Site, "1 = 1 ORDER BY name")
    if names is not None:
        found.sort(key=lambda site: (names.get(site.organisation_id or "", ""), site.name))
    for site in found:
        _say_row([site.id, site.kind, site.name], site.organisation_id, names)
    return 0


def cmd_person_add(db: storage.Database, args: argparse.Namespace) -> int:
    new = directory.NewPerson(
        username=args.username,
        name=args.name,
        site=args.site,
        role=args.role,
        kind=args.kind or "",
        email=args.email,
        title=args.title,
        languages=tuple(x for x in (args.languages or "").split(",") if x),
        person_id=args.id,
        phone=args.phone,
        organisation_id=_organisation(db, args).id,
    )
    password = _read_password(args, required=False)
    if password is not None and len(password) < 8:
        raise directory.DirectoryError("a password needs at least 8 characters")
    person = directory.add_person(db, new, password)
    _say(f"person {person.username} ({person.id}){'' if password else ' without a password'}")
    return 0


def cmd_person_list(db: storage.Database, args: argparse.Namespace) -> int:
    """People as `id, username, role, home site, name [flags]` lines: the site by its
    name for people to read, or by its id with --ids, for scripts."""
    org = _listed_organisation(db, args)
    names = _organisation_names(db, org)
    where, params = _within(org, "p.organisation_id")
    with db.read() as s:
        rows = s.rows(
            "SELECT p.id, a.username, p.role, p.home_site_id, p.active, p.name, p.organisation_id, "
            "s.name AS site_name, a.password_hash IS NOT NULL AS has_password "
            "FROM people p LEFT JOIN accounts a ON a.person_id = p.id "
            f"LEFT JOIN sites s ON s.id = p.home_site_id {where}ORDER BY a.username",
            params,
        )
    for r in rows:
        flags = ("" if r["active"] else " inactive") + ("" if r["has_password"] else " no-password")
        site = r["home_site_id"] if args.ids else r["site_name"] or r["home_site_id"]
        _say_row(
            [r["id"], r["username"], r["role"], site or "-", f"{r['name']}{flags}"], r["organisation_id"], names
        )
    return 0


def cmd_set_password(db: storage.Database, args: argparse.Namespace) -> int:
    password = _read_password(args, required=True)
    assert password is not None
    directory.set_password(db, args.username, password)
    revoked = 0
    person = directory.person_by_username(db, args.username)
    if person is not None and args.revoke_tokens:
        revoked = accounts.revoke_tokens(db, person_id=person.id)
    _say(f"password set for {args.username}" + (f"; {revoked} login(s) ended" if revoked else ""))
    return 0


def cmd_activate(db: storage.Database, args: argparse.Namespace) -> int:
    person = directory.set_active(db, args.username, args.command == "activate")
    if not person.active:
        accounts.revoke_tokens(db, person_id=person.id)
    _say(f"{person.username} is {'active' if person.active else 'deactivated'}")
    return 0


def _operation(
    db: storage.Database, kind: str, payload: dict[str, object], organisation_id: str | None = None
) -> None:
    """Apply a shared operation as knop-admin (in `organisation_id`, else that of what it concerns);
    a refusal is reported like any admin mistake."""
    try:
        push.apply_as_admin_tool(db, kind, payload, organisation_id)
    except Rejection as refused:
        raise directory.DirectoryError(refused.sentence().text("en")) from None


def cmd_erase(db: storage.Database, args: argparse.Namespace) -> int:
    person = directory.person_by_username(db, args.username)
    if person is None:
        raise directory.DirectoryError(f"no person with username {args.username!r}")
    if person.active:
        _operation(db, "person.deactivate", {"person_id": person.id})
    _operation(db, "person.erase", {"person_id": person.id})
    _say(f"{args.username} is erased; their rows now read {erasure.pseudonym(person.id)!r}")
    return 0


def cmd_guidelines_publish(db: storage.Database, args: argparse.Namespace) -> int:
    """Publish the next version of one organisation's guidelines for an audience (each has its own)."""
    org = _organisation(db, args)
    texts = {}
    for language, path in (("da", args.da), ("en", args.en)):
        if not path.is_file():
            raise directory.DirectoryError(f"no such file: {path}")
        texts[f"text_{language}"] = path.read_text(encoding="utf-8")
    _operation(db, "guidelines.publish", {"audience": args.audience, **texts}, org.id)
    with db.read() as s:
        version = s.value(
            "SELECT version FROM guidelines WHERE organisation_id = ? AND audience = ?", (org.id, args.audience)
        )
    _say(f"guidelines of {org.name} for {args.audience}: version {version}; everyone concerned accepts it anew")
    return 0


def cmd_guidelines_acceptances(db: storage.Database, args: argparse.Namespace) -> int:
    org = _listed_organisation(db, args)
    names = _organisation_names(db, org)
    where, params = _within(org, "a.organisation_id")
    with db.read() as s:
        rows = s.rows(
            "SELECT a.username, a.organisation_id, g.audience, g.version AS current, x.version AS accepted, x.accepted_at "
            "FROM guidelines g JOIN accounts a ON a.organisation_id = g.organisation_id "
            "LEFT JOIN guideline_acceptances x ON x.person_id = a.person_id AND x.audience = g.audience "
            f"{where}ORDER BY g.audience, a.username",
            params,
        )
    for r in rows:
        state = (
            f"accepted version {r['accepted']} at {r['accepted_at']}"
            if r["accepted"] is not None
            else "not accepted"
        )
        stale = " (not the current one)" if r["accepted"] is not None and r["accepted"] < r["current"] else ""
        _say_row([r["username"], r["audience"], f"{state}{stale}"], r["organisation_id"], names)
    return 0


def cmd_retention(db: storage.Database, args: argparse.Namespace) -> int:
    policy = retention.Retention.from_env()
    done = retention.run(db, policy)
    _say(", ".join(f"{kind} {count}" for kind, count in done.items()))
    return 0


def cmd_import_people(db: storage.Database, args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise directory.DirectoryError(f"no such file: {args.file}")
    report = csv_import.import_people(db, args.file, _organisation_of_list(db, args).id)
    _say(
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"refused {len(report.errors)}"
    )
    for error in report.errors:
        print(f"{args.file}:{error}", file=sys.stderr)
    return 0 if report.ok else 1


def _site_in(db: storage.Database, args: argparse.Namespace, org: Organisation) -> Site:
    """The site `args.site` (id or name) of `org`; DirectoryError naming the organisation otherwise."""
    with db.read() as s:
        site = directory.find_site(s, args.site, org.id)
    if site is None:
        raise directory.DirectoryError(f"unknown site {args.site!r} in {org.name}")
    return site


def cmd_enrolment_code(db: storage.Database, args: argparse.Namespace) -> int:
    site = _site_in(db, args, _organisation(db, args))
    code = accounts.new_enrolment_code(db, site.id, accounts.Policy(code_days=args.days))
    _say(code)
    print(f"one-time code for a device at {site.name}, valid {args.days:g} days", file=sys.stderr)
    return 0


def cmd_devices(db: storage.Database, args: argparse.Namespace) -> int:
    org = _listed_organisation(db, args)
    names = _organisation_names(db, org)
    where, params = _within(org, "organisation_id")
    with db.read() as s:
        rows = s.rows(
            "SELECT id, site_id, name, enrolled_at, revoked_at, person_id, organisation_id "
            f"FROM devices {where}ORDER BY enrolled_at",
            params,
        )
    for r in rows:
        state = f"revoked {r['revoked_at']}" if r["revoked_at"] else "active"
        # A personal device (an outsider's own computer) names the one person it serves.
        where = f"personal:{r['person_id']}" if r["person_id"] else r["site_id"]
        _say_row([r["id"], where, r["name"], f"enrolled {r['enrolled_at']}", state], r["organisation_id"], names)
    return 0


def cmd_invitations_list(db: storage.Database, args: argparse.Namespace) -> int:
    org = _listed_organisation(db, args)
    names = _organisation_names(db, org)
    with db.read() as s:
        site_organisation = {site.id: site.organisation_id for site in s.fetch(Site, "1 = 1")}
    for item in invitations.listing(db, everything=args.all, organisation_id=org):
        i = item.invitation
        state = "expired" if item.expired and i.status in ("pending", "awaiting_approval") else i.status
        fields = [i.id, i.email, i.kind, item.site, f"invited by {item.inviter}", i.created_at[:10]]
        _say_row([*fields, f"expires {i.expires_at[:10]}", state], site_organisation.get(i.site_id), names)
    return 0


def cmd_invitations_revoke(db: storage.Database, args: argparse.Namespace) -> int:
    if not invitations.revoke(db, args.invitation_id):
        raise LookupError(f"no pending invitation {args.invitation_id!r}")
    print(f"invitation {args.invitation_id} withdrawn; its code no longer works", file=sys.stderr)
    return 0


def cmd_invitations_approval(db: storage.Database, args: argparse.Namespace) -> int:
    org = invitations.set_approval(db, args.setting == "on", _organisation(db, args).id)
    need = "need" if org.externals_need_approval else "do not need"
    print(f"invitations of outsiders {need} a coordinator's approval", file=sys.stderr)
    return 0


def cmd_revoke_device(db: storage.Database, args: argparse.Namespace) -> int:
    if not accounts.revoke_device(db, args.device_id):
        raise directory.DirectoryError(f"no active device {args.device_id!r}")
    _say(f"device {args.device_id} revoked; its logins have ended")
    return 0


def cmd_revoke_token(db: storage.Database, args: argparse.Namespace) -> int:
    person_id = None
    if args.user:
        person = directory.person_by_username(db, args.user)
        if person is None:
            raise directory.DirectoryError(f"no person with username {args.user!r}")
        person_id = person.id
    token = sys.stdin.readline().strip() if args.token_stdin else None
    if person_id is None and args.device is None and not token:
        raise directory.DirectoryError("say whose tokens: --user, --device and/or --token-stdin")
    count = accounts.revoke_tokens(db, person_id=person_id, device_id=args.device, token=token)
    _say(f"{count} token(s) revoked")
    return 0


def cmd_seed_demo(db: storage.Database, args: argparse.Namespace) -> int:
    data = demo_seed.generate(
        args.seed, tasks=args.tasks, people=args.people, bids=args.bids,
        organisations=args.organisations, neighbour_share=args.neighbour_share,
    )
    count = demo_seed.seed(db, data, args.password)
    demo_seed.publish_guidelines(db, data)
    _say(
        f"seeded {count} demo entities; demo users log in with "
        f"{args.password or demo_seed.DEMO_PASSWORD!r}"
    )
    return 0


def cmd_prune_feed(db: storage.Database, args: argparse.Namespace) -> int:
    import datetime as dt

    before = (
        (dt.datetime.now(dt.UTC) - dt.timedelta(days=args.older_than_days))
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
    with db.write() as s:
        count = feed.prune_tombstones(s, before)
    _say(f"{count} tombstone(s) pruned; devices that had not pulled them will resync")
    return 0


def cmd_prune_operations(db: storage.Database, args: argparse.Namespace) -> int:
    try:
        days = args.older_than_days or push.operation_log_days()
    except ValueError as error:
        print(f"knop-admin: {error}", file=sys.stderr)
        return 2
    if days <= push.CLOCK_AHEAD_DAYS:
        print(f"knop-admin: --older-than-days must be more than {push.CLOCK_AHEAD_DAYS}", file=sys.stderr)
        return 2
    count = push.prune_operations(db, days)
    _say(
        f"{count} operation log entr{'y' if count == 1 else 'ies'} older than {days} days pruned; "
        "operations older than that are refused from now on"
    )
    return 0


def cmd_new_epoch(db: storage.Database, args: argparse.Namespace) -> int:
    with db.write() as s:
        feed.start_new_epoch(s, migrations.new_epoch())
    _say("new feed epoch: every device will fetch everything again on its next sync")
    return 0


def cmd_migrate(db: storage.Database, args: argparse.Namespace) -> int:
    _say(f"schema version {migrations.version_of(db)}")
    return 0


def cmd_audit(db: storage.Database, args: argparse.Namespace) -> int:
    org = _listed_organisation(db, args)
    with db.read() as s:
        site = directory.find_site(s, args.site, org) if args.site else None
        if args.site and site is None:
            raise directory.DirectoryError(f"unknown site {args.site!r}")
        wanted = audit.Filter(
            organisation_id=org,
            person=args.person,
            task=args.task,
            site_id=site.id if site else None,
            operation=args.operation,
            outcome=args.outcome,
            since=args.since,
            until=args.until,
            limit=args.limit,
        )
        found = audit.events(s, wanted)
        assigned = audit.assignees(s, found)
        named = audit.names(s, found, assigned)
    if args.csv:
        sys.stdout.buffer.write(audit_trail.csv_bytes(found, named, assigned))
        sys.stdout.flush()
        return 0
    for e in found:
        # Who got an accepted bid's assignment (the actor is who accepted it), after what changed.
        got = audit_trail.assignee(e, named, assigned)
        _say(
            "\t".join(
                (
                    e.at,
                    named.get(e.actor_id, e.actor_id),
                    audit_trail.device(e, named) or "-",
                    e.operation,
                    e.outcome if e.outcome == audit.APPLIED else f"{e.outcome}:{e.reason}",
                    named.get(e.task_id or "", "-"),
                    named.get(e.site_id or "", "-"),
                    f"{e.summary}; assigned to {got}" if got else e.summary,
                )
            )
        )
    return 0


def cmd_person_set_role(db: storage.Database, args: argparse.Namespace) -> int:
    person = directory.set_role(db, args.username, args.role, site=args.site)
    _say(f"{person.username} is {person.role} at {person.home_site_id or '-'}")
    return 0


def cmd_person_set_site(db: storage.Database, args: argparse.Namespace) -> int:
    person = directory.set_site(db, args.username, args.site or None)
    _say(f"{person.username} has home site {person.home_site_id or '-'}")
    return 0


def cmd_lending(db: storage.Database, args: argparse.Namespace) -> int:
    org = directory.set_lending(db, args.policy, organisation_id=_organisation(db, args).id)
    _say(f"lending between sites: {org.lending}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    # --db is accepted before or after the subcommand, as people type it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="knop-admin", description="Set up and look after a Knop server."
    )
    parser.add_argument(
        "--db", default=None, help=f"SQLite path or postgresql:// URL (default: ${DB_ENV})"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        group: argparse._SubParsersAction,  # type: ignore[type-arg]
        name: str,
        handler: Command | None,
        help_text: str,
    ) -> argparse.ArgumentParser:
        p = group.add_parser(name, help=help_text, description=help_text, parents=[common])
        if handler is not None:
            p.set_defaults(handler=handler)
        return p

    def org_option(p: argparse.ArgumentParser, said: str = "needed when the server has several") -> argparse.ArgumentParser:
        p.add_argument("--org", help=f"the organisation (name or id); {said}")
        return p

    by_site = "needed only when the server has several and --site does not say which"
    listing = "without it, on a server with several, every organisation's, its name last"

    p = add(sub, "init", cmd_init, "create the organisation")
    p.add_argument("--org", required=True, help="the organisation's name")
    p.add_argument("--org-id", help="the organisation's id (default: a new one)")

    org_sub = add(
        sub, "organisation", None, "organisations (municipalities) on this server: add or list"
    ).add_subparsers(dest="organisation_command", required=True)
    p = add(org_sub, "add", cmd_organisation_add, "add a further organisation")
    p.add_argument("name", help="the organisation's name, e.g. \"Bøgeby Kommune\"")
    p.add_argument("--id", help="its id (default: a new one)")
    add(org_sub, "list", cmd_organisation_list, "list the organisations with their sites and people")

    site_sub = add(sub, "site", None, "sites: add or list").add_subparsers(
        dest="site_command", required=True
    )
    p = org_option(add(site_sub, "add", cmd_site_add, "add a site"))
    p.add_argument("--name", required=True, help="the site's name as people know it")
    p.add_argument("--kind", required=True, choices=[c.value for c in SiteKind], help="what kind of place it is")
    p.add_argument("--address", default="", help="its street address (optional)")
    p.add_argument("--id", help="its id (default: a new one)")
    org_option(add(site_sub, "list", cmd_site_list, "list sites (id, kind, name)"), listing)

    person_sub = add(sub, "person", None, "people: add or list").add_subparsers(
        dest="person_command", required=True
    )
    p = org_option(add(person_sub, "add", cmd_person_add, "add a person (asks for a password on a terminal)"), by_site)
    p.add_argument("--username", required=True, help="what they log in with")
    p.add_argument("--name", required=True, help="their name as others see it")
    p.add_argument("--site", help="home site id or name")
    p.add_argument(
        "--role", default=Role.STAFF.value, choices=[c.value for c in Role], help="what they may do (default: staff)"
    )
    p.add_argument(
        "--kind", choices=[c.value for c in PersonKind], help="employee, or which kind of outsider (default: volunteer for externals, else employee)"
    )
    p.add_argument("--email", default="", help="their e-mail address (optional)")
    p.add_argument("--phone", default="", help="optional")
    p.add_argument("--title", default="", help="their job title (optional)")
    p.add_argument("--languages", help="comma-separated, e.g. da,en")
    p.add_argument("--id", help="their id (default: a new one)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p = org_option(
        add(person_sub, "list", cmd_person_list, "list people (id, username, role, home site, name)"), listing
    )
    p.add_argument(
        "--ids", action="store_true", help="the home site by its id, not its name (for scripts)"
    )
    p = add(person_sub, "set-role", cmd_person_set_role, "change a person's role (next sync resyncs them)")
    p.add_argument("username", help="whose role")
    p.add_argument("role", choices=[c.value for c in Role], help="the new role")
    p.add_argument("--site", help="also move them to this home site (id or name)")
    p = add(person_sub, "set-site", cmd_person_set_site, "move a person to another home site")
    p.add_argument("username", help="who moves")
    p.add_argument("site", help="site id or name; empty for none (admins, externals)")

    p = org_option(add(sub, "lending", cmd_lending, "whether work on another site's task needs the home manager"))
    p.add_argument(
        "policy",
        choices=[c.value for c in LendingPolicy],
        help="off: nothing; notify: the home manager is told; approve: it waits for the home manager's yes",
    )

    p = add(sub, "set-password", cmd_set_password, "set a person's password")
    p.add_argument("username", help="whose password")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--revoke-tokens", action="store_true", help="also end the person's logins")

    for name, text in (
        ("activate", "let a person log in again"),
        ("deactivate", "stop a person logging in"),
    ):
        add(sub, name, cmd_activate, text).add_argument("username", help="who")
    add(
        sub, "erase", cmd_erase,
        "erase a person who left: deactivate, then remove their personal data everywhere",
    ).add_argument("username", help="who left")

    guidelines_sub = add(
        sub, "guidelines", None, "the rules of the road: publish, see who accepted"
    ).add_subparsers(dest="guidelines_command", required=True)
    p = add(guidelines_sub, "publish", cmd_guidelines_publish, "publish a new version for an audience")
    p.add_argument(
        "--audience",
        required=True,
        choices=["posting", "bidding", "outsiders"],
        help="who must accept them: those who post tasks, those who bid, or outsiders",
    )
    p.add_argument("--da", required=True, type=Path, help="the Danish text (UTF-8 file)")
    p.add_argument("--en", required=True, type=Path, help="the English text (UTF-8 file)")
    org_option(p, "whose guidelines; needed when the server has several")
    org_option(
        add(guidelines_sub, "acceptances", cmd_guidelines_acceptances, "who accepted which version, when"), listing
    )

    add(
        sub, "retention", cmd_retention,
        "remove what is past its retention period (KNOP_RETAIN_*_DAYS); safe to run from cron",
    )

    p = org_option(add(
        sub,
        "import-people",
        cmd_import_people,
        "import a staff list (CSV); bad rows are reported by line",
    ))
    p.add_argument(
        "file",
        type=Path,
        help="a CSV file whose header row names the columns: "
        + ", ".join(csv_import.REQUIRED)
        + " (required), "
        + ", ".join(c for c in csv_import.COLUMNS if c not in csv_import.REQUIRED)
        + " (optional); comma, semicolon or tab between them",
    )

    p = org_option(add(
        sub,
        "enrolment-code",
        cmd_enrolment_code,
        "make a one-time code that enrols one device to a site",
    ), by_site)
    p.add_argument("--site", required=True, help="site id or name")
    p.add_argument("--days", type=float, default=7.0, help="how long the code is valid")

    invitation_sub = add(
        sub, "invitations", None, "member invitations: list, withdraw, approval setting"
    ).add_subparsers(dest="invitations_command", required=True)
    p = org_option(add(invitation_sub, "list", cmd_invitations_list, "list pending invitations"), listing)
    p.add_argument("--all", action="store_true", help="also those taken up or withdrawn")
    p = add(invitation_sub, "revoke", cmd_invitations_revoke, "withdraw a pending invitation")
    p.add_argument("invitation_id", help="its id, as `invitations list` shows it")
    p = org_option(add(
        invitation_sub,
        "approval",
        cmd_invitations_approval,
        "whether invitations of outsiders wait for a coordinator (a site manager or admin)",
    ))
    p.add_argument("setting", choices=("on", "off"), help="on: a coordinator approves each outsider's invitation")

    org_option(add(sub, "devices", cmd_devices, "list enrolled devices"), listing)
    p = add(sub, "revoke-device", cmd_revoke_device, "revoke a device and every login on it")
    p.add_argument("device_id", help="its id, as `devices` shows it")

    p = add(sub, "revoke-token", cmd_revoke_token, "end logins: a user's, a device's, or one token")
    p.add_argument("--user", help="username")
    p.add_argument("--device", help="device id")
    p.add_argument("--token-stdin", action="store_true", help="read one token from stdin")

    p = add(sub, "seed-demo", cmd_seed_demo, "fill an empty database with the demo municipality")
    p.add_argument("--seed", type=int, help="the same seed makes the same data (default: the generator's)")
    p.add_argument("--tasks", type=int, help="how many tasks (default: the generator's)")
    p.add_argument("--people", type=int, help="how many people (default: the generator's)")
    p.add_argument("--bids", type=int, help="how many bids (default: the generator's)")
    p.add_argument("--password", help=f"everyone's password (default: {demo_seed.DEMO_PASSWORD!r})")
    p.add_argument("--organisations", type=int, default=1, help="municipalities (neighbours' usernames end .<town>)")
    p.add_argument("--neighbour-share", type=float, default=1.0, help="each neighbour's size as a share (0..1]")

    p = add(sub, "prune-feed", cmd_prune_feed, "drop old tombstones from the change feed")
    p.add_argument("--older-than-days", type=float, default=90.0, help="days a tombstone is kept (default 90)")

    p = add(
        sub,
        "prune-operations",
        cmd_prune_operations,
        "drop exactly-once log entries older than the retention (the server also does it hourly)",
    )
    p.add_argument(
        "--older-than-days",
        type=int,
        help=f"default: ${push.OPERATION_LOG_DAYS_ENV}, else the longest offline login plus "
        f"{push.OPERATION_LOG_MARGIN_DAYS} days",
    )

    add(sub, "new-epoch", cmd_new_epoch, "make every device resync (e.g. after restoring a backup)")
    add(sub, "migrate", cmd_migrate, "bring the database schema up to date")
    p = org_option(
        add(sub, "audit", cmd_audit, "show audit events (newest --limit), refused operations included"),
        "without it (and no --site saying which), on a server with several, every organisation's",
    )
    p.add_argument("--limit", type=int, default=50, help="at most this many events, newest first (default 50)")
    p.add_argument("--person", help="who acted: person id or username")
    p.add_argument("--task", help="task id, or words from its title (any case, all of them)")
    p.add_argument("--site", help="site id or name")
    p.add_argument("--operation", help="e.g. bid.accept, or bid for every bid operation")
    p.add_argument("--outcome", choices=(audit.APPLIED, audit.REFUSED), help="only those applied, or only those refused")
    p.add_argument("--since", help="from this date or time (UTC), e.g. 2026-11-01")
    p.add_argument("--until", help="through this date (UTC), e.g. 2026-11-30")
    p.add_argument("--csv", action="store_true", help="CSV (UTF-8 with BOM) for a records request")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url = args.db or os.environ.get(DB_ENV)
    if not url:
        print(f"knop-admin: no database; pass --db or set {DB_ENV}", file=sys.stderr)
        return 2
    db = storage.Database(url, pool_size=1)
    try:
        migrations.migrate(db)
        return int(args.handler(db, args))
    except (
        directory.DirectoryError,
        LookupError,
        migrations.NewerSchema,
        storage.Unavailable,
    ) as error:
        print(f"knop-admin: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `knop-admin person list | head`
        return 0
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
