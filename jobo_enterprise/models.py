"""Typed result and request models of the Jobo Enterprise API.

Every model is a thin, *lazy* view over the JSON object it came from:

- A result of the client (and of :meth:`Model.model_validate_json`) is a view
  of the response as parsed by the C core: the body is parsed once, with the
  GIL released, and nothing else is built up front. Reading a field converts
  that one value, in C, and keeps it; reading only ``job.title`` of a
  1,000-job page never builds the other fields. Asking for the data as a whole
  (``to_dict()``, ``==``, ``vars()``, pickling) or changing a field turns the
  view into an ordinary dict-backed model first, transparently. (If an object
  repeats a key, which the API never does, which copy a view reads is
  unspecified.)
- Wrapping a decoded dict is O(1): :meth:`Model.from_dict` stores the dict
  and nothing else (no copy, no validation, no conversion).
- Each typed field is converted on first access (``str`` →
  :class:`~uuid.UUID`, ISO-8601 → aware :class:`~datetime.datetime`, nested
  objects → models, a JSON integer in a float field → ``float``, ...) and the
  result is cached on the instance. String and boolean fields need no
  conversion and read as fast as any Python attribute.
- A value that cannot be converted (a malformed date-time or UUID, a string
  where an object belongs) is returned as received instead of raising, so one
  odd value never makes a whole page unreadable.
- Fields the server sends that this version does not declare are kept: they are
  readable as attributes (raw JSON values) and present in :meth:`Model.to_dict`.
- Absent fields read as the documented default: ``None``, ``[]`` for lists, an
  empty model for ``Job.qualifications``, ``0``/``False`` where the official
  SDK has those defaults.

The field names and value types follow the official ``jobo-enterprise`` 4.x
models, so code written for those runs unchanged; ``model_validate``,
``model_dump`` and ``model_dump_json`` exist for that reason.

Example::

    >>> job = Job.from_dict({"id": "8c1e3f0a-1b2c-4d5e-8f90-123456789abc",
    ...                      "title": "Data Engineer",
    ...                      "company": {"id": "0b7c9a6e-9f7d-4a44-9a1c-7f0e2d3c4b5a",
    ...                                  "name": "Acme"},
    ...                      "created_at": "2024-05-01T12:00:00Z",
    ...                      "remote_friendly": True})
    >>> job.company.name, job.created_at.year, job.locations, job.remote_friendly
    ('Acme', 2024, [], True)
    >>> job
    Job(id=UUID('8c1e3f0a-1b2c-4d5e-8f90-123456789abc'), title='Data Engineer', company='Acme')

A model built from a response uses that response's dicts as its data (in
fact as its instance ``__dict__``, which is why reading a plain string field
costs no more than reading any Python attribute). Treat attribute values as
read-only views: assigning a field (``job.title = "x"``) updates the data and
therefore :meth:`~Model.to_dict`, but changing a returned list of models in
place does not.

Request models (:class:`LocationFilter`, :class:`RangeFilter`,
:class:`InclusionExclusionFilter`, :class:`JobSearchBodyRequest`,
:class:`JobFeedRequest`, :class:`ManagedJobFeedRequest`) are built from keyword
arguments; their ``to_dict()`` is the request body, with ``None`` fields left
out and date-times written as ISO-8601 UTC (``...Z``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import (
    Any,
    ClassVar,
    Dict,
    Iterator,
    List,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)
from uuid import UUID, SafeUUID

from . import _core, _display, frames
from ._time import datetime_from_epoch, format_datetime, parse_datetime

__all__ = [
    # base
    "Model",
    "Usage",
    # jobs
    "Job",
    "JobCompany",
    "JobLocation",
    "JobCompensation",
    "JobQualifications",
    "QualificationBucket",
    "QualificationSkill",
    # search
    "JobFacet",
    "SearchResult",
    "JobSearchResponse",
    "InclusionExclusionFilter",
    "RangeFilter",
    "JobSearchBodyRequest",
    # feed
    "FeedPage",
    "JobFeedResponse",
    "ExpiredJobIdsResponse",
    "LocationFilter",
    "JobFeedRequest",
    "ManagedJobFeedRequest",
    # geocoding
    "GeocodedLocation",
    "GeocodeResultItem",
    "GeocodeResult",
    # companies
    "Company",
    "CompanyFundingRound",
    "CompanyLeader",
    "CompanyRating",
    "CompanyPressReference",
    "CompanyH1bJobCount",
    "CompanyH1bTitleDistribution",
    "CompanyTechnology",
    "CompanyProduct",
    "CompanyAcquisition",
    "CompanyExit",
    "CompanySubOrganization",
    "CompanyFeaturedList",
    "CompanyKeyEvent",
    "CompanyEventAppearance",
]

M = TypeVar("M", bound="Model")

_new = _core.Record.__new__


# ── JSON helpers ─────────────────────────────────────────────────────


def _copy_json(value: Any) -> Any:
    """Deep copy of decoded JSON (dicts and lists are copied, scalars shared)."""
    t = type(value)
    if t is dict:
        return {k: _copy_json(v) if type(v) in _CONTAINERS else v for k, v in value.items()}
    if t is list:
        return [_copy_json(v) if type(v) in _CONTAINERS else v for v in value]
    return value


def _copy_json_without_none(value: Any) -> Any:
    """Deep copy of decoded JSON that drops ``None``-valued object members."""
    t = type(value)
    if t is dict:
        return {
            k: _copy_json_without_none(v) if type(v) in _CONTAINERS else v
            for k, v in value.items()
            if v is not None
        }
    if t is list:
        return [_copy_json_without_none(v) if type(v) in _CONTAINERS else v for v in value]
    return value


_CONTAINERS = (dict, list)


def _to_wire(value: Any) -> Any:
    """Turn a Python value into its JSON form (for keyword-built models)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, Enum):
        return _to_wire(value.value)
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (datetime, date)):
        return format_datetime(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Mapping):
        return {str(k): _to_wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_to_wire(v) for v in value]
    return value


# ── conversions (read side) ──────────────────────────────────────────
#
# Each takes a non-None JSON value and returns the typed value. A value that
# cannot be converted (a malformed date, a list where an object belongs, ...)
# is returned unchanged rather than raising: one odd value from a server never
# makes a whole page unreadable.


def _as_int(v: Any) -> Any:
    if isinstance(v, float):
        return int(v) if v.is_integer() else v
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            try:
                f = float(v)
            except ValueError:
                return v
            return int(f) if f.is_integer() else v
    if isinstance(v, bool):
        return int(v)
    return v


def _as_float(v: Any) -> Any:
    if isinstance(v, (int, str)) and not isinstance(v, bool):
        try:
            return float(v)
        except (ValueError, OverflowError):
            return v
    return v


_uuid_new = UUID.__new__
_uuid_set_int = UUID.__dict__["int"].__set__
_uuid_set_safe = UUID.__dict__["is_safe"].__set__
_uuid_unknown = SafeUUID.unknown
_fromhex = bytes.fromhex
_from_bytes = int.from_bytes


