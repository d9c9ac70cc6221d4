"""``python3 -m bench``: build, install, measure (a)–(f), write bench/RESULTS.md.

See bench/README.md. Every measurement runs in a process of its own; servers are
started here and stopped at the end of their part.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

from . import env as E
from .report import write_results
from .servers import Nginx, SandboxProcess

WORKER = os.path.join(E.BENCH, "worker.py")
PREPARE = os.path.join(E.BENCH, "prepare.py")
RESULTS_JSON = os.path.join(E.WORK, "results.json")
PARTS = "abcdefghi"


class Ctx:
    """What the parts share: interpreters, environments, options, recorded inputs."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.runs: int = args.runs
        self.quick: bool = args.quick
        self.ours = ""
        self.peers = ""
        self.floor = ""
        self.inputs: Dict[str, Any] = {}
        self.notes: List[str] = []

    # -- subprocesses -------------------------------------------------------------
    def worker(self, side: str, spec: Dict[str, Any], timeout: float = 600) -> Dict[str, Any]:
        """Run worker.py with *spec* on "ours" or "peers"; returns its JSON result."""
        if side == "ours":
            cmd, env = [self.ours, WORKER], E.ours_env()
        else:
            cmd, env = [self.peers, "-I", WORKER], E.peers_env()
        return _run_json(cmd + [json.dumps(spec)], env, timeout)


def _run_json(cmd: List[str], env: Dict[str, str], timeout: float) -> Dict[str, Any]:
    try:
        r = subprocess.run(cmd, env=env, cwd=E.WORK, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"error": f"exit {r.returncode}: {(r.stderr or r.stdout)[-800:]}"}
    out = json.loads(lines[-1])
    if r.returncode != 0 and "error" not in out:
        out["error"] = f"exit {r.returncode}: {r.stderr[-800:]}"
    if "error" in out and r.stderr:
        out["stderr"] = r.stderr[-1500:]
    return out


def _log_result(part: str, name: str, run: int, res: Dict[str, Any], key: str, unit: str) -> None:
    if "error" in res:
        E.say(f"({part}) {name} run {run + 1}: ERROR {res['error'][:300]}")
    elif "unavailable" in res:
        E.say(f"({part}) {name} run {run + 1}: not available: {res['unavailable'][:200]}")
    else:
        E.say(f"({part}) {name} run {run + 1}: {key}={res[key]:.4g} {unit}")


def _rotate(items: List[str], r: int) -> List[str]:
    """A different order each run, so that drift on a noisy machine spreads evenly."""
    k = r % len(items)
    return items[k:] + items[:k]


def summarize(values: List[float]) -> Dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def _collect(runs: List[Dict[str, Any]], keys: List[str]) -> Dict[str, Any]:
    """Per-run results -> {"runs": [...], key: summary, ...} (or the failure)."""
    ok = [r for r in runs if "error" not in r and "unavailable" not in r]
    out: Dict[str, Any] = {"runs": runs}
    if not ok:
        bad = runs[0] if runs else {"error": "not run"}
        out["unavailable" if "unavailable" in bad else "error"] = bad.get(
            "unavailable", bad.get("error"))
        return out
    for k in keys:
        out[k] = summarize([r[k] for r in ok])
    if len(ok) < len(runs):
        out["failed_runs"] = len(runs) - len(ok)
    return out


# ── (a) search call: CPU and wall per call ───────────────────────────────────


