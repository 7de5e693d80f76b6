"""The PouchDB replication peer: the offline-first sync most people would pick instead of Knop's.

`shared/peers/pouchdb_peer.js` (beside the repository, or where KNOP_PEERS_DIR
points) replicates N task-like documents from an express-pouchdb server into
an empty PouchDB over loopback, the way Knop's initial pull fills an empty
store. Its npm packages are pinned here (package.json and package-lock.json)
and installed with `npm ci` into this folder's node_modules the first time,
or again when the lock changes. Without node or npm, or without the peer's
script, `run` says why and measures nothing: the peer is a yardstick for
`make bench`, not something Knop needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = "pouchdb_peer.js"
PEERS_ENV = "KNOP_PEERS_DIR"
TIMEOUT_S = 1800  # 469,472 documents took 111 s on a quiet 2-core machine


@dataclass(frozen=True)
class PeerRun:
    """One replication: how many documents arrived and how long it took (seconds)."""

    docs: int
    seconds: float


class Skipped(Exception):
    """The peer cannot run here; the message says why (shown by `make bench`)."""


def script() -> Path:
    """The peer's script: $KNOP_PEERS_DIR, else shared/peers beside the repository.

    Raises Skipped when there is none.
    """
    named = os.environ.get(PEERS_ENV)
    candidates = [Path(named)] if named else []
    # The repository's parent holds shared/ (a clone, CI); a git worktree sits one deeper.
    candidates += [folder / "shared" / "peers" for folder in HERE.parents[2:5]]
    for folder in candidates:
        if (folder / SCRIPT).is_file():
            return folder / SCRIPT
    raise Skipped(f"no {SCRIPT} in {', '.join(str(c) for c in candidates)}")


def install() -> Path:
    """node_modules for the peer, installed from the lock when missing or older than it.

    Raises Skipped without node or npm, or when `npm ci` fails (its last words).
    """
    if shutil.which("node") is None:
        raise Skipped("node is not installed")
    npm = shutil.which("npm")
    if npm is None:
        raise Skipped("npm is not installed")
    modules = HERE / "node_modules"
    stamp = modules / ".package-lock.json"  # npm writes it on every install
    lock = HERE / "package-lock.json"
    if stamp.is_file() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return modules
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise Skipped(f"npm ci failed: {(done.stderr or done.stdout).strip()[-300:]}")
    return modules


def run(docs: int) -> PeerRun:
    """Replicate `docs` documents with the peer; raises Skipped when it cannot run here.

    Raises RuntimeError when the peer ran but failed or printed no result.
    """
    modules = install()
    path = script()
    env = dict(os.environ, NODE_PATH=str(modules))  # the script lives outside this folder
    done = subprocess.run(
        ["node", str(path), str(docs)],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the PouchDB peer failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    result = json.loads(lines[-1])
    return PeerRun(int(result["docs"]), float(result["seconds"]))
