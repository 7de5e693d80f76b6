"""The sync status bar and the needs-attention list, over a real store and a real DB thread."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

from desktop.core.ids import uuid7
from desktop.core.rejection import Rejection
from desktop.core.text import said
from desktop.store import Store
from sync.report import Progress, SyncReport, UserReport
from sync.scheduler import SyncState
from tests.ui.test_background import open_task_id
from ui.context import AppContext
from ui.sync_status import AttentionPanel, SyncLink, SyncStatusBar


class Worker:
    """A stand-in scheduler whose states come from a thread of its own, as the real one's do."""

    def __init__(self) -> None:
        self.on_state: Any = None
        self.requests: list[str] = []
        self.stopped = False

    def start(self) -> None:
        pass

    def request_sync(self, reason: str = "manual") -> None:
        self.requests.append(reason)

    def cancel(self) -> None:
        pass

    def stop(self, timeout: float = 10.0) -> bool:
        self.stopped = True
        return True

    def publish(self, *states: SyncState) -> None:
        def run() -> None:
            for state in states:
                self.on_state(state)

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()


def linked(context: AppContext) -> tuple[Worker, SyncLink]:
    """`context` with a link over a stand-in scheduler, as the shell attaches the real one."""
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    return worker, link


def publish_unreachable(qtbot: Any, worker: Worker, link: SyncLink) -> Any:
    """The scheduler's state after a sync found no server ("no connection"); the failure it said."""
    from desktop.core.text import sentence
    from sync.failures import ServerUnreachable

    unreachable = ServerUnreachable.because(sentence("no connection"))
    with qtbot.waitSignal(link.state_changed):
        worker.publish(
            SyncState(
                online=False,
                last_success="2026-11-26T10:00:02.000Z",
                error_words=unreachable.words,
                error_code=unreachable.code,
                error_cause=unreachable.cause,
            )
        )
    return unreachable


def test_offline_the_changes_are_said_kept_once(qtbot: Any, make_context: Any) -> None:
    """Try-out: offline, the state line said "Offline - dine ændringer er gemt" and the reason
    beside it "Serveren kan ikke nås (...). Dine ændringer er gemt og sendes, …" again."""
    from tests.ui.driving import styled

    context = make_context("anna", language="da")
    worker, link = linked(context)
    with styled("da"):
        bar = status_bar(qtbot, context)
        place_bid(qtbot, context)  # a change waits: the state line says it is kept
        qtbot.waitUntil(lambda: bar.counts.pending == 1)
        publish_unreachable(qtbot, worker, link)
    qtbot.waitUntil(lambda: bar.dot.property("mood") == "offline")
    # Said once, on the state line; the cause in its tooltip (no red line: tests/ui/test_offline_calm.py).
    assert "ændringer er gemt" in bar.connection_label.text()
    assert not bar.error_label.isVisible()
    assert bar.connection_label.toolTip() == (
        f"{bar.connection_label.text()}\nServeren kan ikke nås (ingen forbindelse)."
    )
    context.close()


def status_bar(qtbot: Any, context: AppContext) -> SyncStatusBar:
    bar = SyncStatusBar(context)
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitUntil(lambda: bar.pending_label.text() != "")
    return bar


def place_bid(qtbot: Any, context: AppContext) -> str:
    found: list[str] = []
    context.query(lambda s: open_task_id(s, context.person.id)).success(
        found.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(found))
    outcomes: list[Any] = []
    context.perform("bid.place", {"bid_id": uuid7(), "task_id": found[0]}).success(
        outcomes.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(outcomes))
    return str(outcomes[0].operation_id)


def refuse(qtbot: Any, context: AppContext, op_id: str, rejection: Rejection) -> None:
    """What a sync does when the server refuses an operation, then tells the views."""
    done: list[bool] = []

    def work(store: Store) -> bool:
        with store.transaction():
            store.refuse(op_id, rejection.to_wire())
        return True

    context.query(work).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: bool(done))
    context.notify({"outbox", "attention"})


