"""Two years of finished work behind the demo municipality, so the knopskydning picture has a story.

`sync.server.demo` describes the exchange as it stands today: this year's
tasks, most of them from the last months. The competence map and the network
of sites need the history before that: tasks done month by month since two
years before the demo's "now", with a share solved by people from other sites
that grows from about one in ten to about one in two as the exchange catches
on, and a few hidden competences the work brought out (a pedagogue at a
day-care centre who is a sign-language interpreter, a school caretaker who
speaks Arabic).

`add_history(data)` appends to a generated `DemoData` and changes nothing
already in it; the same data and seed give the same history. The new tasks
copy titles, skills and sizes from the generated ones, so they read the same.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from desktop.core.ids import unix_ms, uuid7_at
from desktop.core.entities import (
    Audience,
    Bid,
    BidStatus,
    Endorsement,
    Evidence,
    Person,
    PersonSkill,
    Role,
    Task,
    TaskStatus,
)

MONTHS = 22  # up to two months before the demo's "now", where the generated tasks take over
CROSS_FIRST, CROSS_LAST = 0.08, 0.5  # share of tasks solved by another site's people


def _uid(rng: random.Random, made: str) -> str:
    """A UUIDv7 for something made at `made` (ISO UTC), as `sync.server.demo` makes them."""
    return uuid7_at(unix_ms(made), rng.getrandbits(128))


def _stamp(day: dt.date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00.000Z"


# (title, skill, poster's site kind, helper's title): work that shows what no profile said.
HIDDEN_STORIES = (
    ("Tegnsprogstolk til beboermøde", "language.sign", "care_home", "Pædagog"),
    ("Tegnsprog til forældremøde for døve forældre", "language.sign", "school", "Pædagog"),
    ("Tolkning til samtale med arabisktalende pårørende", "language.arabic", "care_home", "Teknisk serviceleder"),
)


def add_history(data: Any, seed: int = 2024) -> Any:
    """Append two years of done tasks, accepted bids and endorsements to `data` (a demo.DemoData).

    Returns `data`. Needs sites with staff and some generated tasks to copy;
    with fewer, it adds nothing.
    """
    from sync.server.demo import LAST_DAY  # the demo's "now" (it follows the clock)

    # The first of the month two years before the demo's "now".
    first_month = dt.date(LAST_DAY.year - 2, LAST_DAY.month, 1)
    rng = random.Random(seed)
    staff = [p for p in data.people if p.home_site_id and p.role in (Role.STAFF, Role.SITE_MANAGER) and p.active]
    models = [t for t in data.tasks if t.skills and t.audience != Audience.SITE]
    if len(data.sites) < 2 or len(staff) < 4 or not models:
        return data
    by_site: dict[str, list[Person]] = {}
    for person in staff:
        by_site.setdefault(person.home_site_id or "", []).append(person)
    posters = {s: [p for p in people if p.role == Role.SITE_MANAGER] or people for s, people in by_site.items()}
    sites = [s for s in data.sites if s.id in by_site]
    held = {(ps.person_id, ps.skill) for ps in data.person_skills}
    scale = max(1, len(staff) // 60)  # a bigger municipality does more

    def finished(site_id: str, title: str, skills: list[str], helper: Person, day: dt.date, endorse: str | None) -> None:
        poster = rng.choice(posters[site_id])
        if poster.id == helper.id:
            return
        task_bits, bid_bits = rng.getrandbits(128), rng.getrandbits(128)  # drawn first, as always
        done = day + dt.timedelta(days=rng.randint(7, 30))
        model = rng.choice(models)
        task = Task(
            id="",
            site_id=site_id,
            poster_id=poster.id,
            title=title,
            description=model.description,
            skills=skills,
            effort_hours=model.effort_hours,
            starts_on=(day + dt.timedelta(days=5)).isoformat(),
            ends_on=done.isoformat(),
            bid_deadline=(day + dt.timedelta(days=4)).isoformat(),
            place=model.place,
            seats=1,
            audience=Audience.ORGANISATION,
            status=TaskStatus.DONE,
            bid_count=1,
            accepted_count=1,
            created_at=_stamp(day, 9, rng.randrange(0, 60, 5)),
            updated_at=_stamp(done, 15),
            updated_by=poster.id,
            published_at=_stamp(day, 9),
            version=4,
            organisation_id=poster.organisation_id,
        )
        task.id = task_id = uuid7_at(unix_ms(task.created_at), task_bits)
        data.tasks.append(task)
        bid_made = _stamp(day + dt.timedelta(days=1), 13)
        # Decided one to three days after the bid, at some hour of the working day: read
        # from bits already drawn, so the rest of the history stays as it was. (Always the
        # next day at 10 made every site's median time to fill exactly 49 hours.)
        decided = _stamp(day + dt.timedelta(days=2 + bid_bits % 3), 8 + (bid_bits >> 2) % 9, 5 * ((bid_bits >> 6) % 12))
        data.bids.append(
            Bid(
                id=uuid7_at(unix_ms(bid_made), bid_bits),
                task_id=task_id,
                bidder_id=helper.id,
                message="Det vil jeg gerne hjælpe med.",
                hours=model.effort_hours,
                status=BidStatus.ACCEPTED,
                decided_by=poster.id,
                decided_at=decided,
                created_at=bid_made,
                version=2,
                # As every bid: its bidder's home site, so their home manager sees the work
                # (lending, the track record on the review), and the hours confirmed when it
                # was done, which the reports count as lent and borrowed.
                home_site_id=helper.home_site_id,
                worked_hours=model.effort_hours,
                hours_confirmed_by=poster.id,
                hours_confirmed_at=max(_stamp(done, 16), decided),
            )
        )
        if endorse:
            data.endorsements.append(
                Endorsement(_uid(rng, _stamp(done, 16)), task_id, helper.id, endorse, poster.id, _stamp(done, 16), 1)
            )
            if (helper.id, endorse) not in held:
                held.add((helper.id, endorse))
                data.person_skills.append(
                    PersonSkill(helper.id, endorse, Evidence.TASK, task_id, poster.id, _stamp(done, 16), 1)
                )

    for month in range(MONTHS):
        first = dt.date(first_month.year + (first_month.month - 1 + month) // 12, (first_month.month - 1 + month) % 12 + 1, 1)
        share = CROSS_FIRST + (CROSS_LAST - CROSS_FIRST) * month / (MONTHS - 1)
        for _ in range((3 + month // 3) * scale):
            model = rng.choice(models)
            site = rng.choice(sites)
            others = [s for s in sites if s.id != site.id]
            home = rng.choice(others).id if rng.random() < share else site.id
            helper = rng.choice(by_site[home])
            day = first + dt.timedelta(days=rng.randint(0, 27))
            endorse = rng.choice(model.skills) if rng.random() < 0.5 else None
            finished(site.id, model.title, list(model.skills), helper, day, endorse)

    for number, (title, skill, kind, helper_title) in enumerate(HIDDEN_STORIES):
        helpers = [p for p in staff if p.title == helper_title and (p.id, skill) not in held]
        hosts = [s for s in sites if s.kind == kind]
        if not helpers or not hosts:
            continue
        helper = helpers[number % len(helpers)]
        for time in range(3):  # asked for again once it is known: the story of the exchange
            host = rng.choice([s for s in hosts if s.id != helper.home_site_id] or hosts)
            day = first_month + dt.timedelta(days=200 + 150 * time + 20 * number)
            finished(host.id, title, [skill], helper, day, skill if time == 0 else None)
    return data
