"""Push: each operation applied exactly once, each with its own result, none blocking another."""

from __future__ import annotations

import json

import httpx
import pytest

from desktop.core.entities import Task
from desktop.core.ids import uuid7
from tests.conftest import World
from tests.faults.proxy import Fault, FaultPlan, FaultyProxy
from tests.faults.summary import fault_summary  # noqa: F401 - per-test fault counts in the summary
from tests.server.harness import Api, Deployment


def published_task(manager: Api, world: World, **fields: object) -> str:
    task_id = uuid7()
    values = {"title": "Hjælp til sommerfesten", "audience": "site", **fields}
    manager.apply("task.create", task_id=task_id, site_id=world.school.id, publish=True, **values)
    return task_id


def task_row(server: Deployment, task_id: str) -> Task:
    with server.database.read() as s:
        task = s.get(Task, task_id)
    assert task is not None
    return task


def count(server: Deployment, sql: str, *params: object) -> int:
    with server.database.read() as s:
        return int(s.value(sql, params))


def test_each_operation_gets_its_own_result_and_a_refusal_blocks_nothing(
    server: Deployment, world: World
) -> None:
    mette = server.user("mette")
    first, second = uuid7(), uuid7()
    results = mette.push(
        mette.op(
            "task.create", task_id=first, site_id=world.school.id, title="Første", publish=True
        ),
        mette.op("task.create", task_id=first, site_id=world.school.id, title="Igen"),
        mette.op("comment.add", comment_id=uuid7(), task_id="no-such-task", body="Hej"),
        mette.op(
            "task.create", task_id=second, site_id=world.other_school.id, title="Forkert sted"
        ),
        mette.op(
            "task.create", task_id=second, site_id=world.school.id, title="Anden", publish=True
        ),
    )
    assert [r["status"] for r in results] == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "applied",
    ]
    assert results[0]["entity_id"] == first
    assert results[0]["versions"] == {f"tasks/{first}": 1}
    exists, unknown, wrong_site = (r["rejection"] for r in results[1:4])
    assert (exists["code"], exists["reason"]) == ("conflict", "task.exists")
    assert (unknown["code"], unknown["reason"]) == ("gone", "task.unknown")
    assert (wrong_site["code"], wrong_site["reason"]) == ("forbidden", "task.wrong_site")
    for rejection in (exists, unknown, wrong_site):
        assert rejection["message"]["da"] and rejection["message"]["en"]
        assert isinstance(rejection["facts"], dict)
    assert task_row(server, first).title == "Første"
    assert task_row(server, second).title == "Anden"


def test_a_repeat_returns_the_stored_result_and_applies_nothing(
    server: Deployment, world: World
) -> None:
    mette, anna = server.user("mette"), server.user("anna")
    task_id = published_task(mette, world)
    bid = anna.op("bid.place", bid_id=uuid7(), task_id=task_id, message="Jeg kan grille")
    first = anna.push(bid)
    again = anna.push(bid)
    assert first == again
    assert first[0]["status"] == "applied"
    assert task_row(server, task_id).bid_count == 1
    assert count(server, "SELECT count(*) FROM operations WHERE id = ?", bid["id"]) == 1
    assert count(server, "SELECT count(*) FROM audit_events WHERE id = ?", bid["id"]) == 1


def test_a_repeat_after_a_lost_response_gets_the_first_answer(
    server: Deployment, world: World
) -> None:
    mette, anna = server.user("mette"), server.user("anna")
    task_id = published_task(mette, world)
    bid = anna.op("bid.place", bid_id=uuid7(), task_id=task_id)
    port = int(server.url.rsplit(":", 1)[1])
    with FaultyProxy(port, FaultPlan(rate=1.0, faults=(Fault.DROP_BEFORE_RESPONSE,))) as proxy:
        lost = Api(proxy.url)
        lost.credential, lost.token, lost.person = anna.credential, anna.token, anna.person
        with pytest.raises(httpx.HTTPError):
            lost.push(bid)
    assert proxy.injected[Fault.DROP_BEFORE_RESPONSE] == 1  # the server answered; the client never heard
    (result,) = anna.push(bid)
    assert result["status"] == "applied"
    assert result["entity_id"] == bid["payload"]["bid_id"]
    assert task_row(server, task_id).bid_count == 1


def test_a_reused_id_with_other_content_is_refused(server: Deployment, world: World) -> None:
    mette = server.user("mette")
    task_id = uuid7()
    original = mette.op("task.create", task_id=task_id, site_id=world.school.id, title="Original")
    assert mette.push(original)[0]["status"] == "applied"
    forged = {**original, "payload": {**original["payload"], "title": "Ændret"}}
    (result,) = mette.push(forged)
    assert result["status"] == "rejected"
    assert result["rejection"]["reason"] == "operation.id_reused"
    assert task_row(server, task_id).title == "Original"
    assert mette.push(original)[0]["status"] == "applied"  # the real one still answers as before


