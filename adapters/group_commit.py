"""Group commit: saves that arrive while a commit is in flight share the next transaction.

Writes to the events table are serialised anyway (``LOCK TABLE … EXCLUSIVE`` keeps the
notification ids in commit order), so a command waiting for the lock may as well wait for
the commit in flight in its own process and then go out with every other command that
arrived meanwhile: one leader writes the whole group in ONE transaction and one round trip:
one call of a function the migration creates beside the events table (lock, NOTIFY, one
INSERT, in the statement's own transaction), or, where it is missing, the same statements
pipelined between BEGIN and COMMIT. A lone command never waits: it leads a group of one at
once.

Two groups may be in flight at once. The second waits in PostgreSQL for the first's table
lock and runs the moment the first commits, while the first group's commands already
compute their next step: the commit's wait (its fsync) overlaps work instead of stalling
every command of the process. A group goes out

- when none is in flight: once at least as many saves are queued as commands of this
  process are still computing (up to GATHER_WAIT), so that the rest make the next group;
- when one is in flight: once every command running in this process has queued its save
  or is in that group. Saves made outside a counted command (``running``) cannot tell
  whether more are coming, so they wait for the group in flight, as one group.

Each command keeps its own optimistic-concurrency check and fails alone. The INSERT skips
the events of every command that

- would take a version that is already recorded (the library's primary-key conflict),
- would take the same version as an earlier command of the group,
- read an aggregate (``read_versions``: id → the version it saw, 0 for "none") that has
  events after that version now, or that an earlier command of the group writes.

Such a command gets IntegrityError, as it would have from the library, so the bus retries
it; the others get their own notification ids. Anything else that goes wrong fails the
whole group and, the transaction being rolled back, leaves nothing half-written.
"""

from __future__ import annotations

import copy
import logging
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, PersistenceError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.adapt import Dumper
from psycopg.errors import UndefinedFunction
from psycopg.postgres import types as pg_types
from psycopg.pq import Format, TransactionStatus
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 2
"""Groups written at once, each on a connection of its own (PostgreSQL runs them in turn)."""
MAX_GROUP_EVENTS = 5000
"""A group stops growing at this many events (the commands after it go in the next one)."""
GATHER_WAIT = 0.002
"""How long a leader waits at most for the commands this process is running to queue their
saves too (only while there are such commands: a lone command never waits)."""
RETRY_WAIT = 0.05
"""How long the next group waits for a command the last one refused to come back (retried
by the bus); without it the retry, a little behind, would lose to newer commands again."""


class _Save:
    """One command's save, waiting for the group that writes it."""

    __slots__ = (
        "done",
        "error",
        "events",
        "ids",
        "on_commit",
        "queued_at",
        "reads",
        "retried",
        "since",
        "taken",
        "wake",
    )

    def __init__(
        self,
        events: Sequence[StoredEvent],
        reads: Mapping[UUID, int],
        since: float | None,
        on_commit: Callable[[], None] | None,
        lock: threading.Lock,
    ) -> None:
        self.events = events
        self.reads = reads
        self.queued_at = time.monotonic()
        self.retried = since is not None
        """Whether the command comes back when refused (it says when it first tried)."""
        self.since = self.queued_at if since is None else since
        self.on_commit = on_commit
        self.ids: list[int] = []
        self.error: BaseException | None = None
        self.taken = False
        """In a group being written."""
        self.done = False
        self.wake = threading.Condition(lock)
        """Its thread waits on it: for its group to be written, or for its turn to lead."""


class GroupCommitRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL application recorder with group commit and read checks."""

    verifies_reads = True
    """Saves may pass ``read_versions``: the versions of the aggregates a command read."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self._lock = threading.Lock()
        """Guards the queue and the counts; each save's thread waits on a condition of it."""
        self._running = 0
        """Commands of this process between their start and their save (``running``)."""
        self._queue: list[_Save] = []
        self._in_flight = 0
        """Groups being written."""
        self._writing = 0
        """Saves in the groups being written."""
        self._retrying: dict[float, float] = {}
        """Commands the last groups refused (by ``since``): until when a retry is awaited."""
        table = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name)
        )
        # Rendered once: composing SQL objects costs more per execute than sending them.
        self._lock_statements = [_rendered(s) for s in self.lock_table_statements]
        notify = SQL("NOTIFY {}").format(Identifier(self.channel_name))
        self._notify_statement = notify.as_bytes(None)
        self._group_statement = (
            SQL(_GROUP_INSERT).format(table=table, **_PIPELINED_ARGUMENTS).as_bytes(None)
        )
        function = SQL("{}.{}").format(
            Identifier(self.datastore.schema),
            Identifier(f"{self.events_table_name}_group_insert_v1"),
        )
        self.sql_create_statements.append(
            SQL(_GROUP_FUNCTION).format(
                function=function,
                table=table,
                channel=Identifier(self.channel_name),
                query=SQL(_GROUP_INSERT).format(table=table, **_FUNCTION_ARGUMENTS),
            )
        )
        self._call_statement = SQL(_GROUP_CALL).format(function=function).as_bytes(None)
        self._lock_timeout = f"{self.datastore.lock_timeout}s"
        self.by_function = True
        """Whether the group goes in one call of the function (False once found missing)."""

    @property
    def waiting(self) -> int:
        """How many saves wait for a group (the one being written not counted)."""
        with self._lock:
            return len(self._queue)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record one command's events in the next group; IntegrityError on a conflict.

        Optional keywords: ``read_versions`` (see the module), ``since`` (when the command
        first tried: in a group, older commands go first and win conflicts, so a command
        that keeps being retried is not starved), ``on_commit`` (called once the events
        are committed, before the other commands of the group learn their outcome).
        """
        read_versions: Mapping[UUID, int] = kwargs.pop("read_versions", None) or {}
        since: float | None = kwargs.pop("since", None)
        on_commit: Callable[[], None] | None = kwargs.pop("on_commit", None)
        if kwargs.get("tracking") is not None or self.datastore.enable_db_functions:
            # The library's retry decorator is untyped.
            return super().insert_events(stored_events, **kwargs)  # type: ignore[no-any-return]
        if not stored_events:
            return []
        save = _Save(stored_events, read_versions, since, on_commit, self._lock)
        self._take_part(save)
        if save.error is not None:
            raise save.error
        return save.ids

    def _take_part(self, save: _Save) -> None:
        """Wait until ``save`` is written, leading a group when the turn is its own.

        A queued save's thread leads the next group as soon as one may go out (see
        ``_wait_before_group``); whatever makes that so wakes the oldest queued save, so a
        group never waits for a thread that nobody woke.
        """
        with self._lock:
            self._queue.append(save)
            self._retrying.pop(save.since, None)
            while not save.done:
                if save.taken:
                    save.wake.wait()
                    continue
                wait = self._wait_before_group()
                if wait == 0:
                    self._lead()
                elif save is self._queue[0]:  # the one to go when time is up
                    save.wake.wait(wait)
                else:
                    save.wake.wait()

    def _lead(self) -> None:
        """Write the next group (called and returning with the lock held, released while
        the group is written)."""
        group = self._next_group()
        self._in_flight += 1
        self._writing += len(group)
        if self._queue:  # saves the group left out: the oldest of them decides anew
            self._queue[0].wake.notify()
        self._lock.release()
        try:
            self._write(group)
        finally:
            self._lock.acquire()
            self._in_flight -= 1
            self._writing -= len(group)
            for member in group:
                member.wake.notify()
            if self._queue:  # the oldest queued save decides anew (now, or when)
                self._queue[0].wake.notify()

    def _wait_before_group(self) -> float | None:
        """How long the next group waits before it goes out: 0 (now), seconds, or None
        (until something changes: a group ends, a command queues or ends).

        Commands the last groups refused are waited for (up to RETRY_WAIT: retried at once,
        they would otherwise lose to newer commands again). Then, with no group in flight,
        a group goes once at least as many saves are queued as commands of this process
        are still computing (the rest make the next group), or once the oldest has waited
        GATHER_WAIT: every save that misses a group waits for a commit, so waiting a
        moment makes groups larger. With one in flight, the next goes once every running
        command has queued its save or is in that group. Never more than MAX_IN_FLIGHT.
        """
        now = time.monotonic()
        if self._retrying:
            for since, until in list(self._retrying.items()):
                if until <= now:
                    del self._retrying[since]
            if self._retrying:
                return min(self._retrying.values()) - now
        if self._in_flight >= MAX_IN_FLIGHT:
            return None
        queued = len(self._queue)
        computing = self._running - queued - self._writing
        if self._in_flight == 0:
            if queued >= computing:
                return 0
            return max(0.0, self._queue[0].queued_at + GATHER_WAIT - now)
        return 0 if self._running > 0 and computing <= 0 else None

    def _wake_next(self) -> None:
        """Wake the oldest queued save if the next group may go out now."""
        if self._queue and self._wait_before_group() == 0:
            self._queue[0].wake.notify()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count a command as running for the block (its save, if any, made inside it)."""
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._wake_next()

    def _next_group(self) -> list[_Save]:
        """The saves waiting, oldest first, up to MAX_GROUP_EVENTS events (at least one)."""
        size = 0
        for count, save in enumerate(self._queue):
            size += len(save.events)
            if size > MAX_GROUP_EVENTS and count:
                break
        else:
            count = len(self._queue)
        group, self._queue = self._queue[:count], self._queue[count:]
        group.sort(key=lambda save: save.since)
        for save in group:
            save.taken = True
        return group

    def _write(self, group: list[_Save]) -> None:
        """Write ``group`` in one transaction; every save in it ends done (ids or error)."""
        try:
            try:
                written, refused = self._insert_group(group)
            except Exception as e:  # the whole transaction is rolled back: all fail alike
                for number, save in enumerate(group):
                    # Each thread raises an exception of its own (tracebacks are per raise).
                    save.error = e if number == 0 else _copy_of(e)
                return
            self._expect_retries(group[number] for number in refused)
            for number, save in enumerate(group):
                if number in refused:
                    save.error = IntegrityError(
                        "a concurrent command changed an aggregate this command used"
                    )
                    continue
                save.ids = [written[e.originator_id, e.originator_version] for e in save.events]
                if save.on_commit is not None:
                    try:
                        save.on_commit()
                    except Exception:  # the events are committed whatever happens here
                        log.exception("after committing a command's events")
        finally:
            for save in group:
                if save.error is None and not save.ids:  # the leader was interrupted
                    save.error = PersistenceError("the commit of this command's group failed")
                save.done = True

    def _expect_retries(self, refused: Iterable[_Save]) -> None:
        """The next group waits a moment for these refused commands to come back."""
        with self._lock:
            until = time.monotonic() + RETRY_WAIT
            for save in refused:
                if save.retried:
                    self._retrying[save.since] = until

    def _insert_group(
        self, group: list[_Save]
    ) -> tuple[dict[tuple[UUID | str, int], int], set[int]]:
        """One round trip: the function's call, or BEGIN, lock, NOTIFY, INSERT, COMMIT."""
        params = _group_params(group)
        with self.datastore.get_connection() as conn:
            # The connection is in autocommit mode: the call is a transaction of its own.
            rows = self._call(conn, params) if self.by_function else None
            if rows is None:
                rows = self._pipelined(conn, params)
        written: dict[tuple[UUID | str, int], int] = {}
        refused: set[int] = set()
        for originator_id, version, notification_id, refusal in rows:
            if refusal is None:
                written[originator_id, version] = notification_id
            else:
                refused.add(refusal)
        return written, refused

    def _call(self, conn: Any, params: dict[str, _Array]) -> list[Any] | None:
        """The group written by the function; None where the migration has not created it."""
        try:
            # Plain tuples: the library's connections make a dict of every row.
            rows: list[Any] = (
                conn.cursor(row_factory=tuple_row)
                .execute(
                    self._call_statement,
                    {**params, "lock_timeout": self._lock_timeout},
                    prepare=True,
                )
                .fetchall()
            )
        except UndefinedFunction:  # a schema migrated by an older version: nothing written
            log.warning("the events table has no group insert function: migrate the database")
            self.by_function = False
            return None
        return rows

    def _pipelined(self, conn: Any, params: dict[str, _Array]) -> list[Any]:
        """The group written by statements sent together between BEGIN and COMMIT."""
        # BEGIN and COMMIT go in the pipeline with the rest, and nothing waits for an
        # answer before the end.
        control, insert = conn.cursor(), conn.cursor(row_factory=tuple_row)
        try:
            with conn.pipeline():
                control.execute(b"BEGIN")
                for lock_statement in self._lock_statements:
                    control.execute(lock_statement, prepare=True)
                control.execute(self._notify_statement, prepare=True)
                insert.execute(self._group_statement, params, prepare=True)
                control.execute(b"COMMIT")
            rows: list[Any] = insert.fetchall()
        finally:
            if conn.info.transaction_status != TransactionStatus.IDLE:
                conn.rollback()  # a statement failed: the group leaves no trace
        return rows


