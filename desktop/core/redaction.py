"""Secrets never reach a log: a filter that scrubs passwords, tokens and device credentials.

Logs get mailed to support and pasted into tickets, so no record may carry a
password, a user token or the device credential. `SecretRedactor` sits on
every handler the client and the server install (a filter on a handler sees
records from every logger, a filter on a logger only its own), and rewrites the
message, the traceback and the stack before anything is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

# Matched at the end of a key's name, so access_token, device_secret, my_api_key count too.
_SECRET_NAMES = r"password|passwd|pwd|secret|token|api_?key|credential|enrol{1,2}ment_code"

# A value as it appears after "name: " or "name=": quoted, already redacted, or bare.
_QUOTED = r""""[^"]*"|'[^']*'"""
_BARE = r"""\[redacted\]|[^\s"'&,;}\]]+"""
_IS = r"""["']?\s*[:=]\s*"""  # the "=", ": " or "': '" between a name and its value


def _keep_quotes(match: re.Match[str]) -> str:
    value = match["value"]
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match['name']}{quote}{REDACTED}{quote}"


# Each pattern keeps what says *what* was there and drops the value.
_PATTERNS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # Authorization: Bearer abc / {'Authorization': 'Bearer abc'} / authorization=Basic abc
    (
        re.compile(
            rf"""(?P<name>authorization{_IS}["']?(?:(?:bearer|basic|digest|token)\s+)?)(?P<value>{_BARE})""",
            re.IGNORECASE,
        ),
        _keep_quotes,
    ),
    # a bare "Bearer abc" anywhere else, e.g. in an exception's text
    (re.compile(r"\b(bearer\s+)(?!\[redacted\])[\w\-.~+/]+=*", re.IGNORECASE), rf"\1{REDACTED}"),
    # Knop-Device: <device_id>.<device_secret>
    (
        re.compile(rf"""(?P<name>knop-device{_IS}["']?)(?P<value>{_BARE})""", re.IGNORECASE),
        _keep_quotes,
    ),
    # password=..., "password": "Pa ss", token: ..., ?access_token=...&, my_api_key='...'
    (
        re.compile(
            rf"""(?P<name>\b\w*(?:{_SECRET_NAMES}){_IS})(?P<value>{_QUOTED}|{_BARE})""",
            re.IGNORECASE,
        ),
        _keep_quotes,
    ),
    # https://user:password@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@", re.IGNORECASE), rf"\1{REDACTED}@"),
)


# Values this process has handled as secrets (tokens, device credentials, a typed
# password). The patterns above only catch a secret next to a name they know; these
# are caught wherever they appear, e.g. inside a library's repr of a request.
# Short values are left out: "1234" would blank out every number in the log.
_KNOWN_SECRETS: set[str] = set()
_SHORTEST_KNOWN_SECRET = 8


def remember_secret(value: str | None) -> None:
    """From now on, scrub `value` from every log record, whatever surrounds it."""
    if value and len(value) >= _SHORTEST_KNOWN_SECRET:
        _KNOWN_SECRETS.add(value)


def redact(text: str) -> str:
    """The text with every secret value it carries replaced by [redacted]."""
    for secret in tuple(_KNOWN_SECRETS):  # tuple: another thread may add one meanwhile
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class SecretRedactor(logging.Filter):
    """Scrubs each record once, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's message, exception and stack in place; always lets it through."""
        if getattr(record, "_knop_redacted", False):
            return True  # the file and stderr handlers share records; scrub once
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._knop_redacted = True  # type: ignore[attr-defined]
        return True
