"""Reading read models: SQL selects over the active (or a chosen) generation."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec
import psycopg
from psycopg.types.json import set_json_loads

from adapters.postgres import UNAVAILABLE, GuardedPool, storable_text
from adapters.readstore.database import PostgresReadDatabase, Registry, SqliteReadDatabase
from adapters.readstore.sql import TableStatements, statements
from application.errors import UnavailableError
from application.readmodels import InSelect, Order, Select
from projections.schema import Row, Table

_json_decode = msgspec.json.Decoder().decode
GENERATION_TTL = 2.0


def _configure(conn: Any) -> None:
    """A read connection: fast msgspec JSON, filters with any text (``storable_text``), and
    instants in UTC spelled so that psycopg gives them ``timezone.utc``, not a ZoneInfo
    (the server's default "Etc/UTC" is one: each instant's offset, and its ISO text in the
    API, is then looked up in the zone's rules, twice the time)."""
    set_json_loads(_json_decode, conn)
    storable_text(conn)
    conn.execute("SET TIME ZONE 'UTC'")


class SqlReadStore:
    """The ReadStore port over PostgreSQL or SQLite."""

    def __init__(
        self, db: PostgresReadDatabase | SqliteReadDatabase, *, pool_size: int = 4
    ) -> None:
        self._db = db
        self._registry = Registry(db)
        self._generations: dict[str, tuple[int, float]] = {}
        self._local = threading.local()
        self._pool: GuardedPool | None = None
        if isinstance(db, PostgresReadDatabase):
            # Queries answer within the API's deadlines; UnavailableError when the
            # database is away.
            self._pool = GuardedPool(
                db.url,
                limits=db.limits,
                min_size=1,
                max_size=pool_size,
                name="containr-read",
                kwargs={"autocommit": True, **db.limits.connection_kwargs()},
                configure=_configure,
                open=True,
            )

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        held: Any = getattr(self._local, "held", None)
        if held is not None:
            try:
                yield held
            except psycopg.OperationalError as e:
                # What the pool's own checkout would have said (a lost database, a timeout).
                assert self._pool is not None
                if held.broken:
                    self._pool.health.failed()
                raise UnavailableError(UNAVAILABLE) from e
            return
        if self._pool is not None:
            with self._pool.connection() as conn:
                yield conn
            return
        local: Any = getattr(self._local, "conn", None)
        if local is None:
            local = self._db.connect("read")
            self._local.conn = local
        yield local

    @contextmanager
    def one_connection(self) -> Iterator[None]:
        """The block's reads (in this thread) share one pooled connection, checked out once:
        a GraphQL request reads six times or more, and each checkout costs more CPU than a
        small query's own work. Autocommit: each statement still sees the latest commit."""
        if self._pool is None or getattr(self._local, "held", None) is not None:
            yield
            return
        with self._pool.connection() as conn:
            self._local.held = conn
            try:
                yield
            finally:
                self._local.held = None

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
        columns: Sequence[str] | None = None,
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
                columns,
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
                columns,
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
                columns,
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
        columns: Sequence[str] | None,
    ) -> list[Row]:
        text, params, sql, names = self._statement(
            model,
            generation,
            table,
            where,
            contains,
            since,
            until,
            order_by,
            order,
            after,
            limit,
            columns,
        )
        with self._connection() as conn:
            # PostgreSQL answers in binary (ids, instants and numbers decode without parsing
            # text); the statement is prepared after a few uses (one text per shape of the
            # query: lists of ids are one array parameter, whatever their length).
            cursor = conn.cursor(binary=True) if self._pool is not None else conn.cursor()
            cursor.execute(text, params)
            return sql.rows(cursor.fetchall(), names)

    def select_many(self, reads: Sequence[Select]) -> list[list[Row]]:
        """Rows of several reads (see ReadStore.select_many): on PostgreSQL sent together in
        one pipeline (one round trip), each read as ``select`` reads it."""
        if self._pool is None or len(reads) < 2:
            return [self._one(read) for read in reads]
        try:
            return self._pipelined(reads)
        except psycopg.errors.UndefinedTable:
            # A rebuild swapped generations since we looked: look again, once.
            for read in reads:
                self._generations.pop(read.model, None)
            return self._pipelined(reads)

    def _one(self, read: Select) -> list[Row]:
        return self.select(
            read.model,
            read.table,
            where=read.where,
            order_by=read.order_by,
            limit=read.limit,
            generation=read.generation,
            columns=read.columns,
        )

    def _pipelined(self, reads: Sequence[Select]) -> list[list[Row]]:
        built = [
            self._statement(
                read.model,
                self.generation(read.model) if read.generation is None else read.generation,
                read.table,
                read.where or {},
                None,
                None,
                None,
                read.order_by,
                "asc",
                None,
                read.limit,
                read.columns,
            )
            for read in reads
        ]
        with self._connection() as conn:
            cursors = []
            with conn.pipeline():
                for text, params, _, _ in built:
                    cursor = conn.cursor(binary=True)
                    cursor.execute(text, params)
                    cursors.append(cursor)
            return [
                sql.rows(cursor.fetchall(), names)
                for cursor, (_, _, sql, names) in zip(cursors, built, strict=True)
            ]

    def _statement(
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
        columns: Sequence[str] | None,
    ) -> tuple[str, dict[str, Any], TableStatements, tuple[str, ...]]:
        """A select's text and parameters, its table's statements and the columns it reads."""
        dialect = self._db.dialect
        sql = statements(dialect, model, generation, table)
        found = _Filter(dialect.placeholder, sql.converters, sql.arrays)
        for column, value in where.items():
            if isinstance(value, InSelect):
                found.check(column)
                inner = statements(dialect, model, generation, value.table)
                picked = _Filter(dialect.placeholder, inner.converters, inner.arrays, found.params)
                picked.check(value.column)
                for inner_column, inner_value in value.where.items():
                    picked.equal(inner_column, inner_value)
                source = dialect.table(model, generation, value.table.name)
                inner_where = " WHERE " + " AND ".join(picked.clauses) if picked.clauses else ""
                found.clauses.append(
                    f'"{column}" IN (SELECT "{value.column}" FROM {source}{inner_where})'
                )
            else:
                found.equal(column, value)
        if contains is not None:
            found.contains(*contains)
        if since is not None:
            found.bound(since[0], ">=", since[1])
        if until is not None:
            found.bound(until[0], "<=", until[1])
        for column in order_by:
            found.check(column)
        if after is not None and order_by:
            found.after(order_by, after, order)
        clauses, params = found.clauses, found.params
        names = sql.names if columns is None else sql.narrowed(columns)
        listed = ", ".join(f'"{name}"' for name in names)
        text = f"SELECT {listed} FROM {dialect.table(model, generation, table.name)}"
        if clauses:
            text += " WHERE " + " AND ".join(clauses)
        if order_by:
            direction = "DESC" if order == "desc" else "ASC"
            text += " ORDER BY " + ", ".join(f'"{c}" {direction}' for c in order_by)
        if limit is not None:
            text += f" LIMIT {int(limit)}"
        return text, params, sql, names


