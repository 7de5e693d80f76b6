"""The task form's clock times and weekly repeat: "Tuesday 14:00-20:00", the weekly homework café.

A block of its own beside the form's date fields (ui/task_form.py): two
time fields and a check box. A time field is plain text ("14:00", "9.30"), so
an empty one stays empty and Tab always moves on; the shared rules judge what
was typed (`payload.parse_time`), and the form shows their sentence under it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from desktop.core.entities import Repeats
from ui.words import tr

# What a time field lets through while someone types; the rules judge the rest.
_TYPING = QRegularExpression(r"^\d{0,2}([:.]\d{0,2})?$")


class TaskTimes:
    """The widgets and values of the block; `changed(name)` fires as a field is edited."""

    def __init__(self, parent: QWidget, changed: Callable[[str], None]) -> None:
        self.start = self._time_field(parent, tr("Start time"))
        self.end = self._time_field(parent, tr("End time"))
        self.weekly = QCheckBox(tr("Every &week, until the end date"), parent)
        self.weekly.setAccessibleName(tr("Repeats every week"))
        self.start.textChanged.connect(lambda *_: changed("start_time"))
        self.end.textChanged.connect(lambda *_: changed("end_time"))
        self.weekly.toggled.connect(lambda *_: changed("repeats"))

    @staticmethod
    def _time_field(parent: QWidget, name: str) -> QLineEdit:
        field = QLineEdit(parent)
        field.setAccessibleName(name)
        field.setPlaceholderText(tr("E.g. 14:00"))
        field.setMaxLength(5)
        field.setValidator(QRegularExpressionValidator(_TYPING, field))
        field.setMaximumWidth(10 * field.fontMetrics().averageCharWidth() + 16)
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

