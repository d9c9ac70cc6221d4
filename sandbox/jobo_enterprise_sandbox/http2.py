"""HTTP/2 for the sandbox (``Sandbox(http2=True)``, ``--http2``), on the ``h2`` package.

The listener offers ``h2`` and ``http/1.1`` by ALPN; a client that picks ``http/1.1``
(or offers no ALPN) is served by :mod:`.http11` on the same port. An h2 connection has
one thread reading frames; each request (stream) is answered in a thread of its own,
so a slow stream (``--latency-ms``, ``delay``) never holds up the others on the same
connection. Every endpoint, error body and fault route is served; a response with a
``transmit`` hook (fault injection) writes through a stream adapter, so each fault
keeps its meaning, in its h2 form:

=============== ====================================================================
h1.1 fault      h2 form
=============== ====================================================================
``reset``       HEADERS, then ``RST_STREAM`` (the connection stays up)
``truncate``    half of the body, then ``RST_STREAM``: a stream reset mid-body
``refuse``      ``RST_STREAM(REFUSED_STREAM)`` before any response (h1.1: the
                connection is reset before any response byte)
``stall``       half of the body, then nothing on that stream while the other
                streams of the connection go on (h1.1: the connection hangs)
``goaway=<n>``  after the n-th request of a connection, ``GOAWAY``: the streams
                already open finish, new requests need a new connection (h1.1:
                ``Connection: close``)
=============== ====================================================================

A sandbox started without ``http2`` offers only ``http/1.1``: the server that refuses
h2, where a client falls back to HTTP/1.1.

Stream and connection counts are in ``stats()["h2"]``; each response carries
``X-Connection-Id`` as over HTTP/1.1 (lower-case on the wire, as h2 requires).
"""

from __future__ import annotations

import logging
import select
import socket
import ssl
import struct
import threading
import time
from typing import Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, unquote

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import hyperframe.frame

from .http11 import IDLE_TIMEOUT, MAX_BODY, HTTPSServer
from .wire import Request

__all__ = ["H2Server", "ALPN"]

# hpack logs every decoded header at DEBUG, X-Api-Key included: a server that logs the
# keys it receives would leak them into the logs of whoever runs it
logging.getLogger("hpack").setLevel(logging.WARNING)

ALPN = ["h2", "http/1.1"]
_RECV = 65536
_POLL = 0.1
_WRITE_TIMEOUT = 30.0
_WINDOW_WAIT = 0.25
_BURST = 1 << 17  # bytes of one stream written per turn of the connection's lock
# a DATA frame's header: length (24 bits) and type 0, flags, stream id
_DATA_HEAD = struct.Struct(">IBI")


class _Stream:
    __slots__ = ("id", "headers", "body")

    def __init__(self, stream_id: int, headers: Dict[str, str]):
        self.id = stream_id
        self.headers = headers
        self.body: List[bytes] = []


