"""``client.companies``: company profiles and the jobs of one company."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional, Union

from ..models import Company, SearchResult
from ._base import Call, Resource, build_query, check_int, path_segment


class CompaniesResource(Resource):
    """Companies: ``client.companies``."""

    __slots__ = ()

    def get(self, company_id: Any, *, timeout: Optional[float] = None) -> Company:
        """A company's profile (GET /api/companies/{id}); ``str`` or ``UUID``. Free.

        Raises :class:`~jobo_enterprise.JoboNotFoundError` for an unknown id.

        >>> company = client.companies.get(job.company.id)
        >>> company.name, company.headquarters_location, company.industries
        """
        path = "/api/companies/" + path_segment("company_id", company_id)
        return self._run(Call("GET", path, Company), timeout)

    def get_jobs(
        self,
        company_id: Any,
        posted_after: Union[datetime, str, None] = None,
        page: int = 1,
        page_size: int = 25,
        *,
        timeout: Optional[float] = None,
    ) -> SearchResult:
        """One page of a company's jobs (GET /api/companies/{id}/jobs)."""
        check_int("page", page, 1)
        check_int("page_size", page_size, 1, 100)
        path = "/api/companies/" + path_segment("company_id", company_id) + "/jobs"
        query = build_query([("posted_after", posted_after), ("page", page),
                             ("page_size", page_size)])
        return self._run(Call("GET", path, SearchResult, query=query), timeout)


if TYPE_CHECKING:
    from ._typing import awaitable

    class AsyncCompaniesResource(Resource):  # what type checkers see: the sync methods, awaited
        @awaitable(CompaniesResource.get)
        def get(self) -> None: ...
        @awaitable(CompaniesResource.get_jobs)
        def get_jobs(self) -> None: ...

else:
    class AsyncCompaniesResource(CompaniesResource):
        """``client.companies`` of an :class:`~jobo_enterprise.AsyncJoboClient`:
        ``await client.companies.get(company_id)``, ``await client.companies.get_jobs(...)``."""

        __slots__ = ()
