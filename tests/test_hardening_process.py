"""Hardening, round 2, the cases that need a process of their own: the trust
store (a private mount namespace over libcurl's CA directory), memory
amplification, interpreter exit behind prefetch, and Ctrl-C while parsing.

Each child reports JSON on its last stdout line; times are CLOCK_MONOTONIC,
which is system-wide, so the parent can compare them with its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from jobo_enterprise import JoboClient, _core
from jobo_enterprise._prefetch import Prefetcher
from jobo_enterprise_sandbox.certs import issue_cert, make_ca, write_pem_files
from keys import fake_key
from rawserver import RawServer, http_response

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = fake_key("jbe_test_HardeningProcess0123456789")


def _child(script: str, *args: str, timeout: float = 120, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.path.join(ROOT, "tests"))
    env.pop("JOBO_LOG", None)
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT, **kw)


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


# -- 3. ca_bundle replaces the trust store --------------------------------------------------

CA_CHILD = """
import json, os, socket, ssl, sys, threading
from jobo_enterprise import JoboClient, JoboTLSError, JoboError
cfg = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cfg["cert"], cfg["key"])
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(16)
body = b'{"jobs":[],"total":7,"page":1,"page_size":25,"total_pages":0,"facets":{}}'
def serve():
    while True:
        conn, _ = srv.accept()
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
            tls.recv(65536)
            tls.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\n"
                        b"Content-Length: %d\\r\\nConnection: close\\r\\n\\r\\n" % len(body) + body)
            tls.close()
        except (ssl.SSLError, OSError):
            conn.close()
threading.Thread(target=serve, daemon=True).start()
url = "https://127.0.0.1:%d" % srv.getsockname()[1]
def attempt(**kw):
    try:
        return JoboClient("jbe_test_TrustStoreKey0123456789ab", base_url=url, max_retries=0,
                          **kw).jobs.search("x").total
    except JoboTLSError:
        return "tls error"
    except JoboError as exc:
        return type(exc).__name__
def libcurl_default():
    # no CA file at all: libcurl's built-in bundle and directory
    from jobo_enterprise import _core
    t = _core.Transport(url, "jbe_test_TrustStoreKey0123456789ab", "ua", ca_bundle=None)
    try:
        return t.request("GET", "/api/jobs")[0]["total"]
    except JoboTLSError:
        return "tls error"
out = {"system default": libcurl_default()}
out["ca_bundle=private CA"] = attempt(ca_bundle=cfg["private"])
out["ca_bundle=system CA"] = attempt(ca_bundle=cfg["system_ca"])
for var in ("JOBO_CA_BUNDLE", "SSL_CERT_FILE"):
    os.environ[var] = cfg["private"]
    out[var + "=private CA"] = attempt()
    del os.environ[var]
