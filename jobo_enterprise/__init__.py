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
]
