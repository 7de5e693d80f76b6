"""The manager's review: the bids on a task side by side, and the decisions on them.

A manager weighs people, not rows: each bid is a card with the person's
message and offer, their skills with the evidence behind each (ticked by
themselves, or confirmed by someone after a finished task), and their track
record. Accepting stops at the number of seats; the rest can be declined with
a word of thanks; once the work is done the manager marks the task done and
endorses the skills it showed, which becomes evidence on the person's profile.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.core import operations
from desktop.core.entities import BidStatus, Lending, Task, TaskRequirements, TaskStatus
from desktop.core.ids import uuid7
from desktop.core.text import quoted
from desktop.store import Store
from desktop.task_detail import BidderCard, Review, review
from ui import wording
from ui.long_text import ElidedLabel, breakable, heading, shortened
from ui.screen import ProblemLabel, TaskScreen, ask_first
from ui.context import AppContext
from ui.words import ntr, tr
from ui.window_focus import mark_destructive

# A card's width in average character widths, so cards grow with the font and scaling: the
# cards share the strip's width between these bounds (a try-out found every card 265 px wide
# whatever the room, half the page empty with two bids), and wrap to rows rather than scroll
# sideways.
CARD_WIDTH_CHARS = (44, 90)
MESSAGE_LINES = 4  # a bid's message shows this many lines until "Show more"


def first_lines(text: str, font: QFont, width: int, lines: int) -> str | None:
    """`text` cut to its first `lines` lines when wrapped at `width` px in `font`, ending in "…".

    None when the whole text fits in `lines` lines. Breaks as a word-wrapped QLabel does
    (at word boundaries, else anywhere); a newline in `text` starts a line.
    """
    layout = QTextLayout(text.replace("\n", "\u2028"), font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    ends: list[int] = []
    layout.beginLayout()
    while len(ends) <= lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1))
        ends.append(line.textStart() + line.textLength())
    layout.endLayout()
    if len(ends) <= lines:
        return None
    kept = text[: ends[lines - 1]].rstrip()
    return kept[: max(len(kept) - 2, 0)].rstrip() + "…"  # room for the "…" on the last line


def _label(parent: QWidget, *, rich: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def strong(widget: QWidget, larger: bool = False) -> None:
    """Bold (and a little larger) in a way the app's style sheet does not undo."""
    widget.setStyleSheet("font-weight: 600;" + (" font-size: 12pt;" if larger else ""))


