"""Kept-alive connections against a real knop-server: the close that crosses a request, and idle expiry.

uvicorn closes a kept-alive connection after 5 s without a request. The race
the soak's devices lost (sync.keep_alive) is made to happen here by waiting
for its condition: the client takes its pooled connection (the pool's check
finds it open), and its request is held, on the real socket, until the
server's close has arrived; then it goes out on the closed connection.
"""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3.connection

from sync import protocol
from sync.transport import Connection, Retry, Transport
from tests.server.harness import Deployment

SERVER_CLOSES_WITHIN_S = 60.0  # uvicorn's keep-alive is 5 s; a busy machine may take longer


class HeldUntilClosed:
    """Holds the next request on a reused connection until the server has closed that connection."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.armed = False
        self.held = 0
        send = urllib3.connection.HTTPConnection.request
        holder = self

        def request(conn: Any, *args: Any, **kwargs: Any) -> Any:
            if holder.armed and conn.sock is not None:
                holder.armed = False
                readable, _, _ = select.select([conn.sock], [], [], SERVER_CLOSES_WITHIN_S)
                assert readable, "the server did not close the idle connection"
                assert conn.sock.recv(1, 2) == b"", "the server sent something, not its close"  # MSG_PEEK
                holder.held += 1
            return send(conn, *args, **kwargs)

        monkeypatch.setattr(urllib3.connection.HTTPConnection, "request", request)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldUntilClosed]:
    yield HeldUntilClosed(monkeypatch)


def _opened(transport: Transport) -> int:
    """How many TCP connections the transport's pool for the server has opened."""
    pools = transport.session.get_adapter(transport.connection.server_url).poolmanager.pools  # type: ignore[attr-defined]
    # urllib3's RecentlyUsedContainer refuses iteration; keys() is its way
    return sum(int(pools[key].num_connections) for key in pools.keys())  # noqa: SIM118


def test_a_reused_connection_the_server_closed_is_sent_again_at_once(
    knop_server: Deployment, held: HeldUntilClosed
) -> None:
    unreachable: list[float] = []
    with Transport(
        Connection(knop_server.url), on_unreachable=lambda: unreachable.append(time.monotonic())
    ) as transport:
        assert transport.request("GET", protocol.PATH_HEALTH)["status"] == "ok"
        held.armed = True
        answer = transport.request("GET", protocol.PATH_HEALTH, retry=Retry.ALWAYS)
        assert held.held == 1  # the race happened: sent on the connection the server had closed
        assert answer["status"] == "ok"
        # Nothing was wrong with the network: no "offline" was said, no back-off waited.
        assert unreachable == []
        assert (transport.resets_retried, transport.network_failures) == (1, 1)
        assert _opened(transport) == 2


def test_a_connection_idle_past_idle_s_is_not_reused(knop_server: Deployment) -> None:
    idle_s = 0.2
    with Transport(Connection(knop_server.url, idle_s=idle_s)) as transport:
        transport.request("GET", protocol.PATH_HEALTH)
        transport.request("GET", protocol.PATH_HEALTH)
        assert _opened(transport) == 1  # reused while fresh
        answered = time.monotonic()
        while time.monotonic() - answered <= idle_s:  # the condition is the clock itself
            time.sleep(0.01)
        transport.request("GET", protocol.PATH_HEALTH)
        assert _opened(transport) == 2
        assert transport.network_failures == 0
