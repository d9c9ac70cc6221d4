"""Request, Response and ApiError: what endpoint handlers receive and return.

A handler is ``handler(request) -> Response`` and may raise :class:`ApiError` for any
failure (``raise ApiError(404, "Job not found")``). The application layer
(:mod:`.app`) adds authentication, rate limits, credits and the common headers.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from .data import dumps

__all__ = ["Request", "Response", "ApiError", "ProblemError", "REASONS"]

REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
    301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
    402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required",
    413: "Payload Too Large", 414: "URI Too Long", 429: "Too Many Requests",
    418: "I'm a teapot", 422: "Unprocessable Entity",
    431: "Request Header Fields Too Large", 500: "Internal Server Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}


class Request:
    """One parsed HTTP request.

    ``path`` is the routing path (after any prefix was stripped), ``raw_target`` the
    request target as received. ``query`` maps each parameter to its last value
    (blank values kept), ``query_all`` to all values. ``headers`` keys are lowercase.
    ``params`` holds the path parameters of the matched route, ``account`` the
    authenticated account (None on unauthenticated routes), ``context`` free-form data
    for wrappers (e.g. a fault spec). ``raw_path`` is ``path`` before percent-decoding
    (wrappers match it, so that a fault spec can carry an encoded URL), and
    ``connection_id`` the number of the TCP connection the request came on (0 when
    unknown)."""

    __slots__ = ("method", "path", "raw_path", "raw_target", "query", "query_all", "headers",
                 "body", "params", "account", "context", "client_address", "now",
                 "connection_id")

    def __init__(self, method: str, path: str, raw_target: str, query: Dict[str, str],
                 query_all: Dict[str, List[str]], headers: Dict[str, str], body: bytes,
                 client_address: Any = None, raw_path: Optional[str] = None,
                 connection_id: int = 0):
        self.method: str = method
        self.path: str = path
        self.raw_path: str = path if raw_path is None else raw_path
        self.connection_id: int = connection_id
        self.raw_target: str = raw_target
        self.query: Dict[str, str] = query
        self.query_all: Dict[str, List[str]] = query_all
        self.headers: Dict[str, str] = headers
        self.body: bytes = body
        self.params: Dict[str, str] = {}
        self.account: None = None
        self.context: Dict[str, Any] = {}
        self.client_address: Any = client_address
        self.now: int = 0

    def json(self) -> Any:
        """The body parsed as a JSON object; 400 if it is not one."""
        if not self.body:
            raise ApiError(400, "Request body must be a JSON object.")
        try:
            value = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "Request body is not valid JSON.") from None
        if not isinstance(value, dict):
            raise ApiError(400, "Request body must be a JSON object.")
        return value


class Response:
    """What a handler returns.

    ``body`` is either a JSON-able object or pre-encoded ``bytes``. ``cost`` is the
    number of credits the request consumes if it succeeds (charged only for 2xx).
    ``headers`` is a list of (name, value) pairs added to the common ones.
    ``transmit``, when set, replaces the normal write of the serialized response:
    ``transmit(connection, payload_bytes)`` may truncate, drip or reset (fault
    injection); ``connection`` has ``sock``, ``close_connection`` and ``server``
    (whose ``stopping`` flag a long transmit should watch). ``content_length``, when
    set, is announced instead of the length of ``body`` (a transmit hook that streams
    a body it generates itself). ``cost`` may be fractional (the feed's 0.5 per job).
    ``faulted`` marks a response made by a fault route (no echo fields are added to
    its body). ``close_connection`` ends the connection after this response
    (``Connection: close`` over HTTP/1.1, ``GOAWAY`` over h2)."""

    __slots__ = ("status", "body", "cost", "headers", "content_type", "transmit",
                 "content_length", "faulted", "close_connection")

    def __init__(self, status: int = 200, body: Any = None, cost: float = 0,
                 headers: Optional[List[Tuple[str, str]]] = None,
                 content_type: str = "application/json",
                 transmit: Optional[Callable[[Any, bytes], None]] = None,
                 content_length: Optional[int] = None) -> None:
        self.status: int = status
        self.body: Any = body
        self.cost: float = cost
        self.headers: List[Tuple[str, str]] = headers if headers is not None else []
        self.content_type: str = content_type
        self.transmit: Optional[Callable[[Any, bytes], None]] = transmit
        self.content_length: int | None = content_length
        self.faulted: bool = False
        self.close_connection: bool = False

    def body_bytes(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, (bytes, bytearray)):
            return bytes(self.body)
        return dumps(self.body)


class ApiError(Exception):
    """An error answer with the documented body shape
    ``{"status": N, "error": "<reason>", "message": "..."}`` plus ``extra`` fields."""

    def __init__(self, status: int, message: str,
                 headers: Optional[List[Tuple[str, str]]] = None,
                 extra: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.status: int = status
        self.message: str = message
        self.headers: List[Tuple[str, str]] = headers or []
        self.extra: Dict[str, Any] = extra or {}

    def to_response(self) -> Response:
        body = {"status": self.status, "error": REASONS.get(self.status, "Error"),
                "message": self.message}
        body.update(self.extra)
        return Response(self.status, body, headers=list(self.headers))


class ProblemError(ApiError):
    """An error answered in the problem-details shape (``application/problem+json``):
    ``{"title": "<reason>", "status": N, "detail": "...", "code": "<machine code>"}``."""

    def __init__(self, status: int, detail: str, code: Optional[str] = None,
                 headers: Optional[List[Tuple[str, str]]] = None):
        super().__init__(status, detail, headers=headers)
        self.code = code

    def to_response(self) -> Response:
        body: Dict[str, Any] = {"title": REASONS.get(self.status, "Error"),
                                "status": self.status, "detail": self.message}
        if self.code:
            body["code"] = self.code
        return Response(self.status, body, headers=list(self.headers),
                        content_type="application/problem+json")