def _as_uuid(v: Any) -> Any:
    """A UUID from its string form; an invalid string is returned unchanged."""
    if type(v) is not str:
        return v
    # Fast path for the hex-and-dashes form the API sends, with the result and
    # the strictness of UUID(v) (which also ignores where the dashes are).
    digits = v.replace("-", "")
    if len(digits) == 32:
        try:
            raw = _fromhex(digits)  # hex digits only (or whitespace: see len)
        except ValueError:
            return v
        if len(raw) == 16:
            u = _uuid_new(UUID)
            _uuid_set_int(u, _from_bytes(raw, "big"))
            _uuid_set_safe(u, _uuid_unknown)
            return u
        return v
    try:
        return UUID(v)
    except ValueError:
        return v


# ── fields ───────────────────────────────────────────────────────────
#
# A model instance uses the decoded JSON object itself as its ``__dict__``.
# That gives two kinds of field:
#
# - *plain* fields (str and bool) need no conversion. The class attribute is
#   just the default (``None``, ``"hard"``, ``False``); when the key is
#   present the instance dict answers first, so reading one is a C-level
#   lookup. The JSON value is returned as it is (an explicit ``null`` reads
#   as ``None``).
# - *typed* fields (UUID, datetime, float, int, lists, nested models) are data
#   descriptors, which take precedence over the instance dict: the first read
#   converts the JSON value and stores the result in the instance's ``_cache``
#   dict; later reads are served from it.
#
# Extra (undeclared) JSON members are in the instance dict too, so they are
# attributes for free, and anything else raises AttributeError as usual.


class _Field(_core.Field):
    """A declared field: its name, default and wire <-> Python conversions.

    Reading is done by the C base (``_core.Field``): it returns the cached
    value, or converts the JSON value and caches it. For a model that is a
    view of a parsed response, the shapes the API sends (numbers, UUID and
    date-time strings, objects, lists) are converted in C; anything else, and
    every model backed by a dict, goes through :meth:`_convert`, which defines
    the result.
    """

    __slots__ = ()

    #: True for plain fields: replaced on the class by a ``_core.PlainField``.
    plain: ClassVar[bool] = False
    #: Human-readable type, used in error messages.
    kind: ClassVar[str] = "a value"
    #: The conversion the C base may do itself (``_core.FIELD_*``).
    ckind: ClassVar[int] = _core.FIELD_OTHER

    def __init__(self, default: Any = None) -> None:
        self.name = ""
        self.default = default
        self._ckind = self.ckind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<field {self.name}: {self.kind}>"

    # read side (``__get__`` is the C base's) ---------------------------

    def _convert(self, raw: Any) -> Any:
        """JSON value (``None`` if absent) → the Python value of the field."""
        return self.default if raw is None else raw

    # write side --------------------------------------------------------

    def __set__(self, inst: Any, value: Any) -> None:
        inst.__dict__[self.name] = self.to_wire(value, type(inst).__name__)
        if inst._cache:
            inst._cache.pop(self.name, None)

    def __delete__(self, inst: Any) -> None:
        try:
            del inst.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None
        if inst._cache:
            inst._cache.pop(self.name, None)

    def to_wire(self, value: Any, owner: str) -> Any:
        """Validate *value* (from a keyword argument) and return its JSON form."""
        return _to_wire(value)

    def _type_error(self, owner: str, value: Any) -> TypeError:
        return TypeError(
            f"{owner}.{self.name} must be {self.kind}, got {type(value).__name__}: {value!r}"
        )


class _StrField(_Field):
    """A string (plain: the class attribute is the default)."""

    __slots__ = ()
    kind = "a str"
    plain = True

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None or type(value) is str:
            return value
        if isinstance(value, Enum):
            value = value.value
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, str):
            return str.__str__(value)
        raise self._type_error(owner, value)


class _BoolField(_Field):
    """A boolean (plain: the class attribute is the default)."""

    __slots__ = ()
    kind = "a bool"
    plain = True

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None or isinstance(value, bool):
            return value
        raise self._type_error(owner, value)


class _IntField(_Field):
    """An integer (a float-encoded integral value is converted)."""

    __slots__ = ("ge", "le")
    kind = "an int"
    ckind = _core.FIELD_INT

    def __init__(self, default: Any = None, ge: Optional[int] = None, le: Optional[int] = None):
        super().__init__(default)
        self.ge = ge
        self.le = le

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self.default
        return raw if type(raw) is int else _as_int(raw)

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._type_error(owner, value)
        value = int(value)
        if self.ge is not None and value < self.ge:
            raise ValueError(f"{owner}.{self.name} must be >= {self.ge}, got {value}")
        if self.le is not None and value > self.le:
            raise ValueError(f"{owner}.{self.name} must be <= {self.le}, got {value}")
        return value


class _FloatField(_Field):
    """A float (a JSON integer is converted to float)."""

    __slots__ = ()
    kind = "a number"
    ckind = _core.FIELD_FLOAT

    def _convert(self, raw: Any) -> Any:
        if raw is None or type(raw) is float:
            return raw
        return _as_float(raw)

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise self._type_error(owner, value)


class _UUIDField(_Field):
    """A UUID (sent as its canonical string)."""

    __slots__ = ()
    kind = "a UUID"
    ckind = _core.FIELD_UUID

    def _convert(self, raw: Any) -> Any:
        return None if raw is None else _as_uuid(raw)

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, str):
            try:
                return str(UUID(value))
            except ValueError:
                raise ValueError(f"{owner}.{self.name} is not a UUID: {value!r}") from None
        raise self._type_error(owner, value)


class _DateTimeField(_Field):
    """An aware datetime (sent as an ISO-8601 string)."""

    __slots__ = ()
    kind = "a datetime"
    ckind = _core.FIELD_DATETIME

    def _convert(self, raw: Any) -> Any:
        return None if raw is None else parse_datetime(raw)

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = str.__str__(value)
            if not isinstance(parse_datetime(value), datetime):
                raise ValueError(f"{owner}.{self.name} is not an ISO-8601 date-time: {value!r}")
            return value
        if isinstance(value, (datetime, date)):
            return format_datetime(value)
        raise self._type_error(owner, value)


def _wrap_other(model: Type["Model"], value: Any) -> Any:
    """A nested value that is not a plain dict: a model instance or a mapping
    is wrapped, anything else is returned unchanged."""
    if isinstance(value, (Mapping, Model)):
        return model.from_dict(value)
    return value


def _model_to_wire(model: Type["Model"], value: Any, where: str) -> Any:
    """JSON form of a nested model given as a model instance or a mapping."""
    if isinstance(value, model):
        return value.to_dict()
    if isinstance(value, Mapping):
        return model(**value).__dict__
    raise TypeError(
        f"{where} must be a {model.__name__} or a dict, got {type(value).__name__}: {value!r}"
    )


def _items(field: _Field, owner: str, value: Any) -> Any:
    """*value* as an iterable of list items; a lone str/dict/model is refused."""
    if isinstance(value, (str, bytes, Mapping, Model)) or not hasattr(value, "__iter__"):
        raise field._type_error(owner, value)
    return value


