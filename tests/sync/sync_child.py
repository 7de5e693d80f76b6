"""A sync in a child process, telling its progress on stdout, for the kill tests.

    python -m tests.sync.sync_child --page-size 50 --batch-size 100

It runs the real SyncEngine on the store folders and keyring its environment
names (see tests/sync/keyrings.py), and prints one line per step ("push 100
600", "pull 250", "rebase 0", then "done" or "failed ..."), flushed, so the
test can kill it at a chosen moment.
"""

from __future__ import annotations

import argparse
import sys
import threading

from sync.engine import SyncEngine
from sync.report import Progress


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--include", action="append", default=[], help="a person id to sync anyway")
    parser.add_argument(
        "--hold-at",
        nargs=2,
        metavar=("PHASE", "N"),
        help="after the N-th progress line of PHASE, the thread telling it waits to be killed",
    )
    args = parser.parse_args()
    told: dict[str, int] = {}

    def tell(progress: Progress) -> None:
        print(progress.phase, progress.done, progress.total or "", flush=True)
        told[progress.phase] = told.get(progress.phase, 0) + 1
        if args.hold_at and [progress.phase, str(told[progress.phase])] == args.hold_at:
            threading.Event().wait()  # the sync's other threads go on (fetching ahead) until the kill

    report = SyncEngine(
        include=args.include, page_size=args.page_size, batch_size=args.batch_size
    ).sync_once(progress=tell)
    if report.ok:
        print("done", flush=True)
        return 0
    failure = report.first_failure()
    print("failed", failure.code if failure else "?", failure.message("en") if failure else "", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
