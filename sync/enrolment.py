"""`knop enrol --server URL --code CODE [--name NAME]`: IT enrols this machine to a site, unattended.

It trades the one-time code for a device credential (POST /v1/devices/enrol),
puts the credential in the OS keyring and records `server_url` and `site_id`
in the machine-wide settings file. Everything that can be checked before the
code is spent is checked first (settings readable, a keyring that stores,
reads back and deletes a probe entry, the machine-wide folder writable),
because a spent code cannot be used again.

Exit codes, for deployment scripts:
    0  enrolled
    1  the server refused (unknown, used or expired code; too old a client)
    2  wrong command line (argparse)
    3  the server could not be reached (network, proxy, TLS: check proxy and ca_bundle)
    4  could not save, or could not start: machine-wide file not writable, no usable
       keyring or one that cannot store (a probe entry is stored, read back and
       deleted before the code is spent), or a mistake in the settings
"""

from __future__ import annotations

import argparse
import getpass
import logging
import socket
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from desktop import credentials
from desktop.credentials import CredentialsUnavailable
from desktop.core.redaction import remember_secret
from desktop.core.text import LANGUAGES, Said, Sentence, sentence
from desktop.logs import FILE_ONLY
from desktop.settings import (
    SettingsError,
    load_settings,
    machine_settings_path,
    save_machine_settings,
)
from sync.api import ServerApi
from sync.failures import ServerUnreachable, SyncFailure
from sync.transport import Connection, Transport

log = logging.getLogger(__name__)

ENROLLED, REFUSED, USAGE, UNREACHABLE, CANNOT_SAVE = 0, 1, 2, 3, 4


class EnrolmentFailed(Exception):
    """Why enrolling (or taking up an invitation) failed: an exit code, and the reason in English.

    `said` holds the reason in each language ("da", "en") where the server or
    the transport gave it in words for people; `in_language` reads it.
    """

    def __init__(self, exit_code: int, message: str, said: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.said = said or {}

    @classmethod
    def worded(cls, exit_code: int, said: Sentence | Said, message: str | None = None) -> EnrolmentFailed:
        """A failure whose reason is `said`, kept in each of `LANGUAGES` for `in_language`.

        `message`, the command line's English, is the English of `said` unless given.
        """
        texts = said.both()
        return cls(exit_code, texts["en"] if message is None else message, texts)

    @classmethod
    def from_failure(cls, exit_code: int, failure: SyncFailure) -> EnrolmentFailed:
        """From a failed request: the rule's own reason when the server gave one, else the failure's words."""
        detail = getattr(failure, "detail", None)
        given = detail.get("message") if isinstance(detail, dict) else None
        own = given if isinstance(given, dict) else {}
        return cls.worded(
            exit_code, Said({language: str(own.get(language) or failure.message(language)) for language in LANGUAGES})
        )

    @classmethod
    def unreachable(cls, url: str, failure: ServerUnreachable) -> EnrolmentFailed:
        """The server at `url` did not answer (exit code 3): the address, why, and what to check.

        Not the sync's sentence ("your changes are kept", for staff at work): whoever enrols a
        machine or takes up an invitation needs the address and what to check (a try-out). The
        command line's English adds, for IT, where a proxy or the municipality's own CA is set.
        """
        said = sentence(
            "The server {server} does not answer ({why}). Check that the address is right, that the "
            "server is running and that this computer is online.",
            server=url,
            why=failure.why or sentence("no connection"),
        )
        for_it = (
            "If the network needs a proxy, or the server's certificate comes from the "
            f"municipality's own CA, set proxy or ca_bundle in {machine_settings_path()}."
        )
        return cls.worded(UNREACHABLE, said, f"{said.text('en')} {for_it}")

    def in_language(self, language: str) -> str:
        """The reason in `language` ("da" or "en"); English where only that was said."""
        return self.said.get(language) or str(self)


@dataclass(frozen=True, slots=True)
class Enrolment:
    server_url: str
    device_id: str
    site: dict[str, Any]


def _check_url(server: str) -> str:
    url = server.strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise EnrolmentFailed(
            USAGE, f"--server must start with https:// (or http:// for a test server), got {server!r}"
        )
    return url


def _check_machine_folder() -> None:
    """Fail now, not after the code is spent, if the machine-wide file cannot be written."""
    folder = machine_settings_path().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".knop-enrol-", delete=True):
            pass
    except OSError as error:
        raise EnrolmentFailed(
            CANNOT_SAVE,
            f"cannot write {machine_settings_path()} ({error.strerror or error}); run knop enrol "
            "as an administrator (root), or set KNOP_SYSTEM_CONFIG_DIR to a writable folder",
        ) from None


