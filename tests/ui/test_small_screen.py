"""Every screen at a small laptop's 1024x600, with real widgets: nothing cut, nothing off screen.

A 1024x600 screen leaves about 1024x560 for a window's inside once the title
bar and a panel have their share. Each page the main window can show (the
board, every factory in SCREENS, the needs-attention list), the login and the
lock screen are opened at that size and at 1600x1000, and:

- the window can be that small (its layout's minimum fits), and is;
- every visible control lies inside the window, or inside a scroll area that
  can bring it into view;
- no button, field or list box is narrower than its text needs (cut);
- no tab and no column header shows its words cut ("Mine b…", "endi") where a
  tooltip is the only way to read them.

Set KNOP_SMALL_SCREEN_SHOTS=DIR to also save each as a PNG, to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QTabBar,
    QTextEdit,
    QWidget,
)

from desktop.accounts import Account
from desktop.core.entities import BidStatus, Role, TaskStatus
from sync.server import demo
from ui import main_window, window_place, words
from ui.context import AppContext
from ui.login import LockScreen, LoginScreen
from tests.ui.driving import styled
from ui.main_window import SCREENS, MainWindow
from ui.table_model import WrappingHeader

SMALL = QSize(1024, 560)  # a 1024x600 screen less the title bar and a panel
LARGE = QSize(1600, 1000)
SHOTS = os.environ.get("KNOP_SMALL_SCREEN_SHOTS")

_kept: list[QWidget] = []


@pytest.fixture(params=["da", "en"])
def language(request: pytest.FixtureRequest) -> str:
    """Each page in Danish (a new user here sees it first, and its words are longer) and in English."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _styled(language: str) -> Iterator[None]:
    """The real style sheet and the language's words: sizes and words are the ones people see."""
    with styled(language):
        yield
    _kept.clear()


@pytest.fixture
def make_context(make_context: Callable[..., AppContext], language: str) -> Callable[..., AppContext]:
    """The conftest's `make_context`, in the language the page is shown in."""
    return lambda *args, **kwargs: make_context(*args, **{"language": language, **kwargs})


def _controls(top: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QTabBar)
    return [w for w in top.findChildren(QWidget) if isinstance(w, kinds) and w.isVisibleTo(top)]


