"""How the client talks HTTP to the server: TLS, proxies, timeouts, retries, and the protocol header.

One `requests.Session` per `Transport`, so connections are reused across the
pages of a sync.

- TLS is verified against the operating system's trust store (`truststore`),
  because municipal machines get their CAs pushed by IT into the OS store, not
  into certifi's bundle. `ca_bundle` adds IT's own PEM file on top.
- Proxies: the machine setting `proxy` if IT set one, else whatever the
  environment (and on Windows the system settings) say, as `requests` reads them.
- Every call has a connect and a read timeout; nothing waits forever.
- Retries back off exponentially (with jitter, honouring Retry-After) and come
  in two strengths. `Retry.ALWAYS` resends the very same request after any
  failure: right for push, which the server applies exactly once by operation
  id, and for pull, which only reads. `Retry.CONNECT` resends only when the
  request never reached the server: right for a one-time enrolment code or a
  login attempt that the server counts.
- Every request carries `Knop-Protocol`; a 426 becomes `UpdateRequired`.
- A kept-alive connection is not reused after `Connection.idle_s` seconds idle,
  before the server closes it (sync.keep_alive); a reused connection reset
  before any answer is retried once at once when the request is idempotent
  (`Retry.ALWAYS`): nothing of it reached the server, and nothing is wrong with
  the network, so no "offline" is said and no back-off waited.

A cancel event is checked before each attempt and during each back-off wait.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import enum
import json
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

import requests
import truststore
import urllib3

from desktop import clock
from desktop import __version__
from desktop.core.text import LANGUAGES, Said, Wording, said, sentence
from sync import keep_alive, protocol
from sync.failures import (
    Cancelled,
    ResyncNeeded,
    ServerRefused,
    ServerTrouble,
    ServerUnreachable,
    SyncFailure,
    UpdateRequired,
)

log = logging.getLogger(__name__)

USER_AGENT = f"Knop/{__version__}"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Retry(enum.Enum):
    ALWAYS = "always"  # idempotent on the server: resend as-is after any failure
    CONNECT = "connect"  # resend only when the request surely never arrived


@dataclass(frozen=True, slots=True)
class Connection:
    """Where and how to reach the server; `from_settings` reads the machine's settings."""

    server_url: str
    ca_bundle: str | None = None
    proxy: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    attempts: int = 4
    backoff_s: float = 0.5
    backoff_max_s: float = 8.0
    idle_s: float = keep_alive.IDLE_S  # a pooled connection idle longer is not reused

    @classmethod
    def from_settings(cls, settings: Any, server_url: str | None = None, **overrides: Any) -> Connection:
        url = server_url or settings.server_url
        if not url:
            raise ValueError("no server_url")
        return cls(
            server_url=url.rstrip("/"),
            ca_bundle=settings.ca_bundle,
            proxy=settings.proxy,
            **overrides,
        )

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


def tls_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """The OS trust store, plus IT's CA file when there is one."""
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


