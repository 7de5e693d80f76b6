"""Keeping a text box's content as the person types, so that nothing typed is lost.

One `FormDraft` watches one form on a screen (the bid, the comment): a
moment after the person stops typing it writes the fields to the local store
on the DB thread (`desktop.form_drafts`), so a crash loses at most that
moment; `keep_now()` writes at once (the window calls it when a page is left,
locked or switched away from). `restore()` brings a kept draft back into the
fields. The fields the screen itself filled in (a stored bid, an empty box)
are the `baseline`: a form back at its baseline has nothing to keep, and its
draft is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, SignalInstance
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from desktop import form_drafts
from ui.context import AppContext

Fields = dict[str, Any]

# How long after the last key the draft is written: short enough that a crash
# loses a word at most, long enough not to write on every key.
PAUSE_MS = 400


def put_text(box: QPlainTextEdit, text: str) -> None:
    """Put kept `text` back in `box`, the cursor at its end: where the typing stopped.

    `setPlainText` leaves the cursor at the start; a try-out who typed on after a
    language switch (the box refilled from its draft) wrote in front of her own words.
    """
    box.setPlainText(text)
    box.moveCursor(QTextCursor.MoveOperation.End)


class FormDraft(QObject):
    """The draft of one form about one subject, for the logged-in person.

    `read()` returns the form's fields as plain JSON values; `write(fields)` puts
    a kept draft back. Connect the form's change signals to `typed`.
    """

    def __init__(
        self,
        context: AppContext,
        form: str,
        subject: str,
        read: Callable[[], Fields],
        write: Callable[[Fields], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.form = form
        self.subject = subject
        self.read = read
        self.write = write
        self.baseline: Fields = {}
        self._filling = False
        self._dirty = False
        self._stored = False  # whether a draft may be in the store
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PAUSE_MS)
        self._timer.timeout.connect(self.keep_now)

    def watch(self, *signals: SignalInstance) -> None:
        for signal in signals:
            signal.connect(self.typed)

    def typed(self, *_args: object) -> None:
        if self._filling:
            return
        self._dirty = True
        self._timer.start()

    def filled(self, fill: Callable[[], None]) -> None:
        """Run the screen's own `fill()` of the fields; what it leaves is the new baseline."""
        self._filling = True
        try:
            fill()
        finally:
            self._filling = False
        self.baseline = self.read()

    def keep_now(self) -> None:
        """Write the fields now if they changed since the last write (on the DB thread)."""
        self._timer.stop()
        if not self._dirty or self.context.closed:
            return
        self._dirty = False
        fields, person, form, subject = self.read(), self.context.person.id, self.form, self.subject
        if fields == self.baseline:
            if self._stored:
                self._stored = False
                self.context.query(
                    lambda store: form_drafts.forget(store, person, form, subject)
                ).run_in_background()
            return
        self._stored = True
        self.context.query(
            lambda store: form_drafts.keep(store, person, form, subject, fields)
        ).run_in_background()

    def restore(self, then: Callable[[bool], None] | None = None) -> None:
        """Bring back a kept draft, if there is one; `then(True)` when one was put in the fields."""
        person, form, subject = self.context.person.id, self.form, self.subject

        def put_back(fields: Fields | None) -> None:
            if fields is not None and fields != self.baseline and not self._dirty:
                self._stored = True
                self._filling = True
                try:
                    self.write(fields)
                finally:
                    self._filling = False
            if then is not None:
                then(fields is not None)

        self.context.query(
            lambda store: form_drafts.kept(store, person, form, subject), parent=self
        ).success(put_back).run_in_background()

    def forget(self) -> None:
        """The form was sent: its draft goes, and the fields are the baseline again."""
        self._timer.stop()
        self._dirty = False
        self._stored = False
        person, form, subject = self.context.person.id, self.form, self.subject
        self.context.query(
            lambda store: form_drafts.forget(store, person, form, subject)
        ).run_in_background()
