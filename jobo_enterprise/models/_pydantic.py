"""The pydantic side of the models: dumps as the official pydantic models give
them, their JSON Schema, and the hooks pydantic v2 calls when it meets a
model (as a field of a user's ``BaseModel``, a FastAPI ``response_model``, a
``TypeAdapter``).

Nothing here imports pydantic until pydantic itself asks for a schema, so the
package never depends on it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union
from uuid import UUID

if TYPE_CHECKING:
    from ._fields import Model, _Field

_ZERO = timedelta(0)


# ── dumps ───────────────────────────────────────────────────────────


def _json_datetime(value: datetime) -> str:
    """A datetime as pydantic writes it: ISO-8601, ``Z`` for a zero offset."""
    text = value.isoformat()
    if value.utcoffset() == _ZERO and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def _lookup(spec: Any, key: Union[str, int]) -> Tuple[bool, Any]:
    """How an include/exclude spec names *key*: (named, nested spec). The nested
    spec is None when the key is named as a whole (a set member, ``True``, ``...``)."""
    if isinstance(spec, (set, frozenset, list, tuple)):
        return key in spec, None
    if isinstance(spec, dict):
        for k in (key, "__all__"):
            if k in spec:
                inner = spec[k]
                return True, (None if inner is True or inner is Ellipsis else inner)
        return False, None
    raise TypeError(f"include/exclude must be a set or a dict, got {type(spec).__name__}")


def _sub(include: Any, exclude: Any, key: Union[str, int]) -> Tuple[bool, Any, Any]:
    """(kept, nested include, nested exclude) of *key*."""
    inc = exc = None
    if include is not None:
        named, inc = _lookup(include, key)
        if not named:
            return False, None, None
    if exclude is not None:
        named, exc = _lookup(exclude, key)
        if named and exc is None:
            return False, None, None
    return True, inc, exc


class _Dumper:
    __slots__ = ("json", "unset", "defaults", "none")

    def __init__(self, mode: str, unset: bool, defaults: bool, none: bool) -> None:
        if mode not in ("python", "json"):
            raise ValueError(f"mode must be 'python' or 'json', got {mode!r}")
        self.json = mode == "json"
        self.unset = unset
        self.defaults = defaults
        self.none = none

    def model(self, obj: "Model", include: Any, exclude: Any) -> Dict[str, Any]:
        fields = type(obj)._fields
        present = obj.__dict__ if self.unset else None
        out: Dict[str, Any] = {}
        for name, f in fields.items():
            keep, inc, exc = _sub(include, exclude, name)
            if not keep or (present is not None and name not in present):
                continue
            value = getattr(obj, name)
            if self.none and value is None:
                continue
            if self.defaults and not f.is_required() and self._is_default(f, value):
                continue
            out[name] = self.value(value, inc, exc)
        return out

    def _is_default(self, f: "_Field", value: Any) -> bool:
        plain = _Dumper("python", False, False, False)
        return plain.value(value, None, None) == plain.value(f.get_default(), None, None)

    def value(self, value: Any, include: Any, exclude: Any) -> Any:
        from ._fields import Model

        if isinstance(value, Model):
            return self.model(value, include, exclude)
        if isinstance(value, list):
            out = []
            for i, v in enumerate(value):
                keep, inc, exc = _sub(include, exclude, i)
                if keep:
                    out.append(self.value(v, inc, exc))
            return out
        if isinstance(value, dict):
            out_d = {}
            for k, v in value.items():
                keep, inc, exc = _sub(include, exclude, k)
                if keep:
                    out_d[k] = self.value(v, inc, exc)
            return out_d
        if self.json:
            if isinstance(value, UUID):
                return str(value)
            if isinstance(value, datetime):
                return _json_datetime(value)
        return value


def dump(obj: "Model", mode: str, include: Any, exclude: Any, exclude_unset: bool,
         exclude_defaults: bool, exclude_none: bool) -> Dict[str, Any]:
    """``model_dump``: see :meth:`Model.model_dump`."""
    return _Dumper(mode, exclude_unset, exclude_defaults, exclude_none).model(
        obj, include, exclude)


def dump_json(data: Any, indent: Optional[int]) -> str:
    """JSON text as pydantic writes it (compact unless *indent*; UTF-8 unescaped)."""
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False)


# ── JSON Schema ──────────────────────────────────────────────────────


def _title(name: str) -> str:
    return name.title().replace("_", " ")


def _hints(cls: type) -> Dict[str, Any]:
    """The resolved annotations of the declared fields of *cls*."""
    import sys
    import typing

    hints: Dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        ann = klass.__dict__.get("__annotations__")
        if not ann:
            continue
        namespace = dict(vars(sys.modules[klass.__module__]))
        for name, text in ann.items():
            if name in cls._fields:  # type: ignore[attr-defined]
                hints[name] = eval(text, vars(typing), namespace) if isinstance(text, str) else text
    return hints


def _type_schema(tp: Any, defs: Optional[Dict[str, Any]], ref_prefix: str) -> Dict[str, Any]:
    """Schema of one annotation; nested models as ``$ref`` into *defs*, or inlined
    when *defs* is None."""
    import typing

    from ._fields import Model

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Union:
        return {"anyOf": [_type_schema(a, defs, ref_prefix) if a is not type(None)
                          else {"type": "null"} for a in args]}
    if origin in (list, List):
        return {"items": _type_schema(args[0], defs, ref_prefix), "type": "array"}
    if origin in (dict, Dict):
        return {"additionalProperties": _type_schema(args[1], defs, ref_prefix),
                "type": "object"}
    if isinstance(tp, type) and issubclass(tp, Model):
        if defs is None:
            return _object_schema(tp, None, ref_prefix)
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder: recursion stops here
            defs[name] = _object_schema(tp, defs, ref_prefix)
        return {"$ref": ref_prefix + name}
    simple = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
              bool: {"type": "boolean"}, UUID: {"format": "uuid", "type": "string"},
              datetime: {"format": "date-time", "type": "string"}}
    return dict(simple.get(tp, {}))


def _object_schema(cls: Any, defs: Optional[Dict[str, Any]], ref_prefix: str) -> Dict[str, Any]:
    import inspect

    hints = _hints(cls)
    props: Dict[str, Any] = {}
    required: List[str] = []
    for name, f in cls._fields.items():
        schema = _type_schema(hints[name], defs, ref_prefix)
        # pydantic titles every field but a (nullable) reference to a model
        if "$ref" not in schema and not any("$ref" in a for a in schema.get("anyOf", ())):
            schema["title"] = _title(name)
        ge, le = getattr(f, "ge", None), getattr(f, "le", None)
        if ge is not None:
            schema["minimum"] = ge
        if le is not None:
            schema["maximum"] = le
        if f.is_required():
            required.append(name)
        elif f.default_factory is None:
            schema["default"] = f.default
        props[name] = schema
    out: Dict[str, Any] = {}
    if cls.__doc__:
        out["description"] = inspect.cleandoc(cls.__doc__)
    out["properties"] = props
    if required:
        out["required"] = required
    out["title"] = cls.__name__
    out["type"] = "object"
    return out


def json_schema(cls: Any) -> Dict[str, Any]:
    """``model_json_schema()``: pydantic's layout, nested models under ``$defs``."""
    defs: Dict[str, Any] = {}
    schema = _object_schema(cls, defs, "#/$defs/")
    defs.pop(cls.__name__, None)
    if defs:
        return {"$defs": dict(sorted(defs.items())), **schema}
    return schema


def inline_json_schema(cls: Any) -> Dict[str, Any]:
    """The schema with nested models written out in place (no ``$ref``), so it
    stays valid wherever pydantic embeds it."""
    return _object_schema(cls, None, "")


# ── the pydantic hook ───────────────────────────────────────────────


def core_schema(cls: Any) -> Any:
    """pydantic-core schema of *cls*: validation by ``model_validate`` (instances
    pass through), serialisation by ``model_dump`` in pydantic's mode."""
    from pydantic_core import core_schema as cs

    def validate(value: Any) -> Any:
        return cls.model_validate(value)

    def serialize(value: Any, info: Any) -> Any:
        if not isinstance(value, cls):
            return value
        return value.model_dump(
            mode=info.mode if info.mode in ("python", "json") else "python",
            include=info.include, exclude=info.exclude,
            exclude_unset=info.exclude_unset, exclude_defaults=info.exclude_defaults,
            exclude_none=info.exclude_none,
        )

    return cs.no_info_plain_validator_function(
        validate,
        serialization=cs.plain_serializer_function_ser_schema(serialize, info_arg=True),
    )
