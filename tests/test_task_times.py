"""Clock times, a weekly repeat and a calendar file for a task (issue 17), on a real store.

"Tasks need clock times, not only dates (an extra shift is "Tuesday
14:00-20:00"), optional recurrence (weekly homework café), and a calendar file
(ICS) for an accepted task." The file is read back with the `icalendar`
package (a test tool only), so a real iCalendar parser agrees with it.
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from desktop.calendar_file import NotInCalendar, file_name, task_calendar
from desktop.core.entities import Task
from desktop.store import Store
from tests.conftest import World
from tests.test_operations import do, refused

STAMP = "2027-01-10T09:00:00.000Z"


def event(text: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(text)
    [found] = [c for c in calendar.walk() if c.name == "VEVENT"]
    return found


def test_an_extra_shift_on_tuesday_from_14_to_20(store: Store, world: World) -> None:
    do(
        store, world.mette, "task.create", task_id="shift", site_id=world.school.id,
        title="Ekstra vagt", starts_on="2027-01-12", start_time="14:00", end_time="20.00",
        publish=True,
    )
    task = store.get(Task, "shift")
    assert task is not None and (task.start_time, task.end_time) == ("14:00", "20:00")
    shift = event(task_calendar(task, site_name="Egeskov Skole", stamp=STAMP))
    assert shift.decoded("dtstart") == dt.datetime(2027, 1, 12, 14, 0)  # a Tuesday, floating time
    assert shift.decoded("dtend") == dt.datetime(2027, 1, 12, 20, 0)
    assert str(shift["summary"]) == "Ekstra vagt"
    assert str(shift["uid"]) == "shift@knop"


def test_the_weekly_homework_cafe_repeats_until_its_end_date(store: Store, world: World) -> None:
    do(
        store, world.mette, "task.create", task_id="cafe", site_id=world.school.id,
        title="Lektiecafé; 4.-6. klasse, hver tirsdag", description="Kaffe og kage\nTag penalhus med",
        starts_on="2027-01-12", ends_on="2027-03-30", start_time="15:00", end_time="16:30",
        repeats="weekly", place="Biblioteket", publish=True,
    )
    task = store.get(Task, "cafe")
    assert task is not None and task.repeats == "weekly"
    text = task_calendar(task, site_name="Egeskov Skole", stamp=STAMP)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cafe = event(text)
    assert cafe.decoded("dtstart") == dt.datetime(2027, 1, 12, 15, 0)
    assert cafe.decoded("dtend") == dt.datetime(2027, 1, 12, 16, 30)  # one afternoon, not 11 weeks
    rule = cafe["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["UNTIL"] == [dt.datetime(2027, 3, 30, 23, 59, 59)]
    # Escaped text comes back as written.
    assert str(cafe["summary"]) == "Lektiecafé; 4.-6. klasse, hver tirsdag"
    assert str(cafe["description"]) == "Kaffe og kage\nTag penalhus med"
    assert str(cafe["location"]) == "Biblioteket, Egeskov Skole"
    assert file_name(task) == "Lektiecafé-4-6-klasse-hver-tirsdag.ics"


def test_a_task_without_times_is_an_all_day_event_over_its_dates(world: World) -> None:
    task = world.task(starts_on="2027-06-20", ends_on="2027-06-21")
    party = event(task_calendar(task, stamp=STAMP))
    assert party.decoded("dtstart") == dt.date(2027, 6, 20)
    assert party.decoded("dtend") == dt.date(2027, 6, 22)  # the day after the last, as RFC 5545 says
    with pytest.raises(NotInCalendar):
        task_calendar(world.task(starts_on=None), stamp=STAMP)


def test_a_night_shift_ends_the_next_morning(world: World) -> None:
    task = world.task(starts_on="2027-02-05", start_time="22:00", end_time="06:00")
    night = event(task_calendar(task, stamp=STAMP))
    assert night.decoded("dtend") == dt.datetime(2027, 2, 6, 6, 0)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"starts_on": "2027-01-12", "start_time": "25:00"}, "field.bad_time"),
        ({"starts_on": "2027-01-12", "start_time": "kl. 14"}, "field.bad_time"),
        ({"start_time": "14:00"}, "task.time_needs_date"),
        ({"starts_on": "2027-01-12", "repeats": "weekly"}, "task.repeat_needs_dates"),
        ({"starts_on": "2027-01-12", "ends_on": "2027-02-12", "repeats": "daily"}, "field.bad_choice"),
    ],
)
def test_times_and_repeats_that_make_no_sense_are_refused_clearly(
    store: Store, world: World, fields: dict[str, str], reason: str
) -> None:
    refusal = refused(
        store, world.mette, "task.create", task_id="x", site_id=world.school.id, title="Vagt", **fields
    )
    assert refusal.reason == reason
    assert refusal.message("da") != refusal.message("en")
