"""Server under load: hundreds of devices pushing and pulling against PostgreSQL with several workers.

A knop-server process with `WORKERS` workers on a fresh PostgreSQL database
holding the small test world (tests/conftest.py). `DEVICES` devices are
enrolled (a one-time code each, from IT) and logged in (a real password
check) by real users, over HTTP, before the clock starts. A device's round is
what the desktop client's sync does (sync.engine): push one batch (create a
task, comment on it, edit it, as in tests/server/test_concurrency.py) with
its pull cursor, asking for the pull's next page with it (protocol.PUSH_PULL_HEADER),
then pull until it has caught up, only if that page says there is more (or
did not come: the first round has no cursor yet). A pull counted in ops/s is
a page delivered, with the push or on its own.

Two load models, reported side by side, and they answer different questions:

- **Open loop (the targets)**: what 500 workstations do. Each device starts
  its rounds on its own schedule, Poisson arrivals (exponential gaps), so the
  whole fleet offers a fixed rate (`OFFERED_OPS`, counted as the 3 operations
  of a push plus one pull per round) however fast the server answers. A push's
  latency is measured from the time it was *scheduled*, not from when it was
  sent: when the server stalls, the rounds queued behind the stall count their
  whole wait. That is the correction for coordinated omission of wrk2 and
  HdrHistogram (Gil Tene): a closed loop, or an open one timed from the actual
  send, hides a stall because the generator stops sending during it. A device
  whose previous round is still running starts the next one late (one
  connection, as a workstation syncs one thing at a time), and that lateness
  is in its latency. Reported: the achieved ops/s at the offered rate, push
  p50/p90/p99, errors, exactly-once, and who used the CPU.
- **Closed loop (saturation)**: every device starts its next round as soon as
  the last one ends, no pause: about 500 requests always in flight, so the
  throughput is the server's maximum on this machine and the latency is
  queueing behind the other devices (Little's law), not service time.

The devices are simulated by a separate generator process (`GENERATORS` of
them) running asyncio with a minimal HTTP/1.1 keep-alive client per device:
threads and requests on the same two cores would spend more CPU than the
server and measure themselves. A device does not decode the changes it pulls
(it reads only the page's cursor and `more`); decoding is the client
machine's work, not the server's. The generator's own CPU share is measured
and reported next to the server's, so the figures say who used the machine.

Figures: operations per second (operations applied plus pull requests), the
push latencies, and a check afterwards that every applied operation took
effect exactly once (each task once, with its one comment and its edit) and
that pushing the same operations again changes nothing. Loopback only.

With `organisations` > 1 (`make bench` runs 5) the world is that many
organisations on one server, each with its own sites and people
(`build_organisations`), the devices spread evenly; each organisation's p99
is reported, and the ratio of the largest to the smallest.

Run one model alone: `python -m tests.bench.server_load [--closed] [--offered 1000]
[--organisations 5] [--seconds 60] [--devices 500] [--timeline PATH]`; `--timeline` writes
each open-loop push's due time and latency to PATH and prints the latency second by
second (`write_timeline`).

For other runs (the soak): `enrol_devices(deployment, n)` gives n enrolled,
logged-in `DeviceKey`s, and `drive(url, keys, seconds)` runs them and returns
a `Tally`; `load(deployment, devices, seconds)` does both.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import multiprocessing
import os
import random
import threading
import time
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psutil  # type: ignore[import-untyped]

from desktop.core.ids import utc_now, uuid7
from sync import protocol
from tests.bench import calibration, servers
from tests.bench.report import Figure, median_of, percentile
from tests.server.harness import Api, Deployment

# On 2 cores: 3 gave 332 ops/s against 255-265 with 2 (early passes); measured again in the
# seventh pass (docs/scale-out.md): 2 and 3 cost the same CPU a round, 4 about 15 % more.
WORKERS = int(os.environ.get("KNOP_BENCH_WORKERS", "3"))
GENERATORS = 1  # processes simulating the devices
OFFERED_OPS = 1000.0  # the open loop's offered rate: the target's 1,000 ops/s
OPS_PER_ROUND = 4  # what the offered rate counts per round: the push's 3 operations and one pull
ORGANISATIONS = 5  # in the multi-organisation run
IDLE_S = 4.0  # a connection idle this long is opened afresh (the server drops them after 5 s)
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
    organisation: str = ""  # which organisation's device, in the multi-organisation run

    @property
    def device_id(self) -> str:
        return self.credential.partition(".")[0]


@dataclass
class Tally:
    """What the devices saw; added up across generator processes."""

    push_ms: list[float] = field(default_factory=list)  # open loop: from the scheduled start
    sent_ms: list[float] = field(default_factory=list)  # open loop: from the actual send
    due_s: list[float] = field(default_factory=list)  # open loop: when each was due, s from the start
    started_at: float = 0.0  # the clock's start, Unix time (the earliest of the generator processes)
    by_organisation: dict[str, list[float]] = field(default_factory=dict)  # push_ms per org
    late_starts: int = 0  # open loop: rounds that started over 1 s after their scheduled time
    applied: int = 0
    pulls: int = 0  # pages delivered, with a push's answer or by a pull request
    pull_requests: int = 0  # pull requests of their own (GET /v1/pull)
    pulled_bytes: int = 0
    pulled_changes: int = 0  # changes the pulls delivered: the feed's fan-out
    not_applied: int = 0
    errors: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    kept: list[tuple[int, list[dict[str, Any]]]] = field(default_factory=list)  # (device, batch)
    reconnects: int = 0
    cpu_s: float = 0.0  # the generator processes' own CPU time during the run
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.push_ms += other.push_ms
        self.sent_ms += other.sent_ms
        self.due_s += other.due_s
        for org, samples in other.by_organisation.items():
            self.by_organisation.setdefault(org, []).extend(samples)
        self.late_starts += other.late_starts
        self.applied += other.applied
        self.pulls += other.pulls
        self.pull_requests += other.pull_requests
        self.pulled_bytes += other.pulled_bytes
        self.pulled_changes += other.pulled_changes
        self.not_applied += other.not_applied
        self.errors += other.errors
        self.created += other.created
        self.kept += other.kept
        self.reconnects += other.reconnects
        self.cpu_s += other.cpu_s
        self.seconds = max(self.seconds, other.seconds)
        self.started_at = min(self.started_at or other.started_at, other.started_at or self.started_at)


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
            # The rows' shape, as the desktop client says it (sync.transport): without it
            # the server serves every device as an older client and rewrites its pages.
            f"{protocol.ROWS_HEADER}: {protocol.ROWS_VERSION}\r\n"
            f"{protocol.DEVICE_HEADER}: {key.credential}\r\n"
            f"{protocol.AUTHORIZATION_HEADER}: Bearer {key.token}\r\n"
        ).encode("ascii")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0
        self.used = 0.0  # time.perf_counter() of the last answer

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        head = f"{method} {target} HTTP/1.1\r\n".encode("ascii") + self.fixed
        for name, value in (headers or {}).items():
            head += f"{name}: {value}\r\n".encode("ascii")
        if body:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        message = head + b"\r\n" + body
        if self.writer is not None and time.perf_counter() - self.used > IDLE_S:
            self.close()  # as an HTTP client's pool expires keep-alive connections the server drops
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
            self.used = time.perf_counter()
            if closing:
                self.close()
            return status, content
        raise AssertionError("unreachable")


_CHANGE = b'{"table":'  # how each change in a pull page starts (feed.Page's stored bodies)


def _page_tail(body: bytes) -> tuple[str, bool]:
    """A pull page's cursor and `more`, without decoding its changes (feed.Page.to_json's shape)."""
    at = body.rfind(b'],"cursor":')
    tail = json.loads(b"{" + body[at + 2 :]) if at >= 0 else json.loads(body)
    return str(tail["cursor"]), bool(tail["more"])


_PUSHED_PAGE = b',"%s":' % protocol.PUSH_PAGE_KEY.encode()


def _push_answer(body: bytes) -> tuple[list[dict[str, Any]], bytes | None]:
    """A push answer's results, and the pull page it carries (undecoded), if any.

    The page follows the results (app.push_operations writes it so); a string
    inside a result cannot hold the raw `,"pull":`, JSON escapes its quotes.
    """
    at = body.find(_PUSHED_PAGE)
    if at < 0:
        return json.loads(body)["results"], None
    return json.loads(body[:at] + b"}")["results"], body[at + len(_PUSHED_PAGE) : -1]


def _count_page(tally: Tally | None, page: bytes) -> tuple[str, bool]:
    """A page delivered (counted in `tally`): its cursor and `more`."""
    if tally is not None:
        tally.pulls += 1
        tally.pulled_bytes += len(page)
        tally.pulled_changes += page.count(_CHANGE)
    return _page_tail(page)


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


async def _round(
    conn: _Connection,
    key: DeviceKey,
    n: int,
    cursor: str | None,
    tally: Tally,
    kept: list[list[dict[str, Any]]] | None,
) -> tuple[float | None, str | None]:
    """One round: push a batch, then pull until caught up. Returns (when the push was answered, cursor).

    The time is None when the push was refused as a whole (counted in `tally.errors`).
    """
    batch = _batch(key, n)
    # With the device's pull cursor, as the desktop client sends it (sync.push), which the
    # server checks against its history before it applies anything.
    sent = {"operations": batch} if cursor is None else {"operations": batch, "cursor": cursor}
    body = json.dumps(sent, ensure_ascii=False).encode("utf-8")
    # And the pull's next page with the answer, as sync.engine asks for it (its default page size).
    asked = {protocol.PUSH_PULL_HEADER: str(protocol.DEFAULT_PULL_LIMIT)} if cursor is not None else None
    status, answer = await conn.request("POST", protocol.PATH_PUSH, body, asked)
    answered = time.perf_counter()
    if status != 200:
        tally.errors.append(f"push {status}: {answer[:200]!r}")
        return None, cursor
    results, page = _push_answer(answer)
    applied = sum(1 for r in results if r["status"] == "applied")
    tally.applied += applied
    tally.not_applied += len(results) - applied
    tally.created.append(str(batch[0]["payload"]["task_id"]))
    if kept is not None and len(kept) < KEEP_BATCHES:
        kept.append(batch)
    if page is not None:
        cursor, more = _count_page(tally, page)
        if not more:
            return answered, cursor
    return answered, await _catch_up(conn, cursor, tally)


async def _catch_up(conn: _Connection, cursor: str | None, tally: Tally | None) -> str | None:
    """Pull pages until the last says there is no more; returns the cursor reached."""
    more = True
    while more:
        target = protocol.PATH_PULL + (f"?cursor={quote(cursor)}" if cursor else "")
        status, answer = await conn.request("GET", target)
        if status != 200:
            raise RuntimeError(f"pull {status}: {answer[:200]!r}")
        if tally is not None:
            tally.pull_requests += 1
        cursor, more = _count_page(tally, answer)
    return cursor


@contextlib.contextmanager
def _device_life(
    index: int, conn: _Connection, kept: list[list[dict[str, Any]]] | None, tally: Tally
) -> Iterator[None]:
    """Around a device's rounds: an error ends them, counted and reported, never hidden;
    its kept batches and reconnections go into the tally, and its connection is closed."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - see the docstring
        tally.errors.append(repr(error))
    finally:
        tally.kept += [(index, batch) for batch in kept or []]
        tally.reconnects += conn.reconnects
        conn.close()


