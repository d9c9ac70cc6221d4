"""A sandbox that changes over time: its own clock, and jobs updated, expired and added.

A customer's mirror of the feed is tested against data that moves. Each sandbox has a
:class:`Timeline` (``Sandbox.timeline``, ``app.timeline``) that owns the sandbox's clock
and changes the dataset between (or during) scans::

    with Sandbox(jobs=500, drop_expired=True) as sb:
        sb.advance_clock(3600)                    # one hour later, on the sandbox's clock
        updated = sb.update_jobs(5)               # 5 jobs change; updated_at = now
        moved = sb.update_jobs(ids=[updated[0]], work_model="onsite")
        gone = sb.expire_jobs(3)                  # expires_at = now: listed as expired
        later = sb.expire_jobs(2, at=sb.now() + 86400)   # expires in a day (clock time)
        new = sb.add_jobs(4)                      # created_at = updated_at = now

The clock is the real time plus an offset that only grows (:meth:`Timeline.advance`).
Everything that reads "now" uses it: the ``Date`` header, rate-limit windows, the
feed's cursor ages (advancing past ``cursor_ttl`` makes open cursors stale: 409), the
expired-ids default and 7-day bound. Changes keep the data consistent with the clock:
an updated or added job gets ``updated_at`` = now, so it turns up in a feed filtered
with ``updated_after`` at or before now (and a stable scan that is still running
meets it again at its end); an expired job gets ``expires_at`` = now, so
``GET /api/jobs/expired`` lists it from now on, for 7 days of the clock.

``drop_expired`` (``Sandbox(drop_expired=True)``, ``--drop-expired``): feeds leave out
every job whose ``expires_at`` has passed on the sandbox's clock, so that a complete
feed scan is exactly what an up-to-date mirror holds (by default, as the rest of the
sandbox documents, expiry only lists a job as expired and it stays in search and
feeds). Search and ``GET /api/jobs/{id}`` are not affected. :meth:`Timeline.served_jobs`
is what a complete unfiltered feed scan returns now.

Changes pick their jobs from those not expired yet, with the timeline's own seeded
random generator (the same seed and calls pick the same jobs), or take ``ids``.

Admin route (for a sandbox in another process; no key, not counted, outside ``/api/``
like the other test hooks, so no API route changes): ``POST /__timeline`` with a JSON
object, applied in this order: ``{"advance": seconds, "update": n, "update_ids": [...],
"work_model": "onsite", "expire": n, "expire_ids": [...], "expire_at": epoch, "add":
n}``; it answers ``{"now", "updated", "expired", "added"}``. ``GET /__timeline``
answers ``{"now", "offset", "jobs", "served"}`` (ISO-8601 ``now``, offset in seconds,
job counts).
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence

from .data import ALL_FIELDS_MASK, WORK_MODELS, JobRecord, iso
from .wire import ApiError, Request, Response

if TYPE_CHECKING:  # pragma: no cover
    from .app import App

__all__ = ["Timeline", "install"]

_DAY = 86400
# JobRecord slots a new job sets itself; it copies every other one from the job it is
# modelled on (company, family, title, locations, pay, filter keys, ...)
_OWN = frozenset({"idx", "id", "_doc", "_ds", "text_lc", "posted_at", "created_at",
                  "updated_at", "valid_through", "expires_at", "body_seed"})
_COPIED = tuple(name for name in JobRecord.__slots__ if name not in _OWN)


class Timeline:
    """The clock and the changes of one sandbox (thread-safe)."""

    def __init__(self, app: "App", seed: int = 1, drop_expired: bool = False):
        self.app = app
        self.offset: float = 0.0
        self.drop_expired = drop_expired
        self._rng = random.Random(f"jobo-sandbox-timeline/{seed}")
        self._lock = threading.RLock()

    # -- the clock ---------------------------------------------------------------------
    def now(self) -> float:
        """The sandbox's time, epoch seconds."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (>= 0); the new time."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError("the sandbox clock only moves forward: seconds must be >= 0")
        with self._lock:
            self.offset += seconds
        return self.now()

    # -- what is served ------------------------------------------------------------------
    def expired(self, job: JobRecord, now: Optional[float] = None) -> bool:
        exp = job.expires_at
        return exp is not None and exp <= (self.now() if now is None else now)

    def served(self, jobs: Sequence[JobRecord], now: float) -> Sequence[JobRecord]:
        """``jobs`` as a feed serves them at ``now`` (expired ones left out with
        ``drop_expired``)."""
        if not self.drop_expired:
            return jobs
        return [j for j in jobs if j.expires_at is None or j.expires_at > now]

    def served_jobs(self) -> List[JobRecord]:
        """Every job an unfiltered feed scan returns now."""
        return list(self.served(self.app.dataset.jobs, self.now()))

    # -- changes ---------------------------------------------------------------------------
    def _pick(self, count: int, ids: Optional[Iterable[str]]) -> List[JobRecord]:
        ds = self.app.dataset
        if ids is not None:
            out = []
            for jid in ids:
                job = ds.jobs_by_id.get(str(jid).lower())
                if job is None:
                    raise ApiError(404, f"No job with id {jid}")
                out.append(job)
            return out
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ApiError(400, "a count of jobs must be an integer >= 0")
        now = self.now()
        pool = [j for j in ds.jobs if not self.expired(j, now)]
        return self._rng.sample(pool, min(count, len(pool)))

    def update_jobs(self, count: int = 0, ids: Optional[Iterable[str]] = None,
                    work_model: Optional[str] = None) -> List[str]:
        """Change ``count`` served jobs (or those of ``ids``): ``updated_at`` becomes now,
        ``valid_through`` moves 30 days past now, and with ``work_model`` (``remote``,
        ``hybrid``, ``onsite``) the job's work model changes too. The ids changed."""
        if work_model is not None and work_model not in WORK_MODELS:
            raise ApiError(400, f"work_model must be one of {', '.join(WORK_MODELS)}")
        with self._lock:
            now = int(self.now())
            jobs = self._pick(count, ids)
            for job in jobs:
                doc = dict(job.doc)
                job.updated_at = now
                job.valid_through = (now // _DAY + 30) * _DAY + _DAY - 1
                doc["updated_at"] = iso(now)
                doc["valid_through"] = iso(job.valid_through)
                if work_model is not None:
                    job.work_model = work_model
                    doc["workplace_type"] = WORK_MODELS[work_model]
                self._replace_doc(job, doc)
            self._refresh()
            return [j.id for j in jobs]

    def expire_jobs(self, count: int = 0, ids: Optional[Iterable[str]] = None,
                    at: Optional[float] = None) -> List[str]:
        """Expire ``count`` served jobs (or those of ``ids``) now, or ``at`` another time
        (epoch seconds: a later one is reached by :meth:`advance` or by waiting): ``GET
        /api/jobs/expired`` lists them once that time has come. The ids."""
        with self._lock:
            when = int(self.now() if at is None else at)
            jobs = self._pick(count, ids)
            for job in jobs:
                job.expires_at = when
            self._refresh()
            return [j.id for j in jobs]

    def add_jobs(self, count: int) -> List[str]:
        """``count`` new jobs (each modelled on an existing one, with its own id and
        text), created, posted and updated now. The new ids."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ApiError(400, "a count of jobs must be an integer >= 0")
        ds = self.app.dataset
        with self._lock:
            if not ds.jobs and count:
                raise ApiError(400, "an empty dataset has no job to model new ones on")
            now = int(self.now())
            added = []
            for _ in range(count):
                model = self._rng.choice(ds.jobs)
                fields = {name: getattr(model, name) for name in _COPIED}
                job = JobRecord(
                    idx=len(ds.jobs), id=str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
                    text_lc=None, posted_at=now, created_at=now, updated_at=now,
                    valid_through=(now // _DAY + 30) * _DAY + _DAY - 1, expires_at=None,
                    body_seed=self._rng.getrandbits(64), **fields)
                job._ds = ds
                if self.app.engine._hay_ready:  # the search index is built: index it too
                    doc = job.doc
                    job.text_lc = "\n".join((doc["title"], doc.get("description") or "",
                                             " ".join(job.skills))).lower()
                ds.jobs.append(job)
                ds.jobs_by_id[job.id] = job
                job.company.job_indices.append(job.idx)
                added.append(job.id)
            self._refresh()
            return added

    # -- keeping the caches right ------------------------------------------------------------
    def _replace_doc(self, job: JobRecord, doc: Dict[str, Any]) -> None:
        ds = self.app.dataset
        with ds._lock:
            job._doc = doc
            base = job.idx * 64
            for mask in range(ALL_FIELDS_MASK + 1):
                ds._json.pop(base + mask, None)

    def _refresh(self) -> None:
        self.app.feed_engine.refresh()
        engine = self.app.engine
        with engine._lock:
            engine._cache.clear()

    # -- the admin route -------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        if req.method == "GET":
            return Response(200, self.describe())
        try:
            spec = json.loads(req.body or b"{}")
        except ValueError:
            raise ApiError(400, "The body must be a JSON object.")
        if not isinstance(spec, dict):
            raise ApiError(400, "The body must be a JSON object.")
        unknown = sorted(set(spec) - {"advance", "update", "update_ids", "work_model",
                                      "expire", "expire_ids", "expire_at", "add"})
        if unknown:
            raise ApiError(400, f"Unknown field(s): {', '.join(unknown)}")
        out: Dict[str, Any] = {"updated": [], "expired": [], "added": []}
        if spec.get("advance"):
            try:
                self.advance(spec["advance"])
            except ValueError as exc:
                raise ApiError(400, str(exc))
        if spec.get("update") or spec.get("update_ids"):
            out["updated"] = self.update_jobs(spec.get("update") or 0, spec.get("update_ids"),
                                              spec.get("work_model"))
        if spec.get("expire") or spec.get("expire_ids"):
            out["expired"] = self.expire_jobs(spec.get("expire") or 0, spec.get("expire_ids"),
                                              spec.get("expire_at"))
        if spec.get("add"):
            out["added"] = self.add_jobs(spec["add"])
        out["now"] = iso(int(self.now()))
        return Response(200, out)

    def describe(self) -> Dict[str, Any]:
        return {"now": iso(int(self.now())), "offset": self.offset,
                "jobs": len(self.app.dataset.jobs), "served": len(self.served_jobs())}


def install(app: "App", seed: int = 1) -> Timeline:
    """Give ``app`` a timeline (``app.timeline``, ``app.clock``) and its admin route."""
    timeline = Timeline(app, seed)
    app.timeline = timeline
    app.clock = timeline.now
    app.router.add("GET", "/__timeline", "internal", timeline.handle)
    app.router.add("POST", "/__timeline", "internal", timeline.handle)
    return timeline
