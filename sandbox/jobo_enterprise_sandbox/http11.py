"""A small threaded HTTP/1.1 server (keep-alive, TLS) and the plain-HTTP redirector.

One thread per connection (daemon). The TLS handshake runs in that thread, so a slow or
failing client never blocks the accept loop. Requests are parsed here and answered by
``app.handle``; each response is written with a single ``sendall`` (status line,
headers with ``Content-Length``, body) unless the response has a ``transmit`` hook.
Each accepted API connection gets a number (``Connection.id``, from 1), sent back in an
``X-Connection-Id`` header on every response of that connection.
Malformed requests get a JSON error and the connection is closed; a client that
disconnects is simply forgotten. ``stop()`` closes the listener and shuts down every
open connection at once.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, Optional, Set, Tuple
from urllib.parse import parse_qsl, unquote, urlsplit

from .wire import REASONS, Request

if TYPE_CHECKING:
    from .app import App

__all__ = ["HTTPSServer", "RedirectServer", "Connection"]

MAX_LINE = 65536
MAX_HEADERS = 100
MAX_BODY = 16 * 1024 * 1024
HANDSHAKE_TIMEOUT = 10.0
IDLE_TIMEOUT = 300.0


class _BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Connection:
    """What a ``Response.transmit`` hook receives."""

    __slots__ = ("sock", "close_connection", "server", "id")

    def __init__(self, sock: socket.socket, server: "_BaseServer", conn_id: int = 0) -> None:
        self.sock: socket.socket = sock
        self.close_connection: bool = False
        self.server: _BaseServer = server
        self.id: int = conn_id


def _family(host: str) -> int:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class _BaseServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A threading TCP server that tracks its connections so that stop() can end them."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: Tuple[str, int], app: "App", kind: str) -> None:
        self.address_family: int = _family(address[0])
        self.app: App = app
        self.kind = kind
        self.stopping = False
        self._conns: Set[socket.socket] = set()
        self._conn_ids: Dict[socket.socket, int] = {}
        self._conns_lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        super().__init__(address, None, bind_and_activate=True)

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"jobo-sandbox-{self.kind}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping: bool = True
        if self._thread is not None:
            self.shutdown()
            self._thread.join(1.0)
        self.server_close()
        with self._conns_lock:
            conns = list(self._conns)
        for sock in conns:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            with self._conns_lock:
                if not self._conns:
                    break
            time.sleep(0.01)

    # -- connection bookkeeping ----------------------------------------------------
    def _track(self, sock, old=None) -> None:
        with self._conns_lock:
            if old is not None:
                self._conns.discard(old)
            self._conns.add(sock)

    def _untrack(self, sock) -> None:
        with self._conns_lock:
            self._conns.discard(sock)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Count and track the connection, then serve it on its own thread."""
        self.app.count_connection(self.kind)
        self._track(request)
        if self.stopping:
            self._untrack(request)
            request.close()
            return
        if self.kind != "http":
            with self._conns_lock:
                self._conn_ids[request] = self.app.next_connection_id()
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet unless the app is verbose."""
        if getattr(self.app, "verbose", False):
            super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget and close the connection."""
        self._untrack(request)
        try:
            request.close()
        except OSError:
            pass


