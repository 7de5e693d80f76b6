"""The dialog that tells a person Knop could not start (desktop.app.start_failure decides when).

Its own small module with nothing of Knop's above Qt, so it still imports when
the failure is elsewhere in ui/.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.system_libraries import platform_plugin_problem

log = logging.getLogger("knop")


def show_failure(sentence: str) -> bool:
    """Show `sentence` in a message box; False when Qt cannot open one here (nothing shown)."""
    try:
        app = QApplication.instance()
        if app is None:
            if platform_plugin_problem() is not None:
                return False  # creating the application would abort the process
            app = QApplication([sys.argv[0] if sys.argv else "knop"])
        QMessageBox.critical(None, "Knop", sentence)
    except Exception:  # the stderr line still tells the person
        log.exception("cannot show the start-up failure in a dialog")
        return False
    return True
