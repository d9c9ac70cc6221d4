"""jobo_enterprise: the Python SDK for the Jobo Enterprise jobs API.

>>> from jobo_enterprise import JoboClient
>>> client = JoboClient()          # reads JOBO_API_KEY
>>> result = client.jobs.search("data engineer", page_size=5)
>>> for job in result.jobs:
...     print(job.title, job.company.name)

The transport is a C extension over libcurl (TLS, GIL released, Ctrl-C
friendly) and cJSON. Failures raise the typed exceptions of
:mod:`jobo_enterprise.exceptions`.
"""

from . import _install

_install.load_core()  # a library missing: ImportError naming the packages to install
_install.warn_if_official_installed(__path__[0])

from ._diagnostics import diagnostics
from ._version import __version__
from .client import JoboClient
from .exceptions import (
    JoboAPIError,
    JoboAuthenticationError,
    JoboConfigurationError,
    JoboConnectionError,
    JoboCursorRestartRequiredError,
    JoboError,
    JoboInsufficientCreditsError,
    JoboNotFoundError,
    JoboPermissionError,
    JoboRateLimitError,
    JoboResponseError,
    JoboServerError,
    JoboTimeoutError,
    JoboTLSError,
    JoboValidationError,
)
from .models import Job, JobCompany, JobLocation, SearchResult, Usage

# The official jobo-enterprise 4.x package's top-level names (its async names
# come with the async client).
from .client import CompaniesClient, JobsFeedClient, JobsSearchClient, LocationsClient
from .enums import CompensationPeriod, EmploymentType, ExperienceLevel, SkillType, WorkModel
from .models import (
    Company,
    CompanyAcquisition,
    CompanyEventAppearance,
    CompanyExit,
    CompanyFeaturedList,
    CompanyFundingRound,
    CompanyH1bJobCount,
    CompanyH1bTitleDistribution,
    CompanyKeyEvent,
    CompanyLeader,
    CompanyPressReference,
    CompanyProduct,
    CompanyRating,
    CompanySubOrganization,
    CompanyTechnology,
    ExpiredJobIdsResponse,
    GeocodedLocation,
    GeocodeResultItem,
    InclusionExclusionFilter,
    JobCompensation,
    JobFacet,
    JobFeedRequest,
    JobFeedResponse,
    JobQualifications,
    JobSearchBodyRequest,
    JobSearchResponse,
    LocationFilter,
    ManagedJobFeedRequest,
    QualificationBucket,
    QualificationSkill,
    RangeFilter,
)

__all__ = [
    "__version__",
    "diagnostics",
    "JoboClient",
    "Job",
    "JobCompany",
    "JobLocation",
    "SearchResult",
    "Usage",
    "JoboError",
    "JoboConfigurationError",
    "JoboConnectionError",
    "JoboTimeoutError",
    "JoboTLSError",
    "JoboAPIError",
    "JoboValidationError",
    "JoboAuthenticationError",
    "JoboInsufficientCreditsError",
    "JoboPermissionError",
    "JoboNotFoundError",
    "JoboCursorRestartRequiredError",
    "JoboRateLimitError",
    "JoboServerError",
    "JoboResponseError",
    # the official package's names
    "JobsSearchClient",
    "JobsFeedClient",
    "CompaniesClient",
    "LocationsClient",
    "WorkModel",
    "EmploymentType",
    "ExperienceLevel",
    "CompensationPeriod",
    "SkillType",
    "JobCompensation",
    "JobQualifications",
    "QualificationBucket",
    "QualificationSkill",
    "LocationFilter",
    "JobFeedRequest",
    "ManagedJobFeedRequest",
    "JobFeedResponse",
    "ExpiredJobIdsResponse",
    "InclusionExclusionFilter",
    "RangeFilter",
    "JobSearchBodyRequest",
    "JobSearchResponse",
    "JobFacet",
    "GeocodeResultItem",
    "GeocodedLocation",
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
