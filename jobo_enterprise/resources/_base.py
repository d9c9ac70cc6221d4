"""Shared machinery of the resources: request descriptions and value encoding.

A resource method validates its arguments and returns the result of running a
:class:`Call`, a plain description of one request (method, path, query, body,
timeout class, result model). The client runs it; an async client runs the
same description, so no endpoint is written twice.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple
from urllib.parse import quote
from uuid import UUID

from .._core import Record
from .._options import apply_options, plan_with_options
from .._time import format_datetime
from ..exceptions import JoboValidationError

Query = List[Tuple[str, str]]


class Call:
    """One API request, described: what the client's run pipeline
    (:mod:`jobo_enterprise._run`) performs, sync or async alike.

    - ``method``, ``path``, ``query`` (encoded ``(name, value)`` pairs),
      ``body`` (JSON bytes): the request;
    - ``model``: the result type, named explicitly: a model class (a
      ``_core.Record``), which the C core builds as a lazy view of the body and
      :meth:`finish` completes with the response's usage figures;
    - ``timeout_kind``: ``"default"`` or ``"feed"`` (the client's
      ``feed_timeout`` applies);
    - ``options``: this call's own settings over the client's (``timeout``,
      ``max_retries``, ``max_wait``, ``deadline``, ``read_timeout``; ``raw``:
      the result is a :class:`~jobo_enterprise.RawResponse`; ``unprobed``: the
      first attempt goes along with the rate-limit probe, see
      :class:`jobo_enterprise._run.Settings`), or None;
    - ``headers``: extra ``"Name: value"`` lines (a call's ``extra_headers``);
    - ``params``: the names of the endpoint's documented parameters (query
      names of a GET, body fields of a POST), which extras may not name.

    >>> Call("GET", "/api/jobs/" + job_id, Job).with_options(timeout=5)
    """

    __slots__ = ("method", "path", "model", "query", "body", "timeout_kind", "options",
                 "headers", "params")

    def __init__(
        self,
        method: str,
        path: str,
        model: type,
        *,
        query: Optional[Query] = None,
        body: Optional[bytes] = None,
        timeout_kind: str = "default",
        options: Optional[Dict[str, Any]] = None,
        headers: Optional[Tuple[str, ...]] = None,
        params: FrozenSet[str] = frozenset(),
    ) -> None:
        if not (isinstance(model, type) and issubclass(model, Record)):
            raise TypeError(f"Call: model must be a model class, not {model!r}")
        self.method: str = method
        self.path: str = path
        self.model: type = model
        self.query: Query | None = query
        self.body: bytes | None = body
        self.timeout_kind: str = timeout_kind
        self.options: Dict[str, Any] | None = options
        self.headers: Tuple[str, ...] | None = headers
        self.params: FrozenSet[str] = params

    _UNSET: Any = object()

    def with_options(self, *, query: Any = _UNSET, body: Any = _UNSET, headers: Any = _UNSET,
                     **options: Any) -> "Call":
        """A copy with these settings over this call's (None: not given), and
        the request's ``query``, ``body`` or ``headers`` replaced when given.
        ``deadline=None`` given explicitly removes a deadline."""
        merged = dict(self.options or {})
        merged.update((k, v) for k, v in options.items()
                      if v is not None or k == "deadline")
        unset = Call._UNSET
        return Call(self.method, self.path, self.model,
                    query=self.query if query is unset else query,
                    body=self.body if body is unset else body,
                    timeout_kind=self.timeout_kind, options=merged or None,
                    headers=self.headers if headers is unset else headers,
                    params=self.params)

    def finish(self, data: Any, usage: Any) -> Any:
        """The call's result from what the C core returned (a view of ``model``)."""
        return self.model._from_response(data, usage)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"Call({self.method} {self.path} -> {self.model.__name__})"


