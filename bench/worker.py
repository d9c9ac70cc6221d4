"""One measurement, in its own process: ``python worker.py '<json spec>'``.

This file is self-contained (standard library at the top, the measured library
imported inside the task) because it runs under two interpreters:

- ours: the benchmark's interpreter with ``PYTHONPATH=<repo>`` (the in-place build);
- peers: ``bench/.venv-peers/bin/python -I`` (the official ``jobo-enterprise`` 4.0.0,
  requests, httpx, orjson, pydantic). ``-I`` keeps the repository off ``sys.path``:
  the official package is also called ``jobo_enterprise``.

The spec is a JSON object with ``task`` and the task's parameters. The last line on
stdout is one JSON object: the figures, or ``{"unavailable": "..."}`` when the SDK
method or the server endpoint a part needs does not exist (yet).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import resource
import sys
import threading
import time


class Unavailable(Exception):
    """The library or the server lacks what this measurement needs."""


def cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def cpu_split():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime, ru.ru_stime


def rss_now_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# ── clients ──────────────────────────────────────────────────────────────


def ours_client(spec):
    from jobo_enterprise import JoboClient

    extra = {"http_version": spec["http_version"]} if spec.get("http_version") else {}
    return JoboClient(spec["key"], base_url=spec["base_url"], ca_bundle=spec["ca"],
                      max_retries=0, **extra)


def official_client(spec):
    # The official client builds its own httpx.Client; it trusts the CA through
    # SSL_CERT_FILE (httpx honours it with trust_env=True, the default).
    os.environ["SSL_CERT_FILE"] = spec["ca"]
    from jobo_enterprise import JoboClient

    return JoboClient(api_key=spec["key"], base_url=spec["base_url"])


# ── (a) one search call, many times, one kept-alive connection ───────────


def task_search(spec):
    lib, n, warmup = spec["lib"], spec["n"], spec["warmup"]
    q, page_size = spec["q"], spec["page_size"]
    base, ca, key = spec["base_url"], spec["ca"], spec["key"]
    headers = {"X-Api-Key": key, "Accept": "application/json"}

    if lib == "ours":
        client = ours_client(spec)
        search = client.jobs.search

        def one():
            return len(search(q=q, page_size=page_size).jobs)

    elif lib == "official":
        client = official_client(spec)
        search = client.search.search

        def one():
            return len(search(q=q, page_size=page_size).jobs)

    elif lib == "requests":
        import requests

        session = requests.Session()
        session.headers.update(headers)
        session.verify = ca
        url = base + "/api/jobs"
        params = {"q": q, "page_size": page_size}
        loads = json.loads

        def one():
            r = session.get(url, params=params, verify=ca)
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}")
            return len(loads(r.content)["jobs"])

    elif lib == "httpx":
        import ssl

        import httpx

        client = httpx.Client(base_url=base, headers=headers,
                              verify=ssl.create_default_context(cafile=ca))
        params = {"q": q, "page_size": page_size}
        loads = json.loads

        def one():
            r = client.get("/api/jobs", params=params)
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}")
            return len(loads(r.content)["jobs"])

    else:
        raise ValueError(lib)

    jobs = 0
    for _ in range(warmup):
        jobs = one()
    (u0, s0), w0 = cpu_split(), time.perf_counter()
    for _ in range(n):
        jobs = one()
    w1, (u1, s1) = time.perf_counter(), cpu_split()
    d = max(n, 1)
    return {"calls": n, "cpu_us": (u1 - u0 + s1 - s0) * 1e6 / d, "user_us": (u1 - u0) * 1e6 / d,
            "sys_us": (s1 - s0) * 1e6 / d, "wall_us": (w1 - w0) * 1e6 / d, "jobs": jobs}


# ── (b) decode + build a 1,000-job feed page already in memory ───────────
#
# One "touch" function per kind of object, reading each documented field of the
# page and of every job, nested objects and list items included; the model
# version serves ours and the official SDK alike (same attribute names), the
# dict version serves json.loads and orjson.loads.


def touch_all_models(page):
    page.next_cursor, page.has_more, page.estimated_total
    for j in page.jobs:
        (j.id, j.title, j.normalized_title, j.description, j.summary, j.listing_url,
         j.apply_url, j.employment_type, j.workplace_type, j.experience_level, j.source,
         j.created_at, j.updated_at, j.date_posted, j.valid_through,
         j.is_work_auth_required, j.is_h1b_sponsor, j.is_clearance_required)
        c = j.company
        (c.id, c.name, c.website, c.logo_url, c.summary, c.linkedin_url,
         c.crunchbase_url, c.details_url)
        for _ in c.industries:
            pass
        for _ in c.categories:
            pass
        for loc in j.locations:
            loc.location, loc.city, loc.region, loc.country, loc.latitude, loc.longitude
        comp = j.compensation
        if comp is not None:
            comp.min, comp.max, comp.currency, comp.period
        q = j.qualifications
        for b in (q.must_have, q.preferred):
            for _ in b.education:
                pass
            for _ in b.certifications:
                pass
            for s in b.skills:
                s.name, s.type
        for _ in j.responsibilities:
            pass
        for _ in j.benefits:
            pass


def touch_all_dicts(page):
    page.get("next_cursor"), page.get("has_more"), page.get("estimated_total")
    for j in page["jobs"]:
        g = j.get
        (g("id"), g("title"), g("normalized_title"), g("description"), g("summary"),
         g("listing_url"), g("apply_url"), g("employment_type"), g("workplace_type"),
         g("experience_level"), g("source"), g("created_at"), g("updated_at"),
         g("date_posted"), g("valid_through"), g("is_work_auth_required"),
         g("is_h1b_sponsor"), g("is_clearance_required"))
        c = g("company")
        cg = c.get
        (cg("id"), cg("name"), cg("website"), cg("logo_url"), cg("summary"),
         cg("linkedin_url"), cg("crunchbase_url"), cg("details_url"))
        for _ in cg("industries") or ():
            pass
        for _ in cg("categories") or ():
            pass
        for loc in g("locations") or ():
            lg = loc.get
            lg("location"), lg("city"), lg("region"), lg("country"), lg("latitude"), lg("longitude")
        comp = g("compensation")
        if comp is not None:
            comp.get("min"), comp.get("max"), comp.get("currency"), comp.get("period")
        q = g("qualifications") or {}
        for b in (q.get("must_have"), q.get("preferred")):
            if not b:
                continue
            for _ in b.get("education") or ():
                pass
            for _ in b.get("certifications") or ():
                pass
            for s in b.get("skills") or ():
                s.get("name"), s.get("type")
        for _ in g("responsibilities") or ():
            pass
        for _ in g("benefits") or ():
            pass


def touch_two_models(page):
    for j in page.jobs:
        j.title, j.company.name


def touch_two_dicts(page):
    for j in page["jobs"]:
        j["title"], j["company"]["name"]


def touch_none(page):
    pass


def title_sum_models(page):
    return sum(len(j.title) + len(j.company.name) for j in page.jobs)


def title_sum_dicts(page):
    return sum(len(j["title"]) + len(j["company"]["name"]) for j in page["jobs"])


def decoder(lib):
    """(decode(bytes) -> page, is_model)"""
    if lib == "ours":
        # what the client does with a response body: parse (GIL released) into
        # a lazy view of the model class; fields are converted when read.
        # (Our model_validate_json is pydantic's eager check, not this path.)
        from jobo_enterprise.models import FeedPage

        return FeedPage.from_json, True
    if lib == "msgspec":
        # typed Structs mirroring our models (bench/msgspec_models.py), loaded by
        # path: -I keeps this file's folder off sys.path
        import importlib.util

        where = os.path.join(os.path.dirname(os.path.abspath(__file__)), "msgspec_models.py")
        spec = importlib.util.spec_from_file_location("msgspec_models", where)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["msgspec_models"] = mod  # Struct annotations resolve through it
        spec.loader.exec_module(mod)
        return mod.decoder(), True
    if lib == "official_validate":
        from jobo_enterprise.models import JobFeedResponse

        validate, loads = JobFeedResponse.model_validate, json.loads
        return (lambda data: validate(loads(data))), True
    if lib == "official_validate_json":
        from jobo_enterprise.models import JobFeedResponse

        return JobFeedResponse.model_validate_json, True
    if lib == "json":
        return json.loads, False
    if lib == "orjson":
        import orjson

        return orjson.loads, False
    raise ValueError(lib)


def task_decode(spec):
    with open(spec["path"], "rb") as fh:
        data = fh.read()
    decode, is_model = decoder(spec["lib"])
    if spec["mode"] == "all":
        touch = touch_all_models if is_model else touch_all_dicts
    elif spec["mode"] == "two":
        touch = touch_two_models if is_model else touch_two_dicts
    else:  # "none": decode and build only
        touch = touch_none
    check = title_sum_models if is_model else title_sum_dicts
    page = decode(data)
    touch(page)
    jobs, checksum = len(page.jobs if is_model else page["jobs"]), check(page)
    del page
    n = spec["iters"]
    c0, w0 = cpu(), time.perf_counter()
    for _ in range(n):
        page = decode(data)
        touch(page)
        del page  # freeing the objects is part of the cost
    w1, c1 = time.perf_counter(), cpu()
    n = max(n, 1)
    return {"iters": spec["iters"], "cpu_ms": (c1 - c0) * 1e3 / n,
            "wall_ms": (w1 - w0) * 1e3 / n, "jobs": jobs, "bytes": len(data),
            "checksum": checksum}


# ── (h) 100,000 feed jobs to a DataFrame ──────────────────────────────────


def task_frame(spec):
    """The recorded 1,000-job feed page, decoded ``pages`` times, into one DataFrame."""
    import pandas as pd

    with open(spec["path"], "rb") as fh:
        data = fh.read()
    lib, pages = spec["lib"], spec["pages"]
    if lib in ("ours", "ours_arrow"):
        # what client.feed.iter_jobs(...).to_pandas() / .to_arrow() do with the pages
        from jobo_enterprise import _core
        from jobo_enterprise._iterators import JobIterator
        from jobo_enterprise.models import FeedPage

        def build():
            # what the client does with a response body: a lazy view of the parse
            decoded = (_core.parse_model(FeedPage, data) for _ in range(pages))
            if lib == "ours_arrow":
                return JobIterator(decoded).to_arrow()
            return JobIterator(decoded).to_pandas()
    elif lib == "json_normalize":
        def build():
            jobs = []
            for _ in range(pages):
                jobs.extend(json.loads(data)["jobs"])
            return pd.json_normalize(jobs)
    elif lib == "official":
        from jobo_enterprise.models import JobFeedResponse

        def build():
            rows = []
            for _ in range(pages):
                rows.extend(job.model_dump() for job in
                            JobFeedResponse.model_validate_json(data).jobs)
            return pd.DataFrame(rows)
    else:
        raise ValueError(lib)
    c0, w0 = cpu(), time.perf_counter()
    df = build()
    w1, c1 = time.perf_counter(), cpu()
    return {"cpu_s": c1 - c0, "wall_s": w1 - w0, "rows": len(df),
            "columns": len(df.columns) if hasattr(df, "columns") else df.num_columns,
            "peak_rss_mb": peak_rss_kb() / 1024, "pandas": pd.__version__}


# ── (c) all pages of a 5,000-job search, 50 ms server latency ────────────


def ids_digest(ids):
    h = hashlib.sha256()
    for i in ids:
        h.update(i.encode())
        h.update(b"\n")
    return h.hexdigest()


def task_iter_search(spec):
    lib, page_size = spec["lib"], spec["page_size"]
    variant = ""
    if lib in ("ours_prefetch", "ours_seq"):
        client = ours_client(spec)
        jobs = client.jobs
        if lib == "ours_prefetch":
            if not hasattr(jobs, "iter"):
                raise Unavailable("client.jobs.iter does not exist yet")
            prefetch = spec.get("prefetch")
            if prefetch is None:
                variant = "jobs.iter(page_size=100) (default prefetch)"
                make = lambda: jobs.iter(page_size=page_size)  # noqa: E731
            else:
                variant = f"jobs.iter(page_size=100, prefetch={prefetch})"
                make = lambda: jobs.iter(page_size=page_size, prefetch=prefetch)  # noqa: E731
        elif hasattr(jobs, "iter"):
            variant = "jobs.iter(page_size=100, prefetch=0)"
            make = lambda: jobs.iter(page_size=page_size, prefetch=0)  # noqa: E731
        else:
            if hasattr(jobs, "search_advanced"):
                variant = "loop over jobs.search_advanced(page=...)"
                call = jobs.search_advanced
            else:
                variant = "loop over jobs.search(page=...) (GET; search_advanced missing)"
                call = jobs.search

            def make():
                page = 1
                while True:
                    r = call(page=page, page_size=page_size, include_facets=[])
                    yield from r.jobs
                    if page >= r.total_pages or not r.jobs:
                        return
                    page += 1
    elif lib == "official":
        client = official_client(spec)
        variant = "search.iter_jobs(page_size=100)"
        make = lambda: client.search.iter_jobs(page_size=page_size)  # noqa: E731
    else:
        raise ValueError(lib)
    w0 = time.perf_counter()
    ids = [str(job.id) for job in make()]
    wall = time.perf_counter() - w0
    out = {"wall_s": wall, "jobs": len(ids), "ids_sha256": ids_digest(ids),
           "first_ids": ids[:3], "variant": variant}
    if lib == "ours_seq" and hasattr(client, "diagnostics"):
        # one page in flight at a time: each attempt's time, request to last byte, is
        # the server's and the wire's share of one round trip (the later pages' ones:
        # the first also opens the connection)
        times = [a.get("elapsed") for a in client.diagnostics()["attempts"][1:]]
        times = [t for t in times if t]
        if times:
            out["attempt_min_s"] = min(times)
    return out


# ── (g) many searches at once from one event loop ───────────────────────


def task_async_search(spec):
    """``n`` searches, ``concurrency`` in flight at any time, from one asyncio loop:
    wall time and the process's CPU per request (user+sys), after a warm-up round
    that opens the connections."""
    import asyncio

    lib, n, concurrency = spec["lib"], spec["n"], spec["concurrency"]
    q, page_size = spec["q"], spec["page_size"]
    base, ca, key = spec["base_url"], spec["ca"], spec["key"]
    closers = []

    if lib == "ours_async":
        from jobo_enterprise import AsyncJoboClient

        client = AsyncJoboClient(key, base_url=base, ca_bundle=ca, max_retries=0,
                                 max_connections=concurrency)
        closers.append(client.close)

        async def one():
            return len((await client.jobs.search(q, page_size=page_size)).jobs)

    elif lib == "official_async":
        os.environ["SSL_CERT_FILE"] = ca
        from jobo_enterprise import AsyncJoboClient

        client = AsyncJoboClient(api_key=key, base_url=base)
        closers.append(client.close)

        async def one():
            return len((await client.search.search(q=q, page_size=page_size)).jobs)

    elif lib == "aiohttp":
        import ssl

        try:
            import aiohttp
        except ImportError as exc:
            raise Unavailable(f"aiohttp is not installed: {exc}")
        state = {}
        loads = json.loads
        headers = {"X-Api-Key": key, "Accept": "application/json"}
        params = {"q": q, "page_size": str(page_size)}

        async def one():
            if "session" not in state:
                connector = aiohttp.TCPConnector(
                    limit=concurrency, ssl=ssl.create_default_context(cafile=ca))
                state["session"] = aiohttp.ClientSession(connector=connector, headers=headers)
                closers.append(state["session"].close)
            async with state["session"].get(base + "/api/jobs", params=params) as r:
                if r.status != 200:
                    raise RuntimeError(f"HTTP {r.status}")
                return len(loads(await r.read())["jobs"])

    elif lib == "ours_to_thread":
        client = ours_client(spec)

        async def one():
            return len((await asyncio.to_thread(client.jobs.search, q,
                                                page_size=page_size)).jobs)

    else:
        raise ValueError(lib)

    async def batch(count):
        sem = asyncio.Semaphore(concurrency)
        got = []

        async def limited():
            async with sem:
                got.append(await one())

        await asyncio.gather(*[limited() for _ in range(count)])
        return got

    async def main():
        await batch(concurrency)  # warm-up: the connections are open
        (u0, s0), w0 = cpu_split(), time.perf_counter()
        got = await batch(n)
        w1, (u1, s1) = time.perf_counter(), cpu_split()
        for close in closers:
            await close()
        return got, w1 - w0, u1 - u0 + s1 - s0

    got, wall, cpu_s = asyncio.run(main())
    if len(got) != n or any(j != page_size for j in got):
        raise RuntimeError(f"{len(got)} answers, jobs per answer {sorted(set(got))}")
    return {"wall_s": wall, "cpu_us": cpu_s * 1e6 / n, "requests": n,
            "concurrency": concurrency}


# ── (d) stream the feed, sample RSS ──────────────────────────────────────


def task_feed_rss(spec):
    lib, total, batch = spec["lib"], spec["total"], spec["batch_size"]
    checkpoints = sorted(spec["checkpoints"])
    client = ours_client(spec) if lib == "ours" else official_client(spec)
    feed = getattr(client, "feed", None)
    if feed is None or not hasattr(feed, "iter_jobs"):
        raise Unavailable("client.feed.iter_jobs does not exist yet")
    gc.collect()
    base_peak, base_now = peak_rss_kb(), rss_now_kb()
    samples = []
    n = 0
    chars = 0
    w0 = time.perf_counter()
    jobs = (feed.iter_jobs(batch_size=batch, prefetch=True) if spec.get("prefetch")
            else feed.iter_jobs(batch_size=batch))
    for job in jobs:
        n += 1
        chars += len(job.title)  # consume, keep nothing
        if checkpoints and n == checkpoints[0]:
            checkpoints.pop(0)
            samples.append({"jobs": n, "rss_kb": rss_now_kb(), "peak_kb": peak_rss_kb()})
        if n >= total:
            break
    wall = time.perf_counter() - w0
    peak = peak_rss_kb()
    return {"jobs": n, "wall_s": wall, "base_peak_kb": base_peak, "base_rss_kb": base_now,
            "peak_kb": peak, "growth_mb": (peak - base_peak) / 1024.0, "samples": samples}


# ── (f) decoding in 1 thread vs 2 threads ────────────────────────────────


def task_threads(spec):
    from jobo_enterprise.models import FeedPage

    with open(spec["path"], "rb") as fh:
        data = fh.read()
    parse = FeedPage.from_json  # the client's path: the parse into a lazy view
    if spec.get("touch") == "two":
        def decode(data):
            touch_two_models(parse(data))
    else:
        decode = parse
    per_thread = spec["pages_per_thread"]
    decode(data)

    def work(n, barrier=None):
        if barrier is not None:
            barrier.wait()
        for _ in range(n):
            decode(data)

    def single():
        w0 = time.perf_counter()
        work(2 * per_thread)
        return 2 * per_thread / (time.perf_counter() - w0)

    def dual():
        barrier = threading.Barrier(3)
        threads = [threading.Thread(target=work, args=(per_thread, barrier)) for _ in range(2)]
        for t in threads:
            t.start()
        barrier.wait()
        w0 = time.perf_counter()
        for t in threads:
            t.join()
        return 2 * per_thread / (time.perf_counter() - w0)

    if spec.get("dual_first"):
        t2 = dual()
        t1 = single()
    else:
        t1 = single()
        t2 = dual()
    return {"pages_per_s_1": t1, "pages_per_s_2": t2, "ratio": t2 / t1,
            "pages": 2 * per_thread}


def task_spin(spec):
    """A CPU-bound reference loop (pure Python): seconds of wall for spec["n"] steps."""
    n = spec["n"]
    w0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return {"wall_s": time.perf_counter() - w0}


# ── versions ─────────────────────────────────────────────────────────────


def task_versions(spec):
    import importlib.metadata as md

    out = {"python": sys.version.split()[0]}
    for name in spec["packages"]:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


# ── (i) the whole feed on Dask: 1 worker vs 2 ───────────────────────────


def task_dask_feed(spec):
    """The whole feed into pandas partitions on a LocalCluster of ``workers``
    processes (one thread each), or in this one process (``workers`` = 0, the plain
    ``feed.iter_jobs`` -> DataFrame); the wall time covers the load only."""
    try:
        import distributed
        from jobo_enterprise.dask import jobs_frame, read_feed
    except ModuleNotFoundError as exc:
        raise Unavailable(f"{exc.name} is missing: pip install 'jobo-enterprise-native[dask]'")
    from jobo_enterprise import JoboClient

    client = JoboClient(spec["key"], base_url=spec["base_url"], ca_bundle=spec["ca"])
    workers = spec["workers"]
    if workers == 0:
        w0 = time.perf_counter()
        frame = jobs_frame(client.feed.iter_jobs(batch_size=spec["batch_size"]))
        wall = time.perf_counter() - w0
        return {"wall_s": wall, "jobs": len(frame), "jobs_per_s": len(frame) / wall,
                "ids_sha256": ids_digest(sorted(frame["id"]))}
    c0 = time.perf_counter()
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as lc, \
            distributed.Client(lc):
        cluster_s = time.perf_counter() - c0
        key = spec["key"]
        w0 = time.perf_counter()
        from jobo_enterprise_sandbox.data import SOURCES  # the sandbox's 24: more than a
        # facet list holds, so they are given
        ddf = read_feed(client=client, sources=list(SOURCES), api_key=lambda: key,
                        batch_size=spec["batch_size"])
        ids = ddf["id"].compute(retries=2)
        wall = time.perf_counter() - w0
    return {"wall_s": wall, "jobs": len(ids), "jobs_per_s": len(ids) / wall,
            "cluster_start_s": cluster_s, "partitions": ddf.npartitions,
            "ids_sha256": ids_digest(sorted(ids)), "unique": bool(ids.is_unique)}


TASKS = {
    "search": task_search,
    "decode": task_decode,
    "iter_search": task_iter_search,
    "feed_rss": task_feed_rss,
    "threads": task_threads,
    "frame": task_frame,
    "spin": task_spin,
    "versions": task_versions,
    "async_search": task_async_search,
    "dask_feed": task_dask_feed,
}


def main() -> int:
    spec = json.loads(sys.argv[1])
    try:
        result = TASKS[spec["task"]](spec)
    except Unavailable as exc:
        result = {"unavailable": str(exc)}
    except Exception as exc:  # report, don't crash the whole benchmark
        name = type(exc).__name__
        if spec.get("unavailable_on_error"):
            result = {"unavailable": f"{name}: {exc}"[:300]}
        else:
            print(json.dumps({"error": f"{name}: {exc}"[:500]}))
            return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
