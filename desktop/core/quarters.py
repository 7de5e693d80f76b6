"""Quarters of the year, named "YYYY-Qn" as the server's insights name them ("2026-Q3").

One rule for the server, which counts the insights per quarter, and the client,
which stops its network slider at each quarter and says them in words: the
quarter of a month was written in both, and the name's reading in two places
of the client. Here, since desktop.core is what both may import.
"""

from __future__ import annotations


def quarter_of(iso: str) -> tuple[int, int]:
    """(year, quarter 1-4) of an ISO month, date or timestamp ("2026-08", "2026-08-14T…"): (2026, 3).

    Raises ValueError when `iso` does not begin with "YYYY-MM".
    """
    return int(iso[:4]), (int(iso[5:7]) + 2) // 3


def quarter_name(year: int, number: int) -> str:
    """The quarter `number` (1-4) of `year` as it is named on the wire: "2026-Q3"."""
    return f"{year}-Q{number}"


def parse_quarter(name: str) -> tuple[int, int] | None:
    """(year, quarter) of a "YYYY-Qn" name (`quarter_name`); None for text that is no such name."""
    year, _, number = name.partition("-Q")
    if not (year.isdecimal() and number.isdecimal()):
        return None
    return int(year), int(number)
