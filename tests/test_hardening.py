"""Hardening, round 2: a hostile server, proxy or careless caller, reproduced
against real servers (the sandbox's fault routes, or a raw TLS server).

Echoed keys, key-shape-independent redaction, tracebacks with locals, hostile
text, NUL characters, nesting, malformed pages, and the small refusals. The
trust store (``ca_bundle``), memory, exit and Ctrl-C cases are in
test_hardening_process.py (they run child processes).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
import traceback
from urllib.parse import quote

import pytest

from jobo_enterprise import (
    JoboAuthenticationError,
    JoboClient,
    JoboConfigurationError,
    JoboError,
    JoboResponseError,
    JoboValidationError,
)
from jobo_enterprise._retry import RateLimitState
from jobo_enterprise_sandbox.faults import key_forms
from keys import fake_key
from rawserver import RawServer, http_response

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# keys of shapes the old regex did not know, and the test's usual one
SHAPES = [
    fake_key("jbe_live_EchoedKey0123456789abcdef"),
    "sk_live_Other_Shape_123",
    "jbe_live_abc.def+ghi/jkl=TAIL",
]
SHAPE_IDS = ["jbe-key", "other-shape", "dots-plus-slash-equals"]  # never the key in a test id


def _forms(key: str) -> list:
    """Every form of the key that must not appear in what the client shows."""
    found = set(key_forms(key).values()) | {key}
    found |= {key.replace("/", "\\/"), quote(key, safe="/"), quote(key, safe="")}
    return sorted(found)


def _exception_texts(exc: JoboError) -> list:
    return [str(exc), repr(exc), repr(exc.args), repr(exc.__dict__), str(exc.message),
            str(exc.detail), repr(exc.response_body), repr(exc.headers), str(exc.request_id),
            str(exc.error), str(exc.code), repr(exc.usage)]


def _assert_no_key(key: str, texts, blob: bytes = b"") -> None:
    for form in _forms(key):
        for text in texts:
            assert form not in text, (form, text)
        assert form.encode() not in blob, form


# -- 1. an echoed key is masked in every field ------------------------------------------


@pytest.mark.parametrize("key", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("spec", ["echo_key", "echo_key,html", "echo_key,status=403",
                                  "echo_key,status=502"])
def test_echoed_key_is_masked_in_every_exception_field_and_the_pickle(sandbox, key, spec):
    client = JoboClient(key, base_url=f"{sandbox.base_url}/__fault/{spec}",
                        ca_bundle=sandbox.ca_cert, max_retries=0)
    with pytest.raises(JoboError) as info:
        client.jobs.search("python")
    exc = info.value
    masked = client._transport.masked_key
    # the server did echo it: the masked form stands where the key was
    assert exc.request_id == masked
    assert exc.headers["x-echo-key"] == masked and exc.headers["x-echo-key-encoded"] == masked
    if "html" in spec:
        assert masked in exc.response_body and "revoked" in exc.response_body
    else:
        assert exc.message.startswith(f"The key {masked} is revoked (raw: {masked}; ")
        assert exc.detail == f"received {masked}"
        assert exc.response_body["code"] == masked
    blob = pickle.dumps(exc)
    _assert_no_key(key, _exception_texts(exc), blob)
    again = pickle.loads(blob)
    assert str(again) == str(exc) and again.headers == exc.headers
    client.close()


def test_success_bodies_are_data_and_are_not_rewritten():
    key = SHAPES[2]
    page = {"jobs": [{"id": "6f1c2d8e-0000-4000-8000-000000000001", "title": f"about {key}"}],
            "total": 1, "page": 1, "page_size": 25, "total_pages": 1, "facets": {}}
    body = json.dumps(page).encode()
    with RawServer(lambda r: http_response(200, {"Content-Type": "application/json",
                                                 "X-Request-Id": key}, body)) as server:
        client = JoboClient(key, base_url=server.base_url, ca_bundle=server.ca_cert)
        result = client.jobs.search("x")
    assert result.jobs[0].title == f"about {key}"  # data, as sent
    assert key not in str(result.usage.request_id)  # a header the client shows: masked


def test_cli_stderr_masks_an_echoed_key(sandbox):
    key = SHAPES[2]
    env = dict(os.environ, JOBO_API_KEY=key, JOBO_LOG="debug")
    proc = subprocess.run(
        [sys.executable, "-m", "jobo_enterprise", "search", "python",
         "--base-url", f"{sandbox.base_url}/__fault/echo_key", "--ca-bundle", sandbox.ca_cert],
        env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode != 0
    assert "revoked" in proc.stderr and "jbe_\u2026" in proc.stderr
    _assert_no_key(key, [proc.stdout, proc.stderr])


# -- 2. redaction does not depend on the key's shape --------------------------------------


@pytest.mark.parametrize("key", SHAPES, ids=SHAPE_IDS)
def test_debug_log_masks_the_configured_key_whatever_its_shape(sandbox, key, caplog):
    client = JoboClient(key, base_url=f"{sandbox.base_url}/__fault/echo_key",
                        ca_bundle=sandbox.ca_cert, max_retries=1, max_wait=0.1)
    with caplog.at_level(logging.DEBUG, logger="jobo_enterprise"):
        with pytest.raises(JoboAuthenticationError):
            client.jobs.search("python", extra_params={"note": key})
    text = caplog.text
    assert "JoboAuthenticationError" in text and "note=" in text
    _assert_no_key(key, [text])


def _formatted_with_locals(exc: BaseException) -> str:
    te = traceback.TracebackException.from_exception(exc, capture_locals=True)
    return "".join(te.format())


# module globals, so the test frames themselves hold no key in a local
TB_KEY = SHAPES[2]
TB_BAD_KEY = TB_KEY + " tail"


@pytest.mark.parametrize("case", ["malformed key", "missing CA bundle", "bad option",
                                  "bad base URL", "key too long", "call error"])
def test_tracebacks_with_locals_never_show_the_key(sandbox, case, tmp_path):
    os.environ["JOBO_API_KEY"] = TB_KEY
    try:
        if case == "malformed key":
            JoboClient(api_key=TB_BAD_KEY)
        elif case == "missing CA bundle":
            JoboClient(api_key=TB_KEY, ca_bundle=str(tmp_path / "missing.pem"))
        elif case == "bad option":
            JoboClient(api_key=TB_KEY, timeout=-1)
        elif case == "bad base URL":
            JoboClient(base_url="https://example.com/?")
        elif case == "key too long":
            JoboClient(api_key=TB_KEY * 100)
        else:
            JoboClient(base_url=f"{sandbox.base_url}/__fault/echo_key",
                       ca_bundle=sandbox.ca_cert, max_retries=0).jobs.search("x")
    except JoboError as exc:
        text = _formatted_with_locals(exc)
    finally:
        del os.environ["JOBO_API_KEY"]
    assert "Traceback" in text and "client.py" in text
    if case != "bad base URL":
        assert "<API key, hidden>" in text or case == "call error"
    _assert_no_key(TB_KEY, [text])
    assert TB_BAD_KEY not in text


# -- 8. server text is data, not control ---------------------------------------------------


HOSTILE = "denied\r\nX-Injected: 1\x1b[31m red\x07\u0085\u202eevil\x7f"


def _bad_request_server():
    body = json.dumps({"status": 400, "error": "Bad\x1b[2J", "message": HOSTILE,
                       "detail": HOSTILE + " detail", "code": "c\nd"}).encode()
    return RawServer(lambda r: http_response(400, {"Content-Type": "application/json"}, body))


def test_server_text_has_control_characters_escaped_in_exceptions_and_logs(caplog):
    with _bad_request_server() as server:
        client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert)
        with caplog.at_level(logging.DEBUG, logger="jobo_enterprise"):
            with pytest.raises(JoboValidationError) as info:
                client.jobs.search("x")
    exc = info.value
    logged = [r.getMessage() for r in caplog.records]
    assert logged and "X-Injected" in logged[0]
    for text in [str(exc), exc.message, exc.detail, exc.error, exc.code] + logged:
        assert not any(c in text for c in "\r\n\x1b\x07\x7f\u0085\u202e"), repr(text)
    assert exc.message == "denied\\r\\nX-Injected: 1\\x1b[31m red\\x07\\x85\\u202eevil\\x7f"
    assert str(exc).startswith("HTTP 400 Bad\\x1b[2J: denied\\r\\nX-Injected")
    assert exc.code == "c\\nd"
    # the decoded body stays as sent
    assert exc.response_body["message"] == HOSTILE


def test_long_server_text_is_cut():
    body = json.dumps({"status": 500, "message": "x" * 100_000}).encode()
    with RawServer(lambda r: http_response(500, {}, body)) as server:
        client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert,
                            max_retries=0)
        with pytest.raises(JoboError) as info:
            client.jobs.search("x")
    assert info.value.message == "x" * 500 + "\u2026"
    assert len(info.value.response_body["message"]) == 100_000


def test_cli_output_has_server_control_characters_escaped():
    with _bad_request_server() as server:
        env = dict(os.environ, JOBO_API_KEY=SHAPES[0])
        proc = subprocess.run(
            [sys.executable, "-m", "jobo_enterprise", "search", "python",
             "--base-url", server.base_url, "--ca-bundle", server.ca_cert],
            env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode != 0 and "X-Injected" in proc.stderr
    assert "\x1b" not in proc.stderr and "\r" not in proc.stderr
    assert proc.stderr.count("\n") == 1  # one line, however many the server sent


# -- 9. no silent data changes, no response the client cannot use ------------------------


def _serve_json(text: str):
    body = text.encode()
    return RawServer(lambda r: http_response(200, {"Content-Type": "application/json"}, body))


PAGE_HEAD = '{"total": 1, "page": 1, "page_size": 25, "total_pages": 1, "facets": {}, '


@pytest.mark.parametrize("jobs", ['[{"id": "a", "title": "ab\\u0000cd"}]',
                                  '[{"id": "a", "ti\\u0000tle": "x"}]'])
def test_a_nul_character_is_refused_not_truncated(jobs):
    with _serve_json(PAGE_HEAD + '"jobs": ' + jobs + "}") as server:
        client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert)
        with pytest.raises(JoboResponseError, match="NUL character"):
            client.jobs.search("x")
        assert server.connections == 1  # not retried


def _nested(depth: int) -> str:
    return "[" * (depth - 1) + "1" + "]" * (depth - 1)


def test_the_deepest_accepted_response_works_with_to_dict_pickle_deepcopy_and_eq():
    # facets is the page's depth 1, so the value inside reaches 128 levels
    # the page is level 1: facets level 2, a job level 3
    text = PAGE_HEAD.replace('"facets": {}', '"facets": {"deep": ' + _nested(127) + "}") \
        + '"jobs": [{"id": "6f1c2d8e-0000-4000-8000-000000000001", "title": "t", "extra": ' \
        + _nested(126) + "}]}"
    with _serve_json(text) as server:
        client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert)
        result = client.jobs.search("x")
    plain = result.to_dict()
    assert json.loads(json.dumps(plain))["facets"] == json.loads(text)["facets"]
    assert pickle.loads(pickle.dumps(result)) == result
    assert copy.deepcopy(result) == result
    job = result.jobs[0]
    assert job.to_dict()["extra"] == json.loads(text)["jobs"][0]["extra"]
    assert copy.deepcopy(job) == job and pickle.loads(pickle.dumps(job)) == job


def test_one_level_deeper_is_a_response_error():
    text = PAGE_HEAD + '"jobs": [], "x": ' + _nested(129) + "}"
    with _serve_json(text) as server:
        client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert)
        with pytest.raises(JoboResponseError, match="nested deeper than the limit of 128"):
            client.jobs.search("x")


@pytest.mark.parametrize("jobs", ['{"a": 1}', '"not a list"', "3"])
def test_a_page_whose_jobs_is_not_a_list_raises_response_error(jobs):
    page = '{"total": 3, "page": 1, "page_size": 1, "total_pages": 3, "facets": {}, ' \
           '"jobs": ' + jobs + ', "next_cursor": "c1", "has_more": true}'
    with _serve_json(page) as server:
        client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert)
        with pytest.raises(JoboResponseError, match="jobs"):
            list(client.jobs.iter(page_size=1))
        with pytest.raises(JoboResponseError, match="jobs"):
            list(client.feed.iter_jobs(prefetch=False))


# -- 10. small refusals --------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://example.com/?", "https://example.com/#",
                                 "https://example.com/v1?", "https://example.com?a=1",
                                 "https://example.com/#frag"])
def test_a_query_or_fragment_in_the_base_url_is_refused(url):
    with pytest.raises(JoboConfigurationError, match="query or a fragment"):
        JoboClient(SHAPES[0], base_url=url)


def test_a_key_over_one_kib_is_refused_at_construction():
    JoboClient("k" * 1024, base_url="https://example.com")  # the limit itself is fine
    started = time.monotonic()
    for key in ("k" * 1025, "jbe_live_" + "x" * 1_000_000):
        with pytest.raises(JoboConfigurationError, match="longer than|more than the limit"):
            JoboClient(key, base_url="https://example.com")
    assert time.monotonic() - started < 1.0
    from jobo_enterprise import _core

    with pytest.raises(JoboConfigurationError, match="longer than 1024 bytes"):
        _core.Transport("https://example.com", "k" * 1025, "ua")


def test_a_header_line_over_the_cap_says_so():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Big: " + b"a" * 1_000_000
    with RawServer(lambda r: head + b"\r\nContent-Length: 2\r\n\r\n{}") as server:
        client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert)
        with pytest.raises(JoboError) as info:
            client.jobs.search("x")
    assert "header" in str(info.value) and "Out of memory" not in str(info.value)


def test_a_forked_child_does_not_wait_for_the_parents_transfer(sandbox):
    script = f"""
