"""The rules of the road on screen: shown at login, when they change, and when posting to outsiders.

`GuidelinesWatch` asks the store (on the DB thread) which current guidelines
the person has not accepted: at login for the audiences that concern them
(`desktop.core.guidelines.at_login`), again whenever a sync brings new
guidelines, and for the outsiders' guidelines when a task form is about to go
to outsiders (`ask`). It then shows `GuidelinesDialog`, which accepts with
`guidelines.accept` operations. Until then the shared rules refuse the actions
those guidelines cover, on this machine and on the server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QObject
from PySide6.QtGui import QFontMetricsF, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core import guidelines
from desktop.core.entities import Guideline, GuidelineAudience, Organisation
from desktop.core.rejection import Rejection
from desktop.store import Store
from ui.background import Changes
from ui.context import AppContext
from ui.words import tr


def audience_title(audience: str) -> str:
    """An audience's guidelines, named for a heading."""
    titles: dict[str, str] = {
        GuidelineAudience.POSTING.value: tr("Guidelines for posting tasks"),
        GuidelineAudience.BIDDING.value: tr("Guidelines for bidding on tasks"),
        GuidelineAudience.OUTSIDERS.value: tr("Guidelines for work with volunteers, citizens and companies"),
    }
    return titles.get(audience, audience)


_ATX_HEADING = re.compile(r"^( {0,3})(#{1,6})(?=\s|$)")
_SETEXT_LINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def under_a_heading(text: str, levels: int = 2) -> str:
    """Markdown `text` with each of its own headings `levels` levels lower (at most level 6).

    Shown under a heading of ours (level 2), a text that opens with its own "# ..." read
    as a second, bigger title run together with ours (try-out): lowered, the text's
    headings rank under ours. Underlined headings ("Title" over "===" or "---") become
    "#" ones first; fenced code is left alone.
    """
    lines = text.split("\n")
    out: list[str] = []
    fenced = False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _ATX_HEADING.match(line)):
            marks = "#" * min(len(match.group(2)) + levels, 6)
            line = match.group(1) + marks + line[match.end() :]
        elif not fenced and _SETEXT_LINE.match(line) and out and out[-1].strip() and not out[-1].startswith("#"):
            level = 1 if line.strip().startswith("=") else 2
            out[-1] = "#" * min(level + levels, 6) + " " + out[-1].strip()
            continue
        out.append(line)
    return "\n".join(out)


def guidelines_markdown(parts: Iterable[tuple[str, str]]) -> str:
    """One Markdown document of (heading, text) parts: each text under its heading (level 2).

    The texts are Markdown themselves (admins write headings, lists and
    emphasis), so they are shown rendered (`QTextBrowser.setMarkdown`), never
    as their source; their own headings rank under ours (`under_a_heading`).
    """
    return "\n".join(f"## {heading}\n\n{under_a_heading(text)}\n" for heading, text in parts)


def show_markdown(browser: QTextBrowser, markdown: str) -> None:
    """Show `markdown` rendered in `browser`, each heading after the first a line below the text above.

    Qt's Markdown gives headings no margin, so an audience's heading followed its previous
    text's last line with no space between (try-out: "two headings run together").
    """
    browser.setMarkdown(markdown)
    document = browser.document()
    line = QFontMetricsF(document.defaultFont()).height()
    block = document.firstBlock().next()
    while block.isValid():
        spaced = block.blockFormat()
        if spaced.headingLevel() > 0:
            spaced.setTopMargin(line)
            spaced.setBottomMargin(line / 3)
            QTextCursor(block).setBlockFormat(spaced)
        block = block.next()
    document.setModified(False)


def what_they_allow(audiences: Iterable[str], external: bool = False) -> str:
    """What accepting guidelines for `audiences` lets the reader do, in a sentence.

    The audiences gate operations as `desktop.core.guidelines.required` says:
    posting guidelines gate posting, bidding guidelines bidding, and the
    outsiders' guidelines an outsider's bid (`external`) or a task posted to
    outsiders. A try-out read "... og byde" over guidelines for posting only.
    """
    # Not `ui.rules_of_the_road.what_publishing_does`, on purpose: both put the gating of
    # `desktop.core.guidelines.required` in words, but this one for the reader who must
    # accept a set of guidelines (what *they* may do afterwards, an outsider's bidding
    # included), that one for the admin publishing one audience's (whom it asks, what
    # those people cannot do meanwhile). One sentence could not serve both readers.
    found = set(audiences)
    outsiders = GuidelineAudience.OUTSIDERS.value in found
    posts = GuidelineAudience.POSTING.value in found
    bids = GuidelineAudience.BIDDING.value in found or (outsiders and external)
    if posts and bids:
        return tr("You can post tasks and bid on tasks once you have accepted them.")
    if bids:
        return tr("You can bid on tasks once you have accepted them.")
    if posts or not outsiders:
        return tr("You can post tasks once you have accepted them.")
    return tr("You can post tasks for volunteers, citizens and companies once you have accepted them.")


