"""Typed access to the fields of a JSON request body, with the API's 400 messages.

>>> f = Fields({"page": 2, "queries": ["nurse"]})
>>> f.integer("page", 1, 1), f.strings("queries"), f.boolean("stable_scan", True)
(2, ['nurse'], True)

A field that is absent or ``null`` takes its default; a field of the wrong type or out of
range raises :class:`.wire.ApiError` 400 naming it (``Parameter 'page' must be an
integer.``). Unknown fields are ignored (forward compatibility).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from .search import check_names, parse_datetime
from .wire import ApiError, Request

__all__ = ["Fields", "body_fields"]


def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def body_fields(req: Request, allow_empty: bool = False) -> "Fields":
    """The request body as :class:`Fields`; 400 unless it is a JSON object (an empty
    body counts as ``{}`` when ``allow_empty``)."""
    if allow_empty and not req.body.strip():
        return Fields({})
    return Fields(req.json())


class Fields:
    def __init__(self, data: Dict[str, Any], prefix: str = ""):
        self.data = data
        self.prefix = prefix

    def _name(self, name: str) -> str:
        return self.prefix + name

    def get(self, name: str) -> Any:
        return self.data.get(name)

    def string(self, name: str) -> Optional[str]:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _bad(f"Parameter '{self._name(name)}' must be a string.")
        return value

    def strings(self, name: str) -> Optional[List[str]]:
        """A list of strings (None when absent or null)."""
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(f"Parameter '{self._name(name)}' must be an array of strings.")
        return value

    def names(self, name: str, allowed: Sequence[str], what: str) -> Optional[List[str]]:
        """A list of names from ``allowed`` (case-insensitive); [] when empty."""
        values = self.strings(name)
        return None if values is None else check_names(values, self._name(name), allowed,
                                                       what)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise _bad(f"Parameter '{self._name(name)}' must be true or false.")
        return value

    def number(self, name: str, minimum: Optional[float] = None) -> Optional[float]:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or value != value or value in (float("inf"), float("-inf")):
            raise _bad(f"Parameter '{self._name(name)}' must be a number.")
        if minimum is not None and value < minimum:
            raise _bad(f"Parameter '{self._name(name)}' must be greater than or equal to "
                       f"{minimum:g}.")
        return value

    def integer(self, name: str, default: int, minimum: int,
                maximum: Optional[int] = None) -> int:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(f"Parameter '{self._name(name)}' must be an integer.")
        if maximum is not None and not minimum <= value <= maximum:
            raise _bad(f"Parameter '{self._name(name)}' must be between {minimum} and "
                       f"{maximum}.")
        if value < minimum:
            raise _bad(f"Parameter '{self._name(name)}' must be greater than or equal to "
                       f"{minimum}.")
        return value

    def date(self, name: str) -> Optional[float]:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _bad(f"Parameter '{self._name(name)}' must be an ISO-8601 date-time "
                       f"string, e.g. 2024-01-31T00:00:00Z.")
        try:
            return parse_datetime(value)
        except ValueError:
            raise _bad(f"Parameter '{self._name(name)}' must be an ISO-8601 date-time, "
                       f"e.g. 2024-01-31T00:00:00Z.") from None

    def obj(self, name: str) -> Optional["Fields"]:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _bad(f"Parameter '{self._name(name)}' must be an object.")
        return Fields(value, self._name(name) + ".")

    def objects(self, name: str) -> Optional[List["Fields"]]:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _bad(f"Parameter '{self._name(name)}' must be an array of objects.")
        return [Fields(v, f"{self._name(name)}[{i}].") for i, v in enumerate(value)]
