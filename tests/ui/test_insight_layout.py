"""The insight screens at the sizes a try-out used (1280 x 800 and 1024 x 600), in Danish, with the demo's data.

Real widgets in a real main window over the answers the server's own code
computes for the demo municipality and its neighbour (`knop demo`'s two
organisations).
"""

from __future__ import annotations

import re

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRectF, Qt

from desktop import insights, reports
from desktop.core.entities import Role
from desktop.store import Store
from sync.server import demo_seed, migrations, storage
from sync.server import reports as server_reports
from sync.server import insights as server_insights
from sync.server.main import DEMO_ORGANISATIONS, NEIGHBOUR_SHARE
from tests.ui.conftest import DEMO_SEED
from tests.ui.driving import styled
from ui import main_window, words
from ui.context import AppContext
from ui.main_window import MainWindow

SIZES = ((1280, 800), (1024, 600))


@pytest.fixture(scope="module")
def demo_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The competence map and the network as the demo's admin gets them, both organisations seeded."""
    data = demo_seed.generate(
        DEMO_SEED, organisations=DEMO_ORGANISATIONS, neighbour_share=NEIGHBOUR_SHARE, tasks=400, people=80
    )
    db = storage.Database(tmp_path_factory.mktemp("layout") / "server.sqlite3", pool_size=1)
    try:
        migrations.migrate(db)
        demo_seed.seed(db, data)
        admin = next(p for p in data.people if p.role == Role.ADMIN)
        with db.read() as s:
            viewer = server_insights.Viewer(s, admin)
            return {
                insights.COMPETENCE: server_insights.competence_map(db, s, viewer),
                insights.NETWORK: server_insights.network(db, s, viewer),
                "people": server_insights.evidence(s, viewer, skill="language.sign"),
                reports.REPORTS: server_reports.report(s, admin, site_id=None, since="2025-12-01", until="2026-12-01"),
            }
    finally:
        db.close()


@pytest.fixture
def danish_window(
    qtbot: Any, make_context: Callable[..., AppContext], demo_answers: dict[str, Any]
) -> Iterator[MainWindow]:
    """The admin's main window in Danish, with the demo's answers kept in the store."""
    words.use_language("da")
    try:
        yield admin_window(qtbot, make_context, demo_answers, "da")
    finally:
        words.use_language("en")


def admin_window(
    qtbot: Any, make_context: Callable[..., AppContext], demo_answers: dict[str, Any], language: str
) -> MainWindow:
    """The admin's main window in `language`, shown, with the demo's answers kept in the store."""
    context = make_context("admin", language)
    store = Store(context.store_path)
    try:
        for name in (insights.COMPETENCE, insights.NETWORK, reports.REPORTS):
            insights.keep(store, name, demo_answers[name])
    finally:
        store.close()
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def open_competence_map(qtbot: Any, window: MainWindow) -> Any:
    """The competence map in `window`, its skills listed and laid out as on screen."""
    from ui.insights_map import CompetenceMap

    window.go_top(main_window.competence_map_screen)
    page = window.current_page()
    assert isinstance(page, CompetenceMap)
    qtbot.waitUntil(lambda: page.skills_model.rowCount() > 1, timeout=10_000)
    window.grab()  # laid out as on screen
    return page


def _apart(boxes: dict[str, QRectF], others: dict[str, QRectF]) -> list[tuple[str, str]]:
    """Pairs (name, other) whose boxes overlap; a name's own circle does not count."""
    return [
        (name, other)
        for name, box in boxes.items()
        for other, thing in others.items()
        if other != name and box.intersects(thing)
    ]


