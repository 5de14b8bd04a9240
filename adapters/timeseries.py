"""The time-series store of replica, service and node measurements, in PostgreSQL or SQLite.

Three tables of one shape: raw samples (``containr_metric_raw``, kept 24 h), 1-minute and
1-hour rollups (``containr_metric_minute`` / ``_hour``, kept 7 and 90 days). Rollups carry
count, total, minimum, maximum and 95th percentile per series and bucket. ``maintain``
rewrites whole buckets in chunks, each chunk and its progress mark (``containr_metric_rollups``)
in one transaction, so a run is idempotent and a crashed run is finished by the next. Raw
samples and minutes are dropped only once rolled up, even past their retention.

PostgreSQL takes samples with ``COPY`` and computes rollups in SQL; the embedded SQLite store
keeps times as epoch seconds and rolls up in Python.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from uuid import UUID

import psycopg

from adapters.clock import SystemClock
from adapters.postgres import GuardedPool
from application.errors import UnavailableError
from application.metrics import (
    HOUR,
    MINUTE,
    Partial,
    Resolution,
    aggregate,
    check_query,
    floor_to,
    hour_edge,
    minute_edge,
    resolution_for,
    roll_up,
    roll_up_partials,
)
from application.metrics_ports import (
    HOUR_RETENTION,
    MINUTE_RETENTION,
    RAW_RETENTION,
    Aggregation,
    LatestSample,
    MaintenanceReport,
    MetricsUnavailableError,
    ReplicaId,
    Sample,
)
from application.ports import Clock

_ROLLUP_COLUMNS = (
    "count {int} NOT NULL, total {real} NOT NULL, minimum {real} NOT NULL, "
    "maximum {real} NOT NULL, p95 {real} NOT NULL"
)


def _tables(time: str, uuid: str, real: str, int_: str) -> list[str]:
    key = f"metric text NOT NULL, service_id {uuid}, replica text NOT NULL, node text NOT NULL"
    rollup = _ROLLUP_COLUMNS.format(int=int_, real=real)
    statements = [
        f"CREATE TABLE IF NOT EXISTS containr_metric_raw (at {time} NOT NULL, {key}, value {real})",
        f"CREATE TABLE IF NOT EXISTS containr_metric_minute (at {time} NOT NULL, {key}, {rollup})",
        f"CREATE TABLE IF NOT EXISTS containr_metric_hour (at {time} NOT NULL, {key}, {rollup})",
        "CREATE TABLE IF NOT EXISTS containr_metric_rollups (resolution text PRIMARY KEY, "
        f"done_until {time} NOT NULL)",
    ]
    for table in ("raw", "minute", "hour"):
        name = f"containr_metric_{table}"
        statements += [
            f"CREATE INDEX IF NOT EXISTS {name}_service ON {name} (service_id, metric, at)",
            f"CREATE INDEX IF NOT EXISTS {name}_node ON {name} (node, metric, at)",
            f"CREATE INDEX IF NOT EXISTS {name}_at ON {name} (at)",
        ]
    return statements


TIMESERIES_SQL: Final = {
    "postgres": _tables("timestamptz", "uuid", "double precision", "integer"),
    "sqlite": _tables("REAL", "TEXT", "REAL", "INTEGER"),
}
_RAW_COLUMNS: Final = "at, metric, service_id, replica, node, value"
_KEY: Final = "metric, service_id, replica, node"
_TABLE: Final[dict[Resolution, str]] = {
    "raw": "containr_metric_raw",
    "minute": "containr_metric_minute",
    "hour": "containr_metric_hour",
}
_FINER: Final[dict[Resolution, Resolution]] = {"hour": "minute", "minute": "raw"}
_CHUNK: Final[dict[Resolution, timedelta]] = {"minute": HOUR, "hour": timedelta(days=1)}
_MAINTENANCE_LOCK: Final = 0x636D6574  # "cmet": one maintenance run at a time per database
MetricFilter = tuple[str, Any]
"""A WHERE clause on service or node, and its parameter."""


def _series_key(metric: str, service_id: object, replica: str, node: str) -> str:
    return f"{metric}|{service_id or ''}|{replica}|{node}"


def _rollup_row(p: Partial) -> tuple[Any, ...]:
    metric, service_id, replica, node = p.series.split("|", 3)
    return (
        _epoch(p.at),
        metric,
        service_id or None,
        replica,
        node,
        p.count,
        p.total,
        p.minimum,
        p.maximum,
        p.p95,
    )


def _plan(
    resolution: Resolution, since: datetime, until: datetime, marks: dict[str, datetime]
) -> Iterator[tuple[Resolution, datetime, datetime]]:
    """Which table covers which part of [since, until): the coarse table up to its progress
    mark, the next finer one from there."""
    cursor = since
    current: Resolution | None = resolution
    while current is not None and cursor < until:
        mark = marks.get(current) if current != "raw" else until
        if mark is not None and mark > cursor:
            end = min(mark, until)
            yield current, cursor, end
            cursor = end
        current = _FINER.get(current)


class _Reads:
    """What both stores answer the same way, given ``_partials`` and ``_marks``."""

    _clock: Clock

    def _partials(
        self, table: Resolution, where: MetricFilter, metric: str, since: datetime, until: datetime
    ) -> list[Partial]:
        raise NotImplementedError

    def _marks(self) -> dict[str, datetime]:
        raise NotImplementedError

    def _read(
        self,
        where: MetricFilter,
        metric: str,
        window: tuple[datetime, datetime],
        step: timedelta,
        aggregation: Aggregation,
    ) -> list[tuple[datetime, float]]:
        since, until = window
        check_query(since, until, step)
        resolution = resolution_for(since, step, self._clock.now())
        marks = self._marks() if resolution != "raw" else {}
        partials: list[Partial] = []
        for table, start, end in _plan(resolution, since, until, marks):
            partials += self._partials(table, where, metric, start, end)
        return aggregate(partials, step, aggregation)

    def series(
        self,
        service_id: UUID,
        metric: str,
        since: datetime,
        until: datetime,
        step: timedelta,
        aggregation: Aggregation,
    ) -> list[tuple[datetime, float]]:
        """A service's metric, one point per step that has samples, oldest first."""
        return self._read(
            ("service_id = {p}", self._id(service_id)), metric, (since, until), step, aggregation
        )

    def node_series(
        self,
        node: str,
        metric: str,
        since: datetime,
        until: datetime,
        step: timedelta,
        aggregation: Aggregation,
    ) -> list[tuple[datetime, float]]:
        """A node's metric (its own samples, not its containers'), as ``series``."""
        return self._read(
            ("service_id IS NULL AND node = {p}", node), metric, (since, until), step, aggregation
        )

    @staticmethod
    def _id(service_id: UUID) -> Any:
        return service_id


