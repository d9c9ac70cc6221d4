"""A typo in a filter is an error before any request, never a silently dropped filter
that costs credits; every public signature spells its keywords out."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import jobo_enterprise
import jobo_enterprise.enums
import jobo_enterprise.resources
from jobo_enterprise import JoboClient, models
from jobo_enterprise.exceptions import ModelValidationError
from jobo_enterprise.models import InclusionExclusionFilter, LocationFilter
from jobo_enterprise.resources import _params


def requests_made(sandbox) -> int:
    return sandbox.stats()["requests_total"]


def test_request_models_refuse_unknown_names_naming_the_closest():
    with pytest.raises(TypeError, match=r"'contry'; did you mean 'country'\?"):
        LocationFilter(contry="US")
    with pytest.raises(TypeError, match=r"'includ'; did you mean 'include'\?"):
        InclusionExclusionFilter(includ=["python"])
    with pytest.raises(ModelValidationError, match="did you mean 'country'"):
        LocationFilter.model_validate({"contry": "US"})
    with pytest.raises(TypeError, match="'zzz' \\(valid: country, region, city\\)"):
        LocationFilter(zzz=1)  # nothing close: the valid names are listed


def test_a_misspelt_filter_key_raises_before_any_request(client, sandbox):
    before = requests_made(sandbox)
    with pytest.raises(TypeError, match=r"Parameter 'skills'.*did you mean 'include'"):
        client.jobs.search_advanced(skills={"includ": ["python"]})
    with pytest.raises(TypeError, match=r"Parameter 'locations'.*did you mean 'country'"):
        client.feed.get_jobs(locations=[{"contry": "US"}])
    with pytest.raises(TypeError, match=r"did you mean 'country'"):
        client.feed.iter_jobs(locations=[{"contry": "US"}])
    with pytest.raises(TypeError, match=r"did you mean 'max'"):
        client.jobs.iter(salary_usd={"maximum": 5})
    with pytest.raises(TypeError):
        client.jobs.iter(querys=["nurse"])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.feed.iter_jobs(sorces=["greenhouse"])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.jobs.search_advanced(querys=["nurse"])  # type: ignore[call-arg]
    assert requests_made(sandbox) == before


def test_the_spelt_out_location_filter_reaches_the_server(client):
    every = client.feed.get_jobs(batch_size=1).estimated_total
    us = client.feed.get_jobs(batch_size=1, locations=[{"country": "US"}]).estimated_total
    assert 0 < us < every
    assert client.feed.get_jobs(batch_size=1,
                                locations=[LocationFilter(country="US")]).estimated_total == us


def public_callables():
    """Every public function, class and method of the public modules."""
    seen = set()
    modules = [jobo_enterprise, models, jobo_enterprise.exceptions, jobo_enterprise.client,
               jobo_enterprise.enums]
    for module in modules:
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name, None)
            if name.startswith("_") or obj is None or id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                yield f"{module.__name__}.{name}", obj
                if "__init__" in vars(obj) and "__signature__" not in vars(obj):
                    yield f"{name}.__init__", obj.__init__
                # the constructor is the class's signature (models derive theirs
                # from their fields), so __init__ is checked through the class
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and callable(member):
                        yield f"{name}.{attr}", member
            elif callable(obj):
                yield f"{module.__name__}.{name}", obj
    client = JoboClient("sk_test_" + "0" * 32, base_url="https://127.0.0.1:9")
    try:
        for resource in ("jobs", "feed", "companies", "locations", "search"):
            res = getattr(client, resource)
            for attr in dir(res):
                if not attr.startswith("_"):
                    yield f"client.{resource}.{attr}", getattr(res, attr)
    finally:
        client.close()


# pydantic's own spelling, kept for code written against pydantic
ALLOWED = {"model_construct"}


def test_no_public_signature_takes_arbitrary_keywords():
    offenders = []
    for where, obj in public_callables():
        try:
            sig = inspect.signature(obj)
        except (TypeError, ValueError):
            continue
        if where.rsplit(".", 1)[-1] in ALLOWED:
            continue
        if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
            offenders.append(where)
    assert offenders == []


def test_model_constructors_spell_out_their_fields():
    sig = inspect.signature(models.JobFeedRequest)
    assert list(sig.parameters) == list(models.JobFeedRequest.model_fields)
    assert sig.parameters["batch_size"].default == 1000
    assert inspect.signature(models.Job).parameters["id"].default is inspect.Parameter.empty


def test_filter_signatures_are_written_from_the_descriptions():
    out = subprocess.run([sys.executable, "-m", "jobo_enterprise.resources", "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout
    for group, methods in ((_params.ADVANCED_FILTERS, ("search_advanced", "iter", "iter_pages",
                                                       "iter_jobs")),):
        for method in methods:
            params = inspect.signature(getattr(jobo_enterprise.resources.JobsResource, method))
            assert set(group.names) <= set(params.parameters), method
    feed = jobo_enterprise.resources.FeedResource
    for method in ("get_jobs", "iter_pages", "iter_jobs"):
        assert set(_params.FEED_FILTERS.names) <= set(inspect.signature(
            getattr(feed, method)).parameters), method


def test_a_stale_signature_block_is_found(tmp_path):
    text = ("def f(\n    *,\n    # <params: MANAGED_FEED_FILTERS>\n    sources: StrOrList = None,\n"
            "    # </params>\n): ...\n")
    rendered = _params.render(text)
    assert "work_models: StrOrList = None," in rendered and rendered != text
    assert _params.render(rendered) == rendered
