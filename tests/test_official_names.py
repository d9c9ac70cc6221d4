"""Every public name of the official jobo-enterprise 4.0.0 package exists here, with
the same meaning: the list is read from the installed official package (its own venv,
``tests/official.py``), not written down by hand.

Left out on purpose, and said so: the official modules' ``request``/``arequest``,
private helpers of its httpx transport imported into its sub-client modules.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

import jobo_enterprise
from jobo_enterprise import JoboClient
from official import run_official

MODULES = ("client", "search", "feed", "companies", "locations", "models", "enums",
           "exceptions")
TRANSPORT_HELPERS = {"request", "arequest"}

LIST_NAMES = r'''
import importlib, json, types, typing
import jobo_enterprise

def public(module):
    """The names a module offers: its own and the package's classes, functions and
    constants, and the type aliases it defines; not the stdlib, typing or httpx names
    it merely imports."""
    names = []
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        owner = getattr(value, "__module__", None) or ""
        if owner.startswith("jobo_enterprise"):
            names.append(name)
        elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
            names.append(name)
        elif owner == "typing" and not hasattr(typing, name):
            names.append(name)   # an alias the module defines (Enumish)
    return sorted(names)

out = {"__all__": list(jobo_enterprise.__all__), "modules": {}, "signatures": {}}
for m in %r:
    out["modules"][m] = public(importlib.import_module("jobo_enterprise." + m))
import inspect
from jobo_enterprise import JoboClient
out["client_keywords"] = list(inspect.signature(JoboClient).parameters)
for cls, attr in (("JobsSearchClient", "search"), ("JobsFeedClient", "feed"),
                  ("CompaniesClient", "companies"), ("LocationsClient", "locations")):
    klass = getattr(jobo_enterprise, cls)
    out["signatures"][cls] = {
        name: list(inspect.signature(fn).parameters)[1:]
        for name, fn in vars(klass).items() if callable(fn) and not name.startswith("_")}
out["exception_init"] = {
    name: list(inspect.signature(getattr(jobo_enterprise, name).__init__).parameters)[1:]
    for name in ("JoboError", "JoboRateLimitError")}
print(json.dumps(out))
''' % (MODULES,)


@pytest.fixture(scope="module")
def official():
    return run_official(LIST_NAMES)


def test_the_official_list_is_what_we_think(official):
    names = official["__all__"]
    assert len(names) == 57 and sum(n.startswith("Async") for n in names) == 5
    assert "LocationFilter" in names and "JobsSearchClient" in names


def test_every_official_top_level_name_is_ours(official):
    expected = official["__all__"]
    missing = [n for n in expected if not hasattr(jobo_enterprise, n)]
    assert missing == []
    assert set(expected) <= set(jobo_enterprise.__all__)
    from jobo_enterprise import LocationFilter  # the line that used to fail  # noqa: F401


def test_the_async_names_are_the_async_clients(official):
    names = [n for n in official["__all__"] if n.startswith("Async")]
    assert sorted(names) == sorted(["AsyncJoboClient", "AsyncJobsSearchClient",
                                    "AsyncJobsFeedClient", "AsyncCompaniesClient",
                                    "AsyncLocationsClient"])
    for name in names:
        assert getattr(jobo_enterprise, name).__module__.startswith("jobo_enterprise")
    assert issubclass(jobo_enterprise.AsyncJobsSearchClient, jobo_enterprise.JobsSearchClient)


@pytest.mark.parametrize("module", MODULES)
def test_each_official_module_exports_its_names(official, module):
    ours = importlib.import_module(f"jobo_enterprise.{module}")
    expected = [n for n in official["modules"][module] if n not in TRANSPORT_HELPERS]
    assert expected, module
    assert [n for n in expected if not hasattr(ours, n)] == []
    # the same objects as at the top level: one meaning per name
    for name in expected:
        if hasattr(jobo_enterprise, name):
            assert getattr(ours, name) is getattr(jobo_enterprise, name), (module, name)


def test_sub_client_classes_are_the_classes_of_the_client_attributes(sandbox):
    client = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                        ca_bundle=sandbox.ca_cert)
    assert type(client.search) is jobo_enterprise.JobsSearchClient
    assert type(client.feed) is jobo_enterprise.JobsFeedClient
    assert type(client.companies) is jobo_enterprise.CompaniesClient
    assert type(client.locations) is jobo_enterprise.LocationsClient
    assert jobo_enterprise.feed.DEFAULT_FEED_TIMEOUT == client.feed_timeout == 120.0
    client.close()


def test_sub_client_methods_take_the_official_arguments(official):
    for cls, methods in official["signatures"].items():
        klass = getattr(jobo_enterprise, cls)
        for name, params in methods.items():
            assert hasattr(klass, name), (cls, name)
            ours = inspect.signature(getattr(klass, name)).parameters
            accepts_more = any(p.kind is p.VAR_KEYWORD for p in ours.values())
            for param in params:
                assert param in ours or accepts_more, (cls, name, param)


def test_the_constructor_takes_the_official_keywords(official, sandbox):
    ours = inspect.signature(JoboClient).parameters
    assert [k for k in official["client_keywords"] if k not in ours] == []
    client = JoboClient(api_key=sandbox.keys["full"], base_url=sandbox.base_url, timeout=20.0,
                        feed_timeout=90.0, httpx_client=None, ca_bundle=sandbox.ca_cert)
    assert client.timeout == 20.0 and client.feed_timeout == 90.0
    assert client.search.search(page_size=1).total > 0
    client.close()


def test_an_httpx_client_is_refused_with_the_reason_and_the_way_out(sandbox):
    class FakeHttpxClient:  # what matters is that one is passed at all
        pass

    with pytest.raises(TypeError) as info:
        JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, httpx_client=FakeHttpxClient())
    text = str(info.value)
    assert "libcurl" in text and "httpx" in text and "timeout=" in text and "proxy=" in text
    assert sandbox.keys["full"] not in text


def test_a_sub_client_built_on_an_http_client_says_what_to_do():
    with pytest.raises(TypeError, match="takes a JoboClient.*libcurl"):
        jobo_enterprise.JobsSearchClient(object())


def test_exception_constructors_take_the_official_positional_forms(official):
    assert official["exception_init"]["JoboRateLimitError"][:2] == ["message", "retry_after"]
    err = jobo_enterprise.JoboRateLimitError("Rate limit exceeded", 30)
    assert err.retry_after == 30 and err.status_code is None and str(err)
    err = jobo_enterprise.JoboRateLimitError("slow down", 5, status_code=429, detail="busy",
                                             code="rate_limited")
    assert (err.retry_after, err.status_code, err.detail, err.code) == (5, 429, "busy",
                                                                        "rate_limited")
    order = official["exception_init"]["JoboError"]
    base = jobo_enterprise.JoboNotFoundError("gone", 404, "Not Found", {"error": "Not Found"},
                                             "not_found", "2024-01")
    assert order == ["message", "status_code", "detail", "response_body", "code", "api_version"]
    assert [getattr(base, n) for n in order[1:]] == [404, "Not Found", {"error": "Not Found"},
                                                     "not_found", "2024-01"]
    assert base.args == ("gone",)
    for name in ("JoboAuthenticationError", "JoboPermissionError", "JoboNotFoundError",
                 "JoboRateLimitError", "JoboValidationError", "JoboCursorRestartRequiredError",
                 "JoboServerError"):
        assert issubclass(getattr(jobo_enterprise, name), jobo_enterprise.JoboError)
