"""Screenshots of lending, a report and the audit trail, in Danish: `python -m tests.ui.oversight_screenshots [DIR]`.

The demo municipality is seeded into a real server database in a throwaway
folder, with lending set to need approval. A few operations go through the
server's own push (so the audit trail holds them, a refusal included): two of
Mette's care-home staff bid on other sites' tasks and are accepted, one
waiting for her yes. Mette's store is filled by pulling her change feed, the
report and the audit trail are the server's own answers for her, and the
screens open on them.

Run `make translations` first, so the Danish catalogue is compiled.
"""

from __future__ import annotations

import json
import sys

from tests.ui.screenshot_setup import danish_application, throwaway_folders

FOLDER = throwaway_folders("knop-oversight-shots-")


def main(argv: list[str]) -> int:
    from desktop import insights as kept
    from desktop import reports as kept_reports
    from desktop.core.entities import Audience, Person, Role, Task, TaskStatus
    from desktop.core.ids import utc_now, uuid7
    from desktop.store import Store
    from sync.server import accounts, audit, demo_seed, directory, feed, migrations, push, reports, storage
    from sync.server.accounts import Caller
    from tests.ui.screenshots import SIZE, settle
    from ui import main_window
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.oversight_audit import AuditScreen
    from ui.oversight_reports import ReportsScreen

    app, translators, out = danish_application(argv)

    data = demo_seed.generate(7, tasks=2000, people=300)
    db = storage.Database(FOLDER / "server.sqlite3", pool_size=1)
    migrations.migrate(db)
    demo_seed.seed(db, data)
    directory.set_lending(db, "approve")
    mette = next(p for p in data.people if p.username == "mette")
    staff = [p for p in data.people if p.home_site_id == mette.home_site_id and p.role == Role.STAFF][:3]
    with db.read() as s:
        open_elsewhere = s.fetch(
            Task,
            "status = ? AND audience <> ? AND site_id <> ? AND seats > accepted_count "
            "ORDER BY created_at DESC LIMIT 3",
            (TaskStatus.OPEN, Audience.SITE, mette.home_site_id),
        )

    # The staff room's computer, enrolled under its name: the trail names it so.
    device = accounts.enrol(db, accounts.new_enrolment_code(db, str(mette.home_site_id)), "PC-PERSONALESTUE-2")

    def as_(person: Person, kind: str, **payload: object) -> dict[str, object]:
        batch = [{"id": uuid7(), "kind": kind, "payload": payload, "author_id": person.id,
                  "device_id": device.device_id, "created_at": utc_now()}]
        (result,) = push.push(db, Caller(person, device.device_id, ""), batch)
        return result

    people = {p.id: p for p in data.people}
    bids = []
    for worker, task in zip(staff, open_elsewhere, strict=False):
        bid_id = uuid7()
        as_(worker, "bid.place", bid_id=bid_id, task_id=task.id, hours=3)
        as_(people[task.poster_id], "bid.accept", bid_id=bid_id)
        bids.append(bid_id)
    if bids:
        as_(mette, "bid.lend", bid_id=bids[0], approve=True)
    if open_elsewhere:
        as_(mette, "task.cancel", task_id=open_elsewhere[0].id)  # refused: not hers
        as_(mette, "task.complete", task_id=open_elsewhere[0].id)  # refused too
    if len(bids) > 2:
        as_(staff[2], "bid.withdraw", bid_id=bids[2])
        as_(mette, "bid.lend", bid_id=bids[2], approve=True)  # refused: withdrawn, nothing waits

    store_path = FOLDER / "knop.sqlite3"
    store = Store(store_path, owner_id=mette.id)
    cursor = None
    with db.read() as s:
        while True:
            page = feed.page(s, mette, cursor, 5000)
            with store.transaction():
                store.apply_changes([json.loads(body) for body in page.bodies])
            cursor = page.cursor
            if not page.more:
                break
        year_ago = f"{int(utc_now()[:4]) - 1}{utc_now()[4:10]}"
        # The report and the trail as the organisation's HR (admin) reads them.
        admin = next(p for p in data.people if p.role == Role.ADMIN)
        report = reports.report(s, admin, site_id=None, since=year_ago, until=utc_now()[:10])
        found = audit.events(s, audit.Filter(limit=60))
        assigned = audit.assignees(s, found)
        trail = {"computed_at": utc_now(), "events": [e.to_row() for e in found],
                 "names": audit.names(s, found, assigned), "assigned": assigned}
    kept.keep(store, kept_reports.REPORTS, report)
    kept.keep(store, kept_reports.AUDIT, trail)
    store.close()
    db.close()

    context = AppContext(mette, store_path, None, "da")
    window = MainWindow(context)
    window.resize(SIZE[0], SIZE[1] + 140)
    window.show()
    window.go_top(main_window.lending_screen)
    page = window.current_page()
    settle(app, lambda: page.work_model.rowCount() > 0)
    if len(bids) > 1:
        page.choose(bids[1])
    settle(app)
    window.grab().save(str(out / "lending_da.png"))
    print(f"wrote {out / 'lending_da.png'}")

    # The report and the trail open on the server's answers (as fetched a moment ago).
    for screen_class, name, answer in (
        (ReportsScreen, "report_da.png", report),
        (AuditScreen, "audit_da.png", trail),
    ):
        screen = screen_class(context, fetcher=lambda _name, _params, body=answer: body)
        screen.resize(SIZE[0] + 300, SIZE[1])
        screen.show()
        settle(app, lambda s=screen: s.model.rowCount() > 0 and "Beregnet" in s.when.text())
        screen.grab().save(str(out / name))
        print(f"wrote {out / name}")
        if screen_class is AuditScreen:  # at 1024 px, nothing chosen, then an accepted bid chosen
            screen.resize(1024, SIZE[1])
            settle(app)
            screen.grab().save(str(out / "audit_1024_da.png"))
            accepted = next(i for i, e in enumerate(screen.model.rows()) if e.operation == "bid.accept")
            screen.table.selectRow(accepted)
            settle(app)
            screen.grab().save(str(out / "audit_1024_chosen_da.png"))
            print(f"wrote {out / 'audit_1024_da.png'} and {out / 'audit_1024_chosen_da.png'}")
        screen.close()

    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
