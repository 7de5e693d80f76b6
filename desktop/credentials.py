"""Secrets in the OS keyring: the device credential per server, and a token per user.

Secrets never go to SQLite or a settings file, where a backup, a support ticket
or the next person on a shared workstation could read them. Entries live under
the service name `Knop`:

    device <server_url>              the device credential from `knop enrol`
    token <person_id> <server_url>   a user's login token on this device

Only an OS store will do: the Secret Service (GNOME Keyring, KeePassXC) or
KWallet on Linux, the Windows Credential Manager, the macOS Keychain. The
`keyring` package picks whatever backend it finds with the highest priority,
and on a Linux machine without a Secret Service that can be
`keyrings.alt`'s plaintext file, which arrives with other software; its
"encrypted" files keep the key beside them or ask for it on a terminal. So
`keyring_check` (used by every call here and by the self-test) accepts an
OS store, takes the OS store out of a chain that would fall back to another
kind, and refuses anything else, naming why.

When the OS has no usable keyring (none at all, only a file, a locked or
absent Secret Service), every call raises `CredentialsUnavailable` instead of
writing the secret anywhere else. The app then asks for the password again
and keeps the new token in memory for that session only; enrolment stops and
says why.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from desktop.core.redaction import remember_secret
from desktop.core.text import sentence

log = logging.getLogger(__name__)

SERVICE = "Knop"


class CredentialsUnavailable(Exception):
    """No usable keyring: the UI asks for the password instead of reading a stored token."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(self.message("en"))

    words = sentence(
        "This computer has no keyring Knop can use, so your login cannot be kept. "
        "Please enter your password again."
    )

    def message(self, language: str = "da") -> str:
        """The sentence in `language` ("da" or "en")."""
        return self.words.text(language)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets held in this process only: for the demo and tests, never chosen on its own."""

    priority = -10  # type: ignore[assignment]  # below `fail`, so auto-detection never picks it

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        """The secret stored under (service, username), or None."""
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store the secret, replacing any under the same (service, username)."""
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Forget the secret; raises keyring.errors.PasswordDeleteError if there is none."""
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


# The OS stores keyring ships, by module and class: the only places a secret may go.
OS_STORES = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.macOS.Keyring",
    }
)


def _name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _accepted(backend: keyring.backend.KeyringBackend) -> bool:
    """An OS store, or a backend that keeps secrets in this process (demo) or is a test's.

    A test's backend declares itself with `knop_test_backend = True`; it is
    only ever chosen by name (PYTHON_KEYRING_BACKEND), never found on a machine.
    """
    return (
        _name(backend) in OS_STORES
        or isinstance(backend, MemoryKeyring)
        or getattr(type(backend), "knop_test_backend", False) is True
    )


def _why_not(backend: keyring.backend.KeyringBackend) -> str:
    """Why a backend that is not an OS store must not hold Knop's secrets, for IT."""
    name = _name(backend)
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return f"no OS keyring was found ({name})"
    if name.startswith("keyrings.alt.file.Plaintext"):
        return f"{name} keeps secrets in a plain text file"
    if name.startswith("keyrings.alt.") and "Encrypted" in name:
        return f"{name} keeps secrets in a file whose key lies beside it or is typed on a terminal"
    if isinstance(backend, chainer.ChainerBackend):
        members = "; ".join(_why_not(m) for m in backend.backends) or "it holds no backend"
        return f"a chain of keyrings without an OS store ({members})"
    return f"{name} is not an OS keyring"


@dataclass(frozen=True, slots=True)
class KeyringCheck:
    """The backend Knop will use, or why there is none: one answer for credentials and self-test.

    `backend` is None exactly when `refusal` says why (a sentence for IT, in English).
    """

    backend: keyring.backend.KeyringBackend | None
    name: str
    refusal: str | None


def keyring_check() -> KeyringCheck:
    """Which keyring backend may hold Knop's secrets. Never raises."""
    try:
        chosen = keyring.get_keyring()
    except Exception as error:  # noqa: BLE001 - a backend that fails to load is as good as none
        why = f"the keyring could not be loaded ({type(error).__name__}: {error})"
        return KeyringCheck(None, "-", why)
    if _accepted(chosen):
        return KeyringCheck(chosen, _name(chosen), None)
    if isinstance(chosen, chainer.ChainerBackend):
        # A chain tries each member in turn, so a locked OS store would send a secret to
        # a file; use its OS store alone, if it has one.
        for member in chosen.backends:
            if _accepted(member):
                return KeyringCheck(member, _name(member), None)
    return KeyringCheck(None, _name(chosen), _why_not(chosen))


def keyring_usable() -> bool:
    """Whether an OS store (never a file or a fallback) can hold secrets here (`keyring_check`)."""
    return keyring_check().backend is not None


def where_secrets_are() -> str:
    """Where a saved secret is kept, in words for a message: the OS keyring or this process."""
    if isinstance(keyring.get_keyring(), MemoryKeyring):
        return "in memory only, until Knop quits (there is no usable OS keyring)"
    return "in the OS keyring"


def use_memory_keyring() -> MemoryKeyring:
    """Make a fresh in-process keyring the backend (demo and tests) and return it."""
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def _backend() -> keyring.backend.KeyringBackend:
    check = keyring_check()
    if check.backend is None:
        raise CredentialsUnavailable(check.refusal or check.name)
    return check.backend


def check_keyring_stores() -> str:
    """Store, read back and delete an entry of Knop's own; returns the backend's name.

    A keyring can be found and still refuse to store (locked, read-only, a
    broken plug-in), which `keyring_check` cannot see without writing. `knop
    enrol` asks this before it spends its one-time code, and the self-test asks
    it too. The entry, `probe <random>` under the service name, is nobody's
    secret and is deleted again. Raises CredentialsUnavailable, its `detail`
    saying in English which step failed and why (or why there is no usable
    keyring at all).
    """
    backend = _backend()
    name = _name(backend)
    entry, probe = f"probe {secrets.token_hex(8)}", secrets.token_hex(16)
    step = "store"
    try:
        backend.set_password(SERVICE, entry, probe)
        step = "read back"
        found = backend.get_password(SERVICE, entry)
        step = "delete"
        backend.delete_password(SERVICE, entry)
    except Exception as error:
        raise CredentialsUnavailable(
            f"the keyring {name} cannot {step} a secret ({type(error).__name__}: {error})"
        ) from error
    if found != probe:
        raise CredentialsUnavailable(f"the keyring {name} did not give back a secret it had stored")
    return name


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
    """This machine's "<device_id>.<secret>" for the server, or None before enrolment.

    Raises CredentialsUnavailable when there is no usable keyring or it fails.
    """
    return _get(_device_entry(server_url))


def save_device_credential(server_url: str, credential: str) -> None:
    """Keep the enrolment's "<device_id>.<secret>"; raises CredentialsUnavailable as above."""
    _set(_device_entry(server_url), credential)


def user_token(server_url: str, person_id: str) -> str | None:
    """The person's login token for the server, or None; raises CredentialsUnavailable."""
    return _get(_token_entry(server_url, person_id))


def save_user_token(server_url: str, person_id: str, token: str) -> None:
    """Keep the person's login token; raises CredentialsUnavailable."""
    _set(_token_entry(server_url, person_id), token)


def forget_user_token(server_url: str, person_id: str) -> None:
    """Drop the person's token (nothing if it is gone already); raises CredentialsUnavailable."""
    _delete(_token_entry(server_url, person_id))
