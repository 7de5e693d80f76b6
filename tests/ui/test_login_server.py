"""Logging in for real: the first time online against a real knop-server, later offline.

The workstation is a tests/sync `Machine`: its own folders and keyring, enrolled
to the test server through a cable the test can unplug. The shell runs with
the real sync.session login and logout and the real sync scheduler.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from desktop.settings import load_settings
from tests.conftest import World
from tests.server.harness import PASSWORD, Deployment
from tests.sync.conftest import MachineFactory
from tests.ui.test_shell import log_in
from ui.login import LoginScreen
from ui.shell import Shell


def settled(window: Any) -> Any:
    state = window.status.sync_state
    return state is not None and not state.syncing and state.online is not None


@contextlib.contextmanager
def anna_online(qtbot: Any, machine: Any) -> Iterator[tuple[Shell, Any]]:
    """The real shell on `machine` with anna logged in online and her first sync over."""
    with machine:
        shell = Shell(load_settings(), "en")
        try:
            shell.start()
            window = log_in(qtbot, shell, "anna", PASSWORD, wait_rows=False)
            qtbot.waitUntil(lambda: settled(window), timeout=30_000)
            yield shell, window
        finally:
            shell.shut_down()


def test_first_login_online_then_offline_on_the_same_machine(
    qtbot: Any, knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    machine = machines(knop_server, world.school.id)
    with anna_online(qtbot, machine) as (shell, window):
        assert shell.session.online
        state = window.status.sync_state
        assert state.online and state.error_code is None, state
        assert window.status.connection_label.text() == "Online"
        assert window.status.last_label.text().startswith("Last sync")

        with machine.unplugged():
            runs = shell.context.sync.scheduler.syncs_run
            window.status.sync_button.click()
            qtbot.waitUntil(
                lambda: settled(window) and window.status.sync_state.runs > runs,
                timeout=30_000,
            )
            assert window.status.dot.property("mood") == "offline", window.status.sync_state
            assert window.status.connection_label.text() == "Offline"  # nothing waits to be sent
            assert not window.status.error_label.isVisible()  # offline is no error (test_offline_calm)
            assert "\n" in window.status.connection_label.toolTip()  # why, in the state's tooltip

            window.switch_action.trigger()
            gate = shell.gate
            assert isinstance(gate, LoginScreen)
            assert gate.people.count() == 1 and "anna" in gate.people.item(0).text()
            window = log_in(qtbot, shell, "anna", PASSWORD, wait_rows=False)
            assert not shell.session.online
            assert window.context.person.username == "anna"


def test_the_first_login_needs_the_server(
    qtbot: Any, knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    machine = machines(knop_server, world.school.id)
    with machine:
        shell = Shell(load_settings(), "en")
        try:
            shell.start()
            gate = shell.gate
            assert isinstance(gate, LoginScreen)
            with machine.unplugged():
                gate.username.setText("bo")
                qtbot.keyClicks(gate.password, PASSWORD)
                gate.login_button.click()
                qtbot.waitUntil(lambda: gate.problem.isVisible(), timeout=30_000)
            assert "first login needs a connection" in gate.problem.text()
            assert shell.window is None
        finally:
            shell.shut_down()


def test_an_operation_made_in_the_window_carries_this_machines_device_id(
    qtbot: Any, knop_server: Deployment, machines: MachineFactory, world: World
) -> None:
    machine = machines(knop_server, world.school.id)
    # Unplugged once logged in, so the operation stays in the outbox to be read.
    with anna_online(qtbot, machine) as (_shell, window), machine.unplugged():
        with qtbot.waitSignal(window.context.changed, timeout=10_000):
            window.context.perform(
                "profile.skill_add",
                {"person_id": world.anna.id, "skill": "#fra-maskinen"},
                parent=window,
            ).run_in_background()
        seen: list[list[str | None]] = []
        window.context.query(
            lambda store: [op.device_id for op in store.pending()], parent=window
        ).success(seen.append).run_in_background()
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert machine.device_id
    assert seen[0] == [machine.device_id]
