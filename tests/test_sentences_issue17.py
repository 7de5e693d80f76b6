"""Sentences from issue 17, on a real store: who really took the seats, plurals, local times.

- Two managers accepted offline, Karsten first, and Mette was told "Mette …
  accepted another bid": the refusal must name who really took the seat.
- "All 1 seats are taken", "Alle 1 pladser er besat", "1 bids are already
  accepted": every count gets its singular or plural form in both languages.
- A refusal said "19:24" for what was 20:24 in Denmark: times in sentences are
  shown in the reader's time zone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from desktop.core.entities import Bid, BidStatus, Person, Role
from desktop.core.rejection import Rejection, reworded
from desktop.store import Store
from tests.conftest import World
from tests.test_operations import do, put, refused, task


@pytest.fixture
def copenhagen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine's time zone is Denmark's (UTC+1 in winter, UTC+2 in summer)."""
    monkeypatch.setenv("TZ", "Europe/Copenhagen")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def karsten(world: World) -> Person:
    return Person(
        id="karsten", name="Karsten Holm", username="karsten", home_site_id=world.school.id,
        role=Role.SITE_MANAGER, kind=world.mette.kind, version=1,
    )


def accepted(bid_id: str, bidder: str, by: str, at: str) -> Bid:
    return Bid(
        id=bid_id, task_id="task-1", bidder_id=bidder, status=BidStatus.ACCEPTED,
        decided_by=by, decided_at=at, version=2,
    )


def test_the_seats_full_refusal_names_who_else_took_the_seat(store: Store, world: World) -> None:
    # Two seats: Karsten took one at 14:00, Mette the other at 14:05 (her clock, offline).
    put(store, karsten(world))
    task(store, world, seats=2, accepted_count=2, bid_count=3, status="assigned")
    put(
        store,
        accepted("b1", world.anna.id, "karsten", "2026-06-01T12:00:00.000Z"),
        accepted("b2", world.bo.id, world.mette.id, "2026-06-01T12:05:00.000Z"),
        Bid(id="b3", task_id="task-1", bidder_id=world.carl.id, version=1),
    )
    refusal = refused(store, world.mette, "bid.accept", bid_id="b3")
    assert refusal.reason == "bid.seats_full"
    assert refusal.facts["who"] == "Karsten Holm"
    assert "Mette" not in refusal.message("da") and "Mette" not in refusal.message("en")


@pytest.mark.parametrize(
    ("reason", "facts", "da", "en"),
    [
        (
            "bid.seats_full", {"seats": 1, "who": "Karsten Holm", "at": "?"},
            "Den eneste plads er besat", "The only seat is taken",
        ),
        (
            "bid.seats_full", {"seats": 3, "who": "Karsten Holm", "at": "?"},
            "Alle 3 pladser er besat", "All 3 seats are taken",
        ),
        (
            "task.seats_below_accepted", {"accepted": 1, "seats": 0},
            "Der er allerede accepteret 1 bud", "1 bid is already accepted",
        ),
        (
            "task.seats_below_accepted", {"accepted": 2, "seats": 1},
            "Der er allerede accepteret 2 bud", "2 bids are already accepted",
        ),
    ],
)
def test_counts_take_their_singular_or_plural_in_both_languages(
    reason: str, facts: dict[str, object], da: str, en: str
) -> None:
    refusal = Rejection(reason, **facts)
    assert refusal.message("da").startswith(da)
    assert refusal.message("en").startswith(en)
    for wrong in ("All 1 seats", "Alle 1 pladser", "1 bids"):
        assert wrong not in refusal.message("en") + refusal.message("da")


def test_a_refusal_shows_the_time_where_the_reader_is(
    copenhagen: None, store: Store, world: World
) -> None:
    # 19:24 UTC on 29 November is 20:24 in Denmark.
    refusal = Rejection("bid.seats_full", seats=1, who="Karsten Holm", at="2026-11-29T19:24:00.000Z")
    assert "kl. 20:24" in refusal.message("da") and "at 20:24" in refusal.message("en")
    # The same refusal as the server words it (in UTC) and sends it: shown in Danish time here.
    put(store, karsten(world))
    task(store, world)
    do(store, world.anna, "bid.place", bid_id="b1", task_id="task-1")
    op_id = store.pending()[-1].id
    wire = refusal.to_wire()
    wire["message"] = {"da": "… kl. 19:24.", "en": "… at 19:24."}  # a server in UTC
    with store.transaction():
        store.refuse(op_id, reworded(wire))  # as the push does with every refusal (sync.push)
    [attention] = store.attention()
    assert "20:24" in attention.message("da") and "20:24" in attention.message("en")


def test_an_older_servers_time_of_day_is_shown_as_it_came() -> None:
    refusal = Rejection("bid.seats_full", seats=1, who="Karsten Holm", at="14:02")
    assert "14:02" in refusal.message("en")
