"""``jobo_enterprise.companies``: the official package's module name for companies.

:class:`CompaniesClient` is the class of ``client.companies``: ``get`` (a
:class:`~jobo_enterprise.models.Company` profile) and ``get_jobs`` (one page of a
company's jobs, a :class:`~jobo_enterprise.models.JobSearchResponse`).
"""

from __future__ import annotations

from .models import Company, JobSearchResponse
from .resources.companies import AsyncCompaniesResource as AsyncCompaniesClient
from .resources.companies import CompaniesResource as CompaniesClient

__all__ = ["CompaniesClient", "AsyncCompaniesClient", "Company", "JobSearchResponse"]
