"""Record the benchmark's inputs from the sandbox: ``python prepare.py WORKDIR``.

Runs under our interpreter with the repository on ``sys.path`` (it needs
``jobo_enterprise_sandbox``, hence ``cryptography``). Writes into WORKDIR:

- ``search.json`` + ``search.headers.json``: the body and headers of a real sandbox
  answer to ``GET /api/jobs?q=data engineer&page_size=5`` (what nginx serves in (a));
- ``feed_page.json``: a 1,000-job feed page (``POST /api/jobs/feed`` with
  ``batch_size=1000`` when the sandbox has the feed, else composed from ten
  100-job search pages into the FeedResponse shape);
- ``tls/``: a CA (``ca.pem``) and a server certificate for 127.0.0.1
  (``server.pem``, ``server.key``) made with ``jobo_enterprise_sandbox.certs``.

Prints one JSON line describing what it wrote.
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
import sys
from urllib.parse import urlsplit, urlencode

from jobo_enterprise_sandbox import Sandbox
from jobo_enterprise_sandbox import certs

KEEP_HEADERS = ("content-type", "x-credits-used", "x-credits-remaining", "x-credits-deducted",
                "x-credits-balance", "x-ratelimit-limit", "x-ratelimit-remaining",
                "x-ratelimit-reset", "x-request-id")


def _conn(sb):
    u = urlsplit(sb.base_url)
    ctx = ssl.create_default_context(cafile=sb.ca_cert)
    return http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=120)


def _request(sb, method, path, body=None):
    conn = _conn(sb)
    headers = {"X-Api-Key": sb.keys["full"], "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, [(k, v) for k, v in r.getheaders()], data


def dumps(obj) -> bytes:
    # the sandbox's own serialisation (data.dumps)
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def main() -> int:
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    out = {}
    with Sandbox(seed=1) as sb:
        # (a): one real search answer and its headers
        query = urlencode({"q": "data engineer", "page_size": 5})
        status, headers, body = _request(sb, "GET", "/api/jobs?" + query)
        if status != 200:
            raise SystemExit(f"sandbox search answered {status}")
        with open(os.path.join(work, "search.json"), "wb") as fh:
            fh.write(body)
        kept = [(k, v) for k, v in headers if k.lower() in KEEP_HEADERS]
        with open(os.path.join(work, "search.headers.json"), "w") as fh:
            json.dump(kept, fh, indent=1)
        out["search_bytes"] = len(body)
        out["search_jobs"] = len(json.loads(body)["jobs"])

        # (b), (f): a 1,000-job feed page
        status, _, body = _request(sb, "POST", "/api/jobs/feed",
                                   body=dumps({"batch_size": 1000}))
        page = json.loads(body) if status == 200 else None
        if page is not None and len(page.get("jobs") or ()) == 1000:
            out["feed_source"] = "POST /api/jobs/feed (batch_size=1000)"
            feed = body
        else:
            jobs = []
            for p in range(1, 11):
                q = urlencode({"page": p, "page_size": 100, "include_facets": ""})
                status, _, b = _request(sb, "GET", "/api/jobs?" + q)
                if status != 200:
                    raise SystemExit(f"sandbox search page {p} answered {status}")
                jobs.extend(json.loads(b)["jobs"])
            feed = dumps({"jobs": jobs, "next_cursor": "bench-cursor-0000000000000001",
                          "has_more": True, "estimated_total": sb.jobs})
            out["feed_source"] = ("composed from 10 x GET /api/jobs?page_size=100 "
                                  f"(the feed answered {status})")
        with open(os.path.join(work, "feed_page.json"), "wb") as fh:
            fh.write(feed)
        out["feed_bytes"] = len(feed)
        out["feed_jobs"] = len(json.loads(feed)["jobs"])

    # TLS material for nginx
    tls = os.path.join(work, "tls")
    os.makedirs(tls, exist_ok=True)
    ca = certs.make_ca("jobo bench CA")
    leaf = certs.issue_cert(ca, ["127.0.0.1", "localhost"])
    with open(os.path.join(tls, "ca.pem"), "wb") as fh:
        fh.write(ca.cert_pem)
    cert_path, key_path = certs.write_pem_files(leaf, tls, "server")
    out.update({"ca": os.path.join(tls, "ca.pem"), "cert": cert_path, "key": key_path})
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
