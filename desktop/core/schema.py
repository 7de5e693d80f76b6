"""The tables that hold entities, written once for SQLite and PostgreSQL alike.

Both the client's local store and the server keep entities in the same shape,
so the DDL is written in the subset of SQL both engines accept (TEXT, INTEGER,
DOUBLE PRECISION, BOOLEAN). Each store's migrations start from this text; a
later change to an entity table is a new migration step, never an edit here.
"""

from __future__ import annotations

ENTITY_TABLES: tuple[str, ...] = (
    """CREATE TABLE organisations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL
    )""",
    """CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        organisation_id TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE people (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        username TEXT NOT NULL,
        home_site_id TEXT,
        role TEXT NOT NULL,
        kind TEXT NOT NULL,
        email TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        languages TEXT NOT NULL DEFAULT '[]',
        availability TEXT NOT NULL DEFAULT '',
        active BOOLEAN NOT NULL DEFAULT TRUE,
        version INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE person_skills (
        person_id TEXT NOT NULL,
        skill TEXT NOT NULL,
        evidence TEXT NOT NULL,
        task_id TEXT,
        confirmed_by TEXT,
        added_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (person_id, skill)
    )""",
    """CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        poster_id TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        skills TEXT NOT NULL DEFAULT '[]',
        effort_hours DOUBLE PRECISION NOT NULL DEFAULT 1,
        starts_on TEXT,
        ends_on TEXT,
        bid_deadline TEXT,
        place TEXT NOT NULL DEFAULT '',
        seats INTEGER NOT NULL DEFAULT 1,
        audience TEXT NOT NULL,
        status TEXT NOT NULL,
        bid_count INTEGER NOT NULL DEFAULT 0,
        accepted_count INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL DEFAULT '',
        updated_by TEXT,
        version INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX tasks_site ON tasks (site_id, status)",
    "CREATE INDEX tasks_poster ON tasks (poster_id)",
    """CREATE TABLE bids (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL,
        bidder_id TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        hours DOUBLE PRECISION,
        availability TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        decision_message TEXT NOT NULL DEFAULT '',
        decided_by TEXT,
        decided_at TEXT,
        created_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX bids_task ON bids (task_id)",
    "CREATE INDEX bids_bidder ON bids (bidder_id)",
    """CREATE TABLE comments (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL,
        author_id TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX comments_task ON comments (task_id, created_at)",
    """CREATE TABLE endorsements (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        skill TEXT NOT NULL,
        endorsed_by TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX endorsements_task ON endorsements (task_id)",
    "CREATE INDEX endorsements_person ON endorsements (person_id)",
)

# A later step, shared by both stores: tasks remember when they were first
# published (`Task.published_at`), the fact that keeps a never-published task as
# private as a draft. Tasks from before it are counted as published if their
# status says so, or if anyone bid or commented on them (possible only while
# published); a task cancelled with neither stays private, as a draft would.
TASK_PUBLISHED_AT: tuple[str, ...] = (
    "ALTER TABLE tasks ADD COLUMN published_at TEXT",
    """UPDATE tasks SET published_at = created_at
    WHERE status IN ('open', 'assigned', 'done')
       OR (status = 'cancelled' AND (
           EXISTS (SELECT 1 FROM bids b WHERE b.task_id = tasks.id)
           OR EXISTS (SELECT 1 FROM comments c WHERE c.task_id = tasks.id)))""",
)

# A person's own synced rows (notifications read, settings, saved searches), added in
# client migration 8 and server migration 4.
PERSONAL_TABLES: tuple[str, ...] = (
    """CREATE TABLE notice_reads (
        person_id TEXT NOT NULL,
        notice_id TEXT NOT NULL,
        read_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (person_id, notice_id)
    )""",
    """CREATE TABLE person_settings (
        person_id TEXT PRIMARY KEY,
        preferences TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE saved_searches (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        filters TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX saved_searches_person ON saved_searches (person_id)",
)

# Added by competence discovery (issue 12); each store's migration step runs these.
COMPETENCE_DISCOVERY: tuple[str, ...] = (
    "ALTER TABLE person_skills ADD COLUMN private BOOLEAN NOT NULL DEFAULT FALSE",
    """CREATE TABLE invitations (
        task_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        invited_by TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (task_id, person_id)
    )""",
    "CREATE INDEX invitations_person ON invitations (person_id)",
)

# Clock times and a weekly repeat on tasks (issue 17): "Tuesday 14:00-20:00", the weekly
# homework café. Times are "HH:MM" wall-clock times where the task takes place; `repeats`
# is "" or "weekly". Each store's migration step runs these.
TASK_TIMES: tuple[str, ...] = (
    "ALTER TABLE tasks ADD COLUMN start_time TEXT",
    "ALTER TABLE tasks ADD COLUMN end_time TEXT",
    "ALTER TABLE tasks ADD COLUMN repeats TEXT NOT NULL DEFAULT ''",
)
