"""Screenshot of organisations as tenants (issue 16), in Danish: `python -m tests.ui.tenants_screenshots [DIR]`.

Writes tenants_board_da.png: Anna's board filtered to tasks opened to other
municipalities, where the neighbouring municipality's tasks name their
municipality beside the site. Demo data in a throwaway folder; best under
Xvfb. Run `make translations` first, so the Danish catalogue is compiled.
"""

from __future__ import annotations

import sys

from tests.ui.screenshot_setup import danish_application, throwaway_folders

FOLDER = throwaway_folders("knop-tenants-shots-")  # before Knop reads its folders


def main(argv: list[str]) -> int:
    from desktop.core.entities import Audience, Task
    from desktop.store import Store
    from sync.server import demo
    from tests.ui.conftest import fill_store
    from tests.ui.neighbours import add_neighbour
    from tests.ui.screenshots import SIZE, save, settle
    from ui.context import AppContext
    from ui.main_window import MainWindow

    app, translators, out = danish_application(argv)

    data = demo.generate(7, tasks=2000, people=300)
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    add_neighbour(store_path, data.tasks, count=5)
    # A few of the demo municipality's own tasks opened to the neighbours too.
    store = Store(store_path)
    with store.transaction():
        own = [t for t in store.fetch(Task, "status = 'open' AND audience = 'organisation' LIMIT 4")]
        for task in own:
            store.put(task.replace(audience=Audience.ORGANISATIONS, version=task.version + 1))
    store.close()

    anna = next(p for p in data.people if p.username == "anna")
    context = AppContext(anna, store_path, None, "da")
    window = MainWindow(context)
    window.resize(*SIZE)  # the municipality is on a line of its own under the site: no need to widen
    window.show()
    board = window.board
    settle(app, lambda: board.model.rowCount() > 0 and board.model.is_loaded(board.model.task_id(0) or ""))
    board.audience_box.setCurrentIndex(board.audience_box.findData(Audience.ORGANISATIONS.value))
    settle(app, lambda: board.filters().audience == Audience.ORGANISATIONS.value and not context.worker.busy())
    settle(app)
    save(window, out / "tenants_board_da.png")
    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
