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

from collections.abc import Iterable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core import guidelines
from desktop.core.entities import Guideline, GuidelineAudience
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


def guidelines_markdown(parts: Iterable[tuple[str, str]]) -> str:
    """One Markdown document of (heading, text) parts: each text under its heading (level 2).

    The texts are Markdown themselves (admins write headings, lists and
    emphasis), so they are shown rendered (`QTextBrowser.setMarkdown`), never
    as their source.
    """
    return "\n".join(f"## {heading}\n\n{text}\n" for heading, text in parts)


class GuidelinesDialog(QDialog):
    """The texts to accept, each under its heading; "I accept" accepts exactly these versions."""

    def __init__(self, shown: list[Guideline], language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown = shown
        self.setWindowTitle(tr("The organisation's guidelines"))
        self.setObjectName("guidelinesDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Please read the guidelines below. You can post and bid once you have accepted them."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QTextBrowser(self)
        self.text.setMarkdown(
            guidelines_markdown(
                (
                    tr("{title} (version {what})", title=audience_title(item.audience), what=str(item.version)),
                    item.text(language),
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

    def __init__(self, context: AppContext, window: QWidget, *, follow_changes: bool = True) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.dialog: GuidelinesDialog | None = None
        self._declined: set[tuple[str, int]] = set()  # "Not now" is not asked again this session
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

        def missing(store: Store) -> list[Guideline]:
            return guidelines.missing(store, person, wanted)

        self.context.query(missing, parent=self).success(
            lambda found: self._show(found, again)
        ).run_in_background()

    def _show(self, found: list[Guideline], again: bool) -> None:
        if not again:
            found = [g for g in found if (g.audience, g.version) not in self._declined]
        if not found or self.dialog is not None or self.context.closed:
            return
        self.dialog = GuidelinesDialog(found, self.context.language, self.window)
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
