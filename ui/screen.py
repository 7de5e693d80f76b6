"""What every task-exchange screen does the same way: load off the UI thread, act, refresh.

A screen asks one `desktop` query for everything it draws, on the DB thread,
and draws the answer when it comes back. It reloads only when `context.changed`
names a table it shows, and never has two loads in flight: a change that
arrives during a load marks the screen stale and one more load follows. Every
user action is an operation run through the context; when the local rules
refuse it, the screen shows the rule's own sentence next to the action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMessageBox, QSizePolicy, QWidget

from desktop.core.rejection import Rejection
from desktop.store import Store
from ui.background import Changes
from ui.long_text import breakable
from ui.context import AppContext
from ui.words import tr

log = logging.getLogger(__name__)


SEND_KEYS = (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))


def send_shortcut(area: QWidget, action: Callable[[], object]) -> None:
    """Ctrl+Return sends whatever the focused area is for (a comment, a bid)."""
    for keys in SEND_KEYS:
        shortcut = QShortcut(keys, area)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(action)


def ask_first(
    parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, go: tuple[str, QMessageBox.ButtonRole],
    then: Callable[[], object], *, name: str,
) -> QMessageBox:
    """Ask before an action that cannot be taken back: `text` says what happens, "Cancel" is the default.

    `go`: the action's button (its words and role); clicking it calls `then`. The box is
    window-modal and opened, not run (`exec`): the event loop goes on, and a test can click it.
    It deletes itself once answered. `name`: its object name.
    """
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    button = box.addButton(*go)
    box.setDefaultButton(box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole))
    button.clicked.connect(then)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class ProblemLabel(QLabel):
    """A plain sentence saying why something was refused, shown where the person acted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("problem")  # the app's style sheet gives #problem its colours
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(breakable(text))
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))

    def clear_text(self) -> None:
        self.show_text("")


class Screen(QWidget):
    """Base for the task view, the review, the task form and my page."""

    # Tables whose change means this screen may show something stale.
    WATCHES: frozenset[str] = frozenset()

    loaded = Signal()  # a load has been drawn; tests and the shell wait for it

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._loading = False
        self._stale = False
        # Submissions whose operation has not come back yet (see `act`), by action name.
        self._in_flight: set[str] = set()
        context.changed.connect(self._tables_changed)

    @property
    def language(self) -> str:
        return str(self.context.language)

    # --- loading ------------------------------------------------------------

    def question(self) -> Callable[[Store], Any]:
        """What to ask the store for everything the screen draws (a `desktop` service call).

        Made here, on the UI thread, from plain values, so that the function the
        DB thread runs never reads a widget or the context.
        """
        raise NotImplementedError

    def draw(self, data: Any) -> None:
        """Runs on the UI thread with the answer to `question()`; redraws only what differs."""
        raise NotImplementedError

    def reload(self) -> None:
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._stale = False
        self.context.query(self.question(), parent=self).success(self._fetched).failure(
            self._fetch_failed
        ).run_in_background()

    def _fetched(self, data: Any) -> None:
        self._loading = False
        self.draw(data)
        self.loaded.emit()
        if self._stale:
            self.reload()

    def _fetch_failed(self, error: BaseException) -> None:
        self._loading = False
        log.error("loading %s failed", type(self).__name__, exc_info=error)
        if self._stale:
            self.reload()

    def keep_drafts(self) -> None:
        """The page is being left (back, lock, switch user, quit): keep what was typed.

        Screens with forms write their drafts to the store here (on the DB
        thread, which runs every queued job before it stops); others have none.
        """

    def concerns(self, changes: Changes) -> bool:
        """Whether a change may alter what this screen shows; screens narrow it by row id."""
        return bool(self.WATCHES & changes)

    def _tables_changed(self, changes: Changes) -> None:
        if self.concerns(changes):
            self.reload()

    # --- acting ----------------------------------------------------------------

    def busy(self, action: str) -> bool:
        """Whether the operation `action` started (see `act`) has not completed yet.

        Draws keep that action's buttons disabled while it is busy.
        """
        return action in self._in_flight

    def action_settled(self, action: str) -> None:
        """`action`'s operation completed: set its buttons again (by drawing anew).

        A load in flight draws after this (the change the operation made asked
        for one); only with none does the screen load again.
        """
        if not self._loading:
            self.reload()

    def act(
        self,
        kind: str,
        payload: dict[str, Any],
        problem: ProblemLabel | Callable[[Rejection], None],
        then: Callable[[Any], None] | None = None,
        *,
        action: str | None = None,
        buttons: Iterable[QWidget] = (),
    ) -> bool:
        """Run one operation; show a refusal's sentence in `problem` (or hand it over).

        `action` names one submission of a form ("comment", "bid", "decide:<bid id>"):
        while its operation is queued or running on the DB thread, another `act`
        with the same name does nothing (and returns False), and `buttons` stay
        disabled, so two presses while the store is busy queue one operation.
        When it completes, either way, the screen reloads and its draw sets the
        buttons again (an action that succeeded may have hidden them).
        """
        if action is not None:
            if action in self._in_flight:
                return False
            self._in_flight.add(action)
            for button in buttons:
                button.setEnabled(False)
        if isinstance(problem, ProblemLabel):
            problem.clear_text()

        def settled() -> None:
            if action is not None:
                self._in_flight.discard(action)
                self.action_settled(action)

        def refused(error: BaseException) -> None:
            settled()
            if not isinstance(error, Rejection):
                log.error("%s failed", kind, exc_info=error)
                error = Rejection("operation.failed")
            if isinstance(problem, ProblemLabel):
                problem.show_text(error.message(self.language))
            else:
                problem(error)

        def done(outcome: Any) -> None:
            settled()
            if then is not None:
                then(outcome)

        self.context.perform(kind, payload, parent=self).failure(refused).success(
            done
        ).run_in_background()
        return True


def task_row_changed(changes: Changes, task_id: str) -> bool:
    """Whether a task's own row may have changed (every row may have, after a sync)."""
    ids = changes.ids_of("tasks")
    return ids is None or task_id in ids


class TaskScreen(Screen):
    """A screen about one task: changes to other tasks' rows are not its business."""

    def __init__(self, context: AppContext, task_id: str, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.task_id = task_id

    def concerns(self, changes: Changes) -> bool:
        # Bids, comments and people are cheap to look at again; a task row is ours only by id.
        if not self.WATCHES & changes:
            return False
        return bool((self.WATCHES - {"tasks"}) & changes) or task_row_changed(changes, self.task_id)