@pytest.mark.parametrize("size", SIZES)
def test_no_site_name_covers_another_a_site_or_the_legend(qtbot: Any, danish_window: MainWindow, size: tuple[int, int]) -> None:
    """Found by a new-user try-out (Indsigt -> Netværk): site names drawn on top of each other."""
    window = danish_window
    window.resize(*size)
    window.go_top(main_window.site_network_screen)
    page = window.current_page()
    qtbot.waitUntil(lambda: bool(page.picture.nodes), timeout=10_000)
    picture = page.picture
    for stop in (0, page.slider.maximum() - 1, page.slider.maximum()):  # the whole period, quarters
        page.slider.setValue(stop)
        window.grab()  # paints the picture as the screen shows it
        assert set(picture.labels) == {n["site_id"] for n in picture.nodes}
        labels = picture.labels
        assert not _apart(labels, labels), "names on names"
        assert not _apart(labels, {f"circle {k}": v for k, v in picture.circles.items()}), "names on sites"
        assert not any(box.intersects(picture.legend) for box in labels.values()), "names on the legend"
        inside = QRectF(picture.rect())
        assert all(inside.contains(box) for box in labels.values()), "names outside the picture"
        # Each name is whole, or elided only where the column is too narrow for it.
        shown = sum(1 for box in labels.values() if box.width() > 40)
        assert shown == len(labels)
    # The picture keeps its own room: the chart below does not paint over it.
    assert not picture.geometry().intersects(page.chart.geometry())
    assert picture.height() >= picture.minimumHeight()


@pytest.mark.parametrize("size", SIZES)
def test_the_evidence_behind_a_skill_is_read_whole(
    qtbot: Any, danish_window: MainWindow, demo_answers: dict[str, Any], size: tuple[int, int]
) -> None:
    """Found by a new-user try-out: the competence map's "Belæg" column was cut at 1280 px
    (and said "endorsed by a manager" in Danish). The name and the evidence are whole now."""
    from ui.insights_map import CompetenceMap

    window = danish_window
    window.resize(*size)
    window.go_top(main_window.competence_map_screen)
    page = window.current_page()
    assert isinstance(page, CompetenceMap)
    qtbot.waitUntil(lambda: page.skills_model.rowCount() > 0, timeout=10_000)
    page.skills_table.selectRow(max(page.skills_model.row_of("language.sign"), 0))
    page._show_people("language.sign", demo_answers["people"])  # what the drill-down's fetch brings
    table, model = page.people_table, page.people_model
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    window.grab()
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    evidence = header.index("Belæg")
    shown = {model.index(row, evidence).data() for row in range(model.rowCount())}
    assert shown <= {"selvangivet på profilen", "tilbudt i et bud", "bud accepteret", "opgave udført", "anerkendt af en leder"}
    width = table.viewport().width()
    for column in (header.index("Navn"), evidence):
        left = table.columnViewportPosition(column)
        assert left >= 0 and left + table.columnWidth(column) <= width, (header[column], size)
        assert table.columnWidth(column) >= table.sizeHintForColumn(column), header[column]  # not elided
    assert table.horizontalHeader().sectionSizeFromContents(evidence).width() <= table.columnWidth(evidence)


@pytest.mark.parametrize(
    ("screen", "size"),
    [("competence map", (1280, 800)), ("competence map", (1024, 600)), ("reports", (1280, 800))],
)
def test_every_column_reads_without_scrolling_sideways(
    qtbot: Any, danish_window: MainWindow, screen: str, size: tuple[int, int]
) -> None:
    """Try-out 5: the competence map's skills table scrolled sideways at 1280 px (beside the people
    behind a skill), and so did the reports (since "Fra andre kommuner" came). Now every column is
    in view with its title whole (titles of several words on two or three lines) and the names
    whole: the map puts the people under its tables where they do not fit beside them."""
    from ui.oversight_reports import ReportsScreen

    window = danish_window
    window.resize(*size)
    if screen == "reports":
        window.go_top(main_window.reports_screen)
        page = window.current_page()
        assert isinstance(page, ReportsScreen)
        table, model = page.table, page.model
    else:
        page = open_competence_map(qtbot, window)
        table, model = page.skills_table, page.skills_model
    qtbot.waitUntil(lambda: model.rowCount() > 1, timeout=10_000)
    window.grab()  # laid out as on screen
    header = table.horizontalHeader()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert table.horizontalScrollBar().maximum() == 0, (screen, size)
    width = table.viewport().width()
    for column, title in enumerate(titles):
        assert table.columnViewportPosition(column) + table.columnWidth(column) <= width, (title, size)
        assert table.columnWidth(column) >= header.sectionSizeFromContents(column).width(), title  # title whole
    for row in range(model.rowCount()):  # the names whole: on two lines where one would not fit
        name = str(model.index(row, 0).data())
        assert all(table.fontMetrics().horizontalAdvance(w) <= table.columnWidth(0) for w in name.split()), name
    if screen == "competence map":  # the people behind a skill still have room to be read
        assert min(page.split.sizes()) >= 100, page.split.sizes()


