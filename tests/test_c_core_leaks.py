"""Leak loops for the C decode path alone (``_core.decode_json``): the memory traced
by tracemalloc stops growing over tens of thousands of decodes of varied bodies,
failures included, and the interned key strings the decoder caches keep a stable
reference count. No network: fast enough for every run (well under 10 s)."""

from __future__ import annotations

import gc
import json
import sys
import tracemalloc

import pytest

from jobo_enterprise import _core

JOB = {
    "id": "0b5c8e0e-4a43-4a4f-9d0e-5e6b7c8d9e0f",
    "title": "Senior Data Engineer",
    "company": {"id": "c-1", "name": "Acme GmbH", "industries": ["Software", "Data"]},
    "locations": [{"location": "Berlin, DE", "city": "Berlin", "latitude": 52.52,
                   "longitude": 13.405}],
    "compensation": {"min": 70000, "max": 95000.5, "currency": "EUR", "period": "yearly"},
    "is_remote": True,
    "valid_through": None,
    "summary": "Caf\u00e9 \u20ac \U0001F600 and \"escapes\"\n",
}

# Bodies of every kind the decoder meets: documents, scalars, unicode, numbers around
# 2**53, many distinct keys (which evict each other from the key cache), long keys (not
# cached), invalid UTF-8 (decoded with U+FFFD), and failures (ValueError).
GOOD = [
    json.dumps({"jobs": [JOB] * 3, "total": 3, "page": 1, "page_size": 25,
                "total_pages": 1}).encode(),
    json.dumps({"status": 429, "error": "Too Many Requests",
                "message": "Rate limit exceeded. Retry after 1677721600",
                "retryAfter": 1677721600}).encode(),
    json.dumps({f"k{i}_{'x' * (i % 40)}": i for i in range(700)}).encode(),
    b"[9007199254740991, 9007199254740993, 18446744073709551616, -0.0, 1e308, 0.1]",
    b'{"\xff\xfe": "\xc3(", "caf\xc3\xa9": "ok", "\\u20ac": "\\ud83d\\ude00"}',
    b"[" * 128 + b"]" * 128,  # the deepest accepted (JOBO_MAX_DEPTH)
    b'"a lone string"',
    b"null",
]
BAD = [
    b"",
    b"{",
    b'{"jobs": [1, 2,',
    b"<html>Bad Gateway</html>",
    b'["\\ud800"]',
    b"[1] trailing",
    b"[" * 1200 + b"]" * 1200,  # beyond cJSON's nesting limit
    b"[" * 129 + b"]" * 129,  # beyond JOBO_MAX_DEPTH
    b"[" + b"0," * 100000 + b"0]",  # too many values for the memory budget
    b'["a\\u0000b"]',  # a NUL in a string
]


def _decode_all(rounds: int) -> None:
    for _ in range(rounds):
        for body in GOOD:
            _core.decode_json(body)
        for body in BAD:
            with pytest.raises(ValueError):
                _core.decode_json(body)


def test_decode_loop_memory_plateaus():
    _decode_all(200)  # warm up: key cache, interned strings, free lists
    gc.collect()
    tracemalloc.start()
    try:
        _decode_all(100)
        gc.collect()
        first = tracemalloc.get_traced_memory()[0]
        _decode_all(1300)  # 19,500 decodes, a third of them failures
        gc.collect()
        last = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # One leaked small object per decode would be over 500 kB here.
    assert last - first < 64 * 1024, f"traced memory grew by {last - first} bytes"


def test_interned_key_refcounts_are_stable():
    # key names no other code in the process uses (the suite runs a sandbox server
    # in background threads whose dicts share common names such as "name")
    probe = {f"zq_probe_{i}": {"zq_inner_a": i, "zq_inner_b": [i, str(i)]} for i in range(6)}
    body = json.dumps({"zq_items": [probe] * 5, "zq_total": 5}).encode()
    first = _core.decode_json(body)
    keys = list(first) + list(first["zq_items"][0]) + list(first["zq_items"][0]["zq_probe_0"])
    # the decoder hands out the interned strings themselves
    assert all(sys.intern(k) is k for k in keys)
    del first
    gc.collect()
    before = [sys.getrefcount(k) for k in keys]
    for _ in range(5000):
        _core.decode_json(body)
    for bad in BAD:
        with pytest.raises(ValueError):
            _core.decode_json(bad)
    gc.collect()
    after = [sys.getrefcount(k) for k in keys]
    assert after == before, [(k, b, a) for k, b, a in zip(keys, before, after) if a != b]


def test_decoded_objects_are_released():
    import weakref

    class Probe(dict):
        pass

    # A dict built by the decoder holds values only through itself: once the result
    # is dropped, each of its strings is freed (refcount back to the baseline).
    body = b'{"payload": "' + b"z" * 5000 + b'"}'
    result = _core.decode_json(body)
    s = result["payload"]
    assert sys.getrefcount(s) == 3  # result dict, the name s, getrefcount's argument
    del result
    assert sys.getrefcount(s) == 2
    probe = Probe()
    ref = weakref.ref(probe)
    del probe
    assert ref() is None
