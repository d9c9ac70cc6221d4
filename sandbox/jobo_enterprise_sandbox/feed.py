"""The bulk feed, the managed feed and the expired-ids listing, with signed cursors.

Feed (``POST /api/jobs/feed``, API.md §4.4)
    Filters: ``locations`` (``[{country, region, city}]``: any entry matches; in an
    entry every given part must name the same job location, missing or null parts are
    wildcards; ``country`` matches the country name or ISO code, ``region`` the region
    name or code, ``city`` the city name; case- and accent-insensitive), ``sources``,
    ``work_models``, ``employment_types``, ``experience_levels`` (lowercase values
    matched exactly; an empty list is no filter), ``posted_after`` (``date_posted``) and ``updated_after``
    (``updated_at``), both inclusive. ``batch_size`` 1-1000 (default 1000).

    ``stable_scan`` (default true) pages in ascending ``(updated_at, id)`` order with a
    keyset position, so a scan returns every matching job exactly once.
    ``stable_scan=false`` is the legacy order (newest ``date_posted`` first, then id)
    paged by offset; its cursors stop being accepted once the offset passes
    ``legacy_feed_limit`` (default 10,000 jobs: 409).

    Answer: ``{"jobs", "next_cursor", "has_more", "estimated_total"}``;
    ``estimated_total`` (the number of matching jobs) on the first page only, null on
    continuations; ``next_cursor`` is null when ``has_more`` is false. Cost: 0.5 credit
    per job returned (see :mod:`.accounts` for how fractions are shown).

Cursors
    ``<payload>.<signature>``: the payload is the base64url (unpadded) of a compact JSON
    object holding the endpoint, the normalised filters, the batch size, the order, the
    position, the issue time in milliseconds and the sandbox's cursor generation; the
    signature is the first 16 bytes of its HMAC-SHA256 under a random per-Sandbox
    secret (base64url). A continuation sends only ``{"cursor": ...}``: every other
    field beside a cursor is ignored. A cursor that is malformed, tampered with, from
    another sandbox or the other feed endpoint, older than ``cursor_ttl`` (default 3600
    s, measured from when *that* cursor was issued, so a scan never expires while it
    keeps going), issued before :meth:`.app.App.expire_cursors` (``Sandbox.expire_cursors``,
    ``POST /__cursors/expire``), or a legacy cursor past the limit is answered 409 in
    the problem-details shape::

        {"title": "Conflict", "status": 409, "detail": "...",
         "code": "feed_cursor_restart_required"}

Managed feed (``POST /api/jobs/feed/managed``, §4.5)
    Body ``sources``, ``work_models``, ``posted_after``, ``updated_after``, ``cursor``,
    ``batch_size`` (other fields ignored), same answer, order and cost. No sandbox plan
    includes it (403); a key made with ``create_key("enterprise")`` may call it and
    sees the jobs of the companies it manages (every company whose index is a multiple
    of 8, :func:`managed_company_ids`).

Expired ids (``GET /api/jobs/expired``, §4.6)
    Jobs whose hidden ``expires_at`` lies between ``expired_since`` (default 24 hours
    before now; more than 7 days back, with a one-minute grace, is 400) and now, in
    ascending ``(expires_at, id)`` order: ``{"job_ids", "next_cursor", "has_more"}``.
    ``batch_size`` 1-10000 (default 1000) applies to every request, the cursor carries
    ``expired_since`` and the position (an invalid one is 400); jobs that expire while a
    scan runs show up at its end. Free. Expired jobs stay in search and feeds.
"""

from __future__ import annotations

import array
import base64
import bisect
import collections
import hashlib
import hmac
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from .data import Dataset, JobRecord, dumps
from .gazetteer import fold
from .jsonbody import Fields, body_fields
from .search import Criteria, _date_param, _int_param
from .wire import ApiError, ProblemError, Request, Response

if TYPE_CHECKING:  # pragma: no cover
    from .app import App

__all__ = ["CursorCodec", "FeedEngine", "FeedFilter", "register", "managed_company_ids",
           "RESTART_CODE", "FEED_COST_PER_JOB"]

