"""Hostile text in the real main window: long, right-to-left, emoji, combining marks, invisible.

Titles, descriptions, bids and comments are written by other people on other
machines. Tasks carrying such text are made through the operation rules (the
same ones the server applies), then opened in the real screens of a real
MainWindow at 1280x720: the board, the task view, the review and my page.
On each screen the layout must hold: the window stays the size of the
screen, nothing is wider than what holds it, board rows keep one height and
the task view never needs a horizontal scroll bar. Each screen is also saved
as a PNG in the test's tmp folder, to look at.

The rules allow a title of at most 200 characters, so a 10,000-character
title is refused with a sentence in the form, and titles *at* the limit are
the ones shown; the description may be 10,000 characters and is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QWidget

from desktop.core.entities import Person, Task
from desktop.core.ids import uuid7
from desktop.core.payload import is_blank
from desktop.core.rejection import Rejection
from desktop.store import Store
from tests.ui.conftest import DEVICE_ID
from tests.ui.driving import no_message_boxes  # noqa: F401 - an autouse fixture
from ui.context import AppContext
from ui.long_text import CELL_LIMIT
from ui.main import style_sheet
from ui.main_window import MainWindow
from ui.my_page import MyPage
from ui.review import ReviewPage
from ui.task_form import TaskForm
from ui.task_view import TaskView

SCREEN = QSize(1280, 720)
TITLE_LIMIT = 200
MARK = "Knopprøve"  # one searchable word in every hostile description, so the board can list them

ARABIC = "ترجمة رسالة إلى أولياء الأمور باللغة العربية قبل الاجتماع"
HEBREW = "תרגום מכתב להורים לקראת אסיפת ההורים בבית הספר"
EMOJI = "Sommerfest 🎉 👩‍👩‍👧‍👦 🧑🏽‍🍳 🏳️‍🌈 👍🏿 🇩🇰 🇸🇦 🇺🇦 på plejehjemmet ❤️‍🔥"
ZALGO = "".join(
    ch + "\u0301\u0316\u0334\u0358\u035c\u0360\u0489" * 3 for ch in "Vikar til svømning"
)


def at_limit(text: str) -> str:
    """The text repeated and cut to exactly the title limit."""
    return (text * (TITLE_LIMIT // len(text) + 1))[:TITLE_LIMIT]


TITLES = {
    "words at the limit": at_limit("Sommerfest for beboere og pårørende på Egebo plejehjem "),
    "one word at the limit": at_limit("Ø"),
    "arabic": ARABIC,
    "hebrew": HEBREW,
    "arabic at the limit": at_limit(ARABIC + " "),
    "rtl and ltr at the limit": at_limit(
        f"Brev til forældre (2 sider): {ARABIC} / {HEBREW} — OK? "
    ),
    "emoji": EMOJI,
    "emoji at the limit": at_limit("👩‍👩‍👧‍👦🇩🇰🧑🏽‍🍳"),
    "combining marks": ZALGO[:TITLE_LIMIT],
    "decomposed danish": "Bo\u0308rnehaven o\u0308nsker hja\u030alp til ha\u030andarbejde",
}
# Not whitespace to Python's str.strip(); the rules refuse it (desktop.core.payload.is_blank),
# but an older server could have stored one, so it must still draw.
INVISIBLE = "\u200b\u2800\u3164\u200d\u2060"
LONG_TITLE = ("Vikar til svømning\n" + ARABIC + " " + EMOJI + " ") * 80
LONG_TITLE = LONG_TITLE[:10_000]
READS_FROM_THE_RIGHT = ("arabic", "hebrew")
READS_FROM_THE_LEFT = ("decomposed-danish", "emoji")
DESCRIPTION = (
    f"{MARK} "
    + "\n".join(
        [
            EMOJI,
            ARABIC,
            HEBREW,
            ZALGO,
            "Ordudenmellemrum" * 300,
            "https://example.org/" + "a/" * 400,
        ]
        * 40
    )
)[:10_000]


def perform(store: Store, kind: str, actor: Person, **payload: Any) -> None:
    store.perform(kind, payload, actor, DEVICE_ID)


@pytest.fixture
def hostile_tasks(demo_store: Path, person: Callable[[str], Person]) -> dict[str, Task]:
    """Mette's published tasks with the hostile titles, each with Anna's bid and a comment."""
    mette, anna = person("mette"), person("anna")
    store = Store(demo_store)

    def make(title: str) -> Task:
        task_id = uuid7()
        perform(
            store, "task.create", mette, task_id=task_id, site_id=mette.home_site_id,
            title=title, description=DESCRIPTION, audience="organisation", publish=True,
            place=at_limit(HEBREW + " 🏫 "),
        )  # fmt: skip
        perform(
            store, "bid.place", anna, bid_id=uuid7(), task_id=task_id,
            message=DESCRIPTION[:2000], availability=at_limit(EMOJI)[:500],
        )  # fmt: skip
        perform(
            store, "comment.add", anna, comment_id=uuid7(), task_id=task_id,
            body=DESCRIPTION[:4000],
        )  # fmt: skip
        task = store.get(Task, task_id)
        # Stored in NFC (issue 18 item 4): combining marks that have a composed form are joined.
        assert task is not None and task.title == unicodedata.normalize("NFC", title)
        assert task.description == unicodedata.normalize("NFC", DESCRIPTION)
        return task

    try:
        made = {case: make(title) for case, title in TITLES.items()}
        # A row as a server with a laxer limit (or a bug) could send it: the screens must cope.
        lax = make("Fra serveren").replace(title=LONG_TITLE)
        with store.transaction():
            store.put(lax)
        made["10,000 characters from the server"] = lax
        invisible = make("Fra en ældre server").replace(title=INVISIBLE)
        with store.transaction():
            store.put(invisible)
        made["invisible only from the server"] = invisible
        return made
    finally:
        store.close()


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[None]:
    """Knop's own style sheet, as the app runs: padding and fonts change what fits."""
    before = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet(before)


