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
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Dict,
    List,
    Optional,
    Set,
    Tuple,
    Type,
    TypeVar,
    Union,
)
from uuid import UUID, SafeUUID

from .. import _core
from .._time import format_datetime, parse_datetime
from ..exceptions import JoboResponseError, ModelValidationError

from .._response import Headers
from .._usage import Usage

if TYPE_CHECKING:
    import inspect

    from typing_extensions import dataclass_transform
else:
    try:
        from typing import dataclass_transform
    except ImportError:  # Python < 3.11: only type checkers read it

        def dataclass_transform(**kwargs: Any) -> Any:
            return lambda cls: cls

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
# Each takes a non-None JSON value and returns the typed value, or the value
# unchanged when it cannot be converted; the fields turn that into an error.


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
#   a ``_core.PlainField``; when the key is present the instance dict answers
#   first, so reading one is a C-level lookup. The JSON value is returned as
#   it is (an explicit ``null`` reads as ``None``); an absent member reads as
#   the default, and an absent *required* member raises JoboResponseError.
# - *typed* fields (UUID, datetime, float, int, lists, nested models) are data
#   descriptors, which take precedence over the instance dict: the first read
#   converts the JSON value and stores the result in the instance's ``_cache``
#   dict; later reads are served from it.
#
# Declared types hold: a value a typed field cannot convert (``'garbage'`` in
# a date-time field, a string where an object belongs) and a required field
# that is absent or null raise JoboResponseError when read, naming the field
# and the value. ``to_dict()`` still gives the data as received.
#
# Extra (undeclared) JSON members are in the instance dict too, so they are
# attributes for free, and anything else raises AttributeError as usual.