class _ModelField(_Field):
    """A nested object; ``factory=True`` reads an absent one as an empty model."""

    __slots__ = ("factory",)
    ckind = _core.FIELD_MODEL

    def __init__(self, model: Type["Model"], factory: bool = False) -> None:
        super().__init__(None)
        self.model = model
        self.factory = factory

    @property
    def kind(self) -> str:  # type: ignore[override]
        return f"a {self.model.__name__}"

    def _convert(self, raw: Any) -> Any:
        if type(raw) is dict:
            obj = _new(self.model)
            obj.__dict__ = raw
            obj._cache = None
            return obj
        if raw is None:
            return self.model.from_dict({}) if self.factory else None
        return _wrap_other(self.model, raw)

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        return _model_to_wire(self.model, value, f"{owner}.{self.name}")


class _ModelListField(_Field):
    """A list of nested objects; absent or null reads as ``[]``
    (as ``None`` with ``optional=True``, used by request models)."""

    __slots__ = ("optional",)
    ckind = _core.FIELD_MODEL_LIST

    def __init__(self, model: Type["Model"], optional: bool = False) -> None:
        super().__init__(None)
        self.model = model
        self.optional = optional

    @property
    def kind(self) -> str:  # type: ignore[override]
        return f"a list of {self.model.__name__}"

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return None if self.optional else []
        if type(raw) is not list:
            return raw
        model = self.model
        out: List[Any] = []
        append = out.append
        for item in raw:
            if type(item) is dict:
                obj = _new(model)
                obj.__dict__ = item
                obj._cache = None
                append(obj)
            else:
                append(_wrap_other(model, item))
        return out

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        where = f"{owner}.{self.name}[]"
        return [_model_to_wire(self.model, v, where) for v in _items(self, owner, value)]


class _StrListField(_Field):
    """A list of strings; absent or null reads as ``[]``
    (as ``None`` with ``optional=True``, used by request models)."""

    __slots__ = ("optional",)
    kind = "a list of str"
    ckind = _core.FIELD_STR_LIST

    def __init__(self, optional: bool = False) -> None:
        super().__init__(None)
        self.optional = optional

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return None if self.optional else []
        return raw

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        out = []
        for v in _items(self, owner, value):
            if isinstance(v, Enum):
                v = v.value
            if isinstance(v, UUID):
                v = str(v)
            if not isinstance(v, str):
                raise TypeError(
                    f"{owner}.{self.name} items must be str, got {type(v).__name__}: {v!r}"
                )
            out.append(str.__str__(v))
        return out


class _UUIDListField(_Field):
    """A list of UUIDs; absent or null reads as ``[]``."""

    __slots__ = ()
    kind = "a list of UUID"
    ckind = _core.FIELD_UUID_LIST

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return []
        return [_as_uuid(x) for x in raw] if type(raw) is list else raw

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        one = _UUIDField()
        one.name = self.name
        return [one.to_wire(v, owner) for v in _items(self, owner, value)]


class _ModelListMapField(_Field):
    """An object whose values are lists of nested objects (search facets)."""

    __slots__ = ()

    def __init__(self, model: Type["Model"]) -> None:
        super().__init__(None)
        self.model = model

    @property
    def kind(self) -> str:  # type: ignore[override]
        return f"a dict of lists of {self.model.__name__}"

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return {}
        if type(raw) is not dict:
            return raw
        model = self.model
        return {
            key: [model.from_dict(x) if type(x) is dict else _wrap_other(model, x) for x in items]
            if type(items) is list
            else ([] if items is None else items)
            for key, items in raw.items()
        }

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self._type_error(owner, value)
        where = f"{owner}.{self.name}[]"
        return {
            str(k): [_model_to_wire(self.model, x, where) for x in (items or ())]
            for k, items in value.items()
        }


# Field constructors, typed ``Any`` so that a class body can say
# ``title: Optional[str] = _str()`` and type checkers take the annotation.


def _str(default: Optional[str] = None) -> Any:
    return _StrField(default)


def _bool(default: Optional[bool] = None) -> Any:
    return _BoolField(default)


def _int(default: Optional[int] = None, *, ge: Optional[int] = None, le: Optional[int] = None) -> Any:
    return _IntField(default, ge, le)


def _float() -> Any:
    return _FloatField()


def _uuid() -> Any:
    return _UUIDField()


def _datetime() -> Any:
    return _DateTimeField()


def _model(model: Type["Model"], *, factory: bool = False) -> Any:
    return _ModelField(model, factory)


def _models(model: Type["Model"], *, optional: bool = False) -> Any:
    return _ModelListField(model, optional)


def _strs(*, optional: bool = False) -> Any:
    return _StrListField(optional)


def _uuids() -> Any:
    return _UUIDListField()


def _model_map(model: Type["Model"]) -> Any:
    return _ModelListMapField(model)


# ── base model ───────────────────────────────────────────────────────


def _rebuild(cls: Type[M], data: Any, usage: Optional["Usage"] = None) -> M:
    """Unpickling helper: wrap *data* again (with *usage* for results)."""
    if usage is None:
        return cls.from_dict(data)
    return cls._from_response(data, usage)  # type: ignore[attr-defined, no-any-return]


def _short(value: Any) -> str:
    """A short ``repr`` for ``__repr__``: long strings cut, collections counted."""
    if isinstance(value, str):
        return repr(value[:57] + "...") if len(value) > 60 else repr(value)
    if isinstance(value, Model):
        name = getattr(value, "name", None)  # not __dict__: a view stays a view
        return _short(name) if isinstance(name, str) else f"{type(value).__name__}(...)"
    if isinstance(value, list):
        return "[1 item]" if len(value) == 1 else f"[{len(value)} items]"
    if isinstance(value, dict):
        return "{1 key}" if len(value) == 1 else f"{{{len(value)} keys}}"
    return repr(value)