def part_a(ctx: Ctx) -> Dict[str, Any]:
    n = 300 if ctx.quick else ctx.args.calls
    warmup = 30 if ctx.quick else 100
    headers = json.load(open(os.path.join(E.WORK, "search.headers.json")))
    libs = ["ours", "official", "requests", "httpx", "floor"]
    per: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in libs}
    with Nginx(os.path.join(E.WORK, "nginx"), os.path.join(E.WORK, "search.json"), headers,
               ctx.inputs["cert"], ctx.inputs["key"], int(time.time()) + 7200) as ngx:
        base = {"task": "search", "base_url": ngx.base_url, "ca": ctx.inputs["ca"],
                "key": "jbe_test_bench0000000000000000", "q": "data engineer",
                "page_size": 5, "n": n, "warmup": warmup}
        url = ngx.base_url + "/api/jobs?q=data%20engineer&page_size=5"
        for r in range(ctx.runs):
            for lib in _rotate(libs, r):
                if lib == "floor":
                    res = _run_json([ctx.floor, url, ctx.inputs["ca"], base["key"], str(n),
                                     str(warmup)], dict(os.environ), 600)
                else:
                    side = "ours" if lib == "ours" else "peers"
                    res = ctx.worker(side, dict(base, lib=lib))
                per[lib].append(res)
                _log_result("a", lib, r, res, "cpu_us", "us CPU/call")
        nginx_version = ngx.version
        nginx_cpu = ngx.cpu_seconds()
    conns = ngx.connections_by_agent()
    total_requests = sum(c["requests"] for c in conns.values())
    out = {"params": {"calls": n, "warmup": warmup, "runs": ctx.runs,
                      "response_bytes": ctx.inputs["search_bytes"],
                      "response_jobs": ctx.inputs["search_jobs"],
                      "server": f"nginx {nginx_version}, TLS, HTTP/1.1 keep-alive, 1 process",
                      "server_cpu_us_per_request": (nginx_cpu * 1e6 / total_requests
                                                    if total_requests else None)},
           "libs": {lib: _collect(per[lib], ["cpu_us", "user_us", "sys_us", "wall_us"])
                    for lib in libs},
           "connections": conns}
    floor_ok = [x for x in per["floor"] if "libcurl" in x]
    if floor_ok:
        out["floor_versions"] = {"libcurl": floor_ok[0]["libcurl"], "cjson": floor_ok[0]["cjson"]}
    return out


# ── (b) decode a 1,000-job page ──────────────────────────────────────────────


def part_b(ctx: Ctx) -> Dict[str, Any]:
    iters = 2 if ctx.quick else 6
    libs = ["ours", "msgspec", "official_validate", "official_validate_json", "json", "orjson"]
    path = os.path.join(E.WORK, "feed_page.json")
    out: Dict[str, Any] = {"params": {"iters_per_run": iters, "runs": ctx.runs,
                                      "bytes": ctx.inputs["feed_bytes"],
                                      "jobs": ctx.inputs["feed_jobs"],
                                      "source": ctx.inputs["feed_source"]}}
    for mode in ("all", "two", "none"):
        per: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in libs}
        for r in range(ctx.runs):
            for lib in _rotate(libs, r):
                side = "ours" if lib == "ours" else "peers"
                res = ctx.worker(side, {"task": "decode", "lib": lib, "mode": mode,
                                        "path": path, "iters": iters})
                per[lib].append(res)
                _log_result("b", f"{lib}/{mode}", r, res, "cpu_ms", "ms CPU/page")
        out[mode] = {lib: _collect(per[lib], ["cpu_ms", "wall_ms"]) for lib in libs}
        sums = {lib: next((x["checksum"] for x in per[lib] if "checksum" in x), None)
                for lib in libs}
        out[mode + "_checksums"] = sums
    return out


# ── (c) all pages of a 5,000-job search with 50 ms latency ───────────────────


#: (c): extra rows that show how the wall time depends on ``prefetch`` (not targets)
PREFETCH_SWEEP = (8, 16)
#: (c) over HTTP/2 (a second sandbox with --http2): lib -> prefetch (None: the default)
H2_ROWS = {"h2_prefetch": None, "h2_prefetch_16": 16}


