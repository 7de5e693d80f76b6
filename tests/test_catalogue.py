"""The one catalogue of sentences (desktop.core.text) is complete and counts have plural forms.

The sentences are extracted from desktop/, sync/ and ui/ with Babel's extraction
API exactly as `make catalogue` does (tests/catalogue.py), so a sentence added
to the code without `make catalogue` and a Danish translation fails here.

The rule for counts: a number of things is always the `{n}` of a
`plural_sentence` (Danish and English words follow it: "1 bid", "2 bids",
"1 ændring", "2 ændringer"). A sentence without plural forms therefore fails
when it

- contains `{n}`, or a Qt-style `%n` / `%1` placeholder (the UI's old
  catalogue; its counts became plural sentences), or
- has a placeholder whose name is not in `WORD_FACTS`: the names of facts
  that hold words, names, times, bounds or whole phrases and never a number
  of things. A new fact name goes into `WORD_FACTS` only after checking it
  never holds a count; a count goes through `plural_sentence` instead.

A placeholder in a plural sentence other than `{n}` (`{seats}` in "{n} bids
are already accepted, so seats cannot be {seats}") is a bound or a name, and
is not checked.
"""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message

from desktop.core.text import Sentence, catalogue
from tests.catalogue import DANISH_PLURAL_FORMS, LANGUAGES, extract, read

# Facts that are words, names, times, bounds or phrases, never a count of things.
WORD_FACTS = frozenset({
    "who",  # a person's name
    "site",  # a site's name
    "field", "fields",  # field names
    "status", "status_verb",  # a status or decision, in words
    "at", "date", "deadline", "when",  # times and dates
    "quarter", "year",  # a quarter's ordinal and its year ("Q{quarter} {year}"), never a number of things
    "dates", "times", "weekday",  # a task's dates and clock times, a day's name (ui.wording.task_when)
    "kind", "skill", "skills", "tag", "choices", "expected", "what",  # names of things
    "title", "task", "message",  # a task's title, a person's message
    "min", "max",  # the bounds of a range ("between {min} and {max}")
    "table", "columns", "row",  # a synced table's name, column names, a row's place on a page (sync.api)
    "why", "error", "detail", "reason",  # a phrase or a sentence (a reason, an error's own words)
    "bundle", "path",  # a file's path
    "link",  # a web address (an unsubscribe link)
    "name", "search", "setting", "value",  # a saved search's or a setting's name, a setting's value
    "credential", "credentials", "kinds", "severity",  # credentials' and outsider kinds' names (issue 14)
    "block", "warn",  # a requirement's severities, quoted ("block")
    "words",  # what is quoted (`desktop.core.text.Quoted`)
    "verifier",  # who can verify a credential, in a sentence (`rejection.VERIFIERS`)
    "email", "username", "code",  # an address, a login name, an invitation code
    "inviter", "organisation",  # a person's and the organisation's names
    "pseudonym",  # an erased person's pseudonym ("Person 3F2A9C", issue 20)
    "language",  # a language named in its own words ("Dansk", "English")
    # knop sync's summary line: each of these is a whole plural phrase ("pushed 1", "2 applied")
    "pushed", "applied", "rejected", "pulled", "pending", "attention",
    # oversight (issue 15): a person's name, About's facts, a report's period
    "worker", "version", "server", "device", "device_id", "since", "until",
    "tags",  # free tags' names, joined (the competence map's candidates)
    "role", "roles",  # a role's and the roles' names (sync.server.directory)
    # a settings file's mistakes (desktop.settings): a line and column in the file (a place,
    # not a count), a variable's name, URL schemes, a unit's name, and phrases around them
    "line", "column", "variable", "scheme", "other_scheme", "unit", "hint", "found", "fix", "plain", "mark",
})

QT_PLACEHOLDER = re.compile(r"%(?:n|\d)")