def test_every_insight_screen_is_named_by_a_heading(qtbot: Any, danish_window: MainWindow) -> None:
    """Found by a new-user try-out: talent search and the network had no heading, unlike the
    other screens; each now has one at its top, as the competence map has (ui.long_text.heading)."""
    window = danish_window
    window.resize(1024, 600)
    expected = {
        main_window.competence_map_screen: None,  # the map's heading is its headline, a count
        main_window.talent_search_screen: "Find talenter",
        main_window.site_network_screen: "Netværk af arbejdssteder",
    }
    for screen, text in expected.items():
        window.go_top(screen)
        page = window.current_page()
        qtbot.waitUntil(page.isVisible)
        first = page.layout().itemAt(0).widget()
        assert first is not None and first.objectName() == "heading" and first.isVisible(), screen.__name__
        if text is not None:
            assert first.text() == text  # styled by knop.qss's #heading rule, as the others


def test_a_big_organisations_sites_are_named_apart_too(qtbot: Any) -> None:
    """Forty sites in a 1024 x 600 window's picture: smaller names, still none on another."""
    from ui.insights_network import NetworkPicture

    picture = NetworkPicture()
    qtbot.addWidget(picture)
    picture.resize(980, 300)
    kinds = ("school", "daycare", "care_home", "administration")
    nodes = [
        {"site_id": f"s{i}", "name": f"Arbejdssted nummer {i}", "kind": kinds[i % 4], "posted": i, "solved": i}
        for i in range(40)
    ]
    picture.show_quarter(nodes, [], None, "Opgaver løst på tværs af arbejdssteder")
    picture.grab()
    labels = picture.labels
    assert len(labels) == 40 and not _apart(labels, labels)
    assert not _apart(labels, {f"circle {k}": v for k, v in picture.circles.items()})


QUARTER_WRITTEN = {"da": r"[1-4]\. kvt\. \d{4}", "en": r"Q[1-4] \d{4}"}


@pytest.mark.parametrize("language", ["da", "en"])
def test_at_1024_the_competence_map_fits_with_its_quarters_and_names_whole(
    qtbot: Any, make_context: Callable[..., AppContext], demo_answers: dict[str, Any], language: str
) -> None:
    """A try-out at 1024x768 found the map scrolling sideways (in English) and a quarter cut to "Q4 20…"."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    from ui.insights_map import QUARTERS_APART

    with styled(language):
        window = admin_window(qtbot, make_context, demo_answers, language)
        window.resize(1024, 700)
        page = open_competence_map(qtbot, window)
        table, model = page.skills_table, page.skills_model
        assert table.horizontalScrollBar().maximum() == 0
        assert not table.horizontalScrollBar().isVisible()
        assert table.horizontalHeader().length() <= table.viewport().width()
        metrics = table.fontMetrics()
        delegate = table.itemDelegateForColumn(8)
        for row in range(model.rowCount()):
            # The skill's name whole: each of its words within the column, on as many lines as the row has.
            name = str(model.index(row, 0).data())
            assert all(metrics.horizontalAdvance(w) <= table.columnWidth(0) for w in name.split()), name
            lines = -(-metrics.horizontalAdvance(name) // max(table.columnWidth(0) - 26, 1))
            assert table.rowHeight(row) >= min(lines, 2) * metrics.height() + 4, name  # the item's 2 px a side
            # The quarters as drawn: whole ones only, within the cell.
            option = QStyleOptionViewItem()
            option.initFrom(table)
            option.rect = table.visualRect(model.index(row, 8))
            delegate.initStyleOption(option, model.index(row, 8))
            shown = option.text
            assert metrics.horizontalAdvance(shown) <= option.rect.width() - 16, shown
            whole = str(model.index(row, 8).data()).split(QUARTERS_APART)
            # Each quarter as the language writes it, as the network's slider does ("Q4 2026" in Danish before).
            assert all(re.fullmatch(QUARTER_WRITTEN[language], q.rsplit(": ", 1)[0]) for q in whole if q), whole
            for quarter in shown.split(QUARTERS_APART):
                assert quarter in whole or quarter == "…", (quarter, shown)
            assert shown.split(QUARTERS_APART)[0] == whole[0]  # at least the newest quarter
        window.tear_down()
