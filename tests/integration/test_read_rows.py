"""Rows read back from the read-model tables are the rows that were written, on PostgreSQL and
SQLite alike: every column type, filters on lists (one array parameter on PostgreSQL), and
row types whose fields need msgspec's conversion."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from adapters.readstore.database import open_read_database
from adapters.readstore.reader import SqlReadStore
from adapters.readstore.sql import statements
from application.errors import UnavailableError
from application.readmodels import UNREAD, InSelect, Select, typed
from application.settings import Settings
from projections.schema import Row, Table

MODEL = "rowcheck"


@dataclass(frozen=True)
class EveryColumnRow:
    """A row with a column of every type, nullable and not."""

    id: UUID
    parent_id: UUID | None
    name: str
    note: str | None
    count: int
    big: int
    ratio: float
    flag: bool
    maybe: bool | None
    at: datetime
    until: datetime | None
    doc: dict[str, Any]
    items: list[int]
    labels: dict[str, str] | None
    position: int = 0


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class ConvertedRow:
    """A row whose fields the store keeps as JSON and msgspec converts back."""

    id: UUID
    day: date
    colour: Colour
    ratios: list[float]
    position: int = 0


EVERY = Table("every_column", EveryColumnRow, ("id",), indexes=(("name",),), owner=None)
CONVERTED = Table("converted", ConvertedRow, ("id",), owner=None)


def _rows() -> list[EveryColumnRow]:
    at = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    first = EveryColumnRow(
        id=uuid.uuid4(),
        parent_id=None,
        name="alpha",
        note=None,
        count=0,
        big=2**53 + 1,
        ratio=0.25,
        flag=True,
        maybe=None,
        at=at,
        until=None,
        doc={"nested": {"list": [1, "two", None, True]}, "text": "ünïcödé ✓"},
        items=[],
        labels=None,
        position=7,
    )
    second = EveryColumnRow(
        id=uuid.uuid4(),
        parent_id=first.id,
        name="beta",
        note="a note",
        count=-3,
        big=-(2**40),
        ratio=-1.5,
        flag=False,
        maybe=False,
        at=at + timedelta(days=1),
        until=at + timedelta(days=30),
        doc={},
        items=[1, 2, 3],
        labels={"tier": "gold"},
        position=8,
    )
    return [first, second]


@pytest.fixture
def store(store_settings: Settings) -> Iterator[SqlReadStore]:
    """A read store over a generation of this test's tables, holding ``_rows()``."""
    yield from _store(store_settings)


@pytest.fixture
def pg_store(pg_settings: Settings) -> Iterator[SqlReadStore]:
    """The same on PostgreSQL only (its pool's connections)."""
    yield from _store(pg_settings)


def _store(settings: Settings) -> Iterator[SqlReadStore]:
    db = open_read_database(settings)
    conn = db.connect("test")
    try:
        cursor = conn.cursor()
        for table in (EVERY, CONVERTED):
            for ddl in db.dialect.ddl(MODEL, 1, table):
                cursor.execute(ddl)
        conn.commit()
    finally:
        conn.close()
    reader = SqlReadStore(db)
    yield reader
    reader.close()


def _write(store_settings: Settings, table: Table, rows: list[Row]) -> None:
    db = open_read_database(store_settings)
    sql = statements(db.dialect, MODEL, 1, table)
    conn = db.connect("test")
    try:
        conn.cursor().executemany(sql.upsert, [sql.params(r) for r in rows])
        conn.commit()
    finally:
        conn.close()


def _as_row(item: Any) -> Row:
    return dict(vars(item))


def test_a_row_of_every_column_type_reads_back_as_written(
    store: SqlReadStore, store_settings: Settings
) -> None:
    written = _rows()
    _write(store_settings, EVERY, [_as_row(r) for r in written])

    rows = store.select(MODEL, EVERY, order_by=("name",), generation=1)
    read = typed(rows, EveryColumnRow)

    assert read == written
    assert [type(r) for r in read] == [EveryColumnRow, EveryColumnRow]
    assert read[0].at.utcoffset() == timedelta(0)
    assert isinstance(read[0].flag, bool) and isinstance(read[1].maybe, bool)