class _H2Conn:
    """One h2 connection: the h2 state machine under a lock, the socket writes under
    the same lock, one condition for flow-control windows."""

    def __init__(self, server: "H2Server", sock, client_address, conn_id: int):
        self.server = server
        self.sock = sock
        self.client_address = client_address
        self.id = conn_id
        self.lock = threading.Lock()
        self.window = threading.Condition(self.lock)
        self.h2 = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=False, header_encoding="utf-8", validate_inbound_headers=True))
        self.streams: Dict[int, _Stream] = {}
        self.requests = 0
        self.going_away = False
        self.goaway_last = 0
        self.closed = False
        self.workers: List[threading.Thread] = []

    # -- writing (always with self.lock held) ---------------------------------------
    def _flush(self) -> None:
        data = self.h2.data_to_send()
        if data:
            self.sock.sendall(data)

    def call(self, fn, *args, **kw) -> bool:
        """Run one h2 operation and send its frames; False when the stream or the
        connection is gone."""
        with self.lock:
            if self.closed:
                return False
            try:
                fn(*args, **kw)
                self._flush()
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError,
                    OSError, ssl.SSLError):
                return False
            return True

    def send_headers(self, stream_id: int, headers, end: bool = False) -> bool:
        return self.call(self.h2.send_headers, stream_id, headers, end_stream=end)

    def send_data(self, stream_id: int, data: bytes, stop: threading.Event) -> bool:
        """Send within the flow-control windows, waiting for WINDOW_UPDATEs.

        Up to _BURST bytes go out per turn of the lock, as DATA frames framed here
        and written at once (the frames h2 would build, without its per-frame
        work: a page of 100 jobs is some 30 frames); the windows are charged as
        h2 charges them. The stream is ended through h2 (``end``)."""
        view = memoryview(data)
        while view:
            with self.lock:
                while True:
                    if self.closed or stop.is_set():
                        return False
                    try:
                        room = min(self.h2.local_flow_control_window(stream_id),
                                   _BURST, len(view))
                    except (h2.exceptions.StreamClosedError, KeyError):
                        return False
                    if room > 0:
                        break
                    self.window.wait(_WINDOW_WAIT)
                try:
                    self._flush()  # what h2 has queued (this stream's HEADERS) goes first
                    self.sock.sendall(self._data_frames(stream_id, view[:room]))
                except (OSError, ssl.SSLError):
                    return False
            view = view[room:]
        return True

    def _data_frames(self, stream_id: int, chunk: memoryview) -> bytes:
        """DATA frames (no flags) carrying ``chunk``, each at most the peer's frame
        size; charges both flow-control windows. Lock held, windows checked."""
        size = self.h2.max_outbound_frame_size
        parts = []
        for at in range(0, len(chunk), size):
            piece = chunk[at:at + size]
            parts.append(_DATA_HEAD.pack(len(piece) << 8, 0, stream_id))
            parts.append(piece)
        self.h2.outbound_flow_control_window -= len(chunk)
        self.h2.streams[stream_id].outbound_flow_control_window -= len(chunk)
        return b"".join(parts)

    def end(self, stream_id: int) -> bool:
        return self.call(self.h2.end_stream, stream_id)

    def reset(self, stream_id: int, code=h2.errors.ErrorCodes.INTERNAL_ERROR) -> bool:
        self.server.app.count_h2("resets")
        return self.call(self.h2.reset_stream, stream_id, error_code=code)

    def goaway(self) -> None:
        """Graceful: the streams received so far finish, a newer one is refused.

        The frame is written directly (not through the h2 state machine, which
        would allow nothing more on the connection), so that it reaches the
        client before the end of the response that asked for it."""
        with self.lock:
            if self.going_away or self.closed:
                return
            self.going_away = True
            self.goaway_last = self.h2.highest_inbound_stream_id or 0
            frame = hyperframe.frame.GoAwayFrame(0)
            frame.last_stream_id = self.goaway_last
            frame.error_code = 0
            try:
                self._flush()
                self.sock.sendall(frame.serialize())
            except (OSError, ssl.SSLError):
                return
        self.server.app.count_h2("goaways")


class _StreamSock:
    """What a fault's ``transmit`` hook sees as ``conn.sock`` on an h2 stream: the
    HTTP/1.1 head it writes becomes one HEADERS frame, what follows DATA frames; the
    abortive-close option (SO_LINGER 0) becomes a stream reset."""

    def __init__(self, conn: _H2Conn, stream_id: int, headers, stop: threading.Event):
        self._conn = conn
        self._stream_id = stream_id
        self._headers = headers
        self._stop = stop
        self._head = b""
        self.head_sent = False
        self.abort = False

    def sendall(self, data: bytes) -> None:
        if not self.head_sent:
            self._head += bytes(data)
            cut = self._head.find(b"\r\n\r\n")
            if cut < 0:
                return
            data = self._head[cut + 4:]
            self._head = b""
            self.head_sent = True
            if not self._conn.send_headers(self._stream_id, self._headers):
                raise OSError("stream closed")
        if data and not self._conn.send_data(self._stream_id, bytes(data), self._stop):
            raise OSError("stream closed")

    def setsockopt(self, level, option, value) -> None:
        if level == socket.SOL_SOCKET and option == socket.SO_LINGER:
            self.abort = True


