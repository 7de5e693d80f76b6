"""Screenshots of try-out 21's places, in Danish: `python -m tests.ui.decision_screenshots [DIR] [LANGUAGE]`.

What a site manager, a staff member and a volunteer met (run under Xvfb,
`xvfb-run -a -s "-screen 0 1600x1000x24" ...`; `make translations` first):

- review_decline_rest_*.png: the question "Decline the rest?" over the review, and the
  review's status line once the last seat is filled (Mette's);
- bid_form_*.png: a task's bid form at 1024x600 and 1600x1000 (Anna's);
- lending_*.png: the lending overview, its hours right-aligned, finished work with hours;
- outsider_guidelines_*.png: the volunteer's guidelines over a task he may bid on (Ole's),
  the ones the seeded demo publishes (`sync.server.demo_seed.publish_guidelines`).

LANGUAGE is "da" (the default) or "en".
"""

from __future__ import annotations

import sys

from tests.ui.screenshot_setup import throwaway_folders

FOLDER = throwaway_folders("knop-decision-shots-")

WINDOW_SIZES = ((1024, 560), (1600, 1000))  # a 1024x600 screen less a title bar and a panel; a big one


def main(argv: list[str]) -> int:
    from desktop.core import permissions
    from desktop.core.entities import BidStatus, Guideline, Person, Role, TaskStatus
    from desktop.core.ids import utc_now
    from desktop.store import Store
    from sync.server import demo, demo_seed, migrations, storage
    from tests.ui.conftest import fill_store
    from tests.ui.screenshot_setup import danish_application
    from tests.ui.screenshots import save, save_with_dialog, settle
    from ui import main_window
    from ui.context import AppContext
    from ui.guidelines import GuidelinesWatch
    from ui.main import install_translators
    from ui.main_window import MainWindow
    from ui.oversight_lending import LendingScreen
    from ui.review import ReviewPage
    from ui.task_view import TaskView

    language = argv[1] if len(argv) > 1 else "da"
    app, translators, out = danish_application(argv[:1])
    if language != "da":
        translators = install_translators(app, language)

    data = demo.generate(7, tasks=400, people=80)
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    server = storage.Database(FOLDER / "server.sqlite3", pool_size=1)
    migrations.migrate(server)
    demo_seed.seed(server, data)
    demo_seed.publish_guidelines(server, data)
    with server.read() as s:
        published = s.fetch(Guideline, "1 = 1")
    server.close()
    store = Store(store_path)
    with store.transaction():
        store.put_rows(Guideline, (g.to_row() for g in published))
    store.close()
    people = {p.username: p for p in data.people}
    tasks = {t.id: t for t in data.tasks}

    def window_of(username: str, size: tuple[int, int], person: Person | None = None) -> tuple[MainWindow, AppContext]:
        context = AppContext(person or people[username], store_path, None, language)
        window = MainWindow(context)
        window.resize(*size)
        window.show()
        settle(app, lambda: window.board.model.rowCount() > 0)
        return window, context

    def closed(window: MainWindow, context: AppContext) -> None:
        window.tear_down()
        context.close()

    # The review: the last seat filled, then "Decline the rest".
    task = next(
        t for t in data.tasks
        if t.status == TaskStatus.OPEN and t.accepted_count == 0
        and sum(b.task_id == t.id and b.status == BidStatus.PENDING for b in data.bids) >= 3
    )
    poster = next(p for p in data.people if p.id == task.poster_id)
    window, context = window_of("", (1280, 760), poster)
    edited: list[object] = []
    context.perform(
        "task.edit", {"task_id": task.id, "changes": {"seats": 1}, "base": {"seats": task.seats}}
    ).success(edited.append).run_in_background()
    settle(app, lambda: bool(edited))
    window.go(main_window.review_screen, task.id)
    page = window.current_page()
    assert isinstance(page, ReviewPage)
    settle(app, lambda: bool(page.cards))
    card = next(c for c in page.cards.values() if c.decision.isVisible())
    card.accept_button.click()
    card.confirm_button.click()
    settle(app, lambda: page.data is not None and page.data.task.accepted_count == 1)
    save(window, out / f"review_last_seat_{language}.png")
    page.rest_note.setText("Tak for buddet; vi har fundet en.")
    page.decline_rest_button.click()
    box = page.decline_rest_question
    assert box is not None
    save_with_dialog(app, window, box, out / f"review_decline_rest_{language}.png")
    box.reject()
    closed(window, context)

    # The bid form, at a small laptop's size and a big screen's.
    anna = people["anna"]
    biddable = next(
        t for t in data.tasks
        if t.status == TaskStatus.OPEN and permissions.may_bid_on(anna, t)
        and not any(b.task_id == t.id and b.bidder_id == anna.id for b in data.bids)
        and (t.bid_deadline is None or t.bid_deadline >= utc_now()[:10])
    )
    for size in WINDOW_SIZES:
        window, context = window_of("anna", size)
        window.open_task(biddable.id)
        view = window.current_page()
        assert isinstance(view, TaskView)
        settle(app, lambda v=view: v.place_button.isVisible())
        view.bid_message.setPlainText(
            "Jeg har stået for tre sommerfester på Solhaven og kender beboerne godt. "
            "Jeg kan tage med fra kl. 14 og blive til oprydningen er færdig. "
            "Grillen har jeg også styr på, og jeg tager gerne et par kolleger med."
        )
        settle(app)
        save(window, out / f"bid_form_{size[0]}x{size[1]}_{language}.png")
        closed(window, context)

    # Lending: the manager whose staff have the most finished work on other sites.
    def finished_away(manager: Person) -> int:
        home = manager.home_site_id
        return sum(
            b.status == BidStatus.ACCEPTED and b.home_site_id == home and tasks[b.task_id].site_id != home
            and tasks[b.task_id].status == TaskStatus.DONE
            for b in data.bids
        )

    manager = max((p for p in data.people if p.role == Role.SITE_MANAGER), key=finished_away)
    window, context = window_of("", (1280, 760), manager)
    window.go(main_window.lending_screen)
    lending = window.current_page()
    assert isinstance(lending, LendingScreen)
    settle(app, lambda: lending.work_model.rowCount() > 0)
    save(window, out / f"lending_{language}.png")
    closed(window, context)

    # The volunteer: the guidelines come up as he starts, over a task he may bid on.
    ole = people["ole"]
    outsiders_task = next(
        t for t in data.tasks
        if t.status == TaskStatus.OPEN and permissions.may_bid_on(ole, t) and t.accepted_count < t.seats
        and (t.bid_deadline is None or t.bid_deadline >= utc_now()[:10])
    )
    window, context = window_of("ole", (1280, 760))
    window.open_task(outsiders_task.id)
    watch = GuidelinesWatch(context, window)
    watch.start()
    settle(app, lambda: watch.dialog is not None)
    assert watch.dialog is not None
    save_with_dialog(app, window, watch.dialog, out / f"outsider_guidelines_{language}.png")
    watch.dialog.reject()
    closed(window, context)
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