def part_c(ctx: Ctx) -> Dict[str, Any]:
    libs = ["ours_prefetch", "ours_seq", "official"] + [
        f"ours_prefetch_{p}" for p in PREFETCH_SWEEP]
    libs += list(H2_ROWS)
    per: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in libs}
    with SandboxProcess(ctx.ours, E.ours_env(), jobs=5000, latency_ms=50,
                        log_path=os.path.join(E.WORK, "sandbox-c.log")) as sb, \
            SandboxProcess(ctx.ours, E.ours_env(), jobs=5000, latency_ms=50, http2=True,
                           log_path=os.path.join(E.WORK, "sandbox-c-h2.log")) as sb2:
        for r in range(ctx.runs):
            for lib in _rotate(libs, r):
                server = sb2 if lib in H2_ROWS else sb
                server.reset()
                spec = {"task": "iter_search", "base_url": server.base_url, "ca": server.ca,
                        "key": server.key, "page_size": 100, "unavailable_on_error": True,
                        "lib": lib}
                side = "peers" if lib == "official" else "ours"
                if lib.startswith("ours_prefetch_"):
                    spec.update(lib="ours_prefetch", prefetch=int(lib.rsplit("_", 1)[1]))
                elif lib in H2_ROWS:  # HTTP/2 required: a fallback would be an error
                    spec.update(lib="ours_prefetch", prefetch=H2_ROWS[lib], http_version="2")
                else:
                    spec["http_version"] = "1.1"  # HTTP/1.1 rows stay HTTP/1.1
                res = ctx.worker(side, spec, timeout=300)
                per[lib].append(res)
                _log_result("c", lib, r, res, "wall_s", "s")
    out: Dict[str, Any] = {"params": {"jobs": 5000, "page_size": 100, "latency_ms": 50,
                                      "runs": ctx.runs, "server": "jobo_enterprise_sandbox "
                                      "subprocess (threaded, one thread per connection)"},
                           "libs": {lib: _collect(per[lib], ["wall_s"]) for lib in libs}}
    digests = {}
    for lib in libs:
        ok = [x for x in per[lib] if "ids_sha256" in x]
        if ok:
            digests[lib] = {"sha256": sorted({x["ids_sha256"] for x in ok}),
                            "jobs": sorted({x["jobs"] for x in ok}),
                            "variant": ok[0]["variant"], "first_ids": ok[0]["first_ids"]}
    out["ids"] = digests
    return out


# ── (g) 1,000 searches from one event loop, 100 in flight ─────────────────

ASYNC_LIBS = ["ours_async", "official_async", "aiohttp", "ours_to_thread", "async_floor"]


def part_g(ctx: Ctx) -> Dict[str, Any]:
    n = 300 if ctx.quick else 1000
    per: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in ASYNC_LIBS}
    with SandboxProcess(ctx.ours, E.ours_env(), jobs=5000, latency_ms=50,
                        log_path=os.path.join(E.WORK, "sandbox-g.log")) as sb:
        for r in range(ctx.runs):
            for lib in _rotate(ASYNC_LIBS, r):
                sb.reset()
                if lib == "async_floor":
                    # the same load from C: libcurl's multi-socket interface on epoll,
                    # cJSON on every body, no Python and no event loop
                    url = sb.base_url + "/api/jobs?q=data%20engineer&page_size=5"
                    res = _run_json([ctx.floor, "--concurrent", "100", url, sb.ca, sb.key,
                                     str(n)], dict(os.environ), 600)
                    per[lib].append(res)
                    _log_result("g", lib, r, res, "cpu_us", "us CPU/request")
                    continue
                spec = {"task": "async_search", "base_url": sb.base_url, "ca": sb.ca,
                        "key": sb.key, "lib": lib, "n": n, "concurrency": 100,
                        "q": "data engineer", "page_size": 5, "http_version": "1.1"}
                side = "ours" if lib.startswith("ours") else "peers"
                res = ctx.worker(side, spec, timeout=600)
                per[lib].append(res)
                _log_result("g", lib, r, res, "wall_s", "s")
    return {"params": {"requests": n, "concurrency": 100, "latency_ms": 50, "page_size": 5,
                       "runs": ctx.runs, "server": "jobo_enterprise_sandbox subprocess "
                       "(threaded, one thread per connection), HTTP/1.1"},
            "libs": {lib: _collect(per[lib], ["wall_s", "cpu_us"]) for lib in ASYNC_LIBS}}


# ── (d) peak RSS while streaming the feed ────────────────────────────────────


