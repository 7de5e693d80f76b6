"""Client memory: peak RSS of the app while browsing the 100,000-task store.

A child process (so nothing else this suite loaded counts) opens the real
`MainWindow` over a copy of the store, offscreen, and browses: the whole
board scrolled to the end (page by page, or in 300 even jumps when longer) (every row fetched and drawn, the row
cache cycling), back to the top, then a few searches typed and cleared. Peak
RSS is the child's VmHWM (/proc/self/status), falling back to
`resource.getrusage(RUSAGE_SELF).ru_maxrss` where there is no /proc.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import scale
from tests.bench.report import Figure

ROOT = Path(__file__).resolve().parents[2]
MARK = "MEMORY "
TARGET_MB = 300
MAX_STEPS = 300
SEARCHES = ("sommerfest", "have", "ældre", "kør")


def run(size: str) -> list[Figure]:
    person = scale.reader(scale.municipality(size))
    with tempfile.TemporaryDirectory() as folder:
        store = scale.copy_of_local_store(Path(folder) / "knop.sqlite3", size)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "KNOP_CONFIG_DIR": str(Path(folder) / "config"),
            "KNOP_DATA_DIR": str(Path(folder) / "data"),
            "KNOP_LOG_DIR": str(Path(folder) / "log"),
        }
        answer = subprocess.run(
            [sys.executable, "-m", "tests.bench.memory", str(store), person.id],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
        )
    lines = [line for line in answer.stdout.splitlines() if line.startswith(MARK)]
    if answer.returncode != 0 or not lines:
        raise RuntimeError(f"the memory benchmark failed ({answer.returncode}):\n{answer.stderr[-3000:]}")
    found = json.loads(lines[-1][len(MARK) :])
    peak = found["peak_mb"]
    return [
        Figure(
            "memory: peak RSS browsing the board",
            peak,
            "MB",
            f"<= {TARGET_MB} MB",
            peak <= TARGET_MB,
            {k: v for k, v in found.items() if k != "peak_mb"},
        )
    ]


def _browse(store_path: str, person_id: str) -> None:
    import resource

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.core.entities import Person
    from desktop.settings import Settings
    from desktop.store import Store
    from ui import main
    from ui.context import AppContext
    from ui.main_window import MainWindow

    def peak_mb() -> float:
        # VmHWM: this process's own peak. ru_maxrss would not do: Linux carries it over
        # exec from the forked parent, so the harness's 100,000 demo tasks would count.
        with contextlib.suppress(OSError):
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    app = main.make_application(sys.argv)
    translators = main.install_translators(app, "da")  # noqa: F841 - kept alive
    app.setStyleSheet(main.style_sheet())
    at_qt_mb = peak_mb()
    store = Store(store_path, owner_id=person_id)
    person = store.get(Person, person_id)
    store.close()
    assert person is not None
    context = AppContext(person, store_path, "bench-device", "da", settings=Settings())
    at_context_mb = peak_mb()
    window = MainWindow(context)
    window.resize(1280, 900)
    window.show()
    board = window.board
    searched: list[int] = []
    board.searched.connect(searched.append)

    def pump(until: object, timeout: float = 30.0) -> None:
        deadline = time.perf_counter() + timeout
        while not until():  # type: ignore[operator]
            app.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("the board did not answer in time")
            time.sleep(0.0005)

    def idle() -> None:
        pump(lambda: not context.worker.busy())
        app.processEvents()

    pump(lambda: searched)  # the board's own first search (open tasks)
    idle()
    at_first_search_mb = peak_mb()
    # Every task, whatever its status (the board opens on open ones), so there is the most
    # to scroll through. ("Clear filters" goes back to open tasks.)
    board.status_box.setCurrentIndex(0)
    board.search_now()
    pump(lambda: searched)
    idle()
    started_mb = peak_mb()
    rows = board.model.rowCount()
    bar = board.view.verticalScrollBar()
    # Page by page, or in as many even jumps as MAX_STEPS (a drag of the scroll bar) when longer.
    step = max(1, bar.pageStep(), bar.maximum() // MAX_STEPS)
    pages = 0
    value = 0
    while value < bar.maximum():
        value = min(bar.maximum(), value + step)
        bar.setValue(value)
        board.view.viewport().repaint()
        app.processEvents()
        idle()
        board.view.viewport().repaint()  # draw the rows that just arrived
        pages += 1
    after_scroll_mb = peak_mb()
    bar.setValue(0)
    idle()
    board.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
    for word in SEARCHES:
        for letter in word:
            before = len(searched)
            QTest.keyClicks(board.search_field, letter)
            pump(lambda before=before: len(searched) > before)
            idle()
        board.search_field.clear()
        pump(lambda: not board._debounce.isActive())
        idle()
    print(
        MARK
        + json.dumps(
            {
                "peak_mb": peak_mb(),
                "after_qt_mb": at_qt_mb,
                "after_store_open_mb": at_context_mb,
                "after_first_search_mb": at_first_search_mb,
                "after_all_tasks_mb": started_mb,
                "after_scroll_mb": after_scroll_mb,
                "rows": rows,
                "pages_scrolled": pages,
            }
        ),
        flush=True,
    )
    os._exit(0)


if __name__ == "__main__":
    _browse(sys.argv[1], sys.argv[2])
