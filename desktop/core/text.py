"""One catalogue of sentences for the client and the server, in Danish and English.

GNU gettext, because the server must speak the same sentences as the client
and has no Qt: `resources/locale/<language>/LC_MESSAGES/knop.po` are the
sources (Babel extracts and compiles them, `make translations`), the standard
library's `gettext` reads the compiled `.mo` at run time, and counts get the
language's plural forms through `ngettext`.

Sentences are written in English in the code and filled with named facts:

    sentence("The deadline for bids was {deadline}.", deadline=when)
    plural_sentence("All {n} seat is taken.", "All {n} seats are taken.", n)

A `Sentence` is kept whole (message id, count, facts) until a language is
chosen, so one refusal can be shown in Danish on one screen and sent in both
languages on the wire (`both()`).
"""

from __future__ import annotations

import gettext as _gettext
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("da", "en")
DOMAIN = "knop"


def locale_dir() -> Path:
    """Where the compiled catalogues are: inside the bundle when frozen, else the repository."""
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parents[2]
    return base / "resources" / "locale"


@cache
def catalogue(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue for `language` ("da" or "en"); the English ids where none is built."""
    return _gettext.translation(
        DOMAIN, localedir=str(locale_dir()), languages=[language], fallback=True
    )


class _Missing(dict[str, Any]):
    """Leaves a fact the sentence names but nobody gave as `{name}`, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Sentence:
    """A sentence for people, not yet in a language: an id, maybe a count, and its facts."""

    msgid: str
    plural: str | None = None
    n: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        """The sentence in `language` ("da" or "en"), facts filled in."""
        books = catalogue(language if language in LANGUAGES else "en")
        if self.plural is not None and self.n is not None:
            template = books.ngettext(self.msgid, self.plural, self.n)
            facts = {"n": self.n, **self.facts}
        else:
            template = books.gettext(self.msgid)
            facts = self.facts
        return template.format_map(_Missing(facts))

    def both(self) -> dict[str, str]:
        """{"da": ..., "en": ...}: the form the wire carries."""
        return {language: self.text(language) for language in LANGUAGES}


def sentence(msgid: str, **facts: Any) -> Sentence:
    """A sentence without a count (Babel keyword: `sentence`)."""
    return Sentence(msgid, facts=facts)


def plural_sentence(singular: str, plural: str, n: int, **facts: Any) -> Sentence:
    """A sentence whose words follow the count `n`, given to the sentence as `{n}`."""
    return Sentence(singular, plural, n, facts)


def translate(language: str, msgid: str, **facts: Any) -> str:
    """`sentence(msgid, **facts).text(language)` in one call."""
    return sentence(msgid, **facts).text(language)
