"""Member invitations on the client: making the one-time code, and what the screens list.

The inviting client makes the code, so that an invitation made offline can be
printed or read out at once; the `member.invite` operation carries it to the
server, which keeps only its hash and mails it where a mail server is set up.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from desktop.core.entities import InvitationStatus, MemberInvitation, Person
from desktop.store import Store

# No 0/O, 1/I/L, U: a code can be read out over the phone (as enrolment codes are).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 16  # about 78 bits


def new_code() -> str:
    """A fresh invitation code, grouped for reading: "ABCD-EFGH-JKMN-PQRS"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@dataclass(frozen=True, slots=True)
class Sent:
    """An invitation as a list shows it, with the inviter's name."""

    invitation: MemberInvitation
    inviter: str


def invitations_for(store: Store, person: Person) -> list[Sent]:
    """The invitations this device holds for `person`: theirs, and for coordinators their site's.

    The feed delivers only what the person may see, so this lists what the
    store holds, newest first.
    """
    rows = store.rows(
        "SELECT i.*, p.name AS inviter_name FROM member_invitations i "
        "LEFT JOIN people p ON p.id = i.invited_by ORDER BY i.created_at DESC, i.id"
    )
    return [Sent(MemberInvitation.from_row(r), str(r.get("inviter_name") or "?")) for r in rows]


def is_open(invitation: MemberInvitation, now: str) -> bool:
    """Not taken up, not withdrawn, not expired by `now` (ISO 8601 UTC)."""
    usable = (InvitationStatus.PENDING, InvitationStatus.AWAITING_APPROVAL)
    return invitation.status in usable and invitation.expires_at > now
