"""The exactly-once log is pruned beyond its retention, and older operations are refused.

The server here keeps the log 30 days (KNOP_OPERATION_LOG_DAYS). An
operation's id is a UUIDv7, which says when the client made it; one made
longer ago than the log reaches (less a day for clocks that run ahead) could
have had its entry pruned, so it is refused with "operation.too_old" and
changes nothing, where applying it could apply it twice.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from desktop.core.ids import uuid7
from desktop.core.rejection import REASONS, Code
from sync.server import push
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Deployment
from tests.server.test_admin_cli import admin
from tests.server.test_push import published_task, task_row

DAYS = 30


@pytest.fixture(scope="module")
def short_memory(backend: str, servers: Servers) -> Iterator[Deployment]:
    deployment = servers.start(backend, env={push.OPERATION_LOG_DAYS_ENV: str(DAYS)})
    yield deployment
    assert deployment.server_errors() == []


def made_days_ago(days: float) -> str:
    """A UUIDv7 as a client whose operation was made `days` ago would have made it."""
    ms = int((time.time() - days * 86_400) * 1000)
    fresh = uuid.UUID(uuid7()).int
    return str(uuid.UUID(int=(ms << 80) | (fresh & ((1 << 80) - 1))))


def test_an_operation_older_than_the_log_is_refused_and_changes_nothing(
    short_memory: Deployment, world: World
) -> None:
    mette = short_memory.user("mette")
    task_id = published_task(mette, world)
    before = task_row(short_memory, task_id)
    stale = mette.op("task.edit", task_id=task_id, changes={"title": "For gammel"})
    stale["id"] = made_days_ago(DAYS - push.CLOCK_AHEAD_DAYS + 0.5)
    (result,) = mette.push(stale)
    assert result["status"] == "rejected"
    assert result["rejection"]["reason"] == "operation.too_old"
    assert result["rejection"]["code"] == str(
        Code.GONE
    )  # the client puts it under "needs attention"
    assert task_row(short_memory, task_id) == before
    (again,) = mette.push(stale)
    assert again == result

    recent = mette.op("task.edit", task_id=task_id, changes={"title": "Frisk nok"})
    recent["id"] = made_days_ago(DAYS - push.CLOCK_AHEAD_DAYS - 0.5)
    (applied,) = mette.push(recent)
    assert applied["status"] == "applied"
    assert task_row(short_memory, task_id).title == "Frisk nok"


def test_entries_beyond_the_retention_are_pruned_and_recent_ones_kept(
    short_memory: Deployment, world: World
) -> None:
    mette = short_memory.user("mette")
    task_id = published_task(mette, world)
    old = mette.op("task.edit", task_id=task_id, changes={"title": "Gammel"})
    new = mette.op("task.edit", task_id=task_id, changes={"title": "Ny"})
    assert [r["status"] for r in mette.push(old, new)] == ["applied", "applied"]
    _received_long_ago(short_memory, old["id"])
    assert push.prune_operations(short_memory.database, DAYS) >= 1
    with short_memory.database.read() as s:
        kept = {
            r[0]
            for r in s.execute(
                "SELECT id FROM operations WHERE id IN (?, ?)", (old["id"], new["id"])
            )
        }
    assert kept == {new["id"]}
    (repeat,) = mette.push(new)  # still exactly once for what the log holds
    assert repeat["status"] == "applied" and task_row(short_memory, task_id).title == "Ny"


def test_it_can_be_pruned_from_the_command_line(short_memory: Deployment, world: World) -> None:
    mette = short_memory.user("mette")
    task_id = published_task(mette, world)
    old = mette.op("task.edit", task_id=task_id, changes={"title": "Fra kommandolinjen"})
    (result,) = mette.push(old)
    assert result["status"] == "applied"
    _received_long_ago(short_memory, old["id"])
    ran = admin(short_memory.db_url, "prune-operations", "--older-than-days", str(DAYS))
    assert ran.code == 0, ran.err
    assert "older than 30 days pruned" in ran.out
    with short_memory.database.read() as s:
        assert s.value("SELECT count(*) FROM operations WHERE id = ?", (old["id"],)) == 0
    too_short = admin(short_memory.db_url, "prune-operations", "--older-than-days", "1")
    assert too_short.code == 2 and "more than" in too_short.err


def _received_long_ago(server: Deployment, op_id: str) -> None:
    """As if the operation had arrived DAYS + 1 days ago."""
    then = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - (DAYS + 1) * 86_400))
    with server.database.write(serial=False) as s:
        s.execute("UPDATE operations SET received_at = ? WHERE id = ?", (then, op_id))


def test_the_refusal_has_a_sentence_in_both_languages() -> None:
    words = REASONS["operation.too_old"].words
    assert words.text("en") and words.text("da") and words.text("da") != words.text("en")