import os, sys, threading, time
sys.path.insert(0, {ROOT!r})
from jobo_enterprise import JoboClient, JoboError
client = JoboClient({SHAPES[0]!r}, base_url={sandbox.base_url!r} + "/__fault/delay=4000",
                    ca_bundle={sandbox.ca_cert!r}, max_retries=0)
def slow():
    try:
        client.jobs.search("x")
    except JoboError:
        pass
threading.Thread(target=slow, daemon=True).start()
time.sleep(0.5)  # the transfer is in flight
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    sys.exit(0)  # atexit handlers run: none may wait for the parent's transfer
started = time.monotonic()
os.waitpid(pid, 0)
print(time.monotonic() - started, flush=True)
os._exit(0)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    child_exit = float(proc.stdout.strip().splitlines()[-1])
    assert child_exit < 0.5, proc.stderr


# -- 7. pacing with threads ----------------------------------------------------------------


def test_threads_sharing_a_client_never_exceed_the_rate_limit(sandbox):
    key = sandbox.create_key("full", rate_limit=5, window=2)
    client = JoboClient(key, base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert,
                        max_retries=0)
    outcomes = []
    lock = threading.Lock()

    def worker():
        for _ in range(6):
            try:
                client.jobs.search("python", page_size=1)
                outcome = "ok"
            except JoboError as exc:
                outcome = f"{type(exc).__name__} {exc.status_code}"
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes.count("ok") == 48, sorted(set(outcomes))


