"""Security guarantees: the key never leaks, HTTPS only, strict TLS, proxies,
hostile responses. Each test names the guarantee it proves (see SECURITY.md)."""

from __future__ import annotations

import json
import logging
import os
import pickle
import socket
import ssl
import tempfile
import threading
import resource

import pytest

from jobo_enterprise import (
    JoboAPIError,
    JoboAuthenticationError,
    JoboClient,
    JoboConfigurationError,
    JoboError,
    JoboResponseError,
    JoboTLSError,
)
from jobo_enterprise_sandbox.certs import days_from_now, issue_cert, make_ca, write_pem_files

from keys import fake_key
from rawserver import RawServer, http_response, raw_certs

KEY = fake_key("jbe_test_SecretCanaryKey_0123456789")
OK = json.dumps({"jobs": [], "total": 0, "page": 1, "page_size": 25, "total_pages": 0,
                 "facets": {}}).encode()


def ok_response(req: bytes) -> bytes:
    return http_response(200, {"Content-Type": "application/json"}, OK)


# -- the key stays secret --------------------------------------------------------

def test_key_is_absent_from_every_repr_message_args_and_pickle():
    client = JoboClient(KEY, base_url="https://127.0.0.1:1", max_retries=0)
    texts = [repr(client), str(client), repr(client.jobs), repr(client.feed),
             repr(client.companies), repr(client.locations), repr(client._transport)]
    assert not hasattr(client, "api_key") and not hasattr(client, "_api_key")
    body = b'{"status":401,"error":"Unauthorized","message":"Missing or invalid API key"}'
    with RawServer(lambda r: http_response(401, {"X-Request-Id": "r1"}, body)) as server:
        c = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert, max_retries=0)
        with pytest.raises(JoboAuthenticationError) as info:
            c.jobs.search("x")
        request = server.requests[0]
    exc = info.value
    texts += [str(exc), repr(exc), repr(exc.args), repr(exc.__dict__), repr(exc.usage)]
    blob = pickle.dumps(exc)
    for text in texts:
        assert KEY not in text
    assert KEY.encode() not in blob
    assert KEY.encode() in request  # it was sent, in the header only
    assert b"X-Api-Key: " + KEY.encode() in request
    assert KEY.encode() not in request.split(b"\r\n")[0]


def test_malformed_key_messages_do_not_echo_the_key():
    for bad in (KEY + "\n\x00tail", KEY[:10] + " " + KEY[10:], KEY + "\u00e9"):
        with pytest.raises(JoboConfigurationError) as info:
            JoboClient(bad)
        assert KEY[:12] not in str(info.value) + repr(info.value.args)


def test_debug_logs_redact_the_key(caplog):
    server_echoes_key = json.dumps({"status": 401, "error": "Unauthorized",
                                    "message": f"key {KEY} is revoked"}).encode()
    with RawServer(lambda r: http_response(401, {}, server_echoes_key)) as server:
        client = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert, max_retries=0)
        with caplog.at_level(logging.DEBUG, logger="jobo_enterprise"):
            with pytest.raises(JoboAuthenticationError):
                client.jobs.search("python")
    text = caplog.text
    assert "GET /api/jobs?q=python" in text and "JoboAuthenticationError" in text
    assert KEY not in text and "key jbe_\u2026" + KEY[-4:] + " is revoked" in text


def test_jobo_log_environment_variable_turns_debug_logging_on(tmp_path):
    import subprocess
    import sys

    code = ("import logging, jobo_enterprise; "
            "l = logging.getLogger('jobo_enterprise'); print(l.isEnabledFor(logging.DEBUG))")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, JOBO_LOG="debug", PYTHONPATH=root)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "True"
    env.pop("JOBO_LOG")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False"


# -- HTTPS only, no redirects ------------------------------------------------------

@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("scheme", ["https", "http"])
def test_redirects_are_never_followed(status, scheme):
    with RawServer(ok_response, tls=(scheme == "https")) as other_host:
        location = f"{scheme}://localhost:{other_host.port}/api/jobs?stolen=1"
        with RawServer(lambda r: http_response(status, {"Location": location})) as server:
            client = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert)
            with pytest.raises(JoboAPIError) as info:
                client.jobs.search("x")
            assert server.connections == 1  # not retried either
        assert other_host.connections == 0
    assert info.value.status_code == status
    assert info.value.location_host == "localhost"
    assert "localhost" in str(info.value)


def test_libcurl_refuses_plain_http_even_past_the_python_check():
    from jobo_enterprise import _core

    with RawServer(ok_response, tls=False) as server:
        transport = _core.Transport(f"https://127.0.0.1:{server.port}", KEY, "test")
        transport_http = None
        with pytest.raises(JoboConfigurationError):
            transport_http = _core.Transport(f"http://127.0.0.1:{server.port}", KEY, "test")
        assert transport_http is None
        del transport
    assert server.connections == 0


