"""The transport's settings, against small servers on loopback: TLS, proxies, timeouts, retries."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

import pytest
import truststore
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from desktop.core.text import said
from sync import protocol
from sync.api import ServerApi
from sync.failures import Cancelled, ServerRefused, ServerTrouble, ServerUnreachable, UpdateRequired
from sync.transport import Connection, Transport, TrustStoreAdapter
from tests.server.harness import Deployment

Answer = tuple[int, dict[str, str], Any]


class Recorder(ThreadingHTTPServer):
    """Answers from a script (the last answer repeats) and remembers every request it got."""

    daemon_threads = True

    def __init__(self, answers: list[Answer], stall_s: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers = answers
        self.stall_s = stall_s
        self.requests: list[dict[str, Any]] = []
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if isinstance(self.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # refused handshakes and dropped clients are what some tests are about

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: Recorder
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        if self.server.stall_s:
            time.sleep(self.server.stall_s)
        answers = self.server.answers
        status, headers, payload = answers.pop(0) if len(answers) > 1 else answers[0]
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815 - http.server's names


HEALTH: Answer = (200, {}, {"status": "ok", "protocol": 1, "supported": [1]})
PAGE: Answer = (200, {}, {"changes": [], "cursor": "e.1", "more": False})


def quick(url: str, **values: Any) -> Connection:
    return Connection(url, **{"backoff_s": 0.01, "backoff_max_s": 0.05, **values})


# --- TLS -------------------------------------------------------------------------------


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A municipality's own CA, and a server certificate for 127.0.0.1 signed by it."""
    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Egeskov Kommune Test CA"))
        .issuer_name(_name("Egeskov Kommune Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("knop.test"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return files


@pytest.fixture
def tls_server(certificates: dict[str, Path]) -> Iterator[Recorder]:
    server = Recorder([HEALTH])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with server:
        yield server


def test_https_uses_the_os_trust_store_through_truststore(tls_server: Recorder) -> None:
    transport = Transport(quick(tls_server.url))
    adapter = transport.session.get_adapter(tls_server.url)
    assert isinstance(adapter, TrustStoreAdapter)
    assert isinstance(adapter.ssl_context, truststore.SSLContext)
    assert adapter.poolmanager.connection_pool_kw["ssl_context"] is adapter.ssl_context

    class Pool:
        ca_certs = ca_cert_dir = cert_reqs = "unset"

    pool = Pool()
    adapter.cert_verify(pool, tls_server.url, True, None)
    assert (pool.cert_reqs, pool.ca_certs) == ("CERT_REQUIRED", None)  # not certifi's bundle
    transport.close()


def test_a_server_certificate_the_os_does_not_trust_is_refused_with_a_reason(
    tls_server: Recorder,
) -> None:
    with Transport(quick(tls_server.url, attempts=1)) as transport, pytest.raises(ServerUnreachable) as refused:
        ServerApi(transport).health()
    assert "certificate" in refused.value.message("en") and "certifikat" in refused.value.message("da")
    assert tls_server.requests == []


def test_the_ca_bundle_setting_adds_its_certificates(
    tls_server: Recorder, certificates: dict[str, Path]
) -> None:
    connection = quick(tls_server.url, ca_bundle=str(certificates["ca"]), attempts=1)
    with Transport(connection) as transport:
        assert ServerApi(transport).health()["status"] == "ok"


def test_a_ca_the_os_store_holds_is_trusted_without_a_bundle(
    tls_server: Recorder, certificates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenSSL's own trust store (here moved with SSL_CERT_FILE, as IT's image would hold it)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates["ca"]))
    with Transport(quick(tls_server.url, attempts=1)) as transport:
        assert ServerApi(transport).health()["status"] == "ok"


# --- proxies ---------------------------------------------------------------------------


def test_proxies_from_the_environment_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with Recorder([HEALTH]) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with Transport(quick("http://knop.egeskov.invalid:8765")) as transport:
            assert ServerApi(transport).health()["status"] == "ok"
    (seen,) = proxy.requests
    assert seen["path"] == "http://knop.egeskov.invalid:8765/v1/health"
    assert seen["headers"][protocol.PROTOCOL_HEADER] == str(protocol.PROTOCOL_VERSION)


def test_the_proxy_setting_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with Recorder([HEALTH]) as wrong, Recorder([HEALTH]) as right:
        monkeypatch.setenv("HTTP_PROXY", wrong.url)
        connection = quick("http://knop.egeskov.invalid", proxy=right.url)
        with Transport(connection) as transport:
            ServerApi(transport).health()
    assert wrong.requests == [] and len(right.requests) == 1


def test_a_proxy_that_does_not_answer_is_named() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    connection = quick("http://knop.egeskov.invalid", proxy=f"http://127.0.0.1:{port}", attempts=1)
    with Transport(connection) as transport, pytest.raises(ServerUnreachable) as failure:
        ServerApi(transport).health()
    assert "proxy" in failure.value.message("en")


# --- timeouts and retries --------------------------------------------------------------------


def test_every_call_has_a_connect_and_a_read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    connection = Connection("http://knop.egeskov.invalid", connect_timeout=3.0, read_timeout=7.0)
    transport = Transport(connection, device_credential="dev.secret")
    seen: list[Any] = []

    def answer(method: str, url: str, **kwargs: Any) -> Any:
        seen.append(kwargs.get("timeout"))
        raise ServerTrouble(said("x", "x"))  # stop here; only the arguments matter

    monkeypatch.setattr(transport.session, "request", answer)
    api = ServerApi(transport)
    calls = [
        api.health,
        lambda: api.enrol("CODE", "pc"),
        lambda: api.login("anna", "pw"),
        lambda: api.logout("t"),
        lambda: api.push("t", [{"id": "x"}]),
        lambda: api.pull("t", None),
    ]
    for call in calls:
        with pytest.raises(ServerTrouble):
            call()
    assert seen == [(3.0, 7.0)] * len(calls)


