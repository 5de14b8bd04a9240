"""PostgreSQL connections with deadlines, and an absent database as UnavailableError.

Every connection Containr opens has a connect timeout, a statement timeout, an
idle-in-transaction timeout and TCP keepalives. Pools wait a bounded time for a connection,
hand out only connections whose server is still there, and once the database has failed to
answer they wait only briefly until it answers again: a request that touches several stores
fails fast instead of waiting once per store. Failing to reach the database inside a pool's
``connection()`` block becomes ``UnavailableError`` at this boundary, for every store built
on these pools, the event store included (``GuardedPostgresFactory``).
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

import msgspec
import psycopg
from eventsourcing.postgres import ConnectionPool as LibraryPool
from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment, EnvType
from psycopg.adapt import Buffer
from psycopg.conninfo import conninfo_to_dict
from psycopg.types import string as text_types
from psycopg_pool import PoolTimeout

from adapters.group_commit import GroupCommitRecorder
from application.errors import UnavailableError
from application.settings import Settings

UNAVAILABLE = "the database did not answer in time; try again"
OUTAGE_WAIT = 0.25
"""How long a request waits for a pooled connection while the database is known to be away."""
RECONNECT_SECONDS = 5.0
"""How long a pool keeps retrying one lost connection (backing off) before it lets the next
request start afresh: bounds how late a pool notices that the database is back."""
IDLE_IN_TRANSACTION_MS = 10_000
API_TCP_USER_TIMEOUT_MS = 5_000
BATCH_TCP_USER_TIMEOUT_MS = 30_000


NUL_STAND_IN = "\ufffd"
"""What U+0000 becomes in PostgreSQL text, which cannot hold it (see ``storable_text``)."""


def storable_text(conn: psycopg.Connection[Any]) -> None:
    """Let ``conn`` store any Python text: U+0000, which PostgreSQL text cannot hold, is
    written as U+FFFD (the replacement character) in parameters, filters and COPY alike.

    Read models and logs hold what events and containers said, and an event is never
    refused once recorded: without this one NUL in one event's text would stop a read model
    for good, and a NUL in a filter would fail the query. (SQLite keeps NUL as it is.)
    """
    for dumper in _STORABLE_TEXT:
        conn.adapters.register_dumper(str, dumper)


class _Storable:
    def dump(self, obj: str) -> Buffer | None:
        if "\x00" in obj:
            obj = obj.replace("\x00", NUL_STAND_IN)
        return super().dump(obj)  # type: ignore[misc, no-any-return]


def plain_text(cursor: psycopg.Cursor[Any]) -> None:
    """Let ``cursor`` write text through psycopg's own (C) dumpers, not ``storable_text``'s.

    Twice as fast per value, for COPY's millions of values; but PostgreSQL refuses text
    with a NUL (``CharacterNotInRepertoire``), so whoever uses it must be ready to write the
    same rows again through a cursor with the connection's storable dumpers."""
    for dumper in _PLAIN_TEXT:
        cursor.adapters.register_dumper(str, dumper)


# In psycopg's own order (types/string.py): the last one registered per format is the default.
_PLAIN_TEXT = (
    text_types.StrBinaryDumperName,
    text_types.StrBinaryDumperVarchar,
    text_types.StrBinaryDumper,
    text_types.StrDumperName,
    text_types.StrDumperVarchar,
    text_types.StrDumper,
    text_types.StrDumperUnknown,
)
_STORABLE_TEXT = tuple(
    type(f"Storable{base.__name__}", (_Storable, base), {}) for base in _PLAIN_TEXT
)


