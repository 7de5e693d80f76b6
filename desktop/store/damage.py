"""Opening a store file, and every way it can turn out broken: `StoreDamaged`.

A file can be broken when it is opened (not a database, a newer schema) or
later, in a few pages only (a failing disk, a copy cut short): then SQLite
answers some queries and fails others with "database disk image is
malformed". Such an error, on any query or write, means the same as failing
to open: the file cannot be trusted, and the way out is to move it aside,
rescue the outbox and fetch again (`recovery`). `is_corruption` tells those
errors from the ordinary ones (a busy lock, a constraint), and
`integrity_problem` looks for damage before a query runs into it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from desktop import migrations
from desktop.core.text import Sentence, sentence

# SQLITE_CORRUPT (and its extended codes, such as a corrupt FTS index) and SQLITE_NOTADB.
_CORRUPTION_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_CORRUPTION_WORDS = ("malformed", "not a database", "corrupt")


class StoreDamaged(Exception):
    """The file cannot be used. Carries a sentence for people and the way out."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(self.message("en"))

    @property
    def words(self) -> Sentence:
        """The sentence for people, naming the file and what was wrong with it."""
        return sentence(
            "The local database {path} cannot be read ({detail}). Knop can move it aside "
            "and fetch everything again from the server; your unsent changes are rescued "
            "if they can be read.",
            path=str(self.path),
            detail=self.detail,
        )

    def message(self, language: str = "da") -> str:
        """The sentence in `language` ("da" or "en")."""
        return self.words.text(language)


def open_connection(path: Path) -> sqlite3.Connection:
    """Open and migrate the file, turning every way it can be broken into StoreDamaged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 10000")
        # What is erased or deleted (a colleague's erased comment) must not linger in the
        # file's free space on a shared PC; FAST costs no extra I/O.
        conn.execute("PRAGMA secure_delete = FAST")
        migrations.migrate(conn)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except migrations.NewerSchema as error:
        raise StoreDamaged(path, str(error)) from error
    except sqlite3.DatabaseError as error:
        raise StoreDamaged(path, str(error)) from error
    return conn


def is_corruption(error: BaseException) -> bool:
    """Whether an exception is SQLite saying the file itself is damaged.

    True for SQLITE_CORRUPT (any extended code) and SQLITE_NOTADB; False for
    every other error, such as a lock held too long or a broken constraint.
    """
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _CORRUPTION_CODES
    text = str(error).lower()  # raised by the module itself, without a code
    return any(word in text for word in _CORRUPTION_WORDS)


def integrity_problem(connection: sqlite3.Connection) -> str | None:
    """`PRAGMA quick_check`: None when the file is sound, else the first problem it names.

    It reads every page of the file once (0.5-0.65 s for a store of 100,000
    tasks, 347 MB, already in the OS cache, on the 2-core development machine;
    the full integrity_check takes 13 s) but does not compare indexes with
    their tables.
    """
    try:
        found = [row[0] for row in connection.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as error:
        if is_corruption(error):
            return str(error)
        raise
    return None if found == ["ok"] else "; ".join(found)


# Files checked in this process, by path and identity: a file that recovery put
# in place of a damaged one is another file and is checked again.
_checked: set[tuple[str, int, int]] = set()
_checked_lock = threading.Lock()


def file_identity(path: Path) -> tuple[str, int, int]:
    """(resolved path, device, inode) of a store file; raises OSError if it is gone."""
    info = os.stat(path)
    return (str(path.resolve()), info.st_dev, info.st_ino)


def was_checked(path: Path) -> bool:
    """Whether this process has already found the file at `path` sound."""
    try:
        identity = file_identity(path)
    except OSError:
        return False
    with _checked_lock:
        return identity in _checked


def mark_checked(path: Path) -> None:
    """Remember that this process found the file at `path` sound."""
    try:
        identity = file_identity(path)
    except OSError:
        return
    with _checked_lock:
        _checked.add(identity)
