"""One-off: carry the Danish of Qt Linguist's .ts files over to the gettext catalogue.

Run once when the UI moved from Qt's tr() to ui.words (`python
resources/translations/ts_to_po.py` after `make catalogue`). For every Danish
msgid still untranslated it finds the Qt source it came from and copies its
translation: `{name}` placeholders were Qt's `%1`, `%2`... in order of first
appearance, `{n}` was `%n`, and a plural msgid pair is the English .ts's two
numerus forms of one Qt source. Qt contexts are dropped: no source had two
different translations. Prints what it could not carry over.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.catalogue import read, write  # noqa: E402

FOLDER = ROOT / "resources" / "translations"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def messages(path: Path) -> dict[str, list[str]]:
    """Qt source -> its translation (numerus forms as a list of two, else one)."""
    found: dict[str, list[str]] = {}
    for message in ET.parse(path).getroot().iter("message"):
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, message.findtext("source")
        if message.get("numerus") == "yes":
            forms = [form.text or "" for form in translation.iter("numerusform")]
        else:
            forms = [translation.text or ""]
        found[message.findtext("source") or ""] = forms
    return found


def as_qt(msgid: str, names: list[str]) -> str:
    """`{n}` -> %n, other placeholders -> %1, %2... in order of first appearance."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "n":
            return "%n"
        if name not in names:
            names.append(name)
        return f"%{names.index(name) + 1}"

    return PLACEHOLDER.sub(one, msgid)


def from_qt(text: str, names: list[str]) -> str:
    text = text.replace("%n", "{n}")
    return re.sub(r"%(\d)", lambda m: "{" + names[int(m.group(1)) - 1] + "}", text)


def main() -> None:
    danish: dict[str, list[str]] = {}
    numerus: dict[tuple[str, ...], str] = {}
    for part in ("core", "screens"):
        danish.update(messages(FOLDER / f"knop_{part}_da.ts"))
        for source, forms in messages(FOLDER / f"knop_{part}_en.ts").items():
            if len(forms) == 2:
                numerus[tuple(forms)] = source
    catalog = read("da")
    carried, left = 0, []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings) and not message.fuzzy:
            continue
        names: list[str] = []
        if isinstance(message.id, tuple):
            forms = tuple(as_qt(i, names) for i in message.id)
            source = numerus.get(forms)
        else:
            source = as_qt(message.id, names)
        if source not in danish:
            left.append(message.id)
            continue
        translated = [from_qt(text, names) for text in danish[source]]
        message.string = tuple(translated) if isinstance(message.id, tuple) else translated[0]
        message.flags.discard("fuzzy")
        carried += 1
    write(catalog, "da")
    print(f"carried over {carried}; left to translate by hand: {len(left)}")
    for msgid in left:
        print(f"  {msgid!r}")


if __name__ == "__main__":
    main()
