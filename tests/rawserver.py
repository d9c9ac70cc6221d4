"""A small scripted server on loopback for byte-level tests.

It accepts connections (TLS with a throwaway CA, or plain TCP), reads one
request per connection, records it, and answers with whatever bytes the test's
``respond(request)`` returns (``None``: never answer, hold the connection;
``(bytes, "hold")``: send those bytes, then stall without closing).
``handshake="reset"`` reads the client's first TLS bytes and resets the connection
(as a server going away mid-handshake does); ``handshake="plain"`` answers them with
plain-text bytes, which no TLS client can take for a handshake.
It counts every accepted connection, so a test can prove that nothing was sent.
"""

from __future__ import annotations

import os
import socket
import ssl
import struct
import tempfile
import threading
import time
from typing import Any, Callable, List, Optional

from jobo_enterprise_sandbox.certs import issue_cert, make_ca, write_pem_files

_CERTS: dict = {}
_CERTS_LOCK = threading.Lock()


def raw_certs() -> dict:
    """One CA + server certificate for 127.0.0.1/localhost per test session."""
    with _CERTS_LOCK:
        if not _CERTS:
            d = tempfile.mkdtemp(prefix="jobo-rawserver-")
            ca = make_ca("jobo raw test CA")
            leaf = issue_cert(ca, ["127.0.0.1", "localhost"])
            ca_path = os.path.join(d, "ca.pem")
            with open(ca_path, "wb") as fh:
                fh.write(ca.cert_pem)
            cert, key = write_pem_files(leaf, d, "server")
            _CERTS.update(ca=ca_path, cert=cert, key=key, dir=d)
        return dict(_CERTS)


def http_response(status: int, headers: Optional[dict] = None, body: bytes = b"",
                  reason: str = "X") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"]
    hdrs = {"Content-Length": str(len(body)), "Connection": "close"}
    hdrs.update(headers or {})
    lines += [f"{k}: {v}" for k, v in hdrs.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class RawServer:
    def __init__(self, respond: Optional[Callable[[bytes], Any]] = None,
                 tls: bool = True, handshake: str = "tls") -> None:
        self.respond = respond or (lambda req: None)
        self.tls = tls
        self.handshake = handshake
        self.connections = 0
        self.requests: List[bytes] = []
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self._ctx = None
        if tls:
            certs = raw_certs()
            self.ca_cert = certs["ca"]
            self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._ctx.load_cert_chain(certs["cert"], certs["key"])
        self._threads: List[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, daemon=True)
        self._accept.start()

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            t = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            if self.handshake != "tls":
                conn.recv(65536)  # the ClientHello
                if self.handshake == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
                else:
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                return
            if self._ctx is not None:
                try:
                    conn = self._ctx.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 1 << 20:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            while len(rest) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                rest += chunk
            self.requests.append(head + b"\r\n\r\n" + rest)
            answer = self.respond(head + b"\r\n\r\n" + rest)
            hold = answer is None
            if isinstance(answer, tuple):  # (bytes, "hold"): send them, then stall
                answer, hold = answer[0], True
            if answer:
                conn.sendall(answer)
            while hold and not self._stop.is_set():  # hold the connection, say nothing
                time.sleep(0.02)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._accept.join(timeout=2)

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
