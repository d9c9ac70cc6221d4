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
