"""Screenshots of the competence map and the network picture, in Danish: `python -m tests.ui.insight_screenshots [DIR]`.

The demo municipality (with its two years of history) is seeded into a real
server database in a throwaway folder, and the server's own code computes the
answers an admin gets. The screens ask for them as online (the report's and
the audit trail's pictures do the same): each request, the drill-down's
people behind a skill included, is answered with what the server computed,
so the pictures show the fresh numbers, not the offline line ("De nyeste tal
kunne ikke hentes") a screen without an enrolled server adds; the status bar
says what an online PC's says (the board's picture does the same).

Run `make translations` first, so the Danish catalogue is compiled.
"""

from __future__ import annotations

import sys
from typing import Any

from tests.ui.screenshot_setup import danish_application, throwaway_folders

FOLDER = throwaway_folders("knop-insight-shots-")


def main(argv: list[str]) -> int:
    from desktop.core.entities import Role
    from sync.server import demo_seed, migrations, storage
    from sync.server import insights as server_insights
    from tests.ui.conftest import fill_store
    from desktop.core.ids import utc_now
    from sync.scheduler import SyncState
    from tests.ui.screenshots import SIZE, StillScheduler, settle
    from ui.context import AppContext
    from ui.insights_map import CompetenceMap
    from ui.insights_network import NetworkScreen
    from ui.main_window import MainWindow
    from ui.sync_status import SyncLink

    app, translators, out = danish_application(argv)

    data = demo_seed.generate(7, tasks=2000, people=300)
    db = storage.Database(FOLDER / "server.sqlite3", pool_size=1)
    migrations.migrate(db)
    demo_seed.seed(db, data)
    admin = next(p for p in data.people if p.role == Role.ADMIN)
    with db.read() as s:
        viewer = server_insights.Viewer(s, admin)
        answers = {
            CompetenceMap.NAME: server_insights.competence_map(db, s, viewer),
            NetworkScreen.NAME: server_insights.network(db, s, viewer),
            "people": server_insights.evidence(s, viewer, skill="language.sign"),
        }
    db.close()
    store_path = fill_store(FOLDER / "knop.sqlite3", data)

    def server(name: str, params: dict[str, Any]) -> dict[str, Any]:
        """What the knop-server answered the admin (GET /v1/insights/<name>)."""
        if name == "people" and params.get("skill") != "language.sign":
            raise ValueError(f"the picture asks for the signers only, not {params}")
        return answers[name]

    def online(screen: type) -> Any:
        return lambda context, _navigator, _task: screen(context, fetcher=server)

    context = AppContext(admin, store_path, None, "da")
    link = SyncLink(StillScheduler(), admin.id)  # the status bar of a PC in touch with its server
    context.attach_sync(link)
    window = MainWindow(context)
    window.resize(SIZE[0], SIZE[1] + 140)
    window.show()
    link.scheduler.on_state(SyncState(online=True, last_success=utc_now()))
    window.go_top(online(CompetenceMap))
    page = window.current_page()
    settle(app, lambda: page.skills_model.rowCount() > 0 and "Beregnet" in page.when.text())
    sign = page.skills_model.row_of("language.sign")
    page.skills_table.selectRow(max(sign, 0))  # the drill-down asks the server for the signers
    settle(app, lambda: page.people_model.rowCount() > 0)
    assert "kunne ikke hentes" not in page.when.text(), page.when.text()
    window.grab().save(str(out / "competence_map_da.png"))
    print(f"wrote {out / 'competence_map_da.png'}")

    window.go_top(online(NetworkScreen))
    page = window.current_page()
    settle(app, lambda: bool(page.picture.nodes) and "Beregnet" in page.when.text())
    page.slider.setValue(page.slider.maximum() - 1)  # the last whole quarter
    settle(app)
    assert "kunne ikke hentes" not in page.when.text(), page.when.text()
    window.grab().save(str(out / "network_da.png"))
    print(f"wrote {out / 'network_da.png'}")

    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