def _group_params(group: list[_Save]) -> dict[str, _Array]:
    """The group as column arrays: its events and its reads, each with its command's number."""
    cmd: list[int] = []
    oid: list[UUID | str] = []
    ver: list[int] = []
    topic: list[str] = []
    state: list[bytes] = []
    rcmd: list[int] = []
    roid: list[UUID] = []
    rver: list[int] = []
    for number, save in enumerate(group):
        for event in save.events:
            cmd.append(number)
            oid.append(event.originator_id)
            ver.append(event.originator_version)
            topic.append(event.topic)
            state.append(event.state)
        for aggregate_id, version in save.reads.items():
            rcmd.append(number)
            roid.append(aggregate_id)
            rver.append(version)
    return {
        "cmd": _Int4Array.of(cmd),
        "oid": _UuidArray.of(oid),
        "ver": _Int8Array.of(ver),
        "topic": _TextArray.of(topic),
        "state": _ByteaArray.of(state),
        "rcmd": _Int4Array.of(rcmd),
        "roid": _UuidArray.of(roid),
        "rver": _Int8Array.of(rver),
    }


# The group's arrays go as parameters already in PostgreSQL's binary form: psycopg would
# otherwise work out each list's element type and dumper, and dump it element by element,
# for every group (a good part of a small command's time in this process).
_HEADER = struct.Struct("!iiiii")
"""A one-dimensional array without NULLs: dimensions, NULLs flag, element type, length,
lower bound."""
_EMPTY = struct.Struct("!iii")
"""An array without dimensions: dimensions (0), NULLs flag, element type."""
_LENGTH = struct.Struct("!i")
_INT4 = struct.Struct("!ii")
_INT8 = struct.Struct("!iq")
_UUID_LENGTH = _LENGTH.pack(16)


