"""The demo municipality in a real server database, for tests that show the server's own answers.

The oversight screens (reports, the audit trail) are fed what the server
computes; these tests seed the demo data into a server database in a throwaway
folder and act through the server's own push, as a device would.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from desktop.core.entities import Audience, Person, Task, TaskStatus
from desktop.core.ids import utc_now, uuid7
from sync.server import demo, demo_seed, migrations, push, storage
from sync.server.accounts import Caller

Act = Callable[..., str]  # (person, kind, **payload) -> the operation's id


@contextlib.contextmanager
def demo_server(data: demo.DemoData, folder: Path) -> Iterator[storage.Database]:
    """A SQLite server database in `folder` holding `data`; closed afterwards."""
    db = storage.Database(folder / "server.sqlite3", pool_size=1)
    try:
        migrations.migrate(db)
        demo_seed.seed(db, data)
        yield db
    finally:
        db.close()


def open_tasks(db: storage.Database, limit: int) -> list[Task]:
    """The newest `limit` tasks open for bids beyond their own site, with a seat free."""
    with db.read() as s:
        return s.fetch(
            Task, "status = ? AND audience <> ? AND seats > accepted_count ORDER BY created_at DESC LIMIT ?",
            (TaskStatus.OPEN, Audience.SITE, limit),
        )


def acting_on(db: storage.Database, device_id: str) -> Act:
    """A function that applies one operation as a person on `device_id` through the server's push."""

    def act(person: Person, kind: str, **payload: object) -> str:
        operation_id = uuid7()
        batch = [{"id": operation_id, "kind": kind, "payload": payload, "author_id": person.id,
                  "device_id": device_id, "created_at": utc_now()}]
        push.push(db, Caller(person, device_id, ""), batch)
        return operation_id

    return act
