"""Screenshots of the task form, the review and the task view, in Danish, at 1024x600 and 1600x1000.

`xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m tests.ui.form_screenshots [DIR]`
(issue 17: the screens are looked at, at both sizes). Also the date field's
calendar and the Audience popup open, and the review card's confirmation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.ui.screenshots import FOLDER, StillScheduler, save, settle  # sets up the folders first

from PySide6.QtWidgets import QApplication

from desktop import accounts
from desktop.core.entities import BidStatus, TaskStatus
from desktop.core.ids import utc_now
from sync.scheduler import SyncState
from sync.server import demo
from tests.ui.conftest import fill_store
from ui.context import AppContext
from ui.main import install_translators, make_application, style_sheet
from ui.main_window import MainWindow, review_screen, task_view_screen
from ui.review import ReviewPage
from ui.sync_status import SyncLink
from ui.task_form import TaskForm

SIZES = ((1024, 600), (1600, 1000))


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["knop"])
    translators = install_translators(app, "da")
    app.setStyleSheet(style_sheet())
    accounts.SCRYPT_N = 2**10  # type: ignore[misc]

    data = demo.generate(7, tasks=400, people=80)
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    bids = {t.id: [b for b in data.bids if b.task_id == t.id] for t in data.tasks}
    task = next(
        t
        for t in data.tasks
        if t.status == TaskStatus.OPEN
        and sum(b.status == BidStatus.PENDING for b in bids[t.id]) >= 3
    )
    manager = next(p for p in data.people if p.id == task.poster_id)
    context = AppContext(manager, store_path, None, "da")
    link = SyncLink(StillScheduler(), manager.id)
    context.attach_sync(link)
    window = MainWindow(context)
    window.show()
    settle(app, lambda: window.board.model.rowCount() > 0)
    link.scheduler.on_state(SyncState(online=True, last_success=utc_now()))
    for width, height in SIZES:
        window.resize(width, height)
        size = f"{width}x{height}"

        window.go_board()
        window.new_task()
        form = window.current_page()
        assert isinstance(form, TaskForm)
        settle(app, form.isEnabled)
        form.title.setText("Sommerfest på plejehjemmet")
        form.starts_on.edit.setText("3.4.2027")
        form.starts_on.edit.setFocus()
        settle(app)
        save(window, out / f"task_form_{size}_da.png")
        form.ends_on.open_calendar()
        settle(app)
        popup = form.ends_on.popup
        assert popup is not None
        save(popup, out / f"calendar_{size}_da.png")
        popup.close()
        form.audience.showPopup()
        settle(app)
        QApplication.primaryScreen().grabWindow(0).save(str(out / f"audience_{size}_da.png"))
        form.audience.hidePopup()

        window.go_board()
        window.go(task_view_screen, task.id)
        settle(app, lambda: not context.worker.busy())
        save(window, out / f"task_view_{size}_da.png")

        window.go(review_screen, task.id)
        page = window.current_page()
        assert isinstance(page, ReviewPage)
        settle(app, lambda page=page: bool(page.cards))
        save(window, out / f"review_{size}_da.png")
        card = next(c for c in page.cards.values() if c.decision.isVisible())
        card.accept()
        settle(app)
        save(window, out / f"review_confirm_{size}_da.png")
        card.go_back()
    window.show_shortcuts()
    settle(app)
    save(window.shortcuts_dialog, out / "shortcuts_da.png")
    window.shortcuts_dialog.close()
    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
