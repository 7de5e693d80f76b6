"""Server under load: hundreds of devices pushing and pulling against PostgreSQL with several workers.

A knop-server process with `WORKERS` workers on a fresh PostgreSQL database
holding the small test world (tests/conftest.py). `DEVICES` devices are
enrolled (a one-time code each, from IT) and logged in (a real password
check) by real users, over HTTP, before the clock starts. Then each device
loops until the time or the count bound: push one batch (create a task,
comment on it, edit it, as in tests/server/test_concurrency.py), then pull
until it has caught up.

The devices are simulated by a separate generator process (`GENERATORS` of
them) running asyncio with a minimal HTTP/1.1 keep-alive client per device:
threads and requests on the same two cores would spend more CPU than the
server and measure themselves. A device does not decode the changes it pulls
(it reads only the page's cursor and `more`); decoding is the client
machine's work, not the server's. The generator's own CPU share is measured
and reported next to the server's, so the figures say who used the machine.

Figures: operations per second (operations applied plus pull requests), the
p99 push latency, and a check afterwards that every applied operation took
effect exactly once (each task once, with its one comment and its edit) and
that pushing the same operations again changes nothing. Loopback only.

For other runs (the soak): `enrol_devices(deployment, n)` gives n enrolled,
logged-in `DeviceKey`s, and `drive(url, keys, seconds)` runs them and returns
a `Tally`; `load(deployment, devices, seconds)` does both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import psutil  # type: ignore[import-untyped]

from desktop.core.ids import utc_now, uuid7
from sync import protocol
from tests.bench import servers
from tests.bench.report import Figure, median_of, percentile
from tests.server.harness import Api, Deployment

WORKERS = 3  # on 2 cores: 3 gave 332 ops/s against 255-265 with 2 (one run each, quiet machine)
GENERATORS = 1  # processes simulating the devices
USERS = ("anna", "bo", "carl", "mette")
BOUNDS = {
    "full": (500, 60.0, 10_000),
    "quick": (50, 8.0, 1_000),
}  # devices, seconds, batches per device
KEEP_BATCHES = 5  # batches each of the first devices keeps, to push again afterwards


# --- the devices ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceKey:
    """What an enrolled device with a logged-in user holds: its credential and the user's token."""

    credential: str
    token: str
    person_id: str
    site_id: str

    @property
    def device_id(self) -> str:
        return self.credential.partition(".")[0]


@dataclass
class Tally:
    """What the devices saw; added up across generator processes."""

    push_ms: list[float] = field(default_factory=list)
    applied: int = 0
    pulls: int = 0
    not_applied: int = 0
    errors: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    kept: list[tuple[int, list[dict[str, Any]]]] = field(default_factory=list)  # (device, batch)
    reconnects: int = 0
    cpu_s: float = 0.0  # the generator processes' own CPU time during the run
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.push_ms += other.push_ms
        self.applied += other.applied
        self.pulls += other.pulls
        self.not_applied += other.not_applied
        self.errors += other.errors
        self.created += other.created
        self.kept += other.kept
        self.reconnects += other.reconnects
        self.cpu_s += other.cpu_s
        self.seconds = max(self.seconds, other.seconds)


def enrol_devices(
    deployment: Deployment, count: int, users: Sequence[str] = USERS, threads: int = 16
) -> list[DeviceKey]:
    """`count` devices, each enrolled at its user's home site with that user logged in."""

    def one(n: int) -> DeviceKey:
        api = deployment.user(users[n % len(users)])
        try:
            assert api.credential and api.token
            return DeviceKey(
                api.credential, api.token, str(api.person["id"]), str(api.person["home_site_id"])
            )
        finally:
            api.close()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(count)))


class _Connection:
    """One device's keep-alive HTTP/1.1 connection: just enough client for Knop's answers.

    A request that finds the connection closed under it (the server drops idle
    keep-alive connections) is sent again once on a new one, as the desktop
    client does; a push is safe to repeat, that is the exactly-once rule.
    """

    def __init__(self, host: str, port: int, key: DeviceKey) -> None:
        self.host, self.port = host, port
        self.fixed = (
            f"Host: {host}:{port}\r\n{protocol.PROTOCOL_HEADER}: {protocol.PROTOCOL_VERSION}\r\n"
            f"{protocol.DEVICE_HEADER}: {key.credential}\r\n"
            f"{protocol.AUTHORIZATION_HEADER}: Bearer {key.token}\r\n"
        ).encode("ascii")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        head = f"{method} {target} HTTP/1.1\r\n".encode("ascii") + self.fixed
        if body:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        message = head + b"\r\n" + body
        for attempt in (0, 1):
            if self.writer is None:
                await self.open()
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(message)
                header = await self.reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
                self.reconnects += 1
                continue
            lines = header.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            length, closing = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    closing = True
            content = await self.reader.readexactly(length)
            if closing:
                self.close()
            return status, content
        raise AssertionError("unreachable")


