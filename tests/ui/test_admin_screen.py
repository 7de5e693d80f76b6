"""The administration screen, with real widgets, as an admin logged in on a real server.

People: search, add, change role and home site, deactivate; sites: add;
enrolment codes: make one that really enrols a device, and its sheet as a
PDF; devices: list and revoke; the lending policy. Every change is checked
in the server's database and audit trail, with the admin named as who did it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLineEdit

from desktop.core import erasure
from desktop.core.entities import Person
from desktop.core.ids import uuid7
from desktop.invitations import new_code
from sync.server import accounts, push
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine, count
from tests.ui.test_accessible_names import nameless
from tests.ui.test_two_clients import session_on, synced
from ui import main_window
from ui.admin_screen import AdminScreen
from ui.reach import InvitationsTab
from ui.rules_of_the_road import RulesOfTheRoadTab

# What an approved invitation says on a server with no mail server: never "Sent" (a try-out).
NO_MAIL_SERVER = "Not sent: no mail server"


def person(server: Deployment, username: str) -> Person:
    with server.database.read() as s:
        found = s.fetch(Person, "username = ?", (username,))
    assert found, username
    return found[0]


def administration(window: main_window.MainWindow) -> AdminScreen:
    """Open the administration (Ctrl+9) in the admin's window."""
    window.go_top(main_window.admin_screen)
    screen = window.current_page()
    assert isinstance(screen, AdminScreen)
    return screen


@contextlib.contextmanager
def administration_on(
    qtbot: Any, server: Deployment, machines: MachineFactory, world: World, pc_name: str
) -> Iterator[tuple[AdminScreen, Machine]]:
    """The admin logged in on a new workstation at the school, the administration open, its people in;
    with the workstation."""
    pc = machines(server, world.school.id, pc_name)
    with pc:
        shell, window = session_on(qtbot, pc, "admin")
        try:
            screen = administration(window)
            qtbot.waitUntil(lambda: screen.people_model.row_of("anna") >= 0, timeout=15_000)
            qtbot.waitUntil(lambda: screen.site_choice.findData(world.other_school.id) >= 0, timeout=10_000)
            yield screen, pc
        finally:
            shell.shut_down()


def test_an_admin_manages_people_sites_codes_devices_and_lending(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World, tmp_path: Path
) -> None:
    server = fresh_knop_server
    with administration_on(qtbot, server, machines, world, "hr-pc") as (screen, pc):
        # The devices come in their own answer, maybe after the people and sites.
        qtbot.waitUntil(lambda: screen.devices_model.row_of(pc.device_id) >= 0, timeout=10_000)
        # When it was enrolled, as Knop writes times elsewhere ("30. nov. 2026 09:15"), not ISO.
        enrolled_at = screen.devices_model.index(screen.devices_model.row_of(pc.device_id), 2).data()
        assert enrolled_at and not re.search(r"\d{4}-\d{2}-\d{2}|T\d", enrolled_at), enrolled_at

        assert not screen.people_empty.isVisible()  # people are listed
        # A search that finds nobody says so, rather than showing a blank list.
        screen.search.setText("zzqxw")
        screen.find_people()
        qtbot.waitUntil(lambda: screen.people_model.rowCount() == 0, timeout=10_000)
        qtbot.waitUntil(screen.people_empty.isVisible)
        assert screen.people_empty.text() == "No people found."
        assert screen.people_empty.geometry() == screen.people_view.viewport().rect()

        screen.search.setText("holm")  # Carl Holm
        screen.find_people()
        qtbot.waitUntil(lambda: screen.people_model.keys() == ["carl"], timeout=10_000)
        assert not screen.people_empty.isVisible()

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
        qtbot.waitUntil(lambda: "saved" in screen.done.text(), timeout=10_000)
        # Said in the choice's words, not the stored value (a try-out read "saved: off").
        assert screen.done.text() == (
            "Lending policy saved: Approve: the home manager must approve before it counts"
        )
        assert count(server, "SELECT count(*) FROM organisations WHERE lending = 'approve'") == 1


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


