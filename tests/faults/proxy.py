"""A TCP proxy that breaks connections on purpose, for the fault tests.

It sits between a client and the server on loopback and, per connection,
follows a plan: pass everything, drop the connection after the request was
forwarded (the server commits, the client never hears back), drop it halfway
through the request, stall for a while, or cut the response short. Plans are
drawn from a seeded random generator, so a failing run can be repeated.

A drawn fault is not always an injected one (a drop mid-response needs a
response), so each proxy counts what it actually did to each connection in
`injected`, and `INJECTED` adds up every proxy of the test process; a test
asserts on these, so it cannot pass because no fault fired.
"""

from __future__ import annotations

import enum
import random
import select
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Self


class Fault(enum.Enum):
    NONE = "none"
    DROP_MID_REQUEST = "drop_mid_request"  # the server sees half a request
    DROP_BEFORE_RESPONSE = "drop_before_response"  # the server answered; the client never hears
    DROP_MID_RESPONSE = "drop_mid_response"  # the client gets half an answer
    STALL = "stall"  # nothing moves for a while, then it all flows
    TRUNCATE_RESPONSE = "truncate_response"  # the answer ends early, cleanly closed


@dataclass
class FaultPlan:
    """Which faults to inject and how often; `rate` is the share of connections hit."""

    rate: float = 0.3
    faults: tuple[Fault, ...] = tuple(f for f in Fault if f is not Fault.NONE)
    stall_seconds: float = 1.5
    seed: int = 1
    counts: Counter[Fault] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def draw(self) -> Fault:
        with self._lock:
            fault = self._random.choice(self.faults) if self._random.random() < self.rate else Fault.NONE
            self.counts[fault] += 1
            return fault


# What every proxy in this process did, for the session summary (tests/faults/summary.py).
INJECTED: Counter[Fault] = Counter()
_INJECTED_LOCK = threading.Lock()


class FaultyProxy:
    """Listens on 127.0.0.1:<port> and forwards to the target, breaking what the plan says."""

    def __init__(self, target_port: int, plan: FaultPlan | None = None, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.plan = plan or FaultPlan(rate=0.0)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.injected: Counter[Fault] = Counter()  # Fault.NONE: connections passed clean
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept_thread = threading.Thread(target=self._accept_loop, name="faulty-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self._accept_thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        self._accept_thread.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _did(self, fault: Fault) -> None:
        with _INJECTED_LOCK:
            self.injected[fault] += 1
            INJECTED[fault] += 1

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client, self.plan.draw()), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, client: socket.socket, fault: Fault) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            client.close()
            return
        try:
            self._pump(client, upstream, fault)
        finally:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _pump(self, client: socket.socket, upstream: socket.socket, fault: Fault) -> None:
        sent_up = 0
        sent_down = 0
        saw_response = False
        if fault is Fault.STALL:
            time.sleep(self.plan.stall_seconds)
            self._did(fault)
        while not self._stopping.is_set():
            readable, _, _ = select.select([client, upstream], [], [], 0.2)
            for source in readable:
                data = source.recv(65536)
                if not data:
                    if fault is Fault.NONE and sent_down:
                        self._did(Fault.NONE)  # a whole exchange went through untouched
                    return
                if source is client:
                    if fault is Fault.DROP_MID_REQUEST and sent_up + len(data) > 16:
                        upstream.sendall(data[: max(1, len(data) // 2)])
                        self._did(fault)
                        return
                    upstream.sendall(data)
                    sent_up += len(data)
                else:
                    if not saw_response and fault is Fault.DROP_BEFORE_RESPONSE:
                        # Let the server finish its work; the client hears nothing.
                        time.sleep(0.05)
                        self._did(fault)
                        return
                    saw_response = True
                    if fault in (Fault.DROP_MID_RESPONSE, Fault.TRUNCATE_RESPONSE):
                        client.sendall(data[: max(1, len(data) // 2)])
                        self._did(fault)
                        return
                    client.sendall(data)
                    sent_down += len(data)
