"""Why an operation was refused, in a form both machines and people can read.

A `Rejection` carries a typed code (what the client should do about it), a
reason key (which sentence to show) and the facts that fill the sentence. The
sentences are in the one catalogue (`desktop.core.text`), because the server
must produce them too and the server has no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from desktop.core import eligibility
from desktop.core.entities import Person, PersonKind
from desktop.core.text import ClockTime, Listing, Sentence, plural_sentence, quoted, sentence


class Code(StrEnum):
    """The kind of refusal, which decides what a client offers next (protocol: "code")."""

    CONFLICT = "conflict"  # someone else got there first; look again
    FORBIDDEN = "forbidden"  # this person may not do this
    INVALID = "invalid"  # the operation itself is malformed or breaks a rule
    GONE = "gone"  # the thing it refers to does not exist (any more)


@dataclass(frozen=True, slots=True)
class Reason:
    """What a reason key means: its code and its sentence.

    `count` names the fact that is the sentence's `{n}` when the words follow a
    number (the sentence is then a `plural_sentence`, written with n=0); a fact
    that is a list counts its items.
    """

    code: Code
    words: Sentence
    count: str | None = None


# Who can verify a credential for a bidder (the fact `verifier`): a colleague asks a site
# manager or HR; someone from outside has neither, and is sent to the manager of the task's
# site (`site`, a name the task shows them). The directory tells an outsider no staff
# member's name (`sync.server.poster_api`), so the site manager is named by their part.
VERIFIERS: dict[str, Sentence] = {
    "colleague": sentence("A site manager or HR can verify credentials for you."),
    "outsider": sentence("The manager of {site} can verify credentials for you."),
}


# reason key -> Reason. Placeholders are filled from the rejection's facts.
REASONS: dict[str, Reason] = {
    "task.unknown": Reason(Code.GONE, sentence("The task does not exist (any more).")),
    "bid.unknown": Reason(Code.GONE, sentence("The bid does not exist (any more).")),
    "person.unknown": Reason(Code.GONE, sentence("The person does not exist.")),
    "site.unknown": Reason(Code.GONE, sentence("The site does not exist.")),
    "task.not_visible": Reason(Code.FORBIDDEN, sentence("You do not have access to this task.")),
    "task.not_manager": Reason(
        Code.FORBIDDEN,
        sentence("Only the task's owner or a manager at {site} can do this."),
    ),
    "task.external_cannot_post": Reason(
        Code.FORBIDDEN,
        sentence("External contributors cannot post tasks."),
    ),
    "task.wrong_site": Reason(
        Code.FORBIDDEN,
        sentence("You can only post tasks for your own site."),
    ),
    "task.exists": Reason(Code.CONFLICT, sentence("The task already exists.")),
    "organisation.other": Reason(
        Code.FORBIDDEN,
        sentence("That belongs to another organisation ({organisation}); only its own people can do this."),
    ),
    "task.bad_status": Reason(
        Code.CONFLICT,
        sentence("The task is {status}, so this cannot be done now."),
    ),
    "task.field_conflict": Reason(
        Code.CONFLICT,
        sentence("{who} changed {fields} at {at} while you were editing. See the new version."),
    ),
    "task.audience_locked": Reason(
        Code.INVALID,
        sentence("The audience can only be changed while the task is a draft."),
    ),
    "task.seats_below_accepted": Reason(
        Code.CONFLICT,
        plural_sentence(
            "{n} bid is already accepted, so seats cannot be {seats}.",
            "{n} bids are already accepted, so seats cannot be {seats}.",
            0,
        ),
        count="accepted",
    ),
    "task.nothing_accepted": Reason(
        Code.INVALID,
        sentence("The task cannot be completed before at least one bid is accepted."),
    ),
    "bid.own_task": Reason(Code.INVALID, sentence("You cannot bid on your own task.")),
    "bid.twice": Reason(Code.CONFLICT, sentence("You have already bid on this task.")),
    "bid.exists": Reason(Code.CONFLICT, sentence("The bid already exists.")),
    "bid.task_not_open": Reason(
        Code.CONFLICT,
        sentence("The task is not taking bids because it is {status}."),
    ),
    "bid.deadline_passed": Reason(Code.CONFLICT, sentence("The deadline for bids was {deadline}.")),
    "bid.not_own": Reason(Code.FORBIDDEN, sentence("You can only change your own bids.")),
    "bid.bad_status": Reason(
        Code.CONFLICT,
        sentence("The bid is {status}, so this cannot be done now."),
    ),
    "bid.already_decided": Reason(
        Code.CONFLICT,
        sentence("{who} already {status_verb} this bid at {at}."),
    ),
    "bid.seats_full": Reason(
        Code.CONFLICT,
        plural_sentence(
            "The only seat is taken: {who} accepted another bid at {at}.",
            "All {n} seats are taken: {who} accepted another bid at {at}.",
            0,
        ),
        count="seats",
    ),
    "lending.not_home_manager": Reason(
        Code.FORBIDDEN,
        sentence("Only the manager of {name}'s home site can decide on lending them."),
    ),
    "lending.not_awaiting": Reason(
        Code.CONFLICT,
        sentence("The lending of {name} does not wait for a decision."),
    ),
    "task.lending_awaiting": Reason(
        Code.CONFLICT,
        sentence("{name}'s home manager has not yet approved the lending, so the task cannot be completed."),
    ),
    "hours.not_worker": Reason(
        Code.INVALID,
        sentence("Hours can only be confirmed for accepted bids on this task."),
    ),
    "comment.empty": Reason(Code.INVALID, sentence("The comment is empty.")),
    "comment.closed": Reason(
        Code.CONFLICT,
        sentence("You cannot comment on a task that is {status}."),
    ),
    "skill.unknown": Reason(Code.INVALID, sentence("The skill {skill} is not in the catalogue.")),
    "skill.has": Reason(Code.CONFLICT, sentence("The skill is already on the profile.")),
    "skill.missing": Reason(Code.GONE, sentence("The skill is not on the profile.")),
    "profile.not_own": Reason(Code.FORBIDDEN, sentence("You can only change your own profile.")),
    "person.not_admin": Reason(
        Code.FORBIDDEN, sentence("Only an administrator can deactivate or erase people.")
    ),
    "person.self": Reason(
        Code.INVALID, sentence("You cannot deactivate or erase yourself.")
    ),
    "person.still_active": Reason(
        Code.CONFLICT, sentence("Deactivate {name} before erasing them.")
    ),
    "person.erased": Reason(Code.GONE, sentence("The person has been erased.")),
    "guidelines.not_accepted": Reason(
        Code.FORBIDDEN,
        sentence("Read and accept the organisation's current guidelines first."),
    ),
    "guidelines.not_admin": Reason(
        Code.FORBIDDEN, sentence("Only an administrator can publish guidelines.")
    ),
    "guidelines.unknown": Reason(Code.GONE, sentence("There are no such guidelines.")),
    "guidelines.changed": Reason(
        Code.CONFLICT,
        sentence("The guidelines have changed since you read them. Read the new version."),
    ),
    "endorse.exists": Reason(Code.CONFLICT, sentence("The endorsement already exists.")),
    "endorse.not_worker": Reason(
        Code.INVALID,
        sentence("Only people with an accepted bid on the task can be endorsed."),
    ),
    "endorse.twice": Reason(
        Code.CONFLICT,
        sentence("The skill is already endorsed for this task."),
    ),
    "field.required": Reason(Code.INVALID, sentence("{field} is required.")),
    "field.too_long": Reason(
        Code.INVALID,
        plural_sentence(
            "{field} may be at most {n} character.",
            "{field} may be at most {n} characters.",
            0,
        ),
        count="max",
    ),
    "field.bad_type": Reason(
        Code.INVALID,
        sentence("{field} has the wrong type (expected {expected})."),
    ),
    "invite.cannot_bid": Reason(
        Code.FORBIDDEN, sentence("{name} cannot see or bid on the task.")
    ),
    "invite.twice": Reason(
        Code.CONFLICT, sentence("{name} has already been invited to the task.")
    ),
    "field.out_of_range": Reason(
        Code.INVALID,
        sentence("{field} must be between {min} and {max}."),
    ),
    "field.bad_date": Reason(Code.INVALID, sentence("{field} must be a date (YYYY-MM-DD).")),
    "field.bad_time": Reason(Code.INVALID, sentence("{field} must be a time of day, such as 14:00.")),
    "task.repeat_needs_dates": Reason(
        Code.INVALID,
        sentence("A task that repeats every week needs a start date and an end date."),
    ),
    "task.time_needs_date": Reason(Code.INVALID, sentence("A time needs a start date.")),
    "field.bad_choice": Reason(Code.INVALID, sentence("{field} must be one of: {choices}.")),
    "field.unknown": Reason(Code.INVALID, sentence("Unknown field: {field}.")),
    "dates.order": Reason(Code.INVALID, sentence("The end date is before the start date.")),
    "operation.unknown": Reason(Code.INVALID, sentence("Unknown operation: {kind}.")),
    "operation.id_reused": Reason(
        Code.INVALID,
        sentence("The operation id was already used for something else."),
    ),
    "operation.author_mismatch": Reason(Code.FORBIDDEN, sentence("The operation is not yours.")),
    "operation.too_old": Reason(
        Code.GONE,
        sentence(
            "The change was made too long ago for the server to tell whether it was "
            "already carried out, so it was not carried out again. Check and make it again if needed."
        ),
    ),
    "operation.failed": Reason(
        Code.INVALID,
        sentence("The server could not carry out the operation."),
    ),
    "setting.unknown": Reason(Code.INVALID, sentence("There is no setting {setting}.")),
    "setting.bad_value": Reason(
        Code.INVALID, sentence("The setting {setting} cannot be set to {value}.")
    ),
    # The words the task view says before a bid (`ui.task_view`), the same the refusal
    # says after one: one source (`lacking_credentials` makes it, with who can verify).
    "bid.lacks_credentials": Reason(
        Code.FORBIDDEN,
        plural_sentence(
            "You cannot bid yet: the task requires {credentials}, which you do not hold or which has "
            "expired. {verifier}",
            "You cannot bid yet: the task requires {n} credentials, {credentials}, which you do not hold "
            "or which have expired. {verifier}",
            0,
            verifier=VERIFIERS["colleague"],  # a refusal from before the fact was sent
        ),
        count="credentials",  # one credential or several: the words follow how many
    ),
    "credential.unknown": Reason(
        Code.INVALID, sentence("The credential {credential} is not in the catalogue.")
    ),
    "credential.bad_severity": Reason(
        Code.INVALID, sentence(
            "A requirement must be {block} or {warn}, not {severity}.", block=quoted("block"), warn=quoted("warn")
        )
    ),
    "credential.not_verifier": Reason(
        Code.FORBIDDEN, sentence("Only a site manager or HR can verify credentials.")
    ),
    "credential.own": Reason(Code.FORBIDDEN, sentence("You cannot verify your own credentials.")),
    "task.audience_narrowing": Reason(
        Code.INVALID,
        sentence(
            "A published task's audience can only be widened: the people it reached already have it."
        ),
    ),
    "task.audience_outsiders_bid": Reason(
        Code.CONFLICT,
        sentence("People outside the narrower audience have already bid, so it cannot be narrowed."),
    ),
    "task.audience_same": Reason(Code.INVALID, sentence("The task already has this audience.")),
    "member.external_cannot_invite": Reason(
        Code.FORBIDDEN, sentence("External contributors cannot invite people.")
    ),
    "member.wrong_site": Reason(
        Code.FORBIDDEN, sentence("You can only invite people on behalf of your own site.")
    ),
    "member.bad_email": Reason(Code.INVALID, sentence("{email} is not an e-mail address.")),
    "member.weak_code": Reason(Code.INVALID, sentence("The invitation code is too short.")),
    "member.company_required": Reason(
        Code.INVALID,
        sentence("A company's contact person is invited for the company: give its name and CVR number (8 digits)."),
    ),
    "member.username_taken": Reason(
        Code.CONFLICT, sentence("The username {username} is taken. Choose another.")
    ),
    "invitation.exists": Reason(Code.CONFLICT, sentence("The invitation already exists.")),
    "invitation.unknown": Reason(
        Code.GONE, sentence("The invitation code is not known. Check it, or ask for a new one.")
    ),
    "invitation.expired": Reason(
        Code.GONE, sentence("The invitation expired on {date}. Ask for a new one.")
    ),
    "invitation.used": Reason(Code.CONFLICT, sentence("The invitation has already been used.")),
    "invitation.revoked": Reason(Code.GONE, sentence("The invitation was withdrawn.")),
    "invitation.awaiting_approval": Reason(
        Code.CONFLICT,
        sentence("The invitation is waiting for a coordinator's approval. Try again later."),
    ),
    "invitation.not_awaiting": Reason(
        Code.CONFLICT, sentence("The invitation is not waiting for approval.")
    ),
    "invitation.not_coordinator": Reason(
        Code.FORBIDDEN,
        sentence("Only a manager at the inviting site or an admin can approve invitations."),
    ),
    "invitation.not_theirs": Reason(
        Code.FORBIDDEN,
        sentence("Only who sent the invitation, a manager at its site or an admin can withdraw it."),
    ),
    "search.not_own": Reason(Code.FORBIDDEN, sentence("The saved search is not yours.")),
    "search.unknown": Reason(
        Code.GONE, sentence("The saved search does not exist (any more).")
    ),
}

# Field names shown inside sentences, so a Danish sentence names a Danish field.
FIELD_LABELS: dict[str, Sentence] = {
    "title": sentence("Title"),
    "description": sentence("Description"),
    "skills": sentence("Skills"),
    "effort_hours": sentence("Hours"),
    "starts_on": sentence("Start date"),
    "ends_on": sentence("End date"),
    "bid_deadline": sentence("Bid deadline"),
    "start_time": sentence("From (time)"),
    "end_time": sentence("To (time)"),
    "repeats": sentence("Repeats"),
    "place": sentence("Place"),
    "seats": sentence("Seats"),
    "audience": sentence("Audience"),
    "message": sentence("Message"),
    "hours": sentence("Hours"),
    "availability": sentence("Availability"),
    "body": sentence("Comment"),
    "skill": sentence("Skill"),
    "site_id": sentence("Site"),
}

# A status inside a sentence ("The task is {status}, ...").
STATUS_LABELS: dict[str, Sentence] = {
    "draft": sentence("a draft"),
    "open": sentence("open"),
    "closed": sentence("closed for bids"),
    "assigned": sentence("assigned"),
    "done": sentence("done"),
    "cancelled": sentence("cancelled"),
    "pending": sentence("pending"),
    "withdrawn": sentence("withdrawn"),
    "accepted": sentence("accepted"),
    "declined": sentence("declined"),
}

# A decision as a verb ("{who} already {status_verb} this bid at {at}.").
DECISION_VERBS: dict[str, Sentence] = {
    "accepted": sentence("accepted"),
    "declined": sentence("declined"),
    "withdrawn": sentence("withdrew"),
}


class Rejection(Exception):
    """An operation refused by the rules. Raised by rules, carried on the wire.

    `reason` must be a key of `REASONS` (else KeyError); `facts` fill its
    sentence (None values are dropped) and travel on the wire as they are.
    """

    def __init__(self, reason: str, **facts: Any) -> None:
        if reason not in REASONS:
            raise KeyError(f"unknown rejection reason {reason!r}")
        self.reason = reason
        self.facts = {k: v for k, v in facts.items() if v is not None}
        super().__init__(self.message("en"))

    @property
    def code(self) -> Code:
        """The reason's kind of refusal (`Code`), which decides what a client offers next."""
        return REASONS[self.reason].code

    def sentence(self) -> Sentence:
        """The sentence for people, in no language yet."""
        return describe(self.reason, self.facts)

    def message(self, language: str = "da") -> str:
        """The sentence in `language` ("da" or "en")."""
        return self.sentence().text(language)

    def to_wire(self) -> dict[str, Any]:
        """{"code", "reason", "facts", "message": {"da", "en"}}: the push result's rejection."""
        return {
            "code": str(self.code),
            "reason": self.reason,
            "facts": self.facts,
            "message": self.sentence().both(),
        }


