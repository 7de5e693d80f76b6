"""The screens' requests to the server, as the logged-in person: made on the UI thread, run on a network thread.

Each factory here is called on the UI thread when a screen is built, takes
what it needs from the context (settings, person, login token, language) and
imports its wire module (`sync.*`, requests and all) there and then. Imported
first by several network threads at once instead, PySide6's import hook
deadlocked them (the admin screen's test hung with every thread waiting). The
function it returns runs on a network thread and only calls into modules
already loaded. The imports stay inside the factories, so the board starts
without them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (name, params) -> the server's answer: name is an insight ("competence", ...) or "METHOD /path".
Fetcher = Callable[[str, dict[str, Any]], dict[str, Any]]
# folder -> (JSON file, HTML file) written there.
Downloader = Callable[[Path], tuple[Path, Path]]


@dataclass(frozen=True)
class Caller:
    """Who asks and how: read from the context on the UI thread, handed to the network thread."""

    settings: Any
    person_id: str
    token: str | None
    language: str


def caller(context: Any) -> Caller:
    """The context's person as the server sees them (token None: the session is offline)."""
    return Caller(context.settings, context.person.id, getattr(context.session, "token", None), context.language)


def insights_fetcher(context: Any) -> Fetcher:
    """The insight screens' answers (`sync.insights.fetch`); raises what it raises (SyncFailure)."""
    from sync import insights

    who = caller(context)

    def fetch(name: str, params: dict[str, Any]) -> dict[str, Any]:
        return insights.fetch(who.settings, who.person_id, name, params, token=who.token)

    return fetch


def admin_fetcher(context: Any) -> Fetcher:
    """Requests as the context's admin: `name` is "METHOD /path", `params` {"params", "body"}."""
    from sync import insights

    who = caller(context)

    def fetch(name: str, params: dict[str, Any]) -> dict[str, Any]:
        method, _, path = name.partition(" ")
        return insights.call(
            who.settings,
            who.person_id,
            method,
            path,
            params=params.get("params"),
            body=params.get("body"),
            token=who.token,
        )

    return fetch


def poster_fetcher(context: Any) -> Callable[[str], dict[str, Any]]:
    """Who posted a task (`sync.server.poster_api`): task id -> {"name", "title", "organisation_name", ...}.

    Raises what `sync.insights.call` raises (SyncFailure: offline, 404 for a task the
    person may not see).
    """
    from sync import insights
    from sync.protocol import PATH_TASK_POSTER

    who = caller(context)

    def fetch(task_id: str) -> dict[str, Any]:
        return insights.call(
            who.settings, who.person_id, "GET", PATH_TASK_POSTER, params={"task_id": task_id}, token=who.token
        )

    return fetch


def own_data_downloader(context: Any) -> Downloader:
    """The person's own data, in their language, into a folder (`sync.own_data.download`)."""
    from sync import own_data

    who = caller(context)

    def download(folder: Path) -> tuple[Path, Path]:
        return own_data.download(who.settings, who.person_id, folder, who.language, token=who.token)

    return download
