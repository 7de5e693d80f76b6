"""`knop enrol`: unattended, with exit codes a deployment script can act on, and no code wasted."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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
from sync.enrolment import EnrolmentFailed, enrol
from tests.server.harness import ROOT, Deployment


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


def test_an_unreachable_server_is_exit_code_3_with_the_address_and_what_to_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Found by a new-user try-out: IT enrolling a machine was told "Your changes are kept and will
    be sent when the connection is back", the staff's sentence for an offline sync. IT needs the
    address that does not answer and what to check."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    assert main(["enrol", "--server", url, "--code", "AAAA-BBBB"]) == 3
    said = capsys.readouterr().err
    assert said.startswith(
        f"knop enrol: The server {url} does not answer (no connection). Check that the address is "
        "right, that the server is running and that this computer is online. If the network needs "
        "a proxy, or the server's certificate comes from the municipality's own CA, set proxy or "
        f"ca_bundle in {machine_settings_path()}."
    )
    assert "changes" not in said
    with pytest.raises(EnrolmentFailed) as caught:  # the invitation dialog's words, in Danish
        enrol(url, "AAAA-BBBB")
    assert caught.value.in_language("da") == (
        f"Serveren {url} svarer ikke (ingen forbindelse). Tjek, at adressen er rigtig, at "
        "serveren kører, og at computeren er på nettet."
    )


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


def _enrol_without_a_keyring(server: str, code: str) -> subprocess.CompletedProcess[str]:
    """The real `knop enrol`, in its own process, on a machine whose keyring refuses to store."""
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", "enrol", "--server", server, "--code", code],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHON_KEYRING_BACKEND": "tests.sync.keyrings.RefusingKeyring",
        },
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_a_keyring_that_cannot_store_spends_nothing_and_says_so(
    knop_server: Deployment, world: World, memory_keyring: MemoryKeyring
) -> None:
    """Found by a new-user try-out: a keyring that is there but refuses to store (locked,
    read-only) showed only after the server had spent the code, and IT was told "Please enter
    your password again". The real `knop enrol`, with a real keyring plug-in that refuses to
    store (tests.sync.keyrings.RefusingKeyring), now stops before the code is spent, with exit
    code 4 and a sentence naming the keyring's problem; the code then still works."""
    code = code_for(knop_server, world.school.id)
    refused = _enrol_without_a_keyring(knop_server.url, code)
    assert refused.returncode == 4, refused.stderr
    assert refused.stderr.startswith(
        "knop enrol: the device credential cannot be kept: the keyring "
        "tests.sync.keyrings.RefusingKeyring cannot store a secret (PasswordSetError: the "
        "collection is locked); the code was not used"
    )
    assert f"The server {knop_server.url} answers." in refused.stderr
    assert "enter your password" not in refused.stderr  # the staff's sentence, wrong here
    assert not machine_settings_path().exists()
    assert main(["enrol", "--server", knop_server.url, "--code", code]) == 0  # the code still works
    assert list(memory_keyring.secrets) == [("Knop", f"device {knop_server.url}")]  # no probe left


def test_without_a_keyring_a_made_up_code_is_not_vouched_for_and_the_server_is_checked(
    knop_server: Deployment,
) -> None:
    """Try-out s36: `knop enrol` without a keyring said "nothing was spent, the code still works"
    for a code that never existed and for a server that does not answer, so IT learnt nothing
    about the URL or the code. Now it says the code was not used (never that it works), and
    whether the server answers, asked with a GET of its health, never with the code."""
    reachable = _enrol_without_a_keyring(knop_server.url, "MADE-UP-CODE")
    assert reachable.returncode == 4, reachable.stderr
    assert "still works" not in reachable.stderr
    assert "the code was not used" in reachable.stderr
    assert f"The server {knop_server.url} answers." in reachable.stderr

    with socket.socket() as probe:  # a port nobody listens on: refused at once
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    unreachable = _enrol_without_a_keyring(closed, "MADE-UP-CODE")
    assert unreachable.returncode == 4, unreachable.stderr
    assert "still works" not in unreachable.stderr
    assert "the code was not used" in unreachable.stderr
    assert f"The server {closed} does not answer either (" in unreachable.stderr
    assert not machine_settings_path().exists()


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
