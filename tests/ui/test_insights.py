"""The competence map, talent search and network screens, with real widgets.

The cached answers are the server's own: the demo municipality seeded into a
real server database and computed by sync/server/insights.py, then kept in
the person's real store as a fetch would keep them. The screens open offline
(no server enrolled) on those, and one test runs the whole way against a real
knop-server: fetch, drill-down, talent search and an invitation that reaches
the server.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage

from desktop import insights
from desktop.core import skills
from desktop.core.entities import Invitation, Person
from desktop.core.ids import uuid7
from desktop.core.quarters import quarter_name, quarter_of
from desktop.store import Store
from sync.server import demo, demo_seed, migrations, storage
from sync.server import insights as server_insights
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import count
from tests.ui.driving import language_chosen
from tests.ui.test_two_clients import session_on, synced
from ui import main_window
from ui.context import AppContext
from ui.insights_map import SMALL, CompetenceMap
from ui.insights_network import NetworkScreen
from ui.insights_talent import TALENT, TalentSearch
from ui.my_page import MyPage
from ui.task_view import TaskView


@pytest.fixture(scope="session")
def answers(demo_data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The server's answers for the demo municipality, as an admin and as a staff member see them."""
    db = storage.Database(tmp_path_factory.mktemp("insights") / "server.sqlite3", pool_size=1)
    try:
        migrations.migrate(db)
        demo_seed.seed(db, demo_data)
        found = {}
        for username in ("admin", "anna"):
            who = next(p for p in demo_data.people if p.username == username)
            with db.read() as s:
                viewer = server_insights.Viewer(s, who)
                found[f"map-{username}"] = server_insights.competence_map(db, s, viewer)
                found[f"network-{username}"] = server_insights.network(db, s, viewer)
                found[f"people-{username}"] = server_insights.evidence(s, viewer, skill="language.sign")
        # The try-out's search: a site manager's, on a skill many people have shown.
        mette = next(p for p in demo_data.people if p.username == "mette")
        with db.read() as s:
            found["companions-mette"] = server_insights.evidence(
                s, server_insights.Viewer(s, mette), skill="care.companionship"
            )
        return found
    finally:
        db.close()


def keep(context: AppContext, name: str, body: dict[str, Any]) -> None:
    store = Store(context.store_path)
    try:
        insights.keep(store, name, body)
    finally:
        store.close()


def opened(qtbot: Any, screen: Any) -> Any:
    qtbot.addWidget(screen)
    screen.resize(1100, 800)
    screen.show()
    return screen


def computed_in(body: dict[str, Any]) -> str:
    """The quarter a network answer was computed in ("YYYY-Qn"): the slider's last stop.

    Not the last quarter with figures (`body["quarters"][-1]`): on the first day of
    a quarter (1 January 2027) nothing has happened in it yet, and the slider still
    reaches it, as the chart reaches the month computed in.
    """
    last = quarter_name(*quarter_of(body["computed_at"][:7]))
    assert body["quarters"][-1] <= last
    return last


def test_the_network_opens_offline_on_the_last_answer(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], tmp_path: Path
) -> None:
    context = make_context("admin", "en")
    body = answers["network-admin"]
    keep(context, insights.NETWORK, body)
    screen = opened(qtbot, NetworkScreen(context))
    qtbot.waitUntil(lambda: bool(screen.picture.nodes), timeout=10_000)
    # Not enrolled: the fetch fails, and the screen says so beside the time of the kept answer.
    qtbot.waitUntil(lambda: "could not be fetched" in screen.when.text(), timeout=10_000)
    assert len(screen.picture.nodes) == len(body["nodes"])
    assert screen.links_model.rowCount() == 0  # filled when the table is shown
    screen.tabs.setCurrentIndex(1)
    assert screen.links_model.rowCount() == len(body["edges"]) > 0
    assert screen.quarter() is None  # the whole period first

    screen.slider.setFocus()
    qtbot.keyClick(screen.slider, Qt.Key.Key_End)
    assert screen.quarter() == computed_in(body)
    last = insights.links_in(body, computed_in(body))
    assert screen.links_model.rowCount() == len(last)
    assert screen.say_quarter(computed_in(body)) in screen.picture.title
    qtbot.keyClick(screen.slider, Qt.Key.Key_Home)
    assert screen.quarter() is None

    png, svg = tmp_path / "net.png", tmp_path / "net.svg"
    screen.export_png(png)
    screen.export_svg(svg)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1400, 1300)
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "<path" in text