class Resource:
    """Base of ``client.jobs``, ``client.feed``, ``client.companies``, ``client.locations``."""

    __slots__ = ("_client",)

    def __init__(self, client: Any) -> None:
        if not hasattr(client, "_execute"):
            # the official package's sub-clients take an httpx.Client; ours run on
            # the C transport of a JoboClient
            raise TypeError(
                f"{type(self).__name__} takes a JoboClient, not {type(client).__name__}: "
                "this SDK's transport is libcurl in its C core, not httpx. Build a "
                "JoboClient(api_key, base_url=..., timeout=...) and use its "
                ".search, .feed, .companies and .locations."
            )
        self._client = client

    def _run(self, call: Call, options: Optional[Dict[str, Any]] = None,
             method: str = "call") -> Any:
        """The result of a call, with the method's per-call options (those
        given: ``CALL_OPTIONS.pick(...)``) applied (jobo_enterprise._options):
        the client runs it (a sync client returns the result, an async one an
        awaitable of it)."""
        return self._client._execute(apply_options(call, options or {}, method))

    def _iterate(self, plan: Any, shape: str, options: Dict[str, Any], method: str,
                 **kwargs: Any) -> Any:
        """The client's iterator over a paging plan, every page's call with the
        method's per-call options (checked now, before any request)."""
        return self._client._iterate(plan_with_options(plan, options, method), shape, **kwargs)

    @property
    def with_raw_response(self) -> Any:
        """This resource with every method answering a
        :class:`~jobo_enterprise.RawResponse` (status, HTTP version, headers,
        body bytes, ``parse()``) instead of the typed result:
        ``client.jobs.with_raw_response.search("nurse")``."""
        from .._response import RawRunner

        return type(self)(RawRunner(self._client))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def extend_body(body: Optional[bytes], extra: Dict[str, Any]) -> bytes:
    """A JSON object body with ``extra`` fields added (encoded as documented
    fields are); a field the body already has raises JoboValidationError."""
    payload = json.loads(body) if body else {}
    for name in extra:
        if name in payload:
            raise JoboValidationError(
                f"extra_body names {name!r}, which this call already sends. Nothing was sent.")
    fields = [(name, value) for name, value in extra.items()]
    added = json.loads(json_body(fields))
    payload.update(added)
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def wire(value: Any) -> Any:
    """A value as it goes on the wire: enums by value, datetimes as ISO-8601 UTC."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return format_datetime(value)
    if isinstance(value, UUID):
        return str(value)
    return value


def encode_query_value(name: str, value: Any) -> str:
    """One query parameter value as text (lists comma-joined, booleans true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime, date)):
        return format_datetime(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ",".join(encode_query_value(name, v) for v in items)
    raise JoboValidationError(
        f"parameter {name!r} cannot be sent as a query value ({type(value).__name__})"
    )


def build_query(params: Sequence[Tuple[str, Any]]) -> Query:
    """(name, value) pairs with None values dropped, values encoded."""
    return [(name, encode_query_value(name, v)) for name, v in params if v is not None]


def json_body(fields: Sequence[Tuple[str, Any]]) -> bytes:
    """A JSON request body from (name, value) pairs; None values are omitted."""
    payload = {}
    for name, value in fields:
        if value is None:
            continue
        payload[name] = _jsonable(value)
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict") and not isinstance(value, type):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return wire(value)


def check_int(name: str, value: Any, low: int, high: Optional[int] = None) -> int:
    """An integer argument within [low, high], else JoboValidationError (nothing sent)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise JoboValidationError(f"Parameter '{name}' must be an integer, got {value!r}.")
    if value < low or (high is not None and value > high):
        span = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise JoboValidationError(f"Parameter '{name}' must be {span}.")
    return value


def path_segment(name: str, value: Any) -> str:
    """An id for a URL path: str or UUID, percent-encoded."""
    if isinstance(value, UUID):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise JoboValidationError(f"Parameter '{name}' must be a non-empty str or UUID.")
    return quote(value.strip(), safe="")


def str_list(name: str, value: Any) -> List[str]:
    """A list-valued body field: a list/tuple of str (or enums), or one str
    (comma-separated values are split)."""
    if isinstance(value, Enum):
        return [value.value]
    if isinstance(value, str):
        if name in ("queries", "locations") or "," not in value:
            return [value]  # "San Francisco, CA" is one location
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple, set, frozenset)):
        out = []
        for v in value:
            v = wire(v)
            if not isinstance(v, str):
                raise JoboValidationError(
                    f"Parameter '{name}' must be a list of strings, got an item of type "
                    f"{type(v).__name__}."
                )
            out.append(v)
        return out
    raise JoboValidationError(
        f"Parameter '{name}' must be a list of strings, got {type(value).__name__}."
    )
