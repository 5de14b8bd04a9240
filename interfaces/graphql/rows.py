"""GraphQL types derived from what they show: object types from read-model rows (the rows
themselves are the values resolvers return), input types from command structures.

A column added to a row appears in the API by itself; a setting added to a command's
structure appears in its input type by itself.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal, Union
from uuid import UUID

import msgspec
import strawberry
from strawberry.scalars import JSON
from strawberry.types.field import StrawberryField

from application.secrets import Secret

_PLAIN = (str, int, float, bool, datetime, date)


def graphql_hint(hint: Any, inputs: Mapping[type, type] | None = None) -> Any:
    """The GraphQL-facing type of a row column or a command field.

    Ids become ``ID``; enums, literals and secrets are strings; dictionaries and other
    free-form values are ``JSON``; structures with an input type (``inputs``) use it.
    """
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union_hint(hint, inputs)
    if hint is UUID:
        return strawberry.ID
    if hint is Secret or origin is Literal or _is_enum(hint):
        return str
    if hint in _PLAIN:
        return hint
    if origin in (list, tuple) and typing.get_args(hint):
        item = graphql_hint(typing.get_args(hint)[0], inputs)
        return JSON if item is JSON else list[item]  # type: ignore[valid-type]
    return (inputs or {}).get(hint, JSON)


def _union_hint(hint: Any, inputs: Mapping[type, type] | None) -> Any:
    """``X | None`` (and msgspec's ``UNSET`` option) as a nullable GraphQL type."""
    options = [
        a for a in typing.get_args(hint) if a is not type(None) and a is not msgspec.UnsetType
    ]
    inner = graphql_hint(options[0], inputs) if len(options) == 1 else JSON
    return inner | None if type(None) in typing.get_args(hint) else inner


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def object_type(
    row: type,
    name: str,
    description: str,
    *,
    hide: Iterable[str] = (),
    fields: Mapping[str, StrawberryField] | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> type:
    """A GraphQL object type whose values are ``row`` instances (a read-model row dataclass
    or a msgspec Struct): one field per column (but the ``hide``-den ones, and those
    ``fields`` resolves instead, described by ``descriptions``), then the ``fields``."""
    extra = dict(fields or {})
    hidden = set(hide) | set(extra)
    hints = typing.get_type_hints(row)
    names = (
        [f.name for f in dataclasses.fields(row)]
        if dataclasses.is_dataclass(row)
        else list(msgspec.structs.fields(row) and row.__struct_fields__)  # type: ignore[attr-defined]
    )
    annotations = {n: graphql_hint(hints[n]) for n in names if n not in hidden}
    described = {
        name: strawberry.field(description=text)
        for name, text in (descriptions or {}).items()
        if name in annotations
    }
    namespace: dict[str, Any] = {
        "__annotations__": annotations,
        "__doc__": description,
        **described,
        **extra,
    }
    cls = type(name, (), namespace)
    return strawberry.type(cls, name=name, description=description)


def input_type(
    structure: type,
    name: str,
    description: str,
    *,
    inputs: Mapping[type, type] | None = None,
    skip: Iterable[str] = (),
    optional: bool = False,
) -> type:
    """A GraphQL input type from a command structure (a dataclass or a msgspec Struct):
    its fields and defaults; with ``optional`` every field may be left out (None)."""
    hints = typing.get_type_hints(structure)
    annotations: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    for field_name, default in _fields(structure):
        if field_name in skip:
            continue
        hint = graphql_hint(hints[field_name], inputs)
        if optional:
            annotations[field_name] = hint if _nullable(hint) else hint | None
            defaults[field_name] = None
            continue
        annotations[field_name] = hint
        if default is _REQUIRED:
            continue
        value = _plain_default(default)
        if value is None or value in ([], {}):
            # Left out (null): the structure's own default applies.
            annotations[field_name] = hint if _nullable(hint) else hint | None
            value = None
        defaults[field_name] = value
    cls = type(name, (), {"__annotations__": annotations, "__doc__": description, **defaults})
    return strawberry.input(cls, name=name, description=description)


_REQUIRED = object()


def _fields(structure: type) -> list[tuple[str, Any]]:
    if dataclasses.is_dataclass(structure):
        result = []
        for f in dataclasses.fields(structure):
            if f.default is not dataclasses.MISSING:
                result.append((f.name, f.default))
            elif f.default_factory is not dataclasses.MISSING:
                result.append((f.name, f.default_factory()))
            else:
                result.append((f.name, _REQUIRED))
        return result
    info = msgspec.structs.fields(structure)
    return [
        (
            f.name,
            f.default
            if f.default is not msgspec.NODEFAULT
            else (f.default_factory() if f.default_factory is not msgspec.NODEFAULT else _REQUIRED),
        )
        for f in info
    ]


def _nullable(hint: Any) -> bool:
    return type(None) in typing.get_args(hint)


def _plain_default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    if value is msgspec.UNSET:
        return None
    if dataclasses.is_dataclass(value) or isinstance(value, msgspec.Struct):
        return None
    return value


def plain_input(value: Any) -> Any:
    """An input value as plain data for a command: input objects to dicts (fields left out,
    i.e. None, dropped), lists item by item."""
    if hasattr(value, "__strawberry_definition__"):
        return {
            k: plain_input(v)
            for k, v in vars(value).items()
            if v is not None and v is not strawberry.UNSET
        }
    if isinstance(value, list):
        return [plain_input(v) for v in value]
    return value


Resolver = Callable[..., Any]