class Model(_core.Record):
    """Base of all models: a lazy, typed view over one JSON object.

    Construction:

    - ``Model.from_dict(data)`` / ``Model.model_validate(data)`` wrap a decoded
      JSON object in O(1): the dict itself becomes the model's data (it is not
      copied, validated or converted).
    - ``Model(**fields)`` builds a model from keyword arguments, like the
      official pydantic models. Values may be Python objects (``UUID``,
      ``datetime``, enum members, nested models or dicts); they are checked
      against the field's type and stored in their JSON form. Unknown keywords
      are kept as extra fields.

    Reading: declared fields are converted on first access and cached; extra
    members of the JSON object are attributes with their raw JSON value; any
    other name raises :class:`AttributeError`. (An extra member that has the
    name of a model method, say ``to_dict``, hides the method on that
    instance; call it through the class then: ``Job.to_dict(job)``.)

    Output: :meth:`to_dict` returns a deep copy of the JSON data (``None``
    values kept as they came; request models leave them out);
    :meth:`model_dump` is the pydantic-style spelling.

    Two models are equal when they are of the same class and hold equal data.
    Models are mutable (assigning a field updates the data, converting the
    value to its JSON form for typed fields), hence unhashable.
    """

    __slots__ = ()

    #: Declared fields of the class, by name (set for every subclass).
    _fields: ClassVar[Dict[str, _Field]] = {}
    #: Field names shown by ``repr()``; empty means "the first three present".
    _repr_fields: ClassVar[Tuple[str, ...]] = ()
    #: True for request models: ``to_dict()`` leaves out ``None`` fields.
    _omit_none: ClassVar[bool] = False
    #: pydantic-compatible view of the declared fields (name → field).
    model_fields: ClassVar[Dict[str, Any]] = {}

    _cache: Optional[Dict[str, Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: Dict[str, _Field] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "_fields", {}))
        for name, attr in list(vars(cls).items()):
            if isinstance(attr, _Field):
                fields[name] = attr
                if attr.plain:
                    # No conversion needed: the instance dict answers, or
                    # (absent key) the PlainField: the member of a view, else
                    # the default.
                    setattr(cls, name, _core.PlainField(name, attr.default))
        cls._fields = fields
        cls.model_fields = dict(fields)

    def __init__(self, **fields: Any) -> None:
        declared = type(self)._fields
        owner = type(self).__name__
        data: Dict[str, Any] = {}
        for name, value in fields.items():
            f = declared.get(name)
            data[name] = f.to_wire(value, owner) if f is not None else _to_wire(value)
        self.__dict__ = data
        self._cache = None

    # construction --------------------------------------------------------

    @classmethod
    def from_dict(cls: Type[M], data: Union[Mapping[str, Any], "Model"]) -> M:
        """Wrap a decoded JSON object (O(1): the dict is used, not copied).

        An instance of *cls* is returned as is; another mapping is copied into
        a dict first.

        :raises TypeError: if *data* is not a mapping.
        """
        if type(data) is not dict:
            if isinstance(data, cls):
                return data
            if isinstance(data, Model):
                data = data.__dict__
            elif isinstance(data, Mapping):
                data = dict(data)
            else:
                raise TypeError(
                    f"{cls.__name__} expects a JSON object (dict), got {type(data).__name__}"
                )
        obj = _new(cls)
        obj.__dict__ = data
        obj._cache = None
        return obj

    @classmethod
    def model_validate(cls: Type[M], data: Union[Mapping[str, Any], "Model"]) -> M:
        """pydantic-compatible alias of :meth:`from_dict`."""
        return cls.from_dict(data)

    @classmethod
    def model_validate_json(cls: Type[M], text: Union[str, bytes, bytearray, memoryview]) -> M:
        """Parse a JSON object and wrap it (pydantic-compatible).

        The C decoder parses it with the GIL released and the model reads its
        fields from the parsed tree on first access, as for API responses.

        :raises ValueError: if *text* is not valid JSON.
        :raises TypeError: if it is not a JSON object.
        """
        if isinstance(text, str):
            text = text.encode("utf-8", "surrogatepass")
        return _core.parse_model(cls, text)  # type: ignore[no-any-return]

    # output --------------------------------------------------------------

    def to_dict(self) -> Dict[str, Any]:
        """The JSON data of this model, as a deep copy.

        Extra fields are included. Response models keep ``None`` values as the
        server sent them; request models omit ``None`` fields.
        """
        if type(self)._omit_none:
            return _copy_json_without_none(self.__dict__)  # type: ignore[no-any-return]
        return _copy_json(self.__dict__)  # type: ignore[no-any-return]

    def model_dump(self, *, mode: str = "json", exclude_none: bool = False) -> Dict[str, Any]:
        """pydantic-compatible spelling of :meth:`to_dict`.

        The result is always the JSON form (UUIDs and date-times as strings)
        whatever *mode* says. With ``exclude_none=True``, ``None`` members are
        left out at every depth.
        """
        if exclude_none:
            return _copy_json_without_none(self.__dict__)  # type: ignore[no-any-return]
        return self.to_dict()

    def model_dump_json(self, *, exclude_none: bool = False, indent: Optional[int] = None) -> str:
        """The JSON data serialised as a string (pydantic-compatible)."""
        return json.dumps(
            self.model_dump(exclude_none=exclude_none), ensure_ascii=False, indent=indent
        )

    def model_copy(self: M, *, update: Optional[Mapping[str, Any]] = None, deep: bool = False) -> M:
        """A copy of this model (shallow unless *deep*), with *update* applied."""
        data = self.__dict__
        obj = type(self).from_dict(_copy_json(data) if deep else dict(data))
        for name, value in (update or {}).items():
            setattr(obj, name, value)
        return obj

    @property
    def model_extra(self) -> Dict[str, Any]:
        """The members of the JSON object that this class does not declare."""
        declared = type(self)._fields
        return {k: v for k, v in self.__dict__.items() if k not in declared}

    def detach(self: M) -> M:
        """Make this model (and what was read from it) independent of the
        response it was read from, and return it.

        A result of the client is a view of the parsed response, which stays
        in memory as long as any model read from it does; a detached model
        holds its own data (as :meth:`from_dict` models do), so keeping a few
        jobs of a large page does not keep the page. The job iterators detach
        the jobs you keep for you. Nothing changes for a model that is not a
        view.
        """
        _core.detach_kept([self])
        return self

    # value semantics -----------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        usage = self._cache.get("usage") if self._cache else None
        if usage is not None:
            return (_rebuild, (type(self), self.__dict__, usage))
        return (_rebuild, (type(self), self.__dict__))

    def __repr__(self) -> str:
        names = type(self)._repr_fields
        if not names:
            data = self.__dict__
            names = tuple(n for n in type(self)._fields if data.get(n) is not None)[:3]
        parts = []
        for name in names:
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={_short(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"


class _UsageAttr:
    """``usage`` of a result: set by ``_from_response``, else ``None``."""

    __slots__ = ()

    def __get__(self, inst: Any, owner: Any = None) -> Any:
        if inst is None:
            return self
        cache = inst._cache
        return cache.get("usage") if cache else None

    def __set__(self, inst: Any, value: Any) -> None:
        raise AttributeError("usage is read-only")


class _Response(Model):
    """Base of models that are the body of an API response.

    ``usage`` carries the credit and rate-limit figures of the response that
    produced the object (``None`` when the object was built another way). It is
    neither part of :meth:`to_dict` nor of equality.
    """

    __slots__ = ()

    usage: Optional["Usage"] = _UsageAttr()  # type: ignore[assignment]

    @classmethod
    def _from_response(cls: Type[M], data: Any, usage: Optional["Usage"] = None) -> M:
        """Build the result of one API call from its decoded body and usage.

        This is the constructor the client uses: O(1), no copy of *data*.

        :raises TypeError: if *data* is not a JSON object.
        """
        if type(data) is cls and data._is_view and data._cache is None:
            obj = data  # fresh from the C core (request(..., model=cls))
        else:
            obj = cls.from_dict(data)
            if obj is data and usage is not None:
                # an existing instance: don't alter the caller's object
                obj = cls.from_dict(obj.__dict__)
        if usage is not None:
            obj._cache = {"usage": usage}
        return obj


# ── usage ────────────────────────────────────────────────────────────


class Usage:
    """Credit and rate-limit figures of one response (from its headers).

    All fields are ``None`` when the server did not send the header.

    Attributes:
        credits_used: credits this request consumed (``X-Credits-Used`` /
            ``X-Credits-Deducted``); a float when the server reports fractions.
        credits_remaining: credits left in the billing period
            (``X-Credits-Remaining`` / ``X-Credits-Balance``).
        credits_required: credits the request would have needed (402 only).
        rate_limit_limit: requests allowed per window.
        rate_limit_remaining: requests left in the current window.
        rate_limit_reset: when the window resets (aware UTC datetime).
        retry_after: seconds to wait before retrying (429/503), as a float.
        request_id: the ``X-Request-Id`` to quote to support.
        date: the server's ``Date`` header (aware UTC datetime).

    Instances are immutable and hashable.
    """

    __slots__ = (
        "credits_used",
        "credits_remaining",
        "credits_required",
        "rate_limit_limit",
        "rate_limit_remaining",
        "rate_limit_reset",
        "retry_after",
        "request_id",
        "date",
    )

    credits_used: Union[int, float, None]
    credits_remaining: Union[int, float, None]
    credits_required: Union[int, float, None]
    rate_limit_limit: Optional[int]
    rate_limit_remaining: Optional[int]
    rate_limit_reset: Optional[datetime]
    retry_after: Optional[float]
    request_id: Optional[str]
    date: Optional[datetime]

    def __init__(
        self,
        credits_used: Union[int, float, None] = None,
        credits_remaining: Union[int, float, None] = None,
        credits_required: Union[int, float, None] = None,
        rate_limit_limit: Optional[int] = None,
        rate_limit_remaining: Optional[int] = None,
        rate_limit_reset: Optional[datetime] = None,
        retry_after: Optional[float] = None,
        request_id: Optional[str] = None,
        date: Optional[datetime] = None,
    ) -> None:
        put = object.__setattr__
        put(self, "credits_used", credits_used)
        put(self, "credits_remaining", credits_remaining)
        put(self, "credits_required", credits_required)
        put(self, "rate_limit_limit", rate_limit_limit)
        put(self, "rate_limit_remaining", rate_limit_remaining)
        put(self, "rate_limit_reset", rate_limit_reset)
        put(self, "retry_after", None if retry_after is None else float(retry_after))
        put(self, "request_id", request_id)
        put(self, "date", date)

    @classmethod
    def _from_core(cls, t: Optional[Tuple[Any, ...]]) -> Optional["Usage"]:
        """Build from the C core's 9-tuple (``None`` gives ``None``).

        ``t`` is ``(credits_used, credits_remaining, credits_required,
        rate_limit_limit, rate_limit_remaining, rate_limit_reset_epoch,
        retry_after_seconds, request_id, date_epoch)``, each element an
        int/float/str or ``None``; the two epochs become aware UTC datetimes.
        """
        if t is None:
            return None
        (used, remaining, required, limit, left, reset, retry, request_id, when) = t
        return cls(
            used,
            remaining,
            required,
            limit,
            left,
            datetime_from_epoch(reset),
            retry,
            request_id,
            datetime_from_epoch(when),
        )

    def _astuple(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, n) for n in Usage.__slots__)

    def to_dict(self) -> Dict[str, Any]:
        """The figures as a JSON-ready dict (date-times as ISO-8601 ``Z``)."""
        out: Dict[str, Any] = {}
        for name in Usage.__slots__:
            value = getattr(self, name)
            out[name] = format_datetime(value) if isinstance(value, datetime) else value
        return out

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Usage is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Usage is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Usage:
            return NotImplemented
        return self._astuple() == other._astuple()

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __reduce__(self) -> Tuple[Any, ...]:
        return (Usage, self._astuple())

    def __repr__(self) -> str:
        parts = [
            f"{name}={getattr(self, name)!r}"
            for name in Usage.__slots__
            if getattr(self, name) is not None
        ]
        return f"Usage({', '.join(parts)})"


# ── job models ───────────────────────────────────────────────────────


class QualificationSkill(Model):
    """A skill named in a job's qualifications.

    Attributes:
        name: the skill, e.g. ``"Python"``.
        type: ``"hard"`` (technical) or ``"soft"`` (interpersonal); see
            :class:`~jobo_enterprise.enums.SkillType`. Defaults to ``"hard"``.
    """

    __slots__ = ()
    name: str = _str()
    type: str = _str("hard")


class QualificationBucket(Model):
    """One bucket of qualifications (must-have or preferred).

    Attributes:
        education: degrees or fields of study (list of str).
        certifications: certifications (list of str).
        skills: typed skills (list of :class:`QualificationSkill`).
    """

    __slots__ = ()
    education: List[str] = _strs()
    certifications: List[str] = _strs()
    skills: List[QualificationSkill] = _models(QualificationSkill)


class JobQualifications(Model):
    """A job's qualifications, split into must-have and preferred.

    Both buckets are always present (empty when the job has none).
    """

    __slots__ = ()
    must_have: QualificationBucket = _model(QualificationBucket, factory=True)
    preferred: QualificationBucket = _model(QualificationBucket, factory=True)


class JobCompany(Model):
    """The company reference embedded in a :class:`Job`.

    Attributes: ``id`` (UUID), ``name``, ``website``, ``logo_url``,
    ``summary``, ``industries`` and ``categories`` (lists of str),
    ``linkedin_url``, ``crunchbase_url``, ``details_url``.
    """

    __slots__ = ()
    _repr_fields = ("id", "name")

    id: UUID = _uuid()
    name: str = _str()
    website: Optional[str] = _str()
    logo_url: Optional[str] = _str()
    summary: Optional[str] = _str()
    industries: List[str] = _strs()
    categories: List[str] = _strs()
    linkedin_url: Optional[str] = _str()
    crunchbase_url: Optional[str] = _str()
    details_url: Optional[str] = _str()


class JobLocation(Model):
    """One resolved location of a job.

    Attributes: ``location`` (display text), ``city``, ``region``,
    ``country``, ``latitude`` and ``longitude`` (floats).
    """

    __slots__ = ()
    location: Optional[str] = _str()
    city: Optional[str] = _str()
    region: Optional[str] = _str()
    country: Optional[str] = _str()
    latitude: Optional[float] = _float()
    longitude: Optional[float] = _float()


class JobCompensation(Model):
    """A normalised pay range.

    Attributes: ``min`` and ``max`` (floats), ``currency`` (e.g. ``"USD"``),
    ``period`` (e.g. ``"yearly"``; see
    :class:`~jobo_enterprise.enums.CompensationPeriod`).
    """

    __slots__ = ()
    _repr_fields = ("min", "max", "currency", "period")

    min: Optional[float] = _float()
    max: Optional[float] = _float()
    currency: Optional[str] = _str()
    period: Optional[str] = _str()


class Job(_Response):
    """A job posting, as returned by search, feed and ``GET /api/jobs/{id}``.

    Required on the wire: ``id`` (UUID), ``title``, ``company``
    (:class:`JobCompany`), ``created_at`` and ``updated_at`` (aware datetimes).

    Optional: ``normalized_title``, ``description``, ``summary``,
    ``listing_url``, ``apply_url``, ``locations`` (list of
    :class:`JobLocation`), ``compensation`` (:class:`JobCompensation` or
    ``None``), ``employment_type``, ``workplace_type``, ``experience_level``
    (display-cased strings such as ``"Full-time"``), ``source`` (the ATS id),
    ``date_posted``, ``valid_through`` (aware datetimes), ``qualifications``
    (:class:`JobQualifications`, empty when absent), ``responsibilities`` and
    ``benefits`` (lists of str), ``is_work_auth_required``,
    ``is_h1b_sponsor``, ``is_clearance_required`` (bool or ``None``).

    Heavy fields left out with ``include_fields`` read as their defaults.
    ``usage`` is set when the job is the whole response of a request.
    """

    __slots__ = ()
    _repr_fields = ("id", "title", "company")
    _repr_html_ = _display.job_html  # a card in Jupyter

    id: UUID = _uuid()
    title: str = _str()
    normalized_title: Optional[str] = _str()
    company: JobCompany = _model(JobCompany)
    description: Optional[str] = _str()
    summary: Optional[str] = _str()
    listing_url: Optional[str] = _str()
    apply_url: Optional[str] = _str()
    locations: List[JobLocation] = _models(JobLocation)
    compensation: Optional[JobCompensation] = _model(JobCompensation)
    employment_type: Optional[str] = _str()
    workplace_type: Optional[str] = _str()
    experience_level: Optional[str] = _str()
    source: Optional[str] = _str()
    created_at: datetime = _datetime()
    updated_at: datetime = _datetime()
    date_posted: Optional[datetime] = _datetime()
    valid_through: Optional[datetime] = _datetime()
    qualifications: JobQualifications = _model(JobQualifications, factory=True)
    responsibilities: List[str] = _strs()
    benefits: List[str] = _strs()
    is_work_auth_required: Optional[bool] = _bool()
    is_h1b_sponsor: Optional[bool] = _bool()
    is_clearance_required: Optional[bool] = _bool()


# ── search ───────────────────────────────────────────────────────────


class JobFacet(Model):
    """One bucket of a search facet: a value (``key``) and its job ``count``."""

    __slots__ = ()
    _repr_fields = ("key", "count")

    key: str = _str()
    count: int = _int()


class SearchResult(_Response):
    """One page of search results (``GET /api/jobs``, ``POST /api/jobs/search``,
    ``GET /api/companies/{id}/jobs``). Also available as ``JobSearchResponse``.

    Attributes:
        jobs: the jobs of this page (list of :class:`Job`).
        total: number of matching jobs.
        page: this page's number (from 1).
        page_size: jobs per page.
        total_pages: number of pages; stop paging at ``page >= total_pages``
            or at an empty page.
        facets: facet name (``work_model``, ``skills``, ...) → list of
            :class:`JobFacet`.
        usage: the response's :class:`Usage`.

    Iterating a result yields its jobs; ``len()`` is the number of jobs on the
    page (so an empty page is falsy).
    """

    __slots__ = ()
    _repr_fields = ("total", "page", "total_pages", "jobs")
    _repr_html_ = _display.search_html  # a table in Jupyter
    to_pandas, to_arrow = frames.to_pandas, frames.to_arrow  # the jobs as a table

    jobs: List[Job] = _models(Job)
    total: int = _int(0)
    page: int = _int(1)
    page_size: int = _int(25)
    total_pages: int = _int(0)
    facets: Dict[str, List[JobFacet]] = _model_map(JobFacet)

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)


