"""Fetching the organisation's numbers from the server, as the logged-in person.

The screens call `fetch` on a network thread (never the UI thread); it asks
the server with this machine's device credential and the person's token, the
same two the sync uses, and raises a `SyncFailure` that says in both languages
why nothing came (offline, not enrolled, logged in offline without a token).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from desktop import credentials
from desktop.credentials import CredentialsUnavailable
from sync import protocol
from sync.api import ServerApi
from desktop.core.text import Sentence, sentence
from sync.failures import KeyringUnavailable, NotEnrolled, SyncFailure
from sync.transport import Connection, Transport

PATHS = {
    "competence": protocol.PATH_INSIGHTS_COMPETENCE,
    "people": protocol.PATH_INSIGHTS_PEOPLE,
    "network": protocol.PATH_INSIGHTS_NETWORK,
    "audit": protocol.PATH_AUDIT,  # oversight (issue 15)
    "reports": protocol.PATH_REPORTS,
}

_OFFLINE = sentence("You logged in offline; log in again while connected to get the newest numbers.")


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
    """One request to the server as `person_id`, with both credentials (see `ask`).

    A GET of an insight is an insight; anything else goes to /v1/admin/ (sync/server/admin_api.py),
    resent only when it surely never arrived. Raises what `ask` raises.
    """

    def one(api: ServerApi, known: str) -> dict[str, Any]:
        if method == "GET" and path in PATHS.values():
            return api.insights(known, path, params)
        return api.administer(known, method, path, params=params, body=body)

    return ask(settings, person_id, token, one, _OFFLINE)


T = TypeVar("T")


def ask(
    settings: Any,
    person_id: str,
    token: str | None,
    call: Callable[[ServerApi, str], T],
    offline: Sentence,
) -> T:
    """`call(api, token)` with this machine's device credential and `person_id`'s token.

    `offline` says why nothing came when the person logged in offline (no token).
    Raises NotEnrolled, KeyringUnavailable, SyncFailure "offline_login" or any
    SyncFailure of the transport.
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
        raise SyncFailure(offline, code="offline_login")
    with Transport(Connection.from_settings(settings), device_credential=device) as transport:
        return call(ServerApi(transport), token)
