"""Where a person is on a page, beyond which page it is: its tabs, how far it is scrolled, what is typed.

A window rebuilt in another language (the Knop menu, or the person's language
arriving with a sync) opens the same pages again (`MainWindow.place`); a
try-out found it on the notifications' first tab after choosing the language
on their settings tab. `view_of` notes each tab widget's tab, each scroll
area's scroll bars, each table's chosen row and each typed line's text; `show_view` puts them back on
the page built anew.

Widgets are known by their path from the page: at each step the class, the
object name and the number among the siblings of that class and name. A page
builds its fields in the same order every time, and what it adds later (a
drawn list's cards) comes after them among its siblings, so the paths of the
fields are the same on the new page. Fields a form's draft keeps (`ui.form_draft`,
the task form's drafts) are left to it: marked with `kept_by_draft`, they are
neither noted nor put back here, because a line put back counts as typing and
the draft read back after it would be refused, and the form kept without it.
A scroll bar whose content is not loaded
yet is set once its range reaches the value, unless the person scrolls first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeGuard

from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QScrollBar,
    QTabWidget,
    QWidget,
)

from ui.table_model import KEY_ROLE

Path = tuple[tuple[str, str, int], ...]

# The Qt property that marks a widget (and what is in it) as kept by a draft.
_DRAFTED = "keptByDraft"


def kept_by_draft(*widgets: QWidget) -> None:
    """Mark `widgets` and the fields in them as a draft's: the view leaves their text to it."""
    for widget in widgets:
        widget.setProperty(_DRAFTED, True)


def _drafted(widget: QWidget) -> bool:
    here: QWidget | None = widget
    while here is not None:
        if here.property(_DRAFTED):
            return True
        here = here.parentWidget()
    return False


@dataclass(frozen=True)
class PageView:
    """A page's tabs (index), scroll bars ((horizontal, vertical) px), typed lines and chosen rows, by widget path."""

    tabs: dict[Path, int] = field(default_factory=dict)
    scrolls: dict[Path, tuple[int, int]] = field(default_factory=dict)
    typed: dict[Path, str] = field(default_factory=dict)
    chosen: dict[Path, str] = field(default_factory=dict)  # a table's current row, by its key (KEY_ROLE)
    focus: Path | None = None  # the widget that had the keys on the page (`focused_on`)


def view_of(page: QWidget, focused: QWidget | None = None) -> PageView:
    """Where the person is on `page` now; `focused`: the widget on it that has (or last had) the keys."""
    paths = _paths(page)
    return PageView(
        focus=_path_of(page, focused) if focused is not None and page.isAncestorOf(focused) else None,
        tabs={path: w.currentIndex() for path, w in paths.items() if isinstance(w, QTabWidget)},
        scrolls={
            path: (w.horizontalScrollBar().value(), w.verticalScrollBar().value())
            for path, w in paths.items()
            if isinstance(w, QAbstractScrollArea)
            and (w.horizontalScrollBar().value() or w.verticalScrollBar().value())
        },
        typed={path: w.text() for path, w in paths.items() if _typed_line(w) and w.text()},
        chosen={
            path: key
            for path, w in paths.items()
            if isinstance(w, QAbstractItemView) and (key := _current_key(w)) is not None
        },
    )


def show_view(page: QWidget, view: PageView, *, typed: bool = True) -> None:
    """Put `page` (built anew) where `view` was: its tabs first, then scroll bars, chosen rows and typed lines.

    A chosen row (the competence map's skill, whose people it then fetches) is
    chosen again once the new table has it, unless the person chooses one first.

    A line is filled only where the new page left it empty (a draft read back wins).
    `typed=False` leaves the lines alone (the board's search is searched again by its owner).
    """
    for path, index in view.tabs.items():
        tabs = _find(page, path)
        if isinstance(tabs, QTabWidget) and 0 <= index < tabs.count():
            tabs.setCurrentIndex(index)
    for path, (across, down) in view.scrolls.items():
        area = _find(page, path)
        if isinstance(area, QAbstractScrollArea):
            _scroll_to(area.horizontalScrollBar(), across)
            _scroll_to(area.verticalScrollBar(), down)
    for path, key in view.chosen.items():
        table = _find(page, path)
        if isinstance(table, QAbstractItemView) and table.model() is not None:
            _ChooseWhenThere(table, key)
    if typed:
        for path, text in view.typed.items():
            line = _find(page, path)
            if isinstance(line, QLineEdit) and _typed_line(line) and not line.text():
                line.setText(text)


def _typed_line(widget: QWidget) -> TypeGuard[QLineEdit]:
    """A line the person types in: not a password, not read-only, not a combo box's or a date's own, not a draft's."""
    return (
        isinstance(widget, QLineEdit)
        and widget.echoMode() == QLineEdit.EchoMode.Normal
        and not widget.isReadOnly()
        and not isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox))
        and not _drafted(widget)
    )


def _scroll_to(bar: QScrollBar, value: int) -> None:
    """`value` now if the bar reaches it, else once its content has grown to it; a person's scrolling ends the wait."""
    if not value:
        return
    if bar.maximum() >= value:
        bar.setValue(value)
        return
    _ScrollWhenGrown(bar, value)


def stop_scrolling(bar: QScrollBar) -> None:
    """Forget a value `show_view` is waiting to set on `bar`: its page puts the bar back itself."""
    for waiting in bar.findChildren(_ScrollWhenGrown):
        waiting._done()