JobSearchResponse = SearchResult


class InclusionExclusionFilter(Model):
    """Include/exclude lists for a search filter (skills, companies, industries).

    >>> InclusionExclusionFilter(include=["python"]).to_dict()
    {'include': ['python']}
    """

    __slots__ = ()
    _omit_none = True

    include: Optional[List[str]] = _strs(optional=True)
    exclude: Optional[List[str]] = _strs(optional=True)


class RangeFilter(Model):
    """A numeric range with optional ``min`` and ``max`` bounds (ints).

    >>> RangeFilter(min=100000).to_dict()
    {'min': 100000}
    """

    __slots__ = ()
    _omit_none = True
    _repr_fields = ("min", "max")

    min: Optional[int] = _int()
    max: Optional[int] = _int()


class JobSearchBodyRequest(Model):
    """Body of the advanced search, ``POST /api/jobs/search``.

    Fields: ``queries``, ``locations``, ``sources``, ``work_models``,
    ``employment_types``, ``experience_levels``, ``include_facets``,
    ``include_fields`` (lists of str; enum members accepted), ``skills``,
    ``companies``, ``industries`` (:class:`InclusionExclusionFilter`),
    ``salary_usd`` (:class:`RangeFilter`), ``posted_after``,
    ``posted_before``, ``discovered_after``, ``discovered_before``
    (datetimes), ``search_description`` (bool), ``page`` (≥ 1, default 1) and
    ``page_size`` (1–100, default 25). ``to_dict()`` is the body: ``None``
    fields left out, date-times as ISO-8601 UTC.
    """

    __slots__ = ()
    _omit_none = True

    queries: Optional[List[str]] = _strs(optional=True)
    search_description: Optional[bool] = _bool()
    locations: Optional[List[str]] = _strs(optional=True)
    sources: Optional[List[str]] = _strs(optional=True)
    skills: Optional[InclusionExclusionFilter] = _model(InclusionExclusionFilter)
    companies: Optional[InclusionExclusionFilter] = _model(InclusionExclusionFilter)
    industries: Optional[InclusionExclusionFilter] = _model(InclusionExclusionFilter)
    work_models: Optional[List[str]] = _strs(optional=True)
    employment_types: Optional[List[str]] = _strs(optional=True)
    experience_levels: Optional[List[str]] = _strs(optional=True)
    salary_usd: Optional[RangeFilter] = _model(RangeFilter)
    posted_after: Optional[datetime] = _datetime()
    posted_before: Optional[datetime] = _datetime()
    discovered_after: Optional[datetime] = _datetime()
    discovered_before: Optional[datetime] = _datetime()
    page: int = _int(1, ge=1)
    page_size: int = _int(25, ge=1, le=100)
    include_facets: Optional[List[str]] = _strs(optional=True)
    include_fields: Optional[List[str]] = _strs(optional=True)


