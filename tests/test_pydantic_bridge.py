"""Our models inside pydantic v2 and FastAPI, as a user of the official package uses them.

pydantic, FastAPI and httpx (for FastAPI's test client) are test dependencies only: the
package itself never imports pydantic.
"""


import json
import subprocess
import sys
from typing import List, Optional
from uuid import UUID

import pytest

from jobo_enterprise.models import FeedPage, Job, JobCompany, LocationFilter

# Imported when the tests run, not when the suite is collected: loading pydantic and
# FastAPI into the process changes interpreter-wide caches, which the C core's memory
# plateau tests (run earlier) would otherwise see as a one-time growth.
pd = None


@pytest.fixture(scope="module", autouse=True)
def _pydantic():
    global pd
    pytest.importorskip("pydantic")
    pytest.importorskip("fastapi")
    import fastapi
    from fastapi.testclient import TestClient
    from pydantic import BaseModel, TypeAdapter, ValidationError

    class Saved(BaseModel):
        job: Job
        note: str = ""
        filters: List[LocationFilter] = []
        company: Optional[JobCompany] = None

    class NS:
        pass

    pd = NS()
    pd.fastapi, pd.TestClient, pd.BaseModel = fastapi, TestClient, BaseModel
    pd.TypeAdapter, pd.ValidationError, pd.Saved = TypeAdapter, ValidationError, Saved
    yield


@pytest.fixture(scope="module")
def jobs(sandbox):
    from jobo_enterprise import JoboClient

    with JoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                    ca_bundle=sandbox.ca_cert) as client:
        return client.jobs.search("engineer", page_size=3).jobs  # lazy views


def test_a_users_base_model_holding_a_job_validates_and_serialises(jobs):
    saved = pd.Saved(job=jobs[0], note="look at this", filters=[{"country": "US"}])
    assert saved.job is jobs[0]  # a model instance passes as it is
    assert isinstance(saved.filters[0], LocationFilter)
    dumped = saved.model_dump()
    assert dumped["job"] == jobs[0].model_dump()
    assert isinstance(dumped["job"]["id"], UUID)
    as_json = json.loads(saved.model_dump_json())
    assert as_json["job"] == jobs[0].model_dump(mode="json")
    assert as_json["filters"] == [{"country": "US", "region": None, "city": None}]
    again = pd.Saved.model_validate_json(saved.model_dump_json())
    assert again.job.id == jobs[0].id and isinstance(again.job, Job)
    assert again.job.model_dump() == jobs[0].model_dump()
    assert pd.Saved(job=jobs[0]).model_dump(exclude_none=True)["job"] == jobs[0].model_dump(
        exclude_none=True)


def test_bad_data_for_a_job_field_is_a_pydantic_validation_error(jobs):
    data = jobs[0].to_dict()
    data["created_at"] = "garbage"
    del data["title"]
    with pytest.raises(pd.ValidationError) as info:
        pd.Saved(job=data)
    text = str(info.value)
    assert "created_at" in text and "title" in text
    with pytest.raises(pd.ValidationError):
        pd.Saved(job=[1, 2])
    with pytest.raises(pd.ValidationError):
        pd.Saved(job=jobs[0], filters=[{"contry": "US"}])  # a typo is refused here too


def test_type_adapter_validates_and_gives_a_json_schema(jobs):
    adapter = pd.TypeAdapter(List[Job])
    got = adapter.validate_python([j.to_dict() for j in jobs])
    assert [j.id for j in got] == [j.id for j in jobs]
    assert json.loads(adapter.dump_json(got)) == [j.model_dump(mode="json") for j in jobs]
    schema = pd.TypeAdapter(Job).json_schema()
    assert schema["title"] == "Job" and schema["type"] == "object"
    assert "id" in schema["required"] and schema["properties"]["id"]["format"] == "uuid"
    assert schema["properties"]["company"]["properties"]["name"]["type"] == "string"
    assert pd.Saved.model_json_schema()["properties"]["job"]["title"] == "Job"


def test_fastapi_routes_with_job_response_models(jobs):
    app = pd.fastapi.FastAPI()
    Saved = pd.Saved

    @app.get("/jobs", response_model=List[Job])
    def list_jobs():
        return jobs

    @app.get("/builtin", response_model=list[Job])
    def builtin_list():
        return jobs[:2]

    @app.get("/job")
    def one_job() -> Job:
        return jobs[0]

    @app.get("/page", response_model=FeedPage)
    def page():
        return FeedPage.from_dict({"jobs": [j.to_dict() for j in jobs], "has_more": False})

    @app.post("/saved")
    def save(body: Saved) -> Saved:
        return body

    with pd.TestClient(app) as http:
        listed = http.get("/jobs")
        assert listed.status_code == 200
        assert listed.json() == [j.model_dump(mode="json") for j in jobs]
        assert http.get("/builtin").json() == [j.model_dump(mode="json") for j in jobs[:2]]
        one = http.get("/job")
        assert one.status_code == 200 and one.json() == jobs[0].model_dump(mode="json")
        assert http.get("/page").json()["jobs"][1]["id"] == str(jobs[1].id)
        echoed = http.post("/saved", json={"job": jobs[0].model_dump(mode="json")})
        assert echoed.status_code == 200 and echoed.json()["job"]["id"] == str(jobs[0].id)
        refused = http.post("/saved", json={"job": {"title": "no id"}})
        assert refused.status_code == 422
        openapi = http.get("/openapi.json").json()
    assert "/jobs" in openapi["paths"]


def test_the_package_never_imports_pydantic():
    code = ("import sys, jobo_enterprise, jobo_enterprise.models as m; "
            "m.Job.model_json_schema(); m.JobCompany.model_validate({'id': "
            "'0b7c9a6e-9f7d-4a44-9a1c-7f0e2d3c4b5a', 'name': 'A'}).model_dump_json(); "
            "print('pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_readme_models_example_runs(client):
    import os
    import re

    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    start = text.index("### Models")
    blocks = re.findall(r"```python\n(.*?)```", text[start:text.index("\n### ", start + 5)],
                        flags=re.S)
    assert len(blocks) == 1
    namespace = {"client": client}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    with pd.TestClient(namespace["app"]) as http:
        got = http.get("/jobs").json()
    assert len(got) == 3 and set(got[0]) == set(Job.model_fields)
    assert namespace["schema"]["title"] == "Job"
