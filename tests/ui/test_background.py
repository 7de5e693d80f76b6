"""The DB thread and the op API: results by signal, rejections as sentences, clean stops."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.ids import uuid7
from desktop.core.rejection import Rejection
from desktop.store import Store
from ui.background import Changes, describe
from ui.context import AppContext


def open_task_id(store: Store, person_id: str) -> str:
    """A task Anna may bid on: open, visible to her, not her own, no bid of hers yet."""
    from desktop.core import permissions
    from desktop.core.entities import Person, Task

    anna = store.get(Person, person_id)
    assert anna is not None
    for row in store.rows("SELECT * FROM tasks WHERE status = 'open' AND bid_deadline IS NULL"):
        task = Task.from_row(row)
        mine = store.rows(
            "SELECT 1 FROM bids WHERE task_id = ? AND bidder_id = ?", (task.id, person_id)
        )
        if permissions.may_bid_on(anna, task) and not mine:
            return task.id
    raise AssertionError("no biddable task in the demo data")


def test_query_runs_on_the_db_thread_and_answers_on_the_ui_thread(
    qtbot: Any, context: AppContext
) -> None:
    seen: dict[str, object] = {}

    def work(store: Store) -> int:
        seen["worker"] = threading.current_thread()
        return store.pending_count()

    def done(count: int) -> None:
        seen["ui"] = threading.current_thread()
        seen["count"] = count

    context.query(work).success(done).run_in_background()
    qtbot.waitUntil(lambda: "count" in seen)
    assert seen["count"] == 0
    assert seen["ui"] is threading.main_thread()
    assert seen["worker"] is not threading.main_thread()


def test_an_operation_reports_what_changed_with_ids(qtbot: Any, context: AppContext) -> None:
    found: list[str] = []
    context.query(lambda s: open_task_id(s, context.person.id)).success(
        found.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(found))
    outcomes: list[Any] = []
    with qtbot.waitSignal(context.changed, timeout=5000) as blocker:
        context.perform(
            "bid.place", {"bid_id": uuid7(), "task_id": found[0], "message": "Jeg kan godt"}
        ).success(outcomes.append).run_in_background()
    changes = blocker.args[0]
    assert isinstance(changes, Changes)
    assert {"bids", "tasks", "outbox"} <= changes
    assert changes.ids_of("tasks") == {found[0]}
    assert changes.origin == "local"
    qtbot.waitUntil(lambda: bool(outcomes))
    assert outcomes[0].kind == "bid.place"


def test_a_rejection_arrives_as_a_sentence_in_the_users_language(
    qtbot: Any, context: AppContext
) -> None:
    errors: list[BaseException] = []
    context.perform("bid.place", {"bid_id": uuid7(), "task_id": "no-such-task"}).failure(
        errors.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Rejection)
    assert describe(errors[0], "da") == "Opgaven findes ikke (længere)."
    assert describe(errors[0], "en") == "The task does not exist (any more)."


def test_without_a_failure_handler_the_person_sees_a_message_not_a_traceback(
    qtbot: Any, context: AppContext, monkeypatch: Any
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    context.perform(
        "comment.add", {"comment_id": uuid7(), "task_id": "x", "body": "hej"}
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == ["Opgaven findes ikke (længere)."]

    def broken(_store: Store) -> None:
        raise ZeroDivisionError("boom")

    context.query(broken).run_in_background()
    qtbot.waitUntil(lambda: len(shown) == 2)
    assert "boom" not in shown[1] and "Traceback" not in shown[1]


def test_results_for_a_closed_widget_are_dropped(
    qtbot: Any, context: AppContext, wait_idle: Any
) -> None:
    widget = QWidget()
    called: list[object] = []
    context.query(lambda s: 1, parent=widget).success(called.append).run_in_background()
    widget.deleteLater()
    del widget
    qtbot.waitUntil(lambda: not context.worker.busy())
    wait_idle(context)
    assert called == []


def test_close_runs_queued_operations_then_joins(qtbot: Any, context: AppContext) -> None:
    found: list[str] = []
    context.query(lambda s: open_task_id(s, context.person.id)).success(
        found.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(found))
    context.perform("bid.place", {"bid_id": uuid7(), "task_id": found[0]}).run_in_background()
    context.close()
    assert not context.worker.db_thread.isRunning()
    # The queued bid was not lost to the stop.
    store = Store(context.store_path)
    try:
        assert store.pending_count() == 1
    finally:
        store.close()
    context.close()  # twice is harmless


def test_a_job_that_comes_after_the_close_is_dropped_not_raised(
    qtbot: Any, context: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    """A server's answer may arrive as the person logs out, and what it would keep comes
    too late: the job is dropped and logged, not raised in the Qt slot that sent it (a
    full run failed on "the DB thread is stopping" from the competence map's answer)."""
    context.close()
    ran: list[int] = []

    def late(_store: Store) -> int:
        ran.append(1)
        return 1

    context.query(late).success(ran.append).run_in_background()
    assert ran == [] and not context.worker.busy()
    assert "came after the store began closing" in caplog.text


class _Freed:
    """Says on which thread Python freed it."""

    def __init__(self, threads: list[str]) -> None:
        self.threads = threads

    def __del__(self) -> None:
        self.threads.append(threading.current_thread().name)


@pytest.mark.parametrize("ends", ["succeeds", "fails"])
def test_a_jobs_callbacks_and_outcome_are_freed_on_the_ui_thread(
    qtbot: Any, context: AppContext, ends: str
) -> None:
    """Callbacks hold widgets; freed on the DB thread, a widget's wrapper can crash Qt.

    The DB thread once kept its last job in a local until the next job came, and so
    freed it (and its outcome, an error's traceback with its frames) there.
    """
    freed: list[str] = []
    delivered: list[object] = []

    def work(_store: Store) -> _Freed:
        outcome = _Freed(freed)
        if ends == "fails":
            raise RuntimeError("a refusal whose frames hold the outcome", outcome)
        return outcome

    def start(held: _Freed) -> None:  # `held` lives on only in the callbacks
        context.query(work).success(lambda r: delivered.append((held, r))).failure(
            lambda e: delivered.append((held, e))
        ).run_in_background()

    start(_Freed(freed))
    qtbot.waitUntil(lambda: bool(delivered))
    delivered.clear()
    ran_after: list[bool] = []
    context.query(lambda _s: True).success(ran_after.append).run_in_background()
    qtbot.waitUntil(lambda: bool(ran_after))  # the DB thread has moved on to the next job
    gc.collect()
    qtbot.waitUntil(lambda: len(freed) == 2)
    assert freed == [threading.main_thread().name] * 2
