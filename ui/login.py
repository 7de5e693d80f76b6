"""The login and lock screens of a shared workstation.

The login screen lists the people who have logged in on this machine, so a
colleague picks their name and types only a password; anyone else types a
username. The lock screen shows nothing but the locked person's name and a
password field: whoever walks up to the machine sees no task, no bid and no
page that person had open. Both screens only collect what was typed; the
shell checks it off the UI thread and tells them how it went.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.accounts import Account
from ui.icon import app_icon
from ui.words import tr


class _ChosenOnly(QStyledItemDelegate):
    """Marks only a chosen (selected) person: the current row the list takes by itself is unmarked.

    Given the focus with nobody chosen, the list makes its top name current, and the
    style drew that one's focus mark as if it were chosen; a try-out's first Down then
    seemed to do nothing (it chose the name that already looked chosen). The list's
    own frame shows that it has the keyboard focus (`#knownAccounts:focus`).
    """

    def initStyleOption(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if not option.state & QStyle.StateFlag.State_Selected:  # type: ignore[operator]
            option.state &= ~QStyle.StateFlag.State_HasFocus  # type: ignore[assignment,operator]


class _Gate(QWidget):
    """What both screens share: a calm centred card, a problem line, a busy state."""

    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowIcon(app_icon())
        self.setWindowTitle(tr("Knop"))
        self.card = QFrame(self)
        self.card.setObjectName("gateCard")
        self.card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Maximum)
        self.card.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 34)
        self.card_layout = QVBoxLayout(self.card)
        self.card_layout.setContentsMargins(32, 24, 32, 24)
        self.card_layout.setSpacing(10)
        logo = QLabel(self.card)
        logo.setPixmap(
            QPixmap(str(paths.resources_dir() / "icons" / "knop.png")).scaled(
                QSize(56, 56),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        logo.setAccessibleName(tr("Knop"))
        self.card_layout.addWidget(logo)
        self.problem = QLabel(self.card)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.busy = QLabel(self.card)
        self.busy.setObjectName("busy")
        self.busy.hide()
        # Labels that wrap: their height is said to the layout (`_fit_wrapped`), or it
        # squeezes the fields to make room for an error message.
        self.wrapped: list[QLabel] = [self.problem]
        # The card centred on a page that scrolls only when the window is shorter than the
        # card (four people listed and a two-line error at 1024x560): never squeezed.
        page = QWidget(self)
        page.setObjectName("gatePage")
        centred = QVBoxLayout(page)
        centred.setContentsMargins(8, 8, 8, 8)
        centred.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card)
        row.addStretch(1)
        centred.addLayout(row)
        centred.addStretch(2)
        self.card_area = QScrollArea(self)
        self.card_area.setObjectName("gateScroll")
        self.card_area.setFrameShape(QFrame.Shape.NoFrame)
        self.card_area.setWidgetResizable(True)
        self.card_area.setWidget(page)
        self.card_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, which it scrolls to
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.card_area)
        self._closing_by_shell = False

    def show_problem(self, text: str) -> None:
        self._say(text, "problem")

    def show_welcome(self, text: str) -> None:
        """Good news (an invitation taken up) where problems show, without their alarm colours."""
        self._say(text, "welcome")

    def _say(self, text: str, tone: str) -> None:
        if self.problem.property("tone") != tone:
            self.problem.setProperty("tone", tone)  # the style sheet's #problem[tone="welcome"]
            self.problem.style().unpolish(self.problem)
            self.problem.style().polish(self.problem)
        self.problem.setText(text)
        self.problem.setAccessibleDescription(text)
        self.problem.setVisible(bool(text))
        self._fit_wrapped()

    def _fit_wrapped(self) -> None:
        """Tell the card's layout how high each wrapped label is at the card's real width.

        A layout asks a wrapped label only for its one-line minimum, so a short
        window gave the fields' height to a two-line message. Measured again
        whenever the text, the font or the style sheet (paddings, the note's
        smaller font) changes, since all of them change the lines.
        """
        margins = self.card_layout.contentsMargins()
        inside = self.card.contentsRect().width() - margins.left() - margins.right()
        for label in self.wrapped:
            # The card's width is fixed, so the height is too: said as a minimum, with
            # height-for-width off, or the scroll area would give the card its tallest
            # layout (all four people in sight) instead of letting the list give way.
            policy = label.sizePolicy()
            policy.setHeightForWidth(False)
            label.setSizePolicy(policy)
            label.setMinimumHeight(label.heightForWidth(inside) if label.text() else 0)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self._fit_wrapped()  # the style sheet has given the labels their fonts by now
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit_wrapped()
        super().changeEvent(event)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy.setText(text)
        self.busy.setVisible(busy)
        for widget in (
            self.card.findChildren(QLineEdit)
            + self.card.findChildren(QPushButton)
            + self.card.findChildren(QListWidget)
        ):
            widget.setEnabled(not busy)

    def close_quietly(self) -> None:
        """Close because the shell moves on, not because the person wants to quit."""
        self._closing_by_shell = True
        for field in self.findChildren(QLineEdit):
            field.clear()
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self._closing_by_shell:
            self.quit_requested.emit()
        super().closeEvent(event)


class LoginScreen(_Gate):
    login_requested = Signal(str, str)  # username, password
    invitation_taken_up = Signal(str)  # username: the machine's settings changed (issue 14)

    def __init__(self, accounts: Sequence[Account], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginScreen")
        heading = QLabel(tr("Log in to Knop"), self.card)
        heading.setObjectName("heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.card_layout.addWidget(heading)

        self.people = QListWidget(self.card)
        self.people.setObjectName("knownAccounts")
        self.people.setAccessibleName(tr("People who have logged in on this computer"))
        self.people.setItemDelegate(_ChosenOnly(self.people))
        for account in accounts:
            item = QListWidgetItem(f"{account.display_name}\n{account.username}")
            item.setData(Qt.ItemDataRole.UserRole, account.username)
            item.setSizeHint(QSize(0, self.fontMetrics().height() * 2 + 16))
            self.people.addItem(item)
        self.people.setVisible(bool(accounts))
        # Up to four people in sight; on a short screen (1024x600) the list gives way first,
        # down to one row, and scrolls, so the fields and buttons below keep their size.
        row_height = self.fontMetrics().height() * 2 + 16
        self.people.setMaximumHeight(min(len(accounts), 4) * row_height + 6)
        self.people.setMinimumHeight(min(len(accounts), 1) * row_height + 6)
        # A choice is a selection (a click, the arrow keys), not the current item: a list
        # that gets focus without one makes its first person current by itself, and that
        # must not overwrite the username someone typed (a refused login moves the focus).
        # The arrow keys fill in the username and leave the keys in the list, to go on to
        # the next name; a click or Enter also goes on to the password (`_chosen`).
        self.people.itemSelectionChanged.connect(self._picked)
        self.people.itemClicked.connect(self._chosen)
        self.people.installEventFilter(self)
        pick = QLabel(tr("Choose your name, or type your username:"), self.card)
        pick.setWordWrap(True)
        pick.setVisible(bool(accounts))
        self.card_layout.addWidget(pick)
        self.card_layout.addWidget(self.people)

        self.username = QLineEdit(self.card)
        self.username.setObjectName("username")
        self.username.setAccessibleName(tr("Username"))
        self.username.setPlaceholderText(tr("e.g. anna"))
        self.password = QLineEdit(self.card)
        self.password.setObjectName("password")
        self.password.setAccessibleName(tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        # Each label above its field (a QFormLayout wrapping its rows told the card too small
        # a minimum height, and a short screen squeezed the fields).
        form = QVBoxLayout()
        form.setSpacing(6)
        for text, field in ((tr("&Username"), self.username), (tr("&Password"), self.password)):
            label = QLabel(text, self.card)
            label.setBuddy(field)
            form.addWidget(label)
            form.addWidget(field)
        self.card_layout.addLayout(form)

        self.login_button = QPushButton(tr("Log in"), self.card)
        self.login_button.setObjectName("primary")
        self.login_button.setDefault(True)
        self.login_button.setAutoDefault(True)
        self.login_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.people.itemActivated.connect(self._chosen)  # Enter on the current person chooses them
        self.card_layout.addWidget(self.login_button)
        self.card_layout.addWidget(self.problem)
        self.card_layout.addWidget(self.busy)
        note = QLabel(
            tr(
                "The first time you log in on this computer, Knop needs a connection "
                "to the server. After that you can also log in offline for a while."
            ),
            self.card,
        )
        note.setObjectName("note")
        note.setWordWrap(True)
        self.card_layout.addWidget(note)
        self.wrapped += [pick, note]
        self._fit_wrapped()
        self.invitation_button = QPushButton(tr("I have an &invitation…"), self.card)
        self.invitation_button.clicked.connect(self.open_invitation)
        self.card_layout.addWidget(self.invitation_button)
        self.server_url: str | None = None  # for the invitation dialog; the shell sets it
        self.site_workstation = False  # a site's shared computer (the shell knows), not someone's own

        QWidget.setTabOrder(self.people, self.username)
        QWidget.setTabOrder(self.username, self.password)
        QWidget.setTabOrder(self.password, self.login_button)
        # Nobody is preselected: after a switch of user the next person is someone else.
        if accounts:
            self.people.setFocus()
        else:
            self.username.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Letters typed while the list has the focus are a username: they go to its field.

        The list has the focus first ("Choose your name, or type your username"). Left
        to Qt, its type-ahead chose the first person whose name began with the first
        letter, which moved the focus to the password field, so the rest of a typed
        username went into the password; and a name nobody in the list has was
        swallowed, so the password that followed was typed into the username field,
        in plain sight. Arrow keys and Enter still choose from the list.
        """
        if watched is self.people and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._first_step(event):
                return True
            typed = event.text()
            plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if plain and typed.isprintable() and typed.strip():
                self.people.clearSelection()
                self.password.clear()
                self.username.selectAll()  # a name typed afresh replaces the one there
                self.username.setFocus()
                self.username.insert(typed)
                return True
        return super().eventFilter(watched, event)

    def _first_step(self, event: QKeyEvent) -> bool:
        """Down, Up or Home with nobody chosen chooses the top name; End the last. True when done here.

        The list made its top name current (not chosen) when it got the focus, so Qt's
        Down went from there to the second name (a try-out: the first Down seemed to
        choose the top one, and then the keys had gone to the password). Once someone
        is chosen they are also the current row, and Qt's own keys move on from them.
        """
        people = self.people
        if people.selectedItems() or not people.count() or event.modifiers():
            return False
        first = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        if event.key() in first:
            people.setCurrentRow(0)
        elif event.key() == Qt.Key.Key_End:
            people.setCurrentRow(people.count() - 1)
        else:
            return False
        return True

    def _picked(self) -> None:
        """The name chosen in the list (the arrow keys) fills in the username; the keys stay in the list."""
        item = next(iter(self.people.selectedItems()), None)
        if item is None:
            return
        self.username.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self.password.clear()

    def _chosen(self, item: QListWidgetItem) -> None:
        """A click or Enter on a name: it is the username, and the password is next."""
        self.username.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self.password.clear()
        self.password.setFocus()

    def _submit(self) -> None:
        username = self.username.text().strip()
        if not username:
            self.show_problem(tr("Type your username, or choose your name in the list."))
            self.username.setFocus()
            return
        if not self.password.text():
            self.show_problem(tr("Type your password."))
            self.password.setFocus()
            return
        self.show_problem("")
        password = self.password.text()
        self.set_busy(True, tr("Logging in…"))
        self.login_requested.emit(username, password)

    def failed(self, text: str) -> None:
        self.set_busy(False)
        self.password.clear()
        self.show_problem(text)
        self.password.setFocus()

    def open_invitation(self) -> QWidget:
        """The invitee's first login: make their account, then log in as usual."""
        from ui.invitation import AcceptInvitationDialog  # only when asked for: start-up is measured

        dialog = AcceptInvitationDialog(self.server_url, self, site_workstation=self.site_workstation)
        dialog.taken_up.connect(self._taken_up)
        dialog.open()
        return dialog

    def _taken_up(self, username: str) -> None:
        self.username.setText(username)
        self.password.clear()
        self.password.setFocus()
        self.show_welcome(tr("Welcome! Log in with the password you chose."))
        self.invitation_taken_up.emit(username)