class _Filter:
    """WHERE clauses with their parameters, for one table's columns."""

    def __init__(
        self,
        placeholder: Callable[[str], str],
        converters: Mapping[str, Any],
        arrays: Mapping[str, str] | None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self._p = placeholder
        self._convert = converters
        self._arrays = arrays
        self.clauses: list[str] = []
        self.params: dict[str, Any] = {} if params is None else params
        """The statement's parameters (shared with a subquery's filter: names stay unique)."""

    def check(self, column: str) -> None:
        if column not in self._convert:
            raise ValueError(f"no column {column!r}")

    def _param(self, column: str, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = self._convert[column](value)
        return self._p(name)

    def equal(self, column: str, value: object) -> None:
        """Equality; None means IS NULL, a collection means IN."""
        self.check(column)
        if value is None:
            self.clauses.append(f'"{column}" IS NULL')
        elif isinstance(value, list | tuple | set | frozenset) and self._arrays is not None:
            # One array parameter: one statement text (prepared once) for any number of ids,
            # sent in binary (a text array escapes each member: five times the work).
            name = f"p{len(self.params)}"
            convert = self._convert[column]
            self.params[name] = [convert(item) for item in value]
            self.clauses.append(f'"{column}" = ANY(%({name})b::{self._arrays[column]})')
        elif isinstance(value, list | tuple | set | frozenset):
            members = [self._param(column, item) for item in value]
            self.clauses.append(f'"{column}" IN ({", ".join(members)})' if members else "1 = 0")
        else:
            self.clauses.append(f'"{column}" = {self._param(column, value)}')

    def contains(self, column: str, text: str) -> None:
        """A case-insensitive substring match."""
        self.check(column)
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        name = f"p{len(self.params)}"
        self.params[name] = f"%{escaped}%"
        self.clauses.append(f"LOWER(\"{column}\") LIKE {self._p(name)} ESCAPE '\\'")

    def bound(self, column: str, operator: str, value: object) -> None:
        """An inclusive bound."""
        self.check(column)
        self.clauses.append(f'"{column}" {operator} {self._param(column, value)}')

    def after(self, order_by: Sequence[str], values: Sequence[object], order: str) -> None:
        """Keyset pagination: rows after (or before, descending) a cursor."""
        keys = ", ".join(f'"{c}"' for c in order_by)
        marks = ", ".join(self._param(c, v) for c, v in zip(order_by, values, strict=True))
        self.clauses.append(f"({keys}) {'<' if order == 'desc' else '>'} ({marks})")
