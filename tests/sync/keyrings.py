"""A keyring backend for child processes in the sync tests, selected with PYTHON_KEYRING_BACKEND.

A test's in-memory keyring cannot cross into a `knop sync` subprocess, so the
test writes its secrets to a JSON file (Machine.keyring_file) and starts the
child with PYTHON_KEYRING_BACKEND=tests.sync.keyrings.FileKeyring and
KNOP_TEST_KEYRING_FILE pointing at it. A plaintext file is fine in a test's
temporary folder and nowhere else, which is why this lives under tests/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
import keyring.errors

FILE_VARIABLE = "KNOP_TEST_KEYRING_FILE"


class FileKeyring(keyring.backend.KeyringBackend):
    priority = -10  # type: ignore[assignment]  # only ever chosen by name
    knop_test_backend = True  # desktop.credentials accepts it, as it would no other file

    def _path(self) -> Path:
        return Path(os.environ[FILE_VARIABLE])

    def _read(self) -> dict[tuple[str, str], str]:
        path = self._path()
        if not path.exists():
            return {}
        return {(s, u): p for s, u, p in json.loads(path.read_text(encoding="utf-8"))}

    def _write(self, secrets: dict[tuple[str, str], str]) -> None:
        path = self._path()
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps([[s, u, p] for (s, u), p in secrets.items()]), encoding="utf-8")
        partial.replace(path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        secrets = self._read()
        secrets[(service, username)] = password
        self._write(secrets)

    def delete_password(self, service: str, username: str) -> None:
        secrets = self._read()
        if secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._write(secrets)


class RefusingKeyring(keyring.backend.KeyringBackend):
    """A keyring that is there but refuses to store, as a locked or read-only one does.

    A real keyring plug-in (PYTHON_KEYRING_BACKEND=tests.sync.keyrings.RefusingKeyring),
    so a `knop` child process meets it exactly where it would meet a broken OS
    store: reads find nothing, and storing raises keyring's own PasswordSetError.
    """

    priority = -10  # type: ignore[assignment]  # only ever chosen by name
    knop_test_backend = True

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError(username)
