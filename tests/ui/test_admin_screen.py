"""The administration screen, with real widgets, as an admin logged in on a real server.

People: search, add, change role and home site, deactivate; sites: add;
enrolment codes: make one that really enrols a device, and its sheet as a
PDF; devices: list and revoke; the lending policy. Every change is checked
in the server's database and audit trail, with the admin named as who did it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.core.entities import Person
from sync.server import accounts
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import count
from tests.ui.test_two_clients import session_on
from ui import main_window
from ui.admin_screen import AdminScreen


def person(server: Deployment, username: str) -> Person:
    with server.database.read() as s:
        found = s.fetch(Person, "username = ?", (username,))
    assert found, username
    return found[0]


def test_an_admin_manages_people_sites_codes_devices_and_lending(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World, tmp_path: Path
) -> None:
    server = fresh_knop_server
    pc = machines(server, world.school.id, "hr-pc")
    with pc:
        shell, window = session_on(qtbot, pc, "admin")
        try:
            window.go_top(main_window.admin_screen)
            screen = window.current_page()
            assert isinstance(screen, AdminScreen)
            qtbot.waitUntil(lambda: screen.people_model.row_of("anna") >= 0, timeout=15_000)
            qtbot.waitUntil(lambda: screen.site_choice.findData(world.other_school.id) >= 0, timeout=10_000)
            # The devices come in their own answer, maybe after the people and sites.
            qtbot.waitUntil(lambda: screen.devices_model.row_of(pc.device_id) >= 0, timeout=10_000)

            screen.search.setText("holm")  # Carl Holm
            screen.find_people()
            qtbot.waitUntil(lambda: screen.people_model.keys() == ["carl"], timeout=10_000)

            # Add a person at the other school.
            screen.role_choice.setCurrentIndex(screen.role_choice.findData("staff"))
            screen.site_choice.setCurrentIndex(screen.site_choice.findData(world.other_school.id))
            screen.new_username.setText("lise")
            screen.new_name.setText("Lise Ørnstrup")
            screen.add_person()
            qtbot.waitUntil(lambda: "added" in screen.done.text(), timeout=10_000)
            assert person(server, "lise").home_site_id == world.other_school.id
            # A refusal is shown as the server words it, and nothing is added.
            screen.new_username.setText("lise")
            screen.new_name.setText("Lise Igen")
            screen.add_person()
            qtbot.waitUntil(lambda: "is taken" in screen.problem.text(), timeout=10_000)

            # Make Lise a site manager at the school, then deactivate her.
            screen.search.setText("lise")
            screen.find_people()
            qtbot.waitUntil(lambda: screen.people_model.keys() == ["lise"], timeout=10_000)
            screen.choose_person("lise")
            screen.role_choice.setCurrentIndex(screen.role_choice.findData("site_manager"))
            screen.site_choice.setCurrentIndex(screen.site_choice.findData(world.school.id))
            screen.set_role()
            qtbot.waitUntil(lambda: "role changed" in screen.done.text(), timeout=10_000)
            lise = person(server, "lise")
            assert (lise.role, lise.home_site_id) == ("site_manager", world.school.id)
            qtbot.waitUntil(lambda: screen.people_model.row_of("lise") >= 0, timeout=10_000)
            screen.choose_person("lise")
            screen.toggle_active()
            qtbot.waitUntil(lambda: "deactivated" in screen.done.text(), timeout=10_000)
            assert not person(server, "lise").active
            admin_id = person(server, "admin").id
            assert count(server, "SELECT count(*) FROM audit_events WHERE actor_id = ? AND operation IN "
                         "('admin.person_create', 'admin.person_set_role', 'admin.person_deactivate')",
                         admin_id) == 3

            # A site.
            screen.site_name_field.setText("Ærøskøbing Børnehus")
            screen.site_kind.setCurrentIndex(screen.site_kind.findData("daycare"))
            screen.add_site()
            qtbot.waitUntil(lambda: screen.code_site.findText("Ærøskøbing Børnehus") >= 0, timeout=10_000)

            # An enrolment code for it, which enrols a device; its sheet as a PDF.
            screen.code_site.setCurrentIndex(screen.code_site.findText("Ærøskøbing Børnehus"))
            screen.make_code()
            qtbot.waitUntil(lambda: bool(screen.code.text()), timeout=10_000)
            assert "Ærøskøbing Børnehus" in screen.code_note.text() and screen.code.text() in screen.code_note.text()
            enrolled = accounts.enrol(server.database, screen.code.text(), "børnehus-pc")
            sheet = tmp_path / "kode.pdf"
            screen.save_code_pdf(str(sheet))
            assert sheet.read_bytes().startswith(b"%PDF")

            # Devices: the new one is listed and revoked.
            screen.devices_refresh()
            qtbot.waitUntil(lambda: screen.devices_model.row_of(enrolled.device_id) >= 0, timeout=10_000)
            screen.choose_device(enrolled.device_id)
            screen.revoke_device()
            qtbot.waitUntil(lambda: "revoked" in screen.done.text(), timeout=10_000)
            assert count(server, "SELECT count(*) FROM devices WHERE id = ? AND revoked_at IS NOT NULL",
                         enrolled.device_id) == 1

            # The lending policy.
            screen.lending_choice.setCurrentIndex(screen.lending_choice.findData("approve"))
            screen.save_lending()
            qtbot.waitUntil(lambda: "approve" in screen.done.text(), timeout=10_000)
            assert count(server, "SELECT count(*) FROM organisations WHERE lending = 'approve'") == 1
        finally:
            shell.shut_down()


def test_only_admins_get_the_administration(
    qtbot: Any, knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    pc = machines(knop_server, world.school.id, "staffroom")
    with pc:
        shell, window = session_on(qtbot, pc, "mette")
        try:
            titles = [a.text() for a in window.menuBar().actions()[1].menu().actions()]
            assert "&Reports" in titles and "Ad&ministration" not in titles
            screen = AdminScreen(window.context)  # even opened directly, the server refuses
            qtbot.addWidget(screen)
            qtbot.waitUntil(lambda: "may not" in screen.problem.text(), timeout=15_000)
            assert screen.people_model.rowCount() == 0
        finally:
            shell.shut_down()
