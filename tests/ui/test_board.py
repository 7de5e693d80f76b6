"""The board through its real widgets over a real store: search, filters, sorting, updates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from desktop import board as board_queries
from sync.server import demo
from desktop.core import permissions, skills
from desktop.board import BoardFilter, Sort
from desktop.core.entities import Person, Task, TaskStatus
from desktop.core.ids import uuid7
from desktop.store import Store
from ui.board import Board
from ui.context import AppContext
from ui.task_model import TASK_ID_ROLE, Column, TaskBoardModel, plan_ids


@pytest.fixture
def make_board(qtbot: Any) -> Callable[[AppContext], Board]:
    """A shown board whose first search is whole in the model (not only its first page)."""

    def make(context: AppContext) -> Board:
        board = Board(context)
        qtbot.addWidget(board)
        with qtbot.waitSignal(board.counted, timeout=10_000):
            board.resize(1280, 700)
            board.show()
        return board

    return make


def search(qtbot: Any, board: Board, text: str) -> list[str]:
    """Type like a person, wait for the debounced search, return the ids shown."""
    with qtbot.waitSignal(board.counted, timeout=10_000):
        board.search_field.clear()
        qtbot.keyClicks(board.search_field, text)
    return board.model.ids()


def wait_rows_loaded(qtbot: Any, board: Board, count: int) -> None:
    for row in range(min(count, board.model.rowCount())):
        board.model.data(board.model.index(row, 0))
    qtbot.waitUntil(
        lambda: all(
            board.model.is_loaded(board.model.task_id(r) or "")
            for r in range(min(count, board.model.rowCount()))
        ),
        timeout=10_000,
    )


def titles(board: Board, count: int) -> list[str]:
    return [board.model.data(board.model.index(r, Column.TITLE)) for r in range(count)]


def biddable(task: Task) -> bool:
    """Open, and its bid deadline not passed by today (no server time known: this machine's)."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    return task.status == TaskStatus.OPEN and (task.bid_deadline is None or task.bid_deadline >= today)


def visible_tasks(data: demo.DemoData, person: Person) -> list[Task]:
    return [t for t in data.tasks if permissions.can_see_task(person, t)]


def test_the_board_shows_open_tasks_the_person_may_see(
    qtbot: Any, context: AppContext, make_board: Any, demo_data: demo.DemoData
) -> None:
    board = make_board(context)
    expected = {t.id for t in visible_tasks(demo_data, context.person) if biddable(t)}
    assert set(board.model.ids()) == expected
    assert board.count_label.text().startswith(str(len(expected)))


def test_sql_visibility_matches_the_permission_rules_for_every_demo_person(
    demo_store: Path, demo_data: demo.DemoData
) -> None:
    store = Store(demo_store)
    try:
        for person in demo_data.people[:40]:
            shown = set(board_queries.search(store, person, BoardFilter()))
            assert shown == {t.id for t in visible_tasks(demo_data, person)}, person.username
    finally:
        store.close()


def test_typing_a_danish_word_finds_the_task(
    qtbot: Any, context: AppContext, make_board: Any, demo_data: demo.DemoData
) -> None:
    board = make_board(context)
    board.status_box.setCurrentIndex(0)  # any status
    qtbot.waitUntil(lambda: board.filters().status is None)
    visible = visible_tasks(demo_data, context.person)
    word = next(
        w
        for t in visible
        for w in t.title.split()
        if any(ch in w.lower() for ch in "æøå") and w.isalpha() and len(w) > 4
    )
    prefix = word[:-1]  # as typed so far
    ids = search(qtbot, board, prefix.upper())
    stem = board_queries.search_stem(prefix)
    wanted = {t.id for t in visible if stem in _text(t)}
    assert ids and set(ids) == wanted


def _text(task: Task) -> str:
    """What search looks inside: the task's text and its skills' names in both languages."""
    names = [f"{skills.label(s, 'da')} {skills.label(s, 'en')}" for s in task.skills]
    return " ".join([task.title, task.description, task.place, *names]).lower()


@pytest.mark.parametrize(
    "text",
    [
        '"',
        'sommer"fest',
        "NOT",
        "AND OR",
        "title:x",
        "(*)",
        "a*b",
        "-",
        "^",
        "'; DROP TABLE tasks",
        "ø\u0000",
    ],
)
def test_hostile_text_never_breaks_the_search(
    demo_store: Path, demo_data: demo.DemoData, text: str
) -> None:
    store = Store(demo_store)
    try:
        person = demo_data.people[0]
        board_queries.search(store, person, BoardFilter(text=text))
    finally:
        store.close()


def test_fts_query_quotes_every_word() -> None:
    assert board_queries.fts_query("  ") is None
    assert board_queries.fts_query("!!") is None
    assert board_queries.fts_query('Sommer"fest NOT ærø') == '"Sommer"* "fest"* "NOT"* "ærø"*'
    # A decomposed "å" (as a Mac may type it) is the same word as the composed one.
    assert board_queries.fts_query("a\u030a") == '"å"*'


def test_filters_narrow_the_list(
    qtbot: Any, context: AppContext, make_board: Any, demo_data: demo.DemoData
) -> None:
    board = make_board(context)
    visible = visible_tasks(demo_data, context.person)
    site_id = context.person.home_site_id
    qtbot.waitUntil(lambda: board.site_box.findData(site_id) > 0)
    with qtbot.waitSignal(board.searched):
        board.site_box.setCurrentIndex(board.site_box.findData(site_id))
    assert set(board.model.ids()) == {
        t.id for t in visible if t.site_id == site_id and biddable(t)
    }
    skill = next(
        s for t in visible if t.site_id == site_id and biddable(t) for s in t.skills
    )
    with qtbot.waitSignal(board.searched):
        board.skill_box.setCurrentIndex(board.skill_box.findData(skill))
    assert set(board.model.ids()) == {
        t.id for t in visible if t.site_id == site_id and biddable(t) and skill in t.skills
    }
    # Clearing goes back to what a fresh board shows: every open task, of every site and skill.
    with qtbot.waitSignal(board.counted):
        board.clear_filters()
    assert set(board.model.ids()) == {t.id for t in visible if biddable(t)}
    assert board.status_box.currentData() == TaskStatus.OPEN and board.site_box.currentIndex() == 0


def test_clearing_the_filters_returns_to_the_fresh_board(
    qtbot: Any, context: AppContext, make_board: Any, demo_data: demo.DemoData
) -> None:
    """Status, site, audience, dates, my skills and the words all go back to how the board opened."""
    board = make_board(context)
    fresh = (board.filters(), list(board.model.ids()), board.status_box.currentText())
    with qtbot.waitSignal(board.counted):
        board.status_box.setCurrentIndex(board.status_box.findData(str(TaskStatus.CLOSED)))
    with qtbot.waitSignal(board.counted):
        board.date_box.setCurrentIndex(2)
    board.mine_box.setChecked(True)
    board.search_field.setText("a")
    qtbot.waitUntil(lambda: board.filters().text == "a" and board.filters().my_skills)
    (clear_text,) = [b for b in board.search_field.findChildren(QToolButton) if b.isVisibleTo(board)]
    with qtbot.waitSignal(board.counted):
        board.clear_button.click()
    assert (board.filters(), list(board.model.ids()), board.status_box.currentText()) == fresh
    assert fresh[0].status == TaskStatus.OPEN
    # The field's own clear button goes with its words (a try-out saw it stay on an empty field).
    qtbot.waitUntil(lambda: not clear_text.isVisibleTo(board), timeout=3000)


def test_matches_my_skills(
    qtbot: Any, context: AppContext, make_board: Any, demo_data: demo.DemoData
) -> None:
    board = make_board(context)
    mine = {ps.skill for ps in demo_data.person_skills if ps.person_id == context.person.id}
    with qtbot.waitSignal(board.searched):
        board.mine_box.setChecked(True)
    expected = {
        t.id
        for t in visible_tasks(demo_data, context.person)
        if t.status == "open" and mine & set(t.skills)
    }
    assert mine and expected
    assert set(board.model.ids()) == expected


def test_sorting_by_title_and_by_header(qtbot: Any, context: AppContext, make_board: Any) -> None:
    board = make_board(context)
    with qtbot.waitSignal(board.searched):
        board.sort_box.setCurrentIndex(board.sort_box.findData(str(Sort.TITLE)))
    wait_rows_loaded(qtbot, board, 30)
    shown = titles(board, 30)
    assert shown == sorted(shown, key=str.casefold)
    with qtbot.waitSignal(board.searched):
        board.view.horizontalHeader().setSortIndicator(Column.TITLE, Qt.SortOrder.DescendingOrder)
    wait_rows_loaded(qtbot, board, 30)
    shown = titles(board, 30)
    assert shown == sorted(shown, key=str.casefold, reverse=True)
    with qtbot.waitSignal(board.searched):
        board.view.horizontalHeader().setSortIndicator(Column.EFFORT, Qt.SortOrder.AscendingOrder)
    assert board.sort_box.currentData() == Sort.EFFORT


def test_only_the_changed_row_is_redrawn_after_a_bid(
    qtbot: Any, context: AppContext, make_board: Any
) -> None:
    board = make_board(context)
    wait_rows_loaded(qtbot, board, 20)
    model = board.model
    target = next(
        model.task_id(r)
        for r in range(20)
        if model.data(model.index(r, Column.SEATS)) and _biddable(context, model.task_id(r) or "")
    )
    before = model.data(model.index(model.row_of(target), Column.SEATS))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    redrawn: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=(): redrawn.append((a.row(), b.row())))
    with qtbot.waitSignal(model.dataChanged, timeout=10_000):
        context.perform("bid.place", {"bid_id": uuid7(), "task_id": target}).run_in_background()
    row = model.row_of(target)
    assert redrawn == [(row, row)]
    assert resets == []
    assert model.data(model.index(row, Column.SEATS)) != before


