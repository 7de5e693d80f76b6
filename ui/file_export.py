"""Saving an export (CSV, PDF) where the person chooses, saying so when it cannot be written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ui.words import tr


def save_export(
    parent: QWidget,
    title: str,
    suggested: str,
    kind: str,
    write: Callable[[Path], object],
    problem: Callable[[str], None],
) -> None:
    """Ask where to save (`kind` is a file filter, "CSV (*.csv)"), then `write(path)`.

    Nothing happens when the person cancels; an OSError while writing is told
    through `problem` in words, and nothing else is lost.
    """
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, kind)
    if not chosen:
        return
    try:
        write(Path(chosen))
    except OSError as error:
        problem(tr("The file could not be saved: {why}", why=str(error)))
