"""Python's cycle collector runs on the UI thread only, on a timer.

Why: CPython collects cycles in whichever thread happens to allocate past a
threshold, the DB thread or the sync thread as often as the UI thread. A
cycle that holds a widget's wrapper (a lambda in a widget's attribute that
names the widget, a job's callbacks) is then freed there, off the thread the
widget belongs to, which can crash Qt or leave it waiting forever. So the
automatic collector is switched off and the UI thread collects, as CPython
would have (the same generations and thresholds), once a second.

The technique is the one of Erik Janssens ("Should Python garbage collector be
called from the GUI thread?", pydev.blogspot.com, 2014), also in pyqtgraph's
`GarbageCollector` and Spyder's `QGarbageCollector`. Plain reference counting,
which frees everything that is not in a cycle, is unchanged.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000  # pyqtgraph's default: cycles wait at most a second longer than before


class MainThreadCollector(QObject):
    """Switches automatic collection off while started; collects due generations on the UI thread.

    Create and start it on the UI thread (it lives there, with its timer). `stop()`
    collects once more and gives automatic collection back as it found it.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count is past its threshold, as CPython does.

        Returns the generation collected, or -1 when none was due.
        """
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = -1
        for generation in range(3):
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                due = generation
        if due >= 0:
            gc.collect(due)
        return due
