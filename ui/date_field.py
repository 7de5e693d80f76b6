"""A date that may stay empty: typed the way the person writes dates, or picked on a calendar.

Why not a QDateEdit: it cannot be empty (an "empty" date is a sentinel date
shown as special text, which the first key, click or Escape on the calendar
turns into today), Tab walks its day, month and year sections instead of
moving on, and it accepts typing only section by section. Here the date is a
plain line of text: empty until the person types or picks one, Tab always
moves on, and "3.4.2027", "03.04.27" or "2027-04-03" all mean 3 April 2027.
The calendar button opens a popup; Escape there closes it and changes nothing.

Day-month-year order is what both languages write (Danish "03.04.2027",
British English "03/04/2027"); the separator shown is the language's own.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.words import tr

_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> dt.date | None:
    """The date in `text` ("3.4.2027", "03/04/27", "2027-04-03"); None when it is not one.

    Day before month, as Danes (and the British) write it; a two-digit year is in this century.
    """
    found = _ISO.match(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
    else:
        found = _DAY_MONTH_YEAR.match(text)
        if not found:
            return None
        day, month, year = (int(part) for part in found.groups())
        if year < 100:
            year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def written(day: dt.date) -> str:
    """The date as the form shows it: "03.04.2027" in Danish, "03/04/2027" in English."""
    # The pattern is translatable, as wording.date's is: Danish writes "dd.MM.yyyy".
    return QDate(day.year, day.month, day.day).toString(tr("dd/MM/yyyy"))


class CalendarPopup(QFrame):
    """The calendar under a date field. A pick (click, Enter) reports it; Escape just closes."""

    picked = Signal(object)  # datetime.date

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setAccessibleName(tr("Calendar"))
        # Room for "28" and for the day names (bold) in every cell: a cell narrower
        # than its text shows "…".
        bold = self.calendar.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        locale = self.calendar.locale()
        names = [locale.dayName(day, QLocale.FormatType.ShortFormat) for day in range(1, 8)]
        cell = max(metrics.horizontalAdvance(text) for text in ["000", *names])
        cell += 2 * metrics.averageCharWidth()
        self.calendar.setMinimumSize(cell * 7 + 24, metrics.height() * 12)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)

    def open_at(self, anchor: QWidget, shown: dt.date | None) -> None:
        """Show under `anchor`, on `shown` (or today), with the keyboard in the calendar."""
        day = shown or dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.ensurePolished()  # the style sheet's sizes, before measuring
        self.adjustSize()
        self.move(self._place(anchor))
        self.show()
        self.move(self._place(anchor))  # as big as it came out once shown
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _place(self, anchor: QWidget) -> QPoint:
        """Under `anchor`'s left edge, or above it; moved left and up as far as it takes to stay on screen.

        (QRect.right() is one short of left + width: it placed the popup a pixel past
        the edge, and before the style sheet had sized it, far past it at 1024 px.)
        """
        size = self.frameGeometry().size().expandedTo(self.size())
        place = anchor.mapToGlobal(QPoint(0, anchor.height()))
        screen = anchor.screen().availableGeometry() if anchor.screen() else None
        if screen is None:
            return place
        end_x, end_y = screen.x() + screen.width(), screen.y() + screen.height()
        place.setX(max(screen.x(), min(place.x(), end_x - size.width())))
        if place.y() + size.height() > end_y:
            place.setY(anchor.mapToGlobal(QPoint(0, 0)).y() - size.height())
        place.setY(max(screen.y(), min(place.y(), end_y - size.height())))
        return place

    def _pick(self, date: QDate) -> None:
        self.close()
        self.picked.emit(dt.date(date.year(), date.month(), date.day()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close()  # nothing picked, nothing changed
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """An optional date: a text field in the language's way of writing dates, and a calendar.

    `changed` is emitted on every edit (typing, a pick, clearing). `iso()` is
    the date as ISO 8601, None when the field is empty, or the typed text as it
    stands when it is not a date, so the task rules say "not a date" next to it
    rather than the form quietly dropping what was typed.
    """

    changed = Signal()

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setMaxLength(40)
        self.edit.setPlaceholderText(empty_text)
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip(
            tr(
                "Type a date such as {date}, or pick one on the calendar (Alt+Down)",
                date=written(dt.date(2027, 4, 3)),
            )
        )
        # One width for every date field, empty or not (the clear button comes and goes).
        metrics = self.edit.fontMetrics()
        width = max(metrics.horizontalAdvance(empty_text), metrics.horizontalAdvance("00/00/0000"))
        self.edit.setFixedWidth(width + 8 * metrics.averageCharWidth())
        self.calendar_button = QToolButton(self)
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)  # as a drop-down's, in every font
        self.calendar_button.setAutoRaise(True)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down opens it from the field
        self.calendar_button.setToolTip(tr("Pick on a calendar (Alt+Down)"))
        self.calendar_button.clicked.connect(self.open_calendar)
        self.popup: CalendarPopup | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.calendar_button)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(lambda _text: self.changed.emit())
        self.edit.editingFinished.connect(self._tidy)
        self.edit.installEventFilter(self)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's own spelling
        """The name goes on the text field, the widget that takes the focus."""
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.calendar_button.setAccessibleName(tr("Calendar for {field}", field=name))

    # --- the value --------------------------------------------------------------

    def date(self) -> dt.date | None:
        """The date typed or picked; None when empty or not a date."""
        return parse_date(self.edit.text())

    def is_empty(self) -> bool:
        return not self.edit.text().strip()

    def clear_date(self) -> None:
        self.edit.clear()

    def iso(self) -> str | None:
        """ISO 8601 ("2027-04-03"); None when empty; the raw text when it is not a date."""
        text = self.edit.text().strip()
        if not text:
            return None
        day = parse_date(text)
        return day.isoformat() if day is not None else text

    def set_iso(self, value: str | None) -> None:
        """Show a stored date (ISO 8601); None or "" empties the field; other text stays as typed."""
        if not value:
            self.edit.setText("")
            return
        try:
            self.edit.setText(written(dt.date.fromisoformat(value[:10])))
        except ValueError:
            self.edit.setText(value)  # a draft may hold what the person typed, date or not

    def set_date(self, day: dt.date) -> None:
        self.edit.setText(written(day))

    def _tidy(self) -> None:
        """Write a recognised date the standard way ("3.4.27" becomes "03.04.2027")."""
        day = self.date()
        if day is not None and self.edit.text() != written(day):
            self.edit.setText(written(day))

    # --- the calendar -------------------------------------------------------------

    def open_calendar(self) -> None:
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        self.popup.open_at(self.edit, self.date())

    def _picked(self, day: dt.date) -> None:
        self.set_date(day)
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def eventFilter(self, watched: object, event: object) -> bool:  # noqa: N802
        if watched is self.edit and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            wants_calendar = event.key() == Qt.Key.Key_F4 or (
                event.key() == Qt.Key.Key_Down
                and bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            )
            if wants_calendar:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]


def focused_popup() -> CalendarPopup | None:
    """The calendar popup that is open, if any (for tests and the focus walk)."""
    popup = QApplication.activePopupWidget()
    return popup if isinstance(popup, CalendarPopup) else None
