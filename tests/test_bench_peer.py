"""`make bench`'s PouchDB peer says it was skipped, rather than failing, where node is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench import peer


def test_without_node_the_peer_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine with no node and no npm
    with pytest.raises(peer.Skipped, match="node is not installed"):
        peer.run(10)


def test_without_the_peers_script_the_peer_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(peer.PEERS_ENV, str(tmp_path))
    monkeypatch.setattr(peer, "HERE", tmp_path / "a" / "b" / "c" / "peer")  # no shared/ beside it
    with pytest.raises(peer.Skipped, match=r"no pouchdb_peer\.js"):
        peer.script()


def test_the_pinned_packages_are_locked() -> None:
    """`npm ci` installs exactly the lock, so every machine measures the same peer."""
    import json

    wanted = json.loads((peer.HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    locked = json.loads((peer.HERE / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert set(wanted) == set(locked[""]["dependencies"])
    assert all(f"node_modules/{name}" in locked for name in wanted)
