"""Qt's own dialogs speak Danish under Danish, the labels Qt's catalogue misses included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel

from ui.main import install_translators
from ui.qt_words import with_mnemonic


@pytest.fixture
def danish_qt(qapp: QApplication) -> Iterator[None]:
    translators = install_translators(qapp, "da")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    install_translators(qapp, "en")


def test_the_file_dialog_is_danish(qtbot: Any, danish_qt: None) -> None:
    """A try-out saw "Look in:" and "Files of type:" in the save dialog under Danish."""
    dialog = QFileDialog(None, "Gem")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as on a desktop without a portal
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.text() for label in dialog.findChildren(QLabel) if label.text()}
    buttons = {button.text() for button in dialog.findChildren(QAbstractButton) if button.text()}
    assert {"&Kig i:", "&Filnavn:", "Filer af &type:"} <= labels, labels
    assert {"&Gem", "Annuller"} <= buttons, buttons
    assert not [text for text in labels | buttons if any(w in text for w in ("Look", "Files of", "Cancel", "&Save"))]


def test_the_keyboard_letter_goes_where_the_translation_has_it() -> None:
    assert with_mnemonic("Filer af type:", "t") == "Filer af &type:"
    assert with_mnemonic("Kig i:", "L") == "&Kig i:"  # no L in the words: the first letter
