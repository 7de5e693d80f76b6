"""The central Knop server: the same operation rules as the client, applied with authority.

Start it with `knop-server --db PATH_OR_URL` (SQLite file, or postgresql://...
for several workers) and set it up with `knop-admin`. The wire contract is
`sync.protocol`; the served OpenAPI description (/openapi.json) spells it out.

    app.py         routes, credentials, error responses (always protocol.error_body)
    gate.py        protocol version (426) and body size (413), before any route
    messages.py    request/response models: the checks and the OpenAPI description
    push.py        exactly-once application of pushed operations
    feed.py        the scoped change feed behind an opaque cursor
    accounts.py    passwords, devices, enrolment codes, tokens, login throttle
    directory.py   organisation, sites and people, as an admin sets them up
    csv_import.py  staff lists from CSV, bad rows reported by line
    audit.py       who did what, when, from which device
    storage.py     SQLite (one writer) or PostgreSQL (parallel writers, row locks)
    migrations.py  versioned schema steps for both engines
    demo_seed.py   the demo municipality, in bulk
    main.py        knop-server;  admin.py  knop-admin;  logs.py  scrubbed logging
"""
