"""Log lines in PostgreSQL or SQLite, announced on the change feed as they arrive."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from adapters.postgres import GuardedPool
from application.changes import Change, ChangeBatch, ChangeFeed
from application.logs import LogEntry, LogQuery, Stream

LOGS_SQL = {
    "postgres": [
        "CREATE TABLE IF NOT EXISTS containr_logs (id bigserial PRIMARY KEY, "
        "deployment_id uuid NOT NULL, service_id uuid NOT NULL, replica integer, "
        "stream text NOT NULL, at timestamptz NOT NULL, line text NOT NULL)",
        "CREATE INDEX IF NOT EXISTS containr_logs_deployment ON containr_logs (deployment_id, id)",
        "CREATE INDEX IF NOT EXISTS containr_logs_service ON containr_logs (service_id, id)",
    ],
    "sqlite": [
        "CREATE TABLE IF NOT EXISTS containr_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "deployment_id TEXT NOT NULL, service_id TEXT NOT NULL, replica INTEGER, "
        "stream TEXT NOT NULL, at TEXT NOT NULL, line TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS containr_logs_deployment ON containr_logs (deployment_id, id)",
        "CREATE INDEX IF NOT EXISTS containr_logs_service ON containr_logs (service_id, id)",
    ],
}
_COLUMNS = "id, deployment_id, service_id, replica, stream, at, line"


def _where(query: LogQuery, mark: str, encode: Any) -> tuple[str, list[Any]]:
    clauses: list[str] = ["id > " + mark]
    params: list[Any] = [query.after_id]
    for column, value in (
        ("service_id", query.service_id),
        ("deployment_id", query.deployment_id),
        ("replica", query.replica),
        ("stream", query.stream),
    ):
        if value is not None:
            clauses.append(f"{column} = {mark}")
            params.append(encode(value))
    if query.since is not None:
        clauses.append(f"at >= {mark}")
        params.append(encode(query.since))
    if query.until is not None:
        clauses.append(f"at <= {mark}")
        params.append(encode(query.until))
    if query.text:
        clauses.append(f"LOWER(line) LIKE {mark}")
        params.append(f"%{query.text.lower()}%")
    return " AND ".join(clauses), params


def _announce(feed: ChangeFeed | None, deployment_id: UUID, service_id: UUID, last: int) -> None:
    if feed is not None:
        feed.publish(
            ChangeBatch(
                "logs",
                last,
                [
                    Change("deployment_logs", str(deployment_id), last),
                    Change("service_logs", str(service_id), last),
                ],
            )
        )


class PostgresLogStore:
    """Log lines in the ``containr_logs`` table."""

    def __init__(self, pool: GuardedPool, feed: ChangeFeed | None = None) -> None:
        self._pool = pool
        self._feed = feed

    def append(
        self,
        deployment_id: UUID,
        service_id: UUID,
        stream: Stream,
        lines: list[str],
        *,
        replica: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Store lines; returns the last id."""
        if not lines:
            return 0
        moment = at or datetime.now(UTC)
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO containr_logs (deployment_id, service_id, replica, stream, at, line) "
                "SELECT %s, %s, %s, %s, %s, unnest(%s::text[]) RETURNING id",
                (deployment_id, service_id, replica, stream, moment, lines),
            )
            last = max(row[0] for row in cursor.fetchall())
        _announce(self._feed, deployment_id, service_id, last)
        return int(last)

    def read(self, query: LogQuery) -> list[LogEntry]:
        """Matching lines, oldest first."""
        where, params = _where(query, "%s", lambda v: v)
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM containr_logs WHERE {where} "  # noqa: S608 - fixed column names, bound values
                f"ORDER BY id {'DESC' if query.newest else ''} LIMIT %s",
                [*params, query.limit],
            ).fetchall()
        if query.newest:
            rows.reverse()
        return [
            LogEntry(
                id=r[0],
                deployment_id=r[1],
                service_id=r[2],
                replica=r[3],
                stream=r[4],
                at=r[5],
                line=r[6],
            )
            for r in rows
        ]

    def prune(self, keep_per_deployment: int) -> int:
        """Keep the newest lines of each deployment (batch work: a longer statement timeout)."""
        with self._pool.connection() as conn, conn.transaction():
            self._pool.batch(conn)
            cursor = conn.execute(
                "DELETE FROM containr_logs WHERE id IN (SELECT id FROM (SELECT id, row_number() "
                "OVER (PARTITION BY deployment_id ORDER BY id DESC) AS n FROM containr_logs) t "
                "WHERE n > %s)",
                (keep_per_deployment,),
            )
            return int(cursor.rowcount)


class SqliteLogStore:
    """Log lines in the embedded database."""

    def __init__(self, path: Path, feed: ChangeFeed | None = None) -> None:
        self._path = path
        self._feed = feed
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def append(
        self,
        deployment_id: UUID,
        service_id: UUID,
        stream: Stream,
        lines: list[str],
        *,
        replica: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Store lines; returns the last id."""
        if not lines:
            return 0
        moment = (at or datetime.now(UTC)).isoformat()
        with self._lock, closing(self._connect()) as conn, conn:
            conn.executemany(
                "INSERT INTO containr_logs (deployment_id, service_id, replica, stream, at, line) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (str(deployment_id), str(service_id), replica, stream, moment, line)
                    for line in lines
                ],
            )
            last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
        _announce(self._feed, deployment_id, service_id, last)
        return last

    def read(self, query: LogQuery) -> list[LogEntry]:
        """Matching lines, oldest first."""
        where, params = _where(query, "?", _sqlite_value)
        with closing(self._connect()) as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM containr_logs WHERE {where} "  # noqa: S608 - fixed column names, bound values
                f"ORDER BY id {'DESC' if query.newest else ''} LIMIT ?",
                [*params, query.limit],
            ).fetchall()
        if query.newest:
            rows.reverse()
        return [
            LogEntry(
                id=r[0],
                deployment_id=UUID(r[1]),
                service_id=UUID(r[2]),
                replica=r[3],
                stream=r[4],
                at=datetime.fromisoformat(r[5]),
                line=r[6],
            )
            for r in rows
        ]

    def prune(self, keep_per_deployment: int) -> int:
        """Keep the newest lines of each deployment."""
        with self._lock, closing(self._connect()) as conn, conn:
            cursor = conn.execute(
                "DELETE FROM containr_logs WHERE id IN (SELECT id FROM (SELECT id, row_number() "
                "OVER (PARTITION BY deployment_id ORDER BY id DESC) AS n FROM containr_logs) "
                "WHERE n > ?)",
                (keep_per_deployment,),
            )
            return int(cursor.rowcount)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
