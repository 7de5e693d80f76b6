"""Lending lists the work lent out, with real widgets on the demo's store.

A try-out found Lending listing withdrawn bids, and a wide empty column. It
now lists accepted bids on other sites' tasks that were not cancelled (under
way or done), with how each task stands; only the task's column stretches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.core.entities import BidStatus, Role, TaskStatus
from sync.server import demo
from tests.ui.driving import no_message_boxes, shown  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.oversight_lending import SHARE_CHARS, LendingScreen


def test_lending_lists_only_accepted_work_and_no_empty_stretch(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    tasks = {t.id: t for t in demo_data.tasks}
    people = {p.id: p for p in demo_data.people}
    for manager in (p for p in demo_data.people if p.username == "mette" or p.role == Role.SITE_MANAGER):
        away = [
            b for b in demo_data.bids
            if people[b.bidder_id].home_site_id == manager.home_site_id
            and tasks[b.task_id].site_id != manager.home_site_id
        ]
        lent = {b.id for b in away if b.status == BidStatus.ACCEPTED and tasks[b.task_id].status != TaskStatus.CANCELLED}
        if lent and any(b.status in (BidStatus.WITHDRAWN, BidStatus.DECLINED, BidStatus.PENDING) for b in away):
            break
    else:
        raise AssertionError("the demo has no manager whose staff both work and bid elsewhere")
    screen = shown(qtbot, LendingScreen(make_context(person=manager)), size=(1280, 720))
    qtbot.waitUntil(lambda: screen.work_model.rowCount() > 0, timeout=10_000)
    assert {w.bid.id for w in screen.work_model.rows()} == lent
    assert {w.bid.status for w in screen.work_model.rows()} == {BidStatus.ACCEPTED}
    # Each column but the task's is as wide as what it shows at most: no wide empty one.
    view = screen.work_view
    header = view.horizontalHeader()
    for column in range(screen.work_model.columnCount()):
        if column == 1:
            continue
        wanted = max(view.sizeHintForColumn(column), header.sectionSizeFromContents(column).width())
        assert header.sectionSize(column) <= wanted + 2, (column, header.sectionSize(column), wanted)
    assert header.sectionSize(1) >= max(header.sectionSize(c) for c in range(header.count()) if c != 1)


def test_with_approval_and_notice_off_the_screen_says_what_that_means_and_names_are_whole(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Try-out 6: "Udlån er slået fra i jeres organisation" sat over a full table of staff working
    on other sites (the setting governs approval and notice, not whether people may work elsewhere),
    and the Person column read "Dorthe Frederi…" while the task's column had room."""
    from desktop.core.entities import LendingPolicy
    from tests.ui.driving import styled
    from tests.ui.test_notifications import lend
    from ui.admin_screen import AdminScreen

    with styled("da"):
        context = make_context("mette")
        lend(qtbot, context, LendingPolicy.OFF)
        screen = shown(qtbot, LendingScreen(context), size=(1024, 700))
        qtbot.waitUntil(lambda: screen.work_model.rowCount() > 0, timeout=10_000)
        said = screen.policy.text()
        assert "slået fra" not in said.lower()
        assert "hverken godkendelse eller besked" in said and "uden at spørge dig" in said
        # The administrator's choice is named with the same words.
        admin = AdminScreen(make_context("admin"))
        qtbot.addWidget(admin)
        off = admin.lending_choice.itemText(admin.lending_choice.findData(LendingPolicy.OFF.value))
        assert off.lower().startswith("hverken godkendelse eller besked"), off

        view = screen.work_view
        header = view.horizontalHeader()
        assert header.sectionSize(0) >= view.sizeHintForColumn(0)  # every name whole
        assert header.sectionSize(1) >= max(header.sectionSize(c) for c in range(2, header.count()))


