"""The main window of one logged-in person: the board, the screens it leads to, the sync status.

A main window belongs to one `AppContext` and is thrown away with it: locking,
switching user and logging out close the window and every page in it, so
nothing of one person's work stays in memory for the next person to see.

Pages other than the board are made when someone goes to them and destroyed
when they go back, so a task view never lingers behind the board. Each kind of
page is one factory in `SCREENS`, which builds the page and connects what it
asks for (open a task, review its bids, edit it) to the window's `Navigator`
methods. A page that fails to build is a bug and raises like any other. The
factories import their page's module when first called: the board comes up
without waiting for pages nobody has opened yet (start-up is measured).
"""

from __future__ import annotations

import functools
import itertools

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from desktop import notifications
from desktop.core import permissions
from desktop.core.entities import Person, Role
from desktop.core.text import Sentence
from ui.background import Changes
from ui.board import Board
from ui.icon import app_icon
from ui.long_text import ElidedLabel
from ui.context import AppContext
from ui.notifications import Bell
from ui.page_view import PageView, focused_on, show_view, view_of
from ui.sync_status import AttentionPanel, SyncStatusBar
from ui.window_focus import focus_start, is_destructive
from ui.words import LANGUAGE_NAMES, tr

# (module, class, title msgid, shortcut): imported only when first opened.
class Navigator(Protocol):
    """Where a page's requests go: the main window implements these."""

    def open_task(self, task_id: str) -> None:
        """Show the task view of `task_id` on top of the current page."""

    def open_review(self, task_id: str) -> None:
        """Show the review of the bids on `task_id`."""

    def edit_task(self, task_id: str) -> None:
        """Show the task form for `task_id`."""

    def form_finished(self, task_id: str) -> None:
        """A task form was published or saved ("" when nothing was made): it gives way."""

    def show_bids_to_decide(self) -> None:
        """Show the tasks whose bids wait for the person's decision."""