def _scroll_area(widget: QWidget, top: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport `widget` sits in (so it can be scrolled into view), or None."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
            return area
        parent = area
    return None


def _cut_sideways(widget: QWidget, area: QAbstractScrollArea) -> bool:
    """In an area that never scrolls sideways, whether `widget` reaches past its right edge."""
    if area.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        return False
    viewport = area.viewport()
    right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
    return right > viewport.width() + 1


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    label = text() if callable(text) else ""
    return f"{type(widget).__name__}({widget.objectName() or widget.accessibleName() or label!r})"


def problems(top: QWidget) -> list[str]:
    """What is cut or outside `top`: empty when every visible control can be used."""
    found: list[str] = []
    inside = QRect(QPoint(0, 0), top.size())
    for widget in _controls(top):
        area = _scroll_area(widget, top)
        if area is not None:
            if _cut_sideways(widget, area):
                found.append(f"{_name(widget)} reaches past the right of a scroll area that does not scroll sideways")
        else:
            where = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
            if not inside.contains(where):
                found.append(f"{_name(widget)} at {where.getRect()} is outside {inside.getRect()}")
                continue
        # Squeezed below the size its text needs is cut, in a scroll area or not.
        wanted = widget.minimumSizeHint()
        if isinstance(widget, (QComboBox, QAbstractButton)) and widget.width() < wanted.width():
            found.append(f"{_name(widget)} is {widget.width()} px wide, needs {wanted.width()}")
        if widget.height() < wanted.height() and not isinstance(widget, QTabBar):
            found.append(f"{_name(widget)} is {widget.height()} px high, needs {wanted.height()}")
    # A list or text box squeezed to a row or two reads as broken (a try-out saw one row of
    # people, and "No people found" cut in half): at least three lines of its font.
    for view in top.findChildren(QAbstractScrollArea):
        if not isinstance(view, (QAbstractItemView, QPlainTextEdit, QTextEdit)) or isinstance(view, QHeaderView):
            continue
        if not view.isVisibleTo(top):
            continue
        if view.window() is not top.window():
            continue
        lines = view.viewport().height() / view.fontMetrics().lineSpacing()
        if lines < 3:
            found.append(f"{_name(view)} shows {lines:.1f} lines")
    return found + cut_words(top)


# A column header's padding in the style sheet (QHeaderView::section: 8 px each side), and
# the least room a tab's frame takes around its words (Fusion's tab margins).
HEADER_PADDING = 16
TAB_PADDING = 12


def _words(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def cut_words(top: QWidget) -> list[str]:
    """Tabs and column headers in `top` whose words do not fit their room (Qt then cuts or elides them).

    A cell may elide (its tooltip holds the whole); a header or a tab names what is
    under it, and reads as a riddle cut ("endi", "Mine b…").
    """
    found: list[str] = []
    for bar in top.findChildren(QTabBar):
        if not bar.isVisibleTo(top):
            continue
        metrics = bar.fontMetrics()
        for index in range(bar.count()):
            if not bar.isTabVisible(index):
                continue
            text = _words(bar.tabText(index))
            need = metrics.horizontalAdvance(text) + TAB_PADDING
            if bar.tabRect(index).width() < need:
                found.append(f"tab {text!r} is {bar.tabRect(index).width()} px wide, needs {need}")
    for header in top.findChildren(QHeaderView):
        if header.orientation() != Qt.Orientation.Horizontal or not header.isVisibleTo(top):
            continue
        model = header.model()
        if model is None:
            continue
        font = header.font()
        font.setWeight(QFont.Weight.DemiBold)  # QHeaderView::section's font-weight: 600
        metrics = QFontMetrics(font)
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            # A title the header breaks onto lines (WrappingHeader) needs its widest line's room.
            lines = header.title_lines(section) if isinstance(header, WrappingHeader) else [text]
            need = max(map(metrics.horizontalAdvance, lines)) + HEADER_PADDING if text else 0
            if len(lines) * metrics.lineSpacing() > header.height():
                found.append(f"column header {text!r} has {len(lines)} lines in {header.height()} px")
            if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
                need += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize)
            if header.sectionSize(section) < need:
                found.append(f"column header {text!r} is {header.sectionSize(section)} px wide, needs {need}")
    return found


def show_at(qtbot: Any, widget: QWidget, size: QSize) -> None:
    _kept.append(widget)
    qtbot.addWidget(widget)
    widget.resize(size)
    widget.show()
    qtbot.waitExposed(widget)


def assert_usable(qtbot: Any, top: QWidget) -> None:
    """Nothing cut or outside `top`, once its layouts have settled (they do so on posted events)."""
    try:
        qtbot.waitUntil(lambda: problems(top) == [], timeout=3000)
    except qtbot.TimeoutError:
        pass  # said below, with what is wrong
    found = problems(top)
    assert found == [], "\n".join(found)


def save(widget: QWidget, name: str) -> None:
    """Under KNOP_SMALL_SCREEN_SHOTS, `widget` as DIR/<language>/name."""
    if SHOTS:
        folder = Path(SHOTS) / words.language()
        folder.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(folder / name))


def _task_with_bids(data: demo.DemoData) -> tuple[str, str]:
    """(task id, its poster's id) of an open task with bids waiting: its view and review have the most."""
    pending = {b.task_id for b in data.bids if b.status == BidStatus.PENDING}
    task = next(t for t in data.tasks if t.status == TaskStatus.OPEN and t.id in pending)
    return task.id, task.poster_id


def _task_one_may_not_bid_on(data: demo.DemoData) -> tuple[str, str]:
    """(task id, a colleague's id): an open task that requires a credential its site's colleague lacks.

    The bid form then starts with why (a wrapped sentence), above its fields.
    """
    by_id = {t.id: t for t in data.tasks}
    for needs in data.requirements:
        task = by_id.get(needs.task_id)
        if task is None or task.status != TaskStatus.OPEN or "block" not in needs.requirements.values():
            continue
        bidders = {b.bidder_id for b in data.bids if b.task_id == task.id}
        for person in data.people:
            held = {c.credential for c in data.credentials if c.person_id == person.id}
            if (
                person.role == Role.STAFF
                and person.home_site_id == task.site_id
                and person.id not in bidders | {task.poster_id}
                and not held & set(needs.requirements)
            ):
                return task.id, person.id
    raise LookupError("no such task in the demo")


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1024x600", "1600x1000"])
def test_the_bid_form_keeps_its_fields_below_a_requirement(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, size: QSize
) -> None:
    """A try-out found Message, Hours and Availability squeezed to 8 px under the requirement's text."""
    task_id, person_id = _task_one_may_not_bid_on(demo_data)
    window = MainWindow(make_context(person=next(p for p in demo_data.people if p.id == person_id)))
    show_at(qtbot, window, size)
    window.go(main_window.task_view_screen, task_id)
    page = window.current_page()
    qtbot.waitUntil(lambda: bool(page.my_bid_state.text()), timeout=10_000)
    assert_usable(qtbot, window)
    save(window, f"bid_form_requirement_{size.width()}x{size.height()}.png")
    window.tear_down()


