"""Shared fixtures: one sandbox server per test session, clients bound to it.

Everything goes through the real C core over real TLS sockets on loopback;
nothing below the public API is mocked.

A test module with ``HTTP_VERSIONS = ("1.1", "2")`` runs each of its tests that
use the ``sandbox`` fixture (or ``make_client``/``client``) twice: against a
sandbox that speaks only HTTP/1.1 and against one that offers h2 by ALPN (the
clients, on ``http_version="auto"``, then speak HTTP/2). Test ids end in
``[h1]`` / ``[h2]``; ``-k h2`` picks the h2 runs. Other modules get the
HTTP/1.1 sandbox once.
"""

from __future__ import annotations

import json
import ssl
import urllib.request

import pytest

from jobo_enterprise import JoboClient
from jobo_enterprise_sandbox import Sandbox
from keys import CANARY


def pytest_generate_tests(metafunc):
    versions = getattr(metafunc.module, "HTTP_VERSIONS", None)
    if versions and "sandbox" in metafunc.fixturenames:
        metafunc.parametrize("sandbox", list(versions), indirect=True, scope="session",
                             ids=["h" + v.split(".")[0] for v in versions])


@pytest.fixture(scope="session")
def sandbox(request):
    """The session's sandbox: HTTP/1.1 only, or with h2 (``request.param == "2"``)."""
    http2 = getattr(request, "param", "1.1") == "2"
    with Sandbox(seed=7, http2=http2) as sb:
        if CANARY:  # the canary run: the full key is the canary
            sb.keys["full"] = sb.create_key("full", key=CANARY)
        yield sb


@pytest.fixture
def http_version(sandbox) -> str:
    """The HTTP version clients of this test's sandbox speak: "1.1" or "2"."""
    return "2" if sandbox.http2 else "1.1"


@pytest.fixture(autouse=True)
def _canary_dump(request):
    """In the canary run, print the repr, str, args and pickle of every client and
    SDK exception still alive after each test; the run's output must not contain
    the canary anywhere."""
    yield
    if not CANARY:
        return
    import gc
    import pickle

    from jobo_enterprise import AsyncJoboClient, JoboError

    for obj in gc.get_objects():
        try:
            if isinstance(obj, (JoboClient, AsyncJoboClient, JoboError)):
                print("canary-dump:", type(obj).__name__, repr(obj), str(obj))
                if isinstance(obj, JoboError):
                    print("canary-dump args:", repr(obj.args), repr(vars(obj)))
                    print("canary-dump pickle:", pickle.dumps(obj))
        except Exception as exc:  # noqa: BLE001 - a dump must not fail the run
            print("canary-dump failed:", type(exc).__name__)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """Tests start without any JOBO_* configuration from the outer environment."""
    for name in ("JOBO_API_KEY", "JOBO_ENVIRONMENT", "JOBO_BASE_URL", "JOBO_CA_BUNDLE",
                 "JOBO_LOG", "SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy", "ALL_PROXY",
                 "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_client(sandbox):
    """make_client(plan="full", **options) -> a JoboClient on the sandbox."""
    made = []

    def make(plan: str = "full", **kw) -> JoboClient:
        kw.setdefault("base_url", sandbox.base_url)
        kw.setdefault("ca_bundle", sandbox.ca_cert)
        client = JoboClient(sandbox.keys[plan] if plan else None, **kw)
        made.append(client)
        return client

    yield make
    for c in made:
        c.close()


@pytest.fixture
def client(make_client):
    return make_client("full")


def sandbox_stats(sb) -> dict:
    """The sandbox's own counters (GET /__stats, no key)."""
    ctx = ssl.create_default_context(cafile=sb.ca_cert)
    with urllib.request.urlopen(sb.base_url + "/__stats", context=ctx, timeout=5) as resp:
        return json.loads(resp.read())