class ScreenFactory(Protocol):
    """One kind of page: builds it for a context and connects its requests to the navigator.

    `task_id` is the task the page is about (None: a new task's form, or a page about
    no task). Raises ValueError when a page that needs a task gets None.
    """

    def __call__(self, context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget: ...


def _needs_task(page: str, task_id: str | None) -> str:
    if task_id is None:
        raise ValueError(f"the {page} is about one task; got no task id")
    return task_id


def task_view_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """The task view; its review and edit buttons lead on."""
    from ui.task_view import TaskView

    page = TaskView(context, _needs_task("task view", task_id))
    page.review_requested.connect(navigator.open_review)
    page.edit_requested.connect(navigator.edit_task)
    return page


def review_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """The bids on a task side by side, for its poster to accept or decline."""
    from ui.review import ReviewPage

    return ReviewPage(context, _needs_task("review", task_id))


def task_form_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """The form for a new task (`task_id` None) or a draft or open one."""
    from ui.task_form import TaskForm

    page = TaskForm(context, task_id)
    page.finished.connect(navigator.form_finished)
    return page


def my_page_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """My bids, my tasks and my skills; `task_id` is not used."""
    from ui.my_page import MyPage

    page = MyPage(context)
    page.open_task_requested.connect(navigator.open_task)
    page.decisions.clicked.connect(navigator.show_bids_to_decide)
    return page


def bids_to_decide_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """The tasks with bids waiting for the person's decision, each leading to its review; no task."""
    from ui.bids_to_decide import BidsToDecide

    page = BidsToDecide(context)
    page.review_requested.connect(navigator.open_review)
    return page


def notifications_screen(
    context: AppContext, navigator: Navigator, task_id: str | None
) -> QWidget:
    """The person's notifications and what they want to be told; `task_id` is not used."""
    from ui.notifications import NotificationCentre

    page = NotificationCentre(context)
    page.open_task_requested.connect(navigator.open_task)
    return page


def competence_map_screen(
    context: AppContext, navigator: Navigator, task_id: str | None
) -> QWidget:
    """The competence map (issue 12); `task_id` is not used."""
    from ui.insights_map import CompetenceMap

    return CompetenceMap(context)


def talent_search_screen(
    context: AppContext, navigator: Navigator, task_id: str | None
) -> QWidget:
    """Talent search, with invitations to bid (issue 12); `task_id` is not used."""
    from ui.insights_talent import TalentSearch

    return TalentSearch(context)


def site_network_screen(
    context: AppContext, navigator: Navigator, task_id: str | None
) -> QWidget:
    """The network of sites helping sites (issue 12); `task_id` is not used."""
    from ui.insights_network import NetworkScreen

    return NetworkScreen(context)


def lending_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """Staff working on other sites, approvals and hours lent/borrowed (issue 15); no task."""
    from ui.oversight_lending import LendingScreen

    return LendingScreen(context)


def reports_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """Reports per site and period, from the server (issue 15); `task_id` is not used."""
    from ui.oversight_reports import ReportsScreen

    return ReportsScreen(context)


def audit_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """The audit trail, refusals included (issue 15); `task_id` is not used."""
    from ui.oversight_audit import AuditScreen

    return AuditScreen(context)


def admin_screen(context: AppContext, navigator: Navigator, task_id: str | None) -> QWidget:
    """People, sites, enrolment codes, devices, lending policy, for admins (issue 15); no task."""
    from ui.admin_screen import AdminScreen

    return AdminScreen(context)


# Every page the window can go to besides the board and the attention list.
SCREENS: tuple[ScreenFactory, ...] = (
    task_view_screen,
    review_screen,
    task_form_screen,
    my_page_screen,
    notifications_screen,
    competence_map_screen,
    talent_search_screen,
    site_network_screen,
    lending_screen,
    reports_screen,
    audit_screen,
    admin_screen,
    bids_to_decide_screen,
)


class MainWindow(QMainWindow):
    """Board, task view, review, task form and my page, with menus and the sync status."""

    lock_requested = Signal()
    switch_user_requested = Signal()
    logout_requested = Signal()
    quit_requested = Signal()
    language_chosen = Signal(str)  # "da"/"en", kept in the person's settings: the shell rebuilds
    keys_placed = Signal()  # after `show_views`: the keys are where they were in the window rebuilt

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.context = context
        self.setWindowTitle(tr("Knop"))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(720, 440)  # a 1024x600 screen holds it with its frame and a panel
        self._quitting_from_menu = False

        self.pages = QStackedWidget(self)
        self.pages.setObjectName("pages")
        self.board = Board(context, self.pages)
        self.board.open_task_requested.connect(self.open_task)
        self.board.decisions.clicked.connect(self.show_bids_to_decide)
        self.pages.addWidget(self.board)
        self._history: list[QWidget] = []  # pages above the board, newest last
        self._built_by: dict[QWidget, ScreenFactory] = {}  # which factory made a page
        self._focus_below: dict[QWidget, QWidget | None] = {}  # a page's focus when one went on top
        self.setCentralWidget(self.pages)

        self.status = SyncStatusBar(context, self)
        self.status.attention_requested.connect(self.show_attention)
        self.statusBar().addPermanentWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(True)
        # What just happened ("Saved audit.csv in /home/anna/Documents"), left of the sync
        # status (which would hide QStatusBar's own message), for a while (`tell`).
        self.told = _Notice("", self)  # a long folder ends in "…"; the whole is its tooltip
        self.told.setObjectName("told")
        self.told.setContentsMargins(8, 0, 8, 0)  # apart from the window's edge and the sync status
        self.told.hide()
        self.statusBar().addWidget(self.told)
        # The notice takes what the sync state leaves: a long one elided (whole in its tooltip)
        # pushed the sync state's words to "Ikke forbundet ti…" at 1024 px (try-out).
        self.statusBar().installEventFilter(self)
        self._told_timer = QTimer(self)
        self._told_timer.setSingleShot(True)
        self._told_timer.timeout.connect(self.told.hide)

        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self.pages.currentChanged.connect(lambda _index: self._order_tabs())
        self._order_tabs()
        self._update_navigation()

    # --- actions, menus, toolbar ----------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
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
            tr("&New task…"),
            self.new_task,
            QKeySequence.StandardKey.New,
            tr("Post a new task (Ctrl+N)"),
        )
        self.new_task_action.setEnabled(may_post)
        if not may_post:  # greyed out without a word said why (try-out s36, 15)
            why = tr("Tasks are posted by the municipality's staff; you bid on the tasks opened to you.")
            self.new_task_action.setToolTip(why)
            self.new_task_action.setStatusTip(why)
        self.search_action = self._action(
            tr("&Search tasks"),
            self.search,
            QKeySequence.StandardKey.Find,
            tr("Go to the search field on the board (Ctrl+F)"),
        )
        self.sync_action = self._action(
            tr("S&ync now"),
            self.sync_now,
            QKeySequence(Qt.Key.Key_F5),
            tr("Send your changes and fetch new ones now (F5)"),
        )
        self.attention_action = self._action(
            tr("Needs &attention…"),
            self.show_attention,
            None,
            tr("Changes the server did not accept"),
        )
        self.board_action = self._action(
            tr("&Board"), self.go_board, QKeySequence("Ctrl+1"), tr("All tasks (Ctrl+1)")
        )
        self.my_page_action = self._action(
            tr("&My page"),
            self.go_my_page,
            QKeySequence("Ctrl+2"),
            tr("Your bids, tasks and skills (Ctrl+2)"),
        )
        self.back_action = self._action(
            tr("&Back"), self.back, QKeySequence("Alt+Left"), tr("Back (Alt+Left)")
        )
        self.back_action.setShortcuts(
            _unique(
                [QKeySequence("Alt+Left"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Back)]
            )
        )
        self.lock_action = self._action(
            tr("&Lock"),
            self.lock_requested.emit,
            QKeySequence("Ctrl+L"),
            tr("Lock the screen; your password opens it again (Ctrl+L)"),
        )
        self.switch_action = self._action(
            tr("S&witch user…"),
            self.switch_user_requested.emit,
            QKeySequence("Ctrl+Shift+L"),
            tr("Let someone else log in; your unsent changes are still sent"),
        )
        self.logout_action = self._action(
            tr("Log &out"), self.logout_requested.emit, None, tr("Log out of Knop")
        )
        self.quit_action = self._action(
            tr("&Quit"),
            self._quit,
            QKeySequence(QKeySequence.StandardKey.Quit),
            tr("Close Knop"),
        )
        self.quit_action.setShortcuts(
            _unique(
                [QKeySequence("Ctrl+Q"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)]
            )
        )
        self.about_action = self._action(tr("&About Knop"), self.about)
        self.shortcuts_action = self._action(
            tr("&Keyboard shortcuts"), self.show_shortcuts, QKeySequence(Qt.Key.Key_F1)
        )

    def _make_menus(self) -> None:
        bar = self.menuBar()
        knop = bar.addMenu(tr("&Knop"))
        knop.addAction(self.new_task_action)
        knop.addSeparator()
        knop.addAction(self.sync_action)
        knop.addAction(self.attention_action)
        knop.addSeparator()
        knop.addAction(self.lock_action)
        knop.addAction(self.switch_action)
        knop.addAction(self.logout_action)
        knop.addSeparator()
        self._make_language_menu(knop)
        knop.addSeparator()
        knop.addAction(self.quit_action)
        go = bar.addMenu(tr("&Go"))
        go.addAction(self.board_action)
        go.addAction(self.my_page_action)
        go.addAction(self.search_action)
        # The pages' keys, for the shortcuts dialog too (it listed only the fixed ones).
        self.page_actions: list[QAction] = []
        person = self.context.person
        # Reached only through the board's notice before (try-out s36, 14); only who posts
        # tasks gets bids to decide.
        self.decide_action: QAction | None = None
        if permissions.may_post_tasks(person):
            self.decide_action = self._action(
                tr("Bids to d&ecide"), self.show_bids_to_decide, QKeySequence("Ctrl+0")
            )
            go.addAction(self.decide_action)
        go.addSeparator()
        insight_pages: tuple[tuple[ScreenFactory, str, str], ...] = (  # issue 12
            (competence_map_screen, tr("&Competence map"), "Ctrl+3"),
            (talent_search_screen, tr("&Talent search"), "Ctrl+4"),
            (site_network_screen, tr("Network of &sites"), "Ctrl+5"),
        )
        # The organisation's own numbers: an outsider's menu offered them to no use (try-out s36, 15).
        if not permissions.may_see_insights(person):
            insight_pages = ()
        for screen, title, keys in insight_pages:
            self.page_actions.append(
                self._action(title, functools.partial(self.go_top, screen), QKeySequence(keys))
            )
            go.addAction(self.page_actions[-1])
        if self.context.person.role in (Role.SITE_MANAGER, Role.ADMIN):  # oversight, issue 15
            go.addSeparator()
            oversight_pages: tuple[tuple[ScreenFactory, str, str], ...] = (
                (lending_screen, tr("&Lending between sites"), "Ctrl+6"),
                (reports_screen, tr("&Reports"), "Ctrl+7"),
                (audit_screen, tr("A&udit trail"), "Ctrl+8"),
            )
            if self.context.person.role == Role.ADMIN:
                oversight_pages += ((admin_screen, tr("Ad&ministration"), "Ctrl+9"),)
            for screen, title, keys in oversight_pages:
                self.page_actions.append(
                    self._action(title, functools.partial(self.go_top, screen), QKeySequence(keys))
                )
                go.addAction(self.page_actions[-1])
        go.addSeparator()
        go.addAction(self.back_action)
        help_menu = bar.addMenu(tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _order_tabs(self) -> None:
        """Tab goes as the screen reads: the navigation, the bell and the user, the page, the status bar.

        The toolbar's buttons took no Tab at all, and the page came after the status bar
        (try-out s36, 14). Ordered again as pages come and go: a page made later joins
        the end of the window's chain.
        """
        bar = self.findChild(QToolBar, "navigation")
        if bar is None:
            return
        nav = [bar.widgetForAction(a) for a in (self.back_action, self.board_action, self.my_page_action, self.new_task_action)]
        chain: list[QWidget] = [w for w in nav if w is not None]
        for button in chain:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        page = self.pages.currentWidget()
        chain += [self.bell, self.user_button, *([page] if page is not None else []), self.status]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _make_toolbar(self) -> None:
        bar = QToolBar(tr("Navigation"), self)
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
        for action in (self.board_action, self.my_page_action, self.new_task_action):
            action.setCheckable(True)
        spacer = QWidget(bar)
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        bar.addWidget(spacer)
        # The notification centre's unread count, once the board's first page is drawn.
        self.bell = Bell(self.context, bar, load_now=False)
        self.board.searched.connect(self.bell.reload, Qt.ConnectionType.SingleShotConnection)
        self.bell.clicked.connect(self.show_notifications)
        self.bell.announced.connect(self._tell_news)  # "3 new things since you were last here"
        self.context.changed.connect(self._news_decided)
        bar.addWidget(self.bell)
        person = self.context.person
        self.user_button = QToolButton(bar)
        self.user_button.setObjectName("userButton")
        self.user_button.setText(person.name)
        self.user_button.setAccessibleName(tr("Logged in as {who}", who=person.name))
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
            Role.STAFF: tr("Staff"),
            Role.SITE_MANAGER: tr("Site manager"),
            Role.ADMIN: tr("Administrator"),
            Role.EXTERNAL: tr("External contributor"),
        }
        return (
            roles.get(Role(person.role), person.role) if person.role in set(Role) else person.role
        )

    # --- navigation ---------------------------------------------------------------------

    def current_page(self) -> QWidget | None:
        return self.pages.currentWidget()

    def _push(self, page: QWidget) -> None:
        below = self.pages.currentWidget()
        if below is not None:  # where the keys were on the page below, for `back`
            self._focus_below[below] = self.focusWidget()
        self._history.append(page)
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        focus_start(page)
        self._update_navigation()

    def _drop(self, page: QWidget) -> None:
        keep_drafts = getattr(page, "keep_drafts", None)
        if callable(keep_drafts):
            keep_drafts()  # what was typed on it is kept, never dropped with the page
        self._built_by.pop(page, None)
        self._focus_below.pop(page, None)
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
        self._show_again(self._history[-1] if self._history else self.board)

    def _show_again(self, page: QWidget) -> None:
        """`page`, under the one just dropped, in front again with the keys where they were on it."""
        self.pages.setCurrentWidget(page)
        focused = self._focus_below.pop(page, None)
        if focused is not None and _alive(focused) and page.isAncestorOf(focused) and focused.isVisible():
            focused.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            focus_start(page)
        self._update_navigation()

    def go_board(self) -> None:
        self._clear_history()
        self.pages.setCurrentWidget(self.board)
        focus_start(self.board)  # Ctrl+1: the search, not whatever Qt passed the focus on to
        self._update_navigation()

    def search(self) -> None:
        self.go_board()
        self.board.focus_search()

    def _update_navigation(self) -> None:
        current = self.pages.currentWidget()
        self.back_action.setEnabled(bool(self._history))
        self.board_action.setChecked(current is self.board)
        self.my_page_action.setChecked(
            current in self._built_by and self._built_by[current] is my_page_screen
        )
        # "Ny opgave" marked on its form as the others on their pages (try-out s36, 19).
        made_by = self._built_by.get(current) if current is not None else None
        self.new_task_action.setChecked(made_by is task_form_screen and getattr(current, "task_id", None) is None)

    def go(self, screen: ScreenFactory, task_id: str | None = None) -> None:
        """Show the page `screen` builds on top of the current one; raises what building raises."""
        page = screen(self.context, self, task_id)
        self._built_by[page] = screen
        self._push(page)

    def open_task(self, task_id: str) -> None:
        """Show the task view of `task_id` (Navigator)."""
        self.go(task_view_screen, task_id)

    def open_review(self, task_id: str) -> None:
        """Show the review of the bids on `task_id` (Navigator)."""
        self.go(review_screen, task_id)

    def edit_task(self, task_id: str) -> None:
        """Show the task form for `task_id` (Navigator)."""
        self.go(task_form_screen, task_id)

    def new_task(self) -> None:
        if self.context.person.is_external:
            return
        self.go(task_form_screen, None)

    def show_notifications(self) -> None:
        """Show the notification centre, unless it is already in front."""
        current = self.current_page()
        if current is None or self._built_by.get(current) is not notifications_screen:
            self.go(notifications_screen)

    def show_bids_to_decide(self) -> None:
        """Show the tasks whose bids wait for the person (Navigator), unless already in front."""
        current = self.current_page()
        if current is None or self._built_by.get(current) is not bids_to_decide_screen:
            self.go(bids_to_decide_screen)

    def go_my_page(self) -> None:
        """Show My page on top of the board."""
        self.go_top(my_page_screen)

    def go_top(self, screen: ScreenFactory) -> None:
        """Show the page `screen` builds on top of the board, as a top-level page."""
        self._clear_history()
        self.go(screen)

    def place(self) -> list[tuple[ScreenFactory, str | None]]:
        """The pages above the board, oldest first, as (factory, task id): where the person is.

        The shell keeps this across a lock, so unlocking comes back to the same page.
        """
        return [
            (self._built_by[page], getattr(page, "task_id", None))
            for page in self._history
            if page in self._built_by
        ]

    def resume(self, place: list[tuple[ScreenFactory, str | None]]) -> None:
        """Open the pages of a `place()` again, so the person is where they were."""
        for screen, task_id in place:
            self.go(screen, task_id)

    def views(self) -> list[PageView]:
        """Where the person is on the board and on each page of `place()`, in that order (`ui.page_view`).

        A window rebuilt in another language shows them again (`show_views`): the
        same tab, scrolled as far, nothing typed lost.
        """
        top = self.pages.currentWidget()
        return [
            view_of(page, self.focusWidget() if page is top else self._focus_below.get(page))
            for page in [self.board, *self._history]
            if page is self.board or page in self._built_by
        ]

    def show_views(self, views: list[PageView]) -> None:
        """Put the board and the pages (reopened by `resume`) where `views()` of the old window had them."""
        pages = [page for page in self._history if page in self._built_by]
        top = self.pages.currentWidget()
        for number, (page, view) in enumerate(zip([self.board, *pages], views, strict=False)):
            show_view(page, view, typed=number > 0)  # the board's search is searched again by the shell
            # The keys where they were: on the page in front now, on those below for Back. A
            # try-out found them on "Withdraw the bid" after a switch, and Back went to the search.
            focused = focused_on(page, view)
            if page is top:
                if focused is not None:
                    _KeysBack(page, focused, self.keys_placed.emit)
                else:
                    QTimer.singleShot(0, self.keys_placed.emit)  # after the caller has connected
            elif focused is not None and not is_destructive(focused):
                self._focus_below[page] = focused

    def form_finished(self, task_id: str) -> None:
        """A saved or published form gives way to the task it made (Navigator)."""
        if self._history and self._built_by.get(self._history[-1]) is task_form_screen:
            self._drop(self._history.pop())
        if task_id:
            self.open_task(task_id)
        else:
            self._show_again(self._history[-1] if self._history else self.board)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.statusBar() and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._fit_told()
        return super().eventFilter(watched, event)

    def _fit_told(self) -> None:
        """Give the notice at most the width the sync status leaves it at its own size (px)."""
        if not self.told.isVisible():
            return
        gap = self.status.x() - self.told.geometry().right()  # the status bar's spacing between them
        shared = self.status.geometry().right() - self.told.x()  # what the two have together
        room = shared - gap - self.status.sizeHint().width()
        self.told.setMaximumWidth(max(self.told.minimumSizeHint().width(), room))

    def tell(self, text: str, give_way: str = "") -> None:
        """Say `text` in the status bar for half a minute (a file saved, and where).

        `give_way`: the part of `text` shortened first where it does not fit (a task's title).
        """
        self.told.setText(text, give_way)
        self.told.setMaximumWidth(QWIDGETSIZE_MAX)  # measured again (`_fit_told`) once laid out
        self.told.show()
        self._told_timer.start(30_000)

    def _tell_news(self, text: str) -> None:
        # A long task title gives way, so the news keeps what it says of the task (try-out:
        # "Ny opgave “Vikar for svømmeundervisning i 3. klasse på …" at 1280 px).
        self.tell(text, give_way=self.bell.desktop.last_title)

    def _news_decided(self, changes: Changes) -> None:
        """Clear news asking for a lending decision once it is made (try-out s36, 9: it stayed)."""
        news = self.news_being_told()
        bid_id = news.facts.get("bid") if news is not None else None
        if not bid_id or "bids" not in changes:
            return

        def clear(awaits: bool) -> None:
            if not awaits and self.news_being_told() is news:
                self._told_timer.stop()
                self.told.hide()

        self.context.query(lambda store: notifications.lending_awaits(store, str(bid_id)), parent=self).success(
            clear
        ).run_in_background()

    def news_being_told(self) -> Sentence | None:
        """What is new (`Bell.announced`), while the status bar still says it; else None."""
        news = self.bell.desktop.last_news
        if news is None or not self.told.isVisible() or self.told.text() != self.bell.desktop.last_said:
            return None
        return news

    def news_coming(self) -> bool:
        """Whether an announcement of what is new was asked for and its answer is still on its way.

        The store marks the news announced when asked: a window rebuilt meanwhile
        waits for the answer (`Bell.desktop.answered`), or the news would be lost.
        """
        return self.bell.desktop.asking > 0

    # --- the rest of the menu -------------------------------------------------------------

    def sync_now(self) -> None:
        self.status.sync_now()

    def show_attention(self) -> None:
        if isinstance(self.pages.currentWidget(), AttentionPanel):
            return
        page = AttentionPanel(self.context)
        page.open_task_requested.connect(self.open_task)
        self._push(page)

    def about(self) -> None:
        from ui.about import show_about  # version, server, device and site (issue 15)

        show_about(self, self.context)

    def _make_language_menu(self, knop: QMenu) -> None:
        """Dansk or English, each named in its own words; greyed out where IT locked the language."""
        self.language_menu = knop.addMenu(tr("Lan&guage"))
        group = QActionGroup(self.language_menu)
        for code, name in LANGUAGE_NAMES:
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == self.context.language)
            action.setData(code)
            group.addAction(action)
            action.triggered.connect(functools.partial(self.choose_language, code))
        self.language_menu.setEnabled(not self.context.settings.is_locked("language"))

    def choose_language(self, code: str) -> None:
        """Keep `code` ("da" or "en") as this person's language, then speak it.

        It is the person's, not the PC account's (a shared PC is many people): kept in
        their synced settings (`settings.set`, the key e-mail is written in too), so
        it follows them to other PCs. Once kept, `language_chosen` has the shell
        build this window again in it, on the same page (every page is built in one).
        """
        from desktop.core.notices import LANGUAGE_KEY
        from ui.background import describe

        def failed(error: BaseException) -> None:
            why = describe(error, self.context.language)
            self._language_note(tr("The language could not be changed: {why}", why=why))

        self.context.perform("settings.set", {"changes": {LANGUAGE_KEY: code}}, parent=self).success(
            lambda _outcome: self.language_chosen.emit(code)
        ).failure(failed).run_in_background()

    def _language_note(self, text: str) -> None:
        self.language_note = QMessageBox(QMessageBox.Icon.Information, tr("Language"), text, parent=self)
        self.language_note.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.language_note.open()

    def show_shortcuts(self) -> None:
        lines = [
            (self.new_task_action, tr("New task")),
            (self.search_action, tr("Search tasks")),
            (self.sync_action, tr("Sync now")),
            (self.board_action, tr("Board")),
            (self.my_page_action, tr("My page")),
            *((action, action.text().replace("&", "")) for action in (self.decide_action, *self.page_actions) if action),
            (self.back_action, tr("Back")),
            (self.lock_action, tr("Lock")),
            (self.switch_action, tr("Switch user")),
            (self.quit_action, tr("Quit")),
        ]
        from ui.shortcuts_dialog import ShortcutsDialog

        self.shortcuts_dialog = ShortcutsDialog(lines, self)
        self.shortcuts_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog.open()

    def _quit(self) -> None:
        self._quitting_from_menu = True
        self.quit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing the window quits Knop; the shell decides (it stops the threads first)."""
        if not self._quitting_from_menu and not getattr(self, "_torn_down", False):
            self.quit_requested.emit()
        super().closeEvent(event)

    def tear_down(self, *, keep_shown: bool = False) -> None:
        """Close every page now, so nothing of this person survives to the next screen.

        `keep_shown`: the window stays on screen, empty, and the caller hides and
        deletes it (a language switch: the keys typed meanwhile still have a window
        to go to, `ui.typed_ahead`).
        """
        self._torn_down = True
        self._clear_history()
        if not keep_shown:
            self.hide()
            self.deleteLater()


QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" width


class _Notice(ElidedLabel):
    """The status bar's notice: it asks for its whole sentence, `_fit_told` caps it at the room left.

    A heading's hint stops at 60 characters; the status bar gave the news no more (some
    430 px), so at 1280 px a rejection read "»Hjælp til t…«: »Tak! Opgav…" beside a sync
    state with room to spare (try-out 6).
    """

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        margins = self.contentsMargins()
        # Two pixels over the rounded advance, as ElidedLabel's own hint (no "…" when it fits).
        whole = self.fontMetrics().horizontalAdvance(self.text()[:400]) + 2 + margins.left() + margins.right()
        return QSize(max(hint.width(), whole), hint.height())


class _KeysBack(QObject):
    """Gives the keys back to `widget` on `page` (rebuilt in another language): now, or once it has loaded.

    A page's fields may be greyed out until its first load is drawn (the task view's
    comment box); until then the keys stay where `focus_start` put them, and they
    move on at the page's first `loaded`, which comes within moments of the rebuild.
    Never to a button marked destructive. A Qt child of the page, as `ui.page_view`'s helpers.
    """

    def __init__(self, page: QWidget, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(page)
        self._widget = widget
        self._then = then  # once the keys are given, or it is clear they cannot be
        loaded = getattr(page, "loaded", None)
        if self._give() or is_destructive(widget) or loaded is None:
            QTimer.singleShot(0, then)  # after the caller has connected
            self.deleteLater()
            return
        loaded.connect(self._loaded, Qt.ConnectionType.SingleShotConnection)
        self.destroyed.connect(then)  # the page went before it loaded: nothing more to wait for

    def _give(self) -> bool:
        widget = self._widget
        if not (_alive(widget) and widget.isVisible() and widget.isEnabled() and not is_destructive(widget)):
            return False
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _loaded(self) -> None:
        self._give()
        self.deleteLater()  # `then` runs as it goes


def _alive(widget: QWidget) -> bool:
    """Whether the C++ side of `widget` still exists (a page's child may be gone with a redraw)."""
    from shiboken6 import isValid

    return bool(isValid(widget))


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
        name=tr("Self-test"),
        username="self-test",
        home_site_id=None,
    )
    context = AppContext(person, folder / "knop.sqlite3", None, "en")
    return MainWindow(context)