async def _closed_device(
    index: int, key: DeviceKey, url: str, deadline: float, batches: int, keep: bool, tally: Tally
) -> None:
    """Rounds back to back until the deadline (the closed loop); the first only opens the connection."""
    parts = urlsplit(url)
    conn = _Connection(parts.hostname or "127.0.0.1", parts.port or 80, key)
    cursor: str | None = None
    kept: list[list[dict[str, Any]]] | None = [] if keep else None
    with _device_life(index, conn, kept, tally):
        for n in range(batches):
            if cursor is not None and time.perf_counter() > deadline:
                break
            start = time.perf_counter()
            answered, reached = await _round(conn, key, n, cursor, tally, kept)
            if answered is not None and cursor is not None:  # the first round warms up
                tally.push_ms.append((answered - start) * 1000)
            cursor = reached if reached is not None else cursor


async def _open_device(
    index: int,
    conn: _Connection,
    key: DeviceKey,
    cursor: str | None,
    start: float,
    deadline: float,
    rounds_per_s: float,
    keep: bool,
    tally: Tally,
) -> None:
    """Rounds on this device's own Poisson schedule from `start` to `deadline` (the open loop).

    Latency counts from the scheduled time (see the module docstring).
    """
    schedule = random.Random(index)  # the same arrivals in every run, before and after a change
    kept: list[list[dict[str, Any]]] | None = [] if keep else None
    due = start + schedule.expovariate(rounds_per_s)
    n = 0
    with _device_life(index, conn, kept, tally):
        while due < deadline:
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            elif wait < -1.0:
                tally.late_starts += 1
            sent = time.perf_counter()
            answered, reached = await _round(conn, key, n, cursor, tally, kept)
            if answered is not None:
                tally.push_ms.append((answered - due) * 1000)
                tally.sent_ms.append((answered - sent) * 1000)
                tally.due_s.append(due - start)
                tally.by_organisation.setdefault(key.organisation, []).append(
                    (answered - due) * 1000
                )
            cursor = reached if reached is not None else cursor
            n += 1
            due += schedule.expovariate(rounds_per_s)