# -- strict TLS ---------------------------------------------------------------------

def _tls_server(cert_path: str, key_path: str):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_path, key_path)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    count = [0]
    stop = threading.Event()

    def serve():
        sock.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (socket.timeout, OSError):
                continue
            count[0] += 1
            try:
                conn.settimeout(2)
                tls = ctx.wrap_socket(conn, server_side=True)
                tls.recv(65536)
                tls.sendall(http_response(200, {}, OK))
                tls.close()
            except (ssl.SSLError, OSError):
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock, count, stop


@pytest.mark.parametrize("kind", ["untrusted_ca", "wrong_host", "expired"])
def test_bad_certificates_raise_tls_error_without_retry(kind, tmp_path):
    trusted = make_ca("trusted test CA")
    ca_path = tmp_path / "ca.pem"
    ca_path.write_bytes(trusted.cert_pem)
    if kind == "untrusted_ca":
        leaf = issue_cert(make_ca("some other CA"), ["127.0.0.1", "localhost"])
    elif kind == "wrong_host":
        leaf = issue_cert(trusted, ["wrong.example.invalid"])
    else:
        leaf = issue_cert(trusted, ["127.0.0.1", "localhost"], not_before=days_from_now(-30),
                          not_after=days_from_now(-1))
    cert, key = write_pem_files(leaf, str(tmp_path), "leaf")
    sock, count, stop = _tls_server(cert, key)
    try:
        client = JoboClient(KEY, base_url=f"https://127.0.0.1:{sock.getsockname()[1]}",
                            ca_bundle=str(ca_path), max_retries=3)
        with pytest.raises(JoboTLSError):
            client.jobs.search("x")
        assert count[0] == 1
    finally:
        stop.set()
        sock.close()


def test_clients_with_different_trust_never_share_a_verified_connection():
    with RawServer(lambda r: http_response(200, {"Content-Type": "application/json",
                                                 "Connection": "keep-alive"}, OK)) as server:
        trusting = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert)
        trusting.jobs.search("x")
        other_ca = os.path.join(tempfile.mkdtemp(), "other.pem")
        with open(other_ca, "wb") as fh:
            fh.write(make_ca("unrelated CA").cert_pem)
        strict = JoboClient(KEY, base_url=server.base_url, ca_bundle=other_ca, max_retries=0)
        with pytest.raises(JoboTLSError):
            strict.jobs.search("x")
        trusting.jobs.search("x")  # and the trusting one still works


# -- proxies ------------------------------------------------------------------------

