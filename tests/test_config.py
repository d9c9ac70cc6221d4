"""Configuration: key, environment, base URL, CA bundle; refused before any byte is sent."""

from __future__ import annotations

import pickle

import pytest

from jobo_enterprise import JoboClient, JoboConfigurationError, JoboValidationError

from keys import fake_key
from rawserver import RawServer

KEY = fake_key("jbe_test_Canary0123456789abcdefXYZ")


def test_missing_key_raises_configuration_error_naming_the_variable():
    with pytest.raises(JoboConfigurationError) as info:
        JoboClient()
    assert "JOBO_API_KEY" in str(info.value)


def test_key_is_read_from_environment(monkeypatch, sandbox):
    monkeypatch.setenv("JOBO_API_KEY", sandbox.keys["full"])
    with JoboClient(base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert) as client:
        result = client.jobs.search("python", page_size=1)
    assert result.page_size == 1


def test_argument_key_wins_over_environment(monkeypatch, sandbox):
    monkeypatch.setenv("JOBO_API_KEY", sandbox.keys["revoked"])
    with JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert) as c:
        assert c.jobs.search(page_size=1).page == 1


def test_surrounding_whitespace_of_key_is_stripped(sandbox):
    pasted = "  " + sandbox.keys["full"] + "\n"
    with JoboClient(pasted, base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert) as client:
        assert client.jobs.search(page_size=2).page_size == 2


@pytest.mark.parametrize(
    "bad",
    [
        "jbe_test_abc\r\nX-Evil: 1",
        "jbe_test_abc\ndef",
        "jbe_test_abc\tdef",
        "jbe_test_abc\x00def",
        "jbe_test_abcd\u00e9f",
        "jbe_test_abc def",
        "jbe_test_\x7fdel",
    ],
)
def test_malformed_key_is_refused_before_any_connection(bad):
    with RawServer(tls=False) as listener:
        with pytest.raises(JoboConfigurationError) as info:
            JoboClient(bad, base_url=f"https://127.0.0.1:{listener.port}")
        text = str(info.value) + repr(info.value) + repr(info.value.args)
        assert bad.strip() not in text
        assert "jbe_test_abc" not in text
        assert listener.connections == 0


def test_http_base_url_is_refused_and_nothing_is_sent(sandbox):
    with RawServer(tls=False) as listener:
        for url in (f"http://127.0.0.1:{listener.port}", f"HTTP://127.0.0.1:{listener.port}/x",
                    f"ftp://127.0.0.1:{listener.port}", f"127.0.0.1:{listener.port}"):
            with pytest.raises(JoboConfigurationError) as info:
                JoboClient(KEY, base_url=url)
            assert "https" in str(info.value)
        assert listener.connections == 0
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY, base_url=sandbox.http_url)


def test_http_base_url_from_environment_is_refused(monkeypatch):
    monkeypatch.setenv("JOBO_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY)


@pytest.mark.parametrize(
    "url", ["https://user:pw@127.0.0.1:1", "https://127.0.0.1:1/?a=b", "https://", "https://h:99999"]
)
def test_unusable_base_urls_are_refused(url):
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY, base_url=url)


def test_environments_choose_hosts(monkeypatch):
    assert JoboClient(KEY).base_url == "https://connect.jobo.world"
    assert JoboClient(KEY, environment="sandbox").base_url == "https://sandbox.connect.jobo.world"
    monkeypatch.setenv("JOBO_ENVIRONMENT", "sandbox")
    assert JoboClient(KEY).base_url == "https://sandbox.connect.jobo.world"
    assert JoboClient(KEY, environment="production").base_url == "https://connect.jobo.world"
    monkeypatch.setenv("JOBO_BASE_URL", "https://127.0.0.1:8443/prefix/")
    assert JoboClient(KEY).base_url == "https://127.0.0.1:8443/prefix"
    assert JoboClient(KEY, base_url="https://example.test").base_url == "https://example.test"
    monkeypatch.delenv("JOBO_BASE_URL")
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY, environment="staging")


def test_ca_bundle_must_exist(tmp_path, monkeypatch):
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY, ca_bundle=str(tmp_path / "missing.pem"))
    monkeypatch.setenv("JOBO_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY)


def test_ca_bundle_from_environment_is_used(monkeypatch, sandbox):
    monkeypatch.setenv("JOBO_CA_BUNDLE", sandbox.ca_cert)
    with JoboClient(sandbox.keys["full"], base_url=sandbox.base_url) as client:
        assert client.ca_bundle == sandbox.ca_cert
        assert client.jobs.search(page_size=1).page == 1


def test_repr_masks_the_key():
    client = JoboClient(KEY, base_url="https://127.0.0.1:1")
    text = repr(client) + str(client) + repr(client._transport) + repr(client.jobs)
    assert KEY not in text
    assert KEY[4:-4] not in text
    assert "jbe_\u2026" + KEY[-4:] in text
    assert "https://127.0.0.1:1" in text
    with pytest.raises(TypeError):
        pickle.dumps(client._transport)


@pytest.mark.parametrize("opt", ["timeout", "connect_timeout", "read_timeout", "feed_timeout"])
@pytest.mark.parametrize("value", [0, -1, "3", True])
def test_bad_timeouts_are_configuration_errors(opt, value):
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY, **{opt: value})


def test_bad_max_retries_is_refused():
    with pytest.raises(JoboConfigurationError):
        JoboClient(KEY, max_retries=-1)


def test_context_manager_closes_and_closed_client_refuses_calls(sandbox):
    with JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert) as c:
        c.jobs.search(page_size=1)
    assert c.closed
    assert "closed" in repr(c)
    with pytest.raises(JoboConfigurationError):
        c.jobs.search(page_size=1)


@pytest.mark.parametrize("kw", [{"page_size": 0}, {"page_size": 101}, {"page": 0},
                                {"page_size": "5"}, {"page": True}, {"min_salary_usd": -5}])
def test_invalid_paging_is_refused_without_a_request(kw):
    with RawServer() as server:
        client = JoboClient(KEY, base_url=server.base_url, ca_bundle=server.ca_cert)
        with pytest.raises(JoboValidationError) as info:
            client.jobs.search("x", **kw)
        assert server.connections == 0
        assert info.value.status_code is None
