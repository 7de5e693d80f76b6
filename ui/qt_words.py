"""Qt's own words (file dialogs, message box buttons) in Danish, including those Qt's catalogue misses.

Qt's Danish catalogue (qtbase_da.qm, shipped in the PySide6 wheel) is loaded
beside Knop's words. It lacks some labels in the form Qt 6 writes them, with a
keyboard letter: it has "Look in:" and "Files of type:" but not "&Look in:" or
"Files of &type:", so the file dialog said those in English under Danish (a
new-user try-out). `Mnemonics` answers those from the words without the "&",
and puts the keyboard letter back where the translation has it.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator


class Mnemonics(QTranslator):
    """Asks `catalogue` for a label without its "&" when the catalogue lacks it with one.

    Install it after `catalogue`, so Qt asks it first; it answers None (ask the
    next) whenever the catalogue has the words as they are, or has nothing.
    """

    def __init__(self, catalogue: QTranslator) -> None:
        super().__init__(catalogue)  # lives as long as the catalogue: its Qt child
        self._catalogue = catalogue

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None, not "": Qt takes an empty string as the translation, a null one as "ask the next".
        if "&" not in source or "&&" in source:
            return None
        if self._catalogue.translate(context, source, disambiguation, n):
            return None  # the catalogue has it: Qt asks it next
        at = source.index("&")
        letter = source[at + 1 : at + 2]
        found = self._catalogue.translate(context, source.replace("&", "", 1), disambiguation, n)
        if not found or not letter.strip():
            return None
        return with_mnemonic(found, letter)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's own spelling
        return False


def with_mnemonic(text: str, letter: str) -> str:
    """`text` with "&" before `letter` where it first occurs (case-insensitive), else before its first letter.

    E.g. ("Filer af type:", "t") -> "Filer af &type:"; ("Kig i:", "L") -> "&Kig i:".
    """
    at = text.lower().find(letter.lower())
    if at < 0:
        at = next((i for i, c in enumerate(text) if c.isalnum()), 0)
    return text[:at] + "&" + text[at:]
