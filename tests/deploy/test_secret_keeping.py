"""What Knop says about where secrets went matches where they went (make run prints it)."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import pytest

from desktop import credentials


class _OsKeyring(keyring.backend.KeyringBackend):
    """Stands in for the Secret Service: any backend that is not Knop's in-memory one."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass


@pytest.fixture(autouse=True)
def keep_the_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_without_an_os_keyring_the_demo_says_memory() -> None:
    credentials.use_memory_keyring()
    assert credentials.where_secrets_are() == (
        "in memory only, until Knop quits (there is no usable OS keyring)"
    )


def test_with_an_os_keyring_it_says_the_keyring() -> None:
    keyring.set_keyring(_OsKeyring())
    assert credentials.where_secrets_are() == "in the OS keyring"
