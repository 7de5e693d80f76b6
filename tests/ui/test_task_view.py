"""The task view driven through its widgets: bid, edit, withdraw, comment, who sees which bids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from sync.server import demo
from desktop.core.entities import Bid, BidStatus, Comment, Task, TaskStatus
from desktop.core.ids import utc_now, uuid7
from tests.ui.driving import (  # noqa: F401 - no_message_boxes is an autouse fixture
    ask,
    biddable_task,
    bids_of,
    no_message_boxes,
    person_by_id,
    shown,
)
from ui import wording
from ui.context import AppContext
from ui.task_view import TaskView


def my_bids(qtbot: Any, context: AppContext, task_id: str) -> list[Bid]:
    return ask(
        qtbot,
        context,
        lambda s: [b for b in s.bids_on(task_id) if b.bidder_id == context.person.id],
    )


def test_place_edit_and_withdraw_a_bid(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    view = shown(qtbot, TaskView(context, task.id))
    assert view.place_button.isVisible() and view.place_button.isEnabled()
    assert not view.withdraw_button.isVisible()

    view.bid_message.setPlainText("Jeg har gjort det før og tager gerne en tørn.")
    view.bid_hours.setValue(3)
    view.bid_availability.setText("Tirsdage efter kl. 14")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.place_button, Qt.MouseButton.LeftButton)
    [bid] = my_bids(qtbot, context, task.id)
    assert (bid.status, bid.message, bid.hours, bid.availability) == (
        BidStatus.PENDING,
        "Jeg har gjort det før og tager gerne en tørn.",
        3.0,
        "Tirsdage efter kl. 14",
    )
    assert not view.place_button.isVisible()
    assert view.save_bid_button.isVisible() and view.withdraw_button.isEnabled()
    assert wording.bid_status(BidStatus.PENDING) in view.my_bid_state.text()

    # Edit: Ctrl+Return inside the bid box saves the change.
    view.bid_message.setFocus()
    view.bid_message.setPlainText("Ny besked")
    view.bid_hours.setValue(0)  # "not stated"
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.bid_message, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [bid] = my_bids(qtbot, context, task.id)
    assert (bid.message, bid.hours, bid.status) == ("Ny besked", None, BidStatus.PENDING)

    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    [bid] = my_bids(qtbot, context, task.id)
    assert bid.status == BidStatus.WITHDRAWN
    assert view.place_button.isVisible() and view.place_button.isEnabled()
    assert not view.withdraw_button.isVisible()
    assert view.bid_message.toPlainText() == ""


def test_comment_with_ctrl_return(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    view = shown(qtbot, TaskView(context, task.id))
    assert not view.send_button.isEnabled()  # nothing to send yet
    view.comment_box.setFocus()
    qtbot.keyClicks(view.comment_box, "Skal man have børneattest?")
    view.comment_box.insertPlainText(" 🙂")  # QTest cannot type outside the BMP
    assert view.send_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.comment_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    comments = ask(
        qtbot,
        context,
        lambda s: s.fetch(Comment, "task_id = ? AND author_id = ?", (task.id, context.person.id)),
    )
    assert [c.body for c in comments] == ["Skal man have børneattest? 🙂"]
    qtbot.waitUntil(lambda: view.comment_box.toPlainText() == "")
    assert "Skal man have børneattest? 🙂" in view.conversation.toPlainText()


def test_only_managers_see_the_bids_others_see_the_count(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    bidder = make_context("anna")
    task = biddable_task(demo_data, bidder.person)
    as_bidder = shown(qtbot, TaskView(bidder, task.id))
    assert not as_bidder.bids_table.isVisible()
    assert as_bidder.bids_model.rowCount() == 0
    assert str(task.bid_count) in as_bidder.bid_count.text()
    assert not as_bidder.review_button.isVisible()

    owner = make_context(person_by_id(demo_data, task.poster_id).username)
    as_owner = shown(qtbot, TaskView(owner, task.id))
    live = [b for b in bids_of(demo_data, task.id) if b.status != BidStatus.WITHDRAWN]
    assert as_owner.bids_table.isVisible()
    assert as_owner.bids_model.rowCount() == len(live)
    assert as_owner.review_button.isVisible()
    assert not as_owner.my_bid_box.isVisible()  # nobody bids on their own task
    with qtbot.waitSignal(as_owner.review_requested, timeout=1000) as asked:
        qtbot.mouseClick(as_owner.review_button, Qt.MouseButton.LeftButton)
    assert asked.args == [task.id]


def test_a_local_rejection_shows_its_sentence(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """The view still shows the task open, but a sync has meanwhile filled its seats."""
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    view = shown(qtbot, TaskView(context, task.id))
    assigned = task.replace(status=TaskStatus.ASSIGNED)
    ask(qtbot, context, lambda s: s.put(assigned))  # behind the view's back, like a pull
    qtbot.mouseClick(view.place_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.bid_problem.isVisible(), timeout=10_000)
    assert view.bid_problem.text() == "Opgaven tager ikke imod bud, fordi den er besat."
    assert my_bids(qtbot, context, task.id) == []


def test_skills_are_labelled_in_the_current_language(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    from desktop.core import skills

    task = next(t for t in demo_data.tasks if t.skills and t.status == TaskStatus.OPEN)
    owner = person_by_id(demo_data, task.poster_id).username
    for language in ("da", "en"):
        view = shown(qtbot, TaskView(make_context(owner, language), task.id))
        for skill in task.skills:
            assert skills.label(skill, language) in view.skills.text().replace("\u200b", "")


def test_long_titles_rtl_and_emoji_keep_the_layout(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    hostile = ("مهمة طويلة جدا 🧑‍🍳🎉 " * 400) + "x" * 2000
    long_task: Task = task.replace(
        title=hostile[:10_000], description="ord" * 3000, place="🏫" * 500
    )
    ask(qtbot, context, lambda s: s.put(long_task))
    view = shown(qtbot, TaskView(context, task.id))
    assert view.minimumSizeHint().width() <= 1280
    assert view.width() <= 1280
    assert view.title.width() <= view.width()
    assert view.title.toolTip().endswith("…")  # the tooltip is capped too
    view.comment_box.setPlainText("שלום " * 50)
    view.resize(1280, 720)
    assert view.width() == 1280


def test_past_the_deadline_there_is_no_bid_button_to_press(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    late = task.replace(bid_deadline="2026-01-05")
    ask(qtbot, context, lambda s: s.put(late))
    view = shown(qtbot, TaskView(context, task.id))
    assert not view.place_button.isEnabled()
    assert view.my_bid_state.text() == view.tr("The deadline for bids has passed.")


def test_the_bids_model_follows_the_qt_rules(
    qtbot: Any,
    qtmodeltester: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
) -> None:
    task = next(t for t in demo_data.tasks if len(bids_of(demo_data, t.id)) >= 2)
    owner = make_context(person_by_id(demo_data, task.poster_id).username)
    view = shown(qtbot, TaskView(owner, task.id))
    assert view.bids_model.rowCount() >= 1
    qtmodeltester.check(view.bids_model, force_py=True)


def test_a_manager_is_told_which_of_the_listed_bids_are_declined(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """The count above the bids table says how many of its rows are declined (a try-out
    read "1 bud indtil videre" above two rows, one of them declined)."""
    from tests.ui.driving import first

    task = first(
        (
            t
            for t in demo_data.tasks
            if any(b.status == BidStatus.DECLINED for b in bids_of(demo_data, t.id))
        ),
        "task with a declined bid",
    )
    owner = make_context(person_by_id(demo_data, task.poster_id).username)
    view = shown(qtbot, TaskView(owner, task.id))
    listed = [b for b in bids_of(demo_data, task.id) if b.status != BidStatus.WITHDRAWN]
    declined = sum(1 for b in listed if b.status == BidStatus.DECLINED)
    qtbot.waitUntil(lambda: view.bids_model.rowCount() == len(listed))
    text = view.bid_count.text()
    assert f"{declined} declined" in text, text
    assert view.bids_model.rowCount() == len(listed)
    if task.bid_count:
        assert f"{task.bid_count} active" in text, text


def test_an_outsider_is_not_told_her_own_municipalitys_staff_are_of_another(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 7: Lise, a volunteer of Egeskov, read "Someone from another municipality" over an
    Egeskov staff member's comment, under "Posted by: Staff at Bakkegården". An outsider's store
    has no staff profiles (the feed leaves them out), so she is told only what it knows: the
    poster's comment is signed as the "Posted by" line is, anyone else's says no organisation."""
    context = make_context("ole")  # an external volunteer
    task = biddable_task(demo_data, context.person)
    colleague = next(
        p for p in demo_data.people
        if p.organisation_id == context.person.organisation_id and not p.is_external and p.id != task.poster_id
    )
    for author, body in ((task.poster_id, "Spørg efter Hanne i receptionen."), (colleague.id, "Vi ses!")):
        comment = Comment(id=uuid7(), task_id=task.id, author_id=author, body=body, created_at=utc_now())
        ask(qtbot, context, lambda s, c=comment: s.put(c))
        ask(qtbot, context, lambda s, a=author: s.execute("DELETE FROM people WHERE id = ?", (a,)))
    view = shown(qtbot, TaskView(context, task.id))
    qtbot.waitUntil(lambda: "Vi ses!" in view.conversation.toPlainText(), timeout=10_000)
    thread = view.conversation.toPlainText()
    assert "Someone from another municipality" not in thread
    poster_line = view.owner.text().replace("\u200b", "")
    assert view.site.text().replace("\u200b", "") in poster_line
    assert poster_line in thread  # signed as the "Posted by" line says
    assert "Another participant" in thread  # the colleague: no organisation claimed