class _StreamConnection:
    """The ``Connection`` a transmit hook receives, for one stream."""

    __slots__ = ("sock", "close_connection", "server", "id")

    def __init__(self, sock: _StreamSock, server, conn_id: int):
        self.sock = sock
        self.close_connection = False
        self.server = server
        self.id = conn_id


def _response_headers(resp, conn_id: int, length: int) -> List[Tuple[str, str]]:
    headers = [(":status", str(resp.status))]
    if length or resp.status not in (204, 304):
        headers.append(("content-type", resp.content_type))
    for name, value in resp.headers:
        lname = name.lower()
        if lname in ("connection", "keep-alive", "transfer-encoding", "upgrade"):
            continue
        headers.append((lname, value))
    if conn_id:
        headers.append(("x-connection-id", str(conn_id)))
    headers.append(("content-length", str(length)))
    return headers


class H2Server(HTTPSServer):
    """The API server with h2 by ALPN (see the module documentation)."""

    def _serve(self, sock, client_address, conn_id: int = 0) -> None:
        proto = sock.selected_alpn_protocol() if isinstance(sock, ssl.SSLSocket) else None
        if proto != "h2":
            return super()._serve(sock, client_address, conn_id)
        self.app.count_h2("connections")
        conn = _H2Conn(self, sock, client_address, conn_id)
        with conn.lock:
            conn.h2.initiate_connection()
            conn._flush()
        try:
            self._read_loop(conn)
        finally:
            with conn.lock:
                conn.closed = True
                conn.window.notify_all()
            for t in conn.workers:
                t.join(0.5)

    def _read_loop(self, conn: _H2Conn) -> None:
        # One TLS object must not be read and written at once from two threads:
        # the reader waits for data without the lock, then reads under it,
        # without blocking, as the stream threads write under it.
        sock = conn.sock
        idle_until = time.monotonic() + IDLE_TIMEOUT
        while not self.stopping:
            try:
                if not select.select([sock], [], [], _POLL)[0]:
                    if time.monotonic() > idle_until:
                        return
                    continue
            except (OSError, ValueError):
                return
            idle_until = time.monotonic() + IDLE_TIMEOUT
            with conn.lock:
                sock.setblocking(False)
                try:
                    data = sock.recv(_RECV)
                    while data and sock.pending():  # decrypted, waiting in OpenSSL
                        data += sock.recv(_RECV)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    continue
                except (OSError, ssl.SSLError, ValueError):
                    return
                finally:
                    try:
                        sock.settimeout(_WRITE_TIMEOUT)
                    except OSError:
                        pass
                if not data:
                    return
                try:
                    events = conn.h2.receive_data(data)
                except h2.exceptions.ProtocolError:
                    try:
                        conn._flush()
                    except OSError:
                        pass
                    return
                ready = []
                for ev in events:
                    if isinstance(ev, h2.events.RequestReceived) and conn.going_away \
                            and ev.stream_id > conn.goaway_last:
                        # opened after our GOAWAY: never processed, the client retries
                        conn.h2.reset_stream(ev.stream_id,
                                             h2.errors.ErrorCodes.REFUSED_STREAM)
                    elif isinstance(ev, h2.events.RequestReceived):
                        conn.streams[ev.stream_id] = _Stream(
                            ev.stream_id, {k.lower(): v for k, v in ev.headers})
                        if ev.stream_ended:
                            ready.append(conn.streams.pop(ev.stream_id))
                    elif isinstance(ev, h2.events.DataReceived):
                        st = conn.streams.get(ev.stream_id)
                        conn.h2.acknowledge_received_data(ev.flow_controlled_length,
                                                          ev.stream_id)
                        if st is not None:
                            st.body.append(ev.data)
                            if sum(map(len, st.body)) > MAX_BODY:
                                conn.streams.pop(ev.stream_id, None)
                                conn.h2.reset_stream(
                                    ev.stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
                        if ev.stream_ended and st is not None:
                            ready.append(conn.streams.pop(ev.stream_id, st))
                    elif isinstance(ev, h2.events.StreamEnded):
                        st = conn.streams.pop(ev.stream_id, None)
                        if st is not None:
                            ready.append(st)
                    elif isinstance(ev, h2.events.StreamReset):
                        conn.streams.pop(ev.stream_id, None)
                    elif isinstance(ev, (h2.events.WindowUpdated,
                                         h2.events.RemoteSettingsChanged)):
                        conn.window.notify_all()
                    elif isinstance(ev, h2.events.ConnectionTerminated):
                        conn.closed = True
                        conn.window.notify_all()
                try:
                    conn._flush()
                except (OSError, ssl.SSLError):
                    return
            for st in ready:
                self.app.count_h2("streams")
                t = threading.Thread(target=self._answer, args=(conn, st), daemon=True,
                                     name="jobo-sandbox-h2-stream")
                conn.workers = [w for w in conn.workers if w.is_alive()]
                conn.workers.append(t)
                t.start()
            if conn.closed:
                return

    def _request(self, conn: _H2Conn, st: _Stream) -> Optional[Request]:
        h = st.headers
        method = h.get(":method", "GET").upper()
        target = h.get(":path", "/")
        if not target.startswith("/"):
            return None
        path, _, query_string = target.partition("?")
        path = path.partition("#")[0]
        headers = {k: v for k, v in h.items() if not k.startswith(":")}
        if ":authority" in h:
            headers.setdefault("host", h[":authority"])
        query_all: Dict[str, List[str]] = {}
        query: Dict[str, str] = {}
        for k, v in parse_qsl(query_string, keep_blank_values=True, encoding="utf-8",
                              errors="replace"):
            query_all.setdefault(k, []).append(v)
            query[k] = v
        return Request(method, unquote(path, errors="replace"), target, query, query_all,
                       headers, b"".join(st.body), conn.client_address, raw_path=path,
                       connection_id=conn.id)

    def _answer(self, conn: _H2Conn, st: _Stream) -> None:
        stop = self.app.stop_event
        try:
            req = self._request(conn, st)
            resp = (self.app.handle(req) if req is not None
                    else self.app.error(400, "Request target must be an absolute path"))
            method = req.method if req is not None else "GET"
            if self.app.verbose and req is not None:
                import sys
                sys.stderr.write(f"{conn.client_address[0]} h2 {req.method} "
                                 f"{req.raw_target} {resp.status}\n")
            with conn.lock:
                conn.requests += 1
            if resp.close_connection:
                conn.goaway()  # before the response ends, so it is not reused
            body = resp.body_bytes()
            length = len(body) if resp.content_length is None else resp.content_length
            headers = _response_headers(resp, conn.id, length)
            if resp.transmit is not None:
                self._transmit(conn, st.id, resp, headers, method, body, stop)
            elif method == "HEAD" or not body:
                conn.send_headers(st.id, headers, end=True)
            elif conn.send_headers(st.id, headers):
                if conn.send_data(st.id, body, stop):
                    conn.end(st.id)
        except Exception:  # a failing stream must not take the connection down
            if self.app.verbose:
                import traceback
                traceback.print_exc()
            conn.reset(st.id)

    def _transmit(self, conn: _H2Conn, stream_id: int, resp, headers, method: str,
                  body: bytes, stop: threading.Event) -> None:
        ssock = _StreamSock(conn, stream_id, headers, stop)
        sconn = _StreamConnection(ssock, self, conn.id)
        head = b"HTTP/2 %d\r\n\r\n" % resp.status  # only its end is looked for
        try:
            resp.transmit(sconn, head if method == "HEAD" else head + body)
        except OSError:
            return
        if ssock.abort and not ssock.head_sent:
            # nothing of the response was sent (refuse): the client may retry
            conn.reset(stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
        elif ssock.abort or sconn.close_connection:
            # an abortive close, or a body cut short (truncate): the stream is reset
            conn.reset(stream_id)
        else:
            if not ssock.head_sent:
                conn.send_headers(stream_id, headers)
            conn.end(stream_id)
