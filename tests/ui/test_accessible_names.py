"""Issue 17: every control a keyboard reaches has a name a screen reader can say.

The walk follows each screen's real focus chain (Tab order), from every page
in `ui.main_window.SCREENS`, the board, the login and lock screens and the
dialogs, and asks Qt's accessibility layer for each focusable widget's name:
the name a screen reader gets (a button's text, a field's buddy label, or an
accessible name set on it). A control with none fails the test by name.
"""

from __future__ import annotations

import itertools

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

from sync.server import demo
from tests.ui.driving import person_by_id, task_with_pending_bids
from ui.context import AppContext
from ui.login import LockScreen, LoginScreen
from ui.main_window import SCREENS, MainWindow, ScreenFactory, review_screen, task_view_screen
from ui.shortcuts_dialog import ShortcutsDialog
from ui.window_focus import tab_order


def focus_chain(top: QWidget) -> list[QWidget]:
    """The widgets Tab reaches inside `top`, in the order the person sees them (`tab_order`).

    Read from `top`'s own widgets, never by walking nextInFocusChain(): PySide makes
    each widget that call returns a child of the widget asked, so a walk round the
    window made the board a child of the page walked, and dropping the page took
    the board's filter row with it (ui/window_focus.py, a try-out).
    """
    return [
        widget
        for widget in tab_order(top)
        if widget.isVisibleTo(top) and widget.isEnabled()
    ]


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def named_as(widget: QWidget) -> QWidget:
    """The widget a screen reader speaks for `widget`: a spin box's or a combo box's own
    text field is part of the box, and the box is what has (and says) the name."""
    parent = widget.parentWidget()
    if isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return parent
    return widget


def nameless(top: QWidget) -> list[str]:
    """Each focusable widget in `top` without a spoken name, described for the failure message."""
    return [
        f"{type(w).__name__} {w.objectName()!r} in {type(w.parentWidget()).__name__}"
        for w in focus_chain(top)
        if not spoken_name(named_as(w))
    ]


@pytest.fixture
def window(qtbot: Any, make_context: Callable[..., AppContext]) -> MainWindow:
    made = MainWindow(make_context("mette"))
    qtbot.addWidget(made)
    made.resize(1280, 800)
    made.show()
    qtbot.waitUntil(lambda: made.board.model.rowCount() > 0, timeout=10_000)
    return made


def test_the_board_and_the_window_name_every_control(qtbot: Any, window: MainWindow) -> None:
    assert focus_chain(window)  # the walk reaches something
    assert nameless(window) == []


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.__name__)
def test_every_screen_names_every_control_tab_reaches(
    qtbot: Any, window: MainWindow, demo_data: demo.DemoData, screen: ScreenFactory
) -> None:
    task = task_with_pending_bids(demo_data, 2)
    if screen in (review_screen, task_view_screen):
        # A task of hers with bids: the review's cards and the view's bid list are drawn.
        manager = person_by_id(demo_data, task.poster_id)
        window.context.person = manager
    window.go(screen, task.id if screen in (review_screen, task_view_screen) else None)
    page = window.current_page()
    assert page is not None
    loaded = getattr(page, "loaded", None)
    if loaded is not None:
        qtbot.waitSignal(loaded, timeout=10_000, raising=False).wait()
    reached = focus_chain(page)
    assert reached, f"{screen.__name__}: Tab reaches nothing"
    if screen is review_screen:
        # The cards were drawn, and their per-bid fields and buttons say whose bid they are.
        names = [spoken_name(w) for w in reached]
        assert any(n.startswith("Message to ") for n in names), names
        assert any(n.startswith("Accept the bid from ") for n in names), names
    assert nameless(page) == [], (screen.__name__, nameless(page))


def test_the_task_form_for_a_new_task_names_its_fields_and_scroll_area(
    qtbot: Any, window: MainWindow
) -> None:
    window.new_task()
    form = window.current_page()
    qtbot.waitUntil(lambda: form is not None and form.isEnabled(), timeout=10_000)
    from ui.task_form import TaskForm

    assert isinstance(form, TaskForm)
    for field in (form.title, form.description, form.place, form.fields_area):
        assert field.accessibleName(), field
    assert nameless(form) == []


def test_login_lock_and_dialogs_name_every_control(qtbot: Any, window: MainWindow) -> None:
    login = LoginScreen([])
    lock = LockScreen("Anna Jensen")
    dialog = ShortcutsDialog([(window.new_task_action, "New task")], window)
    for top in (login, lock, dialog):
        qtbot.addWidget(top)
        top.show()
        qtbot.waitUntil(top.isVisible)
        assert focus_chain(top), type(top).__name__
        assert nameless(top) == [], type(top).__name__


def _mnemonic(text: str) -> str | None:
    """The Alt+letter of a text with an &-mark ("&Hent" -> "h"), or None."""
    import re

    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _tab_of(widget: QWidget, page: QWidget) -> tuple[tuple[int, int], ...]:
    """The tabs `widget` is on, outermost first: (id of the tab widget, tab index) each."""
    from PySide6.QtWidgets import QTabWidget

    found: list[tuple[int, int]] = []
    child, here = widget, widget.parentWidget()
    while here is not None and child is not page:
        tabs = here.parentWidget()  # a tab's page sits in the tab widget's own stack
        if isinstance(tabs, QTabWidget) and tabs.indexOf(child) >= 0:
            found.append((id(tabs), tabs.indexOf(child)))
        child, here = here, here.parentWidget()
    return tuple(reversed(found))


