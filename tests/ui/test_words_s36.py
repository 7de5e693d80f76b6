"""Danish wording from try-out s36 (findings 9, 10 and 13), on the real screens in Danish.

- Bids to decide wrote a date in full ("21. januar 2027") where the board writes
  it short ("21. jan. 2027"); a date in a table is `wording.short_date`
  everywhere. Three rows of one title at one site could not be told apart: a
  column says when each task starts.
- My page's tabs "Invitationer" and "Inviterede" sat side by side and were easily
  confused: they say whose invitations they are.
- Lending said "0 venter på din godkendelse".
- The home manager's lending news read "… blev accepteret på »…« et andet sted og
  venter på din godkendelse": it names the site, the key words first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from desktop import lending
from desktop.core.entities import LendingPolicy
from desktop.core.notices import NoticeKind, describe
from tests.ui.driving import ask, no_message_boxes, shown, styled  # noqa: F401 - autouse fixture
from tests.ui.test_notifications import lend
from ui import wording
from ui.bids_to_decide import BidsToDecide
from ui.context import AppContext
from ui.my_page import MyPage
from ui.oversight_lending import LendingScreen


def _titles(model: Any) -> list[str]:
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]


def test_bids_to_decide_writes_dates_as_the_board_does_and_says_when_each_task_starts(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = make_context("mette", "da")
    with styled("da"):
        screen = shown(qtbot, BidsToDecide(context))
    model = screen.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    titles = _titles(model)
    assert "Starter" in titles, titles
    deadline, starts = titles.index("Budfrist"), titles.index("Starter")
    for row, task in enumerate(model.rows()):
        if task.bid_deadline and not task.deadline_passed:
            assert model.index(row, deadline).data() == wording.short_date(task.bid_deadline, "da")
        assert model.index(row, starts).data() == wording.short_date(task.starts_on, "da")
    dated = [t for t in model.rows() if t.bid_deadline]
    assert dated and not any("januar" in str(model.index(r, deadline).data()) for r in range(model.rowCount()))
    assert any(t.starts_on for t in model.rows())


def test_my_pages_tabs_say_whose_invitations_they_are(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    context = make_context("anna", "da")
    with styled("da"):
        page = shown(qtbot, MyPage(context))
    texts = [page.tabs.tabText(i).replace("&", "") for i in range(page.tabs.count())]
    assert any(t.startswith("Invitationer til dig (") for t in texts), texts
    assert "Du har inviteret" in texts, texts


def test_lending_says_nobody_waits_rather_than_zero(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    context = make_context("mette", "da")
    lend(qtbot, context, LendingPolicy.APPROVE)
    assert ask(qtbot, context, lambda store: lending.awaiting(store, context.person)) == 0
    with styled("da"):
        screen = shown(qtbot, LendingScreen(context), size=(1280, 720))
    qtbot.waitUntil(lambda: "godkendelse" in screen.policy.text(), timeout=10_000)
    said = screen.policy.text()
    assert said.endswith("Ingen venter på din godkendelse."), said
    assert "0 venter" not in said


def test_lending_news_names_the_site_with_the_key_words_first() -> None:
    facts = {"worker": "Hanne Andersen", "title": "Snerydning ved hovedindgangen", "site": "Fjordvejens Skole"}
    said = describe(NoticeKind.LENDING_AWAITS, facts).text("da")
    assert said == (
        "Hanne Andersen er valgt til »Snerydning ved hovedindgangen« på Fjordvejens Skole "
        "og venter på din godkendelse."
    )
    told = describe(NoticeKind.STAFF_LENT, facts).text("en")
    assert told == "Hanne Andersen is chosen for “Snerydning ved hovedindgangen” at Fjordvejens Skole."


def test_the_lending_news_leaves_the_status_bar_once_it_is_decided(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Try-out s36 (9): after Mette approved, "… venter på di…" stayed in her status bar."""
    from desktop.core.entities import Bid, BidStatus, Lending
    from desktop.store import Store
    from ui.main_window import MainWindow

    context = make_context("mette", "da")

    def a_bid(store: Store) -> Bid:
        found = store.fetch(Bid, "status = ? LIMIT 1", (BidStatus.ACCEPTED,))
        bid = found[0].replace(lending=Lending.AWAITING)
        with store.transaction():
            store.put(bid)
        return bid

    bid = ask(qtbot, context, a_bid)
    with styled("da"):
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        facts = {"worker": "Hanne Andersen", "title": "Snerydning", "site": "Fjordvejens Skole", "bid": bid.id}
        window.bell.desktop.say_again(describe(NoticeKind.LENDING_AWAITS, facts))
        qtbot.waitUntil(lambda: window.told.isVisible() and "venter på din godkendelse" in window.told.text())
        # Another change to the bids, the lending still waiting: the news stays.
        context.notify({"bids"})
        qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
        assert window.told.isVisible()

        def approve(store: Store) -> None:
            with store.transaction():
                store.put(bid.replace(lending=Lending.APPROVED))

        ask(qtbot, context, approve)
        context.notify({"bids"})
        qtbot.waitUntil(lambda: not window.told.isVisible(), timeout=10_000)
        window.tear_down()


def test_the_lending_months_run_newest_first(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    """Try-out s36 (10): the month table began at "apr. 2025", the current month at the bottom."""
    context = make_context("mette", "da")
    with styled("da"):
        screen = shown(qtbot, LendingScreen(context), size=(1280, 720))
    qtbot.waitUntil(lambda: screen.months_model.rowCount() > 1, timeout=10_000)
    months = [m.month for m in screen.months_model.rows()]
    assert months == sorted(months, reverse=True), months[:4]
    assert len(set(months)) > 1
