"""The main window of one logged-in person: the board, the screens it leads to, the sync status.

A main window belongs to one `AppContext` and is thrown away with it: locking,
switching user and logging out close the window and every page in it, so
nothing of one person's work stays in memory for the next person to see.

Pages other than the board are made when someone goes to them and destroyed
when they go back, so a task view never lingers behind the board. The task
exchange screens come from the other screens' modules and are imported
lazily, so the shell still starts if one of them fails to import.
"""

from __future__ import annotations

import importlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from desktop import paths
from desktop.core.entities import Person, Role
from desktop.core.text import translate
from ui.board import Board
from ui.context import AppContext
from ui.sync_status import AttentionPanel, SyncStatusBar

log = logging.getLogger(__name__)

# (module, class, title msgid, shortcut): imported only when first opened.
INSIGHT_SCREENS = (
    ("insights_map", "CompetenceMap", "&Competence map", "Ctrl+3"),
    ("insights_talent", "TalentSearch", "&Talent search", "Ctrl+4"),
    ("insights_network", "NetworkScreen", "Network of &sites", "Ctrl+5"),
)


def screen_class(module: str, name: str) -> Callable[..., QWidget] | None:
    """A screen class from `ui.<module>`, or None if it cannot be imported (logged)."""
    try:
        found = importlib.import_module(f"ui.{module}")
    except Exception:  # noqa: BLE001 - one broken screen must not take the shell down
        log.exception("cannot import ui.%s", module)
        return None
    return getattr(found, name, None)


def app_icon() -> QIcon:
    return QIcon(str(paths.resources_dir() / "icons" / "knop.svg"))


