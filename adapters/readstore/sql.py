"""One SQL generator for both databases: table DDL, upserts, deletes and value conversion."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from projections.schema import Column, ColumnType, Row, Table

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode

Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _sqlite_uuid_out(value: Any) -> Any:
    return None if value is None else UUID(value)


def _sqlite_time_out(value: Any) -> Any:
    return None if value is None else datetime.fromisoformat(value)


def _sqlite_bool_out(value: Any) -> Any:
    return None if value is None else bool(value)


def _json_in(value: Any) -> Any:
    return None if value is None else _encode(value).decode()


def _json_out(value: Any) -> Any:
    return None if value is None else _decode(value)


def _uuid_in(value: Any) -> Any:
    return None if value is None else str(value)


def _time_in(value: Any) -> Any:
    return None if value is None else value.isoformat()


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per database
class Dialect:
    """What differs between PostgreSQL and SQLite for read-model tables."""

    name: str
    schema: str | None
    types: dict[ColumnType, str]
    into_db: Mapping[ColumnType, Converter]
    out_of_db: Mapping[ColumnType, Converter]
    placeholder: Callable[[str], str]
    arrays: bool = False
    """Whether a list filter is one array parameter (``= ANY(%s)``) rather than ``IN (…)``."""

    def table(self, model: str, generation: int, table: str) -> str:
        """The quoted, qualified name of one generation's table."""
        name = f'"{model}_g{generation}_{table}"'
        return f'"{self.schema}".{name}' if self.schema else name

    def qualified(self, name: str) -> str:
        """A quoted name in the read-model schema."""
        return f'"{self.schema}"."{name}"' if self.schema else f'"{name}"'

    def ddl(self, model: str, generation: int, table: Table) -> list[str]:
        """CREATE statements for one table of one generation (idempotent)."""
        name = self.table(model, generation, table.name)
        columns = ", ".join(
            f'"{c.name}" {self.types[c.type]}{"" if c.nullable else " NOT NULL"}'
            for c in table.columns
        )
        key = ", ".join(f'"{k}"' for k in table.key)
        statements = [f"CREATE TABLE IF NOT EXISTS {name} ({columns}, PRIMARY KEY ({key}))"]
        for i, index in enumerate(table.indexes):
            index_name = f'"{model}_g{generation}_{table.name}_i{i}"'
            cols = ", ".join(f'"{c}"' for c in index)
            statements.append(f"CREATE INDEX IF NOT EXISTS {index_name} ON {name} ({cols})")
        return statements

    def drop(self, model: str, generation: int, table: Table) -> str:
        """DROP statement for one table of one generation."""
        return f"DROP TABLE IF EXISTS {self.table(model, generation, table.name)}"


POSTGRES_TYPES = {
    ColumnType.UUID: "uuid",
    ColumnType.TEXT: "text",
    ColumnType.INT: "bigint",
    ColumnType.FLOAT: "double precision",
    ColumnType.BOOL: "boolean",
    ColumnType.TIMESTAMP: "timestamptz",
    # json, not jsonb: documents are stored and returned whole, never queried inside, and
    # json ingests without building the binary form (a third faster on rebuilds).
    ColumnType.JSON: "json",
}
SQLITE_TYPES = {
    ColumnType.UUID: "TEXT",
    ColumnType.TEXT: "TEXT",
    ColumnType.INT: "INTEGER",
    ColumnType.FLOAT: "REAL",
    ColumnType.BOOL: "INTEGER",
    ColumnType.TIMESTAMP: "TEXT",
    ColumnType.JSON: "TEXT",
}


def postgres_dialect(schema: str, json_in: Converter) -> Dialect:
    """PostgreSQL: native uuid, timestamptz and jsonb (``json_in`` wraps values as Jsonb)."""
    identity: dict[ColumnType, Converter] = dict.fromkeys(ColumnType, _identity)
    into = identity | {ColumnType.JSON: json_in}
    return Dialect(
        "postgres",
        schema,
        POSTGRES_TYPES,
        into,
        dict.fromkeys(ColumnType, _identity),
        lambda name: f"%({name})s",
        arrays=True,
    )


def sqlite_dialect() -> Dialect:
    """SQLite: ids, times and JSON as text, booleans as integers."""
    identity: dict[ColumnType, Converter] = dict.fromkeys(ColumnType, _identity)
    into = identity | {
        ColumnType.UUID: _uuid_in,
        ColumnType.TIMESTAMP: _time_in,
        ColumnType.JSON: _json_in,
    }
    out = identity | {
        ColumnType.UUID: _sqlite_uuid_out,
        ColumnType.TIMESTAMP: _sqlite_time_out,
        ColumnType.JSON: _json_out,
        ColumnType.BOOL: _sqlite_bool_out,
    }
    return Dialect("sqlite", None, SQLITE_TYPES, into, out, lambda name: f":{name}")


