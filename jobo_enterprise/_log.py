"""Logging on ``logging.getLogger("jobo_enterprise")``.

The logger has a :class:`logging.NullHandler`, so nothing is printed unless the
application configures logging (``logging.basicConfig(level=logging.INFO)``) or
sets ``JOBO_LOG=info`` / ``JOBO_LOG=debug``, which attaches a handler on stderr
at that level when the package is imported.

What is logged, and at which level:

- INFO: each retry (why, the wait, attempt n of m) and each pacing wait (the
  client waiting for the key's rate-limit window rather than spending a
  request on a certain 429);
- WARNING: each answer with a 4xx or 5xx status;
- DEBUG: one line per attempt (method, path and query, status, HTTP version,
  elapsed time, credits, request id). An attempt answered 4xx/5xx has its one
  line at WARNING.

Every record carries its figures as attributes (``extra`` fields) whose names
start with ``jobo_`` (see :data:`FIELDS`), so a JSON formatter can emit them as
they are; the README shows one.

The API key is never in a record: it is not in URLs, and every text that goes
into a record (the message, the path and query, server text, request ids) is
passed through the client's own key masker (which finds the configured key
itself, whatever its shape, raw, JSON-escaped or percent-encoded) and then
:func:`redact` (anything shaped like a Jobo key) in case a server echoes it
back. Server text has its control characters escaped by the C core.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Callable, Dict, Optional

# logging's own level numbers (fixed by the logging module's documentation)
DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40

_logger: Any = None


def get_logger() -> Any:
    """The package logger, with its NullHandler. ``logging`` (about 7 ms with
    what it imports) is imported here, when the application already has it or
    the package first logs or asks whether it would, never by ``import
    jobo_enterprise`` alone: the import-time budget holds."""
    global _logger
    if _logger is None:
        import logging

        lg = logging.getLogger("jobo_enterprise")
        if not any(isinstance(h, logging.NullHandler) for h in lg.handlers):
            lg.addHandler(logging.NullHandler())
        _logger = lg
    return _logger


def __getattr__(name: str) -> Any:  # ``_log.logger``, made on first use
    if name == "logger":
        return get_logger()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: the ``extra`` attributes records of this package may carry (absent = not known)
FIELDS = (
    "jobo_event",              # "attempt", "retry", "pacing", "refused"
    "jobo_method",             # "GET" / "POST"
    "jobo_path",               # path and query string (key masked)
    "jobo_status",             # HTTP status of the answer, None without one
    "jobo_http_version",       # "1.1" / "2", None without an answer
    "jobo_elapsed_ms",         # time of the attempt in milliseconds
    "jobo_attempt",            # 1 for the first attempt
    "jobo_max_attempts",       # max_retries + 1
    "jobo_request_id",         # X-Request-Id of the answer
    "jobo_credits_used",       # X-Credits-Used of a 2xx answer
    "jobo_credits_remaining",  # X-Credits-Remaining of a 2xx answer
    "jobo_error",              # exception class name of a failed attempt
    "jobo_reason",             # why a retry happens ("HTTP 503", "JoboConnectionError")
    "jobo_wait_s",             # seconds waited before a retry, or for the rate-limit window
)

# anything shaped like a Jobo key, or an X-Api-Key header line
_KEYISH = re.compile(r"(jbe_(?:live|test)_)[A-Za-z0-9_\-]+|(?i:(x-api-key\s*[:=]\s*))\S+")

Mask = Optional[Callable[[str], str]]


def redact(text: str, mask: Mask = None) -> str:
    """Mask the client's key (``mask``, the transport's masker) and anything
    in ``text`` that looks like an API key."""
    if mask is not None:
        text = mask(text)
    return _KEYISH.sub(lambda m: (m.group(1) or m.group(2)) + "[redacted]", text)


def enabled(level: int = WARNING) -> bool:
    """Whether records of ``level`` (default: any this package writes by
    default, WARNING) would be handled: attempts are timed only then."""
    return get_logger().isEnabledFor(level)


def _target(call: Any) -> str:
    if not call.query:
        return call.path
    from urllib.parse import urlencode

    return call.path + "?" + urlencode(call.query)


def _over(http_version: Optional[str]) -> str:
    return f"HTTP/{http_version}" if http_version else "no response"


def _emit(level: int, text: str, fields: Dict[str, Any], mask: Mask) -> None:
    extra = {k: (redact(v, mask) if isinstance(v, str) else v) for k, v in fields.items()}
    get_logger().log(level, "%s", redact(text, mask), extra=extra)


def _attempt_fields(call: Any, attempt: int, max_attempts: Optional[int], seconds: float,
                    http_version: Optional[str], status: Optional[int],
                    request_id: Optional[str]) -> Dict[str, Any]:
    return {
        "jobo_event": "attempt", "jobo_method": call.method, "jobo_path": _target(call),
        "jobo_status": status, "jobo_http_version": http_version,
        "jobo_elapsed_ms": round(seconds * 1000, 3), "jobo_attempt": attempt + 1,
        "jobo_max_attempts": max_attempts, "jobo_request_id": request_id,
        "jobo_credits_used": None, "jobo_credits_remaining": None, "jobo_error": None,
    }


def _of(attempt: int, max_attempts: Optional[int]) -> str:
    return f"attempt {attempt + 1}" + (f" of {max_attempts}" if max_attempts else "")


def success(call: Any, usage: Any, attempt: int, seconds: float, mask: Mask = None,
            http_version: Optional[str] = None, status: int = 200,
            max_attempts: Optional[int] = None) -> None:
    """The DEBUG line of an attempt that succeeded."""
    if not get_logger().isEnabledFor(DEBUG):
        return
    fields = _attempt_fields(call, attempt, max_attempts, seconds, http_version, status,
                             usage.request_id)
    fields["jobo_credits_used"] = usage.credits_used
    fields["jobo_credits_remaining"] = usage.credits_remaining
    _emit(DEBUG, "%s %s -> %d over %s in %.1f ms (%s, request id %s, credits used %s, "
                 "remaining %s, rate limit remaining %s)" % (
                     call.method, _target(call), status, _over(http_version), seconds * 1000,
                     _of(attempt, max_attempts), usage.request_id, usage.credits_used,
                     usage.credits_remaining, usage.rate_limit_remaining), fields, mask)


def failure(call: Any, exc: Exception, attempt: int, seconds: float, mask: Mask = None,
            http_version: Optional[str] = None, max_attempts: Optional[int] = None) -> None:
    """The line of a failed attempt: WARNING when the server answered 4xx/5xx,
    else DEBUG (a connection failure; its retry, if any, is logged at INFO)."""
    status = getattr(exc, "status_code", None)
    level = WARNING if isinstance(status, int) and status >= 400 else DEBUG
    if not get_logger().isEnabledFor(level):
        return
    fields = _attempt_fields(call, attempt, max_attempts, seconds, http_version, status,
                             getattr(exc, "request_id", None))
    fields["jobo_error"] = type(exc).__name__
    _emit(level, "%s %s -> %s over %s in %.1f ms (%s): %s %s" % (
        call.method, _target(call), type(exc).__name__, _over(http_version), seconds * 1000,
        _of(attempt, max_attempts), str(exc), repr(exc)), fields, mask)


def reason(exc: Exception) -> str:
    """Why an attempt failed, in a few words: ``HTTP 503``, ``JoboConnectionError``."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return f"HTTP {status}"
    code = getattr(exc, "code", None)
    return type(exc).__name__ + (f" ({code})" if isinstance(code, str) and code else "")


