"""`knop-admin`: set up and look after a Knop server from the command line.

    knop-admin [--db URL-or-path] init --org "Egeskov Kommune"
    knop-admin site add --name "Egeskov Skole" --kind school
    knop-admin person add --username anna --name "Anna Jensen" --site "Egeskov Skole"
    knop-admin import-people staff.csv
    knop-admin enrolment-code --site SITE_ID
    knop-admin revoke-device DEVICE_ID
    knop-admin revoke-token --user anna [--device DEVICE_ID]
    knop-admin seed-demo

Every command takes `--db` (default: $KNOP_SERVER_DB) and migrates the
database first, so a fresh file or PostgreSQL database is ready to use.
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

from desktop.core.entities import PersonKind, Role, Site, SiteKind
from sync.server import accounts, csv_import, demo_seed, directory, feed, migrations, push, storage
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


def cmd_init(db: storage.Database, args: argparse.Namespace) -> int:
    org = directory.init_organisation(db, args.org, args.org_id)
    _say(f"organisation {org.name} ({org.id})")
    return 0


def cmd_site_add(db: storage.Database, args: argparse.Namespace) -> int:
    site = directory.add_site(db, args.name, args.kind, address=args.address, site_id=args.id)
    _say(f"site {site.name} ({site.id})")
    return 0


def cmd_site_list(db: storage.Database, args: argparse.Namespace) -> int:
    with db.read() as s:
        for site in s.fetch(Site, "1 = 1 ORDER BY name"):
            _say(f"{site.id}\t{site.kind}\t{site.name}")
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
    )
    password = _read_password(args, required=False)
    if password is not None and len(password) < 8:
        raise directory.DirectoryError("a password needs at least 8 characters")
    person = directory.add_person(db, new, password)
    _say(f"person {person.username} ({person.id}){'' if password else ' without a password'}")
    return 0


def cmd_person_list(db: storage.Database, args: argparse.Namespace) -> int:
    with db.read() as s:
        rows = s.rows(
            "SELECT p.id, a.username, p.role, p.home_site_id, p.active, p.name, "
            "a.password_hash IS NOT NULL AS has_password "
            "FROM people p LEFT JOIN accounts a ON a.person_id = p.id ORDER BY a.username"
        )
    for r in rows:
        flags = ("" if r["active"] else " inactive") + ("" if r["has_password"] else " no-password")
        _say(
            f"{r['id']}\t{r['username']}\t{r['role']}\t{r['home_site_id'] or '-'}\t"
            f"{r['name']}{flags}"
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


def cmd_import_people(db: storage.Database, args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise directory.DirectoryError(f"no such file: {args.file}")
    report = csv_import.import_people(db, args.file)
    _say(
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"refused {len(report.errors)}"
    )
    for error in report.errors:
        print(f"{args.file}:{error}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_enrolment_code(db: storage.Database, args: argparse.Namespace) -> int:
    with db.read() as s:
        site = directory.find_site(s, args.site)
    if site is None:
        raise directory.DirectoryError(f"unknown site {args.site!r}")
    code = accounts.new_enrolment_code(db, site.id, accounts.Policy(code_days=args.days))
    _say(code)
    print(f"one-time code for a device at {site.name}, valid {args.days:g} days", file=sys.stderr)
    return 0


def cmd_devices(db: storage.Database, args: argparse.Namespace) -> int:
    with db.read() as s:
        rows = s.rows(
            "SELECT id, site_id, name, enrolled_at, revoked_at FROM devices ORDER BY enrolled_at"
        )
    for r in rows:
        state = f"revoked {r['revoked_at']}" if r["revoked_at"] else "active"
        _say(f"{r['id']}\t{r['site_id']}\t{r['name']}\tenrolled {r['enrolled_at']}\t{state}")
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
    data = demo_seed.generate(args.seed, tasks=args.tasks, people=args.people, bids=args.bids)
    count = demo_seed.seed(db, data, args.password)
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
    with db.read() as s:
        rows = s.rows(
            f"SELECT at, actor_id, device_id, operation, entity_id, summary FROM audit_events "
            f"ORDER BY at DESC LIMIT {int(args.limit)}"
        )
    for r in reversed(rows):
        _say(
            f"{r['at']}\t{r['actor_id']}\t{r['device_id'] or '-'}\t{r['operation']}\t{r['summary']}"
        )
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

    p = add(sub, "init", cmd_init, "create the organisation")
    p.add_argument("--org", required=True, help="the organisation's name")
    p.add_argument("--org-id")

    site_sub = add(sub, "site", None, "sites: add or list").add_subparsers(
        dest="site_command", required=True
    )
    p = add(site_sub, "add", cmd_site_add, "add a site")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", required=True, choices=list(SiteKind))
    p.add_argument("--address", default="")
    p.add_argument("--id")
    add(site_sub, "list", cmd_site_list, "list sites")

    person_sub = add(sub, "person", None, "people: add or list").add_subparsers(
        dest="person_command", required=True
    )
    p = add(person_sub, "add", cmd_person_add, "add a person (asks for a password on a terminal)")
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--site", help="home site id or name")
    p.add_argument("--role", default=Role.STAFF.value, choices=list(Role))
    p.add_argument("--kind", choices=list(PersonKind))
    p.add_argument("--email", default="")
    p.add_argument("--title", default="")
    p.add_argument("--languages", help="comma-separated, e.g. da,en")
    p.add_argument("--id")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add(person_sub, "list", cmd_person_list, "list people")

    p = add(sub, "set-password", cmd_set_password, "set a person's password")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--revoke-tokens", action="store_true", help="also end the person's logins")

    for name, text in (
        ("activate", "let a person log in again"),
        ("deactivate", "stop a person logging in"),
    ):
        add(sub, name, cmd_activate, text).add_argument("username")

    p = add(
        sub,
        "import-people",
        cmd_import_people,
        "import a staff list (CSV); bad rows are reported by line",
    )
    p.add_argument("file", type=Path)

    p = add(
        sub,
        "enrolment-code",
        cmd_enrolment_code,
        "make a one-time code that enrols one device to a site",
    )
    p.add_argument("--site", required=True, help="site id or name")
    p.add_argument("--days", type=float, default=7.0, help="how long the code is valid")

    add(sub, "devices", cmd_devices, "list enrolled devices")
    p = add(sub, "revoke-device", cmd_revoke_device, "revoke a device and every login on it")
    p.add_argument("device_id")

    p = add(sub, "revoke-token", cmd_revoke_token, "end logins: a user's, a device's, or one token")
    p.add_argument("--user", help="username")
    p.add_argument("--device", help="device id")
    p.add_argument("--token-stdin", action="store_true", help="read one token from stdin")

    p = add(sub, "seed-demo", cmd_seed_demo, "fill an empty database with the demo municipality")
    p.add_argument("--seed", type=int)
    p.add_argument("--tasks", type=int)
    p.add_argument("--people", type=int)
    p.add_argument("--bids", type=int)
    p.add_argument("--password", help=f"everyone's password (default: {demo_seed.DEMO_PASSWORD!r})")

    p = add(sub, "prune-feed", cmd_prune_feed, "drop old tombstones from the change feed")
    p.add_argument("--older-than-days", type=float, default=90.0)

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
    p = add(sub, "audit", cmd_audit, "show the latest audit events")
    p.add_argument("--limit", type=int, default=50)
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