def test_a_refusal_is_stored_too_so_a_repeat_is_answered_the_same(
    server: Deployment, world: World
) -> None:
    mette, anna = server.user("mette"), server.user("anna")
    draft_id = uuid7()
    mette.apply("task.create", task_id=draft_id, site_id=world.school.id, title="Kladde")
    bid = anna.op("bid.place", bid_id=uuid7(), task_id=draft_id)
    (refused,) = anna.push(bid)
    assert refused["rejection"]["reason"] == "task.not_visible"
    mette.apply("task.publish", task_id=draft_id)
    assert anna.push(bid) == [refused]
    assert task_row(server, draft_id).bid_count == 0


def test_the_author_must_be_the_logged_in_user(server: Deployment, world: World) -> None:
    mette, anna, bo = server.user("mette"), server.user("anna"), server.user("bo")
    task_id = published_task(mette, world)
    bos_bid = bo.op("bid.place", bid_id=uuid7(), task_id=task_id)
    (result,) = anna.push(bos_bid)
    assert result["status"] == "rejected"
    assert result["rejection"]["reason"] == "operation.author_mismatch"
    assert result["rejection"]["code"] == "forbidden"
    # Not stored against the id: the real author's push still goes through.
    assert bo.push(bos_bid)[0]["status"] == "applied"


def test_replaying_someone_elses_operation_id_returns_nothing_of_their_result(
    server: Deployment, world: World
) -> None:
    """Issue 18 item 3: the author is checked before the operation log is read."""
    mette, anna, bo = server.user("mette"), server.user("anna"), server.user("bo")
    task_id = published_task(mette, world)
    annas_bid = anna.op("bid.place", bid_id=uuid7(), task_id=task_id, message="Jeg kan grille")
    (applied,) = anna.push(annas_bid)
    assert applied["status"] == "applied"
    annas_refusal = anna.op("bid.place", bid_id=uuid7(), task_id=task_id)
    (refused,) = anna.push(annas_refusal)
    assert refused["rejection"]["reason"] == "bid.twice"
    for replay in (annas_bid, annas_refusal):
        # Word for word, as someone who saw the id on the wire would send it.
        (answer,) = bo.push(replay)
        assert answer["rejection"]["reason"] == "operation.author_mismatch"
        assert answer != applied and answer != refused
        assert "entity_id" not in answer and answer["rejection"]["facts"] == {}
        # The same id under Bo's own name is a reused id, not Anna's answer.
        (own,) = bo.push({**replay, "author_id": bo.person["id"]})
        assert own["rejection"]["reason"] == "operation.id_reused"
        assert own["rejection"]["facts"] == {}
    assert anna.push(annas_bid) == [applied]


def test_the_server_applies_with_its_own_clock_and_the_tokens_device(
    server: Deployment, world: World
) -> None:
    mette = server.user("mette")
    task_id = uuid7()
    op = mette.op("task.create", task_id=task_id, site_id=world.school.id, title="Ur")
    op["created_at"] = "1999-12-31T23:59:59.000Z"
    op["device_id"] = "somebody-elses-device"
    mette.push(op)
    task = task_row(server, task_id)
    assert task.created_at > "2020"
    with server.database.read() as s:
        event = s.rows("SELECT * FROM audit_events WHERE id = ?", (op["id"],))[0]
    assert event["actor_id"] == world.mette.id
    assert event["device_id"] == mette.device_id
    assert event["operation"] == "task.create"
    assert event["entity_id"] == task_id
    assert f"tasks/{task_id}" in event["summary"]


def test_an_applied_operation_writes_feed_rows_for_every_change(
    server: Deployment, world: World
) -> None:
    mette, anna = server.user("mette"), server.user("anna")
    task_id = published_task(mette, world, seats=1)
    bid_id = uuid7()
    anna.apply("bid.place", bid_id=bid_id, task_id=task_id)
    (result,) = mette.push(mette.op("bid.accept", bid_id=bid_id, message="Velkommen"))
    assert result["versions"] == {f"bids/{bid_id}": 2, f"tasks/{task_id}": 3}
    with server.database.read() as s:
        bodies = {
            r["table_name"]: json.loads(r["body"])
            for r in s.rows(
                "SELECT table_name, body FROM changes WHERE entity_key IN (?, ?)", (bid_id, task_id)
            )
        }
    assert bodies["bids"]["row"]["status"] == "accepted"
    assert bodies["tasks"]["row"]["status"] == "assigned"
    assert bodies["tasks"]["row"]["version"] == 3


def test_an_unexpected_failure_is_a_rejection_not_a_500_and_can_be_retried(
    server: Deployment, world: World
) -> None:
    mette, anna = server.user("mette"), server.user("anna")
    broken = published_task(mette, world)
    fine = published_task(mette, world)
    with server.database.write() as s:  # damage the row so that loading it raises
        s.execute("UPDATE tasks SET skills = ? WHERE id = ?", ("{not json", broken))
    doomed = anna.op("bid.place", bid_id=uuid7(), task_id=broken)
    results = anna.push(doomed, anna.op("bid.place", bid_id=uuid7(), task_id=fine))
    assert results[0]["status"] == "rejected"
    assert results[0]["rejection"]["reason"] == "operation.failed"
    assert results[1]["status"] == "applied"
    with server.database.write() as s:
        s.execute("UPDATE tasks SET skills = '[]' WHERE id = ?", (broken,))
    assert anna.push(doomed)[0]["status"] == "applied"  # a failure is not remembered as the answer