def test_pending_changes_show_at_once_after_a_local_change(qtbot: Any, context: AppContext) -> None:
    bar = status_bar(qtbot, context)
    assert bar.pending_label.text() == "All changes sent"
    assert not bar.sync_button.isEnabled()  # no server here
    assert bar.connection_label.text() == "Not connected to a server"
    place_bid(qtbot, context)
    qtbot.waitUntil(lambda: bar.counts.pending == 1)
    assert bar.pending_label.text() == "1 change waiting to be sent"
    assert not bar.attention_button.isVisible()


def test_a_refused_operation_needs_attention_with_its_reason(
    qtbot: Any, qtmodeltester: Any, make_context: Any
) -> None:
    context = make_context("anna", language="en")
    bar = status_bar(qtbot, context)
    op_id = place_bid(qtbot, context)
    refuse(qtbot, context, op_id, Rejection("bid.seats_full", seats=2, who="Mette", at="14:02"))
    qtbot.waitUntil(lambda: bar.attention_button.isVisible())
    assert bar.counts == type(bar.counts)(0, 1)
    assert bar.pending_label.text() == "All changes sent"
    panel = AttentionPanel(context)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded):
        panel.show()
    model = panel.model
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 1
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row[0] == "Placing a bid"
    assert row[1]  # the task's title
    assert row[2] == "All 2 seats are taken: Mette accepted another bid at 14:02."
    with qtbot.waitSignal(panel.loaded):
        qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0
    qtbot.waitUntil(lambda: not bar.attention_button.isVisible())


def test_the_reason_is_in_the_persons_language(qtbot: Any, context: AppContext) -> None:
    op_id = place_bid(qtbot, context)
    refuse(qtbot, context, op_id, Rejection("bid.task_not_open", status="cancelled"))
    panel = AttentionPanel(context)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert (
        panel.model.data(panel.model.index(0, 2))
        == "Opgaven tager ikke imod bud, fordi den er aflyst."
    )


def test_states_from_the_sync_thread_reach_the_bar(qtbot: Any, context: AppContext) -> None:
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    link.finished.connect(context.notify)
    bar = status_bar(qtbot, context)
    assert bar.sync_button.isEnabled()
    qtbot.mouseClick(bar.sync_button, Qt.MouseButton.LeftButton)
    assert worker.requests == ["manual"]

    running = SyncState(
        online=True, syncing=True, progress=Progress(context.person.id, "anna", "push", 3, 10)
    )
    with qtbot.waitSignal(link.state_changed):
        worker.publish(running)
    assert bar.connection_label.text() == "Sending changes 3/10"
    assert not bar.sync_button.isEnabled()
    assert bar.dot.property("mood") == "syncing"

    report = SyncReport(
        started_at="2026-11-26T10:00:00.000Z", finished_at="2026-11-26T10:00:02.000Z"
    )
    report.users.append(UserReport(context.person.id, "anna", tables={"tasks", "bids"}))
    done = SyncState(online=True, last_success="2026-11-26T10:00:02.000Z", last_report=report)
    with qtbot.waitSignal(context.changed) as changed:
        worker.publish(done)
    assert {"tasks", "bids", "outbox", "attention"} <= changed.args[0]
    assert changed.args[0].origin == "sync"
    assert bar.connection_label.text() == "Online"
    assert bar.last_label.text().startswith("Last sync ")

    offline = SyncState(
        online=False,
        error_words=said("Serveren kan ikke nås.", "The server cannot be reached."),
        error_code="unreachable",
    )
    with qtbot.waitSignal(link.state_changed):
        worker.publish(offline)
    # Nothing waits to be sent: plain "Offline" (not "your changes are kept" beside "All changes sent").
    assert bar.connection_label.text() == "Offline"
    assert bar.dot.property("mood") == "offline"
    assert bar.connection_label.toolTip() == "Offline\nServeren kan ikke nås."
    context.close()
    assert worker.stopped


