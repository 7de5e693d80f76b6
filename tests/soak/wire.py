"""The soak's devices on the desktop client's own wire: sync.transport, on requests.

The load benchmark's `Device` (tests/bench/server_load.py) sends its pushes
and pulls through the test harness's `Api.http`, an httpx client with no
retries. The soak is about what a real client meets over minutes, so each
of its devices sends them through a `ClientWire` instead: the same calls,
made by `sync.transport.Transport` (its kept-alive connections, retries and
headers, sync.keep_alive), one transport per device as one per workstation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

from sync.transport import Connection, Retry, Transport, read_body
from tests.server.harness import Api


@dataclass(frozen=True)
class Answer:
    """An answer as the harness's callers read it (status_code, text, json())."""

    status_code: int
    body: bytes

    @property
    def content(self) -> bytes:
        return self.body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


class ClientWire:
    """`Api.http`'s `post` and `get`, sent by the desktop client's transport to `server_url`.

    Pushes and pulls are idempotent (`Retry.ALWAYS`), as sync.api sends them.
    A refusal or an unreachable server raises the transport's SyncFailure.
    `network_failures`: attempts that got no answer (whatever the transport did next);
    `resets_retried`: those that were resets of reused connections, sent again at once.
    """

    def __init__(self, server_url: str) -> None:
        self.transport = Transport(Connection(server_url))

    @property
    def network_failures(self) -> int:
        return self.transport.network_failures

    @property
    def resets_retried(self) -> int:
        return self.transport.resets_retried

    def post(self, path: str, *, json: Any, headers: dict[str, str]) -> Answer:
        return self._send("POST", path, body=json, headers=headers)

    def get(self, path: str, *, params: dict[str, Any], headers: dict[str, str]) -> Answer:
        return self._send("GET", path, params=params, headers=headers)

    def _send(self, method: str, path: str, **given: Any) -> Answer:
        answer: Answer = self.transport.request(
            method, path, retry=Retry.ALWAYS, read=_read, **given
        )
        return answer

    def close(self) -> None:
        self.transport.close()


def _read(answer: requests.Response) -> Answer:
    return Answer(answer.status_code, read_body(answer))


def on_the_client_wire(api: Api) -> ClientWire:
    """Send `api`'s requests from now on through a ClientWire (its httpx client closed); returns it."""
    wire = ClientWire(str(api.http.base_url).rstrip("/"))
    api.http.close()
    api.http = wire  # type: ignore[assignment]
    return wire
