"""Fetching the organisation's numbers from the server, as the logged-in person.

The screens call `fetch` on a network thread (never the UI thread); it asks
the server with this machine's device credential and the person's token, the
same two the sync uses, and raises a `SyncFailure` that says in both languages
why nothing came (offline, not enrolled, logged in offline without a token).
"""

from __future__ import annotations

from typing import Any

from desktop import credentials
from desktop.credentials import CredentialsUnavailable
from sync import protocol
from sync.api import ServerApi
from desktop.core.text import sentence
from sync.failures import KeyringUnavailable, NotEnrolled, SyncFailure
from sync.transport import Connection, Transport

PATHS = {
    "competence": protocol.PATH_INSIGHTS_COMPETENCE,
    "people": protocol.PATH_INSIGHTS_PEOPLE,
    "network": protocol.PATH_INSIGHTS_NETWORK,
    "audit": protocol.PATH_AUDIT,  # oversight (issue 15)
    "reports": protocol.PATH_REPORTS,
}


def fetch(
    settings: Any, person_id: str, name: str, params: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """The server's answer to insight `name` ("competence", "people", "network") for `person_id`.

    `token` is the session's own when it has one; otherwise the keyring's.
    Raises NotEnrolled, KeyringUnavailable, SyncFailure "offline_login" (no
    token: logged in offline) or any SyncFailure of the transport; KeyError for an unknown name.
    """
    return call(settings, person_id, "GET", PATHS[name], params=params, token=token)


def call(
    settings: Any,
    person_id: str,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    token: str | None = None,
) -> dict[str, Any]:
    """One request to the server as `person_id`, with both credentials (see `fetch`).

    A GET is retried as the transport sees fit; anything else only when it
    surely never arrived. Raises what `fetch` raises.
    """
    if not settings.server_url:
        raise NotEnrolled()
    server_url = settings.server_url.rstrip("/")
    try:
        device = credentials.device_credential(server_url)
        token = token or credentials.user_token(server_url, person_id)
    except CredentialsUnavailable as error:
        raise KeyringUnavailable(error.detail) from None
    if not device:
        raise NotEnrolled()
    if not token:
        raise SyncFailure(
            sentence("You logged in offline; log in again while connected to get the newest numbers."),
            code="offline_login",
        )
    with Transport(Connection.from_settings(settings), device_credential=device) as transport:
        if method == "GET" and path in PATHS.values():
            return ServerApi(transport).insights(token, path, params)
        return ServerApi(transport).administer(token, method, path, params=params, body=body)
