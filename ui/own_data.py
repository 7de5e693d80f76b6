"""My page's privacy box: download my data, and whether talent search finds me.

"Download my data": the person picks a folder; the download and the writing
run on a network thread (a GET and two files), and the outcome comes back to
the UI thread by signal and is shown under the button: where the files are,
or why not. The talent-search choice (desktop.core.consent) is one of the
person's synced settings, changed by `settings.set` like the others.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import consent
from desktop.core.entities import PersonSettings

from sync.failures import SyncFailure
from ui import wire
from ui.wire import Downloader
from ui.words import tr

log = logging.getLogger(__name__)

class _Delivery(QObject):
    done = Signal(object, object)  # (paths or None, error or None)


class OwnDataBox(QWidget):
    """A button and a line of outcome; `choose_folder` is replaceable for tests and IT policies."""

    def __init__(self, context: Any, parent: QWidget | None = None, downloader: Downloader | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.downloader = downloader or wire.own_data_downloader(context)
        self.button = QPushButton(tr("&Download my data…"), self)
        self.button.setToolTip(tr("Everything Knop holds about you, from the server, as JSON and as a web page"))
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.outcome.setObjectName("ownDataOutcome")
        self.talent = QComboBox(self)
        default = tr("Findable") if not context.person.is_external else tr("Not findable")
        for value, label in (
            (consent.DEFAULT, tr("As the organisation decides ({what})", what=default)),
            (consent.FINDABLE, tr("Findable")),
            (consent.HIDDEN, tr("Not findable")),
        ):
            self.talent.addItem(label, value)
        talent_label = QLabel(tr("Managers at other sites find me in &talent search:"), self)
        talent_label.setBuddy(self.talent)
        talent_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(talent_label)
        layout.addWidget(self.talent)
        layout.addLayout(row)
        layout.addWidget(self.outcome)
        self._drawing = False
        self.talent.currentIndexChanged.connect(self._choose_talent)
        self.load_talent_choice()
        self._delivery = _Delivery(self)
        self._delivery.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.button.clicked.connect(self.start)

    def load_talent_choice(self) -> None:
        """Show the stored choice (read on the DB thread)."""
        me = self.context.person.id
        self.context.query(lambda store: store.get(PersonSettings, me), parent=self).success(
            self._show_talent_choice
        ).run_in_background()

    def _show_talent_choice(self, held: PersonSettings | None) -> None:
        chosen = (held.preferences if held else {}).get(consent.TALENT_SEARCH_KEY, consent.DEFAULT)
        self._drawing = True
        try:
            self.talent.setCurrentIndex(max(self.talent.findData(chosen), 0))
        finally:
            self._drawing = False

    def _choose_talent(self) -> None:
        if self._drawing:
            return
        changes = {consent.TALENT_SEARCH_KEY: self.talent.currentData()}
        self.context.perform("settings.set", {"changes": changes}, parent=self).failure(
            lambda _error: self.load_talent_choice()
        ).run_in_background()

    def choose_folder(self) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, tr("Where should your data be saved?"))
        return Path(chosen) if chosen else None

    def start(self) -> None:
        folder = self.choose_folder()
        if folder is None:
            return
        self.button.setEnabled(False)
        self.outcome.setText(tr("Fetching your data from the server…"))
        delivery, downloader = self._delivery, self.downloader

        def work() -> None:
            try:
                found, error = downloader(folder), None
            except BaseException as failure:  # noqa: BLE001 - delivered, never lost on a thread
                found, error = None, failure
            try:
                delivery.done.emit(found, error)
            except RuntimeError:  # the page is gone
                pass

        threading.Thread(target=work, name="knop-own-data", daemon=True).start()

    def _done(self, found: tuple[Path, Path] | None, error: BaseException | None) -> None:
        self.button.setEnabled(True)
        if found is not None:
            self.outcome.setText(tr("Saved in {path}: {what}", path=str(found[0].parent), what=", ".join(part.name for part in found)))
            return
        if isinstance(error, SyncFailure):
            why = error.message(self.context.language)
        elif isinstance(error, OSError):
            why = tr("The folder could not be written: {error}", error=str(error))
        else:
            log.error("downloading own data failed", exc_info=error)
            why = tr("The server could not answer.")
        self.outcome.setText(tr("Your data could not be downloaded: {why}", why=why))