class ConnectProxy:
    """A minimal HTTP CONNECT proxy on loopback that records what it sees."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.request_lines = []
        self.seen = bytearray()
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                self.seen += data
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _tunnel(self, conn: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        self.seen += head
        line = head.split(b"\r\n")[0].decode()
        self.request_lines.append(line)
        method, target, _ = line.split(" ")
        if method != "CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=self._pipe, args=(upstream, conn), daemon=True).start()
        self._pipe(conn, upstream)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_proxy_sees_only_connect_and_the_key_travels_inside_tls(how, monkeypatch):
    proxy = ConnectProxy()
    try:
        with RawServer(ok_response) as server:
            url = f"http://127.0.0.1:{proxy.port}"
            if how == "environment":
                monkeypatch.setenv("HTTPS_PROXY", url)
                client = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert)
            else:
                client = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert,
                                    proxy=url)
            client.jobs.search("python")
            assert server.requests and KEY.encode() in server.requests[0]
        assert proxy.request_lines == [f"CONNECT 127.0.0.1:{server.port} HTTP/1.1"]
        assert KEY.encode() not in bytes(proxy.seen)
        assert b"/api/jobs" not in bytes(proxy.seen) and b"q=python" not in bytes(proxy.seen)
    finally:
        proxy.close()


def test_no_proxy_bypasses_the_environment_proxy(monkeypatch):
    proxy = ConnectProxy()
    try:
        with RawServer(ok_response) as server:
            monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
            JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert).jobs.search("x")
            assert server.connections == 1
        assert proxy.request_lines == []
    finally:
        proxy.close()


def test_bad_proxy_urls_are_configuration_errors():
    for bad in ("ftp://proxy:21", "not a url", "http://", 3128):
        with pytest.raises(JoboConfigurationError):
            JoboClient(KEY, proxy=bad)


# -- CA bundle resolution and diagnostics -------------------------------------------

def test_ca_bundle_resolution_order(monkeypatch, tmp_path):
    from jobo_enterprise._config import SYSTEM_CA_FILES

    files = {}
    for name in ("arg", "jobo", "ssl"):
        files[name] = tmp_path / f"{name}.pem"
        files[name].write_bytes(make_ca(name).cert_pem)
    monkeypatch.setenv("JOBO_CA_BUNDLE", str(files["jobo"]))
    monkeypatch.setenv("SSL_CERT_FILE", str(files["ssl"]))
    assert JoboClient(KEY, ca_bundle=str(files["arg"])).ca_bundle == str(files["arg"])
    assert JoboClient(KEY).ca_bundle == str(files["jobo"])
    monkeypatch.delenv("JOBO_CA_BUNDLE")
    c = JoboClient(KEY)
    assert (c.ca_bundle, c.ca_source) == (str(files["ssl"]), "SSL_CERT_FILE")
    monkeypatch.delenv("SSL_CERT_FILE")
    c = JoboClient(KEY)
    try:
        import certifi
        assert (c.ca_bundle, c.ca_source) == (certifi.where(), "certifi")
    except ImportError:
        assert c.ca_source == "system" and c.ca_bundle in SYSTEM_CA_FILES


def test_diagnostics_report_ca_libcurl_and_tls_backend(monkeypatch, tmp_path):
    import subprocess
    import sys

    import jobo_enterprise

    pem = tmp_path / "x.pem"
    pem.write_bytes(make_ca("x").cert_pem)
    monkeypatch.setenv("JOBO_CA_BUNDLE", str(pem))
    info = jobo_enterprise.diagnostics()
    assert info["ca_file"] == str(pem) and info["ca_source"] == "JOBO_CA_BUNDLE"
    assert info["libcurl"][0].isdigit() and "OpenSSL" in info["tls_backend"]
    assert isinstance(info["http2"], bool) and isinstance(info["async_dns"], bool)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-m", "jobo_enterprise", "diagnostics"],
                         env=dict(os.environ, PYTHONPATH=root, JOBO_CA_BUNDLE=str(pem)),
                         capture_output=True, text=True)
    assert out.returncode == 0 and str(pem) in out.stdout and "libcurl" in out.stdout


# -- hostile responses ----------------------------------------------------------------

def _hostile(answer: bytes, **kw):
    with RawServer(lambda r: answer) as server:
        client = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert,
                            max_retries=0, **kw)
        try:
            return client.jobs.search("x"), None
        except JoboError as exc:
            return None, exc


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_ten_thousand_headers():
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    head += "".join(f"X-Bomb-{i}: {i}\r\n" for i in range(10_000))
    head += f"Content-Length: {len(OK)}\r\nConnection: close\r\n\r\n"
    result, exc = _hostile(head.encode() + OK)
    assert (result is not None and result.total == 0) or isinstance(exc, JoboError)


def test_one_megabyte_header_line():
    head = ("HTTP/1.1 200 OK\r\nX-Huge: " + "a" * (1 << 20) + "\r\n"
            f"Content-Length: {len(OK)}\r\n\r\n").encode()
    result, exc = _hostile(head + OK)
    assert result is None and isinstance(exc, JoboError)


def test_json_nested_100000_deep():
    body = b"[" * 100_000 + b"]" * 100_000
    result, exc = _hostile(http_response(200, {}, body))
    assert isinstance(exc, JoboResponseError) and exc.status_code == 200


def test_integers_beyond_2_53_come_back_as_float():
    body = b'{"jobs": [], "total": 18014398509481985, "page": 1, "page_size": 25,' \
           b' "total_pages": 123456789012345678901234567890, "facets": {}}'
    result, exc = _hostile(http_response(200, {}, body))
    assert exc is None
    raw = result.to_dict()
    assert raw["total"] == float(18014398509481985) and isinstance(raw["total"], float)


@pytest.mark.parametrize("payload,expect", [
    (b'{"jobs": [], "total": 0, "x": "caf\xc3\xa9 \xff\xfe bad"}', "caf\u00e9 \ufffd\ufffd bad"),
    (b'{"jobs": [], "total": 0, "x": "\xed\xa0\x80 raw surrogate"}', "\ufffd\ufffd\ufffd raw surrogate"),
])
def test_invalid_utf8_becomes_replacement_characters(payload, expect):
    result, exc = _hostile(http_response(200, {}, payload))
    assert exc is None and result.x == expect


@pytest.mark.parametrize("payload", [b'{"x": "\\ud800"}', b'{"x": "\\udc00 tail"}',
                                     b'{"x": NaN}', b"NaN", b'{"x": Infinity}'])
def test_lone_surrogate_escapes_and_nan_are_typed_errors(payload):
    result, exc = _hostile(http_response(200, {}, payload))
    assert isinstance(exc, JoboResponseError)


def test_body_above_the_cap_stops_while_receiving_with_bounded_memory():
    before = _rss_mb()
    body = b'{"pad": "' + b"x" * (40 << 20) + b'"}'
    result, exc = _hostile(http_response(200, {}, body), max_body=1 << 20)
    assert isinstance(exc, JoboResponseError) and "size cap" in str(exc)
    assert _rss_mb() - before < 200  # the 40 MiB body (plus the server's copy) at most
