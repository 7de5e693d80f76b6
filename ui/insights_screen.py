"""What the competence map, talent search and network screens share: cached first, then fresh.

A screen opens on the last answer kept in the local store (read on the DB
thread), so it paints at once and works offline, and then asks the server for
a fresh one on a network thread. The answer comes back to the UI thread by
signal, is kept in the store (DB thread again), and drawn. A line at the top
says when the numbers were computed, or why they could not be fetched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from desktop import insights
from desktop.core.quarters import parse_quarter
from desktop.core.text import plural_sentence, translate
from sync.failures import SyncFailure
from ui import wire, wording
from ui.field_label import FieldLabel
from ui.flow_layout import FlowLayout, wants_to_grow
from ui.screen import Screen
from ui.wire import Fetcher

log = logging.getLogger(__name__)

_CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _Delivery(QObject):
    """Carries a network answer to the UI thread; dropped with its screen."""

    arrived = Signal(object, object)  # (body or None, error or None)


class InsightScreen(Screen):
    """Base for the insight screens: `NAME` is the cached answer this screen draws."""

    NAME = ""
    WATCHES = frozenset({"insights"})

    def __init__(self, context: Any, parent: QWidget | None = None, fetcher: Fetcher | None = None) -> None:
        super().__init__(context, parent)
        self.fetcher = fetcher or wire.insights_fetcher(context)
        self.current: insights.Cached | None = None
        self._delivery = _Delivery(self)
        self._delivery.arrived.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        self._pending: dict[int, tuple[str, Callable[[dict[str, Any]], None]]] = {}
        self._asked = 0
        self._shown: dict[str, int] = {}  # per request name, the newest ticket whose answer was handled
        self.when = QLabel(self)
        self.when.setObjectName("insightsComputedAt")
        self.when.setWordWrap(True)
        self.refresh_button = QPushButton(self.say("&Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)

    def say(self, msgid: str, **facts: Any) -> str:
        """`msgid` (English, `{fact}` placeholders) in this screen's language.

        A Babel keyword of `make catalogue` (tests/catalogue.py KEYWORDS), like `tr`;
        a helper under another name would leave its sentences out of the catalogue.
        """
        return translate(self.language, msgid, **facts)

    def say_quarter(self, iso_quarter: str) -> str:
        """A quarter ("2026-Q1", as the server names it) as this screen's language writes it.

        Danish "1. kvt. 2026", English "Q1 2026"; a try-out read "2024-Q4" in Danish
        (the network's slider) and "Q4 2026" (the competence map's trend). Text that is
        no quarter comes back as it is.
        """
        parsed = parse_quarter(iso_quarter)
        if parsed is None:
            return iso_quarter
        year, number = parsed
        return self.say("Q{quarter} {year}", quarter=number, year=year)

    def say_n(self, singular: str, plural: str, n: int, **facts: Any) -> str:
        """The plural form for `n` of singular/plural in this screen's language (Babel keyword, args 1 and 2)."""
        return plural_sentence(singular, plural, n, **facts).text(self.language)

    def not_shown(self, others: int | None) -> str:
        """The line under a list of people: how many more the server left out (None: fewer than 3)."""
        if others is None:
            return self.say("Not shown by name: fewer than 3 more people.")
        if not others:
            return ""
        return self.say_n("Not shown by name: {n} more person.", "Not shown by name: {n} more people.", others)

    def labelled_row(self, *fields: tuple[str, QWidget], packed: bool = True) -> QHBoxLayout:
        """Fields in a row, each right after its label (whose &-key moves the focus to it).

        A label keeps its text's width, so it never drifts away from its field;
        with `packed` the row ends in a stretch, so fields that do not want to
        grow (dates, short lists) sit together on the left instead of being
        spread across the screen. A caller that adds widgets sharing the space
        itself passes packed=False.
        """
        row = QHBoxLayout()
        gap = 2 * self.fontMetrics().averageCharWidth()
        for number, (text, field) in enumerate(fields):
            label = FieldLabel(text, field, self)
            label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
            if number:
                row.addSpacing(gap)
            row.addWidget(label)
            row.addWidget(field)
        if packed and not any(wants_to_grow(field) for _text, field in fields):
            row.addStretch(1)
        return row

    def labelled_flow(self, *fields: tuple[str, QWidget]) -> FlowLayout:
        """Fields each right after its label, in a line that wraps where the width runs out.

        Each label stays with its field (they wrap together); for filter rows
        that fit on one line on a big screen and would be cut on a small one.
        """
        flow = FlowLayout(spacing=2 * self.fontMetrics().averageCharWidth())
        for text, field in fields:
            pair = QWidget(self)
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(FieldLabel(text, field, pair))
            row.addWidget(field)
            flow.addWidget(pair)
        return flow

    def status_row(self, *more: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.when, 1)
        for widget in more:
            row.addWidget(widget)
        row.addWidget(self.refresh_button)
        return row

    # --- cached first ---------------------------------------------------------------

    def question(self) -> Callable[[Any], Any]:
        name = self.NAME
        return lambda store: insights.cached(store, name)

    def draw(self, data: Any) -> None:
        first = self.current is None and not self._asked
        if data is not None:
            self.current = data
            self.say_computed(data.computed_at)
            self.show_answer(data.body)
        elif first:
            self.when.setText(self.say("Fetching the numbers from the server…"))
        if first:
            self.refresh()

    def say_computed(self, computed_at: str) -> None:
        """Say when the answer shown was computed (`computed_at`: the kept answer's ISO 8601 time)."""
        self.when.setText(self.say("Computed {when}", when=wording.moment(computed_at, self.language)))

    def show_answer(self, body: dict[str, Any]) -> None:
        """Draw one answer from the server (cached or fresh)."""
        raise NotImplementedError

    # --- then fresh ------------------------------------------------------------------

    def refresh(self) -> None:
        self.ask(self.NAME, {}, self._keep)

    def ask(self, name: str, params: dict[str, Any], then: Callable[[dict[str, Any]], None]) -> None:
        """Ask the server on the network thread; `then(body)` runs on the UI thread."""
        self._asked += 1
        ticket = self._asked
        self._pending[ticket] = (name, then)
        delivery, fetcher = self._delivery, self.fetcher

        def work() -> None:
            try:
                body, error = fetcher(name, params), None
            except BaseException as failure:  # noqa: BLE001 - delivered, never lost on a thread
                body, error = None, failure
            try:
                delivery.arrived.emit((ticket, body), error)
            except RuntimeError:  # the screen is gone: nobody is waiting
                pass

        # A thread per request (they are rare, one GET each, bounded by the transport's
        # timeouts); a daemon, so quitting never waits for a slow server, and its
        # answer is simply dropped when the screen has gone.
        threading.Thread(target=work, name="knop-insights", daemon=True).start()

    def _arrived(self, answer: tuple[int, dict[str, Any] | None], error: BaseException | None) -> None:
        ticket, body = answer
        name, then = self._pending.pop(ticket, ("", None))
        if then is None:
            return
        # Requests run side by side and may answer out of order: an answer older than one
        # already shown for the same question (a list fetched again, then searched) is stale.
        # Every answer to a change (POST, ...) is handled: each says how its change went.
        if name.partition(" ")[0] not in _CHANGES:
            if ticket < self._shown.get(name, 0):
                return
            self._shown[name] = ticket
        if error is not None or body is None:
            self.fetch_failed(error)
            return
        then(body)

    def fetch_failed(self, error: BaseException | None) -> None:
        if isinstance(error, SyncFailure):
            why = error.message(self.language)
        else:
            log.error("fetching insights failed", exc_info=error)
            why = self.say("The server could not answer.")
        if self.current is not None:
            self.when.setText(
                self.say(
                    "Computed {when}. The newest numbers could not be fetched: {why}",
                    when=wording.moment(self.current.computed_at, self.language),
                    why=why,
                )
            )
        else:
            self.when.setText(self.say("No numbers yet: {why}", why=why))

    def _keep(self, body: dict[str, Any]) -> None:
        name = self.NAME
        self.context.query(lambda store: insights.keep(store, name, body), parent=self).success(
            self._kept
        ).run_in_background()

    def _kept(self, kept: insights.Cached) -> None:
        self.current = kept
        self.say_computed(kept.computed_at)
        self.show_answer(kept.body)
        self.loaded.emit()