def part_d(ctx: Ctx) -> Dict[str, Any]:
    total = 20000 if ctx.quick else 100000
    checkpoints = [total // 10, total // 2, total]
    libs = ["ours", "ours_feed_prefetch", "official"]
    per: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in libs}
    E.say(f"(d) starting a sandbox with {total} jobs")
    with SandboxProcess(ctx.ours, E.ours_env(), jobs=total, latency_ms=0, start_timeout=600,
                        log_path=os.path.join(E.WORK, "sandbox-d.log")) as sb:
        base = {"task": "feed_rss", "base_url": sb.base_url, "ca": sb.ca, "key": sb.key,
                "total": total, "batch_size": 1000, "checkpoints": checkpoints,
                "unavailable_on_error": True}
        for r in range(ctx.runs):
            for lib in _rotate(libs, r):
                sb.reset()
                spec = dict(base, lib="ours" if lib.startswith("ours") else lib,
                            prefetch=lib == "ours_feed_prefetch")
                res = ctx.worker("ours" if lib.startswith("ours") else "peers", spec, timeout=600)
                per[lib].append(res)
                _log_result("d", lib, r, res, "growth_mb", "MB peak growth")
        startup = sb.startup_s
    out: Dict[str, Any] = {"params": {"jobs": total, "batch_size": 1000, "runs": ctx.runs,
                                      "checkpoints": checkpoints,
                                      "sandbox_startup_s": round(startup, 1)},
                           "libs": {}}
    for lib in libs:
        ok = [x for x in per[lib] if "samples" in x]
        for x in ok:
            for s in x["samples"]:
                x[f"rss_at_{s['jobs']}_mb"] = s["rss_kb"] / 1024.0
            x["base_rss_mb"] = x["base_rss_kb"] / 1024.0
            x["peak_mb"] = x["peak_kb"] / 1024.0
        keys = ["growth_mb", "peak_mb", "base_rss_mb", "wall_s"] + [
            f"rss_at_{c}_mb" for c in checkpoints]
        out["libs"][lib] = _collect(per[lib], keys if ok else [])
    return out


# ── (e) import time ──────────────────────────────────────────────────────────


_IMPORT_CODE = (
    "import sys, time\n"
    "{prelude}"
    "t0 = time.perf_counter()\n"
    "{stmt}\n"
    "t1 = time.perf_counter()\n"
    "print((t1 - t0) * 1e3)\n"
)


def part_e(ctx: Ctx) -> Dict[str, Any]:
    n = max(10, 4 * ctx.runs) if not ctx.quick else 10
    # The same interpreter (the peers' venv) for both sides: ours is put first on
    # sys.path, so the repository's jobo_enterprise is the one imported.
    sides = {
        "ours": (ctx.peers, f"sys.path.insert(0, {E.REPO!r})\n"),
        "official": (ctx.peers, ""),
    }
    samples: Dict[str, Dict[str, List[float]]] = {
        s: {"inproc_ms": [], "process_ms": [], "bare_process_ms": []} for s in sides}

    def once(python: str, prelude: str, stmt: str) -> (float, float):
        code = _IMPORT_CODE.format(prelude=prelude, stmt=stmt)
        t0 = time.perf_counter()
        r = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True,
                           cwd=E.WORK, env=E.peers_env(), timeout=60)
        wall = (time.perf_counter() - t0) * 1e3
        if r.returncode != 0:
            raise RuntimeError(r.stderr[-800:])
        return float(r.stdout.strip().splitlines()[-1]), wall

    errors = {}
    for side, (python, prelude) in sides.items():
        try:
            once(python, prelude, "import jobo_enterprise")  # write .pyc files first
        except RuntimeError as exc:
            errors[side] = str(exc)
    for i in range(n):
        for side in _rotate(list(sides), i):
            if side in errors:
                continue
            python, prelude = sides[side]
            inproc, wall = once(python, prelude, "import jobo_enterprise")
            _, bare = once(python, prelude, "pass")
            samples[side]["inproc_ms"].append(inproc)
            samples[side]["process_ms"].append(wall)
            samples[side]["bare_process_ms"].append(bare)
    out: Dict[str, Any] = {"params": {"runs": n}, "libs": {}}
    for side in sides:
        if side in errors:
            out["libs"][side] = {"error": errors[side]}
            continue
        s = samples[side]
        diff = [a - b for a, b in zip(s["process_ms"], s["bare_process_ms"])]
        out["libs"][side] = {"inproc_ms": summarize(s["inproc_ms"]),
                             "above_bare_ms": summarize(diff),
                             "bare_process_ms": summarize(s["bare_process_ms"])}
        E.say(f"(e) {side}: import {out['libs'][side]['inproc_ms']['median']:.1f} ms in process,"
              f" {out['libs'][side]['above_bare_ms']['median']:.1f} ms above a bare interpreter")
    # which modules each side imports (for the report)
    for side, (python, prelude) in sides.items():
        if side in errors:
            continue
        code = prelude + ("import jobo_enterprise\nimport sys\n"
                          "print(len(sys.modules))")
        r = subprocess.run([python, "-I", "-c", "import sys\n" + code], capture_output=True,
                           text=True, cwd=E.WORK, env=E.peers_env(), timeout=60)
        bare = subprocess.run([python, "-I", "-c", "import sys; print(len(sys.modules))"],
                              capture_output=True, text=True, cwd=E.WORK, timeout=60)
        try:
            out["libs"][side]["modules_added"] = int(r.stdout.split()[-1]) - int(
                bare.stdout.split()[-1])
        except (ValueError, IndexError):
            pass
    return out


