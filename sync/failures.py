"""Why a sync, an enrolment or a login could not go on, in a sentence for people.

Every failure on the wire becomes one of these, each carrying a sentence
from the catalogue (or the server's own words, a `Said`), so the UI and
`knop sync` show the same words and never a traceback. The class says what the client should do next:

- `ServerUnreachable`: we are offline; keep working, the next sync retries.
- `UpdateRequired`: the server no longer speaks our protocol (426).
- `ServerRefused`: the server answered with an error code it chose (a 4xx);
  `needs_login` and `needs_enrolment` say whether a password or IT can fix it.
- `ServerTrouble`: the server failed (5xx) or answered nonsense; retry later.
- `ResyncNeeded`: the pull cursor is unknown (410); handled inside the pull.
- `NotEnrolled`, `KeyringUnavailable`, `LoginNeeded`: the client lacks what it
  needs to even ask.
- `Cancelled`: someone asked the sync to stop; the next one resumes.
"""

from __future__ import annotations

from typing import Any

from desktop.core.text import Wording, sentence
from sync.protocol import PLEASE_UPDATE

TOKEN_CODES = frozenset({"token_invalid", "token_expired", "token_revoked"})
DEVICE_CODES = frozenset({"device_invalid", "device_revoked"})


class SyncFailure(Exception):
    """Base: a sentence for people (`words`), a machine-readable code and optional detail.

    `cause` is what went wrong without what happens next (the status bar's
    reason line, beside a state line that already says it); `words` when not given.
    """

    code = "failure"

    def __init__(
        self, words: Wording, *, code: str | None = None, detail: Any = None, cause: Wording | None = None
    ) -> None:
        super().__init__(words.text("en"))
        self.words = words
        self.cause = words if cause is None else cause
        if code is not None:
            self.code = code
        self.detail = detail

    def message(self, language: str = "da") -> str:
        """The sentence in `language` ("da" or "en")."""
        return self.words.text(language)


class ServerUnreachable(SyncFailure):
    """No answer from the server; `why` is the reason as a phrase ("no connection"), if known."""

    code = "unreachable"
    why: Wording | None = None

    @classmethod
    def because(cls, why: Wording, detail: Any = None) -> ServerUnreachable:
        """Unreachable for the reason `why` (a phrase: "no connection")."""
        failure = cls(
            sentence(
                "The server cannot be reached ({why}). Your changes are kept and will be "
                "sent when the connection is back.",
                why=why,
            ),
            detail=detail,
            # The status bar's state line says "Offline: your changes are kept" (a try-out
            # read it twice, once in each line).
            cause=sentence("The server cannot be reached ({why}).", why=why),
        )
        # Kept apart for those who are told more than the staff's sentence (sync.enrolment).
        failure.why = why
        return failure


class UpdateRequired(SyncFailure):
    code = "unsupported_protocol"

    def __init__(self, words: Wording | None = None, detail: Any = None) -> None:
        super().__init__(words or PLEASE_UPDATE, detail=detail)


class ServerRefused(SyncFailure):
    """A 4xx the server explained with an error body (protocol.error_body)."""

    def __init__(self, status: int, code: str, words: Wording, detail: Any = None) -> None:
        super().__init__(words, code=code, detail=detail)
        self.status = status

    @property
    def needs_login(self) -> bool:
        return self.code in TOKEN_CODES

    @property
    def needs_enrolment(self) -> bool:
        return self.code in DEVICE_CODES


class ServerTrouble(SyncFailure):
    code = "server_trouble"


class ResyncNeeded(SyncFailure):
    code = "resync"


class NotEnrolled(SyncFailure):
    code = "not_enrolled"

    def __init__(self, detail: Any = None) -> None:
        super().__init__(
            sentence(
                "This computer is not enrolled with a Knop server. Ask IT to run 'knop enrol'."
            ),
            detail=detail,
        )


class KeyringUnavailable(SyncFailure):
    """The OS keyring cannot be read, so neither the device credential nor tokens can be."""

    code = "keyring_unavailable"

    def __init__(self, detail: Any = None) -> None:
        super().__init__(
            sentence(
                "Knop cannot read this computer's keyring (e.g. the GNOME keyring), where the "
                "enrolment is kept. Log in to the computer again, or ask IT for help."
            ),
            detail=detail,
        )


class LoginNeeded(SyncFailure):
    """A user has unsent changes but no usable token: only their password can help."""

    code = "login_needed"

    def __init__(self, who: str, detail: Any = None) -> None:
        super().__init__(
            sentence(
                "{who} has changes that have not been sent. Log in as {who} to send them.",
                who=who,
            ),
            detail=detail,
        )


class Cancelled(SyncFailure):
    code = "cancelled"

    def __init__(self) -> None:
        super().__init__(sentence("The sync was stopped. It continues next time."))