def test_list_filters_read_the_rows_named_whatever_their_number(
    store: SqlReadStore, store_settings: Settings
) -> None:
    written = _rows()
    _write(store_settings, EVERY, [_as_row(r) for r in written])

    def names(**where: object) -> list[str]:
        rows = store.select(MODEL, EVERY, where=where, order_by=("name",), generation=1)
        return [r["name"] for r in rows]

    assert names(id=[written[1].id]) == ["beta"]
    assert names(id=[r.id for r in written]) == ["alpha", "beta"]
    assert names(id=(written[0].id, uuid.uuid4())) == ["alpha"]
    assert names(id=[]) == []
    assert names(name=["beta", "gamma"]) == ["beta"]
    assert names(name=["beta"], flag=False) == ["beta"]
    assert names(parent_id=None) == ["alpha"]
    assert names(parent_id=[written[0].id]) == ["beta"]


def test_a_row_type_whose_fields_need_converting_is_converted(
    store: SqlReadStore, store_settings: Settings
) -> None:
    written = ConvertedRow(
        id=uuid.uuid4(), day=date(2026, 2, 28), colour=Colour.BLUE, ratios=[1.0, 2.5], position=3
    )
    _write(
        store_settings,
        CONVERTED,
        [
            {
                "id": written.id,
                "day": "2026-02-28",
                "colour": "blue",
                "ratios": [1, 2.5],
                "position": 3,
            }
        ],
    )

    read = typed(store.select(MODEL, CONVERTED, generation=1), ConvertedRow)

    assert read == [written]
    assert isinstance(read[0].colour, Colour) and all(isinstance(r, float) for r in read[0].ratios)


def test_a_row_with_other_columns_than_its_type_is_refused_by_name() -> None:
    row = _as_row(_rows()[0])
    del row["name"]

    with pytest.raises(Exception, match="name"):
        typed([row], EveryColumnRow)


def test_a_narrowed_read_reads_the_key_and_the_columns_asked_the_others_unread(
    store: SqlReadStore, store_settings: Settings
) -> None:
    written = _rows()
    _write(store_settings, EVERY, [_as_row(r) for r in written])

    rows = store.select(MODEL, EVERY, order_by=("name",), columns=("at", "name"), generation=1)
    read = typed(rows, EveryColumnRow, narrowed=True)

    assert [list(r) for r in rows] == [["id", "name", "at"]] * 2  # the table's column order
    assert [(r.id, r.name, r.at) for r in read] == [(w.id, w.name, w.at) for w in written]
    assert read[0].at.tzinfo is UTC  # not a ZoneInfo: its offset and text cost twice as much
    # Never a value (nor the field's default) that could pass for the row's own.
    assert read[0].doc is UNREAD and read[0].count is UNREAD and read[0].position is UNREAD
    with pytest.raises(ValueError, match="no column 'nope'"):
        store.select(MODEL, EVERY, columns=("nope",), generation=1)