class PostgresTimeSeries(_Reads):
    """The store in the server setup's database (the event store's schema)."""

    def __init__(self, pool: GuardedPool, clock: Clock | None = None) -> None:
        self._pool = pool
        self._clock = clock or SystemClock()

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except (UnavailableError, psycopg.OperationalError) as e:
            raise MetricsUnavailableError("the metrics store does not answer") from e

    def record(self, samples: list[Sample]) -> None:
        """Store samples with one COPY."""
        if not samples:
            return
        with self._connection() as conn, conn.cursor() as cursor:
            copy_sql = f"COPY containr_metric_raw ({_RAW_COLUMNS}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                for s in samples:
                    copy.write_row((s.at, s.metric, s.service_id, s.replica, s.node, s.value))

    def _partials(
        self, table: Resolution, where: MetricFilter, metric: str, since: datetime, until: datetime
    ) -> list[Partial]:
        clause, param = where
        columns = (
            "metric, service_id, replica, node, at, 1, value, value, value, value"
            if table == "raw"
            else "metric, service_id, replica, node, at, count, total, minimum, maximum, p95"
        )
        query = (
            f"SELECT {columns} FROM {_TABLE[table]} WHERE {clause.format(p='%s')} "  # noqa: S608 - fixed names
            "AND metric = %s AND at >= %s AND at < %s"
            + (" AND value IS NOT NULL" if table == "raw" else "")
        )
        with self._connection() as conn:
            rows = conn.execute(query, (param, metric, since, until)).fetchall()
        return [
            Partial(_series_key(r[0], r[1], r[2], r[3]), r[4], r[5], r[6], r[7], r[8], r[9])
            for r in rows
        ]

    def _marks(self) -> dict[str, datetime]:
        with self._connection() as conn:
            rows = conn.execute("SELECT resolution, done_until FROM containr_metric_rollups")
            return {str(r[0]): r[1] for r in rows.fetchall()}

    def latest_per_replica(
        self, service_id: UUID, metric: str, window: timedelta, *, now: datetime | None = None
    ) -> dict[ReplicaId, float | None]:
        """Each replica's newest value within the window (None: unavailable)."""
        until = now or self._clock.now()
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT ON (replica) replica, value FROM containr_metric_raw "
                "WHERE service_id = %s AND metric = %s AND replica <> '' AND at > %s "
                "AND at <= %s ORDER BY replica, at DESC",
                (service_id, metric, until - window, until),
            ).fetchall()
        return {str(r[0]): (None if r[1] is None else float(r[1])) for r in rows}

    def latest(self, window: timedelta, *, now: datetime | None = None) -> list[LatestSample]:
        """The newest sample of every series measured within the window."""
        until = now or self._clock.now()
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT DISTINCT ON ({_KEY}) {_KEY}, at, value FROM containr_metric_raw "  # noqa: S608 - fixed names
                f"WHERE at > %s AND at <= %s ORDER BY {_KEY}, at DESC",
                (until - window, until),
            ).fetchall()
        return [
            LatestSample(metric=r[0], service_id=r[1], replica=r[2], node=r[3], at=r[4], value=r[5])
            for r in rows
        ]

    def maintain(self, now: datetime) -> MaintenanceReport:
        """Roll up what is complete, then drop what is past retention and rolled up."""
        with self._connection() as conn:
            locked = conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (_MAINTENANCE_LOCK,)
            ).fetchone()[0]
            if not locked:
                return MaintenanceReport(
                    minutes_rolled=0,
                    hours_rolled=0,
                    raw_dropped=0,
                    minutes_dropped=0,
                    hours_dropped=0,
                )
            try:
                return self._maintain(conn, now)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_MAINTENANCE_LOCK,))

    def _maintain(self, conn: Any, now: datetime) -> MaintenanceReport:
        minutes = self._roll(conn, "minute", minute_edge(now))
        hours = self._roll(conn, "hour", hour_edge(now))
        marks = {
            str(r[0]): r[1]
            for r in conn.execute(
                "SELECT resolution, done_until FROM containr_metric_rollups"
            ).fetchall()
        }
        dropped = []
        for table, keep, mark in (
            ("raw", RAW_RETENTION, marks.get("minute")),
            ("minute", MINUTE_RETENTION, marks.get("hour")),
            ("hour", HOUR_RETENTION, now),
        ):
            edge = now - keep if mark is None else min(now - keep, mark)
            if table != "hour" and mark is None:
                dropped.append(0)  # never rolled up: keep everything until it is
                continue
            with conn.transaction():
                self._pool.batch(conn)
                cursor = conn.execute(f"DELETE FROM {_TABLE[table]} WHERE at < %s", (edge,))  # type: ignore[index]  # noqa: S608 - fixed names
                dropped.append(int(cursor.rowcount))
        return MaintenanceReport(
            minutes_rolled=minutes,
            hours_rolled=hours,
            raw_dropped=dropped[0],
            minutes_dropped=dropped[1],
            hours_dropped=dropped[2],
        )

    def _roll(self, conn: Any, resolution: Resolution, edge: datetime) -> int:
        """Rewrite the buckets of ``resolution`` from its mark up to ``edge``, chunk by chunk."""
        source = _TABLE[_FINER[resolution]]
        target = _TABLE[resolution]
        width = "1 minute" if resolution == "minute" else "1 hour"
        values = (
            "count(*), sum(value), min(value), max(value), "
            "percentile_cont(0.95) WITHIN GROUP (ORDER BY value)"
            if resolution == "minute"
            else "sum(count), sum(total), min(minimum), max(maximum), "
            "percentile_cont(0.95) WITHIN GROUP (ORDER BY p95)"
        )
        filled = " AND value IS NOT NULL" if resolution == "minute" else ""
        row = conn.execute(
            "SELECT done_until FROM containr_metric_rollups WHERE resolution = %s", (resolution,)
        ).fetchone()
        start = row[0] if row else None
        if start is None:
            first = conn.execute(f"SELECT min(at) FROM {source}").fetchone()[0]  # noqa: S608 - fixed names
            if first is None:
                return 0
            start = floor_to(first, MINUTE if resolution == "minute" else HOUR)
        written = 0
        while start < edge:
            end = min(start + _CHUNK[resolution], edge)
            with conn.transaction():
                self._pool.batch(conn)
                conn.execute(f"DELETE FROM {target} WHERE at >= %s AND at < %s", (start, end))  # noqa: S608 - fixed names
                cursor = conn.execute(
                    f"INSERT INTO {target} (at, {_KEY}, count, total, minimum, maximum, p95) "  # noqa: S608 - fixed names
                    f"SELECT date_bin(%s::interval, at, TIMESTAMPTZ '1970-01-01 00:00:00+00'), "
                    f"{_KEY}, {values} FROM {source} WHERE at >= %s AND at < %s{filled} "
                    f"GROUP BY 1, {_KEY}",
                    (width, start, end),
                )
                written += int(cursor.rowcount)
                conn.execute(
                    "INSERT INTO containr_metric_rollups (resolution, done_until) VALUES (%s, %s) "
                    "ON CONFLICT (resolution) DO UPDATE SET done_until = excluded.done_until",
                    (resolution, end),
                )
            start = end
        return written


