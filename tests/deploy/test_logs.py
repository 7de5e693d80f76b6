"""Logging: the file rotates, and no password, token or device credential reaches a log."""

from __future__ import annotations

import logging

import keyring
import pytest

from desktop import credentials, logs, paths
from desktop.core.redaction import REDACTED, redact, remember_secret
from desktop.logs import setup_logging

pytestmark = pytest.mark.usefixtures("knop_logging")

SECRETS = ("hunter2", "eyJhbGciOiJIUzI1NiJ9.payload.sig", "dev-7f3a.s3cr3t-device", "Pa ss w0rd")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
            "Authorization: Bearer [redacted]",
        ),
        (
            "{'Authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig'}",
            "{'Authorization': 'Bearer [redacted]'}",
        ),
        (
            "headers={'Knop-Device': 'dev-7f3a.s3cr3t-device', 'Knop-Protocol': '1'}",
            "'Knop-Device': '[redacted]'",
        ),
        ("Knop-Device: dev-7f3a.s3cr3t-device", "Knop-Device: [redacted]"),
        ("login user=anna password=hunter2 from pc-12", "user=anna password=[redacted] from pc-12"),
        ('{"username": "anna", "password": "Pa ss w0rd"}', '"password": "[redacted]"'),
        ("device_secret='hunter2'", "device_secret='[redacted]'"),
        ("GET /pull?access_token=hunter2&cursor=42", "access_token=[redacted]&cursor=42"),
        ("401 for Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "401 for Bearer [redacted]"),
        (
            "proxy http://anna:hunter2@proxy.egeskov.dk:8080",
            "http://anna:[redacted]@proxy.egeskov.dk:8080",
        ),
        ("enrolment_code=hunter2", "enrolment_code=[redacted]"),
    ],
)
def test_redact(text: str, kept: str) -> None:
    cleaned = redact(text)
    assert kept in cleaned
    assert not any(secret in cleaned for secret in SECRETS)
    assert redact(cleaned) == cleaned  # scrubbing twice changes nothing


def test_redact_protocol_bodies() -> None:
    """The enrol and login messages of sync/protocol.py, as a debug line would show them."""
    enrol = '{"device_id": "dev-7f3a", "secret": "hunter2", "credential": "dev-7f3a.hunter2"}'
    login = '{"username": "anna", "password": "Pa ss w0rd"} -> {"token": "hunter2", "person": {}}'
    for body in (enrol, login):
        cleaned = redact(body)
        assert "hunter2" not in cleaned and "Pa ss w0rd" not in cleaned
    assert '"device_id": "dev-7f3a"' in redact(enrol)
    assert '"username": "anna"' in redact(login)


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "pulled 120 changes for site s-school; tokenize=unicode61; 3 bids pending"
    assert redact(text) == text


def test_no_secret_reaches_file_or_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    path = setup_logging()
    assert path == paths.log_dir() / "knop.log"
    log = logging.getLogger("sync.client")
    log.warning(
        "push failed with headers %s",
        {"Authorization": "Bearer hunter2", "Knop-Device": "dev-7f3a.s3cr3t-device"},
    )
    log.info("login %s", "password=hunter2")
    try:
        raise ConnectionError("refused: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig")
    except ConnectionError:
        log.exception("sync stopped, password=%s", "Pa ss w0rd")
    log.warning("stack", stack_info=True, extra={"ignored": "x"})
    for handler in logging.getLogger().handlers:
        handler.flush()

    written = path.read_text(encoding="utf-8")
    shown = capsys.readouterr().err
    for output in (written, shown):
        assert REDACTED in output
        for secret in ("hunter2", "s3cr3t-device", "eyJhbGciOiJIUzI1NiJ9", "Pa ss w0rd"):
            assert secret not in output
    assert "ConnectionError" in written  # the traceback itself survives
    assert "login password=[redacted]" in written
    assert "login" not in shown  # INFO goes to the file only, unless verbose


def test_setup_twice_does_not_double_lines() -> None:
    setup_logging()
    path = setup_logging(verbose=True)
    logging.getLogger("desktop").debug("once")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert path.read_text(encoding="utf-8").count("once") == 1


def test_log_file_rotates_and_keeps_five(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    path = setup_logging()
    log = logging.getLogger("desktop.store")
    for number in range(400):
        log.info("line %04d %s", number, "x" * 60)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["knop.log", *(f"knop.log.{n}" for n in range(1, 6))]
    assert all(p.stat().st_size <= 2_000 for p in path.parent.iterdir())
    assert "line 0399" in path.read_text(encoding="utf-8")


def test_a_secret_from_the_keyring_is_scrubbed_without_a_name_beside_it() -> None:
    """A library's repr or an exception can carry a token with no "token=" in front of it."""
    previous = keyring.get_keyring()
    credentials.use_memory_keyring()
    try:
        token = "k7Qm2vXp9sLr4TnW8yZb"
        credentials.save_user_token("https://knop.egeskov.dk", "anna", token)
        credentials.forget_user_token("https://knop.egeskov.dk", "anna")  # once seen, always scrubbed
        remember_secret("Sommer2026!")  # a typed password, as sync.session.login does
        remember_secret("1234")  # too short to hunt for: it would blank out ordinary numbers

        text = redact(f"odd answer ('{token}', 200) after Sommer2026! for pc 1234")
    finally:
        keyring.set_keyring(previous)
    assert text == f"odd answer ('{REDACTED}', 200) after {REDACTED} for pc 1234"
