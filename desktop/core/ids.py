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
    return uuid7_at(ms, counter << 62 | int.from_bytes(os.urandom(8)) & _RAND_B)


_RAND_B = (1 << 62) - 1
_RAND_BITS = (1 << 74) - 1  # rand_a (12 bits) above rand_b (62 bits)


def uuid7_at(ms: int, random_bits: int) -> str:
    """The UUIDv7 string for `ms` (Unix milliseconds) and the low 74 bits of `random_bits`.

    The layout of RFC 9562 §5.7 in one place: 48 bits of time, version 7,
    `rand_a` (12 bits), the variant, `rand_b` (62 bits). `uuid7()` puts its
    counter in `rand_a`; a generator of past data (the demo) passes its own
    time and bits, so its ids sort by when the things they name were made.
    """
    bits = random_bits & _RAND_BITS
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (bits >> 62) << 64 | 0b10 << 62
    h = "%032x" % (value | (bits & _RAND_B))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def unix_ms(stamp: str) -> int:
    """Unix milliseconds of an ISO 8601 UTC timestamp as `utc_now()` writes it.

    Raises ValueError when `stamp` is not such a timestamp.
    """
    return int(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)


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