class TrustStoreAdapter(keep_alive.FreshConnections):
    """An HTTPAdapter whose TLS connections, direct or through a proxy, use our context.

    `requests` would otherwise point every verified connection at certifi's
    bundle (cert_verify sets `ca_certs`), quietly trusting a list IT never chose.
    Its connections idle longer than `idle_s` are not reused (sync.keep_alive).
    """

    def __init__(self, context: ssl.SSLContext, idle_s: float = keep_alive.IDLE_S) -> None:
        self.ssl_context = context
        super().__init__(idle_s, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self.ssl_context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        kwargs["ssl_context"] = self.ssl_context
        return super().proxy_manager_for(proxy, **kwargs)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        if verify is True and url.lower().startswith("https"):
            conn.cert_reqs = "CERT_REQUIRED"
            conn.ca_certs = None
            conn.ca_cert_dir = None
            return
        super().cert_verify(conn, url, verify, cert)


class Transport:
    """JSON over HTTP to one server, as one device; user tokens are given per call."""

    def __init__(
        self,
        connection: Connection,
        *,
        device_credential: str | None = None,
        on_unreachable: Callable[[], None] | None = None,
    ) -> None:
        """`on_unreachable()` is called (on the calling thread) each time an attempt finds
        no server, before the retries: the status can say "offline" at once rather than
        after every retry has failed (issue 17)."""
        self.connection = connection
        self.device_credential = device_credential
        self.on_unreachable = on_unreachable
        # (the server's time, this machine's time) at the last answer with a Date header
        self.server_time: tuple[dt.datetime, dt.datetime] | None = None
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # The environment may choose proxies, but a ~/.netrc must never replace our
        # Authorization header: any auth callable, even this no-op, keeps requests off netrc.
        self.session.auth = _keep_headers
        adapter = TrustStoreAdapter(tls_context(connection.ca_bundle), connection.idle_s)
        self.session.mount("https://", adapter)
        self.session.mount("http://", keep_alive.FreshConnections(connection.idle_s, max_retries=0))
        # Attempts that failed on the network (no answer), and of them the resets of reused
        # connections sent again at once (sync.keep_alive); the soak counts both.
        self.network_failures = 0
        self.resets_retried = 0
        # An explicit setting wins over the environment: requests lets environment
        # proxies override session.proxies, but not proxies given per request.
        self.proxies = {"http": connection.proxy, "https": connection.proxy} if connection.proxy else None

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def headers(self, token: str | None) -> dict[str, str]:
        found = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION), protocol.ROWS_HEADER: str(protocol.ROWS_VERSION)}
        if self.device_credential:
            found[protocol.DEVICE_HEADER] = self.device_credential
        if token:
            found[protocol.AUTHORIZATION_HEADER] = f"Bearer {token}"
        return found

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        token: str | None = None,
        retry: Retry = Retry.ALWAYS,
        cancel: threading.Event | None = None,
        read: Callable[[requests.Response], Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The decoded JSON answer; raises a SyncFailure saying what went wrong.

        `headers`: sent besides the protocol's and the credentials (a push's Knop-Pull).

        `read` takes a successful answer apart instead of decoding its JSON (a
        pull reads its headers first, sync.api.ServerApi.pull_answer); a
        ServerTrouble it raises counts as an answer cut short, as a bad JSON does.
        Its body is not read yet: `read` reads it, with `read_body(answer)`.
        """
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        sent_headers = {**self.headers(token), **(headers or {})}
        if data is not None:
            sent_headers["Content-Type"] = "application/json"
        url = self.connection.server_url + path
        attempts = max(1, self.connection.attempts)
        reset_retried = False
        attempt = 1
        while attempt <= attempts:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            wait: float | None = None
            keep_alive.sending()
            try:
                answer = self.session.request(
                    method,
                    url,
                    data=data,
                    params=params,
                    headers=sent_headers,
                    timeout=self.connection.timeout,
                    proxies=self.proxies,
                    allow_redirects=False,
                    stream=read is not None,
                )
            except requests.RequestException as error:
                self.network_failures += 1
                if retry is Retry.ALWAYS and not reset_retried and keep_alive.reset_of_a_reused_connection(error):
                    # The server closed a kept-alive connection as this request left (sync.keep_alive):
                    # once, at once, on a new connection, as the same attempt.
                    reset_retried = True
                    self.resets_retried += 1
                    log.info("%s %s: a reused connection was reset; sent again", method, path)
                    continue
                failure = _unreachable(error, self.connection)
                if self.on_unreachable is not None:
                    self.on_unreachable()
                if attempt == attempts or not _may_retry(error, retry):
                    raise failure from error
                # The cause alone: "your changes are kept" is the sync's, and enrolment retries too.
                log.info("%s %s: %s (attempt %d of %d)", method, path, failure.cause.text("en"), attempt, attempts)
            else:
                self._note_clock(answer)
                if answer.status_code < 300:
                    try:
                        return (read or _decoded)(answer)
                    except ServerTrouble:
                        # An answer cut short on the wire: as good as none.
                        if retry is not Retry.ALWAYS or attempt == attempts:
                            raise
                    finally:
                        answer.close()  # a streamed answer not read to its end frees its connection
                else:
                    failure = _refusal(answer)
                    if answer.status_code not in RETRY_STATUSES or retry is not Retry.ALWAYS:
                        raise failure
                    if attempt == attempts:
                        raise failure
                    wait = _retry_after(answer)
                log.info("%s %s: HTTP %d (attempt %d of %d)", method, path, answer.status_code, attempt, attempts)
            self._back_off(attempt, wait, cancel)
            attempt += 1
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _note_clock(self, answer: requests.Response) -> None:
        """Remember the server's time from the Date header of its answer (desktop.clock)."""
        try:
            sent = email.utils.parsedate_to_datetime(answer.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError):
            return
        if sent.tzinfo is not None:
            self.server_time = (sent, clock.local_now())

    def _back_off(self, attempt: int, wait: float | None, cancel: threading.Event | None) -> None:
        delay = self.connection.backoff_s * (2 ** (attempt - 1))
        delay = min(delay, self.connection.backoff_max_s) * random.uniform(0.5, 1.0)
        if wait is not None:
            delay = min(max(delay, wait), self.connection.backoff_max_s * 4)
        if cancel is None:
            time.sleep(delay)
        elif cancel.wait(delay):
            raise Cancelled()


