"""Checking an operation's payload before any rule looks at it.

Operations arrive from other machines, so every field is checked for type,
length and range, and unknown fields are refused rather than ignored: a typo in
a client must not silently drop what the user typed.

Every value comes out in the one spelling the stores keep, whatever spelling
it arrived in: dates as `YYYY-MM-DD` (ISO 8601 also allows `20240101` and
`2024-W01-1`, which sort and compare wrongly as text), text in Unicode NFC (so
"é" typed as e + accent finds, sorts and compares as "é"). Ids are kept
exactly as sent: they are names, never shown or compared by meaning.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop.core.rejection import Rejection


@dataclass(frozen=True, slots=True)
class Field:
    """What one payload field may hold; `check` enforces it.

    `max_length` counts characters of text (ids are held to 64, list items to 80); `minimum`
    and `maximum` bound numbers in the field's own unit (hours for
    `effort_hours` and `hours`); `choices` are the allowed values of a "choice".
    """

    kind: str  # "id", "text", "number", "int", "date", "time", "bool", "choice", "list", "map"
    required: bool = False
    max_length: int = 200
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    allow_empty: bool = True
    nullable: bool = False  # may be sent as null to clear it (dates, hours)


def check(schema: Mapping[str, Field], payload: Any) -> dict[str, Any]:
    """Return the payload with every field checked and in its canonical form.

    Raises Rejection (`field.*`) naming the first field that is missing, of the
    wrong type, too long, out of range or not a date.
    """
    if not isinstance(payload, Mapping):
        raise Rejection("field.bad_type", field="payload", expected="object")
    for name in payload:
        if name not in schema:
            raise Rejection("field.unknown", field=str(name)[:60])
    clean: dict[str, Any] = {}
    for name, spec in schema.items():
        value = payload.get(name)
        if value is None:
            if spec.required or (name in payload and not spec.nullable):
                raise Rejection("field.required", field=name)
            if name in payload:
                clean[name] = None
            continue
        clean[name] = _check_value(name, spec, value)
    return clean


def canonical(schema: Mapping[str, Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with each field of `schema` in its canonical spelling, for data already stored.

    Unlike `check`, nothing is refused: a value that would not pass (or a
    field the schema does not name) is returned as it was, because refusing
    what is already stored would lose it. Raises nothing.
    """
    fixed = dict(values)
    for name, spec in schema.items():
        value = fixed.get(name)
        if value is None:
            continue
        try:
            fixed[name] = _check_value(name, spec, value)
        except Rejection:
            pass
    return fixed


# Characters that draw nothing yet are not whitespace to str.strip(): a title made
# only of these would show as an empty row that nobody can click on with confidence.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_BLANK_LOOKALIKES = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def is_blank(text: str) -> bool:
    """True when the text shows nothing: only whitespace, format marks and blank fillers."""
    return all(
        ch.isspace() or ch in _BLANK_LOOKALIKES or unicodedata.category(ch) in _INVISIBLE_CATEGORIES
        for ch in text
    )


def _check_value(name: str, spec: Field, value: Any) -> Any:
    kind = spec.kind
    if kind in ("id", "text", "choice", "date", "time"):
        if not isinstance(value, str):
            raise Rejection("field.bad_type", field=name, expected="text")
        if "\x00" in value:
            raise Rejection("field.bad_type", field=name, expected="text")
        if kind == "text":
            value = unicodedata.normalize("NFC", value)
        limit = 64 if kind == "id" else spec.max_length
        if len(value) > limit:
            raise Rejection("field.too_long", field=name, max=limit)
        if kind == "text" and not spec.allow_empty and is_blank(value):
            raise Rejection("field.required", field=name)
        if kind == "choice" and value not in spec.choices:
            raise Rejection("field.bad_choice", field=name, choices=", ".join(spec.choices))
        if kind == "date":
            return parse_date(name, value).isoformat()
        if kind == "time":
            return parse_time(name, value).strftime("%H:%M")
        return value
    if kind in ("number", "int"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Rejection("field.bad_type", field=name, expected="number")
        if kind == "int" and not (isinstance(value, int) or float(value).is_integer()):
            raise Rejection("field.bad_type", field=name, expected="integer")
        if isinstance(value, float) and not math.isfinite(value):
            raise Rejection("field.bad_type", field=name, expected="number")
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            raise Rejection("field.out_of_range", field=name, min=spec.minimum, max=spec.maximum)
        return int(value) if kind == "int" else float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise Rejection("field.bad_type", field=name, expected="true/false")
        return value
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Rejection("field.bad_type", field=name, expected="list of text")
        value = [unicodedata.normalize("NFC", v) for v in value]
        if len(value) > spec.max_length:
            raise Rejection("field.too_long", field=name, max=spec.max_length)
        if any(len(v) > 80 for v in value):
            raise Rejection("field.too_long", field=name, max=80)
        return _unique(value)
    if kind == "map":
        if not isinstance(value, Mapping):
            raise Rejection("field.bad_type", field=name, expected="object")
        return dict(value)
    raise AssertionError(f"unknown field kind {kind}")


def composed(row: Mapping[str, Any]) -> dict[str, Any]:
    """`row` ({column: value}) with every text value in Unicode NFC; other values as they are.

    For rows that reach a store other than through an operation's payload: an
    import, an admin tool, a pull. "å" as a + ring is never found by an "å"
    typed on a keyboard. Returns `row` itself (as a dict) when nothing changes.
    """
    # A plain loop, not all() over a generator: a new workstation checks 480,000 rows
    # (9.6 million values) holding the GIL, and the generator's frame cost a third more.
    for value in row.values():
        if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            return {k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in row.items()}
    return dict(row) if not isinstance(row, dict) else row


def parse_time(name: str, value: str) -> dt.time:
    """A time of day written "14:00", "9:30" or "14.00" (minutes only); raises Rejection("field.bad_time")."""
    hours, sep, minutes = value.strip().replace(".", ":").partition(":")
    shaped = sep and hours.isdigit() and minutes.isdigit() and len(hours) <= 2 and len(minutes) == 2
    if not shaped or int(hours) > 23 or int(minutes) > 59:
        raise Rejection("field.bad_time", field=name)
    return dt.time(int(hours), int(minutes))


def parse_date(name: str, value: str) -> dt.date:
    """The calendar date in any ISO 8601 spelling; raises Rejection("field.bad_date") otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Rejection("field.bad_date", field=name) from None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