class _ScrollWhenGrown(QObject):
    """Sets its scroll bar to `value` once the range reaches it, or gives up when the person scrolls.

    A Qt child of the bar, connected by its own methods: closures naming the bar
    would make a cycle of Qt wrappers for the garbage collector to break at any
    moment (ui.garbage).
    """

    def __init__(self, bar: QScrollBar, value: int) -> None:
        super().__init__(bar)
        self._value = value
        bar.rangeChanged.connect(self._grown)
        bar.actionTriggered.connect(self._done)  # the person scrolled: their place now, not the old one

    def _grown(self, _low: int, high: int) -> None:
        bar = self.parent()
        if isinstance(bar, QScrollBar) and high >= self._value:
            bar.setValue(self._value)
            self._done()

    def _done(self, _action: object = None) -> None:
        bar = self.parent()
        if isinstance(bar, QScrollBar):
            bar.rangeChanged.disconnect(self._grown)
            bar.actionTriggered.disconnect(self._done)
        self.setParent(None)  # no longer among the bar's children (`stop_scrolling`)
        self.deleteLater()


def _current_key(table: QAbstractItemView) -> str | None:
    """The key of the table's current row, if it has one and its model names rows by key."""
    current = table.currentIndex()
    if not current.isValid():
        return None
    key = current.siblingAtColumn(0).data(KEY_ROLE)
    return key if isinstance(key, str) else None


def stop_choosing(table: QAbstractItemView) -> None:
    """Forget a row `show_view` is waiting to choose in `table`: the person has changed what it lists."""
    for waiting in table.findChildren(_ChooseWhenThere):
        waiting._done()


class _ChooseWhenThere(QObject):
    """Makes the row keyed `key` its table's current one, now or once the rows arrive.

    Gives up when another row becomes current first (the person chose). A Qt
    child of the table, for the same reason as `_ScrollWhenGrown`.
    """

    def __init__(self, table: QAbstractItemView, key: str) -> None:
        super().__init__(table)
        self._key = key
        self._model = table.model()
        self._choosing = False
        if self._choose():
            self.deleteLater()
            return
        self._model.modelReset.connect(self._arrived)
        self._model.rowsInserted.connect(self._arrived)
        self._model.layoutChanged.connect(self._arrived)
        table.selectionModel().currentChanged.connect(self._chosen_elsewhere)

    def _choose(self) -> bool:
        table = self.parent()
        if not isinstance(table, QAbstractItemView) or table.model() is not self._model:
            return False
        rows = self._model.rowCount()
        row = next((r for r in range(rows) if self._model.index(r, 0).data(KEY_ROLE) == self._key), -1)
        if row < 0:
            return False
        self._choosing = True
        try:
            table.setCurrentIndex(self._model.index(row, 0))
        finally:
            self._choosing = False
        return True

    def _arrived(self, *_args: object) -> None:
        if self._choose():
            self._done()

    def _chosen_elsewhere(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._choosing and current.isValid():
            self._done()

    def _done(self) -> None:
        table = self.parent()
        self._model.modelReset.disconnect(self._arrived)
        self._model.rowsInserted.disconnect(self._arrived)
        self._model.layoutChanged.disconnect(self._arrived)
        if isinstance(table, QAbstractItemView):
            table.selectionModel().currentChanged.disconnect(self._chosen_elsewhere)
        self.setParent(None)  # no longer among the table's children (`stop_choosing`)
        self.deleteLater()


def _paths(page: QWidget) -> dict[Path, QWidget]:
    found: dict[Path, QWidget] = {}

    def walk(parent: QWidget, path: Path) -> None:
        seen: dict[tuple[str, str], int] = {}
        for child in parent.children():
            if not isinstance(child, QWidget) or child.isWindow() or isinstance(child, QAbstractSlider):
                continue
            key = (type(child).__name__, child.objectName())
            number = seen.get(key, 0)
            seen[key] = number + 1
            here = (*path, (*key, number))
            found[here] = child
            walk(child, here)

    walk(page, ())
    return found


def focused_on(page: QWidget, view: PageView) -> QWidget | None:
    """The widget of `page` (built anew) that stands where the keys were in `view`, if there is one."""
    return _find(page, view.focus) if view.focus is not None else None


def _siblings(parent: QWidget, class_name: str, name: str) -> list[QWidget]:
    """`parent`'s child widgets of that class and object name, as `_paths` counts them."""
    return [
        child
        for child in parent.children()
        if isinstance(child, QWidget)
        and not child.isWindow()
        and not isinstance(child, QAbstractSlider)
        and type(child).__name__ == class_name
        and child.objectName() == name
    ]


def _path_of(page: QWidget, widget: QWidget) -> Path | None:
    """`widget`'s path from `page` (as `_paths` names it), or None where `_paths` does not reach it."""
    steps: list[tuple[str, str, int]] = []
    here = widget
    while here is not page:
        parent = here.parentWidget()
        if parent is None or here.isWindow() or isinstance(here, QAbstractSlider):
            return None
        class_name, name = type(here).__name__, here.objectName()
        steps.append((class_name, name, _siblings(parent, class_name, name).index(here)))
        here = parent
    return tuple(reversed(steps))


def _find(page: QWidget, path: Path) -> QWidget | None:
    widget: QWidget | None = page
    for class_name, name, number in path:
        if widget is None:
            return None
        matches = _siblings(widget, class_name, name)
        widget = matches[number] if number < len(matches) else None
    return widget
