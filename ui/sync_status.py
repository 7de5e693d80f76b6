"""Sync in the UI: a Qt adapter around the scheduler, the status bar, the "needs attention" list.

`SyncLink` is the thin adapter STYLE.md 6 asks for: the scheduler lives on its
own thread and calls `on_state` there; the link re-emits each state through a
queued signal, so widgets only ever hear about sync on the UI thread, and no
network call ever starts on it. When a sync ends the link says which tables
it touched, and the context tells the views (`AppContext.notify`).

The status bar is always visible: online or offline, what is waiting to be
sent, when the last sync finished, how far a running sync has come, a Sync
now button, and how many refused changes need the person's attention. The
counts of waiting and refused changes come from the person's own store right
after each local change, so the bar never lags behind a click.
"""

from __future__ import annotations

import dataclasses

import logging
from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Protocol

import shiboken6

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.needs_attention import (
    AttentionItem,
    OutboxCounts,
    attention_items,
    dismiss,
    outbox_counts,
)
from desktop.core.ids import utc_now
from ui.background import Changes, Errand
from ui.context import AppContext
from ui.long_text import ElidedLabel
from ui.table_model import AnyIndex, in_table, read_only_flags
from ui.operation_words import operation_label
from ui.rows_view import RowsView
from ui.words import ntr, tr

if TYPE_CHECKING:  # the wire (requests and all) loads after the login screen is up
    from sync.scheduler import SyncState

log = logging.getLogger(__name__)

# How long a logout waits on the UI thread for an idle sync thread to end (it ends in
# microseconds); one with a sync under way is not waited for (`SyncLink.stop`).
AT_ONCE_S = 0.25
# How long the background waits for it: past the longest read timeout and back-off.
JOIN_S = 120.0


