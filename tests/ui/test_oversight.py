"""Lending, reports, the audit trail and About, with real widgets on a real workstation and server.

Mette manages Egeskov Skole; the organisation asks home managers to approve
lending. Anna (her staff) is accepted on a task at Bøgely Skole by Mads. On
her office PC Mette sees it waiting, approves it with the network unplugged
(the change is queued and shown at once), and the server has it after the
next sync. Mads completes the task with 4 hours: Mette's lending view, the
server's report and the audit trail (Carl's refused attempt on her task
included, by name) all say so, and export CSV with a BOM; the report opens
offline on the last answer. About names the version, server, device and site.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

import desktop
from desktop.core.entities import Role
from desktop.core.ids import uuid7, utc_now
from sync.server import directory
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import count
from tests.ui.test_two_clients import session_on, synced
from ui import main_window
from ui.oversight_audit import AuditScreen
from ui.oversight_lending import LendingScreen
from ui.oversight_reports import ReportsScreen


def test_a_home_manager_approves_lending_offline_and_reads_reports_and_the_audit_trail(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    server = fresh_knop_server
    directory.add_person(
        server.database,
        directory.NewPerson(username="mads", name="Mads Mikkelsen", site=world.other_school.id,
                            role=Role.SITE_MANAGER),
        PASSWORD,
    )
    directory.set_lending(server.database, "approve")
    mads, anna, carl, mette_api = (server.user(n) for n in ("mads", "anna", "carl", "mette"))
    task_id, bid_id, own_task = uuid7(), uuid7(), uuid7()
    mads.apply("task.create", task_id=task_id, site_id=world.other_school.id, title="Hjælp til lejrskolen",
               audience="organisation", publish=True)
    anna.apply("bid.place", bid_id=bid_id, task_id=task_id, hours=3)
    mads.apply("bid.accept", bid_id=bid_id)
    mette_api.apply("task.create", task_id=own_task, site_id=world.school.id, title="Æbleplukning",
                    audience="organisation", publish=True)
    (refused,) = carl.push(carl.op("task.cancel", task_id=own_task))
    assert refused["status"] == "rejected"

    pc = machines(server, world.school.id, "mette-office")
    with pc:
        shell, window = session_on(qtbot, pc, "mette")
        try:
            window.go_top(main_window.lending_screen)
            lending = window.current_page()
            assert isinstance(lending, LendingScreen)
            qtbot.waitUntil(lambda: lending.work_model.row_of(bid_id) >= 0, timeout=15_000)
            assert "needs your approval" in lending.policy.text() and "1 waits" in lending.policy.text()
            (work,) = lending.work_model.rows()
            assert (work.bidder, work.task_site, work.bid.lending) == ("Anna Jensen", "Bøgely Skole", "awaiting")
            assert not lending.approve_button.isEnabled()  # nothing chosen yet

            with pc.unplugged():
                lending.choose(bid_id)
                assert lending.approve_button.isEnabled()
                lending.approve_button.click()
                qtbot.waitUntil(lambda: lending.work_model.rows()[0].bid.lending == "approved", timeout=10_000)
                assert "Nobody waits" in lending.policy.text()  # not "0 wait" (try-out s36)
                assert not lending.approve_button.isEnabled()
                assert count(server, "SELECT count(*) FROM bids WHERE id = ? AND lending = 'approved'", bid_id) == 0
            synced(qtbot, shell, window)
            assert count(server, "SELECT count(*) FROM bids WHERE id = ? AND lending = 'approved'", bid_id) == 1

            mads.apply("task.complete", task_id=task_id, hours={bid_id: 4.5})
            synced(qtbot, shell, window)
            month = utc_now()[:7]
            qtbot.waitUntil(lambda: lending.months_model.rowCount() == 1, timeout=10_000)
            assert lending.csv_bytes().decode("utf-8-sig").splitlines() == [
                "Month;Site;Hours lent;Hours borrowed", f"{month};Egeskov Skole;4,5;0"  # a decimal comma: Danish Excel reads hours
            ]

            window.go_top(main_window.reports_screen)
            report = window.current_page()
            assert isinstance(report, ReportsScreen)
            qtbot.waitUntil(lambda: report.model.rowCount() == 1, timeout=15_000)
            (row,) = report.model.rows()
            assert (row["site_name"], row["posted"], row["hours_lent"]) == ("Egeskov Skole", 1, 4.5)
            data = report.csv_bytes()
            assert data.startswith(b"\xef\xbb\xbf")
            assert data.decode("utf-8-sig").splitlines()[1].startswith("Egeskov Skole;1;0;0;")
            assert ";4,5;" in data.decode("utf-8-sig").splitlines()[1] and "4.5" not in data.decode("utf-8-sig")

            window.go_top(main_window.audit_screen)
            trail = window.current_page()
            assert isinstance(trail, AuditScreen)
            qtbot.waitUntil(lambda: trail.model.rowCount() >= 6, timeout=15_000)
            shown = [
                [trail.model.index(r, c).data() for c in range(4)] for r in range(trail.model.rowCount())
            ]
            # Her site's events, and her staff's lending on Bøgely Skole (Anna's bid, its
            # acceptance, her approval, the hours confirmed on completion).
            # Newest first on screen (try-out s36); read here in the order they happened.
            last = len(shown) - 1
            shown = shown[::-1]
            assert [s[1:3] for s in shown] == [  # each operation in words
                ["Anna Jensen", "Placing a bid"], ["Mads Mikkelsen", "Accepting a bid"],
                ["Mette Larsen", "Posting a task"], ["Carl Holm", "Cancelling a task"],
                ["Mette Larsen", "Deciding on lending"], ["Mads Mikkelsen", "Marking a task done"],
            ]
            assert shown[3][3] == "Refused"
            why = trail.model.index(last - 3, 6).data()
            assert why.startswith("Only the task's owner or a manager at Egeskov Skole")
            assert trail.model.index(last - 2, 6).data() == "task"  # what the applied one changed, in words
            lines = trail.csv_bytes().decode("utf-8-sig").splitlines()
            assert lines[0].startswith("time (UTC);person;device;operation;outcome;reason;task;site")
            assert ";Carl Holm;" in lines[4] and ";refused;task.not_manager;Æbleplukning;Egeskov Skole;" in lines[4]
            trail.outcome.setCurrentIndex(trail.outcome.findData("refused"))
            trail.refresh()
            qtbot.waitUntil(lambda: trail.model.rowCount() == 1, timeout=15_000)

            # Offline, the reports open on the last answer, and say the newest could not be fetched.
            with pc.unplugged():
                window.go_top(main_window.reports_screen)
                again = window.current_page()
                assert isinstance(again, ReportsScreen) and again is not report
                qtbot.waitUntil(lambda: again.model.rowCount() == 1, timeout=10_000)
                qtbot.waitUntil(lambda: "could not be fetched" in again.when.text(), timeout=30_000)

            window.about()
            qtbot.waitUntil(
                lambda: any(w.objectName() == "about" and w.isVisible() for w in QApplication.topLevelWidgets()),
                timeout=10_000,
            )
            about = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "about")
            assert isinstance(about, QMessageBox)
            text = about.text() + "\n" + about.informativeText()  # what Knop is, then the facts
            assert f"Version: {desktop.__version__}" in text
            assert f"Server: {pc.server_url}" in text
            assert "Site: Egeskov Skole" in text and pc.device_id in text
            # The name it was enrolled under, as the admin's device list shows it, not the host's.
            assert "Device: mette-office" in text.splitlines() and f"Device id: {pc.device_id}" in text.splitlines()
            about.close()
        finally:
            shell.shut_down()
    for api in (mads, anna, carl, mette_api):
        api.close()


def test_the_task_manager_and_the_bidder_see_the_lending_state_plainly(
    qtbot: Any, make_context: Any, demo_store: Any
) -> None:
    """An accepted bid on another site's task that waits for the home manager says so on both sides, each in its words."""
    from desktop.core.entities import Audience, Bid, Task, TaskStatus
    from desktop.store import Store
    from ui.task_view import TaskView

    bidder = make_context("anna", "en")
    anna = bidder.person
    store = Store(demo_store)
    try:
        task = store.fetch(
            Task, "status = ? AND audience = ? AND site_id <> ? AND poster_id <> ? LIMIT 1",
            (TaskStatus.OPEN, Audience.ORGANISATION, anna.home_site_id, anna.id),
        )[0]
        with store.transaction():
            store.put(Bid(id="lent-bid", task_id=task.id, bidder_id=anna.id, status="accepted", hours=2,
                          home_site_id=anna.home_site_id, lending="awaiting", version=2))
            store.execute("DELETE FROM bids WHERE task_id = ? AND bidder_id = ? AND id <> 'lent-bid'",
                          (task.id, anna.id))
        poster = store.fetch(type(anna), "id = ?", (task.poster_id,))[0]
    finally:
        store.close()
    as_bidder = TaskView(bidder, task.id)
    qtbot.addWidget(as_bidder)
    as_bidder.show()
    # Said to the bidder, whose home manager is her own manager (a try-out read the
    # manager's "Lent from another site" on the bidder's own page).
    qtbot.waitUntil(lambda: "manager" in as_bidder.my_bid_state.text(), timeout=10_000)
    assert "Accepted — Waiting for your manager's approval" in as_bidder.my_bid_state.text()

    manager = make_context(poster.username, "en")
    as_manager = TaskView(manager, task.id)
    qtbot.addWidget(as_manager)
    as_manager.show()
    qtbot.waitUntil(lambda: as_manager.bids_model.row_of("lent-bid") >= 0, timeout=10_000)
    row = as_manager.bids_model.row_of("lent-bid")
    states = [as_manager.bids_model.index(row, c).data() for c in range(as_manager.bids_model.columnCount())]
    assert "Accepted — Waiting for the home manager's approval" in states