class MainWindow(QMainWindow):
    """Board, task view, review, task form and my page, with menus and the sync status."""

    lock_requested = Signal()
    switch_user_requested = Signal()
    logout_requested = Signal()
    quit_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.context = context
        self.setWindowTitle(self.tr("Knop"))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(960, 560)
        self._quitting_from_menu = False

        self.pages = QStackedWidget(self)
        self.pages.setObjectName("pages")
        self.board = Board(context, self.pages)
        self.board.task_activated.connect(self.open_task)
        self.pages.addWidget(self.board)
        self._history: list[QWidget] = []  # pages above the board, newest last
        self.setCentralWidget(self.pages)

        self.status = SyncStatusBar(context, self)
        self.status.attention_requested.connect(self.show_attention)
        self.statusBar().addPermanentWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(True)

        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self._update_navigation()

    # --- actions, menus, toolbar ----------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _make_actions(self) -> None:
        may_post = not self.context.person.is_external
        self.new_task_action = self._action(
            self.tr("&New task…"),
            self.new_task,
            QKeySequence.StandardKey.New,
            self.tr("Post a new task (Ctrl+N)"),
        )
        self.new_task_action.setEnabled(may_post)
        self.search_action = self._action(
            self.tr("&Search tasks"),
            self.search,
            QKeySequence.StandardKey.Find,
            self.tr("Go to the search field on the board (Ctrl+F)"),
        )
        self.sync_action = self._action(
            self.tr("S&ync now"),
            self.sync_now,
            QKeySequence(Qt.Key.Key_F5),
            self.tr("Send your changes and fetch new ones now (F5)"),
        )
        self.attention_action = self._action(
            self.tr("Needs &attention…"),
            self.show_attention,
            None,
            self.tr("Changes the server did not accept"),
        )
        self.board_action = self._action(
            self.tr("&Board"), self.go_board, QKeySequence("Ctrl+1"), self.tr("All tasks (Ctrl+1)")
        )
        self.my_page_action = self._action(
            self.tr("&My page"),
            self.go_my_page,
            QKeySequence("Ctrl+2"),
            self.tr("Your bids, tasks and skills (Ctrl+2)"),
        )
        self.back_action = self._action(
            self.tr("&Back"), self.back, QKeySequence("Alt+Left"), self.tr("Back (Alt+Left)")
        )
        self.back_action.setShortcuts(
            _unique(
                [QKeySequence("Alt+Left"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Back)]
            )
        )
        self.lock_action = self._action(
            self.tr("&Lock"),
            self.lock_requested.emit,
            QKeySequence("Ctrl+L"),
            self.tr("Lock the screen; your password opens it again (Ctrl+L)"),
        )
        self.switch_action = self._action(
            self.tr("S&witch user…"),
            self.switch_user_requested.emit,
            QKeySequence("Ctrl+Shift+L"),
            self.tr("Let someone else log in; your unsent changes are still sent"),
        )
        self.logout_action = self._action(
            self.tr("Log &out"), self.logout_requested.emit, None, self.tr("Log out of Knop")
        )
        self.quit_action = self._action(
            self.tr("&Quit"),
            self._quit,
            QKeySequence(QKeySequence.StandardKey.Quit),
            self.tr("Close Knop"),
        )
        self.quit_action.setShortcuts(
            _unique(
                [QKeySequence("Ctrl+Q"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)]
            )
        )
        self.about_action = self._action(self.tr("&About Knop"), self.about)
        self.shortcuts_action = self._action(
            self.tr("&Keyboard shortcuts"), self.show_shortcuts, QKeySequence(Qt.Key.Key_F1)
        )

    def _make_menus(self) -> None:
        bar = self.menuBar()
        knop = bar.addMenu(self.tr("&Knop"))
        knop.addAction(self.new_task_action)
        knop.addSeparator()
        knop.addAction(self.sync_action)
        knop.addAction(self.attention_action)
        knop.addSeparator()
        knop.addAction(self.lock_action)
        knop.addAction(self.switch_action)
        knop.addAction(self.logout_action)
        knop.addSeparator()
        knop.addAction(self.quit_action)
        go = bar.addMenu(self.tr("&Go"))
        go.addAction(self.board_action)
        go.addAction(self.my_page_action)
        go.addAction(self.search_action)
        go.addSeparator()
        for module, name, title, keys in INSIGHT_SCREENS:  # competence discovery (issue 12)
            go.addAction(
                self._action(
                    translate(self.context.language, title),
                    lambda m=module, n=name: self.go_screen(m, n),
                    QKeySequence(keys),
                )
            )
        go.addSeparator()
        go.addAction(self.back_action)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _make_toolbar(self) -> None:
        bar = QToolBar(self.tr("Navigation"), self)
        bar.setObjectName("navigation")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        bar.addAction(self.back_action)
        bar.addSeparator()
        bar.addAction(self.board_action)
        bar.addAction(self.my_page_action)
        bar.addSeparator()
        bar.addAction(self.new_task_action)
        for action in (self.board_action, self.my_page_action):
            action.setCheckable(True)
        spacer = QWidget(bar)
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        bar.addWidget(spacer)
        person = self.context.person
        self.user_button = QToolButton(bar)
        self.user_button.setObjectName("userButton")
        self.user_button.setText(person.name)
        self.user_button.setAccessibleName(self.tr("Logged in as %1").replace("%1", person.name))
        self.user_button.setToolTip(self._role_text(person))
        self.user_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.user_button)
        menu.addAction(self.lock_action)
        menu.addAction(self.switch_action)
        menu.addAction(self.logout_action)
        self.user_button.setMenu(menu)
        bar.addWidget(self.user_button)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.navigation = bar
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if button is not None and action.text():
                button.setAccessibleName(action.text().replace("&", ""))

    def _role_text(self, person: Person) -> str:
        roles = {
            Role.STAFF: self.tr("Staff"),
            Role.SITE_MANAGER: self.tr("Site manager"),
            Role.ADMIN: self.tr("Administrator"),
            Role.EXTERNAL: self.tr("External contributor"),
        }
        return (
            roles.get(Role(person.role), person.role) if person.role in set(Role) else person.role
        )

    # --- navigation ---------------------------------------------------------------------

    def current_page(self) -> QWidget | None:
        return self.pages.currentWidget()

    def _push(self, page: QWidget) -> None:
        self._history.append(page)
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        page.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_navigation()

    def _drop(self, page: QWidget) -> None:
        self.pages.removeWidget(page)
        page.hide()
        page.deleteLater()

    def _clear_history(self) -> None:
        while self._history:
            self._drop(self._history.pop())

    def back(self) -> None:
        if not self._history:
            return
        self._drop(self._history.pop())
        self.pages.setCurrentWidget(self._history[-1] if self._history else self.board)
        self._update_navigation()

    def go_board(self) -> None:
        self._clear_history()
        self.pages.setCurrentWidget(self.board)
        self._update_navigation()

    def search(self) -> None:
        self.go_board()
        self.board.focus_search()

    def _update_navigation(self) -> None:
        current = self.pages.currentWidget()
        self.back_action.setEnabled(bool(self._history))
        self.board_action.setChecked(current is self.board)
        self.my_page_action.setChecked(type(current).__name__ == "MyPage")

    def _screen(self, module: str, name: str, *args: Any) -> QWidget:
        cls = screen_class(module, name)
        if cls is None:
            placeholder = QLabel(self.tr("This page cannot be shown. Details are in the log file."))
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return placeholder
        page = cls(self.context, *args)
        for signal, slot in (
            ("open_task", self.open_task),
            ("review_requested", self.open_review),
            ("edit_requested", self.edit_task),
            ("finished", self._form_finished),
        ):
            if hasattr(page, signal):
                getattr(page, signal).connect(slot)
        return page

    def open_task(self, task_id: str) -> None:
        self._push(self._screen("task_view", "TaskView", task_id))

    def open_review(self, task_id: str) -> None:
        self._push(self._screen("review", "ReviewPage", task_id))

    def edit_task(self, task_id: str) -> None:
        self._push(self._screen("task_form", "TaskForm", task_id))

    def new_task(self) -> None:
        if self.context.person.is_external:
            return
        self._push(self._screen("task_form", "TaskForm", None))

    def go_my_page(self) -> None:
        self._clear_history()
        self._push(self._screen("my_page", "MyPage"))

    def go_screen(self, module: str, name: str) -> None:
        """A top-level screen from `ui.<module>`, on top of the board."""
        self._clear_history()
        self._push(self._screen(module, name))

    def _form_finished(self, task_id: str) -> None:
        """A saved or published form gives way to the task it made."""
        if self._history and type(self._history[-1]).__name__ == "TaskForm":
            self._drop(self._history.pop())
        if task_id:
            self.open_task(task_id)
        else:
            self.pages.setCurrentWidget(self._history[-1] if self._history else self.board)
            self._update_navigation()

    # --- the rest of the menu -------------------------------------------------------------

    def sync_now(self) -> None:
        self.status.sync_now()

    def show_attention(self) -> None:
        if isinstance(self.pages.currentWidget(), AttentionPanel):
            return
        page = AttentionPanel(self.context)
        page.open_task.connect(self.open_task)
        self._push(page)

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Knop"),
            self.tr(
                "Knop: a task exchange for the municipality.\n\n"
                "Post a task, find colleagues with the right skills, and see "
                "what people can do from the work they have done."
            ),
        )

    def show_shortcuts(self) -> None:
        lines = [
            (self.new_task_action, self.tr("New task")),
            (self.search_action, self.tr("Search tasks")),
            (self.sync_action, self.tr("Sync now")),
            (self.board_action, self.tr("Board")),
            (self.my_page_action, self.tr("My page")),
            (self.back_action, self.tr("Back")),
            (self.lock_action, self.tr("Lock")),
            (self.switch_action, self.tr("Switch user")),
            (self.quit_action, self.tr("Quit")),
        ]
        text = "\n".join(
            f"{action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}\t{label}"
            for action, label in lines
        )
        QMessageBox.information(self, self.tr("Keyboard shortcuts"), text)

    def _quit(self) -> None:
        self._quitting_from_menu = True
        self.quit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing the window quits Knop; the shell decides (it stops the threads first)."""
        if not self._quitting_from_menu and not getattr(self, "_torn_down", False):
            self.quit_requested.emit()
        super().closeEvent(event)

    def tear_down(self) -> None:
        """Close every page now, so nothing of this person survives to the next screen."""
        self._torn_down = True
        self._clear_history()
        self.hide()
        self.deleteLater()


def _unique(sequences: list[QKeySequence]) -> list[QKeySequence]:
    """The same key twice makes Qt call the shortcut ambiguous and do nothing."""
    seen: list[QKeySequence] = []
    for sequence in sequences:
        if not sequence.isEmpty() and sequence not in seen:
            seen.append(sequence)
    return seen


def self_test_window() -> MainWindow:
    """For `knop --self-test`: the real main window over a throwaway store and a stand-in person."""
    app = QApplication.instance() or QApplication(["knop"])
    del app
    folder = Path(tempfile.mkdtemp(prefix="knop-selftest-"))
    person = Person(
        id="self-test",
        name=QCoreApplication.translate("MainWindow", "Self-test"),
        username="self-test",
        home_site_id=None,
    )
    context = AppContext(person, folder / "knop.sqlite3", None, "en")
    return MainWindow(context)
