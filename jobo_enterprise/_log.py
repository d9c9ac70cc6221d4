"""Request/response logging on ``logging.getLogger("jobo_enterprise")``.

Off unless the logger is enabled for DEBUG: set ``JOBO_LOG=debug`` (a handler
on stderr is installed at import) or configure logging yourself. A line is
written per attempt: method, path and query, status, the HTTP version of
the answer (``over HTTP/2``), request id, credits,
time. The API key is never in them: it is not in URLs, and every line is
passed through the client's own key masker (which finds the configured key
itself, whatever its shape, raw, JSON-escaped or percent-encoded) and then
:func:`redact` (anything shaped like a Jobo key) in case a server echoes it
back. Server text in them has its control characters escaped by the C core.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Callable, Optional

_logger: Optional[Any] = None
DEBUG = 10  # logging.DEBUG


def _get_logger() -> Optional[Any]:
    """The package logger, once the application has imported logging. The
    module is not imported here: until something imports it, nothing can have
    enabled a logger, and importing it would slow ``import jobo_enterprise``."""
    global _logger
    if _logger is None:
        logging = sys.modules.get("logging")
        if logging is None:
            return None
        _logger = logging.getLogger("jobo_enterprise")
    return _logger

# anything shaped like a Jobo key, or an X-Api-Key header line
_KEYISH = re.compile(r"(jbe_(?:live|test)_)[A-Za-z0-9_\-]+|(?i:(x-api-key\s*[:=]\s*))\S+")


def redact(text: str, mask: Optional[Callable[[str], str]] = None) -> str:
    """Mask the client's key (``mask``, the transport's masker) and anything
    in ``text`` that looks like an API key."""
    if mask is not None:
        text = mask(text)
    return _KEYISH.sub(lambda m: (m.group(1) or m.group(2)) + "[redacted]", text)


def enabled() -> bool:
    logger = _get_logger()
    return logger is not None and logger.isEnabledFor(DEBUG)


def _target(call: Any) -> str:
    if not call.query:
        return call.path
    from urllib.parse import urlencode

    return call.path + "?" + urlencode(call.query)


def _over(http_version: Optional[str]) -> str:
    return f"HTTP/{http_version}" if http_version else "no response"


def success(call: Any, usage: Any, attempt: int, seconds: float,
            mask: Optional[Callable[[str], str]] = None,
            http_version: Optional[str] = None) -> None:
    _logger.debug(  # type: ignore[union-attr]
        "%s",
        redact("%s %s -> 200 over %s in %.1f ms (attempt %d, request id %s, credits used %s, "
               "remaining %s, rate limit remaining %s)" % (
                   call.method, _target(call), _over(http_version), seconds * 1000,
                   attempt + 1, usage.request_id, usage.credits_used,
                   usage.credits_remaining, usage.rate_limit_remaining), mask),
    )


def failure(call: Any, exc: Exception, attempt: int, seconds: float,
            mask: Optional[Callable[[str], str]] = None,
            http_version: Optional[str] = None) -> None:
    _logger.debug(  # type: ignore[union-attr]
        "%s",
        redact("%s %s -> %s over %s in %.1f ms (attempt %d): %s %s" % (
            call.method, _target(call), type(exc).__name__, _over(http_version),
            seconds * 1000, attempt + 1, str(exc), repr(exc)), mask),
    )


def refused(exc: Exception) -> None:
    _logger.debug("client configuration refused: %s", redact(str(exc)))  # type: ignore


def retrying(call: Any, wait: float, attempt: int) -> None:
    _logger.debug(  # type: ignore[union-attr]
        "%s %s: retry %d in %.2f s", call.method, call.path, attempt, wait)


def configure_from_environment() -> None:
    """``JOBO_LOG=debug`` turns DEBUG logging of this package on, to stderr."""
    level = os.environ.get("JOBO_LOG", "").strip().upper()
    if not level:
        return
    import logging

    logger = _get_logger()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        level = "DEBUG"
    logger.setLevel(level)
    if not any(getattr(h, "_jobo", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler._jobo = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


configure_from_environment()
