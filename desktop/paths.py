"""Where Knop keeps things on a machine.

User data and logs follow the platform's conventions (platformdirs), IT's
machine-wide configuration sits under the system's config directory, and each
can be moved with an environment variable, which is how tests and unusual
deployments isolate a run.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from desktop.core.resources import resources_dir as resources_dir  # the client asks here too

APP = "Knop"


def _override(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def config_dir() -> Path:
    """The user's own settings."""
    return _override("KNOP_CONFIG_DIR") or Path(platformdirs.user_config_dir(APP, appauthor=False))


def system_config_dir() -> Path:
    r"""Machine-wide settings that IT sets once (e.g. /etc/xdg/Knop, C:\ProgramData\Knop)."""
    return _override("KNOP_SYSTEM_CONFIG_DIR") or Path(
        platformdirs.site_config_dir(APP, appauthor=False)
    )


def data_dir() -> Path:
    """Local stores, one per user, and the machine's account list."""
    return _override("KNOP_DATA_DIR") or Path(platformdirs.user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    """Where the log files go (`KNOP_LOG_DIR`, else the platform's user log folder)."""
    return _override("KNOP_LOG_DIR") or Path(platformdirs.user_log_dir(APP, appauthor=False))


def user_store(person_id: str) -> Path:
    """The person's local store on this machine: one SQLite file per person."""
    return data_dir() / "users" / person_id / "knop.sqlite3"


RESOURCES_IN_STYLES = "@resources/"


def style_sheet_text(path: Path) -> str:
    """A style sheet with `url(@resources/...)` made absolute.

    Qt resolves a relative url() against the working directory, which is
    anything at all on a deployed machine; the bundle moves, so the path is
    filled in when the sheet is read. Forward slashes: Qt wants them on Windows too.
    """
    text = path.read_text(encoding="utf-8")
    return text.replace(RESOURCES_IN_STYLES, resources_dir().as_posix() + "/")
