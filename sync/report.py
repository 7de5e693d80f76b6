"""What a sync did, for the UI (redraw what changed, show counts) and for `knop sync`'s output."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.text import plural_sentence, sentence
from sync.failures import ServerUnreachable, SyncFailure


UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a running sync is: whose store, which phase, how far (total None = unknown)."""

    person_id: str
    who: str
    phase: str  # "push" | "pull" | "rebase", or UNREACHABLE: an attempt found no server
    done: int
    total: int | None = None


@dataclass(slots=True)
class UserReport:
    """One user's store: what was sent, what came back, and what is left."""

    person_id: str
    who: str  # username, or the person id when this machine has no account row
    pushed: int = 0
    applied: int = 0
    rejected: int = 0
    kept: int = 0  # the server failed on them unexpectedly; they are sent again next time
    pulled: int = 0  # changes
    pages: int = 0
    pull_s: float = 0.0  # the pull's wall-clock time
    noticing_s: float = 0.0  # of it, deriving notifications (desktop.notifications)
    resynced: bool = False
    resent: int = 0  # operations the server had confirmed, then lost (a restore), sent again
    rebased: bool = False
    locally_refused: int = 0  # pending ops whose effect the local rules no longer show
    pending: int = 0
    attention: int = 0
    tables: set[str] = field(default_factory=set)
    failure: SyncFailure | None = None
    token_released: bool = False

    @property
    def ok(self) -> bool:
        return self.failure is None

    def summary(self, language: str = "en") -> str:
        """One line for `knop sync`, in `language` ("da" or "en")."""
        parts = {
            "who": self.who,
            "pushed": plural_sentence("pushed {n}", "pushed {n}", self.pushed),
            "applied": plural_sentence("{n} applied", "{n} applied", self.applied),
            "rejected": plural_sentence("{n} rejected", "{n} rejected", self.rejected),
            "pulled": plural_sentence("pulled {n} change", "pulled {n} changes", self.pulled),
            "pending": plural_sentence("{n} pending", "{n} pending", self.pending),
            "attention": plural_sentence(
                "{n} needs attention", "{n} need attention", self.attention
            ),
        }
        if self.resynced:
            line = sentence(
                "{who}: {pushed} ({applied}, {rejected}), {pulled} (full resync); "
                "{pending}, {attention}",
                **parts,
            )
        else:
            line = sentence(
                "{who}: {pushed} ({applied}, {rejected}), {pulled}; {pending}, {attention}",
                **parts,
            )
        text = line.text(language)
        if self.failure is not None:
            text += f" - {self.failure.message(language)}"
        return text


@dataclass(slots=True)
class SyncReport:
    started_at: str
    finished_at: str = ""
    users: list[UserReport] = field(default_factory=list)
    failure: SyncFailure | None = None  # what stopped the whole sync (offline, not enrolled, ...)

    @property
    def ok(self) -> bool:
        return self.failure is None and all(u.ok for u in self.users)

    @property
    def online(self) -> bool:
        failures = [self.failure, *(u.failure for u in self.users)]
        return not any(isinstance(f, ServerUnreachable) for f in failures)

    def first_failure(self) -> SyncFailure | None:
        if self.failure is not None:
            return self.failure
        return next((u.failure for u in self.users if u.failure is not None), None)

    def user(self, person_id: str) -> UserReport | None:
        return next((u for u in self.users if u.person_id == person_id), None)