def _pages() -> list[tuple[str, Any]]:
    return [(screen.__name__, screen) for screen in SCREENS] + [("attention", None)]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1024x600", "1600x1000"])
@pytest.mark.parametrize(("name", "screen"), _pages(), ids=[n for n, _s in _pages()])
def test_each_page_fits_and_nothing_is_cut(
    qtbot: Any,
    make_context: Callable[..., AppContext],
    demo_data: demo.DemoData,
    name: str,
    screen: Any,
    size: QSize,
) -> None:
    needs_task = screen in (main_window.task_view_screen, main_window.review_screen)
    task_id, poster_id = _task_with_bids(demo_data)
    who = next(p for p in demo_data.people if (p.id == poster_id if needs_task else p.role == Role.ADMIN))
    context = make_context(person=who)
    window = MainWindow(context)
    show_at(qtbot, window, size)
    assert window.minimumSizeHint().width() <= SMALL.width(), window.minimumSizeHint()
    assert window.minimumSizeHint().height() <= SMALL.height(), window.minimumSizeHint()
    assert window.size() == size
    qtbot.waitUntil(lambda: window.board.model.rowCount() > 0, timeout=10_000)
    if screen is None:
        window.show_attention()
    else:
        window.go(screen, task_id if needs_task else None)
    page = window.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
    assert window.size() == size, f"{name} made the window {window.size()}"
    save(window, f"{name}_{size.width()}x{size.height()}.png")
    assert_usable(qtbot, window)
    window.tear_down()