@pytest.fixture
def open_window(
    qtbot: Any, make_context: Callable[..., AppContext], styled: None
) -> Callable[[str], MainWindow]:
    def open_as(username: str) -> MainWindow:
        context = make_context(username, "en")
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(SCREEN)
        window.show()
        qtbot.waitExposed(window)
        return window

    return open_as


def settle(qtbot: Any, window: MainWindow) -> None:
    """Wait until the DB thread has answered and the page has taken the answer and laid itself out.

    Conditions, not a pause: the answer arrives as a queued signal and the layout
    runs in posted LayoutRequest events, so both are delivered here, however
    long a busy machine takes to get to them.
    """
    qtbot.waitUntil(lambda: not window.context.worker.busy(), timeout=10_000)
    for _ in range(3):  # an answer may fill a page whose layout then asks for another pass
        QApplication.sendPostedEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


def too_wide(root: QWidget) -> list[str]:
    """Every visible widget under `root` that sticks out of the widget holding it."""
    problems = []
    for widget in root.findChildren(QWidget):
        parent = widget.parentWidget()
        if not widget.isVisible() or parent is None:
            continue
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            continue  # scrolled content: the task view's is measured against its viewport
        if widget.x() < 0 or widget.x() + widget.width() > parent.width():
            where = f"{widget.geometry()} in a parent {parent.width()} wide"
            problems.append(f"{type(widget).__name__} {widget.objectName()!r}: {where}")
    return problems


def assert_layout_holds(window: MainWindow, shots: Path, name: str) -> None:
    window.grab().save(str(shots / f"{name}.png"))
    assert window.size() == SCREEN, name  # nothing made the window grow (or shrink)
    hint = window.minimumSizeHint()
    assert hint.width() <= SCREEN.width() and hint.height() <= SCREEN.height(), (name, hint)
    page = window.current_page()
    assert page is not None and page.width() <= SCREEN.width()
    assert len([w for w in page.findChildren(QWidget) if w.isVisible()]) > 5  # a page, drawn
    assert too_wide(page) == [], name


def assert_no_sideways_scrolling(area: QScrollArea, name: str) -> None:
    """The content is as wide as the visible area: nothing is cut off to the right."""
    content = area.widget()
    assert content is not None
    assert content.width() <= area.viewport().width(), (
        name,
        content.width(),
        area.viewport().width(),
    )
    assert area.horizontalScrollBar().maximum() == 0, name


def inked_columns(widget: QWidget) -> list[int]:
    """The pixel columns where the widget draws something, as it paints now."""
    image = widget.grab().toImage()
    if image.isNull() or image.width() == 0:
        return []
    blank = image.pixel(0, 0)
    return [
        x
        for x in range(image.width())
        if any(image.pixel(x, y) != blank for y in range(0, image.height(), 2))
    ]


def ink(qtbot: Any, widget: QWidget) -> tuple[int, int]:
    """The leftmost and rightmost pixel columns where the widget drew something.

    Waits until it draws at all: a title of stacked combining marks is shaped
    with fallback fonts, which a busy machine gets to later.
    """
    found: list[int] = []

    def drawn() -> bool:
        found[:] = inked_columns(widget)
        return bool(found)

    qtbot.waitUntil(drawn, timeout=10_000)
    return found[0], found[-1]


def show_on_board(qtbot: Any, window: MainWindow, shots: Path, how_many: int) -> None:
    """Search for the word every hostile description has: the board lists exactly those tasks."""
    board = window.board
    with qtbot.waitSignal(board.searched, timeout=10_000):
        board.search_field.setText(MARK)
    qtbot.waitUntil(lambda: board.model.rowCount() == how_many, timeout=10_000)
    settle(qtbot, window)
    view = board.view
    qtbot.waitUntil(
        lambda: all(board.model.is_loaded(board.model.task_id(r) or "") for r in range(how_many))
    )
    heights = {view.rowHeight(row) for row in range(how_many)}
    assert heights == {
        view.verticalHeader().defaultSectionSize()
    }  # one line each, whatever the title
    assert max(heights) <= 3 * view.fontMetrics().height()
    assert (
        view.horizontalHeader().length() <= view.viewport().width()
    )  # no column pushed off the side
    # Every cell and tooltip is cut to what a screen can show, the 10,000-character title too.
    model = board.model
    for row in range(how_many):
        for role, limit in ((Qt.ItemDataRole.DisplayRole, CELL_LIMIT), (Qt.ItemDataRole.ToolTipRole, 1000)):
            for column in range(model.columnCount()):
                shown = model.data(model.index(row, column), role)
                assert shown is None or len(str(shown)) <= limit, (row, column, role, len(str(shown)))
    assert_layout_holds(window, shots, "board")


