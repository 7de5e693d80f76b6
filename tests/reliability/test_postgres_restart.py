"""PostgreSQL is restarted under load. Nothing is lost and nothing is duplicated.

A knop-server with two workers runs on a PostgreSQL cluster of this test's own.
Three workstations (child processes, each a person at work: comment, sync,
again) and a raw client on the wire keep pushing and pulling while the
cluster is restarted twice: `pg_ctl restart -m fast`, then a crash
(`stop -m immediate`) with the database away for a few seconds.

What must hold:
- while the database is away the server answers, in time, 503 "unavailable"
  with a sentence and Retry-After; never a 500, never a traceback;
- it recovers by itself within seconds once the database is back;
- after a final sync every operation any client made is on the server exactly
  once (operation log, audit event, comment), every outbox is empty, and every
  workstation shows exactly what the server says its user may see.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from desktop.core.ids import uuid7
from sync.transport import Connection
from tests.conftest import World
from tests.reliability.conftest import RestartablePostgres, child_workstation, server_on
from tests.server.harness import Api, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import count, server_view, view

RECOVERY_S = 10.0  # the database is back: the server must serve again within this
DOWN_S = 4.0  # how long the crashed database stays away
WAIT_S = 180.0  # the most a condition may take on a busy machine before the test gives up


@dataclass
class Answer:
    at: float
    what: str
    status: int
    took_s: float
    body: str
    retry_after: str | None


@dataclass
class Prober:
    """A client on the wire with a one-operation outbox: it pushes the same operation until it is answered 200."""

    api: Api
    task_id: str
    answers: list[Answer] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        pending = None
        while not self.stop.is_set():
            if pending is None:
                pending = self.api.op(
                    "comment.add", comment_id=uuid7(), task_id=self.task_id, body="probe"
                )
            answer = self._ask("push", self.api.push_raw, [pending])
            if answer is not None and answer.status_code == 200:
                (result,) = answer.json()["results"]
                assert result["status"] == "applied", result
                self.applied.append(pending["id"])
                pending = None
            self._ask("pull", self.api.pull_raw, None, 50)
            time.sleep(0.05)

    def _ask(
        self, what: str, call: Callable[..., httpx.Response], *args: Any
    ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            answer = call(*args)
        except httpx.HTTPError as error:
            self.transport_errors.append(f"{what}: {error!r}")
            return None
        self.answers.append(
            Answer(
                started, what, answer.status_code, time.monotonic() - started,
                answer.text if answer.status_code != 200 else "",
                answer.headers.get("Retry-After"),
            )
        )  # fmt: skip
        return answer

    def first_success_after(self, moment: float, timeout: float) -> float:
        """Seconds from `moment` until a push started after it was answered 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for a in list(self.answers):
                if a.what == "push" and a.at >= moment and a.status == 200:
                    return a.at + a.took_s - moment
            time.sleep(0.1)
        raise AssertionError(f"the server did not recover within {timeout} s")


class ChildLines:
    """A workstation child's output lines as they come, read on a thread of their own."""

    def __init__(self, child: subprocess.Popen[str]) -> None:
        self.child = child
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.child.stdout is not None
        for line in self.child.stdout:
            self.lines.append(line.rstrip("\n"))

    def count(self, start: str) -> int:
        return sum(line.startswith(start) for line in list(self.lines))


