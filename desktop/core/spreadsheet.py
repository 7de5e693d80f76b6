"""Tables as files people open in Excel: CSV in UTF-8 with a BOM, `;`-separated.

Excel in a Danish locale reads a BOM-less UTF-8 file as Windows-1252 (æøå
come out garbled) and splits on `;`, not `,`. Written once for every export
(audit trail, reports, lending).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """`header` then `rows` as CSV bytes: UTF-8 with BOM, `;` between cells, CRLF line ends.

    None becomes an empty cell; floats are written without a trailing ".0"
    when whole (hours: 3, not 3.0).
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
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