def _biddable(context: AppContext, task_id: str) -> bool:
    """May the person bid on it today: visible, open, not theirs, no bid of theirs, deadline ahead."""
    import datetime as dt

    store = Store(context.store_path)
    try:
        task = store.get(Task, task_id)
        mine = store.rows(
            "SELECT 1 FROM bids WHERE task_id = ? AND bidder_id = ? AND status IN ('pending', 'accepted')",
            (task_id, context.person.id),
        )
    finally:
        store.close()
    if task is None or mine or task.status != TaskStatus.OPEN:
        return False
    if task.bid_deadline and task.bid_deadline < dt.date.today().isoformat():
        return False
    return permissions.may_bid_on(context.person, task)


def test_a_new_task_appears_without_a_reset(qtbot: Any, make_context: Any, make_board: Any) -> None:
    context = make_context("mette")
    board = make_board(context)
    model = board.model
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    task_id = uuid7()
    with qtbot.waitSignal(board.searched, timeout=10_000):
        context.perform(
            "task.create",
            {
                "task_id": task_id,
                "site_id": context.person.home_site_id,
                "title": "Æbleplukning i haven",
                "publish": True,
            },
        ).run_in_background()
    assert model.row_of(task_id) >= 0
    assert inserted == [model.row_of(task_id)]
    assert resets == []


