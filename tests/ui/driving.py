"""How the screen tests drive screens: open one, wait for its draws, ask the store, pick demo cases.

Everything here goes through the real plumbing: questions to the store run
as queries on the context's DB thread, exactly as the screens' own do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QMessageBox, QWidget

from sync.server import demo
from desktop import notifications
from desktop.core import permissions
from desktop.core.entities import Bid, BidStatus, Person, Task, TaskStatus
from desktop.core.rejection import Rejection
from desktop.store import Store
from ui.context import AppContext
from ui.screen import Screen

T = TypeVar("T")
S = TypeVar("S", bound=Screen)
WAIT_MS = 10_000


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The screens say what went wrong next to the action; a message box here is a bug."""
    shown_boxes: list[str] = []

    def record(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        shown_boxes.append(text)
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, record)
    yield shown_boxes
    assert shown_boxes == []


@contextmanager
def styled(language: str) -> Iterator[None]:
    """The real style sheet and `language`'s words while inside: the sizes and words people see."""
    from ui.main import install_translators, style_sheet

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(style_sheet())
    translators = install_translators(app, language)
    try:
        yield
    finally:
        for translator in translators:
            app.removeTranslator(translator)
        install_translators(app, "en")
        app.setStyleSheet(before)


def wholly_visible(area: QAbstractScrollArea, widget: QWidget) -> bool:
    """Whether `widget` is shown and lies wholly inside the visible part of the scroll area `area`."""
    where = QRect(widget.mapTo(area.viewport(), QPoint(0, 0)), widget.size())
    return widget.isVisible() and area.viewport().rect().contains(where)


def shown(qtbot: Any, screen: S, size: tuple[int, int] = (1280, 720)) -> S:
    """Register the screen with qtbot, show it at a laptop's size and wait for its first draw.

    The window is made active because keyboard shortcuts only fire in the active window.
    """
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.loaded, timeout=WAIT_MS):
        screen.resize(*size)
        with qtbot.waitActive(screen, timeout=WAIT_MS):
            screen.show()
            screen.activateWindow()
    return screen


def active_window(qtbot: Any, context: AppContext, size: tuple[int, int] = (1280, 720)) -> Any:
    """A main window for `context`, registered with qtbot, shown at `size` and active (keys reach it)."""
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(*size)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def about_box(qtbot: Any) -> QMessageBox:
    """The About Knop box once it is shown (`MainWindow.about` opens it when the site is looked up)."""

    def box() -> QMessageBox | None:
        found = [w for w in QApplication.topLevelWidgets() if w.objectName() == "about" and w.isVisible()]
        return found[0] if found and isinstance(found[0], QMessageBox) else None

    qtbot.waitUntil(lambda: box() is not None, timeout=WAIT_MS)
    found = box()
    assert found is not None
    return found


def bidding_view(qtbot: Any, context: AppContext, data: demo.DemoData, size: tuple[int, int]) -> Any:
    """The task view, shown at `size`, of a task the context's person may bid on and has not (`biddable_task`)."""
    from ui.task_view import TaskView

    task = biddable_task(data, context.person)
    return shown(qtbot, TaskView(context, task.id), size=size)


def language_chosen(qtbot: Any, shell: Any, window: Any, name: str) -> Any:
    """The main window the shell builds anew when the language `name` ("Dansk") is chosen in `window`'s menu."""
    choices = {action.text(): action for action in window.language_menu.actions()}
    with qtbot.waitSignal(shell.entered, timeout=10_000) as entered:
        choices[name].trigger()
    return entered.args[0]


def ask(qtbot: Any, context: AppContext, fn: Callable[[Store], T]) -> T:
    """Run `fn(store)` on the context's DB thread and wait for the answer."""
    answers: list[T] = []
    errors: list[BaseException] = []
    context.query(fn).success(answers.append).failure(errors.append).run_in_background()
    qtbot.waitUntil(lambda: bool(answers or errors), timeout=WAIT_MS)
    if errors:
        raise errors[0]
    return answers[0]


def without_bids(store_path: Path, person_id: str) -> None:
    """Take every bid `person_id` made out of the store file (before a context opens it): a poster
    who bids on nothing, as a new manager is (no demo person is both)."""
    with sqlite3.connect(store_path) as conn:
        conn.execute("DELETE FROM bids WHERE bidder_id = ?", (person_id,))
    conn.close()


def a_full_task_with_bids_waiting(store_path: Path, manager: Person) -> str:
    """Make sure `manager` decides on a task whose places are all filled with bids still pending.

    The demo has one on some days only (its data follow the calendar: none on
    2 December 2026), so, when there is none, the manager accepts bids on one of
    the tasks with places free as the screens do (`bid.accept` through the
    store, offline), filling its places while one bid still waits; another task
    with bids waiting is left as it was. Returns the full task's id. Raises
    AssertionError when the store has no task that allows it.
    """
    store = Store(store_path)
    try:
        tasks = notifications.tasks_to_decide(store, manager)
        full = next((t.task_id for t in tasks if t.filled), None)
        awaiting = [t for t in tasks if not t.filled]
        for candidate in awaiting if full is None and len(awaiting) > 1 else ():
            task = store.get(Task, candidate.task_id)
            pending = store.fetch(Bid, "task_id = ? AND status = ? ORDER BY created_at, id",
                                  (candidate.task_id, BidStatus.PENDING.value))
            free = task.seats - task.accepted_count if task else 0
            if not 0 < free < len(pending):
                continue
            try:
                for bid in pending[:free]:
                    store.perform("bid.accept", {"bid_id": bid.id}, manager, "test")
            except Rejection:
                continue  # a rule of the demo's day refuses it (a passed deadline): try another
            full = candidate.task_id
            break
    finally:
        store.close()
    assert full is not None, f"{manager.username} decides on no task whose places can be filled"
    return full


def bids_of(data: demo.DemoData, task_id: str) -> list[Bid]:
    return [b for b in data.bids if b.task_id == task_id]


def first(items: Iterable[T], what: str) -> T:
    for item in items:
        return item
    raise AssertionError(f"the demo data has no {what}")


def biddable_task(data: demo.DemoData, bidder: Person) -> Task:
    """An open task the bidder may bid on and has never bid on, with others' bids on it."""
    return first(
        (
            t
            for t in data.tasks
            if t.status == TaskStatus.OPEN
            and permissions.may_bid_on(bidder, t)
            and not any(b.bidder_id == bidder.id for b in bids_of(data, t.id))
            and any(b.status == BidStatus.PENDING for b in bids_of(data, t.id))
        ),
        f"open task {bidder.username} may bid on",
    )


def task_with_pending_bids(data: demo.DemoData, at_least: int) -> Task:
    """An open task with no accepted bid yet and at least `at_least` pending ones."""
    return first(
        (
            t
            for t in data.tasks
            if t.status == TaskStatus.OPEN
            and t.accepted_count == 0
            and sum(b.status == BidStatus.PENDING for b in bids_of(data, t.id)) >= at_least
        ),
        f"open task with {at_least} pending bids",
    )


def person_by_id(data: demo.DemoData, person_id: str) -> Person:
    return first((p for p in data.people if p.id == person_id), f"person {person_id}")
