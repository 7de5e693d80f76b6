"""The rules of the road in the administration (issue 20): versions, who accepted, publishing.

The tab reads what an admin's device holds (`desktop.guideline_acceptances`):
each audience's current version, and per person which version they accepted.
Publishing a new version is the `guidelines.publish` operation, applied here
on the DB thread and synced like any other, so it works offline too; everyone
concerned is then asked to accept it at their next login or sync.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.entities import Guideline, GuidelineAudience
from desktop.guideline_acceptances import RulesOfTheRoad, Standing, rules_of_the_road
from desktop.store import Store
from ui import wording
from ui.context import AppContext
from ui.guidelines import audience_title, guidelines_markdown, show_markdown
from ui.screen import ProblemLabel, Screen, ask_first
from ui.table_model import Column, EmptyNote, RowsModel, table_view
from ui.words import tr


def _standing(row: Standing) -> str:
    if row.accepted is None:
        return tr("Not accepted")
    if row.up_to_date:
        return tr("Current version")
    return tr("An older version")


def what_publishing_does(audience: str) -> str:
    """What publishing a new version of `audience`'s guidelines does, in a sentence for the admin.

    Whom it asks and what they cannot do until they accept, as `desktop.core.guidelines.required`
    gates it: posting guidelines gate posting, bidding guidelines a staff member's bid, and the
    outsiders' guidelines an outsider's bid and a task posted to outsiders.
    """
    # The reader's side of the same gating is `ui.guidelines.what_they_allow`; kept apart on
    # purpose (see there): one audience for the admin, a set of them for the one who accepts.
    if audience == GuidelineAudience.POSTING.value:
        return tr(
            "Publishing makes a new version: everyone who posts tasks is asked to accept it, "
            "and until they have, they cannot post tasks."
        )
    if audience == GuidelineAudience.BIDDING.value:
        return tr(
            "Publishing makes a new version: every member of staff is asked to accept it, "
            "and until they have, they cannot bid on tasks."
        )
    return tr(
        "Publishing makes a new version: volunteers, citizens and companies are asked to accept it, "
        "and so is anyone posting a task for them. Until they have, those outsiders cannot bid, "
        "and tasks for them cannot be posted."
    )


class RulesOfTheRoadTab(Screen):
    """Each audience's current guidelines, who accepted which version, and a form to publish anew."""

    WATCHES = frozenset({"guidelines", "guideline_acceptances", "people"})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("rules-of-the-road")
        self.current: dict[str, Guideline] = {}
        language = self.language
        self.versions: RowsModel[Guideline] = RowsModel(
            [
                Column(tr("Guidelines"), lambda g: audience_title(g.audience)),
                Column(tr("Version"), lambda g: str(g.version)),
                Column(tr("Published"), lambda g: wording.short_date(g.published_at, language)),
            ],
            key=lambda g: g.audience,
            parent=self,
        )
        self.versions_view = table_view(self, self.versions, tr("Current guidelines"), stretch=(0,))
        self.versions_empty = EmptyNote(self.versions_view, tr("No guidelines published yet."))
        # A handful of rows (one per audience): no taller than it asks, the list of who accepted
        # gets the rest. A fixed maximum in lines of text was less than the five rows the
        # administration keeps (`keep_rows`), and the label below was drawn over the list.
        self.versions_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.standings: RowsModel[Standing] = RowsModel(
            [
                Column(tr("Person"), lambda s: s.person_name),
                Column(tr("Guidelines"), lambda s: audience_title(s.audience)),
                Column(tr("Accepted version"), lambda s: "" if s.accepted is None else str(s.accepted)),
                Column(tr("Standing"), _standing),
                Column(tr("Accepted"), lambda s: wording.short_date(s.accepted_at or None, language)),
            ],
            key=lambda s: f"{s.person_id}|{s.audience}",
            parent=self,
        )
        self.standings_view = table_view(self, self.standings, tr("Who accepted which version"), stretch=(0, 1))
        self.standings_empty = EmptyNote(self.standings_view, tr("Nobody has accepted the guidelines yet."))
        self.audience = QComboBox(self)
        self.audience.setAccessibleName(tr("Guidelines to publish"))
        for audience in GuidelineAudience:
            self.audience.addItem(audience_title(audience), str(audience))
        self.text_da = QPlainTextEdit(self)
        self.text_da.setAccessibleName(tr("Danish text"))
        self.text_da.setTabChangesFocus(True)
        self.text_en = QPlainTextEdit(self)
        self.text_en.setAccessibleName(tr("English text"))
        self.text_en.setTabChangesFocus(True)
        # The texts are Markdown (headings, lists, emphasis), as people will see them
        # rendered in the guidelines dialog: the last tab shows them so, as typed.
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("guidelinesPreview")
        self.preview.setAccessibleName(tr("The guidelines as people will see them"))
        self.texts = QTabWidget(self)
        self.texts.addTab(self.text_da, tr("D&anish text"))
        self.texts.addTab(self.text_en, tr("English te&xt"))
        self.texts.addTab(self.preview, tr("Pre&view"))
        self.texts.setMaximumHeight(9 * self.fontMetrics().height())  # the list of who accepted gets the room
        for editor in (self.text_da, self.text_en):
            editor.textChanged.connect(self._preview)
        self.publish_button = QPushButton(tr("Publish as a ne&w version"), self)
        self.problem = ProblemLabel(self)
        self.done = QLabel(self)
        self.done.setObjectName("guidelinesPublished")
        # What publishing the chosen audience's guidelines does, said for that audience: a try-out
        # read "they cannot post or bid" over the guidelines for posting only.
        self.note = note = QLabel(what_publishing_does(str(self.audience.currentData())), self)
        note.setObjectName("publishingNote")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Guidelines to publish"), self.audience)
        form.addRow(tr("Texts (Markdown)"), self.texts)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Current guidelines"), self))
        layout.addWidget(self.versions_view)
        layout.addWidget(QLabel(tr("Who accepted which version"), self))
        layout.addWidget(self.standings_view, 1)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.done)
        layout.addWidget(self.publish_button, 0, Qt.AlignmentFlag.AlignRight)
        self.audience.currentIndexChanged.connect(lambda _i: self._audience_chosen())
        self.publish_button.clicked.connect(self.ask_publish)
        self.publish_question: QMessageBox | None = None
        self.reload()

    def question(self) -> Callable[[Store], RulesOfTheRoad]:
        organisation_id = self.context.person.organisation_id
        return lambda store: rules_of_the_road(store, organisation_id)

    def draw(self, data: RulesOfTheRoad) -> None:
        first = not self.current
        self.current = {g.audience: g for g in data.current}
        self.versions.set_rows(data.current)
        self.standings.set_rows(data.standings)
        self.publish_button.setEnabled(not self.busy("publish"))
        if first:
            self._fill_texts()

    def _audience_chosen(self) -> None:
        self.note.setText(what_publishing_does(str(self.audience.currentData())))
        self._fill_texts()

    def _fill_texts(self) -> None:
        """Start from the chosen audience's current texts (empty when none is published)."""
        held = self.current.get(str(self.audience.currentData()))
        self.text_da.setPlainText(held.text_da if held else "")
        self.text_en.setPlainText(held.text_en if held else "")

    def _preview(self) -> None:
        """Render both texts as the guidelines dialog does (Markdown), each under its language."""
        show_markdown(
            self.preview,
            guidelines_markdown(
                [(tr("Danish text"), self.text_da.toPlainText()), (tr("English text"), self.text_en.toPlainText())]
            )
        )

    def _written(self) -> dict[str, str] | None:
        """The `guidelines.publish` payload of what is written, or None (said why) when a text is missing."""
        payload = {
            "audience": str(self.audience.currentData()),
            "text_da": self.text_da.toPlainText(),
            "text_en": self.text_en.toPlainText(),
        }
        if not payload["text_da"].strip() or not payload["text_en"].strip():
            self.problem.show_text(tr("Write the guidelines in both Danish and English."))
            return None
        return payload

    def ask_publish(self) -> QMessageBox | None:
        """Ask before publishing, naming the version and what it does; "Publish" publishes.

        A new version makes everyone it concerns accept again before they can act, and a
        try-out found the button publishing at once, with no way back.
        """
        self.done.clear()
        payload = self._written()
        if payload is None:
            return None
        audience = payload["audience"]
        held = self.current.get(audience)
        title = audience_title(audience)
        box = ask_first(
            self,
            QMessageBox.Icon.Question,
            tr("Publish {title}?", title=title),
            tr("Publish {title} as version {version}?", title=title, version=str(held.version + 1 if held else 1))
            + " "
            + what_publishing_does(audience),
            (tr("Publish"), QMessageBox.ButtonRole.AcceptRole),
            self.publish,
            name="publishQuestion",
        )
        box.finished.connect(lambda _r: setattr(self, "publish_question", None))
        self.publish_question = box
        return box

    def publish(self) -> None:
        """Publish the two texts as the chosen audience's next version (`guidelines.publish`)."""
        self.done.clear()
        payload = self._written()
        if payload is None:
            return
        audience = payload["audience"]

        def published(_outcome: object) -> None:
            self.done.setText(tr("Published: {title}", title=audience_title(audience)))

        self.act(
            "guidelines.publish",
            payload,
            self.problem,
            published,
            action="publish",
            buttons=(self.publish_button,),
        )
