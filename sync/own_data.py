"""Fetching everything the server holds about the logged-in person, and saving it as two files.

My page calls `download` on a network thread: it asks the server (which
makes both the JSON and the readable HTML, so the files are complete, not
only what this machine holds) and writes them into a folder the person chose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.core.text import sentence
from sync import insights


def download(
    settings: Any, person_id: str, folder: Path, language: str, token: str | None = None
) -> tuple[Path, Path]:
    """Fetch the person's data and write knop-<date>.json and knop-<date>.html into `folder`.

    Returns the two paths. Raises the SyncFailures of `sync.insights.ask`
    (offline, not enrolled, no token) and OSError when the folder cannot be written.
    """
    body = insights.ask(
        settings, person_id, token, lambda api, known: api.own_data(known, language),
        sentence("You logged in offline; log in again while connected to download your data."),
    )
    stem = f"knop-{str(body.get('generated_at', ''))[:10] or 'data'}"
    data, page = folder / f"{stem}.json", folder / f"{stem}.html"
    data.write_text(json.dumps(body["export"], ensure_ascii=False, indent=2), encoding="utf-8")
    page.write_text(body["html"], encoding="utf-8")
    return data, page