@dataclass(frozen=True)
class TableStatements:
    """Prepared SQL and converters for one table of one generation."""

    table: Table
    target: str
    column_list: str
    on_conflict: str
    upsert: str
    delete: str
    select_key: str
    select_columns: tuple[Column, ...]
    into: tuple[tuple[str, Converter], ...]
    out: tuple[tuple[str, Converter], ...]
    names: tuple[str, ...]
    converted: tuple[tuple[str, Converter], ...]
    ordered: tuple[tuple[str, Converter | None], ...]
    column_types: tuple[str, ...]
    read_converted: tuple[tuple[str, Converter], ...]
    converters: Mapping[str, Converter]
    """Each column's conversion into the database's representation."""
    arrays: Mapping[str, str] | None
    """Each column's array type, where list filters are array parameters (PostgreSQL)."""

    def params(self, row: Row) -> dict[str, Any]:
        """A row's values in the database's representation."""
        params = {name: row.get(name) for name in self.names}
        for name, convert in self.converted:
            params[name] = convert(params[name])
        return params

    def values(self, row: Row) -> tuple[Any, ...]:
        """A row's values in the database's representation, in column order."""
        return tuple(
            convert(row.get(name)) if convert is not None else row.get(name)
            for name, convert in self.ordered
        )

    def key_params(self, key: Sequence[object]) -> dict[str, Any]:
        """A key's values in the database's representation."""
        converters = dict(self.into)
        return {k: converters[k](v) for k, v in zip(self.table.key, key, strict=True)}

    def rows(
        self, found: Sequence[Sequence[Any]], names: tuple[str, ...] | None = None
    ) -> list[Row]:
        """Rows read from the database, in Python's representation (of the columns
        ``names``, by default every column)."""
        if names is None or names == self.names:
            if self.read_converted:
                return [self.row(values) for values in found]
            names = self.names
            return [dict(zip(names, values, strict=True)) for values in found]
        converted = [(n, c) for n, c in self.read_converted if n in names]
        rows = [dict(zip(names, values, strict=True)) for values in found]
        for row in rows:
            for name, convert in converted:
                row[name] = convert(row[name])
        return rows

    def narrowed(self, columns: Sequence[str]) -> tuple[str, ...]:
        """The key, then ``columns``, in the table's column order (ValueError for a name that
        is not a column)."""
        wanted = {*self.table.key, *columns}
        unknown = wanted.difference(self.names)
        if unknown:
            raise ValueError(f"no column {sorted(unknown)[0]!r}")
        return tuple(name for name in self.names if name in wanted)

    def row(self, values: Sequence[Any]) -> Row:
        """A row read from the database, in Python's representation."""
        row = dict(zip(self.names, values, strict=True))
        for name, convert in self.read_converted:
            row[name] = convert(row[name])
        return row


@functools.lru_cache(maxsize=1024)
def statements(dialect: Dialect, model: str, generation: int, table: Table) -> TableStatements:
    """The SQL for one table of one generation (built once, then cached)."""
    name = dialect.table(model, generation, table.name)
    cols = table.columns
    p = dialect.placeholder
    names = ", ".join(f'"{c.name}"' for c in cols)
    values = ", ".join(p(c.name) for c in cols)
    key = ", ".join(f'"{k}"' for k in table.key)
    updates = ", ".join(
        f'"{c.name}" = excluded."{c.name}"' for c in cols if c.name not in table.key
    )
    where = " AND ".join(f'"{k}" = {p(k)}' for k in table.key)
    on_conflict = f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    return TableStatements(
        table=table,
        target=name,
        column_list=names,
        on_conflict=on_conflict,
        upsert=f"INSERT INTO {name} ({names}) VALUES ({values}) {on_conflict}",
        delete=f"DELETE FROM {name} WHERE {where}",
        select_key=f"SELECT {names} FROM {name} WHERE {where}",
        select_columns=cols,
        into=tuple((c.name, dialect.into_db[c.type]) for c in cols),
        out=tuple((c.name, dialect.out_of_db[c.type]) for c in cols),
        names=tuple(c.name for c in cols),
        converted=tuple(
            (c.name, dialect.into_db[c.type])
            for c in cols
            if dialect.into_db[c.type] is not _identity
        ),
        ordered=tuple(
            (c.name, None if dialect.into_db[c.type] is _identity else dialect.into_db[c.type])
            for c in cols
        ),
        column_types=tuple(dialect.types[c.type] for c in cols),
        read_converted=tuple(
            (c.name, dialect.out_of_db[c.type])
            for c in cols
            if dialect.out_of_db[c.type] is not _identity
        ),
        converters={c.name: dialect.into_db[c.type] for c in cols},
        arrays={c.name: f"{dialect.types[c.type]}[]" for c in cols} if dialect.arrays else None,
    )
