"""The servers the benchmark starts: nginx (static TLS) and the sandbox (a subprocess).

Both listen on 127.0.0.1 only, run as foreground children of the benchmark, and are
stopped (SIGTERM, then SIGKILL) when their ``with`` block ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from typing import Dict, List, Optional, Tuple


def _die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM if the benchmark dies (Linux prctl)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: Optional[subprocess.Popen], sig: int = signal.SIGTERM) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Nginx:
    """nginx serving one recorded JSON body for any ``GET /api/jobs`` query, over TLS,
    HTTP/1.1 with keep-alive (100,000 requests per connection), adding the recorded
    credit / rate-limit / request-id headers to every answer (``always``).

    One process (``master_process off``), in the foreground, with its own prefix,
    config, pid, temp and log files under ``workdir``; no system service is touched.
    The access log records ``$connection $connection_requests $http_user_agent`` so
    the benchmark can show that each client kept one connection.
    """

    def __init__(self, workdir: str, body_path: str, headers: List[Tuple[str, str]],
                 cert: str, key: str, reset_epoch: int):
        self.workdir = os.path.abspath(workdir)
        self.body_path = os.path.abspath(body_path)
        self.headers = headers
        self.cert = os.path.abspath(cert)
        self.key = os.path.abspath(key)
        self.reset_epoch = reset_epoch
        self.port = 0
        self.proc: Optional[subprocess.Popen] = None
        self.access_log = os.path.join(self.workdir, "access.log")
        self.version = ""

    def _config(self) -> str:
        add = []
        content_type = "application/json"
        for name, value in self.headers:
            low = name.lower()
            if low == "content-type":
                content_type = value
                continue
            if low == "x-ratelimit-reset":
                value = str(self.reset_epoch)  # a reset in the future: no client waits
            add.append(f"            add_header {name} {_quote(value)} always;")
        body_dir, body_name = os.path.split(self.body_path)
        w = self.workdir
        return f"""
daemon off;
master_process off;
worker_processes 1;
pid {w}/nginx.pid;
error_log {w}/error.log warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {w}/tmp/body;
    proxy_temp_path {w}/tmp/proxy;
    fastcgi_temp_path {w}/tmp/fastcgi;
    uwsgi_temp_path {w}/tmp/uwsgi;
    scgi_temp_path {w}/tmp/scgi;
    log_format conn '$connection $connection_requests "$http_user_agent"';
    access_log {self.access_log} conn buffer=256k flush=1s;
    keepalive_requests 100000;
    keepalive_timeout 300s;
    server_tokens off;
    types {{ }}
    open_file_cache max=16 inactive=600s;
    open_file_cache_valid 600s;
    server {{
        listen 127.0.0.1:{self.port} ssl;
        ssl_certificate {self.cert};
        ssl_certificate_key {self.key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:bench:1m;
        location = /api/jobs {{
            root {body_dir};
            default_type {content_type};
            try_files /{body_name} =404;
{chr(10).join(add)}
        }}
        location / {{ return 404; }}
    }}
}}
"""

    def __enter__(self) -> "Nginx":
        from .env import nginx_binary

        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (python3 -m bench installs it)")
        os.makedirs(os.path.join(self.workdir, "tmp"), exist_ok=True)
        for name in ("access.log", "error.log"):
            p = os.path.join(self.workdir, name)
            if os.path.exists(p):
                os.unlink(p)
        self.port = free_port()
        conf = os.path.join(self.workdir, "nginx.conf")
        with open(conf, "w") as fh:
            fh.write(self._config())
        v = subprocess.run([binary, "-v"], capture_output=True, text=True)
        self.version = (v.stderr or v.stdout).strip().split("/")[-1]
        # -e: the start-up error log too is ours (not the compiled-in /var/log/nginx)
        self.proc = subprocess.Popen([binary, "-p", self.workdir, "-c", conf, "-e",
                                      os.path.join(self.workdir, "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx failed: " + self.proc.stderr.read().decode()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        _stop(self.proc)
        raise RuntimeError("nginx did not start listening")

    def __exit__(self, *exc) -> None:
        _stop(self.proc, signal.SIGQUIT)  # graceful: flushes the access log

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """user+sys CPU nginx has used so far (from /proc)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError, AttributeError):
            return 0.0

    def connections_by_agent(self) -> Dict[str, Dict[str, int]]:
        """user agent prefix -> {"connections": distinct connections, "requests": n}."""
        out: Dict[str, Dict[str, set]] = {}
        counts: Dict[str, int] = {}
        try:
            with open(self.access_log) as fh:
                for line in fh:
                    parts = line.split(" ", 2)
                    if len(parts) < 3:
                        continue
                    agent = parts[2].strip().strip('"').split(" ")[0]
                    out.setdefault(agent, set()).add(parts[0])
                    counts[agent] = counts.get(agent, 0) + 1
        except FileNotFoundError:
            return {}
        return {a: {"connections": len(c), "requests": counts[a]} for a, c in out.items()}


class SandboxProcess:
    """``python -m jobo_enterprise_sandbox`` as a child process on 127.0.0.1."""

    def __init__(self, python: str, env: Dict[str, str], jobs: int = 5000,
                 latency_ms: float = 0, seed: int = 1, start_timeout: float = 180,
                 log_path: Optional[str] = None, http2: bool = False):
        self.python = python
        self.http2 = http2
        self.env = env
        self.jobs = jobs
        self.latency_ms = latency_ms
        self.seed = seed
        self.start_timeout = start_timeout
        self.proc: Optional[subprocess.Popen] = None
        self.info: dict = {}
        self.startup_s = 0.0
        self.log_path = log_path
        self._log = None

    def __enter__(self) -> "SandboxProcess":
        cmd = [self.python, "-m", "jobo_enterprise_sandbox", "--host", "127.0.0.1",
               "--port", "0", "--http-port", "-1", "--seed", str(self.seed),
               "--jobs", str(self.jobs), "--latency-ms", str(self.latency_ms)]
        if self.http2:
            cmd.append("--http2")
        t0 = time.monotonic()
        self._log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=subprocess.PIPE,
                                     stderr=self._log, text=True, preexec_fn=_die_with_parent)
        import selectors

        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        line = ""
        while time.monotonic() - t0 < self.start_timeout:
            if sel.select(timeout=0.5):
                line = self.proc.stdout.readline()
                break
            if self.proc.poll() is not None:
                break
        sel.close()
        if not line:
            _stop(self.proc)
            err = self._tail()
            raise RuntimeError(f"the sandbox did not start: {err}")
        self.info = json.loads(line)
        self.startup_s = time.monotonic() - t0
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.proc)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()

    def _tail(self) -> str:
        if not self.log_path:
            return ""
        try:
            with open(self.log_path) as fh:
                return fh.read()[-2000:]
        except OSError:
            return ""

    def reset(self) -> None:
        """Restore the default keys' balances and rate windows (``POST /__reset``)."""
        import http.client
        import ssl
        from urllib.parse import urlsplit

        u = urlsplit(self.base_url)
        ctx = ssl.create_default_context(cafile=self.ca)
        conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
        try:
            conn.request("POST", "/__reset", body=b"{}",
                         headers={"Content-Type": "application/json"})
            conn.getresponse().read()
        except OSError:
            pass
        finally:
            conn.close()

    @property
    def base_url(self) -> str:
        return self.info["base_url"]

    @property
    def ca(self) -> str:
        return self.info["ca_cert"]

    @property
    def key(self) -> str:
        return self.info["keys"]["full"]
