"""Putting names in the order people expect: Danish collation, through Qt's QCollator (ICU).

Sorting by code point puts "Åskolen" before "Birkely" (Å is U+00C5, after Z
only in Danish eyes) and lowercase after every capital. Danish puts Æ, Ø, Å
last, in that order, so "Åskolen" comes after "Ældrecenter". Sites and people
have Danish names whatever language the screen is in, so names are collated
the Danish way always (`name_key`); a skill's label is in the screen's
language and collated in it (`label_key`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

from PySide6.QtCore import QCollator, QCollatorSortKey, QLocale, Qt

T = TypeVar("T")


@cache
def _collator(language: str) -> QCollator:
    if language == "da":
        locale = QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)
    else:
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    collator = QCollator(locale)
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    collator.setNumericMode(True)  # "Skole 2" before "Skole 10"
    return collator


def name_key(name: str) -> QCollatorSortKey:
    """A sort key for the name of a site or a person: Danish order (Æ, Ø, Å last)."""
    return _collator("da").sortKey(name)


def label_key(language: str) -> Callable[[str], QCollatorSortKey]:
    """A sort key for words in `language` ("da" or "en"): a skill's label, say."""
    collator = _collator("da" if language == "da" else "en")
    return collator.sortKey


def by_name(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """`items` in Danish order of `name(item)` (a site's or a person's name)."""
    return sorted(items, key=lambda item: name_key(name(item)))
