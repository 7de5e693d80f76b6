"""Screenshots of reach (issue 14), in Danish: `python -m tests.ui.reach_screenshots [DIR]`.

Writes reach_review_da.png (a manager's review of a task that requires a
børneattest and wants a first-aid certificate: each card says whether the
bidder meets the requirements, or which are missing, never the credentials)
and reach_invite_da.png (My page with the invite dialog and the code to hand
over). Demo data in a throwaway folder; best under Xvfb. Run
`make translations` first, so the Danish catalogue is compiled.
"""

from __future__ import annotations

import sys

from tests.ui.screenshot_setup import danish_application, throwaway_folders

FOLDER = throwaway_folders("knop-reach-shots-")


def main(argv: list[str]) -> int:
    from desktop.core.entities import BidStatus, TaskRequirements, TaskStatus
    from desktop.store import Store
    from sync.server import demo
    from tests.ui.conftest import fill_store
    from tests.ui.screenshots import SIZE, save, save_with_dialog, settle
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.reach import InvitationsTab

    app, translators, out = danish_application(argv)

    data = demo.generate(7, tasks=2000, people=300)
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    people = {p.username: p for p in data.people}
    mette = people["mette"]
    pending = {b.task_id: [] for b in data.bids}
    for bid in data.bids:
        if bid.status == BidStatus.PENDING:
            pending[bid.task_id].append(bid)
    task = next(
        t for t in data.tasks
        if t.site_id == mette.home_site_id and t.status == TaskStatus.OPEN and t.accepted_count == 0
        and len(pending.get(t.id, [])) >= 3
    )
    store = Store(store_path)
    with store.transaction():
        store.put(task.replace(audience="external", version=task.version + 1))
        store.put(TaskRequirements(task.id, {"child_protection": "block", "first_aid": "warn"},
                                   paid_staff_work=True, version=1))
        first, second, *_ = pending[task.id]
        store.put(first.replace(warnings=["first_aid"], version=first.version + 1))
        store.put(second.replace(warnings=["benefit"], version=second.version + 1))
    store.close()

    context = AppContext(mette, store_path, None, "da")
    window = MainWindow(context)
    window.resize(SIZE[0] + 200, SIZE[1] + 80)
    window.show()
    window.open_review(task.id)
    page = window.current_page()
    settle(app, lambda: len(getattr(page, "cards", {})) >= 3)
    settle(app)
    save(window, out / "reach_review_da.png")

    window.go_my_page()
    my_page = window.current_page()
    tabs = my_page.tabs  # type: ignore[attr-defined]
    invitations = next(tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), InvitationsTab))
    tabs.setCurrentWidget(invitations)
    dialog = invitations.open_invite()
    dialog.email.setText("vera.frivillig@example.org")
    dialog.name.setText("Vera Frivillig")
    dialog.message.setPlainText("Vi mangler en til lektiecaféen om tirsdagen. Har du lyst?")
    settle(app)
    dialog.send()
    settle(app, lambda: dialog.handover.isVisible())
    save_with_dialog(app, window, dialog, out / "reach_invite_da.png")

    dialog.close()
    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