def test_the_conversation_keeps_its_end_in_view_when_it_gets_shorter(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Try-out 7: a comment written offline slid below the edge when the status bar grew a
    second line ("The server cannot be reached"), only its "You <time>" left. Read at its
    end, the conversation stays at its end when its height changes; scrolled up, it stays put."""
    context = make_context("anna")
    task = biddable_task(demo_data, context.person)
    for n in range(12):
        body = f"Spørgsmål nummer {n}"
        comment = Comment(id=uuid7(), task_id=task.id, author_id=context.person.id, body=body, created_at=utc_now())
        ask(qtbot, context, lambda s, c=comment: s.put(c))
    view = shown(qtbot, TaskView(context, task.id), size=(1024, 700))
    bar = view.conversation.verticalScrollBar()
    qtbot.waitUntil(lambda: "Spørgsmål nummer 11" in view.conversation.toPlainText() and bar.maximum() > 0)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())  # opened at its end, the newest comment
    tall = view.conversation.height()
    view.resize(1024, 640)  # as the status bar's second line takes the room
    qtbot.waitUntil(lambda: view.conversation.height() < tall)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=2_000)
    bar.setValue(0)  # the reader scrolls up to read the first ones
    view.resize(1024, 600)
    qtbot.waitUntil(lambda: view.height() == 600)
    assert bar.value() == 0
