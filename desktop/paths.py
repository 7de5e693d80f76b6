"""Where Knop keeps things on a machine.

User data and logs follow the platform's conventions (platformdirs), IT's
machine-wide configuration sits under the system's config directory, and each
can be moved with an environment variable, which is how tests and unusual
deployments isolate a run.
"""

from __future__ import annotations

import os
import re
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


_RESOURCE_URL = re.compile(r"url\(\s*@resources/([^)\s]*)\s*\)")


def style_url(path: Path) -> str:
    """A Qt style sheet `url("...")` naming a file, whatever the path holds.

    Quoted, because an unquoted url() ends at a space (an install folder such
    as "Kommune Ærø" made Qt drop the whole sheet); forward slashes, which
    Qt wants on Windows too; and a backslash or quote inside escaped, as CSS does.
    """
    text = path.as_posix().replace("\\", "\\\\").replace('"', '\\"')
    return f'url("{text}")'


def style_sheet_text(path: Path) -> str:
    """A style sheet with each `url(@resources/...)` made an absolute, quoted url().

    Qt resolves a relative url() against the working directory, which is
    anything at all on a deployed machine; the bundle moves, so the path is
    filled in when the sheet is read.
    """
    text = path.read_text(encoding="utf-8")
    return _RESOURCE_URL.sub(lambda found: style_url(resources_dir() / found[1]), text)


def style_sheet_files(text: str) -> list[Path]:
    """The files a style sheet made by `style_sheet_text` names in its url()s."""
    return [Path(_unescape(found)) for found in re.findall(r'url\("((?:[^"\\]|\\.)*)"\)', text)]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def sqlite_uri(path: Path, mode: str = "ro") -> str:
    """A SQLite `file:` URI for `path` (a ?, # or % in a folder would cut a hand-made one short)."""
    return f"{path.resolve().as_uri()}?mode={mode}"
