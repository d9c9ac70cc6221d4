"""What a response carries besides its typed body: :class:`Headers` (every
typed result's ``response_headers``) and :class:`RawResponse` (what
``client.<resource>.with_raw_response.<method>(...)`` answers).

The C core reports each finished attempt's status, header lines (with the
client's key masked, should a server echo it), elapsed time and, for a raw
call, the body bytes; nothing here parses on the hot path: headers are split
into a mapping the first time they are read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

from ._usage import Usage

__all__ = ["Headers", "RawResponse", "RawRunner"]


class Headers(Mapping[str, str]):
    """The response's headers: a read-only, case-insensitive mapping.

    ``headers["x-request-id"] == headers["X-Request-Id"]``; a header sent more
    than once reads as its values joined with ``", "`` (:meth:`get_list` gives
    them apart). Iterating gives the names in lowercase, in the order sent.
    """

    __slots__ = ("_block", "_items")

    def __init__(self, block: bytes = b"") -> None:
        self._block = block
        self._items: Optional[Dict[str, List[str]]] = None

    @classmethod
    def from_pairs(cls, pairs: Any) -> "Headers":
        """Headers from ``(name, value)`` pairs (or a mapping)."""
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        return cls("".join(f"{k}: {v}\r\n" for k, v in items).encode("latin-1"))

    def _parsed(self) -> Dict[str, List[str]]:
        items = self._items
        if items is None:
            items = {}
            for line in self._block.decode("latin-1").split("\n"):
                name, sep, value = line.partition(":")
                name = name.strip().lower()
                if sep and name:
                    items.setdefault(name, []).append(value.strip())
            self._items = items
        return items

    def __getitem__(self, name: str) -> str:
        if not isinstance(name, str):
            raise KeyError(name)
        return ", ".join(self._parsed()[name.lower()])

    def get_list(self, name: str) -> List[str]:
        """Every value of the header ``name`` (case-insensitive), in order; [] when absent."""
        return list(self._parsed().get(name.lower(), []))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._parsed()

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsed())

    def __len__(self) -> int:
        return len(self._parsed())

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"

    def __reduce__(self) -> Any:
        return (Headers, (self._block,))


class RawResponse:
    """The HTTP response of one call, before it becomes a typed result.

    Attributes: ``status_code``, ``http_version`` (``"1.1"``, ``"2"``),
    ``headers`` (:class:`Headers`), ``request_id``, ``usage``
    (:class:`~jobo_enterprise.Usage`), ``elapsed`` (a ``timedelta``: the
    final attempt, from the start of the request to the end of the body),
    ``retries_taken`` and ``content`` (the body bytes, as received).
    :meth:`parse` gives the typed result the plain call gives; :meth:`json`
    the body as plain Python data.

    Only successful answers come back raw: an error status raises the same
    typed exception as the plain call.
    """

    __slots__ = ("status_code", "http_version", "headers", "usage", "elapsed",
                 "retries_taken", "content", "_parse", "_parsed")

    def __init__(self, *, status_code: int, http_version: Optional[str], headers: Headers,
                 usage: Optional[Usage], elapsed: timedelta, retries_taken: int,
                 content: bytes, parse: Callable[[], Any]) -> None:
        self.status_code: int = status_code
        self.http_version: Optional[str] = http_version
        self.headers: Headers = headers
        self.usage: Optional[Usage] = usage
        self.elapsed: timedelta = elapsed
        self.retries_taken: int = retries_taken
        self.content: bytes = content
        self._parse: Callable[[], Any] = parse
        self._parsed: Any = None

    @property
    def request_id(self) -> Optional[str]:
        """The ``X-Request-Id`` of the response (to quote to support)."""
        return getattr(self.usage, "request_id", None)

    def parse(self) -> Any:
        """The typed result, as the plain call returns it (built once)."""
        if self._parsed is None:
            self._parsed = self._parse()
        return self._parsed

    def json(self) -> Any:
        """The body decoded as JSON (plain dicts and lists)."""
        from ._core import decode_json

        return decode_json(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return (f"<RawResponse {self.status_code} HTTP/{self.http_version} "
                f"{len(self.content)} bytes request_id={self.request_id!r}>")


def raw_response(call: Any, data: Any, usage: Any, attempt: int, info: Dict[str, Any],
                 finish: Any) -> RawResponse:
    """The RawResponse of a call that succeeded (``finish()`` makes its typed result)."""
    return RawResponse(
        status_code=info.get("status", 200), http_version=info.get("http_version"),
        headers=Headers(info.get("header_block", b"")), usage=usage,
        elapsed=timedelta(seconds=info.get("elapsed", 0.0)), retries_taken=attempt,
        content=info.get("content", b""), parse=finish)


class RawRunner:
    """A client as seen through ``with_raw_response``: every call it runs is
    marked raw, so the client answers a :class:`RawResponse`. Anything else is
    the client's."""

    __slots__ = ("_client",)

    def __init__(self, client: Any) -> None:
        self._client = client

    def _execute(self, call: Any) -> Any:
        return self._client._execute(call.with_options(raw=True))

    def _iterate(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("with_raw_response applies to single calls; an iterator's pages "
                        "are typed results, each with .response_headers and .usage")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def __repr__(self) -> str:
        return f"<raw responses of {self._client!r}>"
