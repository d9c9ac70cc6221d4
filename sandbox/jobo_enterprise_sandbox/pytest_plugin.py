"""pytest fixtures for testing code that uses ``jobo_enterprise``, against a local sandbox.

pytest loads this module by itself wherever ``jobo-enterprise-sandbox`` is installed (the
``pytest11`` entry point ``jobo_enterprise_sandbox``); nothing else is needed. Loading it
imports neither the sandbox server nor the SDK: they are imported when a test first asks
for a fixture. ``-p no:jobo_enterprise_sandbox`` turns it off.

Fixtures:

- ``jobo_sandbox`` (session): a running :class:`~jobo_enterprise_sandbox.Sandbox`, with
  ``base_url``, ``ca_cert``, ``keys`` (``full``, ``search_only``, ``feed_only``,
  ``limited``, ``low_credits``, ``revoked``), ``create_key()``, and
  ``fault("status=503,times=2")``, a base URL whose every call goes through that fault,
  with its own request counter (``.requests``);
- ``jobo_client``: a ``JoboClient`` on it with the ``full`` key, closed after the test;
- ``jobo_async_client``: an ``AsyncJoboClient`` on it, when pytest-asyncio or anyio's
  pytest plugin is installed (use it from ``async def`` tests as those plugins run them).

Settings (``pytest.ini`` / ``[tool.pytest.ini_options]``): ``jobo_sandbox_seed``
(default 1), ``jobo_sandbox_jobs`` (jobs in the synthetic dataset, default 5000) and
``jobo_sandbox_http2`` (offer HTTP/2, default false).

Example (``test_my_code.py``)::

    from jobo_enterprise import JoboServerError, JoboClient

    def test_counts_remote_jobs(jobo_client):
        assert jobo_client.jobs.search("engineer", work_model="remote").total > 0

    def test_gives_up_after_two_retries(jobo_sandbox):
        url = jobo_sandbox.fault("status=503")
        client = JoboClient(jobo_sandbox.keys["full"], base_url=url,
                            ca_bundle=jobo_sandbox.ca_cert, max_retries=2)
        ...
        assert url.requests == 3
"""

from __future__ import annotations

import importlib.util
from typing import Any, Iterator

import pytest

__all__ = ["jobo_sandbox", "jobo_client", "jobo_async_client"]


def pytest_addoption(parser: Any) -> None:
    parser.addini("jobo_sandbox_seed", "seed of the jobo_sandbox fixture's dataset",
                  default="1")
    parser.addini("jobo_sandbox_jobs", "jobs in the jobo_sandbox fixture's dataset",
                  default="5000")
    parser.addini("jobo_sandbox_http2", "the jobo_sandbox fixture offers HTTP/2 (h2)",
                  type="bool", default=False)


@pytest.fixture(scope="session")
def jobo_sandbox(pytestconfig: Any) -> Iterator[Any]:
    """A running sandbox for the whole test session (see the module's docstring)."""
    from .server import Sandbox

    sandbox = Sandbox(seed=int(pytestconfig.getini("jobo_sandbox_seed")),
                      jobs=int(pytestconfig.getini("jobo_sandbox_jobs")),
                      http2=bool(pytestconfig.getini("jobo_sandbox_http2")))
    with sandbox:
        yield sandbox


def _sdk() -> Any:
    try:
        import jobo_enterprise
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise pytest.UsageError(
            "the jobo_client fixtures need the SDK: pip install jobo-enterprise-native"
        ) from exc
    return jobo_enterprise


@pytest.fixture
def jobo_client(jobo_sandbox: Any) -> Iterator[Any]:
    """A ``JoboClient`` on ``jobo_sandbox`` with its ``full`` key."""
    client = _sdk().JoboClient(jobo_sandbox.keys["full"], base_url=jobo_sandbox.base_url,
                               ca_bundle=jobo_sandbox.ca_cert)
    with client:
        yield client


def _async_plugin() -> bool:
    return any(importlib.util.find_spec(name) is not None
               for name in ("pytest_asyncio", "anyio"))


if _async_plugin():

    @pytest.fixture
    def jobo_async_client(jobo_sandbox: Any) -> Iterator[Any]:
        """An ``AsyncJoboClient`` on ``jobo_sandbox`` with its ``full`` key, for
        ``async def`` tests as pytest-asyncio or anyio run them. It is made outside
        any event loop (its transfers go on the loop of the test that uses it) and
        closed after the test."""
        import asyncio

        cls = getattr(_sdk(), "AsyncJoboClient", None)
        if cls is None:  # pragma: no cover - an SDK older than the async client
            pytest.skip("this version of jobo_enterprise has no AsyncJoboClient")
        client = cls(jobo_sandbox.keys["full"], base_url=jobo_sandbox.base_url,
                     ca_bundle=jobo_sandbox.ca_cert)
        try:
            yield client
        finally:
            asyncio.run(client.aclose())
