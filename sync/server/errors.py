"""Refusals of a whole request: a code a client can act on, and a sentence for people.

A refused *operation* is a `desktop.core.rejection.Rejection` inside a push result;
this module is for requests the server will not take at all (bad credentials,
malformed body, stale cursor). Every one of them leaves with
`protocol.error_body`, so clients parse one shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.core.text import Sentence, sentence
from sync import protocol

if TYPE_CHECKING:  # the admin tool raises these too, and need not load the web stack
    from fastapi.responses import JSONResponse

# code -> (HTTP status, sentence)
ERRORS: dict[str, tuple[int, Sentence]] = {
    "invalid_request": (422, sentence("The request is not valid.")),
    "bad_request": (400, sentence("The request could not be read.")),
    "too_large": (413, sentence("The request is too large.")),
    "unsupported_protocol": (426, protocol.PLEASE_UPDATE),
    "device_invalid": (
        401,
        sentence("This computer is not enrolled with the server. Ask IT to enrol it again."),
    ),
    "device_revoked": (
        401,
        sentence("This computer's access has been revoked. Ask IT to enrol it again."),
    ),
    "token_invalid": (401, sentence("You are not logged in. Please log in again.")),
    "token_expired": (401, sentence("Your login has expired. Please log in again.")),
    "token_revoked": (401, sentence("Your login has been ended. Please log in again.")),
    "login_failed": (401, sentence("Wrong username or password.")),
    "other_organisation": (
        403,
        sentence(
            "This computer belongs to a site of another organisation. "
            "Log in on a computer of your own organisation."
        ),
    ),
    "enrolment_failed": (401, sentence("The enrolment code is unknown, used or expired.")),
    # The detail is the rule's rejection (code, reason, facts, message) saying why.
    "invitation_refused": (409, sentence("The invitation cannot be used.")),
    "too_many_attempts": (429, sentence("Too many attempts. Wait a while and try again.")),
    "resync": (
        410,
        sentence("The server no longer knows this sync point; everything is fetched again."),
    ),
    "not_found": (404, sentence("The address does not exist on the server.")),
    "forbidden": (403, sentence("You may not see this.")),
    # An admin asked about a person, site or device of another organisation
    # (issue 16): 404, so that nothing is learnt about another's people.
    "outside_organisation": (404, sentence("There is no such person, site or device in your organisation.")),
    "method_not_allowed": (405, sentence("The method is not allowed here.")),
    "unavailable": (
        503,
        sentence("The server cannot reach its database right now. Try again shortly."),
    ),
    "server_error": (500, sentence("Something went wrong on the server.")),
}

_BY_STATUS = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


class ApiError(Exception):
    """Raised anywhere below a route; the app turns it into the error response."""

    def __init__(
        self,
        code: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
        words: Sentence | None = None,
    ) -> None:
        """`words`: a catalogued sentence saying more than the code's own (an admin's refusal)."""
        if code not in ERRORS:
            raise KeyError(f"unknown error code {code!r}")
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.headers = headers
        self.words = words

    @property
    def status(self) -> int:
        return ERRORS[self.code][0]

    def response(self) -> JSONResponse:
        return error_response(self.code, self.detail, self.headers, self.words)


def error_response(
    code: str, detail: Any = None, headers: dict[str, str] | None = None, words: Sentence | None = None
) -> JSONResponse:
    """The error body for `code`, its message `words` when given, else the code's own sentence."""
    from fastapi.responses import JSONResponse

    status, said = ERRORS[code]
    return JSONResponse(
        protocol.error_body(code, words or said, detail), status_code=status, headers=headers
    )


def code_for_status(status: int) -> str:
    """The error code for a status Starlette raised on its own (404, 405, ...)."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return "server_error" if status >= 500 else "bad_request"