def test_every_administration_tab_fits_at_1024x600(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Each tab, not only the first: a try-out found the rules of the road squeezed to nothing."""
    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    window = MainWindow(make_context(person=admin))
    show_at(qtbot, window, SMALL)
    window.go(main_window.admin_screen)
    page = window.current_page()
    tabs = page.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        assert_usable(qtbot, window)
        save(window, f"admin_tab{index}_1024x560.png")
    window.tear_down()


def annas_board(qtbot: Any, make_context: Callable[..., AppContext], size: QSize) -> MainWindow:
    """Anna's main window at `size`, its board filled and its filters' choices loaded."""
    context = make_context("anna")
    window = MainWindow(context)
    show_at(qtbot, window, size)
    qtbot.waitUntil(lambda: window.board.model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
    return window


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1024x600", "1600x1000"])
def test_the_board_at_each_size(qtbot: Any, make_context: Callable[..., AppContext], size: QSize) -> None:
    """The board's filter boxes show their text (they were cut at 1024 px)."""
    window = annas_board(qtbot, make_context, size)
    board = window.board

    def cut_boxes() -> list[str]:
        found = []
        for box in (board.sort_box, board.site_box, board.skill_box, board.audience_box, board.status_box,
                    board.date_box):
            shown = box.fontMetrics().horizontalAdvance(box.currentText())
            # As wide as it asks, and the chosen entry's text fits beside the arrow.
            if box.width() < box.minimumSizeHint().width() or box.width() - shown < 24:
                found.append(f"{box.accessibleName()}: {box.currentText()!r} in {box.width()} px ({shown} px of text)")
        return found

    try:  # the boxes are sized once the style sheet is in; the layout follows on posted events
        qtbot.waitUntil(lambda: cut_boxes() == [], timeout=3000)
    except qtbot.TimeoutError:
        pass
    assert cut_boxes() == []
    assert_usable(qtbot, window)
    save(window, f"board_{size.width()}x{size.height()}.png")
    # A date is read whole: "start 8. jan. …" left its year a hover away. The column holds bid
    # deadlines only (a start date there read as one), or says there is none.
    from ui.task_model import Column as BoardColumn
    from ui.task_model import no_deadline

    metrics = board.view.fontMetrics()
    room = board.view.horizontalHeader().sectionSize(BoardColumn.DEADLINE)
    model = board.view.model()
    dates = {str(model.index(row, BoardColumn.DEADLINE).data() or "") for row in range(model.rowCount())}
    assert all(d in ("", no_deadline()) or d[0].isdigit() for d in dates), dates
    cut = [d for d in dates if metrics.horizontalAdvance(d) + 16 > room]  # QTableView::item pads 8 px a side
    assert cut == [], (room, cut)
    window.tear_down()


def _accounts(data: demo.DemoData, n: int) -> list[Account]:
    """`n` people who have logged in on this machine, as the login screen lists them."""
    return [
        Account(p.id, p.username, p.name, p, None, None, None, False)
        for p in data.people[:n]
    ]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1024x600", "1600x1000"])
@pytest.mark.parametrize("gate", ["login", "login-4-people", "lock"])
def test_the_login_and_lock_screens_fit(
    qtbot: Any, demo_data: demo.DemoData, gate: str, size: QSize
) -> None:
    screen: QWidget = (
        LockScreen("Anna Jensen") if gate == "lock" else LoginScreen(_accounts(demo_data, 4 if "4" in gate else 0))
    )
    show_at(qtbot, screen, size)
    assert screen.minimumSizeHint().height() <= SMALL.height()  # taller cards scroll
    assert screen.size() == size
    assert_usable(qtbot, screen)
    save(screen, f"{gate}_{size.width()}x{size.height()}.png")


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1024x600", "1600x1000"])
@pytest.mark.parametrize("people", [0, 4])
def test_a_refused_login_keeps_the_fields_their_height(
    qtbot: Any, demo_data: demo.DemoData, people: int, size: QSize
) -> None:
    """The error message takes room of its own (the card scrolls if it must), not the fields'."""
    screen = LoginScreen(_accounts(demo_data, people))
    show_at(qtbot, screen, size)
    screen.username.setText("anna")
    screen.failed("Forkert brugernavn eller adgangskode. Prøv igen, eller spørg din leder, hvis du har glemt den.")
    assert_usable(qtbot, screen)
    for field in (screen.username, screen.password):
        assert field.height() >= field.sizeHint().height(), (field.objectName(), field.height())
    problem = screen.problem
    assert problem.height() >= problem.heightForWidth(problem.width())  # every line of the message shows
    if people:
        assert screen.people.height() >= screen.people.minimumHeight()
    # Whatever is below the card's fold can be scrolled to.
    screen.card_area.ensureWidgetVisible(screen.invitation_button)
    top = screen.invitation_button.mapTo(screen.card_area.viewport(), QPoint(0, 0)).y()
    assert top >= 0 and top + screen.invitation_button.height() <= screen.card_area.viewport().height()
    save(screen, f"login-refused-{people}_{size.width()}x{size.height()}.png")


SCREEN_1024 = QRect(0, 0, 1024, 600 - 32)  # a 1024x600 screen less a 32 px panel


@pytest.mark.parametrize("gate", ["login", "main"])
def test_the_first_window_fits_a_1024x600_screen(
    qtbot: Any, make_context: Callable[..., AppContext], gate: str
) -> None:
    """The login (1100x720) and main (1280x760) windows' first sizes are made to fit, frame and all."""
    window: QWidget = LoginScreen([]) if gate == "login" else MainWindow(make_context("anna"))
    _kept.append(window)
    qtbot.addWidget(window)
    window_place.place(window, QSize(1280, 760), None, SCREEN_1024)
    window.show()
    qtbot.waitExposed(window)
    window_place.fit(window, SCREEN_1024)  # now that the frame is known
    frame = window.frameGeometry()
    assert SCREEN_1024.contains(frame), (frame.getRect(), SCREEN_1024.getRect())
    assert window.width() >= 1000 and window.height() >= 500  # it uses the screen, not a corner
    assert_usable(qtbot, window)
    if isinstance(window, MainWindow):
        window.tear_down()


def test_the_size_the_person_gave_is_kept_for_the_next_run(qtbot: Any) -> None:
    first = LoginScreen([])
    _kept.append(first)
    qtbot.addWidget(first)
    window_place.place(first, QSize(1100, 720), window_place.remembered(), SCREEN_1024)
    first.show()
    qtbot.waitExposed(first)
    first.resize(760, 460)  # the person makes it smaller (the test screen is 800 px wide)
    qtbot.waitUntil(lambda: first.size() == QSize(760, 460))
    window_place.remember(first.saveGeometry())
    first.close_quietly()

    again = LoginScreen([])  # the next run
    _kept.append(again)
    qtbot.addWidget(again)
    window_place.place(again, QSize(1100, 720), window_place.remembered(), SCREEN_1024)
    assert again.size() == QSize(760, 460)
    # A place kept on a bigger screen is shrunk onto a smaller one.
    again.resize(1500, 900)
    window_place.remember(again.saveGeometry())
    window_place.place(again, QSize(1100, 720), window_place.remembered(), SCREEN_1024)
    assert again.width() <= SCREEN_1024.width() and again.height() <= SCREEN_1024.height()


def test_an_unreadable_place_is_no_place(qtbot: Any) -> None:
    path = window_place._file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe not base64")
    assert window_place.remembered() is None
    screen = LoginScreen([])
    _kept.append(screen)
    qtbot.addWidget(screen)
    window_place.place(screen, QSize(1100, 720), window_place.remembered(), SCREEN_1024)
    assert screen.width() <= SCREEN_1024.width()


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1024x600", "1600x1000"])
def test_the_reports_date_labels_sit_by_their_fields(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, size: QSize
) -> None:
    """"Fra" and "Til" were at the far left of a wide gap before their date fields (Ctrl+7)."""
    from PySide6.QtWidgets import QLabel

    from ui.oversight_reports import ReportsScreen

    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    answer = {"computed_at": "2026-11-30T01:00:00.000Z", "since": "2025-11-30", "until": "2026-11-30", "sites": []}
    screen = ReportsScreen(make_context(person=admin), fetcher=lambda _name, _params: answer)
    show_at(qtbot, screen, size)
    # The answer is kept in the store (DB thread) before the test ends and its context closes.
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
    labels = {label.buddy(): label for label in screen.findChildren(QLabel) if label.buddy() is not None}
    for field in (screen.since, screen.until):
        label = labels[field]
        # Where the label's words end (a label stretched wide keeps its words at its left).
        words_end = label.mapTo(screen, QPoint(0, 0)).x() + label.fontMetrics().horizontalAdvance(
            label.text().replace("&", "")
        )
        gap = field.mapTo(screen, QPoint(0, 0)).x() - words_end
        assert 0 <= gap <= 24, (label.text(), gap)
    # And "Til" follows "Fra"'s field closely, not half a screen away.
    between = screen.until.mapTo(screen, QPoint(0, 0)).x() - screen.since.mapTo(screen, QPoint(screen.since.width(), 0)).x()
    assert between <= labels[screen.until].width() + 48, between
    save(screen, f"reports_dates_{size.width()}x{size.height()}.png")


def test_an_answer_older_than_the_one_shown_is_dropped(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """Requests run side by side: a slow first answer arriving after a newer one does not overwrite it.

    (The admin's people list, fetched again after adding someone and then searched,
    showed the older list when the answers crossed on a busy machine.)
    """
    import threading

    from ui.oversight_reports import ReportsScreen

    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    release = threading.Event()
    calls: list[str] = []

    def answer(site: str) -> dict[str, Any]:
        return {"computed_at": "2026-11-30T01:00:00.000Z", "since": "2025-11-30", "until": "2026-11-30",
                "sites": [{"site_id": site, "site_name": site}]}

    def fetch(_name: str, _params: dict[str, Any]) -> dict[str, Any]:
        calls.append("asked")
        if len(calls) == 1:  # the older question answers last
            release.wait(timeout=30)
            return answer("older")
        return answer("newer")

    screen = ReportsScreen(make_context(person=admin), fetcher=fetch)
    _kept.append(screen)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=10_000)
    screen.refresh()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1 and screen.model.index(0, 0).data() == "newer", timeout=10_000)
    release.set()
    qtbot.waitUntil(lambda: not screen._pending, timeout=10_000)
    assert screen.model.index(0, 0).data() == "newer"
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.body["sites"][0]["site_id"] == "newer",
                    timeout=10_000)  # kept in the store before the context closes


