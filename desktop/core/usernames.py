"""How a username is compared: the one spelling the client and the server both look up."""

from __future__ import annotations


def normalise_username(username: str) -> str:
    """Spaces around it and letter case do not matter: " Mette " logs in as "mette"."""
    return username.strip().lower()
