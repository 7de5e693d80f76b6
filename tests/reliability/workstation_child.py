"""A workstation in a child process, for the reliability tests that restart or kill things.

    python -m tests.reliability.workstation_child busy --person anna --task T --stop-file F
    python -m tests.reliability.workstation_child pull --person anna --page-size 400 --hold-ms 50 [--hold-page 2]

`busy` is a person at work: add a comment, sync, again and again until the stop
file appears, printing "op <id>" once each operation is in the outbox (so the
test knows every operation that must reach the server) and "sync ok" or
"sync failed <code>" after each sync. Several of these run side by side, as
real machines would, which one process cannot do (each Machine points the
process-wide environment and keyring at itself).

`pull` is one sync whose pull marks each page: "apply <n>" just before the
page's changes are written and "applied <n> <ms>" once they are, and then it
lingers `--hold-ms` with the page's transaction still open, so the test can
kill -9 the process inside the apply. Writing a page takes a few
milliseconds here, too short to hit from another process every time; the
hold is the state a slower disk or a bigger page is in for longer. With
`--hold-page N` it lingers inside page N's transaction until it is killed, so
a kill that a busy machine delays still lands there. The store
code runs unchanged; only the lines and the pause are added around it.

Both find the store folders and keyring the way tests/sync/sync_child.py does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.core.entities import Person
from desktop.core.ids import uuid7
from desktop.store import Store
from sync.engine import SyncEngine


HOLD_LIMIT_S = 600.0  # --hold-page: the test kills long before this


def say(*words: object) -> None:
    print(*words, flush=True)


def busy(person_id: str, task_id: str, stop_file: Path) -> int:
    store = Store(paths.user_store(person_id), owner_id=person_id)
    person = store.get(Person, person_id)
    assert person is not None, person_id
    n = 0
    while not stop_file.exists():
        n += 1
        payload = {"comment_id": uuid7(), "task_id": task_id, "body": f"{person_id} {n}"}
        say("op", store.perform("comment.add", payload, person, None).operation_id)
        report = SyncEngine(include=[person_id]).sync_once()
        failure = report.first_failure()
        say("sync", "ok" if report.ok else f"failed {failure.code if failure else '?'}")
    store.close()
    return 0


def pull(person_id: str, page_size: int, hold_ms: int, hold_page: int | None = None) -> int:
    real = Store.apply_changes
    pages = iter(range(1, 1_000_000))

    def marked(self: Store, changes: Any, **how: Any) -> set[str]:
        page = next(pages)
        say("apply", page)
        started = time.perf_counter()
        touched = real(self, changes, **how)
        say("applied", page, round((time.perf_counter() - started) * 1000))
        if page == hold_page:
            # Stay inside this page's transaction until the test kills us: on a busy
            # machine the kill may come long after a timed hold would have ended.
            time.sleep(HOLD_LIMIT_S)
        time.sleep(hold_ms / 1000)
        return touched

    Store.apply_changes = marked  # type: ignore[method-assign]
    report = SyncEngine(include=[person_id], page_size=page_size).sync_once()
    failure = report.first_failure()
    say("done" if report.ok else f"failed {failure.code if failure else '?'}")
    return 0 if report.ok else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("busy", "pull"))
    parser.add_argument("--person", required=True)
    parser.add_argument("--task")
    parser.add_argument("--stop-file", type=Path)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--hold-ms", type=int, default=0)
    parser.add_argument("--hold-page", type=int, help="linger inside this page until killed")
    args = parser.parse_args()
    if args.mode == "busy":
        return busy(args.person, args.task, args.stop_file)
    return pull(args.person, args.page_size, args.hold_ms, args.hold_page)


if __name__ == "__main__":
    sys.exit(main())
