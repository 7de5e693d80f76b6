"""Screenshots of the administration's newer tabs, in Danish: `python -m tests.ui.admin_screenshots [DIR]`.

Writes admin_invitations_da.png (member invitations to approve or revoke),
admin_erase_da.png (People, a deactivated person chosen, the erase question
open), admin_no_people_da.png (a people search that finds nobody) and
admin_rules_da.png (the rules of the road: versions, who accepted, publishing),
at 1600x1000. Demo data in a throwaway folder; the People list, which the
screen otherwise fetches from /v1/admin/, is answered from the same demo data
(searched by name, username and e-mail), so no server is needed. Best under Xvfb; `make translations` first.
"""

from __future__ import annotations

import sys
from typing import Any

from tests.ui.screenshot_setup import danish_application, throwaway_folders

FOLDER = throwaway_folders("knop-admin-shots-")

SIZE = (1600, 1000)


def main(argv: list[str]) -> int:
    import datetime as dt

    from desktop.core import operations
    from desktop.core.entities import (
        Guideline,
        GuidelineAcceptance,
        InvitationStatus,
        MemberInvitation,
        Role,
    )
    from desktop.core.ids import utc_now, uuid7
    from desktop.invitations import new_code
    from desktop.store import Store
    from sync.server import demo
    from tests.ui.conftest import fill_store
    from tests.ui.screenshots import save, save_with_dialog, settle
    from ui.admin_screen import AdminScreen
    from ui.context import AppContext
    from ui.reach import InvitationsTab
    from ui.rules_of_the_road import RulesOfTheRoadTab

    app, translators, out = danish_application(argv)

    data = demo.generate(7, tasks=200, people=60)
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    admin = next(p for p in data.people if p.role == Role.ADMIN)
    staff = [p for p in data.people if p.role == Role.STAFF and p.home_site_id][:14]
    leaver = staff[-1].replace(active=False, version=staff[-1].version + 1)
    now = dt.datetime.now(dt.UTC)
    later = (now + dt.timedelta(days=12)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    store = Store(store_path)
    with store.transaction():
        store.put(leaver)
        for i, (email, name, kind, status) in enumerate((
            ("vera.lund@example.org", "Vera Lund", "volunteer", InvitationStatus.AWAITING_APPROVAL),
            ("kim@cykelhjaelp.dk", "Kim Andersen", "company", InvitationStatus.AWAITING_APPROVAL),
            ("sofie.holm@example.org", "Sofie Holm", "citizen", InvitationStatus.PENDING),
            ("j.berg@example.org", "Jonas Berg", "volunteer", InvitationStatus.REVOKED),
        )):
            inviter = staff[i]
            store.put(MemberInvitation(
                id=uuid7(), email=email, name=name, kind=kind, site_id=inviter.home_site_id or "",
                invited_by=inviter.id, code_hash=operations.code_hash(new_code()), expires_at=later,
                status=status, created_at=utc_now(), version=1,
            ))
        texts = {
            "posting": ("## Når du opretter en opgave\n\n- Beskriv opgaven **ærligt**.\n"
                        "- Svar på bud inden for en uge.\n",
                        "## When you post a task\n\n- Describe the task **honestly**.\n"
                        "- Answer bids within a week.\n"),
            "bidding": ("Byd kun på det, du kan nå ved siden af dit eget arbejde.",
                        "Bid only on what you can do alongside your own work."),
        }
        for audience, (da, en) in texts.items():
            store.put(Guideline(
                audience, 2 if audience == "posting" else 1, da, en, published_at=utc_now(),
                organisation_id=admin.organisation_id,
            ))
        for i, person in enumerate(staff[:10]):
            store.put(GuidelineAcceptance(person.id, "posting", 1 if i % 3 == 0 else 2, accepted_at=utc_now()))
            if i % 4:
                store.put(GuidelineAcceptance(person.id, "bidding", 1, accepted_at=utc_now()))
    store.close()

    people = [leaver if p.id == leaver.id else p for p in data.people if p.home_site_id or p.role == Role.ADMIN]

    def directory(name: str, params: dict[str, Any]) -> dict[str, Any]:
        if name.endswith("/people"):
            fields = ("id", "username", "name", "role", "kind", "home_site_id", "email", "active")
            wanted = str((params.get("params") or {}).get("search") or "").lower()  # as the server, roughly
            found = [p for p in people if wanted in f"{p.name} {p.username} {p.email}".lower()]
            return {"people": [{k: getattr(p, k) for k in fields} for p in found[:40]]}
        if name.endswith("/sites"):
            return {"sites": [{"id": s.id, "name": s.name, "kind": s.kind, "address": ""} for s in data.sites]}
        return {"devices": []}

    context = AppContext(admin, store_path, None, "da")
    screen = AdminScreen(context, fetcher=directory)
    screen.resize(*SIZE)
    screen.show()
    invitations = screen.show_tab(InvitationsTab)
    settle(app, lambda: invitations.model.rowCount() == 4)
    invitations.table.selectRow(0)
    settle(app)
    save(screen, out / "admin_invitations_da.png")

    screen.tabs.setCurrentIndex(0)
    settle(app, lambda: screen.people_model.row_of(leaver.username) >= 0)
    screen.choose_person(leaver.username)
    box = screen.ask_erase()
    settle(app, lambda: box is not None and box.isVisible())
    assert box is not None
    save_with_dialog(app, screen, box, out / "admin_erase_da.png")
    box.close()

    screen.search.setText("Xerxes")  # nobody: the list says so
    screen.find_people()
    settle(app, lambda: screen.people_model.rowCount() == 0 and screen.people_empty.isVisible())
    save(screen, out / "admin_no_people_da.png")

    screen.show_tab(RulesOfTheRoadTab)
    settle(app, lambda: screen.rules.standings.rowCount() > 0)
    screen.rules.texts.setCurrentWidget(screen.rules.preview)  # the Markdown as people will see it
    settle(app)
    save(screen, out / "admin_rules_da.png")

    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