print(json.dumps(out))
"""


def _can_unshare() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("openssl") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(),
                    reason="needs root, unshare (a private mount namespace) and openssl")
def test_ca_bundle_replaces_the_trust_store_not_extends_it(tmp_path):
    # a second CA sits where libcurl looks by default: its bundle and its
    # hashed directory (a private mount namespace over /etc/ssl/certs)
    system_ca = make_ca("a system CA the client did not ask for")
    private_ca = make_ca("the client's private CA")
    leaf = issue_cert(system_ca, ["127.0.0.1"])
    cert, key = write_pem_files(leaf, str(tmp_path), "server")
    store = tmp_path / "certs"
    store.mkdir()
    (store / "ca-certificates.crt").write_bytes(system_ca.cert_pem)
    (tmp_path / "system-ca.pem").write_bytes(system_ca.cert_pem)
    subject_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in",
                                   str(tmp_path / "system-ca.pem")], capture_output=True,
                                  text=True, check=True).stdout.strip()
    (store / f"{subject_hash}.0").write_bytes(system_ca.cert_pem)
    (tmp_path / "private.pem").write_bytes(private_ca.cert_pem)
    cfg = json.dumps({"cert": cert, "key": key, "private": str(tmp_path / "private.pem"),
                      "system_ca": str(tmp_path / "system-ca.pem")})
    script = tmp_path / "child.py"
    script.write_text(CA_CHILD)
    env = dict(os.environ, PYTHONPATH=ROOT)
    for var in ("JOBO_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE"):
        env.pop(var, None)
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c",
         f'mount --bind "{store}" /etc/ssl/certs && exec "{sys.executable}" "{script}" \'{cfg}\''],
        capture_output=True, text=True, timeout=120, env=env, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = _last_json(proc.stdout)
    # the namespace works: the system CA is what libcurl trusts by default
    assert out["system default"] == 7 and out["ca_bundle=system CA"] == 7
    # with a bundle (argument or variable), only that bundle is trusted
    assert out["ca_bundle=private CA"] == "tls error"
    assert out["JOBO_CA_BUNDLE=private CA"] == "tls error"
    assert out["SSL_CERT_FILE=private CA"] == "tls error"
    # the host's own trust store was not touched
    assert os.path.exists("/etc/ssl/certs") and not os.path.exists(f"/etc/ssl/certs/{subject_hash}.0") \
        or open(f"/etc/ssl/certs/{subject_hash}.0", "rb").read() != system_ca.cert_pem


@pytest.mark.parametrize("content", [None, b"", b"   \n", b"\x30\x82\x01\x0a" + bytes(300),
                                     b"just some text\n",
                                     b"-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n"
                                     b"-----END PRIVATE KEY-----\n",
                                     b"-----BEGIN CERTIFICATE-----\nnot base64 !!\n"
                                     b"-----END CERTIFICATE-----\n"])
@pytest.mark.parametrize("how", ["argument", "JOBO_CA_BUNDLE", "SSL_CERT_FILE"])
def test_an_unusable_ca_bundle_is_refused_at_construction(tmp_path, monkeypatch, content, how):
    from jobo_enterprise import JoboConfigurationError

    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_bytes(content)
    kwargs = {}
    if how == "argument":
        kwargs["ca_bundle"] = str(path)
    else:
        monkeypatch.setenv(how, str(path))
    with pytest.raises(JoboConfigurationError, match="CA bundle"):
        JoboClient(KEY, base_url="https://127.0.0.1:9", **kwargs)


# -- 4. memory amplification -----------------------------------------------------------------

MEMORY_CHILD = """
import json, resource, sys
from jobo_enterprise import JoboClient, JoboResponseError
cfg = json.loads(sys.argv[1])
client = JoboClient(cfg["key"], base_url=cfg["url"], ca_bundle=cfg["ca"], timeout=60)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
try:
    client.jobs.search("x")
    outcome = "returned"
except JoboResponseError as exc:
    outcome = str(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"outcome": outcome, "grew": after - before}))
