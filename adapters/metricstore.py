"""Node measurements in PostgreSQL or SQLite: a narrow table, indexed by node and time."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from adapters.postgres import GuardedPool
from application.hypervisor_ports import NodeSample

METRICS_SQL = {
    "postgres": [
        "CREATE TABLE IF NOT EXISTS containr_node_metrics (cluster_id text NOT NULL, "
        "node text NOT NULL, at timestamptz NOT NULL, online boolean NOT NULL, "
        "cpu double precision NOT NULL, mem_used bigint NOT NULL, mem_total bigint NOT NULL, "
        "disk_used double precision NOT NULL, disk_total double precision NOT NULL)",
        "CREATE INDEX IF NOT EXISTS containr_node_metrics_node "
        "ON containr_node_metrics (cluster_id, node, at)",
    ],
    "sqlite": [
        "CREATE TABLE IF NOT EXISTS containr_node_metrics (cluster_id TEXT NOT NULL, "
        "node TEXT NOT NULL, at TEXT NOT NULL, online INTEGER NOT NULL, cpu REAL NOT NULL, "
        "mem_used INTEGER NOT NULL, mem_total INTEGER NOT NULL, disk_used REAL NOT NULL, "
        "disk_total REAL NOT NULL)",
        "CREATE INDEX IF NOT EXISTS containr_node_metrics_node "
        "ON containr_node_metrics (cluster_id, node, at)",
    ],
}
_COLUMNS = "cluster_id, node, at, online, cpu, mem_used, mem_total, disk_used, disk_total"
_LATEST = (
    f"SELECT {_COLUMNS} FROM containr_node_metrics m WHERE cluster_id = {{0}} AND at = "  # noqa: S608 - fixed names
    "(SELECT MAX(at) FROM containr_node_metrics n WHERE n.cluster_id = m.cluster_id "
    "AND n.node = m.node) ORDER BY node"
)


def _row(sample: NodeSample, at: Any) -> tuple[Any, ...]:
    return (
        sample.cluster_id,
        sample.node,
        at,
        sample.online,
        sample.cpu_fraction,
        sample.memory_used_mb,
        sample.memory_total_mb,
        sample.disk_used_gb,
        sample.disk_total_gb,
    )


def _sample(row: Any, at: datetime) -> NodeSample:
    return NodeSample(
        cluster_id=row[0],
        node=row[1],
        at=at,
        online=bool(row[3]),
        cpu_fraction=float(row[4]),
        memory_used_mb=int(row[5]),
        memory_total_mb=int(row[6]),
        disk_used_gb=float(row[7]),
        disk_total_gb=float(row[8]),
    )


class PostgresMetricStore:
    """Measurements in ``containr_node_metrics``."""

    def __init__(self, pool: GuardedPool) -> None:
        self._pool = pool

    def record(self, samples: list[NodeSample]) -> None:
        """Store measurements."""
        if not samples:
            return
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO containr_node_metrics ({_COLUMNS}) "  # noqa: S608 - fixed names
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [_row(s, s.at) for s in samples],
            )

    def latest(self, cluster_id: str) -> list[NodeSample]:
        """Each node's newest measurement."""
        with self._pool.connection() as conn:
            rows = conn.execute(_LATEST.format("%s"), (cluster_id,)).fetchall()
        return [_sample(r, r[2]) for r in rows]

    def series(
        self, cluster_id: str, node: str, since: datetime, until: datetime
    ) -> list[NodeSample]:
        """A node's measurements in a time range, oldest first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM containr_node_metrics WHERE cluster_id = %s "  # noqa: S608 - fixed names
                "AND node = %s AND at >= %s AND at <= %s ORDER BY at",
                (cluster_id, node, since, until),
            ).fetchall()
        return [_sample(r, r[2]) for r in rows]

    def prune(self, older_than: datetime) -> int:
        """Drop old measurements (batch work: a longer statement timeout)."""
        with self._pool.connection() as conn, conn.transaction():
            self._pool.batch(conn)
            cursor = conn.execute("DELETE FROM containr_node_metrics WHERE at < %s", (older_than,))
            return int(cursor.rowcount)


class SqliteMetricStore:
    """Measurements in the embedded database."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    def record(self, samples: list[NodeSample]) -> None:
        """Store measurements."""
        if not samples:
            return
        with self._lock, closing(self._connect()) as conn, conn:
            conn.executemany(
                f"INSERT INTO containr_node_metrics ({_COLUMNS}) "  # noqa: S608 - fixed names
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(s, s.at.isoformat()) for s in samples],
            )

    def latest(self, cluster_id: str) -> list[NodeSample]:
        """Each node's newest measurement."""
        with closing(self._connect()) as conn:
            rows = conn.execute(_LATEST.format("?"), (cluster_id,)).fetchall()
        return [_sample(r, datetime.fromisoformat(r[2])) for r in rows]

    def series(
        self, cluster_id: str, node: str, since: datetime, until: datetime
    ) -> list[NodeSample]:
        """A node's measurements in a time range, oldest first."""
        with closing(self._connect()) as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM containr_node_metrics WHERE cluster_id = ? "  # noqa: S608 - fixed names
                "AND node = ? AND at >= ? AND at <= ? ORDER BY at",
                (cluster_id, node, since.isoformat(), until.isoformat()),
            ).fetchall()
        return [_sample(r, datetime.fromisoformat(r[2])) for r in rows]

    def prune(self, older_than: datetime) -> int:
        """Drop old measurements."""
        with self._lock, closing(self._connect()) as conn, conn:
            cursor = conn.execute(
                "DELETE FROM containr_node_metrics WHERE at < ?", (older_than.isoformat(),)
            )
            return int(cursor.rowcount)