class LockScreen(_Gate):
    """Only the name of the person who locked, and a password field."""

    unlock_requested = Signal(str)  # password
    switch_user_requested = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        heading = QLabel(tr("Knop is locked"), self.card)
        heading.setObjectName("heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.name_label = QLabel(name, self.card)
        self.name_label.setObjectName("lockedName")
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.password = QLineEdit(self.card)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(tr("Password for {who}", who=name))
        self.password.setPlaceholderText(tr("Password"))
        self.password.returnPressed.connect(self._submit)
        self.unlock_button = QPushButton(tr("Unlock"), self.card)
        self.unlock_button.setObjectName("primary")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.switch_button = QPushButton(tr("Log in as someone else"), self.card)
        self.switch_button.setObjectName("link")
        self.switch_button.setFlat(True)
        self.switch_button.clicked.connect(self.switch_user_requested)
        for widget in (heading, self.name_label, self.password, self.unlock_button):
            self.card_layout.addWidget(widget)
        self.card_layout.addWidget(self.problem)
        self.card_layout.addWidget(self.busy)
        self.card_layout.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.password.setFocus()

    def _submit(self) -> None:
        if not self.password.text():
            self.show_problem(tr("Type your password."))
            return
        self.show_problem("")
        password = self.password.text()
        self.set_busy(True, tr("Checking…"))
        self.unlock_requested.emit(password)

    def failed(self, text: str) -> None:
        self.set_busy(False)
        self.password.clear()
        self.show_problem(text)
        self.password.setFocus()
