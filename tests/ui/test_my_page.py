"""My page driven through its widgets: skills from the catalogue and as free tags, my bids, my tasks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt

from sync.server import demo
from desktop.core import skills
from desktop.core.entities import Company, Evidence, Person, PersonSkill, company_id_for
from desktop.store import Store
from tests.ui.driving import ask, no_message_boxes, shown, without_bids  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.my_page import MyPage
from ui.skill_picker import SKILL_ROLE
from ui.table_model import KEY_ROLE

CLICK = Qt.MouseButton.LeftButton


def held(qtbot: Any, context: AppContext) -> dict[str, PersonSkill]:
    rows = ask(
        qtbot, context, lambda s: s.fetch(PersonSkill, "person_id = ?", (context.person.id,))
    )
    return {ps.skill: ps for ps in rows}


def choose_row(page: MyPage, skill: str) -> None:
    row = page.skills_model.row_of(skill)
    assert row >= 0, skill
    page.skills_table.selectionModel().setCurrentIndex(
        page.skills_model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_add_and_remove_a_catalogue_skill(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = make_context("anna")
    page = shown(qtbot, MyPage(context))
    before = held(qtbot, context)
    assert page.skills_model.rowCount() == len(before)
    wanted = next(s for s in skills.CATALOGUE if s.id not in before and s.category == "language")

    qtbot.keyClicks(page.picker.search, wanted.da)
    shown_rows = page.picker.filtered
    [index] = [
        shown_rows.index(r, 0)
        for r in range(shown_rows.rowCount())
        if shown_rows.index(r, 0).data(SKILL_ROLE) == wanted.id
    ]
    where = page.picker.list.visualRect(index).center()
    qtbot.mouseClick(page.picker.list.viewport(), CLICK, pos=where)
    assert page.picker.current_skill() == wanted.id
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(page.picker.add_button, CLICK)
    assert held(qtbot, context)[wanted.id].evidence == Evidence.SELF_DECLARED
    assert wanted.id in page.skills_model.skills()
    assert page.picker.current_skill() is None  # already held: greyed out in the catalogue

    choose_row(page, wanted.id)
    assert page.remove_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(page.remove_button, CLICK)
    assert wanted.id not in held(qtbot, context)
    assert wanted.id not in page.skills_model.skills()


def test_add_and_remove_a_free_tag(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    context = make_context("anna")
    page = shown(qtbot, MyPage(context))
    qtbot.keyClicks(page.picker.search, "  Tegnsprog   for BØRN ")
    assert page.picker.tag_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(page.picker.tag_button, CLICK)
    assert "#tegnsprog for børn" in held(qtbot, context)
    assert page.picker.search.text() == ""
    row = page.skills_model.row_of("#tegnsprog for børn")
    assert page.skills_model.index(row, 0).data() == "#tegnsprog for børn"

    choose_row(page, "#tegnsprog for børn")
    page.skills_table.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClick(page.skills_table, Qt.Key.Key_Delete)
    assert "#tegnsprog for børn" not in held(qtbot, context)


def test_a_free_tag_needs_words(qtbot: Any, make_context: Callable[..., AppContext]) -> None:
    page = shown(qtbot, MyPage(make_context("anna")))
    qtbot.keyClicks(page.picker.search, "###")
    assert not page.picker.tag_button.isEnabled()


def test_my_bids_and_my_tasks_are_listed_and_open_the_task(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    context = make_context("mette")
    page = shown(qtbot, MyPage(context))
    mine = [b for b in demo_data.bids if b.bidder_id == context.person.id]
    posted = [t for t in demo_data.tasks if t.poster_id == context.person.id]
    assert page.bids_model.rowCount() == len(mine)
    assert page.tasks_model.rowCount() == len(posted) > 0
    assert {page.tasks_model.index(r, 0).data(KEY_ROLE) for r in range(len(posted))} == {
        t.id for t in posted
    }
    page.tabs.setCurrentIndex(1)
    index = page.tasks_model.index(0, 0)
    with qtbot.waitSignal(page.open_task_requested, timeout=1000) as opened:
        page.tasks_table.activated.emit(index)
    assert opened.args == [index.data(KEY_ROLE)]


def test_evidence_is_shown_for_confirmed_skills(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    confirmed = next(ps for ps in demo_data.person_skills if ps.evidence == Evidence.TASK)
    person = next(p for p in demo_data.people if p.id == confirmed.person_id)
    page = shown(qtbot, MyPage(make_context(person.username)))
    row = page.skills_model.row_of(confirmed.skill)
    confirmer = next(p for p in demo_data.people if p.id == confirmed.confirmed_by)
    assert confirmer.name in page.skills_model.index(row, 1).data()
    assert row == 0  # confirmed skills come first


def test_item_models_follow_the_qt_rules(
    qtbot: Any, qtmodeltester: Any, make_context: Callable[..., AppContext]
) -> None:
    page = shown(qtbot, MyPage(make_context("mette")))
    for model in (page.skills_model, page.bids_model, page.tasks_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)
    assert page.skills_model.index(0, 0).data(SKILL_ROLE)


def test_on_a_small_screen_the_profile_scrolls_instead_of_overlapping(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """At 1024x600 the skill picker's field and buttons were squeezed on top of its list."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QWidget

    page = shown(qtbot, MyPage(make_context("anna")), size=(1024, 500))
    page.own_data.outcome.setText("Saved in /tmp: knop.json, knop.html")  # the line a download adds
    qtbot.waitUntil(lambda: page.own_data.outcome.height() > 0)

    def squeezed() -> list[str]:
        controls = [
            w for w in page.findChildren(QWidget)
            if isinstance(w, (QAbstractButton, QLineEdit, QAbstractItemView)) and w.isVisibleTo(page)
            and not isinstance(w.parentWidget(), QAbstractItemView)  # a view's own scroll parts
        ]
        assert controls
        return [
            f"{type(w).__name__} {w.objectName()!r}: {w.height()} of {w.minimumSizeHint().height()} px"
            for w in controls
            if w.height() < w.minimumSizeHint().height()
        ]

    qtbot.waitUntil(lambda: squeezed() == [], timeout=3_000)
    # The page fits a 600 px screen under the menu, navigation and status bars (it needed 509 px,
    # so the window was taller than the screen, or squeezed its controls when made to fit).
    assert page.minimumSizeHint().height() <= 400