def test_a_server_that_never_answers_times_out() -> None:
    with Recorder([HEALTH], stall_s=3.0) as slow:
        started = time.monotonic()
        connection = quick(slow.url, read_timeout=0.3, attempts=1)
        with Transport(connection) as transport, pytest.raises(ServerUnreachable) as failure:
            ServerApi(transport).pull("t", None)
        assert time.monotonic() - started < 2.0
    assert "in time" in failure.value.message("en")


def test_a_busy_server_is_asked_again_after_a_back_off() -> None:
    busy: Answer = (503, {"Retry-After": "0"}, {"error": {"code": "unavailable", "message": {}}})
    with Recorder([busy, busy, PAGE]) as server, Transport(quick(server.url)) as transport:
        page = ServerApi(transport).pull("t", "e.0")
    assert page["cursor"] == "e.1" and len(server.requests) == 3
    assert {r["path"] for r in server.requests} == {"/v1/pull?limit=2000&cursor=e.0"}


def test_a_push_is_resent_byte_for_byte() -> None:
    busy: Answer = (502, {}, {})
    op = {"id": "op-1", "kind": "comment.add", "payload": {"body": "æøå"}}
    applied: Answer = (200, {}, {"results": [{"id": "op-1", "status": "applied"}]})
    with Recorder([busy, applied]) as server, Transport(quick(server.url)) as transport:
        (result,) = ServerApi(transport).push("t", [op])
    assert result["status"] == "applied"
    first, second = server.requests
    assert first["body"] == second["body"] and json.loads(first["body"]) == {"operations": [op]}


def test_a_login_is_not_repeated_once_it_may_have_arrived() -> None:
    busy: Answer = (503, {}, {"error": {"code": "unavailable", "message": {"da": "x", "en": "busy"}}})
    with (
        Recorder([busy, HEALTH]) as server,
        Transport(quick(server.url)) as transport,
        pytest.raises(ServerTrouble),
    ):
        ServerApi(transport).login("anna", "pw")
    assert len(server.requests) == 1


def _attempts_logged(caplog: pytest.LogCaptureFixture) -> int:
    return sum("attempt" in r.getMessage() for r in caplog.records if r.name == "sync.transport")


@pytest.mark.parametrize("where", ["refused", "unresolvable"])
def test_a_login_that_never_left_is_tried_again(
    where: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Told apart by the exception's type, not by words in its text: a name that does
    # not resolve (urllib3's NameResolutionError) never sent a byte either.
    if where == "refused":
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    else:
        url = "http://knop-server.invalid"
    caplog.set_level("INFO", logger="sync.transport")
    with Transport(quick(url, attempts=3)) as transport, pytest.raises(ServerUnreachable):
        ServerApi(transport).login("anna", "pw")
    assert _attempts_logged(caplog) == 2


def test_a_login_the_server_hung_up_on_is_not_sent_again(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted: list[bytes] = []

        def hang_up() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn:
                    accepted.append(conn.recv(65536))

        threading.Thread(target=hang_up, daemon=True).start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        caplog.set_level("INFO", logger="sync.transport")
        with Transport(quick(url, attempts=3)) as transport, pytest.raises(ServerUnreachable):
            ServerApi(transport).login("anna", "pw")
    assert _attempts_logged(caplog) == 0 and len(accepted) == 1


def test_cancel_stops_a_back_off_wait() -> None:
    busy: Answer = (503, {"Retry-After": "30"}, {})
    cancel = threading.Event()
    with Recorder([busy]) as server:
        connection = Connection(server.url, backoff_s=5.0, backoff_max_s=30.0)
        threading.Timer(0.2, cancel.set).start()
        started = time.monotonic()
        with Transport(connection) as transport, pytest.raises(Cancelled):
            ServerApi(transport).pull("t", None, cancel=cancel)
    assert time.monotonic() - started < 2.0


def test_an_answer_of_the_wrong_shape_is_trouble_not_a_crash() -> None:
    with (
        Recorder([(200, {}, {"changes": "not a list"})]) as server,
        Transport(quick(server.url, attempts=1)) as transport,
        pytest.raises(ServerTrouble),
    ):
        ServerApi(transport).pull("t", None)


# --- the real server's answers ----------------------------------------------------------


def test_a_client_too_old_for_the_server_is_told_to_update(
    knop_server: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protocol, "PROTOCOL_VERSION", 99)
    with Transport(quick(knop_server.url)) as transport, pytest.raises(UpdateRequired) as old:
        ServerApi(transport).enrol("AAAA-BBBB", "pc")
    assert "Opdater venligst Knop" in old.value.message("da")
    assert "Please update Knop" in old.value.message("en")


def test_a_bad_token_asks_for_a_login_and_a_bad_device_for_enrolment(knop_server: Deployment) -> None:
    stranger = Transport(quick(knop_server.url), device_credential="nobody.nothing")
    with stranger, pytest.raises(ServerRefused) as refused:
        ServerApi(stranger).pull("no-such-token", None)
    assert refused.value.needs_enrolment and not refused.value.needs_login
    api = knop_server.user("anna")
    enrolled = Transport(quick(knop_server.url), device_credential=api.credential)
    with enrolled, pytest.raises(ServerRefused) as refused:
        ServerApi(enrolled).pull("no-such-token", None)
    assert refused.value.needs_login and refused.value.status == 401

