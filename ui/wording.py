"""The words the screens use for the domain's states, evidence, dates and hours.

Statuses and audiences are stored as English keys (`open`, `organisation`);
people read them in their own language. Every screen that shows a status asks
here, so "Besat" means the same thing on the task view, the review and my page.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QDoubleSpinBox, QWidget

from desktop.core import eligibility, skills
from desktop.core.entities import Audience, Person, Repeats, Task, TaskRequirements
from desktop.core.text import local_moment, quoted
from desktop.people import HeldSkill
from ui.words import ntr, tr


def task_status(status: str) -> str:
    labels = {
        "draft": tr("Draft"),
        "open": tr("Open for bids"),
        "closed": tr("Closed for bids"),
        "assigned": tr("All seats filled"),
        "done": tr("Done"),
        "cancelled": tr("Cancelled"),
    }
    return labels.get(status, status)


def bid_status(status: str) -> str:
    labels = {
        "pending": tr("Awaiting decision"),
        "accepted": tr("Accepted"),
        "declined": tr("Declined"),
        "withdrawn": tr("Withdrawn"),
    }
    return labels.get(status, status)


def lending(state: str, bidder: bool = False) -> str:
    """Where lending a bidder to another site stands (`Lending`); "" when it is not lending.

    Said to the task's side by default; with `bidder`, to the person lent, whose
    home manager is their own (a try-out: "Lent from another site" read wrong on
    the bidder's own page).
    """
    if bidder:
        labels = {
            "lent": tr("Lent to another site"),
            "notified": tr("Lent to another site; your manager was told"),
            "awaiting": tr("Waiting for your manager's approval"),
            "approved": tr("Lending approved by your manager"),
            "refused": tr("Your manager did not approve the lending"),
        }
    else:
        labels = {
            "lent": tr("Lent from another site"),
            "notified": tr("Lent from another site; the home manager was told"),
            "awaiting": tr("Waiting for the home manager's approval"),
            "approved": tr("Lending approved by the home manager"),
            "refused": tr("The home manager did not approve the lending"),
        }
    return labels.get(state, "")


def bid_state(status: str, lending_state: str, bidder: bool = False) -> str:
    """A bid's status, and its lending's state where it has one ("Accepted — Waiting for …").

    `bidder`: said to the person who bid (see `lending`).
    """
    extra = lending(lending_state, bidder)
    return f"{bid_status(status)} — {extra}" if extra else bid_status(status)


def audience(value: str) -> str:
    labels = {
        "site": tr("Own site only"),
        "organisation": tr("The whole organisation"),
        "organisations": tr("Other municipalities"),
        "external": tr("Also volunteers, citizens and companies"),
    }
    return labels.get(value, value)


def site_of(site_name: str, organisation_name: str) -> str:
    """A task's site, after its municipality when it is another than the reader's (issue 16).

    The municipality comes first: a narrow column cuts the end off, and which
    municipality asks is what the reader must not miss.
    """
    if not organisation_name:
        return site_name
    return tr("{organisation}: {site}", site=site_name, organisation=organisation_name)


def audiences_seen_by(person: Person) -> tuple[Audience, ...]:
    """The audiences a person's board can hold: an outsider sees only tasks open to outsiders.

    So an outsider's filter offers no choices about sites and the organisation,
    words that mean nothing to them and would always find nothing.
    """
    return (Audience.EXTERNAL,) if person.is_external else tuple(Audience)


def outsider_kind(kind: str) -> str:
    """Who outside the municipality a task is open to, in plain words."""
    labels = {"volunteer": tr("Volunteers"), "citizen": tr("Citizens"), "company": tr("Companies")}
    return labels.get(kind, kind)


def contact_for(company_name: str) -> str:
    """A company's contact person, in plain words ("" for no company)."""
    return tr("Contact person for {organisation}", organisation=company_name) if company_name else ""


def credential(credential_id: str, language: str) -> str:
    """A credential's name in the screen's language (`desktop.core.eligibility.CREDENTIALS`)."""
    found = eligibility.BY_ID.get(credential_id)
    if found is None:
        return credential_id
    return found.da if language == "da" else found.en


def credential_in_sentence(credential_id: str, language: str) -> str:
    """A credential named inside a sentence, with its article ("en børneattest"); see `credential`."""
    found = eligibility.BY_ID.get(credential_id)
    return credential_id if found is None else found.in_sentence(language)


def requirements(wanted: TaskRequirements, language: str) -> str:
    """What a task asks of bidders, the required and the wished-for apart.

    "Kræver: Børneattest · Ønskes: Kørekort (B)"; either part is left out when
    it has none. (One list with "(ønskes)" after a credential read "Kræver:
    Kørekort (B) (ønskes)", a requirement that is only wished for.) "" for none.
    """
    required, wished = required_and_wished(wanted, language)
    parts = [tr("Requires: {credentials}", credentials=", ".join(required))] if required else []
    if wished:
        parts.append(tr("Wanted: {credentials}", credentials=", ".join(wished)))
    return " · ".join(parts)


def required_and_wished(wanted: TaskRequirements, language: str) -> tuple[list[str], list[str]]:
    """The names of the credentials a task requires, and of those it only wishes for."""
    required = [credential(c, language) for c, s in wanted.requirements.items() if s == eligibility.Severity.BLOCK]
    wished = [credential(c, language) for c, s in wanted.requirements.items() if s != eligibility.Severity.BLOCK]
    return required, wished


def missing(credential_ids: list[str] | tuple[str, ...], language: str) -> str:
    """What a bidder lacks, as the task's manager may read it (never the credentials themselves)."""
    names = [credential(c, language) for c in credential_ids if c != eligibility.BENEFIT_WARNING]
    lines = [tr("Missing: {credentials}", credentials=", ".join(names))] if names else []
    if eligibility.BENEFIT_WARNING in credential_ids:
        lines.append(
            tr("Receives unemployment benefit: may volunteer, but not in work normally done by paid staff.")
        )
    return "\n".join(lines)


def evidence(held: HeldSkill) -> str:
    """Who vouches for a skill: the person alone, or someone who saw it in a finished task.

    A store knows only the people it may see: when the confirming manager is not one of
    them (`held.confirmed_by` ""), they are named by their part, as a notice does
    (`desktop.core.notices.describe`); a try-out read "Confirmed by ?".
    """
    if not held.confirmed:
        return tr("Self-declared")
    if held.confirmed_by:
        if held.task_title:
            return tr("Confirmed by {who} after {task}", who=held.confirmed_by, task=quoted(held.task_title))
        return tr("Confirmed by {who}", who=held.confirmed_by)
    if held.task_title:
        return tr("Confirmed by a manager after {task}", task=quoted(held.task_title))
    return tr("Confirmed by a manager")


def skill(skill_id: str, language: str) -> str:
    """A skill's label in the screen's language; unknown languages fall back to English."""
    return skills.label(skill_id, language if language in ("da", "en") else "en")


def _locale(language: str) -> QLocale:
    return QLocale(QLocale.Language.Danish if language == "da" else QLocale.Language.English)


def listed(items: list[str], language: str) -> str:
    """Items as a sentence lists them: "enhed og sted", "device and site", "a, b, and c"."""
    return _locale(language).createSeparatedList(items)


def in_sentence(label: str) -> str:
    """A column's label inside a sentence: "Device" -> "device"; "CVR number" stays as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def date(iso: str | None, language: str) -> str:
    """A stored date or timestamp as people write it in a sentence or a label ("3. marts 2027"); "" when unset.

    Never in a table's cell: there every date is `short_date`'s, so one list does not
    say "21. januar 2027" where the board says "21. jan. 2027" (try-out s36).
    """
    # The format is translatable: Danish puts a full stop after the day.
    return _formatted(iso, language, tr("d MMMM yyyy"))


def _formatted(iso: str | None, language: str, form: str) -> str:
    if not iso:
        return ""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return _locale(language).toString(QDate(day.year, day.month, day.day), form)


def short_date(iso: str | None, language: str) -> str:
    """A date in a table's cell (every table's), a comment header or a date field ("3. mar. 2027")."""
    return _formatted(iso, language, _short_form())


def month(iso_month: str, language: str) -> str:
    """A month ("2026-03") as people write it ("mar. 2026"); the text as it is when it is no month."""
    return _formatted(f"{iso_month}-01", language, tr("MMM yyyy")) if len(iso_month) == 7 else iso_month


def _short_form() -> str:
    return tr("d MMM yyyy")


def dates_in(field: QDateEdit, language: str) -> None:
    """Make a date field show its date as `short_date` writes it ("3. mar. 2027"), not "2027-03-03".

    Only the display: what the field hands on (`field.date()`) is a QDate, and the
    server and CSV files keep ISO dates.
    """
    field.setLocale(_locale(language))
    field.setDisplayFormat(_short_form())


def moment(iso: str | None, language: str) -> str:
    """A stored UTC timestamp as a short date and a time of day, both where this machine is."""
    if not iso:
        return ""
    local = local_moment(iso) if len(iso) > 10 else None
    if local is None:
        return f"{short_date(iso, language)} {iso[11:16]}".strip()
    return f"{short_date(local.date().isoformat(), language)} {local:%H:%M}"


def period(start: str | None, end: str | None, language: str) -> str:
    if start and end and start != end:
        return f"{date(start, language)} – {date(end, language)}"
    if start or end:
        return date(start or end, language)
    return tr("No date set")


def task_when(task: Task, language: str) -> str:
    """When a task takes place: its dates, its clock times, and "every week" if it repeats.

    E.g. "12 January 2027, 14:00-20:00" or "12 January 2027 - 30 March 2027,
    15:00-16:30, every Tuesday" (with en dashes).
    """
    text = period(task.starts_on, task.ends_on, language)
    times = "–".join(t for t in (task.start_time, task.end_time) if t)
    if task.repeats == Repeats.WEEKLY and task.starts_on:
        weekday = _locale(language).dayName(dt.date.fromisoformat(task.starts_on).isoweekday())
        if times:
            return tr("{dates}, {times}, every {weekday}", dates=text, times=times, weekday=weekday)
        return tr("{dates}, every {weekday}", dates=text, weekday=weekday)
    return f"{text}, {times}" if times else text


def number(value: float, language: str) -> str:
    """`value` as the language writes it, at most two decimals ("1,5" in Danish, "1.5" in English)."""
    text = _locale(language).toString(float(value), "f", 2)
    point = _locale(language).decimalPoint()
    return text.rstrip("0").rstrip(point) if point in text else text


def numbers_in(box: QAbstractSpinBox, language: str) -> None:
    """Make a number field show and read numbers as `language` writes them ("2,5" in Danish).

    A field otherwise follows the process's default locale, which need not be
    the screen's language; text uses `number`, fields this, so they agree.
    """
    box.setLocale(_locale(language))


class HoursField(QDoubleSpinBox):
    """A number of hours typed and shown as `number` writes it: "1", "1,5", never "1,00".

    A try-out read "1.00 h" in the task form's effort, where every list says "1 h".
    The field still reads what the language writes ("2,5" in Danish, `numbers_in`).
    """

    def __init__(self, language: str, decimals: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self.setDecimals(decimals)
        numbers_in(self, language)

    def textFromValue(self, value: float) -> str:  # noqa: N802
        return number(value, self._language)


def hours(value: float | None, language: str) -> str:
    if value is None:
        return ""
    text = number(value, language)
    # An abbreviated unit does not inflect, but it is still a count: the form is
    # chosen for the whole hours, and the number is shown as the locale writes it.
    return ntr("{n} h", "{n} h", int(value), n=text)


# A range between two numbers ("8-15", "8 - 15"): both languages write it with an en dash.
_NUMBER_RANGE = re.compile(r"(?<=\d)\s*-\s*(?=\d)")


def availability(when: str, language: str) -> str:
    """A bidder's own words on when they can, labelled: "Hverdage 8-15" reads "Hvornår: hverdage 8\u201315".

    The words are free text (`Bid.availability`). After the label Danish goes
    on in lower case (a word in capitals, "SFO", stays); English keeps the
    writer's case, as its weekdays are capitalised. A range of numbers gets an
    en dash in both (a try-out read "Kan: Hverdage 8-15" on the review's cards).
    """
    words = _NUMBER_RANGE.sub("\u2013", when.strip())
    if language == "da" and words[:1].isupper() and not words[1:2].isupper():
        words = words[0].lower() + words[1:]
    return tr("Available: {when}", when=words)
