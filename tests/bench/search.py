"""Search as you type: from a keystroke in the board's search field to the model updated.

The real `ui.board.Board` over a copy of the 100,000-task store, offscreen, on
its real DB thread. Each sample types one key (QTest) into the search field and
waits for `Board.searched`, which the board emits right after the model has
applied the new result (also when the result did not change, so no sample
waits forever).

`searched` comes when the new result's first page (rows included) is in the
model: what the person sees. The whole ordered id list, which the scroll bar
and the exact count need, follows on the DB thread (`Board.counted`); the time
to that is kept in the detail as `whole_*`, so neither figure hides the other.

The board deliberately waits `DEBOUNCE_MS` after a keystroke for the next one;
that pause is not work, so the figure is measured from the moment the debounce
timer fires to the model updated. The time from the keystroke itself (pause
included) is kept in the detail as `keystroke_*`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from tests.bench import scale
from tests.bench.report import Figure, median_of, percentile

# Danish words and prefixes, typed one key at a time, then cleared.
QUERIES = ("sommerfest", "have", "indkøb", "kørsel", "læsning", "ældre", "bibliotek", "maling", "ud")
# Filters changed between query batches: (box attribute, index of the choice).
FILTERS = (("status_box", 0), ("date_box", 2), ("audience_box", 1), ("site_box", 1), ("sort_box", 2))
TIMEOUT_S = 10.0
ROOT = Path(__file__).resolve().parents[2]
MARK = "BENCH-FIGURES "


def run(size: str) -> list[Figure]:
    """Measured in a child process: Qt stays out of the harness, and its exit cannot crash it."""
    answer = subprocess.run(
        [sys.executable, "-m", "tests.bench.search", size],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [line for line in answer.stdout.splitlines() if line.startswith(MARK)]
    if not lines:
        raise RuntimeError(f"the search benchmark failed ({answer.returncode}):\n{answer.stderr[-3000:]}")
    return [Figure(**f) for f in json.loads(lines[-1][len(MARK) :])]


def measure(size: str) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import shiboken6
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.board import DEBOUNCE_MS, Board
    from ui.context import AppContext

    app = QApplication.instance() or QApplication([])
    data = scale.municipality(size)
    person = scale.reader(data)
    fired: list[float] = []
    searched: list[float] = []
    counted: list[float] = []
    queries = QUERIES if size == "full" else QUERIES[:4]

    with tempfile.TemporaryDirectory() as folder:
        path = scale.copy_of_local_store(Path(folder) / "k.sqlite3", size)
        from desktop.store import Store

        Store(path).close()  # a cached store from an older schema migrates here, not in a sample
        context = AppContext(person, path, "bench-device", "da")
        board = Board(context)
        try:
            # Mark the moment the debounce fires, before the board's own slot runs.
            board._debounce.timeout.disconnect()
            board._debounce.timeout.connect(lambda: fired.append(time.perf_counter()))
            board._debounce.timeout.connect(board.search_now)
            board.searched.connect(lambda _n: searched.append(time.perf_counter()))
            board.counted.connect(lambda _n: counted.append(time.perf_counter()))
            board.resize(1200, 800)
            board.show()

            def wait_for(count: int) -> None:
                deadline = time.perf_counter() + TIMEOUT_S
                while len(searched) < count:
                    app.processEvents()
                    if time.perf_counter() > deadline:
                        raise TimeoutError("the board did not answer a search in time")
                    time.sleep(0.0005)

            def settle() -> None:
                """Let the rows on screen arrive, so a sample never waits behind a page load."""
                end = time.perf_counter() + 0.15
                while time.perf_counter() < end or context.worker.busy():
                    app.processEvents()
                    time.sleep(0.001)

            wait_for(1)  # the first search, made by the board itself
            settle()
            board.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
            from_fire: list[float] = []
            whole: list[float] = []
            from_key: list[float] = []
            labels: list[str] = []

            def key(text: str) -> None:
                before = len(searched)
                fired.clear()
                start = time.perf_counter()
                QTest.keyClicks(board.search_field, text)
                wait_for(before + 1)
                end = searched[-1]
                from_key.append((end - start) * 1000)
                from_fire.append((end - (fired[-1] if fired else start)) * 1000)
                labels.append(repr(board.search_field.text()))
                settle()
                if counted and counted[-1] >= end:
                    whole.append((counted[-1] - (fired[-1] if fired else start)) * 1000)

            def type_and_clear(word: str) -> None:
                for letter in word:
                    key(letter)
                board.search_field.clear()  # one more search, for the empty field
                before = len(searched)
                wait_for(before + 1)
                settle()

            for number, word in enumerate(queries):
                if number < len(FILTERS):
                    name, index = FILTERS[number]
                    box = getattr(board, name)
                    index = min(index, box.count() - 1)
                    if box.currentIndex() != index:
                        before = len(searched)
                        fired.clear()
                        start = time.perf_counter()
                        box.setCurrentIndex(index)  # a filter: searches at once, no pause
                        wait_for(before + 1)
                        end = searched[-1]
                        from_key.append((end - start) * 1000)
                        from_fire.append((end - start) * 1000)
                        labels.append(f"{name}={index}")
                        settle()
                type_and_clear(word)
            results = board.model.rowCount()
        finally:
            board.close()
            context.close()
            # Gone now, while Qt is whole, not in whatever order the interpreter's exit picks.
            shiboken6.delete(board)
            shiboken6.delete(context)
            QCoreApplication.sendPostedEvents()
    median = median_of(from_fire)
    p95 = percentile(from_fire, 0.95)
    detail: dict[str, float | int | str] = {
        "p95_ms": p95,
        "runs": len(from_fire),
        "max_ms": max(from_fire),
        "keystroke_median_ms": median_of(from_key),
        "keystroke_p95_ms": percentile(from_key, 0.95),
        "whole_median_ms": median_of(whole) if whole else -1,
        "whole_p95_ms": percentile(whole, 0.95) if whole else -1,
        "debounce_ms": DEBOUNCE_MS,
        "last_result_rows": results,
        "slowest": ", ".join(
            f"{label} {ms:.0f} ms" for ms, label in sorted(zip(from_fire, labels, strict=True), reverse=True)[:5]
        ),
    }
    return [
        Figure("search: keystroke to model (median)", median, "ms", "median <= 30 ms", median <= 30, detail),
        Figure("search: keystroke to model (p95)", p95, "ms", "p95 <= 80 ms", p95 <= 80, detail),
    ]


if __name__ == "__main__":
    print(MARK + json.dumps([asdict(f) for f in measure(sys.argv[1])]), flush=True)
    os._exit(0)  # skip the interpreter's teardown of Qt objects, which can crash PySide6
