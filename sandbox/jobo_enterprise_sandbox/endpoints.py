"""Endpoint handlers. ``register(app)`` adds them to ``app.router``.

=======================================  ========  ==========================================
route                                    group     cost (credits, charged on 2xx only)
=======================================  ========  ==========================================
``GET /api/jobs``                        search    1 per job returned
``POST /api/jobs/search``                search    1 per job returned
``GET /api/jobs/{id}``                   search    free (unknown or malformed id: 404)
``POST /api/jobs/feed``                  feed      0.5 per job returned (:mod:`.feed`)
``POST /api/jobs/feed/managed``          managed   0.5 per job returned (403 for every
                                                   default key)
``GET /api/jobs/expired``                free      free
``GET /api/companies/{id}``              free      free (unknown: 404)
``GET /api/companies/{id}/jobs``         free      free (unknown company: 404)
``GET /api/locations/geocode``           free      1 per request (:mod:`.geocode`)
=======================================  ========  ==========================================

Plans (:mod:`.accounts`): ``search_only`` may call the ``search`` group only,
``feed_only`` the ``feed`` and ``free`` groups, the other default keys all three.

To add an endpoint: write ``def handler(req) -> Response`` (raise ``ApiError`` for
failures; set ``Response.cost`` to the credits a success consumes) and register it with
its plan group::

    app.router.add("GET", "/api/locations/geocode", "free", geocode)

Handlers must not mutate dataset documents (their JSON is cached).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import feed as feed_endpoints
from .geocode import geocode
from .search import Criteria, SearchPage, _date_param, criteria_from_body, \
    criteria_from_query, page_params
from .wire import ApiError, Request, Response

if TYPE_CHECKING:  # pragma: no cover
    from .app import App

__all__ = ["register"]


def register(app: "App") -> None:
    engine = app.engine
    dataset = app.dataset
    router = app.router

    def search_jobs(req: Request) -> Response:
        criteria, page = criteria_from_query(req.query)
        result = engine.run(criteria, page.facets)
        body, count = engine.page_body(result, page)
        return Response(200, body, cost=count)

    def advanced_search(req: Request) -> Response:
        criteria, page = criteria_from_body(req.json())
        result = engine.run(criteria, page.facets)
        body, count = engine.page_body(result, page)
        return Response(200, body, cost=count)

    def company_jobs(req: Request) -> Response:
        company = dataset.companies_by_id.get(req.params["id"].lower())
        if company is None:
            raise ApiError(404, f"Company not found: {req.params['id']}")
        page, size = page_params(req.query)
        criteria = Criteria(posted_after=_date_param(req.query, "posted_after"),
                            company_ids=[company.id])
        jobs = [dataset.jobs[i] for i in company.job_indices]
        result = engine.run(criteria, jobs=jobs)
        body, _ = engine.page_body(result, SearchPage(page, size))
        return Response(200, body)

    def geocode_location(req: Request) -> Response:
        text = req.query.get("location")
        if text is None or not text.strip():
            raise ApiError(400, "Parameter 'location' is required.")
        if len(text) > 500:
            raise ApiError(400, "Parameter 'location' must be at most 500 characters.")
        return Response(200, geocode(text), cost=1)

    def get_job(req: Request) -> Response:
        job = dataset.jobs_by_id.get(req.params["id"].lower())
        if job is None:
            raise ApiError(404, f"Job not found: {req.params['id']}")
        return Response(200, dataset.job_json(job))

    def get_company(req: Request) -> Response:
        company = dataset.companies_by_id.get(req.params["id"].lower())
        if company is None:
            raise ApiError(404, f"Company not found: {req.params['id']}")
        return Response(200, dataset.company_json(company))

    router.add("GET", "/api/jobs", "search", search_jobs)
    router.add("POST", "/api/jobs/search", "search", advanced_search)
    router.add("GET", "/api/jobs/{id}", "search", get_job)
    router.add("GET", "/api/companies/{id}", "free", get_company)
    router.add("GET", "/api/companies/{id}/jobs", "free", company_jobs)
    router.add("GET", "/api/locations/geocode", "free", geocode_location)
    feed_endpoints.register(app)  # feed, managed feed, expired ids

    # ---- test hooks (no key, not counted) ----
    def stats(req: Request) -> Response:
        return Response(200, app.stats())

    def create_key(req: Request) -> Response:
        body = req.json() if req.body else {}
        try:
            key = app.accounts.create_key(
                plan=body.get("plan", "full"), credits=body.get("credits"),
                rate_limit=body.get("rate_limit"), window=body.get("window"))
        except (ValueError, TypeError) as exc:
            raise ApiError(400, str(exc)) from None
        return Response(200, {"key": key, "plan": body.get("plan", "full")})

    def revoke_key(req: Request) -> Response:
        if not app.accounts.revoke(req.params["key"]):
            raise ApiError(404, "Unknown key")
        return Response(200, {"revoked": True})

    def reset(req: Request) -> Response:
        app.accounts.reset()
        return Response(200, {"reset": True})

    router.add("GET", "/__stats", "internal", stats)
    router.add("POST", "/__keys", "internal", create_key)
    router.add("DELETE", "/__keys/{key}", "internal", revoke_key)
    router.add("POST", "/__reset", "internal", reset)
