"""The field machinery of the models: JSON helpers, conversions, typed field
descriptors and the base classes :class:`Model` and ``_Response``.

The declarations (``Job``, ``SearchResult``, ...) live in one module per API
area next to this one; see the package docstring for how a model behaves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Optional, Tuple, Type, TypeVar, Union
from uuid import UUID, SafeUUID

from .. import _core
from .._time import format_datetime, parse_datetime

if TYPE_CHECKING:
    from .._usage import Usage

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
