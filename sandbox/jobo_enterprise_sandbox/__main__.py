"""``python -m jobo_enterprise_sandbox``: run the sandbox until SIGTERM or SIGINT.

The first line on stdout is one JSON object: ``base_url``, ``http_url``, ``ca_cert``
and ``keys`` (plan -> key).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import List, Optional

from .server import Sandbox


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m jobo_enterprise_sandbox",
        description="Serve a local emulation of the Jobo Enterprise API over HTTPS.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="HTTPS port (0 = any free port)")
    p.add_argument("--http-port", type=int, default=0,
                   help="plain-HTTP redirect port (0 = any free port, -1 = none)")
    p.add_argument("--state-dir", default=None,
                   help="directory for ca.pem, server.pem, server.key (default: a temporary "
                        "directory removed at exit)")
    p.add_argument("--seed", type=int, default=1, help="dataset and key seed (default 1)")
    p.add_argument("--jobs", type=int, default=5000, help="number of jobs (default 5000)")
    p.add_argument("--latency-ms", type=float, default=0,
                   help="latency added before each API response")
    p.add_argument("--path-prefix", default="", help="serve the API under this base path")
    p.add_argument("--cursor-ttl", type=float, default=3600,
                   help="seconds a feed cursor stays valid after it was issued (default 3600)")
    p.add_argument("--legacy-feed-limit", type=int, default=10_000,
                   help="jobs a stable_scan=false feed may page through (default 10000)")
    p.add_argument("--prerender", action="store_true",
                   help="build every job's JSON at start (slower start, fast first feed scan)")
    p.add_argument("--http2", action="store_true",
                   help="offer HTTP/2 (h2) by ALPN next to HTTP/1.1 (default: HTTP/1.1 only)")
    p.add_argument("--drop-expired", action="store_true",
                   help="feeds leave out jobs whose expiry time has passed (POST /__timeline "
                        "changes the data and advances the clock)")
    p.add_argument("--verbose", action="store_true", help="log each request to stderr")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sandbox = Sandbox(seed=args.seed, jobs=args.jobs, host=args.host, port=args.port,
                      http_port=None if args.http_port < 0 else args.http_port,
                      state_dir=args.state_dir, latency_ms=args.latency_ms,
                      path_prefix=args.path_prefix, verbose=args.verbose,
                      cursor_ttl=args.cursor_ttl, legacy_feed_limit=args.legacy_feed_limit,
                      prerender=args.prerender, drop_expired=args.drop_expired,
                      http2=args.http2)
    try:
        sandbox.start()
        try:
            sys.stdout.write(json.dumps(sandbox.info()) + "\n")
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            pass
        if args.verbose:
            sys.stderr.write(f"jobo sandbox ready in {sandbox.startup_seconds:.2f}s "
                             f"at {sandbox.base_url}\n")
        while not stop.wait(0.1):
            pass
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
