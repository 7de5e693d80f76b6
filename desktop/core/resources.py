"""Where Knop's own files (icons, translations, style sheets, demo data) are.

In the core, so that the server finds them the same way as the client.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: inside the bundle when frozen, else the repository's."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
