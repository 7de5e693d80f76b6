"""Versioned steps that bring a local store from any earlier schema to the current one.

`PRAGMA user_version` records how far a file has come. Steps are only ever
appended: a file made by any earlier release must migrate, and the tests start
from each earlier version in turn to prove it.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable

from desktop import task_text
from desktop.core.schema import (
    COMPANIES,
    COMPETENCE_DISCOVERY,
    REACH,
    ENTITY_TABLES,
    GUIDELINES,
    GUIDELINES_PER_ORGANISATION,
    INVITATION_MAIL,
    OVERSIGHT,
    PERSONAL_TABLES,
    TASK_PUBLISHED_AT,
    TASK_OUTSIDERS,
    TASK_TIMES,
    TENANTS,
)

Step = Callable[[sqlite3.Connection], None]


def _v1_entities_and_outbox(conn: sqlite3.Connection) -> None:
    for statement in ENTITY_TABLES:
        conn.execute(statement)
    conn.execute(
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            author_id TEXT NOT NULL,
            device_id TEXT,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        )"""
    )
    conn.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT)")


def _v2_task_search(conn: sqlite3.Connection, prefix: str = "2 3") -> None:
    # Danish letters are letters, not decorated vowels: keep æ, ø and å apart
    # from a, o and e (remove_diacritics 0); prefixes make search-as-you-type fast.
    conn.execute(
        f"""CREATE VIRTUAL TABLE tasks_fts USING fts5(
            title, description, place,
            content='tasks', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 0', prefix='{prefix}'
        )"""
    )
    conn.execute(
        """CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
            INSERT INTO tasks_fts(rowid, title, description, place)
            VALUES (new.rowid, new.title, new.description, new.place);
        END"""
    )
    conn.execute(
        """CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
            INSERT INTO tasks_fts(tasks_fts, rowid, title, description, place)
            VALUES ('delete', old.rowid, old.title, old.description, old.place);
        END"""
    )
    conn.execute(
        """CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description, place ON tasks
        BEGIN
            INSERT INTO tasks_fts(tasks_fts, rowid, title, description, place)
            VALUES ('delete', old.rowid, old.title, old.description, old.place);
            INSERT INTO tasks_fts(rowid, title, description, place)
            VALUES (new.rowid, new.title, new.description, new.place);
        END"""
    )
    conn.execute("INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')")


def _v3_rebase(conn: sqlite3.Connection) -> None:
    # Shadows keep the server's copy of a row that a pending operation changed
    # locally, so that the view can be rebuilt as server state + pending ops.
    conn.execute(
        """CREATE TABLE shadows (
            table_name TEXT NOT NULL,
            key TEXT NOT NULL,
            row TEXT,
            PRIMARY KEY (table_name, key)
        )"""
    )
    conn.execute(
        """CREATE TABLE attention (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            code TEXT NOT NULL,
            reason TEXT NOT NULL,
            facts TEXT NOT NULL DEFAULT '{}',
            message_da TEXT NOT NULL,
            message_en TEXT NOT NULL,
            created_at TEXT NOT NULL,
            rejected_at TEXT NOT NULL,
            dismissed INTEGER NOT NULL DEFAULT 0
        )"""
    )