def wait_for(condition: Callable[[], bool], what: str, watched: dict[str, ChildLines]) -> None:
    """Until `condition` holds; a busy machine only makes it take longer (up to WAIT_S)."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        for username, lines in watched.items():
            assert lines.child.poll() is None, (username, lines.lines[-20:])
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}"
        time.sleep(0.1)


def test_postgres_restarted_under_load_loses_nothing_and_doubles_nothing(
    restartable_postgres: RestartablePostgres,
    world: World,
    machines: MachineFactory,
    tmp_path: Path,
) -> None:
    server = server_on(restartable_postgres, tmp_path / "server", workers=2)
    children: list[subprocess.Popen[str]] = []
    try:
        run_the_restarts(server, restartable_postgres, world, machines, tmp_path, children)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
        server.stop()


def run_the_restarts(
    server: Deployment,
    cluster: RestartablePostgres,
    world: World,
    machines: MachineFactory,
    tmp_path: Path,
    children: list[subprocess.Popen[str]],
) -> None:
    mette_api = server.user("mette")
    task_id = uuid7()
    mette_api.apply(
        "task.create", task_id=task_id, site_id=world.school.id, title="Vikar", publish=True
    )
    people = {"anna": machines(server, world.school.id), "bo": machines(server, world.school.id),
              "mette": machines(server, world.school.id)}  # fmt: skip
    sessions = {}
    for username, machine in people.items():
        sessions[username] = machine.login(username)
        assert machine.sync(sessions[username]).ok
    stop_file = tmp_path / "stop"
    for username, machine in people.items():
        children.append(
            child_workstation(
                machine, tmp_path / f"child-{username}", "busy",
                "--person", sessions[username].person.id, "--task", task_id,
                "--stop-file", str(stop_file),
            )
        )  # fmt: skip
    watched = {u: ChildLines(child) for u, child in zip(people, children, strict=True)}
    prober = Prober(mette_api, task_id)
    probing = threading.Thread(target=prober.run, daemon=True)
    probing.start()

    # Load before each restart, however slow the machine: every workstation has
    # synced since the last event, and the prober has been answered.
    def every_workstation_synced_again() -> None:
        marks = {u: w.count("sync ok") for u, w in watched.items()}
        wait_for(lambda: all(w.count("sync ok") > marks[u] for u, w in watched.items()),
                 "every workstation to sync", watched)  # fmt: skip

    every_workstation_synced_again()
    recovered = []
    back = time.monotonic()
    cluster.restart("fast")
    recovered.append(prober.first_success_after(back, RECOVERY_S + 5))
    every_workstation_synced_again()
    cluster.outage("immediate", DOWN_S)
    back = time.monotonic()
    recovered.append(prober.first_success_after(back, RECOVERY_S + 5))
    every_workstation_synced_again()
    # Enough work from each to count: at least three operations per person.
    wait_for(lambda: all(w.count("op ") >= 3 for w in watched.values()), "three operations each",
             watched)  # fmt: skip
    wait_for(lambda: len(prober.applied) >= 3, "three probes applied", watched)

    stop_file.touch()
    outputs = {}
    for username, child in zip(people, children, strict=True):
        child.wait(timeout=90)
        watched[username].reader.join(timeout=30)
        assert child.returncode == 0, "\n".join(watched[username].lines[-40:])
        outputs[username] = list(watched[username].lines)
    prober.stop.set()
    probing.join(timeout=60)
    assert not probing.is_alive()

    # The server answered every request, in time for the client's read timeout,
    # and while the database was away it said so: 503 "unavailable", a sentence, Retry-After.
    assert prober.transport_errors == []
    assert max(a.took_s for a in prober.answers) < Connection(server.url).read_timeout
    refused = [a for a in prober.answers if a.status != 200]
    assert refused, "the database was away twice and the server never said so"
    for a in refused:
        assert a.status == 503, (a.status, a.body)
        error = json.loads(a.body)["error"]
        assert error["code"] == "unavailable" and error["message"]["en"].endswith("."), error
        assert a.retry_after is not None
    assert all(s <= RECOVERY_S for s in recovered), recovered
    log = (server.workdir / "server.log").read_text(errors="replace")
    assert not re.search(r'HTTP/1\.1" 50[0-24-9]', log)
    assert "Exception in ASGI application" not in log and "unexpected error" not in log

    # A final sync per workstation, then: everything exactly once, no outbox, same view.
    for username, machine in people.items():
        report = machine.sync(sessions[username])
        assert report.ok, report.first_failure()
    made = {
        u: [line.split()[1] for line in out if line.startswith("op ")] for u, out in outputs.items()
    }
    made["mette"] += prober.applied
    assert all(len(ops) >= 3 for ops in made.values()), {u: len(o) for u, o in made.items()}
    for username, ops in made.items():
        for op_id in ops:
            assert count(server, "SELECT count(*) FROM operations WHERE id = ?", op_id) == 1, op_id
            assert count(server, "SELECT count(*) FROM audit_events WHERE id = ?", op_id) == 1, (
                op_id
            )
        assert count(
            server,
            "SELECT count(*) FROM operations WHERE author_id = ? AND kind = 'comment.add' "
            "AND result LIKE ?",
            username, '%"status":"applied"%',
        ) == len(ops)  # fmt: skip
        assert count(
            server, "SELECT count(*) FROM comments WHERE author_id = ? AND task_id = ?", username, task_id
        ) == len(ops)  # fmt: skip
    for username, machine in people.items():
        store = machine.store(sessions[username].person.id)
        try:
            assert store.pending_count() == 0
            assert view(store) == server_view(server, sessions[username].person.id)
        finally:
            store.close()
    failed_syncs = sum(line.startswith("sync failed") for out in outputs.values() for line in out)
    print(
        f"ops per person { ({u: len(o) for u, o in made.items()}) }, "
        f"503s {len(refused)}, recovered after {[round(s, 1) for s in recovered]} s, "
        f"workstation syncs that failed {failed_syncs}"
    )
