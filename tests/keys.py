"""API keys used by the tests.

Normally each test module uses its own fixed fake key. With
``JOBO_TEST_CANARY_KEY`` set (the canary run of test_canary.py), every one of
them, and the sandbox's ``full`` key, is that canary instead, so the canary
run can prove the key never shows up in any output.
"""

import os

CANARY = os.environ.get("JOBO_TEST_CANARY_KEY") or None


def fake_key(default: str) -> str:
    return CANARY or default
