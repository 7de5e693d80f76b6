"""What every screenshot script sets up first: throwaway Knop folders, a Danish styled application, the output folder.

`throwaway_folders` must run before Knop reads its folders, so a script calls
it at the top, before importing Knop's modules; this module imports none of
them at its own top for that reason.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

KNOP_FOLDERS = ("KNOP_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR", "KNOP_SYSTEM_CONFIG_DIR")


def throwaway_folders(prefix: str) -> Path:
    """Point Knop's config, data, log and machine folders into a new temporary folder; returns it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    for name in KNOP_FOLDERS:
        (folder / name.lower()).mkdir()
        os.environ[name] = str(folder / name.lower())
    return folder


def danish_application(argv: list[str]) -> tuple[Any, list[Any], Path]:
    """(the QApplication in Danish with Knop's style sheet, its translators to keep alive, the output folder).

    The output folder is argv[0], or docs/screenshots; it is made if missing.
    Run `make translations` first, so the Danish catalogue is compiled.
    """
    from ui.main import install_translators, make_application, style_sheet

    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["knop"])
    translators = install_translators(app, "da")
    app.setStyleSheet(style_sheet())
    return app, translators, out