# ── feed ─────────────────────────────────────────────────────────────


class FeedPage(_Response):
    """One page of the jobs feed (``POST /api/jobs/feed`` and ``/feed/managed``).
    Also available as ``JobFeedResponse``.

    Attributes:
        jobs: the jobs of this page (list of :class:`Job`).
        next_cursor: cursor of the next page, or ``None``.
        has_more: whether another page follows; stop when it is false or
            there is no cursor.
        estimated_total: estimated size of the whole scan (first page only).
        usage: the response's :class:`Usage`.

    Iterating a page yields its jobs; ``len()`` is the number of jobs (so an
    empty page is falsy).
    """

    __slots__ = ()
    _repr_fields = ("jobs", "has_more", "next_cursor", "estimated_total")
    _repr_html_ = _display.feed_html  # a table in Jupyter
    to_pandas, to_arrow = frames.to_pandas, frames.to_arrow  # the jobs as a table

    jobs: List[Job] = _models(Job)
    next_cursor: Optional[str] = _str()
    has_more: bool = _bool(False)
    estimated_total: Optional[int] = _int()

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)


JobFeedResponse = FeedPage


class ExpiredJobIdsResponse(_Response):
    """One page of expired job ids (``GET /api/jobs/expired``).

    Attributes: ``job_ids`` (list of UUID), ``next_cursor`` (str or
    ``None``), ``has_more`` (bool), ``usage``.
    """

    __slots__ = ()
    _repr_fields = ("job_ids", "has_more", "next_cursor")

    job_ids: List[UUID] = _uuids()
    next_cursor: Optional[str] = _str()
    has_more: bool = _bool(False)