def test_an_admin_approves_and_revokes_invitations_erases_a_leaver_and_publishes_guidelines(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """Issues 14 and 20 in the administration: each change is an operation the server applies."""
    server = fresh_knop_server
    with server.database.write() as s:  # outsiders' invitations wait for a coordinator
        s.execute("UPDATE organisations SET externals_need_approval = ?", (True,))
    anna = server.user("anna")
    invited = [uuid7(), uuid7()]
    for invitation_id, email in zip(invited, ("vera@example.org", "olga@example.org"), strict=True):
        anna.apply("member.invite", invitation_id=invitation_id, email=email, name=email[:4].title(),
                   person_kind="volunteer", site_id=world.school.id, code=new_code())
    for audience in ("posting", "bidding"):
        push.apply_as_admin_tool(server.database, "guidelines.publish",
                                 {"audience": audience, "text_da": "Vær venlig", "text_en": "Be kind"})
    anna.apply("guidelines.accept", audience="bidding", version=1)
    status = "SELECT status FROM member_invitations WHERE id = ?"
    pc = machines(server, world.school.id, "hr-pc")
    with pc:
        shell, window = session_on(qtbot, pc, "admin")
        try:
            screen = administration(window)
            qtbot.waitUntil(lambda: screen.people_model.row_of("bo") >= 0, timeout=15_000)

            # Invitations: both wait for approval; one is approved, the other revoked.
            tab = screen.show_tab(InvitationsTab)
            assert nameless(tab) == []
            qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10_000)
            assert {tab.model.index(r, 4).data() for r in range(2)} == {"Waiting for approval"}
            assert {tab.model.index(r, 3).data() for r in range(2)} == {"Anna Jensen"}  # invited by
            tab.table.selectRow(tab.model.row_of(invited[0]))
            assert tab.approve_button.isEnabled()
            tab.approve_button.click()
            qtbot.waitUntil(lambda: tab.model.index(tab.model.row_of(invited[0]), 4).data() == NO_MAIL_SERVER,
                            timeout=10_000)
            tab.table.selectRow(tab.model.row_of(invited[1]))
            assert tab.withdraw_button.text() == "Re&voke" and tab.withdraw_button.isEnabled()
            tab.withdraw_button.click()
            qtbot.waitUntil(lambda: tab.model.index(tab.model.row_of(invited[1]), 4).data() == "Withdrawn",
                            timeout=10_000)
            synced(qtbot, shell, window)
            assert text(server, status, invited[0]) == "pending"
            assert text(server, status, invited[1]) == "revoked"

            # Erase: only for a deactivated person, after a confirmation that names them.
            screen.tabs.setCurrentIndex(0)
            screen.choose_person("bo")
            assert not screen.erase_button.isEnabled()
            screen.toggle_active()
            qtbot.waitUntil(lambda: "deactivated" in screen.done.text(), timeout=10_000)
            synced(qtbot, shell, window)  # the deactivation reaches this store
            qtbot.waitUntil(lambda: screen.people_model.row_of("bo") >= 0, timeout=10_000)
            screen.choose_person("bo")
            assert screen.erase_button.isEnabled()
            box = screen.ask_erase()
            assert box is not None and "Bo Nielsen" in box.text() and "cannot be undone" in box.text()
            assert box.defaultButton().text() == "Cancel"
            erase = next(b for b in box.buttons() if b.text() == "Erase")
            erase.click()
            qtbot.waitUntil(lambda: erased(server, world.bo.id) or bool(screen.problem.text()), timeout=15_000)
            assert screen.problem.text() == "" and erased(server, world.bo.id)
            qtbot.waitUntil(lambda: "erased" in screen.done.text(), timeout=10_000)
            assert count(server, "SELECT count(*) FROM audit_events WHERE actor_id = ? AND operation = "
                         "'person.erase'", person(server, "admin").id) == 1

            # The rules of the road: versions, who accepted which, and a new version.
            rules = screen.show_tab(RulesOfTheRoadTab)
            assert rules is screen.rules
            assert nameless(rules) == []
            anna_bidding = f"{world.anna.id}|bidding"
            qtbot.waitUntil(lambda: rules.standings.row_of(anna_bidding) >= 0, timeout=10_000)
            assert rules.standings.index(rules.standings.row_of(anna_bidding), 3).data() == "Current version"
            assert rules.standings.index(rules.standings.row_of(f"{world.anna.id}|posting"), 3).data() == (
                "Not accepted")
            rules.audience.setCurrentIndex(rules.audience.findData("bidding"))
            assert rules.text_en.toPlainText() == "Be kind"  # starts from the current text
            rules.text_da.setPlainText("Vær venlig, og svar på beskeder")
            rules.text_en.setPlainText("")
            rules.publish()
            assert "both Danish and English" in rules.problem.text()
            rules.text_en.setPlainText("Be kind, and answer messages")
            rules.publish()
            qtbot.waitUntil(lambda: "Published" in rules.done.text(), timeout=10_000)
            qtbot.waitUntil(lambda: rules.standings.index(rules.standings.row_of(anna_bidding), 3).data()
                            == "An older version", timeout=10_000)
            synced(qtbot, shell, window)
            assert text(server, "SELECT text_en FROM guidelines WHERE audience = ? AND version = 2",
                        "bidding") == "Be kind, and answer messages"
        finally:
            shell.shut_down()


