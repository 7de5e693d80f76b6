"""The login screen's list of people on a shared PC, driven by the keyboard as a person would."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QListWidget

from desktop.accounts import Account
from desktop.core.entities import Person
from sync.server import demo
from tests.ui.driving import styled
from ui.login import LoginScreen


@pytest.fixture
def gate(qtbot: Any, demo_data: demo.DemoData) -> LoginScreen:
    people = [p for p in demo_data.people if p.username in ("anna", "mette", "ole", "admin")]
    accounts = [_account(p) for p in sorted(people, key=lambda p: p.name)]
    screen = LoginScreen(accounts)
    qtbot.addWidget(screen)
    with qtbot.waitExposed(screen):
        screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.people)
    return screen


def _account(person: Person) -> Account:
    return Account(person.id, person.username, person.name, person, None, None, None, True)


def _chosen(gate: LoginScreen) -> list[int]:
    return [gate.people.row(item) for item in gate.people.selectedItems()]


def _key(qtbot: Any, gate: LoginScreen, key: Qt.Key) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key)


def test_down_moves_from_row_to_row_and_the_focus_stays_in_the_list(qtbot: Any, gate: LoginScreen) -> None:
    """A try-out (Xvfb, xdotool): the first Down only chose the top name, and then the
    keys were in the password field, so the second name could not be reached by arrows."""
    people = gate.people
    names = [str(people.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(people.count())]
    assert _chosen(gate) == [] and gate.username.text() == ""  # nobody chosen at first
    _key(qtbot, gate, Qt.Key.Key_Down)
    assert _chosen(gate) == [0] and gate.username.text() == names[0]
    assert QApplication.focusWidget() is people
    _key(qtbot, gate, Qt.Key.Key_Down)
    assert _chosen(gate) == [1] and gate.username.text() == names[1]
    _key(qtbot, gate, Qt.Key.Key_Up)
    assert _chosen(gate) == [0] and gate.username.text() == names[0]
    _key(qtbot, gate, Qt.Key.Key_End)
    assert _chosen(gate) == [len(names) - 1] and gate.username.text() == names[-1]
    _key(qtbot, gate, Qt.Key.Key_Home)
    assert _chosen(gate) == [0] and gate.username.text() == names[0]
    assert QApplication.focusWidget() is people
    # Enter chooses the one selected: on to the password.
    _key(qtbot, gate, Qt.Key.Key_Down)
    _key(qtbot, gate, Qt.Key.Key_Return)
    assert gate.username.text() == names[1]
    assert QApplication.focusWidget() is gate.password


def test_up_first_also_chooses_the_top_name(qtbot: Any, gate: LoginScreen) -> None:
    _key(qtbot, gate, Qt.Key.Key_Up)
    assert _chosen(gate) == [0]
    assert QApplication.focusWidget() is gate.people


def test_a_click_chooses_and_goes_on_to_the_password(qtbot: Any, gate: LoginScreen) -> None:
    people = gate.people
    second = people.visualItemRect(people.item(1)).center()
    qtbot.mouseClick(people.viewport(), Qt.MouseButton.LeftButton, pos=second)
    assert gate.username.text() == people.item(1).data(Qt.ItemDataRole.UserRole)
    assert QApplication.focusWidget() is gate.password


def _luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour, 0 (black) to 1 (white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def _contrast(one: QColor, other: QColor) -> float:
    """WCAG 2 contrast ratio, 1 (the same) to 21 (black on white)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _row_edge(people: QListWidget, row: int) -> QColor:
    """The colour just inside the top edge of `row`, in the middle: no text is drawn there."""
    rect = people.visualItemRect(people.item(row))
    return people.viewport().grab().toImage().pixelColor(rect.center().x(), rect.top() + 1)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_chosen_name_stands_out_with_the_keys_in_the_list_and_after(
    qtbot: Any, demo_data: demo.DemoData, language: str
) -> None:
    """A try-out saw no chosen row while the list had the keyboard focus: the chosen row's pale
    blue stood 1.2:1 against the white list. The real style sheet now sets the chosen row off by
    at least 3:1 (WCAG's for what marks a control's state), with the keys in the list and after
    they have gone on to the password."""
    with styled(language):
        people = [p for p in demo_data.people if p.username in ("anna", "mette", "ole", "admin")]
        screen = LoginScreen([_account(p) for p in sorted(people, key=lambda p: p.name)])
        qtbot.addWidget(screen)
        screen.resize(1024, 600)  # the smallest screen Knop is made for
        with qtbot.waitExposed(screen):
            screen.show()
        screen.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.people)
        _key(qtbot, screen, Qt.Key.Key_Down)
        _key(qtbot, screen, Qt.Key.Key_Down)
        assert _chosen(screen) == [1] and screen.people.hasFocus()
        around = _row_edge(screen.people, 0)
        assert _contrast(_row_edge(screen.people, 1), around) >= 3, _row_edge(screen.people, 1).name()
        assert _contrast(_row_edge(screen.people, 2), around) < 1.1  # the others stay plain
        screen.password.setFocus()
        qtbot.waitUntil(lambda: not screen.people.hasFocus())
        assert _chosen(screen) == [1]
        assert _contrast(_row_edge(screen.people, 1), around) >= 3, _row_edge(screen.people, 1).name()