class _Missing:
    """The default of a field declared without one: the field is required."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<required>"


_MISSING: Any = _Missing()

#: (loc, type, message, input) of each failed check, for ModelValidationError.
Errors = List[Tuple[Tuple[Union[str, int], ...], str, str, Any]]


class _Field(_core.Field):
    """A declared field: its name, default and wire <-> Python conversions.

    Reading is done by the C base (``_core.Field``): it returns the cached
    value, or converts the JSON value and caches it. For a model that is a
    view of a parsed response, the shapes the API sends (numbers, UUID and
    date-time strings, objects, lists) are converted in C; anything else, and
    every model backed by a dict, goes through :meth:`_convert`, which defines
    the result (or raises JoboResponseError for a value of the wrong type).

    The pydantic-style attributes ``annotation``, ``default``,
    ``default_factory`` and ``is_required()`` describe the field as
    ``model_fields`` does in pydantic.
    """

    __slots__ = ("owner", "default_factory", "annotation", "nullable")

    #: True for plain fields: replaced on the class by a ``_core.PlainField``.
    plain: ClassVar[bool] = False
    #: Human-readable type, used in error messages.
    kind: ClassVar[str] = "a value"
    #: pydantic's error type for a value of the wrong type.
    error_type: ClassVar[str] = "value_error"
    #: The conversion the C base may do itself (``_core.FIELD_*``).
    ckind: ClassVar[int] = _core.FIELD_OTHER

    def __init__(self, default: Any = _MISSING, default_factory: Any = None) -> None:
        self.name = ""
        self.owner = ""
        self._required = default is _MISSING and default_factory is None
        self.default = None if default is _MISSING else default
        self.default_factory = default_factory
        self.annotation: Any = None
        self.nullable = not self._required
        self._ckind = self.ckind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = owner.__name__

    def __repr__(self) -> str:
        return f"<field {self.owner}.{self.name}: {self.kind}>"

    def is_required(self) -> bool:
        """True when the field has no default (pydantic's ``FieldInfo.is_required``)."""
        return bool(self._required)

    def get_default(self) -> Any:
        """The value of the field when it is absent (a fresh one for factories)."""
        if self.default_factory is not None:
            return self.default_factory()
        return self.default

    # read side (``__get__`` is the C base's) ---------------------------

    def _convert(self, raw: Any) -> Any:
        """JSON value (``None`` if absent) → the Python value of the field."""
        if raw is None:
            return self._absent()
        return raw

    def _absent(self) -> Any:
        if self._required:
            raise self._bad(None)
        return self.get_default()

    def _bad(self, raw: Any) -> JoboResponseError:
        """The error for a value this field cannot hold (``None``: required but absent)."""
        where = f"{self.owner}.{self.name}"
        if raw is None:
            message = f"{where} is required, but the response has no value for it"
        else:
            shown = repr(raw)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            message = f"{where} must be {self.kind}, but the response has {shown}"
        return JoboResponseError(message, code="invalid_field")

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

    # eager validation (model_validate) ---------------------------------

    def validate(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        """Check a JSON (or Python) value; return its JSON form, or record an
        error in *errors* (and return *raw*)."""
        if raw is None:
            if not self.nullable:
                errors.append((loc, "missing" if self._required else "none_forbidden",
                               "Field required" if self._required
                               else "Input should not be None", raw))
            return raw
        return self._check(raw, loc, errors)

    def _check(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        try:
            return self.to_wire(raw, self.owner)
        except (TypeError, ValueError):
            errors.append((loc, self.error_type, f"Input should be {self.kind}", raw))
            return raw


class _StrField(_Field):
    """A string (plain: the class attribute is the default)."""

    __slots__ = ()
    kind = "a valid string"
    error_type = "string_type"
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
    kind = "a valid boolean"
    error_type = "bool_type"
    plain = True

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None or isinstance(value, bool):
            return value
        raise self._type_error(owner, value)


class _IntField(_Field):
    """An integer (a float-encoded integral value is converted)."""

    __slots__ = ("ge", "le")
    kind = "a valid integer"
    error_type = "int_type"
    ckind = _core.FIELD_INT

    def __init__(
        self,
        default: Any = _MISSING,
        ge: Optional[int] = None,
        le: Optional[int] = None,
    ) -> None:
        super().__init__(default)
        self.ge = ge
        self.le = le

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        if type(raw) is int:
            return raw
        value = _as_int(raw)
        if type(value) is not int:
            raise self._bad(raw)
        return value

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

    def _check(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        try:
            return self.to_wire(raw, self.owner)
        except TypeError:
            errors.append((loc, "int_type", "Input should be a valid integer", raw))
        except ValueError:
            bound, which = (self.ge, "greater_than_equal") if (
                self.ge is not None and raw < self.ge) else (self.le, "less_than_equal")
            words = "greater than or equal to" if which == "greater_than_equal" else (
                "less than or equal to")
            errors.append((loc, which, f"Input should be {words} {bound}", raw))
        return raw


class _FloatField(_Field):
    """A float (a JSON integer is converted to float)."""

    __slots__ = ()
    kind = "a valid number"
    error_type = "float_type"
    ckind = _core.FIELD_FLOAT

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        if type(raw) is float:
            return raw
        if isinstance(raw, int) and not isinstance(raw, bool):
            return float(raw)
        raise self._bad(raw)

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise self._type_error(owner, value)


class _UUIDField(_Field):
    """A UUID (sent as its canonical string)."""

    __slots__ = ()
    kind = "a valid UUID"
    error_type = "uuid_parsing"
    ckind = _core.FIELD_UUID

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        value = _as_uuid(raw)
        if type(value) is not UUID:
            raise self._bad(raw)
        return value

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
    kind = "a valid ISO-8601 date-time"
    error_type = "datetime_parsing"
    ckind = _core.FIELD_DATETIME

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        value = parse_datetime(raw) if type(raw) is str else None
        if not isinstance(value, datetime):
            raise self._bad(raw)
        return value

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


def _wrap(model: Type["Model"], raw: Any, field: _Field) -> Any:
    """A nested JSON object as a model (O(1)); anything else is refused."""
    if type(raw) is dict:
        obj = _new(model)
        obj.__dict__ = raw
        obj._cache = None
        return obj
    if isinstance(raw, model):
        return raw
    raise field._bad(raw)


class _NestedField(_Field):
    """A field whose values are (lists or maps of) one model class."""

    __slots__ = ()

    def __init__(self, model: Type["Model"], default: Any = _MISSING,
                 default_factory: Any = None) -> None:
        super().__init__(default, default_factory)
        self.model = model


class _ModelField(_NestedField):
    """A nested object (``default_factory=Model`` reads an absent one as an empty model)."""

    __slots__ = ()
    error_type = "model_type"
    ckind = _core.FIELD_MODEL

    @property
    def kind(self) -> str:  # type: ignore[override]
        return f"a {self.model.__name__} object"

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        return _wrap(self.model, raw, self)

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        return _model_to_wire(self.model, value, f"{owner}.{self.name}")

    def _check(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        return _validate_object(self.model, raw, loc, errors)


class _ModelListField(_NestedField):
    """A list of nested objects; absent or null reads as ``[]``
    (as ``None`` for the ``Optional`` lists of request models)."""

    __slots__ = ()
    error_type = "list_type"
    ckind = _core.FIELD_MODEL_LIST

    @property
    def kind(self) -> str:  # type: ignore[override]
        return f"a list of {self.model.__name__} objects"

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        if type(raw) is not list:
            raise self._bad(raw)
        model = self.model
        return [_wrap(model, item, self) for item in raw]

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        where = f"{owner}.{self.name}[]"
        return [_model_to_wire(self.model, v, where) for v in _items(self, owner, value)]

    def _check(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        if not isinstance(raw, (list, tuple)):
            errors.append((loc, "list_type", "Input should be a valid list", raw))
            return raw
        return [_validate_object(self.model, v, loc + (i,), errors) for i, v in enumerate(raw)]


class _StrListField(_Field):
    """A list of strings; absent or null reads as ``[]``
    (as ``None`` for the ``Optional`` lists of request models)."""

    __slots__ = ()
    kind = "a list of strings"
    error_type = "list_type"
    ckind = _core.FIELD_STR_LIST

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        if type(raw) is not list or not all(type(v) is str for v in raw):
            raise self._bad(raw)
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

    def _check(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        if not isinstance(raw, (list, tuple)):
            errors.append((loc, "list_type", "Input should be a valid list", raw))
            return raw
        out = []
        for i, v in enumerate(raw):
            if isinstance(v, Enum):
                v = v.value
            if not isinstance(v, str):
                errors.append((loc + (i,), "string_type", "Input should be a valid string", v))
            out.append(v)
        return out


class _UUIDListField(_Field):
    """A list of UUIDs; absent or null reads as ``[]``."""

    __slots__ = ()
    kind = "a list of UUIDs"
    error_type = "list_type"
    ckind = _core.FIELD_UUID_LIST

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        if type(raw) is not list:
            raise self._bad(raw)
        out = [_as_uuid(x) for x in raw]
        for x in out:
            if type(x) is not UUID:
                raise self._bad(x)
        return out

    def _one(self) -> _UUIDField:
        one = _UUIDField()
        one.name, one.owner = self.name, self.owner
        return one

    def to_wire(self, value: Any, owner: str) -> Any:
        if value is None:
            return None
        one = self._one()
        return [one.to_wire(v, owner) for v in _items(self, owner, value)]

    def _check(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        if not isinstance(raw, (list, tuple)):
            errors.append((loc, "list_type", "Input should be a valid list", raw))
            return raw
        one = self._one()
        return [one.validate(v, loc + (i,), errors) for i, v in enumerate(raw)]


class _ModelListMapField(_NestedField):
    """An object whose values are lists of nested objects (search facets)."""

    __slots__ = ()
    error_type = "dict_type"

    @property
    def kind(self) -> str:  # type: ignore[override]
        return f"an object of lists of {self.model.__name__} objects"

    def _convert(self, raw: Any) -> Any:
        if raw is None:
            return self._absent()
        if type(raw) is not dict:
            raise self._bad(raw)
        model = self.model
        out = {}
        for key, items in raw.items():
            if type(items) is not list:
                raise self._bad(items)
            out[key] = [_wrap(model, x, self) for x in items]
        return out

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

    def _check(self, raw: Any, loc: Tuple[Union[str, int], ...], errors: Errors) -> Any:
        if not isinstance(raw, Mapping):
            errors.append((loc, "dict_type", "Input should be a valid dictionary", raw))
            return raw
        out = {}
        for key, items in raw.items():
            if not isinstance(items, (list, tuple)):
                errors.append((loc + (key,), "list_type", "Input should be a valid list", items))
                out[key] = items
                continue
            out[key] = [_validate_object(self.model, v, loc + (key, i), errors)
                        for i, v in enumerate(items)]
        return out


# Field specifiers. A field declared without ``default=`` or
# ``default_factory=`` is required, for type checkers (which read the models
# as dataclass-like classes) and at run time alike. They are typed ``Any`` so
# that ``title: Optional[str] = _str(default=None)`` keeps its annotation.


def _str(*, default: Optional[str] = _MISSING) -> Any:
    return _StrField(default)


def _bool(*, default: Optional[bool] = _MISSING) -> Any:
    return _BoolField(default)


def _int(
    *, default: Optional[int] = _MISSING, ge: Optional[int] = None, le: Optional[int] = None
) -> Any:
    return _IntField(default, ge, le)


def _float(*, default: Optional[float] = _MISSING) -> Any:
    return _FloatField(default)


def _uuid(*, default: Optional[UUID] = _MISSING) -> Any:
    return _UUIDField(default)


def _datetime(*, default: Optional[datetime] = _MISSING) -> Any:
    return _DateTimeField(default)


def _model(
    model: Type["Model"], *, default: None = _MISSING, default_factory: Any = None
) -> Any:
    return _ModelField(model, default, default_factory)


def _models(
    model: Type["Model"], *, default: None = _MISSING, default_factory: Any = None
) -> Any:
    return _ModelListField(model, default, default_factory)


def _strs(*, default: None = _MISSING, default_factory: Any = None) -> Any:
    return _StrListField(default, default_factory)


def _uuids(*, default: None = _MISSING, default_factory: Any = None) -> Any:
    return _UUIDListField(default, default_factory)


def _model_map(
    model: Type["Model"], *, default: None = _MISSING, default_factory: Any = None
) -> Any:
    return _ModelListMapField(model, default, default_factory)

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


def _did_you_mean(name: str, choices: Any) -> str:
    import difflib  # only on this error path: it is slow to import

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown_name(where: str, name: str, choices: Any) -> TypeError:
    """The TypeError for a keyword or key *where* does not take, with the
    closest valid name when one is close."""
    return TypeError(
        f"{where} got an unexpected keyword argument {name!r}{_did_you_mean(name, choices)} "
        f"(valid: {', '.join(choices)})"
    )


def _nullable(annotation: Any) -> bool:
    """Whether a (string) annotation admits ``None``."""
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith("Optional[") or text.endswith("None]") or text.endswith("| None")


def _raise_errors(cls: type, errors: Errors) -> None:
    if errors:
        raise ModelValidationError(
            cls.__name__,
            [{"type": t, "loc": loc, "msg": msg, "input": value}
             for loc, t, msg, value in errors],
        )


def _validate_object(model: Type["Model"], raw: Any, loc: Tuple[Union[str, int], ...],
                     errors: Errors) -> Any:
    """Check *raw* against *model*, recording every failure in *errors*; return
    its JSON form (a new dict; members the model does not declare are kept)."""
    if isinstance(raw, model):
        return raw.__dict__
    if not isinstance(raw, Mapping) or isinstance(raw, Model):
        errors.append((loc, "model_type",
                       f"Input should be a valid dictionary or instance of {model.__name__}", raw))
        return raw
    declared = model._fields
    out: Dict[str, Any] = {}
    for key, value in raw.items():
        f = declared.get(key)
        if f is not None:
            out[key] = f.validate(value, loc + (key,), errors)
        elif model._omit_none:  # a request model: a name it does not know is a typo
            errors.append((loc + (key,), "extra_forbidden", "Extra inputs are not permitted"
                           + _did_you_mean(str(key), declared), value))
        else:
            out[key] = value
    for name in model._required:
        if name not in raw:
            errors.append((loc + (name,), "missing", "Field required", raw))
    return out


class _Signature:
    """A model class's ``__signature__`` (keyword-only parameters, one per
    field), built on first read: ``inspect`` costs ~5 ms of import time, and
    only ``inspect.signature``, ``help()`` and IDEs ask for it."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: Any = None

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if self._made is None:
            import inspect

            owner = cls if cls is not None else type(obj)
            self._made = inspect.Signature([
                inspect.Parameter(
                    n, inspect.Parameter.KEYWORD_ONLY, annotation=f.annotation,
                    default=inspect.Parameter.empty if f.is_required() else (
                        f.default if f.default_factory is None else f.default_factory()),
                )
                for n, f in owner._fields.items()
            ])
        return self._made


@dataclass_transform(
    kw_only_default=True,
    field_specifiers=(_str, _bool, _int, _float, _uuid, _datetime, _model, _models, _strs,
                      _uuids, _model_map),
)
class Model(_core.Record):
    """Base of all models: a lazy, typed view over one JSON object.

    Construction:

    - ``Model.from_dict(data)`` wraps a decoded JSON object in O(1): the dict
      itself becomes the model's data (it is not copied, validated or
      converted). The client's results are built this way (or as views of the
      parsed response), so decoding costs nothing up front.
    - ``Model.model_validate(data)`` and ``Model.model_validate_json(text)``
      check the data eagerly, as pydantic does: a missing required field or a
      value of the wrong type, at any depth, raises
      :class:`~jobo_enterprise.exceptions.ModelValidationError` (a
      ``ValueError``) listing every failure.
    - ``Model(**fields)`` builds a model from keyword arguments, like the
      official pydantic models. Values may be Python objects (``UUID``,
      ``datetime``, enum members, nested models or dicts); they are checked
      against the field's type and stored in their JSON form. A keyword the
      class does not declare raises ``TypeError`` naming the closest valid
      one; a missing required field raises ``ModelValidationError``.
      ``model_construct(**values)`` skips every check.

    Reading: declared fields are converted on first access and cached; a
    value the field's type cannot hold raises
    :class:`~jobo_enterprise.exceptions.JoboResponseError`. Extra members of
    the JSON object are attributes with their raw JSON value; any other name
    raises :class:`AttributeError`. (An extra member that has the name of a
    model method, say ``to_dict``, hides the method on that instance; call it
    through the class then: ``Job.to_dict(job)``.)

    Output: :meth:`to_dict` returns a deep copy of the JSON data as received
    (extra members and ``None`` values kept; request models leave ``None``
    out). :meth:`model_dump` and :meth:`model_dump_json` give what the
    official pydantic models give: the declared fields, defaults filled in,
    typed values (``UUID``, ``datetime``) in ``mode="python"``.

    Two models are equal when they are of the same class and hold equal data.
    Models are mutable (assigning a field updates the data, converting the
    value to its JSON form for typed fields), hence unhashable.
    """

    __slots__ = ()

    #: Declared fields of the class, by name (set for every subclass).
    _fields: ClassVar[Dict[str, _Field]] = {}
    #: Names of the required fields.
    _required: ClassVar[Tuple[str, ...]] = ()
    #: Field names shown by ``repr()``; empty means "the first three present".
    _repr_fields: ClassVar[Tuple[str, ...]] = ()
    #: True for request models: ``to_dict()`` leaves out ``None`` fields.
    _omit_none: ClassVar[bool] = False
    #: pydantic-compatible view of the declared fields (name → field, each
    #: with ``annotation``, ``default``, ``default_factory`` and ``is_required()``).
    model_fields: ClassVar[Dict[str, Any]] = {}
    #: The keyword arguments of the constructor (derived from the fields, made
    #: on first read: see _Signature).
    __signature__: ClassVar["inspect.Signature"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: Dict[str, _Field] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "_fields", {}))
        annotations = cls.__dict__.get("__annotations__", {})
        for name, attr in list(vars(cls).items()):
            if isinstance(attr, _Field):
                fields[name] = attr
                attr.annotation = annotations.get(name, Any)
                attr.nullable = _nullable(attr.annotation)
                if attr.plain:
                    # No conversion needed: the instance dict answers, or
                    # (absent key) the PlainField: the member of a view, else
                    # the default (or, for a required field, the error).
                    missing = attr._absent if attr.is_required() else None
                    setattr(cls, name, _core.PlainField(name, attr.default, missing))
        cls._fields = fields
        cls._required = tuple(n for n, f in fields.items() if f.is_required())
        cls.model_fields = dict(fields)
        cls.__signature__ = _Signature()  # type: ignore[assignment]

    def __init__(self, **fields: Any) -> None:
        cls = type(self)
        declared = cls._fields
        owner = cls.__name__
        data: Dict[str, Any] = {}
        for name, value in fields.items():
            f = declared.get(name)
            if f is None:
                raise unknown_name(f"{owner}()", name, declared)
            data[name] = f.to_wire(value, owner)
        if cls._required:
            _raise_errors(cls, [((n,), "missing", "Field required", fields)
                                for n in cls._required if data.get(n) is None])
        self.__dict__ = data
        self._cache = None

    # construction --------------------------------------------------------

    @classmethod
    def from_dict(cls: Type[M], data: Union[Mapping[str, Any], "Model"]) -> M:
        """Wrap a decoded JSON object (O(1): the dict is used, not copied).

        An instance of *cls* is returned as is; another mapping is copied into
        a dict first. Nothing is checked: a field whose value the declared
        type cannot hold raises JoboResponseError when it is read.

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
    def from_json(cls: Type[M], text: Union[str, bytes, bytearray, memoryview]) -> M:
        """Parse a JSON object into a lazy view, as the client does with a response.

        The C decoder parses it with the GIL released and the model reads its
        fields from the parsed tree on first access; nothing is checked up
        front (see :meth:`model_validate_json` for that).

        :raises ValueError: if *text* is not valid JSON.
        :raises TypeError: if it is not a JSON object.
        """
        if isinstance(text, str):
            text = text.encode("utf-8", "surrogatepass")
        return _core.parse_model(cls, text)  # type: ignore[no-any-return]

    @classmethod
    def model_validate(cls: Type[M], obj: Any, *, strict: Optional[bool] = None,
                       from_attributes: Optional[bool] = None,
                       context: Optional[Any] = None) -> M:
        """Check *obj* (a mapping, or an instance, returned as is) eagerly and
        build the model (pydantic-compatible).

        Every declared field, at every depth, is checked: a missing required
        field, ``None`` where the field is not optional, or a value of the
        wrong type raises :class:`~jobo_enterprise.exceptions.ModelValidationError`
        (a ``ValueError``) that lists them all. Values may be JSON values or
        Python objects (``UUID``, ``datetime``, nested models); the model
        holds their JSON form. Members the class does not declare are kept.
        (*strict*, *from_attributes* and *context* are accepted for
        compatibility and change nothing.)

        >>> from jobo_enterprise.models import JobCompany
        >>> JobCompany.model_validate({"id": "0b7c9a6e-9f7d-4a44-9a1c-7f0e2d3c4b5a",
        ...                            "name": "Acme"}).name
        'Acme'
        """
        if isinstance(obj, cls):
            return obj
        errors: Errors = []
        data = _validate_object(cls, obj, (), errors)
        _raise_errors(cls, errors)
        return cls.from_dict(_to_wire(data))

    @classmethod
    def model_validate_json(cls: Type[M], json_data: Union[str, bytes, bytearray], *,
                            strict: Optional[bool] = None,
                            context: Optional[Any] = None) -> M:
        """Parse a JSON document and check it as :meth:`model_validate` does.

        :raises ModelValidationError: if the text is not valid JSON or the data
            does not fit the model (both ``ValueError``, as in pydantic).
        """
        try:
            data = json.loads(json_data)
        except ValueError as exc:
            _raise_errors(cls, [((), "json_invalid", f"Invalid JSON: {exc}", json_data)])
        return cls.model_validate(data)

    @classmethod
    def model_construct(cls: Type[M], _fields_set: Optional[Any] = None, **values: Any) -> M:
        """Build a model from trusted values without any check (pydantic-compatible)."""
        return cls.from_dict({k: _to_wire(v) for k, v in values.items()})

    # output --------------------------------------------------------------

    def to_dict(self) -> Dict[str, Any]:
        """The JSON data of this model, as a deep copy.

        Extra fields are included. Response models keep ``None`` values as the
        server sent them; request models omit ``None`` fields.
        """
        if type(self)._omit_none:
            return _copy_json_without_none(self.__dict__)  # type: ignore[no-any-return]
        return _copy_json(self.__dict__)  # type: ignore[no-any-return]

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Optional[Any] = None,
        exclude: Optional[Any] = None,
        by_alias: bool = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        warnings: bool = True,
    ) -> Dict[str, Any]:
        """The model as a dict, as the official pydantic models dump it.

        The declared fields in declaration order, absent ones at their
        default; members the class does not declare are left out (they are in
        :meth:`to_dict`). ``mode="python"`` gives ``UUID`` and ``datetime``
        objects, ``mode="json"`` their JSON strings. ``include`` and
        ``exclude`` take a set of names or a nested dict
        (``{"company": {"name"}, "locations": {"__all__": {"city"}}}``);
        ``exclude_unset`` leaves out fields the data did not contain,
        ``exclude_defaults`` those equal to their default, ``exclude_none``
        those that are ``None``, at every depth. The models have no aliases, so
        ``by_alias`` changes nothing; ``round_trip`` and ``warnings`` are
        accepted for compatibility.

        >>> from jobo_enterprise.models import JobCompany
        >>> c = JobCompany.from_dict({"id": "0b7c9a6e-9f7d-4a44-9a1c-7f0e2d3c4b5a", "name": "Acme"})
        >>> c.model_dump(include={"id", "name"})
        {'id': UUID('0b7c9a6e-9f7d-4a44-9a1c-7f0e2d3c4b5a'), 'name': 'Acme'}
        """
        from ._pydantic import dump

        return dump(self, mode, include, exclude, exclude_unset, exclude_defaults, exclude_none)

    def model_dump_json(
        self,
        *,
        indent: Optional[int] = None,
        include: Optional[Any] = None,
        exclude: Optional[Any] = None,
        by_alias: bool = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        warnings: bool = True,
    ) -> str:
        """:meth:`model_dump` in ``mode="json"``, serialised as pydantic does
        (compact, UTF-8 unescaped; *indent* spaces per level when given)."""
        from ._pydantic import dump_json

        data = self.model_dump(mode="json", include=include, exclude=exclude,
                               exclude_unset=exclude_unset, exclude_defaults=exclude_defaults,
                               exclude_none=exclude_none)
        return dump_json(data, indent)

    @property
    def model_fields_set(self) -> Set[str]:
        """The declared fields the data contains (set explicitly, even to ``None``)."""
        declared = type(self)._fields
        return {k for k in self.__dict__ if k in declared}

    @classmethod
    def model_json_schema(cls, by_alias: bool = True, mode: str = "validation") -> Dict[str, Any]:
        """The JSON Schema of the model, in the form pydantic generates
        (nested models under ``$defs``)."""
        from ._pydantic import json_schema

        return json_schema(cls)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Where pydantic v2 is installed: validate with :meth:`model_validate`
        and serialise with :meth:`model_dump`, so a model can be a field of a
        user's ``BaseModel``, a FastAPI ``response_model`` or a ``TypeAdapter``."""
        from ._pydantic import core_schema

        return core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Dict[str, Any]:
        """The JSON Schema pydantic shows for this model (nested models inlined)."""
        from ._pydantic import inline_json_schema

        return inline_json_schema(cls)

    def model_copy(self: M, *, update: Optional[Mapping[str, Any]] = None, deep: bool = False) -> M:
        """A copy of this model (shallow unless *deep*), with *update* applied
        (each value checked and stored in its JSON form, as by assignment)."""
        data = self.__dict__
        obj = type(self).from_dict(_copy_json(data) if deep else dict(data))
        for name, value in (update or {}).items():
            if name not in type(self)._fields:
                raise unknown_name(f"{type(self).__name__}.model_copy(update=)", name,
                                   type(self)._fields)
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

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

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
            try:
                value = getattr(self, name)
            except JoboResponseError:  # a value the field cannot hold: shown as received
                value = self.__dict__.get(name)
            if value is not None:
                parts.append(f"{name}={_short(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"


Model.__signature__ = _Signature()  # type: ignore[assignment]  # no fields


class _Response(Model):
    """Base of models that are the body of an API response.

    ``usage`` carries the credit and rate-limit figures of the response that
    produced the object (``None`` when the object was built another way). It is
    neither part of :meth:`to_dict` nor of equality.
    """

    __slots__ = ()

    @property
    def usage(self) -> Optional[Usage]:
        """The credit and rate-limit figures of the response (read-only)."""
        cache = self._cache
        return cache.get("usage") if cache else None

    @property
    def response_headers(self) -> Optional[Headers]:
        """The headers of the response (a read-only, case-insensitive
        :class:`~jobo_enterprise.Headers` mapping); ``None`` when the object was
        built another way. ``result.response_headers["X-Request-Id"]``."""
        cache = self._cache
        headers = cache.get("headers") if cache else None
        if isinstance(headers, bytes):  # as the C core reported them: parsed on first read
            headers = cache["headers"] = Headers(headers)  # type: ignore[index]
        return headers

    def _set_response_headers(self, block: Optional[bytes]) -> None:
        if block is not None:
            if self._cache is None:
                self._cache = {}
            self._cache["headers"] = block

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