class DatabaseLimits(msgspec.Struct, frozen=True, kw_only=True):
    """How long Containr waits on PostgreSQL (see the CONTAINR_DATABASE_* settings)."""

    connect_timeout: int = 2
    pool_timeout: float = 2.0
    statement_timeout_ms: int = 3000
    batch_statement_timeout_ms: int = 60_000

    @classmethod
    def of(cls, settings: Settings) -> DatabaseLimits:
        """The limits the settings ask for."""
        return cls(
            connect_timeout=settings.database_connect_timeout,
            pool_timeout=settings.database_pool_timeout_ms / 1000,
            statement_timeout_ms=settings.database_statement_timeout_ms,
            batch_statement_timeout_ms=settings.database_batch_statement_timeout_ms,
        )

    def library_env(self) -> dict[str, str]:
        """The limits as entries of the event-store library's environment."""
        return {"CONTAINR_DATABASE_LIMITS": msgspec.json.encode(self).decode()}

    @classmethod
    def from_library_env(cls, env: Environment) -> DatabaseLimits:
        """The limits ``library_env`` put in the library's environment (defaults if none)."""
        encoded = env.get("CONTAINR_DATABASE_LIMITS")
        return cls() if not encoded else msgspec.json.decode(encoded, type=cls)

    def connection_kwargs(
        self,
        *,
        batch: bool = False,
        search_path: str | None = None,
        statement_timeout_ms: int | None = None,
    ) -> dict[str, Any]:
        """psycopg connection options: API work (short statements) or ``batch`` work."""
        statement = (
            statement_timeout_ms
            if statement_timeout_ms is not None
            else self.batch_statement_timeout_ms
            if batch
            else self.statement_timeout_ms
        )
        idle = max(statement, IDLE_IN_TRANSACTION_MS)
        options = f"-c statement_timeout={statement} -c idle_in_transaction_session_timeout={idle}"
        if search_path is not None:
            options += f" -c search_path={search_path}"
        return {
            "connect_timeout": self.connect_timeout,
            # Text is UTF-8 whatever the database's own encoding (a SQL_ASCII database would
            # otherwise hand back bytes, and every read would come back wrong).
            "client_encoding": "utf8",
            "options": options,
            # A server that vanished without closing its sockets (a cut network, a dead
            # host) is noticed by the kernel instead of waited on for ever.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": BATCH_TCP_USER_TIMEOUT_MS if batch else API_TCP_USER_TIMEOUT_MS,
        }


class DatabaseHealth:
    """Whether this process last found a database answering, shared by all its pools."""

    def __init__(self) -> None:
        self._down_since: float | None = None

    @property
    def up(self) -> bool:
        """No failure since the last answer."""
        return self._down_since is None

    def failed(self) -> None:
        """A connection attempt or a wait for a connection failed."""
        if self._down_since is None:
            self._down_since = time.monotonic()

    def answered(self) -> None:
        """The database answered."""
        self._down_since = None


_HEALTH: dict[tuple[str, str, str], DatabaseHealth] = {}
_HEALTH_LOCK = threading.Lock()


def health_of(params: Mapping[str, Any]) -> DatabaseHealth:
    """The shared health record of the database that connection ``params`` point at."""
    key = (
        str(params.get("host") or ""),
        str(params.get("port") or "5432"),
        str(params.get("dbname") or ""),
    )
    with _HEALTH_LOCK:
        return _HEALTH.setdefault(key, DatabaseHealth())


class GuardedPool(LibraryPool[Any]):
    """A psycopg pool with deadlines that turns an absent database into UnavailableError."""

    def __init__(self, conninfo: str = "", *, limits: DatabaseLimits, **options: Any) -> None:
        # Before the pool opens: its workers connect at once and report to ``health``.
        self.limits = limits
        self.health = health_of({**conninfo_to_dict(conninfo), **(options.get("kwargs") or {})})
        options.setdefault("timeout", limits.pool_timeout)
        options.setdefault("reconnect_timeout", RECONNECT_SECONDS)
        super().__init__(conninfo, **options)

    def getconn(self, timeout: float | None = None) -> Any:
        """A live connection, waiting at most the pool timeout (briefly while the database
        is known to be away)."""
        if timeout is None:
            timeout = self.timeout if self.health.up else min(self.timeout, OUTAGE_WAIT)
        deadline = time.monotonic() + timeout
        suspicious = False  # a connection was found dead: the server may be gone
        while (left := deadline - time.monotonic()) > 0:
            try:
                # Once suspicious, wait in short slices and give up as soon as the pool
                # fails to connect, rather than for the whole timeout.
                conn = super().getconn(min(left, OUTAGE_WAIT) if suspicious else left)
            except PoolTimeout:
                if not suspicious or not self.health.up:
                    raise
                continue
            if _alive(conn):
                return conn
            self.putconn(conn)  # broken now: the pool replaces it
            suspicious = True
        raise PoolTimeout(f"no live connection in {self.name!r} after {timeout:.2f} sec")

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[Any]:
        """A connection for the block; failing to reach the database raises UnavailableError."""
        conn = None
        try:
            with super().connection(timeout) as conn:
                yield conn
        except psycopg.OperationalError as e:
            # Pool timeouts, lost connections, statement and lock timeouts, shutdowns.
            if conn is None or conn.broken or isinstance(e, PoolTimeout):
                self.health.failed()
            raise UnavailableError(UNAVAILABLE) from e
        self.health.answered()

    def batch(self, conn: psycopg.Connection[Any]) -> None:
        """Give the transaction open on ``conn`` the statement timeout of batch work."""
        conn.execute(
            "SELECT set_config('statement_timeout', %s, true)",
            (str(self.limits.batch_statement_timeout_ms),),
        )

    def _connect(self, timeout: float | None = None) -> Any:
        try:
            conn = super()._connect(timeout)
        except psycopg.OperationalError:
            self.health.failed()
            raise
        self.health.answered()
        return conn


