"""The README's pictures of the task page, the task form, My page and the review, in Danish: `python -m tests.ui.readme_screenshots [DIR]`.

Writes task_da.png (Anna's page of an open task she has not bid on, with its
conversation), task_form_da.png (Anna posting a task), my_page_da.png (Anna's
own page) and review_da.png (a site manager's review of bids whose bidders show
skills confirmed by finished tasks, as the README says), at 1280x720, in the
real main window over demo data in a throwaway folder, online as a synced PC
shows it. Best under Xvfb (`xvfb-run -a -s "-screen 0 1600x1000x24" ...`);
`make translations` first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.ui.screenshots import FOLDER, StillScheduler, save, settle  # sets up the folders first

from PySide6.QtWidgets import QApplication

from desktop import accounts
from desktop.core import permissions
from desktop.core.entities import Bid, BidStatus, Evidence, Person, TaskStatus
from desktop.core.ids import utc_now
from sync.scheduler import SyncState
from sync.server import demo
from tests.ui.conftest import fill_store
from tests.ui.screenshot_setup import danish_application
from ui.context import AppContext
from ui.main_window import MainWindow, review_screen, task_view_screen
from ui.review import ReviewPage
from ui.sync_status import SyncLink
from ui.task_form import TaskForm

SIZE = (1280, 720)


def opened(app: QApplication, store_path: Path, person: Person) -> tuple[MainWindow, AppContext]:
    """`person`'s main window at SIZE, online and synced a moment ago, the board loaded."""
    context = AppContext(person, store_path, None, "da")
    link = SyncLink(StillScheduler(), person.id)
    context.attach_sync(link)
    window = MainWindow(context)
    window.resize(*SIZE)
    window.show()
    settle(app, lambda: window.board.model.rowCount() > 0)
    link.scheduler.on_state(SyncState(online=True, last_success=utc_now()))
    return window, context


def closed(window: MainWindow, context: AppContext) -> None:
    window.tear_down()
    window.close()
    context.close()


def main(argv: list[str]) -> int:
    app, translators, out = danish_application(argv)
    accounts.SCRYPT_N = 2**10  # type: ignore[misc]  # nobody attacks a screenshot

    data = demo.generate(7, tasks=2000, people=300)
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    people = {p.id: p for p in data.people}
    anna = next(p for p in data.people if p.username == "anna")
    bids_on: dict[str, list[Bid]] = {}
    for bid in data.bids:
        bids_on.setdefault(bid.task_id, []).append(bid)
    comments_on: dict[str, int] = {}
    for comment in data.comments:
        comments_on[comment.task_id] = comments_on.get(comment.task_id, 0) + 1
    shown_by_work = {s.person_id for s in data.person_skills if s.evidence != Evidence.SELF_DECLARED}

    # Anna: a task she may bid on and has not, with a conversation; her page; a new task.
    window, context = opened(app, store_path, anna)
    task = max(
        (
            t
            for t in data.tasks
            if t.status == TaskStatus.OPEN
            and permissions.may_bid_on(anna, t)
            and not any(b.bidder_id == anna.id for b in bids_on.get(t.id, []))
        ),
        key=lambda t: min(comments_on.get(t.id, 0), 3),
    )
    window.go(task_view_screen, task.id)
    settle(app, lambda: not context.worker.busy())
    save(window, out / "task_da.png")
    window.go_my_page()
    settle(app, lambda: not context.worker.busy())
    save(window, out / "my_page_da.png")
    window.go_board()
    window.new_task()
    form = window.current_page()
    assert isinstance(form, TaskForm)
    settle(app, form.isEnabled)
    form.title.setText("Sommerfest på plejehjemmet")
    form.description.setPlainText("Vi mangler hænder til borddækning, kaffe og oprydning.")
    form.title.setFocus()
    settle(app)
    save(window, out / "task_form_da.png")
    closed(window, context)

    # A manager's review: the open task whose pending bidders most often show skills confirmed by work.
    def shown(t_id: str) -> int:
        return sum(b.bidder_id in shown_by_work for b in bids_on.get(t_id, []) if b.status == BidStatus.PENDING)

    reviewed = max(
        (t for t in data.tasks if t.status == TaskStatus.OPEN and t.accepted_count == 0), key=lambda t: shown(t.id)
    )
    window, context = opened(app, store_path, people[reviewed.poster_id])
    window.go(review_screen, reviewed.id)
    page = window.current_page()
    assert isinstance(page, ReviewPage)
    settle(app, lambda: bool(page.cards))
    save(window, out / "review_da.png")
    closed(window, context)
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