def _rows_shown(box: QComboBox) -> float:
    """How many of an open combo box's entries its popup shows at once (rows of its list)."""
    view = box.view()
    row = max(1, view.sizeHintForRow(0))
    return view.viewport().height() / row


def test_a_combo_box_shows_ten_entries_at_once(
    qtbot: Any, make_context: Callable[..., AppContext], language: str
) -> None:
    """A try-out under Xvfb (no window manager) saw the board's filter lists show 2.5 to 4.5 entries."""
    window = annas_board(qtbot, make_context, SMALL)
    board = window.board
    screen = window.screen().availableGeometry()
    for box in (board.sort_box, board.site_box, board.skill_box, board.status_box, board.date_box):
        qtbot.waitUntil(lambda: box.count() > 1, timeout=10_000)  # noqa: B023 - used at once
        box.showPopup()
        popup = box.view().window()
        qtbot.waitUntil(popup.isVisible, timeout=3000)
        wanted = min(10, box.count())
        shown = _rows_shown(box)
        assert wanted - 0.5 <= shown <= 10.5, (box.accessibleName(), box.count(), shown)
        assert screen.contains(popup.geometry()), (popup.geometry().getRect(), screen.getRect())
        box.hidePopup()
        qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)  # noqa: B023
    window.tear_down()