class _Array(bytes):
    """An array parameter in PostgreSQL's binary form."""

    element_oid: ClassVar[int]

    @classmethod
    def packed(cls, count: int, elements: bytes) -> _Array:
        if not count:
            return cls(_EMPTY.pack(0, 0, cls.element_oid))
        return cls(_HEADER.pack(1, 0, cls.element_oid, count, 1) + elements)


class _Int4Array(_Array):
    element_oid = pg_types["int4"].oid

    @classmethod
    def of(cls, values: list[int]) -> _Array:
        return cls.packed(len(values), b"".join([_INT4.pack(4, v) for v in values]))


class _Int8Array(_Array):
    element_oid = pg_types["int8"].oid

    @classmethod
    def of(cls, values: list[int]) -> _Array:
        return cls.packed(len(values), b"".join([_INT8.pack(8, v) for v in values]))


class _UuidArray(_Array):
    element_oid = pg_types["uuid"].oid

    @classmethod
    def of(cls, values: Sequence[UUID | str]) -> _Array:
        return cls.packed(
            len(values),
            b"".join(
                [_UUID_LENGTH + (v if isinstance(v, UUID) else UUID(v)).bytes for v in values]
            ),
        )


class _TextArray(_Array):
    element_oid = pg_types["text"].oid

    @classmethod
    def of(cls, values: list[str]) -> _Array:
        encoded = [v.encode() for v in values]
        return cls.packed(len(values), b"".join([_LENGTH.pack(len(v)) + v for v in encoded]))


class _ByteaArray(_Array):
    element_oid = pg_types["bytea"].oid

    @classmethod
    def of(cls, values: list[bytes]) -> _Array:
        return cls.packed(len(values), b"".join([_LENGTH.pack(len(v)) + v for v in values]))


def _array_dumper(array: type[_Array]) -> type[Dumper]:
    class ArrayDumper(Dumper):
        format = Format.BINARY
        oid = pg_types[array.element_oid].array_oid

        def dump(self, obj: Any) -> bytes:
            return obj  # type: ignore[no-any-return]

    return ArrayDumper


for _kind in (_Int4Array, _Int8Array, _UuidArray, _TextArray, _ByteaArray):
    # Only ever given by this module: the group commit's own parameter types.
    psycopg.adapters.register_dumper(_kind, _array_dumper(_kind))


