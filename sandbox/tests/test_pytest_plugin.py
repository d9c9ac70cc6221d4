"""The pytest plugin shipped with the sandbox distribution: a user's test file that
uses only its fixtures runs with plain pytest, in a subprocess (pytester)."""

from __future__ import annotations

import os
import subprocess
import sys

pytest_plugins = ["pytester"]

USER_TESTS = '''
import pytest
from jobo_enterprise import JoboClient, JoboServerError

SEEN = []


def test_a_client_on_the_sandbox(jobo_client, jobo_sandbox):
    SEEN.append(jobo_sandbox)
    result = jobo_client.jobs.search("engineer", page_size=3)
    assert len(result.jobs) == 3 and result.usage.credits_used == 3
    assert jobo_client.base_url == jobo_sandbox.base_url


def test_the_sandbox_is_one_per_session(jobo_sandbox):
    assert SEEN == [jobo_sandbox] and jobo_sandbox.running
    assert set(jobo_sandbox.keys) >= {"full", "search_only", "limited", "revoked"}
    assert open(jobo_sandbox.ca_cert).read().startswith("-----BEGIN CERTIFICATE-----")


def test_a_fault_url_counts_its_own_requests(jobo_sandbox):
    url = jobo_sandbox.fault("status=503,times=2,retry_after=0")
    client = JoboClient(jobo_sandbox.keys["full"], base_url=url,
                        ca_bundle=jobo_sandbox.ca_cert, max_retries=2)
    assert client.jobs.search("engineer", page_size=1).total > 0
    assert url.requests == 3


def test_the_same_spec_twice_gets_two_counters(jobo_sandbox):
    first, second = (jobo_sandbox.fault("status=503,retry_after=0") for _ in range(2))
    assert first != second
    client = JoboClient(jobo_sandbox.keys["full"], base_url=first,
                        ca_bundle=jobo_sandbox.ca_cert, max_retries=1)
    with pytest.raises(JoboServerError):
        client.jobs.search("engineer")
    assert (first.requests, second.requests) == (2, 0)
'''


def test_a_users_test_file_runs_with_plain_pytest(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_settings_choose_the_dataset_and_http2(pytester):
    pytester.makeini("[pytest]\njobo_sandbox_jobs = 300\njobo_sandbox_seed = 5\n"
                     "jobo_sandbox_http2 = true\n")
    pytester.makepyfile(test_settings='''
def test_settings(jobo_sandbox, jobo_client):
    assert (jobo_sandbox.jobs, jobo_sandbox.seed, jobo_sandbox.http2) == (300, 5, True)
    jobo_client.jobs.search("engineer", page_size=1)
    assert jobo_client.diagnostics()["attempts"][-1]["http_version"] == "2"
''')
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_plugin_is_registered_and_can_be_turned_off(pytester):
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    listed = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    text = listed.stdout.str()
    assert "jobo_sandbox [session scope]" in text and "jobo_client" in text
    off = pytester.runpytest_subprocess("--fixtures", "-p", "no:jobo_enterprise_sandbox")
    assert "jobo_sandbox" not in off.stdout.str()


def test_loading_the_plugin_imports_neither_the_server_nor_the_sdk():
    code = ("import sys, jobo_enterprise_sandbox.pytest_plugin as p; "
            "print(sorted(m for m in ('jobo_enterprise', 'jobo_enterprise_sandbox.server', "
            "'cryptography', 'h2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ))
    assert out.stdout.strip() == "[]", out.stderr


def test_the_readme_example_runs_with_plain_pytest(pytester):
    import re

    # the repository's README (sandbox/tests/ is two levels below it)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    section = text[text.index("## Testing your code"):]
    code = re.search(r"```python\n(# test_my_code\.py\n.*?)```", section, flags=re.S).group(1)
    pytester.makepyfile(test_my_code=code)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


ASYNC_USER_TESTS = '''
import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_an_async_client_on_the_sandbox(jobo_async_client, jobo_sandbox):
    result = await jobo_async_client.jobs.search("engineer", page_size=2)
    assert len(result.jobs) == 2 and result.usage.credits_used == 2
    raw = await jobo_async_client.jobs.with_raw_response.get(result.jobs[0].id)
    assert raw.status_code == 200 and raw.parse().id == result.jobs[0].id


@pytest.mark.anyio
async def test_a_second_test_gets_a_fresh_client(jobo_async_client):
    jobs = [job async for job in jobo_async_client.jobs.iter(queries=["engineer"],
                                                              max_items=3)]
    assert len(jobs) == 3
'''


def test_a_users_async_tests_run_with_the_anyio_plugin(pytester):
    pytester.makepyfile(test_user_async=ASYNC_USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-W",
                                           "error::pytest.PytestUnraisableExceptionWarning")
    result.assert_outcomes(passed=2)
