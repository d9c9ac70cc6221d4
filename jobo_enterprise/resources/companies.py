"""``client.companies``: company profiles and the jobs of one company."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, Union

from ..models import Company, SearchResult
from .._options import RequestOptions, Unpack
from ._base import Call, Resource, build_query, check_int, path_segment


class CompaniesResource(Resource):
    """Companies: ``client.companies``."""

    __slots__ = ()

    def get(self, company_id: Any, *, timeout: Optional[float] = None,
            **options: Unpack[RequestOptions]) -> Company:
        """A company's profile (GET /api/companies/{id}); ``str`` or ``UUID``. Free.

        Raises :class:`~jobo_enterprise.JoboNotFoundError` for an unknown id.

        >>> company = client.companies.get(job.company.id)
        >>> company.name, company.headquarters_location, company.industries
        """
        path = "/api/companies/" + path_segment("company_id", company_id)
        return self._run(Call("GET", path, Company), timeout, options, "get")

    def get_jobs(
        self,
        company_id: Any,
        posted_after: Union[datetime, str, None] = None,
        page: int = 1,
        page_size: int = 25,
        *,
        timeout: Optional[float] = None,
        **options: Unpack[RequestOptions],
    ) -> SearchResult:
        """One page of a company's jobs (GET /api/companies/{id}/jobs)."""
        check_int("page", page, 1)
        check_int("page_size", page_size, 1, 100)
        path = "/api/companies/" + path_segment("company_id", company_id) + "/jobs"
        query = build_query([("posted_after", posted_after), ("page", page),
                             ("page_size", page_size)])
        call = Call("GET", path, SearchResult, query=query,
                    params=frozenset({"posted_after", "page", "page_size"}))
        return self._run(call, timeout, options, "get_jobs")


class AsyncCompaniesResource(CompaniesResource):
    """``client.companies`` of an :class:`~jobo_enterprise.AsyncJoboClient`:
    ``await client.companies.get(company_id)``, ``await client.companies.get_jobs(...)``."""

    __slots__ = ()
