"""The big blocks of every round (a page's bytes, the answer around it) kept by the allocator between requests.

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
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger("knop.server")

MMAP_THRESHOLD = 1024 * 1024
TRIM_THRESHOLD = 8 * 1024 * 1024
# "0" leaves glibc's own thresholds (to measure the difference, or on a machine short of memory).
ENV = "KNOP_SERVER_KEEP_BIG_BLOCKS"

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
