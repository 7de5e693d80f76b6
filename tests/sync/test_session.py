"""Login online and offline, logout, and what happens when the machine has no keyring."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import keyring
import keyring.errors
import pytest
from keyring.backends import chainer, fail, null

from desktop import accounts, credentials
from desktop.credentials import CredentialsUnavailable, MemoryKeyring
from desktop.core.ids import uuid7
from sync.session import (
    LoginRefused,
    NeverLoggedInHere,
    OfflineLoginExpired,
    WrongPassword,
    known_accounts,
    logout,
)
from sync.failures import LoginNeeded
from tests.conftest import World
from tests.faults.proxy import Fault
from tests.faults.summary import fault_summary  # noqa: F401 - per-test fault counts in the summary
from tests.server.harness import DEVICE_FAILURES, Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import clock_off_by, published_task
from tests.sync.workstation import Machine, count, hung


def days_since_online_login(machine: Machine, username: str, days: float) -> None:
    """Move someone's last online login into the past, as time passing would."""
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with machine:
        conn = sqlite3.connect(accounts.accounts_path())
        conn.execute(
            "UPDATE accounts SET last_online_login = ? WHERE username = ?",
            (moment.isoformat().replace("+00:00", "Z"), username),
        )
        conn.commit()
        conn.close()


# --- online ---------------------------------------------------------------------------


