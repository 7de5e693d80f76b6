"""The server's time, as this machine last learned it: what the local rules judge by.

A workstation's clock can be days off (a dead CMOS battery, a VM restored from
a snapshot, someone setting it by hand). The server judges deadlines by its
own clock, so the local rules must too, or a clock ten days fast refuses a bid
the server would take, and nothing is even queued. Every answer from the
server carries its time (the HTTP Date header), and the sync engine records
the difference to the local clock in the user's store (`record`), which
belongs to one server, so the offset is kept per server.

`judging_times` gives the server's time now and the earliest it can be,
given what is known: the Date header has whole seconds and the answer took a
while to arrive (MARGIN), and with no offset known yet nothing certain can be
said (UNKNOWN_SKEW). A rule about time that refuses at "now" but not at
"earliest" is one the client cannot judge with certainty: the operation is
queued and the server decides (desktop.store.Store.perform).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

OFFSET = "server_clock_offset_ms"
# Whole seconds in the Date header, the answer's time on the wire, a day's drift.
MARGIN = dt.timedelta(minutes=5)
# With no answer from the server seen yet, a rule about time is judged only when
# it would refuse even on a clock this far ahead.
UNKNOWN_SKEW = dt.timedelta(days=31)
# Rejection reasons that depend on the time of judging.
# A credential that has expired by this clock may not have by the server's.
TIME_RULES = frozenset({"bid.deadline_passed", "bid.lacks_credentials"})


class StateStore(Protocol):
    """Where the server's time is remembered: a store's key-value state (`desktop.store`)."""

    def state(self, key: str, default: str | None = None) -> str | None:
        """The value kept under `key`, or `default`."""
        ...

    def set_state(self, key: str, value: str | None) -> None:
        """Keep `value` under `key` (None forgets it)."""
        ...


def local_now() -> dt.datetime:
    """This machine's clock, aware UTC: the one place Knop's client reads it for rules."""
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record(store: StateStore, server_time: dt.datetime, local_time: dt.datetime) -> None:
    """Keep the server's clock minus the local one, seen on an answer (aware datetimes)."""
    offset = round((server_time - local_time).total_seconds() * 1000)
    store.set_state(OFFSET, str(offset))


def offset(store: StateStore) -> dt.timedelta | None:
    """The server's clock minus this machine's, or None before any answer was seen."""
    text = store.state(OFFSET)
    try:
        return None if text is None else dt.timedelta(milliseconds=int(text))
    except ValueError:
        return None


def judging_times(store: StateStore, at: dt.datetime | None = None) -> tuple[str, str]:
    """(the server's time now, the earliest it may be), ISO 8601 UTC with milliseconds."""
    local = at or local_now()
    known = offset(store)
    if known is None:
        return _iso(local), _iso(local - UNKNOWN_SKEW)
    server = local + known
    return _iso(server), _iso(server - MARGIN)


def server_today(store: StateStore, at: dt.datetime | None = None) -> dt.date:
    """The server's UTC calendar date now, as well as this machine knows it: what deadlines go by."""
    return dt.date.fromisoformat(judging_times(store, at)[0][:10])