def erased(server: Deployment, person_id: str) -> bool:
    with server.database.read() as s:
        found = s.get(Person, person_id)
    return found is not None and erasure.is_erased(found)


def text(server: Deployment, statement: str, *params: Any) -> str:
    with server.database.read() as s:
        return str(s.value(statement, params))


def test_actions_on_a_person_or_a_device_wait_until_one_is_chosen(
    qtbot: Any, make_context: Any, demo_data: Any
) -> None:
    """A try-out found "Deactivate" enabled with nobody chosen (it then said "Choose a person first")."""
    from desktop.core.entities import Role

    admin = next(p for p in demo_data.people if p.role == Role.ADMIN)
    screen = AdminScreen(make_context(person=admin), fetcher=lambda _name, _params: {})
    qtbot.addWidget(screen)
    people = (screen.role_button, screen.site_button, screen.active_button, screen.erase_button)
    assert not any(button.isEnabled() for button in (*people, screen.revoke_button))
    anna = {"id": "p1", "username": "anna", "name": "Anna", "role": "staff", "home_site_id": "s1", "active": True}
    screen._got_people({"people": [anna]})
    assert not any(button.isEnabled() for button in people)  # listed, not chosen
    screen.choose_person("anna")
    assert screen.role_button.isEnabled() and screen.site_button.isEnabled() and screen.active_button.isEnabled()
    assert not screen.erase_button.isEnabled()  # only a deactivated person can be erased
    screen.people_view.clearSelection()
    assert not screen.active_button.isEnabled()

    devices = [
        {"id": "d1", "name": "pc", "site_name": "Skolen", "enrolled_at": "2026-11-30T08:00:00Z", "revoked_at": None},
        {"id": "d2", "name": "old", "site_name": "Skolen", "enrolled_at": "2026-01-30T08:00:00Z",
         "revoked_at": "2026-02-01T08:00:00Z"},
    ]
    screen._got_devices({"devices": devices})
    assert not screen.revoke_button.isEnabled()
    screen.choose_device("d1")
    assert screen.revoke_button.isEnabled()
    screen.choose_device("d2")
    assert not screen.revoke_button.isEnabled()  # already revoked