def retrying(call: Any, exc: Exception, wait: float, attempt: int,
             max_attempts: Optional[int] = None, mask: Mask = None) -> None:
    """INFO: attempt ``attempt`` (0-based, the next one) follows after ``wait`` s."""
    if not get_logger().isEnabledFor(INFO):
        return
    why = reason(exc)
    fields = {"jobo_event": "retry", "jobo_method": call.method, "jobo_path": _target(call),
              "jobo_attempt": attempt + 1, "jobo_max_attempts": max_attempts,
              "jobo_reason": why, "jobo_wait_s": round(wait, 3),
              "jobo_status": getattr(exc, "status_code", None),
              "jobo_request_id": getattr(exc, "request_id", None)}
    _emit(INFO, "%s %s: %s, retrying in %.2f s (%s)" % (
        call.method, call.path, why, wait, _of(attempt, max_attempts)), fields, mask)


def pacing(wait: float) -> None:
    """INFO: the client waits ``wait`` s for the key's rate-limit window."""
    if not get_logger().isEnabledFor(INFO):
        return
    fields = {"jobo_event": "pacing", "jobo_wait_s": round(wait, 3)}
    get_logger().info("waiting %.2f s for the rate-limit window of this key (no request left "
                "in it) rather than spending a request on a 429", wait, extra=fields)


def refused(exc: Exception) -> None:
    if get_logger().isEnabledFor(DEBUG):
        get_logger().debug("client configuration refused: %s", redact(str(exc)),
                     extra={"jobo_event": "refused"})


_LEVELS = {"DEBUG": DEBUG, "INFO": INFO, "WARNING": WARNING, "ERROR": ERROR}


def configure_from_environment() -> None:
    """``JOBO_LOG=info`` or ``JOBO_LOG=debug`` (also ``warning``, ``error``):
    log this package at that level to stderr. Anything else is ignored with a
    warning on stderr; unset or empty, nothing is configured."""
    value = os.environ.get("JOBO_LOG", "").strip()
    if not value:
        return
    level = _LEVELS.get(value.upper())
    if level is None:
        print(f"jobo_enterprise: JOBO_LOG={value!r} is not one of info, debug, warning, "
              "error; ignored", file=sys.stderr)
        return
    import logging

    logger = get_logger()
    logger.setLevel(level)
    handler = next((h for h in logger.handlers if getattr(h, "_jobo", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler._jobo = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    handler.setLevel(level)


if "logging" in sys.modules:  # the application logs: the NullHandler is there at once
    get_logger()
configure_from_environment()