RESTART_CODE = "feed_cursor_restart_required"
FEED_COST_PER_JOB = 0.5
MAX_BATCH = 1000
MAX_EXPIRED_BATCH = 10_000
EXPIRED_LOOKBACK = 7 * 86400
EXPIRED_GRACE = 60
_HIGH_ID = "\uffff"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    """Signs and verifies opaque cursors (``payload.signature``, both base64url)."""

    def __init__(self, secret: bytes):
        self.secret = secret

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self.secret, payload.encode("ascii"), hashlib.sha256).digest()[:16]
        return _b64(mac)

    def encode(self, state: Dict[str, Any]) -> str:
        payload = _b64(json.dumps(state, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._sign(payload)}"

    def decode(self, cursor: str) -> Optional[Dict[str, Any]]:
        """The state of a cursor this codec signed, or None."""
        if not isinstance(cursor, str) or len(cursor) > (1 << 20):
            return None
        payload, sep, sig = cursor.partition(".")
        if not sep or not payload or not payload.isascii() or not sig.isascii():
            return None
        if not hmac.compare_digest(self._sign(payload), sig):
            return None
        try:
            state = json.loads(_unb64(payload))
        except (ValueError, UnicodeDecodeError):
            return None
        return state if isinstance(state, dict) else None


def managed_company_ids(dataset: Dataset) -> FrozenSet[str]:
    """The companies an ``enterprise`` key manages in the sandbox (every 8th)."""
    return frozenset(c.id for c in dataset.companies if c.idx % 8 == 0)


# ------------------------------------------------------------------------ filters

def _folded(value: Any) -> Optional[str]:
    if value is None:
        return None
    text = fold(value.strip())
    return text or None


class FeedFilter:
    """The feed filters, from their normalised (cursor) form::

        {"locations": [[country, region, city], ...],  # folded strings or null
         "sources": [...], "work_models": [...], "employment_types": [...],
         "experience_levels": [...], "posted_after": epoch, "updated_after": epoch,
         "managed": true}
    """

    def __init__(self, spec: Dict[str, Any], managed_ids: Optional[FrozenSet[str]] = None):
        self.spec = spec
        self.criteria: Criteria = Criteria(
            sources=spec.get("sources"), work_models=spec.get("work_models"),
            employment_types=spec.get("employment_types"),
            experience_levels=spec.get("experience_levels"),
            posted_after=spec.get("posted_after"),
            company_ids=managed_ids if spec.get("managed") else None)
        self.updated_after: Any = spec.get("updated_after")
        self.locations: List[Tuple[Any, ...]] = [tuple(e) for e in spec.get("locations") or ()]
        self.key: str = json.dumps(spec, sort_keys=True, separators=(",", ":"))

    def _place_ok(self, job: JobRecord) -> bool:
        for country, region, city in self.locations:
            for city_keys, region_keys, country_keys in job.places:
                if (country is None or country in country_keys) \
                        and (region is None or region in region_keys) \
                        and (city is None or city in city_keys):
                    return True
        return False

    def matches(self, job: JobRecord) -> bool:
        if self.updated_after is not None and job.updated_at < self.updated_after:
            return False
        if not self.criteria.matches(job):
            return False
        return not self.locations or self._place_ok(job)


def _lower_list(values: Optional[List[str]]) -> Optional[List[str]]:
    if values is None:
        return None
    return sorted({v.strip().lower() for v in values if v.strip()})


def feed_spec_from_body(f: Fields, managed: bool) -> Dict[str, Any]:
    """Validate the filter fields of a feed body into the normalised form."""
    spec: Dict[str, Any] = {}
    names = ("sources", "work_models") if managed else (
        "sources", "work_models", "employment_types", "experience_levels")
    for name in names:
        values = _lower_list(f.strings(name))
        if values:  # an empty list is no filter, as an empty CSV in the GET search
            spec[name] = values
    for name in ("posted_after", "updated_after"):
        value = f.date(name)
        if value is not None:
            spec[name] = value
    if not managed:
        entries = f.objects("locations")
        if entries:
            spec["locations"] = [[_folded(e.string("country")), _folded(e.string("region")),
                                  _folded(e.string("city"))] for e in entries]
    if managed:
        spec["managed"] = True
    return spec


# ------------------------------------------------------------------------ engine

class _Scan:
    """The matching jobs of one filter in scan order; for the stable order also their
    ranks in the dataset-wide order (a compact array, for keyset positioning)."""

    __slots__ = ("jobs", "ranks")

    def __init__(self, jobs: List[JobRecord], ranks: Optional["array.array[int]"]) -> None:
        self.jobs: List[JobRecord] = jobs
        self.ranks: Optional[array.array[int]] = ranks


class FeedEngine:
    """The matching jobs of a filter in stable or legacy order (LRU-cached: about 12
    bytes per matching job and cached filter)."""

    def __init__(self, dataset: Dataset, cache_size: int = 32):
        self.dataset = dataset
        self._lock = threading.Lock()
        self._orders: Dict[bool, List[JobRecord]] = {}
        self._stable_keys: List[Tuple[int, str]] = []
        self._cache: "collections.OrderedDict[tuple, _Scan]" = collections.OrderedDict()
        self._cache_size = cache_size
        self.refresh()

    def _order(self, stable: bool) -> List[JobRecord]:
        jobs = self._orders.get(stable)
        if jobs is None:
            if stable:
                jobs = sorted(self.dataset.jobs, key=lambda j: (j.updated_at, j.id))
                self._stable_keys = [(j.updated_at, j.id) for j in jobs]
            else:
                jobs = sorted(self.dataset.jobs, key=lambda j: (-j.posted_at, j.id))
            self._orders[stable] = jobs
        return jobs

    def scan(self, flt: FeedFilter, stable: bool) -> _Scan:
        key = (stable, flt.key)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        ordered = self._order(stable)
        if stable:
            ranks = array.array("l")
            jobs = []
            for rank, job in enumerate(ordered):
                if flt.matches(job):
                    jobs.append(job)
                    ranks.append(rank)
            result = _Scan(jobs, ranks)
        else:
            result = _Scan([j for j in ordered if flt.matches(j)], None)
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def refresh(self) -> None:
        """Forget the orders and cached scans after the dataset changed (see
        :mod:`.timeline`)."""
        with self._lock:
            expiring = sorted((j for j in self.dataset.jobs if j.expires_at is not None),
                              key=lambda j: (j.expires_at, j.id))
            self.expired_jobs = expiring
            self.expired_keys: List[Tuple[int, str]] = [(j.expires_at, j.id) for j in expiring]
            self._orders.clear()
            self._cache.clear()

    def stable_start(self, scan: _Scan, position: Sequence[Any]) -> int:
        """Index in ``scan`` of the first job after the keyset ``(updated_at, id)``."""
        rank = bisect.bisect_right(self._stable_keys, (position[0], position[1]))
        return bisect.bisect_left(scan.ranks, rank)


# ------------------------------------------------------------------------ handlers

def _restart(detail: str) -> ProblemError:
    return ProblemError(409, detail + " Start a new scan without a cursor.", RESTART_CODE)


def register(app: "App") -> None:
    dataset = app.dataset
    engine = FeedEngine(dataset)
    codec = CursorCodec(app.cursor_secret)
    managed_ids = managed_company_ids(dataset)
    job_json = dataset.job_json
    app.feed_engine = engine

    def feed_page(req: Request, managed: bool) -> Response:
        kind = "managed" if managed else "feed"
        f = body_fields(req, allow_empty=True)
        cursor = f.string("cursor")
        now_ms = int(app.clock() * 1000)
        if cursor is not None:
            state = codec.decode(cursor)
            if state is None or state.get("e") != kind:
                raise _restart("The feed cursor is not valid.")
            if state.get("g") != app.cursor_generation:
                raise _restart("The feed cursor has expired.")
            issued = state.get("t")
            if not isinstance(issued, int) or now_ms - issued > app.cursor_ttl * 1000:
                raise _restart("The feed cursor has expired.")
            spec, batch, stable, pos = state["f"], state["b"], state["s"], state["p"]
            if not stable and pos >= app.legacy_feed_limit:
                raise _restart(
                    f"A stable_scan=false feed cannot page past {app.legacy_feed_limit} "
                    f"jobs; use stable_scan=true to read everything.")
            first = False
        else:
            spec = feed_spec_from_body(f, managed)
            batch = f.integer("batch_size", MAX_BATCH, 1, MAX_BATCH)
            stable = True if managed else f.boolean("stable_scan", True)
            pos = None if stable else 0
            first = True
        scan = engine.scan(FeedFilter(spec, managed_ids), stable)
        if stable:
            start = 0 if pos is None else engine.stable_start(scan, pos)
        else:
            start = pos
        chosen = scan.jobs[start:start + batch]
        end = start + len(chosen)
        has_more = end < len(scan.jobs)
        served = app.timeline.served(chosen, now_ms / 1000)  # see .timeline: drop_expired
        total = len(app.timeline.served(scan.jobs, now_ms / 1000)) if first else None
        next_cursor = None
        if has_more:
            last = chosen[-1]
            next_cursor = codec.encode({
                "e": kind, "f": spec, "b": batch, "s": stable,
                "p": [last.updated_at, last.id] if stable else end,
                "t": now_ms, "g": app.cursor_generation})
        body = b"".join((
            b'{"jobs":[', b",".join(job_json(j) for j in served), b'],"next_cursor":',
            dumps(next_cursor), b',"has_more":', b"true" if has_more else b"false",
            b',"estimated_total":', str(total).encode() if first else b"null",
            b"}"))
        return Response(200, body, cost=FEED_COST_PER_JOB * len(served))

    def feed(req: Request) -> Response:
        return feed_page(req, managed=False)

    def managed_feed(req: Request) -> Response:
        return feed_page(req, managed=True)

    def expired(req: Request) -> Response:
        now = req.now or int(time.time())
        batch = _int_param(req.query, "batch_size")
        if batch is None:
            batch = 1000
        elif not 1 <= batch <= MAX_EXPIRED_BATCH:
            raise ApiError(400, f"Parameter 'batch_size' must be between 1 and "
                                f"{MAX_EXPIRED_BATCH}.")
        cursor = req.query.get("cursor")
        keys = engine.expired_keys
        if cursor:
            state = codec.decode(cursor)
            if state is None or state.get("e") != "expired":
                raise ApiError(400, "Parameter 'cursor' is not a valid expired-ids cursor.")
            since = state["since"]
            start = bisect.bisect_right(keys, (state["p"][0], state["p"][1]))
        else:
            since = _date_param(req.query, "expired_since")
            if since is None:
                since = now - 86400
            elif since < now - EXPIRED_LOOKBACK - EXPIRED_GRACE:
                raise ApiError(400, "Parameter 'expired_since' must be at most 7 days "
                                    "in the past.")
            start = bisect.bisect_left(keys, (since, ""))
        end = bisect.bisect_right(keys, (now, _HIGH_ID))
        chosen = engine.expired_jobs[start:min(end, start + batch)] if start < end else []
        has_more = start + len(chosen) < end
        next_cursor = None
        if has_more:
            last = chosen[-1]
            next_cursor = codec.encode({"e": "expired", "since": since,
                                        "p": [last.expires_at, last.id]})
        return Response(200, {"job_ids": [j.id for j in chosen], "next_cursor": next_cursor,
                              "has_more": has_more})

    def expire_cursors(req: Request) -> Response:
        app.expire_cursors()
        return Response(200, {"cursor_generation": app.cursor_generation})

    app.router.add("POST", "/api/jobs/feed", "feed", feed)
    app.router.add("POST", "/api/jobs/feed/managed", "managed", managed_feed)
    app.router.add("GET", "/api/jobs/expired", "free", expired)
    app.router.add("POST", "/__cursors/expire", "internal", expire_cursors)