async def _drive(
    url: str,
    keys: Sequence[tuple[int, DeviceKey]],
    seconds: float,
    batches: int,
    keep: int,
    rounds_per_s: float | None,
) -> Tally:
    tally = Tally()
    # The generator's own full collections would stall every device it drives (and so the
    # latency it measures): its start-up and, in the open loop, the connections opened below
    # are frozen before the clock starts, as the server's workers freeze theirs
    # (sync.server.memory; docs/scale-out.md "Sixth pass").
    gc.collect()
    gc.freeze()
    if rounds_per_s is None:
        start = time.perf_counter()
        cpu = time.process_time()
        await asyncio.gather(
            *(_closed_device(i, k, url, start + seconds, batches, i < keep, tally) for i, k in keys)
        )
    else:
        # Before the clock: every device opens its connection and catches up, untimed.
        parts = urlsplit(url)
        conns = [_Connection(parts.hostname or "127.0.0.1", parts.port or 80, k) for _i, k in keys]
        cursors = await asyncio.gather(*(_catch_up(c, None, None) for c in conns))
        gc.collect()
        gc.freeze()
        start = time.perf_counter()
        tally.started_at = time.time()
        cpu = time.process_time()
        await asyncio.gather(
            *(
                _open_device(i, c, k, cur, start, start + seconds, rounds_per_s, i < keep, tally)
                for (i, k), c, cur in zip(keys, conns, cursors, strict=True)
            )
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
    rounds_per_s: float | None,
    go: Any,
    out: Any,
) -> None:
    """A generator process: wait for the start, run its devices, send back the tally."""
    out.send("ready")
    go.wait()
    out.send(asyncio.run(_drive(url, keys, seconds, batches, keep, rounds_per_s)))
    out.close()


