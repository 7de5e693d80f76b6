"""Opening a store file, and every way it can turn out broken: `StoreDamaged`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop import migrations


class StoreDamaged(Exception):
    """The file cannot be used. Carries a sentence for people and the way out."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, language: str = "da") -> str:
        if language == "da":
            return (
                f"Den lokale database {self.path} kan ikke læses ({self.detail}). "
                "Knop kan flytte den til side og hente alt igen fra serveren; "
                "dine ikke-sendte ændringer reddes, hvis de kan læses."
            )
        return (
            f"The local database {self.path} cannot be read ({self.detail}). "
            "Knop can move it aside and fetch everything again from the server; "
            "your unsent changes are rescued if they can be read."
        )


def open_connection(path: Path) -> sqlite3.Connection:
    """Open and migrate the file, turning every way it can be broken into StoreDamaged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 10000")
        migrations.migrate(conn)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except migrations.NewerSchema as error:
        raise StoreDamaged(path, str(error)) from error
    except sqlite3.DatabaseError as error:
        raise StoreDamaged(path, str(error)) from error
    return conn