def test_plans_change_only_what_changed() -> None:
    old = ["a", "b", "c", "d", "e"]
    assert plan_ids(old, list(old), 3).unchanged
    plan = plan_ids(old, ["a", "x", "c", "d", "y", "e"], 3)
    assert not plan.reset
    assert plan.removed == ((1, 1),)
    assert plan.inserted == ((1, "x"), (4, "y"))
    assert plan.position == {"a": 0, "x": 1, "c": 2, "d": 3, "y": 4, "e": 5}
    assert plan_ids(old, ["e", "d", "c", "b", "a"], 3).reset  # a new order
    assert plan_ids(old, [], 3).removed == ((0, 4),)


def test_a_plan_made_against_an_old_list_is_redone(qtbot: Any, qtmodeltester: Any) -> None:
    model = TaskBoardModel(lambda ids, deliver: None, "da")
    qtmodeltester.check(model, force_py=True)
    model.set_ids(["a", "b", "c"])
    stale = plan_ids(["a", "b"], ["a", "b", "z"], model.version - 1)
    model.apply(stale)
    assert model.ids() == ["a", "b", "z"]
    model.set_ids(["z", "b"])
    assert model.ids() == ["z", "b"]
    assert model.row_of("b") == 1 and model.row_of("a") == -1


def test_stale_searches_are_dropped(qtbot: Any, context: AppContext, make_board: Any) -> None:
    board = make_board(context)
    results: list[int] = []
    board.searched.connect(results.append)
    for text in ("s", "so", "som", "somm"):
        board.search_field.setText(text)
        board.search_now()
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
    assert len(results) == 1  # only the newest search drew
    assert board.filters().text == "somm"


