"""Enrolment, login, tokens and their revocation, and the login throttle."""

from __future__ import annotations

import time

from desktop.core.ids import uuid7
from sync import protocol
from sync.server import accounts, directory
from tests.conftest import World
from tests.server.harness import DEVICE_FAILURES, PASSWORD, Api, Deployment


def error_code(response: object) -> str:
    return str(response.json()["error"]["code"])  # type: ignore[attr-defined]


def new_person(server: Deployment, world: World, role: str = "staff") -> str:
    username = f"u{uuid7()[-12:]}"
    directory.add_person(
        server.database,
        directory.NewPerson(username, "Test Person", world.school.id, role=role),
        PASSWORD,
    )
    return username


def test_an_enrolment_code_works_once_however_it_is_typed(server: Deployment, world: World) -> None:
    code = accounts.new_enrolment_code(server.database, world.care_home.id)
    typed = " " + code.replace("-", " ").lower() + " "
    api = server.api()
    body = api.enrol(typed, name="Plejehjemmets kontor")
    assert body["site"]["id"] == world.care_home.id
    assert body["organisation"]["id"] == world.org.id
    assert body["credential"] == f"{body['device_id']}.{body['secret']}"
    again = server.api().http.post(
        protocol.PATH_ENROL, json={"code": code}, headers=server.api().headers()
    )
    assert again.status_code == 401
    assert error_code(again) == "enrolment_failed"
    with server.database.read() as s:
        stored = s.rows("SELECT secret_hash FROM devices WHERE id = ?", (body["device_id"],))
    assert stored and body["secret"] not in stored[0]["secret_hash"]


def test_unknown_and_expired_codes_are_refused(server: Deployment, world: World) -> None:
    code = accounts.new_enrolment_code(server.database, world.school.id)
    with server.database.write() as s:
        s.execute(
            "UPDATE enrolment_codes SET expires_at = '2000-01-01T00:00:00.000Z' "
            "WHERE code_hash = ?",
            (accounts.digest(accounts.normalise_code(code)),),
        )
    api = server.api()
    for attempt in (code, "AAAA-BBBB-CCCC-DDDD"):
        answer = api.http.post(protocol.PATH_ENROL, json={"code": attempt}, headers=api.headers())
        assert answer.status_code == 401
        assert error_code(answer) == "enrolment_failed"


def test_login_gives_a_token_bound_to_user_and_device(server: Deployment, world: World) -> None:
    api = server.enrolled(world.school.id)
    body = api.login("anna")
    assert body["person"]["id"] == world.anna.id
    assert body["person"]["username"] == "anna"
    assert body["expires_at"] > time.strftime(
        "%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 86400 * 20)
    )
    assert api.pull()["cursor"]
    # The same token on another device is not a login.
    other = server.enrolled(world.school.id)
    other.token = api.token
    answer = other.pull_raw()
    assert answer.status_code == 401
    assert error_code(answer) == "token_invalid"