def _rendered(statement: object) -> bytes:
    if isinstance(statement, SQL | Composed):
        return statement.as_bytes(None)
    assert isinstance(statement, bytes | str), statement
    return statement.encode() if isinstance(statement, str) else statement


def _copy_of(error: Exception) -> BaseException:
    try:
        twin = copy.copy(error)
    except Exception:  # an exception that cannot be copied: share it
        return error
    twin.__cause__ = error.__cause__
    return twin


# Under the table lock, so the checks see every recorded event: a command is refused when
# it takes a recorded version, a version an earlier command of the group takes, or read an
# aggregate that has moved on since (in the table, or by an earlier command of the group).
# The lookups in the table are LATERAL … LIMIT 1 so that they stay primary-key probes: as a
# join, "version > read version" made the planner scan the whole table.
_GROUP_INSERT = """
WITH batch AS (
  SELECT * FROM unnest({cmd}, {oid}, {ver}, {topic}, {state})
    WITH ORDINALITY AS b(cmd, oid, ver, topic, state, ord)
), reads AS (
  SELECT * FROM unnest({rcmd}, {roid}, {rver}) AS r(cmd, oid, ver)
), refused AS (
  SELECT b.cmd FROM batch b CROSS JOIN LATERAL (
    SELECT 1 FROM {table} e
    WHERE e.originator_id = b.oid AND e.originator_version = b.ver LIMIT 1
  ) taken
  UNION
  SELECT later.cmd FROM batch earlier
    JOIN batch later ON later.oid = earlier.oid AND later.ver = earlier.ver
    AND earlier.cmd < later.cmd
  UNION
  SELECT r.cmd FROM reads r CROSS JOIN LATERAL (
    SELECT 1 FROM {table} e
    WHERE e.originator_id = r.oid AND e.originator_version > r.ver LIMIT 1
  ) newer
  UNION
  SELECT r.cmd FROM reads r JOIN batch b ON b.oid = r.oid AND b.cmd < r.cmd
), written AS (
  INSERT INTO {table} (originator_id, originator_version, topic, state)
  SELECT oid, ver, topic, state FROM batch
  WHERE cmd NOT IN (SELECT cmd FROM refused)
  ORDER BY ord
  RETURNING originator_id, originator_version, notification_id
)
SELECT originator_id, originator_version, notification_id, NULL::int AS refused FROM written
UNION ALL
SELECT NULL, NULL, NULL, cmd FROM refused
"""

_COLUMNS = {
    "cmd": "int[]",
    "oid": "uuid[]",
    "ver": "bigint[]",
    "topic": "text[]",
    "state": "bytea[]",
    "rcmd": "int[]",
    "roid": "uuid[]",
    "rver": "bigint[]",
}
"""The group's parameters (see ``_group_params``), in the function's order, and their types."""
_PIPELINED_ARGUMENTS = {name: SQL(f"%({name})b::{kind}") for name, kind in _COLUMNS.items()}
_FUNCTION_ARGUMENTS = {name: SQL(f"${number}") for number, name in enumerate(_COLUMNS, 1)}

# The lock, the notice and the insert in one statement: one message to send, one
# transaction (the statement's own) to commit, and only one statement to bind and run.
# (``use_column``: in the query, the names of the table's columns mean the columns.)
_GROUP_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}(
  int[], uuid[], bigint[], text[], bytea[], int[], uuid[], bigint[], text
) RETURNS TABLE (
  originator_id uuid, originator_version bigint, notification_id bigint, refused int
) LANGUAGE plpgsql AS $body$
#variable_conflict use_column
BEGIN
  PERFORM set_config('lock_timeout', $9, true);
  LOCK TABLE {table} IN EXCLUSIVE MODE;
  NOTIFY {channel};
  RETURN QUERY {query};
END
$body$
"""
# Binary parameters: psycopg's text form of arrays quotes and hex-encodes every element.
_GROUP_CALL = """
SELECT * FROM {function}(
  %(cmd)b::int[], %(oid)b::uuid[], %(ver)b::bigint[], %(topic)b::text[], %(state)b::bytea[],
  %(rcmd)b::int[], %(roid)b::uuid[], %(rver)b::bigint[], %(lock_timeout)s
)
"""