def reworded(wire: dict[str, Any]) -> dict[str, Any]:
    """A refusal off the wire with its sentence worded on this machine, when it knows the reason.

    The server words times in its own zone (UTC on most servers: "19:24" for
    20:24 in Denmark); worded here from the reason and its facts, they read
    in this machine's zone. A reason this release does not know keeps the
    server's words. `wire` is `Rejection.to_wire()`'s shape; it is not changed.
    """
    reason, facts = wire.get("reason"), wire.get("facts")
    if not isinstance(reason, str) or reason not in REASONS or not isinstance(facts, dict):
        return wire
    return {**wire, "message": describe(reason, facts).both()}


# Facts that are someone's words or a name, quoted as the sentence's language quotes.
QUOTED_FACTS = frozenset({"skill", "credential", "severity", "email"})


def describe(reason: str, facts: dict[str, Any]) -> Sentence:
    """The sentence for a reason (an unknown one reads as "operation.failed").

    Field, status and decision facts are shown by their names in the sentence's
    language; the count fact of a plural reason becomes `{n}`.
    """
    meaning = REASONS.get(reason, REASONS["operation.failed"])
    filled: dict[str, Any] = {}
    for name, value in facts.items():
        if name in ("field", "fields"):
            names = value if isinstance(value, list) else [value]
            value = Listing(tuple(FIELD_LABELS.get(str(n), n) for n in names))
        elif name == "status":
            value = STATUS_LABELS.get(str(value), value)
        elif name == "status_verb":
            value = DECISION_VERBS.get(str(value), value)
        elif name == "credentials":
            value = eligibility.names(value if isinstance(value, list) else [value])
        elif name == "at" and isinstance(value, str):
            value = ClockTime(value)
        elif name in QUOTED_FACTS:
            value = quoted(value)
        elif name == "verifier":
            value = replace(VERIFIERS.get(str(value), VERIFIERS["colleague"]), facts={"site": facts.get("site", "")})
        filled[name] = value
    filled = {**meaning.words.facts, **filled}  # a reason's own facts ("block"), then the rejection's
    if meaning.count is None:
        return replace(meaning.words, facts=filled)
    count = facts.get(meaning.count)
    if isinstance(count, list):  # a list of things (credentials): its length is the count
        count = len(count)
    n = count if isinstance(count, int) and not isinstance(count, bool) else 0
    return replace(meaning.words, n=n, facts=filled)


def lacking_credentials(bidder: Person, credentials: list[str], site_name: str) -> Rejection:
    """Why `bidder` cannot bid on a task at the site `site_name`: they lack `credentials` (ids).

    Said by the task view before a bid and by the refusal of one (`operations.bid_place`),
    in the same words; who can verify them follows whether the bidder is staff.
    """
    verifier = "colleague" if bidder.kind == PersonKind.EMPLOYEE else "outsider"
    return Rejection("bid.lacks_credentials", credentials=list(credentials), verifier=verifier, site=site_name)
