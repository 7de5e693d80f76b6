"""Push and pull are answered by sync.server.hot_routes' lean handler, not FastAPI's (its figures:
docs/scale-out.md, "The cost of a request"); what they answer is tested in test_bad_input.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from sync import protocol
from sync.server import hot_routes
from sync.server.app import create_app


def test_push_and_pull_are_served_lean_and_everything_else_by_fastapi(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "server.sqlite3"))
    lean = {
        (method, route.path)
        for route in app.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
        if "serve_lean" in getattr(route.app, "__qualname__", "")
    }
    assert lean == {("POST", protocol.PATH_PUSH), ("GET", protocol.PATH_PULL)}
    with pytest.raises(LookupError):
        hot_routes.serve_lean(app, "GET", protocol.PATH_PUSH, hot_routes_arguments)


async def hot_routes_arguments(request: object, body: bytes) -> dict[str, object]:
    return {}
