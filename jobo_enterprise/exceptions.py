"""The exception hierarchy of jobo_enterprise.

Every failure the SDK reports is a :class:`JoboError`::

    JoboError
    ├── JoboConfigurationError          bad key, base URL, CA bundle, argument
    ├── JoboConnectionError             no usable HTTP response arrived
    │   ├── JoboTimeoutError            connect, total or stall timeout
    │   └── JoboTLSError                certificate or handshake refused
    └── JoboAPIError                    the server answered with a failure
        ├── JoboValidationError         400 (also raised before sending for bad arguments)
        ├── JoboAuthenticationError     401
        ├── JoboInsufficientCreditsError 402
        ├── JoboPermissionError         403
        ├── JoboNotFoundError           404
        ├── JoboCursorRestartRequiredError 409
        ├── JoboRateLimitError          429
        ├── JoboServerError             5xx
        └── JoboResponseError           a 2xx/3xx that cannot be used (malformed
                                        JSON, body over the size cap, redirect)

The C core raises these directly. ``str(error)`` is one sentence, for example
``HTTP 401 Unauthorized: Missing or invalid API key (request id 9f2c…)``.
No exception ever holds the API key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from ._wait import retry_fields

__all__ = [
    "JoboError",
    "JoboConfigurationError",
    "JoboConnectionError",
    "JoboTimeoutError",
    "JoboTLSError",
    "JoboAPIError",
    "JoboValidationError",
    "JoboAuthenticationError",
    "JoboInsufficientCreditsError",
    "JoboPermissionError",
    "JoboNotFoundError",
    "JoboCursorRestartRequiredError",
    "JoboRateLimitError",
    "JoboServerError",
    "JoboResponseError",
    "ModelValidationError",
]

_REASONS = {
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# Attributes carried by every JoboError; pickling and copying keep them.
_FIELDS = (
    "status_code",
    "detail",
    "response_body",
    "code",
    "api_version",
    "error",
    "request_id",
    "headers",
    "usage",
    "retries_taken",
)


class JoboError(Exception):
    """Base class of every error raised by jobo_enterprise.

    Attributes (each ``None`` when it does not apply):

    - ``status_code``: HTTP status of the response.
    - ``error``: the server's short error name (``"Unauthorized"``).
    - ``message``: the server's message, or the SDK's own for local errors.
    - ``detail``: what the official package puts there: the body's ``detail``,
      else its ``error`` (``"Unauthorized"``), else ``""``; for a body that is
      not a JSON object, its text (``""`` when empty). ``message`` keeps the
      server's own message.
    - ``code``: stable machine code (``"feed_cursor_restart_required"``).
    - ``api_version``: the ``api_version`` of a problem-details body.
    - ``request_id``: the ``X-Request-Id`` to quote to support.
    - ``response_body``: the decoded error body (dict) or its text.
    - ``headers``: response headers, lower-cased names.
    - ``usage``: the :class:`~jobo_enterprise.models.Usage` of the response.
    - ``retries_taken``: how many retries were made before giving up.

    The positional order ``(message, status_code, detail, response_body, code,
    api_version)`` matches the official 4.x package. An error built from a
    response (``status_code`` >= 300 and ``headers`` given, as the C core does)
    without a ``detail`` derives it from ``response_body`` as described above.
    """

    def __init__(
        self,
        message: str = "",
        status_code: Optional[int] = None,
        detail: Optional[str] = None,
        response_body: Any = None,
        code: Optional[str] = None,
        api_version: Optional[str] = None,
        *,
        error: Optional[str] = None,
        request_id: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        usage: Any = None,
        retries_taken: int = 0,
    ) -> None:
        super().__init__(message)
        if detail is None and headers is not None and status_code is not None \
                and status_code >= 300:
            detail = _shown(official_detail(response_body))
        self.message = message
        self.status_code = status_code
        self.detail = detail
        self.response_body = response_body
        self.code = code
        self.api_version = api_version
        self.error = error
        self.request_id = request_id
        self.headers: Dict[str, str] = headers if headers is not None else {}
        self.usage = usage
        self.retries_taken = retries_taken

    def __str__(self) -> str:
        text = self.message or self.detail or ""
        if self.status_code is not None:
            reason = self.error or _REASONS.get(self.status_code, "")
            head = f"HTTP {self.status_code}" + (f" {reason}" if reason else "")
            text = f"{head}: {text}" if text else head
        if not text:
            text = type(self).__name__
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        if self.status_code is not None:
            parts.append(f"status_code={self.status_code}")
        if self.request_id:
            parts.append(f"request_id={self.request_id!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Any:
        state = {name: getattr(self, name, None) for name in _FIELDS}
        state.update(self._extra_state())
        return (_rebuild, (type(self), self.message, state))

    def _extra_state(self) -> Dict[str, Any]:
        return {}


def _rebuild(cls: type, message: str, state: Dict[str, Any]) -> JoboError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.message = message
    for name, value in state.items():
        setattr(exc, name, value)
    if exc.headers is None:
        exc.headers = {}
    return exc


class JoboConfigurationError(JoboError, ValueError):
    """The client cannot be used as configured (key, base URL, CA bundle)."""


class JoboConnectionError(JoboError):
    """No usable HTTP response arrived (refused, reset, DNS, truncated body)."""


class JoboTimeoutError(JoboConnectionError, TimeoutError):
    """The connect, total or stall timeout fired."""


class JoboTLSError(JoboConnectionError):
    """The certificate did not verify, or the server refused the TLS handshake.

    Never retried. A handshake the network broke (a reset, the server gone) is a
    plain :class:`JoboConnectionError` with code ``connection_reset`` instead."""


class JoboAPIError(JoboError):
    """The server answered, but not with a usable success."""


class JoboValidationError(JoboAPIError, ValueError):
    """HTTP 400, or an argument refused before any request was sent."""


class JoboAuthenticationError(JoboAPIError):
    """HTTP 401: the API key is missing, malformed or revoked."""


class JoboInsufficientCreditsError(JoboAPIError):
    """HTTP 402: the balance cannot cover the request.

    ``credits_required`` and ``credits_balance`` come from the
    ``X-Credits-Required`` and ``X-Credits-Balance`` headers.
    """

    @property
    def credits_required(self) -> Optional[int]:
        return _int_header(self.headers, "x-credits-required")

    @property
    def credits_balance(self) -> Optional[int]:
        value = _int_header(self.headers, "x-credits-balance")
        if value is None:
            value = _int_header(self.headers, "x-credits-remaining")
        return value


class JoboPermissionError(JoboAPIError):
    """HTTP 403: the key is valid but its plan lacks this endpoint."""


class JoboNotFoundError(JoboAPIError):
    """HTTP 404: unknown job or company id."""


class JoboCursorRestartRequiredError(JoboAPIError):
    """HTTP 409: the feed cursor can no longer be continued; start a new scan."""


class JoboRateLimitError(JoboAPIError):
    """HTTP 429: the key's rate limit is exhausted.

    ``retry_after`` is the wait in seconds and ``retry_at`` the aware UTC
    datetime at which to retry. They come from the ``Retry-After`` header
    (measured against the server's ``Date``), else the body's ``retryAfter``
    epoch, else ``X-RateLimit-Reset`` (weighed by ``jobo_enterprise._wait``,
    the same rule the retry policy follows).

    As in the official package, the second positional argument is
    ``retry_after`` (``JoboRateLimitError("Rate limit exceeded", 30)``); the
    other fields of :class:`JoboError` are keywords here.
    """

    def __init__(
        self,
        message: str = "Rate limit exceeded",
        retry_after: Optional[float] = None,
        *,
        retry_at: Optional[datetime] = None,
        status_code: Optional[int] = None,
        detail: Optional[str] = None,
        response_body: Any = None,
        code: Optional[str] = None,
        api_version: Optional[str] = None,
        error: Optional[str] = None,
        request_id: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        usage: Any = None,
        retries_taken: int = 0,
    ) -> None:
        super().__init__(message, status_code, detail, response_body, code, api_version,
                         error=error, request_id=request_id, headers=headers, usage=usage,
                         retries_taken=retries_taken)
        self.retry_after = retry_after
        self.retry_at = retry_at

    def _extra_state(self) -> Dict[str, Any]:
        return {"retry_after": self.retry_after, "retry_at": self.retry_at}


class JoboServerError(JoboAPIError):
    """HTTP 5xx."""


class JoboResponseError(JoboAPIError):
    """A response that cannot be used: malformed JSON, a body over the size
    cap, or a redirect (which the SDK never follows)."""

    @property
    def location_host(self) -> Optional[str]:
        """For a redirect: the host named by the ``Location`` header."""
        location = self.headers.get("location")
        if not location:
            return None
        from urllib.parse import urlsplit

        try:
            return urlsplit(location).hostname
        except ValueError:
            return None


def _shown(text: str) -> str:
    """Server text as an exception shows it (the C core's rule, the same as for
    ``message``): control characters escaped, cut at 500 characters."""
    from ._core import _shown_text

    return _shown_text(text)


def official_detail(body: Any) -> str:
    """The ``detail`` the official package gives an error with this decoded body:
    a JSON object's ``detail``, else its ``error``, else ``""``; anything else as
    text (``""`` for no body)."""
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("error") or "")
    return "" if body is None else str(body)


class ModelValidationError(JoboValidationError):
    """Data refused by a model: :meth:`~jobo_enterprise.models.Model.model_validate`,
    :meth:`~jobo_enterprise.models.Model.model_validate_json` or a constructor
    missing a required field. A :class:`ValueError`, as pydantic's
    ``ValidationError`` is, with the same ``errors()`` shape:

    >>> from jobo_enterprise.models import JobCompany
    >>> try:
    ...     JobCompany.model_validate({"id": "nope"})
    ... except ModelValidationError as exc:
    ...     [(e["loc"], e["type"]) for e in exc.errors()]
    [(('id',), 'uuid_parsing'), (('name',), 'missing')]
    """

    def __init__(self, title: str, errors: List[Dict[str, Any]]) -> None:
        self.title = title
        self._errors = errors
        count = len(errors)
        lines = [f"{count} validation error{'s' if count != 1 else ''} for {title}"]
        for e in errors:
            lines.append(".".join(str(part) for part in e["loc"]) or "(root)")
            shown = "" if e["type"] == "missing" else f", input_value={e['input']!r}"
            if len(shown) > 80:
                shown = shown[:77] + "..."
            lines.append(f"  {e['msg']} [type={e['type']}{shown}]")
        super().__init__("\n".join(lines), code="model_validation")

    def errors(self) -> List[Dict[str, Any]]:
        """One dict per failed check: ``type``, ``loc`` (tuple), ``msg`` and ``input``."""
        return [dict(e) for e in self._errors]

    def error_count(self) -> int:
        """How many checks failed."""
        return len(self._errors)

    def _extra_state(self) -> Dict[str, Any]:
        return {"title": self.title, "_errors": self._errors}


def _int_header(headers: Dict[str, str], name: str) -> Optional[int]:
    try:
        return int(headers[name].strip())
    except (KeyError, ValueError, AttributeError):
        return None


# the C core gets a 429's retry_after/retry_at from here: one function weighs
# the raw figures (see jobo_enterprise._wait)
_retry_fields = retry_fields
