"""Screenshots of the competence map and the network picture, in Danish: `python -m tests.ui.insight_screenshots [DIR]`.

The demo municipality (with its two years of history) is seeded into a real
server database in a throwaway folder, the server's own code computes the
answers an admin gets, and the screens open on them as on a kept answer.

`DANISH` holds the Danish of every sentence competence discovery added to the
catalogue (English msgid -> Danish); until they are in
resources/locale/da/LC_MESSAGES/knop.po, this run installs them itself.
"""

from __future__ import annotations

import gettext
import os
import sys
import tempfile
from pathlib import Path

FOLDER = Path(tempfile.mkdtemp(prefix="knop-insight-shots-"))
for _name in ("KNOP_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR", "KNOP_SYSTEM_CONFIG_DIR"):
    (FOLDER / _name.lower()).mkdir()
    os.environ[_name] = str(FOLDER / _name.lower())

DANISH: dict[str, str] = {
    "&Competence map": "&Kompetencekort",
    "&Talent search": "&Find talenter",
    "Network of &sites": "&Netværk af arbejdssteder",
    "&Category:": "&Kategori:",
    "&Invitations ({n})": "&Invitationer ({n})",
    "&Invite to bid": "&Inviter til at byde",
    "&Kind:": "&Slags:",
    "&Picture": "&Billede",
    "&Quarter:": "&Kvartal:",
    "&Refresh": "&Opdater",
    "&Search for this skill": "&Søg efter denne kompetence",
    "&Site:": "&Arbejdssted:",
    "A word to go with the invitation (optional)": "Et par ord med invitationen (valgfrit)",
    "Accepted": "Accepteret",
    "All categories": "Alle kategorier",
    "All sites": "Alle arbejdssteder",
    "Available": "Tilgængelig",
    "Category": "Kategori",
    "Choose a skill to find the people who have shown it.": "Vælg en kompetence for at finde de personer, der har vist den.",
    "Choose a skill to see the people and tasks behind it.": "Vælg en kompetence for at se personerne og opgaverne bag den.",
    "Citizens": "Borgere",
    "Companies": "Virksomheder",
    "Completed": "Løst",
    "Computed {when}": "Beregnet {when}",
    "Computed {when}. The newest numbers could not be fetched: {why}": "Beregnet {when}. De nyeste tal kunne ikke hentes: {why}",
    "Declared": "Angivet",
    "E&xport CSV…": "E&ksportér CSV …",
    "Employees": "Ansatte",
    "Endorsed": "Anerkendt",
    "Everyone": "Alle",
    "Evidence": "Belæg",
    "Export the competence map": "Eksportér kompetencekortet",
    "Fetching the numbers from the server…": "Henter tallene fra serveren …",
    "Free tags": "Frie mærker",
    "Free tags many people use, candidates for the catalogue: {tags}": "Frie mærker, som mange bruger – kandidater til kataloget: {tags}",
    "Hidden": "Skjult",
    "Invitations to bid": "Invitationer til at byde",
    "Invited by": "Inviteret af",
    "Kind": "Slags",
    "Links between sites": "Forbindelser mellem arbejdssteder",
    "Looking up the people behind {skill}…": "Finder personerne bag {skill} …",
    "Message": "Besked",
    "My open task": "Min åbne opgave",
    "Name": "Navn",
    "New links between sites per month": "Nye forbindelser mellem arbejdssteder pr. måned",
    "No numbers yet: {why}": "Ingen tal endnu: {why}",
    "Not shown by name: fewer than 3 more people.": "Ikke vist med navn: færre end 3 personer mere.",
    "Not shown by name: {n} more.": "Ikke vist med navn: {n} mere.",
    "Of these hidden": "Heraf skjulte",
    "Offered": "Tilbudt",
    "On my &task:": "På min &opgave:",
    "On the profile": "På profilen",
    "Only people who say when they are &available": "Kun personer, der har skrevet, hvornår de kan",
    "People behind the skill": "Personerne bag kompetencen",
    "People found": "Fundne personer",
    "People who have shown {skill}": "Personer, der har vist {skill}",
    "Quarter": "Kvartal",
    "S&ite:": "&Arbejdssted:",
    "S&kills": "&Kompetencer",
    "Save as &PNG…": "Gem som &PNG …",
    "Save as &SVG…": "Gem som &SVG …",
    "Save the picture": "Gem billedet",
    "Search for this &free tag": "Søg efter dette &frie mærke",
    "Searching for {skill}…": "Søger efter {skill} …",
    "Shown": "Vist",
    "Shown per quarter": "Vist pr. kvartal",
    "Si&tes": "&Arbejdssteder",
    "Site": "Arbejdssted",
    "Sites": "Arbejdssteder",
    "Skill": "Kompetence",
    "Skill category": "Kompetencekategori",
    "Skills": "Kompetencer",
    "Skills shown": "Viste kompetencer",
    "Solved by people from": "Løst af folk fra",
    "T&able": "T&abel",
    "Task": "Opgave",
    "Task status": "Opgavens status",
    "Tasks": "Opgaver",
    "Tasks of": "Opgaver fra",
    "Tasks posted": "Opgaver slået op",
    "Tasks solved": "Opgaver løst",
    "Tasks solved across sites, {when}: {n} links": "Opgaver løst på tværs af arbejdssteder, {when}: {n} forbindelser",
    "The file could not be saved: {why}": "Filen kunne ikke gemmes: {why}",
    "The picture could not be saved: {why}": "Billedet kunne ikke gemmes: {why}",
    "The server could not answer.": "Serveren kunne ikke svare.",
    "Volunteers": "Frivillige",
    "You have no open task to invite people to.": "Du har ingen åben opgave at invitere folk til.",
    "You logged in offline; log in again while connected to get the newest numbers.": "Du loggede ind uden forbindelse; log ind igen med forbindelse for at få de nyeste tal.",
    "competence-map": "kompetencekort",
    "knopskydning": "knopskydning",
    "no (hidden competence)": "nej (skjult kompetence)",
    "private": "privat",
    "the whole period": "hele perioden",
    "yes": "ja",
    "Make &private": "Gør &privat",
    "Make &public": "Gør &offentlig",
    "A private skill still counts in the organisation's numbers, but nobody else sees it by name.": "En privat kompetence tæller stadig med i organisationens tal, men ingen andre ser den med dit navn.",
    "School": "Skole",
    "Day care": "Dagtilbud",
    "Care home": "Plejehjem",
    "Administration": "Administration",
    "the {n} strongest are drawn; all are in the table": "de {n} stærkeste er tegnet; alle står i tabellen",
    "{name} invited you to bid on this task.": "{name} har inviteret dig til at byde på opgaven.",
    "{name} is invited to bid.": "{name} er inviteret til at byde.",
    "declared on the profile": "angivet på profilen",
    "offered in a bid": "tilbudt i et bud",
    "bid accepted": "bud accepteret",
    "task completed": "opgave løst",
    "endorsed by a manager": "anerkendt af en leder",
}
DANISH_PLURALS: dict[str, tuple[str, str]] = {
    "{n} skill shown that no profile listed": (
        "{n} kompetence vist, som ingen profil nævnte",
        "{n} kompetencer vist, som ingen profil nævnte",
    ),
    "Not shown by name: {n} more person.": (
        "Ikke vist med navn: {n} person mere.",
        "Ikke vist med navn: {n} personer mere.",
    ),
    "{n} person has shown {skill}": ("{n} person har vist {skill}", "{n} personer har vist {skill}"),
}


class _Danish(gettext.NullTranslations):
    """The sentences above, until they are in the Danish catalogue."""

    def gettext(self, message: str) -> str:
        return DANISH.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = DANISH_PLURALS.get(singular)
        if forms is None:
            return singular if n == 1 else plural
        return forms[0] if n == 1 else forms[1]


def main(argv: list[str]) -> int:
    from desktop.core import text

    compiled = text.catalogue("da")
    if compiled.gettext("Computed {when}") == "Computed {when}":  # not in the .po yet
        text.catalogue.cache_clear()
        text.catalogue = lambda language: _Danish() if language == "da" else gettext.NullTranslations()  # type: ignore[assignment]

    from desktop import insights as kept
    from desktop.core.entities import Role
    from desktop.store import Store
    from sync.server import demo_seed, migrations, storage
    from sync.server import insights as server_insights
    from tests.ui.conftest import fill_store
    from tests.ui.screenshots import SIZE, settle
    from ui.context import AppContext
    from ui.main import install_translators, make_application, style_sheet
    from ui import main_window
    from ui.main_window import MainWindow

    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["knop"])
    translators = install_translators(app, "da")
    app.setStyleSheet(style_sheet())

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