def _v4_drafts_and_lookups(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE drafts (
            id TEXT PRIMARY KEY,
            fields TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    # The board sorts and filters by these; without them 100,000 tasks scan.
    conn.execute("CREATE INDEX tasks_created ON tasks (created_at)")
    conn.execute("CREATE INDEX tasks_deadline ON tasks (bid_deadline)")
    conn.execute("CREATE INDEX bids_status ON bids (task_id, status)")


def _v5_board_at_scale(conn: sqlite3.Connection) -> None:
    # Search as you type starts with one letter: without a 1-letter prefix index
    # FTS5 merges thousands of term lists for "s"* (50 ms at 100,000 tasks; 8 ms with it).
    for trigger in ("insert", "delete", "update"):
        conn.execute(f"DROP TRIGGER tasks_fts_{trigger}")
    conn.execute("DROP TABLE tasks_fts")
    _v2_task_search(conn, prefix="1 2 3")
    # The board's first screenful walks this in deadline order and stops after
    # one page; it holds every column the board filters on, so a walk never
    # reads the (wide) task rows. The expressions match `desktop.board`.
    conn.execute(
        """CREATE INDEX tasks_board_deadline ON tasks (
            coalesce(bid_deadline, starts_on) IS NULL, coalesce(bid_deadline, starts_on),
            created_at DESC, id, status, audience, site_id, poster_id, starts_on, ends_on,
            bid_deadline
        )"""
    )
    # The other orders are walked too; rare narrow filters then read rows.
    conn.execute("CREATE INDEX tasks_board_title ON tasks (title COLLATE NOCASE, created_at DESC)")
    conn.execute("CREATE INDEX tasks_board_effort ON tasks (effort_hours, created_at DESC)")


def _v6_published_at(conn: sqlite3.Connection) -> None:
    for statement in TASK_PUBLISHED_AT:
        conn.execute(statement)
    # The server's copies of rows that pending operations changed get the
    # same fact, so a rebase does not hide a published task.
    conn.execute(
        """UPDATE shadows SET row = json_set(row, '$.published_at', json_extract(row, '$.created_at'))
        WHERE table_name = 'tasks' AND row IS NOT NULL
          AND json_extract(row, '$.status') IN ('open', 'assigned', 'done')"""
    )
    # The board's visibility condition reads published_at: the covering index
    # must hold it, or every step of the walk would read the task row.
    conn.execute("DROP INDEX tasks_board_deadline")
    conn.execute(
        """CREATE INDEX tasks_board_deadline ON tasks (
            coalesce(bid_deadline, starts_on) IS NULL, coalesce(bid_deadline, starts_on),
            created_at DESC, id, status, audience, site_id, poster_id, starts_on, ends_on,
            bid_deadline, published_at
        )"""
    )


def _v7_acknowledged(conn: sqlite3.Connection) -> None:
    # Operations the server confirmed, as they were sent, kept for a while after they
    # left the outbox: a server restored from a backup may have lost them, and then
    # they are sent again (desktop.acknowledged).
    conn.execute(
        """CREATE TABLE acknowledged (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            author_id TEXT NOT NULL,
            device_id TEXT,
            created_at TEXT NOT NULL,
            acknowledged_at TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX acknowledged_at ON acknowledged (acknowledged_at)")


def _v8_notifications(conn: sqlite3.Connection) -> None:
    for statement in PERSONAL_TABLES:
        conn.execute(statement)
    # Notices derived from pulled changes (desktop.notifications); local only: every
    # device derives the same ids, and only their read state (notice_reads) syncs.
    conn.execute(
        """CREATE TABLE notifications (
            id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            task_id TEXT NOT NULL,
            actor_id TEXT,
            at TEXT NOT NULL,
            facts TEXT NOT NULL DEFAULT '{}',
            announced INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (person_id, id)
        )"""
    )
    conn.execute("CREATE INDEX notifications_at ON notifications (person_id, at)")
    # Which conversations the person is in: their bids have an index, their comments get one.
    conn.execute("CREATE INDEX comments_author ON comments (author_id)")


def _v9_competence_discovery(conn: sqlite3.Connection) -> None:
    for statement in COMPETENCE_DISCOVERY:  # private profile skills, invitations to bid
        conn.execute(statement)
    # The last competence map, talent search and site network the server
    # computed, for reading offline: the server's JSON as it came, and when.
    conn.execute(
        """CREATE TABLE insights_cache (
            name TEXT PRIMARY KEY,
            computed_at TEXT NOT NULL,
            body TEXT NOT NULL
        )"""
    )


def _v10_form_drafts(conn: sqlite3.Connection) -> None:
    # What a person has half typed in a bid or a comment, kept as they type so
    # that locking, switching user, leaving the page or a crash loses nothing.
    # Local only, never synced; keyed by person so that a store file opened by
    # someone else (a shared account, a recovered file) never shows it.
    conn.execute(
        """CREATE TABLE form_drafts (
            person_id TEXT NOT NULL,
            form TEXT NOT NULL,
            subject TEXT NOT NULL,
            fields TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (person_id, form, subject)
        )"""
    )


def _v11_guidelines(conn: sqlite3.Connection) -> None:
    for statement in GUIDELINES:  # the rules of the road and who accepted which version
        conn.execute(statement)


def _v12_oversight(conn: sqlite3.Connection) -> None:
    # Lending and hours on bids, the organisation's lending policy (issue 15).
    for statement in OVERSIGHT:
        conn.execute(statement)


def _v13_reach(conn: sqlite3.Connection) -> None:
    for statement in REACH:  # invitations, credentials, task requirements (issue 14)
        conn.execute(statement)


def _v14_search_inside_words(conn: sqlite3.Connection) -> None:
    # Text that arrived decomposed (NFD, as some Mac and web tools send it) was
    # stored as sent and never matched what people type: store it composed.
    conn.create_function("nfc", 1, _nfc, deterministic=True)
    for table, columns in (
        ("tasks", ("title", "description", "place")),
        ("sites", ("name", "address")),
        ("people", ("name", "title")),
        ("comments", ("body",)),
        ("bids", ("message",)),
    ):
        assignments = ", ".join(f"{c} = nfc({c})" for c in columns)
        differs = " OR ".join(f"{c} IS NOT nfc({c})" for c in columns)
        conn.execute(f"UPDATE {table} SET {assignments} WHERE {differs}")
    # Inside words and by skill name in both languages (desktop.task_text).
    for statement in task_text.SCHEMA:
        conn.execute(statement)
    task_text.refill(conn)


def _v15_task_times(conn: sqlite3.Connection) -> None:
    for statement in TASK_TIMES:  # clock times and a weekly repeat
        conn.execute(statement)


def _nfc(text: str | None) -> str | None:
    return unicodedata.normalize("NFC", text) if isinstance(text, str) else text


def _v16_one_bids_index(conn: sqlite3.Connection) -> None:
    # bids_status (task_id, status) answers every lookup by task that bids_task (task_id)
    # did; two of them cost an initial pull 0.2-0.4 s of index building at 300,000 bids,
    # and every bid written since a second b-tree to keep up to date.
    conn.execute("DROP INDEX IF EXISTS bids_task")


def _v17_task_outsiders(conn: sqlite3.Connection) -> None:
    for statement in TASK_OUTSIDERS:  # which outsiders a task is open to, on the task (issue 14)
        conn.execute(statement)


def _v18_companies(conn: sqlite3.Connection) -> None:
    for statement in COMPANIES:  # companies and their contact persons (issue 14)
        conn.execute(statement)


def _v19_tenants(conn: sqlite3.Connection) -> None:
    for statement in TENANTS:  # organisations as tenants (issue 16)
        conn.execute(statement)


def _v20_news_after_initial_pull(conn: sqlite3.Connection) -> None:
    # desktop.notifications.catch_up asks for the open tasks published in the last
    # days after every initial pull: without it, a scan of every task.
    conn.execute("CREATE INDEX tasks_published ON tasks (published_at) WHERE status = 'open'")


def _v21_told_names(conn: sqlite3.Connection) -> None:
    # Who posted or commented on another organisation's task, as the server last told
    # the reader (desktop.told_names): read offline. Local only, never synced; keyed by
    # the reader, as the drafts are, so a store opened by someone else never shows it.
    conn.execute(
        """CREATE TABLE told_names (
            reader_id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            name TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            organisation_name TEXT NOT NULL DEFAULT '',
            told_at TEXT NOT NULL,
            PRIMARY KEY (reader_id, person_id)
        )"""
    )


def _v22_guidelines_per_organisation(conn: sqlite3.Connection) -> None:
    # Each organisation its own guidelines (schema.GUIDELINES_PER_ORGANISATION): the
    # set this store held goes to every organisation it knows, as the server's
    # migration 17 does, so the person's acceptance still covers their own set offline.
    for statement in GUIDELINES_PER_ORGANISATION:
        conn.execute(statement)
    # The feed brings a reader their own organisation's set only: where the store
    # knows whose it is, the others' copies would never be read or replaced.
    owner = conn.execute(
        "SELECT p.organisation_id FROM people p JOIN sync_state s ON s.key = 'owner_id' AND s.value = p.id"
    ).fetchone()
    if owner is not None and owner[0]:
        conn.execute("DELETE FROM guidelines WHERE organisation_id <> ?", (owner[0],))


def _v23_invitation_mail(conn: sqlite3.Connection) -> None:
    for statement in INVITATION_MAIL:  # what became of an invitation's e-mail, from the server
        conn.execute(statement)


def _v24_board_by_bid_deadline(conn: sqlite3.Connection) -> None:
    # The board's deadline order is the bid deadline alone, undated last (newest first among
    # them): ordered by "bid deadline, else start", its Bid deadline column showed start dates
    # among the deadlines. The covering index follows the order (`desktop.board._ORDER`).
    conn.execute("DROP INDEX tasks_board_deadline")
    conn.execute(
        """CREATE INDEX tasks_board_deadline ON tasks (
            bid_deadline IS NULL, bid_deadline, created_at DESC, id, status, audience, site_id,
            poster_id, starts_on, ends_on, published_at
        )"""
    )


STEPS: tuple[Step, ...] = (
    _v1_entities_and_outbox,
    _v2_task_search,
    _v3_rebase,
    _v4_drafts_and_lookups,
    _v5_board_at_scale,
    _v6_published_at,
    _v7_acknowledged,
    _v8_notifications,
    _v9_competence_discovery,
    _v10_form_drafts,
    _v11_guidelines,
    _v12_oversight,
    _v13_reach,
    _v14_search_inside_words,
    _v15_task_times,
    _v16_one_bids_index,
    _v17_task_outsiders,
    _v18_companies,
    _v19_tenants,
    _v20_news_after_initial_pull,
    _v21_told_names,
    _v22_guidelines_per_organisation,
    _v23_invitation_mail,
    _v24_board_by_bid_deadline,
)
LATEST = len(STEPS)


def version_of(conn: sqlite3.Connection) -> int:
    """The store's schema version (PRAGMA user_version): 0 for a new file, LATEST when current."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Apply every missing step, each in its own transaction. Returns the new version."""
    current = version_of(conn)
    if current > LATEST:
        raise NewerSchema(current)
    for number in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            STEPS[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version_of(conn)


class NewerSchema(Exception):
    """The file was written by a newer Knop; opening it would risk damaging it."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema version {version} is newer than this Knop ({LATEST})")
        self.version = version