class LocationFilter(Model):
    """A location filter of the feed; missing parts are wildcards.

    >>> LocationFilter(country="US", city=None).to_dict()
    {'country': 'US'}
    """

    __slots__ = ()
    _omit_none = True

    country: Optional[str] = _str()
    region: Optional[str] = _str()
    city: Optional[str] = _str()


class JobFeedRequest(Model):
    """Body of ``POST /api/jobs/feed``.

    Fields: ``locations`` (list of :class:`LocationFilter`), ``sources``,
    ``work_models``, ``employment_types``, ``experience_levels`` (lists of
    str; enum members accepted), ``posted_after``, ``updated_after``
    (datetimes), ``stable_scan`` (bool), ``cursor`` (str) and ``batch_size``
    (1–1000, default 1000). A continuation sends the cursor alone: the cursor
    carries the original filters.
    """

    __slots__ = ()
    _omit_none = True

    locations: Optional[List[LocationFilter]] = _models(LocationFilter, optional=True)
    sources: Optional[List[str]] = _strs(optional=True)
    work_models: Optional[List[str]] = _strs(optional=True)
    employment_types: Optional[List[str]] = _strs(optional=True)
    experience_levels: Optional[List[str]] = _strs(optional=True)
    posted_after: Optional[datetime] = _datetime()
    updated_after: Optional[datetime] = _datetime()
    stable_scan: Optional[bool] = _bool()
    cursor: Optional[str] = _str()
    batch_size: int = _int(1000, ge=1, le=1000)


class ManagedJobFeedRequest(Model):
    """Body of ``POST /api/jobs/feed/managed``: :class:`JobFeedRequest`
    without ``locations``, ``employment_types``, ``experience_levels`` and
    ``stable_scan``.
    """

    __slots__ = ()
    _omit_none = True

    sources: Optional[List[str]] = _strs(optional=True)
    work_models: Optional[List[str]] = _strs(optional=True)
    posted_after: Optional[datetime] = _datetime()
    updated_after: Optional[datetime] = _datetime()
    cursor: Optional[str] = _str()
    batch_size: int = _int(1000, ge=1, le=1000)


# ── geocoding ────────────────────────────────────────────────────────


class GeocodedLocation(Model):
    """A place resolved by the geocoder.

    Attributes: ``display_name``, ``city``, ``region``, ``country``,
    ``country_code`` (two letters), ``latitude``, ``longitude`` and
    ``fuzzy_confidence`` (floats).
    """

    __slots__ = ()
    _repr_fields = ("display_name", "country_code")

    city: Optional[str] = _str()
    region: Optional[str] = _str()
    country: Optional[str] = _str()
    latitude: Optional[float] = _float()
    longitude: Optional[float] = _float()
    display_name: Optional[str] = _str()
    country_code: Optional[str] = _str()
    fuzzy_confidence: Optional[float] = _float()


class GeocodeResultItem(_Response):
    """Answer of ``GET /api/locations/geocode``. Also available as ``GeocodeResult``.

    Attributes: ``input`` (the text sent), ``succeeded`` (bool),
    ``locations`` (list of :class:`GeocodedLocation`), ``method`` and
    ``error`` (str or ``None``), ``usage``.
    """

    __slots__ = ()
    _repr_fields = ("input", "succeeded", "locations", "error")

    input: str = _str()
    succeeded: bool = _bool()
    locations: List[GeocodedLocation] = _models(GeocodedLocation)
    method: Optional[str] = _str()
    error: Optional[str] = _str()


GeocodeResult = GeocodeResultItem


# ── companies ────────────────────────────────────────────────────────


class CompanyFundingRound(Model):
    """A funding round: ``investment_type``, ``announced_on``,
    ``raised_amount``, ``post_money_valuation``, ``lead_investor`` (str) and
    ``investor_count`` (int, default 0)."""

    __slots__ = ()
    investment_type: Optional[str] = _str()
    announced_on: Optional[str] = _str()
    raised_amount: Optional[str] = _str()
    post_money_valuation: Optional[str] = _str()
    investor_count: int = _int(0)
    lead_investor: Optional[str] = _str()


class CompanyLeader(Model):
    """A member of the leadership: ``name``, ``title``, ``linkedin_url``, ``avatar_url``."""

    __slots__ = ()
    _repr_fields = ("name", "title")

    name: Optional[str] = _str()
    title: Optional[str] = _str()
    linkedin_url: Optional[str] = _str()
    avatar_url: Optional[str] = _str()


class CompanyRating(Model):
    """A rating from an outside source: ``source``, ``rating`` (str), ``url``,
    ``review_count`` (int)."""

    __slots__ = ()
    source: Optional[str] = _str()
    rating: Optional[str] = _str()
    url: Optional[str] = _str()
    review_count: Optional[int] = _int()


class CompanyPressReference(Model):
    """A press article about the company: ``url``, ``posted_on``, ``title``, ``publisher``."""

    __slots__ = ()
    _repr_fields = ("title", "publisher")

    url: Optional[str] = _str()
    posted_on: Optional[str] = _str()
    title: Optional[str] = _str()
    publisher: Optional[str] = _str()


class CompanyH1bJobCount(Model):
    """H-1B sponsored jobs in one ``year`` (str): ``count`` (int, default 0)."""

    __slots__ = ()
    year: Optional[str] = _str()
    count: int = _int(0)


class CompanyH1bTitleDistribution(Model):
    """H-1B sponsored jobs for one job ``title``: ``count`` (int, default 0)."""

    __slots__ = ()
    title: Optional[str] = _str()
    count: int = _int(0)


class CompanyTechnology(Model):
    """One technology of the stack: ``name`` and its ``categories`` (list of str)."""

    __slots__ = ()
    name: Optional[str] = _str()
    categories: List[str] = _strs()


class CompanyProduct(Model):
    """A product offered or software used: ``name``, ``description``."""

    __slots__ = ()
    _repr_fields = ("name",)

    name: Optional[str] = _str()
    description: Optional[str] = _str()


