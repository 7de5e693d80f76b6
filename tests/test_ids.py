"""Client-made ids keep their ordering promise however fast they are made."""

from __future__ import annotations

import itertools
import time
import uuid

import pytest

from desktop.core import ids


def test_ids_made_in_one_frozen_millisecond_stay_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # 5,000 ids in one millisecond overflow the 12-bit counter at least once.
    frozen = (time.time_ns() // 1_000_000 + 10_000) * 1_000_000
    monkeypatch.setattr(ids.time, "time_ns", lambda: frozen)
    made = [ids.uuid7() for _ in range(5_000)]
    inverted = [(a, b) for a, b in itertools.pairwise(made) if a >= b]
    assert inverted == []
    for text in made:
        value = uuid.UUID(text)
        assert value.version == 7 and value.variant == uuid.RFC_4122


def test_a_clock_stepping_back_does_not_reverse_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [(time.time_ns() // 1_000_000 + 20_000) * 1_000_000]
    monkeypatch.setattr(ids.time, "time_ns", lambda: now[0])
    before = [ids.uuid7() for _ in range(3_000)]
    now[0] -= 5_000 * 1_000_000  # NTP steps the clock back five seconds
    after = [ids.uuid7() for _ in range(3_000)]
    made = before + after
    assert made == sorted(made) and len(set(made)) == len(made)


def test_an_id_made_for_a_given_time_carries_that_time_and_its_bits() -> None:
    made = ids.unix_ms("2026-10-03T09:15:00.000Z")
    text = ids.uuid7_at(made, (0xABC << 62) | 0x123456789)
    value = uuid.UUID(text)
    assert value.version == 7 and value.variant == uuid.RFC_4122
    assert value.int >> 80 == made == 1_791_018_900_000
    assert (value.int >> 64) & 0xFFF == 0xABC and value.int & ((1 << 62) - 1) == 0x123456789
    assert ids.uuid7_at(made, 0) < ids.uuid7_at(made + 1, (1 << 74) - 1)  # time sorts first
