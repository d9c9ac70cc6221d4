"""Per-call options: what every endpoint method takes besides its parameters.

``timeout``, ``max_retries``, ``max_wait`` and ``deadline`` override the
client's settings for one call (None, their default: the client's); ``extra_headers``, ``extra_query`` and (POST
endpoints) ``extra_body`` add to the request what this SDK version does not
know yet. The rules for extras:

- an extra that names a documented parameter of the endpoint raises
  :class:`~jobo_enterprise.JoboValidationError` (use the parameter: an extra
  never silently overrides it);
- ``X-Api-Key``, ``Host``, ``Content-Length``, ``Transfer-Encoding``, the
  headers the client sets itself (``Accept``, ``Content-Type``,
  ``User-Agent``, ``Expect``) and connection-specific ones (``Connection``,
  ``Keep-Alive``, ``Upgrade``, ``TE``, ...) are refused, and so is anything
  called ``api_key`` in the query or (at any depth) in the body;
- a header name must be an HTTP token; a name or value with CR, LF, NUL or
  another control character, or outside ASCII, or an empty value, is refused
  before sending;
- extra query and body values go through the encoding of documented ones
  (enums by value, datetimes ISO-8601 UTC, lists comma-joined in a query).

Every refusal raises ``JoboValidationError`` and nothing is sent. Each method
spells the options out in its signature (the ``CALL_OPTIONS`` and
``POST_CALL_OPTIONS`` groups of :mod:`jobo_enterprise.resources._params`);
the ``RequestOptions`` and ``PostRequestOptions`` TypedDicts type a dict of
them passed on with ``**``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple, TypedDict

from ._config import check_timeout
from .exceptions import JoboValidationError

__all__ = ["RequestOptions", "PostRequestOptions", "apply_options", "plan_with_options",
           "OPTION_NAMES"]


class RequestOptions(TypedDict, total=False):
    """The keyword-only options of every method of a GET endpoint, as a dict to
    pass on with ``**`` (the methods' signatures spell each one out; None or
    absent: the client's setting, nothing added)."""

    #: total seconds of each attempt, for this call
    timeout: float
    #: retries after a failed attempt, for this call (default: the client's)
    max_retries: int
    #: the longest server-requested wait accepted, in seconds, for this call
    max_wait: float
    #: total seconds for all attempts of this call
    deadline: float
    #: headers added to the request (refused: see the module docstring)
    extra_headers: Mapping[str, str]
    #: query parameters added to the request, encoded like documented ones
    extra_query: Mapping[str, Any]


class PostRequestOptions(RequestOptions, total=False):
    """The options of POST endpoints: those of every endpoint, and ``extra_body``."""

    #: JSON body fields added to the request, encoded like documented ones
    extra_body: Mapping[str, Any]


OPTION_NAMES = frozenset(PostRequestOptions.__annotations__)

#: headers a call may not set: the key, the framing, and what the client sets itself
REFUSED_HEADERS = {
    "x-api-key": "the API key goes only where the client puts it",
    "host": "the host comes from the base URL",
    "content-length": "the client frames the body",
    "transfer-encoding": "the client frames the body",
    "accept": "the client sets it (application/json)",
    "content-type": "the client sets it (application/json)",
    "user-agent": "the client sets it",
    "expect": "the client sets it",
    "connection": "it is connection-specific (and not allowed over HTTP/2)",
    "keep-alive": "it is connection-specific (and not allowed over HTTP/2)",
    "proxy-connection": "it is connection-specific (and not allowed over HTTP/2)",
    "te": "it is connection-specific (and not allowed over HTTP/2)",
    "trailer": "it is connection-specific (and not allowed over HTTP/2)",
    "upgrade": "it is connection-specific (and not allowed over HTTP/2)",
}

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _refuse(message: str) -> JoboValidationError:
    return JoboValidationError(message + " Nothing was sent.")


def _mapping(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _refuse(f"{name} must be a mapping (dict) of names to values, "
                      f"not {type(value).__name__}.")
    for key in value:
        if not isinstance(key, str) or not key:
            raise _refuse(f"{name} names must be non-empty strings, got {key!r}.")
    return value


def _header_lines(extra: Any) -> Tuple[str, ...]:
    lines = []
    for name, value in _mapping("extra_headers", extra).items():
        if not _TOKEN.match(name):
            raise _refuse(f"extra_headers: {name!r} is not a valid header name (letters, "
                          "digits and !#$%&'*+.^_`|~- only; no CR, LF, NUL, space or colon).")
        why = REFUSED_HEADERS.get(name.lower())
        if why is not None:
            raise _refuse(f"extra_headers may not set {name!r}: {why}.")
        if not isinstance(value, str):
            raise _refuse(f"extra_headers[{name!r}] must be a str, not {type(value).__name__}.")
        if _BAD_VALUE.search(value):
            raise _refuse(f"extra_headers[{name!r}] holds a CR, LF, NUL or another control "
                          "character.")
        if not value.isascii():
            raise _refuse(f"extra_headers[{name!r}] must be ASCII.")
        if not value.strip():
            raise _refuse(f"extra_headers[{name!r}] is empty (an empty header is not sent).")
        lines.append(f"{name}: {value.strip()}")
    return tuple(lines)


def _check_api_key(where: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and key.strip().lower().replace("-", "_") == "api_key":
                raise _refuse(f"{where} may not hold 'api_key': the key travels only in the "
                              "X-Api-Key header the client sets.")
            _check_api_key(where, item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_api_key(where, item)


def _documented(where: str, names: Mapping[str, Any], documented: FrozenSet[str]) -> None:
    for name in names:
        if name in documented:
            raise _refuse(f"{where} names {name!r}, a parameter of this method: pass "
                          f"{name}= instead (an extra never overrides a parameter).")


def apply_options(call: Any, options: Dict[str, Any], method: str) -> Any:
    """``call`` with the per-call options given to ``method`` (its name, for
    errors; None values are not given) applied: a new Call, or ``call`` itself
    when there are none."""
    options = {k: v for k, v in options.items() if v is not None}
    if not options:
        return call
    from .resources._base import build_query, extend_body

    unknown = sorted(set(options) - OPTION_NAMES)
    if unknown:
        raise TypeError(f"{method}() got an unexpected keyword argument {unknown[0]!r}")
    settings: Dict[str, Any] = {}
    if "timeout" in options:
        settings["timeout"] = check_timeout("timeout", options["timeout"])
    if "max_retries" in options:
        value = options["max_retries"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _refuse(f"max_retries must be a non-negative integer, got {value!r}.")
        settings["max_retries"] = value
    if "max_wait" in options:
        value = options["max_wait"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise _refuse(f"max_wait must be a non-negative number of seconds, got {value!r}.")
        settings["max_wait"] = float(value)
    if "deadline" in options:
        settings["deadline"] = check_timeout("deadline", options["deadline"])
    query, body, headers = call.query, call.body, call.headers
    if options.get("extra_headers"):
        headers = (headers or ()) + _header_lines(options["extra_headers"])
    if options.get("extra_query"):
        extra = _mapping("extra_query", options["extra_query"])
        _check_api_key("extra_query", extra)
        _documented("extra_query", extra, call.params if call.method == "GET" else frozenset())
        already = {name for name, _ in query or ()}
        for name in extra:
            if name in already:
                raise _refuse(f"extra_query names {name!r}, which this call already sends.")
        query = list(query or []) + build_query(list(extra.items()))
    if "extra_body" in options:
        if call.method != "POST":
            raise _refuse(f"{method}() is a GET endpoint: extra_body is only for POST "
                          "endpoints (use extra_query).")
        extra = _mapping("extra_body", options["extra_body"])
        if extra:
            _check_api_key("extra_body", extra)
            _documented("extra_body", extra, call.params)
            body = extend_body(body, extra)
    return call.with_options(query=query, body=body, headers=headers, **settings)


class _OptionedPlan:
    """A paging plan (jobo_enterprise._paging) whose every call carries an
    iterator's per-call options."""

    __slots__ = ("_plan", "_apply")

    def __init__(self, plan: Any, apply: Any) -> None:
        self._plan = plan
        self._apply = apply

    def first(self) -> Any:
        call = self._plan.first()
        return None if call is None else self._apply(call)

    def opening(self) -> Any:
        return [self._apply(call) for call in self._plan.opening()]

    def take(self, page: Any) -> bool:
        return self._plan.take(page)  # type: ignore[no-any-return]

    def ahead(self, in_flight: int) -> Any:
        return [self._apply(call) for call in self._plan.ahead(in_flight)]

    def finished(self) -> bool:
        return self._plan.finished()  # type: ignore[no-any-return]

    def next_call(self) -> Any:
        call = self._plan.next_call()
        return None if call is None else self._apply(call)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._plan, name)  # the plan's other figures, as they are


def plan_with_options(plan: Any, options: Dict[str, Any], method: str) -> Any:
    """``plan`` with the per-call options of an iterator applied to every page's
    call; checked now, on the plan's first call, before any request."""
    if all(v is None for v in options.values()):
        return plan

    def apply(call: Any) -> Any:
        return apply_options(call, options, method)

    # the description of the first page (a pure function of the plan's arguments)
    apply(plan._call_for(getattr(plan, "_start", None)))
    return _OptionedPlan(plan, apply)