class CompanyAcquisition(Model):
    """A company this one acquired: ``acquiree_name``, ``title``."""

    __slots__ = ()
    acquiree_name: Optional[str] = _str()
    title: Optional[str] = _str()


class CompanyExit(Model):
    """An exit event: ``name``, ``description``."""

    __slots__ = ()
    _repr_fields = ("name",)

    name: Optional[str] = _str()
    description: Optional[str] = _str()


class CompanySubOrganization(Model):
    """A sub-organisation: ``name``, ``ownership_type``, ``title``."""

    __slots__ = ()
    name: Optional[str] = _str()
    ownership_type: Optional[str] = _str()
    title: Optional[str] = _str()


class CompanyFeaturedList(Model):
    """A list the company is featured on: ``title``, ``org_num`` (int),
    ``funding_total_formatted`` (str), ``funding_total_usd`` (int)."""

    __slots__ = ()
    title: Optional[str] = _str()
    org_num: Optional[int] = _int()
    funding_total_formatted: Optional[str] = _str()
    funding_total_usd: Optional[int] = _int()


class CompanyKeyEvent(Model):
    """A dated event (layoff, leadership hire): ``date`` (str, as sent)."""

    __slots__ = ()
    date: Optional[str] = _str()


class CompanyEventAppearance(Model):
    """An event the company appeared at: ``appearance_type``, ``event``,
    ``event_starts_on``, ``image``."""

    __slots__ = ()
    appearance_type: Optional[str] = _str()
    event: Optional[str] = _str()
    event_starts_on: Optional[str] = _str()
    image: Optional[str] = _str()


class Company(_Response):
    """A company profile (``GET /api/companies/{id}``).

    ``id`` (UUID) and ``name`` are always sent; every other field is optional
    and reads as ``None``, ``False`` (``is_agency``, ``is_acquired``) or ``[]``
    (lists) when absent. Field groups:

    - identity: ``legal_name``, ``summary``, ``description``, ``website``,
      ``listing_url``, ``logo_url``;
    - social: ``linkedin_url``, ``linkedin_company_id``, ``twitter_url``,
      ``facebook_url``, ``instagram_url``, ``angellist_url``, ``youtube_url``,
      ``github_url``, ``g2_url``, ``crunchbase_url``;
    - location and contact: ``headquarters_location``,
      ``headquarters_region``, ``headquarters_regions``, ``country_code``,
      ``continent``, ``phone_number``, ``email_address``;
    - facts: ``founding_year``, ``company_size``, ``revenue``, ``is_agency``,
      ``industries``, ``primary_industry``, ``categories``, ``naics_codes``;
    - status: ``operating_status``, ``ipo_status``, ``company_type``,
      ``stock_symbol``, ``stock_exchange``, ``is_acquired``,
      ``acquired_by_company``, ``parent_company_url``;
    - funding: ``funding_stage``, ``total_funding``,
      ``funds_total_formatted``, ``investors``, ``funding_rounds``;
    - people: ``founders``, ``leadership``, ``leadership_hires``, ``layoffs``,
      ``ratings``, ``press_references``, ``h1b_annual_job_counts``,
      ``h1b_title_distribution``;
    - technology: ``technology_list``, ``tech_stack``, ``products``,
      ``software_used``, ``research_focus_areas``;
    - relationships: ``acquisitions``, ``exits``, ``subsidiary_list``,
      ``sub_organizations``, ``featured_lists``, ``event_appearances``;
    - ``investor_types``, ``page_rank`` (float), ``usage``.
    """

    __slots__ = ()
    _repr_fields = ("id", "name", "website")
    _repr_html_ = _display.company_html  # a card in Jupyter

    id: UUID = _uuid()
    name: str = _str()
    legal_name: Optional[str] = _str()
    summary: Optional[str] = _str()
    description: Optional[str] = _str()
    website: Optional[str] = _str()
    listing_url: Optional[str] = _str()
    logo_url: Optional[str] = _str()

    linkedin_url: Optional[str] = _str()
    linkedin_company_id: Optional[str] = _str()
    twitter_url: Optional[str] = _str()
    facebook_url: Optional[str] = _str()
    instagram_url: Optional[str] = _str()
    angellist_url: Optional[str] = _str()
    youtube_url: Optional[str] = _str()
    github_url: Optional[str] = _str()
    g2_url: Optional[str] = _str()
    crunchbase_url: Optional[str] = _str()

    headquarters_location: Optional[str] = _str()
    headquarters_region: Optional[str] = _str()
    headquarters_regions: List[str] = _strs()
    country_code: Optional[str] = _str()
    continent: Optional[str] = _str()
    phone_number: Optional[str] = _str()
    email_address: Optional[str] = _str()

    founding_year: Optional[str] = _str()
    company_size: Optional[str] = _str()
    revenue: Optional[str] = _str()
    is_agency: bool = _bool(False)
    industries: List[str] = _strs()
    primary_industry: Optional[str] = _str()
    categories: List[str] = _strs()
    naics_codes: List[str] = _strs()

    operating_status: Optional[str] = _str()
    ipo_status: Optional[str] = _str()
    company_type: Optional[str] = _str()
    stock_symbol: Optional[str] = _str()
    stock_exchange: Optional[str] = _str()
    is_acquired: bool = _bool(False)
    acquired_by_company: Optional[str] = _str()
    parent_company_url: Optional[str] = _str()

    funding_stage: Optional[str] = _str()
    total_funding: Optional[str] = _str()
    funds_total_formatted: Optional[str] = _str()
    investors: List[str] = _strs()
    funding_rounds: List[CompanyFundingRound] = _models(CompanyFundingRound)

    founders: List[str] = _strs()
    leadership: List[CompanyLeader] = _models(CompanyLeader)
    leadership_hires: List[CompanyKeyEvent] = _models(CompanyKeyEvent)
    layoffs: List[CompanyKeyEvent] = _models(CompanyKeyEvent)
    ratings: List[CompanyRating] = _models(CompanyRating)
    press_references: List[CompanyPressReference] = _models(CompanyPressReference)
    h1b_annual_job_counts: List[CompanyH1bJobCount] = _models(CompanyH1bJobCount)
    h1b_title_distribution: List[CompanyH1bTitleDistribution] = _models(
        CompanyH1bTitleDistribution
    )

    technology_list: List[str] = _strs()
    tech_stack: List[CompanyTechnology] = _models(CompanyTechnology)
    products: List[CompanyProduct] = _models(CompanyProduct)
    software_used: List[CompanyProduct] = _models(CompanyProduct)
    research_focus_areas: List[str] = _strs()

    acquisitions: List[CompanyAcquisition] = _models(CompanyAcquisition)
    exits: List[CompanyExit] = _models(CompanyExit)
    subsidiary_list: List[str] = _strs()
    sub_organizations: List[CompanySubOrganization] = _models(CompanySubOrganization)
    featured_lists: List[CompanyFeaturedList] = _models(CompanyFeaturedList)
    event_appearances: List[CompanyEventAppearance] = _models(CompanyEventAppearance)

    investor_types: List[str] = _strs()

    page_rank: Optional[float] = _float()
