"""The board at a small laptop's size, and names in Danish order (issue 17), with real widgets.

- At 1024x600 the title column shrank to "Lekt…" while Site and Skills kept
  their width: the title gets the space first.
- Sites were sorted by code point ("Åskolen" before "Birkely"); Danish puts
  Æ, Ø, Å last, so "Åskolen" comes after "Ældrecenter".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMainWindow

from desktop.core.entities import Site, SiteKind
from tests.ui.driving import ask, styled
from ui.board import TITLE_SAMPLE, Board
from ui.table_model import CELL_PADDING
from ui.collation import by_name
from ui.context import AppContext
from ui.task_model import Column

_windows: list[QMainWindow] = []


@pytest.fixture(autouse=True)
def _forget_windows() -> Iterator[None]:
    yield
    _windows.clear()


DANISH_ORDER = [
    "Birkely Testskole", "Zebra Testbørnehus", "Ældrecenter Testly", "Øster Testskole", "Åtoften Testskole",
]


def board_in_window(qtbot: Any, context: AppContext, width: int, height: int) -> Board:
    window = QMainWindow()
    _windows.append(window)  # kept alive until the test ends (qtbot holds it only weakly)
    qtbot.addWidget(window)
    board = Board(context)
    window.setCentralWidget(board)
    with qtbot.waitSignal(board.counted, timeout=10_000):
        window.resize(width, height)
        window.show()
    qtbot.waitUntil(lambda: board.width() <= width and board.view.viewport().width() > 0)
    return board


def test_at_1024x600_the_title_gets_the_space_first(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    board = board_in_window(qtbot, make_context("anna"), 1024, 600)
    header = board.view.horizontalHeader()
    title = header.sectionSize(Column.TITLE)
    wanted = board.view.fontMetrics().horizontalAdvance(TITLE_SAMPLE)
    assert title >= wanted, (title, wanted)
    assert title > header.sectionSize(Column.SITE)
    assert title > header.sectionSize(Column.SKILLS)
    # Everything still fits: no column is pushed out of sight.
    assert header.length() <= board.view.viewport().width() + 1


@pytest.mark.parametrize("language", ["da", "en"])
def test_at_1024x768_the_skills_column_keeps_a_skill_readable(
    qtbot: Any, make_context: Callable[..., AppContext], language: str
) -> None:
    """A try-out read "Da…", "Ko…" under Skills while the site and the deadline had room to spare."""
    with styled(language):
        board = board_in_window(qtbot, make_context("mette", language=language), 1024, 768)
        header = board.view.horizontalHeader()
        metrics = board.view.fontMetrics()
        skills = header.sectionSize(Column.SKILLS)
        assert skills >= metrics.horizontalAdvance("Førstehjælp") + CELL_PADDING, skills
        assert header.sectionSize(Column.TITLE) >= metrics.horizontalAdvance(TITLE_SAMPLE)
        assert header.length() <= board.view.viewport().width() + 1
        assert not board.view.horizontalScrollBar().isVisible()


def test_on_a_big_screen_nothing_gives_way(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    board = board_in_window(qtbot, make_context("anna"), 1600, 1000)
    header = board.view.horizontalHeader()
    for column in (Column.SITE, Column.SKILLS, Column.DEADLINE, Column.STATUS):
        assert header.sectionSize(column) == board._ideal[column]
    assert header.sectionSize(Column.TITLE) > 2 * header.sectionSize(Column.SITE)


def test_sites_are_listed_in_danish_order(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    context = make_context("anna")
    org = context.person.home_site_id

    def add_sites(store: Any) -> str:
        home = store.get(Site, org)
        with store.transaction():
            for number, name in enumerate(reversed(DANISH_ORDER)):
                store.put(
                    Site(id=f"site-{number}", organisation_id=home.organisation_id, name=name,
                         kind=SiteKind.SCHOOL, version=1)
                )
        return str(home.organisation_id)

    ask(qtbot, context, add_sites)
    board = board_in_window(qtbot, context, 1280, 720)
    qtbot.waitUntil(lambda: board.site_box.findData("site-0") > 0, timeout=10_000)
    names = [board.site_box.itemText(i) for i in range(1, board.site_box.count())]
    ours = [n for n in names if n in DANISH_ORDER]
    assert ours == DANISH_ORDER
    # And every site in the box is in Danish order, not by code point.
    assert names == by_name(names, lambda n: n)
    assert names.index("Åtoften Testskole") > names.index("Ældrecenter Testly")


def test_collation_puts_aa_and_the_danish_letters_last() -> None:
    shuffled = ["Åskolen", "Øster Skole", "ældrecenter Egely", "Birkely Skole", "Aabenraa Skole"]
    assert by_name(shuffled, lambda n: n) == [
        "Birkely Skole", "ældrecenter Egely", "Øster Skole", "Aabenraa Skole", "Åskolen",
    ]


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_the_focus_frame_is_whole_beside_every_row(
    qtbot: Any, make_context: Callable[..., AppContext], size: tuple[int, int]
) -> None:
    """A try-out saw the table's focus frame with its left edge on every other row only: the frame is
    2 px with the keys, 1 px without, and the rows (the shaded ones painted) started inside the 1 px."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor

    focus = QColor("#1f5fa8")
    with styled("da"):
        board = board_in_window(qtbot, make_context("mette"), *size)
        view = board.view
        view.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(view.hasFocus)
        view.setCurrentIndex(board.model.index(2, 0))
        picture = view.grab().toImage()
        header = view.horizontalHeader()
        rows = [view.viewport().mapTo(view, view.visualRect(board.model.index(r, 0)).center()).y() for r in range(6)]
        for x in (0, 1):
            assert [picture.pixelColor(x, y) for y in rows] == [focus] * len(rows), x
        middle = header.mapTo(view, header.rect().center()).x()
        assert [picture.pixelColor(middle, y) for y in (0, 1)] == [focus] * 2  # above the header too
