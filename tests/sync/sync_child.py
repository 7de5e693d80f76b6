"""A sync in a child process, telling its progress on stdout, for the kill tests.

    python -m tests.sync.sync_child --page-size 50 --batch-size 100

It runs the real SyncEngine on the store folders and keyring its environment
names (see tests/sync/keyrings.py), and prints one line per step ("push 100
600", "pull 250", "rebase 0", then "done" or "failed ..."), flushed, so the
test can kill it at a chosen moment. With --in-step it waits after each line
for a line on stdin before going on, so a busy machine's slow reader cannot let
the sync run pages past the moment the test chose.
"""

from __future__ import annotations

import argparse
import sys

from sync.engine import SyncEngine
from sync.report import Progress


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--include", action="append", default=[], help="a person id to sync anyway")
    parser.add_argument("--in-step", action="store_true", help="wait for a line on stdin after each line")
    args = parser.parse_args()

    def tell(progress: Progress) -> None:
        print(progress.phase, progress.done, progress.total or "", flush=True)
        if args.in_step:
            sys.stdin.readline()

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
