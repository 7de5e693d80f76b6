"""Client-made ids and timestamps.

Operation and entity ids are UUIDv7: made offline without coordination, and
sortable by creation time so the outbox and the server's tables stay in a
friendly order. Python gains `uuid.uuid7` only in 3.14, and the format is a
dozen lines, so it is written here rather than pulled in as a dependency.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_COUNTER_MAX = 0xFFF  # rand_a: 12 bits
_COUNTER_SEED = 0x3FF  # a fresh millisecond starts low, leaving room to count up


def uuid7() -> str:
    """A UUIDv7 string; every id sorts after every earlier id made by this process.

    RFC 9562 §6.2 method 1: a 12-bit counter in `rand_a`, seeded at random
    each new millisecond. When it would overflow, or the clock steps back,
    the timestamp moves on by one millisecond instead (§6.2: "the timestamp
    may be incremented"), so the order holds for any rate of calls.
    """
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > _COUNTER_MAX:
                ms += 1
                _counter = int.from_bytes(os.urandom(2)) & _COUNTER_SEED
        else:
            _counter = int.from_bytes(os.urandom(2)) & _COUNTER_SEED
        _last_ms = ms
        counter = _counter
    tail = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | tail
    return str(uuid.UUID(int=value))


def uuid7_ms(value: str) -> int | None:
    """The Unix time in milliseconds a UUIDv7 was made at; None for any other string."""
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return parsed.int >> 80 if parsed.version == 7 else None


def utc_now() -> str:
    """Now as ISO 8601 UTC with milliseconds, the one timestamp format Knop stores."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
