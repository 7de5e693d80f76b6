"""Qt's signals leave Python's own objects as they found them.

PySide6 6.12.0 released a reference to True on every `Signal.emit()`, whatever
was emitted. Knop emits on every database job, sync state and keystroke search,
so a working day drained True's reference count and the app died with "Fatal
Python error: bool_dealloc" (first seen at the exit of a test process that ran
the self-test a dozen times). pyproject.toml keeps such a PySide6 out; this
test fails on it.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal


class _Emitter(QObject):
    finished = Signal(int, bool, object)  # a bool among other values, as Knop's signals carry


def test_emitting_does_not_drain_true_or_false(qapp: Any) -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.finished.connect(
        lambda _id, ok, _result: received.append(ok), Qt.ConnectionType.QueuedConnection
    )
    qapp.processEvents()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(500):
        emitter.finished.emit(n, n % 2 == 0, None)
    qapp.processEvents()
    received.clear()
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
