"""The RowStore a projection writes to: a row cache in front of SQL, flushed once per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any
from uuid import UUID

from adapters.readstore.sql import Dialect, TableStatements, statements
from application.changes import Change
from projections.schema import Row, Table

_ABSENT = object()  # cached knowledge that a row does not exist
BULK_THRESHOLD = 64  # from this many rows of a table in one flush, use the bulk path
BulkUpsert = Callable[[Any, TableStatements, list[Row], bool], None]
"""Writes many rows of a table at once; with True, rows the table certainly does not hold."""
Slot = tuple[str, tuple[Any, ...]]
"""A row's place: its table's name and its key, with ids as integers (``_hashable``)."""


class BatchRowStore:
    """Rows of one generation of a read model, seen through a write-behind cache.

    Only the projection's leader writes these tables, so rows it has read or written stay
    valid in the cache across batches. Writes are buffered (several events touching one
    row become one upsert) and flushed in the batch's transaction: with executemany, or,
    from ``BULK_THRESHOLD`` rows of a table, through ``bulk`` (PostgreSQL's binary COPY;
    straight into the table for rows it certainly lacks).
    """

    def __init__(
        self,
        dialect: Dialect,
        model: str,
        generation: int,
        tables: tuple[Table, ...],
        *,
        cache_size: int = 20_000,
        empty: bool = False,
        bulk: BulkUpsert | None = None,
        announce: bool = True,
    ) -> None:
        self.model = model
        self.generation = generation
        self._sql = {t.name: statements(dialect, model, generation, t) for t in tables}
        self._keys = {t.name: _key_of(t.key) for t in tables}
        self._key_columns = {t.name: frozenset(t.key) for t in tables}
        self._cache: dict[Slot, Any] = {}
        self._dirty: dict[Slot, Row | None] = {}
        self._deleted: dict[Slot, Row] = {}
        self._cache_size = cache_size
        self._conn: Any = None
        self._bulk = bulk
        self._announce = announce
        self.position = 0
        # For a generation that started empty, remember which keys may exist in a Bloom
        # filter of fixed size: a key it has never seen is a row that is not there, so a
        # rebuild never asks the database about rows it has not written, and memory stays
        # flat however long the log (a false positive only costs one query).
        self._existing: KeyFilter | None = KeyFilter() if empty else None

    def bind(self, conn: Any) -> None:
        """Use this connection (in its open transaction) for reads and the flush."""
        self._conn = conn

    @property
    def connection(self) -> Any:
        """The bound connection."""
        return self._conn

    def get(self, table: Table, *key: object) -> Row | None:
        """The current row, from the batch, the cache, or the database."""
        first = key[0]
        if len(key) == 1 and first.__class__ is UUID:  # the usual key, without a call
            return self._get(table, (table.name, (first.int,)), key)
        return self._get(table, (table.name, _hashable(key)), key)

    def _get(self, table: Table, slot: Slot, key: tuple[object, ...]) -> Row | None:
        if slot in self._dirty:
            return self._dirty[slot]
        cached = self._cache.get(slot)
        if cached is None:
            if self._existing is not None and slot not in self._existing:
                return None
            cached = self._load(self._sql[table.name], key)
            self._cache[slot] = cached
        return None if cached is _ABSENT else cached

    def put(self, table: Table, row: Row) -> None:
        """Insert or replace a row (its position becomes the current event's)."""
        row["position"] = self.position
        slot = (table.name, self._keys[table.name](row))
        self._dirty[slot] = row
        if not table.append_only:  # written once, never read back: not cached
            self._cache[slot] = row

    def update(self, table: Table, key: tuple[object, ...], **changes: object) -> Row | None:
        """Merge changes into an existing row."""
        first = key[0]
        if len(key) == 1 and first.__class__ is UUID:
            slot = (table.name, (first.int,))
        else:
            slot = (table.name, _hashable(key))
        row = self._get(table, slot, key)
        if row is None:
            return None
        updated = {**row, **changes}
        if not self._key_columns[table.name].isdisjoint(changes):
            self.put(table, updated)  # a new key: a new slot
            return updated
        updated["position"] = self.position
        self._dirty[slot] = updated
        if not table.append_only:
            self._cache[slot] = updated
        return updated

    def delete(self, table: Table, *key: object) -> None:
        """Remove a row (remembering it, to announce the change)."""
        slot = (table.name, _hashable(key))
        old = self.get(table, *key)
        if old is None:
            return
        self._deleted[slot] = old
        self._dirty[slot] = None
        self._cache[slot] = _ABSENT

    def flush(self) -> list[Change]:
        """Write every buffered change in the bound transaction; returns what changed (nothing
        when the store does not ``announce``: a generation being built has no watchers)."""
        upserts: dict[str, list[Row]] = defaultdict(list)
        inserts: dict[str, list[Row]] = defaultdict(list)
        deletes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        existing = self._existing
        notices: dict[tuple[str, Any], None] = {}  # (kind, entity id), once each, in order
        for slot, row in self._dirty.items():
            table_name = slot[0]
            sql = self._sql[table_name]
            if row is not None:
                # A key the filter has never seen is certainly not in the database: COPY the
                # row straight in. (Remembered here, once per row and batch, not per put.)
                if existing is not None and not sql.table.append_only and existing.add(slot):
                    inserts[table_name].append(row)
                else:
                    upserts[table_name].append(row)
                announced: Row | None = row
            else:  # a deleted row holds its key's own values
                announced = self._deleted.get(slot)
                if announced is not None:
                    deletes[table_name].append(
                        sql.key_params([announced[k] for k in sql.table.key])
                    )
            if self._announce and announced is not None:
                for kind, column in sql.table.notices:
                    entity_id = announced.get(column)
                    if entity_id is not None:
                        notices[(kind, entity_id)] = None
        self._write(upserts, inserts, deletes)
        self._dirty.clear()
        self._deleted.clear()
        if len(self._cache) > self._cache_size:
            for slot in list(self._cache)[: len(self._cache) // 2]:
                del self._cache[slot]
        return [Change(kind, str(entity_id), self.position) for kind, entity_id in notices]

    def _write(
        self,
        upserts: dict[str, list[Row]],
        inserts: dict[str, list[Row]],
        deletes: dict[str, list[dict[str, Any]]],
    ) -> None:
        for table_name, rows in inserts.items():
            if self._bulk is not None and len(rows) >= BULK_THRESHOLD:
                self._bulk(self._conn, self._sql[table_name], rows, True)
            else:
                upserts[table_name].extend(rows)
        cursor = self._conn.cursor()
        for table_name, rows in upserts.items():
            if self._bulk is not None and len(rows) >= BULK_THRESHOLD:
                self._bulk(self._conn, self._sql[table_name], rows, False)
            else:
                cursor.executemany(
                    self._sql[table_name].upsert, [self._sql[table_name].params(r) for r in rows]
                )
        for table_name, keys in deletes.items():
            cursor.executemany(self._sql[table_name].delete, keys)

    def discard(self) -> None:
        """Forget buffered changes and everything cached (after a failed batch)."""
        self._dirty.clear()
        self._deleted.clear()
        self._cache.clear()
        self._existing = None  # the keys may include rows that were never committed

    def _load(self, sql: TableStatements, key: tuple[Any, ...]) -> Any:
        cursor = self._conn.cursor()
        cursor.execute(sql.select_key, sql.key_params(key))
        found = cursor.fetchone()
        return _ABSENT if found is None else sql.row(found)


def _hashable(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A key with its UUIDs as their integers: the same equality, but hashed and compared in
    C (UUID's own ``__hash__`` and ``__eq__`` are Python, and a rebuild hashes keys millions of
    times). A column holds one type, so an id never meets an integer of another column."""
    if len(key) == 1:
        value = key[0]
        return (value.int,) if value.__class__ is UUID else key
    if len(key) == 2:
        a, b = key
        return (a.int if a.__class__ is UUID else a, b.int if b.__class__ is UUID else b)
    return tuple([v.int if v.__class__ is UUID else v for v in key])


def _key_of(columns: tuple[str, ...]) -> Callable[[Row], tuple[Any, ...]]:
    """The hashable key of a row of a table keyed by ``columns``."""
    if len(columns) == 1:
        (column,) = columns

        def single(row: Row) -> tuple[Any, ...]:
            value = row[column]
            return (value.int,) if value.__class__ is UUID else (value,)

        return single
    if len(columns) == 2:
        one, two = columns

        def pair(row: Row) -> tuple[Any, ...]:
            a, b = row[one], row[two]
            return (a.int if a.__class__ is UUID else a, b.int if b.__class__ is UUID else b)

        return pair
    return lambda row: _hashable(tuple([row[c] for c in columns]))


class KeyFilter:
    """A Bloom filter over row keys: "maybe present" or "certainly absent"."""

    BITS = 1 << 24  # 2 MiB: under 1% false positives up to about 1.5 million keys

    def __init__(self) -> None:
        self._bits = bytearray(self.BITS // 8)

    def _positions(self, slot: object) -> tuple[int, int, int]:
        h = hash(slot)
        mask = self.BITS - 1
        return h & mask, (h >> 24) & mask, (h * 0x9E3779B1 >> 16) & mask

    def add(self, slot: object) -> bool:
        """Remember a key; True if it was certainly absent until now."""
        a, b, c = self._positions(slot)
        bits = self._bits
        if (
            bits[a >> 3] & (1 << (a & 7))
            and bits[b >> 3] & (1 << (b & 7))
            and bits[c >> 3] & (1 << (c & 7))
        ):
            return False
        bits[a >> 3] |= 1 << (a & 7)
        bits[b >> 3] |= 1 << (b & 7)
        bits[c >> 3] |= 1 << (c & 7)
        return True

    def __contains__(self, slot: object) -> bool:
        return all(self._bits[bit >> 3] & (1 << (bit & 7)) for bit in self._positions(slot))
