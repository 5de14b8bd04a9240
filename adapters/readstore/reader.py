"""Reading read models: SQL selects over the active (or a chosen) generation."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec
import psycopg
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool

from adapters.readstore.database import PostgresReadDatabase, Registry, SqliteReadDatabase
from adapters.readstore.sql import statements
from application.readmodels import Order
from projections.schema import Row, Table

_json_decode = msgspec.json.Decoder().decode
GENERATION_TTL = 2.0


class SqlReadStore:
    """The ReadStore port over PostgreSQL or SQLite."""

    def __init__(
        self, db: PostgresReadDatabase | SqliteReadDatabase, *, pool_size: int = 4
    ) -> None:
        self._db = db
        self._registry = Registry(db)
        self._generations: dict[str, tuple[int, float]] = {}
        self._local = threading.local()
        self._pool: ConnectionPool | None = None
        if isinstance(db, PostgresReadDatabase):
            self._pool = ConnectionPool(
                db.url,
                min_size=1,
                max_size=pool_size,
                name="containr-read",
                kwargs={"autocommit": True, "connect_timeout": 10},
                configure=lambda conn: set_json_loads(_json_decode, conn),
                open=True,
            )

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        if self._pool is not None:
            with self._pool.connection() as conn:
                yield conn
            return
        local: Any = getattr(self._local, "conn", None)
        if local is None:
            local = self._db.connect("read")
            self._local.conn = local
        yield local

    def close(self) -> None:
        """Release connections."""
        if self._pool is not None:
            self._pool.close()

    def generation(self, model: str) -> int:
        """The active generation of ``model`` (cached for a moment)."""
        cached = self._generations.get(model)
        if cached is not None and time.monotonic() - cached[1] < GENERATION_TTL:
            return cached[0]
        with self._connection() as conn:
            row = self._registry.active(conn, model)
        if row is None:
            raise LookupError(f"read model {model!r} has no active generation; run migrate")
        self._generations[model] = (row.generation, time.monotonic())
        return row.generation

    def positions(self) -> dict[str, int]:
        """Each model's active position."""
        with self._connection() as conn:
            return {r.model: r.position for r in self._registry.all(conn) if r.state == "active"}

    def select(
        self,
        model: str,
        table: Table,
        *,
        where: dict[str, object] | None = None,
        contains: tuple[str, str] | None = None,
        since: tuple[str, object] | None = None,
        until: tuple[str, object] | None = None,
        order_by: Sequence[str] = (),
        order: Order = "asc",
        after: Sequence[object] | None = None,
        limit: int | None = None,
        generation: int | None = None,
    ) -> list[Row]:
        """Rows of one table (see ReadStore.select)."""
        if generation is not None:
            return self._select(
                model,
                generation,
                table,
                where or {},
                contains,
                since,
                until,
                order_by,
                order,
                after,
                limit,
            )
        try:
            return self._select(
                model,
                self.generation(model),
                table,
                where or {},
                contains,
                since,
                until,
                order_by,
                order,
                after,
                limit,
            )
        except (psycopg.errors.UndefinedTable, sqlite3.OperationalError):
            # A rebuild swapped generations since we looked: look again, once.
            self._generations.pop(model, None)
            return self._select(
                model,
                self.generation(model),
                table,
                where or {},
                contains,
                since,
                until,
                order_by,
                order,
                after,
                limit,
            )

    def _select(
        self,
        model: str,
        generation: int,
        table: Table,
        where: dict[str, object],
        contains: tuple[str, str] | None,
        since: tuple[str, object] | None,
        until: tuple[str, object] | None,
        order_by: Sequence[str],
        order: Order,
        after: Sequence[object] | None,
        limit: int | None,
    ) -> list[Row]:
        dialect = self._db.dialect
        sql = statements(dialect, model, generation, table)
        converters = dict(sql.into)
        columns = {c.name for c in table.columns}
        p = dialect.placeholder
        clauses: list[str] = []
        params: dict[str, Any] = {}
        for i, (column, value) in enumerate(where.items()):
            _check(column, columns)
            if value is None:
                clauses.append(f'"{column}" IS NULL')
            elif isinstance(value, list | tuple | set | frozenset):
                members = []
                for j, item in enumerate(value):
                    members.append(p(f"w{i}_{j}"))
                    params[f"w{i}_{j}"] = converters[column](item)
                clauses.append(f'"{column}" IN ({", ".join(members)})' if members else "1 = 0")
            else:
                clauses.append(f'"{column}" = {p(f"w{i}")}')
                params[f"w{i}"] = converters[column](value)
        if contains is not None:
            _check(contains[0], columns)
            clauses.append(f'LOWER("{contains[0]}") LIKE {p("contains")}')
            escaped = (
                contains[1].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            )
            params["contains"] = f"%{escaped}%"
            clauses[-1] += " ESCAPE '\\'"
        for name, bound, op in (("since", since, ">="), ("until", until, "<=")):
            if bound is not None:
                _check(bound[0], columns)
                clauses.append(f'"{bound[0]}" {op} {p(name)}')
                params[name] = converters[bound[0]](bound[1])
        for column in order_by:
            _check(column, columns)
        if after is not None and order_by:
            keys = ", ".join(f'"{c}"' for c in order_by)
            cursor_marks = ", ".join(p(f"a{i}") for i in range(len(order_by)))
            clauses.append(f"({keys}) {'<' if order == 'desc' else '>'} ({cursor_marks})")
            for i, (column, value) in enumerate(zip(order_by, after, strict=True)):
                params[f"a{i}"] = converters[column](value)
        names = ", ".join(f'"{c.name}"' for c in sql.select_columns)
        text = f"SELECT {names} FROM {dialect.table(model, generation, table.name)}"
        if clauses:
            text += " WHERE " + " AND ".join(clauses)
        if order_by:
            direction = "DESC" if order == "desc" else "ASC"
            text += " ORDER BY " + ", ".join(f'"{c}" {direction}' for c in order_by)
        if limit is not None:
            text += f" LIMIT {int(limit)}"
        with self._connection() as conn:
            cursor = conn.cursor()
            cursor.execute(text, params)
            return [sql.row(values) for values in cursor.fetchall()]


def _check(column: str, columns: set[str]) -> None:
    if column not in columns:
        raise ValueError(f"no column {column!r}")