def test_a_failed_attempt_says_offline_while_the_sync_retries_and_nothing_is_cut_off(
    qtbot: Any, context: AppContext
) -> None:
    """Issue 17: "Online" stayed while the sync retried; at 1024 px the bar's words were cut off."""
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    bar = status_bar(qtbot, context)
    with qtbot.waitSignal(link.state_changed):
        worker.publish(SyncState(online=True, last_success="2026-11-26T10:00:02.000Z"))
    assert bar.connection_label.text() == "Online"
    # The scheduler's state after the first attempt found no server (sync still running).
    retrying = SyncState(
        online=False, syncing=True, progress=Progress(context.person.id, "anna", "push", 0, 3)
    )
    with qtbot.waitSignal(link.state_changed):
        worker.publish(retrying)
    assert bar.connection_label.text() == "Offline"  # nothing waits to be sent
    assert bar.dot.property("mood") == "offline"

    bar.resize(300, bar.sizeHint().height())  # far narrower than its sentences
    qtbot.waitUntil(lambda: bar.width() <= 300)
    for label in (bar.connection_label, bar.pending_label, bar.last_label):
        assert label.toolTip() == label.text() != ""  # the whole sentence, whatever is shown
    assert bar.connection_label._shown != bar.connection_label.text()  # shown shortened, with "…"
    context.close()


def test_a_local_change_asks_the_link_for_a_sync(qtbot: Any, context: AppContext) -> None:
    worker = Worker()
    context.attach_sync(SyncLink(worker, context.person.id))
    place_bid(qtbot, context)
    assert worker.requests == ["change"]


def test_offline_with_a_refusal_at_1280_px_the_state_is_read_whole_and_the_reason_yields(
    qtbot: Any, make_context: Any
) -> None:
    """Try-out 2: offline with one refusal, the bar read "Offline - dine … · Alle … · Sidst s…",
    while the longer reason beside it ("Serveren kan ikke nås …") kept all its 420 px."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from ui.main import style_sheet

    context = make_context("anna", language="da")
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    window = QWidget()  # the bar inside a window as wide as the main window, in the app's style
    qtbot.addWidget(window)
    window.setStyleSheet(style_sheet())
    bar = SyncStatusBar(context, window)
    QVBoxLayout(window).addWidget(bar)
    window.resize(1264, bar.sizeHint().height())  # 1280 px less the status bar's size grip
    window.show()
    qtbot.waitUntil(lambda: bar.pending_label.text() != "")
    op_id = place_bid(qtbot, context)
    refuse(qtbot, context, op_id, Rejection("bid.seats_full", seats=2, who="Mette", at="14:02"))
    qtbot.waitUntil(lambda: bar.attention_button.isVisible())
    unreachable = publish_unreachable(qtbot, worker, link)
    qtbot.waitUntil(lambda: bar.dot.property("mood") == "offline")
    assert window.width() == 1264
    window.layout().activate()  # lay out the state that just changed, as the next event would
    bar.layout().activate()
    for label in (bar.connection_label, bar.pending_label, bar.last_label):
        qtbot.waitUntil(lambda label=label: label._shown == label.text(), timeout=5_000)
    assert bar.connection_label.toolTip().endswith("\n" + unreachable.cause.text("da"))  # the reason, whole
    context.close()


def test_a_refused_decision_names_whose_bid_it_was(
    qtbot: Any, make_context: Any, demo_data: Any
) -> None:
    """Try-out 2: two offline accepts of which the server refused one read "Accepting a bid";
    the manager could not tell whose."""
    from tests.ui.driving import person_by_id, task_with_pending_bids

    task = task_with_pending_bids(demo_data, 2)
    manager = make_context(person_by_id(demo_data, task.poster_id).username, language="en")
    bids: list[Any] = []
    manager.query(lambda s: s.bids_on(task.id)).success(bids.extend).run_in_background()
    qtbot.waitUntil(lambda: bool(bids))
    bid = next(b for b in bids if b.status == "pending")
    outcomes: list[Any] = []
    manager.perform("bid.accept", {"bid_id": bid.id, "message": ""}).success(
        outcomes.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(outcomes))
    refuse(qtbot, manager, str(outcomes[0].operation_id), Rejection("bid.seats_full", seats=1, who="Mette", at="14:02"))
    panel = AttentionPanel(manager)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded):
        panel.show()
    assert panel.model.rowCount() == 1
    bidder = person_by_id(demo_data, bid.bidder_id).name
    assert panel.model.data(panel.model.index(0, 0)) == f"Accepting the bid from {bidder}"
    assert panel.model.data(panel.model.index(0, 1)) == task.title


def test_sync_now_stays_usable_offline_and_says_when_the_server_still_cannot_be_reached(
    qtbot: Any, make_context: Any
) -> None:
    """A try-out: "Synkronisér nu" was greyed out while offline (the sync kept retrying), so
    someone whose network had just come back could not ask for a retry."""
    context = make_context("anna", language="en")
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    bar = status_bar(qtbot, context)
    # A sync found no server and waits between its attempts.
    retrying = SyncState(online=False, syncing=True, unreachable=1, runs=3)
    with qtbot.waitSignal(link.state_changed):
        worker.publish(retrying)
    assert bar.connection_label.text() == "Offline"  # nothing waits to be sent
    assert bar.sync_button.isEnabled()
    bar.sync_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(bar.sync_button, Qt.Key.Key_Space)
    assert worker.requests == ["manual"]  # to the scheduler's thread: nothing waits here
    assert bar.connection_label.text() == "Trying to reach the server…"
    assert bar.sync_button.isEnabled()
    # The new attempt found no server either.
    with qtbot.waitSignal(link.state_changed):
        worker.publish(SyncState(online=False, syncing=True, unreachable=2, runs=3))
    said = bar.connection_label.text()  # the whole sentence (ElidedLabel draws what fits)
    assert said.startswith("Still offline (tried at "), said
    assert bar.dot.property("mood") == "offline"
    # The connection back: said as before.
    with qtbot.waitSignal(link.state_changed):
        worker.publish(SyncState(online=True, last_success="2026-11-30T10:00:00.000Z", runs=4))
    assert bar.connection_label.text() == "Online"
    assert not bar.connection_label.text().startswith("Still")


def bar_in_window(qtbot: Any, context: AppContext, width: int) -> SyncStatusBar:
    """The bar inside a window `width` px wide, in the app's style sheet."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from ui.main import style_sheet

    window = QWidget()
    qtbot.addWidget(window)
    window.setStyleSheet(style_sheet())
    bar = SyncStatusBar(context, window)
    QVBoxLayout(window).addWidget(bar)
    window.resize(width, bar.sizeHint().height())
    window.show()
    qtbot.waitUntil(lambda: bar.pending_label.text() != "")
    bar.test_window = window  # type: ignore[attr-defined]  # kept alive as long as the bar
    return bar