class BidCard(QFrame):
    """One bid and its bidder. Widgets persist across refreshes, so typed text survives."""

    def __init__(self, page: ReviewPage, bid_id: str) -> None:
        super().__init__(page.strip.widget())  # its place from the start: a widget moved there is hidden
        self.page = page
        self.bid_id = bid_id
        self.card: BidderCard | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("bid-card")
        self.setFixedWidth(CARD_WIDTH_CHARS[0] * self.fontMetrics().averageCharWidth())  # until laid out
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

        self.name = ElidedLabel("", self)
        strong(self.name, larger=True)
        self.who = _label(self)
        self.status = _label(self)
        # After a decision the keys rest here, on what became of the bid: not on the next
        # bidder's Accept, where one more Enter started accepting them (try-out s36).
        self.status.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.status.setStyleSheet("QLabel:focus { background-color: #e4ecf7; }")
        self.message = _label(self)
        self._message_text = ""  # the whole message; the label may show only its first lines
        self.more_button = QPushButton(tr("Show more"), self)
        self.more_button.setObjectName("link")
        self.more_button.setFlat(True)
        self.more_button.setCheckable(True)
        self.more_button.setStyleSheet("text-align: left; padding: 0; border: none; color: #1f5fa8;")
        self.more_button.toggled.connect(lambda _on: self._draw_message())
        self.offer = _label(self)
        self.record = _label(self)
        self.eligibility = _label(self)  # "meets the requirements", or what was missing at bid time
        self.skills_heading = QLabel(tr("Skills"), self)
        strong(self.skills_heading)
        self.skills = _label(self, rich=True)

        self.decision = QWidget(self)
        self.note = QLineEdit(self.decision)
        self.note.setMaxLength(2000)
        # Short: the card is narrow, and "Message to the bidder (optio…" was cut (its accessible name says to whom).
        self.note.setPlaceholderText(tr("Message (optional)"))
        self.accept_button = QPushButton(tr("&Accept"), self.decision)
        self.decline_button = QPushButton(tr("&Decline"), self.decision)
        mark_destructive(self.decline_button)  # never where the focus is put for the person
        decision_buttons = QHBoxLayout()
        decision_buttons.addWidget(self.accept_button)
        decision_buttons.addWidget(self.decline_button)
        decision_buttons.addStretch(1)
        self.choosing = QWidget(self.decision)
        self.choosing.setLayout(decision_buttons)
        decision_buttons.setContentsMargins(0, 0, 0, 0)
        # Accepting or declining tells the bidder and cannot be taken back once
        # sent, so the choice is confirmed in the card, where the keyboard is.
        self.confirming = QWidget(self.decision)
        self.confirm_text = _label(self.confirming)
        self.confirm_button = QPushButton(self.confirming)
        self.confirm_button.setObjectName("primary")
        # It has the keyboard once asked; outside a dialog only this makes Enter press it.
        self.confirm_button.setAutoDefault(True)
        self.back_button = QPushButton(tr("&Go back"), self.confirming)
        confirm_buttons = QHBoxLayout()
        confirm_buttons.addWidget(self.confirm_button)
        confirm_buttons.addWidget(self.back_button)
        confirm_buttons.addStretch(1)
        confirm_layout = QVBoxLayout(self.confirming)
        confirm_layout.setContentsMargins(0, 0, 0, 0)
        confirm_layout.addWidget(self.confirm_text)
        confirm_layout.addLayout(confirm_buttons)
        self.confirming.hide()
        self._asked: str | None = None  # the operation waiting for its confirmation
        decision_layout = QVBoxLayout(self.decision)
        decision_layout.setContentsMargins(0, 0, 0, 0)
        decision_layout.addWidget(self.note)
        decision_layout.addWidget(self.choosing)
        decision_layout.addWidget(self.confirming)

        self.endorsing = QWidget(self)
        self.endorse_heading = QLabel(tr("Endorse the skills the work showed"), self.endorsing)
        self.endorse_heading.setWordWrap(True)
        strong(self.endorse_heading)
        self.endorse_boxes: dict[str, QCheckBox] = {}
        self.endorse_list = QVBoxLayout()
        self.endorse_button = QPushButton(tr("&Endorse"), self.endorsing)
        endorse_layout = QVBoxLayout(self.endorsing)
        endorse_layout.setContentsMargins(0, 0, 0, 0)
        endorse_layout.addWidget(self.endorse_heading)
        endorse_layout.addLayout(self.endorse_list)
        endorse_layout.addWidget(self.endorse_button)

        self.problem = ProblemLabel(self)
        layout = self._layout = QVBoxLayout(self)
        self._slot_parts: list[tuple[QVBoxLayout, tuple[QWidget, ...]]] = []  # each slot's column and parts
        # The decision sits right under the status, so none is below the fold of a long card;
        # then the facts to compare (hours, track record, the requirements), the message cut
        # to its first lines, and the skills. Each part sits in a slot that `ReviewPage`
        # makes as tall as the tallest of its row of cards, so the same fact is at the same
        # height in every card (a try-out found them at different heights, and a long
        # message pushed the facts below the fold).
        self.slots: list[QWidget] = [
            self._slot(self.who),
            self._slot(self.status),
            self._slot(self.decision, self.endorsing, self.problem),
            self._slot(self.offer),
            self._slot(self.record),
            self._slot(self.eligibility),
            self._slot(self.message, self.more_button),
        ]
        layout.addWidget(self.name)
        for slot in self.slots:
            layout.addWidget(slot)
        layout.addWidget(self.skills_heading)
        layout.addWidget(self.skills)
        layout.addStretch(1)

        self.accept_button.clicked.connect(self.accept)
        self.decline_button.clicked.connect(self.decline)
        self.confirm_button.clicked.connect(self.confirm)
        self.back_button.clicked.connect(self.go_back)
        self.endorse_button.clicked.connect(self.endorse)

    def _slot(self, *widgets: QWidget) -> QWidget:
        """A holder for `widgets` whose height lines up with the same part of the other cards."""
        slot = QWidget(self)
        column = QVBoxLayout(slot)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            column.addWidget(widget)
        column.addStretch(1)
        self._slot_parts.append((column, widgets))
        return slot

    def inner_width(self) -> int:
        """The width, in px, that the card's parts get inside its frame and margins."""
        margins = self._layout.contentsMargins()
        return self.width() - 2 * self.frameWidth() - margins.left() - margins.right()

    def natural_heights(self) -> list[int]:
        """Each slot's height, in px, for what it holds now at the card's width (0: nothing shown)."""
        width = self.inner_width()
        heights = []
        for column, widgets in self._slot_parts:
            if all(widget.isHidden() for widget in widgets):
                heights.append(0)
            elif column.hasHeightForWidth():
                heights.append(column.totalHeightForWidth(width))
            else:
                heights.append(column.totalSizeHint().height())
        return heights

    def set_width(self, width: int) -> None:
        """Give the card `width` px, and cut its message to the lines that then fit."""
        if width != self.width():
            self.setFixedWidth(width)
        self._draw_message()

    def _draw_message(self) -> None:
        """The message whole, or its first lines and "Show more" when it is long."""
        text = self._message_text
        cut = first_lines(text, self.message.font(), self.inner_width(), MESSAGE_LINES) if text else None
        more = self.more_button.isChecked()
        self.message.setText(text if cut is None or more else cut)
        self.more_button.setVisible(cut is not None)
        self.more_button.setText(tr("Show less") if more else tr("Show more"))
        self.more_button.setAccessibleName(
            tr("Show less of the message") if more else tr("Show the whole message")
        )
        if self.page.cards_drawn:
            self.page.line_up()

    # --- drawing -----------------------------------------------------------

    def show_card(self, card: BidderCard, task: Task, seats_left: int) -> None:
        lang = self.page.language
        if card != self.card:
            self.card = card
            bidder, bid = card.bidder, card.bid
            self.name.setText(bidder.name)
            who = shortened(bidder.name, 100)
            self.setAccessibleName(tr("Bid from {who}", who=who))
            self.note.setAccessibleName(tr("Message to {who}", who=who))
            self.accept_button.setAccessibleName(tr("Accept the bid from {who}", who=who))
            self.decline_button.setAccessibleName(tr("Decline the bid from {who}", who=who))
            self.back_button.setAccessibleName(tr("Go back: decide on {who} later", who=who))
            self.endorse_button.setAccessibleName(tr("Endorse {who}", who=who))
            about = (bidder.title, card.site_name, wording.contact_for(card.company_name))
            self.who.setText(breakable(" · ".join(p for p in about if p)))
            status = tr("Status: {status}", status=wording.bid_state(bid.status, bid.lending))
            if card.decision_unsent:  # decided offline: the server may still refuse it
                status += "\n" + tr("Waiting to be sent: the server has not got it yet.")  # a sentence of its own: "Afvist" ran into it
            if bid.decision_message:
                status += "\n" + tr("Your message: {message}", message=quoted(bid.decision_message))
            self.status.setText(breakable(status))
            self._message_text = breakable(bid.message) if bid.message else tr("No message.")
            self.more_button.setChecked(False)
            self._draw_message()
            offer = []
            if bid.hours is not None:
                offer.append(tr("Offers {what}", what=wording.hours(bid.hours, lang)))
            if bid.availability:
                offer.append(wording.availability(bid.availability, lang))
            # Said when not given, so the hours are a line in every card, at the same height.
            self.offer.setText(breakable(" · ".join(offer)) if offer else tr("No hours or times given."))
            self.record.setText(
                ntr("{n} finished task", "{n} finished tasks", card.record.finished_tasks)
                + " · "
                + ntr("{n} endorsement", "{n} endorsements", card.record.endorsements)
            )
            self.skills.setText(self._skills_html(card, task))
            self._draw_endorsing(card, task)
        self._draw_eligibility(card)
        pending = card.bid.status == BidStatus.PENDING
        deciding = task.status in operations.DECIDING
        idle = not self.page.busy(self.action)
        self.decision.setVisible(pending and deciding)
        self.accept_button.setEnabled(pending and deciding and seats_left > 0 and idle)
        self.accept_button.setToolTip("" if seats_left > 0 else tr("All seats are filled."))
        self.decline_button.setEnabled(pending and deciding and idle)
        self.confirm_button.setEnabled(idle)
        if not (pending and deciding):
            self._show_choice()
        self.endorsing.setVisible(
            card.bid.status == BidStatus.ACCEPTED and task.status == TaskStatus.DONE
        )

    def _draw_eligibility(self, card: BidderCard) -> None:
        """The privacy rule: the manager learns yes, or which are missing, never the credentials."""
        wanted = self.page.requirements
        warned = card.bid.warnings
        if warned:
            self.eligibility.setText("⚠ " + wording.missing(warned, self.page.language))
            self.eligibility.setStyleSheet("color: #8a4b00;")
        elif wanted is not None and wanted.requirements and card.bid.created_at < wanted.updated_at:
            # Judged when the bid was placed: one placed before the requirements was never judged.
            self.eligibility.setText(tr("Placed before the requirements were set"))
            self.eligibility.setStyleSheet("color: #555;")
        elif wanted is not None and wanted.requirements:
            self.eligibility.setText("✔ " + tr("Meets the requirements"))
            self.eligibility.setStyleSheet("")
        self.eligibility.setVisible(bool(warned) or (wanted is not None and bool(wanted.requirements)))

    def _skills_html(self, card: BidderCard, task: Task) -> str:
        if not card.skills:
            return html.escape(tr("No skills on the profile yet."))
        lang = self.page.language
        wanted = set(task.skills)
        ordered = sorted(
            card.skills,
            key=lambda h: (h.skill not in wanted, not h.confirmed, wording.skill(h.skill, lang)),
        )
        lines = []
        for held in ordered:
            name = html.escape(breakable(wording.skill(held.skill, lang)))
            if held.skill in wanted:
                name = f"<b>{name}</b>"
            mark = "✔" if held.confirmed else "○"
            evidence = html.escape(breakable(wording.evidence(held)))
            lines.append(f'{mark} {name} <span style="color:#555">— {evidence}</span>')
        return "<br>".join(lines)

    def _draw_endorsing(self, card: BidderCard, task: Task) -> None:
        lang = self.page.language
        candidates = list(dict.fromkeys([*task.skills, *(h.skill for h in card.skills)]))
        if list(self.endorse_boxes) != candidates:
            for box in self.endorse_boxes.values():
                box.setParent(None)
                box.deleteLater()
            self.endorse_boxes = {}
            # A check box does not wrap: long labels end in "…" within the card.
            room = self.width() - 8 * self.fontMetrics().averageCharWidth()
            for skill in candidates:
                name = wording.skill(skill, lang)
                shown = self.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, room)
                box = QCheckBox(shown, self.endorsing)
                box.setToolTip(name)
                box.setAccessibleName(name)
                self.endorse_list.addWidget(box)
                self.endorse_boxes[skill] = box
        for skill, box in self.endorse_boxes.items():
            done = skill in card.endorsed_here
            if done:
                box.setChecked(True)
            box.setEnabled(not done)
        self.endorse_button.setEnabled(
            any(b.isEnabled() for b in self.endorse_boxes.values())
            and not self.page.busy(f"endorse:{self.bid_id}")
        )

    # --- deciding ------------------------------------------------------------

    @property
    def action(self) -> str:
        """The name of this card's decision while it is being made (see `Screen.act`)."""
        return f"decide:{self.bid_id}"

    def accept(self) -> None:
        self._ask("bid.accept")

    def decline(self) -> None:
        self._ask("bid.decline")

    def _ask(self, kind: str) -> None:
        """Show the confirmation in the card, naming the bidder; the keyboard goes to it."""
        who = shortened(self.card.bidder.name, 100) if self.card else ""
        accepting = kind == "bid.accept"
        self._asked = kind
        if self.page.offline():  # queued, not sent: promising "at once" would mislead
            self.confirm_text.setText(
                tr("Accept the bid from {who}? They are told when Knop is online again.", who=who)
                if accepting
                else tr("Decline the bid from {who}? They are told when Knop is online again.", who=who)
            )
        else:
            self.confirm_text.setText(
                tr("Accept the bid from {who}? They are told at once.", who=who)
                if accepting
                else tr("Decline the bid from {who}? They are told at once.", who=who)
            )
        self.confirm_button.setText(tr("Yes, &accept") if accepting else tr("Yes, &decline"))
        self.confirm_button.setAccessibleName(
            tr("Yes, accept the bid from {who}", who=who)
            if accepting
            else tr("Yes, decline the bid from {who}", who=who)
        )
        self.choosing.hide()
        self.confirming.show()
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_back(self) -> None:
        """Not now: the Accept or Decline that was pressed gets the keyboard back."""
        asked = self._asked
        self._show_choice()
        (self.accept_button if asked == "bid.accept" else self.decline_button).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def _show_choice(self) -> None:
        self._asked = None
        self.confirming.hide()
        self.choosing.show()

    def confirm(self) -> None:
        if self._asked is None:
            return
        kind = self._asked
        note = self.note.text().strip()
        started = self.page.act(
            kind,
            {"bid_id": self.bid_id, "message": note},
            self.problem,
            then=lambda _outcome: self.page.decided(self.bid_id),
            action=self.action,
            buttons=(self.accept_button, self.decline_button, self.confirm_button),
        )
        if started:
            # The keys leave the card before its confirm button hides: a hidden focused
            # button passes them on by Tab, and the strip scrolls to wherever that lands
            # (a try-out's cards jumped back to the left).
            self.page.strip.setFocus(Qt.FocusReason.OtherFocusReason)  # until the cards redraw
            self._show_choice()

    def chosen_skills(self) -> list[str]:
        return [s for s, b in self.endorse_boxes.items() if b.isEnabled() and b.isChecked()]

    def endorse(self) -> None:
        if self.card is None:
            return
        for skill in self.chosen_skills():
            payload = {
                "endorsement_id": uuid7(),
                "task_id": self.card.bid.task_id,
                "person_id": self.card.bidder.id,
                "skill": skill,
            }
            self.page.act(
                "task.endorse", payload, self.problem,
                action=f"endorse:{self.bid_id}", buttons=(self.endorse_button,),
            )


