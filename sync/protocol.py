"""The wire between client and server: versions, paths, headers and message shapes.

Both sides import this module, so a change to the wire is a change in one place.
Every request names the protocol version it speaks in the `Knop-Protocol`
header; a server that no longer speaks it answers 426 with a sentence that
tells the person to update, instead of failing in some stranger way later.

Message shapes (JSON):

push request   {"operations": [Operation, ...], "cursor": str | null}   at most MAX_PUSH_OPERATIONS
               `cursor` (optional): the device's pull cursor. 410 "resync", nothing
               applied, when it comes from a future the server does not have (the
               server was restored from a backup): resync, resend, then push.
Operation      {"id": uuid7, "kind": "bid.place", "payload": {...},
                "author_id": str, "device_id": str | null, "created_at": iso}
push response  {"results": [Result, ...]}                  one per operation, same order
               With the request header `Knop-Pull: <limit>` (PUSH_PULL_HEADER, 1..MAX_PULL_LIMIT)
               and a `cursor`, the answer also carries the page a pull with that cursor and
               limit would answer right after the push, and its cursor and `more` as the
               Knop-Cursor/Knop-More headers, as a pull's answer does:
               {"results": [...], "pull": {"changes": [...], "cursor": str, "more": bool}}
               One request a round instead of two. No "pull" (the server could not answer
               it with the push: the cursor must be resynced, a credential went meanwhile,
               the database went away after the push, or an older server ignored the
               header): the device pulls as before, which says why.
Result         {"id": str, "status": "applied", "entity_id": str,
                "versions": {"tasks/<id>": 3, ...}}
             | {"id": str, "status": "rejected", "rejection": Rejection.to_wire()}

pull request   GET /v1/pull?cursor=<opaque>&limit=<n>       no cursor = from the start
pull response  {"changes": [Change, ...], "cursor": str, "more": bool}
Change         {"table": "tasks", "row": {...}, "deleted": bool}
               410 {"error": {"code": "resync", ...}} when the cursor is unknown/expired
               With the request header `Knop-Page: columns` (PAGE_HEADER, a bulk load's pages;
               a server older than it ignores it) the changes come as blocks of one table
               and row shape each: {"changes": [], "tables": [{"table": str, "columns":
               [str, ...], "deleted": bool, "rows": [[value, ...], ...]}, ...], "cursor",
               "more", "nfc"}: no dict per row to decode. See PullBlock.

error body     {"error": {"code": str, "message": {"da": str, "en": str}, "detail": any}}

Added by the server (issue 3), additively:

health         GET  /v1/health, no credentials; the protocol header is optional here
               200 {"status": "ok", "protocol": 1, "supported": [1]}
enrol          POST /v1/devices/enrol  {"code": str, "name": str}       no credentials
               200 {"device_id": str, "secret": str, "credential": "<device_id>.<secret>",
                    "site": Site row, "organisation": Organisation row}
               The code is one-time (spaces, dashes and case do not matter);
               the credential goes in the Knop-Device header from then on.
login          POST /v1/login  {"username": str, "password": str}  + Knop-Device header
               200 {"token": str, "person": Person row, "expires_at": iso}
               401 "login_failed", 429 "too_many_attempts" (Retry-After header)
logout         POST /v1/logout  + Knop-Device + Authorization; revokes that token
               200 {"status": "logged_out"}
push, pull     need both Knop-Device and Authorization: Bearer <token>. The token
               must belong to that device. Each Operation must name the token's
               user as author_id (else it is rejected with operation.author_mismatch);
               the server applies it with its own clock and the token's device.
               An unknown `kind` makes the whole request 422 (a client bug, nothing stored).

Competence discovery (issue 12), additively; both credentials, like pull:

competence map GET /v1/insights/competence?site_id=&category=
               200 {"version": 1, "computed_at": iso, "small_count": 3, "filters": {...},
                    "totals": {"shown", "hidden", "skills_with_hidden"},
                    "skills": [{"skill", "label": {"da", "en"}, "category", "declared",
                                "shown", "hidden", "offered", "accepted", "completed",
                                "endorsed", "quarters": {"2026-Q1": {"shown", "hidden"}}}],
                    "sites": [{"site_id", "name", "shown", "hidden"}],
                    "candidates": [{"skill": "#tag", "people"}],     admins only
                    "mine": [Evidence row of the caller's own skills]}
               Counts are of people. "shown": an accepted bid, a completed task or an
               endorsement ("offered": a bid only); "hidden": shown, not on the profile
               before. A count of 1 or 2 is null for anyone but an admin.
people         GET /v1/insights/people?skill=&person_id=&site_id=&kind=&available=&limit=
               (talent search and the map's drill-down; skill or person_id required)
               200 {"version": 1, "computed_at", "skill", "others": int | null,
                    "people": [{"person_id", "name", "site_id", "site", "kind", "title",
                                "availability", "skill", "label", "category",
                                "rank": 0-4, "level": "declared" | "offered" | "accepted"
                                | "completed" | "endorsed", "declared": bool | null,
                                "evidence_count", "tasks": [{"task_id", "title",
                                "site_id", "level"}]}]}
               Lists only people the caller may see (themselves; a site manager: their
               site's people and who bid on its tasks; admins: everyone); a private
               profile skill is never listed for others; `others` counts the rest.
network        GET /v1/insights/network
               200 {"version": 1, "computed_at", "small_count", "quarters": [...],
                    "nodes": [{"site_id", "name", "kind", "posted": {quarter: n},
                               "solved": {quarter: n}, "posted_total", "solved_total"}],
                    "edges": [{"source", "target", "weight", "people", "hours",
                               "quarters": {quarter: n}, "first_month": "YYYY-MM"}],
                    "new_links": [{"month": "YYYY-MM", "links": n}]}
               An edge A -> B counts accepted bids on site A's tasks by people of site B;
               edges fewer than 3 people make are left out for anyone but an admin.
               The organisation-wide counts are a snapshot: `computed_at` says when.

Status codes: 401 with code "device_invalid" | "device_revoked" (enrol again) or
"token_invalid" | "token_expired" | "token_revoked" (log in again); 410 "resync";
413 "too_large" (body over MAX_BODY_BYTES); 422 "invalid_request" (detail lists
where); 426 "unsupported_protocol"; 429 "too_many_attempts"; 503 "unavailable".
Rows on the wire are `Entity.to_row()`: list fields are JSON text, as stored
(to a client that sends no ROWS_HEADER, `guidelines` rows without `organisation_id`).
A pull cursor is opaque and belongs to the user it was made for: after that
user's role or home site changes (or the feed's history is lost) it gets 410
"resync", and the device fetches everything again from no cursor.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from desktop.core.text import Wording, sentence

PROTOCOL_VERSION = 1
SUPPORTED_VERSIONS = frozenset({1})

PROTOCOL_HEADER = "Knop-Protocol"
DEVICE_HEADER = "Knop-Device"  # "<device_id>.<device_secret>"
AUTHORIZATION_HEADER = "Authorization"  # "Bearer <user token>"
# A pull answer's cursor and "more" again as headers, beside the same in its body: a
# client reads them before the body is decoded and asks for the next page at once
# (sync.fetch_ahead). A server without them is still understood: the body says it.
PULL_CURSOR_HEADER = "Knop-Cursor"
PULL_MORE_HEADER = "Knop-More"  # "true" or "false"
# On a push: "<limit>", answer with the pull's next page too (see "push response" above).
# A header, not a body field: a server that does not know it ignores it (its push body
# refuses unknown fields), so a client sends it to every server and needs no negotiation.
PUSH_PULL_HEADER = "Knop-Pull"
# On a pull, and a push that asks for a page: "<n>", the shape of the rows this client
# stores (ROWS_VERSION). Since 2, each organisation has its own guidelines (issue 16):
# a `guidelines` row carries `organisation_id`, which the client's store keys them by.
# A client that does not send it (older) has no such column and fails to store a row
# that has one, so the server sends it `guidelines` rows without it, as before: only
# ever its own organisation's set reaches it, which it keys by audience alone, and its
# `guidelines.accept` is applied to its own organisation's set. A header, as Knop-Pull:
# an older server ignores it. Since 3, a `member_invitations` row carries `mail` (what
# became of its e-mail, entities.InvitationMail); a client sending less gets it without.
ROWS_HEADER = "Knop-Rows"
ROWS_VERSION = 3
# A pull that sends `Knop-Page: columns` (a client's bulk load, sync.pull) is answered,
# by a server that knows it, with its changes as blocks (PullBlock, under `tables`,
# `changes` empty); any other pull, and a client that sends no ROWS_HEADER of at
# least 3, gets `changes` as before. A server that adds columns for a later
# ROWS_VERSION must leave them out of older clients' blocks, as of their changes.
PAGE_HEADER = "Knop-Page"
PAGE_IN_COLUMNS = "columns"

# The longest text the administration (/v1/admin/, sync.server.admin_api) takes in each
# field, in characters: the server refuses more, and the client's boxes
# (ui.admin_screen) hold no more, so nobody types what would be refused.
ADMIN_USERNAME_MAX = 64  # also the directory's username rule (sync.server.directory.USERNAME)
ADMIN_NAME_MAX = 200  # a person's name
ADMIN_EMAIL_MAX = 200
ADMIN_TITLE_MAX = 200
ADMIN_SITE_NAME_MAX = 200  # a new site's name; also a site named by id or name
ADMIN_SITE_ADDRESS_MAX = 200
ADMIN_SEARCH_MAX = 100  # the people search

MAX_PUSH_OPERATIONS = 500
# The longest a workstation may let a user log in offline (the `offline_login_days`
# setting's upper bound): what a user may do without the server for that long can
# still arrive, so the server keeps its exactly-once log at least that long, plus
# a margin (sync.server.push.OPERATION_LOG_DAYS).
OFFLINE_LOGIN_DAYS_MAX = 365
MAX_BODY_BYTES = 2 * 1024 * 1024  # 2 MiB; larger requests get 413
MAX_PULL_LIMIT = 10_000
DEFAULT_PULL_LIMIT = 2_000

PATH_HEALTH = "/v1/health"
PATH_ENROL = "/v1/devices/enrol"
PATH_LOGIN = "/v1/login"
PATH_ACCEPT_INVITATION = "/v1/invitations/accept"
PATH_LOGOUT = "/v1/logout"
PATH_PUSH = "/v1/push"
PATH_PULL = "/v1/pull"
PATH_INSIGHTS_COMPETENCE = "/v1/insights/competence"
PATH_INSIGHTS_PEOPLE = "/v1/insights/people"
PATH_INSIGHTS_NETWORK = "/v1/insights/network"
# A person's own data, as the server holds it: {"version", "generated_at", "export", "html"}
# (sync.server.personal_data.export and its readable rendering, sync.server.own_data).
PATH_OWN_DATA = "/v1/me/export"
# Oversight (issue 15): the audit trail and the reports per site and period.
# GET PATH_AUDIT?person=&task_id=&task=&site_id=&operation=&outcome=&since=&until=&limit=
#   (task: a task's id or words from its title)
#   -> {"events": [AuditEvent row + "outcome", "reason", "task_id", "site_id"],
#       "names": {id: name, title or device name},
#       "assigned": {bid.accept event id: id of the person who got the assignment}};
#   admins see all, site managers their site's.
# GET PATH_REPORTS?site_id=&since=&until= -> {"computed_at", "since", "until",
#   "sites": [report row, see sync.server.reports.site_report]}.
PATH_AUDIT = "/v1/audit"
PATH_REPORTS = "/v1/reports"
# Who posted a task, for a reader the feed does not show that person to (one of another
# organisation reading a task opened to other municipalities):
# GET PATH_TASK_POSTER?task_id= -> {"task_id", "name", "title", "organisation_name"};
# 404 "not_found" unless the caller may see the task and is staff (outsiders are told the site).
PATH_TASK_POSTER = "/v1/tasks/poster"


class WireChange(TypedDict):
    """One changed row in a pull page: `row` is `Entity.to_row()` of a `SYNCED` table."""

    table: str
    row: dict[str, Any]
    deleted: bool


class PullBlock(TypedDict):
    """Changes of one table and shape in a page in columns (PAGE_HEADER).

    Each of `rows` is the values of one row in the order of `columns` (a change
    `{"table": table, "row": dict(zip(columns, values)), "deleted": deleted}`).
    A page's changes are of distinct entities, so its blocks may be applied in any order.
    """

    table: str
    columns: list[str]
    deleted: bool
    rows: list[list[Any]]


class PullPage(TypedDict):
    """A pull response: up to `limit` changes in feed order, the cursor after them, more or not.

    `nfc` true is the server's promise that every text value of every row is in
    Unicode NFC already, so the client need not check each one; a server that
    does not say so (older than feed text in NFC) is checked as before.
    """

    changes: list[WireChange]
    cursor: str
    more: bool
    nfc: NotRequired[bool]
    tables: NotRequired[list[PullBlock]]  # a page in columns (PAGE_HEADER): `changes` is then empty


PUSH_PAGE_KEY = "pull"  # where a push's answer carries the page asked with PUSH_PULL_HEADER


# Said by the server (426) and by the client when the server's 426 has no words.
PLEASE_UPDATE = sentence("This version of Knop is too old for the server. Please update Knop.")


def error_body(code: str, message: Wording, detail: Any = None) -> dict[str, Any]:
    """The error body: {"error": {"code", "message": {"da", "en"}, "detail"}}."""
    return {"error": {"code": code, "message": message.both(), "detail": detail}}


def unsupported_version_body(sent: str | None) -> dict[str, Any]:
    """The 426 body for a client that sent protocol version `sent` (None: no header)."""
    return error_body(
        "unsupported_protocol",
        PLEASE_UPDATE,
        {"sent": sent, "supported": sorted(SUPPORTED_VERSIONS)},
    )
