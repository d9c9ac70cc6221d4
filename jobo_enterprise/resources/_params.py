"""The filters of each endpoint, described once.

A :class:`Params` group lists one endpoint's filters in wire order, each with its
type annotation and how its value is checked and encoded. Everything else derives
from it:

- the signatures: every public method that takes the filters spells them out as
  keyword arguments, in a block of its source between ``# <params: NAME>`` and
  ``# </params>`` that ``python -m jobo_enterprise.resources`` writes
  from the description (a test fails when a block is out of date), so type
  checkers and ``inspect.signature`` see every name, and a typo is an error;
- the hand-over: the method passes its filters on by name, in a block between
  ``# <args: NAME>`` and ``# </args>`` that the same command writes
  (``NAME.pick(...)`` takes them in the group's order and keeps the ones given,
  not None), so nothing is pulled from a frame's locals; a block out of date
  fails the ``--check`` test;
- the checks and the encoding: ``NAME.encode(values)`` checks the filters and
  returns the ``(name, value)`` pairs of the query or body, in wire order.

The description knows nothing of sync or async: an async client runs the same
groups. Adding a filter is one line here (then run ``python -m jobo_enterprise.resources``).
"""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from ..exceptions import JoboValidationError
from ..models import InclusionExclusionFilter, LocationFilter, RangeFilter
from ..models._fields import Model
from ._base import str_list

# the annotations the signatures use (names importable from this module)
StrOrList = Union[str, Sequence[str], None]
When = Union[datetime, str, None]
IncExc = Union[InclusionExclusionFilter, Dict[str, Any], None]
Range = Union[RangeFilter, Dict[str, Any], None]
Locations = Optional[Sequence[Union[LocationFilter, Dict[str, Any]]]]

Encoder = Callable[[str, Any], Any]


def as_is(name: str, value: Any) -> Any:
    """Sent as given (enums, datetimes and UUIDs are written by the encoder)."""
    return value


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise JoboValidationError(f"Parameter '{name}' must be a bool, got {value!r}.")
    return value


