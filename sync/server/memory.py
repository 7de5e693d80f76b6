"""A server process's memory between requests: malloc's big blocks kept, the cycle collector's pauses kept short.

**Big blocks** (`keep_big_blocks`).
A pull's page under load is some 340 KB, made afresh for every device's
round. glibc's malloc hands out a block that big by mapping new pages (above
its mmap threshold) or from the top of a heap it trims back to the system
as soon as the block is freed (above its trim threshold, which it raises only
by as much as the biggest block mapped so far): either way the next round's
block is new memory, and the kernel zero-fills each of its 4 KB pages on the
first touch. In a microbenchmark of pages joined from 100,000 scattered bodies
in 8 threads that was 26-115 page faults and 40-220 µs of system CPU per page,
gone with the thresholds below (docs/scale-out.md "Fifth pass").

So each server process keeps blocks up to `MMAP_THRESHOLD` in its heaps and
keeps up to `TRIM_THRESHOLD` of free memory at a heap's top before giving it
back. Bigger blocks (a new workstation's first pages, up to several MB) are
mapped as before. The cost is memory held, at most `TRIM_THRESHOLD` per malloc
arena (glibc makes at most eight per core, fewer in practice). Only where the C
library is glibc (`mallopt`); elsewhere nothing changes.

**The cycle collector** (`tune_collector`, `freeze_what_lives`). CPython's
collector holds the GIL while it runs: every request in flight in that
worker waits. With Python's thresholds (700, 10, 10) a worker at 1,000 ops/s
made 4-7 full (generation 2) collections per 30 s, each walking the
70,000-87,000 containers that live from start-up on (functions, classes,
modules, pydantic's and psycopg's tables) for 50-70 ms of CPU, 150-740 ms of
wall time on a busy machine, and some 800 young collections (docs/scale-out.md
"Sixth pass": none of it was the feed tail's rows, which the collector
untracks). Two things, measured there:

- Whatever lives when the worker starts serving is moved out of the
  collector's sight (`gc.freeze`, after a collection: "move them to a
  permanent generation and ignore them in all the future collections"):
  still freed when its reference count drops to zero, but never walked
  again, nor freed as part of a cycle (it lives as long as the worker). A
  collection walks only what was made since: some 600-800 containers after
  a collection, however many rounds were served.
- The youngest generation is collected every `GEN0` net allocations of
  containers, not every 700. The count is allocations less deallocations, so
  a round's own containers (the push's parsed body, pydantic's models,
  psycopg's rows), freed by their reference counts, hardly move it; at 700 a
  young collection still came every 40 ms or so and promoted whatever was in
  flight in the worker's threads at that moment, generation by generation,
  until it counted towards a full collection (in 3.11 a full one waits until
  the objects promoted to the oldest generation since the last exceed a
  quarter of those that survived it: CPython's "long_lived_pending /
  long_lived_total" rule). At 10,000 what makes the count grow is what stays,
  mostly the tail's new rows (two tuples each, untracked by the collection
  that first sees them): a young collection every few seconds, of a few ms,
  walking at most `GEN0` containers; no full collection in a 30 s run.

KNOP_SERVER_COLLECTOR=0 leaves Python's own collector as it is.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import sys

log = logging.getLogger("knop.server")

MMAP_THRESHOLD = 1024 * 1024
TRIM_THRESHOLD = 8 * 1024 * 1024
# "0" leaves glibc's own thresholds (to measure the difference, or on a machine short of memory).
ENV = "KNOP_SERVER_KEEP_BIG_BLOCKS"

# "0" leaves the cycle collector's thresholds and generations as Python sets them.
COLLECTOR_ENV = "KNOP_SERVER_COLLECTOR"
# Net container allocations between collections of the youngest generation (Python's: 700);
# the middle and oldest as Python's. Why, and the figures: the module's docstring.
GEN0, GEN1, GEN2 = 10_000, 10, 10

_M_TRIM_THRESHOLD = -1  # glibc's malloc.h
_M_MMAP_THRESHOLD = -3


def keep_big_blocks() -> bool:
    """Set this process's malloc thresholds (see the module); True when they were set.

    Does nothing, and returns False, where the C library has no glibc `mallopt`,
    or when KNOP_SERVER_KEEP_BIG_BLOCKS is "0". Never raises.
    """
    if os.environ.get(ENV, "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
        if not hasattr(libc, "gnu_get_libc_version"):
            return False  # musl and others: their mallopt means something else, or nothing
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    if not done:
        log.warning("malloc's thresholds could not be set; big blocks are mapped afresh as before")
    return done


def _collector_left_alone() -> bool:
    return os.environ.get(COLLECTOR_ENV, "1") == "0"


def tune_collector() -> bool:
    """This process's collector thresholds set to (GEN0, GEN1, GEN2) (see the module); True when set.

    Does nothing, and returns False, when KNOP_SERVER_COLLECTOR is "0". Never raises.
    """
    if _collector_left_alone():
        return False
    gc.set_threshold(GEN0, GEN1, GEN2)
    return True


def freeze_what_lives() -> int:
    """Collect, then move every object alive now out of the collector's sight (`gc.freeze`).

    For the end of a worker's start-up: what lives then lives as long as the
    process, and a full collection need not walk it again. Returns how many
    objects are frozen in all (0 when KNOP_SERVER_COLLECTOR is "0"). Never raises.
    """
    if _collector_left_alone():
        return 0
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
