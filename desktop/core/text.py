"""One catalogue of sentences for the client and the server, in Danish and English.

Why GNU gettext (and not Qt's .ts/.qm, which the UI used before): the server
has no Qt and must speak the same sentences as the client; gettext has plural
forms and standard tooling; the standard library's `gettext` reads the
compiled `.mo` files at run time, so neither client nor server gains a
runtime dependency. Babel (a development tool only) extracts the sentences
from the code, updates the catalogues and compiles them:

- sources: `resources/locale/<language>/LC_MESSAGES/knop.po` (da, en);
- `make catalogue` re-extracts the sentences (`babel.cfg`, keywords below)
  and updates both `.po` files; `make translations` compiles them to `.mo`
  (build products, not in git). `tests/test_catalogue.py` fails on a sentence
  missing in either language and on a count without a plural form.

Sentences are written in English in the code and filled with named facts:

    sentence("The deadline for bids was {deadline}.", deadline=when)
    plural_sentence("{n} bid", "{n} bids", n)

Babel keywords: `sentence` (msgid), `plural_sentence` (singular, plural) and
`translate` (language, msgid). A count in a sentence always goes through
`plural_sentence` as `{n}`, because Danish and English words follow it.

A `Sentence` is kept whole (message id, count, facts) until a language is
chosen, so one refusal can be shown in Danish on one screen and sent in both
languages on the wire (`both()`). A fact may itself be a sentence (a field's
name, a reason): it is put in the same language as the sentence around it.
A sentence another machine already worded (the server's refusal on the wire)
is a `Said`, which answers `text()` and `both()` the same way.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from desktop.core.resources import resources_dir

LANGUAGES = ("da", "en")
DOMAIN = "knop"


def locale_dir() -> Path:
    """Where the compiled catalogues are: `resources/locale/<language>/LC_MESSAGES/knop.mo`."""
    return resources_dir() / "locale"


@cache
def catalogue(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue for `language` ("da" or "en"); the English ids where none is built."""
    return _gettext.translation(
        DOMAIN, localedir=str(locale_dir()), languages=[language], fallback=True
    )


def has_catalogue(language: str) -> bool:
    """Whether the compiled catalogue for `language` is there (the self-test asks)."""
    return _gettext.find(DOMAIN, localedir=str(locale_dir()), languages=[language]) is not None


class _Missing(dict[str, Any]):
    """Leaves a fact the sentence names but nobody gave as `{name}`, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _in(language: str, value: Any) -> Any:
    """A fact as the sentence shows it: sentences among the facts in the same language."""
    if isinstance(value, _InBothLanguages):
        return value.text(language)
    return value


class _InBothLanguages:
    """What every kind of sentence answers besides `text(language)`."""

    def text(self, language: str) -> str:
        raise NotImplementedError

    def both(self) -> dict[str, str]:
        """{"da": ..., "en": ...}: the form the wire carries."""
        return {language: self.text(language) for language in LANGUAGES}

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Sentence(_InBothLanguages):
    """A sentence for people, not yet in a language: an id, maybe a count, and its facts."""

    msgid: str
    plural: str | None = None
    n: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        """The sentence in `language` ("da" or "en"; anything else reads English), facts filled in.

        Never raises: a sentence that cannot be filled (a hostile fact) comes back unfilled.
        """
        books = catalogue(language if language in LANGUAGES else "en")
        facts = {name: _in(language, value) for name, value in self.facts.items()}
        if self.plural is not None and self.n is not None:
            template = books.ngettext(self.msgid, self.plural, self.n)
            facts.setdefault("n", self.n)
        else:
            template = books.gettext(self.msgid)
        try:
            return template.format_map(_Missing(facts))
        except (ValueError, IndexError, AttributeError, TypeError):
            return template


@dataclass(frozen=True)
class Said(_InBothLanguages):
    """A sentence someone else already put in both languages, e.g. the server's on the wire.

    `texts` maps "da"/"en" to the text; a missing language reads the other one.
    """

    texts: Mapping[str, str]

    def text(self, language: str) -> str:
        """The text in `language`, else in the other language, else ""."""
        return self.texts.get(language) or next((t for t in self.texts.values() if t), "")


@dataclass(frozen=True)
class Listing(_InBothLanguages):
    """Several sentences (names) shown as one fact, joined by ", " in the sentence's language."""

    items: tuple[Any, ...]

    def text(self, language: str) -> str:
        """The items in `language`, comma-separated."""
        return ", ".join(str(_in(language, item)) for item in self.items)


@dataclass(frozen=True)
class ClockTime(_InBothLanguages):
    """A moment in a sentence ("at {at}"), shown as the time of day where the reader is.

    `moment` is a stored ISO 8601 timestamp (UTC, "2026-11-29T19:24:00.000Z"); it
    reads "20:24" on a machine in Denmark in winter. The wire carries the
    timestamp, never a time of day, so each machine can say it in its own zone
    (`local_clock`). Text that is not a timestamp (an older server's "19:24")
    is shown as it came.
    """

    moment: str

    def text(self, language: str) -> str:
        """"HH:MM" in this machine's time zone, or the text as it came."""
        return local_clock(self.moment)


def local_moment(moment: str) -> dt.datetime | None:
    """A stored ISO 8601 timestamp in this machine's time zone; None if it is not one.

    A timestamp without a zone is taken as UTC, as every stored time is.
    """
    try:
        parsed = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone()


def local_clock(moment: str) -> str:
    """The time of day ("20:24") of a stored timestamp where this machine is; other text as it came."""
    local = local_moment(moment) if len(moment) > 10 else None
    return moment if local is None else local.strftime("%H:%M")


@dataclass(frozen=True)
class Quoted(_InBothLanguages):
    """A title, a name or a person's own words in a sentence, in its language's quotation marks.

    Danish »…«, English “…” (the catalogue's "“{words}”"). One rule for every quote (a try-out read “…” in the notifications and »…« on the
    review's cards). `words` may itself be a sentence; it is put in the same language.
    """

    words: Any

    def text(self, language: str) -> str:
        """The words between the quotation marks of `language`."""
        return sentence("“{words}”", words=_in(language, self.words)).text(language)


def quoted(words: Any) -> Quoted:
    """`words` quoted as the sentence around them is written: a fact of a sentence (`Quoted`)."""
    return Quoted(words)


Wording = Sentence | Said
"""Anything a person can read in either language: `text(language)`, `both()`."""


def said(da: str, en: str) -> Said:
    """A sentence already worded in both languages (the server's, read off the wire)."""
    return Said({"da": da, "en": en})


def sentence(msgid: str, **facts: Any) -> Sentence:
    """A sentence without a count (Babel keyword: `sentence`).

    `msgid` is the English text with `{name}` placeholders filled from `facts`.
    """
    return Sentence(msgid, facts=facts)


def plural_sentence(singular: str, plural: str, n: int, /, **facts: Any) -> Sentence:
    """A sentence whose words follow the count `n`, given to the sentence as `{n}`.

    A fact named `n` is shown in place of the count (e.g. "2,5" hours, the form chosen by 2).

    Babel keyword: `plural_sentence:1,2`; Danish gets its own plural forms from the catalogue.
    """
    return Sentence(singular, plural, n, facts)


def translate(language: str, msgid: str, **facts: Any) -> str:
    """`sentence(msgid, **facts).text(language)` in one call (Babel keyword: `translate:2`)."""
    return sentence(msgid, **facts).text(language)