def test_opening_a_task_with_enter(qtbot: Any, context: AppContext, make_board: Any) -> None:
    board = make_board(context)
    opened: list[str] = []
    board.open_task_requested.connect(opened.append)
    board.search_field.setFocus()
    qtbot.keyClick(board.search_field, Qt.Key.Key_Down)
    assert board.view.hasFocus() or board.view.currentIndex().isValid()
    qtbot.keyClick(board.view, Qt.Key.Key_Return)
    assert opened == [board.model.task_id(0)]
    assert board.model.data(board.model.index(0, 0), TASK_ID_ROLE) == opened[0]


def test_the_model_passes_qt_model_tester(
    qtbot: Any, qtmodeltester: Any, context: AppContext, make_board: Any
) -> None:
    board = make_board(context)
    wait_rows_loaded(qtbot, board, 50)
    qtmodeltester.check(board.model, force_py=True)


def test_the_big_store_searches_and_scrolls(
    qtbot: Any, make_context: Any, big_store: Path, big_data: demo.DemoData, make_board: Any
) -> None:
    admin = next(p for p in big_data.people if p.username == "admin")
    context = make_context(person=admin, store_path=big_store)  # read-only use of the shared file
    board = make_board(context)
    expected_open = sum(1 for t in big_data.tasks if biddable(t))
    assert board.model.rowCount() == expected_open
    board.view.scrollToBottom()
    last = board.model.rowCount() - 1
    board.model.data(board.model.index(last, 0))
    qtbot.waitUntil(lambda: board.model.is_loaded(board.model.task_id(last) or ""), timeout=10_000)
    ids = search(qtbot, board, "sommerfest")
    assert 0 < len(ids) < expected_open


def test_typing_keeps_its_pause_after_a_filter_change(
    qtbot: Any, context: AppContext, make_board: Any
) -> None:
    """A filter change searches at once; typing afterwards still waits for a pause."""
    from ui.board import DEBOUNCE_MS

    board = make_board(context)
    with qtbot.waitSignal(board.searched, timeout=10_000):
        board.mine_box.setChecked(True)
    qtbot.keyClicks(board.search_field, "s")
    assert board._debounce.isActive()
    assert board._debounce.interval() == DEBOUNCE_MS