class HTTPSServer(_BaseServer):
    """The API server: TLS (or plain, with ``ssl_context=None``) HTTP/1.1 keep-alive."""

    def __init__(self, address: Tuple[str, int], app: "App",
                 ssl_context: Optional[ssl.SSLContext]) -> None:
        self.ssl_context = ssl_context
        super().__init__(address, app, "https" if ssl_context is not None else "plain")

    def finish_request(self, raw: Any, client_address: Any) -> None:
        """Serve one connection (TLS handshake first), keep-alive until it closes."""
        sock = raw
        with self._conns_lock:
            conn_id = self._conn_ids.pop(raw, 0)
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.ssl_context is not None:
                raw.settimeout(HANDSHAKE_TIMEOUT)
                try:
                    sock = self.ssl_context.wrap_socket(raw, server_side=True)
                except (ssl.SSLError, OSError, ValueError):
                    self.app.count_tls_failure()
                    return
                self._track(sock, old=raw)
            sock.settimeout(IDLE_TIMEOUT)
            self._serve(sock, client_address, conn_id)
        except Exception:
            if self.app.verbose:
                import traceback
                traceback.print_exc(file=sys.stderr)
        finally:
            self._untrack(sock)
            try:
                sock.close()
            except OSError:
                pass

    def _serve(self, sock, client_address, conn_id: int = 0) -> None:
        rfile = sock.makefile("rb", buffering=65536)
        conn = Connection(sock, self, conn_id)
        try:
            while not self.stopping and not conn.close_connection:
                try:
                    req, keep_alive = self._read_request(rfile, sock, client_address)
                    if req is not None:
                        req.connection_id = conn_id
                except _BadRequest as bad:
                    self._send(conn, self.app.error(bad.status, bad.message), "GET", False)
                    return
                except (OSError, ValueError, ssl.SSLError):
                    return
                if req is None:
                    return
                resp = self.app.handle(req)
                if self.app.verbose:
                    sys.stderr.write(f"{client_address[0]} {req.method} {req.raw_target} "
                                     f"{resp.status}\n")
                self._send(conn, resp, req.method, keep_alive)
        except (OSError, ssl.SSLError, ValueError):
            return
        finally:
            try:
                rfile.close()
            except Exception:
                pass

    @staticmethod
    def _send(conn: Connection, resp, method: str, keep_alive: bool) -> None:
        body = resp.body_bytes()
        length = len(body) if resp.content_length is None else resp.content_length
        reason = REASONS.get(resp.status, "Unknown")
        lines = [f"HTTP/1.1 {resp.status} {reason}"]
        if length or resp.status not in (204, 304):
            lines.append(f"Content-Type: {resp.content_type}")
        for name, value in resp.headers:
            lines.append(f"{name}: {value}")
        if conn.id:
            lines.append(f"X-Connection-Id: {conn.id}")
        lines.append(f"Content-Length: {length}")
        if not keep_alive or resp.close_connection:
            lines.append("Connection: close")
            conn.close_connection = True
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        payload = head if method == "HEAD" else head + body
        if resp.transmit is not None:
            resp.transmit(conn, payload)
        else:
            conn.sock.sendall(payload)

    def _read_request(self, rfile, sock, client_address):
        line = rfile.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n"):  # tolerate one stray CRLF between requests
            line = rfile.readline(MAX_LINE + 1)
        if not line:
            return None, False
        if len(line) > MAX_LINE:
            raise _BadRequest(414, "Request line too long")
        if not line.endswith(b"\n"):
            return None, False  # truncated by EOF
        try:
            text = line.decode("ascii").rstrip("\r\n")
        except UnicodeDecodeError:
            raise _BadRequest(400, "Malformed request line") from None
        parts = text.split(" ")
        if len(parts) != 3 or not parts[0].isalpha() or not parts[1]:
            raise _BadRequest(400, "Malformed request line")
        method, target, version = parts
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            if version.startswith("HTTP/"):
                raise _BadRequest(505, f"HTTP version {version[5:]} is not supported")
            raise _BadRequest(400, "Malformed request line")
        headers = {}
        total = 0
        for _ in range(MAX_HEADERS + 1):
            hline = rfile.readline(MAX_LINE + 1)
            if not hline:
                return None, False
            total += len(hline)
            if len(hline) > MAX_LINE or total > MAX_LINE:
                raise _BadRequest(431, "Request header fields too large")
            if hline in (b"\r\n", b"\n"):
                break
            name, sep, value = hline.decode("latin-1").partition(":")
            name = name.strip().lower()
            if not sep or not name or " " in name:
                raise _BadRequest(400, "Malformed header line")
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        else:
            raise _BadRequest(431, "Too many header fields")

        tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        keep_alive = ("close" not in tokens) if version == "HTTP/1.1" else ("keep-alive" in tokens)

        body = b""
        te = headers.get("transfer-encoding")
        cl = headers.get("content-length")
        if te is not None or cl is not None:
            if version == "HTTP/1.1" and headers.get("expect", "").lower() == "100-continue":
                sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if te is not None:
            if te.lower().replace(" ", "") != "chunked":
                raise _BadRequest(501, f"Transfer-Encoding {te} is not supported")
            body = self._read_chunked(rfile)
            if body is None:
                return None, False
        elif cl is not None:
            if not cl.isdigit():
                raise _BadRequest(400, "Invalid Content-Length")
            n = int(cl)
            if n > MAX_BODY:
                raise _BadRequest(413, "Request body too large")
            body = rfile.read(n) if n else b""
            if len(body) < n:
                return None, False

        if target.startswith(("http://", "https://")):
            split = urlsplit(target)
            path, query_string = split.path or "/", split.query
        elif target.startswith("/"):
            path, _, query_string = target.partition("?")
            path = path.partition("#")[0]
        else:
            raise _BadRequest(400, "Request target must be an absolute path")
        query_all = {}
        query = {}
        for k, v in parse_qsl(query_string, keep_blank_values=True, encoding="utf-8",
                              errors="replace"):
            query_all.setdefault(k, []).append(v)
            query[k] = v
        req = Request(method.upper(), unquote(path, errors="replace"), target, query,
                      query_all, headers, body, client_address, raw_path=path)
        return req, keep_alive

    @staticmethod
    def _read_chunked(rfile) -> Optional[bytes]:
        chunks = []
        size_total = 0
        while True:
            line = rfile.readline(MAX_LINE + 1)
            if not line:
                return None
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _BadRequest(400, "Invalid chunk size") from None
            if size == 0:
                while True:  # trailers
                    t = rfile.readline(MAX_LINE + 1)
                    if not t or t in (b"\r\n", b"\n"):
                        break
                return b"".join(chunks)
            size_total += size
            if size_total > MAX_BODY:
                raise _BadRequest(413, "Request body too large")
            data = rfile.read(size)
            if len(data) < size:
                return None
            chunks.append(data)
            rfile.readline(MAX_LINE + 1)  # CRLF after the chunk


