"""What every request passes before any route sees it: the protocol version and the body size.

This is plain ASGI so that it runs before FastAPI reads a single byte: a client
that speaks a protocol the server no longer supports is told to update (426)
whatever else is wrong with its request, and a body over MAX_BODY_BYTES is
refused (413) without being held in memory, whether or not it announced its
length.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sync import protocol
from sync.server.errors import ERRORS

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_SUPPORTED = {str(v) for v in protocol.SUPPORTED_VERSIONS}
_HEADER = protocol.PROTOCOL_HEADER.lower().encode("latin-1")


class Gate:
    """Checks `Knop-Protocol` on every /v1 path (optional on health) and caps the body."""

    def __init__(self, app: App, max_body: int = protocol.MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await self.admit(scope, receive, send)
        if body is None:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def admit(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body of an HTTP request that passes; None when it was answered here (426, 400, 413) or left.

        `hot_routes.Dispatch` calls this for push and pull, which skip the stack this Gate sits in.
        """
        headers = dict(scope.get("headers") or [])
        path = scope.get("path", "")
        if path.startswith("/v1/"):
            sent = headers.get(_HEADER)
            version = sent.decode("latin-1").strip() if sent is not None else None
            optional = path == protocol.PATH_HEALTH and version is None
            if not optional and version not in _SUPPORTED:
                await _send_json(send, 426, protocol.unsupported_version_body(version))
                return None

        declared = headers.get(b"content-length")
        if declared is not None:
            text = declared.decode("latin-1").strip()
            if not text.isdigit():
                await _send_error(send, "bad_request", {"content-length": "not a number"})
                return None
            if int(text) > self.max_body:
                await _send_error(send, "too_large", {"max_bytes": self.max_body})
                return None

        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _send_error(send, "too_large", {"max_bytes": self.max_body})
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _send_error(send: Send, code: str, detail: Any) -> None:
    status, words = ERRORS[code]
    await _send_json(send, status, protocol.error_body(code, words, detail))


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode("ascii")),
                (b"connection", b"close") if status == 413 else (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
