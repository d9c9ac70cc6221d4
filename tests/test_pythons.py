"""The C core behaves alike on every supported CPython (3.9 to 3.13).

``csrc/compat.h`` gives 3.9 and 3.10 the C-API names of 3.10 and 3.11 that the
core uses; these tests pin what those shims must do, and scripts/pythons.sh
runs them (with the rest of its subset) on each version.
"""

from __future__ import annotations

import gc
import sys
import sysconfig

import pytest

from jobo_enterprise import _core
from jobo_enterprise.models import Job


def test_the_extension_loaded_is_the_one_built_for_this_interpreter():
    assert _core.__file__.endswith("_core" + sysconfig.get_config_var("EXT_SUFFIX"))
    assert sys.version_info >= (3, 9)


def test_the_owner_of_a_parsed_tree_cannot_be_created_from_python(client):
    # Py_TPFLAGS_DISALLOW_INSTANTIATION (3.10+), spelled as tp_new = NULL on 3.9
    job = client.jobs.search(page_size=1).jobs[0]
    (doc,) = [o for o in gc.get_referents(job) if type(o).__name__ == "Doc"]
    doc_type = type(doc)
    assert doc_type.__module__ == "jobo_enterprise._core"
    with pytest.raises(TypeError, match="cannot create 'jobo_enterprise._core.Doc' instances"):
        doc_type()
    with pytest.raises(TypeError, match="is not safe"):
        doc_type.__new__(doc_type)


def test_fields_of_a_python_subclass_of_a_model_find_the_module_state(client):
    # PyType_GetModuleByDef (3.11+), a walk of the MRO on 3.9 and 3.10: a typed field
    # read goes from the Python field class up to _core.Field to reach the state
    class MyJob(Job):
        pass

    raw = client.jobs.search(page_size=1).jobs[0]
    mine = MyJob(**raw.to_dict())
    assert type(mine).__mro__[1] is Job
    assert mine.id == raw.id and mine.created_at == raw.created_at
    assert mine.locations[0].country == raw.locations[0].country
    assert mine.to_dict() == raw.to_dict()


def test_references_handed_out_by_the_shims_are_owned_once(client):
    # Py_NewRef / Py_XNewRef / PyModule_AddObjectRef on 3.9: reading the same views
    # again and again leaves the reference counts where they were
    result = client.jobs.search(page_size=5)
    job = result.jobs[0]
    title, company = job.title, job.company
    before = (sys.getrefcount(title), sys.getrefcount(company), sys.getrefcount(_core.Record))
    for _ in range(1000):
        assert job.title is title and job.company is company
        _core.Record, _core.Field  # noqa: B018 - module attributes added by AddObjectRef
    assert (sys.getrefcount(title), sys.getrefcount(company),
            sys.getrefcount(_core.Record)) == before
