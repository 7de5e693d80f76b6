"""Screenshots of reach (issue 14), in Danish: `python -m tests.ui.reach_screenshots [DIR]`.

Writes reach_review_da.png (a manager's review of a task that requires a
børneattest and wants a first-aid certificate: each card says whether the
bidder meets the requirements, or which are missing, never the credentials)
reach_invite_da.png (My page with the invite dialog and the code to hand
over), reach_invitations_da.png (the invitations' statuses, one for each of
what became of the e-mail) and reach_accept_da.png (the invitee's form). Demo data in a throwaway folder; best under Xvfb. Run
`make translations` first, so the Danish catalogue is compiled.
"""

from __future__ import annotations

import sys

from tests.ui.screenshot_setup import danish_application, throwaway_folders

FOLDER = throwaway_folders("knop-reach-shots-")


def main(argv: list[str]) -> int:
    from desktop.core.entities import BidStatus, InvitationMail, MemberInvitation, TaskRequirements, TaskStatus
    from desktop.core.ids import uuid7
    from desktop.settings import Settings
    from ui.invitation import AcceptInvitationDialog
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
        for number, mail in enumerate(InvitationMail):  # one invitation for each state of its e-mail
            store.put(MemberInvitation(
                id=uuid7(), email=f"gaest{number}@example.org", name=f"Gæst {number}", kind="volunteer",
                site_id=str(mette.home_site_id), invited_by=mette.id, code_hash="0" * 64,
                expires_at="2099-01-01T00:00:00.000Z", created_at=f"2026-11-2{number}T10:00:00.000Z",
                version=2, mail=str(mail),
            ))
    store.close()

    settings = Settings(server_url="https://knop.egeskov.dk")
    context = AppContext(mette, store_path, None, "da", settings=settings)
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
    settle(app, lambda: invitations.model.rowCount() >= len(InvitationMail))
    save(window, out / "reach_invitations_da.png")
    accepting = AcceptInvitationDialog("https://knop.egeskov.dk", window)
    accepting.show()
    settle(app)
    save(accepting, out / "reach_accept_da.png")
    accepting.close()
    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
