"""What a sync did, for the UI (redraw what changed, show counts) and for `knop sync`'s output."""

from __future__ import annotations

from dataclasses import dataclass, field

from sync.failures import ServerUnreachable, SyncFailure


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a running sync is: whose store, which phase, how far (total None = unknown)."""

    person_id: str
    who: str
    phase: str  # "push" | "pull" | "rebase"
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
        """One line for `knop sync`."""
        if language == "da":
            text = (
                f"{self.who}: sendt {self.pushed} ({self.applied} gennemført, {self.rejected} afvist), "
                f"hentet {self.pulled} ændringer"
            )
            if self.resynced:
                text += " (alt hentet forfra)"
            text += f"; {self.pending} venter, {self.attention} kræver opmærksomhed"
        else:
            text = (
                f"{self.who}: pushed {self.pushed} ({self.applied} applied, {self.rejected} rejected), "
                f"pulled {self.pulled} changes"
            )
            if self.resynced:
                text += " (full resync)"
            text += f"; {self.pending} pending, {self.attention} need attention"
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
