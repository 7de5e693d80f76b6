"""Choosing skills: a searchable catalogue with free tags, and a list of chosen skills.

The task form (skills wanted) and my page (skills I have) both pick from the
same 130-odd catalogue entries, so the picker is one widget. Search matches
the Danish and the English label and the category, because a Danish
workstation may be used by someone who thinks of "first aid" in English.
Anything the catalogue has no word for can be added as a free tag: the point
of Knop is to find competences nobody thought to record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import skills
from desktop.people import HeldSkill
from ui import wording
from ui.long_text import shortened
from ui.table_model import KEY_ROLE, Column, RowsModel
from ui.words import tr

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root; one instance serves as every default
SKILL_ROLE = KEY_ROLE
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


def _category(skill: skills.Skill, language: str) -> str:
    da, en = skills.CATEGORIES.get(skill.category, (skill.category, skill.category))
    return da if language == "da" else en


class CatalogueModel(QAbstractListModel):
    """The skill catalogue, in the screen's language; skills already chosen are greyed out."""

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self._entries: tuple[skills.Skill, ...] = skills.CATALOGUE
        self._row_of = {s.id: row for row, s in enumerate(self._entries)}
        self._taken: frozenset[str] = frozenset()

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return wording.skill(entry.id, self._language)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _category(entry, self._language)
        if role == SKILL_ROLE:
            return entry.id
        if role == SEARCH_ROLE:
            return " ".join(
                (entry.da, entry.en, *skills.CATEGORIES.get(entry.category, ()))
            ).casefold()
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._entries[index.row()].id in self._taken:
            return Qt.ItemFlag.ItemNeverHasChildren
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def is_taken(self, skill_id: str) -> bool:
        return skill_id in self._taken

    def set_taken(self, taken: Iterable[str]) -> None:
        """Grey out what is already chosen; only the rows whose state changed are redrawn."""
        new = frozenset(taken)
        flipped = (new ^ self._taken) & self._row_of.keys()
        self._taken = new
        for skill_id in flipped:
            index = self.index(self._row_of[skill_id])
            self.dataChanged.emit(index, index)


class SkillPicker(QWidget):
    """Search the catalogue, add a skill from it, or add the search text as a free tag."""

    picked = Signal(str)

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = CatalogueModel(language, self)
        self.filtered = QSortFilterProxyModel(self)
        self.filtered.setSourceModel(self.catalogue)
        self.filtered.setFilterRole(SEARCH_ROLE)
        self.filtered.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filtered.setSortRole(Qt.ItemDataRole.DisplayRole)
        self.filtered.setSortLocaleAware(True)
        self.filtered.sort(0)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("Search the catalogue or write a free tag"))
        self.search.setAccessibleName(tr("Search skills"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(skills.FREE_TAG_MAX * 2)
        self.search.installEventFilter(self)
        self.list = QListView(self)
        self.list.setModel(self.filtered)
        self.list.setAccessibleName(tr("Skills in the catalogue"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumHeight(5 * self.list.fontMetrics().height())
        self.add_button = QPushButton(tr("Add ski&ll"), self)
        self.tag_button = QPushButton(tr("Add as &free tag"), self)
        self.tag_hint = QLabel(self)
        self.tag_hint.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.tag_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.tag_hint)

        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._enter_in_search)
        self.list.activated.connect(lambda _index: self._pick_current())
        self.list.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.add_button.clicked.connect(self._pick_current)
        self.tag_button.clicked.connect(self._pick_tag)
        self._update_buttons()

    def set_taken(self, taken: Iterable[str]) -> None:
        self.catalogue.set_taken(taken)
        self._update_buttons()

    def free_tag(self) -> str | None:
        """The search text as a stored free tag, or None when it cannot be one."""
        text = self.search.text().strip()
        if not text:
            return None
        try:
            return skills.normalise_free_tag(text)
        except ValueError:
            return None

    def current_skill(self) -> str | None:
        index = self.list.currentIndex()
        if not index.isValid() or not index.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        return index.data(SKILL_ROLE)

    def _fit_hint(self) -> None:
        """Keep the search field wide enough for its hint (the placeholder) to be read whole.

        In English, "Search the catalogue or write a free tag" was cut to "... a fre…" on
        the task form at 1024 px. The field's chrome (frame, padding, the clear button) is
        what Qt's size hint adds to the 17 "x" it is built around; measured again when the
        style sheet or the font changes.
        """
        metrics = self.search.fontMetrics()
        chrome = self.search.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
        self.search.setMinimumWidth(metrics.horizontalAdvance(self.search.placeholderText()) + chrome)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search and event.type() in (
            QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FontChange
        ):
            self._fit_hint()
        # Down from the search field goes into the list, as in a browser's address bar.
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self.list.setFocus()
            if not self.list.currentIndex().isValid() and self.filtered.rowCount():
                self.list.setCurrentIndex(self.filtered.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def _filter(self, text: str) -> None:
        self.filtered.setFilterFixedString(text.strip().casefold())
        # Nothing is highlighted for the person: Enter adds only what they chose
        # themselves (Down, a click), never the top match of what they typed.
        self.list.setCurrentIndex(QModelIndex())
        self.list.clearSelection()
        self._update_buttons()

    def _enter_in_search(self) -> None:
        """Enter in the search box: add the highlighted skill, or go and highlight one first."""
        if self.current_skill() is not None:
            self._pick_current()
        elif self.filtered.rowCount():
            self.list.setFocus()
            self.list.setCurrentIndex(self.filtered.index(0, 0))

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.current_skill() is not None)
        tag = self.free_tag()
        taken = tag is not None and self.catalogue.is_taken(tag)
        self.tag_button.setEnabled(tag is not None and not taken)
        if tag and self.search.text().strip():
            self.tag_hint.setText(
                tr("Free tag: {tag}", tag=shortened(tag, 80))
                if not taken
                else tr("Already chosen.")
            )
        else:
            self.tag_hint.clear()
        # Empty, it takes no room: it kept the buttons above a blank line, and the task form's
        # "Remove skill" beside them out of line and at 1024x768 half hidden (try-out).
        self.tag_hint.setVisible(bool(self.tag_hint.text()))

    def _pick_current(self) -> None:
        skill_id = self.current_skill()
        if skill_id is not None:
            self.picked.emit(skill_id)
            self._ready_for_the_next()

    def _ready_for_the_next(self) -> None:
        """After adding, the search box is empty and has the keyboard, for the next skill."""
        self.search.clear()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _pick_tag(self) -> None:
        tag = self.free_tag()
        if tag is not None:
            self.picked.emit(tag)
            self._ready_for_the_next()


class SkillListModel(RowsModel[HeldSkill]):
    """Skills in a list: the skill and (second column) the evidence behind it.

    The task form shows only the first column; my page shows both.
    """

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        super().__init__([], key=lambda held: held.skill, parent=parent)
        self._columns = [
            Column(tr("Skill"), lambda held: _skill_text(held.skill, language)),
            Column(
                tr("Evidence"),
                lambda held: wording.evidence(held) if held.evidence else "",
            ),
        ]

    def skills(self) -> list[str]:
        return self.keys()


def _skill_text(skill_id: str, language: str) -> str:
    text = wording.skill(skill_id, language)
    return skills.FREE_TAG_PREFIX + text if skills.is_free_tag(skill_id) else text
