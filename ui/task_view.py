"""One task: what it asks for, the conversation about it, and my bid on it.

Anyone who may see a task reads it here, asks questions in the conversation
and bids. The owner and the site's managers also see every bid (and can go
to the review); everyone else sees only how many bids there are, because a
colleague's bid is between them and the manager. Buttons follow
`desktop.core.permissions`, the rules the server applies too, so a button that is
enabled is one the server will normally honour.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core import eligibility, operations, permissions, rejection
from desktop.core.entities import BidStatus, TaskStatus
from desktop.calendar_file import file_name, task_calendar
from desktop.core.ids import utc_now, uuid7
from desktop.core.operations import Outcome
from desktop.store import Store
from desktop.core.text import quoted, translate
from desktop.insights import MyInvitation, invitation_on
from desktop.task_detail import BidLine, CommentLine, TaskDetail, task_detail
from ui import wording
from ui.end_in_view import EndKept
from ui.form_draft import FormDraft, put_text
from ui.page_view import kept_by_draft
from ui.long_text import breakable, heading, shortened
from ui.flow_layout import FlowLayout
from ui.screen import ProblemLabel, TaskScreen, send_shortcut
from ui.table_model import Column, RowsModel, keep_rows, table_view
from ui.context import AppContext
from ui.words import language, ntr, tr
from ui.window_focus import mark_destructive

log = logging.getLogger(__name__)

# The bid's message box, in lines of text: at least, and at most where the column has room.
BID_MESSAGE_LINES = (5, 10)


class NoAltTyping(QObject):
    """Keeps Alt+letter out of the text fields it watches: a mnemonic or nothing, never a letter.

    Alt with a letter that is no mnemonic on the page typed the letter into the message box
    (try-out s36: Alt+N typed "n"). Mnemonics are shortcuts, handled before the key press
    reaches the field, so they still work. Ctrl+Alt is left alone: on Windows it is AltGr,
    which types "@" and "€".
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            held = event.modifiers()
            if held & Qt.KeyboardModifier.AltModifier and not held & Qt.KeyboardModifier.ControlModifier:
                return bool(event.text())
        return super().eventFilter(watched, event)