def _names(text: str) -> set[str]:
    """The `{name}` placeholders of a sentence (literal braces `{{` are not placeholders)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


@pytest.fixture(scope="module")
def code() -> Catalog:
    """Every sentence in desktop/, sync/ and ui/."""
    return extract()


@pytest.fixture(scope="module")
def catalogues() -> dict[str, Catalog]:
    return {language: read(language) for language in LANGUAGES}


def test_the_code_has_sentences(code: Catalog) -> None:
    # Guards the guard: an extraction that finds nothing would pass everything below.
    ids = {message.id for message in code if message.id}
    assert "This version of Knop is too old for the server. Please update Knop." in ids
    assert any(isinstance(i, tuple) for i in ids), "no plural sentence found"


def test_every_sentence_in_the_code_is_in_both_languages(
    code: Catalog, catalogues: dict[str, Catalog]
) -> None:
    problems = []
    for message in code:
        if not message.id:
            continue
        where = ", ".join(f"{file}:{line}" for file, line in message.locations)
        for language, books in catalogues.items():
            found = books.get(message.id)
            if found is None:
                problems.append(f"{language}: missing {message.id!r} ({where})")
            elif found.fuzzy:
                problems.append(f"{language}: fuzzy {message.id!r} ({where})")
            elif not all(_strings(found)) or len(_strings(found)) != len(_ids(message)):
                problems.append(f"{language}: untranslated {message.id!r} ({where})")
            elif isinstance(message.id, tuple) != isinstance(found.id, tuple):
                problems.append(f"{language}: plural forms differ for {message.id!r} ({where})")
    assert not problems, "run `make catalogue` and translate:\n" + "\n".join(problems)


def test_no_count_without_a_plural_form(code: Catalog) -> None:
    problems = []
    for message in code:
        if not message.id:
            continue
        where = ", ".join(f"{file}:{line}" for file, line in message.locations)
        if QT_PLACEHOLDER.search(" ".join(_ids(message))):
            problems.append(f"Qt placeholder (%n, %1) in {message.id!r} ({where})")
        if isinstance(message.id, tuple):
            if "n" not in _names(message.id[1]):
                problems.append(f"plural without {{n}}: {message.id!r} ({where})")
            continue
        names = _names(message.id)
        if "n" in names:
            problems.append(f"{{n}} without a plural form: {message.id!r} ({where})")
        for name in sorted(names - WORD_FACTS - {"n"}):
            problems.append(
                f"{{{name}}} may be a count: use plural_sentence, or add {name!r} to "
                f"WORD_FACTS if it never holds a number of things: {message.id!r} ({where})"
            )
    assert not problems, "\n".join(problems)


def test_every_sentence_fills_in_both_languages(code: Catalog) -> None:
    """Through the compiled .mo, as the app reads it: every fact filled, no stray brace."""
    problems = []
    for message in code:
        if not message.id:
            continue
        ids = _ids(message)
        names = set().union(*(_names(i) for i in ids)) - {"n"}
        facts: dict[str, Any] = {name: f"<{name}>" for name in names}
        for language in LANGUAGES:
            for n in (0, 1, 2, 5) if len(ids) == 2 else (None,):
                words = Sentence(ids[0], ids[1] if n is not None else None, n, facts)
                try:
                    text = words.text(language)
                except Exception as error:  # noqa: BLE001 - any error is the finding
                    problems.append(f"{language} {message.id!r}: {error!r}")
                    continue
                if "{" in text.replace("{{", "") or "}" in text.replace("}}", ""):
                    problems.append(f"{language} n={n} {message.id!r}: unfilled {text!r}")
    assert not problems, "\n".join(problems)


def test_translations_name_only_the_facts_the_code_gives(catalogues: dict[str, Catalog]) -> None:
    problems = []
    for language, books in catalogues.items():
        for message in books:
            if not message.id:
                continue
            given = set().union(*(_names(i) for i in _ids(message)))
            for text in _strings(message):
                if _names(text) - given:
                    problems.append(f"{language} {message.id!r}: {sorted(_names(text) - given)}")
    assert not problems, "\n".join(problems)


def test_danish_has_one_form_for_one_and_another_for_the_rest(
    catalogues: dict[str, Catalog],
) -> None:
    assert catalogues["da"].plural_forms == DANISH_PLURAL_FORMS
    pulled = ("pulled {n} change", "pulled {n} changes")
    assert catalogue("da").ngettext(*pulled, 1) == "hentet {n} ændring"
    assert catalogue("da").ngettext(*pulled, 0) == "hentet {n} ændringer"
    assert catalogue("da").ngettext(*pulled, 2) == "hentet {n} ændringer"


SENTENCE_PARAMETERS = frozenset({"msgid", "singular", "plural"})


def test_every_function_taking_a_sentence_is_an_extraction_keyword() -> None:
    """A helper that takes a sentence (a parameter msgid/singular/plural) is a Babel keyword.

    Otherwise its callers' literal sentences never reach the catalogue and show in
    English in Danish (the insight screens' first helper, `self.t(...)`, did).
    The keyword's argument positions must match the helper's (self not counted).
    """
    import ast

    from tests.catalogue import KEYWORDS, ROOT, SOURCES

    wrong = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if names[:1] in (["self"], ["cls"]):
                    names = names[1:]
                positions = tuple(i + 1 for i, name in enumerate(names) if name in SENTENCE_PARAMETERS)
                if positions and (node.name not in KEYWORDS or (KEYWORDS[node.name] or (1,)) != positions):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}{positions}")
    assert not wrong, f"sentence helpers that `make catalogue` does not extract: {wrong}"


def test_a_site_is_an_arbejdssted_in_danish() -> None:
    """One Danish word for a site: My page said "arbejdspladser" beside "Arbejdssted" everywhere else."""
    import re

    mixed = []
    for message in read("da"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(re.search(r"\bsites?\b", i or "", re.IGNORECASE) for i in ids) and any(
            "arbejdsplads" in (s or "").lower() for s in strings
        ):
            mixed.append(message.id)
    assert mixed == []