class GuidelinesDialog(QDialog):
    """The texts to accept, each under its heading; "I accept" accepts exactly these versions."""

    def __init__(
        self, shown: list[Guideline], language: str, parent: QWidget | None = None, *, organisation: str = "",
        external: bool = False,
    ) -> None:
        """`organisation`: the name of the municipality whose guidelines they are ("" when unknown);
        `external`: the reader is a volunteer, citizen or company (who bids, never posts)."""
        super().__init__(parent)
        self.shown = shown
        self.setObjectName("guidelinesDialog")
        layout = QVBoxLayout(self)
        # Whose rules they are: a person of one municipality working for another (an outsider
        # invited by it) must know whose they accept; a try-out found no name anywhere.
        if organisation:
            self.setWindowTitle(tr("Guidelines from {organisation}", organisation=organisation))
            said = tr("These guidelines are from {organisation}. Please read them.", organisation=organisation)
        else:
            self.setWindowTitle(tr("The organisation's guidelines"))
            said = tr("Please read the guidelines below.")
        said += " " + what_they_allow({item.audience for item in shown}, external)
        intro = QLabel(said, self)
        intro.setObjectName("guidelinesIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QTextBrowser(self)
        show_markdown(
            self.text,
            guidelines_markdown(
                (
                    audience_title(item.audience),
                    # A line of its own between our title and the text's own first heading,
                    # which otherwise followed right under it (try-out: they ran together).
                    "*" + tr("Version {what}", what=str(item.version)) + "*\n\n" + item.text(language),
                )
                for item in shown
            )
        )
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(self)
        # The dialog can open in the middle of typing (guidelines arrive with a sync), so
        # Enter must not accept unread texts: no default button (a button box makes its
        # first AcceptRole button the default when shown, hence ActionRole); Alt+A, a click, Esc.
        self.accept_button = buttons.addButton(tr("I &accept"), QDialogButtonBox.ButtonRole.ActionRole)
        self.later_button = buttons.addButton(tr("&Not now"), QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.accept_button, self.later_button):
            button.setAutoDefault(False)
        self.accept_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.setFocus()
        self.resize(640, 480)


class GuidelinesWatch(QObject):
    """Shows the guidelines a person still has to accept, once per set of versions."""

    def __init__(
        self, context: AppContext, window: QWidget, *, follow_changes: bool = True,
        declined: set[tuple[str, int]] | None = None,
    ) -> None:
        """`declined`: the (audience, version) pairs put off ("Not now") this session, which this
        watch adds to and does not ask for again; the shell keeps it across the session's windows."""
        super().__init__(window)
        self.context = context
        self.window = window
        self.dialog: GuidelinesDialog | None = None
        self._declined = declined if declined is not None else set()
        if follow_changes:  # the session's own watch; a form's asks only when it needs to
            context.changed.connect(self._changed)
            context.refused.connect(self._refused)

    def start(self) -> None:
        """Look once now (at login)."""
        self.ask(guidelines.at_login(self.context.person))

    def _changed(self, changes: Changes) -> None:
        if {"guidelines", "guideline_acceptances"} & changes:
            self.ask(guidelines.at_login(self.context.person))

    def _refused(self, rejection: Rejection) -> None:
        # "Not now" keeps the dialog away at login, but an action the missing acceptance
        # refuses shows it again at once: else nothing in the session led back to it
        # (a try-out's bid refused, with no way to read the rules short of logging out).
        if rejection.reason == "guidelines.not_accepted":
            self.ask(guidelines.at_login(self.context.person), again=True)

    def ask(self, audiences: Iterable[GuidelineAudience], *, again: bool = False) -> None:
        """Show what is missing among `audiences` (`again`: even what was put off this session)."""
        person, wanted = self.context.person, tuple(audiences)

        def missing(store: Store) -> tuple[list[Guideline], str]:
            found = guidelines.missing(store, person, wanted)
            publisher = store.get(Organisation, found[0].organisation_id) if found else None
            return found, publisher.name if publisher is not None else ""

        self.context.query(missing, parent=self).success(
            lambda answer: self._show(*answer, again)
        ).run_in_background()

    def _show(self, found: list[Guideline], organisation: str, again: bool) -> None:
        if not again:
            found = [g for g in found if (g.audience, g.version) not in self._declined]
        if not found or self.dialog is not None or self.context.closed:
            return
        self.dialog = GuidelinesDialog(
            found, self.context.language, self.window, organisation=organisation,
            external=self.context.person.is_external,
        )
        self.dialog.finished.connect(self._answered)
        self.dialog.open()

    def _answered(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        for item in dialog.shown:
            if result == QDialog.DialogCode.Accepted:
                payload = {"audience": item.audience, "version": item.version}
                self.context.perform("guidelines.accept", payload, parent=self).run_in_background()
            else:
                self._declined.add((item.audience, item.version))
        dialog.deleteLater()