def _check_keyring_stores() -> None:
    """Fail now, not after the code is spent, if the keyring cannot keep the device credential.

    A keyring that is there but refuses to store (locked, read-only, a broken
    plug-in) used to show only after the server had spent the code, and the
    sentence was the staff's "enter your password again" (a try-out).
    """
    try:
        credentials.check_keyring_stores()
    except CredentialsUnavailable as error:
        said = sentence(
            "This computer's keyring cannot keep the key that makes it a Knop device ({detail}). "
            "Nothing was used up: the code still works once the keyring does. Unlock the keyring "
            "(on Linux: a Secret Service such as gnome-keyring) or ask IT.",
            detail=error.detail,
        )
        raise EnrolmentFailed.worded(
            CANNOT_SAVE,
            said,
            f"the device credential cannot be kept: {error.detail}; nothing was spent, the code "
            "still works: make the keyring work (on Linux, an unlocked Secret Service such as "
            "gnome-keyring) and run this again",
        ) from None


def _prepare(server: str, code: str, *, keeps_a_device: bool = True) -> tuple[str, Connection]:
    """What must hold before a one-time code is spent: a URL, settings, a keyring, a writable folder.

    The last two only when a device credential is to be kept (`keeps_a_device`).
    """
    remember_secret(code)
    url = _check_url(server)
    try:
        settings = load_settings()
    except SettingsError as error:
        raise EnrolmentFailed(CANNOT_SAVE, str(error)) from None
    if keeps_a_device:
        _check_keyring_stores()
        _check_machine_folder()
    try:
        return url, Connection.from_settings(settings, url)
    except ValueError as error:
        raise EnrolmentFailed(USAGE, str(error)) from None


def _keep(url: str, credential: str, site_id: str | None, device_name: str) -> None:
    """The device credential to the keyring; the server, site and device name to the machine-wide file.

    The name is the one the server knows the device by (the admin's device
    list), so About says the same.
    """
    try:
        credentials.save_device_credential(url, credential)
    except CredentialsUnavailable as error:
        # The probe before the code was spent stored an entry; this keyring failed since.
        raise EnrolmentFailed(
            CANNOT_SAVE,
            f"the keyring refused the device credential ({error.detail}) after it had stored a "
            "test entry; the code is spent: make the keyring work, ask for a new code and run "
            "this again",
        ) from None
    try:
        save_machine_settings(server_url=url, site_id=site_id or None, device_name=device_name)
    except SettingsError as error:
        raise EnrolmentFailed(CANNOT_SAVE, f"{error}; the code is spent, ask for a new one") from None


def _device_name(name: str | None) -> str:
    return (name or socket.gethostname() or "workstation").strip()[:100]


def enrol(server: str, code: str, name: str | None = None) -> Enrolment:
    """Enrol this machine; raises EnrolmentFailed with an exit code and a sentence."""
    url, connection = _prepare(server, code)
    device_name = _device_name(name)
    with Transport(connection) as transport:
        try:
            answer = ServerApi(transport).enrol(code, device_name)
        except ServerUnreachable as failure:
            raise EnrolmentFailed.unreachable(url, failure) from None
        except SyncFailure as failure:
            raise EnrolmentFailed.from_failure(REFUSED, failure) from None
    found = answer.get("site")
    site: dict[str, Any] = found if isinstance(found, dict) else {}
    site_id = str(site.get("id") or "")
    _keep(url, str(answer["credential"]), site_id, device_name)
    log.info("enrolled as device %s at site %s on %s", answer.get("device_id"), site_id, url)
    return Enrolment(url, str(answer.get("device_id") or ""), site)


