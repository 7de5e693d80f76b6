"""Tables as files people open in Excel: Danish CSV, in UTF-8 with a BOM, `;`-separated, `,` decimals.

Excel in a Danish locale reads a BOM-less UTF-8 file as Windows-1252 (æøå
come out garbled), splits on `;`, not `,`, and reads "2.5" as a date (2 May)
or as text, never as two and a half hours: a number's decimal mark is a comma.
That is the dialect of the machine's regional settings, not of the screen's
language, so an English-speaking user's file is the same (a municipality's PCs
are set to Danish). Not RFC 4180 (`,` and `.`), which a Danish Excel opens as
one column. Written once for every export (audit trail, reports, lending, the
competence map, `knop-admin audit --csv`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """`header` then `rows` as CSV bytes: UTF-8 with BOM, `;` between cells, CRLF line ends.

    None becomes an empty cell; floats are written with a decimal comma and
    without a trailing ",0" when whole (hours: 2,5 and 3, not 2.5 and 3.0).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value).replace(".", ",")
    return value
