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

# The organisation's rules of the road (issue 20): the current guidelines per
# audience, and which version each person accepted. Each store's migration runs these.
GUIDELINES: tuple[str, ...] = (
    """CREATE TABLE guidelines (
        audience TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        text_da TEXT NOT NULL,
        text_en TEXT NOT NULL,
        published_at TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE guideline_acceptances (
        person_id TEXT NOT NULL,
        audience TEXT NOT NULL,
        version INTEGER NOT NULL,
        accepted_at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (person_id, audience)
    )""",
)

# Each organisation its own rules of the road (issue 16): the guidelines are keyed
# by (organisation, audience). The set there was before goes to every organisation
# the store knows, with its version, so that nobody loses what they accepted.
# Each store's migration runs these (SQLite and PostgreSQL alike: a new table, as
# SQLite cannot change a primary key). The default '' is for a client's row from a
# server before this, which sends none (nobody's; the server still decides).
GUIDELINES_PER_ORGANISATION: tuple[str, ...] = (
    """CREATE TABLE guidelines_per_organisation (
        organisation_id TEXT NOT NULL DEFAULT '',
        audience TEXT NOT NULL,
        version INTEGER NOT NULL,
        text_da TEXT NOT NULL,
        text_en TEXT NOT NULL,
        published_at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (organisation_id, audience)
    )""",
    """INSERT INTO guidelines_per_organisation
        (organisation_id, audience, version, text_da, text_en, published_at)
        SELECT o.id, g.audience, g.version, g.text_da, g.text_en, g.published_at
        FROM guidelines g CROSS JOIN organisations o""",
    "DROP TABLE guidelines",
    "ALTER TABLE guidelines_per_organisation RENAME TO guidelines",
)

# Added by oversight (issue 15): lending between sites and the hours worked.
# Bids remember the bidder's home site when they bid (work on another site's
# task is lent from it), where the lending stands with the home manager, and
# the hours the task's manager confirmed; the organisation holds its lending
# policy. Bids from before it get their bidder's home site of today.
OVERSIGHT: tuple[str, ...] = (
    "ALTER TABLE organisations ADD COLUMN lending TEXT NOT NULL DEFAULT 'off'",
    "ALTER TABLE bids ADD COLUMN home_site_id TEXT",
    "ALTER TABLE bids ADD COLUMN lending TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE bids ADD COLUMN lending_decided_by TEXT",
    "ALTER TABLE bids ADD COLUMN lending_decided_at TEXT",
    "ALTER TABLE bids ADD COLUMN worked_hours DOUBLE PRECISION",
    "ALTER TABLE bids ADD COLUMN hours_confirmed_by TEXT",
    "ALTER TABLE bids ADD COLUMN hours_confirmed_at TEXT",
    """UPDATE bids SET home_site_id = (
        SELECT p.home_site_id FROM people p WHERE p.id = bids.bidder_id)""",
    "CREATE INDEX bids_home_site ON bids (home_site_id)",
)
# Added by reach (issue 14): member invitations, credentials, task requirements,
# a person's phone, the organisation's approval setting, a bid's warnings.
REACH: tuple[str, ...] = (
    "ALTER TABLE people ADD COLUMN phone TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE organisations ADD COLUMN externals_need_approval BOOLEAN NOT NULL DEFAULT FALSE",
    "ALTER TABLE bids ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]'",
    """CREATE TABLE member_invitations (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL,
        site_id TEXT NOT NULL,
        invited_by TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        approved_by TEXT,
        person_id TEXT,
        created_at TEXT NOT NULL DEFAULT '',
        decided_at TEXT,
        version INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX member_invitations_code ON member_invitations (code_hash)",
    """CREATE TABLE person_credentials (
        person_id TEXT NOT NULL,
        credential TEXT NOT NULL,
        verified_by TEXT NOT NULL,
        issued_on TEXT,
        expires_on TEXT,
        verified_at TEXT NOT NULL DEFAULT '',
        site_id TEXT,
        version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (person_id, credential)
    )""",
    """CREATE TABLE task_requirements (
        task_id TEXT PRIMARY KEY,
        requirements TEXT NOT NULL DEFAULT '{}',
        paid_staff_work BOOLEAN NOT NULL DEFAULT FALSE,
        outsiders TEXT NOT NULL DEFAULT '[]',
        updated_by TEXT,
        updated_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
)

# Clock times and a weekly repeat on tasks (issue 17): "Tuesday 14:00-20:00", the weekly
# homework café. Times are "HH:MM" wall-clock times where the task takes place; `repeats`
# is "" or "weekly". Each store's migration step runs these.
TASK_TIMES: tuple[str, ...] = (
    "ALTER TABLE tasks ADD COLUMN start_time TEXT",
    "ALTER TABLE tasks ADD COLUMN end_time TEXT",
    "ALTER TABLE tasks ADD COLUMN repeats TEXT NOT NULL DEFAULT ''",
)

# Companies as organisations of their own, with contact persons (issue 14).
COMPANIES: tuple[str, ...] = (
    """CREATE TABLE companies (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        cvr TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 0
    )""",
    "ALTER TABLE people ADD COLUMN company_id TEXT",
    "ALTER TABLE member_invitations ADD COLUMN company_name TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE member_invitations ADD COLUMN company_cvr TEXT NOT NULL DEFAULT ''",
)

# What became of an invitation's e-mail (entities.InvitationMail), written by the server:
# the list of invitations said "Sent" also where no mail server is set up.
INVITATION_MAIL: tuple[str, ...] = (
    "ALTER TABLE member_invitations ADD COLUMN mail TEXT NOT NULL DEFAULT ''",
)

# Which outsiders an external task is open to moved from its requirements to
# the task itself, where the visibility rule reads it (issue 14).
TASK_OUTSIDERS: tuple[str, ...] = (
    "ALTER TABLE tasks ADD COLUMN outsiders TEXT NOT NULL DEFAULT '[]'",
    """UPDATE tasks SET outsiders = (
        SELECT r.outsiders FROM task_requirements r WHERE r.task_id = tasks.id)
    WHERE EXISTS (SELECT 1 FROM task_requirements r WHERE r.task_id = tasks.id AND r.outsiders <> '[]')""",
)

# Organisations as tenants (issue 16): tasks and people carry their organisation,
# the key a distributed server shards by. Rows from before it belong to the one
# organisation there was: a task to its site's, a person to their home site's
# (an outsider, who has none, to the only organisation). Each store's migration runs these.
TENANTS: tuple[str, ...] = (
    "ALTER TABLE people ADD COLUMN organisation_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE tasks ADD COLUMN organisation_id TEXT NOT NULL DEFAULT ''",
    """UPDATE tasks SET organisation_id = coalesce(
        (SELECT s.organisation_id FROM sites s WHERE s.id = tasks.site_id), '')""",
    """UPDATE people SET organisation_id = coalesce(
        (SELECT s.organisation_id FROM sites s WHERE s.id = people.home_site_id),
        (SELECT min(o.id) FROM organisations o), '')""",
    "CREATE INDEX tasks_organisation ON tasks (organisation_id, status)",
)