def test_still_offline_after_sync_now_every_part_is_whole_at_1024_px(
    qtbot: Any, make_context: Any
) -> None:
    """Try-out 6: after "Synkronisér nu" offline, at 1024 px the bar read "Stadig ingen
    forbindelse til serveren (prøvet kl. 06… · 1 ændring venter på at blive s… · Sidst
    synkroniseret 0…", while the reason line under it said the server could not be reached."""
    from tests.ui.driving import styled

    context = make_context("anna", language="da")
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    with styled("da"):
        bar = bar_in_window(qtbot, context, 1008)  # 1024 px less the status bar's size grip
        place_bid(qtbot, context)
        qtbot.waitUntil(lambda: bar.counts.pending == 1)
        publish_unreachable(qtbot, worker, link)
        bar.sync_now()
        with qtbot.waitSignal(link.state_changed):
            worker.publish(
                SyncState(online=False, unreachable=1, last_success="2026-11-26T10:00:02.000Z")
            )
        assert bar.connection_label.text().startswith("Stadig offline (prøvet kl. ")
        assert bar.connection_label.toolTip().endswith("\nServeren kan ikke nås (ingen forbindelse).")
        bar.window().layout().activate()
        bar.layout().activate()
        for label in (bar.connection_label, bar.pending_label, bar.last_label):
            qtbot.waitUntil(lambda label=label: label._shown == label.text(), timeout=5_000)
    context.close()