@pytest.mark.parametrize(("language", "written"), [("da", "{n}. kvt. {year}"), ("en", "Q{n} {year}")])
def test_the_quarter_is_named_as_the_language_writes_it(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], language: str, written: str
) -> None:
    """A try-out read "2024-Q4" beside the slider in Danish too."""
    context = make_context("admin", language)
    body = answers["network-admin"]
    keep(context, insights.NETWORK, body)
    screen = opened(qtbot, NetworkScreen(context))
    qtbot.waitUntil(lambda: bool(screen.picture.nodes), timeout=10_000)
    screen.slider.setFocus()
    qtbot.keyClick(screen.slider, Qt.Key.Key_End)
    year, n = computed_in(body).split("-Q")
    assert screen.quarter_label.text() == written.format(n=n, year=year)
    assert written.format(n=n, year=year) in screen.picture.title



def test_a_quarter_the_server_names_is_the_one_the_screen_says(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    """The server names a month's quarter and the screen reads the name back with one rule
    (desktop.core.quarters), and text that is no quarter is said as it is."""
    context = make_context("admin", "da")
    keep(context, insights.NETWORK, answers["network-admin"])
    screen = opened(qtbot, NetworkScreen(context))
    for month, said in (("2026-01-31", "1. kvt. 2026"), ("2026-08", "3. kvt. 2026"), ("2025-12-01T10:00:00Z", "4. kvt. 2025")):
        assert screen.say_quarter(server_insights.quarter(month) or "") == said
    assert server_insights.quarter(None) is None
    assert screen.say_quarter("hele perioden") == "hele perioden"


# How Danish and English write a month, for the chart's labels (Qt's locale writes them).
MONTHS = {
    "da": ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_new_links_chart_names_its_months_in_the_language(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], language: str
) -> None:
    """A try-out read "2025-04" under the chart; Danish writes "apr. 2025", English "Apr 2025"."""
    context = make_context("admin", language)
    body = answers["network-admin"]
    keep(context, insights.NETWORK, body)
    screen = opened(qtbot, NetworkScreen(context))
    chart = screen.chart
    qtbot.waitUntil(lambda: bool(chart.months), timeout=10_000)
    # The chart draws the server's months, begun at its first quarter's first month with
    # 0 before the first new link (`insights.network_span`): on 2 December 2026 the demo's
    # first link was new in February and the chart began in January.
    # The month computed in has only begun and is left out (try-out s36: it read as a drop to 0).
    drawn = chart.months
    assert body["new_links"][-1]["month"] == body["computed_at"][:7]
    lead = len(drawn) - len(body["new_links"]) + 1
    assert lead >= 0 and drawn[lead:] == body["new_links"][:-1], drawn
    assert all(m["links"] == 0 for m in drawn[:lead]) and drawn[0]["month"][5:7] in ("01", "04", "07", "10")
    written = [f"{MONTHS[language][int(m['month'][5:]) - 1]} {m['month'][:4]}" for m in drawn]
    said = chart.accessibleDescription()
    assert said == ", ".join(f"{w}: {m['links']}" for w, m in zip(written, drawn, strict=True))
    area = QRectF(chart.rect())
    points = [QPointF(area.left() + 40 + i * 10, area.bottom() - 24) for i in range(len(chart.months))]
    labels = [text for _box, text in chart.month_labels(chart.fontMetrics(), area, points)]
    assert labels and set(labels) <= set(written), labels


@pytest.mark.parametrize("username", ["admin", "anna"])
def test_the_new_links_reach_the_month_they_were_computed_in(answers: dict[str, Any], username: str) -> None:
    """A try-out: the series stopped in April though the demo's "now" was November. It ended with
    the last month a link was new, and the links a staff member or site manager sees (three people
    or more) are old ones; now every month up to the answer's own is there, 0 where none was new."""
    body = answers[f"network-{username}"]
    months = [m["month"] for m in body["new_links"]]
    assert months and months[-1] == body["computed_at"][:7], months[-3:]
    assert months == sorted(set(months))


def test_staff_see_fewer_links_than_admins(answers: dict[str, Any]) -> None:
    admin, staff = answers["network-admin"], answers["network-anna"]
    assert len(staff["edges"]) < len(admin["edges"])
    assert all(edge["people"] >= 3 for edge in staff["edges"])


def test_the_people_behind_a_skill_agree_with_the_maps_count_of_hidden_ones(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    """Try-out: under "N skills shown by people whose profile did not list them" the people behind
    Danish sign language were all "no (hidden competence)" but one, 184 of them, where the map
    counted 54 hidden: those who had only offered it in a bid were called hidden too (an offer
    shows nothing yet), and those a manager endorsed read "no" under "On the profile" though
    the endorsement had put it there. The rows marked hidden are now the map's hidden ones, the
    column says "before", and the list's title says who is in it."""
    context = make_context("admin", "en")
    keep(context, insights.COMPETENCE, answers["map-admin"])
    screen = opened(qtbot, CompetenceMap(context))
    qtbot.waitUntil(lambda: screen.skills_model.rowCount() > 0, timeout=10_000)
    sign = next(r for r in answers["map-admin"]["skills"] if r["skill"] == "language.sign")
    body = answers["people-admin"]
    assert body["others"] in (0, None) and len(body["people"]) < 200  # an admin sees every one of them
    screen._show_people("language.sign", body)  # what the drill-down's fetch brings
    label = skills.label("language.sign", "en")
    assert screen.people_title.text() == f"People who offered, showed or declared {label}"
    model = screen.people_model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    column = titles.index("On the profile before")
    said = [model.index(row, column).data() for row in range(model.rowCount())]
    levels = [model.index(row, titles.index("Evidence")).data() for row in range(model.rowCount())]
    assert said.count("no (hidden competence)") == sign["hidden"] > 0
    offered = [s for s, level in zip(said, levels, strict=True) if level == "offered in a bid"]
    assert offered and set(offered) <= {"no", "yes", "private"}


def test_the_competence_map_shows_hidden_competences_and_exports_csv(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], tmp_path: Path
) -> None:
    context = make_context("anna", "en")
    body = answers["map-anna"]
    keep(context, insights.COMPETENCE, body)
    screen = opened(qtbot, CompetenceMap(context))
    qtbot.waitUntil(lambda: screen.skills_model.rowCount() == len(body["skills"]) > 0, timeout=10_000)
    hidden = body["totals"]["skills_with_hidden"]
    # Try-out 2: "77 skills shown that no profile listed" above rows whose profiles did list them.
    assert hidden > 1 and any(r["declared"] for r in body["skills"])
    assert screen.headline.text() == f"{hidden} skills shown by people whose profile did not list them"
    small = next(r for r in body["skills"] if r["shown"] is None)
    row = screen.skills_model.row_of(small["skill"])
    assert screen.skills_model.index(row, 2).data() == SMALL

    path = tmp_path / "map.csv"
    screen.export_csv(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    # The screen's columns in the screen's order (a try-out found them shuffled), the category last.
    model = screen.skills_model
    on_screen = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert rows[0] == [*on_screen[:-1], "Category"]  # all but the per-quarter trend
    assert rows[0][:4] == ["Skill", "Hidden", "Shown", "Declared"]
    assert len(rows) == len(body["skills"]) + 1
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label[small["label"]["en"]][2] == ""  # too few to show: blank, never 0
    # Categories in the reader's words, as the screen's filter names them, not ids ("care").
    known = next(r for r in body["skills"] if r["category"] in skills.CATEGORIES)
    assert by_label[known["label"]["en"]][-1] == skills.CATEGORIES[known["category"]][1]
    assert {r[-1] for r in rows[1:]} <= {*(en for _da, en in skills.CATEGORIES.values()), "Free tags", ""}


def test_the_map_is_keyboard_usable(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    context = make_context("admin", "en")
    keep(context, insights.COMPETENCE, answers["map-admin"])
    screen = opened(qtbot, CompetenceMap(context))
    qtbot.waitUntil(lambda: screen.skills_model.rowCount() > 0, timeout=10_000)
    screen.skills_table.setFocus()
    qtbot.keyClick(screen.skills_table, Qt.Key.Key_Down)
    # Offline, the drill-down cannot be fetched; it says why rather than hanging.
    qtbot.waitUntil(lambda: "Looking up" in screen.people_title.text() or "not enrolled" in screen.when.text(), timeout=10_000)
    assert screen.skills_table.currentIndex().isValid()
    assert answers["map-admin"]["candidates"] is not None


def test_an_invitation_shows_on_my_page_and_on_the_task(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, person: Callable[[str], Person]
) -> None:
    anna, mette = person("anna"), person("mette")
    task = next(t for t in demo_data.tasks if t.status == "open" and t.audience != "site")
    context = make_context("anna", "en")
    store = Store(context.store_path)
    try:
        with store.transaction():
            store.put(Invitation(task.id, anna.id, mette.id, "Du kan det her!", "2026-11-30T10:00:00Z", 1))
    finally:
        store.close()
    page = opened(qtbot, MyPage(context))
    qtbot.waitUntil(lambda: page.invitations_model.rowCount() == 1, timeout=10_000)
    assert page.tabs.tabText(2) == "&Invitations (1)"
    assert page.invitations_model.index(0, 0).data() == task.title
    view = opened(qtbot, TaskView(context, task.id))
    qtbot.waitUntil(lambda: hasattr(view, "invited") and view.invited.isVisible(), timeout=10_000)
    assert mette.name in view.invited.text() and "Du kan det her!" in view.invited.text()


def kept_talent_search(qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]) -> TalentSearch:
    """Mette's talent search opened offline, 1000 px wide (a 1024 px screen), on her kept last search."""
    context = make_context("mette", "en")
    body = answers["companions-mette"]
    keep(context, TALENT, body)
    screen = opened(qtbot, TalentSearch(context))
    screen.resize(1000, 700)
    qtbot.waitUntil(lambda: screen.people_model.rowCount() == len(body["people"]) > 1)
    return screen


def test_the_kept_talent_search_says_when_it_was_computed(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    """A language switch opens the screen anew on the kept search: its "Computed ..." line went blank."""
    screen = kept_talent_search(qtbot, make_context, answers)
    assert screen.when.text().startswith("Computed ")


def test_the_talent_searchs_names_are_readable_at_1024_px(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    """At 1024 px the names showed as "An…" while Site and Evidence took the width (try-out)."""
    screen = kept_talent_search(qtbot, make_context, answers)
    table = screen.people_table
    qtbot.waitUntil(lambda: table.viewport().width() < 700)
    qtbot.waitUntil(lambda: table.horizontalHeader().sectionSize(0) >= table.sizeHintForColumn(0))


def people_behind_sign_language(qtbot: Any, window: Any) -> CompetenceMap:
    """The window's competence map with Danish sign language chosen and Bo among the people behind it."""
    window.go_top(main_window.competence_map_screen)
    screen = window.current_page()
    assert isinstance(screen, CompetenceMap)
    qtbot.waitUntil(lambda: screen.skills_model.row_of("language.sign") >= 0, timeout=15_000)
    screen.skills_table.setCurrentIndex(screen.skills_model.index(screen.skills_model.row_of("language.sign"), 0))
    qtbot.waitUntil(lambda: "Bo Nielsen" in [r["name"] for r in screen.people_model.rows()], timeout=15_000)
    return screen


def test_against_the_server_search_drill_down_and_invite(
    qtbot: Any, knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    mette = knop_server.user("mette")
    task_id, wanted = uuid7(), uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Tegnsprog til forældremøde",
                skills=["language.sign"], audience="organisation", publish=True)
    bo = knop_server.user("bo")
    bo.apply("bid.place", bid_id=uuid7(), task_id=task_id)
    mette.apply("task.create", task_id=wanted, site_id=world.school.id, title="Tolk til juleafslutning",
                skills=["language.sign"], audience="organisation", publish=True)
    pc = machines(knop_server, world.school.id, "mette-pc")
    with pc:
        shell, window = session_on(qtbot, pc, "mette")
        try:
            screen = people_behind_sign_language(qtbot, window)
            assert screen.when.text().startswith("Computed")

            window.go_top(main_window.talent_search_screen)
            talent = window.current_page()
            assert isinstance(talent, TalentSearch)
            talent.search("language.sign")
            qtbot.waitUntil(lambda: talent.people_model.rowCount() >= 1, timeout=15_000)
            qtbot.waitUntil(lambda: talent.task_choice.findData(wanted) >= 0, timeout=10_000)
            talent.task_choice.setCurrentIndex(talent.task_choice.findData(wanted))
            talent.people_table.setCurrentIndex(talent.people_model.index(talent.people_model.row_of("bo"), 0))
            talent.invite_button.click()
            qtbot.waitUntil(lambda: "invited" in talent.done.text(), timeout=10_000)
            synced(qtbot, shell, window)

            window.go_top(main_window.site_network_screen)
            network = window.current_page()
            assert isinstance(network, NetworkScreen)
            qtbot.waitUntil(lambda: network.when.text().startswith("Computed"), timeout=15_000)
        finally:
            shell.shut_down()
    assert count(knop_server, "SELECT count(*) FROM invitations WHERE task_id = ? AND person_id = 'bo'", wanted) == 1


def test_the_maps_chosen_skill_and_its_people_stay_over_a_language_switch(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """A try-out chose a skill on the competence map, read the people behind it, and switched the
    language in the Knop menu: the map came back with no skill chosen and no people. Now the same
    skill is chosen again once the new map has it, and its people fetched in the new language."""
    from ui import words

    knop_server = fresh_knop_server  # Mette's choice of Danish is synced: no other test may meet it
    mette = knop_server.user("mette")
    task_id = uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Tegnsprog til forældremøde",
                skills=["language.sign"], audience="organisation", publish=True)
    knop_server.user("bo").apply("bid.place", bid_id=uuid7(), task_id=task_id)
    pc = machines(knop_server, world.school.id, "mette-pc")
    with pc:
        shell, window = session_on(qtbot, pc, "mette")
        try:
            screen = people_behind_sign_language(qtbot, window)
            danish = language_chosen(qtbot, shell, window, "Dansk")
            again = danish.current_page()
            assert isinstance(again, CompetenceMap) and again is not screen

            def chosen() -> str | None:
                current = again.skills_table.currentIndex()
                return again.skills_model.keys()[current.row()] if current.isValid() else None

            qtbot.waitUntil(lambda: chosen() == "language.sign", timeout=15_000)
            qtbot.waitUntil(lambda: "Bo Nielsen" in [r["name"] for r in again.people_model.rows()], timeout=15_000)
            label = skills.label("language.sign", "da")
            assert again.people_title.text() == f"Personer, der har tilbudt, vist eller selvangivet {label}"
        finally:
            shell.shut_down()
            words.use_language("en")


def test_a_skill_is_made_private_from_my_page(
    qtbot: Any, make_context: Callable[..., AppContext], person: Callable[[str], Person]
) -> None:
    from desktop.core.entities import PersonSkill

    anna = person("anna")
    context = make_context("anna", "en")
    page = opened(qtbot, MyPage(context))
    qtbot.waitUntil(lambda: page.skills_model.rowCount() > 0, timeout=10_000)
    page.skills_table.setCurrentIndex(page.skills_model.index(0, 0))
    qtbot.waitUntil(page.privacy_button.isEnabled, timeout=10_000)
    skill = page._current_skill()
    page.privacy_button.click()
    qtbot.waitUntil(lambda: page.privacy_button.text() == "Make &public", timeout=10_000)
    store = Store(context.store_path)
    try:
        held = store.get(PersonSkill, anna.id, skill)
    finally:
        store.close()
    assert held is not None and held.private


def _visible_texts(screen: Any) -> set[str]:
    """Every word a person sees or hears on `screen`: labels, buttons, tabs, choices, headers, names."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLabel, QTabWidget, QWidget

    texts: set[str] = set()
    for widget in [screen, *screen.findChildren(QWidget)]:
        texts.add(widget.accessibleName())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.add(widget.text())
        if isinstance(widget, QTabWidget):
            texts.update(widget.tabText(i) for i in range(widget.count()))
        if isinstance(widget, QComboBox):
            texts.update(widget.itemText(i) for i in range(widget.count()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts.update(
                str(model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
                for i in range(model.columnCount())
            )
    return texts - {""}


def test_the_insight_screens_speak_danish(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]
) -> None:
    """No English sentence the catalogue translates differently shows on a Danish insight screen."""
    from tests.catalogue import read
    from ui import words

    english_only = {m.id for m in read("da") if isinstance(m.id, str) and m.string and m.string != m.id}
    # As at start in Danish (ui.main): the widgets the screens share (the skill picker) use `tr`.
    before = words.language()
    words.use_language("da")
    try:
        _look_for_english(qtbot, make_context, answers, english_only)
    finally:
        words.use_language(before)


def _look_for_english(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], english_only: set[str]
) -> None:
    context = make_context("admin", "da")
    keep(context, insights.COMPETENCE, answers["map-admin"])
    keep(context, insights.NETWORK, answers["network-admin"])
    drawn: dict[type, Callable[[Any], bool]] = {
        CompetenceMap: lambda s: s.skills_model.rowCount() > 0 and "kunne ikke hentes" in s.when.text(),
        NetworkScreen: lambda s: bool(s.picture.nodes) and "kunne ikke hentes" in s.when.text(),
        TalentSearch: lambda s: s.kind_filter.count() > 0,  # a search is only made when asked
    }
    for screen_type, ready in drawn.items():
        screen = opened(qtbot, screen_type(context))
        # Drawn from the kept answer; then the fetch fails offline, and says so in Danish.
        qtbot.waitUntil(lambda ready=ready, screen=screen: ready(screen), timeout=10_000)
        english = sorted(_visible_texts(screen) & english_only)
        assert not english, f"{screen_type.__name__} shows English in Danish: {english}"


@pytest.mark.parametrize(("language", "written"), [("da", "1,5"), ("en", "1.5")])
def test_the_report_writes_hours_as_the_language_does(
    qtbot: Any, make_context: Callable[..., AppContext], language: str, written: str
) -> None:
    """Lent hours showed "1.5" on a Danish report (and lending screen), beside the board's "3,5 t."."""
    from desktop import reports
    from ui.oversight_reports import ReportsScreen
    from ui.wording import number

    context = make_context("admin", language)
    row = {"site_id": "s", "site_name": "Egeskov Skole", "posted": 4, "filled": 3, "hours_lent": 1.5,
           "hours_borrowed": 12.0, "median_hours_to_fill": None}
    keep(context, reports.REPORTS, {"since": "2026-01-01", "until": "2026-11-30", "sites": [row]})
    screen = opened(qtbot, ReportsScreen(context))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
    shown = [screen.model.index(0, column).data() for column in range(screen.model.columnCount())]
    assert shown[1:3] == ["4", "3"] and shown[5:7] == [written, "12"] and shown[4] == "–"
    assert number(1500.25, language) == ("1.500,25" if language == "da" else "1,500.25")


@pytest.mark.parametrize("username", ["anna", "admin"])
def test_the_quarter_slider_spans_the_quarters_of_the_new_links_chart(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], username: str
) -> None:
    """A try-out: a site manager's slider began a quarter before her chart's first month (tasks were
    posted before any link she may see was made). The slider stops at each quarter the chart draws,
    first to last, and the chart begins with the first month of the slider's first quarter."""
    context = make_context(username, "da")
    body = answers[f"network-{username}"]
    keep(context, insights.NETWORK, body)
    screen = opened(qtbot, NetworkScreen(context))
    qtbot.waitUntil(lambda: bool(screen.chart.months), timeout=10_000)
    months = [m["month"] for m in screen.chart.months]
    quarters = sorted({quarter_name(*quarter_of(m)) for m in months})
    stops = []
    for value in range(1, screen.slider.maximum() + 1):
        screen.slider.setValue(value)
        stops.append(screen.quarter())
    assert stops == quarters
    assert months[0][5:7] in ("01", "04", "07", "10")  # the first quarter's first month
    assert set(body["quarters"]) <= set(stops)  # no quarter with figures is out of reach


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_the_quarter_sliders_focus_frame_shows_at_both_ends(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any], size: tuple[int, int]
) -> None:
    """A try-out: with the handle at the left end (the whole period) it covered the slider's focus frame."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor

    from tests.ui.driving import styled

    focus = QColor("#1f5fa8")
    with styled("da"):
        context = make_context("anna", "da")
        keep(context, insights.NETWORK, answers["network-anna"])
        screen = NetworkScreen(context)
        qtbot.addWidget(screen)
        screen.resize(*size)
        screen.show()
        qtbot.waitUntil(lambda: screen.slider.maximum() > 1, timeout=10_000)
        slider = screen.slider
        slider.setFocus()
        qtbot.waitUntil(slider.hasFocus)
        for key, side in ((Qt.Key.Key_Home, "left"), (Qt.Key.Key_End, "right")):
            qtbot.keyClick(slider, key)
            around = QRect(slider.mapTo(screen, QPoint(0, 0)), slider.size()).adjusted(-9, -9, 9, 9)
            picture = screen.grab(around).toImage()
            for y in range(9 + slider.height() // 3, 9 + 2 * slider.height() // 3):
                xs = range(picture.width()) if side == "left" else range(picture.width() - 1, -1, -1)
                line = [picture.pixelColor(x, y) for x in xs]
                edge = next(i for i, colour in enumerate(line) if colour != line[0])
                assert line[edge : edge + 2] == [focus, focus], (side, y)
