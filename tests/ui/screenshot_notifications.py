"""The notification centre's screenshot for the README, in Danish with demo data.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m tests.ui.screenshot_notifications [DIR]

Writes notifications_da.png (run `make translations` first, so the Danish is compiled).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from tests.ui import screenshots  # first: it points the KNOP_*_DIR folders somewhere safe
from desktop import notifications
from desktop.core.entities import NoticeRead, Person, Task
from desktop.core.notices import Notice, NoticeKind
from desktop.store import Store
from sync.server import demo
from tests.ui.conftest import fill_store
from ui.context import AppContext
from ui.main import install_translators, make_application, style_sheet
from ui.main_window import MainWindow
from ui.notifications import NotificationCentre

def seed(store: Store, anna: Person, people: dict[str, Person]) -> str:
    """Anna's notifications of the last days, two of them read; returns the newest task's id."""
    tasks = store.fetch(Task, "status = 'open' ORDER BY created_at DESC LIMIT 6")
    managers = [p for p in people.values() if p.role == "site_manager"]
    now = dt.datetime.now(dt.UTC)
    kinds = (
        (NoticeKind.BID_ACCEPTED, {"message": "Velkommen"}),
        (NoticeKind.COMMENT_NEW, {}),
        (NoticeKind.TASK_CHANGED, {}),
        (NoticeKind.TASK_FITS_SEARCH, {"search": "Udflugter"}),
        (NoticeKind.TASK_STARTS_TOMORROW, {}),
        (NoticeKind.TASK_FITS_SKILLS, {}),
    )
    found = []
    for n, ((kind, facts), task) in enumerate(zip(kinds, tasks, strict=False)):
        at = (now - dt.timedelta(hours=5 * n + 1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        who = managers[n % len(managers)].name
        found.append(
            Notice(f"{kind}:{task.id}", kind, anna.id, task.id, None, at,
                   {"title": task.title, "who": who, **facts})
        )
    with store.transaction():
        notifications.keep(store, anna.id, found)
        for notice in found[3:5]:
            store.put(NoticeRead(anna.id, notice.id, read_at=found[0].at, version=1))
    return found[0].task_id


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["knop"])
    translators = install_translators(app, "da")
    app.setStyleSheet(style_sheet())
    data = demo.generate(7, tasks=2000, people=300)
    store_path = fill_store(screenshots.FOLDER / "knop.sqlite3", data)
    people = {p.username: p for p in data.people}
    anna = people["anna"]
    store = Store(store_path, owner_id=anna.id)
    try:
        seed(store, anna, people)
    finally:
        store.close()

    context = AppContext(anna, store_path, None, "da")
    window = MainWindow(context)
    window.resize(*screenshots.SIZE)
    window.show()
    screenshots.settle(app, lambda: window.bell.unread == 4)
    window.bell.click()
    centre = window.current_page()
    assert isinstance(centre, NotificationCentre)
    screenshots.settle(app, lambda: centre.list.count() == 6 and not context.worker.busy())
    screenshots.save(window, out / "notifications_da.png")
    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