def test_the_calendar_opens_on_the_screen_beside_its_right_edge(qtbot: Any) -> None:
    """A try-out at 1024 px wide saw the task form's calendar open past the screen's right edge."""
    from ui.date_field import DateField

    holder = QWidget()
    field = DateField(words.tr("No date"), holder)
    show_at(qtbot, holder, field.sizeHint())
    screen = holder.screen().availableGeometry()
    holder.move(screen.right() - holder.frameGeometry().width(), screen.top() + 100)
    qtbot.waitUntil(lambda: holder.frameGeometry().right() >= screen.right() - 1, timeout=3000)
    field.open_calendar()
    popup = field.popup
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert screen.contains(popup.frameGeometry()), (popup.frameGeometry().getRect(), screen.getRect())
    popup.close()


def test_a_managers_board_gives_the_title_the_room_and_shows_rows(
    qtbot: Any, make_context: Callable[..., AppContext], demo_store: Path, demo_data: demo.DemoData
) -> None:
    """Mette's board at 1024x600 (two municipalities' tasks: two-line rows, one more filter).

    A try-out under Xvfb read titles cut to 12-20 characters ("Undervisning i forfly…") while
    the other columns kept their width, and saw six rows below the filters.
    """
    from tests.ui.neighbours import add_neighbour
    from ui.board import TITLE_SAMPLE
    from ui.task_model import Column as BoardColumn

    add_neighbour(demo_store, demo_data.tasks)  # as the demo's server hands Mette a neighbour's tasks
    context = make_context("mette")
    window = MainWindow(context)
    show_at(qtbot, window, SMALL)
    board = window.board
    qtbot.waitUntil(lambda: board.model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
    qtbot.waitUntil(lambda: board.organisation_box.isVisible(), timeout=10_000)  # two municipalities
    header = board.view.horizontalHeader()

    def title_room() -> int:
        return header.sectionSize(BoardColumn.TITLE)

    wanted = board.view.fontMetrics().horizontalAdvance(TITLE_SAMPLE)
    try:
        qtbot.waitUntil(lambda: title_room() >= wanted, timeout=3000)
    except qtbot.TimeoutError:
        pass
    assert title_room() >= wanted, (title_room(), wanted)
    assert header.length() <= board.view.viewport().width() + 1  # nothing pushed out of sight
    rows = board.view.viewport().height() / board.view.verticalHeader().defaultSectionSize()
    assert rows >= 7, rows
    save(window, "board_mette_1024x560.png")
    assert_usable(qtbot, window)
    window.tear_down()


def test_my_page_gives_the_task_titles_the_room(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    """My page at 1024x600: a try-out read the titles of one's bids cut to 12-15 characters."""
    from ui.board import TITLE_SAMPLE

    context = make_context("anna")
    window = MainWindow(context)
    show_at(qtbot, window, SMALL)
    window.go_my_page()
    page = window.current_page()
    qtbot.waitUntil(lambda: page.bids_model.rowCount() > 0 and page.tasks_model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
    wanted = page.bids_table.fontMetrics().horizontalAdvance(TITLE_SAMPLE)
    for index, table in ((0, page.bids_table), (1, page.tasks_table)):
        page.tabs.setCurrentIndex(index)

        def room(table: Any = table) -> int:
            return int(table.horizontalHeader().sectionSize(0))

        try:
            qtbot.waitUntil(lambda room=room: room() >= wanted, timeout=3000)
        except qtbot.TimeoutError:
            pass
        assert room() >= wanted, (table.accessibleName(), room(), wanted)
        assert cut_words(window) == []  # the columns that stay keep their headers whole
        assert table.horizontalHeader().length() <= table.viewport().width() + 1
        save(window, f"my_page_tab{index}_1024x560.png")
    assert_usable(qtbot, window)
    window.tear_down()