class Scheduler(Protocol):
    """What the link needs from `sync.scheduler.SyncScheduler` (a test may bring its own)."""

    on_state: Any

    def start(self) -> None: ...

    def request_sync(self, reason: str = "manual") -> None: ...

    def cancel(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> bool: ...


class SyncLink(QObject):
    """The scheduler seen from the UI thread."""

    state_changed = Signal(object)  # sync.scheduler.SyncState, on the UI thread
    finished = Signal(object)  # set of table names a finished sync touched
    _from_worker = Signal(object)

    def __init__(self, scheduler: Scheduler, person_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scheduler = scheduler
        self.person_id = person_id
        self.latest: SyncState | None = None
        self._carried: SyncState | None = None  # what the link before this one knew (`carry_on_from`)
        self._stopped = False
        # Emitted on the scheduler's thread; Qt queues it to this object's (the UI) thread.
        self._from_worker.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        scheduler.on_state = self._from_worker.emit

    def start(self) -> None:
        self.scheduler.start()

    def request_sync(self, reason: str = "manual") -> None:
        if not self._stopped:
            self.scheduler.request_sync("change" if reason == "local change" else reason)

    def cancel(self) -> None:
        self.scheduler.cancel()

    def stop(self, timeout: float = AT_ONCE_S) -> bool:
        """Cancel the running sync and let its thread go; True when it ended within `timeout` s.

        Called on the UI thread at a logout or a switch of user, which must be instant:
        a sync waiting on a server that hangs ended only at its read timeout, and joining
        it here held the UI thread 10 s with a black screen while the keys typed for the
        login screen were lost (try-out s36). The scheduler hears nothing of it from now
        on (`SyncScheduler.stop`), so its late states reach no deleted receiver; a thread
        still in a request is joined by an errand instead, which the shell's quit waits
        for (`Errand.join_all`). It makes no further request, with no one's token.
        """
        self._stopped = True
        scheduler = self.scheduler
        # A sync under way may be in a request: not waited for at all. An idle thread ends at once.
        running = getattr(getattr(scheduler, "state", None), "syncing", False)
        if scheduler.stop(0.0 if running else timeout):
            return True
        log.info("the sync thread is still in a request; it ends on its own, no further one is made")

        def join() -> None:
            if not scheduler.stop(JOIN_S):
                log.error("the sync thread did not stop within %s s", JOIN_S)

        Errand(join, None, "sync-stop").run_in_background()
        return False

    def carry_on_from(self, state: SyncState) -> None:
        """Start from what the person's previous link knew, until this one's scheduler knows it itself.

        The window is built anew with a new link for another language; its bar said "Not
        synced yet · Never synced" until the new scheduler's first sync had ended, though
        the last one had just told (try-out 7). `state` is taken as at rest (no sync
        running, no report to act on, no runs counted by this scheduler); the scheduler's
        states, until they say it, borrow whether the server was reached (with why not),
        and the last success.
        """
        self._carried = dataclasses.replace(
            state, syncing=False, progress=None, last_report=None, runs=0, unreachable=0
        )
        self.latest = self._carried

    def _borrowed(self, state: SyncState) -> SyncState:
        """`state` with what it does not know yet taken from `_carried`."""
        carried = self._carried
        if carried is None:
            return state
        if state.online is None and carried.online is not None:
            state = dataclasses.replace(
                state,
                online=carried.online,
                error_words=state.error_words or carried.error_words,
                error_code=state.error_code or carried.error_code,
                error_cause=state.error_cause or carried.error_cause,
            )
        if state.last_success is None and carried.last_success is not None:
            state = dataclasses.replace(state, last_success=carried.last_success)
        return state

    def _arrived(self, state: SyncState) -> None:
        if self._stopped:
            return
        state = self._borrowed(state)
        before = self.latest
        self.latest = state
        self.state_changed.emit(state)
        if before is not None and before.syncing and not state.syncing:
            tables: set[str] = {"outbox", "attention"}
            report = state.last_report
            mine = report.user(self.person_id) if report is not None else None
            if mine is not None:
                tables |= set(mine.tables)
                if mine.resynced or mine.rebased:
                    tables |= {"tasks", "bids", "comments", "endorsements", "person_skills"}
            self.finished.emit(tables)


def _local_time(iso: str | None, language: str) -> str:
    """A stored UTC timestamp as the person's local clock time, with the date unless today."""
    if not iso:
        return ""
    moment = QDateTime.fromString(iso, Qt.DateFormat.ISODateWithMs)
    if not moment.isValid():
        moment = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    if not moment.isValid():
        return iso
    local = moment.toLocalTime()
    locale = QLocale(QLocale.Language.Danish if language == "da" else QLocale.Language.English)
    if local.date() == QDateTime.currentDateTime().date():
        return locale.toString(local.time(), "HH:mm")
    return locale.toString(local, QLocale.FormatType.ShortFormat)


class SyncStatusBar(QWidget):
    """The always-visible sync status: one line, every part also readable without colour."""

    attention_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.context = context
        self.counts = OutboxCounts(0, 0)
        self.sync_state: SyncState | None = None

        self.dot = QLabel("●", self)
        self.dot.setObjectName("syncDot")
        self.dot.setAccessibleName(tr("Connection"))
        # At 1024 px the bar is narrower than its sentences: each shrinks to "…"
        # and keeps its whole sentence in its tooltip, rather than being cut off.
        self.connection_label = ElidedLabel("", self)
        self.connection_label.setObjectName("syncConnection")
        self.pending_label = ElidedLabel("", self)
        self.pending_label.setObjectName("syncPending")
        self.last_label = ElidedLabel("", self)
        self.last_label.setObjectName("syncLast")
        for label in (self.connection_label, self.pending_label, self.last_label):
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        # Why the last sync stopped, whole, on a line of its own under the state: beside it
        # the sentence was cut to what the rest left over, at 1024 px to "Serveren kan ikke
        # nå…", which misreads as the server unable to reach something (try-out). Not for
        # being offline, which the state line says on its own (`_draw`).
        self.error_label = _Reason(self)
        self.error_label.setObjectName("syncError")
        self.attention_button = QPushButton(self)
        self.attention_button.setObjectName("attentionButton")
        self.attention_button.clicked.connect(self.attention_requested)
        self.attention_button.hide()
        self.sync_button = QPushButton(tr("Sync now"), self)
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setToolTip(tr("Send your changes and fetch new ones now (F5)"))
        self.sync_button.clicked.connect(self.sync_now)
        # A click leaves the focus where the person was typing; Tab still reaches it.
        self.sync_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        # Where the keyboard focus was before it came to the button, and whether the sync
        # took it from the button: greyed out while a sync runs, the button would hand it
        # to the next widget in the chain (the bell, a try-out found).
        self._came_from: QWidget | None = None
        self._focus_lent_to: QWidget | None = None
        # "Sync now" pressed while offline: the state's counts of failed requests and
        # finished syncs then, until an answer comes (`_retry_answered`); and when that
        # retry found no server either (local time, for the bar's sentence).
        self._retry_from: tuple[int, int] | None = None
        self._still_offline_at: str | None = None
        self._offline_cause = ""  # why the server cannot be reached, while offline (`_draw`)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

        lines = QVBoxLayout(self)
        lines.setContentsMargins(8, 2, 8, 2)
        lines.setSpacing(2)
        layout = QHBoxLayout()
        layout.setSpacing(10)
        lines.addLayout(layout)
        lines.addWidget(self.error_label)
        layout.addWidget(self.dot)
        layout.addWidget(self.connection_label)
        layout.addWidget(_separator(self))
        layout.addWidget(self.pending_label)
        layout.addWidget(_separator(self))
        layout.addWidget(self.last_label)
        layout.addStretch(1)
        layout.addWidget(self.attention_button)
        layout.addWidget(self.sync_button)

        context.changed.connect(self._changed)
        if context.sync is not None:
            context.sync.state_changed.connect(self.show_state)
            if context.sync.latest is not None:
                self.sync_state = context.sync.latest
        self._draw()
        self.refresh_counts()

    # --- what it listens to ---------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if {"outbox", "attention"} & changes:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        if self.context.closed:
            return
        self.context.query(outbox_counts, parent=self).success(self._show_counts).failure(
            lambda error: log.error("counting the outbox failed", exc_info=error)
        ).run_in_background()

    def _show_counts(self, counts: OutboxCounts) -> None:
        self.counts = counts
        self._draw()

    def show_state(self, state: SyncState) -> None:
        self.sync_state = state
        if state.online is not False:
            self._retry_from, self._still_offline_at = None, None
        elif self._retry_answered(state):
            self._retry_from = None
            self._still_offline_at = _local_time(utc_now(), self.context.language)
        self._draw()

    def _retry_answered(self, state: SyncState) -> bool:
        """Whether the retry pressed for has found no server: a failed attempt, or a sync ended, since."""
        if self._retry_from is None:
            return False
        unreachable, runs = self._retry_from
        return state.unreachable > unreachable or (state.runs > runs and not state.syncing)

    def sync_now(self) -> None:
        """Ask for a sync now, on the scheduler's thread; offline, also while one waits to retry.

        Offline the bar says it is trying, and then whether the server still cannot be
        reached: a try-out found the button greyed out while offline, so someone whose
        network had just come back could not ask for a retry.
        """
        if self.context.sync is None:
            return
        state = self.sync_state
        if state is not None and state.online is False:
            self._retry_from = (state.unreachable, state.runs)
            self._still_offline_at = None
            self._draw()
        self.context.sync.request_sync("manual")

    def _focus_moved(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is self.sync_button and old is not None and old.window() is self.window():
            self._came_from = old

    def _enable_sync_button(self, enabled: bool) -> None:
        """Grey the button out or back, keeping the keyboard focus in a place the person knows.

        Greyed out while it holds the focus: the focus goes back where it came from
        (not on to the next widget, as Qt would); enabled again while the focus is
        still there: back to the button, where the person left it.
        """
        button = self.sync_button
        if enabled == button.isEnabled():
            return
        if not enabled and button.hasFocus():
            back = self._came_from
            if back is not None and shiboken6.isValid(back) and back.isVisible() and back.isEnabled():
                back.setFocus(Qt.FocusReason.OtherFocusReason)
                self._focus_lent_to = back
        button.setEnabled(enabled)
        if enabled:
            lent, self._focus_lent_to = self._focus_lent_to, None
            if lent is not None and shiboken6.isValid(lent) and lent.hasFocus():
                button.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- drawing ------------------------------------------------------------------------

    def _draw(self) -> None:
        language = self.context.language
        state = self.sync_state
        has_sync = self.context.sync is not None
        # Greyed out while a sync runs, but not while it only waits to find the server again:
        # then pressing it tries at once (`sync_now`).
        offline = state is not None and state.online is False
        self._enable_sync_button(has_sync and not (state is not None and state.syncing and not offline))
        if not has_sync:
            mood, text = "unknown", tr("Not connected to a server")
        elif state is None or (state.online is None and not state.syncing):
            mood, text = "unknown", tr("Not synced yet")
        elif state.online is False and self._retry_from is not None:
            mood, text = "syncing", tr("Trying to reach the server…")
        elif state.online is False and self._still_offline_at is not None:
            # Short: its tooltip says why the server cannot be reached, and at
            # 1024 px "Stadig ingen forbindelse til serveren (prøvet kl. 06…" cut off the
            # time and the two parts after it (try-out 6).
            mood, text = "offline", tr("Still offline (tried at {when})", when=self._still_offline_at)
        elif state.online is False and self.counts.pending:
            # Said as soon as a request finds no server, even while the sync retries.
            mood, text = "offline", tr("Offline: your changes are kept")
        elif state.online is False:
            # Nothing waits: "your changes are kept" beside "All changes sent" said two
            # contrary things (try-out s36).
            mood, text = "offline", tr("Offline")
        elif state.syncing:
            mood, text = "syncing", self._progress(state)
        else:
            mood, text = "online", tr("Online")
        self.dot.setProperty("mood", mood)
        self.dot.style().unpolish(self.dot)
        self.dot.style().polish(self.dot)
        self.connection_label.setText(text)
        # Offline is a normal state for a ward's or a staff room's PC, not an error: said calmly
        # on the state line alone, the cause ("Serveren kan ikke nås (ingen forbindelse).") in its
        # tooltip. A red line under it made the bar a line taller, so going offline (and back)
        # moved the whole page above (a try-out: the board's rows jumped). During a retry the
        # state carries no cause: the last one stays.
        if not offline:
            self._offline_cause = ""
        elif state is not None and not state.syncing:
            self._offline_cause = state.cause(language) or self._offline_cause
        told = f"{text}\n{self._offline_cause}" if offline and self._offline_cause else text
        self.dot.setToolTip(told)
        self.connection_label.setToolTip(told)
        self.connection_label.setAccessibleDescription(self._offline_cause if offline else "")

        pending = self.counts.pending
        if pending:
            self.pending_label.setText(
                ntr("{n} change waiting to be sent", "{n} changes waiting to be sent", pending)
            )
        else:
            self.pending_label.setText(tr("All changes sent"))
        others = getattr(state, "pending_others", 0) if state is not None else 0
        if others:
            self.pending_label.setToolTip(
                self.pending_label.text()
                + "\n"
                + ntr(
                    "Other people on this computer have {n} change waiting",
                    "Other people on this computer have {n} changes waiting",
                    others,
                )
            )

        # The later of the scheduler's and the store's: the store knows it from the login on,
        # the scheduler once its first sync has ended (late, when the server hangs).
        known = [getattr(state, "last_success", None) if state is not None else None, self.counts.last_sync]
        last = max((when for when in known if when), default=None)
        if last:
            self.last_label.setText(
                tr("Last sync {when}", when=_local_time(last, language))
            )
        else:
            self.last_label.setText(tr("Never synced"))

        # The cause only: the state line already says what happens to the changes meanwhile.
        # Offline it is the state line's tooltip instead (above).
        error = state.cause(language) if state is not None and not state.syncing and not offline else None
        self.error_label.setVisible(bool(error))
        if error:
            self.error_label.setText(error)
            self.error_label.setToolTip(error)

        attention = self.counts.attention
        self.attention_button.setVisible(attention > 0)
        self.attention_button.setText(
            ntr("{n} change needs your attention", "{n} changes need your attention", attention)
        )

    def _progress(self, state: SyncState) -> str:
        progress = state.progress
        if progress is None:
            return tr("Syncing…")
        if progress.phase == "push":
            text = tr("Sending changes")
        elif progress.phase == "pull":
            text = tr("Fetching changes")
        else:
            text = tr("Updating what you see")
        if progress.total:
            return f"{text} {progress.done}/{progress.total}"
        if progress.done:
            return f"{text} ({progress.done})"
        return text + "…"


class _Reason(QLabel):
    """A sentence that wraps onto as many lines as its width needs, and asks the layout for them.

    The status bar's layout does not ask a wrapped label its height for its width, so the
    label says it itself as its minimum height whenever its width changes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        height = self.heightForWidth(max(self.width(), 1))
        if height > 0 and height != self.minimumHeight():
            self.setMinimumHeight(height)


def _separator(parent: QWidget) -> QLabel:
    label = QLabel("·", parent)
    label.setObjectName("syncSeparator")
    label.setAccessibleName("")
    return label


# --- needs attention -------------------------------------------------------------------------


class AttentionColumn(IntEnum):
    WHAT = 0
    TASK = 1
    WHY = 2
    WHEN = 3


class AttentionModel(QAbstractTableModel):
    """Refused operations, newest first; a handful of rows, so it simply holds them all."""

    ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._items: list[AttentionItem] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(AttentionColumn)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        headers = {
            AttentionColumn.WHAT: tr("What you did"),
            AttentionColumn.TASK: tr("Task"),
            AttentionColumn.WHY: tr("Why it was not accepted"),
            AttentionColumn.WHEN: tr("When"),
        }
        return (
            headers.get(AttentionColumn(section)) if 0 <= section < len(AttentionColumn) else None
        )

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not in_table(index, len(self._items), len(AttentionColumn)):
            return None
        item = self._items[index.row()]
        if role == self.ITEM_ID_ROLE:
            return item.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = AttentionColumn(index.column())
        if column == AttentionColumn.WHAT:
            return operation_label(item.attention.kind, item.bidder_name)
        if column == AttentionColumn.TASK:
            return item.task_title
        if column == AttentionColumn.WHY:
            return item.attention.message(self.language)
        return _local_time(item.attention.rejected_at, self.language)

    def set_items(self, items: Sequence[AttentionItem]) -> None:
        if [i.id for i in items] == [i.id for i in self._items]:
            return
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> AttentionItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None


class AttentionPanel(QWidget):
    """The refused changes, each with the server's reason, to read, open and dismiss.

    A page of the main window rather than a dialog of its own, so it goes
    with the window when the person locks or leaves.
    """

    open_task_requested = Signal(str)  # task id: the window opens the task view
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionPanel")
        self.context = context
        heading = QLabel(tr("Needs your attention"), self)
        heading.setObjectName("pageHeading")
        intro = QLabel(
            tr(
                "The server did not accept these changes, so they have been undone here. "
                "Everything else you did is kept. Read why, and do it again if it still makes sense."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.hide()  # until there is something it is about (`_show`)
        self.intro = intro
        self.model = AttentionModel(context.language, self)
        self.view = RowsView(self)
        self.view.setObjectName("attentionTable")
        self.view.setAccessibleName(tr("Changes that need your attention"))
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(AttentionColumn.WHY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AttentionColumn.WHAT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AttentionColumn.WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(AttentionColumn.TASK, 280)
        self.empty_label = QLabel(tr("Nothing needs your attention."), self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()

        self.open_button = QPushButton(tr("Open task"), self)
        self.dismiss_button = QPushButton(tr("Dismiss"), self)
        self.dismiss_button.setToolTip(tr("Remove it from this list; it is not sent again"))
        self.open_button.clicked.connect(self._open)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.view.activated.connect(lambda _index: self._open())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.dismiss_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(buttons)
        context.changed.connect(self._changed)
        self._enable()
        self.reload()

    def reload(self) -> None:
        if self.context.closed:
            return
        self.context.query(attention_items, parent=self).success(self._show).run_in_background()

    def _show(self, items: list[AttentionItem]) -> None:
        self.model.set_items(items)
        self.view.resizeRowsToContents()
        self.empty_label.setVisible(not items)
        self.view.setVisible(bool(items))
        # "The server did not accept these changes" above "Nothing needs your attention"
        # spoke of changes that are not there (try-out s36).
        self.intro.setVisible(bool(items))
        if items and not self.view.currentIndex().isValid():
            self.view.selectRow(0)
        self._enable()
        self.loaded.emit()

    def _changed(self, changes: Changes) -> None:
        if "attention" in changes:
            self.reload()

    def _selected(self) -> AttentionItem | None:
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _enable(self) -> None:
        item = self._selected()
        self.dismiss_button.setEnabled(item is not None)
        self.open_button.setEnabled(item is not None and bool(item.task_id and item.task_title))

    def _open(self) -> None:
        item = self._selected()
        if item is not None and item.task_id:
            self.open_task_requested.emit(item.task_id)

    def dismiss_selected(self) -> None:
        item = self._selected()
        if item is None:
            return
        attention_id = item.id
        self.context.query(lambda store: dismiss(store, attention_id), parent=self).success(
            lambda _none: self.context.notify({"attention"}, origin="local")
        ).run_in_background()
