"""The notification centre: the bell with its unread count, the list, desktop notifications, counts.

Everything is read through `desktop.notifications` on the DB thread and redrawn
when `context.changed` names the notifications (a sync derived new ones) or
their read state (`notice_reads`, changed here or on another of the person's
devices). It all hangs off the person's `AppContext`, so logging out, locking or
switching user drops it with the rest of their session: the next person on a
shared workstation never sees the last one's bell, list or pop-ups.

Desktop notifications use QSystemTrayIcon while Knop is not the active window;
where the platform has no tray (`isSystemTrayAvailable()` is false, as on some
Linux desktops) the bell is all there is, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QMouseEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSystemTrayIcon,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import lending, notifications, paths
from desktop.core import notices
from desktop.core.entities import LendingPolicy
from desktop.core.ids import uuid7
from desktop.core.text import Quoted, Sentence, plural_sentence, sentence
from ui import wording
from ui.background import Changes
from ui.context import AppContext
from ui.long_text import heading
from ui.screen import Screen
from ui.table_model import scrolling
from ui.words import LANGUAGE_NAMES
from ui.window_focus import mark_destructive

WATCHES = frozenset({notifications.TABLE, "notice_reads"})
DECISIONS_WATCH = frozenset({"bids", "tasks"})
ID_ROLE = Qt.ItemDataRole.UserRole
TASK_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROWS = 3  # the saved searches' list keeps this many rows when the window is short


class Bell(QToolButton):
    """The toolbar's bell: how many notifications are unread; a click opens the centre.

    `load_now=False` leaves the first count to the owner (`reload`), so that the
    window can let the board's first page go first on the DB thread. `announced`
    carries the one line said about what is new (`DesktopNotifier`), for the
    window's status bar: also when Knop is in front, as on a first login.
    """

    announced = Signal(str)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, load_now: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bell")
        self.context = context
        self.unread = 0
        self.desktop = DesktopNotifier(context, self)
        self.desktop.said.connect(self.announced)
        self._first_count = True
        self.setIcon(QIcon(str(paths.resources_dir() / "icons" / "bell.svg")))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._draw()
        context.changed.connect(self._changed)
        if load_now:
            self.reload()

    def _changed(self, changes: Changes) -> None:
        if WATCHES & changes:
            self.reload()
            if notifications.TABLE in changes:
                self.desktop.announce()

    def reload(self) -> None:
        person_id = self.context.person.id
        self.context.query(
            lambda store: notifications.unread_count(store, person_id), parent=self
        ).success(self._counted).run_in_background()

    def carry(self, unread: int) -> None:
        """Show `unread` as the window before this one counted it, until the first count here.

        The window built anew for another language had a bare bell until its count came
        (try-out 7); the count is known, so it is shown from the start. Says nothing new.
        """
        self.unread = unread
        self._draw()

    def _counted(self, unread: int) -> None:
        self.unread = unread
        self._draw()
        if self._first_count and unread:
            # What was found while nobody here was logged in (the last session ended
            # before it was said): said once, at login.
            self.desktop.announce()
        self._first_count = False

    def _draw(self) -> None:
        language = self.context.language
        self.setText(str(self.unread) if self.unread else "")
        said = plural_sentence(
            "{n} unread notification", "{n} unread notifications", self.unread
        ).text(language)
        self.setAccessibleName(sentence("Notifications").text(language) + ": " + said)
        self.setToolTip(said)
        font = self.font()
        font.setBold(self.unread > 0)
        self.setFont(font)


class DesktopNotifier(QObject):
    """Says what is new once: one line (`said`), popped up on the desktop while another program is in front.

    One new notice is said as itself; several (a first login on a PC new to the
    person, a day offline) as "3 new things since you were last here", never
    one pop-up each.
    """

    said = Signal(str)
    answered = Signal()  # an `announce` has its answer (said or nothing new); `asking` counts down

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        # Announcements asked for whose answer has not come back: the store marks what
        # is new announced when asked, so a window that goes meanwhile would lose it.
        self.asking = 0
        self.tray: QSystemTrayIcon | None = None
        self.shown: list[str] = []  # the messages popped up, newest last (what tests look at)
        self.last_said = ""  # the last line said (what tests look at)
        self.last_news: Sentence | None = None  # the same, in no language yet (`say_again`)
        self.last_title = ""  # the task's title in that line, which gives way where it is long

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def announce(self) -> None:
        """Mark what is new as announced and, if Knop is not in front, show it."""
        person_id = self.context.person.id

        def ask(store: Any) -> tuple[bool, notifications.Announcement | None]:
            wanted = notices.preference(
                notifications.settings_of(store, person_id), notices.DESKTOP_KEY
            )
            return bool(wanted), notifications.announcement(store, person_id)

        self.asking += 1
        self.context.query(ask, parent=self).success(self._show).failure(
            lambda _error: self._answered()
        ).run_in_background()

    def _answered(self) -> None:
        self.asking -= 1
        self.answered.emit()

    def say_again(self, news: Sentence) -> None:
        """Say `news` once more, in this window's language: a line, never a pop-up.

        The news was marked announced when first said, so a window rebuilt in
        another language (the person's own arriving with their first sync) would
        otherwise say nothing of it.
        """
        self._say(news)

    def _say(self, news: Sentence) -> str:
        language = self.context.language
        text = news.text(language)
        title = news.facts.get("title") or ""
        if isinstance(title, Quoted):  # the title gives way inside its quotation marks
            title = title.words
        self.last_title = title.text(language) if isinstance(title, Sentence) else str(title)
        self.last_news, self.last_said = news, text
        self.said.emit(text)
        return text

    def _show(self, answer: tuple[bool, notifications.Announcement | None]) -> None:
        wanted, new = answer
        try:
            if new is not None:
                self._pop_up(wanted, self._say(new.sentence()))
        finally:
            self._answered()  # after saying it: a window waiting for the answer carries it over

    def _pop_up(self, wanted: bool, text: str) -> None:
        if not wanted or QApplication.activeWindow() is not None:
            return
        if not self.available():
            return  # the bell is enough where there is no tray
        if self.tray is None:
            icon = QApplication.windowIcon()
            self.tray = QSystemTrayIcon(icon if not icon.isNull() else QIcon(), self)
            self.tray.show()
        self.shown.append(text)
        self.tray.showMessage("Knop", text, QSystemTrayIcon.MessageIcon.Information, 8000)


class _SecondClick(QObject):
    """Swallows the second click of a double click whose first click, in `where`, opened a page.

    `where`: the clicked row, in global coordinates; a double click's second click lands
    within the drag distance of its first. Lives until that click's release, or a
    double-click interval (`QApplication.doubleClickInterval`, ms) when none comes.
    """

    _MOUSE = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseButtonRelease)

    def __init__(self, where: QRect, parent: QObject) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app
        slack = app.startDragDistance()
        self._where = where.adjusted(-slack, -slack, slack, slack)
        self._pressed = False
        app.installEventFilter(self)
        QTimer.singleShot(app.doubleClickInterval(), self, self._end)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in self._MOUSE or not isinstance(event, QMouseEvent) or not watched.isWidgetType():
            return False
        if not self._where.contains(event.globalPosition().toPoint()):
            return False
        if kind == QEvent.Type.MouseButtonRelease:
            if not self._pressed:  # the first click's own release, still on its way
                return False
            self._end()
        self._pressed = True
        return True

    def _end(self) -> None:
        self._app.removeEventFilter(self)
        self.deleteLater()


def _dot(side: int, colour: QColor | None) -> QIcon:
    """A filled circle `side` px across in `colour`; None: as much empty room (for the read)."""
    picture = QPixmap(side, side)
    picture.fill(Qt.GlobalColor.transparent)
    if colour is not None:
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        dot = round(side * 0.6)  # a clear mark, not a speck, within a line's height
        painter.drawEllipse((side - dot) // 2, (side - dot) // 2, dot, dot)
        painter.end()
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
        icon.addPixmap(picture, mode)
    return icon


class NotificationCentre(Screen):
    """The person's notifications, newest first, the unread marked by a dot; an entry opens its task.

    A second tab holds what they want to be told and how (`NotificationPreferences`).
    """

    WATCHES = WATCHES
    open_task_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("notification-centre")
        self.rows: list[notifications.Notification] = []
        self._opening = False
        language = self.language
        self.title = heading(sentence("Notifications").text(language), self)
        self.list = QListWidget(self)
        self.list.setObjectName("notifications")
        self.list.setAccessibleName(sentence("Notifications").text(language))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(3)
        side = self.list.fontMetrics().height()
        self.list.setIconSize(QSize(side, side))
        self._dots = {False: _dot(side, self.palette().color(QPalette.ColorRole.Highlight)), True: _dot(side, None)}
        self.empty = QLabel(sentence("Nothing new. Notifications about your bids, your tasks "
                                     "and new tasks that fit you appear here.").text(language), self)
        self.empty.setWordWrap(True)
        self.read_all = QPushButton(sentence("Mark all as read").text(language), self)
        self.read_all.clicked.connect(self.mark_all_read)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.read_all)
        inbox = QWidget(self)
        inbox_layout = QVBoxLayout(inbox)
        inbox_layout.addWidget(self.empty)
        inbox_layout.addWidget(self.list, 1)
        self.preferences = NotificationPreferences(context, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(inbox, sentence("Notifications").text(language))
        # Scrolled where the window is short (1024x768 holds less than eleven rows and the
        # searches): squeezed, its combo boxes cut their letters' descenders.
        self.preferences_area = scrolling(self.preferences, SEARCH_ROWS)
        self.tabs.addTab(self.preferences_area, sentence("Preferences").text(language))
        self.tabs.setAccessibleName(sentence("Notifications or preferences").text(language))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.list.activated.connect(self._activated)
        self.list.itemClicked.connect(self._clicked)
        self.reload()

    def _clicked(self, item: QListWidgetItem) -> None:
        # A click opens the task; a double click's second click then landed on the task's
        # description and selected a word in it (try-out 6): it is swallowed.
        rect = self.list.visualItemRect(item)
        _SecondClick(QRect(self.list.viewport().mapToGlobal(rect.topLeft()), rect.size()), self)
        self._activated(self.list.indexFromItem(item))

    def question(self) -> Callable[[Any], list[notifications.Notification]]:
        person_id = self.context.person.id
        return lambda store: notifications.recent(store, person_id)

    def draw(self, rows: list[notifications.Notification]) -> None:
        self.rows = rows
        self.list.clear()
        language = self.language
        for row in rows:
            when = wording.moment(row.at, language)
            item = QListWidgetItem(f"{row.text(language)}\n{when}")
            item.setData(ID_ROLE, row.id)
            item.setData(TASK_ROLE, row.task_id)
            # A dot marks the unread; every unread entry in bold, its date too, was a wall of
            # bold (try-out s36, 19). The read ones keep the dot's room, so the text lines up.
            item.setIcon(self._dots[row.read])
            state = sentence("unread").text(language) if not row.read else sentence("read").text(language)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, state)
            self.list.addItem(item)
        self.empty.setVisible(not rows)
        self.list.setVisible(bool(rows))
        self.read_all.setEnabled(any(not r.read for r in rows))

    def _activated(self, index: QModelIndex) -> None:
        # A click may also activate (single-click platforms): one click opens one task.
        if not index.isValid() or self._opening:
            return
        self._opening = True
        QTimer.singleShot(0, lambda: setattr(self, "_opening", False))
        row = self.rows[index.row()]
        if not row.read:
            self.act("notice.read", {"notice_ids": [row.id]}, lambda _refused: None)
        self.open_task_requested.emit(row.task_id)

    def mark_all_read(self) -> None:
        unread = [r.id for r in self.rows if not r.read]
        for start in range(0, len(unread), 500):  # notice.read takes up to 500 at once
            self.act("notice.read", {"notice_ids": unread[start : start + 500]}, lambda _r: None)


class DecisionCount(QPushButton):
    """ "N bids wait for your decision" for the people who decide on bids; hidden at none.

    It leads to where they are decided: pressed (click, or Space/Enter with the focus
    on it), the page it sits on passes `clicked` on to the window, which opens "Bids
    to decide" (`ui.bids_to_decide`). A try-out found a plain sentence that led nowhere.
    """

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, load_now: bool = True
    ) -> None:
        """`load_now=False`: the owner asks for the first count (`reload`), as the Bell's."""
        super().__init__(parent)
        self.setObjectName("decisions")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoDefault(True)  # Enter presses it too, not only Space
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)  # as wide as its words
        self.setToolTip(sentence("Show the tasks whose bids wait for you").text(context.language))
        self.context = context
        self.waiting = 0
        self.hide()
        context.changed.connect(lambda changes: self.reload() if DECISIONS_WATCH & changes else None)
        if load_now:
            self.reload()

    def reload(self) -> None:
        person = self.context.person
        self.context.query(
            lambda store: notifications.waiting_for_decision(store, person), parent=self
        ).success(self._counted).run_in_background()

    def _counted(self, waiting: int) -> None:
        self.waiting = waiting
        self.setText(
            plural_sentence(
                "{n} bid waits for your decision", "{n} bids wait for your decision", waiting
            ).text(self.context.language)
        )
        self.setVisible(waiting > 0)


