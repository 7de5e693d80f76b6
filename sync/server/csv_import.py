"""Staff lists from CSV: every good row imported, every bad row reported with its line number.

HR systems and Excel export staff lists in different dialects, so the
delimiter (comma, semicolon or tab) is detected and a UTF-8 byte-order mark is
accepted. Columns are named in the header; `username` and `name` are required,
the rest optional:

    username,name,site,role,kind,email,title,languages,password

`site` is a site's id or name, `languages` is separated by `;` or `|` (or by
`,` when the file itself uses semicolons), and an empty `password` leaves the
person without one (set it later with `knop-admin set-password`). A username
already on the server updates that person, so the same list can be imported
again after it changed.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.payload import composed
from sync.server import accounts
from sync.server.directory import DirectoryError, NewPerson, put_person
from sync.server.storage import Database

COLUMNS = (
    "username",
    "name",
    "site",
    "role",
    "kind",
    "email",
    "title",
    "languages",
    "password",
    "id",
)
REQUIRED = ("username", "name")
MAX_FIELD = 1000


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # usernames
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    person: NewPerson
    password: str


def import_people(db: Database, source: Path | str, organisation_id: str | None = None) -> ImportReport:
    """Import a staff list from a file path or from the CSV text itself.

    `organisation_id`: the organisation the people join (issue 16; None: the
    first). A row naming another organisation's site is refused.
    """
    text = _text(source)
    if isinstance(text, RowError):
        return ImportReport(errors=[text])
    report = ImportReport()
    rows = _read_rows(text, report)
    hashes = {row.line: accounts.hash_password(row.password) for row in rows if row.password}
    seen: set[str] = set()
    with db.write() as session:
        for row in rows:
            username = accounts.normalise_username(row.person.username)
            if username in seen:
                report.errors.append(
                    RowError(row.line, f"username {username!r} appears twice in the file")
                )
                continue
            try:
                with session.savepoint():
                    new = dataclasses.replace(row.person, organisation_id=organisation_id)
                    person, created = put_person(session, new, hashes.get(row.line))
            except DirectoryError as error:
                report.errors.append(RowError(row.line, str(error)))
                continue
            seen.add(username)
            (report.created if created else report.updated).append(person.username)
    report.errors.sort(key=lambda e: e.line)
    return report


def sites_named(source: Path | str) -> list[str]:
    """The sites (ids or names, as written) the list's readable rows place people at, each once, in order.

    What `import_people` would look up: the command tells the organisation from
    them when it is not named (sync.server.admin). Unreadable rows name none.
    """
    text = _text(source)
    if isinstance(text, RowError):
        return []
    return list(dict.fromkeys(row.person.site for row in _read_rows(text, ImportReport()) if row.person.site))


def _text(source: Path | str) -> str | RowError:
    """The list's text from a file path (UTF-8, a byte-order mark allowed) or the text itself."""
    if isinstance(source, Path):
        try:
            return source.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return RowError(1, f"the file is not UTF-8 text ({error.reason})")
    return source.removeprefix("\ufeff")


def _read_rows(text: str, report: ImportReport) -> list[_Row]:
    """Parse and shape-check the rows; problems go to the report and the row is skipped."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        report.errors.append(RowError(1, "the file is empty"))
        return []
    except csv.Error as error:
        report.errors.append(RowError(1, f"the header cannot be read ({error})"))
        return []
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        problems = []
        if unknown:
            problems.append(f"unknown columns {', '.join(unknown)}")
        if missing:
            problems.append(f"missing columns {', '.join(missing)}")
        if len(set(header)) != len(header):
            problems.append("a column appears twice")
        report.errors.append(RowError(1, "; ".join(problems) + f" (known: {', '.join(COLUMNS)})"))
        return []

    rows: list[_Row] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.errors.append(RowError(start, f"the row cannot be read ({error})"))
            line = reader.line_num
            continue
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue  # blank lines between blocks are common in hand-made lists
        if len(values) != len(header):
            report.errors.append(
                RowError(start, f"expected {len(header)} fields, found {len(values)}")
            )
            continue
        if any(len(v) > MAX_FIELD or "\x00" in v for v in values):
            report.errors.append(RowError(start, "a field is too long or holds control characters"))
            continue
        # Composed (NFC): names typed on a Mac come decomposed, and would neither match
        # a site's name here nor be found by a search later.
        cell = composed(dict(zip(header, (v.strip() for v in values), strict=True)))
        language_separators = ";|" if delimiter != ";" else ",|"
        languages = cell.get("languages", "")
        for separator in language_separators[1:]:
            languages = languages.replace(separator, language_separators[0])
        person = NewPerson(
            username=cell["username"],
            name=cell["name"],
            site=cell.get("site") or None,
            role=(cell.get("role") or "staff").lower(),
            kind=(cell.get("kind") or "").lower(),
            email=cell.get("email", ""),
            title=cell.get("title", ""),
            languages=tuple(languages.split(language_separators[0])) if languages else (),
            person_id=cell.get("id") or None,
        )
        password = values[header.index("password")] if "password" in header else ""
        if password and len(password) < 8:
            report.errors.append(RowError(start, "a password needs at least 8 characters"))
            continue
        rows.append(_Row(start, person, password))
    return rows
