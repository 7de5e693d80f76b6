"""Fixtures for the reliability tests: the real server and workstations from tests/sync."""

from __future__ import annotations

from tests.sync.conftest import (  # noqa: F401 - fixtures reused, not copied
    cheap_verifier,
    fresh_knop_server,
    knop_server,
    machines,
    memory_keyring,
    sync_servers,
)