def test_wrong_password_and_unknown_user_get_the_same_answer(
    server: Deployment, world: World
) -> None:
    api = server.enrolled(world.school.id)
    wrong = api.try_login("carl", "not the password")
    unknown = api.try_login("nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert error_code(wrong) == "login_failed"


def test_login_needs_an_enrolled_device(server: Deployment, world: World) -> None:
    api = server.api()
    answer = api.try_login("anna", PASSWORD)
    assert answer.status_code == 401
    assert error_code(answer) == "device_invalid"
    api.credential = "made-up-device.secret"
    assert error_code(api.try_login("anna", PASSWORD)) == "device_invalid"
    real = server.enrolled(world.school.id)
    api.credential = f"{real.device_id}.wrong-secret"
    assert error_code(api.try_login("anna", PASSWORD)) == "device_invalid"


def test_push_and_pull_need_both_credentials(server: Deployment, world: World) -> None:
    anna = server.user("anna")
    bare = Api(server.url)
    no_token = Api(server.url)
    no_token.credential = anna.credential
    garbage = Api(server.url)
    garbage.credential, garbage.token = anna.credential, "x" * 5000
    no_device = Api(server.url)
    no_device.token = anna.token
    for api, code in (
        (bare, "device_invalid"),
        (no_token, "token_invalid"),
        (garbage, "token_invalid"),
        (no_device, "device_invalid"),
    ):
        for answer in (api.pull_raw(), api.push_raw([])):
            assert answer.status_code == 401, answer.text
            assert error_code(answer) == code


def test_logout_ends_the_token(server: Deployment) -> None:
    anna = server.user("anna")
    answer = anna.http.post(protocol.PATH_LOGOUT, headers=anna.headers())
    assert answer.status_code == 200
    assert answer.json() == {"status": "logged_out"}
    answer = anna.pull_raw()
    assert answer.status_code == 401
    assert error_code(answer) == "token_revoked"


def test_revoked_and_expired_tokens_are_refused(server: Deployment, world: World) -> None:
    first, second = server.user("bo"), server.user("bo")
    assert (
        accounts.revoke_tokens(server.database, person_id=world.bo.id, device_id=first.device_id)
        == 1
    )
    assert error_code(first.pull_raw()) == "token_revoked"
    assert second.pull_raw().status_code == 200  # only that device's login ended
    with server.database.write() as s:
        s.execute(
            "UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE token_hash = ?",
            (accounts.digest(second.token or ""),),
        )
    answer = second.pull_raw()
    assert answer.status_code == 401
    assert error_code(answer) == "token_expired"


def test_a_revoked_device_can_neither_sync_nor_log_in(server: Deployment, world: World) -> None:
    anna = server.user("anna")
    assert accounts.revoke_device(server.database, anna.device_id or "")
    answer = anna.pull_raw()
    assert answer.status_code == 401
    assert error_code(answer) == "device_revoked"
    assert "IT" in answer.json()["error"]["message"]["en"]
    assert error_code(anna.try_login("anna", PASSWORD)) == "device_revoked"


def test_a_deactivated_person_is_logged_out_everywhere(server: Deployment, world: World) -> None:
    username = new_person(server, world)
    api = server.user(username)
    directory.set_active(server.database, username, False)
    assert error_code(api.pull_raw()) == "token_revoked"
    assert error_code(api.try_login(username, PASSWORD)) == "login_failed"


def test_failed_logins_are_throttled_per_user(server: Deployment, world: World) -> None:
    username = new_person(server, world)
    for _ in range(accounts.Policy().user_failures):
        # A fresh device each time: the limit follows the user, not the machine.
        assert server.enrolled(world.school.id).try_login(username, "guess").status_code == 401
    answer = server.enrolled(world.school.id).try_login(username, PASSWORD)
    assert answer.status_code == 429
    assert error_code(answer) == "too_many_attempts"
    assert int(answer.headers["Retry-After"]) > 0
    with server.database.read() as s:  # kept in the database, so every worker sees it
        assert (
            s.value("SELECT failures FROM login_throttle WHERE subject = ?", (f"user:{username}",))
            >= 5
        )
    assert server.enrolled(world.school.id).try_login("carl", PASSWORD).status_code == 200


def test_failed_logins_are_throttled_per_device(server: Deployment, world: World) -> None:
    device = server.enrolled(world.school.id)
    for n in range(DEVICE_FAILURES):
        assert device.try_login(f"nobody-{n}", "guess").status_code == 401
    answer = device.try_login("anna", PASSWORD)
    assert answer.status_code == 429
    assert server.enrolled(world.school.id).try_login("anna", PASSWORD).status_code == 200


def test_a_good_login_resets_the_users_count(server: Deployment, world: World) -> None:
    username = new_person(server, world)
    for _ in range(3):
        server.enrolled(world.school.id).try_login(username, "guess")
    server.user(username)
    for _ in range(3):
        server.enrolled(world.school.id).try_login(username, "guess")
    assert server.enrolled(world.school.id).try_login(username, PASSWORD).status_code == 200


def test_secrets_never_reach_the_log(server: Deployment, world: World) -> None:
    anna = server.user("anna")
    anna.pull()
    text = (server.workdir / "server.log").read_text()
    assert "login: anna" in text
    for secret in (PASSWORD, anna.token or "", (anna.credential or "").partition(".")[2]):
        assert secret and secret not in text