def test_role_and_site_follow_the_chosen_person_and_changes_not_set_are_kept(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """A try-out chose Mette, then Carl: the boxes still said what they had said, so Set role
    would have given Carl whatever was last there. They now show the chosen person's role and
    home site; a change not set yet stays with the person it was made for (kept on this
    machine, as a half-written bid is) and comes back when they are chosen again."""
    with administration_on(qtbot, fresh_knop_server, machines, world, "hr-pc-follow") as (screen, _pc):
        qtbot.waitUntil(lambda: {"carl", "mette"} <= set(screen.people_model.keys()), timeout=15_000)
        carl, mette = person(fresh_knop_server, "carl"), person(fresh_knop_server, "mette")
        assert carl.home_site_id != mette.home_site_id and carl.role != mette.role

        def boxes() -> tuple[Any, Any]:
            return screen.role_choice.currentData(), screen.site_choice.currentData()

        screen.choose_person("carl")
        qtbot.waitUntil(lambda: boxes() == (carl.role, carl.home_site_id))
        screen.choose_person("mette")
        qtbot.waitUntil(lambda: boxes() == (mette.role, mette.home_site_id))
        # Changed for Mette, not set: Carl is shown with his own values, not hers.
        screen.role_choice.setCurrentIndex(screen.role_choice.findData("admin"))
        screen.choose_person("carl")
        qtbot.waitUntil(lambda: boxes() == (carl.role, carl.home_site_id))
        # Back to Mette: her change is there again, and said so.
        screen.choose_person("mette")
        qtbot.waitUntil(lambda: boxes() == ("admin", mette.home_site_id), timeout=10_000)
        qtbot.waitUntil(lambda: "not set yet" in screen.done.text())
        assert person(fresh_knop_server, "mette").role == mette.role  # nothing was sent
        # Set, it waits no more: the list brings the server's values, and the boxes show them.
        screen.role_choice.setCurrentIndex(screen.role_choice.findData("staff"))
        screen.site_choice.setCurrentIndex(screen.site_choice.findData(world.other_school.id))
        screen.set_role()
        qtbot.waitUntil(lambda: person(fresh_knop_server, "mette").home_site_id == world.other_school.id, timeout=10_000)
        screen.choose_person("carl")
        qtbot.waitUntil(lambda: boxes() == (carl.role, carl.home_site_id))
        screen.choose_person("mette")
        qtbot.waitUntil(lambda: boxes() == ("staff", world.other_school.id))


def test_admin_text_is_capped_at_the_servers_limits_and_refusals_read_in_danish(
    qtbot: Any, fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """Every text box of the administration holds no more than the server takes (one constant,
    `sync.protocol`, read by both); a refusal is the catalogue's sentence in the screen's
    language, not the English the command line prints ("username 'anna' is taken")."""
    from sync import protocol

    with administration_on(qtbot, fresh_knop_server, machines, world, "hr-pc-limits") as (screen, _pc):
        limits = {
            screen.search: protocol.ADMIN_SEARCH_MAX,
            screen.new_username: protocol.ADMIN_USERNAME_MAX,
            screen.new_name: protocol.ADMIN_NAME_MAX,
            screen.new_email: protocol.ADMIN_EMAIL_MAX,
            screen.site_name_field: protocol.ADMIN_SITE_NAME_MAX,
            screen.site_address: protocol.ADMIN_SITE_ADDRESS_MAX,
        }
        # Every box of the administration's own tabs (invitations and guidelines are operations).
        theirs = (screen.show_tab(InvitationsTab), screen.show_tab(RulesOfTheRoadTab))
        own = [
            b for b in screen.findChildren(QLineEdit)
            if not any(t.isAncestorOf(b) for t in theirs) and b.objectName() != "qt_spinbox_lineedit"  # days
        ]
        assert set(own) == set(limits), own
        assert {box: box.maxLength() for box in limits} == limits
        # Typed past the limit, the box holds the limit: what is sent is taken.
        for box in limits:
            box.setText("x" * (limits[box] + 10))
            assert len(box.text()) == limits[box]
        screen.search.clear()
        screen.role_choice.setCurrentIndex(screen.role_choice.findData("staff"))
        screen.site_choice.setCurrentIndex(screen.site_choice.findData(world.school.id))
        screen.new_username.setText("q" * protocol.ADMIN_USERNAME_MAX)
        screen.new_name.setText("N" * protocol.ADMIN_NAME_MAX)
        screen.new_email.setText("")
        screen.add_person()
        qtbot.waitUntil(lambda: "added" in screen.done.text(), timeout=10_000)
        assert person(fresh_knop_server, "q" * protocol.ADMIN_USERNAME_MAX).name == "N" * protocol.ADMIN_NAME_MAX

        screen.context.language = "da"
        screen.new_username.setText("anna")
        screen.new_name.setText("Anna Igen")
        screen.add_person()
        qtbot.waitUntil(lambda: bool(screen.problem.text()), timeout=10_000)
        assert screen.problem.text() == "Brugernavnet 'anna' er optaget."
        qtbot.waitUntil(lambda: screen.people_model.row_of("anna") >= 0, timeout=10_000)
        screen.choose_person("anna")
        screen.role_choice.setCurrentIndex(screen.role_choice.findData("external"))  # Anna is employed
        screen.set_role()
        qtbot.waitUntil(lambda: bool(screen.problem.text()), timeout=10_000)
        assert screen.problem.text() == "Eksterne er frivillige, borgere eller virksomheder; alle andre er ansatte."
