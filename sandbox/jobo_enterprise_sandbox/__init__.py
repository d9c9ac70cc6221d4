"""A local emulation of the Jobo Enterprise API, over HTTPS, with synthetic data.

Needs the ``cryptography`` package (``pip install jobo-enterprise-sandbox``, or the
``sandbox`` extra of ``jobo-enterprise-native``).

In-process::

    from jobo_enterprise_sandbox import Sandbox

    with Sandbox(seed=1) as sb:
        print(sb.base_url, sb.ca_cert, sb.keys["full"])

As a process: ``python -m jobo_enterprise_sandbox --port 0`` prints one JSON line
(``base_url``, ``http_url``, ``ca_cert``, ``keys``) and serves until SIGTERM/SIGINT
(``--jobs``, ``--seed``, ``--latency-ms``, ``--path-prefix``, ``--cursor-ttl``,
``--legacy-feed-limit``, ``--prerender``; ``--help`` lists them).

Keys (``sb.keys``): ``full``, ``search_only`` (search endpoints only), ``feed_only``
(feed, expired ids, companies, geocoding), ``limited`` (5 requests per 10 s),
``low_credits`` (30 credits), ``revoked``. ``sb.create_key(plan, credits=,
rate_limit=, window=)`` makes more, including ``"enterprise"`` (the only plan with the
managed feed).

Endpoints (API.md §4), all on the same synthetic dataset (5,000 jobs by default):

======================================  =================================================
``GET /api/jobs``                       search; 1 credit per job returned
``POST /api/jobs/search``               advanced search: ``queries`` OR'd, a leading
                                        ``-`` excludes; ``skills``/``companies``/
                                        ``industries`` ``{include, exclude}``;
                                        ``locations``, ``salary_usd {min, max}``, date
                                        bounds, ``include_facets``/``include_fields``
                                        (a trimmed ``description`` is sent as ``""``),
                                        paging; same answer, cost and 400s as the GET
``GET /api/jobs/{id}``                  one job, free; unknown or malformed id: 404
``POST /api/jobs/feed``                 cursor-paged feed, 0.5 credit per job; signed
                                        cursors that carry the filters (a continuation
                                        sends only ``{"cursor"}``), ``stable_scan``,
                                        409 ``feed_cursor_restart_required`` for stale
                                        cursors (see :mod:`.feed`)
``POST /api/jobs/feed/managed``         403 for every sandbox key
``GET /api/jobs/expired``               ids of jobs expired since ``expired_since``
                                        (default 24 h, at most 7 days back), free
``GET /api/companies/{id}``             company profile with every field of the
                                        official ``Company`` model, free (see
                                        :mod:`.profiles`)
``GET /api/companies/{id}/jobs``        the company's jobs as a SearchResponse, free
``GET /api/locations/geocode``          the built-in gazetteer (``City``, ``City,
                                        Country``, ``City, ST``, countries, regions,
                                        typos); unknown input: 200 with ``succeeded:
                                        false``; 1 credit (see :mod:`.geocode`)
======================================  =================================================

Location filters (``location``, ``locations``) match a country by name or ISO code
(``US``, ``United States``) and a region or city by name, case-insensitively. Credits
are kept exactly; headers show whole credits (the balance rounded down; ``X-Credits-Used``
is the drop of that figure), see :mod:`.accounts`.

Fault routes (:mod:`.faults`): every endpoint is also served under
``/__fault/<spec>/``, so ``Sandbox.fault_url(spec)`` (``<base_url>/__fault/<spec>``) as a
client's base URL makes every call misbehave. ``<spec>`` is a comma-separated list of
``status=<code>``, ``html``, ``retry_after=<s>``, ``retry_after_date=<s>``,
``times=<n>``, ``delay=<ms>``, ``drip=<ms>``, ``truncate``, ``reset``, ``malformed``,
``empty``, ``huge=<MiB>``, ``redirect=<percent-encoded url>``, ``id=<token>`` and
``match=<text>`` (only requests whose body or query holds the text); e.g.
``status=503,times=2`` answers two 503s and then normally. ``GET /__fault/stats/<token>``
answers ``{"requests": n}`` (every request that reached the spec or id).

Test hooks (no key, not counted): ``GET /__stats`` (counters, including
``requests_by_connection``), ``POST /__keys``, ``DELETE /__keys/{key}``, ``POST /__reset``,
``POST /__cursors/expire`` (``Sandbox.expire_cursors()``), ``GET``/``POST /__timeline``
(the clock and changes of :mod:`.timeline`). Every response carries
``X-Connection-Id`` (the TCP connection's number); ``X-Echo`` repeats the request's
``X-Echo-Request`` header or ``echo`` query parameter, and with ``?echo=<token>`` a 2xx
JSON object body starts with ``"echo": "<token>", "connection_id": <n>``.

Scale: ``Sandbox(jobs=100_000)`` builds job documents on first use (start about 3 s,
about 1 GB once every job was served; ``prerender=True`` renders them all at start).

Modules: :mod:`.server` (``Sandbox``), :mod:`.app` (request pipeline: auth, rate
limits, credits, headers, echo), :mod:`.routing` (routing table), :mod:`.endpoints`
(search, jobs, companies, geocoding handlers), :mod:`.feed` (feeds, expired ids,
cursors), :mod:`.faults` (fault routes), :mod:`.search` (filters, ordering, facets),
:mod:`.jsonbody` (request body validation), :mod:`.geocode`, :mod:`.data` (synthetic
dataset), :mod:`.gazetteer` (cities), :mod:`.certs` (throwaway certificates),
:mod:`.http11` (HTTP/1.1 + TLS transport), :mod:`.accounts` (keys, plans, credits),
:mod:`.stdclient` (a standard-library client for tests and probes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Sandbox"]

if TYPE_CHECKING:  # pragma: no cover
    from .server import Sandbox


def __getattr__(name: str) -> Any:
    # Lazy, so that .data, .search and .gazetteer import without ``cryptography``.
    if name == "Sandbox":
        try:
            from .server import Sandbox
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
            if exc.name and exc.name.split(".")[0] == "cryptography":
                raise ModuleNotFoundError(
                    "jobo_enterprise_sandbox needs the 'cryptography' package: "
                    "pip install jobo-enterprise-sandbox", name=exc.name) from exc
            raise
        return Sandbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
