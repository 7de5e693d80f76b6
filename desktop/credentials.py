"""Secrets in the OS keyring: the device credential per server, and a token per user.

Secrets never go to SQLite or a settings file, where a backup, a support ticket
or the next person on a shared workstation could read them. Entries live under
the service name `Knop`:

    device <server_url>              the device credential from `knop enrol`
    token <person_id> <server_url>   a user's login token on this device

When the OS has no usable keyring (keyring's `fail` or `null` backend, a
locked or absent Secret Service), every call raises `CredentialsUnavailable`
instead of falling back to a file. The app then asks for the password again
and keeps the new token in memory for that session only; enrolment stops and
says why.
"""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from desktop.core.redaction import remember_secret

log = logging.getLogger(__name__)

SERVICE = "Knop"


class CredentialsUnavailable(Exception):
    """No usable keyring: the UI asks for the password instead of reading a stored token."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, language: str = "da") -> str:
        if language == "da":
            return (
                "Computeren har ingen nøglering, Knop kan bruge, så dit login kan ikke gemmes. "
                "Skriv din adgangskode igen."
            )
        return (
            "This computer has no keyring Knop can use, so your login cannot be kept. "
            "Please enter your password again."
        )


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets held in this process only: for the demo and tests, never chosen on its own."""

    priority = -10  # type: ignore[assignment]  # below `fail`, so auto-detection never picks it

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def _unusable(backend: keyring.backend.KeyringBackend) -> bool:
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return True
    return isinstance(backend, chainer.ChainerBackend) and not backend.backends


def keyring_usable() -> bool:
    try:
        return not _unusable(keyring.get_keyring())
    except Exception:  # noqa: BLE001 - a backend that fails to load is as good as none
        return False


def where_secrets_are() -> str:
    """Where a saved secret is kept, in words for a message: the OS keyring or this process."""
    if isinstance(keyring.get_keyring(), MemoryKeyring):
        return "in memory only, until Knop quits (there is no usable OS keyring)"
    return "in the OS keyring"


def use_memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def _backend() -> keyring.backend.KeyringBackend:
    try:
        backend = keyring.get_keyring()
    except Exception as error:
        raise CredentialsUnavailable(str(error)) from error
    if _unusable(backend):
        raise CredentialsUnavailable(f"no usable keyring backend ({type(backend).__module__})")
    return backend


def _get(entry: str) -> str | None:
    backend = _backend()
    try:
        secret = backend.get_password(SERVICE, entry)
    except Exception as error:
        raise CredentialsUnavailable(f"{type(error).__name__}: {error}") from error
    remember_secret(secret)
    return secret


def _set(entry: str, secret: str) -> None:
    remember_secret(secret)
    backend = _backend()
    try:
        backend.set_password(SERVICE, entry, secret)
    except Exception as error:
        raise CredentialsUnavailable(f"{type(error).__name__}: {error}") from error


def _delete(entry: str) -> None:
    backend = _backend()
    try:
        backend.delete_password(SERVICE, entry)
    except keyring.errors.PasswordDeleteError:
        pass  # already gone is what we wanted
    except Exception as error:
        raise CredentialsUnavailable(f"{type(error).__name__}: {error}") from error


def _server(url: str) -> str:
    return url.rstrip("/")


def _device_entry(server_url: str) -> str:
    return f"device {_server(server_url)}"


def _token_entry(server_url: str, person_id: str) -> str:
    return f"token {person_id} {_server(server_url)}"


def device_credential(server_url: str) -> str | None:
    return _get(_device_entry(server_url))


def save_device_credential(server_url: str, credential: str) -> None:
    _set(_device_entry(server_url), credential)


def forget_device_credential(server_url: str) -> None:
    _delete(_device_entry(server_url))


def user_token(server_url: str, person_id: str) -> str | None:
    return _get(_token_entry(server_url, person_id))


def save_user_token(server_url: str, person_id: str, token: str) -> None:
    _set(_token_entry(server_url, person_id), token)


def forget_user_token(server_url: str, person_id: str) -> None:
    _delete(_token_entry(server_url, person_id))