def test_a_broad_search_shows_its_first_page_then_the_honest_count(
    qtbot: Any, make_context: Any, big_store: Path, big_data: demo.DemoData, make_board: Any
) -> None:
    """One letter matches most tasks: the first page comes first, labelled as a lower
    bound ("Over 100 tasks"), then the whole list is appended without a reset."""
    from ui.task_model import PAGE

    admin = next(p for p in big_data.people if p.username == "admin")
    context = make_context(person=admin, store_path=big_store)
    board = make_board(context)
    store = Store(big_store)
    try:
        expected = board_queries.search(store, admin, BoardFilter(text="s", status="open"))
    finally:
        store.close()
    assert len(expected) > PAGE
    resets: list[int] = []
    board.model.modelReset.connect(lambda: resets.append(board.model.rowCount()))
    with qtbot.waitSignal(board.searched, timeout=10_000):
        board.search_field.setText("s")
        board.search_now()
    assert board.model.ids() == expected[:PAGE]
    assert board.model.is_loaded(expected[0])  # the first page brings its rows along
    assert board.count_label.text().startswith(f"Over {PAGE} task")  # a lower bound, not a count
    qtbot.waitUntil(lambda: board.model.rowCount() == len(expected), timeout=10_000)
    assert board.model.ids() == expected
    assert board.count_label.text().startswith(str(len(expected)))
    assert resets == [PAGE]  # the rest was appended, not reset


def test_the_first_page_agrees_with_the_whole_search(
    big_store: Path, big_data: demo.DemoData
) -> None:
    """Whichever way the first page is found (index walk or filter first), it is the
    start of the full, ordered answer, for every sort and a spread of filters."""
    staff = next(p for p in big_data.people if p.role == "staff" and p.home_site_id)
    store = Store(big_store)
    try:
        site = store.rows("SELECT site_id FROM tasks GROUP BY site_id ORDER BY count(*) DESC")[0]
        for sort in Sort:
            for descending in (True, False):  # it opens ascending: each is a change, and a search
                for extra in (
                    {},
                    {"text": "s"},
                    {"text": "sommerfest"},
                    {"status": "open", "text": "h"},
                    {"site_id": site["site_id"], "text": "k"},
                    {"audience": "organisation", "date_from": "2026-11-01", "date_to": "2026-12-01"},
                ):
                    filters = BoardFilter(sort=sort, descending=descending, **extra)
                    ids = board_queries.search(store, staff, filters)
                    window = board_queries.first_window(store, staff, filters, 50)
                    assert [r.id for r in window.rows] == ids[:50], filters
                    assert window.complete == (len(ids) <= 50)
    finally:
        store.close()


def test_the_bid_deadline_column_holds_bid_deadlines_only(
    qtbot: Any, context: AppContext, make_board: Any
) -> None:
    """A try-out read "start 7. jan. 2027" among the dates under "Budfrist": a task without a bid
    deadline showed (and was sorted by) its start. The column now holds bid deadlines alone; a task
    without one says so in words and comes after every dated task, in either direction."""
    from tests.ui.driving import ask, styled

    def undated_but_starting_soon(store: Store) -> str:
        task = next(
            t for t in store.fetch(Task, "status = 'open' AND bid_deadline IS NOT NULL ORDER BY id")
            if permissions.can_see_task(context.person, t)
        )
        with store.transaction():
            store.put(task.replace(bid_deadline=None, starts_on="2027-01-07", ends_on="2027-01-07"))
        return task.id

    undated = ask(qtbot, context, undated_but_starting_soon)
    with styled("da"):
        board = make_board(context)
        for descending in (True, False):  # it opens ascending: each is a change, and a search
            with qtbot.waitSignal(board.counted, timeout=10_000):
                board.view.horizontalHeader().setSortIndicator(
                    Column.DEADLINE, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
                )
            count = board.model.rowCount()
            wait_rows_loaded(qtbot, board, count)
            cells = [board.model.data(board.model.index(r, Column.DEADLINE)) for r in range(count)]
            dated = [c for c in cells if c != "ingen frist"]
            assert undated in board.model.ids() and "ingen frist" in cells
            assert all(re.fullmatch(r"\d{1,2}\. \w+\.? \d{4}", c) for c in dated), dated
            # Every task without a deadline after every dated one, each way round.
            assert cells == dated + ["ingen frist"] * (count - len(dated)), cells
            tip = board.model.data(board.model.index(board.model.ids().index(undated), Column.DEADLINE),
                                   Qt.ItemDataRole.ToolTipRole)
            assert "Ingen budfrist" in tip and "7. januar 2027" in tip, tip