class SaveSearchButton(QPushButton):
    """Saves the board's current search and filters; new tasks that match it will notify."""

    saved = Signal(str)  # the search's name, once the operation is queued

    def __init__(
        self, context: AppContext, current: Callable[[], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(sentence("Save search").text(context.language), parent)
        self.setObjectName("saveSearch")
        self.context = context
        self.current = current  # the board's filters() -> desktop.board.BoardFilter
        self.setToolTip(
            sentence("Be told about new tasks that match this search").text(context.language)
        )
        self.clicked.connect(self.ask)

    def ask(self) -> None:
        filters = self.current()
        name, ok = QInputDialog.getText(
            self,
            sentence("Save search").text(self.context.language),
            sentence("Name of the search:").text(self.context.language),
            text=filters.text or "",
        )
        if ok and name.strip():
            self.save(name.strip())

    def save(self, name: str) -> None:
        payload = {
            "search_id": uuid7(),
            "name": name,
            "filters": notifications.search_filters(self.current()),
        }
        self.context.perform("search.save", payload, parent=self).success(
            lambda _outcome: self.saved.emit(name)
        ).run_in_background()


class NotificationPreferences(Screen):
    """What the person wants to be told of, in Knop and by e-mail, and their saved searches.

    Each change is one `settings.set` (or `search.delete`) operation: the
    preferences are the person's own synced row, so they follow them to every
    workstation and the server reads them to decide on e-mail.
    """

    WATCHES = frozenset({"person_settings", "saved_searches", "organisations"})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("notification-preferences")
        language = self.language
        self.values: dict[str, Any] = {}
        self._drawing = False
        self.in_app: dict[str, QCheckBox] = {}
        self.email: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel(sentence("Tell me when").text(language), self), 0, 0)
        grid.addWidget(QLabel(sentence("In Knop").text(language), self), 0, 1)
        grid.addWidget(QLabel(sentence("By e-mail").text(language), self), 0, 2)
        modes = (
            (notices.EMAIL_OFF, sentence("Never")),
            (notices.EMAIL_IMMEDIATE, sentence("At once")),
            (notices.EMAIL_DIGEST, sentence("In a daily digest")),
        )
        # A row for every kind; only those that can ever be for this person are shown
        # (`notices.concerns`, `_show_rows`): staff were asked about lending "one of my
        # staff", which only their site manager is told of, and only as the
        # organisation's lending setting has it, which the store answers.
        self.kinds = list(notices.KINDS)
        self.rows: dict[str, tuple[QWidget, ...]] = {}
        for row, kind in enumerate(self.kinds, start=1):
            name = notices.kind_name(kind).text(language)
            label = QLabel(name, self)
            grid.addWidget(label, row, 0)
            box = QCheckBox(self)
            box.setAccessibleName(name + ": " + sentence("In Knop").text(language))
            box.toggled.connect(lambda on, k=kind: self._set(notices.in_app_key(k), on))
            self.in_app[kind] = box
            # As wide as its box, not the column: its focus line (the style sheet's underline)
            # ran from the box across the empty column, a stray line under nothing.
            grid.addWidget(box, row, 1, Qt.AlignmentFlag.AlignLeft)
            combo = QComboBox(self)
            combo.setAccessibleName(name + ": " + sentence("By e-mail").text(language))
            for value, said in modes:
                combo.addItem(said.text(language), value)
            combo.currentIndexChanged.connect(
                lambda _i, k=kind, c=combo: self._set(notices.email_key(k), c.currentData())
            )
            self.email[kind] = combo
            grid.addWidget(combo, row, 2)
            self.rows[kind] = (label, box, combo)
        self._show_rows(LendingPolicy.OFF)  # the organisation's default until the store answers
        self.desktop = QCheckBox(
            sentence("Show notifications on the desktop when Knop is not in front").text(language), self
        )
        self.desktop.toggled.connect(lambda on: self._set(notices.DESKTOP_KEY, on))
        # One language per person, Knop's and their e-mail's (notices.LANGUAGE_KEY): chosen
        # in one place, the Knop menu, which speaks it at once. A second box here set the
        # same value under an e-mail label, so it changed the app's language unsaid.
        self.mail_language = QLabel(self)
        self.mail_language.setObjectName("mailLanguage")
        self.mail_language.setWordWrap(True)
        language_row = QHBoxLayout()
        # Where IT fixed the PC's language the Knop menu's choice is greyed out, yet e-mail
        # goes to the person wherever they are: the same one setting is chosen here instead.
        self.mail_language_box: QComboBox | None = None
        if context.settings.is_locked("language"):
            self.mail_language_box = QComboBox(self)
            self.mail_language_box.setObjectName("mailLanguageChoice")
            for code, name in LANGUAGE_NAMES:
                self.mail_language_box.addItem(name, code)
            self.mail_language_box.currentIndexChanged.connect(
                lambda _i, box=self.mail_language_box: self._set(notices.LANGUAGE_KEY, box.currentData())
            )
            chooser = QLabel(sentence("Language of your e-mail:").text(language), self)
            chooser.setBuddy(self.mail_language_box)
            self.mail_language_box.setAccessibleName(sentence("Language of your e-mail").text(language))
            language_row.addWidget(chooser)
            language_row.addWidget(self.mail_language_box)
        language_row.addWidget(self.mail_language, 1)

        self.searches = QListWidget(self)
        self.searches.setAccessibleName(sentence("Saved searches").text(language))
        self.delete_search = QPushButton(sentence("Delete search").text(language), self)
        mark_destructive(self.delete_search)  # never where the focus is put for the person
        self.delete_search.clicked.connect(self.delete_current_search)
        searches_box = QGroupBox(sentence("Saved searches").text(language), self)
        searches_layout = QVBoxLayout(searches_box)
        searches_layout.addWidget(
            QLabel(sentence("Save a search on the board to be told of new tasks that match it.")
                   .text(language), searches_box)
        )
        searches_layout.addWidget(self.searches, 1)
        searches_layout.addWidget(self.delete_search)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.desktop)
        layout.addLayout(language_row)
        layout.addWidget(searches_box, 1)
        self.reload()

    def question(self) -> Callable[[Any], tuple[dict[str, Any], list[Any], str]]:
        person = self.context.person
        return lambda store: (
            notifications.settings_of(store, person.id),
            notifications.saved_searches(store, person.id),
            lending.policy(store, person),
        )

    def _show_rows(self, lending_policy: str) -> None:
        """Show the rows of the kinds that can be for the person under the organisation's lending."""
        for kind, widgets in self.rows.items():
            shown = notices.concerns(kind, self.context.person, lending_policy)
            for widget in widgets:
                widget.setVisible(shown)

    def draw(self, data: tuple[dict[str, Any], list[Any], str]) -> None:
        values, searches, lending_policy = data
        self._show_rows(lending_policy)
        self.values = values
        self._drawing = True  # setting the widgets must not send their values back
        try:
            for kind in self.kinds:
                self.in_app[kind].setChecked(
                    bool(notices.preference(values, notices.in_app_key(kind)))
                )
                combo = self.email[kind]
                combo.setCurrentIndex(combo.findData(notices.preference(values, notices.email_key(kind))))
            self.desktop.setChecked(bool(notices.preference(values, notices.DESKTOP_KEY)))
            self.mail_language.setText(self._mail_language_said(values))
            if self.mail_language_box is not None:
                box = self.mail_language_box
                box.setCurrentIndex(box.findData(notices.preference(values, notices.LANGUAGE_KEY)))
            self.searches.clear()
            for search in searches:
                item = QListWidgetItem(search.name)
                item.setData(ID_ROLE, search.id)
                self.searches.addItem(item)
            self.delete_search.setEnabled(bool(searches))
        finally:
            self._drawing = False

    def _mail_language_said(self, values: dict[str, Any]) -> str:
        """Which language the person's e-mail is in, and where that is chosen."""
        if self.mail_language_box is not None:
            return sentence(
                "Knop's language on this PC is set by IT. The language you choose for your e-mail "
                "is also Knop's for you on PCs where you choose it yourself."
            ).text(self.language)
        code = notices.preference(values, notices.LANGUAGE_KEY)
        # Named in the reader's words, lower case in a Danish sentence ("på engelsk").
        names = {"da": sentence("Danish"), "en": sentence("English")}
        name = names[code].text(self.language) if code in names else str(code)
        return sentence(
            "E-mail from Knop is written in {language}: the language you choose under "
            "Knop → Language is Knop's and your e-mail's.",
            language=name,
        ).text(self.language)

    def _set(self, key: str, value: Any) -> None:
        if self._drawing or notices.preference(self.values, key) == value:
            return
        self.values = {**self.values, key: value}
        self.act("settings.set", {"changes": {key: value}}, lambda _refused: self.reload())

    def delete_current_search(self) -> None:
        item = self.searches.currentItem() or self.searches.item(0)
        if item is not None:
            self.act("search.delete", {"search_id": item.data(ID_ROLE)}, lambda _r: self.reload())