def _alive(conn: psycopg.Connection[Any]) -> bool:
    """Whether an idle pooled connection's server is still there.

    An idle connection has nothing to read unless its server closed it (a restart, an
    immediate shutdown) or sent a notice; only then is it checked with a round trip.
    """
    if conn.closed or conn.broken:
        return False
    try:
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
        if not poller.poll(0):
            return True
        LibraryPool.check_connection(conn)
    except (OSError, ValueError, psycopg.Error):
        return False
    return True


@contextmanager
def unavailable_when_unreachable() -> Iterator[None]:
    """Raise UnavailableError when the block fails to reach the database."""
    try:
        yield
    except psycopg.OperationalError as e:
        raise UnavailableError(UNAVAILABLE) from e


def connect(
    url: str, limits: DatabaseLimits, *, purpose: str, **options: Any
) -> psycopg.Connection[Any]:
    """A connection of its own (not pooled) with the limits of batch work.

    ``options`` go to psycopg (``autocommit``, ``search_path``…); failing to reach the
    database raises UnavailableError.
    """
    statement = options.pop("statement_timeout_ms", None)
    search_path = options.pop("search_path", None)
    kwargs = limits.connection_kwargs(
        batch=True, search_path=search_path, statement_timeout_ms=statement
    )
    name = f"containr:{purpose}:{socket.gethostname()}:{os.getpid()}"[:63]
    with unavailable_when_unreachable():
        return psycopg.connect(url, application_name=name, **kwargs, **options)


def database_answers(url: str, limits: DatabaseLimits) -> bool:
    """Whether the database accepts a connection and answers ``SELECT 1`` (readiness).

    Takes at most the connect timeout; run it with a deadline of your own for a faster
    answer. The result also tells this process's pools whether to wait for connections.
    """
    health = health_of(conninfo_to_dict(url))
    try:
        with psycopg.connect(
            url,
            autocommit=True,
            **limits.connection_kwargs(statement_timeout_ms=1000),
            application_name=f"containr:readiness:{os.getpid()}",
        ) as conn:
            conn.execute("SELECT 1").fetchall()
    except psycopg.Error:
        health.failed()
        return False
    health.answered()
    return True


class GuardedPostgresFactory(PostgresFactory):
    """The event-store library's PostgreSQL persistence, its pool replaced by a GuardedPool.

    Selected with ``PERSISTENCE_MODULE`` in the environment bootstrap hands the library.
    The library retries failed reads and writes ten times; a GuardedPool raises
    UnavailableError instead of the errors it retries, so a request fails within its
    deadline and the client re-sends (with its client mutation id).

    Its application recorder group-commits concurrent saves (adapters/group_commit.py).
    """

    application_recorder_class = GroupCommitRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        limits = DatabaseLimits.from_library_env(self.env)
        datastore = self.datastore
        unopened = datastore.pool  # built with open=False: nothing to close
        kwargs = {**cast(dict[str, Any], unopened.kwargs or {}), **limits.connection_kwargs()}
        # The event store's statements are prepared and their plans never depend on the
        # values (primary-key and notification-id probes, the group commit's unnest): a
        # custom plan per execution only adds planning time, about a quarter of a
        # millisecond per command for the group commit's INSERT.
        kwargs["options"] += " -c plan_cache_mode=force_generic_plan"
        datastore.pool = GuardedPool(
            limits=limits,
            connection_class=unopened.connection_class,
            kwargs=kwargs,
            min_size=unopened.min_size,
            max_size=unopened.max_size,
            max_waiting=unopened.max_waiting,
            max_lifetime=unopened.max_lifetime,
            configure=datastore.after_connect_func(),
            name="containr-events",
            open=False,
        )
