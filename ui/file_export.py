"""Saving an export (CSV, PDF, a picture) where the person chooses, and saying where it went.

A try-out found three things: no word that the file was saved, a save dialog
that started in the program's working folder (wherever Knop was started
from), and nothing remembered between two exports. The dialog now starts in
the folder of the last export from this window (a main window belongs to one
person, so the next person starts afresh), else in the person's Documents; a
saved file is told in the window's status bar (`tell`, when the window has
one) with its name and folder; a file that cannot be written is told through
`problem`, and nothing else is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.words import tr

_FOLDER = "knopExportFolder"  # the window's property holding its last export's folder


def start_folder(parent: QWidget) -> Path:
    """Where the save dialog starts: the last export's folder from this window, else Documents, else home."""
    last = parent.window().property(_FOLDER)
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def save_export(
    parent: QWidget,
    title: str,
    suggested: str,
    kind: str,
    write: Callable[[Path], object],
    problem: Callable[[str], None],
) -> Path | None:
    """Ask where to save (`kind` is a file filter, "CSV (*.csv)"), then `write(path)`; returns the path saved.

    Starts in `start_folder` with the `suggested` file name. Nothing happens when
    the person cancels (None). Once written, the window's status bar says where
    (its `tell(text)`, as `ui.main_window.MainWindow` has). An OSError while
    writing is told through `problem` in words; None is returned then too.
    """
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder(parent) / suggested), kind)
    if not chosen:
        return None
    path = Path(chosen)
    try:
        write(path)
    except OSError as error:
        problem(tr("The file could not be saved: {why}", why=str(error)))
        return None
    window = parent.window()
    window.setProperty(_FOLDER, str(path.parent))
    tell = getattr(window, "tell", None)
    if callable(tell):
        tell(tr("Saved {name} in {path}", name=path.name, path=str(path.parent)))
    return path
