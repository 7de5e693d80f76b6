"""`knop enrol`: unattended, with exit codes a deployment script can act on, and no code wasted."""

from __future__ import annotations

import socket
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop import paths
from desktop.app.main import main
from desktop.credentials import MemoryKeyring
from desktop.settings import load_settings, machine_settings_path
from sync.server import accounts as server_accounts
from tests.conftest import World
from tests.server.harness import Deployment


def code_for(server: Deployment, site_id: str) -> str:
    return server_accounts.new_enrolment_code(server.database, site_id)


def test_enrol_stores_the_credential_in_the_keyring_and_the_server_in_the_machine_file(
    knop_server: Deployment,
    world: World,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    machine_settings_path().write_text("offline_login_days = 7\n", encoding="utf-8")
    code = code_for(knop_server, world.care_home.id).lower().replace("-", " ")  # as typed

    assert main(["enrol", "--server", knop_server.url + "/", "--code", code, "--name", "ward-2-pc"]) == 0

    settings = load_settings()
    assert (settings.server_url, settings.site_id) == (knop_server.url, world.care_home.id)
    assert settings.offline_login_days == 7  # IT's other settings stay
    (((service, entry), credential),) = memory_keyring.secrets.items()
    assert (service, entry) == ("Knop", f"device {knop_server.url}")
    assert credential not in machine_settings_path().read_text(encoding="utf-8")
    assert "Plejehjemmet Solgården" in capsys.readouterr().out
    with knop_server.database.read() as s:
        name = s.value("SELECT name FROM devices WHERE id = ?", (credential.partition(".")[0],))
    assert name == "ward-2-pc"


def test_a_used_code_is_refused_with_exit_code_1(
    knop_server: Deployment, world: World, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    code = code_for(knop_server, world.school.id)
    assert main(["enrol", "--server", knop_server.url, "--code", code]) == 0
    memory_keyring.secrets.clear()
    machine_settings_path().unlink()

    assert main(["enrol", "--server", knop_server.url, "--code", code]) == 1
    assert "unknown, used or expired" in capsys.readouterr().err
    assert memory_keyring.secrets == {} and not machine_settings_path().exists()


def test_an_unreachable_server_is_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert main(["enrol", "--server", f"http://127.0.0.1:{port}", "--code", "AAAA-BBBB"]) == 3
    assert "cannot be reached" in capsys.readouterr().err


def test_a_server_url_that_is_no_url_is_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["enrol", "--server", "knop.egeskov.dk", "--code", "AAAA"]) == 2
    assert "https://" in capsys.readouterr().err


def test_without_a_keyring_nothing_is_spent_and_the_exit_code_is_4(
    knop_server: Deployment, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code = code_for(knop_server, world.school.id)
    keyring.set_keyring(fail.Keyring())
    assert main(["enrol", "--server", knop_server.url, "--code", code]) == 4
    assert "keyring" in capsys.readouterr().err
    keyring.set_keyring(MemoryKeyring())
    assert main(["enrol", "--server", knop_server.url, "--code", code]) == 0  # the code still works


def test_an_unwritable_machine_folder_spends_nothing_and_is_exit_code_4(
    knop_server: Deployment,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = code_for(knop_server, world.school.id)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("KNOP_SYSTEM_CONFIG_DIR", str(blocker / "Knop"))
    assert main(["enrol", "--server", knop_server.url, "--code", code]) == 4
    assert "KNOP_SYSTEM_CONFIG_DIR" in capsys.readouterr().err
    monkeypatch.setenv("KNOP_SYSTEM_CONFIG_DIR", str(tmp_path / "machine"))
    assert main(["enrol", "--server", knop_server.url, "--code", code]) == 0
    assert paths.system_config_dir() == tmp_path / "machine"