def test_reads_in_one_connection_block_check_out_one_connection(
    store: SqlReadStore, store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GraphQL query's reads share one pooled connection (a checkout costs more CPU than a
    small query), the rows are the same, and the connection goes back to the pool after."""
    written = _rows()
    _write(store_settings, EVERY, [_as_row(r) for r in written])
    pool = store._pool
    if pool is None:  # SQLite: one connection per thread anyway
        with store.one_connection():
            assert len(store.select(MODEL, EVERY, generation=1)) == 2
        return
    checkouts: list[float | None] = []
    getconn = pool.getconn

    def counted(timeout: float | None = None) -> Any:
        checkouts.append(timeout)
        return getconn(timeout)

    monkeypatch.setattr(pool, "getconn", counted)

    with store.one_connection():
        with store.one_connection():  # nested: still the one
            first = store.select(MODEL, EVERY, order_by=("name",), generation=1)
        second = store.select(MODEL, EVERY, where={"name": "beta"}, generation=1)
        store.positions()
    assert len(checkouts) == 1
    assert [r["id"] for r in first] == [w.id for w in written]
    assert [r["id"] for r in second] == [written[1].id]
    store.select(MODEL, EVERY, generation=1)
    assert len(checkouts) == 2  # after the block, a checkout per read again


def test_a_lost_connection_in_one_connection_block_is_unavailable(pg_store: SqlReadStore) -> None:
    """The held connection failing answers UNAVAILABLE, as a failed checkout would."""
    with pg_store.one_connection():
        pg_store._local.held.close()
        with pytest.raises(UnavailableError):
            pg_store.select(MODEL, EVERY, generation=1)
    assert pg_store.select(MODEL, EVERY, generation=1) == []  # the pool replaced it


def test_reads_together_are_each_what_it_reads_alone(
    store: SqlReadStore, store_settings: Settings
) -> None:
    written = _rows()
    _write(store_settings, EVERY, [_as_row(r) for r in written])
    reads = [
        Select(MODEL, EVERY, where={"id": [r.id for r in written]}, order_by=("name",)),
        Select(MODEL, EVERY, where={"name": "beta"}, columns=("at",)),
        Select(MODEL, EVERY, where={"id": []}),
        Select(MODEL, EVERY, order_by=("name",), limit=1, columns=("name", "flag")),
    ]
    together = store.select_many([replace(r, generation=1) for r in reads])

    assert together == [
        store.select(
            r.model,
            r.table,
            where=r.where,
            order_by=r.order_by,
            limit=r.limit,
            columns=r.columns,
            generation=1,
        )
        for r in reads
    ]
    assert [len(rows) for rows in together] == [2, 1, 0, 1]
    with pytest.raises(ValueError, match="no column 'nope'"):
        store.select_many(
            [replace(reads[0], generation=1), Select(MODEL, EVERY, columns=("nope",), generation=1)]
        )


def test_a_subquery_filter_reads_the_rows_another_tables_rows_name(
    store: SqlReadStore, store_settings: Settings
) -> None:
    """``InSelect``: rows whose column is among another table's column of the rows matching
    a filter (list filters included), in one statement, alone or beside other reads."""
    first, second = written = _rows()
    third = replace(second, id=uuid.uuid4(), parent_id=second.id, name="gamma")
    _write(store_settings, EVERY, [_as_row(r) for r in (*written, third)])
    parents_of = InSelect(EVERY, "parent_id", {"name": ["beta", "gamma"]})
    alone = store.select(MODEL, EVERY, where={"id": parents_of}, order_by=("name",), generation=1)
    assert [r["id"] for r in alone] == [first.id, second.id]
    narrowed = store.select(
        MODEL, EVERY, where={"id": parents_of, "flag": True}, columns=("name",), generation=1
    )
    assert [(r["id"], r["name"]) for r in narrowed] == [(first.id, "alpha")]
    none = InSelect(EVERY, "parent_id", {"name": "alpha"})  # alpha has no parent: NULL
    together = store.select_many(
        [
            Select(MODEL, EVERY, where={"name": ["beta", "gamma"]}, generation=1),
            Select(MODEL, EVERY, where={"id": parents_of}, order_by=("name",), generation=1),
            Select(MODEL, EVERY, where={"id": none}, generation=1),
        ]
    )
    assert [len(rows) for rows in together] == [2, 2, 0]
    assert together[1] == alone
    with pytest.raises(ValueError, match="no column 'nope'"):
        store.select(MODEL, EVERY, where={"id": InSelect(EVERY, "nope", {})}, generation=1)