def awaiting_lending(data: Review) -> list[str]:
    """The names of the accepted whose lending waits for their home manager's yes.

    While any does, `task.complete` refuses (desktop.core.operations): their work does not count yet.
    """
    return [
        c.bidder.name
        for c in data.cards
        if c.bid.status == BidStatus.ACCEPTED and c.bid.lending == Lending.AWAITING
    ]


class ReviewPage(TaskScreen):
    """The review of one task's bids, for its owner and the site's managers."""

    WATCHES = frozenset(
        {"tasks", "bids", "people", "person_skills", "endorsements", "sites", "task_requirements", "companies",
         "outbox"}  # a decision sent (or refused) changes what its card says
    )

    def __init__(self, context: AppContext, task_id: str, parent: QWidget | None = None) -> None:
        super().__init__(context, task_id, parent)
        self.data: Review | None = None
        self.cards: dict[str, BidCard] = {}
        self._decided: str | None = None  # the bid just decided: the keyboard moves on from it
        self._start_wanted = False  # the page came up before its cards: start once they are drawn
        self.decline_rest_question: QMessageBox | None = None  # "Decline the rest?" while it is open
        self.cards_drawn = False  # the cards have been laid out in rows at least once
        self.setObjectName("review-page")
        self._build()
        self.reload()

    def _build(self) -> None:
        self.title = heading("", self)
        self.state = _label(self)
        self.state.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # where the keys wait while the task completes
        self.complete_button = QPushButton(tr("&Mark task as done"), self)
        self.complete_why = _label(self)  # why it cannot be marked done yet, under the state
        self.complete_why.setObjectName("note")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.complete_button)

        self.rest_note = QLineEdit(self)
        self.rest_note.setMaxLength(2000)
        self.rest_note.setPlaceholderText(tr("Message to those not chosen (optional)"))
        self.rest_note.setAccessibleName(tr("Message to those not chosen"))
        self.decline_rest_button = QPushButton(tr("Decline the &rest"), self)
        mark_destructive(self.decline_rest_button)  # never where the focus is put for the person
        self.rest = QWidget(self)
        rest = QHBoxLayout(self.rest)
        rest.setContentsMargins(0, 0, 0, 0)
        rest.addWidget(self.rest_note, 1)
        rest.addWidget(self.decline_rest_button)

        self.wanted = _label(self)
        self.legend = _label(self)
        self.legend.setObjectName("note")
        self.legend.setText(
            tr(
                "✔ confirmed by a finished task   ○ self-declared   "
                "bold: a skill this task asks for"
            )
        )
        self.problem = ProblemLabel(self)
        self.empty = _label(self)
        # The cards in rows: as many side by side as fit at their least width, sharing the
        # strip's width, the rest on rows below. The strip scrolls down, never sideways.
        self.grid = QGridLayout()
        self.grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        strip = QWidget()
        strip.setLayout(self.grid)
        self.strip = QScrollArea(self)
        self.strip.setWidgetResizable(True)
        self.strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip.setWidget(strip)
        self.strip.setAccessibleName(tr("Bids"))
        self.strip.viewport().installEventFilter(self)
        self._columns = 0  # cards per row as last laid out

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.state)
        layout.addWidget(self.complete_why)
        layout.addWidget(self.wanted)
        layout.addWidget(self.rest)
        layout.addWidget(self.legend)
        layout.addWidget(self.problem)
        layout.addWidget(self.empty)
        layout.addWidget(self.strip, 1)

        self.complete_button.clicked.connect(self.complete)
        self.decline_rest_button.clicked.connect(self.ask_decline_rest)

    @property
    def requirements(self) -> TaskRequirements | None:
        """What the task asks of bidders, as last loaded (None: nothing)."""
        return self.data.requirements if self.data else None

    # --- loading -------------------------------------------------------------

    def question(self) -> Callable[[Store], Review | None]:
        person, task_id = self.context.person, self.task_id
        return lambda store: review(store, person, task_id)

    def draw(self, data: Review | None) -> None:
        self.data = data
        if data is None:
            self.title.setText("")
            self.state.setText(
                tr(
                    "This review is not available: the task is gone, "
                    "or you are not one of the people who manage it."
                )
            )
            self.complete_button.setEnabled(False)
            self.rest.hide()
            self._place_cards([], None, 0)
            return
        task = data.task
        self.title.setText(task.title)
        filled = ntr(
            "{filled} of {n} seat filled",
            "{filled} of {n} seats filled",
            task.seats,
            filled=task.accepted_count,
        )
        # The status word always leads, the count beside it: with the last seat filled the
        # line read only "1 af 1 plads besat", and a try-out missed what had become of the
        # task (the board and the task page call it by its status word). That word then
        # says the seats are filled, so the count follows it in brackets, not said twice.
        # Its two forms are alike in Danish and English (no word follows the count to agree
        # with it: "pladser" would say the status word again), but it stays a plural sentence:
        # counts go through one (tests/test_catalogue.py), and a language whose "of" or
        # brackets change with the number can give it a form of its own.
        status = wording.task_status(data.status)
        waiting = awaiting_lending(data)
        if waiting:
            # "All seats filled" misled while a lent worker's home manager had not said yes
            # (try-out s36): the seat is taken, the work cannot count yet.
            self.state.setText(
                ntr(
                    "{filled} of {n} seat filled – waiting for the lending to be approved",
                    "{filled} of {n} seats filled – waiting for the lending to be approved",
                    task.seats,
                    filled=task.accepted_count,
                )
            )
        else:
            self.state.setText(
                ntr("{status} ({filled} of {n})", "{status} ({filled} of {n})", task.seats,
                    status=status, filled=task.accepted_count)
                if data.status == TaskStatus.ASSIGNED
                else f"{status} · {filled}"
            )
        wanted = sorted(wording.skill(s, self.language) for s in task.skills)
        lines = [tr("Skills wanted: {skills}", skills=", ".join(wanted))] if wanted else []
        if data.requirements is not None and data.requirements.requirements:
            lines.append(wording.requirements(data.requirements, self.language))
        self.wanted.setText(breakable("\n".join(lines)))
        self.wanted.setVisible(bool(lines))
        deciding = task.status in operations.DECIDING
        self.complete_button.setVisible(deciding)
        self.complete_button.setEnabled(
            deciding and task.accepted_count > 0 and not waiting and not self.busy("complete")
        )
        # Said before the click, not refused after it (try-out s36): the same rule as
        # `task.complete` (desktop.core.operations), which refuses while a lending waits.
        why = ""
        if deciding and waiting:
            why = ntr(
                "The task can be marked as done once {names}'s home manager has approved the lending.",
                "The task can be marked as done once the home managers of {names} have approved the lendings.",
                len(waiting),
                names=", ".join(shortened(name, 100) for name in waiting),
            )
        elif deciding and not task.accepted_count:
            why = tr("Accept at least one bid first.")
        self.complete_button.setToolTip(why)
        self.complete_why.setText(breakable(why) if waiting else "")
        self.complete_why.setVisible(deciding and bool(waiting))
        pending = any(c.bid.status == BidStatus.PENDING for c in data.cards)
        self.rest.setVisible(deciding and pending)
        self.empty.setText(tr("No bids on this task yet.") if not data.cards else "")
        self.empty.setVisible(not data.cards)
        self._place_cards(data.cards, task, data.seats_left)
        self.decline_rest_button.setEnabled(not any(self.busy(c.action) for c in self.cards.values()))
        if self._start_wanted and self.strip.hasFocus():  # still where `focus_start` left it
            self.focus_start()
        self._start_wanted = False
        self._move_on()

    def focus_start(self) -> None:
        """Where the keys start on the review (`ui.window_focus.focus_start`): the first bid to decide.

        On its Accept (on its message when the seats are filled): the manager comes here to
        decide, card by card. Left to the Tab order the keys started in the message "to those
        not chosen", which belongs to the end, or on the strip of cards (try-out). With
        nothing to decide: "Mark task as done" when it can be, else the strip, to read.
        The page comes up before its cards: the strip holds the keys until they are drawn.
        """
        if self.data is None:
            self._start_wanted = True
            self.strip.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._start_wanted = False
        undecided = [card for card in self.cards.values() if card.decision.isVisible()]
        if undecided:
            first = undecided[0]
            target: QWidget = first.accept_button if first.accept_button.isEnabled() else first.note
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            self.strip.ensureWidgetVisible(target)
        elif self.complete_button.isVisible() and self.complete_button.isEnabled():
            self.complete_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.strip.setFocus(Qt.FocusReason.OtherFocusReason)

    def offline(self) -> bool:
        """True while the last sync found no server: a decision now waits in the outbox."""
        sync = self.context.sync
        latest = sync.latest if sync is not None else None
        return latest is not None and latest.online is False

    def decided(self, bid_id: str) -> None:
        """A decision on `bid_id` was made: once the cards are redrawn, the keyboard rests on it."""
        self._decided = bid_id
        if not self._loading:
            self._move_on()

    def _move_on(self) -> None:
        """After a decision, the keys rest on the decided card's new status, in view.

        Not on the next bidder's Accept or Decline: there one more Enter started the next
        decision (try-out s36). From the status Tab goes on to the next card. Its status,
        not the whole card, is brought into view: a card taller than the strip is centred
        by `ensureWidgetVisible`, which scrolled the cards into the middle of the skill
        lists when the last seat was filled (try-out 7).
        """
        if self._decided is None:
            return
        decided = self.cards.get(self._decided)
        self._decided = None
        if decided is not None and decided.status.isVisible():
            decided.status.setFocus(Qt.FocusReason.OtherFocusReason)
            self.strip.ensureWidgetVisible(decided.status)
            return
        self.strip.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows scroll the cards from here

    def _place_cards(self, cards: list[BidderCard], task: Task | None, seats_left: int) -> None:
        """Keep a card per bid: new bids get a card, gone ones lose it, the rest update in place."""
        wanted = [c.bid.id for c in cards]
        for bid_id in list(self.cards):
            if bid_id not in wanted:
                gone = self.cards.pop(bid_id)
                self.grid.removeWidget(gone)
                gone.deleteLater()
        for data in cards:
            card = self.cards.get(data.bid.id)
            if card is None:
                card = self.cards[data.bid.id] = BidCard(self, data.bid.id)
                card.show()  # now, not after a queued show: the draw is complete when it returns
            if task is not None:
                card.show_card(data, task, seats_left)
        self.cards = {bid_id: self.cards[bid_id] for bid_id in wanted}  # in the bids' order
        self._columns = 0  # new or gone cards: lay the rows out anew
        self.lay_out_cards()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """The strip's visible width changed: share it among the cards anew."""
        if watched is self.strip.viewport() and event.type() == QEvent.Type.Resize:
            self.lay_out_cards()
        return super().eventFilter(watched, event)

    def card_widths(self, room: int, count: int) -> tuple[int, int]:
        """(cards per row, each card's width in px) for `count` cards in `room` px.

        As many side by side as fit at their least width, sharing the room up to their
        greatest (CARD_WIDTH_CHARS); at least one a row, however narrow the room.
        """
        char = self.fontMetrics().averageCharWidth()
        least, most = (n * char for n in CARD_WIDTH_CHARS)
        gap = self.grid.horizontalSpacing()
        columns = max(1, min(count, (room + gap) // (least + gap)))
        width = (room - gap * (columns - 1)) // columns
        return columns, max(min(width, most), min(least, room))

    def lay_out_cards(self) -> None:
        """Place the cards in rows that fit the strip's width, and line up their parts."""
        if not self.cards:
            return
        margins = self.grid.contentsMargins()
        room = self.strip.viewport().width() - margins.left() - margins.right()
        scroll_bar = self.strip.verticalScrollBar()
        if not scroll_bar.isVisible():  # a bar that may come: leave it room, or the last card is cut
            room -= scroll_bar.sizeHint().width()
        columns, width = self.card_widths(room, len(self.cards))
        cards = list(self.cards.values())
        if columns != self._columns:
            self._columns = columns
            for card in cards:
                self.grid.removeWidget(card)
            for position, card in enumerate(cards):
                self.grid.addWidget(card, position // columns, position % columns)
        for card in cards:
            card.set_width(width)
        self.cards_drawn = True
        self.line_up()

    def line_up(self) -> None:
        """Make each part of the cards as tall as the tallest of that part in its row."""
        cards = list(self.cards.values())
        columns = max(self._columns, 1)
        for start in range(0, len(cards), columns):
            row = cards[start : start + columns]
            heights = [card.natural_heights() for card in row]
            for part, tallest in enumerate(max(column) for column in zip(*heights, strict=True)):
                for card in row:
                    card.slots[part].setFixedHeight(tallest)

    # --- actions -------------------------------------------------------------

    def complete(self) -> None:
        # The keys wait on the task's state while it completes: the button is disabled
        # meanwhile, and Qt passed them on to the message "to those not chosen" (try-out s36).
        self.state.setFocus(Qt.FocusReason.OtherFocusReason)
        self.act(
            "task.complete", {"task_id": self.task_id}, self.problem,
            action="complete", buttons=(self.complete_button,),
        )

    def ask_decline_rest(self) -> QMessageBox | None:
        """Ask before declining every bid still pending, saying how many people are told; None: none pend.

        Accepting one bid is confirmed in its card, and declining many at once tells
        as many people "no" and cannot be taken back, yet a try-out found "Decline the
        rest" doing it at the first click. "Cancel" is the default, so Enter does not
        decline. The bids asked about are the ones declined: a bid that arrives while
        the question is open is not declined unseen.
        """
        if self.data is None:
            return None
        pending = [c for c in self.data.cards if c.bid.status == BidStatus.PENDING]
        if not pending:
            return None
        people = len({c.bidder.id for c in pending})
        offline = self.offline()  # queued, not sent: promising "at once" would mislead
        text = (
            ntr(
                "Decline the bid from {n} person? They are told when Knop is online again.",
                "Decline the bids from {n} people? They are told when Knop is online again.",
                people,
            )
            if offline
            else ntr(
                "Decline the bid from {n} person? They are told at once.",
                "Decline the bids from {n} people? They are told at once.",
                people,
            )
        )
        seats_left = self.data.seats_left
        if seats_left > 0 and self.data.task.status in operations.DECIDING:
            # Declining everyone left while a seat is free is rarely meant (try-out s36).
            text = ntr(
                "{n} seat is still free – do you want to decline all the others?",
                "{n} seats are still free – do you want to decline all the others?",
                seats_left,
            ) + " " + text
        note = self.rest_note.text().strip()
        text += " " + (
            tr("Your message goes with it: {message}", message=quoted(shortened(note, 200)))
            if note
            else tr("No message goes with it.")
        )
        bid_ids = [c.bid.id for c in pending]
        box = ask_first(
            self,
            QMessageBox.Icon.Warning,
            tr("Decline the rest?"),
            text,
            (ntr("Decline {n} bid", "Decline {n} bids", len(bid_ids)), QMessageBox.ButtonRole.DestructiveRole),
            lambda: self.decline_rest(bid_ids),
            name="declineRestQuestion",
        )
        box.finished.connect(lambda _r: setattr(self, "decline_rest_question", None))
        self.decline_rest_question = box
        return box

    def decline_rest(self, bid_ids: list[str]) -> None:
        """Decline those of `bid_ids` that are still pending, with the message to those not chosen.

        Offline the decisions wait in the outbox like any other (`act`), and go when Knop
        is online again.
        """
        if self.data is None:
            return
        note = self.rest_note.text().strip()
        still = {c.bid.id for c in self.data.cards if c.bid.status == BidStatus.PENDING}
        for bid_id in bid_ids:
            if bid_id in still:
                self.act(
                    "bid.decline", {"bid_id": bid_id, "message": note}, self.problem,
                    action=f"decide:{bid_id}", buttons=(self.decline_rest_button,),
                )
        self.rest_note.clear()