def _together(one: tuple[tuple[int, int], ...], other: tuple[tuple[int, int], ...]) -> bool:
    """Whether controls on these tabs can be shown together: no tab widget has them on two tabs."""
    tabs = dict(one)
    return all(tabs.get(widget, index) == index for widget, index in other)


@pytest.mark.parametrize("language", ["da", "en"])
def test_each_alt_letter_does_one_thing_on_every_screen(
    qtbot: Any, make_context: Callable[..., AppContext], demo_data: demo.DemoData, language: str
) -> None:
    """No control takes a menu's Alt+letter, and no two controls on a screen share one.

    Alt+H on My page in Danish opened the Help menu ("&Hjælp"), not "&Hent mine data…".
    """
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget

    from ui import words

    before = words.language()
    words.use_language(language)
    try:
        window = MainWindow(make_context("mette", language))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda: window.board.model.rowCount() > 0, timeout=10_000)
        menus = {_mnemonic(a.text()) for a in window.menuBar().actions()} - {None}
        assert menus  # the walk reads the menus' letters
        task = task_with_pending_bids(demo_data, 2)
        mette = window.context.person
        clashes = []
        for screen in SCREENS:
            # The review as the task's manager, so its cards (and their hidden "Yes, accept" rows) are built.
            window.context.person = person_by_id(demo_data, task.poster_id) if screen is review_screen else mette
            window.go(screen, task.id if screen in (review_screen, task_view_screen) else None)
            page = window.current_page()
            assert page is not None
            loaded = getattr(page, "loaded", None)
            if loaded is not None:
                qtbot.waitSignal(loaded, timeout=10_000, raising=False).wait()
            shown_texts, all_texts = [], []
            placed: list[tuple[str, tuple[tuple[int, int], ...]]] = []
            for widget in page.findChildren(QWidget):
                texts = []
                if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
                    texts.append(widget.text())
                elif isinstance(widget, QGroupBox):
                    texts.append(widget.title())
                elif isinstance(widget, QTabWidget):
                    texts.extend(widget.tabText(i) for i in range(widget.count()))
                all_texts += texts
                placed += [(t, _tab_of(widget, page)) for t in texts]
                if widget.isVisibleTo(page):
                    shown_texts += texts
            # A menu's letter opens the menu, even for a control shown later (a card's confirmation);
            # a letter twice among the controls shown together only moves the focus between them
            # (the review's cards each have their own Accept and Decline, on purpose).
            letters = [_mnemonic(t) for t in shown_texts]
            clashes += [f"{screen.__name__}: {t!r}" for t in set(all_texts) if _mnemonic(t) in menus]
            clashes += [
                f"{screen.__name__}: {t!r} twice"
                for t, letter in zip(shown_texts, letters, strict=True)
                if letter is not None and letters.count(letter) > 1 and screen is not review_screen
            ]
            # A control shown later (the task form's "Discard draft", once a draft is restored)
            # counts with the others on its page: only counting those shown let "Kassér
            # kla&dden" share Alt+D with "Gem som kla&dde" (try-out). Controls on different
            # tabs of one tab widget are never shown together, so they may share a letter.
            clashes += [
                f"{screen.__name__}: {t!r} and {other!r}"
                for (t, where), (other, there) in itertools.combinations(dict.fromkeys(placed), 2)
                if t != other and _mnemonic(t) is not None and _mnemonic(t) == _mnemonic(other)
                and _together(where, there) and screen is not review_screen
                and not (t in shown_texts and other in shown_texts)  # those are counted above
            ]
        assert clashes == [], f"Alt+letters taken twice (menus: {sorted(menus)}): {clashes}"
    finally:
        words.use_language(before)


@pytest.mark.parametrize("language", ["da", "en"])
def test_each_menu_item_has_its_own_alt_letter(
    qtbot: Any, make_context: Callable[..., AppContext], language: str
) -> None:
    """The admin's Go menu had R twice in Danish (Rapporter, Revisionsspor) and M twice in both."""
    from ui import words

    before = words.language()
    words.use_language(language)
    try:
        window = MainWindow(make_context("admin", language))
        qtbot.addWidget(window)
        twice = []
        for menu_action in window.menuBar().actions():
            menu = menu_action.menu()
            texts = [a.text() for a in menu.actions() if not a.isSeparator()]
            letters = [_mnemonic(t) for t in texts]
            twice += [t for t, letter in zip(texts, letters, strict=True) if letter and letters.count(letter) > 1]
            assert all(letters), f"menu items without an Alt+letter: {texts}"
        assert twice == [], twice
    finally:
        words.use_language(before)


def test_the_walk_leaves_the_window_as_it_was(qtbot: Any, window: MainWindow) -> None:
    """Walking a page's controls must not change whose child anything is.

    The walk used nextInFocusChain(), which in PySide makes each widget it returns a
    child of the widget asked: a page walked and then dropped took the board's filter
    row with it, and a test could both cause that and hide it.
    """
    from PySide6.QtWidgets import QComboBox as Filter

    from ui.main_window import notifications_screen

    filters = [f for f in window.board.findChildren(Filter) if f.isVisibleTo(window.board)]
    assert filters  # the board's filter row
    window.go(notifications_screen)
    page = window.current_page()
    assert page is not None
    assert focus_chain(page)
    assert not page.isAncestorOf(window.board)
    window.go_board()
    qtbot.waitUntil(lambda: page not in window.findChildren(QWidget))  # dropped: deleteLater ran
    assert [f for f in window.board.findChildren(Filter) if f.isVisibleTo(window.board)] == filters
    assert all(f.isVisible() for f in filters)
