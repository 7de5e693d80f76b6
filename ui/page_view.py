"""Where a person is on a page, beyond which page it is: its tabs, how far it is scrolled, what is typed.

A window rebuilt in another language (the Knop menu, or the person's language
arriving with a sync) opens the same pages again (`MainWindow.place`); a
try-out found it on the notifications' first tab after choosing the language
on their settings tab. `view_of` notes each tab widget's tab, each scroll
area's scroll bars and each typed line's text; `show_view` puts them back on
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

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QScrollBar,
    QTabWidget,
    QWidget,
)

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
    """A page's tabs (index), scroll bars ((horizontal, vertical) px) and typed lines, by widget path."""

    tabs: dict[Path, int] = field(default_factory=dict)
    scrolls: dict[Path, tuple[int, int]] = field(default_factory=dict)
    typed: dict[Path, str] = field(default_factory=dict)


def view_of(page: QWidget) -> PageView:
    """Where the person is on `page` now."""
    paths = _paths(page)
    return PageView(
        tabs={path: w.currentIndex() for path, w in paths.items() if isinstance(w, QTabWidget)},
        scrolls={
            path: (w.horizontalScrollBar().value(), w.verticalScrollBar().value())
            for path, w in paths.items()
            if isinstance(w, QAbstractScrollArea)
            and (w.horizontalScrollBar().value() or w.verticalScrollBar().value())
        },
        typed={path: w.text() for path, w in paths.items() if _typed_line(w) and w.text()},
    )


def show_view(page: QWidget, view: PageView, *, typed: bool = True) -> None:
    """Put `page` (built anew) where `view` was: its tabs first, then scroll bars and typed lines.

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


def _find(page: QWidget, path: Path) -> QWidget | None:
    widget: QWidget | None = page
    for class_name, name, number in path:
        if widget is None:
            return None
        matches = [
            child
            for child in widget.children()
            if isinstance(child, QWidget)
            and not child.isWindow()
            and not isinstance(child, QAbstractSlider)
            and type(child).__name__ == class_name
            and child.objectName() == name
        ]
        widget = matches[number] if number < len(matches) else None
    return widget