@dataclass(frozen=True, slots=True)
class Welcome:
    """An invitation taken up on this computer: `device_id` of its new personal device, "" on a site's."""

    server_url: str
    device_id: str
    person: dict[str, Any]


def accept_invitation(
    server: str,
    code: str,
    *,
    username: str,
    password: str,
    name: str,
    phone: str = "",
    device_name: str | None = None,
) -> Welcome:
    """The invitee takes up their invitation; an outsider's own computer becomes their personal device.

    The device serves only them (the server refuses anyone else's login on
    it). A computer IT enrolled for a site (a shared workstation: the
    machine-wide settings name a site) stays the site's: there the invitation
    makes only the account, and `Welcome.device_id` is "". Afterwards they log
    in as anyone does, online first. Raises EnrolmentFailed: REFUSED with the
    server's reason (unknown, used, withdrawn, expired or waiting code;
    username taken), UNREACHABLE, CANNOT_SAVE.
    """
    remember_secret(password)
    personal = not enrolled_for_a_site()
    url, connection = _prepare(server, code, keeps_a_device=personal)
    device_name = _device_name(device_name) if personal else None
    with Transport(connection) as transport:
        try:
            answer = ServerApi(transport).accept_invitation(
                code, username, password, name, phone, device_name
            )
        except ServerUnreachable as failure:
            raise EnrolmentFailed.unreachable(url, failure) from None
        except SyncFailure as failure:
            raise EnrolmentFailed.from_failure(REFUSED, failure) from None
    if device_name is None:
        log.info("invitation taken up on this site's workstation (%s); it stays the site's", url)
        return Welcome(url, "", dict(answer["person"]))
    _keep(url, str(answer["credential"]), None, device_name)
    log.info("personal device %s enrolled with an invitation on %s", answer.get("device_id"), url)
    return Welcome(url, str(answer.get("device_id") or ""), dict(answer["person"]))


def enrolled_for_a_site() -> bool:
    """True on a workstation IT enrolled for a site: its machine-wide settings name the site.

    Such a computer is shared by the site's staff, so an invitation taken up on
    its login screen must not make it one outsider's own device, which would
    lock everyone else out of it (and its machine-wide file is not the
    invitee's to write). Unreadable settings count as not enrolled; `_prepare`
    refuses them.
    """
    try:
        return bool(load_settings().site_id)
    except SettingsError:
        return False


def enrol_command(args: argparse.Namespace) -> int:
    try:
        done = enrol(args.server, args.code, getattr(args, "name", None))
    except EnrolmentFailed as failure:
        log.error("knop enrol: %s", failure, extra=FILE_ONLY)  # the sentence is on stderr already
        print(f"knop enrol: {failure}", file=sys.stderr)
        return failure.exit_code
    site = done.site.get("name") or done.site.get("id") or "?"
    print(f"Enrolled with {done.server_url} at site {site} (device {done.device_id}).")
    print(
        f"Settings written to {machine_settings_path()}; "
        f"the device credential is {credentials.where_secrets_are()}."
    )
    return ENROLLED


def accept_invitation_command(args: argparse.Namespace) -> int:
    """`knop accept-invitation`: the password from stdin (--password-stdin) or asked twice on a terminal."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Choose a password (at least 8 characters): ")
        if getpass.getpass("The password again: ") != password:
            print("knop accept-invitation: the passwords differ", file=sys.stderr)
            return USAGE
    try:
        done = accept_invitation(
            args.server, args.code, username=args.username, password=password, name=args.name,
            phone=args.phone, device_name=args.device_name,
        )
    except EnrolmentFailed as failure:
        print(f"knop accept-invitation: {failure}", file=sys.stderr)
        return failure.exit_code
    where = (
        f"This computer is now your own Knop device on {done.server_url}"
        if done.device_id
        else f"This computer stays the site's ({done.server_url})"
    )
    print(f"Welcome, {done.person.get('name')}. {where}; start Knop and log in as {done.person.get('username')}.")
    return ENROLLED