def test_finished_work_shows_its_hours_right_aligned_in_danish_and_a_dash_says_why(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 21: finished work on other sites had blank hours, and the hours sat on the left.

    The demo's finished tasks had no hours worked where the bid offered none; completing a
    task confirms the task's effort then (`operations.default_worked_hours`), and the demo now
    does too. Where a finished task's hours are genuinely unknown the cell says "—", and why.
    """
    from PySide6.QtCore import Qt

    from desktop.core.entities import Bid
    from desktop.store import Store
    from tests.ui.driving import ask, styled
    from ui import wording

    tasks = {t.id: t for t in demo_data.tasks}
    managers = {p.home_site_id: p for p in demo_data.people if p.role == Role.SITE_MANAGER}
    bid = next(
        b for b in demo_data.bids
        if b.status == BidStatus.ACCEPTED and b.hours is None and b.home_site_id in managers
        and tasks[b.task_id].site_id != b.home_site_id and tasks[b.task_id].status == TaskStatus.DONE
        and tasks[b.task_id].effort_hours % 1  # a fraction: Danish writes it with a comma
    )
    effort = tasks[bid.task_id].effort_hours
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    with styled("da"):
        context = make_context(person=managers[bid.home_site_id])
        screen = shown(qtbot, LendingScreen(context), size=(1280, 720))
        model = screen.work_model
        qtbot.waitUntil(lambda: model.row_of(bid.id) >= 0, timeout=10_000)
        row = model.row_of(bid.id)
        offered, worked = model.index(row, 5), model.index(row, 6)
        assert worked.data() == wording.number(effort, "da") and "," in worked.data()
        assert offered.data() == "—"
        assert offered.data(Qt.ItemDataRole.ToolTipRole) == "Der blev ikke tilbudt timer i buddet."
        for column in (5, 6):
            assert model.index(row, column).data(Qt.ItemDataRole.TextAlignmentRole) == right
            assert model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == right
        assert model.index(row, 1).data(Qt.ItemDataRole.TextAlignmentRole) is None  # text stays on the left
        qtbot.waitUntil(lambda: screen.months_model.rowCount() > 0, timeout=10_000)
        for column in (2, 3):
            assert screen.months_model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole) == right

        def unrecorded(store: Store) -> None:  # finished before Knop kept the hours worked
            with store.transaction():
                held = store.get(Bid, bid.id)
                assert held is not None
                store.put(held.replace(worked_hours=None))

        ask(qtbot, context, unrecorded)
        context.notify({"bids"})
        qtbot.waitUntil(lambda: model.index(model.row_of(bid.id), 6).data() == "—", timeout=10_000)
        assert model.index(model.row_of(bid.id), 6).data(Qt.ItemDataRole.ToolTipRole) == (
            "Ikke registreret: opgaven blev markeret som afsluttet, før Knop gemte de arbejdede timer."
        )


def test_the_sites_column_is_whole_where_the_tasks_column_has_room_to_spare(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """A try-out: "Integreret institution R…" was cut at a fixed share while the task's column
    beside it stood half empty. The shared columns now take what the task's words leave; only
    where there is not room for all are they cut, down to their share and no further."""
    from desktop.core.entities import LendingPolicy, Site, Task
    from desktop.store import Store
    from tests.ui.driving import ask, styled
    from tests.ui.test_notifications import lend

    long_name = "Integreret institution Regnbuen og Solsikken ved Fjorden"

    def short_tasks_at_a_long_named_site(store: Store) -> None:
        with store.transaction():
            for task in store.fetch(Task, "1 = 1"):
                store.put(task.replace(title="Kaffe"))
            for site in store.fetch(Site, "1 = 1"):
                store.put(site.replace(name=long_name if site.name != "Plejecenter Solhaven" else site.name))

    with styled("da"):
        context = make_context("mette")
        lend(qtbot, context, LendingPolicy.APPROVE)
        ask(qtbot, context, short_tasks_at_a_long_named_site)
        screen = shown(qtbot, LendingScreen(context), size=(1500, 700))
        qtbot.waitUntil(lambda: screen.work_model.rowCount() > 0, timeout=10_000)
        view, header = screen.work_view, screen.work_view.horizontalHeader()
        qtbot.waitUntil(lambda: long_name in {screen.work_model.index(r, 2).data()
                                              for r in range(screen.work_model.rowCount())})
        share = SHARE_CHARS * screen.fontMetrics().averageCharWidth()
        assert view.sizeHintForColumn(2) > share  # the name is longer than a share: it used to be cut
        qtbot.waitUntil(lambda: header.sectionSize(2) >= view.sizeHintForColumn(2))  # whole
        assert header.sectionSize(1) >= view.sizeHintForColumn(1)  # and so is every task
        assert header.isSectionHidden(4) or header.sectionSize(4) >= min(view.sizeHintForColumn(4), share)
        # Narrower, where not everything fits: the site gives way, the task's words stay whole
        # as long as the site keeps its share.
        screen.resize(1100, 700)
        qtbot.waitUntil(lambda: header.sectionSize(2) < view.sizeHintForColumn(2))
        assert header.sectionSize(2) >= share
        assert header.sectionSize(1) >= view.sizeHintForColumn(1)
