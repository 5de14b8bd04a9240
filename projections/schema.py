"""How read models describe their tables: typed rows, keys, and what a change announces."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import types
import typing
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Union
from uuid import UUID

import msgspec

Row = dict[str, Any]
"""A read-model row: column name to value (UUID, str, int, float, bool, datetime, JSON)."""


class ColumnType(Enum):
    """The storage type of a column, mapped to each database by the adapters."""

    UUID = "uuid"
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TIMESTAMP = "timestamp"
    JSON = "json"


@dataclass(frozen=True)
class Column:
    """One column of a read-model table."""

    name: str
    type: ColumnType
    nullable: bool


@dataclass(frozen=True)
class Owner:
    """Whose rows a table holds, as the read gate sees them.

    ``organization``: the row names its organisation in ``column``. ``via``: ``column`` names a
    row of ``parent`` (a table that names its organisation), whose organisation it shares.
    (``parent_model`` is the read model that holds ``parent``.)
    ``user``: the row belongs to the user named in ``column`` and only that user reads it.
    ``peer``: the row is a user (``column`` is the user id), read by that user and by the
    members of the organisations they share. ``permission`` is what reading a row needs
    ("read", or "manage" for rows only admins see).
    """

    kind: typing.Literal["organization", "via", "user", "peer"] = "organization"
    column: str = "organization_id"
    parent: Table | None = None
    parent_model: str = "dashboard"
    permission: typing.Literal["read", "manage"] = "read"


ORGANIZATION = Owner()


@dataclass(frozen=True)
class Table:
    """A read-model table whose columns come from a row dataclass.

    Every table also has a ``position`` column: the log position of the last event that
    changed the row (its version). Each changed row announces a change notice
    ``(model, kind, row[column], position)`` for every ``(kind, column)`` in ``notices``:
    an entity and, usually, its parent (a service change also announces its project), so
    whoever watches a parent hears about changes to its children.
    """

    name: str
    row: type
    key: tuple[str, ...]
    notices: tuple[tuple[str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    append_only: bool = False
    """Rows are only ever inserted, once each (an audit log): no upsert is needed."""
    owner: Owner | None = ORGANIZATION
    """Whose rows these are (the read gate checks every row against it); None: rows only
    Containr's own processes read, never a caller."""

    def __post_init__(self) -> None:
        owner = self.owner
        if owner is None:
            return
        names = {c.name for c in _columns(self.row)}
        if owner.column not in names:
            raise TypeError(
                f"table {self.name}: its owner column {owner.column!r} is not a column "
                "(declare who owns its rows: Table(..., owner=Owner(...)))"
            )
        if (owner.kind == "via") != (owner.parent is not None):
            raise TypeError(f"table {self.name}: an owner 'via' a parent needs the parent table")

    @functools.cached_property
    def columns(self) -> tuple[Column, ...]:
        """The row's fields as typed columns, then ``position`` (unless the row has one)."""
        columns = _columns(self.row)
        if any(c.name == "position" for c in columns):
            return columns
        return (*columns, Column("position", ColumnType.INT, False))


_TYPES: dict[object, ColumnType] = {
    UUID: ColumnType.UUID,
    str: ColumnType.TEXT,
    int: ColumnType.INT,
    float: ColumnType.FLOAT,
    bool: ColumnType.BOOL,
    datetime: ColumnType.TIMESTAMP,
}


def _columns(row: type) -> tuple[Column, ...]:
    hints = typing.get_type_hints(row)
    columns = []
    for field in dataclasses.fields(row):
        hint = hints[field.name]
        nullable = False
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            nullable = len(args) < len(typing.get_args(hint))
            hint = args[0] if len(args) == 1 else Any
        base = typing.get_origin(hint) or hint
        column_type = _TYPES.get(base, ColumnType.JSON)
        columns.append(Column(field.name, column_type, nullable))
    return tuple(columns)


def shape_of(tables: tuple[Table, ...]) -> str:
    """A digest of the tables' names, columns, keys and indexes; changes force a rebuild."""
    text = repr(
        [
            (t.name, [(c.name, c.type.value, c.nullable) for c in t.columns], t.key, t.indexes)
            for t in tables
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plain(value: Any) -> Any:
    """A JSON-ready copy of a value: dataclasses to dicts, enums to values, ids to strings."""
    return msgspec.to_builtins(value)
