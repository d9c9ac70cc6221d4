"""A tiny standard-library client for a running :class:`~.server.Sandbox` (tests, fault
probes, scripts): ``http.client`` over TLS trusting the sandbox CA, plus a raw TLS
socket exchange for byte-level faults.

>>> with Sandbox(seed=1, jobs=50) as sb:                          # doctest: +SKIP
...     api = StdClient(sb)
...     api.ok(api.get("/api/jobs", page_size=1))["total"]
50
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple
from urllib.parse import quote, urlencode, urlsplit

if TYPE_CHECKING:
    from .server import Sandbox

__all__ = ["Reply", "StdClient"]


class Reply:
    """One answer: ``status``, ``headers`` (an ``http.client.HTTPMessage``), ``body``
    (bytes) and ``elapsed`` (seconds from sending to the end of the body)."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes,
                 elapsed: float = 0.0) -> None:
        self.status = status
        self.headers: http.client.HTTPMessage = headers
        self.body = body
        self.elapsed = elapsed

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class StdClient:
    """Requests to one sandbox. ``key`` arguments are plan names of ``sb.keys`` or
    literal keys (None: no key header)."""

    def __init__(self, sb: "Sandbox", timeout: float = 20.0) -> None:
        self.sb: Sandbox = sb
        split = urlsplit(sb.base_url)
        self.host: Optional[str] = split.hostname
        self.port: Optional[int] = split.port
        self.prefix: str = split.path
        self.ctx: ssl.SSLContext = ssl.create_default_context(cafile=sb.ca_cert)
        self.timeout = timeout

    def connect(self, timeout: Optional[float] = None) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(self.host, self.port, context=self.ctx,
                                           timeout=timeout or self.timeout)

    def _key(self, key: Optional[str]) -> Optional[str]:
        return None if key is None else self.sb.keys.get(key, key)

    def request(self, method: str, path: str, key: Optional[str] = "full",
                params: Optional[Dict[str, Any]] = None, body: Any = None,
                headers: Optional[Dict[str, str]] = None,
                conn: Optional[http.client.HTTPSConnection] = None) -> Reply:
        """``body``: bytes as they are, anything else as JSON."""
        hdrs = {"Accept": "application/json"}
        if key is not None:
            hdrs["X-Api-Key"] = self._key(key)
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        if params:
            path += "?" + urlencode(params)
        own = conn is None
        conn = conn or self.connect()
        started = time.perf_counter()
        try:
            conn.request(method, self.prefix + path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return Reply(resp.status, resp.headers, data, time.perf_counter() - started)
        finally:
            if own:
                conn.close()

    def get(self, path: str, key: Optional[str] = "full", **params: Any) -> Reply:
        return self.request("GET", path, key=key, params=params or None)

    def post(self, path: str, body: Any, key: Optional[str] = "full", **params: Any) -> Reply:
        return self.request("POST", path, key=key, body=body, params=params or None)

    @staticmethod
    def ok(reply: Reply) -> Any:
        """The JSON of a 200 answer (AssertionError otherwise)."""
        assert reply.status == 200, (reply.status, reply.body[:300])
        return reply.json()

    # -- faults ---------------------------------------------------------------------
    def fault(self, spec: str, path: str = "/api/jobs", key: Optional[str] = "full",
              **params: Any) -> Reply:
        """GET ``path`` through the fault ``spec``."""
        return self.get(f"/__fault/{spec}{path}", key=key, **params)

    def fault_requests(self, token: str) -> int:
        """``GET /__fault/stats/<token>``."""
        reply = self.get("/__fault/stats/" + quote(token, safe=""), key=None)
        return self.ok(reply)["requests"]

    def raw(self, target: str, key: Optional[str] = "full", timeout: float = 10.0
            ) -> Tuple[str, Dict[str, str], bytes, Optional[BaseException]]:
        """Send one GET over a raw TLS socket and read until EOF or error: (status line,
        lowercase headers, body bytes, the exception that ended the read or None)."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        tls = self.ctx.wrap_socket(sock, server_hostname=self.host)
        try:
            lines = [f"GET {self.prefix}{target} HTTP/1.1", f"Host: {self.host}",
                     "Connection: close"]
            if key is not None:
                lines.append(f"X-Api-Key: {self._key(key)}")
            tls.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            data, error = b"", None
            while True:
                try:
                    chunk = tls.recv(65536)
                except OSError as exc:  # ssl.SSLError is an OSError
                    error = exc
                    break
                if not chunk:
                    break
                data += chunk
        finally:
            tls.close()
        head, _, body = data.partition(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return head_lines[0], headers, body, error
