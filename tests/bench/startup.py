"""Start-up: process start to the board shown and usable, against a bare PySide6 window.

Both are child processes, offscreen, measured in the same run, alternately:

- knop: the app's own start-up pieces (QApplication as `ui.main` makes it, the
  translators, the style sheet), an `AppContext` over a copy of the
  100,000-task store and the real `MainWindow` shown; usable means the board's
  first search is applied to the model and the first screenful of rows has
  arrived. The login screen is left out: typing a password is not start-up.
- bare: a QApplication and a QMainWindow holding an empty QTableView, shown.

Each child imports only what it needs (this module imports the harness's
helpers inside `run`), so the bare window is not slowed by Knop's modules.

The clock runs from just before the child is started to the moment it says it
is ready (wall clock, same machine). The figure is the ratio of the medians.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUNS = {"full": 5, "quick": 3}
READY = "READY "


def run(size: str) -> list[Any]:
    # Imported here, not at the top: both children import this module, and the
    # bare window must not pay for loading Knop's demo data and store modules.
    from tests.bench import scale
    from tests.bench.report import Figure, median_of

    person = scale.reader(scale.municipality(size))
    knop: list[float] = []
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        store = scale.copy_of_local_store(Path(folder) / "knop.sqlite3", size)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "KNOP_CONFIG_DIR": str(Path(folder) / "config"),
            "KNOP_DATA_DIR": str(Path(folder) / "data"),
            "KNOP_LOG_DIR": str(Path(folder) / "log"),
            # An installed Knop starts from compiled bytecode (the bundle ships .pyc), so
            # the warm-up below writes it, to a folder of its own, and the runs use it;
            # with PYTHONDONTWRITEBYTECODE inherited, every run compiled all of Knop.
            "PYTHONPYCACHEPREFIX": str(Path(folder) / "pycache"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        knop_command = [sys.executable, "-m", "tests.bench.startup", "knop", str(store), person.id]
        bare_command = [sys.executable, "-m", "tests.bench.startup", "bare"]
        _start(knop_command, env)  # warm the page cache and the bytecode for both
        _start(bare_command, env)
        for _ in range(RUNS[size]):
            knop.append(_start(knop_command, env))
            bare.append(_start(bare_command, env))
    ratio = median_of(knop) / median_of(bare)
    return [
        Figure(
            "startup: board usable vs bare window",
            ratio,
            "x",
            "<= 2x a bare QMainWindow",
            ratio <= 2,
            {
                "knop_median_s": median_of(knop),
                "bare_median_s": median_of(bare),
                "knop_max_s": max(knop),
                "runs": len(knop),
            },
        )
    ]


def _start(command: list[str], env: dict[str, str]) -> float:
    started = time.time()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = child.communicate(timeout=120)
    lines = [line for line in out.splitlines() if line.startswith(READY)]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"{command[3]} did not start ({child.returncode}):\n{err[-3000:]}")
    return float(lines[-1][len(READY) :]) - started


def _ready() -> None:
    print(f"{READY}{time.time():.6f}", flush=True)
    os._exit(0)  # the figure is about starting, not stopping


def _bare() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv)
    window = QMainWindow()
    view = QTableView(window)
    view.setModel(QStandardItemModel(0, 7, view))
    window.setCentralWidget(view)
    window.resize(1200, 800)
    window.show()
    QTimer.singleShot(0, _ready)  # after the show has been processed
    app.exec()


def _knop(store_path: str, person_id: str) -> None:
    from PySide6.QtCore import QTimer

    from desktop.core.entities import Person
    from desktop.settings import Settings
    from desktop.store import Store
    from ui import main
    from ui.context import AppContext
    from ui.main_window import MainWindow

    app = main.make_application(sys.argv)
    translators = main.install_translators(app, "da")  # noqa: F841 - kept alive
    app.setStyleSheet(main.style_sheet())
    store = Store(store_path, owner_id=person_id)
    person = store.get(Person, person_id)
    store.close()
    assert person is not None
    context = AppContext(person, store_path, "bench-device", "da", settings=Settings())
    window = MainWindow(context)
    window.resize(1200, 800)
    window.show()
    board = window.board
    searched: list[int] = []
    board.searched.connect(searched.append)

    def check() -> None:
        if not searched:
            return
        model = board.model
        first = model.task_id(0)
        if first is None or model.is_loaded(first):
            _ready()

    poll = QTimer(interval=1)
    poll.timeout.connect(check)
    poll.start()
    app.exec()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        _bare()
    else:
        _knop(sys.argv[2], sys.argv[3])