def test_offline_the_reason_stays_while_the_sync_retries(qtbot: Any, make_context: Any) -> None:
    """Try-out 6: offline, "Serveren kan ikke nås …" went away with each retry and came back,
    moving the page above the bar by a line each time. It is the state's tooltip now, kept
    through the retries (whose states carry no cause), and never a line of its own."""
    context = make_context("anna", language="da")
    worker = Worker()
    link = SyncLink(worker, context.person.id)
    context.attach_sync(link)
    bar = bar_in_window(qtbot, context, 1008)
    unreachable = publish_unreachable(qtbot, worker, link)
    said = unreachable.cause.text("da")
    qtbot.waitUntil(lambda: bar.connection_label.toolTip().endswith(said))
    with qtbot.waitSignal(link.state_changed):
        worker.publish(SyncState(online=False, syncing=True, unreachable=1, runs=1))
    assert bar.connection_label.toolTip().endswith(said)
    assert not bar.error_label.isVisible()
    with qtbot.waitSignal(link.state_changed):  # online again: the reason goes
        worker.publish(SyncState(online=True, syncing=True, runs=1))
    assert said not in bar.connection_label.toolTip()
    assert not bar.error_label.isVisible()
    context.close()


def test_an_empty_attention_list_says_nothing_of_refused_changes(qtbot: Any, make_context: Any) -> None:
    """Try-out s36: "Kræver din opmærksomhed" with nothing in it still said "Serveren godtog
    ikke disse ændringer, så de er fortrudt her …" above "Intet kræver din opmærksomhed"."""
    from PySide6.QtWidgets import QLabel

    context = make_context("anna", language="en")
    panel = AttentionPanel(context)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded):
        panel.show()
    (intro,) = [label for label in panel.findChildren(QLabel) if label.text().startswith("The server did not accept")]
    assert panel.empty_label.isVisible()
    assert not intro.isVisible()
    op_id = place_bid(qtbot, context)
    with qtbot.waitSignal(panel.loaded):
        refuse(qtbot, context, op_id, Rejection("bid.task_not_open", status="cancelled"))
    assert intro.isVisible() and not panel.empty_label.isVisible()
    with qtbot.waitSignal(panel.loaded):
        qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert not intro.isVisible() and panel.empty_label.isVisible()
    context.close()


def test_offline_with_nothing_waiting_the_bar_does_not_say_changes_are_kept(qtbot: Any, make_context: Any) -> None:
    """Try-out s36: "Offline - dine ændringer er gemt · Alle ændringer er sendt" said two contrary things."""
    from tests.ui.driving import styled

    context = make_context("anna", language="da")
    worker, link = linked(context)
    with styled("da"):
        bar = status_bar(qtbot, context)
        publish_unreachable(qtbot, worker, link)
        qtbot.waitUntil(lambda: bar.dot.property("mood") == "offline")
        assert (bar.connection_label.text(), bar.pending_label.text()) == ("Ikke forbundet", "Alle ændringer er sendt")
        place_bid(qtbot, context)
        qtbot.waitUntil(lambda: bar.counts.pending == 1)
        assert (bar.connection_label.text(), bar.pending_label.text()) == (
            "Offline – dine ændringer er gemt",
            "1 ændring venter på at blive sendt",
        )
    context.close()


def test_the_last_sync_kept_in_the_store_is_said_before_the_first_sync_ends(
    qtbot: Any, make_context: Any
) -> None:
    """Try-out s36: after an offline login the bar said "Never synced" for someone who had synced,
    until the scheduler's first sync (waiting on a server that hung) had ended."""
    context = make_context("anna", language="en")
    worker, link = linked(context)
    done: list[bool] = []

    def synced_before(store: Store) -> bool:
        with store.transaction():
            store.set_state("last_sync_at", "2026-11-26T10:00:02.000Z")
        return True

    context.query(synced_before).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: bool(done))
    bar = status_bar(qtbot, context)
    with qtbot.waitSignal(link.state_changed):
        worker.publish(SyncState(syncing=True))  # the first sync, under way
    qtbot.waitUntil(lambda: bar.last_label.text() != "Never synced", timeout=5_000)
    assert bar.last_label.text().startswith("Last sync ")
    context.close()