def drive(
    url: str,
    keys: Sequence[DeviceKey],
    seconds: float,
    batches: int = 10**9,
    generators: int = GENERATORS,
    keep: int = 4,
    offered_ops: float | None = None,
) -> Tally:
    """Run the devices against the server at `url` for `seconds` (or `batches` each).

    `offered_ops` None: the closed loop, where each device's first push and pull
    are not timed (they open its connection). A rate (ops/s, OPS_PER_ROUND per
    round): the open loop, every device catching up once before the clock starts
    and then starting rounds at Poisson times, `offered_ops / OPS_PER_ROUND`
    rounds/s over the whole fleet (`batches` does not apply). The first `keep`
    devices keep their first batches in `Tally.kept`.
    """
    rounds_per_s = None if offered_ops is None else offered_ops / OPS_PER_ROUND / len(keys)
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    children = []
    for g in range(generators):
        mine = [(i, k) for i, k in enumerate(keys) if i % generators == g]
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_generator, args=(url, mine, seconds, batches, keep, rounds_per_s, go, send), daemon=True
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
    """The open loop at OFFERED_OPS and the closed loop on one organisation, then the open loop on 5."""
    postgres = servers.Postgres.find()
    if postgres is None:
        print("   (no PostgreSQL: set KNOP_TEST_POSTGRES_URL or install initdb to run server_load)")
        return []
    count = BOUNDS[size][0]
    offered = OFFERED_OPS if size == "full" else OFFERED_OPS / 10
    try:
        with servers.small_world_on_postgres(postgres, WORKERS) as deployment:
            keys = enrol_devices(deployment, count)
            figures = _figures("server load", *measure(deployment, keys, size, offered))
            figures += _figures("server load, closed loop", *measure(deployment, keys, size, None))
        with organisations_on_postgres(postgres, WORKERS, ORGANISATIONS) as (deployment, users):
            keys = enrol_spread(deployment, count, users)
            tally, detail, faults = measure(deployment, keys, size, offered)
            figures += _figures(f"server load, {ORGANISATIONS} organisations", tally, detail, faults)
            figures.append(_fairness(tally, detail))
        return figures
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


