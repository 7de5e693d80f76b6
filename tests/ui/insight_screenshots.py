"""Screenshots of the competence map and the network picture, in Danish: `python -m tests.ui.insight_screenshots [DIR]`.

The demo municipality (with its two years of history) is seeded into a real
server database in a throwaway folder, the server's own code computes the
answers an admin gets, and the screens open on them as on a kept answer.

Run `make translations` first, so the Danish catalogue is compiled.
"""

from __future__ import annotations

import sys

from tests.ui.screenshot_setup import danish_application, throwaway_folders

FOLDER = throwaway_folders("knop-insight-shots-")

def main(argv: list[str]) -> int:
    from desktop import insights as kept
    from desktop.core.entities import Role
    from desktop.store import Store
    from sync.server import demo_seed, migrations, storage
    from sync.server import insights as server_insights
    from tests.ui.conftest import fill_store
    from tests.ui.screenshots import SIZE, settle
    from ui.context import AppContext
    from ui import main_window
    from ui.main_window import MainWindow

    app, translators, out = danish_application(argv)

    data = demo_seed.generate(7, tasks=2000, people=300)
    db = storage.Database(FOLDER / "server.sqlite3", pool_size=1)
    migrations.migrate(db)
    demo_seed.seed(db, data)
    admin = next(p for p in data.people if p.role == Role.ADMIN)
    with db.read() as s:
        viewer = server_insights.Viewer(s, admin)
        answers = {
            kept.COMPETENCE: server_insights.competence_map(db, s, viewer),
            kept.NETWORK: server_insights.network(db, s, viewer),
        }
        signers = server_insights.evidence(s, viewer, skill="language.sign")
    db.close()
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    store = Store(store_path)
    for name, body in answers.items():
        kept.keep(store, name, body)
    store.close()

    context = AppContext(admin, store_path, None, "da")
    window = MainWindow(context)
    window.resize(SIZE[0], SIZE[1] + 140)
    window.show()
    window.go_top(main_window.competence_map_screen)
    page = window.current_page()
    settle(app, lambda: page.skills_model.rowCount() > 0 and "Beregnet" in page.when.text())
    sign = page.skills_model.row_of("language.sign")
    page.skills_table.selectRow(max(sign, 0))
    settle(app)
    page._show_people("language.sign", signers)  # what the drill-down fetch would bring
    settle(app)
    window.grab().save(str(out / "competence_map_da.png"))
    print(f"wrote {out / 'competence_map_da.png'}")

    window.go_top(main_window.site_network_screen)
    page = window.current_page()
    settle(app, lambda: bool(page.picture.nodes))
    page.slider.setValue(page.slider.maximum() - 1)  # the last whole quarter
    settle(app)
    window.grab().save(str(out / "network_da.png"))
    print(f"wrote {out / 'network_da.png'}")

    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