# ── (f) decoding on 2 threads vs 1 ───────────────────────────────────────────


def part_f(ctx: Ctx) -> Dict[str, Any]:
    per_thread = 6 if ctx.quick else 20
    path = os.path.join(E.WORK, "feed_page.json")
    runs = []
    for r in range(ctx.runs):
        res = ctx.worker("ours", {"task": "threads", "path": path,
                                  "pages_per_thread": per_thread, "dual_first": r % 2 == 1})
        two = ctx.worker("ours", {"task": "threads", "path": path, "touch": "two",
                                  "pages_per_thread": per_thread, "dual_first": r % 2 == 0})
        if "ratio" in two:
            res.update({"two_" + k: v for k, v in two.items()
                        if k in ("pages_per_s_1", "pages_per_s_2", "ratio")})
        if "ratio" in res:
            res["machine"] = machine_parallelism(ctx)
            res["ratio_of_machine"] = res["ratio"] / res["machine"]
        runs.append(res)
        _log_result("f", "ours", r, res, "ratio", "x")
        if "machine" in res:
            E.say(f"(f) the machine gave {res['machine']:.2f}x with 2 processes")
    return {"params": {"pages_per_thread": per_thread, "runs": ctx.runs,
                       "page_bytes": ctx.inputs["feed_bytes"]},
            "ours": _collect(runs, ["pages_per_s_1", "pages_per_s_2", "ratio", "machine",
                                    "ratio_of_machine", "two_pages_per_s_1",
                                    "two_pages_per_s_2", "two_ratio"])}


# ── (h) 100,000 feed jobs to a DataFrame ──────────────────────────────────


def part_h(ctx: Ctx) -> Dict[str, Any]:
    pages = 10 if ctx.quick else 100
    libs = ["ours", "json_normalize", "official", "ours_arrow"]
    path = os.path.join(E.WORK, "feed_page.json")
    per: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in libs}
    for r in range(ctx.runs):
        for lib in _rotate(libs, r):
            res = ctx.worker("ours" if lib.startswith("ours") else "peers",
                             {"task": "frame", "lib": lib, "path": path, "pages": pages},
                             timeout=900)
            per[lib].append(res)
            _log_result("h", lib, r, res, "cpu_s", "s CPU")
    out: Dict[str, Any] = {"params": {"pages": pages, "runs": ctx.runs,
                                      "jobs": pages * ctx.inputs["feed_jobs"],
                                      "page_bytes": ctx.inputs["feed_bytes"]}}
    out["libs"] = {lib: _collect(per[lib], ["cpu_s", "wall_s", "peak_rss_mb"]) for lib in libs}
    out["shapes"] = {lib: next(([x["rows"], x["columns"]] for x in per[lib] if "rows" in x), None)
                     for lib in libs}
    # the ratio of each run (the three of a run measured back to back)
    for peer in ("json_normalize", "official"):
        ratios = [n["cpu_s"] / o["cpu_s"] for o, n in zip(per["ours"], per[peer])
                  if "cpu_s" in o and "cpu_s" in n]
        out["ratio_" + peer] = summarize(ratios) if ratios else None
    return out


def machine_parallelism(ctx: Ctx, steps: int = 15_000_000) -> float:
    """What two CPU-bound processes get from this machine right now, relative to one
    (2.0 on two idle cores; less when something else is running)."""
    spec = json.dumps({"task": "spin", "n": steps})
    cmd = [ctx.peers, "-I", WORKER, spec]
    one = _run_json(cmd, E.peers_env(), 120)
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=E.WORK,
                              env=E.peers_env()) for _ in range(2)]
    walls = [json.loads(p.communicate(timeout=120)[0].splitlines()[-1])["wall_s"]
             for p in procs]
    return 2 * one["wall_s"] / max(walls)


