"""Request and response bodies as pydantic models: the checks, and the served OpenAPI description.

The shapes are those of `sync.protocol`; these models make them precise
(lengths, unknown fields refused, the known operation kinds) so that bad
input is refused at the door with a 422 and so that a fuzzer reading the
OpenAPI description tries meaningful requests. Every string that reaches the
database is checked for NUL characters and lone surrogates here, because
PostgreSQL and the UTF-8 encoder would otherwise fail deep inside a query.
An operation's payload is only bounded here (depth, size of strings); its
fields are checked by the operation's own rules, which answer with a
rejection the user can read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from desktop.core.operations import OPERATIONS
from sync import protocol

MAX_PAYLOAD_DEPTH = 8
MAX_PAYLOAD_STRING = 20_000


def _clean(text: str) -> str:
    if "\x00" in text:
        raise ValueError("text may not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return text


def _bounded(value: Any, depth: int = 0) -> Any:
    """Refuse payloads nested deeper than any operation needs, and hostile strings inside them."""
    if depth > MAX_PAYLOAD_DEPTH:
        raise ValueError(f"payload is nested deeper than {MAX_PAYLOAD_DEPTH} levels")
    if isinstance(value, str):
        if len(value) > MAX_PAYLOAD_STRING:
            raise ValueError(f"payload text is longer than {MAX_PAYLOAD_STRING} characters")
        _clean(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _bounded(key, depth + 1)
            _bounded(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _bounded(item, depth + 1)
    return value


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_clean),
    ]


# Runtime-built types: pydantic reads them, a type checker sees plain text.
if TYPE_CHECKING:
    Id: TypeAlias = str
    Name: TypeAlias = str
    Code: TypeAlias = str
    Username: TypeAlias = str
    Password: TypeAlias = str
    Stamp: TypeAlias = str
    Kind: TypeAlias = str
else:
    Id = _text(64, 1)
    Name = _text(200)
    Code = _text(64, 1)
    Username = _text(200, 1)
    Password = _text(1024, 1)
    Stamp = _text(40)
    Kind = Literal[tuple(sorted(OPERATIONS))]
Payload = Annotated[dict[str, Any], AfterValidator(_bounded)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Operation(Strict):
    id: Id = Field(description="Client-made UUIDv7; the key for exactly-once.")
    kind: Kind = Field(description="One of the operations defined in desktop.core.operations.")
    payload: Payload = Field(description="The operation's fields; checked by its rules.")
    author_id: Id = Field(description="Must be the logged-in user.")
    device_id: Id | None = None
    created_at: Stamp = Field(default="", description="Client clock; for display only.")


class PushRequest(Strict):
    operations: Annotated[list[Operation], Field(max_length=protocol.MAX_PUSH_OPERATIONS)]
    cursor: Annotated[str | None, Field(max_length=200)] = Field(
        default=None,
        description=(
            "The device's pull cursor, if it has one. A cursor from a future this server "
            "does not have (it was restored from a backup) is answered 410 resync and "
            "nothing is applied: the device resyncs, then sends what the server had "
            "confirmed before anything new."
        ),
    )


class PullQuery(BaseModel):
    """A pull's query parameters (unknown ones are ignored, as query strings go)."""

    cursor: Annotated[str | None, Field(max_length=200)] = None
    limit: Annotated[int, Field(ge=1, le=protocol.MAX_PULL_LIMIT)] = protocol.DEFAULT_PULL_LIMIT


class EnrolRequest(Strict):
    code: Code
    name: Name = ""


class LoginRequest(Strict):
    username: Username
    password: Password


class AcceptInvitationRequest(Strict):
    code: Code
    username: Username
    password: Password
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    device_name: Annotated[str | None, Field(max_length=100)] = Field(
        default=None,
        description=(
            "Set to enrol this computer as the invitee's personal device (outsiders only): "
            "the answer then holds its credential and a login token on it."
        ),
    )


# --- responses (for the OpenAPI description) ---------------------------------------


class Message(BaseModel):
    da: str
    en: str


class ErrorDetail(BaseModel):
    code: str
    message: Message
    detail: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
    protocol: int
    supported: list[int]


class WireRejection(BaseModel):
    code: str
    reason: str
    facts: dict[str, Any]
    message: Message


class Result(BaseModel):
    id: str
    status: Literal["applied", "rejected"]
    entity_id: str | None = None
    versions: dict[str, int] | None = None
    rejection: WireRejection | None = None


class WireChange(BaseModel):
    table: str
    row: dict[str, Any]
    deleted: bool


class PullPage(BaseModel):
    """A page of the feed: the changes after the cursor sent, the cursor to send next, whether more wait."""

    changes: list[WireChange]
    cursor: str
    more: bool
    nfc: bool = Field(
        default=False,
        description="True: every text in `changes` is already in Unicode NFC (server migration 14), "
        "so the client need not normalise it. Absent (older servers): check it.",
    )


class PushPull(BaseModel):
    """A push's Knop-Pull header (protocol.PUSH_PULL_HEADER): the page's limit, if asked."""

    value: Annotated[int | None, Field(ge=1, le=protocol.MAX_PULL_LIMIT)] = None


class PushResponse(BaseModel):
    results: list[Result]
    pull: PullPage | None = Field(
        default=None,
        description="With the Knop-Pull header and a cursor: the page a pull would answer right after the push.",
    )


class Enrolled(BaseModel):
    device_id: str
    secret: str
    credential: str
    site: dict[str, Any]
    organisation: dict[str, Any] | None


class LoggedIn(BaseModel):
    token: str
    person: dict[str, Any]
    expires_at: str


class InvitationAccepted(BaseModel):
    person: dict[str, Any]
    organisation: dict[str, Any] | None
    device_id: str | None = None
    credential: str | None = None
    token: str | None = None
    expires_at: str | None = None


class LoggedOut(BaseModel):
    status: Literal["logged_out"]
