"""Shared machinery of the resources: request descriptions and value encoding.

A resource method validates its arguments and returns the result of running a
:class:`Call`, a plain description of one request (method, path, query, body,
timeout class, result parser). The client runs it; an async client can run the
same description, so no endpoint is written twice.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any, Callable, Iterable, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import quote
from uuid import UUID

from .._core import Record, detach_kept
from .._time import format_datetime
from ..exceptions import JoboResponseError, JoboValidationError

Query = List[Tuple[str, str]]


class Call:
    """One API request, described: run it with ``client._execute(call)``."""

    __slots__ = ("method", "path", "query", "body", "parse", "timeout_kind", "model")

    def __init__(
        self,
        method: str,
        path: str,
        parse: Callable[[Any, Any], Any],
        query: Optional[Query] = None,
        body: Optional[bytes] = None,
        timeout_kind: str = "default",
    ) -> None:
        self.method: str = method
        self.path: str = path
        self.parse: Callable[[Any, Any], Any] = parse
        self.query: Query | None = query
        self.body: bytes | None = body
        self.timeout_kind: str = timeout_kind
        # parse = SomeModel._from_response: the C core hands the body back as a
        # lazy view of that model class (decoded on access, not up front)
        owner = getattr(parse, "__self__", None)
        self.model: Optional[type] = (
            owner if isinstance(owner, type) and issubclass(owner, Record) else None)

    def __repr__(self) -> str:
        return f"Call({self.method} {self.path})"


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

    def _run(self, call: Call, timeout: Optional[float] = None) -> Any:
        return self._client._execute(call, timeout=timeout)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def jobs_of(pages: Iterable[Any]) -> Iterator[Any]:
    """The jobs of each page, in order.

    A job is a view of its page's parsed response, which it keeps alive; so
    once the caller is done with a page, the jobs it kept (and anything it
    kept from them) are turned into dict-backed models, and the page's tree
    is freed with the page: keeping one job per page of a long feed costs one
    job each, not one page each."""
    for page in pages:
        jobs = page_jobs(page)
        yield from jobs
        detach_kept(jobs)


def page_jobs(page: Any) -> List[Any]:
    """A page's ``jobs`` list; a page whose ``jobs`` is anything but a list (an
    object, a string, missing) raises JoboResponseError, not a TypeError from
    inside an iterator."""
    jobs = page.jobs
    if not isinstance(jobs, list):
        usage = getattr(page, "usage", None)
        raise JoboResponseError(
            "the server sent a page whose 'jobs' is "
            + ("missing" if jobs is None else f"a {type(jobs).__name__}, not a list"),
            code="malformed_page",
            request_id=getattr(usage, "request_id", None),
        )
    return jobs


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
