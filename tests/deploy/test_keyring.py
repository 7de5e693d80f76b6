"""Knop's secrets go to an OS keyring or nowhere: never to a file `keyrings.alt` offers.

On Linux machines without a Secret Service, `keyring` picks `keyrings.alt`'s
plaintext file backend whenever that package is installed (other software
brings it along). These tests run with the real package installed (a dev
extra) in a child process that has no D-Bus session, as such a machine has.
"""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from desktop import credentials
from desktop.app.selftest import CheckWarning, check_keyring
from tests.server.harness import ROOT

SECRET = "dev-1.s3cr3t-that-must-not-land-in-a-file"

# What a machine does: the self-test's keyring check, then enrolment saving its credential.
CHILD = f"""
import json
from desktop import credentials
from desktop.app.selftest import CheckWarning, check_keyring
try:
    said = "ok " + check_keyring(None)
except CheckWarning as warning:
    said = "warn " + str(warning)
try:
    credentials.save_device_credential("https://knop.example", {SECRET!r})
    saved = "saved"
except credentials.CredentialsUnavailable as error:
    saved = "refused: " + error.detail
print(json.dumps({{"self_test": said, "save": saved}}))
"""


def run_child(home: Path, **env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    clean |= {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


def files_holding_the_secret(home: Path) -> list[Path]:
    return [
        p for p in home.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()
    ]


@pytest.mark.parametrize(
    "backend",
    [
        None,  # what keyring picks on its own: keyrings.alt's plaintext file
        "keyrings.alt.file.PlaintextKeyring",
        "keyring.backends.chainer.ChainerBackend",  # a chain with only files to fall back to
    ],
)
def test_a_file_keyring_is_refused_with_the_reason_and_the_secret_goes_nowhere(
    backend: str | None, tmp_path: Path
) -> None:
    said = run_child(tmp_path, **({"PYTHON_KEYRING_BACKEND": backend} if backend else {}))
    assert said["self_test"].startswith("warn no usable OS keyring")
    assert "plain text file" in said["self_test"]
    assert said["save"].startswith("refused: ") and "plain text file" in said["save"]
    assert files_holding_the_secret(tmp_path) == []


@pytest.mark.parametrize("backend", [PlaintextKeyring, fail.Keyring])
def test_the_self_test_and_the_credentials_give_one_answer(backend: type, tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend())
    try:
        check = credentials.keyring_check()
        assert check.backend is None and check.refusal is not None
        assert check.name == f"{backend.__module__}.{backend.__name__}"
        with pytest.raises(CheckWarning) as warned:
            check_keyring(None)  # type: ignore[arg-type]
        assert check.refusal in str(warned.value)
        with pytest.raises(credentials.CredentialsUnavailable) as refused:
            credentials.user_token("https://knop.example", "anna")
        assert refused.value.detail == check.refusal
        assert not credentials.keyring_usable()
    finally:
        keyring.set_keyring(previous)


def test_knops_own_memory_keyring_is_accepted() -> None:
    previous = keyring.get_keyring()
    memory = credentials.use_memory_keyring()
    try:
        assert credentials.keyring_check().backend is memory
        credentials.save_user_token("https://knop.example", "anna", "t")
        assert credentials.user_token("https://knop.example", "anna") == "t"
    finally:
        keyring.set_keyring(previous)


def test_the_self_test_fails_when_the_keyring_cannot_store(tmp_path: Path) -> None:
    """Found by a new-user try-out: a keyring that is there but refuses to store passed the
    self-test, which only asked which keyring there was, and enrolment then spent its code for
    nothing. The real `knop --self-test`, with a real keyring plug-in that refuses to store
    (tests.sync.keyrings.RefusingKeyring), now fails on the keyring line and says why."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    done = subprocess.run(
        [sys.executable, "-m", "desktop.app", "--self-test"],
        cwd=ROOT,
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "tests.sync.keyrings.RefusingKeyring",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    said = {line.split(":", 1)[0]: line for line in done.stdout.splitlines()}
    assert said["fail keyring"] == (
        "fail keyring: the keyring tests.sync.keyrings.RefusingKeyring cannot store a secret "
        "(PasswordSetError: the collection is locked); this machine cannot be enrolled or keep "
        "offline logins until it can (unlock the keyring; on Linux, a Secret Service such as "
        "gnome-keyring)"
    )
    assert done.stdout.splitlines()[-1].startswith("self-test FAILED: keyring")


def test_a_keyring_that_stores_passes_and_keeps_no_probe(tmp_path: Path) -> None:
    """The probe is Knop's own entry and is gone afterwards: nothing of anyone's is touched."""
    previous = keyring.get_keyring()
    memory = credentials.use_memory_keyring()
    try:
        memory.secrets[("Knop", "token anna https://knop.example")] = "t"
        assert check_keyring(None).startswith("desktop.credentials.MemoryKeyring, a test entry")  # type: ignore[arg-type]
        assert memory.secrets == {("Knop", "token anna https://knop.example"): "t"}
    finally:
        keyring.set_keyring(previous)


@pytest.mark.skipif(shutil.which("gnome-keyring-daemon") is None, reason="needs gnome-keyring")
def test_a_locked_gnome_keyring_fails_the_self_test_and_enrolment_spends_nothing(tmp_path: Path) -> None:
    """The real case behind the plug-in above: a Secret Service (gnome-keyring on a private D-Bus)
    whose login keyring is locked, with no display for its unlock prompt. The self-test passed on
    it, and `knop enrol` went on to the server, where its code would have been spent."""
    from tests.deploy.secret_service import secret_service

    with secret_service(tmp_path / "keyring-home") as bus:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON_KEYRING", "DBUS_")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")
        }
        env |= {**bus, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        lock = (
            "import secretstorage; bus = secretstorage.dbus_init(); "
            "secretstorage.get_default_collection(bus).lock()"
        )
        subprocess.run([sys.executable, "-c", lock], env=env, check=True, timeout=60)
        checked = subprocess.run(
            [sys.executable, "-m", "desktop.app", "--self-test"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        assert checked.returncode == 1, checked.stdout
        assert (
            "fail keyring: the keyring keyring.backends.SecretService.Keyring cannot store a secret "
            "(KeyringLocked: " in checked.stdout
        )
        # Port 9 (discard) answers nobody: had enrolment gone on, it would say the server does not.
        enrolled = subprocess.run(
            [sys.executable, "-m", "desktop.app", "enrol", "--server", "http://127.0.0.1:9", "--code", "AAAA-BBBB"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        assert enrolled.returncode == 4, enrolled.stderr
        assert "cannot store a secret (KeyringLocked: " in enrolled.stderr
        assert "the code was not used" in enrolled.stderr
        # The code is never sent; the server is asked only whether it answers (try-out s36).
        assert "The server http://127.0.0.1:9 does not answer either" in enrolled.stderr