# ── (i) the whole feed on Dask: 1 worker vs 2 ────────────────────────────────


def part_i(ctx: Ctx) -> Dict[str, Any]:
    """Wall time of ``jobo_enterprise.dask.read_feed`` over the whole feed (one
    partition per source) on a LocalCluster of 1 and of 2 worker processes, next to
    the plain single-process scan; the sandbox adds a network-like latency per page."""
    total = 10000 if ctx.quick else 40000
    batch = 1000
    latency = 50
    libs = ["plain", "dask_1", "dask_2"]
    per: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in libs}
    with SandboxProcess(ctx.ours, E.ours_env(), jobs=total, latency_ms=latency,
                        start_timeout=600, log_path=os.path.join(E.WORK, "sandbox-i.log")) as sb:
        base = {"task": "dask_feed", "base_url": sb.base_url, "ca": sb.ca, "key": sb.key,
                "batch_size": batch, "unavailable_on_error": True}
        ctx.worker("ours", dict(base, workers=0), timeout=900)   # warm-up: every job rendered
        for r in range(ctx.runs):
            for lib in _rotate(libs, r):
                sb.reset()
                workers = 0 if lib == "plain" else int(lib.rsplit("_", 1)[1])
                res = ctx.worker("ours", dict(base, workers=workers), timeout=900)
                per[lib].append(res)
                _log_result("i", lib, r, res, "wall_s", "s")
    out: Dict[str, Any] = {
        "params": {"jobs": total, "batch_size": batch, "latency_ms": latency,
                   "runs": ctx.runs, "cores": os.cpu_count()},
        "libs": {lib: _collect(per[lib], ["wall_s", "jobs_per_s"] + (
            ["cluster_start_s"] if lib != "plain" else [])) for lib in libs}}
    out["ids"] = {lib: sorted({x["ids_sha256"] for x in per[lib] if "ids_sha256" in x})
                  for lib in libs}
    out["jobs"] = {lib: sorted({x["jobs"] for x in per[lib] if "jobs" in x}) for lib in libs}
    parts = sorted({x["partitions"] for x in per["dask_2"] if "partitions" in x})
    out["params"]["partitions"] = parts[0] if len(parts) == 1 else parts
    ratios = [a["wall_s"] / b["wall_s"] for a, b in zip(per["dask_1"], per["dask_2"])
              if "wall_s" in a and "wall_s" in b]
    if ratios:
        out["speedup_2_vs_1"] = summarize(ratios)
    return out


PART_FUNCS: Dict[str, Callable[[Ctx], Dict[str, Any]]] = {
    "a": part_a, "b": part_b, "c": part_c, "d": part_d, "e": part_e, "f": part_f,
    "g": part_g, "h": part_h, "i": part_i}


# ── main ─────────────────────────────────────────────────────────────────────


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--only", default=PARTS,
                   help="parts to run, e.g. 'a,b' (default: all of a,b,c,d,e,f,g,h,i)")
    p.add_argument("--runs", type=int, default=None,
                   help="runs (processes) per measurement (default 5; 3 with --quick)")
    p.add_argument("--quick", action="store_true",
                   help="smaller counts (300 calls, 20,000 feed jobs, ...) for a fast check")
    p.add_argument("--calls", type=int, default=2000, help="search calls per run in (a)")
    p.add_argument("--no-setup", action="store_true",
                   help="skip apt-get / pip / build steps (use what is there)")
    p.add_argument("--repo", default=E.REPO,
                   help="checkout whose jobo_enterprise is measured as 'ours' (default: the "
                        "repository bench/ is in); e.g. a baseline checkout to compare")
    p.add_argument("--output", default=os.path.join(E.BENCH, "RESULTS.md"),
                   help="where to write the results (default bench/RESULTS.md)")
    args = p.parse_args(argv)
    args.only = [c for c in args.only.replace(",", "").lower() if c in PARTS]
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.runs < 1:
        p.error("--runs must be >= 1")
    return args


