"""A task as a calendar file (iCalendar, RFC 5545), for the person whose bid was accepted.

Written here rather than with the `icalendar` package: one event, at most one
weekly rule, and the two things RFC 5545 is strict about (escaping text, folding
lines at 75 octets) fit in a screenful, while the package would bring itself,
python-dateutil and tzdata into every installer for this one file.

Times are "floating" (no zone): a task's "14:00" is the clock on the wall
where it takes place, and every calendar shows it as 14:00. A task without
clock times is an all-day event over its dates; a weekly one repeats on its
start date's weekday until its end date. Calendars recognise the event again
by its UID (the task's id), so saving a changed task's file updates the entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from desktop.core.entities import Repeats, Task

PRODUCT = "-//Knop//Task exchange//DA"
_MAX_OCTETS = 75


class NotInCalendar(ValueError):
    """The task has no date to put in a calendar."""


def task_calendar(task: Task, *, site_name: str = "", stamp: str) -> str:
    """The task as the text of an .ics file (CRLF line ends), one VEVENT.

    `site_name` goes with the task's place into LOCATION; `stamp` is the ISO
    8601 UTC time the file is made (DTSTAMP). Raises NotInCalendar when the
    task has no start date.
    """
    if not task.starts_on:
        raise NotInCalendar(task.id)
    first = dt.date.fromisoformat(task.starts_on)
    last = dt.date.fromisoformat(task.ends_on) if task.ends_on else first
    weekly = task.repeats == Repeats.WEEKLY
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{task.id}@knop",
        f"DTSTAMP:{_utc(stamp)}",
        f"SUMMARY:{_text(task.title)}",
    ]
    if task.start_time:
        start = dt.datetime.combine(first, dt.time.fromisoformat(task.start_time))
        end_day = first if weekly else last
        end_time = dt.time.fromisoformat(task.end_time) if task.end_time else None
        if end_time is None:
            end = start + dt.timedelta(hours=1) if end_day == first else dt.datetime.combine(end_day, dt.time(23, 59))
        else:
            end = dt.datetime.combine(end_day, end_time)
            if end <= start:  # "22:00-06:00": a night shift ends the next morning
                end += dt.timedelta(days=1)
        lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}"]
        until = f"{last:%Y%m%d}T235959"
    else:
        end_day = first if weekly else last
        lines += [
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end_day + dt.timedelta(days=1):%Y%m%d}",
        ]
        until = f"{last:%Y%m%d}"
    if weekly:
        lines.append(f"RRULE:FREQ=WEEKLY;UNTIL={until}")
    where = ", ".join(part for part in (task.place, site_name) if part)
    if where:
        lines.append(f"LOCATION:{_text(where)}")
    if task.description:
        lines.append(f"DESCRIPTION:{_text(task.description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))


def file_name(task: Task) -> str:
    """A name for the saved file: the title's letters and digits, then ".ics"."""
    kept = "".join(ch if ch.isalnum() else "-" for ch in task.title).strip("-")
    return f"{'-'.join(part for part in kept.split('-') if part)[:60] or 'knop'}.ics"


def _utc(stamp: str) -> str:
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}"


def _text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> Iterator[str]:
    """Lines longer than 75 octets (UTF-8) go on in lines that start with a space (RFC 5545 3.1).

    A character is never split between two lines.
    """
    chunk, size, limit = "", 0, _MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            yield chunk
            chunk, size, limit = " ", 1, _MAX_OCTETS
        chunk += ch
        size += width
    yield chunk