def _keep_headers(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _may_retry(error: requests.RequestException, retry: Retry) -> bool:
    if retry is Retry.ALWAYS:
        return True
    return _never_sent(error)


# Failures that happen before a connection exists, so not one byte of the request
# left: the name did not resolve, the connect was refused or timed out.
# (urllib3's NameResolutionError is a NewConnectionError; both are ConnectTimeoutErrors.)
_BEFORE_CONNECTING: tuple[type[BaseException], ...] = (
    urllib3.exceptions.ConnectTimeoutError,
    ConnectionRefusedError,
    socket.gaierror,
)


def _never_sent(error: BaseException) -> bool:
    """Whether the request surely never reached the server, read from the exception types.

    requests wraps urllib3's exception (`MaxRetryError.reason`) in its own, so
    the chain of wrapped errors and causes is walked; a reset or a read
    timeout anywhere in it means the request may have arrived.
    """
    if isinstance(error, requests.ConnectTimeout):
        return True
    return any(isinstance(found, _BEFORE_CONNECTING) for found in keep_alive.causes(error))


def _unreachable(error: requests.RequestException, connection: Connection) -> SyncFailure:
    """The network failure in words IT can act on (proxy, certificate, timeout, refused)."""
    if isinstance(error, requests.exceptions.SSLError):
        if connection.ca_bundle:
            why = sentence(
                "the server's certificate is not trusted by the system's certificate store "
                "or {bundle}",
                bundle=connection.ca_bundle,
            )
        else:
            why = sentence(
                "the server's certificate is not trusted by the system's certificate store"
            )
        return ServerUnreachable.because(why, detail=str(error))
    if isinstance(error, requests.exceptions.ProxyError):
        return ServerUnreachable.because(sentence("the proxy does not answer"), detail=str(error))
    if isinstance(error, requests.Timeout):
        return ServerUnreachable.because(sentence("it did not answer in time"), detail=str(error))
    if isinstance(error, requests.ConnectionError):
        return ServerUnreachable.because(sentence("no connection"), detail=str(error))
    return ServerUnreachable.because(sentence("network error"), detail=str(error))


# How much of a streamed body is read at a time. requests reads `content` 10 KiB at a
# time, each a round of Python and the GIL: a new workstation's 330 MB of pages took
# 0.75 s of CPU on the fetching thread that way, 0.2 s in 1 MiB reads.
BODY_READ_BYTES = 1024 * 1024


def read_body(answer: requests.Response) -> bytes:
    """The whole body of an answer asked for with `read` (streamed); raises ServerTrouble
    ("unreadable") when the connection breaks or times out on the way, as for a cut-off body."""
    try:
        return b"".join(answer.iter_content(BODY_READ_BYTES))
    except requests.RequestException as error:
        raise unreadable({"status": answer.status_code, "error": type(error).__name__}) from None


def _decoded(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        raise unreadable({"status": answer.status_code, "start": answer.text[:200]}) from None


def unreadable(detail: Any) -> ServerTrouble:
    """The failure for an answer that is no JSON (cut short, or not from Knop's server)."""
    return ServerTrouble(sentence("The server sent an answer Knop cannot read."), detail=detail)


def _refusal(answer: requests.Response) -> SyncFailure:
    """An error answer as a failure; the server's own sentence when it gave one."""
    status = answer.status_code
    error: dict[str, Any] = {}
    try:
        body = answer.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
    except ValueError:
        pass
    code = str(error.get("code") or "")
    found = error.get("message")
    message: dict[str, Any] = found if isinstance(found, dict) else {}
    texts = {language: str(message.get(language) or "") for language in LANGUAGES}
    words: Wording | None = Said(texts) if any(texts.values()) else None
    detail = error.get("detail")
    if status == 426:
        return UpdateRequired(words, detail)
    if status == 410:
        return ResyncNeeded(words or sentence("Everything is fetched again."), detail=detail)
    if status >= 500 or not code:
        return ServerTrouble(
            words
            or sentence(
                "The server is having trouble (HTTP {status}). Knop tries again later.",
                status=status,
            ),
            code=code or f"http_{status}",
            detail=detail,
        )
    return ServerRefused(status, code, words or said(code, code), detail)


def _retry_after(answer: requests.Response) -> float | None:
    value = answer.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
