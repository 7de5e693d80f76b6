"""The keyboard shortcuts, as a two-column table: the keys in one column, what they do in the other.

A message box with tab-separated lines put the descriptions wherever the keys'
widths left them; a grid keeps them in line in every language and font.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from ui.words import tr


class ShortcutsDialog(QDialog):
    """The shortcuts of `actions`, each with its description: [(action, what it does)]."""

    def __init__(self, actions: list[tuple[QAction, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(3 * self.fontMetrics().averageCharWidth())
        self.rows: list[tuple[QLabel, QLabel]] = []
        for row, (action, description) in enumerate(actions):
            keys = QLabel(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText), self)
            keys.setStyleSheet("font-weight: 600;")
            what = QLabel(description, self)
            for label in (keys, what):
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(keys, row, 0)
            grid.addWidget(what, row, 1)
            self.rows.append((keys, what))
        grid.setColumnStretch(1, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(tr("Close"))
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(buttons)
