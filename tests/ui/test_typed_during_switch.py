"""What is typed while the window is rebuilt in another language reaches the rebuilt window (ui.typed_ahead).

A try-out typed on in the comment box while Knop switched to Danish: the words
typed during the rebuild were gone. The window system queues such keys for the
window that had the keys when they were typed, and Knop reads them once the
UI thread is free again. Here they are queued the same way, at the moment the
rebuild opens the person's store again: posted to the window that has the keys
then (on the old code none: the old window was already hidden, and the window
system sends keys to no one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent

from desktop.core.entities import Person
from tests.ui.driving import biddable_task, language_chosen
from tests.ui.test_shell import log_in, shell  # noqa: F401 - shell is a fixture
from ui.shell import Shell
from ui.task_view import TaskView


def _queue_typing(text: str) -> bool:
    """Queue `text` as key presses and releases for the window that has the keys; False with none."""
    target = QGuiApplication.focusWindow()
    if target is None or not target.isVisible():
        return False
    for letter in text:
        key = Qt.Key.Key_Space if letter == " " else Qt.Key(ord(letter.upper()))
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.postEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, letter))
    return True


def test_words_typed_while_the_language_changes_land_in_the_box_they_were_typed_in(
    qtbot: Any, shell: Shell, demo_data: Any, person: Callable[[str], Person]  # noqa: F811
) -> None:
    task = biddable_task(demo_data, person("anna"))
    window = log_in(qtbot, shell, "anna")
    window.activateWindow()
    window.open_task(task.id)
    view = window.current_page()
    assert isinstance(view, TaskView)
    qtbot.waitUntil(lambda: view.comment_box.isEnabled(), timeout=10_000)
    view.comment_box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: window.focusWidget() is view.comment_box)
    qtbot.keyClicks(view.comment_box, "Hvem har")

    queued: list[bool] = []
    reopen = shell._open_context

    def typing_meanwhile(session: Any) -> Any:
        # The UI thread is held here; what is typed now waits for it, as on a desktop.
        queued.append(_queue_typing(" kullene"))
        return reopen(session)

    shell._open_context = typing_meanwhile  # type: ignore[method-assign]
    danish = language_chosen(qtbot, shell, window, "Dansk")
    shell._open_context = reopen  # type: ignore[method-assign]
    again = danish.current_page()
    assert isinstance(again, TaskView) and again.task_id == task.id
    assert queued == [True], "no Knop window had the keys while the window was rebuilt"
    qtbot.waitUntil(lambda: again.comment_box.toPlainText() == "Hvem har kullene", timeout=10_000)
    assert danish.focusWidget() is again.comment_box
    # The keys are no longer held: typing goes on as usual.
    qtbot.keyClicks(again.comment_box, "?")
    assert again.comment_box.toPlainText() == "Hvem har kullene?"