def _page_tail(body: bytes) -> tuple[str, bool]:
    """A pull page's cursor and `more`, without decoding its changes (feed.Page.to_json's shape)."""
    at = body.rfind(b'],"cursor":')
    tail = json.loads(b"{" + body[at + 2 :]) if at >= 0 else json.loads(body)
    return str(tail["cursor"]), bool(tail["more"])


def _batch(key: DeviceKey, n: int) -> list[dict[str, Any]]:
    task_id = uuid7()

    def op(kind: str, **payload: Any) -> dict[str, Any]:
        return {
            "id": uuid7(),
            "kind": kind,
            "payload": payload,
            "author_id": key.person_id,
            "device_id": key.device_id,
            "created_at": utc_now(),
        }

    return [
        op(
            "task.create",
            task_id=task_id,
            site_id=key.site_id,
            title=f"Belastning {n}",
            audience="organisation",
            publish=True,
        ),
        op("comment.add", comment_id=uuid7(), task_id=task_id, body="Første kommentar"),
        op("task.edit", task_id=task_id, changes={"title": f"Belastning {n} (rettet)"}),
    ]


async def _device(
    index: int, key: DeviceKey, url: str, deadline: float, batches: int, keep: bool, tally: Tally
) -> None:
    parts = urlsplit(url)
    conn = _Connection(parts.hostname or "127.0.0.1", parts.port or 80, key)
    cursor: str | None = None
    try:
        for n in range(batches):
            if cursor is not None and time.perf_counter() > deadline:
                break
            batch = _batch(key, n)
            body = json.dumps({"operations": batch}, ensure_ascii=False).encode("utf-8")
            start = time.perf_counter()
            status, answer = await conn.request("POST", protocol.PATH_PUSH, body)
            if cursor is not None:  # the first push of each device only warms its connection up
                tally.push_ms.append((time.perf_counter() - start) * 1000)
            if status != 200:
                tally.errors.append(f"push {status}: {answer[:200]!r}")
                continue
            results = json.loads(answer)["results"]
            applied = sum(1 for r in results if r["status"] == "applied")
            tally.applied += applied
            tally.not_applied += len(results) - applied
            tally.created.append(str(batch[0]["payload"]["task_id"]))
            if keep and n < KEEP_BATCHES:
                tally.kept.append((index, batch))
            more = True
            while more:
                target = protocol.PATH_PULL + (f"?cursor={quote(cursor)}" if cursor else "")
                status, answer = await conn.request("GET", target)
                tally.pulls += 1
                if status != 200:
                    raise RuntimeError(f"pull {status}: {answer[:200]!r}")
                cursor, more = _page_tail(answer)
    except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
        tally.errors.append(repr(error))
    finally:
        tally.reconnects += conn.reconnects
        conn.close()


async def _drive(
    url: str, keys: Sequence[tuple[int, DeviceKey]], seconds: float, batches: int, keep: int
) -> Tally:
    tally = Tally()
    start = time.perf_counter()
    cpu = time.process_time()
    await asyncio.gather(
        *(_device(i, k, url, start + seconds, batches, i < keep, tally) for i, k in keys)
    )
    tally.seconds = time.perf_counter() - start
    tally.cpu_s = time.process_time() - cpu
    return tally


def _generator(
    url: str,
    keys: Sequence[tuple[int, DeviceKey]],
    seconds: float,
    batches: int,
    keep: int,
    go: Any,
    out: Any,
) -> None:
    """A generator process: wait for the start, run its devices, send back the tally."""
    out.send("ready")
    go.wait()
    out.send(asyncio.run(_drive(url, keys, seconds, batches, keep)))
    out.close()


def drive(
    url: str,
    keys: Sequence[DeviceKey],
    seconds: float,
    batches: int = 10**9,
    generators: int = GENERATORS,
    keep: int = 4,
) -> Tally:
    """Run the devices against the server at `url` for `seconds` (or `batches` each).

    Each device's first push and pull are not timed (they open its connection).
    The first `keep` devices keep their first batches in `Tally.kept`.
    """
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    children = []
    for g in range(generators):
        mine = [(i, k) for i, k in enumerate(keys) if i % generators == g]
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_generator, args=(url, mine, seconds, batches, keep, go, send), daemon=True
        )
        process.start()
        send.close()
        children.append((process, receive))
    for _process, receive in children:
        assert receive.recv() == "ready"  # the interpreters have started; now the clock does
    go.set()
    tally = Tally()
    for process, receive in children:
        tally.add(receive.recv())
        process.join()
    return tally


def load(
    deployment: Deployment, devices: int, seconds: float, **options: Any
) -> tuple[list[DeviceKey], Tally]:
    """Enrol `devices` devices on `deployment` and drive them for `seconds` (see `drive`)."""
    keys = enrol_devices(deployment, devices)
    return keys, drive(deployment.url, keys, seconds, **options)