def test_an_online_login_keeps_the_token_in_the_keyring_and_a_verifier_on_disk(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    session = staffroom.login("  Anna ", "correct horse battery")
    assert session.online and session.person.id == "anna" and session.username == "anna"
    assert session.token and staffroom.token_of("anna") == session.token and session.token_kept
    with staffroom:
        (account,) = known_accounts()
        text = accounts.accounts_path().read_bytes()
    assert (account.username, account.display_name, account.signed_out) == ("anna", "Anna Jensen", False)
    assert session.token.encode() not in text and b"correct horse battery" not in text
    assert b"scrypt$" in text
    assert "token" not in repr(session).lower().replace("token_kept", "")


def test_a_wrong_password_online_is_said_plainly_and_remembers_nothing(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    with pytest.raises(WrongPassword) as refused:
        staffroom.login("anna", "not the password")
    assert refused.value.message("da") == "Forkert brugernavn eller adgangskode."
    with staffroom:
        assert known_accounts() == []


def test_a_wrong_password_for_a_name_this_machine_knows_says_it_was_the_password(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    """Try-out 8: Anna, whose name the login list shows, read "wrong username or password";
    a name the machine does not know still gets the sentence that gives nothing away."""
    staffroom = machines(knop_server, world.school.id)
    staffroom.login("anna")
    with pytest.raises(WrongPassword) as refused:
        staffroom.login("anna", "not the password")
    assert (refused.value.message("da"), refused.value.message("en")) == ("Forkert adgangskode.", "Wrong password.")
    with pytest.raises(WrongPassword) as refused:
        staffroom.login("bo", "not the password")
    assert refused.value.message("da") == "Forkert brugernavn eller adgangskode."


def test_too_many_attempts_is_the_servers_sentence(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(fresh_knop_server, world.school.id)
    answers = []
    for _ in range(DEVICE_FAILURES + 1):
        with pytest.raises((WrongPassword, LoginRefused)) as refused:
            staffroom.login("bo", "guess")
        answers.append(type(refused.value))
        if refused.type is LoginRefused:
            break
    assert answers[0] is WrongPassword and answers[-1] is LoginRefused
    assert isinstance(refused.value, LoginRefused) and refused.value.reason == "too_many_attempts"
    assert "For mange forsøg" in refused.value.message("da")


# --- offline --------------------------------------------------------------------------


def test_offline_login_works_after_an_online_one_and_uses_the_kept_token(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    online = staffroom.login("anna")
    with staffroom.unplugged():
        offline = staffroom.login("anna")
        with pytest.raises(WrongPassword) as refused:
            staffroom.login("anna", "wrong")
    # This machine knows Anna (her name is on its login list), so it can say it was the password.
    assert refused.value.message("da") == "Forkert adgangskode."
    assert staffroom.proxy.injected[Fault.DROP_MID_REQUEST] >= 2  # both tried the server and were cut
    assert not offline.online and offline.person == online.person
    assert offline.token == online.token  # so her offline work can be sent later
    assert offline.offline_until is not None


def test_offline_login_expires_after_the_configured_days(
    knop_server: Deployment, world: World, machines: MachineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    staffroom = machines(knop_server, world.school.id)
    staffroom.login("anna")
    days_since_online_login(staffroom, "anna", 13.5)
    with staffroom.unplugged():
        assert not staffroom.login("anna").online  # 14 days by default
        days_since_online_login(staffroom, "anna", 14.5)
        with pytest.raises(OfflineLoginExpired) as expired:
            staffroom.login("anna")
        assert "14" in expired.value.message("da") and "14 days" in expired.value.message("en")
        monkeypatch.setenv("KNOP_OFFLINE_LOGIN_DAYS", "30")  # IT's setting
        assert not staffroom.login("anna").online
        monkeypatch.setenv("KNOP_OFFLINE_LOGIN_DAYS", "0")  # offline login turned off
        with pytest.raises(OfflineLoginExpired) as off:
            staffroom.login("anna")
        assert "turned off" in off.value.message("en")
    monkeypatch.delenv("KNOP_OFFLINE_LOGIN_DAYS")
    assert staffroom.login("anna").online  # online again: a new window
    with staffroom.unplugged():
        assert not staffroom.login("anna").online


def test_turning_the_clock_back_does_not_reopen_the_offline_window(
    knop_server: Deployment, world: World, machines: MachineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    staffroom = machines(knop_server, world.school.id)
    staffroom.login("anna")  # online: a 14-day window from the server's time
    with staffroom.unplugged():
        clock_off_by(monkeypatch, 20)
        with pytest.raises(OfflineLoginExpired):
            staffroom.login("anna")
        clock_off_by(monkeypatch, -1)  # turned back
        with pytest.raises(OfflineLoginExpired):
            staffroom.login("anna")
    clock_off_by(monkeypatch, 0)
    assert staffroom.login("anna").online  # the server's time resets what the machine has seen
    with staffroom.unplugged():
        assert not staffroom.login("anna").online


def test_a_fast_clock_at_the_online_login_does_not_stretch_the_offline_window(
    knop_server: Deployment, world: World, machines: MachineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    staffroom = machines(knop_server, world.school.id)
    clock_off_by(monkeypatch, 10)
    online = staffroom.login("anna")
    assert online.offline_until is not None
    assert online.offline_until - dt.datetime.now(dt.UTC) < dt.timedelta(days=14, hours=1)
    clock_off_by(monkeypatch, 15)  # 15 days after the login, by a clock now right
    with staffroom.unplugged(), pytest.raises(OfflineLoginExpired):
        staffroom.login("anna")


def test_work_done_after_an_offline_login_that_followed_a_logout_is_sent_once_the_server_is_back(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    first = staffroom.login("anna")
    assert staffroom.sync(first).ok
    with staffroom:
        assert logout(first)  # nothing pending: her token is revoked and leaves the keyring
    assert staffroom.token_of(first.person.id) is None

    with staffroom.unplugged():
        anna = staffroom.login("anna")  # the server is away: offline, and no token
        assert not anna.online and anna.token is None
        bid_id = uuid7()
        staffroom.perform(anna, "bid.place", bid_id=bid_id, task_id=task_id)
        offline = staffroom.sync(anna)
        assert not offline.online

    report = staffroom.sync(anna)  # the server is back: she is not asked to log in again

    assert report.ok, report.first_failure()
    user = report.user(anna.person.id)
    assert user is not None and user.applied == 1 and not isinstance(user.failure, LoginNeeded)
    assert anna.online and anna.token and anna.password is None  # forgotten once used
    assert "password" not in repr(anna) and "PASSWORD" not in repr(anna)
    assert count(knop_server, "SELECT count(*) FROM bids WHERE id = ?", bid_id) == 1


def test_a_password_changed_on_the_server_meanwhile_is_asked_for_once(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    task_id = published_task(knop_server.user("mette"), world.school.id)
    first = staffroom.login("bo")
    assert staffroom.sync(first).ok
    with staffroom:
        assert logout(first)
    with staffroom.unplugged():
        bo = staffroom.login("bo")
        staffroom.perform(bo, "bid.place", bid_id=uuid7(), task_id=task_id)
    bo.password = "an old password"  # as if it was changed on the server while he was offline

    report = staffroom.sync(bo)

    user = report.user(bo.person.id)
    assert user is not None and isinstance(user.failure, LoginNeeded)
    assert bo.password is None and user.pending == 1  # kept, and asked for once


def test_offline_login_for_someone_never_seen_here_says_so(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    staffroom.login("anna")
    with staffroom.unplugged(), pytest.raises(NeverLoggedInHere) as never:
        staffroom.login("bo")
    assert staffroom.proxy.injected[Fault.DROP_MID_REQUEST] >= 1  # the server was tried, and cut off
    assert "første login" in never.value.message("da").lower()
    assert "cannot be reached" in never.value.message("en")


# --- logout ---------------------------------------------------------------------------


def test_logout_with_nothing_pending_revokes_and_drops_the_token(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    session = staffroom.login("anna")
    token = session.token
    with staffroom:
        assert logout(session) is True
        assert accounts.by_username("anna").signed_out  # type: ignore[union-attr]
    assert staffroom.token_of("anna") is None and session.token is None
    assert count(
        knop_server, "SELECT count(*) FROM tokens WHERE device_id = ? AND revoked_at IS NULL AND person_id = 'anna'",
        staffroom.device_id,
    ) == 0
    api = knop_server.api()
    api.credential = staffroom.keyring.get_password("Knop", f"device {staffroom.server_url}")
    api.token = token
    assert api.pull_raw().status_code == 401


# --- no usable keyring ----------------------------------------------------------------


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), chainer.ChainerBackend()],
    ids=["fail", "null", "empty-chain"],
)
def test_no_usable_keyring_is_a_clear_state_never_a_file(
    backend: keyring.backend.KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    if isinstance(backend, chainer.ChainerBackend):
        monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(backend)
    assert not credentials.keyring_usable()
    for call in (
        lambda: credentials.device_credential("https://knop.example"),
        lambda: credentials.save_user_token("https://knop.example", "anna", "secret"),
        lambda: credentials.user_token("https://knop.example", "anna"),
    ):
        with pytest.raises(CredentialsUnavailable) as missing:
            call()
        assert "adgangskode" in missing.value.message("da") and "password" in missing.value.message("en")


class BrokenKeyring(MemoryKeyring):
    """Reads work, writes fail: a locked wallet, a Secret Service that went away."""

    def set_password(self, service: str, username: str, password: str) -> None:
        if username.startswith("token"):
            raise keyring.errors.PasswordSetError("the collection is locked")
        super().set_password(service, username, password)


def test_a_keyring_that_cannot_keep_tokens_means_asking_for_the_password_again(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    broken = BrokenKeyring()
    broken.secrets.update(staffroom.keyring.secrets)  # the device credential is readable
    staffroom.keyring = broken
    task_id = published_task(knop_server.user("mette"), world.school.id)

    anna = staffroom.login("anna")
    assert anna.online and anna.token and not anna.token_kept
    assert staffroom.sync(anna).ok  # the session's token, held in memory, serves the sync
    staffroom.perform(anna, "bid.place", bid_id=uuid7(), task_id=task_id)
    with staffroom:
        assert logout(anna) is False
    report = staffroom.sync()
    annas = report.user("anna")
    assert annas is not None and isinstance(annas.failure, LoginNeeded) and annas.pending == 1

    anna = staffroom.login("anna")  # the password again
    assert staffroom.sync(anna).ok
    assert count(knop_server, "SELECT count(*) FROM bids WHERE task_id = ?", task_id) == 1


def test_a_keyring_that_raises_anything_is_unavailable_not_a_crash() -> None:
    class Exploding(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    keyring.set_keyring(Exploding())
    with pytest.raises(CredentialsUnavailable) as missing:
        credentials.user_token("https://knop.example", "anna")
    assert "ServiceUnknown" in missing.value.detail


def test_a_machine_that_is_not_enrolled_says_so_at_login() -> None:
    from sync.session import login

    with pytest.raises(LoginRefused) as refused:
        login("anna", "correct horse battery")
    assert refused.value.reason == "not_enrolled" and "knop enrol" in refused.value.message("en")


def test_the_session_knows_its_device_for_the_outbox(
    knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    staffroom = machines(knop_server, world.school.id)
    assert staffroom.login("anna").device_id == staffroom.device_id
    with staffroom.unplugged():
        assert staffroom.login("anna").device_id == staffroom.device_id


def test_a_login_that_can_go_offline_does_not_wait_long_for_a_server_that_hangs(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory
) -> None:
    """Try-out s36: with the server hung, "Logging in…" stood 21 s before the offline login."""
    staffroom = machines(fresh_knop_server, world.school.id)
    staffroom.login("anna")
    with hung(fresh_knop_server):
        started = time.monotonic()
        offline = staffroom.login("anna")
        took = time.monotonic() - started
    assert not offline.online
    assert took < 8.0, f"the offline login took {took:.1f} s"
