"""The server's calls as the client uses them: one method per path in sync/protocol.py.

Each method says how safe it is to repeat (see `transport.Retry`) and checks
the answer's shape just enough that a wrong answer fails here, clearly, rather
than as a KeyError deep inside the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import requests

from desktop.core.entities import SYNCED
from desktop.core.text import sentence
from sync import protocol
from sync.failures import ServerTrouble
from sync.transport import Retry, Transport, read_body, unreadable


def _malformed(what: str, detail: Any = None) -> ServerTrouble:
    return ServerTrouble(
        sentence("The server's answer to {what} has a shape Knop does not know.", what=what),
        code="bad_answer",
        detail=detail,
    )


def _pull_page(body: Any) -> protocol.PullPage:
    """A decoded pull answer, checked; raises ServerTrouble ("bad_answer") for any other shape.

    A page in columns (protocol.PullBlock) is checked block by block (`_check_block`).
    """
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("changes"), list)
        or not isinstance(body.get("cursor"), str)
        or not isinstance(body.get("more"), bool)
    ):
        raise _malformed("pull")
    if "tables" in body:
        if not isinstance(body["tables"], list):
            raise _malformed("pull", {"tables": type(body["tables"]).__name__})
        for block in body["tables"]:
            _check_block(block)
    return body  # type: ignore[return-value]


def _check_block(block: Any) -> None:
    """A page's block fit to write with `executemany`; raises ServerTrouble ("bad_answer") naming what is wrong.

    A table this client does not know is let through (the store skips it, as it
    skips such a table's changes: a newer server may send one). Of a known table:
    its columns must be the store's (no other, none twice, its key among them) and
    every row a list of as many values as there are columns. Checked before any of
    the page is written; the values' types are the store's to refuse, which then
    writes nothing of the page either (its one transaction).
    """
    if (
        not isinstance(block, dict)
        or not isinstance(block.get("table"), str)
        or not isinstance(block.get("columns"), list)
        or not isinstance(block.get("deleted"), bool)
        or not isinstance(block.get("rows"), list)
    ):
        raise _malformed("pull", {"block": {k: type(v).__name__ for k, v in block.items()} if isinstance(block, dict) else None})
    table, columns, rows = block["table"], block["columns"], block["rows"]
    cls = SYNCED.get(table)
    if cls is None:
        return
    known = cls.column_names()
    unknown = [str(c) for c in columns if c not in known]
    if unknown or len(set(columns)) != len(columns) or not set(cls.key) <= set(columns):
        raise ServerTrouble(
            sentence(
                "The server sent rows of {table} with columns Knop cannot store: {columns}.",
                table=table,
                columns=", ".join(unknown or map(str, columns)),
            ),
            code="bad_answer",
            detail={"table": table, "columns": columns},
        )
    # In C, not a Python loop over 480,000 rows: the types and lengths found.
    if set(map(type, rows)) <= {list} and set(map(len, rows)) <= {len(columns)}:
        return
    place = next(i for i, row in enumerate(rows) if type(row) is not list or len(row) != len(columns))
    raise ServerTrouble(
        sentence(
            "Row {row} of {table} in the server's answer does not have one value for each of its columns.",
            row=place + 1,
            table=table,
        ),
        code="bad_answer",
        detail={"table": table, "row": place, "columns": columns},
    )


def _json(body: bytes) -> Any:
    """A pull answer's JSON; raises ServerTrouble ("unreadable") when it is not JSON.

    orjson, not the standard library: a new workstation decodes every page of the
    feed (330 MB of JSON for 488,209 changes) while holding the GIL the page
    writer needs, and orjson does it in 2.0 s of CPU instead of 2.9 s. It refuses
    what `json` would also refuse for a page (not JSON, not UTF-8) and, unlike
    `json`, NaN and integers beyond 64 bits, which no Knop server sends.
    """
    try:
        return orjson.loads(body)
    except ValueError:  # orjson.JSONDecodeError is a ValueError
        raise unreadable({"start": body[:200].decode("utf-8", "replace")}) from None


@dataclass(frozen=True, slots=True)
class PullAnswer:
    """A pull answer's body (UTF-8 JSON bytes) and the cursor and `more` its headers name.

    An answer without those headers (an older server), or without a length to
    tell a cut-off body by, is decoded as it arrives instead (`decoded`), so that
    a damaged one is fetched again like any other answer Knop cannot read.
    """

    body: bytes
    cursor: str
    more: bool
    decoded: protocol.PullPage | None = None

    @classmethod
    def of(cls, answer: requests.Response) -> PullAnswer:
        """For Transport.request's `read`; raises ServerTrouble when an answer decoded at once is bad."""
        cursor = answer.headers.get(protocol.PULL_CURSOR_HEADER)
        more = {"true": True, "false": False}.get(answer.headers.get(protocol.PULL_MORE_HEADER, ""))
        if cursor is None or more is None or answer.headers.get("Content-Length") is None:
            page = _pull_page(_json(read_body(answer)))
            return cls(b"", page["cursor"], page["more"], page)
        return cls(read_body(answer), cursor, more)

    def page(self) -> protocol.PullPage:
        """The decoded page; raises ServerTrouble when the body is no pull page, or says

        another cursor or `more` than the headers (which a client may have gone on from).
        """
        if self.decoded is not None:
            return self.decoded
        return self.matching(_pull_page(_json(self.body)))

    def matching(self, page: protocol.PullPage) -> protocol.PullPage:
        """`page`, if it says the cursor and `more` the headers said; raises ServerTrouble if not."""
        if (page["cursor"], page["more"]) != (self.cursor, self.more):
            raise _malformed("pull", {"headers": [self.cursor, self.more], "body": [page["cursor"], page["more"]]})
        return page


@dataclass(frozen=True, slots=True)
class PushAnswer:
    """A push's answer: one result per operation, and the pull's next page if the server sent it."""

    results: list[dict[str, Any]]
    page: protocol.PullPage | None = None


class ServerApi:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def close(self) -> None:
        self.transport.close()

    def health(self) -> dict[str, Any]:
        return dict(self.transport.request("GET", protocol.PATH_HEALTH, retry=Retry.CONNECT))

    def enrol(self, code: str, name: str) -> dict[str, Any]:
        """The code is one-time: resent only if it surely never reached the server."""
        body = self.transport.request(
            "POST", protocol.PATH_ENROL, body={"code": code, "name": name}, retry=Retry.CONNECT
        )
        if not isinstance(body, dict) or not isinstance(body.get("credential"), str):
            raise _malformed("enrol")
        return body

    def accept_invitation(
        self, code: str, username: str, password: str, name: str, phone: str, device_name: str | None
    ) -> dict[str, Any]:
        """Take up a member invitation; with `device_name` this computer becomes a personal device.

        The answer: {"person", "organisation", "device_id", "credential", "token",
        "expires_at"} (the last four None without a device). Resent only if it
        surely never reached the server: the code is one-time.
        """
        body = self.transport.request(
            "POST",
            protocol.PATH_ACCEPT_INVITATION,
            body={
                "code": code, "username": username, "password": password, "name": name,
                "phone": phone, "device_name": device_name,
            },
            retry=Retry.CONNECT,
        )
        if not isinstance(body, dict) or not isinstance(body.get("person"), dict):
            raise _malformed("accept_invitation")
        return body

    def login(self, username: str, password: str) -> dict[str, Any]:
        body = self.transport.request(
            "POST",
            protocol.PATH_LOGIN,
            body={"username": username, "password": password},
            retry=Retry.CONNECT,
        )
        if not isinstance(body, dict) or not isinstance(body.get("token"), str) or not isinstance(
            body.get("person"), dict
        ):
            raise _malformed("login")
        return body

    def logout(self, token: str) -> None:
        self.transport.request("POST", protocol.PATH_LOGOUT, token=token, retry=Retry.CONNECT)

    def push(
        self,
        token: str,
        operations: list[dict[str, Any]],
        cancel: threading.Event | None = None,
        cursor: str | None = None,
    ) -> list[dict[str, Any]]:
        """One result per operation, in order. Safe to resend: the server dedups by op id.

        With `cursor` (the store's pull cursor) the server first checks that it
        still has the history the cursor names; raises ResyncNeeded if not.
        """
        return self.push_answer(token, operations, cancel, cursor).results

    def push_answer(
        self,
        token: str,
        operations: list[dict[str, Any]],
        cancel: threading.Event | None = None,
        cursor: str | None = None,
        pull_limit: int | None = None,
    ) -> PushAnswer:
        """`push`, and with `pull_limit` and `cursor` the pull's next page after `cursor` too.

        The page is the one a pull right after the push would get
        (protocol.PUSH_PULL_HEADER); None when the server sent none (an older
        server, or one that leaves the refusal to the pull). Raises as `push`,
        and ServerTrouble ("bad_answer") for a page of the wrong shape.
        """
        sent: dict[str, Any] = {"operations": operations}
        if cursor:
            sent["cursor"] = cursor
        asked = {protocol.PUSH_PULL_HEADER: str(pull_limit)} if cursor and pull_limit else None
        body = self.transport.request(
            "POST",
            protocol.PATH_PUSH,
            body=sent,
            token=token,
            retry=Retry.ALWAYS,
            cancel=cancel,
            headers=asked,
        )
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list) or [
            r.get("id") if isinstance(r, dict) else None for r in results
        ] != [op["id"] for op in operations]:
            raise _malformed("push", {"sent": len(operations)})
        page = body.get(protocol.PUSH_PAGE_KEY) if asked else None
        return PushAnswer(results, None if page is None else _pull_page(page))

    def pull(
        self,
        token: str,
        cursor: str | None,
        limit: int = protocol.DEFAULT_PULL_LIMIT,
        cancel: threading.Event | None = None,
        *,
        in_columns: bool = False,
    ) -> protocol.PullPage:
        """The next page after `cursor`; `in_columns`: ask for it in columns (protocol.PAGE_HEADER).

        A server may answer with `changes` all the same (an older one, or rows it
        cannot give so); a page in columns is checked here (`_check_block`).
        """
        return _pull_page(self._pull(token, cursor, limit, cancel, None, in_columns))

    def pull_answer(
        self,
        token: str,
        cursor: str | None,
        limit: int = protocol.DEFAULT_PULL_LIMIT,
        cancel: threading.Event | None = None,
        *,
        in_columns: bool = False,
    ) -> PullAnswer:
        """A pull page as it arrived, not yet decoded, with the cursor and `more` its headers name.

        For fetching the next page while this one is decoded (sync.fetch_ahead);
        `PullAnswer.page()` decodes it. Retried like `pull`; `in_columns` as `pull`'s.
        """
        answer: PullAnswer = self._pull(token, cursor, limit, cancel, PullAnswer.of, in_columns)
        return answer

    def _pull(
        self,
        token: str,
        cursor: str | None,
        limit: int,
        cancel: threading.Event | None,
        read: Callable[[requests.Response], Any] | None,
        in_columns: bool = False,
    ) -> Any:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self.transport.request(
            "GET",
            protocol.PATH_PULL,
            params=params,
            token=token,
            retry=Retry.ALWAYS,
            cancel=cancel,
            read=read,
            headers={protocol.PAGE_HEADER: protocol.PAGE_IN_COLUMNS} if in_columns else None,
        )

    def own_data(self, token: str, language: str) -> dict[str, Any]:
        """GET /v1/me/export: {"version", "generated_at", "export", "html"}. Only reads: safe to repeat."""
        body = self.transport.request(
            "GET", protocol.PATH_OWN_DATA, params={"language": language}, token=token, retry=Retry.ALWAYS
        )
        if not isinstance(body, dict) or not isinstance(body.get("export"), dict) or not isinstance(
            body.get("html"), str
        ):
            raise _malformed("own data")
        return body
    def administer(
        self,
        token: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> dict[str, Any]:
        """One /v1/admin/ request (sync/server/admin_api.py); a change is resent only if it never arrived."""
        answer = self.transport.request(
            method,
            path,
            params=params or {},
            body=body,
            token=token,
            retry=Retry.ALWAYS if method == "GET" else Retry.CONNECT,
        )
        if not isinstance(answer, dict):
            raise _malformed("admin")
        return answer

    def insights(self, token: str, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One of the /v1/insights/ answers (see sync/protocol.py). Only reads: safe to repeat."""
        body = self.transport.request("GET", path, params=params or {}, token=token, retry=Retry.ALWAYS)
        if not isinstance(body, dict) or not isinstance(body.get("computed_at"), str):
            raise _malformed("insights")
        return body
