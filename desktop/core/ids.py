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


def uuid7() -> str:
    """A UUIDv7 string; ids made in the same millisecond still sort in order."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
        else:
            _counter = int.from_bytes(os.urandom(2)) & 0x3FF
        _last_ms = ms
        counter = _counter & 0xFFF
    tail = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | tail
    return str(uuid.UUID(int=value))


def utc_now() -> str:
    """Now as ISO 8601 UTC with milliseconds, the one timestamp format Knop stores."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