def test_a_company_contact_sees_on_my_page_whom_they_speak_for(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = make_context("ole")
    company = Company(company_id_for("12345678"), "Havefolk ApS", "12345678", version=1)

    def register(store: Store) -> None:
        with store.transaction():
            store.put(company)
            store.put(context.person.replace(kind="company", company_id=company.id))

    ask(qtbot, context, register)
    page = shown(qtbot, MyPage(context))
    qtbot.waitUntil(lambda: "Contact person for Havefolk ApS" in page.about.text(), timeout=10_000)


def test_no_bids_no_tasks_and_no_invitations_are_said_in_words(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData
) -> None:
    """A new-user try-out saw a blank "my bids" list, which reads as still loading or broken."""
    from desktop.core.entities import Role

    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    assert not any(b.bidder_id == admin.id for b in demo_data.bids)
    page = shown(qtbot, MyPage(make_context(person=admin)))
    notes = (page.bids_empty, page.tasks_empty, page.invitations_empty)
    for index, note in enumerate(notes):
        page.tabs.setCurrentIndex(index)
        qtbot.waitUntil(note.isVisible, timeout=10_000)
    assert page.bids_empty.text() == "You have not bid on any task yet."
    assert page.bids_model.rowCount() == 0


def test_my_page_opens_on_the_first_tab_with_something_in_it(
    qtbot: Any, make_context: Callable[..., AppContext], demo_store: Path, person: Callable[[str], Person]
) -> None:
    """A try-out: Mette's My page opened on an empty "Bud (0)" while she had posted 44 tasks. Now it
    opens on her tasks; a tab she chooses herself stays chosen when the page loads again."""
    without_bids(demo_store, person("mette").id)
    context = make_context("mette")
    page = shown(qtbot, MyPage(context))
    assert page.bids_model.rowCount() == 0 < page.tasks_model.rowCount()
    assert page.tabs.currentWidget() is page.tasks_table
    page.tabs.setCurrentIndex(0)  # her choice, empty or not
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.reload()
    assert page.tabs.currentWidget() is page.bids_table