def _epoch(at: datetime) -> float:
    return at.timestamp()


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class SqliteTimeSeries(_Reads):
    """The store in the embedded database (times as epoch seconds)."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self._path = path
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(self._connect()) as conn, conn:
                yield conn
        except sqlite3.OperationalError as e:
            raise MetricsUnavailableError("the metrics store does not answer") from e

    @staticmethod
    def _id(service_id: UUID) -> Any:
        return str(service_id)

    def record(self, samples: list[Sample]) -> None:
        """Store samples in one transaction."""
        if not samples:
            return
        rows = [
            (
                _epoch(s.at),
                s.metric,
                None if s.service_id is None else str(s.service_id),
                s.replica,
                s.node,
                s.value,
            )
            for s in samples
        ]
        with self._lock, self._connection() as conn:
            conn.executemany(
                f"INSERT INTO containr_metric_raw ({_RAW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
                rows,
            )

    def _partials(
        self, table: Resolution, where: MetricFilter, metric: str, since: datetime, until: datetime
    ) -> list[Partial]:
        clause, param = where
        with self._connection() as conn:
            return self._rows(conn, table, clause.format(p="?"), (param, metric), since, until)

    def _rows(
        self,
        conn: sqlite3.Connection,
        table: Resolution,
        clause: str,
        params: Sequence[Any],
        since: datetime,
        until: datetime,
    ) -> list[Partial]:
        columns = (
            "metric, service_id, replica, node, at, 1, value, value, value, value"
            if table == "raw"
            else "metric, service_id, replica, node, at, count, total, minimum, maximum, p95"
        )
        metric = " AND metric = ?" if len(params) > 1 else ""
        query = (
            f"SELECT {columns} FROM {_TABLE[table]} WHERE {clause}{metric} "  # noqa: S608 - fixed names
            "AND at >= ? AND at < ?" + (" AND value IS NOT NULL" if table == "raw" else "")
        )
        rows = conn.execute(query, (*params, _epoch(since), _epoch(until))).fetchall()
        return [
            Partial(_series_key(r[0], r[1], r[2], r[3]), _at(r[4]), r[5], r[6], r[7], r[8], r[9])
            for r in rows
        ]

    def _marks(self) -> dict[str, datetime]:
        with self._connection() as conn:
            rows = conn.execute("SELECT resolution, done_until FROM containr_metric_rollups")
            return {str(r[0]): _at(r[1]) for r in rows.fetchall()}

    def latest_per_replica(
        self, service_id: UUID, metric: str, window: timedelta, *, now: datetime | None = None
    ) -> dict[ReplicaId, float | None]:
        """Each replica's newest value within the window (None: unavailable)."""
        until = now or self._clock.now()
        with self._connection() as conn:
            # SQLite takes the bare columns of a MAX() aggregate from the row holding the max.
            rows = conn.execute(
                "SELECT replica, value, MAX(at) FROM containr_metric_raw WHERE service_id = ? "
                "AND metric = ? AND replica <> '' AND at > ? AND at <= ? GROUP BY replica",
                (str(service_id), metric, _epoch(until - window), _epoch(until)),
            ).fetchall()
        return {str(r[0]): (None if r[1] is None else float(r[1])) for r in rows}

    def latest(self, window: timedelta, *, now: datetime | None = None) -> list[LatestSample]:
        """The newest sample of every series measured within the window."""
        until = now or self._clock.now()
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_KEY}, MAX(at), value FROM containr_metric_raw "  # noqa: S608 - fixed names
                f"WHERE at > ? AND at <= ? GROUP BY {_KEY}",
                (_epoch(until - window), _epoch(until)),
            ).fetchall()
        return [
            LatestSample(
                metric=r[0],
                service_id=None if r[1] is None else UUID(r[1]),
                replica=r[2],
                node=r[3],
                at=_at(r[4]),
                value=r[5],
            )
            for r in rows
        ]

    def maintain(self, now: datetime) -> MaintenanceReport:
        """Roll up what is complete, then drop what is past retention and rolled up."""
        with self._lock:
            minutes = self._roll("minute", minute_edge(now))
            hours = self._roll("hour", hour_edge(now))
            marks = self._marks()
            dropped = []
            with self._connection() as conn:
                for table, keep, mark in (
                    ("raw", RAW_RETENTION, marks.get("minute")),
                    ("minute", MINUTE_RETENTION, marks.get("hour")),
                    ("hour", HOUR_RETENTION, now),
                ):
                    if mark is None:
                        dropped.append(0)  # never rolled up: keep everything until it is
                        continue
                    edge = min(now - keep, mark)
                    cursor = conn.execute(
                        f"DELETE FROM {_TABLE[table]} WHERE at < ?",  # type: ignore[index]  # noqa: S608 - fixed names
                        (_epoch(edge),),
                    )
                    dropped.append(int(cursor.rowcount))
        return MaintenanceReport(
            minutes_rolled=minutes,
            hours_rolled=hours,
            raw_dropped=dropped[0],
            minutes_dropped=dropped[1],
            hours_dropped=dropped[2],
        )

    def _roll(self, resolution: Resolution, edge: datetime) -> int:
        source: Resolution = _FINER[resolution]
        width = MINUTE if resolution == "minute" else HOUR
        written = 0
        with self._connection() as conn:
            row = conn.execute(
                "SELECT done_until FROM containr_metric_rollups WHERE resolution = ?",
                (resolution,),
            ).fetchone()
            if row is not None:
                start = _at(row[0])
            else:
                first = conn.execute(f"SELECT min(at) FROM {_TABLE[source]}").fetchone()[0]  # noqa: S608 - fixed names
                if first is None:
                    return 0
                start = floor_to(_at(first), width)
        while start < edge:
            end = min(start + _CHUNK[resolution], edge)
            with self._connection() as conn:
                found = self._rows(conn, source, "1 = 1", (), start, end)
                if source == "raw":
                    rolled = roll_up(((p.series, p.at, p.total) for p in found), width)
                else:
                    rolled = roll_up_partials(found, width)
                conn.execute(
                    f"DELETE FROM {_TABLE[resolution]} WHERE at >= ? AND at < ?",  # noqa: S608 - fixed names
                    (_epoch(start), _epoch(end)),
                )
                conn.executemany(
                    f"INSERT INTO {_TABLE[resolution]} (at, {_KEY}, count, total, minimum, "  # noqa: S608 - fixed names
                    "maximum, p95) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_rollup_row(p) for p in rolled],
                )
                conn.execute(
                    "INSERT INTO containr_metric_rollups (resolution, done_until) VALUES (?, ?) "
                    "ON CONFLICT (resolution) DO UPDATE SET done_until = excluded.done_until",
                    (resolution, _epoch(end)),
                )
                written += len(rolled)
            start = end
        return written
