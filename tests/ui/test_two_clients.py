"""Login, bid, review and accept across two workstations and a real knop-server.

Anna bids on one school PC through the task view; Mette, the school's manager,
accepts on another PC through the review page; Anna's PC then shows the bid
accepted. Every step goes through the real widgets, the real login, the real
sync scheduler and a real server process.
"""

from __future__ import annotations

from typing import Any

from desktop.core.entities import Bid, BidStatus, Task, TaskStatus
from desktop.core.ids import uuid7
from desktop.settings import load_settings
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine, count
from tests.ui.test_shell import log_in
from ui.main_window import MainWindow
from ui.review import ReviewPage
from ui.shell import Shell
from ui.task_view import TaskView


def synced(qtbot: Any, shell: Shell, window: MainWindow) -> None:
    """Ask for a sync and wait until the window shows one that ran to the end with nothing left to send.

    The count comes from the state the window was shown, not the scheduler: the
    scheduler's thread is ahead of the UI's queue, and pairing its count with an
    older state once let a sync from before the click pass as this one.
    """
    runs = shell.context.sync.scheduler.syncs_run
    window.sync_now()

    def done() -> bool:
        state = window.status.sync_state
        return (
            state is not None
            and state.runs > runs
            and not state.syncing
            and state.online
            and state.pending == 0
        )

    qtbot.waitUntil(done, timeout=30_000)


def session_on(qtbot: Any, machine: Machine, username: str) -> tuple[Shell, MainWindow]:
    shell = Shell(load_settings(), "en")
    shell.start()
    window = log_in(qtbot, shell, username, PASSWORD, wait_rows=False)
    synced(qtbot, shell, window)
    return shell, window


def test_bid_on_one_pc_accepted_on_another(
    qtbot: Any, knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    task_id = uuid7()
    knop_server.user("mette").apply(
        "task.create",
        task_id=task_id,
        site_id=world.school.id,
        title="Grill til sommerfesten",
        description="Vi mangler en, der kan passe grillen fra kl. 16.",
        seats=1,
        publish=True,
    )
    anna_pc = machines(knop_server, world.school.id, "anna-pc")
    office_pc = machines(knop_server, world.school.id, "office-pc")

    with anna_pc:
        shell, window = session_on(qtbot, anna_pc, "anna")
        try:
            window.open_task(task_id)
            view = window.current_page()
            assert isinstance(view, TaskView)
            qtbot.waitUntil(lambda: view.place_button.isVisible() and view.place_button.isEnabled(), timeout=10_000)
            qtbot.keyClicks(view.bid_message, "Jeg griller gerne")
            view.place_button.click()
            qtbot.waitUntil(lambda: view.withdraw_button.isVisible(), timeout=10_000)
            synced(qtbot, shell, window)
        finally:
            shell.shut_down()
    assert count(knop_server, "SELECT count(*) FROM bids WHERE task_id = ? AND bidder_id = ?", task_id, "anna") == 1

    with office_pc:
        shell, window = session_on(qtbot, office_pc, "mette")
        try:
            window.open_review(task_id)
            review = window.current_page()
            assert isinstance(review, ReviewPage)
            qtbot.waitUntil(lambda: len(review.cards) == 1, timeout=10_000)
            (card,) = review.cards.values()
            qtbot.waitUntil(card.accept_button.isEnabled, timeout=10_000)
            card.accept_button.click()
            card.confirm_button.click()  # the card asks first
            qtbot.waitUntil(lambda: not card.accept_button.isEnabled(), timeout=10_000)
            synced(qtbot, shell, window)
        finally:
            shell.shut_down()
    assert (
        count(knop_server, "SELECT count(*) FROM bids WHERE task_id = ? AND status = 'accepted'", task_id) == 1
    )

    with anna_pc:
        shell, window = session_on(qtbot, anna_pc, "anna")
        shell.shut_down()
        store = anna_pc.store(world.anna.id)
        try:
            (bid,) = store.bids_on(task_id)
            task = store.get(Task, task_id)
        finally:
            store.close()
    assert isinstance(bid, Bid) and bid.bidder_id == world.anna.id
    assert bid.status == BidStatus.ACCEPTED and bid.decided_by == world.mette.id
    assert task is not None and task.status == TaskStatus.ASSIGNED