def setup(ctx: Ctx) -> Dict[str, Any]:
    os.makedirs(E.WORK, exist_ok=True)
    if not ctx.args.no_setup:
        E.ensure_debian()
    ctx.peers = E.peers_python() if not ctx.args.no_setup else os.path.join(
        E.PEERS_VENV, "bin", "python")
    ctx.ours = E.ours_python() if not ctx.args.no_setup else sys.executable
    build_note = E.build_ours(ctx.ours) if not ctx.args.no_setup else "not rebuilt (--no-setup)"
    ctx.floor = E.build_floor()
    E.say("recording the inputs from the sandbox")
    r = _run_json([ctx.ours, PREPARE, E.WORK], E.ours_env(), 300)
    inputs_json = os.path.join(E.WORK, "inputs.json")
    if "error" in r:
        if not os.path.exists(inputs_json):
            sys.exit("error: could not record the inputs: " + r["error"])
        E.say("warning: could not record the inputs; using the previous recording: "
              + r["error"][-300:])
        with open(inputs_json) as fh:
            r = json.load(fh)
        r["note"] = "previous recording reused (the sandbox failed to start)"
    else:
        with open(inputs_json, "w") as fh:
            json.dump(r, fh)
    ctx.inputs = r
    peers = ctx.worker("peers", {"task": "versions", "packages": E.PEER_PACKAGES})
    ours = _run_json([ctx.ours, "-c",
                      "import json, ssl, jobo_enterprise as j, jobo_enterprise._core as c;"
                      "print(json.dumps({'version': j.__version__, 'core': c.version_info(),"
                      " 'openssl': ssl.OPENSSL_VERSION}))"], E.ours_env(), 60)
    ngx = E.nginx_binary()
    nginx_v = subprocess.run([ngx, "-v"], capture_output=True, text=True).stderr.strip() \
        if ngx else "not installed"
    git = subprocess.run(["git", "-C", E.REPO, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", E.REPO, "status", "--porcelain", "--",
                            "csrc", "jobo_enterprise"], capture_output=True,
                           text=True).stdout.strip()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": E.machine(),
        "python": peers.get("python", sys.version.split()[0]),
        "peers": peers,
        "ours": ours,
        "build": build_note,
        "git": git + (" + uncommitted changes" if dirty else ""),
        "debian": {p: E.dpkg_version(p) for p in ("libcurl4-openssl-dev", "libcjson-dev",
                                                  "gcc")},
        "nginx": f"{nginx_v.split(':', 1)[-1].strip()} ({ngx})",
        "inputs": ctx.inputs,
        "ours_python": ctx.ours,
        "argv": " ".join(sys.argv[1:]),
        "runs": ctx.runs,
        "quick": ctx.quick,
    }


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers' with-blocks stop them
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    E.REPO = os.path.abspath(args.repo)
    ctx = Ctx(args)
    t0 = time.monotonic()
    meta = setup(ctx)
    results_json = RESULTS_JSON
    if os.path.abspath(args.output) != os.path.join(E.BENCH, "RESULTS.md"):
        results_json = os.path.splitext(args.output)[0] + ".json"  # keep the real one intact
        os.makedirs(os.path.dirname(os.path.abspath(results_json)), exist_ok=True)
    try:
        with open(results_json) as fh:
            stored = json.load(fh)
    except (OSError, ValueError):
        stored = {"parts": {}}
    stored["meta"] = meta
    for part in args.only:
        E.say(f"part ({part})")
        t = time.monotonic()
        load0 = os.getloadavg()[0]
        res = PART_FUNCS[part](ctx)
        res["load"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
        res["date"] = meta["date"]
        res["seconds"] = round(time.monotonic() - t, 1)
        res["quick"] = ctx.quick
        stored["parts"][part] = res
        with open(results_json, "w") as fh:
            json.dump(stored, fh, indent=1)
    stored["meta"]["total_seconds"] = round(time.monotonic() - t0, 1)
    with open(results_json, "w") as fh:
        json.dump(stored, fh, indent=1)
    path = write_results(stored, args.output, current=args.only)
    E.say(f"wrote {os.path.relpath(path, os.getcwd())} in {time.monotonic() - t0:.0f} s")
    return 0
