"""Endpoint handlers. ``register(app)`` adds them to ``app.router``.

To add an endpoint: write ``def handler(req) -> Response`` (raise ``ApiError`` for
failures; set ``Response.cost`` to the credits a success consumes) and register it with
its plan group::

    app.router.add("GET", "/api/locations/geocode", "free", geocode)

Handlers must not mutate dataset documents (their JSON is cached).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .search import criteria_from_query
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
    router.add("GET", "/api/jobs/{id}", "search", get_job)
    router.add("GET", "/api/companies/{id}", "free", get_company)

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