def test_pacing_state_machine_hands_out_the_last_known_limit_after_a_reset():
    class U:
        def __init__(self, limit, remaining, reset):
            from datetime import datetime, timezone

            self.rate_limit_limit = limit
            self.rate_limit_remaining = remaining
            self.rate_limit_reset = datetime.fromtimestamp(reset, tz=timezone.utc)

    s = RateLimitState()
    now = 1000.0
    assert s.acquire(now) == 0 and s.state == "probing"  # the first request probes
    assert s.acquire(now) == RateLimitState.POLL  # the others wait for its answer
    s.update(U(5, 4, 1002))
    assert [s.acquire(now) for _ in range(4)] == [0, 0, 0, 0]
    assert s.acquire(now) == pytest.approx(2.0)  # none left: wait for the reset
    # the window reset: the last known limit is assumed, its slots handed out once
    waits = [s.acquire(1002.1) for _ in range(7)]
    assert waits[:5] == [0] * 5 and waits[5:] == [RateLimitState.POLL] * 2
    assert s.state == "assumed"
    s.update(U(5, 4, 1001.9))  # a late answer of the old window changes nothing
    assert s.state == "assumed"
    s.update(U(5, 3, 1004))  # the first answer of the new window
    assert s.state == "window" and s.acquire(1002.2) == pytest.approx(1.8)
    s.update(None)  # an answer without figures (a reset connection) changes nothing
    assert s.state == "window"