class GrowingText(QPlainTextEdit):
    """A text field that asks for no more than its minimum height and grows into spare room.

    A text editor's own preferred height (192 px) was taken before anything below it had
    its share: the bid's message took it all and pushed "Send comment" out of view.
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().sizeHint().width(), self.minimumHeight())


def hidden_person(person_id: str, detail: TaskDetail, reader_is_external: bool) -> str:
    """How the task view names `person_id` (the poster or a comment's author) when the reader is not shown them.

    One rule for the "Posted by" line and the conversation, saying only what the
    reader's store knows: the poster posts for the task's site, so they are
    "Staff at <site>". Anyone else is unknown by construction of the feed:
    staff are shown their own organisation's people (issue 16), so to them an
    unknown author is of another municipality; outsiders are shown no staff at
    all, so to them an unknown author may be of any kind and organisation,
    their own included (try-out 7: Lise of Egeskov read "Someone from another
    municipality" over an Egeskov colleague's comment).
    """
    if person_id == detail.task.poster_id and detail.site_name:
        return tr("Staff at {site}", site=detail.site_name)
    if reader_is_external:
        return tr("Another participant")
    return tr("Someone from another municipality")


def thread_html(lines: list[CommentLine], language: str, you: str, unknown: Callable[[str], str]) -> str:
    """The conversation as escaped HTML: who, when, what, oldest first.

    `unknown(author_id)` names an author the reader is not shown (`hidden_person`).
    """
    if not lines:
        return ""
    parts = []
    for line in lines:
        named = line.author_name
        if named and line.author_organisation:
            # Of another municipality: named with it, as the task's poster is (name and organisation).
            named = tr("{name} ({organisation})", name=named, organisation=line.author_organisation)
        who = html.escape(you if line.mine else named or unknown(line.comment.author_id))
        when = html.escape(wording.moment(line.comment.created_at, language))
        body = html.escape(breakable(line.comment.body)).replace("\n", "<br>")
        parts.append(
            f'<p dir="auto" style="margin-bottom:10px"><b>{who}</b> '
            f'<span style="color:#666">{when}</span><br>{body}</p>'
        )
    return "".join(parts)


def _open_for_talk(detail: TaskDetail) -> bool:
    """Whether people may comment on the task: not on a draft, nor on a cancelled task."""
    return detail.task.status not in (TaskStatus.DRAFT, TaskStatus.CANCELLED)


class TaskView(TaskScreen):
    """A task for anyone who may see it; `task_id` names it."""

    # "outbox": a bid waiting to be sent says so until the sync has sent it.
    WATCHES = frozenset(
        {"tasks", "bids", "comments", "people", "sites", "invitations", "outbox", "task_requirements",
         "person_credentials"}
    )

    review_requested = Signal(str)  # task id: the shell opens the review page
    edit_requested = Signal(str)  # task id: the shell opens the task form

    def __init__(self, context: AppContext, task_id: str, parent: QWidget | None = None) -> None:
        super().__init__(context, task_id, parent)
        self.detail: TaskDetail | None = None
        self._start_wanted = False  # `focus_start` waits for the first draw
        # The ids of the bid and the comment being sent: one per submission, so a
        # second press, or a retry after a refusal, cannot make a second one.
        self._new_bid_id: str | None = None
        self._new_comment_id: str | None = None
        self._bid_shown: tuple[str, int] | None = None  # which bid version the fields hold
        # What the person's last bid action did ("Your bid is placed."), said first in the
        # bid's state until they leave the page: the sentence is where the focus goes after it.
        self._bid_news = ""
        # Whether the server was asked who posted and who commented (`_ask_names`), once a page.
        self._names_asked = False
        self.setObjectName("task-view")
        self._build()
        self._keep_drafts_as_typed()
        self.reload()

    # --- layout ------------------------------------------------------------

    def _build(self) -> None:
        self.title = heading("", self)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.gone = QLabel(
            tr(
                "This task is not available. It may have been removed, "
                "or you no longer have access to it."
            ),
            self,
        )
        self.gone.setWordWrap(True)
        self.gone.hide()
        self.edit_button = QPushButton(tr("&Edit task"), self)
        self.review_button = QPushButton(tr("&Review bids"), self)
        self.cancel_button = QPushButton(tr("Ca&ncel task"), self)
        mark_destructive(self.cancel_button)  # never where the focus is put for the person
        self.cancel_button.setToolTip(
            tr("Cancel the task: it closes, and those who bid are told")
        )
        self.cancel_button.clicked.connect(self.cancel_task)
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.task_id))
        self.review_button.clicked.connect(lambda: self.review_requested.emit(self.task_id))

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.edit_button)
        header.addWidget(self.cancel_button)
        header.addWidget(self.review_button)

        self.description = self._wrapping_label()
        self.skills = self._wrapping_label()
        self.credentials = self._wrapping_label()
        self.wished_credentials = self._wrapping_label()
        self.seats = self._wrapping_label()
        self.effort = self._wrapping_label()
        self.when = self._wrapping_label()
        self.deadline = self._wrapping_label()
        self.place = self._wrapping_label()
        self.owner = self._wrapping_label()
        self.site = self._wrapping_label()
        facts = QFormLayout()
        facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        facts.addRow(tr("Skills wanted:"), self.skills)
        # Credentials are what a bidder must (or should) hold, not skills: rows of their own, the
        # required and the wished-for apart. One "Requirements:" row read "Krav: Kræver: Børneattest".
        facts.addRow(tr("Requires:"), self.credentials)
        facts.addRow(tr("Wanted:"), self.wished_credentials)
        self.facts = facts
        facts.addRow(tr("Seats:"), self.seats)
        facts.addRow(tr("Effort:"), self.effort)
        facts.addRow(tr("When:"), self.when)
        facts.addRow(tr("Bid deadline:"), self.deadline)
        facts.addRow(tr("Place:"), self.place)
        facts.addRow(tr("Posted by:"), self.owner)
        facts.addRow(tr("Site:"), self.site)

        self.description.setObjectName("description")
        self.description.setFrameShape(QFrame.Shape.StyledPanel)
        self.description.setMargin(self.fontMetrics().averageCharWidth())
        self.description.setBackgroundRole(QPalette.ColorRole.Base)
        self.description.setAutoFillBackground(True)
        details = QWidget()
        column = QVBoxLayout(details)
        column.addWidget(self.description)
        column.addLayout(facts)
        column.addWidget(self._build_bids())
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setAccessibleName(tr("About the task"))
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(details)

        columns = QWidget(self)
        halves = QHBoxLayout(columns)
        halves.setContentsMargins(0, 0, 0, 0)
        # The bid and the conversation are what people do here, so they take the
        # right-hand column where they are never below the fold.
        acting = QWidget(self)
        right = QVBoxLayout(acting)
        right.setContentsMargins(0, 0, 0, 0)
        # Equal stretch: Qt shares the column in that proportion, each at its preferred height
        # at least, so the bid's message grows (to ten lines) only on a tall screen, and the
        # conversation takes what the message cannot.
        right.addWidget(self._build_my_bid(), 1)
        conversation, composer = self._build_conversation()
        right.addWidget(conversation, 1)
        # On a short screen (1024x600) a requirement's or an invitation's sentence above the
        # bid's fields would squeeze them to nothing: the column scrolls instead.
        acting_area = QScrollArea(self)
        acting_area.setAccessibleName(tr("Your bid and the conversation"))
        acting_area.setWidgetResizable(True)
        acting_area.setFrameShape(QFrame.Shape.NoFrame)
        acting_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        acting_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, which it scrolls to
        acting_area.setWidget(acting)
        self.acting_area = acting_area
        # The comment box and "Send comment" sit under the column, not in it: however tall
        # the bid's sentences make it, they are never scrolled away (try-out s36 found "Send
        # kommentar" half hidden whenever a requirement's note stood above the bid).
        acting_column = QWidget(self)
        acting_and_composer = QVBoxLayout(acting_column)
        acting_and_composer.setContentsMargins(0, 0, 0, 0)
        acting_and_composer.addWidget(acting_area, 1)
        acting_and_composer.addWidget(composer)
        halves.addWidget(scroll, 1)
        halves.addWidget(acting_column, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.state)
        layout.addWidget(self.gone)
        layout.addWidget(columns, 1)
        self.columns = columns

        self.setTabOrder(self.bid_message, self.bid_hours)
        self.setTabOrder(self.bid_hours, self.bid_availability)
        self.setTabOrder(self.bid_availability, self.place_button)
        self.setTabOrder(self.place_button, self.save_bid_button)
        self.setTabOrder(self.save_bid_button, self.withdraw_button)
        self.setTabOrder(self.withdraw_button, self.comment_box)
        self.setTabOrder(self.comment_box, self.send_button)
        self.no_alt_typing = NoAltTyping(self)
        for field in (self.bid_message, self.bid_availability, self.bid_hours.lineEdit(), self.comment_box):
            field.installEventFilter(self.no_alt_typing)

    def _keep_drafts_as_typed(self) -> None:
        """A half-written bid or comment is kept as it is typed (`ui.form_draft`)."""
        self._bid_restored = False
        self.bid_draft = FormDraft(
            self.context, "bid", self.task_id, self._bid_typed, self._put_bid, self
        )
        self.bid_draft.watch(
            self.bid_message.textChanged,
            self.bid_hours.valueChanged,
            self.bid_availability.textChanged,
        )
        self.comment_draft = FormDraft(
            self.context,
            "comment",
            self.task_id,
            lambda: {"body": self.comment_box.toPlainText()},
            lambda fields: put_text(self.comment_box, str(fields.get("body") or "")),
            self,
        )
        self.comment_draft.filled(lambda: None)  # the empty box is the baseline
        # A window rebuilt in another language leaves these to the drafts (`ui.page_view`).
        kept_by_draft(self.bid_message, self.bid_hours, self.bid_availability, self.comment_box)
        self.comment_draft.watch(self.comment_box.textChanged)
        self.comment_draft.restore()

    def _bid_typed(self) -> dict[str, Any]:
        return {
            "message": self.bid_message.toPlainText(),
            "hours": self.bid_hours.value(),
            "availability": self.bid_availability.text(),
        }

    def _put_bid(self, fields: dict[str, Any]) -> None:
        put_text(self.bid_message, str(fields.get("message") or ""))
        hours = fields.get("hours")
        self.bid_hours.setValue(float(hours) if isinstance(hours, (int, float)) else 0)
        self.bid_availability.setText(str(fields.get("availability") or ""))

    def _ask_names(self, detail: TaskDetail) -> None:
        """Ask the server who posted and who commented, when this store cannot name them; once a page.

        The feed shows people only to their own organisation, so this store may have
        no row for the poster of a task opened to other municipalities, nor for a
        commenter from another one. The server answers by the task's own visibility
        rule (`sync.server.poster_api`); the answer is kept in the person's own store
        (`desktop.told_names`) and read from there, offline too. Asked again on each
        visit, so a name changed or erased on the server is replaced.
        """
        if self._names_asked or not detail.names_unknown or self.context.person.is_external:
            return
        self._names_asked = True
        from desktop import told_names
        from ui.background import Errand
        from ui.wire import poster_fetcher

        fetch, task_id, reader_id = poster_fetcher(self.context), detail.task.id, self.context.person.id

        def told(body: dict[str, Any]) -> None:
            if self.context.closed:
                return
            self.context.query(lambda store: told_names.keep(store, reader_id, body), parent=self).success(
                lambda _kept: self.reload()
            ).failure(lambda error: log.warning("what the server told of %s was not kept: %s", task_id, error)
            ).run_in_background()

        Errand(lambda: fetch(task_id), self, "task-poster").success(told).failure(
            lambda error: log.info("who posted or commented on %s was not told: %s", task_id, error)
        ).run_in_background()

    def keep_drafts(self) -> None:
        self.bid_draft.keep_now()
        self.comment_draft.keep_now()

    def _wrapping_label(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_bids(self) -> QGroupBox:
        box = QGroupBox(tr("Bids"), self)
        self.bid_count = QLabel(box)
        lang = self.language
        self.bids_model: RowsModel[BidLine] = RowsModel(
            [
                Column(tr("Bidder"), lambda line: line.bidder_name),
                Column(tr("Site"), lambda line: line.site_name),
                Column(tr("Hours"), lambda line: wording.hours(line.bid.hours, lang), numeric=True),
                Column(tr("Status"), lambda line: wording.bid_state(line.bid.status, line.bid.lending)),
            ],
            key=lambda line: line.bid.id,
            parent=self,
        )
        self.bids_table = table_view(
            box, self.bids_model, tr("Bids on this task"), stretch=(0, 1)
        )
        self.bids_table.setMinimumHeight(4 * self.fontMetrics().height())
        layout = QVBoxLayout(box)
        layout.addWidget(self.bid_count)
        layout.addWidget(self.bids_table)
        return box

    def _build_my_bid(self) -> QGroupBox:
        box = QGroupBox(tr("Your bid"), self)
        self.my_bid_box = box
        self.my_bid_state = self._wrapping_label()
        self.my_bid_state.setObjectName("myBidState")
        # After a bid goes in the focus comes here (see `_say_bid_went_in`): readable by the
        # keyboard and a screen reader, and Tab goes on to the bid's fields.
        self.my_bid_state.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        # Selectable by the mouse only: selectable by the keyboard, a text caret blinked in
        # the read-only sentence once the focus came here (try-out s36). A tint shows the focus.
        self.my_bid_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.my_bid_state.setStyleSheet("QLabel:focus { background-color: #e4ecf7; }")
        self.bid_message = GrowingText(box)
        self.bid_message.setAccessibleName(tr("Message to the task owner"))
        self._message_hint = tr("Why you? What have you done like this before?")
        self.bid_message.setPlaceholderText(self._message_hint)
        self.bid_message.setTabChangesFocus(True)
        # Room for a few sentences: three lines were too few to write or reread why oneself
        # (try-out 21). Five at least, so at 1024x600 "Place bid" stays in view under it;
        # up to ten where the column has room, the conversation below taking the rest.
        keep_rows(self.bid_message, BID_MESSAGE_LINES[0], at_most=BID_MESSAGE_LINES[1])
        self.bid_hours = wording.HoursField(self.context.language, 1, box)
        self.bid_hours.setRange(0, 2000)
        self.bid_hours.setSingleStep(0.5)
        self.bid_hours.setSpecialValueText(tr("Not stated"))
        self.bid_hours.setAccessibleName(tr("Hours offered"))
        self.bid_hours.setMinimumWidth(
            self.fontMetrics().horizontalAdvance(self.bid_hours.specialValueText()) + 40
        )
        self.bid_availability = QLineEdit(box)
        self.bid_availability.setMaxLength(500)
        self.bid_availability.setAccessibleName(tr("Availability"))
        self._availability_hint = tr("E.g. Tuesdays after 14")
        self.bid_availability.setPlaceholderText(self._availability_hint)
        self.place_button = QPushButton(tr("&Place bid"), box)
        self.place_button.setToolTip(tr("Place bid (Ctrl+Return)"))
        self.save_bid_button = QPushButton(tr("&Save changes to bid"), box)
        self.place_button.setObjectName("primary")
        self.save_bid_button.setObjectName("primary")
        self.withdraw_button = QPushButton(tr("&Withdraw bid"), box)
        mark_destructive(self.withdraw_button)  # never where the focus is put for the person
        # For the accepted: the task as a calendar file (desktop.calendar_file).
        self.calendar_button = QPushButton(tr("Add to &calendar…"), box)
        self.calendar_button.setToolTip(tr("Save the task as a calendar file (.ics)"))
        self.calendar_button.hide()
        # Until the first draw says which apply (`_draw_my_bid`), only "Place bid": three buttons
        # took two rows at 1024 px, and the column's height measured then was kept after two were
        # hidden, a row too tall, so it scrolled now and then where it fits (a flaky test).
        self.save_bid_button.hide()
        self.withdraw_button.hide()
        self.bid_problem = ProblemLabel(box)

        hours_row = QHBoxLayout()
        hours_row.addWidget(self.bid_hours)
        hours_row.addStretch(1)
        form = QFormLayout()
        for text, field, holder in (
            (tr("&Message:"), self.bid_message, self.bid_message),
            (tr("&Hours offered:"), self.bid_hours, hours_row),
            (tr("&Availability:"), self.bid_availability, self.bid_availability),
        ):
            label = QLabel(text, box)
            label.setBuddy(field)
            form.addRow(label, holder)
        # The buttons wrap rather than widen the column: in Danish "Gem ændringer i buddet" and
        # "Træk buddet tilbage" side by side are wider than the column at 1024 px, which the
        # column, never scrolling sideways, cut off at its right edge ("Send kommentar" with it).
        buttons = FlowLayout(spacing=6)
        buttons.addWidget(self.place_button)
        buttons.addWidget(self.save_bid_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addWidget(self.calendar_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.my_bid_state)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.bid_problem)

        # Enter in the one-line fields places the bid (or saves the changes), as the
        # highlighted "Place bid" promises (try-out s36: it did nothing); not in the message,
        # where Enter starts a new line.
        self.bid_availability.returnPressed.connect(self._send_bid)
        self.bid_hours.lineEdit().returnPressed.connect(self._send_bid)
        self.place_button.clicked.connect(self.place_bid)
        self.save_bid_button.clicked.connect(self.save_bid)
        self.withdraw_button.clicked.connect(self.withdraw_bid)
        self.calendar_button.clicked.connect(self._ask_where_to_save_calendar)
        send_shortcut(box, self._send_bid)
        return box

    def _build_conversation(self) -> tuple[QGroupBox, QWidget]:
        """The conversation's box (the comments so far), and the composer that goes under the column."""
        box = QGroupBox(tr("Conversation"), self)
        self.conversation = QTextBrowser(box)
        self.conversation.setOpenLinks(False)
        self.conversation.setAccessibleName(tr("Comments on this task"))
        keep_rows(self.conversation, 4)
        # It asks for no more than those four rows, and grows into what the column has left:
        # its preferred height (a text browser's 192 px) made the column taller than a
        # 1024x768 window and scrolled "Send kommentar" half out of sight.
        self.conversation.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.conversation_end = EndKept(self.conversation)
        composer = QWidget(self)
        self.comment_box = QPlainTextEdit(composer)
        self.comment_box.setAccessibleName(tr("New comment"))
        self.comment_box.setPlaceholderText(tr("Write a comment (Ctrl+Return sends)"))
        self.comment_box.setTabChangesFocus(True)
        # Three lines, no more: it sits under the column, always in view, and what it takes
        # the bid above it loses on a short screen. Longer comments scroll inside it.
        keep_rows(self.comment_box, 3, at_most=3)
        self.send_button = QPushButton(tr("Sen&d comment"), composer)
        self.send_button.setToolTip(tr("Send comment (Ctrl+Return)"))
        self.send_button.setObjectName("primary")
        self.comment_problem = ProblemLabel(composer)
        # The button beside the box, not under it: on a 1024x600 screen the row it took
        # was the bid's "Place bid" row.
        row = QHBoxLayout()
        row.addWidget(self.comment_box, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(box)
        layout.addWidget(self.conversation, 1)
        writing = QVBoxLayout(composer)
        inside = layout.contentsMargins()  # in line with the comments above it
        writing.setContentsMargins(inside.left(), 0, inside.right(), 0)
        writing.addLayout(row)
        writing.addWidget(self.comment_problem)
        self.send_button.clicked.connect(self.send_comment)
        self.comment_box.textChanged.connect(self._comment_typed)
        send_shortcut(composer, self.send_comment)
        self._comment_typed()
        return box, composer

    # --- loading -----------------------------------------------------------

    def question(self) -> Callable[[Store], TaskDetail | None]:
        person, task_id = self.context.person, self.task_id
        return lambda store: task_detail(store, person, task_id)

    def draw(self, detail: TaskDetail | None) -> None:
        old, self.detail = self.detail, detail
        self.gone.setVisible(detail is None)
        self.columns.setVisible(detail is not None)
        if detail is None:
            self.title.setText("")
            self.state.clear()
            self.edit_button.hide()
            self.cancel_button.hide()
            self.review_button.hide()
            return
        if old is None or (old.task, old.site_name, old.organisation_name, old.owner_name, old.owner_title) != (
            detail.task, detail.site_name, detail.organisation_name, detail.owner_name, detail.owner_title
        ):
            self._draw_task(detail)
        if old is None or old.comments != detail.comments or old.task.status != detail.task.status:
            self._draw_thread(detail)
        if old is None or old.bids != detail.bids or old.task.bid_count != detail.task.bid_count:
            self._draw_bids(detail)
        self._draw_my_bid(detail)
        self._comment_typed()
        self._ask_names(detail)
        if self._start_wanted and self.focusWidget() is self.conversation:  # still where `focus_start` left it
            self.focus_start()
        self._start_wanted = False

    def focus_start(self) -> None:
        """Where the keys start on a task (`ui.window_focus.focus_start`): where one can act.

        On the bid's message when a bid can be made, else on the comment box. Left to
        the Tab order they started in the read-only conversation when a requirement kept
        a volunteer from bidding, and typing there did nothing (try-out). The page comes
        up before its task: the conversation holds the keys until the first draw.
        """
        if self.detail is None:
            self._start_wanted = True
            self.conversation.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._start_wanted = False
        for field in (self.bid_message, self.comment_box):
            if field.isVisibleTo(self) and field.isEnabled():
                field.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return

    def _draw_task(self, detail: TaskDetail) -> None:
        task, lang = detail.task, self.language
        self.title.setText(task.title)
        self.state.setText(
            f"{wording.task_status(detail.status)} · {wording.audience(task.audience)}"
        )
        self.description.setText(breakable(task.description) or tr("No description."))
        labels = sorted(wording.skill(s, lang) for s in task.skills)
        self.skills.setText(breakable(", ".join(labels)) if labels else tr("None in particular"))
        wanted = detail.requirements
        required, wished = wording.required_and_wished(wanted, lang) if wanted is not None else ([], [])
        for row, names in ((self.credentials, required), (self.wished_credentials, wished)):
            row.setText(", ".join(names))
            self.facts.setRowVisible(row, bool(names))
        self.seats.setText(
            ntr(
                "{n} in all, {filled} filled",
                "{n} in all, {filled} filled",
                task.seats,
                filled=task.accepted_count,
            )
        )
        self.effort.setText(wording.hours(task.effort_hours, lang))
        self.when.setText(wording.task_when(task, lang))
        self.deadline.setText(wording.date(task.bid_deadline, lang) or tr("None"))
        self.place.setText(breakable(task.place) or tr("Not stated"))
        name, title = detail.owner_name, detail.owner_title
        owner = f"{name}, {title}" if name and title else name
        if not owner:
            # Externals do not get the staff's profiles: the site still says who asks.
            owner = hidden_person(task.poster_id, detail, self.context.person.is_external)
        self.owner.setText(breakable(owner))
        self.site.setText(breakable(wording.site_of(detail.site_name, detail.organisation_name)))
        manages = detail.manages
        self.edit_button.setVisible(manages)
        self.edit_button.setEnabled(
            task.status in (TaskStatus.DRAFT, *operations.DECIDING)
        )
        self.review_button.setVisible(manages)
        self.cancel_button.setVisible(manages)
        self.cancel_button.setEnabled(
            task.status in (TaskStatus.DRAFT, TaskStatus.OPEN, TaskStatus.ASSIGNED)
            and not self.busy("cancel")
        )

    def _draw_thread(self, detail: TaskDetail) -> None:
        at_end = self.conversation_end.at_end
        external = self.context.person.is_external
        thread = thread_html(
            detail.comments, self.language, tr("You"), lambda author: hidden_person(author, detail, external)
        )
        if not thread:
            # In the list itself, where it wraps: as its placeholder the sentence was drawn
            # on one line and cut at "… i feltet" at 1024 px (try-out 6). It points to the
            # box below (the list takes no typing: a try-out read "Stil et spørgsmål her."
            # and clicked the list) and invites nothing where no one may write.
            empty = tr("No comments yet. Ask a question in the box below.") if _open_for_talk(detail) else tr(
                "No comments."
            )
            thread = f'<p style="color:#666">{html.escape(empty)}</p>'
        with self.conversation_end.held():
            self.conversation.setHtml(thread)
        if at_end:
            self.conversation_end.to_end()

    def _draw_bids(self, detail: TaskDetail) -> None:
        count = detail.task.bid_count  # the active bids: declined and withdrawn ones are not counted
        said = ntr("{n} bid so far", "{n} bids so far", count) if count else tr("No bids yet.")
        self.bids_table.setVisible(detail.manages)
        if detail.manages:
            shown = [b for b in detail.bids if b.bid.status != BidStatus.WITHDRAWN]
            self.bids_model.set_rows(shown)
            # The table keeps declined bids beside the active ones; a count of the active
            # alone above more rows read as a mistake (a try-out: "1 bid so far" over two).
            declined = sum(1 for b in shown if b.bid.status == BidStatus.DECLINED)
            if declined:
                active = ntr("{n} active bid", "{n} active bids", count) if count else tr("No active bids")
                said = active + " · " + ntr("{n} declined", "{n} declined", declined)
        self.bid_count.setText(said)

    def _draw_my_bid(self, detail: TaskDetail) -> None:
        task, mine = detail.task, detail.my_bid
        person = self.context.person
        may_bid = permissions.offered_a_bid(person, task)
        self.my_bid_box.setVisible(may_bid or mine is not None)
        pending = mine is not None and mine.status == BidStatus.PENDING
        blocked = detail.verdict is not None and bool(detail.verdict.blocking)
        can_place = (
            may_bid
            and detail.status == TaskStatus.OPEN
            and detail.may_bid
            and not blocked
        )
        can_withdraw = mine is not None and (
            pending
            or (
                mine.status == BidStatus.ACCEPTED
                and task.status in operations.DECIDING
            )
        )
        idle = not self.busy("bid")
        self.place_button.setVisible(mine is None or not mine.is_active)
        self.place_button.setEnabled(can_place and idle)
        self.save_bid_button.setVisible(pending)
        self.save_bid_button.setEnabled(pending and idle)
        self.withdraw_button.setVisible(mine is not None and mine.is_active)
        self.withdraw_button.setEnabled(can_withdraw and idle)
        self.calendar_button.setVisible(
            mine is not None and mine.status == BidStatus.ACCEPTED and bool(task.starts_on)
        )
        editable = can_place or pending
        for field in (self.bid_message, self.bid_hours, self.bid_availability):
            field.setEnabled(editable)
        # Greyed out (knop.qss) and without its invitation to write while no bid can be
        # made: a try-out saw the message field blocked by a requirement look ready to type in.
        self.bid_message.setPlaceholderText(self._message_hint if editable else "")
        self.bid_availability.setPlaceholderText(self._availability_hint if editable else "")
        self.my_bid_state.setText(self._my_bid_sentence(detail, may_bid))
        self._show_invitation()
        shown = (mine.id, mine.version) if mine is not None and mine.is_active else None
        if shown != self._bid_shown:
            # Fill the fields from the stored bid only when the bid itself changed,
            # so a refresh never throws away what the person is typing.
            self._bid_shown = shown
            active = mine if mine is not None and mine.is_active else None

            def fill() -> None:
                self.bid_message.setPlainText(active.message if active else "")
                self.bid_hours.setValue(active.hours or 0 if active else 0)
                self.bid_availability.setText(active.availability if active else "")
                self.bid_availability.setCursorPosition(0)  # how it starts, not how it ends

            self.bid_draft.filled(fill)
        if not self._bid_restored and editable:
            # What the person had typed (a new bid, or changes to a pending one) comes back.
            self._bid_restored = True
            self.bid_draft.restore()

    def save_calendar(self, path: Path) -> None:
        """Write the task as an iCalendar file at `path`; raises OSError when it cannot be written."""
        detail = self.detail
        if detail is None:
            return
        text = task_calendar(detail.task, site_name=detail.site_name, stamp=utc_now())
        path.write_bytes(text.encode("utf-8"))

    def _ask_where_to_save_calendar(self) -> None:
        if self.detail is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self, tr("Add to calendar"), file_name(self.detail.task), tr("Calendar (*.ics)")
        )
        if not chosen:
            return
        try:
            self.save_calendar(Path(chosen))
        except OSError as error:
            self.bid_problem.show_text(tr("The file could not be saved: {why}", why=str(error)))

    def _show_invitation(self) -> None:
        """An invitation to bid on this task (task.invite, from talent search), above the bid."""
        if not hasattr(self, "invited"):
            self.invited = self._wrapping_label()
            self.invited.setObjectName("invitation")
            layout = self.my_bid_box.layout()
            if layout is not None:
                layout.insertWidget(0, self.invited)  # type: ignore[attr-defined]
        me, task_id = self.context.person.id, self.task_id
        self.context.query(lambda store: invitation_on(store, task_id, me), parent=self).success(
            self._draw_invitation
        ).run_in_background()

    def _draw_invitation(self, found: MyInvitation | None) -> None:
        text = ""
        if found is not None:
            text = translate(self.language, "{name} invited you to bid on this task.", name=found.invited_by)
            if found.invitation.message:
                text += " " + quoted(shortened(found.invitation.message, 500)).text(self.language)
        self.invited.setText(text)
        self.invited.setVisible(bool(text))

    def _my_bid_sentence(self, detail: TaskDetail, may_bid: bool) -> str:
        mine, task = detail.my_bid, detail.task
        if mine is None:
            if not may_bid:
                return ""
            if detail.too_late:
                return tr("The deadline for bids has passed.")
            if task.status != TaskStatus.OPEN:
                return tr("This task is not taking bids now.")
            if detail.verdict is not None and detail.verdict.blocking:
                return breakable(self._blocked(detail, list(detail.verdict.blocking)))
            return breakable(" ".join((tr("You have not bid on this task yet."), *self._wished_lacking(detail))))
        state = wording.bid_state(mine.status, mine.lending, bidder=True)
        if self._bid_news and mine.status == BidStatus.PENDING:  # news until it is decided
            # The news names the bid already: "Your bid is placed. Awaiting decision.", not
            # "... Your bid: Awaiting decision." (a try-out read "Your bid" twice).
            sentence = self._bid_news + " " + tr("{status}.", status=state)
        else:
            sentence = tr("Your bid: {status}.", status=state)
        if detail.my_bid_unsent:
            sentence += " " + tr("Waiting to be sent: the server has not got it yet.")
        if mine.decision_message:
            sentence += " " + tr(
                "Message from the manager: {message}",
                message=quoted(shortened(mine.decision_message, 500)),
            )
        if not mine.is_active and detail.status == TaskStatus.OPEN and may_bid:
            sentence += " " + tr("You can bid again.")
        return breakable(sentence)

    def _blocked(self, detail: TaskDetail, lacking: list[str]) -> str:
        """Why the reader cannot bid yet (the `lacking` credential ids), and who can verify them.

        Said outright, as a try-out asked ("Du kan ikke byde endnu: ..."). A colleague asks a
        site manager or HR; someone from outside has neither, and is sent to the manager of
        the task's site, by way of the conversation below, where the task's poster reads.
        """
        # The refusal's own words (`rejection.lacking_credentials`), so the server's agree; it
        # also decides whom the reader is sent to, so the view does not decide it again.
        refusal = rejection.lacking_credentials(self.context.person, lacking, detail.site_name)
        said = refusal.message(language())
        if refusal.facts["verifier"] == "colleague":
            return said
        return said + " " + tr("Ask in the conversation below.")

    def _wished_lacking(self, detail: TaskDetail) -> tuple[str, ...]:
        """The credentials the task wishes for that the reader lacks, said before they bid.

        The manager's card says "Missing: ..." once the bid is in; the bidder reads it first.
        """
        wished = [
            wording.credential_in_sentence(c, self.language)
            for c in (detail.verdict.warnings if detail.verdict is not None else ())
            if c != eligibility.BENEFIT_WARNING
        ]
        if not wished:
            return ()
        return (
            ntr(
                "The task wishes for {credentials}, which you do not hold or which has expired. "
                "You can still bid; the manager will see that it is missing.",
                "The task wishes for {n} credentials, {credentials}, which you do not hold or which "
                "have expired. You can still bid; the manager will see that they are missing.",
                len(wished),
                credentials=", ".join(wished),
            ),
        )

    # --- actions -------------------------------------------------------------

    def _bid_fields(self) -> dict[str, Any]:
        hours = self.bid_hours.value()
        return {
            "message": self.bid_message.toPlainText().strip(),
            "hours": hours if hours > 0 else None,
            "availability": self.bid_availability.text().strip(),
        }

    def _send_bid(self) -> None:
        if self.save_bid_button.isVisible() and self.save_bid_button.isEnabled():
            self.save_bid()
        elif self.place_button.isVisible() and self.place_button.isEnabled():
            self.place_bid()

    def _bid_buttons(self) -> tuple[QPushButton, ...]:
        return (self.place_button, self.save_bid_button, self.withdraw_button)

    def place_bid(self) -> None:
        if self._new_bid_id is None:
            self._new_bid_id = uuid7()
        payload = {"bid_id": self._new_bid_id, "task_id": self.task_id, **self._bid_fields()}
        self.act(
            "bid.place", payload, self.bid_problem, then=self._bid_placed,
            action="bid", buttons=self._bid_buttons(),
        )

    def _bid_placed(self, _outcome: Outcome) -> None:
        self._new_bid_id = None
        self.bid_draft.forget()
        self._say_bid_went_in(tr("Your bid is placed."))

    def _say_bid_went_in(self, news: str) -> None:
        """Show that a bid went in where the person looks, and put the focus on that sentence.

        The button pressed is disabled while the store works (and a placed bid's is then
        hidden), so Qt had moved the focus on to the comment box and scrolled down to it:
        the bid's new state went off screen, and an empty box invited typing.
        """
        self._bid_news = news  # the load this operation asked for draws it
        self.my_bid_state.setFocus(Qt.FocusReason.OtherFocusReason)
        self.acting_area.ensureWidgetVisible(self.my_bid_box, 0, 0)

    def save_bid(self) -> None:
        mine = self.detail.my_bid if self.detail else None
        if mine is None:
            return
        self.act(
            "bid.edit", {"bid_id": mine.id, **self._bid_fields()}, self.bid_problem,
            then=self._bid_saved,
            action="bid", buttons=self._bid_buttons(),
        )

    def _bid_saved(self, _outcome: Outcome) -> None:
        self.bid_draft.forget()
        self._say_bid_went_in(tr("Your changes to the bid are saved."))

    def withdraw_bid(self) -> None:
        mine = self.detail.my_bid if self.detail else None
        if mine is None:
            return
        self.act(
            "bid.withdraw", {"bid_id": mine.id}, self.bid_problem,
            then=lambda _outcome: self.bid_draft.forget(),
            action="bid", buttons=self._bid_buttons(),
        )

    def cancel_task(self) -> None:
        """Cancel the task (`task.cancel`), once the manager has said yes to the question."""
        task = self.detail.task if self.detail else None
        if task is None:
            return
        answer = QMessageBox.question(
            self,
            tr("Cancel task"),
            tr("Cancel {title}? Pending bids are declined, and the task cannot be opened again.",
               title=quoted(shortened(task.title, 100))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.act(
            "task.cancel", {"task_id": task.id}, self.bid_problem,
            action="cancel", buttons=(self.cancel_button,),
        )

    def _comment_typed(self) -> None:
        open_for_talk = self.detail is not None and _open_for_talk(self.detail)
        self.comment_box.setEnabled(open_for_talk)
        self.send_button.setEnabled(
            open_for_talk
            and bool(self.comment_box.toPlainText().strip())
            and not self.busy("comment")
        )

    def send_comment(self) -> None:
        body = self.comment_box.toPlainText().strip()
        if not body or not self.send_button.isEnabled():
            return
        if self._new_comment_id is None:
            self._new_comment_id = uuid7()
        payload = {"comment_id": self._new_comment_id, "task_id": self.task_id, "body": body}
        self.act(
            "comment.add", payload, self.comment_problem, then=self._comment_sent,
            action="comment", buttons=(self.send_button,),
        )

    def _comment_sent(self, _outcome: Outcome) -> None:
        self._new_comment_id = None
        self.conversation_end.at_end = True  # the redraw shows the comment just written, at the end
        self.comment_draft.forget()
        self.comment_box.clear()
