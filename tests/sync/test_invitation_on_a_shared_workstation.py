"""An invitation taken up on the login screen of a site's shared workstation leaves it the site's.

Found by a new-user try-out of `make run`: the volunteer Mette invited took up
her invitation on the demo's workstation ("Jeg har en invitation ..."), which
made it her personal device; Anna and Mette were then refused there with
"Forkert brugernavn eller adgangskode", and the machine-wide file had lost its
site. A colleague's invitation could not be taken up there at all (the server
gives colleagues no personal device). Real server process, real client code.
"""

from __future__ import annotations

import pytest

from desktop.core.ids import uuid7
from desktop.invitations import new_code
from desktop.settings import load_settings
from sync.enrolment import REFUSED, UNREACHABLE, EnrolmentFailed, accept_invitation
from tests.faults.proxy import Fault, FaultPlan
from tests.conftest import World
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.workstation import Machine

NEW_PASSWORD = "min egen kode"


def invite(machine: Machine, site_id: str, kind: str, email: str) -> str:
    """Anna invites someone of `kind` from the machine; the code to hand over."""
    anna = machine.login("anna")
    assert machine.sync(anna).ok
    code = new_code()
    machine.perform(anna, "member.invite", invitation_id=uuid7(), email=email, name="Ny",
                    person_kind=kind, site_id=site_id, code=code)
    assert machine.sync(anna).ok
    return code


def test_the_workstation_stays_the_sites_and_everyone_still_logs_in(
    fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    staffroom = machines(fresh_knop_server, world.school.id, "staff-room-pc")
    device_before = staffroom.device_id
    volunteer_code = invite(staffroom, world.school.id, "volunteer", "vera@example.org")
    colleague_code = invite(staffroom, world.school.id, "employee", "kim@example.org")

    with staffroom:
        welcome = accept_invitation(staffroom.server_url, volunteer_code, username="vera",
                                    password=NEW_PASSWORD, name="Vera Frivillig")
        colleague = accept_invitation(staffroom.server_url, colleague_code, username="kim",
                                      password=NEW_PASSWORD, name="Kim Kollega")
        assert load_settings().site_id == world.school.id
    assert welcome.device_id == "" and colleague.device_id == ""
    assert staffroom.device_id == device_before

    # Everyone logs in on it as before, the newcomers too, and syncs.
    for username, password in (("anna", None), ("mette", None), ("vera", NEW_PASSWORD), ("kim", NEW_PASSWORD)):
        session = staffroom.login(username, password) if password else staffroom.login(username)
        assert staffroom.sync(session).ok, username


def test_an_invitation_whose_answer_was_lost_can_be_taken_up_again_with_the_same_code(
    fresh_knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    """The first try made Vera's account, but the server's answer never reached the shared PC (the
    network dropped it): the dialog said the server could not be reached, and the retry was refused,
    "The invitation has already been used", with no way on short of a new invitation. Asked again
    with the same code, username and password, the server now answers as the first time; anyone
    else with the code (another username, another password) is still refused."""
    staffroom = machines(fresh_knop_server, world.school.id, "staff-room-pc")
    code = invite(staffroom, world.school.id, "volunteer", "vera@example.org")
    with staffroom:
        staffroom.proxy.plan = FaultPlan(rate=1.0, faults=(Fault.DROP_BEFORE_RESPONSE,))
        with pytest.raises(EnrolmentFailed) as lost:
            accept_invitation(staffroom.server_url, code, username="vera", password=NEW_PASSWORD, name="Vera")
        assert lost.value.exit_code == UNREACHABLE
        staffroom.proxy.plan = FaultPlan(rate=0.0)
        for username, password, said in (
            ("vera", "en anden kode", "The username vera is taken"), ("mallory", NEW_PASSWORD, "already been used"),
        ):
            with pytest.raises(EnrolmentFailed) as refused:
                accept_invitation(staffroom.server_url, code, username=username, password=password, name="X")
            assert refused.value.exit_code == REFUSED and said in str(refused.value), username
        welcome = accept_invitation(staffroom.server_url, code, username="vera", password=NEW_PASSWORD, name="Vera")
    assert welcome.person["username"] == "vera" and welcome.device_id == ""
    vera = staffroom.login("vera", NEW_PASSWORD)
    assert staffroom.sync(vera).ok
    with fresh_knop_server.database.read() as s:  # one account, made by the first try
        assert s.value("SELECT count(*) FROM people WHERE username = 'vera'") == 1
        assert s.value("SELECT count(*) FROM people WHERE username = 'mallory'") == 0
