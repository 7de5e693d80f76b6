"""The UI's sentences: Knop's one catalogue (desktop.core.text) in the language chosen at start.

Qt's `tr()` read a process-wide translator; these do the same with gettext:
`use_language()` is called once at start (ui.main.install_translators), and
every screen asks `tr()` / `ntr()` for its words. Qt's own dialogs keep Qt's
own catalogue (qtbase_da.qm), which install_translators loads beside.

    tr("Log in")
    tr("Bid from {who}", who=name)
    ntr("{n} task", "{n} tasks", count)

Babel keywords (tests/catalogue.py): `tr` and `ntr:1,2` (and the insight
screens' `say` and `say_n:1,2`).
"""

from __future__ import annotations

from typing import Any

from desktop.core.text import LANGUAGES, plural_sentence, sentence

_chosen = ["en"]  # English, the source language, until the app chooses


# The languages a person may choose (the Knop menu; e-mail where IT fixed the PC's),
# each named in its own words.
LANGUAGE_NAMES: tuple[tuple[str, str], ...] = (("da", "Dansk"), ("en", "English"))


def use_language(language: str) -> None:
    """Every later `tr()`/`ntr()` answers in `language` ("da" or "en"; anything else: English)."""
    _chosen[0] = language if language in LANGUAGES else "en"


def language() -> str:
    """The UI's language now: "da" or "en"."""
    return _chosen[0]


def tr(msgid: str, **facts: Any) -> str:
    """The sentence `msgid` (English, `{name}` placeholders) in the UI's language, facts filled."""
    return sentence(msgid, **facts).text(_chosen[0])


def ntr(singular: str, plural: str, n: int, /, **facts: Any) -> str:
    """The sentence for the count `n` (`{n}` in it) in the UI's language, facts filled.

    A fact named `n` is shown in place of the count (a number as the locale writes it).
    """
    return plural_sentence(singular, plural, n, **facts).text(_chosen[0])
