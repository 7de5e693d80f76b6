"""The task form's clock times and weekly repeat: "Tuesday 14:00-20:00", the weekly homework café.

A block of its own beside the form's date fields (ui/task_form.py): two
time fields and a check box. A time field is plain text ("14:00", "9.30"), so
an empty one stays empty and Tab always moves on; the shared rules judge what
was typed (`payload.parse_time`), and the form shows their sentence under it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRegularExpression, QSize
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QLineEdit, QSizePolicy, QStyle, QStyleOptionFrame, QWidget

from desktop.core.entities import Repeats
from ui.words import tr

# What a time field lets through while someone types; the rules judge the rest.
_TYPING = QRegularExpression(r"^\d{0,2}([:.]\d{0,2})?$")


class TimeField(QLineEdit):
    """A clock time's field, as wide as its hint ("F.eks. 14:00") in the font it is shown in.

    Measured when asked, not when made: only once the style sheet has set the
    font and the paddings is the width right (a width from the font at
    construction cut the hint to "F.eks.…").
    """

    def sizeHint(self) -> QSize:  # noqa: N802
        metrics = self.fontMetrics()
        text = max(self.placeholderText(), "00:00", key=metrics.horizontalAdvance)
        margins = self.textMargins()
        # QLineEdit keeps 2 px a side for the cursor inside its contents (its horizontalMargin).
        inside = QSize(metrics.horizontalAdvance(text) + 4 + margins.left() + margins.right() + 2, 0)
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        wanted = self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, option, inside, self)
        return QSize(wanted.width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())


class TaskTimes:
    """The widgets and values of the block; `changed(name)` fires as a field is edited."""

    def __init__(self, parent: QWidget, changed: Callable[[str], None]) -> None:
        # Each its own example: the same "E.g. 14:00" under "To" read as a start (a try-out).
        self.start = self._time_field(parent, tr("Start time"), tr("E.g. 14:00"))
        self.end = self._time_field(parent, tr("End time"), tr("E.g. 16:00"))
        self.weekly = QCheckBox(tr("Every &week, until the end date"), parent)
        self.weekly.setAccessibleName(tr("Repeats every week"))
        self.start.textChanged.connect(lambda *_: changed("start_time"))
        self.end.textChanged.connect(lambda *_: changed("end_time"))
        self.weekly.toggled.connect(lambda *_: changed("repeats"))

    @staticmethod
    def _time_field(parent: QWidget, name: str, example: str) -> QLineEdit:
        field = TimeField(parent)
        field.setAccessibleName(name)
        field.setPlaceholderText(example)
        field.setMaxLength(5)
        field.setValidator(QRegularExpressionValidator(_TYPING, field))
        field.setSizePolicy(QSizePolicy.Policy.Fixed, field.sizePolicy().verticalPolicy())
        return field

    def widgets(self) -> dict[str, QWidget]:
        """Field name -> the widget to focus for it, in tab order."""
        return {"start_time": self.start, "end_time": self.end, "repeats": self.weekly}

    def values(self) -> dict[str, Any]:
        """{"start_time", "end_time": text or None, "repeats": "" or "weekly"}."""
        return {
            "start_time": self.start.text().strip() or None,
            "end_time": self.end.text().strip() or None,
            "repeats": str(Repeats.WEEKLY if self.weekly.isChecked() else Repeats.NEVER),
        }

    def fill(self, values: dict[str, Any]) -> None:
        self.start.setText(str(values.get("start_time") or ""))
        self.end.setText(str(values.get("end_time") or ""))
        self.weekly.setChecked(values.get("repeats") == Repeats.WEEKLY)

