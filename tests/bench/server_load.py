"""Server under load: many devices pushing and pulling against PostgreSQL with several workers.

A knop-server process with `WORKERS` workers on a fresh PostgreSQL database
holding the small test world (tests/conftest.py), so every device's first pull
is short. Each simulated device is its own enrolled, logged-in HTTP client
(tests/server/harness.py `Api`) in its own thread, and loops until the time or
the count bound: push one batch (create a task, comment on it, edit it, as in
tests/server/test_concurrency.py), then pull until it has caught up.

Figures: operations per second (operations applied plus pull requests), the
p99 push latency, and a check afterwards that every applied operation took
effect exactly once (each task once, with its one comment and its edit) and
that pushing the same operations again changes nothing. Loopback only.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from pathlib import Path

from desktop.ids import uuid7
from sync.server import migrations, storage
from tests.bench import servers
from tests.bench.report import Figure, median_of, percentile
from tests.conftest import make_world
from tests.server.conftest import seed_world
from tests.server.harness import Api, Deployment, create_database

WORKERS = 3
USERS = ("anna", "bo", "carl", "mette")
BOUNDS = {"full": (32, 30.0, 400), "quick": (8, 6.0, 100)}  # devices, seconds, batches per device


class Device:
    def __init__(self, api: Api, site_id: str) -> None:
        self.api = api
        self.site_id = site_id
        self.cursor: str | None = None
        self.push_ms: list[float] = []
        self.applied = 0
        self.pulls = 0
        self.batches: list[list[dict[str, object]]] = []
        self.statuses: list[str] = []
        self.errors: list[str] = []
        self.created: list[str] = []

    def catch_up(self) -> None:
        while True:
            page = self.api.pull(self.cursor)
            self.pulls += 1
            self.cursor = page["cursor"]
            if not page["more"]:
                return

    def work(self, deadline: list[float], batches: int, go: threading.Event) -> None:
        go.wait()
        try:
            for n in range(batches):
                if time.perf_counter() > deadline[0]:
                    return
                task_id = uuid7()
                api = self.api
                batch = [
                    api.op(
                        "task.create",
                        task_id=task_id,
                        site_id=self.site_id,
                        title=f"Belastning {n}",
                        audience="organisation",
                        publish=True,
                    ),
                    api.op("comment.add", comment_id=uuid7(), task_id=task_id, body="Første kommentar"),
                    api.op("task.edit", task_id=task_id, changes={"title": f"Belastning {n} (rettet)"}),
                ]
                start = time.perf_counter()
                answer = api.push_raw(batch)
                self.push_ms.append((time.perf_counter() - start) * 1000)
                if answer.status_code != 200:
                    self.errors.append(f"push {answer.status_code}: {answer.text[:200]}")
                    continue
                statuses = [r["status"] for r in answer.json()["results"]]
                self.statuses += statuses
                self.applied += statuses.count("applied")
                self.batches.append(batch)
                self.created.append(task_id)
                self.catch_up()
        except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
            self.errors.append(repr(error))


def run(size: str) -> list[Figure]:
    postgres = servers.Postgres.find()
    if postgres is None:
        print("   (no PostgreSQL: set KNOP_TEST_POSTGRES_URL or install initdb to run server_load)")
        return []
    try:
        url = create_database(postgres.admin_url)
        postgres.databases.append(url)
        db = storage.Database(url, pool_size=1)
        try:
            migrations.migrate(db)
            seed_world(db, make_world())
        finally:
            db.close()
        with (
            tempfile.TemporaryDirectory() as folder,
            servers.serving(url, Path(folder) / "server", "postgresql", workers=WORKERS) as deployment,
        ):
            return _load(deployment, size)
    finally:
        with contextlib.suppress(Exception):
            postgres.close()


def _load(deployment: Deployment, size: str) -> list[Figure]:
    count, seconds, batches = BOUNDS[size]
    devices = []
    for n in range(count):
        api = deployment.user(USERS[n % len(USERS)])
        device = Device(api, str(api.person["home_site_id"]))
        device.catch_up()
        devices.append(device)
    go = threading.Event()
    deadline = [float("inf")]  # set once every thread is waiting at the start line
    threads = [threading.Thread(target=d.work, args=(deadline, batches, go)) for d in devices]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + seconds
    go.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    errors = [e for d in devices for e in d.errors]
    applied = sum(d.applied for d in devices)
    pulls = sum(d.pulls for d in devices)
    pushes = [ms for d in devices for ms in d.push_ms]
    not_applied = sum(1 for d in devices for s in d.statuses if s != "applied")
    rate = (applied + pulls) / elapsed

    # Exactly once: each created task is there once, with its one comment and its edit.
    created = [t for d in devices for t in d.created]
    tasks, comments = _counts(deployment)
    # Pushing the same operations again (a device that never saw the answers) changes nothing.
    again = 0
    for device in devices[:4]:
        for batch in device.batches[:5]:
            answer = device.api.push_raw(batch)
            if answer.status_code != 200:
                errors.append(f"re-push {answer.status_code}")
            again += len(batch)
    tasks_after, comments_after = _counts(deployment)
    for device in devices:
        device.api.close()
    exactly_once = (
        tasks == len(created) == len(set(created)) == comments
        and tasks_after == tasks
        and comments_after == comments
        and applied == 3 * len(created)
    )
    p99 = percentile(pushes, 0.99) if pushes else float("inf")
    detail: dict[str, float | int | str] = {
        "devices": count,
        "workers": WORKERS,
        "seconds": round(elapsed, 2),
        "operations_applied": applied,
        "pull_requests": pulls,
        "pushes": len(pushes),
        "push_median_ms": median_of(pushes) if pushes else 0.0,
        "not_applied": not_applied,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "tasks_created": len(created),
        "tasks_on_server": tasks,
        "comments_on_server": comments,
        "re_pushed_operations": again,
    }
    return [
        Figure("server load: ops/s (PostgreSQL)", rate, "ops/s", ">= 1,000 ops/s", rate >= 1000, detail),
        Figure("server load: p99 push", p99, "ms", "p99 <= 250 ms", p99 <= 250, detail),
        Figure(
            "server load: errors + exactly-once",
            len(errors) + not_applied + (0 if exactly_once else 1),
            "faults",
            "0 errors, every op applied exactly once",
            not errors and not not_applied and exactly_once,
            detail,
        ),
    ]



def _counts(deployment: Deployment) -> tuple[int, int]:
    """The benchmark's edited tasks on the server, and the comments on them."""
    edited = ("Belastning %(rettet)",)
    with deployment.database.read() as s:
        tasks = int(s.value("SELECT COUNT(*) FROM tasks WHERE title LIKE ?", edited))
        comments = int(
            s.value(
                "SELECT COUNT(*) FROM comments c JOIN tasks t ON t.id = c.task_id WHERE t.title LIKE ?",
                edited,
            )
        )
    return tasks, comments
