"""Knop's desktop client: the local side (store, sessions, settings) over the shared core.

Layers, bottom to top (tests/test_layering.py enforces them):
`desktop.core` (the domain both client and server run) < `sync.protocol` <
`desktop` (the client's local side) < `sync` (the client's wire) and
`sync.server` (the server) < `ui` (Qt) < `desktop.app` (the entry points).
"""

__version__ = "0.1.0"
