"""The text a task is found by inside words: its own text plus its skills' names in both languages.

The word index (`tasks_fts`, unicode61) finds words by their beginning; Danish
glues words together, so "fest" must find "Sommerfest" and "svømning"
"Svømmeundervisning". A second FTS5 index, `tasks_text`, uses the trigram
tokenizer: any run of three or more characters is found wherever it stands,
case-insensitively (Æ/æ, Ø/ø, Å/å included). Skills are stored as catalogue ids
("swimming"), so the index holds their Danish and English names as well, taken
from the `skill_words` table, which mirrors `desktop.core.skills.CATALOGUE`:
what the board's Skills column shows is what search finds.

The index keeps its own copy of the text (not external content): its rows are
deleted by rowid, so a catalogue label reworded between a task's insert and its
delete can never leave stale trigrams behind.
"""

from __future__ import annotations

import hashlib
import sqlite3

from desktop.core import skills

# sync_state key: which catalogue wording `skill_words` (and the index) holds.
SKILL_WORDS_VERSION = "skill_words_version"

# A task's skills (a JSON list of ids and "#free tags") as words: the catalogue's
# Danish and English names, a free tag's own text.
_SKILL_TEXT = """(SELECT coalesce(group_concat(coalesce(w.words,
        CASE WHEN substr(j.value, 1, 1) = '#' THEN substr(j.value, 2) ELSE j.value END), ' '), '')
    FROM json_each({skills}) j LEFT JOIN skill_words w ON w.skill = j.value)"""

_INSERT = (
    "INSERT INTO tasks_text(rowid, title, description, place, skills) "
    "VALUES (new.rowid, new.title, new.description, new.place, "
    + _SKILL_TEXT.format(skills="new.skills")
    + ");"
)

SCHEMA: tuple[str, ...] = (
    "CREATE TABLE skill_words (skill TEXT PRIMARY KEY, words TEXT NOT NULL)",
    """CREATE VIRTUAL TABLE tasks_text USING fts5(
        title, description, place, skills, tokenize='trigram'
    )""",
    f"CREATE TRIGGER tasks_text_insert AFTER INSERT ON tasks BEGIN {_INSERT} END",
    """CREATE TRIGGER tasks_text_delete AFTER DELETE ON tasks BEGIN
        DELETE FROM tasks_text WHERE rowid = old.rowid;
    END""",
    "CREATE TRIGGER tasks_text_update AFTER UPDATE OF title, description, place, skills ON tasks "
    f"BEGIN DELETE FROM tasks_text WHERE rowid = old.rowid; {_INSERT} END",
)


def catalogue_version() -> str:
    """A short fingerprint of the catalogue's ids and names: it changes when a label is reworded."""
    text = "\n".join(f"{s.id}\t{s.da}\t{s.en}" for s in skills.CATALOGUE)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def refill(conn: sqlite3.Connection) -> None:
    """Inside the caller's transaction: `skill_words` from the catalogue, then every task's text anew.

    Used by the migration that makes the index, after a bulk load (which runs
    without triggers), and when the catalogue's wording changed. About a
    second per 10,000 tasks.
    """
    fill_skill_words(conn)
    conn.execute("DELETE FROM tasks_text")
    conn.execute(fill_sql("tasks"))
    mark_current(conn)


def fill_skill_words(conn: sqlite3.Connection) -> None:
    """Inside the caller's transaction: `skill_words` anew from this release's catalogue."""
    conn.execute("DELETE FROM skill_words")
    conn.executemany(
        "INSERT INTO skill_words (skill, words) VALUES (?, ?)",
        [(s.id, f"{s.da} {s.en}") for s in skills.CATALOGUE],
    )


def fill_sql(tasks: str) -> str:
    """SQL that adds every row of the table `tasks` (e.g. "tasks", "store.tasks") to `tasks_text`.

    The skills' names come from the `skill_words` table the connection finds first.
    """
    return (
        "INSERT INTO tasks_text(rowid, title, description, place, skills) "
        "SELECT t.rowid, t.title, t.description, t.place, "
        + _SKILL_TEXT.format(skills="t.skills")
        + f" FROM {tasks} t"
    )


def mark_current(conn: sqlite3.Connection) -> None:
    """Inside the caller's transaction: record that the index holds this catalogue's names."""
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SKILL_WORDS_VERSION, catalogue_version()),
    )


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether the index holds the skill names of this release's catalogue."""
    row = conn.execute(
        "SELECT value FROM sync_state WHERE key = ?", (SKILL_WORDS_VERSION,)
    ).fetchone()
    return row is not None and row[0] == catalogue_version()