class RedirectServer(_BaseServer):
    """Plain HTTP: every request gets ``301`` to the same path and query on the HTTPS
    origin, ``Content-Length: 0`` and ``Connection: close``. The request body (and even
    the headers) is never read; after answering, the server stops sending and discards
    whatever the client still sends for up to a second, so that the client reads the
    301 instead of a connection reset."""

    def __init__(self, address: Tuple[str, int], app: "App", https_origin: str) -> None:
        self.https_origin = https_origin
        super().__init__(address, app, "http")

    def finish_request(self, sock: Any, client_address: Any) -> None:
        """Answer the first request with a redirect to the HTTPS origin."""
        try:
            sock.settimeout(5.0)
            buf = b""
            while b"\n" not in buf and len(buf) <= MAX_LINE:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                buf += chunk
            line = buf.split(b"\n", 1)[0]
            target = "/"
            parts = line.decode("latin-1").strip().split(" ")
            if len(parts) >= 2:
                t = parts[1]
                if t.startswith(("http://", "https://")):
                    s = urlsplit(t)
                    t = (s.path or "/") + ("?" + s.query if s.query else "")
                if t.startswith("/"):
                    target = t
            location = self.https_origin + target
            head = ("HTTP/1.1 301 Moved Permanently\r\n"
                    f"Location: {location}\r\n"
                    "Content-Length: 0\r\n"
                    "Connection: close\r\n\r\n").encode("latin-1", "replace")
            sock.sendall(head)
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                return
            deadline = time.monotonic() + 1.0
            discarded = 0
            sock.settimeout(0.2)
            while time.monotonic() < deadline and discarded < (1 << 20) and not self.stopping:
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    continue
                if not data:
                    break
                discarded += len(data)
        except OSError:
            pass