def show_task(qtbot: Any, window: MainWindow, task: Task, shots: Path, name: str) -> TaskView:
    window.open_task(task.id)
    settle(qtbot, window)
    view = window.current_page()
    assert isinstance(view, TaskView) and view.detail is not None
    assert view.title.text() == " ".join(task.title.split())
    assert view.title.width() <= view.width()
    assert view.description.text().replace("\u200b", "") == task.description
    margin = 2 * view.title.fontMetrics().averageCharWidth()
    # A title of invisible characters only has no ink to find: whether U+3164 shows as an
    # empty glyph or a box depends on the fonts installed, not on Knop.
    left, right = (0, 0) if is_blank(task.title) else ink(qtbot, view.title)
    if name in READS_FROM_THE_RIGHT:  # short enough to fit: it hugs the right edge, as it reads
        assert left > margin and right > view.title.width() - margin, (name, left, right)
    elif name in READS_FROM_THE_LEFT:
        assert left < margin and right < view.title.width() - margin, (name, left, right)
    scroll = view.findChild(QScrollArea)
    assert scroll is not None
    assert_no_sideways_scrolling(scroll, name)
    assert_layout_holds(window, shots, f"task-{name}")
    return view


def test_a_manager_sees_hostile_text_on_every_screen_without_the_layout_breaking(
    qtbot: Any,
    open_window: Callable[[str], MainWindow],
    hostile_tasks: dict[str, Task],
    tmp_path: Path,
) -> None:
    window = open_window("mette")
    show_on_board(qtbot, window, tmp_path, len(hostile_tasks))
    for case, task in hostile_tasks.items():
        name = case.replace(" ", "-")
        show_task(qtbot, window, task, tmp_path, name)
        window.open_review(task.id)
        settle(qtbot, window)
        review = window.current_page()
        assert isinstance(review, ReviewPage) and review.data is not None and len(review.cards) == 1
        assert review.title.text() == " ".join(task.title.split())
        assert_layout_holds(window, tmp_path, f"review-{name}")
        window.go_board()
    window.go_my_page()
    settle(qtbot, window)
    page = window.current_page()
    assert isinstance(page, MyPage) and page.data is not None
    page.tabs.setCurrentIndex(1)  # my tasks: every hostile title in one list
    assert {t.id for t in hostile_tasks.values()} <= set(page.tasks_model.keys())
    assert_layout_holds(window, tmp_path, "my-page-tasks")


def test_a_bidder_sees_hostile_text_on_every_screen_without_the_layout_breaking(
    qtbot: Any,
    open_window: Callable[[str], MainWindow],
    hostile_tasks: dict[str, Task],
    tmp_path: Path,
) -> None:
    window = open_window("anna")
    show_on_board(qtbot, window, tmp_path, len(hostile_tasks))
    for case in (
        "words at the limit",
        "arabic at the limit",
        "rtl and ltr at the limit",
        "emoji at the limit",
        "combining marks",
    ):
        view = show_task(qtbot, window, hostile_tasks[case], tmp_path, case.replace(" ", "-"))
        assert view.my_bid_box.isVisible() and view.bid_message.toPlainText()  # her bid, in full
        assert view.bid_availability.cursorPosition() == 0  # a long line shows its start
        window.go_board()
    window.go_my_page()
    settle(qtbot, window)
    page = window.current_page()
    assert isinstance(page, MyPage) and page.data is not None
    page.tabs.setCurrentIndex(0)  # my bids: every hostile title in one list
    assert len(page.bids_model.rows()) >= len(hostile_tasks)
    assert_layout_holds(window, tmp_path, "my-page-bids")


def test_a_title_over_the_limit_is_refused_in_the_form_with_a_sentence(
    qtbot: Any, open_window: Callable[[str], MainWindow], tmp_path: Path
) -> None:
    window = open_window("mette")
    window.new_task()
    settle(qtbot, window)
    form = window.current_page()
    assert isinstance(form, TaskForm)
    form.title.setText("Vikar til svømning " * 526 + "!!!!!!")  # 10,000 characters
    assert len(form.title.text()) == 10_000  # the field takes it all: nothing is cut silently
    form.publish_button.click()
    settle(qtbot, window)
    message = form.problems["title"].text()
    assert message == Rejection("field.too_long", field="title", max=TITLE_LIMIT).message("en")
    assert "200" in message
    assert form.problems["title"].isVisible()
    assert window.current_page() is form  # still in the form: nothing was made
    assert_layout_holds(window, tmp_path, "form-title-too-long")
