"""Typed result and request models of the Jobo Enterprise API.

Every model is a thin, *lazy* view over the JSON object it came from:

- A result of the client (and of :meth:`Model.from_json`) is a view
  of the response as parsed by the C core: the body is parsed once, with the
  GIL released, and nothing else is built up front. Reading a field converts
  that one value, in C, and keeps it; reading only ``job.title`` of a
  1,000-job page never builds the other fields. Asking for the data as a whole
  (``to_dict()``, ``==``, ``vars()``, pickling) or changing a field turns the
  view into an ordinary dict-backed model first, transparently. (If an object
  repeats a key, which the API never does, which copy a view reads is
  unspecified.)
- Wrapping a decoded dict is O(1): :meth:`Model.from_dict` stores the dict
  and nothing else (no copy, no validation, no conversion).
- Each typed field is converted on first access (``str`` →
  :class:`~uuid.UUID`, ISO-8601 → aware :class:`~datetime.datetime`, nested
  objects → models, a JSON integer in a float field → ``float``, ...) and the
  result is cached on the instance. String and boolean fields need no
  conversion and read as fast as any Python attribute.
- Declared types hold: reading a field whose value its type cannot hold (a
  malformed date-time or UUID, a string where an object belongs), or a
  required field that is absent, raises
  :class:`~jobo_enterprise.exceptions.JoboResponseError` naming the field and
  the value; the other fields still read, and ``to_dict()`` gives the data as
  received.
- Fields the server sends that this version does not declare are kept: they are
  readable as attributes (raw JSON values) and present in :meth:`Model.to_dict`.
- Absent fields read as the documented default: ``None``, ``[]`` for lists, an
  empty model for ``Job.qualifications``, ``0``/``False`` where the official
  SDK has those defaults.

The field names and value types follow the official ``jobo-enterprise`` 4.x
models, so code written for those runs unchanged: ``model_dump`` and
``model_dump_json`` give the official output, ``model_validate`` and
``model_validate_json`` check eagerly (raising
:class:`~jobo_enterprise.exceptions.ModelValidationError`), and where pydantic
v2 is installed the models work as fields of a ``BaseModel``, with
``TypeAdapter`` and in FastAPI (see ``_pydantic``).

Example::

    >>> job = Job.from_dict({"id": "8c1e3f0a-1b2c-4d5e-8f90-123456789abc",
    ...                      "title": "Data Engineer",
    ...                      "company": {"id": "0b7c9a6e-9f7d-4a44-9a1c-7f0e2d3c4b5a",
    ...                                  "name": "Acme"},
    ...                      "created_at": "2024-05-01T12:00:00Z",
    ...                      "remote_friendly": True})
    >>> job.company.name, job.created_at.year, job.locations, job.remote_friendly
    ('Acme', 2024, [], True)
    >>> job
    Job(id=UUID('8c1e3f0a-1b2c-4d5e-8f90-123456789abc'), title='Data Engineer', company='Acme')

A model built from a response uses that response's dicts as its data (in
fact as its instance ``__dict__``, which is why reading a plain string field
costs no more than reading any Python attribute). Treat attribute values as
read-only views: assigning a field (``job.title = "x"``) updates the data and
therefore :meth:`~Model.to_dict`, but changing a returned list of models in
place does not.

Request models (:class:`LocationFilter`, :class:`RangeFilter`,
:class:`InclusionExclusionFilter`, :class:`JobSearchBodyRequest`,
:class:`JobFeedRequest`, :class:`ManagedJobFeedRequest`) are built from keyword
arguments; their ``to_dict()`` is the request body, with ``None`` fields left
out and date-times written as ISO-8601 UTC (``...Z``).
"""

from .._usage import Usage
from ._fields import Model
from ._fields import _rebuild  # noqa: F401  (named by pickles of earlier versions)
from .jobs import (
    QualificationSkill,
    QualificationBucket,
    JobQualifications,
    JobCompany,
    JobLocation,
    JobCompensation,
    Job,
)
from .search import (
    JobFacet,
    SearchResult,
    JobSearchResponse,
    InclusionExclusionFilter,
    RangeFilter,
    JobSearchBodyRequest,
)
from .feed import (
    FeedPage,
    JobFeedResponse,
    ExpiredJobIdsResponse,
    LocationFilter,
    JobFeedRequest,
    ManagedJobFeedRequest,
)
from .locations import (
    GeocodedLocation,
    GeocodeResultItem,
    GeocodeResult,
)
from .companies import (
    CompanyFundingRound,
    CompanyLeader,
    CompanyRating,
    CompanyPressReference,
    CompanyH1bJobCount,
    CompanyH1bTitleDistribution,
    CompanyTechnology,
    CompanyProduct,
    CompanyAcquisition,
    CompanyExit,
    CompanySubOrganization,
    CompanyFeaturedList,
    CompanyKeyEvent,
    CompanyEventAppearance,
    Company,
)

__all__ = [
    # base
    "Model",
    "Usage",
    # jobs
    "Job",
    "JobCompany",
    "JobLocation",
    "JobCompensation",
    "JobQualifications",
    "QualificationBucket",
    "QualificationSkill",
    # search
    "JobFacet",
    "SearchResult",
    "JobSearchResponse",
    "InclusionExclusionFilter",
    "RangeFilter",
    "JobSearchBodyRequest",
    # feed
    "FeedPage",
    "JobFeedResponse",
    "ExpiredJobIdsResponse",
    "LocationFilter",
    "JobFeedRequest",
    "ManagedJobFeedRequest",
    # geocoding
    "GeocodedLocation",
    "GeocodeResultItem",
    "GeocodeResult",
    # companies
    "Company",
    "CompanyFundingRound",
    "CompanyLeader",
    "CompanyRating",
    "CompanyPressReference",
    "CompanyH1bJobCount",
    "CompanyH1bTitleDistribution",
    "CompanyTechnology",
    "CompanyProduct",
    "CompanyAcquisition",
    "CompanyExit",
    "CompanySubOrganization",
    "CompanyFeaturedList",
    "CompanyKeyEvent",
    "CompanyEventAppearance",
]
