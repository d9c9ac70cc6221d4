"""Exit statuses of ``jobo`` and how a failure is told: one line, or one JSON object.

======  ==================================================================================
status  meaning
======  ==================================================================================
0       success
2       usage or configuration error: a bad option, no key, an unusable CA bundle, an
        argument refused before anything was sent, an output file in the way
3       a permanent refusal: 400, 401, 402, 403, 404 (and other 4xx), a redirect, a TLS
        verification failure; the same command will fail again
4       a temporary failure worth retrying: a 409 the feed restart did not cure, 429,
        5xx, a network failure or timeout, a malformed body
130     interrupted (Ctrl-C)
======  ==================================================================================
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from typing import Any, Dict, Optional

from ..exceptions import (
    JoboAPIError,
    JoboAuthenticationError,
    JoboConfigurationError,
    JoboConnectionError,
    JoboCursorRestartRequiredError,
    JoboError,
    JoboInsufficientCreditsError,
    JoboNotFoundError,
    JoboPermissionError,
    JoboRateLimitError,
    JoboResponseError,
    JoboServerError,
    JoboTLSError,
    JoboValidationError,
)
from ..mirror.errors import MirrorBusyError, MirrorFiltersError
from .common import UsageError

OK, USAGE, REFUSED, RETRY, INTERRUPTED = 0, 2, 3, 4, 130

# Exception class -> exit status. The most specific class wins (looked up along the
# exception's MRO); exit_status() refines the few whose meaning depends on the status.
EXIT_STATUS: Dict[type, int] = {
    UsageError: USAGE,
    MirrorFiltersError: USAGE,  # other filters than the database's, without --reset
    MirrorBusyError: RETRY,  # another sync of the same database is running
    JoboConfigurationError: USAGE,
    JoboValidationError: REFUSED,  # a 400; refused before sending: USAGE
    JoboAuthenticationError: REFUSED,
    JoboInsufficientCreditsError: REFUSED,
    JoboPermissionError: REFUSED,
    JoboNotFoundError: REFUSED,
    JoboTLSError: REFUSED,
    JoboCursorRestartRequiredError: RETRY,
    JoboRateLimitError: RETRY,
    JoboServerError: RETRY,
    JoboResponseError: RETRY,  # malformed or oversized body; a redirect: REFUSED
    JoboConnectionError: RETRY,  # and JoboTimeoutError
    JoboAPIError: REFUSED,  # any other 4xx; 5xx and 408: RETRY
    JoboError: RETRY,
    KeyboardInterrupt: INTERRUPTED,
    OSError: USAGE,  # the output file cannot be written
}


def exit_status(exc: BaseException) -> int:
    status = getattr(exc, "status_code", None)
    if isinstance(exc, JoboValidationError) and status is None:
        return USAGE
    if isinstance(exc, JoboResponseError) and status is not None and 300 <= status < 400:
        return REFUSED
    if type(exc) is JoboAPIError and status is not None and (status >= 500 or status == 408):
        return RETRY
    for cls in type(exc).__mro__:
        if cls in EXIT_STATUS:
            return EXIT_STATUS[cls]
    return 1


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def retry_when(exc: JoboRateLimitError, now: Optional[float] = None) -> Optional[str]:
    """``14:32:05 CET (in 29 min 51 s)``: the retry time on the local clock and the wait."""
    at = exc.retry_at
    if at is None and exc.retry_after is not None:
        at = datetime.fromtimestamp(time.time() + exc.retry_after, tz=timezone.utc)
    if at is None:
        return None
    now = time.time() if now is None else now
    wait = at.timestamp() - now
    local = at.astimezone()
    today = datetime.fromtimestamp(now).astimezone().date()
    clock = local.strftime("%H:%M:%S %Z" if local.date() == today else "%Y-%m-%d %H:%M:%S %Z")
    return f"{clock.strip()} (in {_duration(wait)})"


def message(exc: BaseException) -> str:
    """The one-line text of a failure (never the key: exceptions do not hold it)."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, JoboRateLimitError):
        text = "HTTP 429 Too Many Requests: rate limit exceeded"
        when = retry_when(exc)
        text += f"; retry at {when}" if when else "; retry later"
        if exc.request_id:
            text += f" (request id {exc.request_id})"
    elif isinstance(exc, OSError) and not isinstance(exc, JoboError):
        text = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def report(exc: BaseException, as_json: bool, status: Optional[int] = None,
           extra: Optional[Dict[str, Any]] = None) -> int:
    """Print a failure on stderr (one line, or one JSON object) and return its status."""
    status = exit_status(exc) if status is None else status
    text = message(exc)
    if as_json:
        data: Dict[str, Any] = {
            "error": "Interrupted" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__,
            "message": text,
            "exit_status": status,
        }
        for name in ("status_code", "code", "request_id"):
            value = getattr(exc, name, None)
            if value is not None:
                data[name] = value
        if isinstance(exc, JoboRateLimitError):
            if exc.retry_after is not None:
                data["retry_after"] = exc.retry_after
            if exc.retry_at is not None:
                data["retry_at"] = exc.retry_at.isoformat().replace("+00:00", "Z")
        data.update(extra or {})
        sys.stderr.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(f"jobo: error: {text}\n")
    sys.stderr.flush()
    return status
