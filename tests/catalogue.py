"""`make catalogue`: re-extract Knop's sentences and update the two catalogues.

The sentences are the English message ids in the code (see desktop/core/text.py
for why gettext and Babel). This reads them with Babel's extraction API from
desktop/, sync/ and ui/ (method map: babel.cfg, keywords: KEYWORDS), then
updates resources/locale/{da,en}/LC_MESSAGES/knop.po:

- da: new sentences arrive untranslated, reworded ones as fuzzy guesses;
  tests/test_catalogue.py fails until a translator has seen each of them;
- en: English is the source language, so a new sentence's English text is its
  id (kept in a catalogue of its own so English can be reworded without
  touching the code's ids).

Sentences no longer in the code are dropped (`obsolete` entries are not kept).
`make translations` then compiles both to .mo. Run: `python -m tests.catalogue`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("desktop", "sync", "ui")
LOCALE = ROOT / "resources" / "locale"
LANGUAGES = ("da", "en")

# The functions of desktop.core.text (and the UI's, ui/words.py) whose arguments are
# sentences: name -> which arguments are the singular and the plural msgid (1-based).
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "sentence": None,
    "plural_sentence": (1, 2),
    "translate": (2,),
    "tr": None,
    "ntr": (1, 2),
    # The insight and oversight screens' (ui/insights_screen.py), in the screen's language.
    "say": None,
    "say_n": (1, 2),
    # What each server table holding person data is (sync/server/personal_data.py HOLDINGS), shown
    # translated on a person's own-data page.
    "Holding": (4,),
}

HEADER = """\
# Knop's sentences, {language}: the msgids are the English sentences in desktop/, sync/ and ui/.
# Updated by `make catalogue`; tests/test_catalogue.py checks it is complete.
#"""

# The Danish plural rule: one form for 1, another for everything else (0 included).
DANISH_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def po_path(language: str) -> Path:
    """The catalogue source for `language`: resources/locale/<language>/LC_MESSAGES/knop.po."""
    return LOCALE / language / "LC_MESSAGES" / "knop.po"


def _found() -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    for folder in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=KEYWORDS
        ):
            yield f"{folder}/{filename}", line, message, comments, context


def extract() -> Catalog:
    """Every sentence in the code as a template catalogue (msgid, plural, where found)."""
    template = Catalog(domain="knop", project="Knop", fuzzy=False)
    for filename, line, message, comments, context in _found():
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def read(language: str) -> Catalog:
    """The catalogue source of `language` as Babel reads it."""
    with open(po_path(language), "rb") as source:
        return read_po(source, locale=language, domain="knop")


def write(catalog: Catalog, language: str) -> None:
    """Writes `catalog` as the source of `language`, sorted, without line numbers."""
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        write_po(out, catalog, width=100, omit_header=False, sort_output=True,
                 include_lineno=False, ignore_obsolete=True)


def update() -> dict[str, int]:
    """Brings both .po files up to the code; returns untranslated-or-fuzzy counts per language."""
    template = extract()
    left: dict[str, int] = {}
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = read(language)
        else:
            catalog = Catalog(locale=language, domain="knop", project="Knop", fuzzy=False)
        # The creation date stays as it was, so a re-run without new sentences changes nothing.
        catalog.update(template, no_fuzzy_matching=language == "en", update_creation_date=False)
        catalog.header_comment = HEADER.format(language=language)
        catalog.last_translator = catalog.language_team = "Knop"
        catalog.msgid_bugs_address = ""
        if language == "en":
            for message in catalog:
                if message.id and not any(_strings(message)):
                    message.string = message.id
        catalog.obsolete.clear()
        write(catalog, language)
        left[language] = sum(
            1 for m in catalog if m.id and (m.fuzzy or not all(_strings(m)))
        )
    return left


def _strings(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def main() -> None:
    for language, count in update().items():
        print(f"{po_path(language).relative_to(ROOT)}: {count} to translate")


if __name__ == "__main__":
    main()