def non_negative(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise JoboValidationError(
            f"Parameter '{name}' must be an integer greater than or equal to 0, got {value!r}.")
    return value


def model_of(cls: Type[Model]) -> Encoder:
    """A request model, or a dict of its fields: a key it does not know is a
    TypeError naming the closest valid one (nothing is sent)."""

    def encode(name: str, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, Mapping):
            try:
                return cls(**value)
            except TypeError as exc:
                raise TypeError(f"Parameter '{name}': {exc}") from None
            except ValueError as exc:
                raise JoboValidationError(
                    f"Parameter '{name}' is not a valid {cls.__name__}: {exc}") from None
        raise JoboValidationError(
            f"Parameter '{name}' must be a {cls.__name__} or a dict, got {type(value).__name__}.")

    return encode


def list_of(cls: Type[Model]) -> Encoder:
    """A list of request models or dicts (one alone is taken as a list of one)."""
    one = model_of(cls)

    def encode(name: str, value: Any) -> List[Any]:
        if isinstance(value, (cls, Mapping)):
            value = [value]
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise JoboValidationError(
                f"Parameter '{name}' must be a list of {cls.__name__} or dicts.")
        return [one(name, item) for item in value]

    return encode


class Param:
    """One filter: its name, annotation (as written in the signatures) and encoder."""

    __slots__ = ("name", "annotation", "encode")

    def __init__(self, name: str, annotation: str, encode: Encoder = as_is) -> None:
        self.name: str = name
        self.annotation: str = annotation
        self.encode: Encoder = encode

    def __repr__(self) -> str:
        return f"Param({self.name}: {self.annotation})"


class Params:
    """The filters of one endpoint, in wire order."""

    __slots__ = ("name", "params", "names")

    def __init__(self, name: str, *params: Param) -> None:
        self.name: str = name
        self.params: tuple[Param, ...] = params
        self.names: tuple[str, ...] = tuple(p.name for p in params)

    def pick(self, *values: Any) -> Dict[str, Any]:
        """The filters a call was given (not None), passed in the group's order
        (the ``# <args: NAME>`` block that ``python -m jobo_enterprise.resources``
        writes)."""
        if len(values) != len(self.names):
            raise TypeError(f"{self.name}.pick takes its {len(self.names)} filters in order")
        return {n: v for n, v in zip(self.names, values) if v is not None}

    def encode(self, values: Mapping[str, Any]) -> List[Tuple[str, Any]]:
        """Check the given filters; (name, wire value) pairs in wire order."""
        if not values:
            return []  # the common call: no filter given
        return [(p.name, p.encode(p.name, values[p.name]))
                for p in self.params if values.get(p.name) is not None]

    def signature_lines(self, indent: str) -> List[str]:
        return [f"{indent}{p.name}: {p.annotation} = None," for p in self.params]

    def argument_lines(self, indent: str, width: int = 92) -> List[str]:
        """The filters' names as arguments, in order, packed into lines."""
        lines: List[str] = []
        line = indent
        for name in self.names:
            if line != indent and len(line) + len(name) + 2 > width:
                lines.append(line.rstrip())
                line = indent
            line += name + ", "
        lines.append(line.rstrip())
        return lines


#: GET /api/jobs (``q``, ``page`` and ``page_size`` are the method's own).
SEARCH_QUERY = Params(
    "SEARCH_QUERY",
    Param("search_description", "Optional[bool]", boolean),
    Param("location", "Optional[str]"),
    Param("sources", "StrOrList"),
    Param("work_model", "StrOrList"),
    Param("employment_type", "StrOrList"),
    Param("experience_level", "StrOrList"),
    Param("posted_after", "When"),
    Param("posted_before", "When"),
    Param("discovered_after", "When"),
    Param("discovered_before", "When"),
    Param("min_salary_usd", "Optional[int]", non_negative),
    Param("max_salary_usd", "Optional[int]", non_negative),
    Param("skills", "StrOrList"),
    Param("industries", "StrOrList"),
    Param("include_facets", "StrOrList"),
    Param("include_fields", "StrOrList"),
)

#: POST /api/jobs/search and its iterators (``page``/``page_size`` are the methods' own).
ADVANCED_FILTERS = Params(
    "ADVANCED_FILTERS",
    Param("queries", "StrOrList", str_list),
    Param("search_description", "Optional[bool]", boolean),
    Param("locations", "StrOrList", str_list),
    Param("sources", "StrOrList", str_list),
    Param("skills", "IncExc", model_of(InclusionExclusionFilter)),
    Param("companies", "IncExc", model_of(InclusionExclusionFilter)),
    Param("industries", "IncExc", model_of(InclusionExclusionFilter)),
    Param("work_models", "StrOrList", str_list),
    Param("employment_types", "StrOrList", str_list),
    Param("experience_levels", "StrOrList", str_list),
    Param("salary_usd", "Range", model_of(RangeFilter)),
    Param("posted_after", "When"),
    Param("posted_before", "When"),
    Param("discovered_after", "When"),
    Param("discovered_before", "When"),
    Param("include_facets", "StrOrList", str_list),
    Param("include_fields", "StrOrList", str_list),
)

#: POST /api/jobs/feed and its iterators (``cursor``/``batch_size`` are the methods' own).
FEED_FILTERS = Params(
    "FEED_FILTERS",
    Param("locations", "Locations", list_of(LocationFilter)),
    Param("sources", "StrOrList", str_list),
    Param("work_models", "StrOrList", str_list),
    Param("employment_types", "StrOrList", str_list),
    Param("experience_levels", "StrOrList", str_list),
    Param("posted_after", "When"),
    Param("updated_after", "When"),
    Param("stable_scan", "Optional[bool]", boolean),
)

#: POST /api/jobs/feed/managed and its iterator.
MANAGED_FEED_FILTERS = Params(
    "MANAGED_FEED_FILTERS",
    Param("sources", "StrOrList", str_list),
    Param("work_models", "StrOrList", str_list),
    Param("posted_after", "When"),
    Param("updated_after", "When"),
)

#: the per-call options of every method of a GET endpoint (jobo_enterprise._options):
#: None = not given (the client's setting, nothing added)
CALL_OPTIONS = Params(
    "CALL_OPTIONS",
    Param("timeout", "Optional[float]"),
    Param("max_retries", "Optional[int]"),
    Param("max_wait", "Optional[float]"),
    Param("deadline", "Optional[float]"),
    Param("extra_headers", "Optional[Mapping[str, str]]"),
    Param("extra_query", "Optional[Mapping[str, Any]]"),
)

#: the per-call options of every method of a POST endpoint: those, and extra_body
POST_CALL_OPTIONS = Params(
    "POST_CALL_OPTIONS",
    *CALL_OPTIONS.params,
    Param("extra_body", "Optional[Mapping[str, Any]]"),
)

GROUPS = {g.name: g for g in (SEARCH_QUERY, ADVANCED_FILTERS, FEED_FILTERS, MANAGED_FEED_FILTERS,
                              CALL_OPTIONS, POST_CALL_OPTIONS)}


# ── the signature blocks ─────────────────────────────────────────────

_OPEN = re.compile(r"^(\s*)# <(params|args): (\w+)>$")
_CLOSE = {"params": re.compile(r"^\s*# </params>$"), "args": re.compile(r"^\s*# </args>$")}


def render(text: str) -> str:
    """*text* with every ``# <params: NAME>`` (signature) and ``# <args: NAME>``
    (hand-over) block rewritten from its group."""
    out: List[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = _OPEN.match(line)
        i += 1
        if m is None:
            continue
        indent, kind, name = m.groups()
        if name not in GROUPS:
            raise KeyError(f"unknown parameter group {name!r}")
        while i < len(lines) and not _CLOSE[kind].match(lines[i]):
            i += 1
        if i == len(lines):
            raise ValueError(f"# <{kind}: {name}> has no closing # </{kind}>")
        group = GROUPS[name]
        out.extend(group.signature_lines(indent) if kind == "params"
                   else group.argument_lines(indent))
    return "\n".join(out)


def sources() -> List[str]:
    """The modules whose signatures hold parameter blocks."""
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.join(here, f) for f in sorted(os.listdir(here))
            if f.endswith(".py") and f != "_params.py"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Rewrite the blocks (``--check``: only report the files that are out of date)."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path in sources():
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = render(text)
        if new != text:
            stale.append(path)
            if not check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)
    for path in stale:
        print(("out of date: " if check else "rewrote: ") + path)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
