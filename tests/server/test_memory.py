"""sync.server.memory: a round's big blocks are not mapped and faulted in afresh for every request."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sync.server import memory

# In a worker thread, as the server's endpoints run: pages of some 340 KB made and
# dropped 300 times; prints the page faults it took.
CHILD = """
import resource, sys, threading
from sync.server import memory
print(memory.keep_big_blocks(), file=sys.stderr)
bodies = [bytes([97 + i % 26]) * (300 + i % 200) for i in range(830)]
def rounds():
    for n in range(300):
        page = b",".join(bodies[n % 7:])
        answer = b'{"results":[],"pull":' + page + b"}"
        del page, answer
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
worker = threading.Thread(target=rounds)
worker.start()
worker.join()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults(keep: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120,
        env={**os.environ, memory.ENV: keep},
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout), done.stderr.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_big_blocks_are_kept_between_rounds_and_can_be_left_to_glibc() -> None:
    kept, said = faults("1")
    left, said_left = faults("0")
    assert (said, said_left) == ("True", "False")
    assert left > 300  # glibc's own thresholds: new pages for (nearly) every page made
    assert kept < left / 10
