"""The talent-search choice and its documented default (desktop.core.consent)."""

from __future__ import annotations

from desktop.core import consent, permissions
from tests.conftest import World


def test_employees_are_findable_by_default_outsiders_only_after_opting_in(world: World) -> None:
    assert consent.findable(world.carl, None)
    assert not consent.findable(world.carl, {consent.TALENT_SEARCH_KEY: consent.HIDDEN})
    assert not consent.findable(world.ole, None)
    assert consent.findable(world.ole, {consent.TALENT_SEARCH_KEY: consent.FINDABLE})


def test_the_own_sites_manager_and_admins_see_whatever_the_choice(world: World) -> None:
    other_manager = world.mette.replace(id="m2", home_site_id=world.other_school.id)
    hidden = {"bid_sites": {world.other_school.id}, "findable": False}
    assert not permissions.may_see_evidence_of(other_manager, world.anna, **hidden)  # type: ignore[arg-type]
    assert permissions.may_see_evidence_of(other_manager, world.anna, {world.other_school.id}, True)
    assert permissions.may_see_evidence_of(world.mette, world.anna, findable=False)
    assert permissions.may_see_evidence_of(world.admin, world.anna, findable=False)


def test_an_admin_sees_another_organisations_people_only_if_they_bid_there_and_are_findable(world: World) -> None:
    neighbours_admin = world.admin.replace(id="admin-b", organisation_id="org-b")
    see = permissions.may_see_evidence_of
    assert not see(neighbours_admin, world.anna)
    assert not see(neighbours_admin, world.anna, findable=False, bid_for_their_organisation=True)
    assert see(neighbours_admin, world.anna, findable=True, bid_for_their_organisation=True)
    assert see(neighbours_admin, neighbours_admin)