"""


def test_a_body_of_tiny_values_is_refused_with_bounded_memory_and_not_retried():
    body = b"[" + b"0," * (30 * 1024 * 1024 - 1) + b"0]"  # 60 MB, under the 64 MiB cap
    answer = http_response(200, {"Content-Type": "application/json"}, body)
    with RawServer(lambda r: answer) as server:
        cfg = json.dumps({"key": KEY, "url": server.base_url, "ca": server.ca_cert})
        proc = _child(MEMORY_CHILD, cfg)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        result = _last_json(out)
        assert server.connections == 1  # not retried
    assert "too many values" in result["outcome"]
    # the body itself (60 MB) and its buffer's growth, nothing like 40x it
    assert result["grew"] < 4 * len(body), result


def test_the_largest_real_page_parses_with_room_to_spare(sandbox):
    import ssl
    import urllib.request

    ctx = ssl.create_default_context(cafile=sandbox.ca_cert)
    ratios = {}
    for path, payload in (("/api/jobs/feed", {"batch_size": 1000}),
                          ("/api/jobs/search", {"page_size": 100})):
        req = urllib.request.Request(sandbox.base_url + path, data=json.dumps(payload).encode(),
                                     headers={"X-Api-Key": sandbox.keys["full"],
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=ctx, timeout=60) as resp:
            body = resp.read()
        outcome, values, tree_bytes, factor, depth = _core._prescan(body)
        assert outcome == 0 and depth < 10
        ratios[path] = tree_bytes / len(body)
        assert tree_bytes <= factor * len(body) / 2, (path, ratios)  # half the budget at most
    client = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert)
    assert len(client.feed.get_jobs(batch_size=1000).jobs) == 1000


def test_a_prefetching_iterator_receives_at_most_a_few_bodies_at_once(sandbox):
    client = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert)
    pages = client.jobs.iter_pages(page_size=5, prefetch=16, max_items=200)
    engine = None
    peak = pending = 0
    seen = []
    for page in pages:
        engine = engine or getattr(pages, "_pages", pages).gi_frame.f_locals["engine"]
        time.sleep(0.03)  # a slow consumer: every page ahead has long arrived
        if engine._multi is not None:
            peak = max(peak, engine.peak_bodies)
            pending = max(pending, engine._multi.pending)
        seen += [j.id for j in page.jobs]
    assert len(seen) == len(set(seen)) == 200
    assert pending >= 15  # 16 pages were in flight...
    assert peak <= Prefetcher.MAX_BODIES + 1  # ...but at most 3 (+ the one waited for) bodies
    client.close()


# -- 5. exit does not wait on prefetch -------------------------------------------------------

def _holding_server():
    """The first page answers at once (50 pages in all); every later request is
    held without an answer, as a stalled server would."""
    page = json.dumps({"jobs": [{"id": "6f1c2d8e-0000-4000-8000-000000000001", "title": "t"}],
                       "total": 50, "page": 1, "page_size": 1, "total_pages": 50, "facets": {},
                       "next_cursor": "c1", "has_more": True, "estimated_total": 50}).encode()

    def respond(request: bytes):
        body = request.partition(b"\r\n\r\n")[2]
        if b'"cursor"' in body or b'"page":1,' not in body and b'"page": 1,' not in body \
                and b"/api/jobs/feed" not in request.split(b"\r\n")[0]:
            return None
        return http_response(200, {"Content-Type": "application/json"}, page)
    return RawServer(respond)


EXIT_CHILD = """
import json, sys, time
from jobo_enterprise import JoboClient
cfg = json.loads(sys.argv[1])
client = JoboClient(cfg["key"], base_url=cfg["url"], ca_bundle=cfg["ca"])
case = cfg["case"]
if case == "break":
    for job in client.jobs.iter(page_size=1):
        break
elif case == "suspended":
    kept = client.jobs.iter(page_size=1)
    next(kept)
elif case == "feed":
    for job in client.feed.iter_jobs(prefetch=True):
        print("ready", flush=True)
        time.sleep(0.2)
print(json.dumps({"main_done": time.monotonic()}), flush=True)
"""


@pytest.mark.parametrize("case", ["break", "suspended"])
def test_exit_does_not_wait_for_pages_in_flight(case):
    with _holding_server() as server:
        cfg = json.dumps({"key": KEY, "url": server.base_url, "ca": server.ca_cert,
                          "case": case})
        proc = _child(EXIT_CHILD, cfg)
        out, err = proc.communicate(timeout=60)
        ended = time.monotonic()
        assert proc.returncode == 0, err[-3000:]
        done = _last_json(out)["main_done"]
        assert len(server.requests) >= 2  # pages were in flight when the script ended
    assert ended - done < 1.0, (ended - done, err[-2000:])


def test_ctrl_c_during_feed_iteration_exits_at_once():
    with _holding_server() as server:
        cfg = json.dumps({"key": KEY, "url": server.base_url, "ca": server.ca_cert,
                          "case": "feed"})
        proc = _child(EXIT_CHILD, cfg)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.4)  # waiting for the next batch, which the server holds
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        ended = time.monotonic()
    assert "KeyboardInterrupt" in err
    assert ended - sent < 1.0, (ended - sent, err[-2000:])


# -- 6. Ctrl-C while parsing -----------------------------------------------------------------

PARSE_CHILD = """
import json, sys, time
from jobo_enterprise import JoboClient
cfg = json.loads(sys.argv[1])
client = JoboClient(cfg["key"], base_url=cfg["url"], ca_bundle=cfg["ca"], timeout=60)
print("ready", flush=True)
try:
    client.jobs.search("x")
    print(json.dumps({"outcome": "returned", "at": time.monotonic()}), flush=True)