# --- the benchmark ----------------------------------------------------------------------


def run(size: str) -> list[Figure]:
    postgres = servers.Postgres.find()
    if postgres is None:
        print("   (no PostgreSQL: set KNOP_TEST_POSTGRES_URL or install initdb to run server_load)")
        return []
    try:
        with servers.small_world_on_postgres(postgres, WORKERS) as deployment:
            return _load(deployment, size)
    finally:
        with contextlib.suppress(Exception):
            postgres.close()


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and all its children (the server and its workers)."""
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def _load(deployment: Deployment, size: str) -> list[Figure]:
    count, seconds, batches = BOUNDS[size]
    keys = enrol_devices(deployment, count)
    assert deployment.process is not None
    server_cpu = _cpu_seconds(deployment.process.pid)
    machine = psutil.cpu_times()
    tally = drive(deployment.url, keys, seconds, batches)
    server_cpu = _cpu_seconds(deployment.process.pid) - server_cpu
    after = psutil.cpu_times()
    machine_busy = (
        sum(after)
        - sum(machine)
        - (after.idle - machine.idle)
        - sum(
            getattr(after, name, 0.0) - getattr(machine, name, 0.0)
            for name in ("iowait", "guest", "guest_nice")  # guest time is in user time already
        )
    )
    elapsed = tally.seconds
    cores = os.cpu_count() or 1
    errors = list(tally.errors)
    rate = (tally.applied + tally.pulls) / elapsed

    # Exactly once: each created task is there once, with its one comment and its edit.
    created = tally.created
    tasks, comments = _counts(deployment)
    # Pushing the same operations again (a device that never saw the answers) changes nothing.
    again = 0
    apis: dict[int, Api] = {}
    for index, batch in tally.kept:
        api = apis.get(index) or apis.setdefault(index, _api_for(deployment.url, keys[index]))
        answer = api.push_raw(batch)
        if answer.status_code != 200 or any(
            r["status"] != "applied" for r in answer.json()["results"]
        ):
            errors.append(f"re-push {answer.status_code}: {answer.text[:200]}")
        again += len(batch)
    for api in apis.values():
        api.close()
    tasks_after, comments_after = _counts(deployment)
    exactly_once = (
        tasks == len(created) == len(set(created)) == comments
        and tasks_after == tasks
        and comments_after == comments
        and tally.applied == 3 * len(created)
        and again > 0
    )
    pushes = tally.push_ms
    p99 = percentile(pushes, 0.99) if pushes else float("inf")
    detail: dict[str, float | int | str] = {
        "devices": count,
        "workers": WORKERS,
        "generator_processes": GENERATORS,
        "seconds": round(elapsed, 2),
        "operations_applied": tally.applied,
        "pull_requests": tally.pulls,
        "pushes": len(pushes),
        "push_median_ms": round(median_of(pushes), 1) if pushes else 0.0,
        "push_p90_ms": round(percentile(pushes, 0.90), 1) if pushes else 0.0,
        "not_applied": tally.not_applied,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "reconnects": tally.reconnects,
        "tasks_created": len(created),
        "tasks_on_server": tasks,
        "comments_on_server": comments,
        "re_pushed_operations": again,
        # Shares of the whole machine (all cores) during the run.
        "generator_cpu_share": round(tally.cpu_s / (elapsed * cores), 3),
        "server_cpu_share": round(server_cpu / (elapsed * cores), 3),
        "machine_cpu_share": round(machine_busy / (elapsed * cores), 3),
    }
    return [
        Figure(
            "server load: ops/s (PostgreSQL)", rate, "ops/s", ">= 1,000 ops/s", rate >= 1000, detail
        ),
        Figure("server load: p99 push", p99, "ms", "p99 <= 250 ms", p99 <= 250, detail),
        Figure(
            "server load: errors + exactly-once",
            len(errors) + tally.not_applied + (0 if exactly_once else 1),
            "faults",
            "0 errors, every op applied exactly once",
            not errors and not tally.not_applied and exactly_once,
            detail,
        ),
    ]


def _api_for(url: str, key: DeviceKey) -> Api:
    api = Api(url)
    api.credential, api.token = key.credential, key.token
    api.person = {"id": key.person_id, "home_site_id": key.site_id}
    return api


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


# --- threads, one per device (the soak run's devices) -----------------------------------


class Device:
    """A device in a thread of its own, with the test harness's client (tests/soak uses it).

    Costs the machine far more CPU per request than the generator above; use
    `drive` for throughput figures.
    """

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
                    api.op(
                        "comment.add", comment_id=uuid7(), task_id=task_id, body="Første kommentar"
                    ),
                    api.op(
                        "task.edit", task_id=task_id, changes={"title": f"Belastning {n} (rettet)"}
                    ),
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