def test_the_readme_example_of_an_echoed_key_runs(sandbox, capsys):
    import re

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if "echo_key" in b]
    assert len(blocks) == 1
    exec(compile(blocks[0], "README.md", "exec"), {"sb": sandbox})
    out = capsys.readouterr().out
    assert "HTTP 401 Unauthorized: The key jbe_\u2026TAIL is revoked" in out
    assert "abc.def" not in out


def test_a_detail_taken_from_the_error_or_a_text_body_is_escaped_too():
    # no "detail" in the body: detail comes from "error", or from a text body
    for body, ctype in ((json.dumps({"error": "bad\r\n\x1b[31m"}).encode(), "application/json"),
                        (b"gateway\r\nX-Injected: 1\x1b[2J" + b"y" * 3000, "text/plain")):
        with RawServer(lambda r, b=body, c=ctype: http_response(418, {"Content-Type": c}, b)) \
                as server:
            client = JoboClient(SHAPES[0], base_url=server.base_url, ca_bundle=server.ca_cert)
            with pytest.raises(JoboError) as info:
                client.jobs.search("x")
        detail = info.value.detail
        assert detail and not any(c in detail for c in "\r\n\x1b"), repr(detail)
        assert detail.startswith(("bad\\r\\n\\x1b[31m", "gateway\\r\\nX-Injected")) \
            and len(detail) < 520  # 500 characters (escapes take a few more)