except KeyboardInterrupt:
    print(json.dumps({"outcome": "interrupted", "at": time.monotonic()}), flush=True)
"""


def test_ctrl_c_lands_within_a_quarter_second_while_a_large_body_is_parsed():
    # 40 MB of short strings: well inside the memory budget, and long to parse
    body = (b'{"jobs":[],"total":0,"page":1,"page_size":25,"total_pages":0,"facets":{},'
            b'"x":[' + b'"abcdefghij",' * (40 * 1024 * 1024 // 13) + b'"end"]}')
    sent = {}

    def respond(request: bytes):
        sent["head"] = True
        return http_response(200, {"Content-Type": "application/json"}, body)

    with RawServer(respond) as server:
        cfg = json.dumps({"key": KEY, "url": server.base_url, "ca": server.ca_cert})
        proc = _child(PARSE_CHILD, cfg)
        assert proc.stdout.readline().strip() == "ready"
        # the whole body is out once the server's connection thread is done with it
        deadline = time.monotonic() + 60
        while (not sent or any(t.is_alive() for t in server._threads)) \
                and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)  # the client is past receiving: pre-scan and parse
        signalled = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    result = _last_json(out)
    assert result["outcome"] == "interrupted", err[-2000:]
    limit = 0.25 if not os.environ.get("JOBO_SANITIZER") else 1.0
    assert result["at"] - signalled < limit, result["at"] - signalled


def test_a_slow_consumer_does_not_time_out_the_pages_waiting_for_it(sandbox):
    # the pages ahead wait in their sockets while the caller is busy: their
    # timeout runs only while the iterator drives them
    client = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                        ca_bundle=sandbox.ca_cert, timeout=1.0, read_timeout=0.5, max_retries=0)
    seen = []
    for page in client.jobs.iter_pages(page_size=10, prefetch=4, max_items=40):
        seen += [j.id for j in page.jobs]
        if len(seen) == 10:
            time.sleep(1.6)  # longer than the timeout and the stall limit
    assert len(seen) == len(set(seen)) == 40
    client.close()


def test_a_scan_of_pages_of_varying_size_reuses_one_tree_block(sandbox):
    # A scan keeps one block for its pages' trees: freed with a page, taken again by the
    # next. The pages of a scan differ in size by some percent; a block cut to the exact
    # size of one page was too small for a slightly bigger next one, and replacing it page
    # after page grew the heap (a stream of 100,000 feed jobs by 8 MB more).
    import ssl
    import urllib.request

    from jobo_enterprise.models import FeedPage

    ctx = ssl.create_default_context(cafile=sandbox.ca_cert)
    req = urllib.request.Request(sandbox.base_url + "/api/jobs/feed",
                                 data=json.dumps({"batch_size": 1000}).encode(),
                                 headers={"X-Api-Key": sandbox.keys["full"],
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, context=ctx, timeout=60) as resp:
        page = json.loads(resp.read())
    jobs = page["jobs"]
    assert len(jobs) == 1000
    held = FeedPage.from_json(json.dumps(dict(page, jobs=jobs[:900])).encode())
    reused, replaced = _core._spare_counts()  # counted from the first page of the scan
    # then pages from 900 to 1,000 jobs (up to 11% bigger), growing and shrinking
    for n in [900 + (k * 37) % 101 for k in range(1, 12)]:
        held = None  # the page the loop is done with goes first, as in an iterator
        held = FeedPage.from_json(json.dumps(dict(page, jobs=jobs[:n])).encode())
        assert len(held.jobs) == n
    now_reused, now_replaced = _core._spare_counts()
    assert now_replaced - replaced == 0, (now_reused - reused, now_replaced - replaced)
    assert now_reused - reused == 11