def _backends_cpu(db_url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving the database of `db_url`, by pid.

    Backends are found by their process title (`postgres: USER DBNAME HOST(PORT) ...`),
    so this works on a shared cluster too; a backend that ends mid-run takes its CPU
    with it (the server's pools keep theirs for the whole run).
    """
    name = urlsplit(db_url).path.lstrip("/")
    found: dict[int, float] = {}
    for process in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            title = " ".join(process.info["cmdline"] or ())
            if title.startswith("postgres:") and f" {name} " in f"{title} ":
                times = process.cpu_times()
                found[process.pid] = times.user + times.system
    return found


def measure(
    deployment: Deployment, keys: Sequence[DeviceKey], size: str, offered_ops: float | None
) -> tuple[Tally, dict[str, float | int | str], list[str]]:
    """Drive `keys` on `deployment` (open loop at `offered_ops`, or closed when None) and check.

    Returns the tally, the figures' details and the faults found (errors, and
    a broken exactly-once check). Safe to call again on the same deployment:
    the exactly-once check counts what this run added.
    """
    _count, seconds, batches = BOUNDS[size]
    tasks_before, comments_before = _counts(deployment)
    # The machine's yardsticks, taken just before the clock starts (tests/bench/calibration.py).
    yardsticks = calibration.yardsticks(deployment.db_url)
    assert deployment.process is not None
    server_cpu = _cpu_seconds(deployment.process.pid)
    backends = _backends_cpu(deployment.db_url)
    machine = psutil.cpu_times()
    load_before = os.getloadavg()[0]
    tally = drive(deployment.url, keys, seconds, batches, offered_ops=offered_ops)
    server_cpu = _cpu_seconds(deployment.process.pid) - server_cpu
    backends_after = _backends_cpu(deployment.db_url)
    postgres_cpu = sum(t - backends.get(pid, 0.0) for pid, t in backends_after.items())
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
    # The kernel's part of it (system calls, and the interrupts that carry loopback's packets).
    kernel = sum(
        getattr(after, name, 0.0) - getattr(machine, name, 0.0)
        for name in ("system", "irq", "softirq")
    )
    elapsed = tally.seconds
    cores = os.cpu_count() or 1
    faults = list(tally.errors)

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
            faults.append(f"re-push {answer.status_code}: {answer.text[:200]}")
        again += len(batch)
    for api in apis.values():
        api.close()
    tasks_after, comments_after = _counts(deployment)
    added, commented = tasks - tasks_before, comments - comments_before
    exactly_once = (
        added == len(created) == len(set(created)) == commented
        and tasks_after == tasks
        and comments_after == comments
        and tally.applied == 3 * len(created)
        and again > 0
    )
    if tally.not_applied:
        faults.append(f"{tally.not_applied} operations not applied")
    if not exactly_once:
        faults.append(
            f"not exactly once: {len(created)} pushed, {added} tasks and {commented} comments added"
        )
    pushes = tally.push_ms
    rate = (tally.applied + tally.pulls) / elapsed
    detail: dict[str, float | int | str] = {
        "load_model": "closed loop" if offered_ops is None else "open loop (Poisson)",
        "offered_ops_per_s": offered_ops or 0,
        "ops_per_s": round(rate, 1),
        "devices": len(keys),
        "workers": WORKERS,
        "generator_processes": GENERATORS,
        "seconds": round(elapsed, 2),
        "operations_applied": tally.applied,
        "pulled_pages": tally.pulls,
        "pull_requests": tally.pull_requests,
        "pushes": len(pushes),
        "pulled_changes_per_s": round(tally.pulled_changes / elapsed),
        "pulled_mb_per_s": round(tally.pulled_bytes / elapsed / 1e6, 2),
        "push_median_ms": round(median_of(pushes), 1) if pushes else 0.0,
        "push_p90_ms": round(percentile(pushes, 0.90), 1) if pushes else 0.0,
        "push_p99_ms": round(percentile(pushes, 0.99), 1) if pushes else 0.0,
        # The open loop's latency from the actual send: what coordinated omission would report.
        "push_p99_from_send_ms": round(percentile(tally.sent_ms, 0.99), 1) if tally.sent_ms else 0.0,
        "late_starts": tally.late_starts,
        "not_applied": tally.not_applied,
        "errors": len(faults),
        "first_error": faults[0] if faults else "",
        "reconnects": tally.reconnects,
        "tasks_created": len(created),
        "tasks_on_server": added,
        "comments_on_server": commented,
        "re_pushed_operations": again,
        # Shares of the whole machine (all cores) during the run.
        "generator_cpu_share": round(tally.cpu_s / (elapsed * cores), 3),
        "server_cpu_share": round(server_cpu / (elapsed * cores), 3),
        # The server's CPU per round (push and pull): less hostage to the machine's other work.
        "server_cpu_ms_per_round": round(1000 * server_cpu / max(len(pushes), 1), 2),
        "postgres_cpu_ms_per_round": round(1000 * postgres_cpu / max(len(pushes), 1), 2),
        "generator_cpu_ms_per_round": round(1000 * tally.cpu_s / max(len(pushes), 1), 2),
        "machine_cpu_share": round(machine_busy / (elapsed * cores), 3),
        # The whole machine's CPU per round (server, PostgreSQL, generator, kernel, and anyone
        # else's work): what 250 rounds a second on two cores must keep under 8 ms.
        "machine_cpu_ms_per_round": round(1000 * machine_busy / max(len(pushes), 1), 2),
        "kernel_cpu_ms_per_round": round(1000 * kernel / max(len(pushes), 1), 2),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        **yardsticks,
    }
    # The CPU a round in yardsticks of this run's machine: comparable across machines and sessions.
    detail["server_cpu_per_round_in_python_yardsticks"] = round(
        float(detail["server_cpu_ms_per_round"]) / yardsticks["calibration_python_ms"], 3
    )
    detail["postgres_cpu_per_round_in_statements"] = round(
        1000 * float(detail["postgres_cpu_ms_per_round"]) / yardsticks["calibration_postgres_us_per_statement"], 1
    )
    return tally, detail, faults


def _figures(
    name: str, tally: Tally, detail: dict[str, float | int | str], faults: list[str]
) -> list[Figure]:
    """ops/s, p99 and faults, with the targets; the closed loop's are its maximum, for reference."""
    rate = float(detail["ops_per_s"])
    p99 = percentile(tally.push_ms, 0.99) if tally.push_ms else float("inf")
    closed = detail["load_model"] == "closed loop"
    if closed:
        throughput = Figure(
            f"{name}: max ops/s", rate, "ops/s", "none (saturation, for reference)", True, detail
        )
        latency = Figure(
            f"{name}: p99 push", p99, "ms", "none (queueing at saturation)", True, detail
        )
    else:
        offered = float(detail["offered_ops_per_s"])
        # Pulls that page add ops: achieved is counted as done, the target as at least 97% of offered.
        throughput = Figure(
            f"{name}: ops/s at {offered:.0f} offered",
            rate,
            "ops/s",
            f">= {0.97 * offered:,.0f} ops/s",
            rate >= 0.97 * offered,
            detail,
        )
        latency = Figure(f"{name}: p99 push", p99, "ms", "p99 <= 250 ms", p99 <= 250, detail)
    return [
        throughput,
        latency,
        Figure(
            f"{name}: errors + exactly-once",
            len(faults),
            "faults",
            "0 errors, every op applied exactly once",
            not faults,
            detail,
        ),
    ]


def _fairness(tally: Tally, detail: dict[str, float | int | str]) -> Figure:
    """The largest organisation's p99 over the smallest's (target at most 1.5)."""
    p99s = {
        org: percentile(samples, 0.99) for org, samples in sorted(tally.by_organisation.items())
    }
    ratio = max(p99s.values()) / max(min(p99s.values()), 1e-9) if p99s else float("inf")
    fair = dict(detail)
    fair.update({f"p99_ms_{org}": round(p99, 1) for org, p99 in p99s.items()})
    return Figure(
        f"server load, {len(p99s)} organisations: p99 max/min",
        ratio,
        "x",
        "<= 1.5",
        ratio <= 1.5,
        fair,
    )


# --- several organisations on one server ------------------------------------------------


def build_organisations(db: Any, count: int, people: int = 4) -> dict[str, list[str]]:
    """`count` organisations (tenants), each with two sites and `people` staff; returns org id -> usernames.

    Made as IT makes them: `knop-admin init` for the first, `organisation add`
    for the others, their sites and staff with the directory's functions, so
    each person belongs to their site's organisation. Password: the test world's.
    """
    from desktop.core.entities import SiteKind
    from sync.server import directory, migrations
    from tests.server.conftest import PASSWORD

    migrations.migrate(db)
    users: dict[str, list[str]] = {}
    for o in range(count):
        org_id, name = f"org{o + 1}", f"Kommune {o + 1}"
        make = directory.init_organisation if o == 0 else directory.add_organisation
        make(db, name, org_id)
        sites = [
            directory.add_site(
                db, f"Skole {n} i kommune {o + 1}", SiteKind.SCHOOL, site_id=f"{org_id}-s{n}", organisation_id=org_id
            )
            for n in (1, 2)
        ]
        users[org_id] = []
        for p in range(people):
            username = f"{org_id}-p{p + 1}"
            directory.add_person(
                db,
                directory.NewPerson(
                    username=username,
                    name=f"Person {p + 1} i kommune {o + 1}",
                    site=sites[p % 2].id,
                    organisation_id=org_id,
                ),
                PASSWORD,
            )
            users[org_id].append(username)
    return users


@contextlib.contextmanager
def organisations_on_postgres(
    postgres: servers.Postgres, workers: int, count: int
) -> Iterator[tuple[Deployment, dict[str, list[str]]]]:
    """A knop-server on a new database holding `count` organisations (`build_organisations`)."""
    from sync.server import storage
    from tests.server.harness import create_database

    url = create_database(postgres.admin_url)
    postgres.databases.append(url)
    db = storage.Database(url, pool_size=1)
    try:
        users = build_organisations(db, count)
    finally:
        db.close()
    with (
        tempfile.TemporaryDirectory() as folder,
        servers.serving(url, Path(folder) / "server", "postgresql", workers=workers) as deployment,
    ):
        yield deployment, users


def enrol_spread(
    deployment: Deployment, count: int, users: dict[str, list[str]]
) -> list[DeviceKey]:
    """`count` devices spread evenly over the organisations, each key marked with its organisation."""
    orgs = sorted(users)
    shares: list[list[DeviceKey]] = []
    for i, org in enumerate(orgs):
        share = count // len(orgs) + (1 if i < count % len(orgs) else 0)
        shares.append(
            [
                DeviceKey(k.credential, k.token, k.person_id, k.site_id, org)
                for k in enrol_devices(deployment, share, users[org])
            ]
        )
    # Interleaved, so that the devices that keep batches and each generator process span them all.
    return [share[j] for j in range(max(map(len, shares))) for share in shares if j < len(share)]


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
    `drive` for throughput figures. Like that generator it reads of a page only
    its cursor and `more` and counts its changes (`_count_page`): a workstation
    decodes its page with its own CPU, while here every device shares one
    process, and 300 devices decoding theirs made this process, not the
    server, set the pace (docs/scale-out.md "The soak's falling throughput").
    """

    def __init__(self, api: Api, site_id: str) -> None:
        self.api = api
        self.site_id = site_id
        self.cursor: str | None = None
        self.push_ms: list[float] = []
        self.applied = 0
        self.pages = Tally()  # its pulls, pulled_changes and pulled_bytes: the pages delivered
        self.statuses: list[str] = []
        self.errors: list[str] = []
        self.created: list[str] = []

    def catch_up(self) -> None:
        while True:
            answer = self.api.pull_raw(self.cursor)
            assert answer.status_code == 200, answer.text
            self.cursor, more = _count_page(self.pages, answer.content)
            if not more:
                return

    @property
    def pulls(self) -> int:
        """Pages delivered, with a push's answer or by a pull."""
        return self.pages.pulls

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
                # With the cursor, asking for the pull's next page with the answer, as
                # the desktop client does (sync.engine); pulls on only if it says more.
                sent: dict[str, Any] = {"operations": batch}
                asked: dict[str, str] = {}
                if self.cursor is not None:
                    sent["cursor"] = self.cursor
                    asked[protocol.PUSH_PULL_HEADER] = str(protocol.DEFAULT_PULL_LIMIT)
                start = time.perf_counter()
                answer = api.http.post(protocol.PATH_PUSH, json=sent, headers=api.headers(**asked))
                self.push_ms.append((time.perf_counter() - start) * 1000)
                if answer.status_code != 200:
                    self.errors.append(f"push {answer.status_code}: {answer.text[:200]}")
                    continue
                results, page = _push_answer(answer.content)
                statuses = [r["status"] for r in results]
                self.statuses += statuses
                self.applied += statuses.count("applied")
                self.created.append(task_id)
                if page is not None:
                    self.cursor, more = _count_page(self.pages, page)
                    if not more:
                        continue
                self.catch_up()
        except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
            self.errors.append(repr(error))


def write_timeline(tally: Tally, path: Path, slow_ms: float = 250.0) -> list[str]:
    """The open loop's pushes in time: `path` gets one CSV line a push (due s, ms from due,
    ms from send), and the lines returned say, second by second, how many pushes were due,
    their p50 and p99 and how many took over `slow_ms` from their due time.

    What it answers: whether the slow pushes that make the p99 come in stalls (a few
    seconds where nearly every push is slow: a checkpoint, a collection, a burst) or
    spread over the run (plain queueing at a busy share).
    """
    rows = sorted(zip(tally.due_s, tally.push_ms, tally.sent_ms, strict=True))
    with path.open("w", encoding="utf-8") as out:
        out.write("due_s,ms_from_due,ms_from_send\n")
        out.writelines(f"{due:.4f},{ms:.1f},{sent:.1f}\n" for due, ms, sent in rows)
    by_second: dict[int, list[float]] = {}
    for due, ms, _sent in rows:
        by_second.setdefault(int(due), []).append(ms)
    slow = sum(1 for _due, ms, _sent in rows if ms > slow_ms)
    started = time.strftime("%H:%M:%S", time.gmtime(tally.started_at))
    lines = [
        f"timeline ({path}): {slow} of {len(rows)} pushes over {slow_ms:.0f} ms; second 0 began {started} UTC",
        "second  due  p50 ms  p99 ms  slow",
    ]
    for second, samples in sorted(by_second.items()):
        over = sum(1 for ms in samples if ms > slow_ms)
        lines.append(
            f"{second:6d} {len(samples):4d} {median_of(samples):7.0f} {percentile(samples, 0.99):7.0f} {over:5d}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """One load model alone, its figures printed: see the module docstring."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.bench.server_load")
    parser.add_argument("--closed", action="store_true", help="the closed loop (saturation)")
    parser.add_argument("--offered", type=float, default=OFFERED_OPS, help="open loop: ops/s")
    parser.add_argument("--organisations", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=BOUNDS["full"][1])
    parser.add_argument("--devices", type=int, default=BOUNDS["full"][0])
    parser.add_argument(
        "--timeline",
        type=Path,
        help="open loop: write each push's due time and latency to this CSV file, and print "
        "the latency second by second (are the slow pushes clustered in stalls, or spread?)",
    )
    args = parser.parse_args(argv)
    BOUNDS["cli"] = (args.devices, args.seconds, BOUNDS["full"][2])
    postgres = servers.Postgres.find()
    if postgres is None:
        print("no PostgreSQL: set KNOP_TEST_POSTGRES_URL or install initdb")
        return 2
    offered = None if args.closed else args.offered
    try:
        if args.organisations > 1:
            with organisations_on_postgres(postgres, WORKERS, args.organisations) as (dep, users):
                keys = enrol_spread(dep, args.devices, users)
                tally, detail, faults = measure(dep, keys, "cli", offered)
                figures = _figures(f"{args.organisations} organisations", tally, detail, faults)
                figures.append(_fairness(tally, detail))
        else:
            with servers.small_world_on_postgres(postgres, WORKERS) as dep:
                keys = enrol_devices(dep, args.devices)
                tally, detail, faults = measure(dep, keys, "cli", offered)
                figures = _figures("server load", tally, detail, faults)
    finally:
        with contextlib.suppress(Exception):
            postgres.close()
    if args.timeline is not None:
        print("\n".join(write_timeline(tally, args.timeline)))
    for figure in figures:
        print(figure.line(None))
    print(json.dumps(figures[-1].detail, indent=1))
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
