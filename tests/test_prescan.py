"""The pre-scan that bounds a parse reads string text a word (8 bytes) at a time: a quote,
a backslash or a NUL must be found at every offset within and across words, with the
same counts and refusals as a byte-by-byte reading. No network: milliseconds."""

from __future__ import annotations

import json

import pytest

from jobo_enterprise import _core

NUL_REFUSED = 4  # _prescan's outcome for a string holding a NUL


@pytest.mark.parametrize("pos", range(0, 26))
def test_escapes_quotes_and_nuls_are_found_at_every_offset(pos):
    before, after = "x" * pos, "y" * (25 - pos)
    for special in ('\\"', "\\\\", "\\n", "\\u00e9", "é", "\\ud83d\\ude00"):
        text = f'["{before}{special}{after}", {{"{before}k{special}": 1}}]'
        outcome, values, *_ = _core._prescan(text.encode())
        assert outcome == 0 and values == 4, (pos, special)
        assert _core.decode_json(text.encode()) == json.loads(text)
    for nul in (b"\x00", b"\\u0000"):
        body = b'["' + before.encode() + nul + after.encode() + b'"]'
        assert _core._prescan(body)[0] == NUL_REFUSED, (pos, nul)
        with pytest.raises(ValueError, match="NUL"):
            _core.decode_json(body)
    # a backslash that ends the body, and an unterminated string: left to cJSON to refuse
    for body in (b'["' + before.encode() + b"\\", b'["' + before.encode()):
        with pytest.raises(ValueError):
            _core.decode_json(body)


def _random_document(rng, depth=0):
    """A JSON value with strings of every length near a 16-byte boundary, escapes,
    non-ASCII text and numbers of every shape, nested a few levels."""
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        n = rng.randrange(0, 49)
        pool = "abcxyz0189 " * 3 + "\"\\\n\té€😀"
        return "".join(rng.choice(pool) for _ in range(n))
    if kind == 1:
        return rng.choice([0, -1, 7, 123456789012345678901234567890, -2**53, 2.5, -0.001,
                           1e-300, 6.02214076e23, rng.random() * 10 ** rng.randrange(-5, 20)])
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return rng.randrange(-10**6, 10**6)
    if kind == 4:
        return [_random_document(rng, depth + 1) for _ in range(rng.randrange(0, 12))]
    return {_random_document(rng, 4) if rng.random() < 0.2 else f"k{'y' * rng.randrange(0, 40)}":
            _random_document(rng, depth + 1) for _ in range(rng.randrange(0, 12))}


@pytest.mark.parametrize("seed", range(40))
def test_the_pre_scan_sizes_the_parse_in_one_block(seed):
    # The pre-scan's count sizes the parse's one memory block: the cJSON this module
    # was built with must not ask for a byte more (a second block doubles the memory
    # of a big page and costs a heap round trip per response).
    import random

    rng = random.Random(seed)
    doc = {"jobs": [_random_document(rng) for _ in range(30)], "total": seed}
    for text in (json.dumps(doc), json.dumps(doc, ensure_ascii=False, indent=1)):
        body = text.encode()
        outcome, _values, estimate, *_ = _core._prescan(body)
        assert outcome == 0
        chunks, used, reserved = _core._arena_probe(body)
        assert chunks == 1 and used <= estimate <= reserved, (seed, chunks, used, estimate)
